-- Provision time as it happens, and spend by each pupil's own need (the provision area).
--
-- How an allocation is delivered is recorded apart from its wave: 'in_class' (support in lessons, e.g.
-- a teaching assistant beside the pupil: the pupil never leaves the room) or 'withdrawn' (taken out of
-- lessons). Only withdrawn sessions count as time out of class.
ALTER TABLE allocations ADD COLUMN delivery VARCHAR DEFAULT 'withdrawn';

-- The sessions of an allocation each week: a day and a start time each (HH:MM, 24-hour). A five-a-week
-- programme has five rows. Each lasts the intervention's minutes_per_session. allocations.day_of_week
-- and start_time are kept for older exports but no longer read.
CREATE TABLE allocation_sessions (
    allocation_id  INTEGER NOT NULL,
    day_of_week    VARCHAR NOT NULL CHECK (day_of_week IN ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday')),
    start_time     VARCHAR NOT NULL CHECK (regexp_full_match(start_time, '([01][0-9]|2[0-3]):[0-5][0-9]')),
    PRIMARY KEY (allocation_id, day_of_week, start_time)
);

-- Existing rows: support recorded as happening 'In lessons' was in-class support every school day; any
-- other allocation was withdrawal at its one recorded slot (where the slot was a real day and time).
UPDATE allocations SET delivery = CASE WHEN day_of_week = 'In lessons' THEN 'in_class' ELSE 'withdrawn' END;
INSERT INTO allocation_sessions
SELECT allocation_id, day_of_week, start_time FROM allocations
WHERE day_of_week IN ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday')
  AND regexp_full_match(coalesce(start_time, ''), '([01][0-9]|2[0-3]):[0-5][0-9]');
-- One-to-one support given only in lessons was filed as wave 1 (universal); it is individual provision.
UPDATE interventions SET wave = 'specialist'
WHERE wave = 'universal' AND group_size = 1
  AND intervention_id IN (SELECT intervention_id FROM allocations GROUP BY intervention_id
                          HAVING bool_and(coalesce(day_of_week, '') = 'In lessons'));
INSERT INTO allocation_sessions
SELECT a.allocation_id, d.day, '08:50' FROM allocations a
CROSS JOIN (VALUES ('Monday'), ('Tuesday'), ('Wednesday'), ('Thursday'), ('Friday')) d(day)
WHERE a.day_of_week = 'In lessons';

-- Each allocation's pupil's primary broad area of need when it started ('NONE' when no primary need was
-- recorded then, e.g. a pupil of concern): spend and hours by area of need go to the pupil's own need,
-- not split across the areas an intervention is tagged with.
CREATE OR REPLACE MACRO allocation_primary_area(school) AS TABLE
    SELECT a.allocation_id, coalesce(min(r.area_code), 'NONE') AS area_code
    FROM allocations a
    JOIN interventions i ON i.intervention_id = a.intervention_id AND i.school_id = school
    LEFT JOIN sen_needs n ON n.pupil_id = a.pupil_id AND n.need_rank = 1 AND n.start_date <= a.start_date
                         AND (n.end_date IS NULL OR n.end_date >= a.start_date)
    LEFT JOIN ref_need_codes r ON r.need_code = n.need_code
    GROUP BY a.allocation_id;

-- Sessions a week per allocation, as a list and a count (0 when none is recorded yet).
CREATE OR REPLACE MACRO allocation_session_counts(school) AS TABLE
    SELECT a.allocation_id, CAST(count(s.allocation_id) AS INTEGER) AS sessions_recorded,
           string_agg(left(s.day_of_week, 3) || ' ' || s.start_time, ', '
                      ORDER BY list_position(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'], s.day_of_week),
                               s.start_time) AS session_times
    FROM allocations a
    JOIN interventions i ON i.intervention_id = a.intervention_id AND i.school_id = school
    LEFT JOIN allocation_sessions s ON s.allocation_id = a.allocation_id
    GROUP BY a.allocation_id;

-- A school's allocations as they were known at a date: only those started by then; an end date, exit
-- score or attendance count dated after it is not known yet (the allocation was still open, running to
-- its planned weeks). Otherwise as school_allocations (migration 012), the cost divisor included.
-- Every as-at figure of the provision area reads this, so looking back never counts later records.
CREATE OR REPLACE MACRO school_allocations_at(school, as_at) AS TABLE
    WITH k AS (
        SELECT a.allocation_id, a.pupil_id, a.intervention_id, a.group_label, a.start_date,
               CASE WHEN a.end_date <= as_at THEN a.end_date END AS end_date,
               CASE WHEN a.end_date <= as_at OR (a.end_date IS NULL AND
                         CAST(a.start_date + to_days(7 * i.planned_weeks - 1) AS DATE) <= as_at)
                    THEN a.sessions_attended END AS sessions_attended,
               a.entry_score,
               CASE WHEN coalesce(a.end_date, CAST(a.start_date + to_days(7 * i.planned_weeks - 1) AS DATE)) <= as_at
                    THEN a.exit_score END AS exit_score,
               a.day_of_week, a.start_time, a.staff_id, a.delivery,
               i.school_id, i.group_size
        FROM allocations a
        JOIN interventions i ON i.intervention_id = a.intervention_id
        WHERE i.school_id = school AND a.start_date <= as_at
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
    )
    SELECT a.*, CASE WHEN a.group_label IS NOT NULL THEN grp.n ELSE greatest(a.group_size, 1) END AS pupils_in_group
    FROM a
    LEFT JOIN grp ON grp.allocation_id = a.allocation_id;
