-- Each pupil's form (registration group, or class where a school records classes) at a date: the
-- leaders' roster and identification rates both group pupils by it, so it is defined once.
CREATE OR REPLACE MACRO forms_at(school, as_at) AS TABLE
    SELECT gm.pupil_id, min(g.name) AS form
    FROM group_members gm
    JOIN teaching_groups g ON g.group_id = gm.group_id
    WHERE g.kind IN ('form', 'class') AND g.school_id = school
      AND g.academic_year = academic_year_of(as_at)
      AND gm.start_date <= as_at AND (gm.end_date IS NULL OR gm.end_date >= as_at)
    GROUP BY gm.pupil_id;
