-- Governors' pack: aggregates only. Every query restricts the school with visible_schools($viewer_id)
-- and returns counts, sums or means, never a pupil row; sendboard/governors/figures.py then passes
-- every figure through sendboard/disclosure.py before anything is shown. Group: 'SEND' = SEN support
-- or EHC plan at the date, 'No SEN' = the rest of the roll.

-- name: governors_register_trend
-- Roll, SEN support and EHC plans at each term's census date (or $as_at, if sooner) for every term
-- that has started by $as_at (the latest $terms of them).
WITH t AS (
    SELECT term_id, label, academic_year, term, least(census_date, $as_at) AS d
    FROM terms WHERE start_date <= $as_at
    ORDER BY term_id DESC LIMIT $terms  -- the pack shows the latest few terms: count no others
), roll AS (
    SELECT t.term_id, p.pupil_id, t.d
    FROM t
    JOIN enrolments e ON e.academic_year = t.academic_year
    JOIN pupils p ON p.pupil_id = e.pupil_id AND p.entry_date <= t.d AND (p.leaving_date IS NULL OR p.leaving_date > t.d)
    WHERE p.school_id = $school_id AND p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
)
SELECT t.term_id, t.label, t.academic_year, t.term, t.d AS as_at,
       CAST(count(roll.pupil_id) AS INTEGER) AS on_roll,
       CAST(count(roll.pupil_id) FILTER (WHERE sen_group(sp.code) = 'SEN support') AS INTEGER) AS sen_support,
       CAST(count(roll.pupil_id) FILTER (WHERE sen_group(sp.code) = 'EHC plan') AS INTEGER) AS ehc_plans
FROM t
LEFT JOIN roll ON roll.term_id = t.term_id
LEFT JOIN sen_provision sp ON sp.pupil_id = roll.pupil_id AND sp.start_date <= roll.d
                          AND (sp.end_date IS NULL OR sp.end_date >= roll.d)
GROUP BY ALL
ORDER BY t.term_id;

-- name: governors_need_mix
-- Pupils on the register at a date by the broad area of their primary need and their SEN group.
SELECT coalesce(n.area_code, 'OTH') AS area_code, sen_group(st.code) AS sen_group,
       CAST(count(DISTINCT r.pupil_id) AS INTEGER) AS pupils
FROM roll_at($as_at) r
JOIN sen_status_at($as_at) st ON st.pupil_id = r.pupil_id
LEFT JOIN needs_at($as_at) n ON n.pupil_id = r.pupil_id AND n.need_rank = 1
WHERE r.school_id = $school_id AND sen_group(st.code) <> 'No SEN'
  AND r.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
GROUP BY ALL;

-- name: governors_attendance_by_term
-- Attendance per term (the latest $terms started by $as_at) for SEND and No SEN groups, grouped by
-- status at the term's census date (or $as_at).
SELECT r.term_id, r.label, r.grp,
       CAST(count(DISTINCT a.pupil_id) AS INTEGER) AS pupils,
       sum(a.possible_sessions) AS possible, sum(a.attended_sessions) AS attended
FROM send_groups_by_term($school_id, CAST($as_at AS DATE), $terms) r
JOIN attendance a ON a.pupil_id = r.pupil_id AND a.term_id = r.term_id
WHERE $school_id IN (SELECT school_id FROM visible_schools($viewer_id))
GROUP BY ALL
ORDER BY r.term_id, r.grp;

-- name: governors_attainment_by_term
-- Mean assessment score per term (all subjects) for SEND and No SEN groups.
SELECT r.term_id, r.label, r.grp,
       CAST(count(DISTINCT a.pupil_id) AS INTEGER) AS pupils, avg(a.score) AS mean_score
FROM send_groups_by_term($school_id, CAST($as_at AS DATE), $terms) r
JOIN assessments a ON a.pupil_id = r.pupil_id AND a.term_id = r.term_id
WHERE $school_id IN (SELECT school_id FROM visible_schools($viewer_id))
GROUP BY ALL
ORDER BY r.term_id, r.grp;

