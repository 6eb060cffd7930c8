-- Records area: concerns raised by staff, funding by financial year, staff training imports and external
-- specialists. Every pupil-reading query restricts rows through visible_pupils; money through
-- can_see_costs; counts for governors and leaders through visible_schools.

-- ============================================================================ concerns

-- name: records_concern_insert
-- Insert only if the pupil is one the viewer may see (a teacher: a pupil in a group they teach today).
INSERT INTO concerns (pupil_id, raised_on, raised_by, area, reason, evidence)
SELECT p.pupil_id, $raised_on, $raised_by, $area, $reason, $evidence
FROM pupils p
WHERE p.pupil_id = $pupil_id AND p.school_id = $school_id
  AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
RETURNING concern_id;

-- name: records_concerns_for_pupil
-- Every concern about one pupil (the latest first), for anyone who may see the pupil.
SELECT c.concern_id, c.raised_on, c.raised_by, c.area, c.reason, c.evidence, c.decision, c.decided_on,
       c.decided_by, c.outcome, c.closed_on
FROM concerns c
WHERE c.pupil_id = $pupil_id
  AND c.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY c.raised_on DESC, c.concern_id DESC;

-- name: records_concerns_raised_by
-- Concerns a member of staff raised, about pupils they may still see, with what became of each.
SELECT c.concern_id, c.pupil_id, p.first_name || ' ' || p.last_name AS pupil, c.raised_on, c.area, c.reason,
       c.decision, c.decided_on, c.outcome, c.closed_on
FROM concerns c JOIN pupils p ON p.pupil_id = c.pupil_id
WHERE c.raised_by = $username AND p.school_id = $school_id
  AND c.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY c.raised_on DESC, c.concern_id DESC;

-- name: records_concern_queue
-- The SENCO's queue: concerns at the school raised on or before $as_at that are open then (awaiting a
-- decision, or being monitored or assessed) about pupils on roll, and those decided or closed in the 90
-- days before $as_at; with the pupil's year and SEN status at $as_at. Awaiting first, oldest first.
SELECT c.concern_id, c.pupil_id, p.first_name || ' ' || p.last_name AS pupil, r.year_group,
       sen_group(coalesce(st.code, 'N')) AS sen_group, c.raised_on, c.raised_by, c.area, c.reason, c.evidence,
       c.decision, c.decided_on, c.decided_by, c.outcome, c.closed_on,
       c.decision IS NULL AND (c.closed_on IS NULL OR c.closed_on > $as_at) AS awaiting,
       CAST(date_diff('day', c.raised_on, $as_at) AS INTEGER) AS days_since_raised
FROM concerns c
JOIN pupils p ON p.pupil_id = c.pupil_id
LEFT JOIN roll_at($as_at) r ON r.pupil_id = c.pupil_id
LEFT JOIN sen_status_at($as_at) st ON st.pupil_id = c.pupil_id
WHERE p.school_id = $school_id AND c.raised_on <= $as_at
  AND ((r.pupil_id IS NOT NULL AND (c.closed_on IS NULL OR c.closed_on > $as_at))
       OR coalesce(c.decided_on, c.closed_on) BETWEEN $as_at - INTERVAL 90 DAY AND $as_at)
  AND c.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY awaiting DESC, c.raised_on, c.concern_id;

-- name: records_concern_row
SELECT c.concern_id, c.pupil_id, c.raised_on, c.decision, c.decided_on, c.decided_by, c.outcome, c.closed_on
FROM concerns c JOIN pupils p ON p.pupil_id = c.pupil_id
WHERE c.concern_id = $concern_id AND p.school_id = $school_id
  AND c.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today));

-- name: records_concern_decide
UPDATE concerns SET decision = $decision, decided_on = $decided_on, decided_by = $decided_by, outcome = $outcome,
                    closed_on = $closed_on
WHERE concern_id = $concern_id;

-- name: records_pupil_open_provision
-- scope-exempt: reached only inside a concern decision, after the concern was found through visible_pupils
-- The pupil's SEN provision open at a date (none if off the register).
SELECT code, start_date FROM sen_provision
WHERE pupil_id = $pupil_id AND start_date <= $on AND (end_date IS NULL OR end_date >= $on)
ORDER BY start_date DESC LIMIT 1;

