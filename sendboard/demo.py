"""The demo school (or trust) generator.

``build_demo(path, ...)`` writes a brand-new database file with three full academic years of termly history
ending at ``as_of``. Everything is vectorised with numpy so a 250,000-pupil local authority builds in a minute
or two; Faker is used only to fill pools of names. The result depends only on (arguments, seed, as_of).

Calibration: the SEN register is drawn from a latent "liability" (boys, disadvantage and summer birth raise
it) and, at every census, exactly the target share of pupils on roll is placed on the register, so the
shares at the January census match the shipped national figures for the phase (see SOURCES.md).
"""
from __future__ import annotations

import math
import os
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from . import db as dbmod
from . import demo_text as T
from . import domain
from .app_db import open_database
from .domain import academic_year_of
from .reference import load_reference_data, need_area_codes
from .upn import CHECK_LETTERS

NA = -(10 ** 9)  # "no date" in the integer-day arrays
EPOCH = date(1970, 1, 1)
FIRST_ID = 1_000_000  # the schema's id_seq starts here; the sequence is advanced past what we use

GRADES = {"secondary": list(range(7, 12)), "primary": list(range(7))}
SUBJECTS = {"secondary": ["English", "Maths", "Science"], "primary": ["Reading", "Writing", "Maths"]}
SET_CODES = {"English": "En", "Maths": "Ma", "Science": "Sc"}
FORM_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
CLASS_TREES = ["Oak", "Ash", "Birch", "Cedar", "Elm", "Hazel", "Maple", "Rowan", "Willow", "Yew", "Holly", "Larch"]
AREA_CODES = list(domain.AREA_CODES)

# SEN-support need mix by phase: NOT published nationally by phase (see SOURCES.md); a demo assumption.
# No severe learning difficulty on SEN support: in a mainstream school a pupil with SLD almost always has an
# EHC plan (most attend special schools).
K_MIX = {
    "secondary": {"SEMH": 25, "SPLD": 19, "MLD": 16, "SLCN": 15, "ASD": 11, "OTH": 4, "NSA": 3, "HI": 2.5,
                  "VI": 1.5, "PD": 2.5, "MSI": 0.5},
    "primary": {"SLCN": 30, "SEMH": 20, "MLD": 15, "SPLD": 9, "ASD": 11, "OTH": 4, "NSA": 5, "PD": 2.5, "HI": 2,
                "VI": 1, "MSI": 0.5},
}
# The national EHC need mix covers special schools too; weights for a mainstream school's plans.
MAINSTREAM_E_FACTOR = {"SLD": 0.2, "PMLD": 0.1}
# The national EHC mix covers all ages; in the school census speech, language and communication needs are
# far more common in primary schools and specific learning difficulties in secondary schools (a demo
# weighting in that direction, not a national figure by phase).
PHASE_E_FACTOR = {"primary": {"SLCN": 1.3, "SPLD": 0.5}, "secondary": {"SLCN": 0.75, "SPLD": 1.5, "SEMH": 1.15}}
RESOURCED_FACTOR = 3.0  # a resourced provision for a need: about three times the usual share of plans for it
SECOND_NEEDS = ["SEMH", "SLCN", "SPLD", "MLD", "ASD", "OTH"]

ROLE_COSTS = {"teacher": 40.0, "teaching_assistant": 18.0, "specialist_teacher": 48.0, "senco": 45.0,
              "external_specialist": 60.0, "headteacher": 65.0}

# name, short, areas, wave, delivered_by, group_size, sessions/wk, minutes, weeks, other_costs, measure, scale,
# higher_is_better, mean entry score, the measure's population SD, the true effect (in population SDs, for a
# pupil who attends every session), whether recent exit scores go unrecorded. The effects are the size
# school-delivered interventions reach in trials (most 0 to 0.6): two do nothing, and Numicon, taught by
# withdrawing pupils from maths lessons, does harm. Reading and maths ages grow a month a month anyway.
INTERVENTIONS = [
    ("Precision teaching", "PT", "CL", "targeted", "teaching_assistant", 1, 5, 10, 10, 0, "Words read correctly per minute", "count", True, 40, 14, 0.45, False),
    ("Lexia reading", "LEX", "CL", "targeted", "teaching_assistant", 6, 3, 30, 12, 1200, "Reading age (months)", "months", True, 110, 16, 0.15, False),
    ("Socially Speaking", "SOC", "CI", "targeted", "teaching_assistant", 6, 1, 45, 10, 150, "Social skills rating (0-40)", "points 0-40", True, 18, 6, 0.0, False),
    ("ELSA", "ELSA", "SEMH", "targeted", "teaching_assistant", 1, 1, 45, 8, 0, "SDQ total difficulties", "SDQ 0-40", False, 17, 6, 0.35, False),
    ("Fine motor skills group", "FMS", "SP", "targeted", "teaching_assistant", 6, 3, 20, 8, 80, "Fine motor checklist (0-30)", "points 0-30", True, 14, 5, 0.4, False),
    ("Zones of Regulation", "ZOR", "SEMH", "targeted", "teaching_assistant", 8, 1, 40, 10, 100, "Boxall profile (developmental strand)", "points 0-136", True, 70, 18, 0.0, False),
    ("Talk Boost", "TB", "CI", "targeted", "teaching_assistant", 4, 3, 30, 10, 250, "Language score (standardised)", "standardised", True, 82, 15, 0.35, False),
    ("Numicon", "NUM", "CL", "targeted", "teaching_assistant", 4, 3, 30, 12, 300, "Maths age (months)", "months", True, 105, 16, -0.5, False),
    ("Lego-based therapy", "LEGO", "CI|SEMH", "targeted", "teaching_assistant", 3, 1, 45, 12, 200, "Social skills rating (0-40)", "points 0-40", True, 17, 6, 0.25, True),
    ("Toe by Toe", "TBT", "CL", "targeted", "teaching_assistant", 1, 5, 20, 12, 25, "Reading age (months)", "months", True, 105, 16, 0.3, False),
    ("Speech and language therapy 1:1", "SALT", "CI", "specialist", "external_specialist", 1, 1, 40, 10, 0, "Expressive language (standardised)", "standardised", True, 78, 15, 0.5, False),
    ("Sensory circuits", "SEN", "SP|SEMH", "targeted", "teaching_assistant", 8, 5, 15, 10, 150, "Readiness to learn rating (1-10)", "rating 1-10", True, 4.5, 2, 0.05, False),
    ("Study skills mentoring", "SSM", "CL|SEMH", "targeted", "specialist_teacher", 4, 1, 50, 10, 0, "Homework completion (%)", "percent", True, 55, 20, 0.2, True),
    ("Nurture group", "NUR", "SEMH", "specialist", "specialist_teacher", 8, 4, 60, 12, 400, "Boxall profile (developmental strand)", "points 0-136", True, 65, 18, 0.3, False),
]


# A trust's schools differ as real ones do. Rolls: a one- to three-form-entry primary has 210 to 630 pupils,
# an 11-16 secondary 800 to 1,600. SEN support 9 to 20% and EHC plans 1.5 to 6% of roll span the range
# found among mainstream schools; disadvantage 10 to 50% of pupils.
PRIMARY_ROLLS = (210, 315, 420, 630)
SECONDARY_ROLLS = (850, 1050, 1250, 1500)
K_RANGE, E_RANGE, DISADV_RANGE, ROLL_RANGE = (9.0, 20.0), (1.5, 6.0), (0.10, 0.50), (200, 1600)


def school_profiles(n: int, pupils: int | None, phase: str, seed: int) -> list[dict]:
    """One dict per school: phase, roll, k_pct / e_pct (None = the national figure for the phase),
    disadvantaged share, behind_on_reviews, resourced_provision (a need code or None). ``pupils`` None:
    each school at its typical size (a trust built without a total).

    One school keeps the national calibration. A trust (n > 1) mixes phases (about a third secondary), sizes
    (in proportion to typical rolls for the phase, kept within 200 to 1,600 when the total allows), and
    deprivation; SEN support and EHC plan shares rise with deprivation (with noise) across 9-20% and
    1.5-6%; one school is clearly behind on EHC annual reviews and one primary has a resourced provision
    for autism (the highest EHC share)."""
    if n == 1:
        return [{"phase": phase, "roll": pupils, "k_pct": None, "e_pct": None, "disadv": 0.25,
                 "behind_on_reviews": False, "resourced_provision": None}]
    rng = np.random.default_rng([seed, n, 19])
    n_sec = max(1, round(n / 3))
    phases = ["secondary" if i % 3 == 0 and i // 3 < n_sec else "primary" for i in range(n)]
    weights = np.array([float(rng.choice(SECONDARY_ROLLS if ph == "secondary" else PRIMARY_ROLLS)) for ph in phases])
    weights = np.round(weights * rng.uniform(0.92, 1.08, n))  # real rolls are not exact multiples of a form
    pupils = int(weights.sum()) if pupils is None else pupils
    rolls = weights * pupils / weights.sum()
    if ROLL_RANGE[0] <= pupils / n <= ROLL_RANGE[1]:
        for _ in range(50):  # clip, then share what clipping moved among the schools still inside the range
            rolls = np.clip(rolls, *ROLL_RANGE)
            gap = pupils - rolls.sum()
            free = (rolls > ROLL_RANGE[0]) & (rolls < ROLL_RANGE[1]) if gap else np.zeros(n, bool)
            if abs(gap) < 1 or not free.any():
                break
            rolls[free] += gap * rolls[free] / rolls[free].sum()
    rolls = np.round(rolls).astype(int)
    rolls[int(np.argmax(rolls))] += pupils - int(rolls.sum())
    ladder = (np.arange(n) + 0.5) / n                                  # evenly spread, then shuffled
    disadv = DISADV_RANGE[0] + (DISADV_RANGE[1] - DISADV_RANGE[0]) * rng.permutation(ladder)
    order = np.argsort(np.argsort(disadv + rng.normal(0, 0.08, n)))   # rank by deprivation, with noise
    k_pct = K_RANGE[0] + (K_RANGE[1] - K_RANGE[0]) * ladder[order]
    order_e = np.argsort(np.argsort(disadv + rng.normal(0, 0.15, n)))
    e_pct = E_RANGE[0] + (E_RANGE[1] - E_RANGE[0]) * ladder[order_e]
    primaries = [i for i in range(n) if phases[i] == "primary"]
    resourced = max(primaries or range(n), key=lambda i: e_pct[i])
    e_pct[resourced] = E_RANGE[1]
    behind = min((i for i in range(n) if i != resourced), key=lambda i: (phases[i] != "secondary", -rolls[i]))
    return [{"phase": phases[i], "roll": int(rolls[i]), "k_pct": round(float(k_pct[i]), 1),
             "e_pct": round(float(e_pct[i]), 1), "disadv": round(float(disadv[i]), 2),
             "behind_on_reviews": i == behind, "resourced_provision": "ASD" if i == resourced else None}
            for i in range(n)]


# --------------------------------------------------------------------------- small helpers

def _day(d: date) -> int:
    return (d - EPOCH).days


def _dates(a) -> np.ndarray:
    a = np.asarray(a, dtype=np.int64)
    out = a.astype("datetime64[D]")
    out[a == NA] = np.datetime64("NaT")
    return out


def _weekday(a) -> np.ndarray:
    """Move Saturdays back to Friday and Sundays on to Monday (1970-01-01 was a Thursday)."""
    a = np.asarray(a, dtype=np.int64)
    wd = (a + 3) % 7
    out = np.where(wd == 5, a - 1, np.where(wd == 6, a + 1, a))
    return np.where(a == NA, NA, out)


def _last_monday(year: int, month: int) -> date:
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))
    return last - timedelta(days=last.weekday())


