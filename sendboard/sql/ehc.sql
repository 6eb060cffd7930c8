-- EHC records a school enters itself (plans and their outcomes, needs-assessment requests, annual
-- reviews, Preparing for Adulthood and careers guidance), and the compliance figures that count what
-- fell due. Pupil-level queries restrict rows with visible_pupils; aggregate queries restrict the school
-- with visible_schools and return counts only.

-- name: ehc_pupil
-- A pupil of this school the viewer may see: name and date of birth (nothing when not visible).
SELECT p.pupil_id, p.first_name, p.last_name, p.date_of_birth
FROM pupils p
WHERE p.pupil_id = $pupil_id AND p.school_id = $school_id
  AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today));

-- name: ehc_pupil_choices
-- Pupils on roll at a date the viewer may see, for the forms' pupil pickers, with their SEN group.
SELECT p.pupil_id, p.first_name, p.last_name, r.year_group, sen_group(coalesce(st.code, 'N')) AS sen_group
FROM roll_at($as_at) r
JOIN pupils p ON p.pupil_id = r.pupil_id
LEFT JOIN sen_status_at($as_at) st ON st.pupil_id = r.pupil_id
WHERE r.school_id = $school_id
  AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY p.last_name, p.first_name, p.pupil_id;

-- name: ehc_plans_of_pupil
SELECT e.ehcp_id, e.local_authority, e.issued_on, e.hours_per_week, e.ceased_on
FROM ehc_plans e
WHERE e.pupil_id = $pupil_id
  AND e.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY e.issued_on DESC, e.ehcp_id DESC;

-- name: ehc_plan_insert
INSERT INTO ehc_plans (pupil_id, local_authority, requested_on, issued_on, hours_per_week)
VALUES ($pupil_id, $local_authority, $requested_on, $issued_on, $hours_per_week)
RETURNING ehcp_id;

-- name: ehc_plan_update
UPDATE ehc_plans SET local_authority = $local_authority, hours_per_week = $hours_per_week, ceased_on = $ceased_on
WHERE ehcp_id = $ehcp_id;

-- name: ehc_plan_row
SELECT e.ehcp_id, e.pupil_id, e.local_authority, e.issued_on, e.hours_per_week, e.ceased_on, p.date_of_birth
FROM ehc_plans e JOIN pupils p ON p.pupil_id = e.pupil_id
WHERE e.ehcp_id = $ehcp_id AND p.school_id = $school_id
  AND e.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today));

-- name: ehc_outcome_insert
INSERT INTO ehc_outcomes (ehcp_id, pupil_id, area, outcome) VALUES ($ehcp_id, $pupil_id, $area, $outcome)
RETURNING ehc_outcome_id;

-- name: ehc_outcome_row
SELECT o.ehc_outcome_id, o.ehcp_id, o.pupil_id, o.area, o.outcome
FROM ehc_outcomes o
WHERE o.ehc_outcome_id = $ehc_outcome_id
  AND o.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today));

-- name: ehc_outcomes_with_steps
-- The outcomes of a pupil's EHC plans open at a date (long-term targets), each with its short-term
-- steps (plan targets naming it) and each step's latest rating; one row per step, or one row with a
-- NULL step for an outcome not yet broken down.
WITH last_rating AS (
    SELECT target_id, arg_max(rating, (reviewed_on, recorded_at, review_id)) AS rating, max(reviewed_on) AS reviewed_on
    FROM plan_reviews WHERE target_id IS NOT NULL GROUP BY target_id
)
SELECT o.ehc_outcome_id, o.outcome, o.area, e.issued_on, t.target_id, t.description AS step, t.set_on, t.closed_on,
       lr.rating AS last_rating, lr.reviewed_on AS last_reviewed_on
FROM ehc_outcomes o
JOIN ehc_plans e ON e.ehcp_id = o.ehcp_id
LEFT JOIN ehc_outcome_steps st ON st.ehc_outcome_id = o.ehc_outcome_id
LEFT JOIN plan_targets t ON t.target_id = st.target_id AND t.set_on <= $as_at
LEFT JOIN last_rating lr ON lr.target_id = t.target_id
WHERE o.pupil_id = $pupil_id
  AND e.issued_on <= $as_at AND (e.ceased_on IS NULL OR e.ceased_on > $as_at)
  AND o.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY o.ehc_outcome_id, t.set_on, t.target_id;

