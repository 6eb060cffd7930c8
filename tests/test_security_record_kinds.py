"""The permission matrix by kind of record (sendboard/record_kinds.py): it covers every import kind, it follows
the role sets the code checks, and a sample of its cells is what the record modules really do."""
from __future__ import annotations

import pytest

from sendboard import permissions, record_kinds
from sendboard.access import PAGES_BY_KEY, ROLES, AccessDenied
from sendboard.classroom import passport, reviews
from sendboard.importers import SourceFile, commit, load, undo_last
from sendboard.importers.kinds import KINDS
from sendboard.records import concerns, specialists
from sendboard.statutory import expertise
from sendboard.statutory import records as ehc_records
from tests.fixture_school import SCHOOL, TODAY

OWN_PUPIL, OTHER_CLASS_PUPIL = 1, 11  # pupil 1 is in the teacher's form 7A, pupil 11 in 8A (fixture_school)


def cell(kind: str, role: str) -> str:
    return permissions.record_kind_cell(record_kinds.BY_KEY[kind], role)


def test_every_import_kind_belongs_to_one_record_kind():
    owners: dict[str, list[str]] = {}
    for kind in record_kinds.RECORD_KINDS:
        for imported in kind.imports:
            owners.setdefault(imported, []).append(kind.key)
    assert set(owners) == set(KINDS) | {"ctf"}, "an import kind without a record kind, or a record kind naming no kind"
    assert all(len(v) == 1 for v in owners.values()), owners


def test_every_rule_is_a_role_set_the_code_holds():
    for kind in record_kinds.RECORD_KINDS:
        assert kind.level in record_kinds.LEVELS, kind.key
        for where in [kind.read, kind.counts, *(w for _, w in kind.changes)]:
            if where:
                assert record_kinds.role_set(where) <= set(ROLES), (kind.key, where)
    # the Data import page is open to exactly the roles the importer lets commit
    assert PAGES_BY_KEY["data"].roles == record_kinds.IMPORT_ROLES


def test_the_matrix_follows_the_role_sets(monkeypatch):
    assert cell("concerns", "governor") == "none"
    monkeypatch.setattr(concerns, "RAISE_ROLES", concerns.RAISE_ROLES | {"governor"})
    assert cell("concerns", "governor") == "none; raise"
    assert permissions.replaced(permissions.DOC.read_text(encoding="utf-8")) != permissions.DOC.read_text(encoding="utf-8")


def test_a_governor_reads_no_pupil_record(fixture_db, viewers):
    governor = viewers["governor"]
    assert cell("passports", "governor") == "none"
    with pytest.raises(AccessDenied):
        passport.passport(fixture_db, governor, OWN_PUPIL, TODAY, TODAY)
    assert cell("concerns", "governor") == "none"
    assert concerns.for_pupil(fixture_db, governor, OWN_PUPIL, TODAY).empty
    with pytest.raises(AccessDenied):
        concerns.raise_concern(fixture_db, governor, SCHOOL, OWN_PUPIL, noticed="x", area=None, evidence="",
                               raised_on=TODAY, today=TODAY)
    assert cell("specialists", "governor") == "counts only; export"
    with pytest.raises(AccessDenied):
        specialists.involvements(fixture_db, governor, SCHOOL, TODAY, TODAY)
    assert specialists.for_pupil(fixture_db, governor, OWN_PUPIL, TODAY).empty
    specialists.waiting_by_service(fixture_db, governor, SCHOOL, TODAY)  # counts: allowed
    assert cell("ehc_plans", "governor") == "counts only; export"
    with pytest.raises(AccessDenied):
        ehc_records.plans_of_pupil(fixture_db, governor, OWN_PUPIL, TODAY)


