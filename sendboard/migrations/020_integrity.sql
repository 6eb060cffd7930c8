-- Integrity: a tamper-evident audit log, the pupils each audited view showed, and edit versions.
--
-- audit_links holds each entry's link, written in the same transaction as the entry: entry_hash =
-- SHA-256 of the entry's fields and prev_hash (the entry_hash of the entry before it), so changing,
-- removing or reordering any entry breaks every link after it; `sendboard audit verify` recomputes the
-- chain (sendboard/audit.py says exactly what is hashed). The links sit beside audit_log rather than in
-- new columns so that audit_log's definition is never altered. audit_chain holds the chain's last link:
-- every append updates its one row in the same transaction, so two appends at once conflict and one
-- retries, and the chain never forks. Entries written before this migration have no link;
-- audit_chain.chained_after says which they are.
CREATE TABLE audit_links (
    audit_id    BIGINT PRIMARY KEY,
    prev_hash   VARCHAR NOT NULL,
    entry_hash  VARCHAR NOT NULL
);

CREATE TABLE audit_chain (
    chain_id       INTEGER PRIMARY KEY,      -- always 1: one chain per database
    chained_after  BIGINT NOT NULL,          -- entries with audit_id <= this predate the chain
    last_id        BIGINT NOT NULL,
    last_hash      VARCHAR NOT NULL
);
INSERT INTO audit_chain
SELECT 1, coalesce(max(audit_id), 0), coalesce(max(audit_id), 0), repeat('0', 64) FROM audit_log;

-- Which pupils an audited view or download showed, one row per pupil, so "who saw this pupil" is an
-- indexed lookup (and the subject access export finds every view of the pupil, not only those with
-- audit_log.pupil_id set). Written in the same transaction as its audit entry; covered by the chain
-- because the entry's hash includes the sorted list of pupil ids.
CREATE TABLE audit_pupils_seen (
    audit_id  BIGINT NOT NULL,
    pupil_id  INTEGER NOT NULL
);
CREATE INDEX idx_audit_pupils_seen_pupil ON audit_pupils_seen (pupil_id);

-- The version of each editable record (passport, plan, target, review, allocation, catalogue entry).
-- A save names the version the person started from; the write bumps it and refuses a stale one, so the
-- second of two people editing the same record cannot silently undo the first's change. Kept beside
-- the records (not as a column of each table) so every area's inserts stay as they are; a record with
-- no row here is at version 0.
CREATE TABLE edit_versions (
    kind        VARCHAR NOT NULL,
    record_id   VARCHAR NOT NULL,
    version     INTEGER NOT NULL,
    changed_by  VARCHAR,
    changed_at  TIMESTAMP,
    PRIMARY KEY (kind, record_id)
);
