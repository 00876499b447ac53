"""A sweep directory on disk (driver side; no Dask here).

    DIR/results.jsonl     one JSON object a line, one line per instance id
    DIR/certificates/     <id>.json, written atomically by the workers
    DIR/summary.md        verdicts per family parameter (rewritten after every run)
    DIR/.sweep.lock       held while a sweep writes to DIR

Result lines are appended (and flushed) one by one as results arrive, so a run that is killed
loses only the instances still in flight; a torn last line is dropped on the next run.  Lines
are canonical JSON (sorted keys), so the same results give the same lines.
"""

from __future__ import annotations

import contextlib
import json
import os

from exactopen.errors import InputError

RESULTS, CERTS, SUMMARY, LOCK = "results.jsonl", "certificates", "summary.md", ".sweep.lock"


def dumps_line(obj: dict) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def read_results(out_dir: str) -> tuple[dict, bool]:
    """id -> result line (the last one for an id), and whether the file needs rewriting (a torn
    or unreadable line, or an id twice)."""
    path = os.path.join(out_dir, RESULTS)
    results: dict = {}
    dirty = False
    if not os.path.exists(path):
        return results, False
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.endswith("\n"):
                dirty = True  # torn by an interruption
                continue
            try:
                obj = json.loads(line)
                iid = obj["id"]
            except (ValueError, KeyError, TypeError):
                dirty = True
                continue
            if iid in results:
                dirty = True
            results[iid] = obj
    return results, dirty


def is_done(out_dir: str, line: dict) -> bool:
    """A result that a rerun skips: decided (not an error) and its certificate still there."""
    if line.get("verdict") in (None, "error"):
        return False
    cert = line.get("certificate")
    return isinstance(cert, str) and os.path.exists(os.path.join(out_dir, cert))


def rewrite_results(out_dir: str, lines: list[dict]) -> None:
    from exactopen.certificate import write_atomic

    write_atomic(os.path.join(out_dir, RESULTS), "".join(dumps_line(x) + "\n" for x in lines))


class ResultsWriter:
    """Appends result lines, one flushed write per line (fsync on close)."""

    def __init__(self, out_dir: str):
        self.fh = open(os.path.join(out_dir, RESULTS), "a", encoding="utf-8")

    def write(self, line: dict) -> None:
        self.fh.write(dumps_line(line) + "\n")
        self.fh.flush()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.fsync(self.fh.fileno())
        self.fh.close()


@contextlib.contextmanager
def locked(out_dir: str):
    """Refuse a second sweep writing to the same directory at the same time."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fh = open(os.path.join(out_dir, LOCK), "w")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(f"{out_dir}: another sweep is writing to this directory") from None
        yield
    finally:
        fh.close()


def prepare(out_dir: str) -> None:
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise InputError(f"--out {out_dir}: not a directory")
    os.makedirs(os.path.join(out_dir, CERTS), exist_ok=True)


# ---------------------------------------------------------------------------------------
# summary.md
# ---------------------------------------------------------------------------------------

VERDICT_ORDER = ("global_minimum", "strict_saddle", "higher_order_saddle", "local_minimum_not_global",
                 "not_critical", "undecided", "locally_open", "not_locally_open", "error")


def _param_key(params: dict):
    return tuple((k, str(v)) if not isinstance(v, int) else (k, v) for k, v in params.items())


def _sort_key(key):
    return tuple((k, (0, v, "") if isinstance(v, int) else (1, 0, v)) for k, v in key)


def _table(lines: list[dict], column, title: str) -> list[str]:
    """Counts of ``column(line)`` per parameter tuple."""
    cols, rows = [], {}
    for x in lines:
        c = column(x)
        if c is None:
            continue
        if c not in cols:
            cols.append(c)
        key = _param_key(x.get("params") or {})
        rows.setdefault(key, {}).setdefault(c, 0)
        rows[key][c] += 1
    if not rows:
        return []
    cols.sort(key=lambda c: (VERDICT_ORDER.index(c) if c in VERDICT_ORDER else len(VERDICT_ORDER), str(c)))
    names = sorted({k for key in rows for k, _ in key})
    out = [title, "", "| " + " | ".join(names + [str(c) for c in cols] + ["total"]) + " |",
           "|" + "---|" * (len(names) + len(cols) + 1)]
    totals = dict.fromkeys(cols, 0)
    for key in sorted(rows, key=_sort_key):
        counts = rows[key]
        for c in cols:
            totals[c] += counts.get(c, 0)
        vals = dict(key)
        out.append("| " + " | ".join([str(vals.get(k, "-")) for k in names] + [str(counts.get(c, 0)) for c in cols]
                                     + [str(sum(counts.values()))]) + " |")
    out.append("| " + " | ".join(["**all**"] + [""] * (len(names) - 1) + [f"**{totals[c]}**" for c in cols]
                                 + [f"**{sum(totals.values())}**"]) + " |")
    return out + [""]


def summary_markdown(results: dict, title: str = "Sweep summary", preamble: list[str] | None = None) -> str:
    """Verdicts per family parameter (and, for network points, the lowest order of the
    descent curve); errors listed by id."""
    lines = [results[k] for k in sorted(results)]
    out = [f"# {title}", ""] + list(preamble or [])
    fams = sorted({x.get("family", "?") for x in lines})
    out += [f"{len(lines)} instances; every certificate under `certificates/` was accepted by the checker "
            "when it was written. `exactopen verify DIR` re-checks them, checks that each line of `results.jsonl` "
            "states what its certificate proves, and that this file is the summary of those lines.", ""]
    for fam in fams:
        mine = [x for x in lines if x.get("family", "?") == fam]
        out += _table(mine, lambda x: x.get("verdict"), f"## `{fam}`: verdicts")
        orders = _table(mine, lambda x: (f"t^{x['summary']['descent_order']}"
                                         if isinstance(x.get("summary"), dict) and "descent_order" in x["summary"]
                                         else None), f"## `{fam}`: lowest order of the descent curve")
        out += orders
    errors = [x for x in lines if x.get("verdict") == "error"]
    if errors:
        out += ["## Errors", ""] + [f"* `{x['id']}`: {x.get('error', '')}" for x in errors[:50]]
        if len(errors) > 50:
            out.append(f"* ... and {len(errors) - 50} more (see results.jsonl)")
        out.append("")
    return "\n".join(out)


def certificate_files(folder: str) -> list[str]:
    """The certificate files of a sweep directory: every ``*.json`` under ``folder/certificates``
    if it exists, else every ``*.json`` under ``folder`` (recursively), sorted."""
    root = os.path.join(folder, CERTS)
    if not os.path.isdir(root):
        root = folder
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        out += [os.path.join(dirpath, f) for f in filenames if f.endswith(".json") and not f.startswith(".")]
    return sorted(out)
