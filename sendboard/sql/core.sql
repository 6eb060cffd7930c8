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
-- The headline on the home page: roll and register as at a date, for a school the viewer sees.
SELECT CAST(count(*) AS INTEGER) AS on_roll,
       CAST(count(*) FILTER (WHERE sen_group(s.code) = 'SEN support') AS INTEGER) AS sen_support,
       CAST(count(*) FILTER (WHERE sen_group(s.code) = 'EHC plan') AS INTEGER) AS ehc_plans
FROM roll_at($as_at) r
LEFT JOIN sen_status_at($as_at) s USING (pupil_id)
WHERE r.school_id = $school_id
  AND r.school_id IN (SELECT school_id FROM visible_schools($viewer_id));
