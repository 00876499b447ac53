"""``exactopen verify FILE...``: re-check certificates with the trusted checker."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("verify", help="re-verify certificate files with the independent checker",
                       description="Exit 0 if every file is accepted, 1 if any is rejected, "
                                   "2 if any is unreadable or not a certificate.")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="certificate files, or a sweep directory (every certificate under DIR/certificates, "
                        "else every *.json under DIR)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only rejections")
    p.add_argument("--explain", action="store_true",
                   help="for each accepted file, list the facts the checker verified and the trusted "
                        "theorems it relied on")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object: per file its status (accepted, rejected, malformed, skipped), "
                        "statement or reason, kind, claim id and trusted theorems")
    p.set_defaults(func=run)


def run(args) -> int:
    if getattr(args, "json", False):
        return run_json(args)
    from exactopen.kernel import Malformed, Rejected, explain, parse, read_file

    worst = 0
    for path in _expand(args.files):
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


def run_json(args) -> int:
    """``verify --json``: the same checks, reported per file as one JSON object."""
    import json

    from exactopen.kernel import Malformed, Rejected, explain, parse, read_file

    files, worst = [], 0
    for path in _expand(args.files):
        entry = {"path": path}
        try:
            text = read_file(path)
            if _is_json_schema(parse(text)):
                entry["status"] = "skipped"
            else:
                rep = explain(text)
                entry.update({"status": "accepted", "statement": rep["statement"], "kind": rep["kind"],
                              "claim_id": rep["claim_id"], "theorems": [t["id"] for t in rep["theorems"]]})
                if args.explain:
                    entry["facts"] = rep["facts"]
        except Malformed as exc:
            entry.update({"status": "malformed", "reason": str(exc)})
            worst = 2
        except Rejected as exc:
            entry.update({"status": "rejected", "reason": str(exc)})
            worst = max(worst, 1) if worst != 2 else 2
        files.append(entry)
    counts = {k: sum(1 for f in files if f["status"] == k) for k in ("accepted", "rejected", "malformed", "skipped")}
    sys.stdout.write(json.dumps({"verdict": "accepted" if worst == 0 else "rejected" if worst == 1 else "malformed",
                                 "summary": counts, "files": files}, indent=1, ensure_ascii=False) + "\n")
    return worst


def _is_json_schema(obj) -> bool:
    """True for a JSON Schema file (e.g. certificates/schema.json picked up by a glob)."""
    return isinstance(obj, dict) and "$schema" in obj and "format" not in obj


def _expand(paths) -> list[str]:
    """FILE arguments with each directory replaced by its certificate files (a sweep directory:
    see :func:`exactopen.sweep.store.certificate_files`); an empty directory stays, to be reported."""
    import os

    from exactopen.sweep.store import certificate_files

    out = []
    for path in paths:
        out += (certificate_files(path) or [path]) if os.path.isdir(path) else [path]
    return out
