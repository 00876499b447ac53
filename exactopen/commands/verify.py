"""``exactopen verify FILE...``: re-check certificates with the trusted checker; a sweep
directory (one with ``results.jsonl``) is verified as a whole (:mod:`exactopen.sweep.consistency`)."""

from __future__ import annotations

import argparse
import sys

STATUS_CODE = {"accepted": 0, "skipped": 0, "rejected": 1, "malformed": 2}


def register(sub) -> None:
    p = sub.add_parser("verify", help="re-verify certificate files (or a sweep directory) with the independent checker",
                       description="Exit 0 if every file is accepted, 1 if any is rejected, "
                                   "2 if any is unreadable or not a certificate. A sweep directory (one with "
                                   "results.jsonl) is verified as a whole: every certificate is accepted, each "
                                   "line of results.jsonl states what its certificate proves, every certificate "
                                   "has exactly one line, and summary.md is the summary of the lines; lines of "
                                   "instances that ended in an error are counted and named, not rejected.")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="certificate files, or a sweep directory (verified as a whole), or another directory "
                        "(every *.json under it)")
    p.add_argument("--inputs", nargs="+", metavar="FILE", default=None,
                   help="input files (.npz/.npy) the certificates refer to by SHA-256 digest instead of embedding "
                        "them (exactopen validate --inputs-by-digest)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print only rejections (and a sweep directory's error lines)")
    p.add_argument("--explain", action="store_true",
                   help="for each accepted file, list the facts the checker verified and the trusted "
                        "theorems it relied on")
    p.add_argument("--theorems", nargs=0, action=_PrintTheorems,
                   help="print the theorems the checker trusts (published ones with their reference, then "
                        "this project's lemmas with the docs section proving them), the kinds that may use "
                        "each, and the budgets; then exit")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object: per file its status (accepted, rejected, malformed, skipped), "
                        "statement or reason, kind, claim id and trusted theorems; per sweep directory its "
                        "status, counts, error lines and problems")
    p.set_defaults(func=run)


