-- What the school publishes (area: publishing). The SEN Information Report's own words, per school,
-- academic year and heading (the figures are computed, never stored here); the governing board's
-- approval of each year's report; the policy calendar; and the accessibility plan's actions.

-- One row per heading the school has written for a year. A new year starts empty (or copied from the
-- year before, on request): last year's words stay as they were published.
CREATE TABLE sir_text (
    school_id      INTEGER NOT NULL,
    academic_year  INTEGER NOT NULL,
    heading        VARCHAR NOT NULL,          -- a key of sendboard/publishing/headings.py
    body           VARCHAR NOT NULL,
    updated_by     VARCHAR NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (school_id, academic_year, heading)
);

-- The board's approval of a year's report: the latest one (earlier ones are in the audit log). A text
-- saved after approved_at means the report has changed since it was approved.
CREATE TABLE sir_approvals (
    school_id      INTEGER NOT NULL,
    academic_year  INTEGER NOT NULL,
    approved_by    VARCHAR NOT NULL,          -- username
    approver_name  VARCHAR NOT NULL,          -- display name, as it was on the day
    approved_on    DATE NOT NULL,
    approved_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (school_id, academic_year)
);

-- The policy calendar: each policy or plan the governing board keeps current. cycle_months NULL means the
-- default for the policy (statutory where the law sets one); due = last_approved + cycle.
CREATE TABLE policies (
    policy_id      INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    school_id      INTEGER NOT NULL,
    policy_key     VARCHAR NOT NULL,          -- a key of publishing/policies.py POLICIES, or 'other:<folded title>'
    title          VARCHAR NOT NULL,
    owner          VARCHAR,
    last_approved  DATE,
    cycle_months   INTEGER CHECK (cycle_months IS NULL OR cycle_months BETWEEN 1 AND 120),
    url            VARCHAR,
    updated_by     VARCHAR,
    updated_at     TIMESTAMP,
    UNIQUE (school_id, policy_key)
);

-- The accessibility plan's actions (Equality Act 2010, Schedule 10): three strands.
CREATE TABLE accessibility_actions (
    action_id      INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    school_id      INTEGER NOT NULL,
    strand         VARCHAR NOT NULL CHECK (strand IN ('curriculum', 'environment', 'information')),
    action         VARCHAR NOT NULL,
    owner          VARCHAR,
    target_date    DATE NOT NULL,
    status         VARCHAR NOT NULL CHECK (status IN ('not started', 'in progress', 'done')),
    done_on        DATE,
    updated_by     VARCHAR,
    updated_at     TIMESTAMP,
    UNIQUE (school_id, strand, action)
);
