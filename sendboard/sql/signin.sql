-- Sign-in: sessions, single sign-on identities, and throttling of failed sign-ins (migration 021).
-- Times are passed in as $now (UTC, no zone) so one clock decides, and tests can move it.

-- name: signin_session_insert
INSERT INTO signin_sessions (token_hash, user_id, method, created_at, last_seen, expires_at)
VALUES ($token_hash, $user_id, $method, $now, $now, $expires_at);

-- name: signin_session_with_account
-- A session and its account as they are now: the Viewer is rebuilt from this on every run.
SELECT s.user_id, s.method, s.created_at, s.last_seen, s.expires_at, s.revoked_at, s.revoked_why,
       u.user_id IS NOT NULL AS account_exists, coalesce(u.disabled, true) AS disabled, u.username
FROM signin_sessions s
LEFT JOIN users u ON u.user_id = s.user_id
WHERE s.token_hash = $token_hash;

-- name: signin_session_touch
-- Activity keeps a session alive; written at most every few seconds per session, outside any
-- transaction that bumps the data version (so a click does not empty every cache).
UPDATE signin_sessions SET last_seen = $now
WHERE token_hash = $token_hash AND revoked_at IS NULL AND last_seen < $now;

-- name: signin_session_revoke
UPDATE signin_sessions SET revoked_at = $now, revoked_why = $why
WHERE token_hash = $token_hash AND revoked_at IS NULL;

-- name: signin_sessions_revoke_user
-- Every open session of one account (sign-out everywhere, role or password change, disabling).
UPDATE signin_sessions SET revoked_at = $now, revoked_why = $why
WHERE user_id = $user_id AND revoked_at IS NULL;

-- name: signin_sessions_open_count
SELECT count(*) FROM signin_sessions
WHERE user_id = $user_id AND revoked_at IS NULL AND expires_at > $now;

-- name: signin_sessions_forget_old
-- Sessions ended more than a day ago are of no further use (the audit log keeps the sign-ins).
DELETE FROM signin_sessions WHERE expires_at < $before OR revoked_at < $before;

-- name: signin_identity_by_subject
SELECT i.user_id, i.email FROM signin_identities i WHERE i.issuer = $issuer AND i.subject = $subject;

-- name: signin_identity_of_user
SELECT subject, email, bound_at FROM signin_identities WHERE user_id = $user_id AND issuer = $issuer;

-- name: signin_identity_insert
INSERT INTO signin_identities (user_id, issuer, subject, email, bound_at)
VALUES ($user_id, $issuer, $subject, $email, $now);

-- name: signin_identity_delete_user
DELETE FROM signin_identities WHERE user_id = $user_id;

-- name: signin_identities_list
-- Which accounts are bound to a single sign-on identity (for the Users page).
SELECT u.username, u.display_name, u.role, i.issuer, i.subject, i.email, i.bound_at
FROM signin_identities i JOIN users u ON u.user_id = i.user_id
ORDER BY u.username, i.issuer;

-- name: signin_failure_insert
INSERT INTO signin_failures (failed_at, source, user_id) VALUES ($now, $source, $user_id);

-- name: signin_failures_recent
-- Failures inside the window from this source (any name) and on this account (any source). The
-- account's count restarts at its last successful password sign-in, so the owner's success clears it.
SELECT
    (SELECT count(*) FROM signin_failures f WHERE f.source = $source AND f.failed_at > $since) AS source_failures,
    (SELECT max(f.failed_at) FROM signin_failures f WHERE f.source = $source AND f.failed_at > $since) AS source_last,
    (SELECT count(*) FROM signin_failures f
      WHERE f.user_id = $user_id AND f.failed_at > $since
        AND f.failed_at > coalesce((SELECT max(s.created_at) FROM signin_sessions s
                                    WHERE s.user_id = $user_id AND s.method = 'password'), $since)) AS account_failures,
    (SELECT max(f.failed_at) FROM signin_failures f WHERE f.user_id = $user_id AND f.failed_at > $since) AS account_last;

-- name: signin_failures_forget_old
DELETE FROM signin_failures WHERE failed_at < $before;
