-- Publishing area: the SEN Information Report's text and approval, the policy calendar, the accessibility
-- plan's actions. None of these tables holds a pupil; every read is limited to the viewer's schools.

-- name: publishing_sir_text
SELECT heading, body, updated_by, updated_at
FROM sir_text
WHERE school_id = $school_id AND academic_year = $academic_year
  AND school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY heading;

-- name: publishing_sir_text_one
SELECT body, updated_by, updated_at
FROM sir_text
WHERE school_id = $school_id AND academic_year = $academic_year AND heading = $heading;

-- name: publishing_sir_text_upsert
INSERT INTO sir_text (school_id, academic_year, heading, body, updated_by, updated_at)
VALUES ($school_id, $academic_year, $heading, $body, $updated_by, current_timestamp)
ON CONFLICT (school_id, academic_year, heading)
DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at;

-- name: publishing_sir_text_delete
DELETE FROM sir_text WHERE school_id = $school_id AND academic_year = $academic_year AND heading = $heading;

-- name: publishing_sir_years_with_text
-- The academic years before this one that hold any text, latest first (the year to start from).
SELECT academic_year, CAST(count(*) AS INTEGER) AS headings
FROM sir_text
WHERE school_id = $school_id AND academic_year < $academic_year
  AND school_id IN (SELECT school_id FROM visible_schools($viewer_id))
GROUP BY academic_year
ORDER BY academic_year DESC;

-- name: publishing_sir_approval
-- The latest approval of a year's report, and whether any text was saved after it.
SELECT a.approved_by, a.approver_name, a.approved_on, a.approved_at,
       EXISTS (SELECT 1 FROM sir_text t WHERE t.school_id = a.school_id AND t.academic_year = a.academic_year
               AND t.updated_at > a.approved_at) AS changed_since
FROM sir_approvals a
WHERE a.school_id = $school_id AND a.academic_year = $academic_year
  AND a.school_id IN (SELECT school_id FROM visible_schools($viewer_id));

-- name: publishing_sir_approve
INSERT INTO sir_approvals (school_id, academic_year, approved_by, approver_name, approved_on, approved_at)
VALUES ($school_id, $academic_year, $approved_by, $approver_name, $approved_on, current_timestamp)
ON CONFLICT (school_id, academic_year)
DO UPDATE SET approved_by = excluded.approved_by, approver_name = excluded.approver_name,
              approved_on = excluded.approved_on, approved_at = excluded.approved_at;

-- name: publishing_senco_names
-- The SENCOs in post at a date (staff with the senco role): the report's default contact.
SELECT first_name || ' ' || last_name AS name, email
FROM staff
WHERE school_id = $school_id AND staff_role = 'senco'
  AND start_date <= $as_at AND (end_date IS NULL OR end_date >= $as_at)
  AND school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY last_name, first_name;

-- name: publishing_policies
SELECT policy_id, policy_key, title, owner, last_approved, cycle_months, url, updated_by, updated_at
FROM policies
WHERE school_id = $school_id
  AND school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY title;

-- name: publishing_policy_one
SELECT policy_id, title, owner, last_approved, cycle_months, url
FROM policies WHERE school_id = $school_id AND policy_key = $policy_key;

-- name: publishing_policy_upsert
INSERT INTO policies (school_id, policy_key, title, owner, last_approved, cycle_months, url, updated_by, updated_at)
VALUES ($school_id, $policy_key, $title, $owner, $last_approved, $cycle_months, $url, $updated_by, current_timestamp)
ON CONFLICT (school_id, policy_key)
DO UPDATE SET title = excluded.title, owner = excluded.owner, last_approved = excluded.last_approved,
              cycle_months = excluded.cycle_months, url = excluded.url, updated_by = excluded.updated_by,
              updated_at = excluded.updated_at;

-- name: publishing_term_end
-- The last day of the term a date falls in; in a holiday, of the next term to start.
SELECT end_date FROM terms
WHERE end_date >= $as_at
ORDER BY start_date
LIMIT 1;

-- name: publishing_actions
SELECT action_id, strand, action, owner, target_date, status, done_on, updated_by, updated_at
FROM accessibility_actions
WHERE school_id = $school_id
  AND school_id IN (SELECT school_id FROM visible_schools($viewer_id))
ORDER BY strand, target_date, action;

-- name: publishing_action_one
SELECT strand, action, owner, target_date, status, done_on
FROM accessibility_actions WHERE school_id = $school_id AND action_id = $action_id;

-- name: publishing_action_insert
INSERT INTO accessibility_actions (school_id, strand, action, owner, target_date, status, done_on, updated_by, updated_at)
VALUES ($school_id, $strand, $action, $owner, $target_date, $status, $done_on, $updated_by, current_timestamp)
RETURNING action_id;

-- name: publishing_action_update
UPDATE accessibility_actions
SET strand = $strand, action = $action, owner = $owner, target_date = $target_date, status = $status,
    done_on = $done_on, updated_by = $updated_by, updated_at = current_timestamp
WHERE school_id = $school_id AND action_id = $action_id;

-- name: publishing_action_exists
SELECT action_id FROM accessibility_actions
WHERE school_id = $school_id AND strand = $strand AND lower(action) = lower($action);

-- The demo's rows carry a time from the demo's own day, not the clock, so two builds of the same demo are the
-- same file (sendboard/publishing/demo.py).
-- name: publishing_demo_text
INSERT INTO sir_text (school_id, academic_year, heading, body, updated_by, updated_at)
VALUES ($school_id, $academic_year, $heading, $body, $updated_by, $at);

-- name: publishing_demo_approve
INSERT INTO sir_approvals (school_id, academic_year, approved_by, approver_name, approved_on, approved_at)
VALUES ($school_id, $academic_year, $approved_by, $approver_name, $approved_on, $at);

-- name: publishing_demo_policy
INSERT INTO policies (school_id, policy_key, title, owner, last_approved, cycle_months, url, updated_by, updated_at)
VALUES ($school_id, $policy_key, $title, $owner, $last_approved, $cycle_months, $url, $updated_by, $at);

-- name: publishing_demo_action
INSERT INTO accessibility_actions (school_id, strand, action, owner, target_date, status, done_on, updated_by, updated_at)
VALUES ($school_id, $strand, $action, $owner, $target_date, $status, $done_on, $updated_by, $at);
