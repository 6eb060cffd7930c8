-- A school's intervention allocations with their planned end and the number of pupils sharing each
-- one's cost: every allocation in the same labelled group of the same intervention overlapping it in
-- time (visible to the viewer or not: a divisor, not a list), else the intervention's group size.
-- The provision map's rows, its totals, its impact figures and the governors' totals all divide costs
-- by this, so the rule of sendboard/provision/costs.py is written once here.
CREATE OR REPLACE MACRO school_allocations(school) AS TABLE
    WITH a AS (
        SELECT a.*, i.school_id, i.group_size,
               coalesce(a.end_date, CAST(a.start_date + to_days(7 * i.planned_weeks - 1) AS DATE)) AS planned_end
        FROM allocations a
        JOIN interventions i ON i.intervention_id = a.intervention_id
        WHERE i.school_id = school
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
