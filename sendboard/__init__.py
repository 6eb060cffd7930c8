"""sendboard: a whole-school SEND dashboard for English schools, over one DuckDB file."""

__version__ = "0.1.0"
