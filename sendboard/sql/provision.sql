-- Provision area: the intervention catalogue, allocations, costs, impact and hours against need.
-- Scoping: pupil-level rows are restricted with visible_pupils; schools with visible_schools. Every
-- money figure (hourly rates, other costs, funding) comes back NULL unless can_see_costs($viewer_id),
-- so a teacher's rows carry no costs whatever the page does with them. The aggregate-only query
-- (provision_allocations_for_aggregates) also releases costs to governors: it has no names, and the
-- Python functions that read it return totals only.
-- An allocation's planned last day: its end_date, or start + planned_weeks weeks - 1 day while open.

-- name: provision_catalogue
SELECT i.intervention_id, i.school_id, i.name, i.areas, i.wave, i.delivered_by, i.group_size,
       i.sessions_per_week, i.minutes_per_session, i.planned_weeks,
       CASE WHEN can_see_costs($viewer_id) THEN rc.hourly_cost END AS hourly_cost,
       CASE WHEN can_see_costs($viewer_id) THEN i.other_costs END AS other_costs,
       i.measure, i.measure_scale, i.higher_is_better, i.retired
FROM interventions i
LEFT JOIN staff_role_costs rc ON rc.school_id = i.school_id AND rc.staff_role = i.delivered_by
WHERE i.school_id = $school_id
  AND i.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY i.retired, i.name, i.intervention_id;

-- name: provision_role_costs
SELECT rc.staff_role, rc.hourly_cost
FROM staff_role_costs rc
WHERE rc.school_id = $school_id
  AND rc.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
  AND can_see_costs($viewer_id)
ORDER BY rc.staff_role;

-- name: provision_staff_roles
-- The staff roles an intervention can be delivered by (names only, no rates).
SELECT DISTINCT staff_role FROM (
    SELECT staff_role FROM staff WHERE school_id = $school_id
    UNION SELECT staff_role FROM staff_role_costs WHERE school_id = $school_id
    UNION SELECT delivered_by FROM interventions WHERE school_id = $school_id
)
WHERE $school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY staff_role;

-- name: provision_allocations
-- Every allocation in a school overlapping [$from_date, $to_date] whose pupil the viewer may see, with
-- what the cost formula needs (sendboard/provision/costs.py); pupils_in_group is school_allocations'
-- (migration 012).
WITH a AS (
    SELECT * FROM school_allocations_at($school_id, $as_at)
    WHERE school_id IN (SELECT school_id FROM visible_schools($viewer_id))
),
prim AS (
    SELECT pupil_id, min(need_code) AS primary_need, min(area_code) AS primary_area_code, min(area) AS primary_area
    FROM needs_at($as_at) WHERE need_rank = 1 GROUP BY pupil_id
)
SELECT a.allocation_id, a.pupil_id, p.first_name, p.last_name,
       coalesce(e.year_group, e2.year_group) AS year_group,
       sen_group(coalesce(st.code, 'N')) AS sen_group,
       prim.primary_need, prim.primary_area_code, prim.primary_area,
       a.intervention_id, i.name AS intervention, i.areas, i.wave, i.delivered_by, i.group_size,
       i.sessions_per_week, i.minutes_per_session, i.planned_weeks, i.measure, i.measure_scale,
       i.higher_is_better, i.retired,
       a.group_label, a.start_date, a.end_date, a.planned_end, a.sessions_attended,
       a.entry_score, a.exit_score, a.day_of_week, a.start_time, a.staff_id,
       a.pupils_in_group, coalesce(a.delivery, 'withdrawn') AS delivery, pa.area_code AS need_area_code,
       coalesce(sc.sessions_recorded, 0) AS sessions_recorded, sc.session_times,
       CASE WHEN can_see_costs($viewer_id) THEN rc.hourly_cost END AS hourly_cost,
       CASE WHEN can_see_costs($viewer_id) THEN i.other_costs END AS other_costs
