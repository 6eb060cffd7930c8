"""Validation: every value in every file checked before anything is written, vectorised with pandas
(each distinct value is parsed once, so a million rows with a few thousand distinct values is quick).

Each file becomes one or more *staged* frames: rows for one database table, still keyed by natural
references (UPN, group name, intervention name) that are resolved inside the commit transaction, so a
file may refer to pupils or groups that another file in the same import adds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import pandas as pd

from .. import clock, domain
from ..domain import academic_year_bounds, academic_year_of, year_label
from ..reference import need_area_codes
from ..upn import _UPN, upn_check_letter
from .kinds import Kind
from .problems import Problem
from .readers import CsvTable

PROVISION_CODES = ("N", "K", "E", "A", "P", "S")
AREA_CODES = domain.AREA_CODES
WAVES = ("universal", "targeted", "specialist")
GROUP_KINDS = ("class", "set", "form")
EARLIEST = date(1990, 1, 1)
MAX_PER_CHECK = 500  # problems listed one by one per check; the rest are counted


@dataclass
class Staged:
    """Rows for one table from one file (or from one CTF)."""

    target: str                  # a key of commit.TARGETS
    frame: pd.DataFrame          # natural-reference columns plus "_file" and "_where"
    update_cols: list[str]       # the value columns the file actually supplied (others are left alone)
    headers: dict = field(default_factory=dict)   # field -> the header as spelled in the file, for messages


@dataclass
class Context:
    """What validation needs to know about the database (read once per import). Every pupil lookup is
    restricted to the schools the import is for: a pupil of another school is never matched, only refused."""

    school_id: int | None                   # the school the import is for; None: a trust-level import (rows name their school)
    today: date
    academic_year: int
    terms: pd.DataFrame
    pupil_upns: set[str]                    # pupils of the import's school(s)
    need_codes: set[str]
    groups: set[tuple[int, str]]            # (academic_year, name) in this school
    interventions: set[str]                 # names in this school
    staff_emails: set[str]
    provision: pd.DataFrame                 # upn, code, start_date, end_date (stored, the import's schools only)
    pupil_years: dict[str, int] = field(default_factory=dict)
    pupil_school: dict[str, int] = field(default_factory=dict)   # UPN -> school, for the import's schools
    elsewhere: set[str] = field(default_factory=set)             # UPNs held by schools outside the import
    schools: dict[int, tuple[str, str]] = field(default_factory=dict)  # school_id -> (URN, name), the import's schools
    needs: pd.DataFrame | None = None       # upn, need_code, need_rank, start_date, end_date (stored)
    need_names: dict[str, str] = field(default_factory=dict)    # folded description -> need code
    held: pd.DataFrame | None = None        # upn, first_name, last_name, date_of_birth, gender, entry_date
    ehc_plans: pd.DataFrame | None = None   # upn, issued_on, ceased_on of plans held (EHC annual reviews need one)

    @classmethod
    def load(cls, db, school_id: int | None = None, school_ids: list[int] | None = None) -> Context:
        today = clock.today()
        ay = academic_year_of(today)
        all_schools = {int(i): (str(u), str(n)) for i, u, n in db.query_rows("import_schools")}
        if not all_schools:
            raise ValueError("there is no school in this database yet: add one with `sendboard school add` "
                             "(or start a new database with `sendboard init`), then import")
        if school_id is None and not school_ids:
            school_id = min(all_schools)  # the first school, as the command line has always defaulted to
        if school_id is not None:
            if int(school_id) not in all_schools:
                raise ValueError(f"there is no school {school_id} in this database")
            scope = [int(school_id)]
        else:
            scope = [int(s) for s in school_ids if int(s) in all_schools]
            if not scope:
                raise ValueError("none of the schools this import is for is in this database")
            if len(scope) == 1:
                school_id = scope[0]
        terms = db.query("term_list")
        pupils = db.query_rows("import_pupil_upns", school_ids=scope)
        years = db.query("import_pupil_years", academic_year=ay, school_ids=scope)
        one = int(school_id) if school_id is not None else -1
        return cls(
            school_id=None if school_id is None else int(school_id), today=today, academic_year=ay, terms=terms,
            pupil_upns={r[0] for r in pupils},
            # the shipped code list, so a database whose reference table is not loaded yet still knows them
            need_codes=set(need_area_codes()) | {r[0] for r in db.query_rows("import_need_codes")},
            groups={(int(y), n) for y, n in db.query_rows("import_group_names", school_id=one)},
            interventions={r[0] for r in db.query_rows("import_intervention_names", school_id=one)},
            staff_emails={(r[0] or "").lower() for r in db.query_rows("import_staff_emails", school_id=one)},
            provision=db.query("import_stored_provision", school_ids=scope),
            pupil_years=dict(zip(years["upn"], years["year_group"])),
            pupil_school={r[0]: int(r[1]) for r in pupils},
            elsewhere={r[0] for r in db.query_rows("import_upns_elsewhere", school_ids=scope)},
            schools={s: all_schools[s] for s in scope},
            needs=db.query("import_stored_needs", school_ids=scope),
            need_names={fold_words(d): c for c, d in db.query_rows("import_need_names")},
            held=db.query("import_held_pupils", school_ids=scope),
            ehc_plans=db.query("ehc_import_plans", school_id=one),
        )

    def school_label(self, school_id) -> str:
        urn, name = self.schools.get(int(school_id), ("?", "?"))
        return f"{name} (URN {urn})"

    def school_of_value(self, text: str) -> int | None:
        """The school a row names, by URN or by name, among the schools this import is for."""
        t = text.strip().lower()
        for sid, (urn, name) in self.schools.items():
            if t == urn.lower() or t == name.strip().lower():
                return sid
        return None


def fold_words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).split())


# --------------------------------------------------------------------------- parsing distinct values

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def parse_date(text: str) -> tuple[date | None, str | None]:
    m = _DMY.match(text) or None
    if m:
        d, mo, y = (int(x) for x in m.groups())
    else:
        m = _ISO.match(text)
        if not m:
            return None, "a date as dd/mm/yyyy or yyyy-mm-dd"
        y, mo, d = (int(x) for x in m.groups())
    try:
        return date(y, mo, d), None
    except ValueError:
        return None, "a real date (that day does not exist)"


def _bool(text: str) -> bool | None:
    t = text.strip().lower()
    if t in ("y", "yes", "true", "1", "t"):
        return True
    if t in ("n", "no", "false", "0", "f"):
        return False
    return None


def _year_group(text: str) -> int | None:
    t = re.sub(r"^(year|yr|y|nc)\s*", "", text.strip().lower())
    if t in ("r", "rec", "reception"):
        return 0
    if t.isdigit() and 0 <= int(t) <= 14:
        return int(t)
    return None


def _gender(text: str) -> str | None:
    return {"f": "F", "female": "F", "girl": "F", "m": "M", "male": "M", "boy": "M"}.get(text.strip().lower())


@lru_cache(maxsize=250_000)  # every staged frame of a file checks the same UPNs again
def upn_problem(upn: str) -> str | None:
    if not _UPN.match(upn):
        return ("a UPN: 13 characters, a letter then 11 digits then a digit or letter "
                "(I, O and S are never used)")
    right = upn_check_letter(upn[1:])
    if right != upn[0]:
        return f"a correct check letter: for the 12 characters after it, it would be {right}; check the UPN"
    return None


# --------------------------------------------------------------------------- one file's rows


class Rows:
    """Column access and vectorised checks for one CSV file of one kind."""

    def __init__(self, table: CsvTable, kind: Kind, mapping: dict[str, int], ctx: Context, problems: list[Problem]):
        self.table, self.kind, self.mapping, self.ctx, self.problems = table, kind, mapping, ctx, problems
        self.frame = table.frame
        self.n = len(self.frame)
        self.where = "row " + self.frame["_row"].astype(str)
        # the school each row is for: the import's school, or the one a school column names (trust-level)
        self.school = pd.Series(ctx.school_id, index=self.frame.index, dtype=object)

    def has(self, name: str) -> bool:
        return name in self.mapping

    def header(self, name: str) -> str:
        return self.table.headers[self.mapping[name]] if name in self.mapping else name

    def raw(self, name: str) -> pd.Series:
        if name not in self.mapping:
            return pd.Series([""] * self.n, index=self.frame.index, dtype=object)
        return self.frame[self.mapping[name]].astype(str).str.strip()

    def flag(self, mask: pd.Series, name: str, expected: str, values: pd.Series | None = None) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        values = self.raw(name) if values is None else values.astype(str)
        idx = mask[mask].index
        header = self.header(name)
        for i in idx[:MAX_PER_CHECK]:
            self.problems.append(Problem(self.table.file, self.where[i], header, values[i], expected))
        if len(idx) > MAX_PER_CHECK:
            self.problems.append(Problem(self.table.file, f"{len(idx) - MAX_PER_CHECK} more rows", header,
                                         "(same problem)", expected))

    def required(self, name: str) -> pd.Series:
        values = self.raw(name)
        self.flag(values == "", name, "a value (this column must not be blank)")
        return values

    def parsed(self, name: str, parse, expected: str, *, required: bool) -> pd.Series:
        values = self.raw(name)
        blank = values == ""
        if required:
            self.flag(blank, name, "a value (this column must not be blank)")
        uniq = {v: parse(v) for v in pd.unique(values[~blank])}
        out = values.map(lambda v: uniq.get(v) if v else None)
        self.flag(~blank & out.isna(), name, expected)
        return out

    def dates(self, name: str, *, required: bool = False, earliest: date = EARLIEST) -> pd.Series:
        values = self.raw(name)
        blank = values == ""
        if required:
            self.flag(blank, name, "a date (this column must not be blank)")
        parsed = {v: parse_date(v) for v in pd.unique(values[~blank])}
        latest = self.ctx.today + timedelta(days=1)
        why = {}
        for v, (d, err) in parsed.items():
            if err:
                why[v] = err
            elif d < earliest:
                why[v] = f"a date on or after {earliest:%d/%m/%Y}"
            elif d > latest:
                why[v] = f"a date no later than tomorrow ({latest:%d/%m/%Y}); dates in the future are not accepted"
        if why:
            bad = values.map(why)
            for reason in pd.unique(bad.dropna()):
                self.flag(bad == reason, name, reason)
        return values.map(lambda v: parsed[v][0] if v and v not in why else None)

    def numbers(self, name: str, *, required: bool = False, integer: bool = False, low=None, high=None) -> pd.Series:
        values = self.raw(name)
        blank = values == ""
        if required:
            self.flag(blank, name, "a number (this column must not be blank)")
        nums = pd.to_numeric(values.str.replace(",", "", regex=False).str.lstrip("£"), errors="coerce")
        kind = "a whole number" if integer else "a number"
        rng = ""
        if low is not None and high is not None:
            rng = f" from {low} to {high}"
        elif low is not None:
            rng = f" of {low} or more"
        bad = ~blank & nums.isna()
        if integer:
            bad |= ~blank & nums.notna() & (nums % 1 != 0)
        if low is not None:
            bad |= nums < low
        if high is not None:
            bad |= nums > high
        self.flag(bad, name, kind + rng)
        return nums

    def upns(self, name: str = "upn", *, required: bool = True) -> pd.Series:
        values = self.raw(name).str.upper().str.replace(" ", "", regex=False)
        blank = values == ""
        if required:
            self.flag(blank, name, "a UPN (this column must not be blank)")
        why = {v: upn_problem(v) for v in pd.unique(values[~blank])}
        bad = values.map(lambda v: why.get(v) if v else None)
        for reason in pd.unique(bad.dropna()):
            self.flag(bad == reason, name, reason, self.raw(name))
        return values

    def codes(self, name: str, allowed, *, required: bool = False, label: str = "") -> pd.Series:
        values = self.raw(name).str.upper()
        blank = values == ""
        if required:
            self.flag(blank, name, "a code (this column must not be blank)")
        allowed = sorted(set(allowed))
        self.flag(~blank & ~values.isin(allowed), name, (label or "one of ") + ", ".join(allowed))
        return values

    def duplicates(self, cols: list[pd.Series], name: str, what: str) -> None:
        key = pd.concat(cols, axis=1)
        dup = key.duplicated(keep=False) & key.notna().all(axis=1)
        if dup.any():
            self.flag(dup, name, f"each {what} once in the file (this one appears on more than one row)")

    def end_after_start(self, start: pd.Series, end: pd.Series, name: str = "end_date") -> None:
        s = pd.to_datetime(start)
        e = pd.to_datetime(end)
        self.flag(e.notna() & s.notna() & (e < s), name, "an end date on or after the start date")

    def base(self, columns: dict[str, pd.Series]) -> pd.DataFrame:
        out = pd.DataFrame(columns, index=self.frame.index)
        out["_file"] = self.table.file
        out["_where"] = self.where
        out["_school"] = self.school
        return out


def _term_parser(ctx: Context):
    by_label = {str(label).strip().lower(): int(t) for t, label in zip(ctx.terms["term_id"], ctx.terms["label"])}
    ids = {int(t) for t in ctx.terms["term_id"]}
    names = {"autumn": 1, "spring": 2, "summer": 3}

    def parse(text: str):
        t = text.strip().lower()
        if t.isdigit() and int(t) in ids:
            return int(t)
        if t in by_label:
            return by_label[t]
        m = re.match(r"^(autumn|spring|summer)\s+(\d{4})\s*/\s*(\d{2,4})$", t) or re.match(r"^(\d{4})\s*/\s*(\d{2,4})\s+(autumn|spring|summer)$", t)
        if m:
            g = m.groups()
            term, year = (g[0], int(g[1])) if g[0] in names else (g[2], int(g[0]))
            tid = year * 10 + names[term]
            return tid if tid in ids else None
        return None

    labels = list(ctx.terms["label"].astype(str))
    expected = ("a term held in sendboard, e.g. " + ", ".join(repr(x) for x in labels[-3:])) if labels else "a term (no terms are set up yet)"
    return parse, expected


def _academic_year(text: str) -> int | None:
    m = re.match(r"^(\d{4})(?:\s*[/-]\s*\d{2,4})?$", text.strip())
    return int(m.group(1)) if m and 2000 <= int(m.group(1)) <= 2100 else None


# --------------------------------------------------------------------------- kinds


def stage_pupils(r: Rows) -> list[Staged]:
    ctx = r.ctx
    upn = r.upns()
    r.duplicates([upn], "upn", "UPN")
    first, last = r.required("first_name"), r.required("last_name")
    dob = r.dates("date_of_birth", required=True)
    gender = r.parsed("gender", _gender, "F or M (Female or Male)", required=True)
    ay_start = academic_year_bounds(ctx.academic_year)[0]
    cols = {"upn": upn, "first_name": first, "last_name": last, "date_of_birth": dob, "gender": gender,
            "school_id": r.school}
    update = ["first_name", "last_name", "date_of_birth", "gender"]
    for flag in ("fsm", "eal", "disadvantaged"):
        if r.has(flag):
            cols[flag] = r.parsed(flag, _bool, "Y or N", required=False).fillna(False).astype(bool)
            update.append(flag)
        else:
            cols[flag] = False
    if r.has("entry_date"):
        entry = r.dates("entry_date")
        cols["entry_date"] = entry.where(entry.notna(), ay_start)
        update.append("entry_date")
    else:
        cols["entry_date"] = ay_start
    if r.has("leaving_date"):
        leave = r.dates("leaving_date")
        r.end_after_start(cols["entry_date"], leave, "leaving_date")
        cols["leaving_date"] = leave
        update.append("leaving_date")
    else:
        cols["leaving_date"] = None
    dobs = pd.to_datetime(dob)
    r.flag(dobs.notna() & (dobs > pd.Timestamp(ctx.today - timedelta(days=365 * 2))), "date_of_birth",
           "a date of birth at least two years ago")
    staged = [Staged("pupils", r.base(cols), update)]
    if r.has("year_group"):
        yg = r.parsed("year_group", _year_group, "a year group from R (0) to 14", required=False)
        enr = r.base({"upn": upn, "academic_year": ctx.academic_year, "year_group": yg})
        enr = enr[yg.notna()]
        staged.append(Staged("enrolments", enr, ["year_group"]))
        ctx.pupil_years.update(dict(zip(enr["upn"], enr["year_group"])))
    if r.has("reg_group"):
        reg = r.raw("reg_group")
        mem = r.base({"upn": upn, "group_name": reg, "academic_year": ctx.academic_year, "school_id": r.school,
                      "start_date": ay_start, "end_date": None})
        staged.append(Staged("group_members", mem[reg != ""], []))
    if r.has("sen_status") or r.has("primary_need") or r.has("secondary_need"):
        staged.extend(_register_from_pupils(r, upn))
    return staged


_STATUS_WORDS = {"no sen": "N", "none": "N", "no": "N", "not sen": "N", "no special educational needs": "N",
                 "sen support": "K", "send support": "K", "support": "K", "k sen support": "K",
                 "ehc plan": "E", "ehcp": "E", "ehc": "E", "education health and care plan": "E",
                 "education health care plan": "E", "statement": "S", "statement of sen": "S",
                 "school action": "A", "school action plus": "P"}


def _status_code(text: str) -> str | None:
    """A SEN status as MIS student lists give it: the census code (K), the code and words ('K - SEN Support')
    or the words alone ('SEN Support', 'EHC Plan')."""
    t = text.strip()
    m = re.match(r"^([A-Za-z])\s*(?:[-:\u2013]|$)", t)
    if m and m.group(1).upper() in PROVISION_CODES:
        return m.group(1).upper()
    return _STATUS_WORDS.get(fold_words(t))


def _need_parser(ctx: Context):
    def parse(text: str) -> str | None:
        t = text.strip().upper()
        if t in ctx.need_codes:
            return t
        head = re.split(r"\s*[-:\u2013]\s*", t, maxsplit=1)[0].strip()
        if head in ctx.need_codes:
            return head
        return ctx.need_names.get(fold_words(text))
    return parse


def _register_from_pupils(r: Rows, upn: pd.Series) -> list[Staged]:
    """A student list's SEN status and needs, compared with the register held: a different status opens a
    provision from the SEN start date (or the import date) and ends the open one the day before; a different
    primary or secondary need likewise (a blank need, on a row that gives a status, ends the one held). The
    same values change nothing."""
    ctx = r.ctx
    need_expected = "a census type-of-need code or its description, e.g. SPLD or 'Specific Learning Difficulty'"
    status = r.parsed("sen_status", _status_code, "a SEN status: N, K or E (or 'No SEN', 'SEN Support', 'EHC Plan')",
                      required=False) if r.has("sen_status") else None
    parse_need = _need_parser(ctx)
    needs = {rank: (r.parsed(name, parse_need, need_expected, required=False), r.raw(name))
             for rank, name in ((1, "primary_need"), (2, "secondary_need")) if r.has(name)}
    since = r.dates("sen_start_date") if r.has("sen_start_date") else None
    held_prov = ctx.provision[ctx.provision["end_date"].isna()]
    open_prov = {u: (c, pd.Timestamp(d).date()) for u, c, d in zip(held_prov["upn"], held_prov["code"], held_prov["start_date"])}
    held_needs = ctx.needs[ctx.needs["end_date"].isna()] if ctx.needs is not None else pd.DataFrame(columns=["upn"])
    open_needs = {(u, int(k)): (c, pd.Timestamp(d).date()) for u, c, k, d in zip(
        held_needs["upn"], held_needs["need_code"], held_needs["need_rank"], held_needs["start_date"])}
    file, header_since = r.table.file, r.header("sen_start_date") if r.has("sen_start_date") else "SEN Start Date"
    prov, need_rows = [], []
    day = timedelta(days=1)
    # plain lists: indexing a Series element by element is far slower for 50,000 rows
    n = len(r.frame)
    upns, wheres, schools = upn.tolist(), r.where.tolist(), r.school.tolist()
    sinces = since.tolist() if since is not None else [None] * n
    statuses = status.tolist() if status is not None else None
    need_lists = {rank: (parsed.tolist(), raw.tolist()) for rank, (parsed, raw) in needs.items()}
    for i in range(n):
        u = upns[i]
        if not u or upn_problem(u):
            continue
        where, school = wheres[i], schools[i]
        start = sinces[i] if sinces[i] is not None and not pd.isna(sinces[i]) else ctx.today
        base = {"upn": u, "_file": file, "_where": where, "_school": school}
        if statuses is not None and statuses[i] is not None and not pd.isna(statuses[i]):
            code, held = statuses[i], open_prov.get(u)
            if held is None:
                if code != "N":
                    prov.append({**base, "code": code, "start_date": start, "end_date": None})
            elif held[0] != code:
                if start < held[1]:
                    r.problems.append(Problem(file, where, header_since, f"{start:%d/%m/%Y}",
                                              f"a start date for the new status on or after {held[1]:%d/%m/%Y}, when the "
                                              f"status held ({held[0]}) began"))
                elif start == held[1]:
                    prov.append({**base, "code": code, "start_date": start, "end_date": None})
                else:
                    prov.append({**base, "code": held[0], "start_date": held[1], "end_date": start - day})
                    prov.append({**base, "code": code, "start_date": start, "end_date": None})
        # a blank need ends the one held only on a row that states the pupil's SEN status (a list without
        # statuses, or a blank status, says nothing about needs it leaves blank)
        stated = statuses is not None and statuses[i] is not None and not pd.isna(statuses[i])
        for rank, (parsed, raw) in need_lists.items():
            if raw[i] != "" and (parsed[i] is None or pd.isna(parsed[i])):
                continue  # already reported as not a need
            if raw[i] == "" and not stated:
                continue
            new = parsed[i] if raw[i] != "" else None
            held = open_needs.get((u, rank))
            if (held[0] if held else None) == new:
                continue
            if held is not None:
                if start <= held[1]:
                    r.problems.append(Problem(file, where, header_since, f"{start:%d/%m/%Y}",
                                              f"a start date after {held[1]:%d/%m/%Y}, when the {('primary', 'secondary')[rank - 1]} "
                                              f"need held ({held[0]}) began, so that need can end the day before"))
                    continue
                need_rows.append({**base, "need_code": held[0], "need_rank": rank, "start_date": held[1], "end_date": start - day})
            if new:
                need_rows.append({**base, "need_code": new, "need_rank": rank, "start_date": start, "end_date": None})
    cols = ["upn", "code", "start_date", "end_date", "_file", "_where", "_school"]
    ncols = ["upn", "need_code", "need_rank", "start_date", "end_date", "_file", "_where", "_school"]
    return [Staged("sen_provision", pd.DataFrame(prov, columns=cols), ["code", "end_date"]),
            Staged("sen_needs", pd.DataFrame(need_rows, columns=ncols), ["need_rank", "end_date"])]


def stage_groups(r: Rows) -> list[Staged]:
    ctx = r.ctx
    name = r.required("group_name")
    ay = r.parsed("academic_year", _academic_year, "an academic year such as 2025 or 2025/26", required=False) \
        if r.has("academic_year") else pd.Series(ctx.academic_year, index=r.frame.index)
    ay = ay.fillna(ctx.academic_year).astype(int)
    kind = r.raw("group_kind").str.lower()
    r.flag((kind != "") & ~kind.isin(GROUP_KINDS), "group_kind", "class, set or form")
    yg = r.parsed("year_group", _year_group, "a year group from R (0) to 14", required=False)
    upn = r.upns(required=False) if r.has("upn") else pd.Series("", index=r.frame.index)
    start = r.dates("start_date") if r.has("start_date") else pd.Series(None, index=r.frame.index, dtype=object)
    start = start.where(start.notna(), ay.map(lambda y: academic_year_bounds(y)[0]))
    end = r.dates("end_date") if r.has("end_date") else pd.Series(None, index=r.frame.index, dtype=object)
    r.end_after_start(start, end)
    # year group of a new group: the column, else the most common year of its pupils
    years = yg.copy()
    missing = years.isna() & (upn != "")
    years[missing] = upn[missing].map(ctx.pupil_years)
    groups = r.base({"school_id": ctx.school_id, "academic_year": ay, "name": name,
                     "kind": kind.where(kind != "", "class"), "subject": r.raw("subject").replace("", None),
                     "year_group": years})
    groups = groups[name != ""]
    first = groups.groupby(["academic_year", "name"], sort=False).agg(
        {"school_id": "first", "kind": "first", "subject": "first", "_file": "first", "_where": "first",
         "year_group": lambda s: s.dropna().mode().iloc[0] if s.notna().any() else None}).reset_index()
    new = first[first["year_group"].isna() & ~first.apply(lambda x: (int(x["academic_year"]), x["name"]) in ctx.groups, axis=1)]
    for _, g in new.iterrows():
        r.problems.append(Problem(r.table.file, g["_where"], r.header("year_group") if r.has("year_group") else "year_group",
                                  "", f"a year group for the new group {g['name']!r} (its pupils' year is not known)"))
    update = [c for c, f in (("kind", "group_kind"), ("subject", "subject"), ("year_group", "year_group")) if r.has(f)]
    staged = [Staged("teaching_groups", first, update)]
    if r.has("upn"):
        mem = r.base({"upn": upn, "group_name": name, "academic_year": ay, "school_id": ctx.school_id,
                      "start_date": start, "end_date": end})
        mem = mem[upn != ""]
        r.duplicates([upn.where(upn != ""), name, ay.astype(str), start.astype(str)], "upn", "pupil in a group")
        staged.append(Staged("group_members", mem, ["end_date"] if r.has("end_date") else []))
    if r.has("teacher_email"):
        email = r.raw("teacher_email").str.lower()
        r.flag((email != "") & ~email.isin(ctx.staff_emails), "teacher_email",
               "the email of a member of staff held in sendboard (or in a staff file in the same import)")
        gt = r.base({"email": email, "group_name": name, "academic_year": ay, "school_id": ctx.school_id,
                     "start_date": ay.map(lambda y: academic_year_bounds(y)[0]), "end_date": None})
        gt = gt[email != ""].drop_duplicates(["email", "group_name", "academic_year"])
        staged.append(Staged("group_teachers", gt, []))
    return staged


def stage_staff(r: Rows) -> list[Staged]:
    ctx = r.ctx
    first, last = r.required("first_name"), r.required("last_name")
    email = r.raw("email").str.lower()
    r.flag((email != "") & ~email.str.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), "email", "an email address")
    role = r.required("staff_role").str.lower().str.replace(" ", "_", regex=False)
    fte = r.numbers("fte", low=0, high=1.5)
    salary = r.numbers("annual_salary", low=0, high=500000)
    start = r.dates("start_date", required=True, earliest=date(1960, 1, 1))
    end = r.dates("end_date")
    r.end_after_start(start, end)
    r.duplicates([email.where(email != "")], "email", "email")
    r.duplicates([first.str.lower().where(email == ""), last.str.lower().where(email == "")], "last_name",
                 "name (for staff without an email)")
    frame = r.base({"school_id": ctx.school_id, "first_name": first, "last_name": last,
                    "email": email.replace("", None), "staff_role": role, "fte": fte.fillna(1.0),
                    "annual_salary": salary, "start_date": start, "end_date": end})
    update = ["first_name", "last_name", "staff_role", "start_date"] + [c for c in ("fte", "annual_salary", "end_date") if r.has(c)]
    ctx.staff_emails.update(set(email[email != ""]))
    return [Staged("staff_by_email", frame[email != ""], update),
            Staged("staff_by_name", frame[email == ""], [c for c in update if c not in ("first_name", "last_name")])]


def stage_sen(r: Rows) -> list[Staged]:
    ctx = r.ctx
    upn = r.upns()
    code = r.codes("sen_provision", PROVISION_CODES, label="a SEN provision code: ")
    start = r.dates("start_date", required=True)
    end = r.dates("end_date")
    r.end_after_start(start, end)
    need = r.codes("need_code", ctx.need_codes, label="a census type-of-need code: ")
    rank = r.parsed("need_rank", lambda v: int(v) if v in ("1", "2") else None, "1 (primary need) or 2 (secondary)",
                    required=False) if r.has("need_rank") else pd.Series(None, index=r.frame.index, dtype=object)
    second = r.codes("secondary_need", ctx.need_codes, label="a census type-of-need code: ")
    nothing = (code == "") & (need == "") & (second == "")
    if r.has("sen_provision"):
        r.flag(nothing, "sen_provision", "a SEN provision code or a need on each row")
    else:
        r.flag(nothing, "need_code", "a need code on each row")
    staged = []
    prov = r.base({"upn": upn, "code": code, "start_date": start, "end_date": end})[code != ""]
    dup = prov.duplicated(["upn", "start_date"], keep=False)
    if dup.any():
        r.flag(pd.Series(dup, index=prov.index).reindex(r.frame.index, fill_value=False), "start_date",
               "one SEN provision per pupil per start date (this pupil and date appear on more than one row)")
    staged.append(Staged("sen_provision", prov, ["code", "end_date"]))
    needs1 = r.base({"upn": upn, "need_code": need, "need_rank": rank.fillna(1), "start_date": start, "end_date": end})[need != ""]
    needs2 = r.base({"upn": upn, "need_code": second, "need_rank": 2, "start_date": start, "end_date": end})[second != ""]
    needs = pd.concat([needs1, needs2])
    ndup = needs.duplicated(["upn", "need_code", "start_date"], keep=False)
    if ndup.any():
        idx = needs.index[ndup.values]
        r.flag(pd.Series(r.frame.index.isin(idx), index=r.frame.index), "need_code",
               "each need once per pupil and start date (it appears on more than one row)")
    staged.append(Staged("sen_needs", needs, ["need_rank", "end_date"]))
    return staged


def stage_assessments(r: Rows) -> list[Staged]:
    parse, expected = _term_parser(r.ctx)
    upn = r.upns()
    term = r.parsed("term", parse, expected, required=True)
    subject = r.required("subject")
    score = r.numbers("score", required=True, low=-1000, high=100000)
    scale = r.raw("scale").replace("", "score")
    exp = r.numbers("expected_standard")
    key = pd.DataFrame({"u": upn, "t": term, "s": subject.str.lower()})
    r.flag(key.duplicated(keep=False) & term.notna(), "subject", "one result per pupil, term and subject (this one is repeated)")
    frame = r.base({"upn": upn, "term_id": term, "subject": subject, "score": score, "scale": scale,
                    "expected_standard": exp})
    update = ["score"] + [c for c in ("scale", "expected_standard") if r.has(c)]
    return [Staged("assessments", frame, update)]


def stage_attendance(r: Rows) -> list[Staged]:
    parse, expected = _term_parser(r.ctx)
    upn = r.upns()
    term = r.parsed("term", parse, expected, required=True)
    possible = r.numbers("possible_sessions", required=True, integer=True, low=0, high=500)
    attended = r.numbers("attended_sessions", required=True, integer=True, low=0, high=500)
    r.flag(attended > possible, "attended_sessions", "no more attended sessions than possible sessions")
    key = pd.DataFrame({"u": upn, "t": term})
    r.flag(key.duplicated(keep=False) & term.notna(), "upn", "one row per pupil and term (this pupil and term are repeated)")
    frame = r.base({"upn": upn, "term_id": term, "possible_sessions": possible, "attended_sessions": attended})
    return [Staged("attendance", frame, ["possible_sessions", "attended_sessions"])]


def _term_of(ctx: Context, d) -> int | None:
    if d is None or pd.isna(d):
        return None
    for tid, s, e in zip(ctx.terms["term_id"], ctx.terms["start_date"], ctx.terms["end_date"]):
        if pd.Timestamp(s).date() <= d <= pd.Timestamp(e).date():
            return int(tid)
    return None


def stage_suspensions(r: Rows) -> list[Staged]:
    upn = r.upns()
    start = r.dates("start_date", required=True)
    days = r.numbers("days", required=True, low=0.5, high=45)
    term = start.map(lambda d: _term_of(r.ctx, d))
    r.flag(start.notna() & term.isna(), "start_date", "a date inside a term held in sendboard")
    r.duplicates([upn, start.astype(str)], "start_date", "pupil and start date")
    return [Staged("suspensions", r.base({"upn": upn, "term_id": term, "start_date": start, "days": days}), ["term_id", "days"])]


def stage_interventions(r: Rows) -> list[Staged]:
    ctx = r.ctx
    name = r.required("intervention")
    areas = r.required("areas").str.upper().str.replace(r"\s*[|,;/]\s*", "|", regex=True)
    bad_area = areas.map(lambda a: bool(a) and any(x not in AREA_CODES for x in a.split("|")))
    r.flag(bad_area, "areas", "broad-area codes from CI, CL, SEMH, SP, OTH (several joined by |)")
    wave = r.required("wave").str.lower()
    r.flag((wave != "") & ~wave.isin(WAVES), "wave", "universal, targeted or specialist")
    cols = {"school_id": ctx.school_id, "name": name, "areas": areas, "wave": wave,
            "delivered_by": r.required("delivered_by").str.lower().str.replace(" ", "_", regex=False),
            "group_size": r.numbers("group_size", required=True, integer=True, low=1, high=60),
            "sessions_per_week": r.numbers("sessions_per_week", required=True, low=0, high=50),
            "minutes_per_session": r.numbers("minutes_per_session", required=True, integer=True, low=1, high=600),
            "planned_weeks": r.numbers("planned_weeks", required=True, integer=True, low=1, high=80),
            "other_costs": r.numbers("other_costs", low=0).fillna(0.0),
            "measure": r.required("measure"), "measure_scale": r.required("measure_scale"),
            "higher_is_better": r.parsed("higher_is_better", _bool, "Y or N", required=False).fillna(True).astype(bool)}
    r.duplicates([name.str.lower()], "intervention", "intervention name")
    ctx.interventions.update(set(name))
    update = [c for c in cols if c not in ("school_id", "name") and (c not in ("other_costs", "higher_is_better") or r.has(c))]
    return [Staged("interventions", r.base(cols), update)]


def stage_allocations(r: Rows) -> list[Staged]:
    ctx = r.ctx
    upn = r.upns()
    name = r.required("intervention")
    r.flag((name != "") & ~name.isin(ctx.interventions), "intervention",
           "the name of an intervention held in sendboard (or in an interventions file in the same import)")
    start = r.dates("start_date", required=True)
    end = r.dates("end_date")
    r.end_after_start(start, end)
    r.duplicates([upn, name, start.astype(str)], "start_date", "pupil, intervention and start date")
    delivery = r.raw("delivery").str.lower().str.replace(r"[\s_-]+", " ", regex=True).str.strip().map(
        lambda v: DELIVERY_SPELLINGS.get(v, "?" if v else "withdrawn"))
    r.flag(delivery == "?", "delivery", "in class or withdrawn")
    cols = {"upn": upn, "school_id": ctx.school_id, "intervention": name, "start_date": start, "end_date": end,
            "group_label": r.raw("group_label").replace("", None),
            "sessions_attended": r.numbers("sessions_attended", integer=True, low=0),
            "entry_score": r.numbers("entry_score"), "exit_score": r.numbers("exit_score"), "delivery": delivery}
    update = [c for c in ("end_date", "group_label", "sessions_attended", "entry_score", "exit_score", "delivery") if r.has(c)]
    staged = [Staged("allocations", r.base(cols), update)]
    if r.has("sessions"):
        staged.append(Staged("allocation_sessions", _stage_sessions(r, upn, name, start), []))
    return staged


# How people write the delivery of an allocation (lower case, spaces for _ and -)
DELIVERY_SPELLINGS = {"withdrawn": "withdrawn", "withdrawal": "withdrawn", "out of class": "withdrawn",
                      "out of lessons": "withdrawn", "in class": "in_class", "in lessons": "in_class", "in lesson": "in_class"}


def _stage_sessions(r: Rows, upn: pd.Series, name: pd.Series, start: pd.Series) -> pd.DataFrame:
    """One row per weekly session of each allocation row whose Sessions cell is filled; a cell that cannot
    be read is flagged with the reason (the part it could not read)."""
    from ..provision import ProvisionError
    from ..provision.allocations import parse_sessions

    text = r.raw("sessions")
    parsed, why = {}, {}
    for v in pd.unique(text[text != ""]):
        try:
            parsed[v] = parse_sessions(v)
        except ProvisionError as exc:
            why[v] = str(exc)
    for v, reason in why.items():
        r.flag(text == v, "sessions", reason.rstrip("."))
    rows = []
    base = r.base({"upn": upn, "school_id": r.ctx.school_id, "intervention": name, "start_date": start})
    for i, v in zip(base.index, text.loc[base.index] if len(base) else []):
        for day, time_text in parsed.get(v, []):
            rows.append({**base.loc[i].to_dict(), "day_of_week": day, "start_time": time_text})
    return pd.DataFrame(rows, columns=list(base.columns) + ["day_of_week", "start_time"])


STAGERS = {"pupils": stage_pupils, "groups": stage_groups, "staff": stage_staff, "sen": stage_sen,
           "assessments": stage_assessments, "attendance": stage_attendance, "suspensions": stage_suspensions,
           "interventions": stage_interventions, "allocations": stage_allocations}


# --------------------------------------------------------------------------- checks across the whole import

# Checks across files that other kinds' modules register (each called as check(staged, ctx, problems)),
# so this module never imports them back.
BATCH_CHECKS: list = []



def check_batch(staged: list[Staged], ctx: Context, problems: list[Problem]) -> None:
    """References, duplicates across files, and one open SEN provision per pupil (against what is held)."""
    for check in BATCH_CHECKS:  # registered by other kinds' modules (EHC: a review needs an open plan)
        check(staged, ctx, problems)

    # UPN -> school for pupils a pupils file or CTF in this import adds (or keeps), then every pupil row's
    # school checked: a UPN held by another school is refused, never matched
    new_school: dict[str, object] = {}
    for s in staged:
        if s.target == "pupils":
            school = s.frame["_school"] if "_school" in s.frame.columns else s.frame["school_id"]
            new_school.update(zip(s.frame["upn"], school))
    groups = set(ctx.groups)
    for s in staged:
        if s.target == "teaching_groups":
            groups |= {(int(a), n) for a, n in zip(s.frame["academic_year"], s.frame["name"])}
    for s in staged:
        f = s.frame
        if "upn" in f.columns and len(f):
            school = f["_school"] if "_school" in f.columns else pd.Series(ctx.school_id, index=f.index, dtype=object)
            valid = (f["upn"] != "") & f["upn"].map(lambda u: upn_problem(u) is None).astype(bool)
            held_school = f["upn"].map(ctx.pupil_school)
            foreign = valid & (f["upn"].isin(ctx.elsewhere) | (held_school.notna() & (held_school != school)))
            header = s.headers.get("upn", "UPN")
            for i in f.index[foreign][:MAX_PER_CHECK]:
                here = ctx.school_label(school[i]) if school[i] is not None and not pd.isna(school[i]) else "the school of this import"
                problems.append(Problem(f["_file"][i], f["_where"][i], header, f["upn"][i],
                                        f"a pupil of {here}: this UPN belongs to a pupil of another school, whose record "
                                        "an import for this school may not read or change (check the UPN; a pupil who has "
                                        "moved school comes with a Common Transfer File once the other school has recorded "
                                        "them as leaving)"))
            if s.target != "pupils":
                added_here = f["upn"].map(new_school)
                known = f["upn"].isin(ctx.pupil_upns) | (added_here.notna() & (added_here == school))
                bad = valid & ~foreign & ~known
                for i in f.index[bad][:MAX_PER_CHECK]:
                    problems.append(Problem(f["_file"][i], f["_where"][i], header, f["upn"][i],
                                            "a pupil held in sendboard (or in a pupils file in the same import)"))
                if bad.sum() > MAX_PER_CHECK:
                    problems.append(Problem(f["_file"].iloc[0], f"{int(bad.sum()) - MAX_PER_CHECK} more rows", header,
                                            "(same problem)", "a pupil held in sendboard"))
        if s.target == "group_members":
            keys = list(zip(f["academic_year"].astype(int), f["group_name"]))
            for (_, row), k in zip(f.iterrows(), keys):
                if k not in groups:
                    header = s.headers.get("reg_group") or s.headers.get("group_name") or "group"
                    problems.append(Problem(row["_file"], row["_where"], header, row["group_name"],
                                            f"a teaching group that exists for {year_label(k[0])} "
                                            "(import a teaching groups file first, or in the same import)"))
    # the same rows in two files
    by_target: dict[str, list[pd.DataFrame]] = {}
    for s in staged:
        by_target.setdefault(s.target, []).append(s.frame)
    for target, key in (("pupils", ["upn"]), ("assessments", ["upn", "term_id", "subject"]),
                        ("attendance", ["upn", "term_id"]), ("sen_provision", ["upn", "start_date"])):
        frames = by_target.get(target, [])
        if len(frames) > 1:
            allf = pd.concat(frames)
            dup = allf.duplicated(key, keep=False) & (allf.groupby(key, dropna=False)["_file"].transform("nunique") > 1)
            for _, row in allf[dup].head(MAX_PER_CHECK).iterrows():
                problems.append(Problem(row["_file"], row["_where"], ", ".join(key), " / ".join(str(row[k]) for k in key),
                                        "each row in only one file of the import (it is also in another file)"))
    # one open SEN provision at a time, taking what is held into account
    frames = by_target.get("sen_provision", [])
    if frames:
        new = pd.concat(frames)[["upn", "code", "start_date", "end_date", "_file", "_where"]].copy()
        new = new[new["start_date"].notna() & new["code"].isin(PROVISION_CODES)]
        new["start_date"] = pd.to_datetime(new["start_date"])
        new["end_date"] = pd.to_datetime(new["end_date"])
        held = ctx.provision[ctx.provision["upn"].isin(set(new["upn"]))].copy()
        held["start_date"] = pd.to_datetime(held["start_date"])
        held["end_date"] = pd.to_datetime(held["end_date"])
        held["_file"], held["_where"] = "", "already held"
        held = held.merge(new[["upn", "start_date"]].drop_duplicates(), on=["upn", "start_date"], how="left", indicator=True)
        held = held[held["_merge"] == "left_only"].drop(columns="_merge")
        allp = pd.concat([new, held], ignore_index=True)
        open_ = allp[allp["end_date"].isna()]
        counts = open_.groupby("upn")["code"].transform("size")
        clash = open_[counts > 1]
        for upn, rows in clash.groupby("upn", sort=False):
            # once per pupil, at the first row of a file that opens one of them
            desc = "; ".join(f"{c} from {s:%d/%m/%Y} ({w})" for c, s, w in zip(rows["code"], rows["start_date"], rows["_where"]))
            row = rows[rows["_file"] != ""].iloc[0]
            problems.append(Problem(row["_file"], row["_where"], "End Date", f"(open) {upn}: {desc}",
                                    "one open SEN provision per pupil: give the earlier provision an end date"))
        # periods that overlap are also a contradiction
        allp = allp.sort_values(["upn", "start_date"])
        prev_end = allp.groupby("upn")["end_date"].shift()
        prev_start = allp.groupby("upn")["start_date"].shift()
        overlap = prev_start.notna() & (prev_end.isna() | (prev_end >= allp["start_date"])) & (allp["_file"] != "")
        overlap &= ~allp["upn"].isin(set(clash["upn"]))
        for _, row in allp[overlap].head(MAX_PER_CHECK).iterrows():
            problems.append(Problem(row["_file"], row["_where"], "Start Date", f"{row['start_date']:%d/%m/%Y}",
                                    "a start date after the end of the pupil's previous SEN provision (the periods overlap)"))
