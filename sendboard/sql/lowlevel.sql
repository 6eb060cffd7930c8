-- Statements of the low-level modules (subject access and erasure, the importer's generic upsert, the demo
-- generator, the benchmark's baseline) that used to run on a raw cursor: they now run as named statements
-- through db.py like every other, and only db.py holds a cursor.

-- name: lowlevel_tables
-- Every table of the database (for checksums and the list of tables an export may name).
SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary ORDER BY table_name;

-- name: lowlevel_pupil_id_tables
-- Every table with a pupil_id column (found from the schema, so a new area's table is included).
SELECT DISTINCT table_name FROM duckdb_columns() WHERE schema_name = 'main' AND column_name = 'pupil_id'
ORDER BY table_name;

-- name: lowlevel_pfa_outcomes_of_pupil
-- scope-exempt: the subject access export, reached only after may_see_pupil or by the file's owner at the command line
SELECT * FROM pfa_outcomes WHERE ehc_review_id IN (SELECT r.ehc_review_id FROM ehc_reviews r
JOIN ehc_plans e ON e.ehcp_id = r.ehcp_id WHERE e.pupil_id = $p);

-- name: lowlevel_erase_orphan_pfa_outcomes
-- Erasure: the preparation-for-adulthood outcomes of the annual reviews just deleted with the pupil.
DELETE FROM pfa_outcomes WHERE ehc_review_id NOT IN (SELECT ehc_review_id FROM ehc_reviews) RETURNING 1;

-- name: lowlevel_erase_import_changes
-- scope-exempt: erasure of one pupil by the file's owner; the import history's rows about them go too
DELETE FROM import_changes WHERE pupil_id = $p RETURNING 1;

-- name: lowlevel_column_types
-- A table's columns and their types, in order (the importer casts a file's text to the table's own types).
SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = $t AND schema_name = 'main' ORDER BY column_index;

-- name: lowlevel_import_state_counts
-- The importer's classified rows (temp table _cls): how many to add, change, or leave alone.
SELECT _state, count(*) FROM _cls GROUP BY 1;

-- name: lowlevel_import_examples_by_upn
-- scope-exempt: the import preview shows the person importing (SENCO or admin) a few rows of their own file, by UPN
SELECT p.upn AS upn, x.* FROM (SELECT *, row_number() OVER (PARTITION BY _state) AS _n FROM _cls) x
LEFT JOIN pupils p ON p.pupil_id = x.pupil_id WHERE x._n <= $n AND x._state <> 'same' ORDER BY x._state, x._n;

-- name: lowlevel_import_examples
SELECT x.* FROM (SELECT *, row_number() OVER (PARTITION BY _state) AS _n FROM _cls) x
WHERE x._n <= $n AND x._state <> 'same' ORDER BY x._state, x._n;

-- name: lowlevel_drop_import_source
DROP TABLE IF EXISTS _src;

-- name: lowlevel_drop_import_classified
DROP TABLE IF EXISTS _cls;

-- name: lowlevel_drop_undo_keys
DROP TABLE IF EXISTS _undo_keys;

-- name: lowlevel_import_changed_tables
-- scope-exempt: undoing an import walks the tables its own history names; nothing is shown
SELECT table_name FROM import_changes WHERE import_id = $id GROUP BY 1;

-- name: lowlevel_import_key_sets
-- scope-exempt: undoing an import reads the keys of the rows it wrote; nothing is shown
SELECT DISTINCT json_keys(row_key) FROM import_changes WHERE import_id = $id AND table_name = $t;

-- name: lowlevel_undo_keys_create
-- scope-exempt: undoing an import gathers the keys of the rows it wrote into a temp table; nothing is shown
CREATE OR REPLACE TEMP TABLE _undo_keys AS SELECT unnest(json_transform(row_key, $s)) FROM import_changes
WHERE import_id = $id AND table_name = $t AND json_keys(row_key) = $keys;

-- name: lowlevel_import_change_count
-- scope-exempt: undoing an import counts the rows it put back; nothing is shown
SELECT count(*) FROM import_changes WHERE import_id = $id AND table_name = $t;

-- name: lowlevel_demo_advance_ids
-- The demo generator hands out ids itself while building frames in bulk; the shared sequence is then moved
-- past them so rows added later never reuse one.
SELECT max(nextval('id_seq')) FROM range($n);

-- name: lowlevel_demo_latest_national
-- The latest published national figure of a measure for a phase (the demo school is pitched near it).
SELECT value FROM ref_national WHERE measure = $m AND phase = $p ORDER BY academic_year DESC LIMIT 1;

-- name: lowlevel_demo_ehc_need_mix
-- The national mix of primary needs among pupils with an EHC plan, in the latest year published.
SELECT split_part(measure, ':', 2), value FROM ref_national WHERE measure LIKE 'need_pct:%:E'
AND academic_year = (SELECT max(academic_year) FROM ref_national WHERE measure = 'need_pct:ASD:E' AND phase = 'all')
ORDER BY 1;

-- name: lowlevel_bench_school
-- The one school of a throwaway benchmark database.
INSERT INTO schools VALUES (1, '100001', 'Bench School', 'secondary', 'Leeds', NULL);

-- name: lowlevel_bench_term
INSERT INTO terms VALUES ($id, $y, $t, $n, $l, $s::DATE, $e::DATE, $s::DATE);
