-- Security: the teacher's scope also checks the school, and head / SENCO roles wait for a head's confirmation.
--
-- 1. The scope macros of 010 again, with one change in the teacher branch of each: a teacher sees a group,
-- and a pupil in it, only when the group AND the pupil belong to one of the teacher's own schools
-- (user_schools). Before this, a teaching assignment alone decided, so a teacher in school A whose staff
-- record was somehow linked to a group in school B (a mistyped import, a staff id reused by a trust) saw
-- B's pupils. The head, SENCO and trust branches are unchanged.

CREATE OR REPLACE MACRO visible_groups(viewer_id, today) AS TABLE
    SELECT g.group_id
    FROM teaching_groups g
    JOIN user_schools us ON us.school_id = g.school_id AND us.user_id = viewer_id
    JOIN users u ON u.user_id = viewer_id AND NOT u.disabled AND u.role IN ('head', 'senco')
    UNION ALL
    SELECT g.group_id
    FROM teaching_groups g
    JOIN schools s ON s.school_id = g.school_id
    JOIN users u ON u.user_id = viewer_id AND NOT u.disabled AND u.role = 'trust' AND s.trust = u.trust
    UNION ALL
    SELECT DISTINCT gt.group_id
    FROM users u
    JOIN group_teachers gt ON gt.staff_id = u.staff_id
                          AND gt.start_date <= today AND (gt.end_date IS NULL OR gt.end_date >= today)
    JOIN teaching_groups g ON g.group_id = gt.group_id
    JOIN user_schools us ON us.user_id = u.user_id AND us.school_id = g.school_id
    WHERE u.user_id = viewer_id AND NOT u.disabled AND u.role = 'teacher';

CREATE OR REPLACE MACRO visible_pupils(viewer_id, today) AS TABLE
    SELECT p.pupil_id
    FROM pupils p
    JOIN user_schools us ON us.school_id = p.school_id AND us.user_id = viewer_id
    JOIN users u ON u.user_id = viewer_id AND NOT u.disabled AND u.role IN ('head', 'senco')
    UNION ALL
    SELECT p.pupil_id
    FROM pupils p
    JOIN schools s ON s.school_id = p.school_id
    JOIN users u ON u.user_id = viewer_id AND NOT u.disabled AND u.role = 'trust' AND s.trust = u.trust
    UNION ALL
    SELECT DISTINCT gm.pupil_id
    FROM users u
    JOIN group_teachers gt ON gt.staff_id = u.staff_id
                          AND gt.start_date <= today AND (gt.end_date IS NULL OR gt.end_date >= today)
    JOIN teaching_groups g ON g.group_id = gt.group_id
    JOIN user_schools us ON us.user_id = u.user_id AND us.school_id = g.school_id
    JOIN group_members gm ON gm.group_id = gt.group_id
                         AND gm.start_date <= today AND (gm.end_date IS NULL OR gm.end_date >= today)
    JOIN pupils p ON p.pupil_id = gm.pupil_id AND p.school_id = g.school_id
    WHERE u.user_id = viewer_id AND NOT u.disabled AND u.role = 'teacher';

-- 2. Requests for the head and SENCO roles. These roles see every pupil and every cost, so an account is
-- created with one, or promoted to one, only when a head of the school confirms (sendboard.accounts).
-- Until then the request lives here and nothing in users changes: no account exists for a new name, and a
-- promoted account keeps its old role. user_id is NULL for a new account; the new account's details,
-- including its password's hash, are held here until the head decides (the hash is cleared then).
-- school_ids are the schools whose head may confirm. `sendboard init` and the demo builder are exempt:
-- they make a school's first accounts.
CREATE TABLE role_requests (
    request_id     INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    username       VARCHAR NOT NULL,
    user_id        INTEGER,
    role           VARCHAR NOT NULL CHECK (role IN ('head', 'senco')),
    display_name   VARCHAR,
    email          VARCHAR,
    password_hash  VARCHAR,
    staff_id       INTEGER,
    school_ids     INTEGER[] NOT NULL,
    requested_by   VARCHAR NOT NULL,
    requested_at   TIMESTAMP NOT NULL,
    decided_by     VARCHAR,
    decided_at     TIMESTAMP,
    decision       VARCHAR CHECK (decision IN ('confirmed', 'refused', 'withdrawn'))
);
