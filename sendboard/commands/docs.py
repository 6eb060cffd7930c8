"""``sendboard docs permissions``: write the permission matrix, generated from the code, into docs/security.md."""
from __future__ import annotations

import argparse
import sys

from .. import permissions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    perms = sub.add_parser("permissions", help="write the roles x pages x actions matrix into docs/security.md")
    perms.add_argument("--check", action="store_true",
                       help="change nothing; exit 1 if docs/security.md differs from the code")


def run(args: argparse.Namespace) -> int:
    text = permissions.DOC.read_text(encoding="utf-8")
    try:
        new = permissions.replaced(text)
    except ValueError as exc:
        print(f"sendboard: {exc}", file=sys.stderr)
        return 1
    if args.check:
        if new != text:
            print("docs/security.md's permission matrix differs from the code: run `sendboard docs permissions`.",
                  file=sys.stderr)
            return 1
        print("docs/security.md's permission matrix matches the code.")
        return 0
    permissions.write()
    print("docs/security.md: permission matrix " + ("updated." if new != text else "already up to date."))
    return 0