def test_a_teacher_reads_and_edits_only_their_own_classes(fixture_db, viewers):
    teacher = viewers["teacher"]
    assert cell("passports", "teacher") == "own classes; edit (own classes); export"
    assert passport.passport(fixture_db, teacher, OWN_PUPIL, TODAY, TODAY) is not None
    assert passport.passport(fixture_db, teacher, OTHER_CLASS_PUPIL, TODAY, TODAY) is None
    field = passport.editable_fields(fixture_db, teacher)[0]
    passport.save_passport(fixture_db, teacher, OWN_PUPIL, {field: "Likes maps"}, TODAY)
    with pytest.raises(AccessDenied):
        passport.save_passport(fixture_db, teacher, OTHER_CLASS_PUPIL, {field: "Likes maps"}, TODAY)
    assert cell("concerns", "teacher") == "own classes; raise (own classes); export"
    concerns.raise_concern(fixture_db, teacher, SCHOOL, OWN_PUPIL, noticed="Avoids reading aloud", area=None,
                           evidence="", raised_on=TODAY, today=TODAY)
    with pytest.raises(AccessDenied):
        concerns.raise_concern(fixture_db, teacher, SCHOOL, OTHER_CLASS_PUPIL, noticed="Avoids reading aloud",
                               area=None, evidence="", raised_on=TODAY, today=TODAY)
    assert len(concerns.for_pupil(fixture_db, teacher, OWN_PUPIL, TODAY)) == 1
    assert cell("support_plans", "teacher") == "own classes; export"
    with pytest.raises(AccessDenied):
        reviews.open_plan(fixture_db, teacher, OWN_PUPIL, start_date=TODAY, review_due=TODAY, assess_note=None,
                          target_texts=["Read a page aloud"], today=TODAY)
    assert cell("training", "teacher") == "none"
    with pytest.raises(AccessDenied):
        expertise.training_records(fixture_db, teacher, SCHOOL, TODAY)


def test_the_head_and_the_administrator_cells(fixture_db, viewers):
    head, admin = viewers["head"], viewers["admin"]
    assert cell("support_plans", "head") == "all; export"  # plans are the SENCO's
    with pytest.raises(AccessDenied):
        reviews.open_plan(fixture_db, head, OWN_PUPIL, start_date=TODAY, review_due=TODAY, assess_note=None,
                          target_texts=["Read a page aloud"], today=TODAY)
    assert passport.editable_fields(fixture_db, head) == []  # reads every passport, edits none
    assert cell("passports", "admin") == "none"
    with pytest.raises(AccessDenied):
        passport.passport(fixture_db, admin, OWN_PUPIL, TODAY, TODAY)
    assert cell("training", "admin") == "all; record; import; export"
    expertise.training_records(fixture_db, admin, SCHOOL, TODAY)


def test_only_the_import_roles_commit_an_import(fixture_db, viewers):
    csv = b"Staff Email,Course,Area of Need,Level,Date Completed\ntess@oak.sch.uk,Autism awareness,CI,awareness,01/10/2025\n"
    assert cell("training", "teacher") == "none" and cell("training", "senco").endswith("import; export")
    batch = load(fixture_db, [SourceFile("training.csv", csv)], kind="training", school_id=SCHOOL)
    assert batch.ok, batch.problems
    for role in ("teacher", "head", "governor", "trust"):
        with pytest.raises(AccessDenied):
            commit(fixture_db, batch, viewers[role])
    assert commit(fixture_db, batch, viewers["senco"]).added == 1
    with pytest.raises(AccessDenied):
        undo_last(fixture_db, viewers["teacher"], SCHOOL)
    assert undo_last(fixture_db, viewers["admin"], SCHOOL)


def test_no_pupil_level_record_is_read_by_a_governor_or_an_administrator():
    for kind in record_kinds.RECORD_KINDS:
        if kind.level == "pupil":
            assert kind.reads("governor") in ("none", "counts only"), kind.key
            assert kind.reads("admin") == "none", kind.key
    # and the check would notice a kind that let them
    leaky = record_kinds.RecordKind("leaky", "Leaky", "pupil", "access:COST_ROLES")
    assert leaky.reads("admin") == "all"