-- name: ehc_open_support_plan
-- scope-exempt: reached only after the EHC record check (_pupil, through visible_pupils) for this pupil
-- The pupil's open support plan, most recent first (steps toward EHC outcomes are added to it).
SELECT plan_id, review_due FROM support_plans
WHERE pupil_id = $pupil_id AND closed_on IS NULL
ORDER BY start_date DESC, plan_id DESC LIMIT 1;

-- name: ehc_support_plan_insert
INSERT INTO support_plans (pupil_id, start_date, review_due, created_by, assess_note)
VALUES ($pupil_id, $start_date, $review_due, $created_by, $assess_note)
RETURNING plan_id;

-- name: ehc_step_insert
INSERT INTO plan_targets (plan_id, description, area, set_on)
VALUES ($plan_id, $description, $area, $set_on)
RETURNING target_id;

-- name: ehc_step_link
INSERT INTO ehc_outcome_steps (target_id, ehc_outcome_id, pupil_id) VALUES ($target_id, $ehc_outcome_id, $pupil_id);

-- name: ehc_request_insert
INSERT INTO ehc_requests (pupil_id, local_authority, requested_on, requested_by, decision_on, decision, final_plan_on)
VALUES ($pupil_id, $local_authority, $requested_on, $requested_by, $decision_on, $decision, $final_plan_on)
RETURNING request_id;

-- name: ehc_request_update
UPDATE ehc_requests SET decision_on = $decision_on, decision = $decision, final_plan_on = $final_plan_on
WHERE request_id = $request_id;

-- name: ehc_request_row
SELECT q.request_id, q.pupil_id, q.local_authority, q.requested_on, q.requested_by, q.decision_on, q.decision,
       q.final_plan_on
FROM ehc_requests q JOIN pupils p ON p.pupil_id = q.pupil_id
WHERE q.request_id = $request_id AND p.school_id = $school_id
  AND q.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today));

-- name: ehc_review_base
-- scope-exempt: reached only after ehc_plan_row found the plan through visible_pupils; returns a date only
-- What an annual review held on $held_on was due against: the last review of the plan held before it,
-- else the plan's issue date.
SELECT coalesce((SELECT max(r.held_on) FROM ehc_reviews r WHERE r.ehcp_id = $ehcp_id AND r.held_on < $held_on),
                (SELECT issued_on FROM ehc_plans WHERE ehcp_id = $ehcp_id)) AS base_on;

-- name: ehc_review_held_same_day
SELECT count(*) > 0 FROM ehc_reviews WHERE ehcp_id = $ehcp_id AND held_on = $held_on;

-- name: ehc_review_insert
INSERT INTO ehc_reviews (ehcp_id, due_on, held_on, note, report_sent_on, la_decision_on, la_decision, recorded_by)
VALUES ($ehcp_id, $due_on, $held_on, $note, $report_sent_on, $la_decision_on, $la_decision, $recorded_by)
RETURNING ehc_review_id;

-- name: ehc_review_update
UPDATE ehc_reviews SET report_sent_on = $report_sent_on, la_decision_on = $la_decision_on, la_decision = $la_decision
WHERE ehc_review_id = $ehc_review_id;

-- name: ehc_review_row
SELECT rv.ehc_review_id, rv.ehcp_id, e.pupil_id, rv.due_on, rv.held_on, rv.report_sent_on, rv.la_decision_on,
       rv.la_decision, rv.note
FROM ehc_reviews rv JOIN ehc_plans e ON e.ehcp_id = rv.ehcp_id JOIN pupils p ON p.pupil_id = e.pupil_id
WHERE rv.ehc_review_id = $ehc_review_id AND p.school_id = $school_id
  AND e.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today));

-- name: ehc_review_steps
-- Annual reviews held up to a date for the school's visible pupils, with the report and decision dates
-- known by then (a date after $as_at was not known yet, so it reads as not done).
SELECT rv.ehc_review_id, e.pupil_id, p.first_name, p.last_name, e.local_authority, rv.due_on, rv.held_on,
       CASE WHEN rv.report_sent_on <= $as_at THEN rv.report_sent_on END AS report_sent_on,
       CASE WHEN rv.la_decision_on <= $as_at THEN rv.la_decision_on END AS la_decision_on,
       CASE WHEN rv.la_decision_on <= $as_at THEN rv.la_decision END AS la_decision
FROM ehc_reviews rv
JOIN ehc_plans e ON e.ehcp_id = rv.ehcp_id
JOIN pupils p ON p.pupil_id = e.pupil_id
WHERE p.school_id = $school_id AND rv.held_on <= $as_at
  AND e.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY rv.held_on DESC, rv.ehc_review_id DESC;

