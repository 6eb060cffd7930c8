"""The records area's import kinds (funding, concerns, staff training, external specialists): the shipped
templates import, bad values are refused with located messages and nothing written, undo puts every
table back, and the academic-year view of funding is the hand-worked split of financial years."""
from __future__ import annotations

import pytest

from sendboard import clock
from sendboard.importers import ImportFailed, SourceFile, commit, load, preview, undo_last
from sendboard.importers.templates import template_csv
from sendboard.scope import Scope
from sendboard.transfer import checksums
from tests.test_import_bad_files import U1, U2, U3, upn

TEMPLATE_UPN = "A123456789012"
TEMPLATE_EMAIL = "t.teach@school.sch.uk"


def fixture_template(kind: str) -> bytes:
    """The shipped template, pointed at a fixture pupil and a fixture member of staff."""
    return template_csv(kind).decode().replace(TEMPLATE_UPN, U1).replace(TEMPLATE_EMAIL, "tess@oak.sch.uk").encode()


def run(db, files, kind=None):
    batch = load(db, [SourceFile(n, d) for n, d in files], kind=kind)
    assert batch.ok, [str(p) for p in batch.problems]
    return commit(db, batch, "tester")


def problems(db, files, kind=None):
    batch = load(db, [SourceFile(n, d) for n, d in files], kind=kind)
    return [str(p) for p in batch.problems]


def test_the_four_templates_import_and_undo_puts_everything_back(fixture_db):
    before = checksums(fixture_db)
    files = [(f"{k}.csv", fixture_template(k)) for k in ("funding", "concerns", "training", "specialists")]
    out = run(fixture_db, files)
    assert out.added == 2 + 1 + 1 + 1
    cur = fixture_db.cursor()
    assert cur.execute("SELECT line, financial_year, academic_year, pupil_id, amount, note FROM funding "
                       "WHERE financial_year IS NOT NULL ORDER BY line").fetchall() == [
        ("notional_sen", 2025, 2025, None, 84500.0, None), ("top_up", 2025, 2025, 1, 6200.0, "Band C")]
    assert cur.execute("SELECT pupil_id, raised_on::VARCHAR, area, decision, decided_on::VARCHAR, closed_on, outcome "
                       "FROM concerns WHERE raised_by = 'T Teach'").fetchall() == [
        (1, "2025-11-03", "CL", "assess", "2025-11-10", None, "Reading and spelling screen booked")]
    assert cur.execute("SELECT staff_id, area, level, expires_on::VARCHAR FROM training WHERE course LIKE 'Autism%'"
                       ).fetchall() == [(101, "CI", "awareness", "2028-10-14")]
    assert cur.execute("SELECT pupil_id, service, referred_on::VARCHAR, seen_on::VARCHAR, next_contact::VARCHAR "
                       "FROM specialist_involvements").fetchall() == [
        (1, "speech_language_therapy", "2025-09-15", "2025-11-20", "2026-03-20")]
    # the same files again change nothing
    again = preview(fixture_db, load(fixture_db, [SourceFile(n, d) for n, d in files]))
    assert (again.added, again.changed) == (0, 0)
    undo_last(fixture_db, "tester")
    after = checksums(fixture_db)
    changed = {t for t in before if before[t] != after[t]} - {"imports", "import_files", "import_changes", "audit_log", "audit_links", "audit_chain", "audit_pupils_seen", "data_version"}
    assert changed == set()


def test_a_changed_amount_updates_the_line_and_undo_restores_it(fixture_db):
    run(fixture_db, [("f.csv", b"Financial Year,Funding Line,Amount\n2025/26,notional_sen,\"10,000\"\n")])
    out = run(fixture_db, [("f.csv", b"Financial Year,Funding Line,Amount\n2025,Notional SEN budget,12000\n")])
    assert (out.added, out.changed) == (0, 1)
    q = "SELECT amount FROM funding WHERE financial_year = 2025 AND line = 'notional_sen'"
    assert fixture_db.cursor().execute(q).fetchall() == [(12000.0,)]
    undo_last(fixture_db, "tester")
    assert fixture_db.cursor().execute(q).fetchall() == [(10000.0,)]


