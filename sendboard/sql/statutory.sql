-- Statutory and strategic area: EHC plan deadlines, Preparing for Adulthood, staff expertise and the
-- key-factor self-evaluation. Pupil-level queries restrict rows with visible_pupils; aggregate queries
-- (which a governor or administrator may also call) restrict the school with visible_schools and
-- return counts only. Date arithmetic for deadlines is done in Python (sendboard/statutory/deadlines.py).

-- name: statutory_ehc_plans
-- EHC plans open at a date, one row per plan, with the last review held up to that date.
SELECT e.ehcp_id, e.pupil_id, p.first_name, p.last_name, p.date_of_birth, en.year_group,
       e.local_authority, e.requested_on, e.issued_on,
       (SELECT max(r.held_on) FROM ehc_reviews r WHERE r.ehcp_id = e.ehcp_id AND r.held_on <= $as_at) AS last_review_on,
       CAST((SELECT count(*) FROM ehc_reviews r WHERE r.ehcp_id = e.ehcp_id AND r.held_on <= $as_at) AS INTEGER) AS reviews_held
FROM ehc_plans e
JOIN pupils p ON p.pupil_id = e.pupil_id
LEFT JOIN enrolments en ON en.pupil_id = p.pupil_id AND en.academic_year = academic_year_of($as_at)
WHERE p.school_id = $school_id
  AND e.issued_on <= $as_at AND (e.ceased_on IS NULL OR e.ceased_on > $as_at)
  AND p.entry_date <= $as_at AND (p.leaving_date IS NULL OR p.leaving_date > $as_at)
  AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY p.last_name, p.first_name, e.ehcp_id;

-- name: statutory_ehc_requests
-- Needs-assessment requests made up to a date for the school's pupils.
SELECT q.request_id, q.pupil_id, p.first_name, p.last_name, en.year_group, q.local_authority,
       q.requested_on, q.requested_by, q.decision_on, q.decision, q.final_plan_on
FROM ehc_requests q
JOIN pupils p ON p.pupil_id = q.pupil_id
LEFT JOIN enrolments en ON en.pupil_id = p.pupil_id AND en.academic_year = academic_year_of($as_at)
WHERE p.school_id = $school_id AND q.requested_on <= $as_at
  AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY q.requested_on, q.request_id;

-- name: statutory_review_compliance
-- Annual reviews held, by the academic year they were due in: how many were held on or before the
-- due date. Counts only (no pupil rows), for any role that sees the school.
SELECT academic_year_of(rv.due_on) AS academic_year,
       CAST(count(*) AS INTEGER) AS reviews_held,
       CAST(count(*) FILTER (WHERE rv.held_on <= rv.due_on) AS INTEGER) AS held_on_time
FROM ehc_reviews rv
JOIN ehc_plans e ON e.ehcp_id = rv.ehcp_id
JOIN pupils p ON p.pupil_id = e.pupil_id
WHERE p.school_id = $school_id
  AND p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
GROUP BY ALL
ORDER BY academic_year;

-- name: statutory_pfa_reviews
-- Reviews held up to a date for the school's pupils with EHC plans, with the year group at the time of
-- each review and any Preparing for Adulthood outcomes recorded (one row per outcome, or one row with
-- a NULL area for a review with none).
-- With no enrolment row for the year of a review, the year group is counted back from this year's.
SELECT e.pupil_id, rv.ehc_review_id, rv.held_on, rv.due_on,
       coalesce(ey.year_group, en.year_group - (academic_year_of($as_at) - academic_year_of(rv.held_on))) AS year_group_at_review,
       o.area, o.outcome
FROM ehc_plans e
JOIN pupils p ON p.pupil_id = e.pupil_id
JOIN ehc_reviews rv ON rv.ehcp_id = e.ehcp_id AND rv.held_on <= $as_at
LEFT JOIN enrolments ey ON ey.pupil_id = e.pupil_id AND ey.academic_year = academic_year_of(rv.held_on)
LEFT JOIN enrolments en ON en.pupil_id = e.pupil_id AND en.academic_year = academic_year_of($as_at)
LEFT JOIN pfa_outcomes o ON o.ehc_review_id = rv.ehc_review_id
WHERE p.school_id = $school_id
  AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY e.pupil_id, rv.held_on, rv.ehc_review_id, o.area;

