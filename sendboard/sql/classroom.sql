-- Classroom area: class profiles, pupil passports, strategies and reviews.
-- Every pupil-level query restricts rows with visible_pupils / visible_groups (002_scope.sql), so a
-- pupil id that reaches a query from a widget or the URL can never widen what the viewer sees.
-- Per-pupil queries take $pupil_ids (a list): the class profile passes a class, the passport one pupil.

-- name: classroom_group_member_ids
SELECT pupil_id FROM class_members_visible($viewer_id, $today, $group_id, $as_at) ORDER BY pupil_id;

-- name: classroom_pupil_choices
-- Pupils on roll in a school at a date that the viewer may see, for the passport picker.
SELECT p.pupil_id, p.first_name, p.last_name, r.year_group,
       sen_group(coalesce(s.code, 'N')) AS sen_group,
       EXISTS (SELECT 1 FROM concerns c WHERE c.pupil_id = p.pupil_id AND c.raised_on <= $as_at
               AND (c.closed_on IS NULL OR c.closed_on > $as_at)) AS of_concern
FROM roll_at($as_at) r
JOIN pupils p ON p.pupil_id = r.pupil_id
LEFT JOIN sen_status_at($as_at) s ON s.pupil_id = p.pupil_id
WHERE r.school_id = $school_id
  AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY p.last_name, p.first_name, p.pupil_id;

-- name: classroom_pupil_summary
-- One row per pupil: status, when they joined the register (start of the current spell on it), open
-- concerns, the next support-plan review and the next EHC annual review.
WITH ids AS (
    SELECT unnest($pupil_ids) AS pupil_id
    INTERSECT
    SELECT pupil_id FROM visible_pupils($viewer_id, $today)
),
status AS (SELECT * FROM sen_status_at($as_at) WHERE pupil_id IN (SELECT pupil_id FROM ids)),
spell AS (
    SELECT sp.pupil_id, min(sp.start_date) AS on_register_since
    FROM sen_provision sp
    WHERE sp.pupil_id IN (SELECT pupil_id FROM ids) AND sp.code <> 'N' AND sp.start_date <= $as_at
      AND sp.start_date > coalesce((SELECT max(n.start_date) FROM sen_provision n
                                    WHERE n.pupil_id = sp.pupil_id AND n.code = 'N' AND n.start_date <= $as_at),
                                   DATE '1900-01-01')
    GROUP BY sp.pupil_id
),
concern AS (
    SELECT c.pupil_id, count(*) AS open_concerns, string_agg(c.reason, '; ' ORDER BY c.raised_on) AS concern_reasons
    FROM concerns c
    WHERE c.pupil_id IN (SELECT pupil_id FROM ids) AND c.raised_on <= $as_at
      AND (c.closed_on IS NULL OR c.closed_on > $as_at)
    GROUP BY c.pupil_id
),
plan AS (
    SELECT sp.pupil_id, min(sp.review_due) AS next_review
    FROM support_plans sp
    WHERE sp.pupil_id IN (SELECT pupil_id FROM ids) AND sp.start_date <= $as_at
      AND (sp.closed_on IS NULL OR sp.closed_on > $as_at)
    GROUP BY sp.pupil_id
),
ehc AS (
    SELECT e.pupil_id,
           min(CAST(coalesce((SELECT max(r.held_on) FROM ehc_reviews r WHERE r.ehcp_id = e.ehcp_id AND r.held_on <= $as_at),
                             e.issued_on) + INTERVAL 12 MONTH AS DATE)) AS ehc_review_due
    FROM ehc_plans e
    WHERE e.pupil_id IN (SELECT pupil_id FROM ids) AND e.issued_on <= $as_at
      AND (e.ceased_on IS NULL OR e.ceased_on > $as_at)
    GROUP BY e.pupil_id
)
SELECT p.pupil_id, p.first_name, p.last_name, p.date_of_birth, p.eal, en.year_group,
       coalesce(st.code, 'N') AS sen_code, sen_group(coalesce(st.code, 'N')) AS sen_group,
       spell.on_register_since,
       coalesce(concern.open_concerns, 0) AS open_concerns, concern.concern_reasons,
       plan.next_review, ehc.ehc_review_due
