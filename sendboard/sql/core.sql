-- Schools, years and terms: the frame every page's filters come from.

-- name: visible_school_list
SELECT s.school_id, s.urn, s.name, s.phase, s.local_authority, s.trust
FROM schools s
WHERE s.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY s.name;

-- name: term_list
SELECT term_id, academic_year, term, term_number, label, start_date, end_date, census_date
FROM terms ORDER BY term_id;

-- name: academic_year_list
SELECT academic_year, label, start_date, end_date FROM academic_years ORDER BY academic_year;

-- name: data_version
SELECT max(version) FROM data_version;

-- name: teaching_groups_visible
-- The groups a viewer may open in a school and academic year (a teacher: only those they teach today).
SELECT g.group_id, g.name, g.kind, g.subject, g.year_group
FROM teaching_groups g
WHERE g.school_id = $school_id AND g.academic_year = $academic_year
  AND g.group_id IN (SELECT group_id FROM visible_groups($viewer_id, $today))
ORDER BY g.year_group, g.kind, g.name;

-- name: home_counts
-- The headline on the home page: roll and register as at a date, for the schools a viewer sees.
WITH roll AS (
    SELECT p.pupil_id
    FROM pupils p
    JOIN enrolments e ON e.pupil_id = p.pupil_id AND e.academic_year = $academic_year
    WHERE p.school_id = $school_id
      AND p.entry_date <= $as_at AND (p.leaving_date IS NULL OR p.leaving_date > $as_at)
      AND p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
), status AS (
    SELECT sp.pupil_id, sp.code
    FROM sen_provision sp
    WHERE sp.start_date <= $as_at AND (sp.end_date IS NULL OR sp.end_date >= $as_at)
)
SELECT CAST(count(*) AS INTEGER) AS on_roll,
       CAST(count(*) FILTER (WHERE s.code IN ('K', 'A', 'P')) AS INTEGER) AS sen_support,
       CAST(count(*) FILTER (WHERE s.code IN ('E', 'S')) AS INTEGER) AS ehc_plans
FROM roll r LEFT JOIN status s USING (pupil_id);