FROM a
JOIN interventions i ON i.intervention_id = a.intervention_id
JOIN pupils p ON p.pupil_id = a.pupil_id
LEFT JOIN allocation_primary_area($school_id) pa ON pa.allocation_id = a.allocation_id
LEFT JOIN allocation_session_counts($school_id) sc ON sc.allocation_id = a.allocation_id
LEFT JOIN staff_role_costs rc ON rc.school_id = i.school_id AND rc.staff_role = i.delivered_by
LEFT JOIN enrolments e ON e.pupil_id = a.pupil_id AND e.academic_year = academic_year_of(greatest(a.start_date, $from_date))
LEFT JOIN enrolments e2 ON e2.pupil_id = a.pupil_id AND e2.academic_year = academic_year_of($as_at)
LEFT JOIN sen_status_at($as_at) st ON st.pupil_id = a.pupil_id
LEFT JOIN prim ON prim.pupil_id = a.pupil_id
WHERE a.start_date <= $to_date AND a.planned_end >= $from_date
  AND a.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY i.name, a.group_label NULLS LAST, p.last_name, p.first_name, a.start_date;

-- name: provision_allocations_for_aggregates
-- The same rows without names, scoped by school (not pupil), for whole-school totals that governors
-- may have. Costs are released to cost roles and to governors of the school; never to teachers.
-- The viewer's role and cost flag are worked out once and joined once: repeating them as scalar
-- subqueries made DuckDB spend far longer planning the query than running it.
WITH viewer AS (SELECT role, can_see_costs($viewer_id) OR role = 'governor' AS costs
                FROM users WHERE user_id = $viewer_id AND NOT disabled
                  AND role IN ('head', 'senco', 'governor', 'admin', 'trust', 'teacher')),
a AS (
    SELECT * FROM school_allocations_at($school_id, $as_at)
    WHERE school_id IN (SELECT school_id FROM visible_schools($viewer_id))
)
SELECT a.allocation_id, a.pupil_id, coalesce(e.year_group, e2.year_group) AS year_group,
       a.intervention_id, i.name AS intervention, i.areas, i.wave, i.delivered_by, i.group_size,
       i.sessions_per_week, i.minutes_per_session, i.planned_weeks, i.measure, i.measure_scale,
       i.higher_is_better, a.group_label, a.start_date, a.end_date, a.planned_end,
       a.entry_score, a.exit_score,
       a.pupils_in_group, coalesce(a.delivery, 'withdrawn') AS delivery, pa.area_code AS need_area_code,
       coalesce(sc.sessions_recorded, 0) AS sessions_recorded,
       CASE WHEN v.costs THEN rc.hourly_cost END AS hourly_cost,
       CASE WHEN v.costs THEN i.other_costs END AS other_costs
FROM a
CROSS JOIN viewer v
JOIN interventions i ON i.intervention_id = a.intervention_id
LEFT JOIN allocation_primary_area($school_id) pa ON pa.allocation_id = a.allocation_id
LEFT JOIN allocation_session_counts($school_id) sc ON sc.allocation_id = a.allocation_id
LEFT JOIN staff_role_costs rc ON rc.school_id = i.school_id AND rc.staff_role = i.delivered_by
LEFT JOIN enrolments e ON e.pupil_id = a.pupil_id AND e.academic_year = academic_year_of(greatest(a.start_date, $from_date))
LEFT JOIN enrolments e2 ON e2.pupil_id = a.pupil_id AND e2.academic_year = academic_year_of($as_at)
WHERE a.start_date <= $to_date AND a.planned_end >= $from_date;

-- name: provision_summary
-- The provision map's totals, worked out here rather than from per-allocation rows: the allocations
-- overlapping academic year $academic_year (academic_years; 1 Sept to 31 Aug if not held) whose pupil the
-- viewer may see, grouped by $by: 'year_group', 'area' (the broad area of the pupil's own primary need
-- when the allocation started, 'NONE' if none was recorded), 'wave', 'intervention', or 'all' (one row). The formula of
-- sendboard/provision/costs.py (allocation_costs, then summarise): interventions, pupils (distinct),
-- pupils_now and interventions_now (allocations current at $as_at), pupil_hours_week and
-- staff_hours_week (current allocations), year_cost_to_date and year_cost (NULL unless can_see_costs).
-- n is school_allocations' pupils_in_group (migration 012).
-- Scope: a head's, SENCO's or trust lead's visible pupils are exactly the pupils of their visible
-- schools, so for them the pupil's school is checked against visible_schools (cheap); anyone else (a
-- teacher) goes through visible_pupils. The viewer's flags and schools are worked out once: repeated
-- scalar subqueries and macro calls made DuckDB spend longer planning than running.
WITH v AS (SELECT u.role IN ('head', 'senco', 'trust') AS by_school, can_see_costs($viewer_id) AS costs,
                  (SELECT list(school_id) FROM visible_schools($viewer_id)) AS schools,
                  coalesce(y.start_date, make_date($academic_year, 9, 1)) AS ys,
                  coalesce(y.end_date, make_date($academic_year + 1, 8, 31)) AS ye
           FROM users u LEFT JOIN academic_years y ON y.academic_year = $academic_year
           WHERE u.user_id = $viewer_id AND NOT u.disabled),