class _PrintTheorems(argparse.Action):
    """``--theorems``: print the checker's table and exit (no FILE needed, as ``--version``)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from exactopen.kernel.__main__ import theorems_text

        sys.stdout.write(theorems_text())
        parser.exit()


def run(args) -> int:
    as_json = getattr(args, "json", False)

    inputs = getattr(args, "inputs", None)

    def checked(path: str, keep_tree: bool = False) -> dict:
        entry = check_certificate(path, keep_tree, inputs)
        if not as_json:
            _print_entry(entry, args)  # as it is checked: a sweep can hold thousands
        return entry

    files, folders = [], []
    for kind, path in _arguments(args.files):
        if kind == "folder":
            entries, folder = _verify_folder(path, checked)
            files += entries
            folders.append(folder)
            if not as_json:
                _print_folder(folder, args.quiet)
        else:
            files.append(checked(path))
    worst = max([STATUS_CODE[e["status"]] for e in files] + [STATUS_CODE[f["status"]] for f in folders] + [0])
    if as_json:
        _print_json(files, folders, worst, args.explain)
    return worst


def check_certificate(path: str, keep_tree: bool = False, inputs=None) -> dict:
    """One file through the checker, once: {path, status, and statement, kind, claim_id, facts,
    theorems if accepted (and the parsed tree with ``keep_tree``), else reason}.  ``inputs``:
    paths of input files the certificate may refer to by digest."""
    from exactopen.kernel import Malformed, Rejected, explain, parse, read_file

    entry = {"path": path}
    text = None
    try:
        text = read_file(path)
        rep = explain(text, inputs)  # parses once (the checker's budget covers the parse)
    except Malformed as exc:
        if text is not None and len(text) < 2 ** 20 and '"$schema"' in text and _is_schema_text(text, parse):
            entry["status"] = "skipped"
        else:
            entry.update({"status": "malformed", "reason": str(exc)})
    except Rejected as exc:
        entry.update({"status": "rejected", "reason": str(exc)})
    except (MemoryError, RecursionError) as exc:  # never a traceback: the budgets should prevent these
        entry.update({"status": "rejected", "reason": f"the check failed ({type(exc).__name__})"})
    else:
        entry.update({"status": "accepted", "statement": rep["statement"], "kind": rep["kind"],
                      "claim_id": rep["claim_id"], "facts": rep["facts"], "theorems": rep["theorems"],
                      "work": rep["work"]})
        if keep_tree:
            entry["tree"] = rep["tree"]
    return entry


def _is_schema_text(text: str, parse) -> bool:
    try:
        return _is_json_schema(parse(text))
    except Exception:  # noqa: BLE001 - not readable: then it is not a schema either
        return False


def _verify_folder(path: str, checked) -> tuple[list, dict]:
    """(the certificate entries, the folder's entry: path, status, counts, error ids, problems)."""
    from exactopen.sweep.consistency import Unreadable, verify_folder

    try:
        rep = verify_folder(path, lambda p: checked(p, keep_tree=True))
    except Unreadable as exc:
        return [], {"path": path, "status": "malformed", "reason": f"not a readable sweep directory: {exc}"}
    codes = [STATUS_CODE[e["status"]] for e in rep.certificates]
    status = "malformed" if 2 in codes else "rejected" if 1 in codes or rep.problems else "accepted"
    return rep.certificates, {
        "path": path, "status": status, "lines": rep.lines, "decided": rep.decided,
        "certificates": len(rep.certificates), "accepted": codes.count(0), "error_lines": rep.error_ids,
        "problems": rep.problems}


def _print_entry(e: dict, args) -> None:
    path, status = e["path"], e["status"]
    if status == "malformed":
        print(f"{path}: MALFORMED: {e['reason']}", file=sys.stderr)
    elif status == "rejected":
        print(f"{path}: REJECTED: {e['reason']}")
    elif status == "skipped":
        if not args.quiet:
            print(f"{path}: skipped (a JSON Schema, not a certificate)")
    else:
        if not args.quiet:
            print(f"{path}: accepted: {e['statement']}")
        if args.explain:
            print(f"  kind: {e['kind']}; filed under: {e['claim_id'] or '(no claim id)'} "
                  "(a label, not a checked statement)")
            print("  checked:")
            for f in e["facts"]:
                print(f"    - {f}")
            from exactopen.kernel.__main__ import source

            print("  trusted theorems:" + ("" if e["theorems"] else " none (every step re-derived)"))
            for t in e["theorems"]:
                print(f"    - {t['id']} ({source(t['id'])}): {t['statement']}")
            print(f"  {work_line(e['work'])}")


def work_line(w: dict) -> str:
    """The checker's account of a check: work units and peak memory against the file's budgets."""
    return (f"work: {w['work']:.3g} of {w['work_limit']:.3g} units; memory: "
            f"{w['peak_bytes'] / 2 ** 20:.0f} of {w['memory_limit'] / 2 ** 20:.0f} MB held at the peak")


def _print_folder(f: dict, quiet: bool) -> None:
    path = f["path"]
    if "reason" in f:
        print(f"{path}: MALFORMED: {f['reason']}", file=sys.stderr)
        return
    for p in f["problems"]:
        print(p)
    errors = _error_note(f["error_lines"])
    if f["status"] != "accepted":
        bad = f["certificates"] - f["accepted"]
        print(f"{path}: REJECTED as a sweep directory: {len(f['problems'])} problem(s)"
              + (f", {bad} certificate(s) not accepted" if bad else "") + errors)
    elif not quiet:
        print(f"{path}: sweep directory verified: {f['lines']} lines, {f['accepted']} certificates accepted, "
              f"each decided line states what its certificate proves, summary.md is the summary of the lines"
              + errors)
    elif errors:
        print(f"{path}:{errors[1:]}")


def _error_note(ids: list) -> str:
    if not ids:
        return ""
    shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
    return f"; {len(ids)} error line(s), instances not proved: {shown}"


def _print_json(files: list, folders: list, worst: int, explain: bool) -> None:
    """``verify --json``: the same checks, reported per file (and per sweep directory) as one JSON object."""
    import json

    out_files = []
    for e in files:
        entry = {k: v for k, v in e.items() if k not in ("facts", "theorems")}
        if e["status"] == "accepted":
            entry["theorems"] = [t["id"] for t in e["theorems"]]
            if explain:
                entry["facts"] = e["facts"]
        out_files.append(entry)
    counts = {k: sum(1 for f in files if f["status"] == k) for k in ("accepted", "rejected", "malformed", "skipped")}
    obj = {"verdict": "accepted" if worst == 0 else "rejected" if worst == 1 else "malformed",
           "summary": counts, "files": out_files}
    if folders:
        obj["folders"] = [{**f, "problems": [{"where": p.where, "id": p.id, "problem": p.text} for p in f["problems"]]}
                          if "problems" in f else f for f in folders]
    sys.stdout.write(json.dumps(obj, indent=1, ensure_ascii=False) + "\n")


def _is_json_schema(obj) -> bool:
    """True for a JSON Schema file (e.g. certificates/schema.json picked up by a glob)."""
    return isinstance(obj, dict) and "$schema" in obj and "format" not in obj


def _arguments(paths) -> list[tuple[str, str]]:
    """("folder", DIR) for a sweep directory, else ("file", path) for each certificate file:
    another directory stands for its certificate files (see
    :func:`exactopen.sweep.store.certificate_files`); an empty directory stays, to be reported."""
    import os

    from exactopen.sweep.consistency import is_sweep_folder
    from exactopen.sweep.store import certificate_files

    out = []
    for path in paths:
        if is_sweep_folder(path):
            out.append(("folder", path))
        elif os.path.isdir(path):
            out += [("file", p) for p in certificate_files(path) or [path]]
        else:
            out.append(("file", path))
    return out
