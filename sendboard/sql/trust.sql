-- The trust view: the trust's schools side by side. Aggregates only, one row per school.

-- name: trust_register
-- On roll, SEN support and EHC plans per visible school at $as_at: roll_at and sen_status_at of
-- 003_common_macros.sql written out, so the roll is read once and the SEN records are only those of
-- pupils on it (imports refuse overlapping provision periods, so a pupil has at most one open record).
WITH vs AS (SELECT school_id FROM visible_schools($viewer_id)),
roll AS (
    SELECT p.pupil_id, p.school_id
    FROM pupils p
    JOIN enrolments e ON e.pupil_id = p.pupil_id AND e.academic_year = academic_year_of($as_at)
    WHERE p.school_id IN (SELECT school_id FROM vs)
      AND p.entry_date <= $as_at AND (p.leaving_date IS NULL OR p.leaving_date > $as_at)
),
counts AS (
    SELECT roll.school_id, count(*) AS on_roll,
           count(*) FILTER (WHERE st.code IN ('K', 'A', 'P')) AS sen_support,
           count(*) FILTER (WHERE st.code IN ('E', 'S')) AS ehc_plans
    FROM roll
    LEFT JOIN sen_provision st ON st.pupil_id = roll.pupil_id
                              AND st.start_date <= $as_at AND (st.end_date IS NULL OR st.end_date >= $as_at)
    GROUP BY roll.school_id
)
SELECT s.school_id, s.name AS school, s.phase,
       CAST(coalesce(c.on_roll, 0) AS INTEGER) AS on_roll,
       CAST(coalesce(c.sen_support, 0) AS INTEGER) AS sen_support,
       CAST(coalesce(c.ehc_plans, 0) AS INTEGER) AS ehc_plans,
       100.0 * c.sen_support / nullif(c.on_roll, 0) AS sen_support_pct,
       100.0 * c.ehc_plans / nullif(c.on_roll, 0) AS ehc_pct
FROM schools s
LEFT JOIN counts c ON c.school_id = s.school_id
WHERE s.school_id IN (SELECT school_id FROM vs)
ORDER BY school;

-- name: trust_need_mix
-- Share of each school's pupils with SEND whose primary need is in each broad area. Starts from the open
-- SEN records (far fewer rows than the roll) and keeps those of pupils on roll in visible schools.
WITH send AS (
    SELECT p.school_id, st.pupil_id
    FROM sen_provision st
    JOIN pupils p ON p.pupil_id = st.pupil_id
    JOIN enrolments e ON e.pupil_id = st.pupil_id AND e.academic_year = academic_year_of($as_at)
    WHERE st.code IN ('E', 'S', 'K', 'A', 'P')
      AND st.start_date <= $as_at AND (st.end_date IS NULL OR st.end_date >= $as_at)
      AND p.entry_date <= $as_at AND (p.leaving_date IS NULL OR p.leaving_date > $as_at)
      AND p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
),
need AS (
    SELECT n.pupil_id, r.area
    FROM sen_needs n
    LEFT JOIN ref_need_codes r ON r.need_code = n.need_code
    WHERE n.need_rank = 1 AND n.start_date <= $as_at AND (n.end_date IS NULL OR n.end_date >= $as_at)
),
counts AS (
    SELECT send.school_id, coalesce(need.area, 'Not recorded') AS area, count(*) AS pupils
    FROM send
    LEFT JOIN need ON need.pupil_id = send.pupil_id
    GROUP BY ALL
)
SELECT s.name AS school, c.area, CAST(sum(c.pupils) AS INTEGER) AS pupils,
       100.0 * sum(c.pupils) / sum(sum(c.pupils)) OVER (PARTITION BY s.name) AS pct_of_send
FROM counts c
JOIN schools s ON s.school_id = c.school_id
GROUP BY s.name, c.area
ORDER BY school, area;

