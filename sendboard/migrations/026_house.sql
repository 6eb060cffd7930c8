-- Shared rules written once for SQL, each the twin of one Python definition; tests/test_house_domain.py
-- checks every pair gives the same answers. (The academic year of a date is academic_year_of(d), in
-- 003_common_macros.sql; its Python twin is sendboard.domain.academic_year_of.)

-- How an academic year is written: 2025 -> '2025/26' (sendboard.domain.year_label).
CREATE MACRO year_label(y) AS CAST(y AS VARCHAR) || '/' || right(CAST(y + 1 AS VARCHAR), 2);

-- Hours a week of an intervention's sessions: sessions a week x minutes / 60 (sendboard.provision.costs.hours_a_week).
CREATE MACRO hours_a_week(sessions_per_week, minutes_per_session) AS
    sessions_per_week * minutes_per_session / 60;

-- What a group's sessions cost a week: sessions a week x (hourly cost of the staff role x minutes / 60)
-- (sendboard.provision.costs.weekly_group_cost).
CREATE MACRO weekly_group_cost(hourly_cost, minutes_per_session, sessions_per_week) AS
    sessions_per_week * (hourly_cost * minutes_per_session / 60);

-- One pupil's share of a group's cost over some days: the weekly group cost / pupils in the group x days / 7,
-- plus the pupil's share of the other costs (materials, licences) when those count
-- (sendboard.provision.costs.pupil_share_cost).
CREATE MACRO pupil_share_cost(weekly_group_cost, pupils, days, other_costs, counts_other) AS
    weekly_group_cost / pupils * days / 7 + CASE WHEN counts_other THEN other_costs / pupils ELSE 0 END;

-- A pupil's measured gain on an intervention: exit - entry, negated when a lower score is better; on an
-- age-equivalent scale ('months') less the months that passed between the two scores, which are growth,
-- not progress (sendboard.provision.impact.gain_of).
CREATE MACRO measured_gain(entry_score, exit_score, higher_is_better, measure_scale, start_day, exit_day) AS
    (exit_score - entry_score) * CASE WHEN higher_is_better THEN 1 ELSE -1 END
    - CASE WHEN lower(trim(measure_scale)) = 'months' THEN (exit_day - start_day) / (365.25 / 12) ELSE 0 END;
