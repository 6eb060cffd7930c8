-- Governors' pack: the head's commentary for each section, per school and academic year. One row per
-- section (the latest text); every save is audited (audit_log holds the old and new text).
CREATE TABLE governor_commentary (
    school_id      INTEGER NOT NULL,
    academic_year  INTEGER NOT NULL,
    section        VARCHAR NOT NULL,
    text           VARCHAR NOT NULL,
    updated_by     VARCHAR NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (school_id, academic_year, section)
);
