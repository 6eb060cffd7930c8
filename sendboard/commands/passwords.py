"""Reading a new password on the command line: asked twice without echo, or one line from standard input
with --password-stdin (for scripts). Never an argument: those show in `ps` and the shell's history."""
from __future__ import annotations

import argparse
import getpass
import sys


class PasswordInputError(ValueError):
    pass


def add_password_stdin(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input instead of asking")


def read_new_password(args: argparse.Namespace, prompt: str = "New password") -> str:
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise PasswordInputError("--password-stdin: standard input was empty; give the password on its first line.")
        return password
    if not sys.stdin.isatty():
        raise PasswordInputError("No terminal to ask for the password on: pipe it in with --password-stdin.")
    first = getpass.getpass(f"{prompt} (at least 12 characters): ")
    if first != getpass.getpass(f"{prompt} again: "):
        raise PasswordInputError("The two passwords differ. Nothing was changed.")
    return first