a AS (
    SELECT allocation_id, pupil_id, intervention_id, group_label, start_date, end_date, planned_end, pupils_in_group
    FROM school_allocations_at($school_id, $as_at)
),
x AS (
    SELECT a.*, v.ys, v.ye, v.costs
    FROM a
    CROSS JOIN v
    JOIN pupils p ON p.pupil_id = a.pupil_id
    WHERE a.start_date <= v.ye AND a.planned_end >= v.ys AND list_contains(v.schools, $school_id)
      AND CASE WHEN v.by_school THEN list_contains(v.schools, p.school_id)
               ELSE a.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today)) END
),
costed AS (
    SELECT x.allocation_id, x.pupil_id, x.intervention_id, i.name AS intervention, i.areas, i.wave,
           CASE WHEN $by = 'year_group' THEN coalesce(e.year_group, e2.year_group) END AS year_group,
           x.start_date <= $as_at AND (x.end_date IS NULL OR x.end_date >= $as_at) AS current,
           i.sessions_per_week * i.minutes_per_session / 60 AS pupil_hours_week,
           x.pupils_in_group AS n,
           CASE WHEN x.costs THEN i.sessions_per_week * (rc.hourly_cost * i.minutes_per_session / 60) END AS weekly_group_cost,
           CASE WHEN x.costs THEN i.other_costs END AS other_costs,
           x.start_date BETWEEN x.ys AND x.ye AS in_year,
           x.start_date <= $as_at AS started,
           greatest(least(x.planned_end, x.ye) - greatest(x.start_date, x.ys) + 1, 0) AS year_days,
           greatest(least(x.planned_end, x.ye, $as_at) - greatest(x.start_date, x.ys) + 1, 0) AS year_days_now
    FROM x
    JOIN interventions i ON i.intervention_id = x.intervention_id
    LEFT JOIN staff_role_costs rc ON rc.school_id = i.school_id AND rc.staff_role = i.delivered_by
    LEFT JOIN enrolments e ON $by = 'year_group' AND e.pupil_id = x.pupil_id
                          AND e.academic_year = academic_year_of(greatest(x.start_date, x.ys))
    LEFT JOIN enrolments e2 ON $by = 'year_group' AND e2.pupil_id = x.pupil_id AND e2.academic_year = academic_year_of($as_at)
),
rows AS (
    -- by area: the pupil's own primary need when the allocation started (migration 018), whole
    SELECT costed.*, CASE WHEN $by = 'area' THEN pa.area_code END AS area_code, 1.0 AS weight
    FROM costed
    LEFT JOIN allocation_primary_area($school_id) pa ON $by = 'area' AND pa.allocation_id = costed.allocation_id
)
SELECT CASE $by WHEN 'area' THEN coalesce(area_code, 'NONE') WHEN 'wave' THEN wave
                WHEN 'intervention' THEN intervention WHEN 'year_group' THEN CAST(year_group AS VARCHAR) END AS key,
       count(*) AS allocations,
       len(list_distinct(list(intervention_id))) AS interventions,
       len(list_distinct(list(pupil_id))) AS pupils,
       len(list_distinct(coalesce(list(pupil_id) FILTER (WHERE current), []))) AS pupils_now,
       len(list_distinct(coalesce(list(intervention_id) FILTER (WHERE current), []))) AS interventions_now,
       coalesce(sum(pupil_hours_week * weight) FILTER (WHERE current), 0) AS pupil_hours_week,
       coalesce(sum(pupil_hours_week / n * weight) FILTER (WHERE current), 0) AS staff_hours_week,
       sum((weekly_group_cost / n * year_days_now / 7 + CASE WHEN in_year AND started THEN other_costs / n ELSE 0 END)
           * weight) AS year_cost_to_date,
       sum((weekly_group_cost / n * year_days / 7 + CASE WHEN in_year THEN other_costs / n ELSE 0 END) * weight) AS year_cost
