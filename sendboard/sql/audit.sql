-- The audit trail. Append-only: there is no UPDATE or DELETE for audit_log anywhere, and
-- sendboard.db refuses one.

-- name: insert_audit
INSERT INTO audit_log (username, role, action, object_type, object_id, pupil_id, group_id, detail, old_value, new_value)
VALUES ($username, $role, $action, $object_type, $object_id, $pupil_id, $group_id, $detail, $old_value, $new_value);

-- name: audit_search
SELECT audit_id, logged_at, username, role, action, object_type, object_id, pupil_id, group_id, detail, old_value, new_value
FROM audit_log
WHERE logged_at >= $from_ts AND logged_at < $to_ts
  AND ($username = '' OR lower(username) = lower($username))
  AND ($action = '' OR action = $action)
  AND ($pupil_id IS NULL OR pupil_id = $pupil_id)
ORDER BY audit_id DESC
LIMIT $limit;

-- name: audit_actions
SELECT DISTINCT action FROM audit_log ORDER BY action;
