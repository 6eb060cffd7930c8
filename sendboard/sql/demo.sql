-- Finishing touches the demo builder adds after the bulk generation.

-- name: demo_in_class_support_catalogue
-- In-class teaching-assistant support in the bands EHC plans usually specify. Ten to twenty-five hours
-- a week of one-to-one support is individual provision (wave 3, specialist), whatever the room it is
-- given in; each allocation records it as delivered in class, so it costs staff hours but takes no
-- pupil out of lessons. Five sessions a week of hours x 12 minutes: 10 hours = 5 x 2 h.
INSERT INTO interventions (school_id, name, areas, wave, delivered_by, group_size, sessions_per_week,
                           minutes_per_session, planned_weeks, other_costs, measure, measure_scale, higher_is_better)
SELECT s.school_id, 'In-class support from a teaching assistant, ' || b.hours || ' hours a week',
       'CI|CL|SEMH|SP', 'specialist', 'teaching_assistant', 1, 5, b.hours * 12, 38, 0,
       'Independence in lessons rating (1-10)', 'rating 1-10', true
FROM schools s, (VALUES (10), (15), (20), (25)) b(hours);

-- name: demo_in_class_support_allocations
-- scope-exempt: the demo generator writing a made-up school, no viewer involved
-- Each current EHC plan gets the band at or below the hours it specifies, for last year and this;
-- about one pupil in seven gets a band lower (a gap the SENCO should see). Last year's blocks carry
-- entry and exit ratings (rating 1-10: a modest gain, uneven from pupil to pupil); this year's are
-- still running.
WITH plans AS (
    SELECT e.pupil_id, p.school_id, e.issued_on, e.hours_per_week,
           greatest(10, least(25, CAST(floor(e.hours_per_week / 5) * 5 AS INTEGER))
                        - CASE WHEN e.pupil_id % 7 = 0 THEN 5 ELSE 0 END) AS band
    FROM ehc_plans e JOIN pupils p ON p.pupil_id = e.pupil_id
    WHERE e.ceased_on IS NULL
), years AS (
    SELECT academic_year, make_date(academic_year, 9, 1) AS starts, make_date(academic_year + 1, 7, 20) AS ends
    FROM academic_years WHERE academic_year >= academic_year_of($as_of) - 1 AND academic_year <= academic_year_of($as_of)
)
INSERT INTO allocations (pupil_id, intervention_id, group_label, start_date, end_date, sessions_attended,
                         entry_score, exit_score, day_of_week, start_time, delivery)
SELECT pl.pupil_id, i.intervention_id, NULL, greatest(y.starts, pl.issued_on, p.entry_date), y.ends, NULL,
       2 + (pl.pupil_id % 6),
       -- a small, uneven effect: some pupils a point more independent, most no change, one in seven a point less
       CASE WHEN y.ends < $as_of THEN 2 + (pl.pupil_id % 6) + [-1, 0, 0, 0, 1, 1, 1][1 + (pl.pupil_id // 6) % 7] END,
       'Monday', '08:50', 'in_class'
FROM plans pl
JOIN years y ON pl.issued_on <= y.ends
JOIN interventions i ON i.school_id = pl.school_id
     AND i.name = 'In-class support from a teaching assistant, ' || (greatest(10, pl.band)) || ' hours a week'
JOIN pupils p ON p.pupil_id = pl.pupil_id
WHERE (p.leaving_date IS NULL OR p.leaving_date > y.starts) AND p.entry_date <= y.ends;  -- while on roll

-- name: demo_attach_strategies
-- scope-exempt: the demo generator writing a made-up school, no viewer involved
-- Up to three recommended strategies on most current SEND pupils' passports, chosen to fit their
-- primary need: strategies listed for that need code first; a strategy for any need (no codes listed)
-- only where its broad area matches. Never one written for another need in the same area (a hearing
-- impairment strategy for a pupil with a physical disability).
INSERT INTO pupil_strategies
SELECT pupil_id, strategy_id, $as_of - INTERVAL 40 DAY, 'senco'
FROM (
    SELECT n.pupil_id, s.strategy_id,
           row_number() OVER (PARTITION BY n.pupil_id
                              ORDER BY s.needs IS NULL, (n.pupil_id * 31 + s.strategy_id * 17) % 101) AS pick
    FROM needs_at($as_of) n
    JOIN roll_at($as_of) r ON r.pupil_id = n.pupil_id
    JOIN strategies s ON NOT s.retired
     AND (list_contains(string_split(s.needs, '|'), n.need_code)
          OR (coalesce(s.needs, '') = '' AND list_contains(string_split(s.areas, '|'), n.area_code)))
    WHERE n.need_rank = 1 AND n.pupil_id % 5 <> 0
)
WHERE pick <= 3;

-- name: demo_school_ids
SELECT school_id FROM schools ORDER BY school_id;


-- name: demo_in_class_support_sessions
-- scope-exempt: the demo generator writing a made-up school, no viewer involved
-- In-class support is with the pupil from the start of each school day.
INSERT INTO allocation_sessions (allocation_id, day_of_week, start_time)
SELECT a.allocation_id, d.day, '08:50'
FROM allocations a
CROSS JOIN (VALUES ('Monday'), ('Tuesday'), ('Wednesday'), ('Thursday'), ('Friday')) d(day)
WHERE a.delivery = 'in_class'
  AND NOT EXISTS (SELECT 1 FROM allocation_sessions s WHERE s.allocation_id = a.allocation_id);