-- name: ehc_pfa_insert
INSERT INTO pfa_records (pupil_id, recorded_on, area, outcome, recorded_by)
VALUES ($pupil_id, $recorded_on, $area, $outcome, $recorded_by)
RETURNING pfa_id;

-- name: ehc_careers_insert
INSERT INTO careers_guidance (pupil_id, given_on, given_by, note, recorded_by)
VALUES ($pupil_id, $given_on, $given_by, $note, $recorded_by)
RETURNING guidance_id;

-- name: ehc_pfa_pupils
-- Every pupil with SEND (SEN support or EHC plan) in Year 9 or above at a date, with the latest
-- Preparing for Adulthood outcome recorded in each area up to that date (from the PfA record or an EHC
-- annual review), their age, and the latest independent careers guidance.
WITH cohort AS (
    SELECT r.pupil_id, r.year_group, sen_group(st.code) AS sen_group
    FROM roll_at($as_at) r
    JOIN sen_status_at($as_at) st ON st.pupil_id = r.pupil_id
    WHERE r.school_id = $school_id AND r.year_group >= 9 AND sen_group(st.code) <> 'No SEN'
      AND r.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
), outcomes AS (
    SELECT pupil_id, recorded_on AS on_date, area, outcome FROM pfa_records WHERE recorded_on <= $as_at
    UNION ALL
    SELECT e.pupil_id, rv.held_on, o.area, o.outcome
    FROM pfa_outcomes o JOIN ehc_reviews rv ON rv.ehc_review_id = o.ehc_review_id
    JOIN ehc_plans e ON e.ehcp_id = rv.ehcp_id
    WHERE rv.held_on <= $as_at
), latest AS (
    SELECT pupil_id, area, arg_max(outcome, on_date) AS outcome, max(on_date) AS on_date
    FROM outcomes WHERE pupil_id IN (SELECT pupil_id FROM cohort) GROUP BY ALL
), careers AS (
    SELECT pupil_id, max(given_on) AS last_guidance_on, CAST(count(*) AS INTEGER) AS guidance_sessions
    FROM careers_guidance WHERE given_on <= $as_at AND pupil_id IN (SELECT pupil_id FROM cohort) GROUP BY ALL
)
SELECT c.pupil_id, p.first_name, p.last_name, c.year_group, c.sen_group, p.date_of_birth,
       max(l.outcome) FILTER (WHERE l.area = 'employment') AS employment,
       max(l.outcome) FILTER (WHERE l.area = 'independent_living') AS independent_living,
       max(l.outcome) FILTER (WHERE l.area = 'health') AS health,
       max(l.outcome) FILTER (WHERE l.area = 'community') AS community,
       max(l.on_date) AS last_recorded_on,
       any_value(ca.last_guidance_on) AS last_guidance_on,
       CAST(coalesce(any_value(ca.guidance_sessions), 0) AS INTEGER) AS guidance_sessions
FROM cohort c
JOIN pupils p ON p.pupil_id = c.pupil_id
LEFT JOIN latest l ON l.pupil_id = c.pupil_id
LEFT JOIN careers ca ON ca.pupil_id = c.pupil_id
GROUP BY c.pupil_id, p.first_name, p.last_name, c.year_group, c.sen_group, p.date_of_birth
ORDER BY c.year_group DESC, p.last_name, p.first_name;

