-- Set-up from nothing: a school may be special or alternative provision as well as primary, secondary
-- or all-through (the phases a school chooses in `sendboard init` and `sendboard school add`), and a
-- school keeps its local authority's three-digit code (GIAS "LA (code)") beside the authority's name.
-- DuckDB cannot change a CHECK constraint in place, so the table is rebuilt with its rows; the scope
-- macros name the table, not its definition, so they keep working.

CREATE TABLE schools_014 (
    school_id        INTEGER PRIMARY KEY,
    urn              VARCHAR NOT NULL UNIQUE,
    name             VARCHAR NOT NULL,
    phase            VARCHAR NOT NULL CHECK (phase IN ('primary', 'secondary', 'all-through', 'special', 'alternative')),
    local_authority  VARCHAR,
    trust            VARCHAR,
    la_code          VARCHAR
);
INSERT INTO schools_014 (school_id, urn, name, phase, local_authority, trust)
SELECT school_id, urn, name, phase, local_authority, trust FROM schools;
DROP TABLE schools;
ALTER TABLE schools_014 RENAME TO schools;