-- name: governors_suspensions_by_year
-- Per academic year (started by $as_at): pupils on roll in each group at the year's autumn census (or
-- $as_at), and how many of them had at least one suspension that year, up to $as_at.
WITH y AS (
    SELECT academic_year, start_date, end_date,
           least((SELECT min(census_date) FROM terms t WHERE t.academic_year = ay.academic_year), $as_at) AS d
    FROM academic_years ay WHERE start_date <= $as_at
), roll AS (
    SELECT y.academic_year, p.pupil_id,
           CASE WHEN sen_group(coalesce(sp.code, 'N')) = 'No SEN' THEN 'No SEN' ELSE 'SEND' END AS grp
    FROM y
    JOIN enrolments e ON e.academic_year = y.academic_year
    JOIN pupils p ON p.pupil_id = e.pupil_id AND p.entry_date <= y.d AND (p.leaving_date IS NULL OR p.leaving_date > y.d)
    LEFT JOIN sen_provision sp ON sp.pupil_id = p.pupil_id AND sp.start_date <= y.d AND (sp.end_date IS NULL OR sp.end_date >= y.d)
    WHERE p.school_id = $school_id AND p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
), sus AS (
    SELECT t.academic_year, s.pupil_id, count(*) AS n, sum(s.days) AS days
    FROM suspensions s JOIN terms t ON t.term_id = s.term_id
    WHERE s.start_date <= $as_at
    GROUP BY ALL
)
SELECT roll.academic_year, roll.grp,
       CAST(count(*) AS INTEGER) AS pupils,
       CAST(count(sus.pupil_id) AS INTEGER) AS pupils_suspended,
       CAST(coalesce(sum(sus.n), 0) AS INTEGER) AS suspensions
FROM roll
LEFT JOIN sus ON sus.pupil_id = roll.pupil_id AND sus.academic_year = roll.academic_year
GROUP BY ALL
ORDER BY roll.academic_year, roll.grp;

-- name: governors_funding
-- SEND funding lines for the year (totals only).
SELECT f.line, sum(f.amount) AS amount, CAST(count(DISTINCT f.pupil_id) AS INTEGER) AS pupils
FROM funding_by_academic_year() f  -- financial-year lines apportioned to academic years (migration 016)
WHERE f.school_id = $school_id AND f.academic_year = $academic_year
  AND f.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
GROUP BY f.line;

-- name: governors_spend_by_area
-- Planned spend on provision this academic year by broad area of need, with the same formula as the
-- provision area (sendboard/provision/costs.py): weekly cost per pupil = hourly cost x minutes / 60 x
-- sessions a week / pupils in the group; year cost = weekly cost x days inside the year / 7, plus the
-- other-costs share when the allocation starts in the year. Each pupil's share counts to that pupil's
-- own primary need (NONE: no primary need recorded). pupils = distinct pupils with provision in the area
-- this year. As known at $as_at: allocations as school_allocations_at gives them (migration 018).
WITH a AS (
    SELECT allocation_id, pupil_id, intervention_id, group_label, start_date, planned_end, pupils_in_group
    FROM school_allocations_at($school_id, $as_at)
    WHERE school_id IN (SELECT school_id FROM visible_schools($viewer_id))
), costed AS (
    SELECT a.allocation_id, a.pupil_id, i.areas,
           CAST(a.pupils_in_group AS DOUBLE) AS n,
           coalesce(rc.hourly_cost, 0) * i.minutes_per_session / 60.0 * i.sessions_per_week AS weekly_group_cost,
           i.other_costs,
           greatest(0, date_diff('day', greatest(a.start_date, $year_start), least(a.planned_end, $year_end)) + 1) AS days_in_year,
           (a.start_date BETWEEN $year_start AND $year_end) AS starts_in_year
    FROM a
    JOIN interventions i ON i.intervention_id = a.intervention_id
    LEFT JOIN staff_role_costs rc ON rc.school_id = i.school_id AND rc.staff_role = i.delivered_by
    WHERE a.start_date <= $year_end AND a.planned_end >= $year_start
), per AS (
    -- each pupil's share goes, whole, to the pupil's own primary need when it started (migration 018)
    SELECT c.allocation_id, c.pupil_id,
           c.weekly_group_cost / c.n * c.days_in_year / 7.0 + CASE WHEN c.starts_in_year THEN c.other_costs / c.n ELSE 0 END AS year_cost,
           pa.area_code
    FROM costed c
    LEFT JOIN allocation_primary_area($school_id) pa ON pa.allocation_id = c.allocation_id
)
SELECT coalesce(area_code, 'NONE') AS area_code,
       CAST(count(DISTINCT pupil_id) AS INTEGER) AS pupils,
       sum(year_cost) AS spend
FROM per
GROUP BY ALL
ORDER BY area_code;

-- name: governors_provision_pupils
-- Distinct pupils with any provision this academic year (for the total row; not a sum of areas).
SELECT CAST(count(DISTINCT a.pupil_id) AS INTEGER)
FROM school_allocations_at($school_id, $as_at) a
WHERE a.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
  AND a.start_date <= $year_end AND a.planned_end >= $year_start;

