"""``exactopen render CERT``: a step-by-step proof from a certificate."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("render", help="render a certificate as a step-by-step proof (md, tex or html)")
    p.add_argument("certificate", metavar="CERT")
    p.add_argument("--format", choices=("md", "tex", "html"), default="md")
    p.add_argument("--standalone", action="store_true",
                   help="tex: a whole document (preamble and \\begin{document}) instead of a fragment")
    p.add_argument("--inputs", nargs="+", metavar="FILE", default=None,
                   help="the input files a certificate refers to by SHA-256 (exactopen validate --inputs-by-digest)")
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically, mode 0644) instead of standard output")
    p.set_defaults(func=run)


def run(args) -> int:
    import json

    from exactopen import kernel
    from exactopen.certificate import write_atomic
    from exactopen.cli import CheckFailed
    from exactopen.errors import InputError
    from exactopen.report.render import render

    try:  # the checker's strict reader (duplicate keys, floats, depth) before anything else
        text = kernel.read_file(args.certificate)
        kernel.parse(text)
        cert = json.loads(text)
    except kernel.Malformed as exc:
        raise InputError(f"{args.certificate}: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{args.certificate}: not valid JSON ({str(exc)[:200]})") from None
    try:
        text = render(cert, args.format, standalone=args.standalone, inputs=args.inputs)
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