FROM rows
GROUP BY key
ORDER BY key;

-- name: provision_impact
-- What each intervention achieved in academic year $academic_year as known at $as_at, worked out here
-- rather than from per-allocation rows (the formula of sendboard/provision/impact.py): places
-- (allocations overlapping the year that had started by $as_at), with_both_scores, missing_exit,
-- mean_gain and sd_gain (gain = exit - entry, negated when a lower score is better, less the months
-- between start and end on an age-equivalent 'months' scale), sd_entry (entry scores of those with both
-- scores) and cost_per_pupil (mean projected cost of an allocation, as sendboard/provision/costs.py:
-- NULL unless can_see_costs). An exit score is known once the allocation has ended (end date, else its
-- planned last day) on or before $as_at: it is taken then.
-- For the head and the SENCO (and the trust lead), whose visible pupils are exactly the pupils of their
-- visible schools, so the pupil's school is checked (cheap); any other role gets no rows.
WITH v AS (SELECT can_see_costs($viewer_id) AS costs,
                  (SELECT list(school_id) FROM visible_schools($viewer_id)) AS schools,
                  coalesce(y.start_date, make_date($academic_year, 9, 1)) AS ys,
                  coalesce(y.end_date, make_date($academic_year + 1, 8, 31)) AS ye
           FROM users u LEFT JOIN academic_years y ON y.academic_year = $academic_year
           WHERE u.user_id = $viewer_id AND NOT u.disabled AND u.role IN ('head', 'senco', 'trust')),
a AS (
    SELECT allocation_id, pupil_id, intervention_id, group_label, start_date, entry_score, exit_score,
           planned_end AS exit_day, planned_end, pupils_in_group
    FROM school_allocations_at($school_id, $as_at)
),
x AS (
    SELECT a.*, v.costs
    FROM a
    CROSS JOIN v
    JOIN pupils p ON p.pupil_id = a.pupil_id
    WHERE a.start_date <= v.ye AND a.planned_end >= v.ys
      AND list_contains(v.schools, $school_id) AND list_contains(v.schools, p.school_id)
),
g AS (
    SELECT x.intervention_id, i.name, i.wave, i.areas, i.measure, i.measure_scale, i.higher_is_better,
           x.entry_score, x.exit_score,
           (x.exit_score - x.entry_score) * CASE WHEN i.higher_is_better THEN 1 ELSE -1 END
             - CASE WHEN lower(trim(i.measure_scale)) = 'months' THEN (x.exit_day - x.start_date) / (365.25 / 12) ELSE 0 END
             AS gain,
           x.pupils_in_group AS n,
           CASE WHEN x.costs THEN i.sessions_per_week * (rc.hourly_cost * i.minutes_per_session / 60) END AS weekly_group_cost,
           CASE WHEN x.costs THEN i.other_costs END AS other_costs,
           greatest(x.planned_end - x.start_date + 1, 0) / 7 AS weeks_planned
    FROM x
    JOIN interventions i ON i.intervention_id = x.intervention_id
    LEFT JOIN staff_role_costs rc ON rc.school_id = i.school_id AND rc.staff_role = i.delivered_by
)
SELECT intervention_id, any_value(name) AS intervention, any_value(wave) AS wave, any_value(areas) AS areas,
       any_value(measure) AS measure, any_value(measure_scale) AS measure_scale,
       any_value(higher_is_better) AS higher_is_better,
       count(*) AS places, count(gain) AS with_both_scores,
       count(*) FILTER (WHERE entry_score IS NOT NULL AND exit_score IS NULL) AS missing_exit,
       avg(gain) AS mean_gain, stddev_samp(gain) AS sd_gain,
       stddev_samp(entry_score) FILTER (WHERE gain IS NOT NULL) AS sd_entry,
       avg(weekly_group_cost / n * weeks_planned + other_costs / n) AS cost_per_pupil
FROM g
GROUP BY intervention_id;

