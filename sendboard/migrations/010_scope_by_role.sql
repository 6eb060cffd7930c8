-- The same scope rules as 002, written as one branch per role joined by UNION ALL. The OR form made
-- DuckDB join every class membership with every teaching assignment even for a head or trust lead
-- (about a million rows at local-authority scale); here a branch whose role does not match is empty
-- and costs nothing. Same pupils and groups for every account (tests/test_access.py).

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
    JOIN group_members gm ON gm.group_id = gt.group_id
                         AND gm.start_date <= today AND (gm.end_date IS NULL OR gm.end_date >= today)
    WHERE u.user_id = viewer_id AND NOT u.disabled AND u.role = 'teacher';
