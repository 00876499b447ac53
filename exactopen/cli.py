"""Command-line interface: ``exactopen COMMAND ...`` (also ``python -m exactopen``).

Commands live in :mod:`exactopen.commands` (one module per family, each with a
``register(subparsers)`` function).  Exit codes: 0 success (whatever the verdict),
1 a certificate was rejected by the checker, 2 usage or input error.  Errors are one line,
never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from exactopen import __version__
from exactopen.errors import InputError

COMMAND_MODULES = (
    "exactopen.commands.verify",
    "exactopen.commands.linalg",
    "exactopen.commands.openness",
    "exactopen.commands.pyramid",
    "exactopen.commands.landscape",
    "exactopen.commands.audit",
    "exactopen.commands.render",
    "exactopen.commands.validate",
)


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2)."""

    def error(self, message):  # noqa: D401 - argparse API
        raise UsageError(f"{self.prog}: {message}")


class CheckFailed(Exception):
    """The checker rejected a certificate the generator produced (exit 1)."""


def certified(cert: dict) -> str:
    """Run the trusted checker on a freshly generated certificate; return its summary.

    A verdict is only printed after this returns.
    """
    from exactopen import kernel

    try:
        return kernel.check(cert)
    except kernel.Rejected as exc:
        raise CheckFailed(f"the checker rejected the generated certificate: {exc}") from None


def emit(args, cert: dict, human: list[str], summary: dict) -> None:
    """Check ``cert``, then write it (--out) and print JSON (--json) or the human lines."""
    from exactopen.certificate import write_certificate

    checked = certified(cert)
    if getattr(args, "out", None):
        try:
            write_certificate(args.out, cert)
        except OSError as exc:
            raise InputError(f"{args.out}: cannot write the certificate ({exc.strerror or exc})") from None
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps({**summary, "checked": checked, "certificate": cert}, indent=1) + "\n")
        return
    for line in human:
        print(line)
    print(f"checker: accepted ({checked})")
    if getattr(args, "out", None):
        print(f"certificate written to {args.out}")


def add_output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object (with the certificate)")
    p.add_argument("--out", metavar="FILE", help="write the certificate to FILE (atomically)")


def add_numeric_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from-float", dest="numeric", action="store_true",
                   help="accept binary floats from .npy/.npz and convert them exactly")


def build_parser() -> Parser:
    parser = Parser(prog="exactopen", description="Exact, certified local-openness and landscape checks.")
    parser.add_argument("--version", action="version", version=f"exactopen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"{exc} (see 'exactopen --help')", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"exactopen: error: {exc}", file=sys.stderr)
        return 2
    except CheckFailed as exc:
        print(f"exactopen: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("exactopen: interrupted", file=sys.stderr)
        return 130