-- name: records_provision_after
-- scope-exempt: reached only inside a concern decision, after the concern was found through visible_pupils
-- Any SEN provision of the pupil starting after a date (a new SEN support period would overlap it).
SELECT count(*) FROM sen_provision WHERE pupil_id = $pupil_id AND start_date > $on;

-- name: records_end_provision
UPDATE sen_provision SET end_date = $end_date WHERE pupil_id = $pupil_id AND start_date = $start_date;

-- name: records_start_sen_support
INSERT INTO sen_provision (pupil_id, code, start_date, end_date) VALUES ($pupil_id, 'K', $start_date, NULL);

-- ============================================================================ funding

-- name: records_funding_insert
INSERT INTO funding (school_id, academic_year, financial_year, line, pupil_id, amount, note)
SELECT $school_id, $financial_year, $financial_year, $line, $pupil_id, $amount, $note
WHERE can_see_costs($viewer_id)
  AND $school_id IN (SELECT school_id FROM visible_schools($viewer_id))
  AND ($pupil_id IS NULL OR $pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today)))
RETURNING funding_id;

-- name: records_funding_lines
-- Every funding line of a school (cost roles only), newest year first. A top-up names its pupil.
SELECT f.funding_id, f.financial_year, f.academic_year, f.line, f.pupil_id,
       CASE WHEN f.pupil_id IS NULL THEN NULL ELSE p.first_name || ' ' || p.last_name END AS pupil,
       f.amount, f.note
FROM funding f LEFT JOIN pupils p ON p.pupil_id = f.pupil_id
WHERE f.school_id = $school_id AND can_see_costs($viewer_id)
  AND f.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
  AND (f.pupil_id IS NULL OR f.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today)))
ORDER BY coalesce(f.financial_year, f.academic_year) DESC, f.line, f.funding_id;

-- name: records_funding_row
SELECT f.funding_id, f.financial_year, f.academic_year, f.line, f.pupil_id, f.amount, f.note
FROM funding f
WHERE f.funding_id = $funding_id AND f.school_id = $school_id AND can_see_costs($viewer_id)
  AND f.school_id IN (SELECT school_id FROM visible_schools($viewer_id));

-- name: records_funding_delete
-- scope-exempt: a delete reached only after records_funding_row found the line in the viewer's school
DELETE FROM funding WHERE funding_id = $funding_id;

-- name: records_funding_by_academic_year
-- Funding in one academic year by line, each financial-year line apportioned by months (migration 016).
SELECT f.line, sum(f.amount) AS amount, CAST(count(DISTINCT f.pupil_id) AS INTEGER) AS pupils
FROM funding_by_academic_year() f
WHERE f.school_id = $school_id AND f.academic_year = $academic_year AND can_see_costs($viewer_id)
  AND f.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
GROUP BY f.line ORDER BY f.line;

-- name: records_pupils_with_ehc_plan
-- Pupils with an EHC plan at a date (the pupils a top-up is usually paid for), for the funding form.
SELECT r.pupil_id, p.first_name || ' ' || p.last_name AS pupil, r.year_group
FROM roll_at($as_at) r JOIN pupils p ON p.pupil_id = r.pupil_id
JOIN sen_status_at($as_at) st ON st.pupil_id = r.pupil_id
WHERE r.school_id = $school_id AND sen_group(st.code) = 'EHC plan'
  AND r.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY p.last_name, p.first_name;

-- ============================================================================ external specialists

-- name: records_involvement_insert
INSERT INTO specialist_involvements (pupil_id, service, referred_on, seen_on, advice, next_contact, closed_on, recorded_by)
SELECT p.pupil_id, $service, $referred_on, $seen_on, $advice, $next_contact, $closed_on, $recorded_by
FROM pupils p
WHERE p.pupil_id = $pupil_id AND p.school_id = $school_id
  AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
RETURNING involvement_id;

-- name: records_involvement_row
SELECT i.involvement_id, i.pupil_id, i.service, i.referred_on, i.seen_on, i.advice, i.next_contact, i.closed_on
FROM specialist_involvements i JOIN pupils p ON p.pupil_id = i.pupil_id
WHERE i.involvement_id = $involvement_id AND p.school_id = $school_id
  AND i.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today));