-- name: trust_outcome_gaps
-- Latest term with assessments up to the date: mean standardised score of pupils with SEND and of
-- the rest, and the gap; attendance the same way over the academic year so far.
WITH latest AS (
    SELECT max(a.term_id) AS term_id
    FROM assessments a JOIN terms t ON t.term_id = a.term_id
    WHERE t.start_date <= $as_at
), grouped AS (
    SELECT r.school_id, r.pupil_id,
           CASE WHEN sen_group(coalesce(st.code, 'N')) = 'No SEN' THEN 'No SEN' ELSE 'SEND' END AS grp
    FROM roll_at($as_at) r
    LEFT JOIN sen_status_at($as_at) st ON st.pupil_id = r.pupil_id
    WHERE r.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
), scores AS (
    SELECT g.school_id, g.grp, avg(a.score) AS mean_score
    FROM grouped g JOIN assessments a ON a.pupil_id = g.pupil_id AND a.term_id = (SELECT term_id FROM latest)
    GROUP BY ALL
), attend AS (
    SELECT g.school_id, g.grp, 100.0 * sum(att.attended_sessions) / nullif(sum(att.possible_sessions), 0) AS attendance_pct
    FROM grouped g
    JOIN attendance att ON att.pupil_id = g.pupil_id
    JOIN terms t ON t.term_id = att.term_id AND t.academic_year = academic_year_of($as_at) AND t.start_date <= $as_at
    GROUP BY ALL
)
SELECT s.name AS school,
       max(sc.mean_score) FILTER (WHERE sc.grp = 'SEND') AS send_score,
       max(sc.mean_score) FILTER (WHERE sc.grp = 'No SEN') AS no_sen_score,
       max(sc.mean_score) FILTER (WHERE sc.grp = 'SEND') - max(sc.mean_score) FILTER (WHERE sc.grp = 'No SEN') AS score_gap,
       max(a.attendance_pct) FILTER (WHERE a.grp = 'SEND') AS send_attendance_pct,
       max(a.attendance_pct) FILTER (WHERE a.grp = 'No SEN') AS no_sen_attendance_pct,
       max(a.attendance_pct) FILTER (WHERE a.grp = 'SEND') - max(a.attendance_pct) FILTER (WHERE a.grp = 'No SEN') AS attendance_gap
FROM schools s
LEFT JOIN scores sc ON sc.school_id = s.school_id
LEFT JOIN attend a ON a.school_id = s.school_id
WHERE s.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
GROUP BY ALL
ORDER BY school;

-- name: trust_review_compliance
-- EHC annual reviews due last academic year held on time, out of every review that fell due then (held,
-- or overdue and still not held at $as_at: see docs/methods.md), and SEN support plans overdue for review now.
WITH held AS (
    SELECT p.school_id, rv.held_on <= rv.due_on AS on_time
    FROM ehc_reviews rv
    JOIN ehc_plans e ON e.ehcp_id = rv.ehcp_id
    JOIN pupils p ON p.pupil_id = e.pupil_id
    WHERE academic_year_of(rv.due_on) = academic_year_of($as_at) - 1 AND rv.held_on <= $as_at
), not_held AS (
    SELECT p.school_id,
           ehc_review_due_after(coalesce((SELECT max(r.held_on) FROM ehc_reviews r WHERE r.ehcp_id = e.ehcp_id
                                                                                   AND r.held_on <= $as_at),
                                         e.issued_on), p.date_of_birth) AS due_on
    FROM ehc_plans e
    JOIN pupils p ON p.pupil_id = e.pupil_id
    WHERE e.issued_on <= $as_at AND (e.ceased_on IS NULL OR e.ceased_on > $as_at)
      AND p.entry_date <= $as_at AND (p.leaving_date IS NULL OR p.leaving_date > $as_at)
), ehc AS (
    SELECT school_id, count(*) AS reviews_due, count(*) FILTER (WHERE on_time) AS on_time
    FROM (SELECT school_id, on_time FROM held
          UNION ALL
          SELECT school_id, false FROM not_held
          WHERE due_on < $as_at AND academic_year_of(due_on) = academic_year_of($as_at) - 1)
    GROUP BY ALL
), plans AS (
    SELECT p.school_id,
           count(*) AS open_plans,
           count(*) FILTER (WHERE sp.review_due < $as_at) AS overdue
    FROM support_plans sp
    JOIN pupils p ON p.pupil_id = sp.pupil_id
    WHERE sp.start_date <= $as_at AND (sp.closed_on IS NULL OR sp.closed_on > $as_at)
    GROUP BY ALL
)
SELECT s.name AS school,
       CAST(coalesce(ehc.reviews_due, 0) AS INTEGER) AS ehc_reviews_last_year,
       100.0 * ehc.on_time / nullif(ehc.reviews_due, 0) AS ehc_on_time_pct,
       CAST(coalesce(plans.open_plans, 0) AS INTEGER) AS open_support_plans,
       100.0 * plans.overdue / nullif(plans.open_plans, 0) AS plans_overdue_pct