-- name: ehc_compliance
-- Annual reviews that fell due, by the academic year of the due date, as known at $as_at (counts only):
--   held_on_time  reviews held by $as_at on or before their due date;
--   held_late     reviews held by $as_at after their due date;
--   overdue       EHC plans open at $as_at, of pupils on roll, whose next review (12 months after the
--                 last review held by $as_at, else after the issue date; 6 months for a child under 5 on
--                 that date) fell due before $as_at and has not been held.
-- Reviews held early count in the year they were due. The rate's denominator is all three.
WITH plans AS (
    SELECT e.ehcp_id, p.date_of_birth,
           coalesce((SELECT max(r.held_on) FROM ehc_reviews r WHERE r.ehcp_id = e.ehcp_id AND r.held_on <= $as_at),
                    e.issued_on) AS base_on
    FROM ehc_plans e JOIN pupils p ON p.pupil_id = e.pupil_id
    WHERE p.school_id = $school_id AND p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
      AND e.issued_on <= $as_at AND (e.ceased_on IS NULL OR e.ceased_on > $as_at)
      AND p.entry_date <= $as_at AND (p.leaving_date IS NULL OR p.leaving_date > $as_at)
), next_due AS (
    SELECT ehcp_id, ehc_review_due_after(base_on, date_of_birth) AS due_on
    FROM plans
), held AS (
    SELECT rv.due_on, rv.held_on
    FROM ehc_reviews rv JOIN ehc_plans e ON e.ehcp_id = rv.ehcp_id JOIN pupils p ON p.pupil_id = e.pupil_id
    WHERE p.school_id = $school_id AND p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
      AND rv.held_on <= $as_at
      -- as known at $as_at: a pupil who joined later, or a plan issued later, was not in the school's records yet
      AND p.entry_date <= $as_at AND e.issued_on <= $as_at
), every AS (
    SELECT academic_year_of(due_on) AS academic_year,
           CASE WHEN held_on <= due_on THEN 'on_time' ELSE 'late' END AS state FROM held
    UNION ALL
    SELECT academic_year_of(due_on), 'overdue' FROM next_due WHERE due_on < $as_at
)
SELECT academic_year,
       CAST(count(*) FILTER (WHERE state = 'on_time') AS INTEGER) AS held_on_time,
       CAST(count(*) FILTER (WHERE state = 'late') AS INTEGER) AS held_late,
       CAST(count(*) FILTER (WHERE state = 'overdue') AS INTEGER) AS overdue
FROM every
GROUP BY academic_year
ORDER BY academic_year;

-- name: ehc_hours_short
-- EHC plans open at $as_at for pupils on roll (counts only): how many set out hours a week, and how many
-- of those get fewer hours in interventions current at $as_at (sessions a week x minutes a session)
-- than the plan sets out.
WITH plans AS (
    SELECT e.ehcp_id, e.pupil_id, e.hours_per_week
    FROM ehc_plans e JOIN roll_at($as_at) r ON r.pupil_id = e.pupil_id
    WHERE r.school_id = $school_id AND r.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
      AND e.issued_on <= $as_at AND (e.ceased_on IS NULL OR e.ceased_on > $as_at)
), got AS (
    SELECT a.pupil_id, sum(i.sessions_per_week * i.minutes_per_session / 60.0) AS hours
    FROM allocations a JOIN interventions i ON i.intervention_id = a.intervention_id
    WHERE a.pupil_id IN (SELECT pupil_id FROM plans)
      AND a.start_date <= $as_at AND (a.end_date IS NULL OR a.end_date >= $as_at)
    GROUP BY a.pupil_id
)
SELECT CAST(count(*) AS INTEGER) AS plans,
       CAST(count(*) FILTER (WHERE pl.hours_per_week IS NOT NULL) AS INTEGER) AS with_hours,
       CAST(count(*) FILTER (WHERE pl.hours_per_week - coalesce(g.hours, 0) > 0.01) AS INTEGER) AS short
FROM plans pl LEFT JOIN got g ON g.pupil_id = pl.pupil_id;

-- name: ehc_import_plans
-- scope-exempt: the importer checks a file's annual reviews against its own school's plans; nothing is shown
-- EHC plans held for the school's pupils, for checking that an imported annual review has a plan.
SELECT p.upn, e.issued_on, e.ceased_on
FROM ehc_plans e JOIN pupils p ON p.pupil_id = e.pupil_id
WHERE p.school_id = $school_id;

-- name: ehc_support_plan_review_due
-- A recorded review completes the plan's review: the next review date moves on.
UPDATE support_plans SET review_due = $review_due WHERE plan_id = $plan_id;

-- name: ehc_demo_open_plans
-- scope-exempt: the demo generator writing a made-up school, no viewer involved
-- Demo set-up: EHC plans open at a date with the broad area of the pupil's primary need and the pupil's
-- open support plan (if any).
SELECT e.ehcp_id, e.pupil_id, coalesce(n.area_code, 'OTH') AS area_code,
       (SELECT max(sp.plan_id) FROM support_plans sp WHERE sp.pupil_id = e.pupil_id AND sp.closed_on IS NULL) AS plan_id
FROM ehc_plans e
LEFT JOIN needs_at($as_at) n ON n.pupil_id = e.pupil_id AND n.need_rank = 1
WHERE e.issued_on <= $as_at AND (e.ceased_on IS NULL OR e.ceased_on > $as_at)
  AND NOT EXISTS (SELECT 1 FROM ehc_outcomes o WHERE o.ehcp_id = e.ehcp_id)
ORDER BY e.ehcp_id;
