"""``exactopen verify FILE...``: re-check certificates with the trusted checker."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("verify", help="re-verify certificate files with the independent checker",
                       description="Exit 0 if every file is accepted, 1 if any is rejected, "
                                   "2 if any is unreadable or not a certificate.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-q", "--quiet", action="store_true", help="print only rejections")
    p.add_argument("--explain", action="store_true",
                   help="for each accepted file, list the facts the checker verified and the trusted "
                        "theorems it relied on")
    p.set_defaults(func=run)


def run(args) -> int:
    from exactopen.kernel import Malformed, Rejected, explain, parse, read_file

    worst = 0
    for path in args.files:
        try:
            text = read_file(path)
            if _is_json_schema(parse(text)):
                if not args.quiet:
                    print(f"{path}: skipped (a JSON Schema, not a certificate)")
                continue
            report = explain(text)
        except Malformed as exc:
            print(f"{path}: MALFORMED: {exc}", file=sys.stderr)
            worst = 2
        except Rejected as exc:
            print(f"{path}: REJECTED: {exc}")
            worst = max(worst, 1) if worst != 2 else 2
        else:
            if not args.quiet:
                print(f"{path}: accepted: {report['statement']}")
            if args.explain:
                print(f"  kind: {report['kind']}; filed under: {report['claim_id'] or '(no claim id)'} "
                      "(a label, not a checked statement)")
                print("  checked:")
                for f in report["facts"]:
                    print(f"    - {f}")
                print("  trusted theorems:" + ("" if report["theorems"] else " none (every step re-derived)"))
                for t in report["theorems"]:
                    print(f"    - {t['id']}: {t['statement']}")
    return worst


def _is_json_schema(obj) -> bool:
    """True for a JSON Schema file (e.g. certificates/schema.json picked up by a glob)."""
    return isinstance(obj, dict) and "$schema" in obj and "format" not in obj