-- name: provision_measure_spread
-- The school's spread of entry scores on each measure (lower-cased, trimmed): every allocation of any
-- of its interventions measured on it, any year, that had started by $as_at. The population spread used
-- for an effect size when no published figure exists (sendboard/provision/impact.py). Aggregates only,
-- for the roles that see whole-school impact.
SELECT lower(trim(i.measure)) AS measure_key, stddev_samp(a.entry_score) AS cohort_sd,
       CAST(count(a.entry_score) AS INTEGER) AS cohort_n
FROM allocations a
JOIN interventions i ON i.intervention_id = a.intervention_id
WHERE i.school_id = $school_id AND a.start_date <= $as_at
  AND i.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
  AND (SELECT role FROM users WHERE user_id = $viewer_id AND NOT disabled) IN ('head', 'senco', 'governor', 'trust')
GROUP BY ALL;

-- name: provision_funding
-- Funding lines for a school and year (cost roles and governors only).
SELECT f.line, sum(f.amount) AS amount, count(DISTINCT f.pupil_id) AS pupils
FROM funding_by_academic_year() f  -- financial-year lines apportioned to academic years (migration 016)
WHERE f.school_id = $school_id AND f.academic_year = $academic_year
  AND f.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
  AND (can_see_costs($viewer_id)
       OR (SELECT role FROM users WHERE user_id = $viewer_id AND NOT disabled) = 'governor')
GROUP BY f.line
ORDER BY f.line;

-- name: provision_year_bounds
SELECT start_date, end_date FROM academic_years WHERE academic_year = $academic_year;

-- name: provision_pupil_choices
-- Pupils on roll at a school at a date whose records the viewer may see, for the allocation picker.
SELECT p.pupil_id, p.first_name, p.last_name, r.year_group, sen_group(coalesce(s.code, 'N')) AS sen_group
FROM roll_at($as_at) r
JOIN pupils p ON p.pupil_id = r.pupil_id
LEFT JOIN sen_status_at($as_at) s ON s.pupil_id = p.pupil_id
WHERE r.school_id = $school_id
  AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY sen_group(coalesce(s.code, 'N')), p.last_name, p.first_name, p.pupil_id;

-- name: provision_ehc_hours
-- EHC plans open at a date for visible pupils on roll, with the hours a week each plan sets out.
SELECT p.pupil_id, p.first_name, p.last_name, r.year_group, e.ehcp_id, e.hours_per_week AS plan_hours
FROM ehc_plans e
JOIN roll_at($as_at) r ON r.pupil_id = e.pupil_id
JOIN pupils p ON p.pupil_id = e.pupil_id
WHERE r.school_id = $school_id
  AND e.issued_on <= $as_at AND (e.ceased_on IS NULL OR e.ceased_on > $as_at)
  AND e.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY p.last_name, p.first_name, p.pupil_id;

-- name: provision_comparison
-- Difference in gains on termly assessments. For each finished allocation (planned last day in the
-- window and on or before $as_at) of an intervention whose measure or name names an assessment subject:
-- the participant's change between the termly assessments whose census dates are nearest its start and
-- its end (they must differ), and the mean change over the same two terms of pupils never allocated to that intervention, in the same
-- year group and broad area of primary need. Aggregates per intervention only.
WITH subjects AS (SELECT DISTINCT subject FROM assessments),
-- words in a measure that point to an assessment subject besides the subject's own name
keywords AS (SELECT * FROM (VALUES ('reading', 'english'), ('spelling', 'english'), ('phonics', 'english'),
                                   ('writing', 'english'), ('words read', 'english'), ('maths', 'maths'),
                                   ('number', 'maths')) k(word, subject)),
