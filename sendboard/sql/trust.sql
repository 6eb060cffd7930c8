-- The trust view: the trust's schools side by side. Aggregates only, one row per school.

-- name: trust_register
SELECT s.school_id, s.name AS school, s.phase,
       CAST(count(r.pupil_id) AS INTEGER) AS on_roll,
       CAST(count(*) FILTER (WHERE sen_group(st.code) = 'SEN support') AS INTEGER) AS sen_support,
       CAST(count(*) FILTER (WHERE sen_group(st.code) = 'EHC plan') AS INTEGER) AS ehc_plans
FROM schools s
LEFT JOIN roll_at($as_at) r ON r.school_id = s.school_id
LEFT JOIN sen_status_at($as_at) st ON st.pupil_id = r.pupil_id
WHERE s.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
GROUP BY ALL
ORDER BY s.name;

-- name: trust_need_mix
-- Share of each school's pupils with SEND whose primary need is in each broad area.
WITH send AS (
    SELECT r.school_id, r.pupil_id
    FROM roll_at($as_at) r
    JOIN sen_status_at($as_at) st ON st.pupil_id = r.pupil_id AND sen_group(st.code) <> 'No SEN'
    WHERE r.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
)
SELECT s.name AS school, coalesce(n.area, 'Not recorded') AS area,
       CAST(count(*) AS INTEGER) AS pupils,
       100.0 * count(*) / sum(count(*)) OVER (PARTITION BY s.name) AS pct_of_send
FROM send
JOIN schools s ON s.school_id = send.school_id
LEFT JOIN needs_at($as_at) n ON n.pupil_id = send.pupil_id AND n.need_rank = 1
GROUP BY s.name, coalesce(n.area, 'Not recorded')
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
-- EHC annual reviews due this academic year held on time, and SEN support plans overdue for review now.
WITH ehc AS (
    SELECT p.school_id,
           count(*) AS reviews_due,
           count(*) FILTER (WHERE rv.held_on <= rv.due_on) AS on_time
    FROM ehc_reviews rv
    JOIN ehc_plans e ON e.ehcp_id = rv.ehcp_id
    JOIN pupils p ON p.pupil_id = e.pupil_id
    WHERE academic_year_of(rv.due_on) = academic_year_of($as_at) - 1
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

