-- Figures area: the teaching-group timetable (migration 025) and "this lesson" on the class card.
-- A lesson is not pupil data: lessons are read for the schools the viewer sees (visible_schools). The
-- pupils' sessions are pupil data: restricted with visible_pupils.

-- name: figures_school_groups
-- Teaching groups of a school in an academic year, for the timetable form (names only, no pupils).
SELECT g.group_id, g.name, g.kind, g.subject, g.year_group
FROM teaching_groups g
WHERE g.school_id = $school_id AND g.academic_year = $academic_year
  AND g.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY g.year_group, g.kind, g.name;

-- name: figures_group_lessons
-- One group's lessons in the school week, Monday first.
SELECT l.lesson_id, l.group_id, l.day_of_week, l.start_time, l.end_time
FROM group_lessons l
JOIN teaching_groups g ON g.group_id = l.group_id
WHERE l.group_id = $group_id
  AND g.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY list_position(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'], l.day_of_week), l.start_time;

-- name: figures_lesson
-- One lesson with its group's school (to check the viewer may change it).
SELECT l.lesson_id, l.group_id, l.day_of_week, l.start_time, l.end_time, g.school_id, g.name AS group_name
FROM group_lessons l
JOIN teaching_groups g ON g.group_id = l.group_id
WHERE l.lesson_id = $lesson_id
  AND g.school_id IN (SELECT school_id FROM visible_schools($viewer_id));

-- name: figures_group_school
SELECT g.school_id, g.name FROM teaching_groups g
WHERE g.group_id = $group_id AND g.school_id IN (SELECT school_id FROM visible_schools($viewer_id));

-- name: figures_insert_lesson
INSERT INTO group_lessons (group_id, day_of_week, start_time, end_time)
VALUES ($group_id, $day_of_week, $start_time, $end_time)
RETURNING lesson_id;

-- name: figures_delete_lesson
DELETE FROM group_lessons WHERE lesson_id = $lesson_id;

-- name: figures_pupil_sessions
-- The weekly sessions of every allocation current at $as_at of the given pupils (the class's members),
-- each with its intervention, how it is delivered and how long a session lasts: the class card checks
-- which of them overlap the chosen lesson.
SELECT a.pupil_id, a.allocation_id, i.name AS intervention, coalesce(a.delivery, 'withdrawn') AS delivery,
       s.day_of_week, s.start_time, CAST(i.minutes_per_session AS INTEGER) AS minutes_per_session
FROM allocations a
JOIN interventions i ON i.intervention_id = a.intervention_id
JOIN allocation_sessions s ON s.allocation_id = a.allocation_id
WHERE list_contains($pupil_ids, a.pupil_id)
  AND a.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
  AND a.start_date <= $as_at AND (a.end_date IS NULL OR a.end_date >= $as_at)
ORDER BY a.pupil_id, s.start_time, i.name;

-- name: figures_lessons_held
-- A group's lessons inside a write (the overlap check sees what the transaction sees).
SELECT lesson_id, group_id, day_of_week, start_time, end_time FROM group_lessons WHERE group_id = $group_id;
