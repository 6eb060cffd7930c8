-- Leaders area (issue #4): the whole-school SEND picture for the head, the SENCO and the trust.
-- Every query is for one school ($school_id) and only the pupils the viewer may see.
-- A pupil's SEN group at a date is the provision open then (the latest-starting if two overlap);
-- no row counts as 'No SEN'.

-- name: leaders_roster_at
-- Every pupil on roll at a date: characteristics, SEN group, needs and form (the register's raw rows).
WITH roll AS (
    SELECT p.pupil_id, p.first_name, p.last_name, p.gender, p.disadvantaged, p.fsm, p.eal, p.date_of_birth,
           e.year_group
    FROM pupils p
    JOIN enrolments e ON e.pupil_id = p.pupil_id AND e.academic_year = academic_year_of(CAST($as_at AS DATE))
    WHERE p.school_id = $school_id
      AND p.entry_date <= $as_at AND (p.leaving_date IS NULL OR p.leaving_date > $as_at)
      AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
), status AS (
    SELECT pupil_id, arg_max(code, start_date) AS code
    FROM sen_provision
    WHERE start_date <= $as_at AND (end_date IS NULL OR end_date >= $as_at)
      AND pupil_id IN (SELECT pupil_id FROM roll)
    GROUP BY pupil_id
), needs AS (
    SELECT pupil_id,
           min(need_code) FILTER (WHERE need_rank = 1) AS primary_need,
           min(coalesce(area, 'Other')) FILTER (WHERE need_rank = 1) AS primary_area,
           min(need_code) FILTER (WHERE need_rank = 2) AS secondary_need,
           min(coalesce(area, 'Other')) FILTER (WHERE need_rank = 2) AS secondary_area
    FROM needs_at(CAST($as_at AS DATE))
    WHERE pupil_id IN (SELECT pupil_id FROM roll)
    GROUP BY pupil_id
), form AS (
    SELECT pupil_id, form FROM forms_at($school_id, CAST($as_at AS DATE))
)
SELECT r.pupil_id, r.first_name, r.last_name, r.year_group, r.gender, r.disadvantaged, r.fsm, r.eal,
       r.date_of_birth, sen_group(coalesce(s.code, 'N')) AS sen_group,
       n.primary_need, n.primary_area, n.secondary_need, n.secondary_area, f.form
FROM roll r
LEFT JOIN status s USING (pupil_id)
LEFT JOIN needs n USING (pupil_id)
LEFT JOIN form f USING (pupil_id)
ORDER BY r.year_group, r.last_name, r.first_name, r.pupil_id;

-- name: leaders_need_counts
-- The register's need mix at a date, counted in SQL: for each SEN group (EHC plan, SEN support), the
-- pupils in it ('all'), and the pupils with each broad area ('area') and each type of need ('need').
-- `pupils` counts primary needs only ('Not recorded' where a pupil has none); `pupils_with_secondary`
-- also counts the secondary need, a pupil once per area or need however many of their needs fall in it.
-- Primary and secondary need are picked as leaders_roster_at picks them (lowest code of each rank).
WITH reg AS (
    SELECT sp.pupil_id, sen_group(arg_max(sp.code, sp.start_date)) AS sen_group
    FROM sen_provision sp
    JOIN pupils p ON p.pupil_id = sp.pupil_id
    JOIN enrolments e ON e.pupil_id = p.pupil_id AND e.academic_year = academic_year_of(CAST($as_at AS DATE))
    WHERE p.school_id = $school_id
      AND p.entry_date <= $as_at AND (p.leaving_date IS NULL OR p.leaving_date > $as_at)
      AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
      AND sp.start_date <= $as_at AND (sp.end_date IS NULL OR sp.end_date >= $as_at)
    GROUP BY sp.pupil_id
), per AS (
    SELECT r.sen_group,
           min(n.need_code) FILTER (WHERE n.need_rank = 1) AS p_need,
           min(coalesce(c.area, 'Other')) FILTER (WHERE n.need_rank = 1) AS p_area,
           min(n.need_code) FILTER (WHERE n.need_rank = 2) AS s_need,
           min(coalesce(c.area, 'Other')) FILTER (WHERE n.need_rank = 2) AS s_area
    FROM reg r
    LEFT JOIN sen_needs n ON n.pupil_id = r.pupil_id
                         AND n.start_date <= $as_at AND (n.end_date IS NULL OR n.end_date >= $as_at)
    LEFT JOIN ref_need_codes c ON c.need_code = n.need_code
    WHERE r.sen_group <> 'No SEN'
    GROUP BY r.pupil_id, r.sen_group
), item AS (
    -- one row per pupil per bar they count in; `main` marks the primary-need bars
    SELECT sen_group, unnest([
        struct_pack(level := 'all', code := CAST(NULL AS VARCHAR), main := true),
        struct_pack(level := 'area', code := CASE WHEN p_need IS NULL THEN 'Not recorded' ELSE p_area END, main := true),
        struct_pack(level := 'need', code := coalesce(p_need, 'Not recorded'), main := true),
        CASE WHEN s_need IS NOT NULL AND (p_need IS NULL OR s_area <> p_area)
             THEN struct_pack(level := 'area', code := s_area, main := false) END,
        CASE WHEN s_need IS NOT NULL AND s_need IS DISTINCT FROM p_need
             THEN struct_pack(level := 'need', code := s_need, main := false) END
    ], recursive := true)
    FROM per
)
SELECT sen_group, level, code,
       CAST(count(*) FILTER (WHERE main) AS INTEGER) AS pupils,
       CAST(count(*) AS INTEGER) AS pupils_with_secondary
FROM item
WHERE level IS NOT NULL
GROUP BY ALL;

-- name: leaders_identification_counts
-- Identification rates counted in SQL: for each characteristic (dimension) and each of its values, the
-- pupils on roll at a date and how many are on the register, worded as on the page; the first row (no
-- dimension) is the whole roll. Rows come in page order (dimension, then season of birth, then value).
WITH per AS (
    -- one row per pupil on roll: characteristics, and on the register if the provision open then says so
    SELECT p.pupil_id, any_value(p.gender) AS gender, any_value(p.disadvantaged) AS disadvantaged,
           any_value(p.eal) AS eal, any_value(month(p.date_of_birth)) AS birth_month,
           any_value(e.year_group) AS year_group,
           sen_group(arg_max(sp.code, sp.start_date)) <> 'No SEN' AS on_register
    FROM pupils p
    JOIN enrolments e ON e.pupil_id = p.pupil_id AND e.academic_year = academic_year_of(CAST($as_at AS DATE))
    LEFT JOIN sen_provision sp ON sp.pupil_id = p.pupil_id
                              AND sp.start_date <= $as_at AND (sp.end_date IS NULL OR sp.end_date >= $as_at)
    WHERE p.school_id = $school_id
      AND p.entry_date <= $as_at AND (p.leaving_date IS NULL OR p.leaving_date > $as_at)
      AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
    GROUP BY p.pupil_id
), form AS (
    SELECT pupil_id, form FROM forms_at($school_id, CAST($as_at AS DATE))
), rows AS (
    -- each pupil once per dimension (d indexes the names below), and once for the whole roll (d NULL)
    SELECT unnest([
        struct_pack(d := CAST(NULL AS INTEGER), value := CAST(NULL AS VARCHAR)),
        struct_pack(d := 0, value := CASE r.gender WHEN 'F' THEN 'Girls' WHEN 'M' THEN 'Boys' END),
        struct_pack(d := 1, value := CASE WHEN r.disadvantaged THEN 'Disadvantaged' ELSE 'Not disadvantaged' END),
        struct_pack(d := 2, value := CASE WHEN r.eal THEN 'EAL' ELSE 'English first language' END),
        struct_pack(d := 3, value := CASE WHEN r.birth_month >= 9 THEN 'Autumn-born (Sep-Dec)'
                                          WHEN r.birth_month <= 4 THEN 'Spring-born (Jan-Apr)'
                                          ELSE 'Summer-born (May-Aug)' END),
        struct_pack(d := 4, value := 'Year ' || r.year_group),
        struct_pack(d := 5, value := coalesce(f.form, 'No form recorded'))
    ], recursive := true), coalesce(r.on_register, false) AS on_register
    FROM per r
    LEFT JOIN form f ON f.pupil_id = r.pupil_id
)
SELECT ['Gender', 'Disadvantaged', 'English as an additional language', 'Season of birth', 'Year group',
        'Form'][d + 1] AS dimension, value,
       CAST(count(*) AS INTEGER) AS pupils, CAST(count(*) FILTER (WHERE on_register) AS INTEGER) AS on_register
FROM rows
GROUP BY d, value
ORDER BY d NULLS FIRST,
         CASE value WHEN 'Autumn-born (Sep-Dec)' THEN 0 WHEN 'Spring-born (Jan-Apr)' THEN 1
                    WHEN 'Summer-born (May-Aug)' THEN 2 ELSE 0 END,
         value;

-- name: leaders_register_trend
-- Roll, SEN support and EHC plans at every census date up to today.
WITH t AS (
    SELECT term_id, academic_year, term, term_number, label, census_date
    FROM terms WHERE census_date <= $today
), status AS (
    SELECT t.term_id, sp.pupil_id, arg_max(sp.code, sp.start_date) AS code
    FROM t JOIN sen_provision sp
      ON sp.start_date <= t.census_date AND (sp.end_date IS NULL OR sp.end_date >= t.census_date)
    WHERE sp.pupil_id IN (SELECT pupil_id FROM pupils WHERE school_id = $school_id)
    GROUP BY t.term_id, sp.pupil_id
)
SELECT t.term_id, t.academic_year, t.term, t.term_number, t.label, t.census_date,
       CAST(count(*) AS INTEGER) AS on_roll,
       CAST(count(*) FILTER (WHERE sen_group(coalesce(s.code, 'N')) = 'SEN support') AS INTEGER) AS sen_support,
       CAST(count(*) FILTER (WHERE sen_group(coalesce(s.code, 'N')) = 'EHC plan') AS INTEGER) AS ehc_plan
FROM t
JOIN enrolments e ON e.academic_year = t.academic_year
JOIN pupils p ON p.pupil_id = e.pupil_id
LEFT JOIN status s ON s.term_id = t.term_id AND s.pupil_id = p.pupil_id
WHERE p.school_id = $school_id
  AND p.entry_date <= t.census_date AND (p.leaving_date IS NULL OR p.leaving_date > t.census_date)
  AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
GROUP BY ALL
ORDER BY t.term_id;

-- name: leaders_national
-- Every national figure held for a phase (and for all schools), for choosing the nearest year.
SELECT academic_year, phase, measure, value, source
FROM ref_national
WHERE phase IN ($phase, 'all')
ORDER BY measure, phase, academic_year;

-- name: leaders_need_codes
SELECT need_code, description, area_code, area FROM ref_need_codes ORDER BY area_code, need_code;

-- name: leaders_open_concerns
-- Pupils on roll at a date with a concern open then.
SELECT c.pupil_id, c.concern_id, c.raised_on, c.raised_by, c.area, c.reason
FROM concerns c
WHERE c.raised_on <= $as_at AND (c.closed_on IS NULL OR c.closed_on > $as_at)
  AND c.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
  AND c.pupil_id IN (SELECT pupil_id FROM pupils WHERE school_id = $school_id)
ORDER BY c.raised_on, c.concern_id;

-- name: leaders_term_progress
-- Each pupil's mean score change (over subjects) from the term before, in the two latest terms with
-- scores up to the one holding $as_at; terms are consecutive in the school calendar (summer, then autumn).
WITH seq AS (
    SELECT term_id, label, row_number() OVER (ORDER BY term_id) AS k FROM terms
), cur AS (
    SELECT max(term_id) AS term_id FROM terms WHERE start_date <= $as_at
), cohort AS (
    SELECT p.pupil_id FROM pupils p
    WHERE p.school_id = $school_id
      AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
), latest AS (
    SELECT DISTINCT x.term_id FROM assessments x
    WHERE x.term_id <= (SELECT term_id FROM cur) AND x.pupil_id IN (SELECT pupil_id FROM cohort)
    ORDER BY x.term_id DESC LIMIT 3
), a AS (
    SELECT x.pupil_id, x.term_id, x.subject, x.score, s.label, s.k
    FROM assessments x
    JOIN seq s ON s.term_id = x.term_id
    WHERE x.pupil_id IN (SELECT pupil_id FROM cohort) AND x.term_id IN (SELECT term_id FROM latest)
)
SELECT a.pupil_id, a.term_id, a.label, a.k,
       avg(a.score - b.score) AS progress, CAST(count(*) AS INTEGER) AS subjects, avg(a.score) AS attainment
FROM a
JOIN a b ON b.pupil_id = a.pupil_id AND b.subject = a.subject AND b.k = a.k - 1
GROUP BY a.pupil_id, a.term_id, a.label, a.k;

-- name: leaders_year_attendance
-- Attendance this academic year up to the term holding $as_at, per pupil.
SELECT a.pupil_id, CAST(sum(a.possible_sessions) AS INTEGER) AS possible,
       CAST(sum(a.attended_sessions) AS INTEGER) AS attended
FROM attendance a
JOIN terms t ON t.term_id = a.term_id
WHERE t.academic_year = academic_year_of(CAST($as_at AS DATE)) AND t.start_date <= $as_at
  AND a.pupil_id IN (SELECT pupil_id FROM pupils WHERE school_id = $school_id)
  AND a.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
GROUP BY a.pupil_id;

-- name: leaders_outcome_scores
-- Attainment and progress by term, subject and SEN group (the group as at each term's census date), and
-- 'All with SEND' (EHC plan and SEN support pooled), with the share at the expected standard. Only the
-- school's own assessments are read, and the term-before and autumn-term scores are looked up among them.
WITH seq AS (
    SELECT term_id, academic_year, term_number, label, census_date, row_number() OVER (ORDER BY term_id) AS k
    FROM terms
), cohort AS (
    SELECT p.pupil_id FROM pupils p
    WHERE p.school_id = $school_id
      AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
), sp AS MATERIALIZED (
    -- the cohort's provision first: otherwise every school's rows meet every term in the range join
    SELECT pupil_id, code, start_date, end_date FROM sen_provision WHERE pupil_id IN (SELECT pupil_id FROM cohort)
), status AS (
    SELECT s.term_id, sp.pupil_id, arg_max(sp.code, sp.start_date) AS code
    FROM seq s JOIN sp
      ON sp.start_date <= s.census_date AND (sp.end_date IS NULL OR sp.end_date >= s.census_date)
    WHERE s.census_date <= $today
    GROUP BY s.term_id, sp.pupil_id
), a AS (
    SELECT x.pupil_id, x.term_id, x.subject, x.score, x.expected_standard,
           s.k, s.academic_year, s.term_number, s.label
    FROM assessments x
    JOIN seq s ON s.term_id = x.term_id
    WHERE x.pupil_id IN (SELECT pupil_id FROM cohort) AND s.census_date <= $today
), g AS (
    SELECT a.term_id, a.academic_year, a.label, a.subject, sen_group(coalesce(st.code, 'N')) AS sen_group,
           count(*) AS pupils, sum(a.score) AS sum_score,
           count(a.expected_standard) AS with_standard,
           count(*) FILTER (WHERE a.score >= a.expected_standard) AS at_expected,
           count(prev.score) AS with_change_term, sum(a.score - prev.score) AS sum_change_term,
           count(first.score) FILTER (WHERE a.term_number > 1) AS with_change_year,
           sum(a.score - first.score) FILTER (WHERE a.term_number > 1) AS sum_change_year
    FROM a
    LEFT JOIN status st ON st.term_id = a.term_id AND st.pupil_id = a.pupil_id
    LEFT JOIN a prev ON prev.pupil_id = a.pupil_id AND prev.subject = a.subject AND prev.k = a.k - 1
    LEFT JOIN a first ON first.pupil_id = a.pupil_id AND first.subject = a.subject
                     AND first.academic_year = a.academic_year AND first.term_number = 1
    GROUP BY ALL
), pooled AS (
    SELECT * FROM g
    UNION ALL
    SELECT term_id, academic_year, label, subject, 'All with SEND', sum(pupils), sum(sum_score), sum(with_standard),
           sum(at_expected), sum(with_change_term), sum(sum_change_term), sum(with_change_year), sum(sum_change_year)
    FROM g
    WHERE sen_group <> 'No SEN'
    GROUP BY ALL
)
SELECT term_id, academic_year, label, subject, sen_group,
       CAST(pupils AS INTEGER) AS pupils,
       sum_score / pupils AS mean_score,
       CAST(with_standard AS INTEGER) AS with_standard,
       CAST(at_expected AS INTEGER) AS at_expected,
       CAST(with_change_term AS INTEGER) AS with_change_term,
       sum_change_term / nullif(with_change_term, 0) AS mean_change_term,
       CAST(with_change_year AS INTEGER) AS with_change_year,
       sum_change_year / nullif(with_change_year, 0) AS mean_change_year,
       100.0::DOUBLE * at_expected / nullif(with_standard, 0) AS pct_expected
FROM pooled
ORDER BY term_id, subject,
         CASE sen_group WHEN 'EHC plan' THEN 0 WHEN 'SEN support' THEN 1 WHEN 'All with SEND' THEN 2 ELSE 3 END;

-- name: leaders_outcome_attendance
-- Attendance, persistent absence (<90%) and suspensions by term and SEN group (at each census date),
-- over the pupils on roll at that census date.
WITH seq AS (
    SELECT term_id, academic_year, label, census_date FROM terms WHERE census_date <= $today
), status AS (
    SELECT s.term_id, sp.pupil_id, arg_max(sp.code, sp.start_date) AS code
    FROM seq s JOIN sen_provision sp
      ON sp.start_date <= s.census_date AND (sp.end_date IS NULL OR sp.end_date >= s.census_date)
    WHERE sp.pupil_id IN (SELECT pupil_id FROM pupils WHERE school_id = $school_id)
    GROUP BY s.term_id, sp.pupil_id
), roll AS (
    SELECT s.term_id, s.academic_year, s.label, p.pupil_id, sen_group(coalesce(st.code, 'N')) AS sen_group
    FROM seq s
    JOIN enrolments e ON e.academic_year = s.academic_year
    JOIN pupils p ON p.pupil_id = e.pupil_id
    LEFT JOIN status st ON st.term_id = s.term_id AND st.pupil_id = p.pupil_id
    WHERE p.school_id = $school_id
      AND p.entry_date <= s.census_date AND (p.leaving_date IS NULL OR p.leaving_date > s.census_date)
      AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
), susp AS (
    SELECT pupil_id, term_id, CAST(count(*) AS INTEGER) AS suspensions, sum(days) AS days
    FROM suspensions
    WHERE pupil_id IN (SELECT pupil_id FROM pupils WHERE school_id = $school_id)
    GROUP BY pupil_id, term_id
)
SELECT r.term_id, r.academic_year, r.label, r.sen_group,
       CAST(count(*) AS INTEGER) AS pupils,
       CAST(count(a.pupil_id) FILTER (WHERE a.possible_sessions > 0) AS INTEGER) AS with_attendance,
       CAST(coalesce(sum(a.possible_sessions), 0) AS BIGINT) AS possible,
       CAST(coalesce(sum(a.attended_sessions), 0) AS BIGINT) AS attended,
       CAST(count(*) FILTER (WHERE a.possible_sessions > 0
                             AND a.attended_sessions < 0.9 * a.possible_sessions) AS INTEGER) AS persistent_absent,
       CAST(coalesce(sum(su.suspensions), 0) AS INTEGER) AS suspensions,
       CAST(count(su.pupil_id) AS INTEGER) AS pupils_suspended
FROM roll r
LEFT JOIN attendance a ON a.pupil_id = r.pupil_id AND a.term_id = r.term_id
LEFT JOIN susp su ON su.pupil_id = r.pupil_id AND su.term_id = r.term_id
GROUP BY ALL
ORDER BY r.term_id, r.sen_group;

-- name: leaders_plans_at
-- Support plans started by a date, for pupils of the school the viewer may see.
SELECT sp.plan_id, sp.pupil_id, sp.start_date, sp.review_due, sp.closed_on
FROM support_plans sp
WHERE sp.start_date <= $as_at
  AND sp.pupil_id IN (SELECT pupil_id FROM pupils WHERE school_id = $school_id)
  AND sp.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY sp.pupil_id, sp.start_date;

-- name: leaders_review_occasions
-- One row per review occasion (a plan reviewed on a day, over all its targets) up to a date, and one
-- per EHC annual review meeting held (source 'ehc': it reviews the whole plan, so it counts as a review;
-- it rates no targets and records no voices here, so those columns are NULL).
SELECT sp.pupil_id, r.plan_id, r.reviewed_on,
       CAST(count(*) AS INTEGER) AS ratings,
       bool_and(r.rating = 'not_yet') AS all_not_yet,
       bool_or(nullif(trim(r.pupil_voice), '') IS NOT NULL) AS pupil_voice,
       bool_or(nullif(trim(r.parent_voice), '') IS NOT NULL) AS parent_voice,
       'plan' AS source
FROM plan_reviews r
JOIN support_plans sp ON sp.plan_id = r.plan_id
WHERE r.reviewed_on <= $as_at
  AND sp.pupil_id IN (SELECT pupil_id FROM pupils WHERE school_id = $school_id)
  AND sp.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
GROUP BY sp.pupil_id, r.plan_id, r.reviewed_on
UNION ALL
SELECT e.pupil_id, NULL, rv.held_on, 0, NULL, NULL, NULL, 'ehc'
FROM ehc_reviews rv
JOIN ehc_plans e ON e.ehcp_id = rv.ehcp_id
WHERE rv.held_on <= $as_at
  AND e.pupil_id IN (SELECT pupil_id FROM pupils WHERE school_id = $school_id)
  AND e.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY 1, 3, 2;
