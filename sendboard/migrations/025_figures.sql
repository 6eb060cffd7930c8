-- The timetable of teaching groups: each lesson a group has in a school week (a day, a start and an end,
-- HH:MM 24-hour). The class card reads it to say which pupils are out of THIS lesson (a withdrawn
-- intervention session that overlaps it) and who has in-class support in it. A teaching group belongs to
-- one academic year, so its lessons do too. A group cannot be in two lessons at once: overlapping lessons
-- of one group are refused by the import and the form (sendboard/timetable.py), not here.
CREATE TABLE group_lessons (
    lesson_id    INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    group_id     INTEGER NOT NULL,
    day_of_week  VARCHAR NOT NULL CHECK (day_of_week IN ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday')),
    start_time   VARCHAR NOT NULL CHECK (regexp_full_match(start_time, '([01][0-9]|2[0-3]):[0-5][0-9]')),
    end_time     VARCHAR NOT NULL CHECK (regexp_full_match(end_time, '([01][0-9]|2[0-3]):[0-5][0-9]')),
    CHECK (end_time > start_time),
    UNIQUE (group_id, day_of_week, start_time)
);
CREATE INDEX idx_group_lessons_group ON group_lessons (group_id);
