-- Records area: concerns raised by staff and decided by the SENCO, funding by financial year, and the
-- involvement of external specialists (referral to advice).

-- A concern is raised by a member of staff about a pupil they teach (raised_by = their username). The
-- SENCO decides what happens: monitor or assess keep it open; sen_support or close end it (closed_on).
-- Earlier decisions are kept in the audit log; the row holds the latest.
ALTER TABLE concerns ADD COLUMN evidence VARCHAR;
ALTER TABLE concerns ADD COLUMN decision VARCHAR;      -- monitor | assess | sen_support | close
ALTER TABLE concerns ADD COLUMN decided_on DATE;
ALTER TABLE concerns ADD COLUMN decided_by VARCHAR;

-- Funding is set by financial year (1 April to 31 March; financial_year 2025 = 2025-26). Rows recorded
-- before this column existed carry only academic_year and keep it. For a row with a financial year,
-- academic_year holds the academic year that starts inside it (the larger share).
ALTER TABLE funding ADD COLUMN financial_year INTEGER;

-- One referral of a pupil to an outside service, from referral to the last contact.
CREATE TABLE specialist_involvements (
    involvement_id  INTEGER PRIMARY KEY DEFAULT nextval('id_seq'),
    pupil_id        INTEGER NOT NULL,
    service         VARCHAR NOT NULL,   -- a key of sendboard.records.specialists.SERVICES
    referred_on     DATE NOT NULL,
    seen_on         DATE,               -- first seen; NULL while the pupil is still waiting
    advice          VARCHAR,
    next_contact    DATE,
    closed_on       DATE,               -- involvement ended (no further contact planned)
    recorded_by     VARCHAR,
    recorded_at     TIMESTAMP DEFAULT current_timestamp
);

-- Funding in academic years (1 September to 31 August), the year the provision map and governors' pack
-- use. A financial year's amount is split by the months it shares with each academic year: April to
-- August (5 months) fall in the academic year before, September to March (7 months) in the one that
-- starts inside it. Rows with only an academic year are passed through whole. amount_in_year is the
-- share; financial_year is NULL for those older rows.
CREATE OR REPLACE MACRO funding_by_academic_year() AS TABLE
    SELECT f.funding_id, f.school_id, f.academic_year, f.line, f.pupil_id, f.amount, f.note, f.financial_year
    FROM funding f WHERE f.financial_year IS NULL
    UNION ALL
    SELECT f.funding_id, f.school_id, f.financial_year AS academic_year, f.line, f.pupil_id,
           f.amount * 7 / 12 AS amount, f.note, f.financial_year
    FROM funding f WHERE f.financial_year IS NOT NULL
    UNION ALL
    SELECT f.funding_id, f.school_id, f.financial_year - 1 AS academic_year, f.line, f.pupil_id,
           f.amount * 5 / 12 AS amount, f.note, f.financial_year
    FROM funding f WHERE f.financial_year IS NOT NULL;
