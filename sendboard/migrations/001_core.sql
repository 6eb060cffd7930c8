-- sendboard core schema. Forward-only: never edit a migration that has shipped; add a new numbered file.
-- Conventions: academic_year is the calendar year the year starts in (2025 = 2025/26, 1 Sep to 31 Aug);
-- term_id = academic_year * 10 + term number (1 autumn, 2 spring, 3 summer). Dated rows use
-- start_date (inclusive) and end_date (exclusive of nothing: the last day it held, NULL while open).
-- No foreign keys: DuckDB makes erasure and undo of referenced rows awkward with them, so the
-- importers and write functions validate references instead.

CREATE SEQUENCE IF NOT EXISTS id_seq START 1000000;

CREATE TABLE schools (
    school_id        INTEGER PRIMARY KEY,
    urn              VARCHAR NOT NULL UNIQUE,
    name             VARCHAR NOT NULL,
    phase            VARCHAR NOT NULL CHECK (phase IN ('primary', 'secondary', 'all-through')),
    local_authority  VARCHAR,
    trust            VARCHAR
);

CREATE TABLE academic_years (
    academic_year INTEGER PRIMARY KEY,
    label         VARCHAR NOT NULL,
    start_date    DATE NOT NULL,
    end_date      DATE NOT NULL
);

CREATE TABLE terms (
    term_id        INTEGER PRIMARY KEY,
    academic_year  INTEGER NOT NULL,
    term           VARCHAR NOT NULL CHECK (term IN ('autumn', 'spring', 'summer')),
    term_number    INTEGER NOT NULL,
    label          VARCHAR NOT NULL,
    start_date     DATE NOT NULL,
    end_date       DATE NOT NULL,
    census_date    DATE NOT NULL
);

CREATE TABLE pupils (
    pupil_id        INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    school_id       INTEGER NOT NULL,
    upn             VARCHAR NOT NULL UNIQUE,
    first_name      VARCHAR NOT NULL,
    last_name       VARCHAR NOT NULL,
    date_of_birth   DATE NOT NULL,
    gender          VARCHAR NOT NULL CHECK (gender IN ('F', 'M')),
    disadvantaged   BOOLEAN NOT NULL DEFAULT false,
    fsm             BOOLEAN NOT NULL DEFAULT false,
    eal             BOOLEAN NOT NULL DEFAULT false,
    entry_date      DATE NOT NULL,
    leaving_date    DATE
);

-- One row per pupil per academic year on roll: the year group that year (so history is kept).
CREATE TABLE enrolments (
    pupil_id       INTEGER NOT NULL,
    school_id      INTEGER NOT NULL,
    academic_year  INTEGER NOT NULL,
    year_group     INTEGER NOT NULL,
    PRIMARY KEY (pupil_id, academic_year)
);

CREATE TABLE staff (
    staff_id        INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    school_id       INTEGER NOT NULL,
    first_name      VARCHAR NOT NULL,
    last_name       VARCHAR NOT NULL,
    email           VARCHAR,
    staff_role      VARCHAR NOT NULL,
    fte             DOUBLE NOT NULL DEFAULT 1.0,
    annual_salary   DOUBLE,
    start_date      DATE NOT NULL,
    end_date        DATE
);

CREATE TABLE staff_role_costs (
    school_id     INTEGER NOT NULL,
    staff_role    VARCHAR NOT NULL,
    hourly_cost   DOUBLE NOT NULL,
    PRIMARY KEY (school_id, staff_role)
);

CREATE TABLE teaching_groups (
    group_id       INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    school_id      INTEGER NOT NULL,
    academic_year  INTEGER NOT NULL,
    name           VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL CHECK (kind IN ('class', 'set', 'form')),
    subject        VARCHAR,
    year_group     INTEGER NOT NULL,
    UNIQUE (school_id, academic_year, name)
);

CREATE TABLE group_teachers (
    group_id    INTEGER NOT NULL,
    staff_id    INTEGER NOT NULL,
    start_date  DATE NOT NULL,
    end_date    DATE
);

CREATE TABLE group_members (
    group_id    INTEGER NOT NULL,
    pupil_id    INTEGER NOT NULL,
    start_date  DATE NOT NULL,
    end_date    DATE
);

-- SEN provision history: census codes N, K, E and legacy A, P, S. One open at a time per pupil.
CREATE TABLE sen_provision (
    provision_id  INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    pupil_id      INTEGER NOT NULL,
    code          VARCHAR NOT NULL CHECK (code IN ('N', 'K', 'E', 'A', 'P', 'S')),
    start_date    DATE NOT NULL,
    end_date      DATE
);

CREATE TABLE sen_needs (
    need_id     INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    pupil_id    INTEGER NOT NULL,
    need_code   VARCHAR NOT NULL,
    need_rank   INTEGER NOT NULL CHECK (need_rank IN (1, 2)),
    start_date  DATE NOT NULL,
    end_date    DATE
);

-- Pupils being monitored by the SENCO who are not (yet) on the register.
CREATE TABLE concerns (
    concern_id   INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    pupil_id     INTEGER NOT NULL,
    raised_on    DATE NOT NULL,
    raised_by    VARCHAR,
    area         VARCHAR,
    reason       VARCHAR NOT NULL,
    closed_on    DATE,
    outcome      VARCHAR
);

