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

-- ------------------------------------------------------------------ head / SENCO role requests (migration 024)

-- name: security_active_heads_of
-- Active head accounts of any of these schools, other than the account itself (a head's own promotion
-- needs no second head).
SELECT DISTINCT u.username
FROM users u JOIN user_schools us ON us.user_id = u.user_id
WHERE u.role = 'head' AND NOT u.disabled AND list_contains($school_ids, us.school_id)
  AND lower(u.username) <> lower($username)
ORDER BY u.username;

-- name: security_pending_request_for
SELECT request_id FROM role_requests WHERE lower(username) = lower($username) AND decision IS NULL
  AND coalesce(request_kind, 'role') = 'role';

-- name: security_request_insert
INSERT INTO role_requests (username, user_id, role, display_name, email, password_hash, staff_id, school_ids,
                           requested_by, requested_at)
VALUES ($username, $user_id, $role, $display_name, $email, $password_hash, $staff_id, $school_ids,
        $requested_by, current_timestamp)
RETURNING request_id;

-- name: security_request_row
SELECT request_id, username, user_id, role, display_name, email, password_hash, staff_id, school_ids,
       requested_by, requested_at, decided_by, decided_at, decision, coalesce(request_kind, 'role') AS request_kind
FROM role_requests WHERE request_id = $request_id;

-- name: security_requests_pending
-- Requests not yet decided, for the schools given (a head's own), or for every school when $all.
SELECT r.request_id, r.username, coalesce(r.display_name, u.display_name) AS display_name, r.role, r.user_id IS NULL AS new_account,
       coalesce(u.role, '') AS current_role, r.email,
       (SELECT string_agg(s.name, ', ' ORDER BY s.name) FROM schools s WHERE list_contains(r.school_ids, s.school_id)) AS schools,
       r.requested_by, r.requested_at, coalesce(r.request_kind, 'role') AS request_kind
FROM role_requests r LEFT JOIN users u ON u.user_id = r.user_id
WHERE r.decision IS NULL
  AND ($all OR list_has_any(r.school_ids, $school_ids))
ORDER BY r.requested_at, r.request_id;

-- name: security_held_change_insert
-- An administrator's change of a head's or SENCO's password or e-mail, held for another head (migration 030).
INSERT INTO role_requests (username, user_id, role, password_hash, email, school_ids, requested_by, requested_at,
                           request_kind)
VALUES ($username, $user_id, $role, $password_hash, $email, $school_ids, $requested_by, current_timestamp, $kind)
RETURNING request_id;

-- name: security_pending_held_change_for
SELECT request_id FROM role_requests WHERE user_id = $user_id AND decision IS NULL AND request_kind = $kind;

-- name: security_request_decide
-- The hash of a new account's password is kept only until the head decides.
UPDATE role_requests
SET decision = $decision, decided_by = $decided_by, decided_at = current_timestamp, password_hash = NULL
WHERE request_id = $request_id AND decision IS NULL
RETURNING request_id;

-- ------------------------------------------------------------------ linking an account to a staff record

-- name: security_staff_lookup
-- A current or past staff record of these schools, by its id or its school e-mail (case-insensitive).
SELECT staff_id, school_id, first_name, last_name, email, staff_role
FROM staff
WHERE list_contains($school_ids, school_id)
  AND (CAST(staff_id AS VARCHAR) = trim($key) OR (email IS NOT NULL AND lower(email) = lower(trim($key))))
ORDER BY staff_id;

-- name: security_staff_choices
-- Staff records of these schools for the Users page's link picker: who is already linked, and to whom.
SELECT st.staff_id, st.first_name, st.last_name, st.email, st.staff_role, st.end_date,
       (SELECT string_agg(u.username, ', ') FROM users u WHERE u.staff_id = st.staff_id) AS linked_to
FROM staff st
WHERE list_contains($school_ids, st.school_id)
ORDER BY st.last_name, st.first_name, st.staff_id;

-- name: security_staff_row
SELECT staff_id, school_id, first_name, last_name, email FROM staff WHERE staff_id = $staff_id;

-- name: security_set_user_staff
UPDATE users SET staff_id = $staff_id WHERE user_id = $user_id;

-- name: security_user_staff
SELECT u.user_id, u.username, u.role, u.staff_id, list(us.school_id ORDER BY us.school_id) FILTER (WHERE us.school_id IS NOT NULL) AS school_ids
FROM users u LEFT JOIN user_schools us ON us.user_id = u.user_id
WHERE lower(u.username) = lower($username)
GROUP BY ALL;

-- name: security_term_dates_from
-- The benchmark's dates: each term's census date (or $on, if earlier) for terms begun by $on, newest first.
SELECT least(census_date, $on) FROM terms WHERE start_date <= $on ORDER BY term_id DESC;
