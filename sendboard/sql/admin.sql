-- Administration: school choices for new accounts, account e-mails, and the audit log search.
-- The audit log is only ever read here: there is no UPDATE or DELETE of audit_log in any .sql file.

-- name: admin_school_choices
SELECT school_id, name, trust FROM schools ORDER BY name;

-- name: admin_trust_choices
SELECT DISTINCT trust FROM schools WHERE trust IS NOT NULL AND trust <> '' ORDER BY trust;

-- name: admin_user_by_email
SELECT username FROM users WHERE email IS NOT NULL AND lower(email) = lower($email);

-- name: admin_set_user_email
UPDATE users SET email = $email WHERE lower(username) = lower($username);

-- name: admin_active_admins
SELECT username FROM users WHERE role = 'admin' AND NOT disabled ORDER BY username;

-- name: admin_audit_search
-- scope-exempt: the audit log, read only by the administrator's audit view (admin.require_admin); it shows ids, never record contents
-- Every filter is a parameter; an empty string or NULL means "any". The user filter matches part of a
-- name, case-insensitively, as plain text (LIKE wildcards in the input are escaped by the caller).
SELECT audit_id, logged_at, username, role, action, object_type, object_id, pupil_id, group_id,
       detail, old_value, new_value
FROM audit_log
WHERE logged_at >= $from_ts AND logged_at < $to_ts
  AND ($username = '' OR lower(coalesce(username, '')) LIKE '%' || lower($username) || '%' ESCAPE '\')
  AND ($action = '' OR action = $action)
  AND ($pupil_id IS NULL OR pupil_id = $pupil_id
       -- and every list view or download that showed the pupil (audit_pupils_seen, migration 020)
       OR audit_id IN (SELECT audit_id FROM audit_pupils_seen WHERE pupil_id = $pupil_id))
ORDER BY audit_id DESC
LIMIT $limit;

-- name: admin_audit_actions
-- scope-exempt: the audit log's action names, for the administrator's audit view (admin.require_admin)
SELECT DISTINCT action FROM audit_log ORDER BY action;

-- name: admin_audit_span
-- scope-exempt: counts and dates of the audit log, for the administrator's audit view (admin.require_admin)
SELECT min(logged_at) AS first_at, max(logged_at) AS last_at, count(*) AS entries FROM audit_log;