FROM schools s
LEFT JOIN ehc ON ehc.school_id = s.school_id
LEFT JOIN plans ON plans.school_id = s.school_id
WHERE s.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY school;

-- name: trust_school_names
-- The schools the viewer sees, id and name (the trust's tables name schools, never pupils).
SELECT school_id, name FROM schools WHERE school_id IN (SELECT school_id FROM visible_schools($viewer_id)) ORDER BY name;

-- name: trust_ehc_compliance
-- ehc_compliance (sendboard/sql/ehc.sql) for every visible school at once, grouped by school: the same
-- counts per school and academic year of the due date (tests/test_trust_side_by_side.py checks they equal
-- the per-school query's).
WITH plans AS (
    SELECT p.school_id, e.ehcp_id, p.date_of_birth,
           coalesce((SELECT max(r.held_on) FROM ehc_reviews r WHERE r.ehcp_id = e.ehcp_id AND r.held_on <= $as_at),
                    e.issued_on) AS base_on
    FROM ehc_plans e JOIN pupils p ON p.pupil_id = e.pupil_id
    WHERE p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
      AND e.issued_on <= $as_at AND (e.ceased_on IS NULL OR e.ceased_on > $as_at)
      AND p.entry_date <= $as_at AND (p.leaving_date IS NULL OR p.leaving_date > $as_at)
), next_due AS (
    SELECT school_id, ehcp_id, ehc_review_due_after(base_on, date_of_birth) AS due_on
    FROM plans
), held AS (
    SELECT p.school_id, rv.due_on, rv.held_on
    FROM ehc_reviews rv JOIN ehc_plans e ON e.ehcp_id = rv.ehcp_id JOIN pupils p ON p.pupil_id = e.pupil_id
    WHERE p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
      AND rv.held_on <= $as_at
      -- as known at $as_at: a pupil who joined later, or a plan issued later, was not in the school's records yet
      AND p.entry_date <= $as_at AND e.issued_on <= $as_at
), every AS (
    SELECT school_id, academic_year_of(due_on) AS academic_year,
           CASE WHEN held_on <= due_on THEN 'on_time' ELSE 'late' END AS state FROM held
    UNION ALL
    SELECT school_id, academic_year_of(due_on), 'overdue' FROM next_due WHERE due_on < $as_at
)
SELECT school_id, academic_year,
       CAST(count(*) FILTER (WHERE state = 'on_time') AS INTEGER) AS held_on_time,
       CAST(count(*) FILTER (WHERE state = 'late') AS INTEGER) AS held_late,
       CAST(count(*) FILTER (WHERE state = 'overdue') AS INTEGER) AS overdue
FROM every
GROUP BY school_id, academic_year
ORDER BY school_id, academic_year;

-- name: trust_ehc_hours_short
-- ehc_hours_short (sendboard/sql/ehc.sql) for every visible school at once, grouped by school.
WITH plans AS (
    SELECT r.school_id, e.ehcp_id, e.pupil_id, e.hours_per_week
    FROM ehc_plans e JOIN roll_at($as_at) r ON r.pupil_id = e.pupil_id
    WHERE r.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
      AND e.issued_on <= $as_at AND (e.ceased_on IS NULL OR e.ceased_on > $as_at)
), got AS (
    SELECT a.pupil_id, sum(i.sessions_per_week * i.minutes_per_session / 60.0) AS hours
    FROM allocations a JOIN interventions i ON i.intervention_id = a.intervention_id
    WHERE a.pupil_id IN (SELECT pupil_id FROM plans)
      AND a.start_date <= $as_at AND (a.end_date IS NULL OR a.end_date >= $as_at)
    GROUP BY a.pupil_id
)
SELECT pl.school_id,
       CAST(count(*) AS INTEGER) AS plans,
       CAST(count(*) FILTER (WHERE pl.hours_per_week IS NOT NULL) AS INTEGER) AS with_hours,
       CAST(count(*) FILTER (WHERE pl.hours_per_week - coalesce(g.hours, 0) > 0.01) AS INTEGER) AS short
FROM plans pl LEFT JOIN got g ON g.pupil_id = pl.pupil_id
GROUP BY pl.school_id;

-- name: trust_waiting
-- records_waiting_by_service (sendboard/sql/records.sql) summed over services for every visible school:
-- pupils still waiting, and the longest of the services' median waits (days).
WITH r AS (
    SELECT p.school_id, i.service, i.referred_on,
           i.seen_on IS NOT NULL AND i.seen_on <= $as_at AS seen,
           (i.seen_on IS NULL OR i.seen_on > $as_at) AND i.closed_on IS NOT NULL AND i.closed_on <= $as_at AS withdrawn,
           date_diff('day', i.referred_on,
                     CASE WHEN i.seen_on IS NOT NULL AND i.seen_on <= $as_at THEN i.seen_on ELSE $as_at END) AS wait
    FROM specialist_involvements i JOIN pupils p ON p.pupil_id = i.pupil_id
    WHERE i.referred_on <= $as_at
      AND p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
), per_service AS (
    SELECT school_id, service,
           count(*) FILTER (WHERE NOT seen AND NOT withdrawn) AS still_waiting,
           median(wait) FILTER (WHERE NOT withdrawn) AS median_wait_days
    FROM r
    WHERE referred_on > $as_at - INTERVAL 365 DAY OR (NOT seen AND NOT withdrawn)
    GROUP BY school_id, service
)
SELECT school_id, CAST(sum(still_waiting) AS INTEGER) AS still_waiting,
       max(median_wait_days) AS longest_median_wait
FROM per_service GROUP BY school_id;

-- name: trust_suspensions
-- leaders_outcome_attendance (sendboard/sql/leaders.sql) at one census for every visible school: pupils on
-- roll at the latest census of $as_at's academic year held by $as_at, with SEND (SEN support and EHC plans
-- pooled) or no SEN, and how many of them were suspended at least once that term.
WITH term AS (
    SELECT term_id, academic_year, census_date FROM terms
    WHERE census_date <= $as_at AND academic_year = academic_year_of($as_at)
    ORDER BY term_id DESC LIMIT 1
), status AS (
    SELECT sp.pupil_id, arg_max(sp.code, sp.start_date) AS code
    FROM term t JOIN sen_provision sp
      ON sp.start_date <= t.census_date AND (sp.end_date IS NULL OR sp.end_date >= t.census_date)
    GROUP BY sp.pupil_id
), roll AS (
    SELECT p.school_id, p.pupil_id, sen_group(coalesce(st.code, 'N')) AS sen_group
    FROM term t
    JOIN enrolments e ON e.academic_year = t.academic_year
    JOIN pupils p ON p.pupil_id = e.pupil_id
    LEFT JOIN status st ON st.pupil_id = p.pupil_id
    WHERE p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
      AND p.entry_date <= t.census_date AND (p.leaving_date IS NULL OR p.leaving_date > t.census_date)
), suspended AS (
    SELECT DISTINCT s.pupil_id FROM suspensions s JOIN term t ON t.term_id = s.term_id
)
SELECT r.school_id, CASE WHEN r.sen_group = 'No SEN' THEN 'No SEN' ELSE 'SEND' END AS grp,
       CAST(count(*) AS INTEGER) AS pupils, CAST(count(su.pupil_id) AS INTEGER) AS pupils_suspended
FROM roll r LEFT JOIN suspended su ON su.pupil_id = r.pupil_id
GROUP BY ALL
ORDER BY r.school_id, grp;

-- name: trust_staff_training
-- statutory_staff and statutory_training (sendboard/sql/statutory.sql) for every visible school at once:
-- each member of staff in post at $as_at, and each of their SEND training records (NULL where none).
SELECT s.school_id, s.staff_id, t.training_id, t.completed_on, t.expires_on
FROM staff s
LEFT JOIN training t ON t.staff_id = s.staff_id
WHERE s.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
  AND s.start_date <= $as_at AND (s.end_date IS NULL OR s.end_date >= $as_at)
ORDER BY s.school_id, s.staff_id, t.completed_on, t.training_id;

-- name: trust_ratings
-- statutory_ratings for every visible school at once.
SELECT k.school_id, k.rating_id, k.factor_code, k.rated_on, k.rating, k.evidence, k.next_actions
FROM key_factor_ratings k
WHERE k.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY k.school_id, k.rated_on, k.rating_id;

-- name: trust_spend_by_area
-- governors_spend_by_area (sendboard/sql/governors.sql) for every visible school at once: the bodies of
-- school_allocations_at and allocation_primary_area (migration 018) with the school as a column instead
-- of a parameter (the cost divisor is counted within an intervention, so within its school). A test holds
-- each school's rows equal to the per-school query's.
WITH k AS (
    SELECT a.allocation_id, a.pupil_id, a.intervention_id, a.group_label, a.start_date,
           CASE WHEN a.end_date <= $as_at THEN a.end_date END AS end_date,
           i.school_id, i.group_size
    FROM allocations a
    JOIN interventions i ON i.intervention_id = a.intervention_id
    WHERE a.start_date <= $as_at AND i.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
), a AS (
    SELECT k.*, coalesce(k.end_date, CAST(k.start_date + to_days(7 * i.planned_weeks - 1) AS DATE)) AS planned_end
    FROM k JOIN interventions i ON i.intervention_id = k.intervention_id
), grp AS (
    SELECT x.allocation_id, count(*) AS n
    FROM a x
    JOIN a y ON y.intervention_id = x.intervention_id AND y.group_label = x.group_label
            AND y.start_date <= x.planned_end AND x.start_date <= y.planned_end
    WHERE x.group_label IS NOT NULL
    GROUP BY x.allocation_id
), alloc AS (
    SELECT a.*, CASE WHEN a.group_label IS NOT NULL THEN grp.n ELSE greatest(a.group_size, 1) END AS pupils_in_group
    FROM a LEFT JOIN grp ON grp.allocation_id = a.allocation_id
), primary_area AS (
    SELECT a.allocation_id, coalesce(min(r.area_code), 'NONE') AS area_code
    FROM alloc a
    LEFT JOIN sen_needs n ON n.pupil_id = a.pupil_id AND n.need_rank = 1 AND n.start_date <= a.start_date
                         AND (n.end_date IS NULL OR n.end_date >= a.start_date)
    LEFT JOIN ref_need_codes r ON r.need_code = n.need_code
    GROUP BY a.allocation_id
), costed AS (
    SELECT a.school_id, a.allocation_id, a.pupil_id,
           CAST(a.pupils_in_group AS DOUBLE) AS n,
           coalesce(rc.hourly_cost, 0) * i.minutes_per_session / 60.0 * i.sessions_per_week AS weekly_group_cost,
           i.other_costs,
           greatest(0, date_diff('day', greatest(a.start_date, $year_start), least(a.planned_end, $year_end)) + 1) AS days_in_year,
           (a.start_date BETWEEN $year_start AND $year_end) AS starts_in_year
    FROM alloc a
    JOIN interventions i ON i.intervention_id = a.intervention_id
    LEFT JOIN staff_role_costs rc ON rc.school_id = i.school_id AND rc.staff_role = i.delivered_by
    WHERE a.start_date <= $year_end AND a.planned_end >= $year_start
), per AS (
    SELECT c.school_id, c.allocation_id, c.pupil_id,
           c.weekly_group_cost / c.n * c.days_in_year / 7.0 + CASE WHEN c.starts_in_year THEN c.other_costs / c.n ELSE 0 END AS year_cost,
           pa.area_code
    FROM costed c
    LEFT JOIN primary_area pa ON pa.allocation_id = c.allocation_id
)
SELECT school_id, coalesce(area_code, 'NONE') AS area_code,
       CAST(count(DISTINCT pupil_id) AS INTEGER) AS pupils,
       sum(year_cost) AS spend,
       CAST(NULL AS INTEGER) AS all_pupils
FROM per
GROUP BY ALL
UNION ALL
-- governors_provision_pupils: distinct pupils with any provision this year, per school
SELECT school_id, 'ALL', NULL, NULL, CAST(count(DISTINCT pupil_id) AS INTEGER)
FROM costed
GROUP BY school_id
ORDER BY school_id, area_code;

-- name: trust_funding
-- governors_funding for every visible school at once.
SELECT f.school_id, f.line, sum(f.amount) AS amount, CAST(count(DISTINCT f.pupil_id) AS INTEGER) AS pupils
FROM funding_by_academic_year() f
WHERE f.academic_year = $academic_year
  AND f.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
GROUP BY f.school_id, f.line;

-- name: trust_identification_counts
-- leaders_identification_counts (sendboard/sql/leaders.sql) for every visible school at once, without the
-- form dimension (forms are not comparable across schools): per school, the whole roll first (no
-- dimension), then each dimension's values in the page's order.
WITH per AS (
    SELECT p.school_id, p.pupil_id, any_value(p.gender) AS gender, any_value(p.disadvantaged) AS disadvantaged,
           any_value(p.eal) AS eal, any_value(month(p.date_of_birth)) AS birth_month,
           any_value(e.year_group) AS year_group,
           sen_group(arg_max(sp.code, sp.start_date)) <> 'No SEN' AS on_register
    FROM pupils p
    JOIN enrolments e ON e.pupil_id = p.pupil_id AND e.academic_year = academic_year_of(CAST($as_at AS DATE))
    LEFT JOIN sen_provision sp ON sp.pupil_id = p.pupil_id
                              AND sp.start_date <= $as_at AND (sp.end_date IS NULL OR sp.end_date >= $as_at)
    WHERE p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
      AND p.entry_date <= $as_at AND (p.leaving_date IS NULL OR p.leaving_date > $as_at)
    GROUP BY p.school_id, p.pupil_id
), rows AS (
    SELECT r.school_id, unnest([
        struct_pack(d := CAST(NULL AS INTEGER), value := CAST(NULL AS VARCHAR)),
        struct_pack(d := 0, value := CASE r.gender WHEN 'F' THEN 'Girls' WHEN 'M' THEN 'Boys' END),
        struct_pack(d := 1, value := CASE WHEN r.disadvantaged THEN 'Disadvantaged' ELSE 'Not disadvantaged' END),
        struct_pack(d := 2, value := CASE WHEN r.eal THEN 'EAL' ELSE 'English first language' END),
        struct_pack(d := 3, value := CASE WHEN r.birth_month >= 9 THEN 'Autumn-born (Sep-Dec)'
                                          WHEN r.birth_month <= 4 THEN 'Spring-born (Jan-Apr)'
                                          ELSE 'Summer-born (May-Aug)' END),
        struct_pack(d := 4, value := 'Year ' || r.year_group)
    ], recursive := true), coalesce(r.on_register, false) AS on_register
    FROM per r
)
SELECT school_id, ['Gender', 'Disadvantaged', 'English as an additional language', 'Season of birth',
                   'Year group'][d + 1] AS dimension, value,
       CAST(count(*) AS INTEGER) AS pupils, CAST(count(*) FILTER (WHERE on_register) AS INTEGER) AS on_register
FROM rows
GROUP BY school_id, d, value
ORDER BY school_id, d NULLS FIRST,
         CASE value WHEN 'Autumn-born (Sep-Dec)' THEN 0 WHEN 'Spring-born (Jan-Apr)' THEN 1
                    WHEN 'Summer-born (May-Aug)' THEN 2 ELSE 0 END,
         value;