pick AS (
    SELECT i.intervention_id, min(s.subject) AS subject
    FROM interventions i
    JOIN subjects s ON contains(lower(i.measure), lower(s.subject)) OR contains(lower(i.name), lower(s.subject))
                    OR EXISTS (SELECT 1 FROM keywords k WHERE k.subject = lower(s.subject)
                               AND (contains(lower(i.measure), k.word) OR contains(lower(i.name), k.word)))
    WHERE i.school_id = $school_id
      AND i.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
      AND (SELECT role FROM users WHERE user_id = $viewer_id AND NOT disabled) IN ('head', 'senco', 'governor', 'trust')
    GROUP BY i.intervention_id
),
alloc AS (
    SELECT a.allocation_id, a.pupil_id, a.intervention_id, pick.subject, a.start_date, a.planned_end AS end_d
    FROM school_allocations_at($school_id, $as_at) a
    JOIN pick ON pick.intervention_id = a.intervention_id
),
tt AS (
    SELECT alloc.*,
           academic_year_of(alloc.start_date) AS ay,
           (SELECT arg_min(t.term_id, abs(datediff('day', t.census_date, alloc.start_date))) FROM terms t) AS t0,
           (SELECT arg_min(t.term_id, abs(datediff('day', t.census_date, alloc.end_d))) FROM terms t) AS t1,
           (SELECT max(e.year_group) FROM enrolments e
             WHERE e.pupil_id = alloc.pupil_id AND e.academic_year = academic_year_of(alloc.start_date)) AS year_group,
           (SELECT min(r.area_code) FROM sen_needs n JOIN ref_need_codes r ON r.need_code = n.need_code
             WHERE n.pupil_id = alloc.pupil_id AND n.need_rank = 1 AND n.start_date <= alloc.start_date
               AND (n.end_date IS NULL OR n.end_date >= alloc.start_date)) AS area_code
    FROM alloc
    WHERE alloc.end_d >= $from_date AND alloc.end_d <= least($to_date, $as_at)
),
part AS (
    SELECT tt.*, a1.score - a0.score AS change
    FROM tt
    JOIN assessments a0 ON a0.pupil_id = tt.pupil_id AND a0.term_id = tt.t0 AND a0.subject = tt.subject
    JOIN assessments a1 ON a1.pupil_id = tt.pupil_id AND a1.term_id = tt.t1 AND a1.subject = tt.subject
    JOIN terms t1 ON t1.term_id = tt.t1 AND t1.census_date <= $as_at  -- assessed by the as-at date
    WHERE tt.t1 > tt.t0 AND tt.year_group IS NOT NULL AND tt.area_code IS NOT NULL
),
cells AS (SELECT DISTINCT intervention_id, subject, ay, t0, t1, year_group, area_code FROM part),
comp_pupils AS (
    SELECT c.intervention_id, c.subject, c.ay, c.t0, c.t1, c.year_group, c.area_code, e.pupil_id,
           b1.score - b0.score AS change
    FROM cells c
    JOIN terms t ON t.term_id = c.t0
    JOIN enrolments e ON e.academic_year = c.ay AND e.year_group = c.year_group AND e.school_id = $school_id
    JOIN sen_needs n ON n.pupil_id = e.pupil_id AND n.need_rank = 1 AND n.start_date <= t.census_date
                    AND (n.end_date IS NULL OR n.end_date >= t.census_date)
    JOIN ref_need_codes r ON r.need_code = n.need_code AND r.area_code = c.area_code
    JOIN assessments b0 ON b0.pupil_id = e.pupil_id AND b0.term_id = c.t0 AND b0.subject = c.subject
    JOIN assessments b1 ON b1.pupil_id = e.pupil_id AND b1.term_id = c.t1 AND b1.subject = c.subject
    WHERE NOT EXISTS (SELECT 1 FROM allocations x  -- in it by the as-at date
                      WHERE x.pupil_id = e.pupil_id AND x.intervention_id = c.intervention_id AND x.start_date <= $as_at)
),
comp AS (
    SELECT intervention_id, subject, ay, t0, t1, year_group, area_code, avg(change) AS comp_change
    FROM comp_pupils GROUP BY ALL
),
-- the whole school's spread on the assessment in the terms compared from: the population SD where the
-- assessment's scale has no published one
spread AS (
    SELECT c.intervention_id, stddev_samp(s.score) AS cohort_sd, any_value(s.scale) AS compared_scale
    FROM (SELECT DISTINCT intervention_id, subject, t0 FROM cells) c
    JOIN assessments s ON s.subject = c.subject AND s.term_id = c.t0
    JOIN pupils p ON p.pupil_id = s.pupil_id AND p.school_id = $school_id
    GROUP BY c.intervention_id
),
matched AS (
    SELECT part.intervention_id, part.subject, part.change, comp.comp_change
    FROM part
    JOIN comp USING (intervention_id, subject, ay, t0, t1, year_group, area_code)
)
SELECT m.intervention_id, any_value(m.subject) AS compared_on,
       count(*) AS participants_compared,
       avg(m.change) AS participant_change,
       avg(m.comp_change) AS comparison_change,
       avg(m.change) - avg(m.comp_change) AS difference_in_gains,
       (SELECT count(DISTINCT cp.pupil_id) FROM comp_pupils cp WHERE cp.intervention_id = m.intervention_id) AS comparison_pupils,
       stddev_samp(m.change) AS sd_participant_change,
       (SELECT stddev_samp(cp.change) FROM comp_pupils cp WHERE cp.intervention_id = m.intervention_id) AS sd_comparison_change,
       any_value(sp.compared_scale) AS compared_scale, any_value(sp.cohort_sd) AS cohort_sd
