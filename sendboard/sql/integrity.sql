-- Integrity: backups and restores (sendboard/backup.py) and edit versions (sendboard/versions.py).
-- The audit chain's own statements are in audit.sql.

-- name: backup_table_names
SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary ORDER BY table_name;

-- name: backup_schema_version
SELECT coalesce(max(version), 0) FROM schema_version;

-- name: backup_is_sendboard
SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'schema_version';

-- name: backup_has_chain
SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'audit_links';

-- name: backup_audit_max_id
-- scope-exempt: restore carries later audit entries into the restored copy; nothing is shown
SELECT coalesce(max(audit_id), 0) FROM audit_log;

-- name: backup_audit_entries_after
-- scope-exempt: restore carries later audit entries into the restored copy; nothing is shown
SELECT audit_id, logged_at, username, role, action, object_type, object_id, pupil_id, group_id, detail,
       old_value, new_value
FROM audit_log WHERE audit_id > $after ORDER BY audit_id;

-- Move audit_seq past the ids a restore carried over ($n = how far, at most), so no id is reused.
-- name: backup_audit_seq_past
SELECT max(nextval('audit_seq')) FROM range($n);

-- Subject access: every audit entry about the pupil or showing the pupil (audit_pupils_seen).
-- name: integrity_audit_entries_for_pupil
-- scope-exempt: subject access export, reached only after the export found the pupil in scope
SELECT * FROM audit_log
WHERE pupil_id = $pupil_id
   OR audit_id IN (SELECT audit_id FROM audit_pupils_seen WHERE pupil_id = $pupil_id)
ORDER BY audit_id;

-- The governors' commentary name check (sendboard/names.py): every name and UPN held for the school,
-- on and off roll, so a past pupil is caught too. Only the head calls it, for one of their schools.
-- name: integrity_school_pupil_names
-- scope-exempt: the commentary name check: names are matched, never shown
SELECT first_name, last_name, upn FROM pupils WHERE school_id = $school_id;

-- Edit versions (sendboard/versions.py).
-- name: integrity_version_get
SELECT version, changed_by, changed_at FROM edit_versions WHERE kind = $kind AND record_id = $record_id;

-- name: integrity_version_bump
UPDATE edit_versions SET version = $version, changed_by = $changed_by, changed_at = current_timestamp::TIMESTAMP
WHERE kind = $kind AND record_id = $record_id;

-- name: integrity_version_first
INSERT INTO edit_versions (kind, record_id, version, changed_by, changed_at)
VALUES ($kind, $record_id, $version, $changed_by, current_timestamp::TIMESTAMP);

-- name: integrity_version_ensure
INSERT INTO edit_versions (kind, record_id, version) VALUES ($kind, $record_id, 0) ON CONFLICT DO NOTHING;

-- The newest review of a target: shown to someone whose review form was opened before it was recorded.
-- Reached only from reviews.record_review, after validate_review has checked the viewer may see the pupil.
-- name: integrity_latest_review
SELECT reviewed_on, rating, note, recorded_by FROM plan_reviews WHERE target_id = $target_id
ORDER BY review_id DESC LIMIT 1;
