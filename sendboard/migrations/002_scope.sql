-- Who may see what, decided in SQL in one place. Every read query that returns pupils joins one of
-- these macros with the signed-in user's id, so a widget can never widen what a role sees.
-- Roles: head, senco -> their schools, every pupil; trust -> every school in their trust;
-- teacher -> pupils in the groups they teach today, and their school's aggregates;
-- governor -> their schools' aggregates only (never pupils); admin -> no pupils.

CREATE MACRO visible_schools(viewer_id) AS TABLE
    SELECT s.school_id
    FROM schools s
    JOIN users u ON u.user_id = viewer_id AND NOT u.disabled
    WHERE (u.role = 'trust' AND s.trust = u.trust)
       OR (u.role <> 'trust'
           AND s.school_id IN (SELECT us.school_id FROM user_schools us WHERE us.user_id = viewer_id));

CREATE MACRO visible_groups(viewer_id, today) AS TABLE
    SELECT g.group_id
    FROM teaching_groups g
    JOIN users u ON u.user_id = viewer_id AND NOT u.disabled
    WHERE (u.role IN ('head', 'senco')
           AND g.school_id IN (SELECT us.school_id FROM user_schools us WHERE us.user_id = viewer_id))
       OR (u.role = 'trust'
           AND g.school_id IN (SELECT s.school_id FROM schools s WHERE s.trust = u.trust))
       OR (u.role = 'teacher'
           AND g.group_id IN (SELECT gt.group_id FROM group_teachers gt
                              WHERE gt.staff_id = u.staff_id
                                AND gt.start_date <= today
                                AND (gt.end_date IS NULL OR gt.end_date >= today)));

CREATE MACRO visible_pupils(viewer_id, today) AS TABLE
    SELECT p.pupil_id
    FROM pupils p
    JOIN users u ON u.user_id = viewer_id AND NOT u.disabled
    WHERE (u.role IN ('head', 'senco')
           AND p.school_id IN (SELECT us.school_id FROM user_schools us WHERE us.user_id = viewer_id))
       OR (u.role = 'trust'
           AND p.school_id IN (SELECT s.school_id FROM schools s WHERE s.trust = u.trust))
       OR (u.role = 'teacher'
           AND p.pupil_id IN (SELECT gm.pupil_id
                              FROM group_members gm
                              JOIN group_teachers gt ON gt.group_id = gm.group_id
                              WHERE gt.staff_id = u.staff_id
                                AND gt.start_date <= today AND (gt.end_date IS NULL OR gt.end_date >= today)
                                AND gm.start_date <= today AND (gm.end_date IS NULL OR gm.end_date >= today)));

-- Hourly rates, salaries and per-pupil costs: head, senco and admin only.
CREATE MACRO can_see_costs(viewer_id) AS
    (SELECT count(*) > 0 FROM users u
     WHERE u.user_id = viewer_id AND NOT u.disabled AND u.role IN ('head', 'senco', 'admin'));
