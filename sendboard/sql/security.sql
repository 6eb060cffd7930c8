-- Security: the single-pupil scope check, pupil-level tables for the scope test, account confirmations and
-- staff links, and the administrator's audit view.

-- name: scope_pupil_visible
-- The one single-pupil check (sendboard.scope.may_see_pupil). school_id NULL: any of the viewer's schools.
SELECT count(*) > 0
FROM pupils p
WHERE p.pupil_id = $pupil_id
  AND ($school_id IS NULL OR p.school_id = $school_id)
  AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today));

-- name: security_pupil_level_tables
-- Every table with a pupil_id column: the tables whose reads must go through the scope macros.
SELECT DISTINCT table_name FROM duckdb_columns()
WHERE column_name = 'pupil_id' AND schema_name = 'main' AND NOT internal
ORDER BY table_name;

-- Reads moved here from modules that used to run their own SQL on a raw cursor (the raw-cursor test allows
-- a raw cursor only in db.py and the low-level modules it names).

-- name: security_latest_national
SELECT academic_year, value FROM ref_national WHERE measure = $measure AND phase = $phase
ORDER BY academic_year DESC LIMIT 1;

-- name: security_need_code_count
SELECT count(*) FROM ref_need_codes;

-- name: security_delete_ref_need_codes
DELETE FROM ref_need_codes;

-- name: security_delete_ref_national
DELETE FROM ref_national;

-- name: security_import_set_counts
UPDATE imports SET added = $added, changed = $changed, unchanged = $unchanged WHERE import_id = $import_id;

-- name: security_user_id_by_username
SELECT user_id FROM users WHERE username = $username;

-- name: security_first_head_user_id
SELECT user_id FROM users WHERE role = 'head' ORDER BY user_id LIMIT 1;

-- name: security_first_trust_user_id
SELECT user_id FROM users WHERE role = 'trust' AND NOT disabled ORDER BY user_id LIMIT 1;

-- name: security_school_phase
SELECT phase FROM schools WHERE school_id = $school_id;

-- name: security_term_ids_from
SELECT term_id FROM terms WHERE start_date <= $on ORDER BY term_id DESC;

-- name: security_review_note_counts
-- The benchmark's check that every review it saved was kept (plan_reviews holds no pupil_id).
SELECT count(*) AS total, count(*) FILTER (WHERE note IN (SELECT unnest($notes))) AS found FROM plan_reviews;
