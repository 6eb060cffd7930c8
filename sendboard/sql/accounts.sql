-- Accounts, sign-in and the viewer's scope.

-- name: user_by_username
SELECT user_id, username, display_name, email, role, password_hash, staff_id, trust, disabled
FROM users WHERE lower(username) = lower($username);

-- name: user_by_email
SELECT user_id, username, display_name, email, role, password_hash, staff_id, trust, disabled
FROM users WHERE email IS NOT NULL AND lower(email) = lower($email);

-- name: user_by_id
SELECT user_id, username, display_name, email, role, staff_id, trust, disabled
FROM users WHERE user_id = $user_id;

-- name: user_school_ids
SELECT school_id FROM user_schools WHERE user_id = $user_id ORDER BY school_id;

-- name: trust_school_ids
SELECT school_id FROM schools WHERE trust = $trust ORDER BY school_id;

-- name: users_list
SELECT u.username, u.display_name, u.email, u.role, u.disabled,
       string_agg(s.name, ', ' ORDER BY s.name) AS schools,
       u.trust, u.last_sign_in, u.created_at, u.staff_id
FROM users u
LEFT JOIN user_schools us ON us.user_id = u.user_id
LEFT JOIN schools s ON s.school_id = us.school_id
GROUP BY ALL
ORDER BY u.role, u.username;

-- name: insert_user
INSERT INTO users (username, display_name, email, role, password_hash, staff_id, trust)
VALUES ($username, $display_name, $email, $role, $password_hash, $staff_id, $trust)
RETURNING user_id;

-- name: insert_user_school
INSERT INTO user_schools VALUES ($user_id, $school_id) ON CONFLICT DO NOTHING;

-- name: set_user_role
UPDATE users SET role = $role WHERE user_id = $user_id;

-- name: set_user_password
UPDATE users SET password_hash = $password_hash, disabled = false WHERE user_id = $user_id;

-- name: set_user_disabled
UPDATE users SET disabled = $disabled WHERE user_id = $user_id;

-- name: mark_signed_in
UPDATE users SET last_sign_in = current_timestamp WHERE user_id = $user_id;

-- name: all_schools
SELECT school_id, urn, name, phase, local_authority, trust FROM schools ORDER BY name;

-- name: first_staff_by_role
SELECT staff_id, school_id, first_name, last_name, staff_role
FROM staff WHERE staff_role = $staff_role AND school_id = $school_id AND end_date IS NULL
ORDER BY staff_id LIMIT 1;

-- name: teachers_with_groups
-- Teachers who teach at least one group today, most groups first (the demo's teacher accounts).
SELECT st.staff_id, st.school_id, st.first_name, st.last_name, count(*) AS groups
FROM staff st
JOIN group_teachers gt ON gt.staff_id = st.staff_id
WHERE gt.start_date <= $on_date AND (gt.end_date IS NULL OR gt.end_date >= $on_date)
GROUP BY ALL
ORDER BY st.school_id, groups DESC, st.staff_id;

-- name: settings_all
SELECT key, value FROM settings ORDER BY key;

-- name: upsert_setting
INSERT INTO settings VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;