CREATE TABLE passports (
    pupil_id            INTEGER PRIMARY KEY,
    strengths           VARCHAR,
    interests           VARCHAR,
    what_helps          VARCHAR,
    what_does_not_help  VARCHAR,
    pupil_voice         VARCHAR,
    parent_voice        VARCHAR,
    updated_at          TIMESTAMP,
    updated_by          VARCHAR
);

-- Graduated approach: a support plan is one assess-plan-do-review cycle.
CREATE TABLE support_plans (
    plan_id      INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    pupil_id     INTEGER NOT NULL,
    start_date   DATE NOT NULL,
    review_due   DATE NOT NULL,
    closed_on    DATE,
    created_by   VARCHAR,
    assess_note  VARCHAR
);

CREATE TABLE plan_targets (
    target_id    INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    plan_id      INTEGER NOT NULL,
    description  VARCHAR NOT NULL,
    area         VARCHAR,
    set_on       DATE NOT NULL,
    closed_on    DATE
);

-- Reviews are only ever inserted: history is never overwritten.
CREATE TABLE plan_reviews (
    review_id     INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    plan_id       INTEGER NOT NULL,
    target_id     INTEGER,
    reviewed_on   DATE NOT NULL,
    rating        VARCHAR NOT NULL CHECK (rating IN ('not_yet', 'emerging', 'achieved', 'exceeded')),
    note          VARCHAR,
    pupil_voice   VARCHAR,
    parent_voice  VARCHAR,
    recorded_by   VARCHAR NOT NULL,
    recorded_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE ehc_requests (
    request_id     INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    pupil_id       INTEGER NOT NULL,
    local_authority VARCHAR NOT NULL,
    requested_on   DATE NOT NULL,
    decision_on    DATE,
    decision       VARCHAR CHECK (decision IN ('agreed', 'refused')),
    final_plan_on  DATE
);

CREATE TABLE ehc_plans (
    ehcp_id          INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    pupil_id         INTEGER NOT NULL,
    local_authority  VARCHAR NOT NULL,
    requested_on     DATE,
    issued_on        DATE NOT NULL,
    hours_per_week   DOUBLE,
    ceased_on        DATE
);

-- Annual reviews held (due_on is what was due when it was held, for compliance).
CREATE TABLE ehc_reviews (
    ehc_review_id  INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    ehcp_id        INTEGER NOT NULL,
    due_on         DATE NOT NULL,
    held_on        DATE NOT NULL,
    note           VARCHAR
);

CREATE TABLE pfa_outcomes (
    outcome_id     INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    ehc_review_id  INTEGER NOT NULL,
    area           VARCHAR NOT NULL CHECK (area IN ('employment', 'independent_living', 'health', 'community')),
    outcome        VARCHAR NOT NULL
);

CREATE TABLE interventions (
    intervention_id      INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    school_id            INTEGER NOT NULL,
    name                 VARCHAR NOT NULL,
    areas                VARCHAR NOT NULL,          -- broad-area codes separated by '|'
    wave                 VARCHAR NOT NULL CHECK (wave IN ('universal', 'targeted', 'specialist')),
    delivered_by         VARCHAR NOT NULL,          -- a staff_role, priced in staff_role_costs
    group_size           INTEGER NOT NULL,
    sessions_per_week    DOUBLE NOT NULL,
    minutes_per_session  INTEGER NOT NULL,
    planned_weeks        INTEGER NOT NULL,
    other_costs          DOUBLE NOT NULL DEFAULT 0,
    measure              VARCHAR NOT NULL,
    measure_scale        VARCHAR NOT NULL,
    higher_is_better     BOOLEAN NOT NULL DEFAULT true,
    retired              BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE allocations (
    allocation_id      INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    pupil_id           INTEGER NOT NULL,
    intervention_id    INTEGER NOT NULL,
    group_label        VARCHAR,                     -- pupils taught together share the cost
    start_date         DATE NOT NULL,
    end_date           DATE,
    sessions_attended  INTEGER,
    entry_score        DOUBLE,
    exit_score         DOUBLE,
    day_of_week        VARCHAR,
    start_time         VARCHAR,
    staff_id           INTEGER
);

CREATE TABLE training (
    training_id   INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    staff_id      INTEGER NOT NULL,
    course        VARCHAR NOT NULL,
    area          VARCHAR NOT NULL,                  -- broad-area code
    level         VARCHAR NOT NULL CHECK (level IN ('awareness', 'enhanced', 'specialist')),
    completed_on  DATE NOT NULL,
    expires_on    DATE
);

CREATE TABLE assessments (
    pupil_id           INTEGER NOT NULL,
    term_id            INTEGER NOT NULL,
    subject            VARCHAR NOT NULL,
    score              DOUBLE NOT NULL,
    scale              VARCHAR NOT NULL,
    expected_standard  DOUBLE,
    PRIMARY KEY (pupil_id, term_id, subject)
);

CREATE TABLE attendance (
    pupil_id           INTEGER NOT NULL,
    term_id            INTEGER NOT NULL,
    possible_sessions  INTEGER NOT NULL,
    attended_sessions  INTEGER NOT NULL,
    PRIMARY KEY (pupil_id, term_id)
);

CREATE TABLE suspensions (
    suspension_id  INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    pupil_id       INTEGER NOT NULL,
    term_id        INTEGER NOT NULL,
    start_date     DATE NOT NULL,
    days           DOUBLE NOT NULL
);

-- Funding lines: notional SEN budget (element 2), top-up (element 3, per pupil), other.
CREATE TABLE funding (
    funding_id     INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    school_id      INTEGER NOT NULL,
    academic_year  INTEGER NOT NULL,
    line           VARCHAR NOT NULL CHECK (line IN ('notional_sen', 'top_up', 'other')),
    pupil_id       INTEGER,
    amount         DOUBLE NOT NULL,
    note           VARCHAR
);

CREATE TABLE key_factor_ratings (
    rating_id     INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    school_id     INTEGER NOT NULL,
    factor_code   VARCHAR NOT NULL,
    rated_on      DATE NOT NULL,
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    evidence      VARCHAR,
    next_actions  VARCHAR,
    rated_by      VARCHAR NOT NULL
);

CREATE TABLE strategies (
    strategy_id      INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    name             VARCHAR NOT NULL UNIQUE,
    areas            VARCHAR NOT NULL,               -- broad-area codes separated by '|'
    needs            VARCHAR,                        -- optional census need codes separated by '|'
    what_to_do       VARCHAR NOT NULL,
    evidence_source  VARCHAR NOT NULL,
    retired          BOOLEAN NOT NULL DEFAULT false,
    added_by         VARCHAR
);

CREATE TABLE pupil_strategies (
    pupil_id     INTEGER NOT NULL,
    strategy_id  INTEGER NOT NULL,
    added_on     DATE NOT NULL,
    added_by     VARCHAR NOT NULL,
    PRIMARY KEY (pupil_id, strategy_id)
);

CREATE TABLE users (
    user_id          INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    username         VARCHAR NOT NULL UNIQUE,
    display_name     VARCHAR NOT NULL,
    email            VARCHAR,
    role             VARCHAR NOT NULL CHECK (role IN ('head', 'senco', 'teacher', 'governor', 'admin', 'trust')),
    password_hash    VARCHAR,
    staff_id         INTEGER,
    trust            VARCHAR,
    disabled         BOOLEAN NOT NULL DEFAULT false,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TIMESTAMP,
    created_at       TIMESTAMP NOT NULL DEFAULT current_timestamp,
    last_sign_in     TIMESTAMP
);

CREATE TABLE user_schools (
    user_id    INTEGER NOT NULL,
    school_id  INTEGER NOT NULL,
    PRIMARY KEY (user_id, school_id)
);

-- Append-only. sendboard.db refuses any UPDATE or DELETE that names this table.
CREATE SEQUENCE IF NOT EXISTS audit_seq START 1;
CREATE TABLE audit_log (
    audit_id     BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
    logged_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    username     VARCHAR,
    role         VARCHAR,
    action       VARCHAR NOT NULL,
    object_type  VARCHAR,
    object_id    VARCHAR,
    pupil_id     INTEGER,
    group_id     INTEGER,
    detail       VARCHAR,
    old_value    VARCHAR,
    new_value    VARCHAR
);

CREATE TABLE settings (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);

CREATE TABLE data_version (
    version     BIGINT NOT NULL,
    changed_at  TIMESTAMP NOT NULL
);
INSERT INTO data_version VALUES (0, current_timestamp);

-- Reference data shipped in data/reference (loaded by sendboard.reference).
CREATE TABLE ref_need_codes (
    need_code    VARCHAR PRIMARY KEY,
    description  VARCHAR NOT NULL,
    area_code    VARCHAR NOT NULL,
    area         VARCHAR NOT NULL
);

CREATE TABLE ref_national (
    academic_year  INTEGER NOT NULL,
    phase          VARCHAR NOT NULL,           -- 'primary', 'secondary', 'all'
    measure        VARCHAR NOT NULL,           -- e.g. 'sen_support_pct', 'ehc_plan_pct', 'need_pct:ASD:E'
    value          DOUBLE NOT NULL,
    source         VARCHAR NOT NULL
);

CREATE TABLE ref_key_factors (
    factor_code  VARCHAR PRIMARY KEY,
    position     INTEGER NOT NULL,
    name         VARCHAR NOT NULL,
    statements   VARCHAR NOT NULL             -- statements separated by '|'
);

CREATE INDEX idx_enrol_school_year ON enrolments (school_id, academic_year);
CREATE INDEX idx_prov_pupil ON sen_provision (pupil_id);
CREATE INDEX idx_need_pupil ON sen_needs (pupil_id);
CREATE INDEX idx_members_group ON group_members (group_id);
CREATE INDEX idx_members_pupil ON group_members (pupil_id);
CREATE INDEX idx_alloc_pupil ON allocations (pupil_id);
CREATE INDEX idx_plans_pupil ON support_plans (pupil_id);