@pytest.mark.parametrize("kind, data, where, field, expected", [
    ("funding", "Financial Year,Funding Line,Amount\n2025-27,notional_sen,100\n", "row 2", "Financial Year", "a financial year"),
    ("funding", "Financial Year,Funding Line,Amount\n2025-26,element 9,100\n", "row 2", "Funding Line", "notional SEN budget"),
    ("funding", "Financial Year,Funding Line,Amount\n2025-26,top-up,100\n", "row 2", "upn", "the UPN of the pupil"),
    ("funding", "Financial Year,Funding Line,Amount,Description\n2025-26,other,100,\n", "row 2", "Description", "name of the grant"),
    ("funding", "Financial Year,Funding Line,Amount\n2025-26,other,-5\n", "row 2", "Amount", "a number from 0.01"),
    ("concerns", f"UPN,Date Raised,Concern\n{U1},31/02/2026,Tired\n", "row 2", "Date Raised", "a real date"),
    ("concerns", f"UPN,Date Raised,Concern,Area of Need\n{U1},01/12/2025,Tired,XYZ\n", "row 2", "Area of Need", "a broad-area code"),
    ("concerns", f"UPN,Date Raised,Concern,Decision,Decision Date\n{U1},01/12/2025,Tired,monitor,01/11/2025\n",
     "row 2", "Decision Date", "on or after the date raised"),
    ("concerns", f"UPN,Date Raised,Concern,Decision\n{U1},01/12/2025,Tired,expel\n", "row 2", "Decision", "monitor, assess"),
    ("training", "Staff Email,Course,Area of Need,Date Completed\nnobody@x.uk,Autism,CI,01/10/2025\n",
     "row 2", "Staff Email", "a member of staff held"),
    ("training", "Staff Email,Course,Area of Need,Date Completed,Expiry Date\ntess@oak.sch.uk,Autism,CI,01/10/2025,01/09/2025\n",
     "row 2", "Expiry Date", "on or after the date completed"),
    ("specialists", f"UPN,Service,Date Referred\n{U1},astrology,01/10/2025\n", "row 2", "Service", "educational psychology"),
    ("specialists", f"UPN,Service,Date Referred,Date Seen\n{U1},EP,01/10/2025,01/09/2025\n", "row 2", "Date Seen",
     "on or after the referral date"),
    ("specialists", f"UPN,Service,Date Referred\n{upn(77)},SALT,01/10/2025\n", "row 2", "UPN", "a pupil held"),
])
def test_bad_values_are_located_and_nothing_is_written(fixture_db, kind, data, where, field, expected):
    before = checksums(fixture_db)
    found = problems(fixture_db, [(f"{kind}.csv", data.encode())])
    assert any(p.startswith(f"{kind}.csv, {where}, {field}:") and expected in p for p in found), found
    assert checksums(fixture_db) == before


def test_one_bad_row_among_good_ones_writes_nothing(fixture_db):
    before = checksums(fixture_db)
    data = f"UPN,Service,Date Referred\n{U1},SALT,01/10/2025\n{U2},OT,01/10/2025\n{U3},OT,01/13/2025\n".encode()
    batch = load(fixture_db, [SourceFile("s.csv", data)])
    assert [str(p) for p in batch.problems] == [
        "s.csv, row 4, Date Referred: found '01/13/2025'; expected a real date (that day does not exist)"]
    with pytest.raises(ImportFailed):
        commit(fixture_db, batch, "tester")
    assert checksums(fixture_db) == before


def test_service_abbreviations_are_understood(fixture_db):
    data = (f"UPN,Agency,Referral Date\n{U1},EP,01/10/2025\n{U1},SALT,01/10/2025\n{U2},QTVI,02/10/2025\n"
            f"{U2},CAMHS,02/10/2025\n{U3},School Nurse,03/10/2025\n").encode()
    run(fixture_db, [("s.csv", data)])
    assert fixture_db.cursor().execute(
        "SELECT pupil_id, service FROM specialist_involvements ORDER BY pupil_id, service").fetchall() == [
        (1, "educational_psychology"), (1, "speech_language_therapy"), (2, "camhs"), (2, "vision_impairment"),
        (3, "school_nurse")]


def test_a_financial_year_splits_seven_twelfths_and_five_twelfths_into_academic_years(fixture_db, viewers):
    """Hand-worked: FY 2025-26 £12,000 -> AY 2025/26 gets Sep-Mar = 7/12 = £7,000 and AY 2024/25 gets
    Apr-Aug = 5/12 = £5,000; FY 2026-27 £24,000 adds 5/12 = £10,000 to AY 2025/26 (total £17,000). A line
    recorded by academic year only (£1,000 in 2025) is taken whole: AY 2025/26 notional = £18,000."""
    from sendboard.provision.allocations import funding_lines
    from sendboard.records.funding import by_academic_year

    fixture_db.cursor().execute("DELETE FROM funding")
    run(fixture_db, [("f.csv", b"Financial Year,Funding Line,Amount\n2025-26,notional_sen,12000\n2026-27,notional_sen,24000\n")])
    fixture_db.cursor().execute("INSERT INTO funding (school_id, academic_year, line, amount) VALUES (1, 2025, 'notional_sen', 1000)")
    senco = viewers["senco"]
    ay = by_academic_year(fixture_db, Scope(senco, clock.today()), 1, 2025)
    assert ay.to_dict("records") == [{"line": "notional_sen", "amount": pytest.approx(18000.0), "pupils": 0}]
    assert by_academic_year(fixture_db, Scope(senco, clock.today()), 1, 2024)["amount"].tolist() == [pytest.approx(5000.0)]
    # the provision map reads the same view
    assert funding_lines(fixture_db, Scope(senco, clock.today()), 1, 2025)["amount"].tolist() == [pytest.approx(18000.0)]
    # a teacher sees no money
    assert by_academic_year(fixture_db, Scope(viewers["teacher"], clock.today()), 1, 2025).empty
