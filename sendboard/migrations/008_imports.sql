-- Data in and out (issue #9): the history of imports, and what each one changed so it can be undone.
-- An import is one batch of files committed in one transaction. import_changes keeps, for every row the
-- batch added or changed, the row's natural key and (for a change) the whole row as it was before, as
-- JSON. Undo deletes the rows by key and puts the old rows back, so the prior state is restored exactly.
-- Erasing a pupil also deletes the import_changes rows that hold that pupil's data.
CREATE SEQUENCE IF NOT EXISTS import_seq START 1;

CREATE TABLE imports (
    import_id     INTEGER PRIMARY KEY DEFAULT nextval('import_seq'),
    imported_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    username      VARCHAR,
    school_id     INTEGER,
    file_count    INTEGER NOT NULL,
    added         INTEGER NOT NULL DEFAULT 0,
    changed       INTEGER NOT NULL DEFAULT 0,
    unchanged     INTEGER NOT NULL DEFAULT 0,
    undone_at     TIMESTAMP,
    undone_by     VARCHAR
);

-- One row per file in an import: name, fingerprint, what kind of data it held, and its counts.
CREATE TABLE import_files (
    import_id   INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    file_name   VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    rows        INTEGER NOT NULL,
    PRIMARY KEY (import_id, position)
);

-- op: 'insert' (row_key names a row the import added) or 'update' (old_row is the row before it).
CREATE TABLE import_changes (
    import_id   INTEGER NOT NULL,
    table_name  VARCHAR NOT NULL,
    op          VARCHAR NOT NULL CHECK (op IN ('insert', 'update')),
    pupil_id    INTEGER,
    row_key     VARCHAR NOT NULL,
    old_row     VARCHAR
);
CREATE INDEX idx_import_changes_import ON import_changes (import_id);