FROM matched m
LEFT JOIN spread sp ON sp.intervention_id = m.intervention_id
GROUP BY m.intervention_id;

-- name: provision_intervention_row
SELECT * FROM interventions WHERE intervention_id = $intervention_id;

-- name: provision_intervention_name_taken
SELECT count(*) > 0 FROM interventions
WHERE school_id = $school_id AND lower(name) = lower($new_name) AND intervention_id <> $intervention_id;

-- name: provision_intervention_insert
INSERT INTO interventions (school_id, name, areas, wave, delivered_by, group_size, sessions_per_week,
                           minutes_per_session, planned_weeks, other_costs, measure, measure_scale,
                           higher_is_better, retired)
VALUES ($school_id, $iname, $areas, $wave, $delivered_by, $group_size, $sessions_per_week,
        $minutes_per_session, $planned_weeks, $other_costs, $measure, $measure_scale, $higher_is_better, false)
RETURNING intervention_id;

-- name: provision_intervention_update
UPDATE interventions
SET name = $iname, areas = $areas, wave = $wave, delivered_by = $delivered_by, group_size = $group_size,
    sessions_per_week = $sessions_per_week, minutes_per_session = $minutes_per_session,
    planned_weeks = $planned_weeks, other_costs = $other_costs, measure = $measure,
    measure_scale = $measure_scale, higher_is_better = $higher_is_better
WHERE intervention_id = $intervention_id;

-- name: provision_intervention_set_retired
UPDATE interventions SET retired = $retired WHERE intervention_id = $intervention_id;

-- name: provision_role_cost_row
SELECT hourly_cost FROM staff_role_costs WHERE school_id = $school_id AND staff_role = $staff_role;

-- name: provision_role_cost_upsert
INSERT OR REPLACE INTO staff_role_costs (school_id, staff_role, hourly_cost)
VALUES ($school_id, $staff_role, $hourly_cost);

-- name: provision_allocation_row
-- scope-exempt: followed at once by a school check and may_see_pupil before anything is shown or changed
SELECT a.*, i.school_id FROM allocations a JOIN interventions i ON i.intervention_id = a.intervention_id
WHERE a.allocation_id = $allocation_id;

-- name: provision_allocation_insert
INSERT INTO allocations (pupil_id, intervention_id, group_label, start_date, end_date, sessions_attended,
                         entry_score, exit_score, day_of_week, start_time, staff_id, delivery)
VALUES ($pupil_id, $intervention_id, $group_label, $start_date, $end_date, $sessions_attended,
        $entry_score, $exit_score, $day_of_week, $start_time, NULL, $delivery)
RETURNING allocation_id;

-- name: provision_allocation_update
UPDATE allocations
SET group_label = $group_label, start_date = $start_date, end_date = $end_date,
    sessions_attended = $sessions_attended, entry_score = $entry_score, exit_score = $exit_score,
    day_of_week = $day_of_week, start_time = $start_time, delivery = $delivery
WHERE allocation_id = $allocation_id;

-- name: provision_allocation_sessions
SELECT day_of_week, start_time FROM allocation_sessions WHERE allocation_id = $allocation_id
ORDER BY list_position(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'], day_of_week), start_time;

-- name: provision_allocation_sessions_clear
DELETE FROM allocation_sessions WHERE allocation_id = $allocation_id;

-- name: provision_allocation_session_insert
INSERT INTO allocation_sessions (allocation_id, day_of_week, start_time) VALUES ($allocation_id, $day_of_week, $start_time);
