-- The audit trail. Append-only: there is no UPDATE or DELETE for audit_log anywhere, and
-- sendboard.db refuses one.

-- Appending (sendboard/audit.py, inside one transaction): read the chain's last link, take the next
-- id and the time, insert the entry with its hash and the pupils it showed, advance the chain.

-- name: audit_chain_head
SELECT last_hash FROM audit_chain WHERE chain_id = 1;

-- name: audit_next_id
SELECT nextval('audit_seq') AS audit_id, current_timestamp::TIMESTAMP AS logged_at;

-- name: insert_audit
INSERT INTO audit_log (audit_id, logged_at, username, role, action, object_type, object_id, pupil_id, group_id,
                       detail, old_value, new_value)
VALUES ($audit_id, $logged_at, $username, $role, $action, $object_type, $object_id, $pupil_id, $group_id,
        $detail, $old_value, $new_value);

-- name: audit_link_insert
INSERT INTO audit_links (audit_id, prev_hash, entry_hash) VALUES ($audit_id, $prev_hash, $entry_hash);

-- name: audit_pupil_seen_insert
INSERT INTO audit_pupils_seen (audit_id, pupil_id) SELECT $audit_id, unnest($pupil_ids::INTEGER[]);

-- name: audit_chain_advance
UPDATE audit_chain SET last_id = $audit_id, last_hash = $entry_hash WHERE chain_id = 1;

-- Appending several entries in one transaction (sendboard/audit.py, append_entries): the views that
-- arrive while another is being written are queued and written together, chained in id order in Python.
-- Each statement covers the whole batch, so a batch costs the same five statements as one entry.

-- name: audit_batch_start
-- The chain's last hash, and $n new ids with the transaction's time (the same for the whole batch).
SELECT (SELECT last_hash FROM audit_chain WHERE chain_id = 1) AS last_hash,
       nextval('audit_seq') AS audit_id, current_timestamp::TIMESTAMP AS logged_at
FROM range($n);

-- name: audit_batch_insert
INSERT INTO audit_log (audit_id, logged_at, username, role, action, object_type, object_id, pupil_id, group_id,
                       detail, old_value, new_value)
SELECT unnest($audit_ids::BIGINT[]), unnest($logged_ats::TIMESTAMP[]), unnest($usernames::VARCHAR[]),
       unnest($roles::VARCHAR[]), unnest($actions::VARCHAR[]), unnest($object_types::VARCHAR[]),
       unnest($object_ids::VARCHAR[]), unnest($pupil_ids::INTEGER[]), unnest($group_ids::INTEGER[]),
       unnest($details::VARCHAR[]), unnest($old_values::VARCHAR[]), unnest($new_values::VARCHAR[]);

-- name: audit_batch_links_insert
INSERT INTO audit_links (audit_id, prev_hash, entry_hash)
SELECT unnest($audit_ids::BIGINT[]), unnest($prev_hashes::VARCHAR[]), unnest($entry_hashes::VARCHAR[]);

-- name: audit_batch_pupils_seen_insert
INSERT INTO audit_pupils_seen (audit_id, pupil_id)
SELECT unnest($audit_ids::BIGINT[]), unnest($pupil_ids::INTEGER[]);

-- Verifying the chain (sendboard audit verify).

-- name: audit_chain_state
-- scope-exempt: counts of audit entries for the chain check (sendboard audit verify), no pupil rows leave it
SELECT chained_after, last_id, last_hash,
       (SELECT count(*) FROM audit_log) AS entries,
       (SELECT count(*) FROM audit_log WHERE audit_id <= chained_after) AS unchained
FROM audit_chain WHERE chain_id = 1;

-- name: audit_pupils_seen_all
-- scope-exempt: the audit chain check and restore rehash every entry with its pupil ids; nothing is shown
SELECT audit_id, pupil_id FROM audit_pupils_seen WHERE audit_id > $after ORDER BY audit_id, pupil_id;

-- name: audit_chained_entries
-- scope-exempt: the audit chain check rehashes every entry; nothing is shown to a person
SELECT a.audit_id, a.logged_at, a.username, a.role, a.action, a.object_type, a.object_id, a.pupil_id, a.group_id,
       a.detail, a.old_value, a.new_value, l.prev_hash, l.entry_hash
FROM audit_log a LEFT JOIN audit_links l USING (audit_id)
WHERE a.audit_id > $after ORDER BY a.audit_id;

-- name: audit_stray_links
-- scope-exempt: the audit chain check: an id of a link with no entry, nothing about a pupil
SELECT min(l.audit_id) FROM audit_links l ANTI JOIN audit_log a ON a.audit_id = l.audit_id;

-- name: audit_stray_pupils_seen
-- scope-exempt: the audit chain check: an id of a seen-row with no entry, nothing about a pupil
SELECT min(s.audit_id) FROM audit_pupils_seen s ANTI JOIN audit_log a ON a.audit_id = s.audit_id;

-- Who saw this pupil: every entry that showed the pupil, newest first.

-- name: audit_who_saw_pupil
-- scope-exempt: the command line's who-saw-this-pupil report, run by whoever holds the database file
SELECT a.audit_id, a.logged_at, a.username, a.role, a.action, a.object_type, a.object_id
FROM audit_pupils_seen s JOIN audit_log a ON a.audit_id = s.audit_id
WHERE s.pupil_id = $pupil_id
ORDER BY a.audit_id DESC;

