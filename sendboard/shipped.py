"""Data that ships with sendboard (national figures, code lists, key factors, classroom strategies),
loaded into every database: on first open, and again by the demo builder. Each loader is idempotent."""
from __future__ import annotations

from .db import Database


def load_shipped_data(db: Database) -> None:
    from .classroom.strategies import load_shipped_strategies
    from .reference import load_reference_data
    from .statutory.self_evaluation import load_key_factors

    load_reference_data(db)
    load_key_factors(db)
    load_shipped_strategies(db)


def ensure_shipped_data(db: Database) -> None:
    """Load the shipped data into a database that has none yet (a new file, or one made by imports)."""
    if not db.scalar("security_need_code_count"):
        load_shipped_data(db)
