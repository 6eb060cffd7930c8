-- A school's resourced provision (or SEN unit): the DfE's school census records whether a mainstream school
-- has one and the type of need it is for. It explains a school's higher share of EHC plans when the schools
-- of a trust are compared. A separate table (not a column of schools) so that existing inserts keep working.
CREATE TABLE school_resourced_provision (
    school_id  INTEGER PRIMARY KEY,
    need_code  VARCHAR NOT NULL          -- census need code the provision is for, e.g. 'ASD'
);
