"""The ``sendboard`` command. Each subcommand lives in its own module with ``add_arguments(parser)`` and
``run(args) -> int``; this file only wires them up, so the commands can grow without touching each other."""
from __future__ import annotations

import argparse
import importlib
import sys

from .db import DatabaseError

COMMANDS = {
    "init": ("sendboard.commands.init", "create a new database for a school, with its first administrator"),
    "school": ("sendboard.commands.school", "add schools (one, or a Get Information about Schools file); list them"),
    "demo": ("sendboard.commands.demo", "build a demo database (a school, or a trust with --schools)"),
    "user": ("sendboard.commands.user", "add, list, set-role, reset-password, disable accounts"),
    "import": ("sendboard.importers.command", "import CSV files, Excel workbooks or Common Transfer Files"),
    "export": ("sendboard.transfer", "export tables, or everything held about one pupil"),
    "backup": ("sendboard.transfer", "copy the whole database to a file"),
    "restore": ("sendboard.transfer", "replace the database with a backup"),
    "erase": ("sendboard.transfer", "erase one pupil's records (the audit entry is kept)"),
    "audit": ("sendboard.commands.audit", "check the audit log's hash chain; list who saw a pupil"),
    "bench": ("sendboard.bench", "time every page and import at school, trust and local-authority scale"),
    "docs": ("sendboard.commands.docs", "write the permission matrix, generated from the code, into docs/security.md"),
}


class MissingCommand(RuntimeError):
    """A command registered in COMMANDS has no module: the install is broken, so say so."""


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            raise MissingCommand(f"the module {name!r} registered for a sendboard command is missing "
                                 "(a broken install: reinstall sendboard)") from exc
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sendboard", description="sendboard: the whole-school SEND dashboard.")
    sub = parser.add_subparsers(dest="command", required=True)
    for command, (module_name, help_text) in COMMANDS.items():
        module = _module(module_name)
        command_parser = sub.add_parser(command, help=help_text, description=help_text)
        adder = getattr(module, f"add_{command}_arguments", None) or module.add_arguments
        adder(command_parser)
        command_parser.set_defaults(_run=getattr(module, f"run_{command}", None) or module.run)
    return parser


# Commands that make a database (or replace one from a backup, or build their own); every other command
# needs the file to exist already, so a mistyped path never quietly becomes a new, empty database.
MAKES_ITS_DATABASE = {"init", "demo", "restore", "bench", "docs"}  # docs: reads no database


def _refuse_missing_database(args: argparse.Namespace) -> None:
    if args.command in MAKES_ITS_DATABASE:
        return
    from pathlib import Path

    from .db import database_path
    from .schools import require_existing

    given = getattr(args, "db", None)
    require_existing(Path(given) if given else database_path())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        _refuse_missing_database(args)
        return int(args._run(args) or 0)
    except DatabaseError as exc:
        print(f"sendboard: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
