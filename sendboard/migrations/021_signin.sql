-- Sign-in: sessions that survive a reload, single sign-on identities bound to accounts, and the record of
-- failed sign-ins that throttling counts.

-- One row per signed-in browser. The random token itself lives only in the person's cookie; the database
-- holds its SHA-256, so a copy of the database (or a backup) cannot be used to sign in. A session ends
-- when it is revoked (sign-out, role or password change, disabling), when it has been idle too long
-- (last_seen), or at expires_at (the maximum age), whichever comes first.
CREATE TABLE signin_sessions (
    token_hash    VARCHAR PRIMARY KEY,
    user_id       INTEGER NOT NULL,
    method        VARCHAR NOT NULL CHECK (method IN ('password', 'sso', 'internal')),
    created_at    TIMESTAMP NOT NULL,
    last_seen     TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP,
    revoked_why   VARCHAR
);
CREATE INDEX signin_sessions_user ON signin_sessions (user_id);

-- The identity provider's stable subject an account is bound to on its first single sign-on. From then
-- on the account is found by (issuer, subject), never by e-mail, so an address changed or reused at the
-- provider cannot take the account over. One identity per account per issuer, and one account per identity.
CREATE TABLE signin_identities (
    user_id    INTEGER NOT NULL,
    issuer     VARCHAR NOT NULL,
    subject    VARCHAR NOT NULL,
    email      VARCHAR,
    bound_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, issuer),
    UNIQUE (issuer, subject)
);

-- Failed password sign-ins, counted by throttling. The source is the client's address; user_id is set
-- only when the name typed is an account's, so a mistyped password in the username box is never kept.
CREATE TABLE signin_failures (
    failed_at  TIMESTAMP NOT NULL,
    source     VARCHAR NOT NULL,
    user_id    INTEGER
);
CREATE INDEX signin_failures_source ON signin_failures (source);
