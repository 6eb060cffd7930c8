-- EHC plans, needs-assessment requests, annual reviews and Preparing for Adulthood: what a school records
-- itself (forms and imports), beyond what 001 held.

-- Who asked for the needs assessment (Children and Families Act 2014 s.36: a parent, the young person,
-- or someone acting for the school; anyone else may bring a child to the authority's attention).
ALTER TABLE ehc_requests ADD COLUMN requested_by VARCHAR;

-- The annual review's two later steps (SEND Regulations 2014 reg. 20): the school's report goes to the
-- local authority within 2 weeks of the meeting, and the authority decides to maintain, amend or cease
-- the plan within 4 weeks of the meeting.
ALTER TABLE ehc_reviews ADD COLUMN report_sent_on DATE;
ALTER TABLE ehc_reviews ADD COLUMN la_decision_on DATE;
ALTER TABLE ehc_reviews ADD COLUMN la_decision VARCHAR;
ALTER TABLE ehc_reviews ADD COLUMN recorded_by VARCHAR;

-- The outcomes an EHC plan sets out (its section E). Each is a long-term target; the short-term steps toward it are plan_targets linked to
-- it in ehc_outcome_steps, so they are reviewed like any target. pupil_id is held on both so that
-- subject access and erasure find these rows by pupil.
CREATE TABLE ehc_outcomes (
    ehc_outcome_id  INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    ehcp_id         INTEGER NOT NULL,
    pupil_id        INTEGER NOT NULL,
    area            VARCHAR,                      -- broad-area code, optional
    outcome         VARCHAR NOT NULL
);
CREATE TABLE ehc_outcome_steps (
    target_id       INTEGER PRIMARY KEY,          -- a plan_targets row
    ehc_outcome_id  INTEGER NOT NULL,
    pupil_id        INTEGER NOT NULL
);

-- Preparing for Adulthood outcomes for any pupil with SEND from Year 9 (not only those with a plan);
-- pfa_outcomes (001) stays for outcomes recorded at an EHC annual review.
CREATE TABLE pfa_records (
    pfa_id       INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    pupil_id     INTEGER NOT NULL,
    recorded_on  DATE NOT NULL,
    area         VARCHAR NOT NULL CHECK (area IN ('employment', 'independent_living', 'health', 'community')),
    outcome      VARCHAR NOT NULL,
    recorded_by  VARCHAR
);

-- Independent careers guidance given to a pupil (schools must secure it from Year 8, age 12-13).
CREATE TABLE careers_guidance (
    guidance_id  INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    pupil_id     INTEGER NOT NULL,
    given_on     DATE NOT NULL,
    given_by     VARCHAR,
    note         VARCHAR,
    recorded_by  VARCHAR
);

-- The date an EHC annual review falls due after a base date (the last review held, else the issue date):
-- 12 months later, or 6 for a child under 5 on the base date (sendboard/statutory/deadlines.py has the
-- same rule for the pages; docs/methods.md gives the sources).
CREATE OR REPLACE MACRO ehc_review_due_after(base_on, date_of_birth) AS
    CAST(base_on + CASE WHEN date_part('year', age(base_on, date_of_birth)) < 5 THEN INTERVAL 6 MONTH
                        ELSE INTERVAL 12 MONTH END AS DATE);
