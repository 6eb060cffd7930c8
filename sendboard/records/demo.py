"""The demo school's records: the SENCO's decision on each concern that became SEN support, and referrals
to outside services, so the pages have something to show. Deterministic for a seed."""
from __future__ import annotations

from datetime import date


def seed_demo_records(db, as_of: date, seed: int) -> None:
    def work(w):
        w.run("records_demo_decide_concerns")
        w.run("records_demo_referrals", as_at=as_of, seed=int(seed))

    db.write(work)