FROM ids
JOIN pupils p ON p.pupil_id = ids.pupil_id
LEFT JOIN enrolments en ON en.pupil_id = p.pupil_id AND en.academic_year = academic_year_of($as_at)
LEFT JOIN status st ON st.pupil_id = p.pupil_id
LEFT JOIN spell ON spell.pupil_id = p.pupil_id AND sen_group(coalesce(st.code, 'N')) <> 'No SEN'
LEFT JOIN concern ON concern.pupil_id = p.pupil_id
LEFT JOIN plan ON plan.pupil_id = p.pupil_id
LEFT JOIN ehc ON ehc.pupil_id = p.pupil_id
ORDER BY p.last_name, p.first_name, p.pupil_id;

-- name: classroom_needs
SELECT n.pupil_id, n.need_code, n.need_rank, n.area_code, n.area, n.description
FROM needs_at($as_at) n
WHERE list_contains($pupil_ids, n.pupil_id)
  AND n.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY n.pupil_id, n.need_rank, n.need_code;

-- name: classroom_passports
SELECT pp.pupil_id, pp.strengths, pp.interests, pp.what_helps, pp.what_does_not_help,
       pp.pupil_voice, pp.parent_voice, pp.updated_at, pp.updated_by
FROM passports pp
WHERE list_contains($pupil_ids, pp.pupil_id)
  AND pp.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today));

-- name: classroom_current_targets
-- Open targets of open plans, with the latest review of each.
SELECT sp.pupil_id, t.target_id, t.plan_id, t.description, t.area, t.set_on,
       lr.rating AS last_rating, lr.reviewed_on AS last_reviewed_on
FROM plan_targets t
JOIN support_plans sp ON sp.plan_id = t.plan_id
LEFT JOIN (
    SELECT target_id, arg_max(rating, (reviewed_on, recorded_at, review_id)) AS rating, max(reviewed_on) AS reviewed_on
    FROM plan_reviews WHERE target_id IS NOT NULL GROUP BY target_id
) lr ON lr.target_id = t.target_id
WHERE list_contains($pupil_ids, sp.pupil_id)
  AND sp.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
  AND sp.start_date <= $as_at AND (sp.closed_on IS NULL OR sp.closed_on > $as_at)
  AND t.set_on <= $as_at AND (t.closed_on IS NULL OR t.closed_on > $as_at)
ORDER BY sp.pupil_id, t.set_on, t.target_id;

