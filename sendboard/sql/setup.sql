-- Set-up from nothing: schools, the school calendar, and what a database was made as.

-- name: setup_is_demo
-- A database built by `sendboard demo` (or the app's first run) pins the demo's "today" in settings.
SELECT count(*) > 0 FROM settings WHERE key = 'demo_as_of';

-- name: setup_has_imports
-- Any import, even one undone: a school's own data has been in this file.
SELECT count(*) > 0 FROM imports;

-- name: setup_school_names
SELECT name FROM schools ORDER BY school_id;

-- name: setup_school_by_urn
SELECT school_id, urn, name, phase, local_authority, trust, la_code FROM schools WHERE urn = $urn;

-- name: setup_school_count
SELECT count(*) FROM schools;

-- name: setup_insert_school
INSERT INTO schools (school_id, urn, name, phase, local_authority, trust, la_code)
SELECT coalesce(max(school_id), 0) + 1, $urn, $school_name, $phase, $local_authority, $trust, $la_code FROM schools
RETURNING school_id;

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
