-- Set-up from nothing: a school may be special or alternative provision as well as primary, secondary
-- or all-through (the phases a school chooses in `sendboard init` and `sendboard school add`).
-- DuckDB cannot change a CHECK constraint in place, so the table is rebuilt with its rows and the same
-- six columns in the same order (code and tests insert into it by position); the scope macros name the
-- table, not its definition, so they keep working.

CREATE TABLE schools_014 (
    school_id        INTEGER PRIMARY KEY,
    urn              VARCHAR NOT NULL UNIQUE,
    name             VARCHAR NOT NULL,
    phase            VARCHAR NOT NULL CHECK (phase IN ('primary', 'secondary', 'all-through', 'special', 'alternative')),
    local_authority  VARCHAR,
    trust            VARCHAR
);
INSERT INTO schools_014 SELECT school_id, urn, name, phase, local_authority, trust FROM schools;
DROP TABLE schools;
ALTER TABLE schools_014 RENAME TO schools;

-- The local authority's three-digit DfE code (GIAS "LA (code)", e.g. 383 for Leeds), beside the name
-- that schools.local_authority holds. Kept apart so the schools table keeps its shape.
CREATE TABLE school_la_codes (
    school_id  INTEGER PRIMARY KEY,
    la_code    VARCHAR NOT NULL
);
