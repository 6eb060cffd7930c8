-- Classroom area (class profiles, passports, strategies, reviews).
-- History of edits to passports, support plans and targets: every changed field keeps its old and
-- new value, who and when, so nothing a teacher or the SENCO wrote is ever lost by a later edit.
CREATE TABLE classroom_history (
    history_id   INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    object_type  VARCHAR NOT NULL CHECK (object_type IN ('passport', 'plan', 'target', 'strategy')),
    object_id    INTEGER NOT NULL,
    pupil_id     INTEGER,
    field        VARCHAR NOT NULL,
    old_value    VARCHAR,
    new_value    VARCHAR,
    changed_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    changed_by   VARCHAR NOT NULL
);
CREATE INDEX idx_classroom_history_pupil ON classroom_history (pupil_id);

CREATE INDEX idx_targets_plan ON plan_targets (plan_id);
CREATE INDEX idx_reviews_plan ON plan_reviews (plan_id);
CREATE INDEX idx_concerns_pupil ON concerns (pupil_id);

-- The pupils of one teaching group at a date that a viewer may see: the group must be one of the
-- viewer's groups and each pupil one of the viewer's pupils (both decided by the 002 scope macros).
CREATE MACRO class_members_visible(v_id, v_today, g_id, at_date) AS TABLE
    SELECT DISTINCT gm.pupil_id
    FROM group_members gm
    WHERE gm.group_id = g_id
      AND gm.start_date <= at_date AND (gm.end_date IS NULL OR gm.end_date >= at_date)
      AND gm.group_id IN (SELECT vg.group_id FROM visible_groups(v_id, v_today) vg)
      AND gm.pupil_id IN (SELECT vp.pupil_id FROM visible_pupils(v_id, v_today) vp);
