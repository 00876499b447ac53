"""The paper audit: regenerate and check one certificate set per claim of the catalogue.

``exactopen audit`` (:func:`run`) builds every claim's certificates from the general algorithms
(:mod:`exactopen.report.audit_claims`), runs the checker on each file, writes them with their
rendered proofs, and writes ``AUDIT.md``, ``ERRATA.md`` and ``COUNTEREXAMPLES.md``
(:mod:`exactopen.report.markdown`).  ``exactopen audit --check`` (:func:`check`) regenerates into
a temporary folder and requires the committed files to be byte-identical and accepted.
"""

from __future__ import annotations

import os
import sys

from exactopen.report import markdown
from exactopen.report.audit_claims import CLAIMS, COUNTEREXAMPLE_ROWS, claim_of

__all__ = ["CLAIMS", "COUNTEREXAMPLE_ROWS", "claim_of", "run", "check"]


def _progress(i: int, n: int, cid: str) -> None:
    if sys.stderr.isatty():
        width = 30
        done = int(width * i / n)
        sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{n} {cid:<12}")
        sys.stderr.flush()
        if i == n:
            sys.stderr.write("\n")


def run(out_dir: str, only: list[str] | None = None) -> list[dict]:
    """Regenerate the certificates into ``out_dir``; return the table rows.  With ``only``, just
    those claims are regenerated and their rows replaced in an existing ``AUDIT.md``."""
    from exactopen import kernel
    from exactopen.certificate import dumps, write_atomic
    from exactopen.report import coq, figures
    from exactopen.report.render import render

    os.makedirs(out_dir, exist_ok=True)
    rows = []
    claims = [c for c in CLAIMS if not only or c.id in only]
    plots = figures.available()
    for i, claim in enumerate(claims):
        _progress(i, len(claims), claim.id)
        res = claim.build()
        if plots and claim.figures is not None:
            claim.figures(os.path.join(out_dir, "figures"))
        images = [(f"figure for {claim.id}", f"figures/{stem}.png") for stem in claim.figure_stems]
        files, checker, theorems = [], "accepted", 0
        for case, cert in res.certs:
            name = f"{claim.id}-{case}.json" if case else f"{claim.id}.json"
            try:
                kernel.check(cert)
            except kernel.Rejected as exc:
                checker = f"REJECTED {name}: {exc}"
            write_atomic(os.path.join(out_dir, name), dumps(cert))
            extra = []
            if figures.is_descent_certificate(cert):
                stem = "descent-" + name[:-5]
                if plots:
                    formats = ("png", "svg") if claim.id in ("ex-intro", "ex-3layer") else ("png",)
                    figures.certificate_descent_figure(cert, os.path.join(out_dir, "figures"), stem, formats)
                extra = [("loss along the descent curve and along straight lines", f"figures/{stem}.png")]
            if checker == "accepted":
                write_atomic(os.path.join(out_dir, name[:-5] + ".md"), render(cert, "md", images + extra))
                theorems += coq.write_instance(os.path.join(out_dir, coq.AUDIT_DIR), cert, name[:-5])
            files.append(name)
        if not files:
            checker = "-"
        rows.append({"id": claim.id, "paper": claim.paper, "verdict": res.verdict, "note": res.note,
                     "files": files, "checker": checker, "coq": theorems})
    _progress(len(claims), len(claims), "done")
    coq.write_index(os.path.join(out_dir, coq.AUDIT_DIR))
    if not plots:
        print("figures skipped: matplotlib is not installed (pip install -e '.[plot]')", file=sys.stderr)
    table = os.path.join(out_dir, "AUDIT.md")
    if only:
        existing = None
        if os.path.exists(table):
            with open(table, encoding="utf-8") as fh:
                existing = fh.read()
        write_atomic(table, markdown.merge_table(existing, rows, [c.id for c in CLAIMS]))
    else:
        write_atomic(table, markdown.table_markdown(rows))
        write_atomic(os.path.join(out_dir, "ERRATA.md"), markdown.errata_markdown(rows))
        write_atomic(os.path.join(out_dir, "COUNTEREXAMPLES.md"),
                     markdown.counterexamples_markdown(COUNTEREXAMPLE_ROWS))
    return rows


def check(committed_dir: str, only: list[str] | None = None) -> list[str]:
    """Problems with the committed certificates: rejected, missing, or not byte-identical
    (``only``: regenerate and compare just these claims' files and AUDIT.md rows)."""
    import filecmp
    import tempfile

    from exactopen import kernel

    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        run(tmp, only)
        fresh = sorted(f for f in os.listdir(tmp) if f.endswith((".json", ".md")) and not (only and f == "AUDIT.md"))
        for f in fresh:
            path = os.path.join(committed_dir, f)
            if not os.path.exists(path):
                problems.append(f"{f}: missing from {committed_dir}")
            elif not filecmp.cmp(path, os.path.join(tmp, f), shallow=False):
                problems.append(f"{f}: differs from a fresh regeneration")
        problems += _check_coq(committed_dir, tmp, only)
        if only:
            problems += _check_rows(committed_dir, tmp)
        mine = (lambda f: claim_of(f) in only) if only else (lambda f: True)
        for f in sorted(os.listdir(committed_dir)):
            if f.endswith(".json") and f != "schema.json" and mine(f):
                if f not in fresh:
                    problems.append(f"{f}: not produced by the audit (stale)")
                try:
                    kernel.check_file(os.path.join(committed_dir, f))
                except kernel.Rejected as exc:
                    problems.append(f"{f}: rejected: {exc}")
    return problems


def _check_coq(committed_dir: str, fresh_dir: str, only: list[str] | None) -> list[str]:
    """The Coq exports (certificates/coq/): byte-identical to a fresh regeneration, none stale."""
    import filecmp

    from exactopen.report.coq import AUDIT_DIR

    fresh_coq, committed_coq = os.path.join(fresh_dir, AUDIT_DIR), os.path.join(committed_dir, AUDIT_DIR)
    fresh = sorted(os.listdir(fresh_coq)) if os.path.isdir(fresh_coq) else []
    committed = sorted(os.listdir(committed_coq)) if os.path.isdir(committed_coq) else []
    problems = []
    for f in fresh:
        if only and f in ("README.md", "_CoqProject"):  # the index of a partial run lists only its files
            continue
        path = os.path.join(committed_coq, f)
        if not os.path.exists(path):
            problems.append(f"{AUDIT_DIR}/{f}: missing from {committed_dir}")
        elif not filecmp.cmp(path, os.path.join(fresh_coq, f), shallow=False):
            problems.append(f"{AUDIT_DIR}/{f}: differs from a fresh regeneration")
    if not only:
        problems += [f"{AUDIT_DIR}/{f}: not produced by the audit (stale)" for f in committed
                     if f.endswith(".v") and f not in fresh]
    return problems


def _check_rows(committed_dir: str, fresh_dir: str) -> list[str]:
    """With ``--only``: the regenerated claims' rows of AUDIT.md must match the committed ones."""
    path = os.path.join(committed_dir, "AUDIT.md")
    if not os.path.exists(path):
        return [f"AUDIT.md: missing from {committed_dir}"]
    with open(path, encoding="utf-8") as fh:
        committed = markdown.table_rows(fh.read())
    with open(os.path.join(fresh_dir, "AUDIT.md"), encoding="utf-8") as fh:
        fresh = markdown.table_rows(fh.read())
    return [f"AUDIT.md: the row of `{cid}` differs from a fresh regeneration"
            for cid, line in fresh.items() if committed.get(cid) != line]