-- name: statutory_pfa_counts
-- Aggregate Preparing for Adulthood coverage: pupils with an open EHC plan in Year 9 or above, and how
-- many of them have at least one outcome in each area at their latest review held in Year 9 or above.
-- Counts only.
WITH pupils_in AS (
    SELECT DISTINCT e.pupil_id, e.ehcp_id, r.year_group
    FROM ehc_plans e
    JOIN roll_at($as_at) r ON r.pupil_id = e.pupil_id
    WHERE r.school_id = $school_id AND r.year_group >= 9
      AND e.issued_on <= $as_at AND (e.ceased_on IS NULL OR e.ceased_on > $as_at)
      AND r.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
), latest AS (
    SELECT pi.pupil_id, arg_max(rv.ehc_review_id, rv.held_on) AS ehc_review_id
    FROM pupils_in pi
    JOIN ehc_reviews rv ON rv.ehcp_id = pi.ehcp_id AND rv.held_on <= $as_at
    LEFT JOIN enrolments ey ON ey.pupil_id = pi.pupil_id AND ey.academic_year = academic_year_of(rv.held_on)
    WHERE coalesce(ey.year_group, pi.year_group - (academic_year_of($as_at) - academic_year_of(rv.held_on))) >= 9
    GROUP BY pi.pupil_id
), areas AS (
    SELECT l.pupil_id, list_distinct(list(o.area)) AS areas
    FROM latest l JOIN pfa_outcomes o ON o.ehc_review_id = l.ehc_review_id
    GROUP BY l.pupil_id
)
SELECT CAST(count(DISTINCT pi.pupil_id) AS INTEGER) AS pupils,
       CAST(count(DISTINCT pi.pupil_id) FILTER (WHERE len(a.areas) = 4) AS INTEGER) AS all_four_areas
FROM pupils_in pi LEFT JOIN areas a ON a.pupil_id = pi.pupil_id;

-- name: statutory_staff
-- Staff in post at a date in a school the viewer sees (no salaries).
SELECT s.staff_id, s.first_name, s.last_name, s.staff_role, s.fte, s.start_date
FROM staff s
WHERE s.school_id = $school_id
  AND s.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
  AND s.start_date <= $as_at AND (s.end_date IS NULL OR s.end_date >= $as_at)
ORDER BY s.last_name, s.first_name, s.staff_id;

-- name: statutory_training
-- Every SEND training record of staff in post at a date (current, expired and future-dated).
SELECT t.training_id, t.staff_id, t.course, t.area, t.level, t.completed_on, t.expires_on
FROM training t
JOIN staff s ON s.staff_id = t.staff_id
WHERE s.school_id = $school_id
  AND s.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
  AND s.start_date <= $as_at AND (s.end_date IS NULL OR s.end_date >= $as_at)
ORDER BY t.staff_id, t.completed_on, t.training_id;

-- name: statutory_need_mix
-- Pupils on the SEND register at a date by the broad area of their primary need. Counts only.
SELECT coalesce(n.area_code, 'OTH') AS area_code, CAST(count(DISTINCT r.pupil_id) AS INTEGER) AS pupils
FROM roll_at($as_at) r
JOIN sen_status_at($as_at) st ON st.pupil_id = r.pupil_id
LEFT JOIN needs_at($as_at) n ON n.pupil_id = r.pupil_id AND n.need_rank = 1
WHERE r.school_id = $school_id AND sen_group(st.code) <> 'No SEN'
  AND r.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
GROUP BY ALL;

-- name: statutory_staff_in_school
SELECT count(*) > 0 FROM staff s
WHERE s.staff_id = $staff_id AND s.school_id = $school_id
  AND s.school_id IN (SELECT school_id FROM visible_schools($viewer_id));

-- name: statutory_training_row
SELECT t.training_id, t.staff_id, t.course, t.area, t.level, t.completed_on, t.expires_on
FROM training t JOIN staff s ON s.staff_id = t.staff_id
WHERE t.training_id = $training_id AND s.school_id = $school_id
  AND s.school_id IN (SELECT school_id FROM visible_schools($viewer_id));