-- name: records_involvement_update
UPDATE specialist_involvements SET seen_on = $seen_on, advice = $advice, next_contact = $next_contact,
                                   closed_on = $closed_on
WHERE involvement_id = $involvement_id;

-- name: records_involvements_for_pupil
SELECT i.involvement_id, i.service, i.referred_on, i.seen_on, i.advice, i.next_contact, i.closed_on, i.recorded_by
FROM specialist_involvements i
WHERE i.pupil_id = $pupil_id
  AND i.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY i.referred_on DESC, i.involvement_id DESC;

-- name: records_involvements_school
-- Every involvement at the school referred on or before $as_at, with the pupil (SENCO and head).
SELECT i.involvement_id, i.pupil_id, p.first_name || ' ' || p.last_name AS pupil, r.year_group, i.service,
       i.referred_on, i.seen_on, i.advice, i.next_contact, i.closed_on,
       CAST(date_diff('day', i.referred_on,
            CASE WHEN i.seen_on IS NOT NULL AND i.seen_on <= $as_at THEN i.seen_on ELSE $as_at END) AS INTEGER) AS days_waited
FROM specialist_involvements i
JOIN pupils p ON p.pupil_id = i.pupil_id
LEFT JOIN roll_at($as_at) r ON r.pupil_id = i.pupil_id
WHERE p.school_id = $school_id AND i.referred_on <= $as_at
  AND i.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY i.referred_on, i.involvement_id;

-- name: records_waiting_by_service
-- Per service, counts only (no pupil). Referrals counted: made in the 365 days to $as_at, and any made
-- earlier still waiting at $as_at. The wait is referral to first seen, or to $as_at for a pupil still
-- waiting (counted as still waiting, so the median is not flattered by leaving them out). A referral
-- closed before the pupil was seen (declined or withdrawn) is counted but has no wait. DuckDB's median
-- of an even count is the mean of the middle two.
WITH r AS (
    SELECT i.service, i.referred_on,
           i.seen_on IS NOT NULL AND i.seen_on <= $as_at AS seen,
           (i.seen_on IS NULL OR i.seen_on > $as_at) AND i.closed_on IS NOT NULL AND i.closed_on <= $as_at AS withdrawn,
           date_diff('day', i.referred_on,
                     CASE WHEN i.seen_on IS NOT NULL AND i.seen_on <= $as_at THEN i.seen_on ELSE $as_at END) AS wait
    FROM specialist_involvements i JOIN pupils p ON p.pupil_id = i.pupil_id
    WHERE p.school_id = $school_id AND i.referred_on <= $as_at
      AND p.school_id IN (SELECT school_id FROM visible_schools($viewer_id))
)
SELECT service,
       CAST(count(*) AS INTEGER) AS referrals,
       CAST(count(*) FILTER (WHERE seen) AS INTEGER) AS seen,
       CAST(count(*) FILTER (WHERE NOT seen AND NOT withdrawn) AS INTEGER) AS still_waiting,
       CAST(count(*) FILTER (WHERE withdrawn) AS INTEGER) AS closed_unseen,
       median(wait) FILTER (WHERE NOT withdrawn) AS median_wait_days,
       CAST(max(wait) FILTER (WHERE NOT seen AND NOT withdrawn) AS INTEGER) AS longest_open_wait_days
FROM r
WHERE referred_on > $as_at - INTERVAL 365 DAY OR (NOT seen AND NOT withdrawn)
GROUP BY service
ORDER BY service;

-- name: records_group_pupils
-- The pupils in a teaching group at a date whom the viewer may see (for raising a concern from the class profile).
SELECT p.pupil_id, p.first_name || ' ' || p.last_name AS name
FROM group_members gm JOIN pupils p ON p.pupil_id = gm.pupil_id
WHERE gm.group_id = $group_id AND gm.start_date <= $as_at AND (gm.end_date IS NULL OR gm.end_date >= $as_at)
  AND p.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY p.last_name, p.first_name;

