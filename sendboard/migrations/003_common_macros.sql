-- Shared building blocks for "as at a date" questions, so every area answers them the same way.

CREATE MACRO academic_year_of(d) AS CASE WHEN month(d) >= 9 THEN year(d) ELSE year(d) - 1 END;

-- The SEN group a provision code falls in: legacy School Action (A) and Action Plus (P) count as
-- SEN support, statements (S) as EHC plans.
CREATE MACRO sen_group(code) AS
    CASE WHEN code IN ('E', 'S') THEN 'EHC plan'
         WHEN code IN ('K', 'A', 'P') THEN 'SEN support'
         ELSE 'No SEN' END;

-- Pupils on roll at a date, with their year group that academic year.
CREATE MACRO roll_at(as_at) AS TABLE
    SELECT p.pupil_id, p.school_id, e.year_group
    FROM pupils p
    JOIN enrolments e ON e.pupil_id = p.pupil_id AND e.academic_year = academic_year_of(as_at)
    WHERE p.entry_date <= as_at AND (p.leaving_date IS NULL OR p.leaving_date > as_at);

-- The provision code open at a date (pupils with no row count as 'N').
CREATE MACRO sen_status_at(as_at) AS TABLE
    SELECT pupil_id, code, start_date
    FROM sen_provision
    WHERE start_date <= as_at AND (end_date IS NULL OR end_date >= as_at);

-- Needs open at a date, with their broad area.
CREATE MACRO needs_at(as_at) AS TABLE
    SELECT n.pupil_id, n.need_code, n.need_rank, r.area_code, r.area, r.description
    FROM sen_needs n
    LEFT JOIN ref_need_codes r ON r.need_code = n.need_code
    WHERE n.start_date <= as_at AND (n.end_date IS NULL OR n.end_date >= as_at);