def school_holidays(year: int) -> list[tuple[date, date]]:
    """A typical English school's holidays in a calendar year (first and last day): Christmas, the February
    half-term (the week from the Monday on or after 12 February),
    Easter (1 to 14 April, matching the demo's spring term end), the May half-term (the week of the last
    Monday in May), the summer (22 July to 31 August: the demo's terms start on 1 September) and the October half-term (the week of the last
    Monday in October). Dates vary by local authority; these are typical, not any one authority's."""
    feb = date(year, 2, 12) + timedelta(days=(7 - date(year, 2, 12).weekday()) % 7)
    may, october = _last_monday(year, 5), _last_monday(year, 10)
    return [(date(year, 1, 1), date(year, 1, 3)), (feb, feb + timedelta(days=4)),
            (date(year, 4, 1), date(year, 4, 14)), (may, may + timedelta(days=4)),
            (date(year, 7, 22), date(year, 8, 31)), (october, october + timedelta(days=4)),
            (date(year, 12, 20), date(year, 12, 31))]


_TERM_DAYS: tuple[int, np.ndarray, np.ndarray] | None = None  # (first day, next school day, previous school day)


def _term_day_tables() -> tuple[int, np.ndarray, np.ndarray]:
    global _TERM_DAYS
    if _TERM_DAYS is None:
        first, last = _day(date(1985, 1, 1)), _day(date(2060, 12, 31))
        days = np.arange(first, last + 1)
        open_ = (days + 3) % 7 < 5  # Monday to Friday (1970-01-01 was a Thursday)
        for year in range(1985, 2061):
            for a, b in school_holidays(year):
                open_[_day(a) - first:_day(b) - first + 1] = False
        idx = np.arange(len(days))
        nxt = np.minimum.accumulate(np.where(open_, idx, len(days) - 1)[::-1])[::-1]
        prv = np.maximum.accumulate(np.where(open_, idx, 0))
        _TERM_DAYS = (first, days[nxt], days[prv])
    return _TERM_DAYS


def _school_day(a, limit: int | None = None) -> np.ndarray:
    """Move each day that falls at a weekend or in a school holiday on to the next school day, or back to
    the last one before it where moving on would pass ``limit`` (the demo's today): meetings, reviews and
    suspensions happen in term time."""
    a = np.asarray(a, dtype=np.int64)
    first, nxt, prv = _term_day_tables()
    pos = np.clip(a - first, 0, len(nxt) - 1)
    out = nxt[pos]
    if limit is not None:
        out = np.where((out > limit) & (a <= limit), prv[pos], out)
    return np.where(a == NA, NA, out)


