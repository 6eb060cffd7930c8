-- Identification of pupils who may have unmet needs (sendboard/leaders/identification.py).

-- name: identification_year_suspensions
-- Suspensions this academic year up to $as_at, per pupil of the school the viewer may see.
SELECT s.pupil_id, CAST(count(*) AS INTEGER) AS suspensions
FROM suspensions s
WHERE s.start_date <= $as_at AND academic_year_of(s.start_date) = academic_year_of(CAST($as_at AS DATE))
  AND s.pupil_id IN (SELECT pupil_id FROM pupils WHERE school_id = $school_id)
  AND s.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
GROUP BY s.pupil_id;