-- name: classroom_current_interventions
-- Each current allocation with how it is delivered (withdrawn from lessons or in class) and its weekly
-- sessions as 'Mon 10:40, Wed 10:40' (migration 018), for the class card and the passport.
SELECT a.pupil_id, a.allocation_id, i.name AS intervention, i.areas, a.day_of_week, a.start_time,
       i.sessions_per_week, i.minutes_per_session, a.start_date, a.end_date,
       coalesce(a.delivery, 'withdrawn') AS delivery,
       (SELECT string_agg(left(s.day_of_week, 3) || ' ' || s.start_time, ', '
                          ORDER BY list_position(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'], s.day_of_week),
                                   s.start_time)
        FROM allocation_sessions s WHERE s.allocation_id = a.allocation_id) AS session_times
FROM allocations a
JOIN interventions i ON i.intervention_id = a.intervention_id
WHERE list_contains($pupil_ids, a.pupil_id)
  AND a.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
  AND a.start_date <= $as_at AND (a.end_date IS NULL OR a.end_date >= $as_at)
ORDER BY a.pupil_id, i.name;

-- name: classroom_pupil_strategies
SELECT ps.pupil_id, s.strategy_id, s.name, s.what_to_do, s.evidence_source, ps.added_on, ps.added_by
FROM pupil_strategies ps
JOIN strategies s ON s.strategy_id = ps.strategy_id
WHERE list_contains($pupil_ids, ps.pupil_id)
  AND ps.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY ps.pupil_id, s.name;

-- name: classroom_pupil_groups
-- The viewer's teaching groups this pupil is in (for the passport header).
SELECT g.group_id, g.name
FROM group_members gm JOIN teaching_groups g ON g.group_id = gm.group_id
WHERE gm.pupil_id = $pupil_id AND gm.start_date <= $as_at AND (gm.end_date IS NULL OR gm.end_date >= $as_at)
  AND g.group_id IN (SELECT group_id FROM visible_groups($viewer_id, $today))
  AND gm.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY g.name;

-- name: classroom_plans
SELECT sp.plan_id, sp.start_date, sp.review_due, sp.closed_on, sp.created_by, sp.assess_note
FROM support_plans sp
WHERE sp.pupil_id = $pupil_id
  AND sp.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY sp.start_date DESC, sp.plan_id DESC;

-- name: classroom_plan_targets_all
SELECT t.target_id, t.plan_id, t.description, t.area, t.set_on, t.closed_on
FROM plan_targets t JOIN support_plans sp ON sp.plan_id = t.plan_id
WHERE sp.pupil_id = $pupil_id
  AND sp.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY t.plan_id DESC, t.set_on, t.target_id;

-- name: classroom_reviews
-- The pupil's reviews, newest first: each target review, and each EHC annual review meeting held (it
-- reviews the whole plan, so it is in the history too; it rates no single target).
SELECT r.review_id, r.plan_id, r.target_id, t.description AS target, r.reviewed_on, r.rating, r.note,
       r.pupil_voice, r.parent_voice, r.recorded_by, r.recorded_at
FROM plan_reviews r
JOIN support_plans sp ON sp.plan_id = r.plan_id
LEFT JOIN plan_targets t ON t.target_id = r.target_id
WHERE sp.pupil_id = $pupil_id
  AND sp.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
UNION ALL
SELECT NULL, NULL, NULL, 'EHC plan: annual review meeting', rv.held_on, 'annual review', rv.note,
       NULL, NULL, coalesce(rv.recorded_by, 'imported'), CAST(rv.held_on AS TIMESTAMP)
FROM ehc_reviews rv
JOIN ehc_plans e ON e.ehcp_id = rv.ehcp_id
WHERE e.pupil_id = $pupil_id
  AND e.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY 5 DESC, 11 DESC, 1 DESC NULLS LAST;

-- name: classroom_history_for_pupil
SELECT h.changed_at, h.changed_by, h.object_type, h.object_id, h.field, h.old_value, h.new_value
FROM classroom_history h
WHERE h.pupil_id = $pupil_id
  AND h.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY h.changed_at DESC, h.history_id DESC;

-- ------------------------------------------------------------------ writes

-- name: classroom_passport_row
-- scope-exempt: reached only after passport.save_passport checked may_see_pupil for this pupil
SELECT strengths, interests, what_helps, what_does_not_help, pupil_voice, parent_voice
FROM passports WHERE pupil_id = $pupil_id;

-- name: classroom_passport_upsert
INSERT INTO passports (pupil_id, strengths, interests, what_helps, what_does_not_help, pupil_voice, parent_voice,
                       updated_at, updated_by)
VALUES ($pupil_id, $strengths, $interests, $what_helps, $what_does_not_help, $pupil_voice, $parent_voice,
        current_timestamp, $updated_by)
ON CONFLICT (pupil_id) DO UPDATE SET
    strengths = excluded.strengths, interests = excluded.interests, what_helps = excluded.what_helps,
    what_does_not_help = excluded.what_does_not_help, pupil_voice = excluded.pupil_voice,
    parent_voice = excluded.parent_voice, updated_at = excluded.updated_at, updated_by = excluded.updated_by;

