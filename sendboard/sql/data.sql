-- Data in and out (issue #9): what the importers read before validating, the import history, and the
-- pupil-level reads for subject access. Writes of imported rows are bulk SQL in sendboard/importers/commit.py.

-- name: import_default_school
SELECT min(school_id) FROM schools;

-- name: import_school_by_urn
SELECT school_id FROM schools WHERE urn = $urn;

-- name: import_pupil_upns
-- scope-exempt: the importer compares a file with what its own school holds (data import: SENCO and admin); nothing is shown
SELECT upn, school_id FROM pupils WHERE list_contains($school_ids, school_id);

-- Only to refuse: a UPN held by a school outside the import (UPNs are unique across the database).
-- name: import_upns_elsewhere
-- scope-exempt: the importer only refuses a UPN already held by another school; no row is shown
SELECT upn FROM pupils WHERE NOT list_contains($school_ids, school_id);

-- name: import_schools
SELECT school_id, urn, name FROM schools ORDER BY school_id;

-- name: import_pupil_years
-- scope-exempt: the importer compares a file with what its own school holds; nothing is shown
SELECT p.upn, e.year_group FROM pupils p JOIN enrolments e ON e.pupil_id = p.pupil_id AND e.academic_year = $academic_year
WHERE list_contains($school_ids, p.school_id);

-- name: import_held_pupils
-- scope-exempt: the importer compares a file with what its own school holds; nothing is shown
SELECT upn, first_name, last_name, date_of_birth, gender, entry_date FROM pupils WHERE list_contains($school_ids, school_id);

-- name: import_need_names
SELECT need_code, description FROM ref_need_codes;

-- name: import_stored_needs
-- scope-exempt: the importer compares a file with what its own school holds; nothing is shown
SELECT p.upn, n.need_code, n.need_rank, n.start_date, n.end_date
FROM sen_needs n JOIN pupils p ON p.pupil_id = n.pupil_id
WHERE list_contains($school_ids, p.school_id);

-- name: import_need_codes
SELECT need_code FROM ref_need_codes;

-- name: import_group_names
SELECT academic_year, name FROM teaching_groups WHERE school_id = $school_id;

-- name: import_intervention_names
SELECT name FROM interventions WHERE school_id = $school_id;

-- name: import_staff_emails
SELECT lower(email) FROM staff WHERE school_id = $school_id AND email IS NOT NULL;

-- name: import_stored_provision
-- scope-exempt: the importer compares a file with what its own school holds; nothing is shown
SELECT p.upn, sp.code, sp.start_date, sp.end_date
FROM sen_provision sp JOIN pupils p ON p.pupil_id = sp.pupil_id
WHERE list_contains($school_ids, p.school_id);

-- name: import_history
-- school: the import's school; a trust-level import (no one school: each row names its school by URN) is
-- "Whole trust: <name>" when every school held belongs to one trust, else "Whole trust (schools named in the file)".
WITH trusts AS (SELECT count(DISTINCT trust) AS n, any_value(trust) AS trust FROM schools WHERE trust IS NOT NULL)
SELECT i.import_id, i.imported_at, i.username, i.file_count, i.added, i.changed, i.unchanged,
       i.undone_at, i.undone_by,
       coalesce(s.name, CASE WHEN t.n = 1 THEN 'Whole trust: ' || t.trust
                             ELSE 'Whole trust (schools named in the file)' END) AS school,
       string_agg(f.file_name || ' (' || f.kind || ', ' || f.rows || ' rows'
                  || coalesce(', ' || f.source, '') || coalesce(', file dated ' || strftime(f.file_date, '%d/%m/%Y'), '')
                  || ')', '; ' ORDER BY f.position) AS files,
       string_agg(left(f.sha256, 12), ' ' ORDER BY f.position) AS sha256
FROM imports i LEFT JOIN import_files f ON f.import_id = i.import_id
LEFT JOIN schools s ON s.school_id = i.school_id
CROSS JOIN trusts t
WHERE $school_id IS NULL OR i.school_id = $school_id OR i.school_id IS NULL
GROUP BY ALL
ORDER BY i.import_id DESC
LIMIT $limit;

-- name: import_last_open
SELECT import_id, imported_at, username, added, changed FROM imports
WHERE undone_at IS NULL AND import_id = (SELECT max(import_id) FROM imports)
  AND ($school_id IS NULL OR school_id = $school_id);

-- name: import_insert
INSERT INTO imports (username, school_id, file_count, added, changed, unchanged)
VALUES ($username, $school_id, $file_count, $added, $changed, $unchanged)
RETURNING import_id;

-- name: import_file_insert
INSERT INTO import_files (import_id, position, file_name, sha256, kind, rows, source, file_date)
VALUES ($import_id, $position, $file_name, $sha256, $kind, $rows, $source, $file_date);

-- name: import_mark_undone
UPDATE imports SET undone_at = current_timestamp, undone_by = $username WHERE import_id = $import_id;

-- name: import_forget_changes
-- scope-exempt: a delete of one import's undo history, run by the importer inside its own write
DELETE FROM import_changes WHERE import_id = $import_id;

-- name: data_pupil_by_upn
-- scope-exempt: found first, then refused by scope.may_see_pupil for a person signed in (subject access);
-- the command line's subject access and erasure are run by whoever holds the database file
SELECT pupil_id, school_id, upn, first_name, last_name FROM pupils WHERE upn = upper($upn);

-- Transfer files in the import history: the sending school and when the file was made (migration 017).
-- name: import_file_sources
SELECT i.import_id, f.file_name, f.source, f.file_date, i.undone_at IS NOT NULL AS undone
FROM imports i JOIN import_files f ON f.import_id = i.import_id
WHERE f.source IS NOT NULL AND ($school_id IS NULL OR i.school_id = $school_id OR i.school_id IS NULL)
ORDER BY i.import_id DESC, f.position
LIMIT $limit;