-- name: records_pupil_choices
-- Pupils on roll at a date the viewer may see, to choose whom a referral is for.
SELECT r.pupil_id, p.last_name || ', ' || p.first_name || ' (Year ' || r.year_group || ')' AS label
FROM roll_at($as_at) r JOIN pupils p ON p.pupil_id = r.pupil_id
WHERE r.school_id = $school_id
  AND r.pupil_id IN (SELECT pupil_id FROM visible_pupils($viewer_id, $today))
ORDER BY p.last_name, p.first_name;

-- ============================================================================ demo school

-- name: records_demo_decide_concerns
-- Demo: the concerns the generator closed when SEN support started carry that decision.
UPDATE concerns SET decision = 'sen_support', decided_on = closed_on, decided_by = 'senco'
WHERE decision IS NULL AND closed_on IS NOT NULL AND outcome = 'Added to SEN support';

-- name: records_demo_referrals
-- scope-exempt: the demo generator writing a made-up school, no viewer involved
-- Demo: about one in six pupils on the register at $as_at referred to a service that fits their primary
-- need in the year before, most seen after 2 to 22 weeks, some still waiting. Chosen by a hash of the
-- pupil and $seed, so the same seed gives the same rows.
INSERT INTO specialist_involvements (pupil_id, service, referred_on, seen_on, advice, next_contact, closed_on,
                                     recorded_by, recorded_at)
WITH reg AS (
    SELECT r.pupil_id, coalesce(n.need_code, 'OTH') AS need, hash(r.pupil_id, $seed) AS h
    FROM roll_at($as_at) r
    JOIN sen_status_at($as_at) st ON st.pupil_id = r.pupil_id
    LEFT JOIN needs_at($as_at) n ON n.pupil_id = r.pupil_id AND n.need_rank = 1
    WHERE sen_group(st.code) <> 'No SEN'
), picked AS (
    SELECT pupil_id, h,
           CASE need WHEN 'SLCN' THEN 'speech_language_therapy' WHEN 'ASD' THEN (CASE WHEN (h // 17) % 2 = 0 THEN 'speech_language_therapy' ELSE 'educational_psychology' END)
                     WHEN 'SEMH' THEN (CASE WHEN (h // 13) % 3 = 0 THEN 'camhs' ELSE 'counselling' END)
                     WHEN 'HI' THEN 'hearing_impairment' WHEN 'VI' THEN 'vision_impairment'
                     WHEN 'MSI' THEN 'multi_sensory_impairment' WHEN 'PD' THEN 'occupational_therapy'
                     WHEN 'OTH' THEN 'school_nurse' ELSE 'educational_psychology' END AS service,
           $as_at - CAST(10 + h % 340 AS INTEGER) AS referred_on
    FROM reg WHERE h % 6 = 0
), dated AS (
    SELECT *, CASE WHEN (h // 7) % 4 = 0 THEN NULL ELSE referred_on + CAST(14 + (h // 11) % 140 AS INTEGER) END AS seen
    FROM picked
)
SELECT pupil_id, service, referred_on,
       CASE WHEN seen <= $as_at THEN seen END AS seen_on,
       CASE WHEN seen <= $as_at THEN CASE service
            WHEN 'speech_language_therapy' THEN 'Pre-teach topic words; visual prompts for instructions; check understanding one to one'
            WHEN 'educational_psychology' THEN 'Short chunked tasks with worked examples; overlearning of key facts; review in a term'
            WHEN 'camhs' THEN 'Agreed calm space and exit card; weekly check-in with a named adult'
            WHEN 'counselling' THEN 'Six sessions agreed; key adult check-ins at the start of the day'
            WHEN 'occupational_therapy' THEN 'Writing slope and pencil grip; movement breaks; seat near the door'
            WHEN 'hearing_impairment' THEN 'Radio aid in every lesson; seat near the front; subtitles on video'
            WHEN 'vision_impairment' THEN 'Enlarged print (N24); copies of board work; good lighting, no glare'
            ELSE 'Care plan shared with staff; review at the next annual check' END END AS advice,
       CASE WHEN seen <= $as_at THEN seen + 120 END AS next_contact,
       NULL AS closed_on, 'senco' AS recorded_by, CAST(referred_on AS TIMESTAMP) + INTERVAL 9 HOUR AS recorded_at
FROM dated;