def calendar(years: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    ay, terms = [], []
    for a in years:
        ay.append((a, domain.year_label(a), *domain.academic_year_bounds(a)))
        terms += [tuple(t.values()) for t in domain.academic_year_terms(a)]
    return (pd.DataFrame(ay, columns=["academic_year", "label", "start_date", "end_date"]),
            pd.DataFrame(terms, columns=["term_id", "academic_year", "term", "term_number", "label", "start_date",
                                         "end_date", "census_date"]))


def _quota(codes: list[str], weights: list[float], n: int, rng) -> np.ndarray:
    """n codes in the given proportions exactly (largest remainder), shuffled."""
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    raw = w * n
    k = np.floor(raw).astype(int)
    rest = n - k.sum()
    if rest > 0:
        k[np.argsort(-(raw - k), kind="stable")[:rest]] += 1
    out = np.repeat(np.asarray(codes, dtype=object), k)
    return out[rng.permutation(n)] if n else out


def _pick(pool, idx) -> np.ndarray:
    return np.asarray(pool, dtype=object)[np.asarray(idx) % len(pool)]


class _Ids:
    def __init__(self):
        self.next = FIRST_ID

    def take(self, n: int) -> np.ndarray:
        out = np.arange(self.next, self.next + n, dtype=np.int64)
        self.next += n
        return out


# --------------------------------------------------------------------------- entry point

def build_demo(path, *, pupils: int | None = 1200, schools: int = 1, seed: int = 42, phase: str = "secondary",
               as_of: date | None = None, overwrite: bool = False) -> dict:
    """Build a new demo database at ``path``. Refuses an existing file unless ``overwrite``."""
    started = time.perf_counter()
    if phase not in GRADES:
        raise ValueError("phase must be 'primary' or 'secondary'")
    if pupils is None:  # a single school of 1,200; a trust's schools at their typical sizes
        pupils = 1200 if schools == 1 else sum(p["roll"] for p in school_profiles(schools, None, phase, seed))
    if pupils < 50 * schools:
        raise ValueError("give at least 50 pupils a school")
    as_of = as_of or date.today()
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists; pass overwrite=True to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.building-{os.getpid()}")
    for p in (tmp, Path(str(tmp) + ".wal")):
        if p.exists():
            p.unlink()
    db = None
    try:
        db = open_database(tmp)
        load_reference_data(db)
        summary = _build_schools(db, pupils=pupils, schools=schools, seed=seed, phase=phase, as_of=as_of)
        _finishing_touches(db, as_of, seed)
        from .auth import add_demo_accounts

        add_demo_accounts(db)
        db.checkpoint()
        db.close()
        db = None
        existing = dbmod._OPEN.get(str(path.resolve()))
        if existing is not None:
            existing.close()
        wal = Path(str(path) + ".wal")
        if wal.exists():
            wal.unlink()
        os.replace(tmp, path)
    except BaseException:
        if db is not None:
            try:
                db.close()
            except Exception:
                pass
        for p in (tmp, Path(str(tmp) + ".wal")):
            if p.exists():
                p.unlink()
        raise
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def _build_schools(db, *, pupils: int, schools: int, seed: int, phase: str, as_of: date) -> dict:
    """One generator pass per phase (a trust mixes primary and secondary schools; see school_profiles),
    sharing the id sequence, the calendar and the trust's name. School ids follow the profiles' order."""
    profiles = school_profiles(schools, pupils, phase, seed)
    ids = _Ids()
    passes = [ph for ph in ("secondary", "primary") if any(p["phase"] == ph for p in profiles)]
    total: dict = {}
    trust = None
    for n_pass, ph in enumerate(passes):
        members = [i for i, p in enumerate(profiles) if p["phase"] == ph]
        gen = _Demo(db, pupils=sum(profiles[i]["roll"] for i in members), schools=len(members), seed=seed, phase=ph,
                    as_of=as_of, profiles=[profiles[i] for i in members], school_ids=[i + 1 for i in members],
                    ids=ids, n_pass=n_pass, n_passes=len(passes), trust=trust)
        part = gen.run()
        trust = gen.trust
        for key, value in part.items():
            total[key] = total.get(key, 0) + value
    total["schools"] = schools
    return total


def _finishing_touches(db, as_of: date, seed: int) -> None:
    """What the bulk generator leaves out: in-class support for EHC plans (so hours against need and
    spend against budget look like a real school's), recommended strategies on passports, and three
    rounds of key-factor self-evaluation."""
    from .statutory.self_evaluation import seed_demo_self_evaluations

    def work(w):
        w.run("demo_in_class_support_catalogue")
        w.run("demo_in_class_support_allocations", as_of=as_of)
        w.run("demo_in_class_support_sessions")
        w.run("demo_attach_strategies", as_of=as_of)

    db.write(work)
    for (school_id,) in db.query_rows("demo_school_ids"):
        seed_demo_self_evaluations(db, int(school_id), as_of, seed + int(school_id))
    from .statutory.records import seed_demo_outcomes  # EHC plan outcomes and the steps toward them

    seed_demo_outcomes(db, as_of)
    from .records.demo import seed_demo_records  # concerns' decisions and outside-service referrals

    seed_demo_records(db, as_of, seed)
    from .publishing.demo import seed_demo_publishing  # the SEN Information Report, policies, accessibility plan

    seed_demo_publishing(db, as_of)


class _Demo:
    def __init__(self, db, *, pupils, schools, seed, phase, as_of, profiles=None, school_ids=None, ids=None,
                 n_pass=0, n_passes=1, trust=None):
        self.db, self.n_target, self.n_schools, self.phase, self.as_of = db, pupils, schools, phase, as_of
        # the first pass draws exactly what a single-school build always drew (the same seed gives the same school)
        self.rng = np.random.default_rng([seed, _day(as_of)] + ([n_pass] if n_pass else []))
        self.seed = seed
        self.ids = ids or _Ids()
        self.profiles = profiles or school_profiles(schools, pupils, phase, seed)
        self.given_ids = school_ids
        self.n_pass, self.n_passes, self.trust = n_pass, n_passes, trust
        self.today = _day(as_of)
        self.Y = academic_year_of(as_of)
        self.years = [self.Y - 3, self.Y - 2, self.Y - 1, self.Y]
        self.grades = GRADES[phase]
        self.g0, self.gmax = self.grades[0], self.grades[-1]

    # ------------------------------------------------------------------ orchestration
    def run(self) -> dict:
        self.calendar()
        self.make_names()
        self.make_schools()
        self.make_pupils()
        self.make_staff()
        self.make_register()
        self.make_needs()
        frames = {}
        frames.update(self.base_frames())
        frames.update(self.group_frames())
        frames.update(self.staff_frames())
        frames.update(self.register_frames())
        frames.update(self.ehc_frames())
        frames.update(self.intervention_frames())
        frames.update(self.plan_frames())
        frames.update(self.outcome_frames())
        frames.update(self.lesson_frames(frames["teaching_groups"]))  # last: its ids shift no other table's
        frames["settings"] = pd.DataFrame({"key": ["demo_as_of", "school_phase"],
                                           "value": [self.as_of.isoformat(), self.phase]})
        shared = ["academic_years", "terms", "settings"] if self.n_pass == 0 else []  # written once per database
        frames["school_resourced_provision"] = self.resourced_frame
        groups = [["schools", "school_resourced_provision", *shared, "pupils", "enrolments", "staff", "staff_role_costs", "training", "funding"],
                  ["teaching_groups", "group_teachers", "group_members", "group_lessons"],
                  ["sen_provision", "sen_needs", "concerns", "passports", "ehc_plans", "ehc_reviews",
                   "pfa_outcomes", "ehc_requests"],
                  ["support_plans", "plan_targets", "plan_reviews", "interventions", "allocations", "allocation_sessions"],
                  ["assessments"], ["attendance", "suspensions"]]
        for names in groups:
            def work(w, names=names):
                for name in names:
                    w.insert_frame(name, frames[name])
            self.db.write(work)
        used = self.ids.next - FIRST_ID
        if used:
            self.db.query_rows("lowlevel_demo_advance_ids", n=int(used))
        latest = self.census_summary()
        return {"pupils": int(len(self.P["pupil_id"])), "schools": self.n_schools, "on_roll": latest[0],
                "sen_support": latest[1], "ehc": latest[2]}

    def census_summary(self):
        t = self.latest_jan
        on = self.onroll[:, t]
        st = self.S[:, t]
        return int(on.sum()), int((on & (st == 1)).sum()), int((on & (st == 2)).sum())

    # ------------------------------------------------------------------ calendar
    def calendar(self):
        self.ay_frame, self.term_frame = calendar(self.years)
        tf = self.term_frame
        obs = tf[tf["start_date"] <= self.as_of].reset_index(drop=True)
        self.term_ids = obs["term_id"].to_numpy()
        self.t_start = np.array([_day(d) for d in obs["start_date"]])
        self.t_end = np.array([_day(d) for d in obs["end_date"]])
        self.t_census = np.array([_day(d) for d in obs["census_date"]])
        self.t_ref = np.minimum(self.t_census, self.today)
        self.t_year = obs["academic_year"].to_numpy()
        self.t_num = obs["term_number"].to_numpy()
        self.T = len(obs)
        jan = [i for i in range(self.T) if self.t_num[i] == 2 and self.t_census[i] <= self.today]
        self.latest_jan = jan[-1]
        self.year_start = {a: _day(date(a, 9, 1)) for a in self.years}
        self.year_end = {a: _day(date(a + 1, 8, 31)) for a in self.years}

    # ------------------------------------------------------------------ names
    def make_names(self):
        from faker import Faker
        fake = Faker("en_GB")
        fake.seed_instance(self.seed)
        male = sorted({fake.first_name_male() for _ in range(600)})
        female = sorted({fake.first_name_female() for _ in range(600)})
        last = sorted({fake.last_name() for _ in range(1500)})
        self.name_pools = [("en_GB", male, female, last)]
        for key in sorted(T.DIVERSE):
            m, f, surnames = T.DIVERSE[key]
            self.name_pools.append((key, m, f, surnames))

    def names(self, n, gender_m, pupils=False):
        rng = self.rng
        grp = np.where(rng.random(n) < 0.75, 0, rng.integers(1, len(self.name_pools), n))
        if pupils:  # modern first names for most pupils of the en_GB group
            grp = np.where((grp == 0) & (rng.random(n) < 0.8), len(self.name_pools), grp)
        first = np.empty(n, dtype=object)
        lastn = np.empty(n, dtype=object)
        pools = self.name_pools + [("modern", T.PUPIL_BOYS, T.PUPIL_GIRLS, self.name_pools[0][3])]
        for g, (_, m, f, surnames) in enumerate(pools):
            sel = grp == g
            k = int(sel.sum())
            if not k:
                continue
            mm = _pick(m, rng.integers(0, len(m), k))
            ff = _pick(f, rng.integers(0, len(f), k))
            first[sel] = np.where(gender_m[sel], mm, ff)
            lastn[sel] = _pick(surnames, rng.integers(0, len(surnames), k))
        return first, lastn, grp

    # ------------------------------------------------------------------ schools
    def make_schools(self):
        rng, n = self.rng, self.n_schools
        suffixes = T.SCHOOL_SUFFIXES[self.phase]
        combos = [f"{p} {s}" for p in T.SCHOOL_PREFIXES for s in suffixes]
        order = rng.permutation(len(combos))
        names = [combos[order[i % len(combos)]] + (f" {i // len(combos) + 1}" if i >= len(combos) else "") for i in range(n)]
        las = [T.LOCAL_AUTHORITIES[i] for i in rng.choice(len(T.LOCAL_AUTHORITIES), size=min(3, n) if n > 1 else 1, replace=False)]
        la_idx = rng.integers(0, len(las), n)
        urns = rng.choice(np.arange(136000, 149999), size=n, replace=False) + 20000 * self.n_pass  # unique across passes
        trust = T.TRUST_NAMES[int(rng.integers(0, len(T.TRUST_NAMES)))]  # most academies are in a trust
        self.trust = trust = self.trust or trust  # one trust across passes
        rolls = np.array([int(p["roll"]) for p in self.profiles])
        self.school_ids = np.array(self.given_ids) if self.given_ids else np.arange(1, n + 1)
        self.school_roll = rolls
        self.school_la = [las[i][0] for i in la_idx]
        self.school_la_code = np.array([las[i][1] for i in la_idx])
        self.school_domain = [names[i].lower().replace("'", "").replace(" ", "")[:18] + ".sch.uk" for i in range(n)]
        self.schools_frame = pd.DataFrame({
            "school_id": self.school_ids.astype("int32"), "urn": [str(u) for u in urns], "name": names,
            "phase": self.phase, "local_authority": self.school_la, "trust": [trust] * n})
        self.resourced_frame = pd.DataFrame(
            [(int(sid), p["resourced_provision"]) for sid, p in zip(self.school_ids, self.profiles) if p["resourced_provision"]],
            columns=["school_id", "need_code"])

    # ------------------------------------------------------------------ pupils
    def make_pupils(self):
        rng = self.rng
        nG = len(self.grades)
        cols = {k: [] for k in ("school", "cohort", "entry", "leave")}
        churn = 0.03
        for s in range(self.n_schools):
            per_grade = self.school_roll[s] / nG
            for c in range(self.years[0] - (nG - 1), self.Y + 1):
                m = int(round(per_grade * rng.uniform(0.94, 1.06)))
                last_year = c + nG - 1
                # originals, joining at the start of the first grade
                entry = np.full(m, _day(date(c, 9, 1)) + 2)
                start_year = np.full(m, c)
                # joiners through the years
                jy = [a for a in range(c + 0, last_year + 1) if a <= self.Y]
                jn = rng.poisson(per_grade * churn, len(jy))
                j_year = np.repeat(jy, jn)
                j_entry = np.array([_day(date(int(a), 9, 15)) for a in j_year], dtype=np.int64) + rng.integers(0, 290, len(j_year))
                entry = np.concatenate([entry, j_entry])
                start_year = np.concatenate([start_year, j_year])
                k = len(entry)
                years_to_leave = rng.geometric(churn, k) - 1
                leave_year = start_year + years_to_leave
                mid = rng.integers(0, 300, k) + np.array([_day(date(int(a), 9, 20)) for a in leave_year], dtype=np.int64) if k else np.zeros(0, np.int64)
                mid = np.maximum(mid, entry + 30)
                final = _day(date(last_year + 1, 7, 21))
                leave = np.where(leave_year <= last_year, mid, final)
                leave = np.minimum(leave, final)
                leave = np.where(leave > self.today, NA, leave)
                keep = (entry <= self.today) & ((leave == NA) | (leave > self.year_start[self.years[0]]))
                for key, val in (("school", np.full(k, s)), ("cohort", np.full(k, c)), ("entry", entry), ("leave", leave)):
                    cols[key].append(val[keep])
        P = {k: np.concatenate(v).astype(np.int64) for k, v in cols.items()}
        n = len(P["entry"])
        P["pupil_id"] = self.ids.take(n)
        male = rng.random(n) < 0.505
        P["male"] = male
        first, last, grp = self.names(n, male, pupils=True)
        P["first"], P["last"] = first, last
        cohorts = np.unique(P["cohort"])
        cstart = np.array([_day(date(int(c) - self.g0 - 5, 9, 1)) for c in cohorts], dtype=np.int64)
        birth_year_start = cstart[np.searchsorted(cohorts, P["cohort"])]
        pos = rng.random(n)
        P["dob"] = birth_year_start + np.floor(pos * 365).astype(np.int64)
        P["summer"] = pos >= (243 / 365)  # born May to August
        disadv = rng.random(n) < np.array([p["disadv"] for p in self.profiles])[P["school"]]
        P["disadv"] = disadv
        P["fsm"] = disadv & (rng.random(n) < 0.88)
        P["eal"] = rng.random(n) < np.where((grp == 0) | (grp == len(self.name_pools)), 0.08, 0.56)
        # UPNs: LA(3) + establishment(4) + year of allocation(2) + serial(3), check letter first
        block = 8_999_000 // self.n_passes  # each pass its own block of UPN serials, so no two pupils share one
        k = rng.choice(block, size=n, replace=False) + block * self.n_pass
        estab = 1000 + k // 1000
        serial = k % 1000
        yy = (P["cohort"] - self.g0) % 100
        la = self.school_la_code[P["school"]]
        body = np.char.add(np.char.add(np.char.zfill(la.astype(str), 3), np.char.zfill(estab.astype(str), 4)),
                           np.char.add(np.char.zfill(yy.astype(str), 2), np.char.zfill(serial.astype(str), 3)))
        digits = np.frombuffer("".join(body.tolist()).encode(), dtype=np.uint8).reshape(n, 12).astype(np.int64) - 48
        check = (digits @ np.arange(2, 14)) % 23
        letters = np.frombuffer(CHECK_LETTERS.encode(), dtype=np.uint8)[check]
        P["upn"] = np.char.add(letters.view("S1").astype(str), body)
        self.P = P
        self.n = n
        # on roll at each observed term's reference date
        ref = self.t_ref[None, :]
        self.onroll = (P["entry"][:, None] <= ref) & ((P["leave"][:, None] == NA) | (P["leave"][:, None] > ref))
        self.grade_t = self.g0 + (self.t_year[None, :] - P["cohort"][:, None])
        # latent liability for SEN (boys, disadvantage, summer birth), and ability
        self.L = 0.7 * male + 0.65 * disadv + 0.7 * pos + rng.standard_normal(n)
        self.E_extra = rng.standard_normal(n)
        self.ability = -0.3 * (self.L - self.L.mean()) + 0.9 * rng.standard_normal(n)

    # ------------------------------------------------------------------ staff
    def make_staff(self):
        rng = self.rng
        rows = []
        for s in range(self.n_schools):
            roll = self.school_roll[s]
            roles = (["headteacher"] + ["senco"] + ["specialist_teacher"] * max(1, roll // 800)
                     + ["teacher"] * max(8, int(round(roll / 16))) + ["teaching_assistant"] * max(4, int(round(roll / 45)))
                     + ["external_specialist"] * 2)
            rows.extend((s, r) for r in roles)
        n = len(rows)
        school = np.array([r[0] for r in rows])
        role = np.array([r[1] for r in rows], dtype=object)
        male = rng.random(n) < 0.3
        first, last, _ = self.names(n, male)
        ids = self.ids.take(n)
        salary = np.select(
            [role == "headteacher", role == "senco", role == "specialist_teacher", role == "teacher",
             role == "teaching_assistant"],
            [rng.uniform(85000, 112000, n), rng.uniform(50000, 58000, n), rng.uniform(45000, 52000, n),
             rng.uniform(32000, 50000, n), rng.uniform(19000, 24500, n)], default=np.nan).round(-2)
        fte = np.where(role == "teaching_assistant", rng.choice([0.6, 0.8, 1.0], n),
                       np.where(role == "external_specialist", 0.1, np.where(rng.random(n) < 0.12, 0.8, 1.0)))
        salary = np.where(np.isnan(salary), np.nan, salary * np.where(role == "teaching_assistant", fte, 1.0)).round(0)
        start = self.today - rng.integers(200, 6000, n)
        uname = np.array([f"{str(f)[0]}.{str(s)}".lower().replace("'", "").replace(" ", "") for f, s in zip(first, last)], dtype=object)
        email = np.array([f"{u}@{self.school_domain[s]}" for u, s in zip(uname, school)], dtype=object)
        self.St = {"staff_id": ids, "school": school, "role": role, "first": first, "last": last, "uname": uname}
        self.staff_frame = pd.DataFrame({
            "staff_id": ids, "school_id": self.school_ids[school], "first_name": first.astype(str),
            "last_name": last.astype(str), "email": email.astype(str), "staff_role": role.astype(str),
            "fte": fte, "annual_salary": salary, "start_date": _dates(start), "end_date": _dates(np.full(n, NA))})
        self.staff_by = {}
        for s in range(self.n_schools):
            for r in ROLE_COSTS:
                self.staff_by[(s, r)] = ids[(school == s) & (role == r)]

    # ------------------------------------------------------------------ SEN register (status per term)
    def targets(self, a: int, school: int = 0) -> tuple[float, float]:
        def latest(m):
            value = self.db.scalar("lowlevel_demo_latest_national", m=m, p=self.phase)
            return None if value is None else float(value)

        if not hasattr(self, "_anchor"):
            k = latest("sen_support_pct") or (12.4 if self.phase == "secondary" else 13.5)
            e = latest("ehc_plan_pct") or 2.5
            # the phase figures for K and E are older than the any-SEN figure: aim a little above them
            self._anchor = (k + 0.9, e + 0.45)
        k, e = self._anchor
        profile = self.profiles[school]
        if profile["k_pct"] is not None:  # a trust's school: its own share at the latest January census
            k, e = profile["k_pct"], profile["e_pct"]
        back = self.t_year[self.latest_jan] - a
        return (k - 0.35 * back) / 100, (e - 0.22 * back) / 100

    def make_register(self):
        rng = self.rng
        n, Tn = self.n, self.T
        walk = np.cumsum(rng.standard_normal((n, Tn)) * 0.28, axis=1)
        S = np.zeros((n, Tn), dtype=np.int8)
        school = self.P["school"]
        isE = np.zeros(n, bool)
        self.school_idx = [np.flatnonzero(school == s) for s in range(self.n_schools)]
        for t in range(Tn):
            Lt = self.L + walk[:, t]
            for s in range(self.n_schools):
                k_share, e_share = self.targets(int(self.t_year[t]), s)
                idx_s = self.school_idx[s]
                on = idx_s[self.onroll[idx_s, t]]
                m = len(on)
                want_e = int(round(e_share * m))
                have = on[isE[on]]
                if len(have) < want_e:
                    cand = on[~isE[on]]
                    score = Lt[cand] + 0.8 * self.E_extra[cand]
                    add = cand[np.argsort(-score, kind="stable")[: want_e - len(have)]]
                    isE[add] = True
                e_now = on[isE[on]]
                want_k = int(round(k_share * m))
                rest = on[~isE[on]]
                k_now = rest[np.argsort(-Lt[rest], kind="stable")[:want_k]]
                S[e_now, t] = 2
                S[k_now, t] = 1
        self.S = S
        self.Lt_last = self.L + walk[:, -1]
        # runs of the same code -> dated rows
        pidx, tidx = np.nonzero(self.onroll)
        order = np.lexsort((tidx, pidx))
        pidx, tidx = pidx[order], tidx[order]
        code = S[pidx, tidx]
        newp = np.r_[True, pidx[1:] != pidx[:-1]]
        change = newp | np.r_[True, code[1:] != code[:-1]]
        starts = np.flatnonzero(change)
        rp, rc, rt0 = pidx[starts], code[starts], tidx[starts]
        first_run = newp[starts]
        # start dates
        prev_ref = np.where(rt0 > 0, self.t_ref[np.maximum(rt0 - 1, 0)], self.t_ref[rt0] - 120)
        between = prev_ref + 1 + (rng.random(len(rp)) * (self.t_ref[rt0] - prev_ref)).astype(np.int64)
        entry = self.P["entry"][rp]
        dob = self.P["dob"][rp]
        earlier = np.maximum(dob + 4 * 365, entry - rng.integers(30, 1500, len(rp)))
        start = np.where(first_run, np.where(entry < self.t_start[0], earlier, np.maximum(entry, np.minimum(between, self.t_ref[rt0]))), between)
        # pupils who arrive with a plan had it issued before they came (often in their previous school)
        issued_before = np.maximum(dob + 3 * 365, entry - rng.integers(60, 1800, len(rp)))
        start = np.where(first_run & (rc == 2) & (entry >= self.t_start[0]), np.minimum(start, issued_before), start)
        start = np.where(first_run & (rc == 1) & (entry >= self.t_start[0]) & (rng.random(len(rp)) < 0.6), entry, start)
        nxt_same = np.r_[rp[1:] == rp[:-1], False]
        nxt_start = np.r_[start[1:], 0]
        leave = self.P["leave"][rp]
        end = np.where(nxt_same, nxt_start - 1, np.where(leave == NA, NA, leave - 1))
        prev_code = np.r_[0, rc[:-1]]
        emit = (rc > 0) | (~first_run & (prev_code > 0))
        self.runs = {"p": rp, "code": rc, "start": start, "end": end, "t0": rt0, "first": first_run,
                     "prev": np.where(first_run, -1, prev_code), "emit": emit}
        # first registration date and register end per pupil
        on_reg = rc > 0
        reg_start = np.full(n, NA, dtype=np.int64)
        rs_p = rp[on_reg][::-1]
        reg_start[rs_p] = start[on_reg][::-1]  # earliest wins (reverse assignment)
        self.reg_start = reg_start
        self.ever = reg_start != NA
        self.everE = (S == 2).any(axis=1)

    # ------------------------------------------------------------------ needs
    def make_needs(self):
        rng = self.rng
        mix = self.db.query_rows("lowlevel_demo_ehc_need_mix")
        e_codes = [m[0] for m in mix] or ["ASD", "SLCN", "SEMH", "MLD"]
        # The national mix counts every plan, special schools included; in a mainstream school severe and
        # profound learning difficulties are rare (most such pupils attend special schools).
        e_w = [w * MAINSTREAM_E_FACTOR.get(c, 1.0) * PHASE_E_FACTOR[self.phase].get(c, 1.0)
               for c, w in zip(e_codes, [m[1] for m in mix] or [32, 21, 21, 11])]
        need = np.full(self.n, None, dtype=object)
        # quotas for the pupils with plans at the latest January census first, then the rest; a school with a
        # resourced provision has more plans for the need it is resourced for
        e_now = self.everE & self.onroll[:, self.latest_jan] & (self.S[:, self.latest_jan] == 2)
        for s in range(self.n_schools):
            focus = self.profiles[s]["resourced_provision"]
            weights = [w * (RESOURCED_FACTOR if c == focus else 1.0) for c, w in zip(e_codes, e_w)]
            in_school = np.zeros(self.n, bool)
            in_school[self.school_idx[s]] = True
            for sel in (e_now & in_school, self.everE & ~e_now & in_school):
                e_idx = np.flatnonzero(sel)
                need[e_idx] = _quota(e_codes, weights, len(e_idx), rng)
        k_idx = np.flatnonzero(self.ever & ~self.everE)
        kmix = K_MIX[self.phase]
        need[k_idx] = _quota(list(kmix), list(kmix.values()), len(k_idx), rng)
        self.need = need
        area_of = need_area_codes()
        self.area = np.array([area_of.get(c, "OTH") if c else "" for c in need], dtype=object)
        self.has_second = self.ever & (rng.random(self.n) < 0.3)
        sec = _pick(SECOND_NEEDS, rng.integers(0, len(SECOND_NEEDS), self.n))
        sec = np.where(sec == need, np.where(need == "SEMH", "SLCN", "SEMH"), sec)
        self.need2 = sec

    # ------------------------------------------------------------------ frames: base
    def base_frames(self):
        P = self.P
        pupils = pd.DataFrame({
            "pupil_id": P["pupil_id"], "school_id": self.school_ids[P["school"]].astype("int32"), "upn": P["upn"],
            "first_name": P["first"].astype(str), "last_name": P["last"].astype(str), "date_of_birth": _dates(P["dob"]),
            "gender": np.where(P["male"], "M", "F"), "disadvantaged": P["disadv"], "fsm": P["fsm"], "eal": P["eal"],
            "entry_date": _dates(P["entry"]), "leaving_date": _dates(P["leave"])})
        # enrolments: on roll at any time during each window year
        ens = []
        for a in self.years:
            ye = min(self.year_end[a], self.today)
            on = (P["entry"] <= ye) & ((P["leave"] == NA) | (P["leave"] > self.year_start[a]))
            g = self.g0 + a - P["cohort"]
            ok = on & (g >= self.g0) & (g <= self.gmax)
            idx = np.flatnonzero(ok)
            ens.append(pd.DataFrame({"pupil_id": P["pupil_id"][idx], "school_id": self.school_ids[P["school"][idx]],
                                     "academic_year": a, "year_group": g[idx]}))
        self.enrol = pd.concat(ens, ignore_index=True)
        self.enrol_idx = np.concatenate([np.flatnonzero(
            (P["entry"] <= min(self.year_end[a], self.today)) & ((P["leave"] == NA) | (P["leave"] > self.year_start[a]))
             & (self.g0 + a - P["cohort"] >= self.g0) & (self.g0 + a - P["cohort"] <= self.gmax)) for a in self.years])
        src = self.staff_frame
        costs = pd.DataFrame([(int(sid), r, c) for sid in self.school_ids for r, c in ROLE_COSTS.items()],
                             columns=["school_id", "staff_role", "hourly_cost"])
        # funding
        fund = []
        fid_rows = []
        for ti in range(self.T):
            if self.t_num[ti] != 1:
                continue
            a = int(self.t_year[ti])
            for s in range(self.n_schools):
                on = np.zeros(self.n, bool)
                on[self.school_idx[s]] = self.onroll[self.school_idx[s], ti]
                roll = int(on.sum())
                fund.append((s, a, "notional_sen", None, round(roll * float(self.rng.uniform(310, 350)), -2),
                             f"Notional SEN budget {domain.year_label(a)} (roll {roll})"))
                e_p = np.flatnonzero(on & (self.S[:, ti] == 2))
                amounts = np.round(self.rng.uniform(3000, 12000, len(e_p)), -2)
                for p_i, amt in zip(e_p, amounts):
                    fid_rows.append((s, a, "top_up", int(P["pupil_id"][p_i]), float(amt), "High needs top-up (element 3)"))
        fund.extend(fid_rows)
        funding = pd.DataFrame(fund, columns=["school", "academic_year", "line", "pupil_id", "amount", "note"])
        funding.insert(0, "funding_id", self.ids.take(len(funding)))
        funding.insert(1, "school_id", self.school_ids[funding.pop("school").to_numpy()])
        funding["pupil_id"] = funding["pupil_id"].astype("Int64")
        return {"schools": self.schools_frame, "academic_years": self.ay_frame, "terms": self.term_frame,
                "pupils": pupils, "enrolments": self.enrol, "staff": src, "staff_role_costs": costs,
                "funding": funding}

    # ------------------------------------------------------------------ teaching groups
    def group_frames(self):
        rng, P = self.rng, self.P
        form_pick = rng.integers(0, 10_000, self.n)
        g_id, g_school, g_year, g_name, g_kind, g_subj, g_grade = [], [], [], [], [], [], []
        t_staff, t_start, t_end = [], [], []
        m_gid, m_pi, m_start, m_end = [], [], [], []
        subj_ability = self.ability[:, None] + 0.5 * rng.standard_normal((self.n, 3))
        e = self.enrol
        e_idx = self.enrol_idx
        e_school = e["school_id"].to_numpy()
        e_year = e["academic_year"].to_numpy()
        e_grade = e["year_group"].to_numpy()
        order = np.lexsort((e_grade, e_year, e_school))
        keys = (e_school[order] * 10000 + e_year[order]) * 100 + e_grade[order]
        cuts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True])
        blocks = {int(keys[cuts[i]]): order[cuts[i]:cuts[i + 1]] for i in range(len(cuts) - 1)}
        kinds = [("form", None)] + ([("class", None)] if self.phase == "primary" else [("set", sj) for sj in SUBJECTS["secondary"]])
        for s in range(self.n_schools):
            nf = max(1, math.ceil(self.school_roll[s] / len(self.grades) / 30))
            teachers = self.staff_by[(s, "teacher")]
            sid = int(self.school_ids[s])
            for a in self.years:
                ys, ye = self.year_start[a], self.year_end[a]
                current = a == self.Y
                tq = rng.permutation(teachers)
                ti = 0
                for g in self.grades:
                    rows = blocks.get((sid * 10000 + a) * 100 + g)
                    if rows is None:
                        continue
                    gp = e_idx[rows]
                    mstart = np.maximum(P["entry"][gp], ys)
                    lv = P["leave"][gp]
                    mend = np.where(lv != NA, np.minimum(lv - 1, ye), NA if current else ye)
                    for kind, subj in kinds:
                        if kind in ("form", "class"):
                            r = np.argsort(np.argsort(form_pick[gp], kind="stable"), kind="stable")
                        else:
                            j = SUBJECTS["secondary"].index(subj)
                            r = np.argsort(np.argsort(-subj_ability[gp, j], kind="stable"), kind="stable")
                        slot = (r * nf) // max(1, len(gp))
                        gids = self.ids.take(nf)
                        for k in range(nf):
                            if kind == "form":
                                name = f"{'R' if g == 0 else g}{FORM_LETTERS[k % len(FORM_LETTERS)]}{'' if k < len(FORM_LETTERS) else k}"
                            elif kind == "class":
                                name = f"{'Reception' if g == 0 else f'Year {g}'} {CLASS_TREES[k % len(CLASS_TREES)]}{'' if k < len(CLASS_TREES) else k}"
                            else:
                                name = f"{g}{SET_CODES[subj]}{k + 1}"
                            g_name.append(name)
                        g_id.append(gids)
                        g_school.append(np.full(nf, sid))
                        g_year.append(np.full(nf, a))
                        g_kind.extend([kind] * nf)
                        g_subj.extend([subj] * nf)
                        g_grade.append(np.full(nf, g))
                        t_staff.append(tq[(ti + np.arange(nf)) % len(tq)])
                        ti += nf
                        t_start.append(np.full(nf, ys))
                        t_end.append(np.full(nf, NA if current else ye))
                        m_gid.append(gids[slot])
                        m_pi.append(gp)
                        m_start.append(mstart)
                        m_end.append(mend)
        groups = pd.DataFrame({"group_id": np.concatenate(g_id), "school_id": np.concatenate(g_school).astype("int32"),
                               "academic_year": np.concatenate(g_year).astype("int32"), "name": g_name, "kind": g_kind,
                               "subject": g_subj, "year_group": np.concatenate(g_grade).astype("int32")})
        gt = pd.DataFrame({"group_id": groups["group_id"].to_numpy(), "staff_id": np.concatenate(t_staff),
                           "start_date": _dates(np.concatenate(t_start)), "end_date": _dates(np.concatenate(t_end))})
        members = pd.DataFrame({"group_id": np.concatenate(m_gid), "pupil_id": P["pupil_id"][np.concatenate(m_pi)],
                                "start_date": _dates(np.concatenate(m_start)), "end_date": _dates(np.concatenate(m_end))})
        return {"teaching_groups": groups, "group_teachers": gt, "group_members": members}

    # ------------------------------------------------------------------ staff training
    # The timetable of this year's groups (migration 025), for "this lesson" on the class profile: secondary
    # sets have four lessons a week in a five-period day, spread over the week by the group's number; forms
    # have tutor time every morning; a primary class has a morning and an afternoon block every day.
    PERIODS = (("08:50", "09:50"), ("09:50", "10:50"), ("11:10", "12:10"), ("12:10", "13:10"), ("14:00", "15:00"))

    def lesson_frames(self, groups: pd.DataFrame) -> dict:
        days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
        rows = []
        for gid, kind in zip(groups["group_id"].tolist(), groups["kind"].tolist()):
            if kind == "form":
                rows += [(gid, d, "08:30", "08:50") for d in days]
            elif kind == "class":
                rows += [(gid, d, start, end) for d in days for start, end in (("08:50", "12:00"), ("13:00", "15:15"))]
            else:
                h = (int(gid) * 2654435761) % 1000003
                for k in range(4):  # 0, 6, 12, 18 slots apart: spread over the week
                    slot = (h + 6 * k) % 25
                    rows.append((gid, days[slot // 5], *self.PERIODS[slot % 5]))
        frame = pd.DataFrame(rows, columns=["group_id", "day_of_week", "start_time", "end_time"])
        current = set(groups.loc[groups["academic_year"] == self.Y, "group_id"].tolist())
        frame = frame[frame["group_id"].isin(current)].reset_index(drop=True)
        frame.insert(0, "lesson_id", self.ids.take(len(frame)))
        return {"group_lessons": frame}

    def staff_frames(self):
        rng = self.rng
        n = len(self.St["staff_id"])
        champ = rng.random(n) < 0.1
        champ[np.flatnonzero(self.St["role"] == "senco")] = True
        counts = np.where(champ, rng.integers(7, 13, n), rng.poisson(0.9, n))
        counts[self.St["role"] == "external_specialist"] = 0
        idx = np.repeat(np.arange(n), counts)
        m = len(idx)
        area = _pick(AREA_CODES, rng.choice(5, m, p=[0.3, 0.25, 0.3, 0.1, 0.05]))
        course = np.array([T.TRAINING_COURSES[a][i % len(T.TRAINING_COURSES[a])] for a, i in zip(area, rng.integers(0, 100, m))], dtype=object)
        level = np.where(champ[idx], _pick(["awareness", "enhanced", "specialist"], rng.choice(3, m, p=[0.3, 0.4, 0.3])),
                         _pick(["awareness", "enhanced", "specialist"], rng.choice(3, m, p=[0.7, 0.25, 0.05])))
        done = self.today - rng.integers(1, 1461, m)
        frame = pd.DataFrame({"training_id": self.ids.take(m), "staff_id": self.St["staff_id"][idx],
                              "course": course.astype(str), "area": area.astype(str), "level": level.astype(str),
                              "completed_on": _dates(done), "expires_on": _dates(done + 1095)})
        return {"training": frame}

    # ------------------------------------------------------------------ register frames
    def register_frames(self):
        rng, P, R = self.rng, self.P, self.runs
        em = R["emit"]
        codes = np.array(["N", "K", "E"])[R["code"][em]]
        prov = pd.DataFrame({"provision_id": self.ids.take(int(em.sum())), "pupil_id": P["pupil_id"][R["p"][em]],
                             "code": codes, "start_date": _dates(R["start"][em]), "end_date": _dates(R["end"][em])})
        # needs: from first registration to coming off the register (or leaving)
        ever = np.flatnonzero(self.ever)
        last_run = np.r_[R["p"][1:] != R["p"][:-1], True]
        reg_end = np.full(self.n, NA, dtype=np.int64)
        off = last_run & (R["code"] == 0) & ~R["first"]
        reg_end[R["p"][off]] = R["start"][off] - 1
        lv = P["leave"]
        left = last_run & (R["code"] > 0)
        reg_end[R["p"][left]] = np.where(lv[R["p"][left]] == NA, NA, lv[R["p"][left]] - 1)
        self.reg_end = reg_end
        sec = ever[self.has_second[ever]]
        needs = pd.DataFrame({
            "need_id": self.ids.take(len(ever) + len(sec)),
            "pupil_id": np.r_[P["pupil_id"][ever], P["pupil_id"][sec]],
            "need_code": np.r_[self.need[ever], self.need2[sec]].astype(str),
            "need_rank": np.r_[np.ones(len(ever), int), np.full(len(sec), 2)],
            "start_date": _dates(np.r_[self.reg_start[ever], self.reg_start[sec] + rng.integers(0, 200, len(sec))]),
            "end_date": _dates(np.r_[reg_end[ever], reg_end[sec]])})
        bad = (needs["end_date"].notna()) & (needs["end_date"] < needs["start_date"])
        needs.loc[bad, "start_date"] = needs.loc[bad, "end_date"]
        # concerns: open ones for ~3% of the roll not on the register; closed ones before K starts
        last = self.T - 1
        on_n = np.flatnonzero(self.onroll[:, last] & (self.S[:, last] == 0))
        n_open = int(round(0.03 * self.onroll[:, last].sum()))
        open_p = on_n[np.argsort(-self.Lt_last[on_n], kind="stable")[:n_open]]
        k_new = R["emit"] & (R["code"] == 1) & ~R["first"] & (R["prev"] == 0)
        k_new_p = R["p"][k_new]
        k_new_d = R["start"][k_new]
        pick = rng.random(len(k_new_p)) < 0.5
        cp = np.r_[open_p, k_new_p[pick]]
        raised = _school_day(np.r_[self.today - rng.integers(5, 150, len(open_p)), k_new_d[pick] - rng.integers(30, 100, pick.sum())],
                             self.today)
        closed = np.r_[np.full(len(open_p), NA), k_new_d[pick]]
        areas = _pick(["CI", "CL", "SEMH", "SP"], rng.integers(0, 4, len(cp)))
        areas = np.where(np.arange(len(cp)) >= len(open_p), np.where(self.area[cp] == "OTH", "CL", self.area[cp]), areas)
        reasons = np.array([T.CONCERN_REASONS[a][i % 3] for a, i in zip(areas, rng.integers(0, 3, len(cp)))], dtype=object)
        outcome = np.where(np.arange(len(cp)) >= len(open_p), "Added to SEN support", None)
        raisers = self.staff_unames(P["school"][cp], "teacher")
        concerns = pd.DataFrame({"concern_id": self.ids.take(len(cp)), "pupil_id": P["pupil_id"][cp],
                                 "raised_on": _dates(raised), "raised_by": raisers.astype(str), "area": areas.astype(str),
                                 "reason": reasons.astype(str), "closed_on": _dates(closed), "outcome": outcome})
        # passports: every pupil on the register now
        cur_reg = np.flatnonzero(self.onroll[:, last] & (self.S[:, last] > 0))
        k = len(cur_reg)
        ar = self.area[cur_reg]
        helps = np.array([T.WHAT_HELPS[a][i % len(T.WHAT_HELPS[a])] + "; " + T.WHAT_HELPS[a][(i + 1) % len(T.WHAT_HELPS[a])]
                          for a, i in zip(ar, rng.integers(0, 10, k))], dtype=object)
        r = rng.integers(0, 1000, (k, 6))
        passports = pd.DataFrame({
            "pupil_id": P["pupil_id"][cur_reg],
            "strengths": (_pick(T.STRENGTHS, r[:, 0]) + ". " + _pick(T.STRENGTHS, r[:, 0] + 1 + r[:, 1] % 5)).astype(str),
            "interests": (_pick(T.INTERESTS, r[:, 2]) + ", " + _pick(T.INTERESTS, r[:, 2] + 1 + r[:, 3] % 6)).astype(str),
            "what_helps": helps.astype(str),
            "what_does_not_help": _pick(T.WHAT_NOT, r[:, 4]).astype(str),
            "pupil_voice": _pick(T.PUPIL_VOICE, r[:, 5]).astype(str),
            "parent_voice": _pick(T.PARENT_VOICE, r[:, 1] + r[:, 3]).astype(str),
            "updated_at": (_dates(self.today - rng.integers(1, 200, k))).astype("datetime64[s]") + np.timedelta64(15 * 3600, "s"),
            "updated_by": self.staff_unames(P["school"][cur_reg], "senco").astype(str)})
        return {"sen_provision": prov, "sen_needs": needs, "concerns": concerns, "passports": passports}

    def _staff_matrix(self, role, values):
        key = (role, id(values))
        cache = self.__dict__.setdefault("_smat", {})
        if key not in cache:
            pools = [values[np.isin(self.St["staff_id"], self.staff_by[(s, role)])] for s in range(self.n_schools)]
            width = max(1, max(len(p) for p in pools))
            mat = np.empty((self.n_schools, width), dtype=values.dtype)
            for s, pool in enumerate(pools):
                mat[s, :len(pool)] = pool
            cache[key] = (mat, np.array([max(1, len(p)) for p in pools]))
        return cache[key]

    def staff_unames(self, school_idx, role, pick=None):
        mat, counts = self._staff_matrix(role, self.St["uname"])
        school_idx = np.asarray(school_idx, dtype=np.int64)
        pick = self.rng.integers(0, 1 << 30, len(school_idx)) if pick is None else pick
        return mat[school_idx, pick % counts[school_idx]]

    def staff_ids(self, school_idx, role, pick):
        mat, counts = self._staff_matrix(role, self.St["staff_id"])
        return mat[school_idx, pick % counts[school_idx]]

    # ------------------------------------------------------------------ EHC plans, reviews, requests
    def ehc_frames(self):
        rng, P, R = self.rng, self.P, self.runs
        e_run = (R["code"] == 2) & R["emit"]
        ep = R["p"][e_run]
        issued = R["start"][e_run]
        from_k = (~R["first"][e_run]) & (R["prev"][e_run] == 1)
        m = len(ep)
        requested = issued - rng.integers(126, 169, m)
        la = np.array(self.school_la, dtype=object)[P["school"][ep]]
        ehcp_ids = self.ids.take(m)
        lv = P["leave"][ep]
        plans = pd.DataFrame({"ehcp_id": ehcp_ids, "pupil_id": P["pupil_id"][ep], "local_authority": la.astype(str),
                              "requested_on": _dates(requested), "issued_on": _dates(issued),
                              "hours_per_week": rng.integers(10, 26, m).astype(float),
                              "ceased_on": _dates(np.full(m, NA))})
        # requests that led to these plans (made while at this school)
        rq = np.flatnonzero(from_k)
        req_rows = [pd.DataFrame({"pupil_id": P["pupil_id"][ep[rq]], "local_authority": la[rq].astype(str),
                                  "requested_on": _dates(requested[rq]),
                                  "decision_on": _dates(requested[rq] + rng.integers(35, 43, len(rq))),
                                  "decision": "agreed", "final_plan_on": _dates(issued[rq])})]
        # requests in progress now
        last = self.T - 1
        k_now = np.flatnonzero(self.onroll[:, last] & (self.S[:, last] == 1))
        n_req = max(2, int(round(0.1 * len(k_now))) // 3) if len(k_now) >= 4 else len(k_now)
        cand = k_now[np.argsort(-(self.Lt_last[k_now] + 0.8 * self.E_extra[k_now]), kind="stable")[:n_req]]
        req_on = self.today - rng.integers(10, 130, len(cand))
        decided = req_on < self.today - 42
        dec = np.where(decided, np.where(rng.random(len(cand)) < 0.8, "agreed", "refused"), None)
        req_rows.append(pd.DataFrame({"pupil_id": P["pupil_id"][cand],
                                      "local_authority": np.array(self.school_la, dtype=object)[P["school"][cand]].astype(str),
                                      "requested_on": _dates(req_on),
                                      "decision_on": _dates(np.where(decided, req_on + rng.integers(30, 43, len(cand)), NA)),
                                      "decision": dec, "final_plan_on": _dates(np.full(len(cand), NA))}))
        requests = pd.concat(req_rows, ignore_index=True)
        requests.insert(0, "request_id", self.ids.take(len(requests)))
        # annual reviews: due 12 months after the previous one (or the issue date)
        prev = issued.copy()
        alive = np.ones(m, bool)
        behind = np.array([p["behind_on_reviews"] for p in self.profiles])[P["school"][ep]]
        skip = rng.random(m) < np.where(behind, 0.7, 0.25)  # a few with the latest review overdue (many, if behind)
        rv_plan, rv_due, rv_held = [], [], []
        end_at = np.where(lv == NA, self.today, np.minimum(lv, self.today))
        for _ in range(20):
            due = prev + 365
            late = rng.random(m) < np.where(behind, 0.6, 0.12)
            held = _school_day(np.where(late, due + rng.integers(5, 60, m), due - rng.integers(0, 22, m)), self.today)
            ok = alive & (held <= end_at) & ~(skip & (due > self.today - 100) & (due <= self.today))
            if not ok.any():
                break
            idx = np.flatnonzero(ok)
            rv_plan.append(idx)
            rv_due.append(due[idx])
            rv_held.append(held[idx])
            prev = np.where(ok, held, prev)
            alive = ok
        rp = np.concatenate(rv_plan) if rv_plan else np.zeros(0, int)
        rd = np.concatenate(rv_due) if rv_due else np.zeros(0, np.int64)
        rh = np.concatenate(rv_held) if rv_held else np.zeros(0, np.int64)
        # keep reviews from the last six years only
        keep = rh >= self.today - 6 * 365
        rp, rd, rh = rp[keep], rd[keep], rh[keep]
        rid = self.ids.take(len(rp))
        reviews = pd.DataFrame({"ehc_review_id": rid, "ehcp_id": ehcp_ids[rp], "due_on": _dates(rd), "held_on": _dates(rh),
                                "note": _pick(T.EHC_REVIEW_NOTES, rng.integers(0, 100, len(rp))).astype(str)})
        # Preparing for Adulthood from Year 9
        pi = ep[rp]
        held_year = np.array([academic_year_of(EPOCH + timedelta(days=int(d))) for d in rh], dtype=np.int64) if len(rh) else np.zeros(0, np.int64)
        grade = self.g0 + held_year - P["cohort"][pi]
        y9 = np.flatnonzero(grade >= 9)
        pfa_parts = []
        for area in ("employment", "independent_living", "health", "community"):
            has = y9[rng.random(len(y9)) < 0.8]
            pfa_parts.append(pd.DataFrame({"ehc_review_id": rid[has], "area": area,
                                           "outcome": _pick(T.PFA_OUTCOMES[area], rng.integers(0, 3, len(has))).astype(str)}))
        pfa = pd.concat(pfa_parts, ignore_index=True)
        pfa.insert(0, "outcome_id", self.ids.take(len(pfa)))
        return {"ehc_plans": plans, "ehc_reviews": reviews, "pfa_outcomes": pfa, "ehc_requests": requests}

    # ------------------------------------------------------------------ interventions and allocations
    def intervention_frames(self):
        rng, P = self.rng, self.P
        ni = len(INTERVENTIONS)
        cat_rows = []
        int_ids = np.zeros((self.n_schools, ni), dtype=np.int64)
        for s in range(self.n_schools):
            ids = self.ids.take(ni)
            int_ids[s] = ids
            for i, iv in enumerate(INTERVENTIONS):
                cat_rows.append((int(ids[i]), int(self.school_ids[s]), iv[0], iv[2], iv[3], iv[4], iv[5], float(iv[6]),
                                 iv[7], iv[8], float(iv[9]), iv[10], iv[11], iv[12], False))
        cat = pd.DataFrame(cat_rows, columns=["intervention_id", "school_id", "name", "areas", "wave", "delivered_by",
                                              "group_size", "sessions_per_week", "minutes_per_session", "planned_weeks",
                                              "other_costs", "measure", "measure_scale", "higher_is_better", "retired"])
        # candidate pupil-terms: on the register (and a few of concern)
        on = self.onroll & ((self.S > 0) | (rng.random(self.S.shape) < 0.01))
        pidx, tidx = np.nonzero(on)
        k = rng.choice(4, len(pidx), p=[0.42, 0.4, 0.14, 0.04])
        ap = np.repeat(pidx, k)
        at = np.repeat(tidx, k)
        m = len(ap)
        # choose intervention weighted by the pupil's area of need
        W = np.full((6, ni), 0.15)
        for i, iv in enumerate(INTERVENTIONS):
            for a in iv[2].split("|"):
                W[AREA_CODES.index(a), i] = 3.0
        W[5] = 1.0  # no recorded need (pupils of concern)
        W[:, [i for i, iv in enumerate(INTERVENTIONS) if iv[3] == "specialist"]] *= 0.5
        cum = np.cumsum(W / W.sum(axis=1, keepdims=True), axis=1)
        area_i = np.array([AREA_CODES.index(a) if a else 5 for a in self.area], dtype=np.int64)[ap]
        u = rng.random(m)
        iv = (u[:, None] > cum[area_i]).sum(axis=1)
        iv = np.minimum(iv, ni - 1)
        df = pd.DataFrame({"p": ap, "t": at, "iv": iv}).drop_duplicates(["p", "t", "iv"]).sort_values(["t", "iv", "p"], kind="stable")
        ap, at, iv = df["p"].to_numpy(), df["t"].to_numpy(), df["iv"].to_numpy()
        m = len(ap)
        sch = P["school"][ap]
        gsize = np.array([x[5] for x in INTERVENTIONS])[iv]
        key = (sch * 100 + iv) * 100 + at
        first_of_key = np.r_[True, key[1:] != key[:-1]]
        grp_start = np.maximum.accumulate(np.where(first_of_key, np.arange(m), 0))
        rank = np.arange(m) - grp_start
        grp_no = rank // gsize
        shorts = np.array([x[1] for x in INTERVENTIONS], dtype=object)
        term_code = np.array([f"{str(y)[-2:]}{'ASU'[n - 1]}" for y, n in zip(self.t_year, self.t_num)], dtype=object)
        label = shorts[iv] + "-" + term_code[at] + "-" + (grp_no + 1).astype(str).astype(object)
        weeks = np.array([x[8] for x in INTERVENTIONS])[iv]
        spw = np.array([x[6] for x in INTERVENTIONS])[iv]
        start = _weekday(self.t_start[at] + 14 + (grp_no % 3) * 7)
        end = np.minimum(start + weeks * 7 - 3, self.t_end[at] - 10)
        planned = np.round(spw * (end - start + 3) / 7).astype(int)
        finished = end <= self.today
        frac = np.clip((self.today - start) / np.maximum(1, end - start), 0, 1)
        attended = np.where(finished, rng.binomial(planned, 0.88), rng.binomial(np.round(planned * frac).astype(int), 0.9))
        attended = np.maximum(attended, 0)
        # scores: entry spread like the pupils these groups draw on (a little narrower than everyone's);
        # gain = the true effect scaled by attendance, plus each pupil's own variation, plus a month a
        # month on an age scale
        base_m = np.array([x[13] for x in INTERVENTIONS], dtype=float)[iv]
        base_sd = np.array([x[14] for x in INTERVENTIONS], dtype=float)[iv]
        true_effect = np.array([x[15] for x in INTERVENTIONS], dtype=float)[iv]
        unrecorded = np.array([x[16] for x in INTERVENTIONS], dtype=bool)[iv]
        hib = np.array([x[12] for x in INTERVENTIONS])[iv]
        scale = np.array([x[11] for x in INTERVENTIONS], dtype=object)[iv]
        entry = base_m + base_sd * (0.8 * rng.standard_normal(m) - 0.25 * (self.S[ap, at] / 2))
        dose = np.clip(attended / np.maximum(planned, 1) / 0.88, 0, 1.1)
        growth = np.where(scale == "months", (end - start) / (365.25 / 12), 0.0)
        gain = true_effect * base_sd * dose + base_sd * 0.45 * rng.standard_normal(m)
        exit_ = entry + np.where(hib, gain + growth, -gain)
        dec = np.array([1 if x[11] in ("months", "count", "percent", "points 0-136") else 10 for x in INTERVENTIONS])[iv]
        entry = np.round(entry * dec) / dec
        exit_ = np.round(exit_ * dec) / dec
        scale_max = {"rating 1-10": (1, 10), "SDQ 0-40": (0, 40), "points 0-40": (0, 40), "points 0-30": (0, 30),
                     "percent": (0, 100), "points 0-136": (0, 136)}
        for j, x in enumerate(INTERVENTIONS):
            if x[11] in scale_max:
                lo, hi = scale_max[x[11]]
                sel = iv == j
                entry[sel] = np.clip(entry[sel], lo, hi)
                exit_[sel] = np.clip(exit_[sel], lo, hi)
        recent = at >= self.T - 2
        missing = unrecorded & recent
        exit_out = np.where(finished & ~missing, exit_, np.nan)
        # what a finished block does to the pupil's termly assessments: a reading or maths intervention has
        # the same effect on them; the others (social, emotional, motor) do not move an English or maths score
        academic = np.isin(scale, ["months", "count"])[finished]
        self.alloc_effects = (ap[finished], at[finished], np.where(academic, true_effect[finished] * dose[finished], 0.0))
        # staff, day and time per group
        days = np.array(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], dtype=object)
        times = np.array(["08:45", "09:15", "10:20", "11:30", "13:15", "14:10", "15:20"], dtype=object)
        gkey = (key * 1000 + grp_no)
        ghash = (gkey * 2654435761) % 1000003
        roles = np.array([x[4] for x in INTERVENTIONS], dtype=object)[iv]
        staff = np.zeros(m, dtype=np.int64)
        for r in {x[4] for x in INTERVENTIONS}:
            sel = roles == r
            staff[sel] = self.staff_ids(sch[sel], r, ghash[sel])
        alloc = pd.DataFrame({
            "allocation_id": self.ids.take(m), "pupil_id": P["pupil_id"][ap], "intervention_id": int_ids[sch, iv],
            "group_label": label.astype(str), "start_date": _dates(start), "end_date": _dates(end),
            "sessions_attended": attended.astype(int), "entry_score": entry, "exit_score": exit_out,
            "day_of_week": days[ghash % 5].astype(str), "start_time": times[(ghash // 5) % 7].astype(str),
            "staff_id": staff})
        # every session of the week, at the group's time: one a week on the group's day; two on Tuesday and
        # Thursday; three Monday, Wednesday, Friday; four Monday to Thursday; five every day
        patterns = {2: [1, 3], 3: [0, 2, 4], 4: [0, 1, 2, 3], 5: [0, 1, 2, 3, 4]}
        per = np.clip(np.round(spw).astype(int), 1, 5)
        sess_alloc, sess_day, sess_time = [], [], []
        for k in range(1, 6):
            sel = np.flatnonzero(per == k)
            if not len(sel):
                continue
            for day_i in (patterns.get(k) or [None]):
                sess_alloc.append(alloc["allocation_id"].to_numpy()[sel])
                sess_day.append(days[ghash[sel] % 5] if day_i is None else np.full(len(sel), days[day_i], dtype=object))
                sess_time.append(times[(ghash[sel] // 5) % 7])
        sessions = pd.DataFrame({"allocation_id": np.concatenate(sess_alloc),
                                 "day_of_week": np.concatenate(sess_day).astype(str),
                                 "start_time": np.concatenate(sess_time).astype(str)})
        return {"interventions": cat, "allocations": alloc, "allocation_sessions": sessions}

    # ------------------------------------------------------------------ APDR support plans
    def plan_frames(self):
        rng, P = self.rng, self.P
        on = self.onroll & (self.S == 1)
        pidx, tidx = np.nonzero(on)
        order = np.lexsort((tidx, pidx))
        pidx, tidx = pidx[order], tidx[order]
        last = self.T - 1
        # ~10-12% of current K pupils: no new plan this term, last term's plan never reviewed (overdue)
        cur_k = np.unique(pidx[tidx == last])
        had_prev = np.isin(cur_k, pidx[tidx == last - 1])
        over = cur_k[had_prev][rng.random(had_prev.sum()) < 0.12]
        is_over = np.isin(pidx, over)
        drop = is_over & (tidx == last)
        pidx, tidx = pidx[~drop], tidx[~drop]
        overdue = np.isin(pidx, over) & (tidx == last - 1)
        m = len(pidx)
        start = _school_day(np.maximum(self.t_start[tidx] + rng.integers(3, 20, m), self.reg_start[pidx]), self.today)
        start = np.minimum(start, self.t_ref[tidx])
        due = start + 84
        closed = _school_day(due + rng.integers(-10, 15, m))
        closed = np.where((tidx == last) | overdue | (closed > self.today), NA, closed)
        plan_ids = self.ids.take(m)
        area = self.area[pidx]
        area = np.where(area == "", "OTH", area)
        plans = pd.DataFrame({"plan_id": plan_ids, "pupil_id": P["pupil_id"][pidx], "start_date": _dates(start),
                              "review_due": _dates(due), "closed_on": _dates(closed),
                              "created_by": self.staff_unames(P["school"][pidx], "senco").astype(str),
                              "assess_note": np.array([T.ASSESS_NOTES[a] for a in area], dtype=object).astype(str)})
        nt = rng.integers(2, 4, m)
        ti = np.repeat(np.arange(m), nt)
        k = np.arange(len(ti)) - np.repeat(np.cumsum(nt) - nt, nt)
        tarea = area[ti]
        pick0 = rng.integers(0, 5, m)[ti]
        # targets fit the pupil's age: secondary-school targets from Year 7 (the year group in the plan's term)
        senior = (self.grade_t[pidx, tidx] >= 7)[ti]
        banks = (T.TARGETS, T.TARGETS_SECONDARY)
        desc = np.array([banks[int(sr)][a][(p + j) % len(banks[int(sr)][a])] for a, p, j, sr in zip(tarea, pick0, k, senior)],
                        dtype=object)
        target_ids = self.ids.take(len(ti))
        targets = pd.DataFrame({"target_id": target_ids, "plan_id": plan_ids[ti], "description": desc.astype(str),
                                "area": tarea.astype(str), "set_on": _dates(start[ti]), "closed_on": _dates(closed[ti])})
        # reviews for closed plans, one per target
        rv = np.flatnonzero(closed[ti] != NA)
        stuck_p = rng.random(self.n) < 0.05
        stuck = stuck_p[pidx[ti[rv]]]
        ratings = np.array(["not_yet", "emerging", "achieved", "exceeded"], dtype=object)
        rating = ratings[rng.choice(4, len(rv), p=[0.14, 0.38, 0.37, 0.11])]
        rating = np.where(stuck, "not_yet", rating)
        note = np.array([T.REVIEW_NOTES[r][i % len(T.REVIEW_NOTES[r])] for r, i in zip(rating, rng.integers(0, 3, len(rv)))], dtype=object)
        pv = np.where(rng.random(len(rv)) < 0.7, _pick(T.PUPIL_VOICE, rng.integers(0, 100, len(rv))), None)
        par = np.where(rng.random(len(rv)) < 0.6, _pick(T.PARENT_VOICE, rng.integers(0, 100, len(rv))), None)
        who = np.where(rng.random(len(rv)) < 0.5, self.staff_unames(P["school"][pidx[ti[rv]]], "senco"),
                       self.staff_unames(P["school"][pidx[ti[rv]]], "teacher"))
        rev_on = closed[ti[rv]]
        reviews = pd.DataFrame({"review_id": self.ids.take(len(rv)), "plan_id": plan_ids[ti[rv]], "target_id": target_ids[rv],
                                "reviewed_on": _dates(rev_on), "rating": rating.astype(str), "note": note.astype(str),
                                "pupil_voice": pv, "parent_voice": par, "recorded_by": who.astype(str),
                                "recorded_at": _dates(rev_on).astype("datetime64[s]") + np.timedelta64(15 * 3600 + 1800, "s")})
        return {"support_plans": plans, "plan_targets": targets, "plan_reviews": reviews}

    # ------------------------------------------------------------------ assessments, attendance, suspensions
    def outcome_frames(self):
        rng, P = self.rng, self.P
        n, Tn = self.n, self.T
        # what interventions did (in SDs; harm too), from the term after the block
        boost = np.zeros((n, Tn + 1))
        wp, wt, weff = self.alloc_effects
        np.add.at(boost, (wp, wt + 1), weff)
        boost = np.cumsum(boost, axis=1)[:, :Tn]
        pen = np.where(self.S == 2, -0.55, np.where(self.S == 1, -0.32, 0.0))
        # slower progress once identified
        on_reg_cum = np.cumsum(self.S > 0, axis=1)
        drift = -0.025 * on_reg_cum
        assess_t = self.t_census <= self.today
        pidx, tidx = np.nonzero(self.onroll & assess_t[None, :])
        m = len(pidx)
        subj = SUBJECTS[self.phase]
        subj_eff = 0.45 * rng.standard_normal((n, len(subj)))
        parts = []
        base = self.ability[pidx] + pen[pidx, tidx] + drift[pidx, tidx] + boost[pidx, tidx]
        for j, sname in enumerate(subj):
            z = base + subj_eff[pidx, j] + 0.28 * rng.standard_normal(m)
            score = np.clip(np.round(100 + 15 * z), 55, 145)
            parts.append(pd.DataFrame({"pupil_id": P["pupil_id"][pidx], "term_id": self.term_ids[tidx].astype(np.int32),
                                       "subject": sname, "score": score, "scale": "standardised",
                                       "expected_standard": 100.0}))
        assessments = pd.concat(parts, ignore_index=True)
        # attendance: every pupil-term on roll, part-term for the current term
        pidx, tidx = np.nonzero(self.onroll)
        m = len(pidx)
        full = np.array([130, 122, 128])[self.t_num[tidx] - 1]
        frac = np.clip((np.minimum(self.today, self.t_end[tidx]) - self.t_start[tidx] + 1) / (self.t_end[tidx] - self.t_start[tidx] + 1), 0, 1)
        frac = np.where(self.t_num[tidx] == 3, np.clip(frac * 1.35, 0, 1), frac)  # summer term teaching ends in July
        possible = np.maximum(2, np.round(full * frac)).astype(int)
        person = rng.lognormal(0, 0.55, n)
        st = self.S[pidx, tidx]
        rate = np.array([0.055, 0.085, 0.105])[st] * person[pidx] + 0.01 * P["disadv"][pidx]
        rate = np.clip(rate, 0.0, 0.8)
        absent = rng.binomial(possible, rate)
        attendance = pd.DataFrame({"pupil_id": P["pupil_id"][pidx], "term_id": self.term_ids[tidx].astype(np.int32),
                                   "possible_sessions": possible, "attended_sessions": possible - absent})
        semh = (self.need == "SEMH")[pidx] | ((self.need2 == "SEMH") & self.has_second)[pidx]
        p_susp = np.array([0.006, 0.025, 0.03])[st] * np.where(semh & (st > 0), 3.0, 1.0) * (1.0 if self.phase == "secondary" else 0.3)
        hit = np.flatnonzero(rng.random(m) < p_susp)
        sstart = self.t_start[tidx[hit]] + (rng.random(len(hit)) * (np.minimum(self.today, self.t_end[tidx[hit]]) - self.t_start[tidx[hit]])).astype(np.int64)
        sstart = _school_day(sstart, self.today)
        susp = pd.DataFrame({"suspension_id": self.ids.take(len(hit)), "pupil_id": P["pupil_id"][pidx[hit]],
                             "term_id": self.term_ids[tidx[hit]].astype(np.int32), "start_date": _dates(sstart),
                             "days": rng.choice([0.5, 1.0, 1.0, 2.0, 3.0, 5.0], len(hit))})
        return {"assessments": assessments, "attendance": attendance, "suspensions": susp}
