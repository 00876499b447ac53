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
import warnings

from exactopen import __version__
from exactopen.errors import InputError

COMMAND_MODULES = (
    "exactopen.commands.verify",
    "exactopen.commands.schema",
    "exactopen.commands.linalg",
    "exactopen.commands.openness",
    "exactopen.commands.pyramid",
    "exactopen.commands.landscape",
    "exactopen.commands.audit",
    "exactopen.commands.render",
    "exactopen.commands.validate",
    "exactopen.commands.sweep",
    "exactopen.commands.export",
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
    from exactopen.certificate import checked_statement

    try:
        return checked_statement(cert)
    except kernel.Rejected as exc:
        raise CheckFailed(f"the checker rejected the generated certificate: {exc}") from None


def emit(args, cert: dict, human: list[str], summary: dict) -> None:
    """Check ``cert``, then write it (--out) and print JSON (--json) or the human lines.

    Every deciding command prints the same JSON shape: ``verdict`` (a word or short phrase),
    ``summary`` (the command's figures), ``statement`` (what the checker verified) and
    ``certificate``.
    """
    from exactopen.certificate import write_certificate

    checked = certified(cert)
    if getattr(args, "out", None):
        try:
            write_certificate(args.out, cert)
        except OSError as exc:
            raise InputError(f"{args.out}: cannot write the certificate ({exc.strerror or exc})") from None
    if getattr(args, "json", False):
        summary = dict(summary)
        verdict = summary.pop("verdict", None) or cert["result"].get("verdict")
        out = {"verdict": verdict, "summary": summary, "statement": checked, "certificate": cert}
        sys.stdout.write(json.dumps(out, indent=1) + "\n")
        return
    for line in human:
        print(line)
    print(f"checker: accepted ({checked})")
    if getattr(args, "out", None):
        print(f"certificate written to {args.out}")


def check_output_path(path: str, what: str = "--out") -> None:
    """Refuse, before any work, an output FILE that cannot be written: a directory, or a path
    under a regular file (InputError naming the problem)."""
    import os

    if not path or not path.strip():
        raise InputError(f"{what}: empty file name")
    full = os.path.abspath(path)
    if os.path.isdir(full):
        raise InputError(f"{what} {path}: cannot write, it is a directory (give a file name)")
    parent = os.path.dirname(full)
    while parent and not os.path.exists(parent):
        nxt = os.path.dirname(parent)
        if nxt == parent:
            break
        parent = nxt
    if parent and os.path.exists(parent) and not os.path.isdir(parent):
        raise InputError(f"{what} {path}: cannot write there, {parent} is not a directory")


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


def one_line(text, limit: int = 500) -> str:
    """``text`` as a single line (newlines and other control characters escaped), at most
    ``limit`` characters: every error the CLI prints is exactly one line."""
    s = str(text).strip()
    s = "".join(c if c.isprintable() else repr(c)[1:-1] for c in s)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def describe_unexpected(exc: BaseException) -> str:
    """One line for an exception that escaped a command (the CLI's last line of defence)."""
    if isinstance(exc, RecursionError):
        return "input nested too deeply (maximum recursion depth exceeded)"
    if isinstance(exc, MemoryError):
        return "out of memory: the input is too large"
    if isinstance(exc, OverflowError):
        return f"a number is too large for a floating-point computation ({exc})"
    if isinstance(exc, (FloatingPointError, ZeroDivisionError)):
        return f"arithmetic error on this input ({type(exc).__name__}: {exc})"
    if isinstance(exc, OSError):
        name = exc.filename if exc.filename is not None else ""
        what = exc.strerror or str(exc) or type(exc).__name__
        return f"{name}: {what}" if name != "" else what
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _err(text: str) -> None:
    print(one_line(text), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        from exactopen.exact import use_cores

        use_cores()
        if getattr(args, "out", None) is not None:
            check_output_path(args.out)
        with warnings.catch_warnings():
            # numpy's RuntimeWarnings (overflow in a float helper) would add lines to stderr
            warnings.simplefilter("ignore", RuntimeWarning)
            return int(args.func(args) or 0)
    except UsageError as exc:
        _err(f"{exc} (see 'exactopen --help')")
        return 2
    except InputError as exc:
        _err(f"exactopen: error: {exc}")
        return 2
    except CheckFailed as exc:
        _err(f"exactopen: {exc}")
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        _err("exactopen: interrupted")
        return 130
    # Last line of defence: whatever a command (or numpy, flint, torch, json) raised on bad
    # input becomes one line and exit 2, never a traceback.  Specific spots should raise
    # InputError with a clearer message; these catch what they miss.
    except (ArithmeticError, RecursionError, MemoryError, OSError, ValueError) as exc:
        _err(f"exactopen: error: {describe_unexpected(exc)}")
        return 2
    except Exception as exc:
        # the checker rejected a certificate a generator module checked itself (exit 1)
        kernel = sys.modules.get("exactopen.kernel")
        if kernel is not None and isinstance(exc, kernel.Rejected):
            _err(f"exactopen: the checker rejected the generated certificate: {exc}")
            return 1
        raise
