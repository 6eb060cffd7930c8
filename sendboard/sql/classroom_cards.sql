-- Classroom area: the class profile in one statement.
--
-- A class profile used to be eight statements (the group, its member ids, then the six per-pupil frames of
-- classroom.sql), each expanding the scope macros again: about 3 ms of the server's CPU apiece, paid on
-- every teacher's first visit, and thirty of them at once in a staff meeting. This statement returns the
-- group's row (the group if it is in visible_groups) and the same rows as classroom_group_member_ids +
-- classroom_pupil_summary + classroom_needs + classroom_passports + classroom_current_targets +
-- classroom_current_interventions + classroom_pupil_strategies + figures_pupil_sessions +
-- figures_group_lessons, scoped once: class_members_visible keeps only a group in
-- visible_groups($viewer_id, $today) and only its pupils in visible_pupils($viewer_id, $today).
-- The passport (one pupil) still reads the separate statements.

-- name: classroom_class_cards
-- One row per pupil of the group the viewer may see, as a struct (named fields), ordered as the cards'
-- summary; each per-pupil list is ordered as its own statement orders it. Every row carries the group.
-- A group the viewer may not open gives no row at all; a group they may open with nobody in it at the
-- date gives one row whose pupil is NULL, so that "not yours" and "nobody in it" differ.
WITH grp AS (
    SELECT g.group_id, g.school_id, g.academic_year, g.name, g.kind, g.subject, g.year_group
    FROM teaching_groups g
    WHERE g.group_id = $group_id
      AND g.group_id IN (SELECT group_id FROM visible_groups($viewer_id, $today))
),
ids AS (
    SELECT pupil_id FROM class_members_visible($viewer_id, $today, $group_id, $as_at)
),
status AS (SELECT * FROM sen_status_at($as_at) WHERE pupil_id IN (SELECT pupil_id FROM ids)),
last_off AS (
    -- the start of each pupil's latest spell off the register ('N'), so that "on the register since" is
    -- the start of the current spell
    SELECT n.pupil_id, max(n.start_date) AS off_since
    FROM sen_provision n
    WHERE n.pupil_id IN (SELECT pupil_id FROM ids) AND n.code = 'N' AND n.start_date <= $as_at
    GROUP BY n.pupil_id
),
spell AS (
    SELECT sp.pupil_id, min(sp.start_date) AS on_register_since
    FROM sen_provision sp
    LEFT JOIN last_off ON last_off.pupil_id = sp.pupil_id
    WHERE sp.pupil_id IN (SELECT pupil_id FROM ids) AND sp.code <> 'N' AND sp.start_date <= $as_at
      AND sp.start_date > coalesce(last_off.off_since, DATE '1900-01-01')
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
open_ehc AS (
    SELECT e.pupil_id, e.ehcp_id, e.issued_on
    FROM ehc_plans e
    WHERE e.pupil_id IN (SELECT pupil_id FROM ids) AND e.issued_on <= $as_at
      AND (e.ceased_on IS NULL OR e.ceased_on > $as_at)
),
last_ehc_review AS (
    SELECT r.ehcp_id, max(r.held_on) AS held_on
    FROM ehc_reviews r
    WHERE r.ehcp_id IN (SELECT ehcp_id FROM open_ehc) AND r.held_on <= $as_at
    GROUP BY r.ehcp_id
),
ehc AS (
    SELECT e.pupil_id, min(CAST(coalesce(lr.held_on, e.issued_on) + INTERVAL 12 MONTH AS DATE)) AS ehc_review_due
    FROM open_ehc e
    LEFT JOIN last_ehc_review lr ON lr.ehcp_id = e.ehcp_id
    GROUP BY e.pupil_id
),
need_list AS (
    SELECT n.pupil_id,
           list(struct_pack(need_code := n.need_code, need_rank := n.need_rank, area_code := n.area_code, area := n.area,
                 description := n.description) ORDER BY n.need_rank, n.need_code) AS needs
    FROM needs_at($as_at) n
    WHERE n.pupil_id IN (SELECT pupil_id FROM ids)
    GROUP BY n.pupil_id
),
current_targets AS (
    -- open targets of open plans
    SELECT sp.pupil_id, t.target_id, t.description, t.set_on
    FROM plan_targets t
    JOIN support_plans sp ON sp.plan_id = t.plan_id
    WHERE sp.pupil_id IN (SELECT pupil_id FROM ids)
      AND sp.start_date <= $as_at AND (sp.closed_on IS NULL OR sp.closed_on > $as_at)
      AND t.set_on <= $as_at AND (t.closed_on IS NULL OR t.closed_on > $as_at)
),
last_target_review AS (
    SELECT target_id, arg_max(rating, (reviewed_on, recorded_at, review_id)) AS rating, max(reviewed_on) AS reviewed_on
    FROM plan_reviews
    WHERE target_id IN (SELECT target_id FROM current_targets)
    GROUP BY target_id
),
target_list AS (
    SELECT t.pupil_id,
           list(struct_pack(description := t.description, last_rating := lr.rating, last_reviewed_on := lr.reviewed_on)
                ORDER BY t.set_on, t.target_id) AS targets
    FROM current_targets t
    LEFT JOIN last_target_review lr ON lr.target_id = t.target_id
    GROUP BY t.pupil_id
),
current_allocations AS (
    SELECT a.pupil_id, a.allocation_id, i.name AS intervention, a.day_of_week, a.start_time,
           i.minutes_per_session, coalesce(a.delivery, 'withdrawn') AS delivery
    FROM allocations a
    JOIN interventions i ON i.intervention_id = a.intervention_id
    WHERE a.pupil_id IN (SELECT pupil_id FROM ids)
      AND a.start_date <= $as_at AND (a.end_date IS NULL OR a.end_date >= $as_at)
),
session_times AS (
    -- each allocation's weekly sessions as 'Mon 10:40, Wed 10:40' (migration 018)
    SELECT s.allocation_id,
           string_agg(left(s.day_of_week, 3) || ' ' || s.start_time, ', '
                      ORDER BY list_position(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'], s.day_of_week),
                               s.start_time) AS session_times
    FROM allocation_sessions s
    WHERE s.allocation_id IN (SELECT allocation_id FROM current_allocations)
    GROUP BY s.allocation_id
),
intervention_list AS (
    SELECT a.pupil_id,
           list(struct_pack(intervention := a.intervention, day_of_week := a.day_of_week, start_time := a.start_time,
                 minutes_per_session := a.minutes_per_session, delivery := a.delivery,
                 session_times := st.session_times) ORDER BY a.intervention, a.allocation_id) AS interventions
    FROM current_allocations a
    LEFT JOIN session_times st ON st.allocation_id = a.allocation_id
    GROUP BY a.pupil_id
),
session_list AS (
    -- the weekly sessions of each current allocation, as figures_pupil_sessions gives them: the card says
    -- which of them overlap the lesson the teacher picks
    SELECT a.pupil_id,
           list(struct_pack(allocation_id := a.allocation_id, intervention := a.intervention, delivery := a.delivery,
                 day_of_week := s.day_of_week, start_time := s.start_time,
                 minutes_per_session := CAST(a.minutes_per_session AS INTEGER))
                ORDER BY s.start_time, a.intervention) AS sessions
    FROM current_allocations a
    JOIN allocation_sessions s ON s.allocation_id = a.allocation_id
    GROUP BY a.pupil_id
),
strategy_list AS (
    SELECT ps.pupil_id, list(s.name ORDER BY s.name) AS strategies
    FROM pupil_strategies ps
    JOIN strategies s ON s.strategy_id = ps.strategy_id
    WHERE ps.pupil_id IN (SELECT pupil_id FROM ids)
    GROUP BY ps.pupil_id
),
lesson_list AS (
    -- the group's lessons, Monday first, as figures_group_lessons gives them (for the lesson picker)
    SELECT list(struct_pack(lesson_id := l.lesson_id, group_id := l.group_id, day_of_week := l.day_of_week,
                            start_time := l.start_time, end_time := l.end_time)
                ORDER BY list_position(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'], l.day_of_week),
                         l.start_time) AS lessons
    FROM group_lessons l
    WHERE l.group_id IN (SELECT group_id FROM grp)
),
pupil_rows AS (
    SELECT p.pupil_id, p.first_name, p.last_name, en.year_group,
           sen_group(coalesce(st.code, 'N')) AS sen_group,
           spell.on_register_since,
           coalesce(concern.open_concerns, 0) AS open_concerns, concern.concern_reasons,
           plan.next_review, ehc.ehc_review_due,
           pp.strengths, pp.interests, pp.what_helps, pp.what_does_not_help, pp.pupil_voice, pp.parent_voice,
           coalesce(need_list.needs, []) AS needs, coalesce(target_list.targets, []) AS targets,
           coalesce(intervention_list.interventions, []) AS interventions,
           coalesce(strategy_list.strategies, []) AS strategies, coalesce(session_list.sessions, []) AS sessions
    FROM ids
    JOIN pupils p ON p.pupil_id = ids.pupil_id
    LEFT JOIN enrolments en ON en.pupil_id = p.pupil_id AND en.academic_year = academic_year_of($as_at)
    LEFT JOIN status st ON st.pupil_id = p.pupil_id
    LEFT JOIN spell ON spell.pupil_id = p.pupil_id AND sen_group(coalesce(st.code, 'N')) <> 'No SEN'
    LEFT JOIN concern ON concern.pupil_id = p.pupil_id
    LEFT JOIN plan ON plan.pupil_id = p.pupil_id
    LEFT JOIN ehc ON ehc.pupil_id = p.pupil_id
    LEFT JOIN passports pp ON pp.pupil_id = p.pupil_id
    LEFT JOIN need_list ON need_list.pupil_id = p.pupil_id
    LEFT JOIN target_list ON target_list.pupil_id = p.pupil_id
    LEFT JOIN intervention_list ON intervention_list.pupil_id = p.pupil_id
    LEFT JOIN strategy_list ON strategy_list.pupil_id = p.pupil_id
    LEFT JOIN session_list ON session_list.pupil_id = p.pupil_id
)
SELECT struct_pack(group_id := grp.group_id, school_id := grp.school_id, academic_year := grp.academic_year, name := grp.name,
        kind := grp.kind, subject := grp.subject, year_group := grp.year_group) AS grp,
       CASE WHEN pupil_rows.pupil_id IS NOT NULL THEN pupil_rows END AS pupil,
       coalesce((SELECT lessons FROM lesson_list), []) AS lessons
FROM grp
LEFT JOIN pupil_rows ON true
ORDER BY pupil_rows.last_name, pupil_rows.first_name, pupil_rows.pupil_id;