-- name: governors_impact
-- Per intervention: allocations that finished in the year (end date, or planned end, on or before
-- $as_at) with both an entry and an exit score; the mean gain (signed so that up is better) and how
-- many pupils improved. Counts and means only.
WITH fin AS (
    -- as the impact page counts a gain (sendboard/provision/impact.py): on an age scale less the months that passed
    SELECT a.intervention_id, a.pupil_id,
           CASE WHEN i.higher_is_better THEN a.exit_score - a.entry_score ELSE a.entry_score - a.exit_score END
             - CASE WHEN lower(trim(i.measure_scale)) = 'months' THEN (a.planned_end - a.start_date) / (365.25 / 12) ELSE 0 END
             AS gain
    FROM school_allocations_at($school_id, $as_at) a
    JOIN interventions i ON i.intervention_id = a.intervention_id
    WHERE i.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
      AND a.planned_end BETWEEN $year_start AND $as_at
)
SELECT i.intervention_id, i.name AS intervention, i.areas, i.wave, i.measure,
       CAST(count(DISTINCT fin.pupil_id) AS INTEGER) AS pupils_finished,
       CAST(count(DISTINCT fin.pupil_id) FILTER (WHERE fin.gain IS NOT NULL) AS INTEGER) AS pupils_measured,
       CAST(count(DISTINCT fin.pupil_id) FILTER (WHERE fin.gain > 0) AS INTEGER) AS pupils_improved,
       avg(fin.gain) AS mean_gain
FROM interventions i
LEFT JOIN fin ON fin.intervention_id = i.intervention_id
WHERE i.school_id = $school_id AND i.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
  AND (NOT i.retired OR fin.pupil_id IS NOT NULL)
GROUP BY ALL
ORDER BY i.name;

-- name: governors_training_coverage
-- Staff in post at a date, and how many hold current SEND training in each broad area (any level;
-- and at enhanced or specialist level).
WITH s AS (
    SELECT staff_id FROM staff
    WHERE school_id = $school_id AND school_id IN (SELECT school_id FROM visible_schools($viewer_id))
      AND start_date <= $as_at AND (end_date IS NULL OR end_date >= $as_at)
), cur AS (
    SELECT t.staff_id, t.area, t.level FROM training t JOIN s USING (staff_id)
    WHERE t.completed_on <= $as_at AND (t.expires_on IS NULL OR t.expires_on >= $as_at)
)
SELECT a.area_code,
       CAST((SELECT count(*) FROM s) AS INTEGER) AS staff,
       CAST(count(DISTINCT cur.staff_id) AS INTEGER) AS staff_trained,
       CAST(count(DISTINCT cur.staff_id) FILTER (WHERE cur.level IN ('enhanced', 'specialist')) AS INTEGER) AS staff_enhanced
FROM (VALUES ('CI'), ('CL'), ('SEMH'), ('SP')) a(area_code)
LEFT JOIN cur ON cur.area = a.area_code
GROUP BY ALL
ORDER BY a.area_code;

-- name: governors_self_evaluation
-- The latest rating of each key factor on or before $as_at (ratings only: the free-text evidence
-- and next actions are not shown to governors, in case they name pupils).
SELECT f.position, f.factor_code, f.name, k.rating, k.rated_on
FROM ref_key_factors f
JOIN (SELECT factor_code, arg_max(rating, rating_id) AS rating, max(rated_on) AS rated_on
      FROM (SELECT * FROM key_factor_ratings
            WHERE school_id = $school_id AND school_id IN (SELECT school_id FROM visible_schools($viewer_id))
              AND rated_on <= $as_at
            QUALIFY rated_on = max(rated_on) OVER (PARTITION BY factor_code))
      GROUP BY factor_code) k ON k.factor_code = f.factor_code
ORDER BY f.position;

-- name: governors_commentary
SELECT section, text, updated_by, updated_at
FROM governor_commentary
WHERE school_id = $school_id AND academic_year = $academic_year
  AND school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY section;

-- name: governors_commentary_upsert
INSERT INTO governor_commentary (school_id, academic_year, section, text, updated_by, updated_at)
VALUES ($school_id, $academic_year, $section, $text, $updated_by, current_timestamp)
ON CONFLICT (school_id, academic_year, section)
DO UPDATE SET text = excluded.text, updated_by = excluded.updated_by, updated_at = excluded.updated_at;