-- name: statutory_insert_training
INSERT INTO training (staff_id, course, area, level, completed_on, expires_on)
VALUES ($staff_id, $course, $area, $level, $completed_on, $expires_on)
RETURNING training_id;

-- name: statutory_update_training_expiry
UPDATE training SET expires_on = $expires_on WHERE training_id = $training_id;

-- name: statutory_key_factors
SELECT factor_code, position, name, statements FROM ref_key_factors ORDER BY position;

-- name: statutory_clear_key_factors
DELETE FROM ref_key_factors;

-- name: statutory_ratings
-- Every key-factor rating a school has recorded (ratings are only ever inserted).
SELECT k.rating_id, k.factor_code, k.rated_on, k.rating, k.evidence, k.next_actions, k.rated_by
FROM key_factor_ratings k
WHERE k.school_id = $school_id
  AND k.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY k.rated_on, k.rating_id;

-- name: statutory_insert_rating
INSERT INTO key_factor_ratings (school_id, factor_code, rated_on, rating, evidence, next_actions, rated_by)
VALUES ($school_id, $factor_code, $rated_on, $rating, $evidence, $next_actions, $rated_by)
RETURNING rating_id;

-- name: statutory_rating_count
SELECT CAST(count(*) AS INTEGER) FROM key_factor_ratings WHERE school_id = $school_id;

-- name: statutory_register_practice
-- Aggregates for the self-evaluation: pupils on the register at a date; how many have a classroom
-- strategy recorded and a parent's voice on their passport; open support plans and how many are past
-- their review date. Counts only.
WITH reg AS (
    SELECT r.pupil_id
    FROM roll_at($as_at) r JOIN sen_status_at($as_at) st ON st.pupil_id = r.pupil_id
    WHERE r.school_id = $school_id AND sen_group(st.code) <> 'No SEN'
      AND r.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
)
SELECT CAST(count(*) AS INTEGER) AS on_register,
       CAST(count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pupil_strategies ps
                                           WHERE ps.pupil_id = reg.pupil_id AND ps.added_on <= $as_at)) AS INTEGER) AS with_strategy,
       CAST(count(*) FILTER (WHERE EXISTS (SELECT 1 FROM passports pp WHERE pp.pupil_id = reg.pupil_id
                                           AND trim(coalesce(pp.parent_voice, '')) <> '')) AS INTEGER) AS with_parent_voice,
       CAST((SELECT count(*) FROM support_plans sp WHERE sp.pupil_id IN (SELECT pupil_id FROM reg)
             AND sp.start_date <= $as_at AND (sp.closed_on IS NULL OR sp.closed_on > $as_at)) AS INTEGER) AS open_plans,
       CAST((SELECT count(*) FROM support_plans sp WHERE sp.pupil_id IN (SELECT pupil_id FROM reg)
             AND sp.start_date <= $as_at AND (sp.closed_on IS NULL OR sp.closed_on > $as_at)
             AND sp.review_due < $as_at) AS INTEGER) AS overdue_plans
FROM reg;

-- name: statutory_attainment_gap
-- Latest term with assessments up to a date: mean score of pupils on the register and of the rest.
WITH latest AS (
    SELECT max(a.term_id) AS term_id
    FROM assessments a JOIN terms t ON t.term_id = a.term_id
    WHERE t.start_date <= $as_at
), grouped AS (
    SELECT r.pupil_id, sen_group(coalesce(st.code, 'N')) <> 'No SEN' AS send
    FROM roll_at($as_at) r
    LEFT JOIN sen_status_at($as_at) st ON st.pupil_id = r.pupil_id
    WHERE r.school_id = $school_id AND r.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
)
SELECT (SELECT term_id FROM latest) AS term_id,
       avg(a.score) FILTER (WHERE g.send) AS send_score,
       avg(a.score) FILTER (WHERE NOT g.send) AS other_score,
       CAST(count(DISTINCT a.pupil_id) FILTER (WHERE g.send) AS INTEGER) AS send_pupils
FROM grouped g JOIN assessments a ON a.pupil_id = g.pupil_id AND a.term_id = (SELECT term_id FROM latest);
