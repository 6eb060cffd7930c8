-- Set-up from nothing: schools, the school calendar, and what a database was made as.

-- name: setup_is_demo
-- A database built by `sendboard demo` (or the app's first run) pins the demo's "today" in settings.
SELECT count(*) > 0 FROM settings WHERE key = 'demo_as_of';

-- name: setup_has_imports
-- An import not undone: the file holds data someone brought in (a school's own, as far as we can tell).
SELECT count(*) > 0 FROM imports WHERE undone_at IS NULL;

-- name: setup_school_names
SELECT name FROM schools ORDER BY school_id;

-- name: setup_school_by_urn
SELECT s.school_id, s.urn, s.name, s.phase, s.local_authority, s.trust, c.la_code
FROM schools s LEFT JOIN school_la_codes c USING (school_id) WHERE s.urn = $urn;

-- name: setup_school_count
SELECT count(*) FROM schools;

-- name: setup_insert_school
INSERT INTO schools (school_id, urn, name, phase, local_authority, trust)
SELECT coalesce(max(school_id), 0) + 1, $urn, $school_name, $phase, $local_authority, $trust FROM schools
RETURNING school_id;

-- name: setup_insert_la_code
INSERT INTO school_la_codes (school_id, la_code) VALUES ($school_id, $la_code);

-- name: setup_academic_years_held
SELECT academic_year FROM academic_years ORDER BY academic_year;

-- name: setup_insert_academic_year
INSERT INTO academic_years (academic_year, label, start_date, end_date)
VALUES ($academic_year, $label, $start_date, $end_date);

-- name: setup_insert_term
INSERT INTO terms (term_id, academic_year, term, term_number, label, start_date, end_date, census_date)
VALUES ($term_id, $academic_year, $term, $term_number, $label, $start_date, $end_date, $census_date);

-- name: setup_set_setting
INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: setup_user_count
SELECT count(*) FROM users;

-- name: setup_staff_by_email
-- The current staff record with this e-mail in one of the account's schools: a teacher's account
-- added with the e-mail the MIS staff export gives is linked to the groups that teacher teaches.
SELECT staff_id FROM staff
WHERE email IS NOT NULL AND lower(email) = lower($email) AND list_contains($school_ids, school_id)
  AND end_date IS NULL
ORDER BY staff_id;

-- name: setup_made_by_init
SELECT count(*) > 0 FROM settings WHERE key = 'created_by' AND value = 'sendboard init';
