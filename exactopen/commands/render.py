"""``exactopen render CERT``: a step-by-step proof from a certificate."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("render", help="render a certificate as a step-by-step proof (md, tex or html)")
    p.add_argument("certificate", metavar="CERT")
    p.add_argument("--format", choices=("md", "tex", "html"), default="md")
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    p.set_defaults(func=run)


def run(args) -> int:
    import json

    from exactopen import kernel
    from exactopen.certificate import write_atomic
    from exactopen.cli import CheckFailed
    from exactopen.errors import InputError
    from exactopen.report.render import render

    try:
        with open(args.certificate, encoding="utf-8") as fh:
            cert = json.load(fh)
    except OSError as exc:
        raise InputError(f"{args.certificate}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{args.certificate}: cannot read: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{args.certificate}: not valid JSON ({exc})") from None
    except RecursionError:
        raise InputError(f"{args.certificate}: not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer literal beyond Python's 4300-digit limit
        raise InputError(f"{args.certificate}: not a valid certificate ({exc})") from None
    try:
        text = render(cert, args.format)
    except kernel.Malformed as exc:
        raise InputError(f"{args.certificate}: {exc}") from None
    except kernel.Rejected as exc:
        raise CheckFailed(f"{args.certificate}: rejected by the checker, not rendered: {exc}") from None
    if args.out:
        try:
            write_atomic(args.out, text)
        except OSError as exc:
            raise InputError(f"{args.out}: cannot write ({exc.strerror or exc})") from None
    else:
        sys.stdout.write(text)
    return 0