-- name: classroom_history_insert
INSERT INTO classroom_history (object_type, object_id, pupil_id, field, old_value, new_value, changed_by)
VALUES ($object_type, $object_id, $pupil_id, $field, $old_value, $new_value, $changed_by);

-- name: classroom_target_owner
-- scope-exempt: reached only after validate_review checked may_see_pupil; the target must then belong to that pupil
SELECT sp.pupil_id, sp.plan_id, sp.closed_on AS plan_closed_on, t.closed_on AS target_closed_on, t.description
FROM plan_targets t JOIN support_plans sp ON sp.plan_id = t.plan_id
WHERE t.target_id = $target_id;

-- name: classroom_plan_row
-- scope-exempt: reached only after the SENCO's plan check (_require_plan_role, may_see_pupil) or the review check
SELECT plan_id, pupil_id, start_date, review_due, closed_on, assess_note FROM support_plans WHERE plan_id = $plan_id;

-- name: classroom_review_insert
INSERT INTO plan_reviews (plan_id, target_id, reviewed_on, rating, note, pupil_voice, parent_voice, recorded_by)
VALUES ($plan_id, $target_id, $reviewed_on, $rating, $note, $pupil_voice, $parent_voice, $recorded_by)
RETURNING review_id;

-- name: classroom_plan_insert
INSERT INTO support_plans (pupil_id, start_date, review_due, created_by, assess_note)
VALUES ($pupil_id, $start_date, $review_due, $created_by, $assess_note)
RETURNING plan_id;

-- name: classroom_plan_update
UPDATE support_plans SET review_due = $review_due, assess_note = $assess_note WHERE plan_id = $plan_id;

-- name: classroom_plan_close
UPDATE support_plans SET closed_on = $closed_on WHERE plan_id = $plan_id;

-- name: classroom_plan_close_targets
UPDATE plan_targets SET closed_on = $closed_on WHERE plan_id = $plan_id AND closed_on IS NULL;

-- name: classroom_target_insert
INSERT INTO plan_targets (plan_id, description, area, set_on) VALUES ($plan_id, $description, $area, $set_on)
RETURNING target_id;

-- name: classroom_target_close
UPDATE plan_targets SET closed_on = $closed_on WHERE target_id = $target_id;

-- ------------------------------------------------------------------ strategies

-- name: classroom_strategies_all
SELECT strategy_id, name, areas, needs, what_to_do, evidence_source, retired, added_by
FROM strategies ORDER BY name;

-- name: classroom_strategy_row
SELECT strategy_id, name, areas, needs, what_to_do, evidence_source, retired FROM strategies WHERE strategy_id = $strategy_id;

-- name: classroom_strategy_count
SELECT count(*) FROM strategies;

-- name: classroom_strategy_names
SELECT name FROM strategies;

-- name: classroom_strategy_insert
INSERT INTO strategies (name, areas, needs, what_to_do, evidence_source, added_by)
VALUES ($strategy_name, $areas, $needs, $what_to_do, $evidence_source, $added_by)
RETURNING strategy_id;

-- name: classroom_strategy_update
UPDATE strategies SET name = $strategy_name, areas = $areas, needs = $needs, what_to_do = $what_to_do,
       evidence_source = $evidence_source, retired = $retired
WHERE strategy_id = $strategy_id;

-- name: classroom_strategy_name_taken
SELECT count(*) FROM strategies WHERE lower(name) = lower($strategy_name) AND strategy_id <> $strategy_id;

-- name: classroom_pupil_strategy_attach
INSERT INTO pupil_strategies (pupil_id, strategy_id, added_on, added_by)
VALUES ($pupil_id, $strategy_id, $added_on, $added_by)
ON CONFLICT DO NOTHING;

-- name: classroom_pupil_strategy_detach
-- scope-exempt: reached only after detach_from_pupil checked may_see_pupil for this pupil
DELETE FROM pupil_strategies WHERE pupil_id = $pupil_id AND strategy_id = $strategy_id;
