-- An administrator's reset of a head's or SENCO's password, or change of the e-mail single sign-on links by,
-- waits for another head's confirmation, as the roles themselves do (sendboard/role_requests.py): otherwise an
-- administrator could set a head's password, or their own e-mail on the head's account, and sign in as the
-- head. Such a request is a row of role_requests with request_kind 'password' or 'email': user_id is the
-- account, role its role when asked, password_hash the new password's hash (cleared once decided) or email
-- the new e-mail.
ALTER TABLE role_requests ADD COLUMN request_kind VARCHAR DEFAULT 'role';  -- 'role', 'password' or 'email'
