"""``exactopen verify FILE...``: re-check certificates with the trusted checker."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("verify", help="re-verify certificate files with the independent checker",
                       description="Exit 0 if every file is accepted, 1 if any is rejected, "
                                   "2 if any is unreadable or not a certificate.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-q", "--quiet", action="store_true", help="print only rejections")
    p.set_defaults(func=run)


def run(args) -> int:
    from exactopen.kernel import Malformed, Rejected, check_file

    worst = 0
    for path in args.files:
        if _is_json_schema(path):
            if not args.quiet:
                print(f"{path}: skipped (a JSON Schema, not a certificate)")
            continue
        try:
            summary = check_file(path)
        except Malformed as exc:
            print(f"{path}: MALFORMED: {exc}", file=sys.stderr)
            worst = 2
        except Rejected as exc:
            print(f"{path}: REJECTED: {exc}")
            worst = max(worst, 1) if worst != 2 else 2
        else:
            if not args.quiet:
                print(f"{path}: accepted: {summary}")
    return worst


def _is_json_schema(path: str) -> bool:
    """True for a JSON Schema file (e.g. certificates/schema.json picked up by a glob)."""
    import json

    try:
        with open(path, encoding="utf-8") as fh:
            obj = json.load(fh)
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(obj, dict) and "$schema" in obj and "format" not in obj
