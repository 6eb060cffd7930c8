-- The pupils on a school's roll at each of the latest n_terms terms started by as_at (at the term's
-- census date, or as_at if sooner), each with their group then: 'SEND' (SEN support or an EHC plan)
-- or 'No SEN'. The governors' attendance and attainment trends both compare these two groups.
CREATE OR REPLACE MACRO send_groups_by_term(school, as_at, n_terms) AS TABLE
    WITH t AS (
        SELECT term_id, label, academic_year, least(census_date, as_at) AS d
        FROM terms WHERE start_date <= as_at
        ORDER BY term_id DESC LIMIT n_terms
    )
    SELECT t.term_id, t.label, p.pupil_id,
           CASE WHEN sen_group(coalesce(sp.code, 'N')) = 'No SEN' THEN 'No SEN' ELSE 'SEND' END AS grp
    FROM t
    JOIN enrolments e ON e.academic_year = t.academic_year
    JOIN pupils p ON p.pupil_id = e.pupil_id AND p.entry_date <= t.d AND (p.leaving_date IS NULL OR p.leaving_date > t.d)
    LEFT JOIN sen_provision sp ON sp.pupil_id = p.pupil_id AND sp.start_date <= t.d
                              AND (sp.end_date IS NULL OR sp.end_date >= t.d)
    WHERE p.school_id = school;
