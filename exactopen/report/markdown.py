"""The audit's Markdown: the verdict tables (``AUDIT.md``, the README's short table, the
terminal summary), ``ERRATA.md`` with its prose, and ``COUNTEREXAMPLES.md``.

A row is a dict with keys ``id``, ``paper`` (the catalogue's one-line summary), ``verdict``,
``note``, ``files`` and ``checker``, as produced by :func:`exactopen.report.audit.run`.
"""

from __future__ import annotations

import os
import re

from exactopen.report.claims import REFUTED, VERDICTS

ERRATA = {
    "thm-5-delta": (
        "Section 3 ('How much perturbation is needed?') and the proof of Prop. 18 state that at every locally "
        "open pair the radius δ of reachable targets can be chosen of order ε, i.e. δ = cε for some c > 0 (read "
        "literally as an upper bound, δ = O(ε) would hold for any smaller δ and say nothing).",
        "At a locally open pair where a rank-raising target exists (u with uᵀW1 = 0, v with W2v = 0 and rank "
        "W1W2 < min(m,k,n), e.g. W1 = 0, W2 = 0 with k < min(m,n)), the target W1W2 + δuvᵀ is in the range and "
        "every preimage (W1+A)(W2+B) satisfies ‖A‖‖B‖ ≥ |uᵀABv|/(‖u‖‖v‖) = distance. So δ(ε) ≤ ε², not order "
        "ε. The rate is linear at pairs of full-rank factors (the exact liftings in the certificates show "
        "exponent 1 there)."),
    "lem-6": (
        "Lemma 6 states that with continuous strictly monotone activations and full-row-rank W_i the map "
        "F_h(W) = σ_h(W_h⋯σ_1(W_1X)) is locally open at W; its induction applies Proposition 4 to "
        "(W_k, Y) ↦ W_kY as if Y ranged over all matrices.",
        "Y only ranges over the outputs of the lower layers. When X is not of full column rank, those outputs "
        "satisfy the linear relations of X's columns only locally (on one linear piece of a leaky ReLU), while "
        "the range contains nearby points that break them. The certificate gives d = (4, 2, 1), n = 3, "
        "rank X = 2, leaky ReLU: every point of the image of a ball of radius 1/2 satisfies z₁ + z₂ = z₃, "
        "yet in-range points (3, 3, 6 − t) approach F(W). With X of full column rank (Section 4's setting) "
        "the lemma holds."),
    "thm-12": (
        "Theorem 12 claims that when d_{p2*} < min(d_h, d_0) there is a rank-deficient Y for which the point "
        "built in its proof (layers [I 0] or 0, Y = e_{d_h}e_{d_0}ᵀ) is a local minimum that is not global.",
        "On every architecture with h ≤ 4 and widths ≤ 4 where the construction applies, the point is critical "
        "and not global, but not a local minimum: an exact polynomial curve W(t) lowers the loss (lowest term "
        "of order t⁴ or t⁶). Straight-line tests cannot see this: the Hessian is PSD and the low-order line "
        "coefficients vanish on its null space. Deep linear networks with the square loss have no non-global "
        "local minima (Zhang 2019)."),
    "ex-intro": (
        "The introduction's example (d = (2,1,1,2), X = I, W1 = [[1,0]], W2 = [[0]], W3 = [[1],[0]], "
        "Y = [[0,0],[0,1]]) is presented as a local minimum that is not global.",
        "It is a saddle: along the curve found by the general search the loss is ½ − t⁴/2 + O(t⁶) < ½."),
    "ex-3layer": (
        "Appendix C's example (d = (3,2,2,3)) is argued to be a local minimum from derivatives of "
        "g(t) = L(W + tA) along straight lines up to order 6.",
        "Passing line tests is not local minimality. The general search finds a curve (layers 1 and 3 moved "
        "linearly in t, layer 2 by t³) along which the loss drops with lowest term −t⁵."),
}


def errata_markdown(rows: list[dict]) -> str:
    out = ["# Errata to \"Learning Deep Models: Critical Points and Local Openness\"", "",
           "Claims of the paper that exactopen refutes, each with a certificate its independent checker "
           "accepts (`exactopen verify certificates/FILE.json`). Claim ids are those of the claims catalogue, "
           "docs/claims.md.",
           ""]
    for r in rows:
        if r["verdict"] != REFUTED:
            continue
        paper, failure = ERRATA.get(r["id"], (r["paper"], r["note"]))
        files = ", ".join(f"[{f}]({f[:-5]}.md)" for f in r["files"][:4])
        more = f" and {len(r['files']) - 4} more" if len(r["files"]) > 4 else ""
        out += [f"## `{r['id']}`", "", f"**The paper.** {paper}", "", f"**Where it fails.** {failure}", "",
                f"**exactopen's finding.** {r['note']}", "", f"**Certificates.** {files}{more}", ""]
    for rid, text in (("sec-4", "Section 4 also asserts that the image of F_h is convex when X has full column "
                       "rank; this fails, e.g., with a logistic hidden layer narrower than n (d = (2,1,1), n = 2, "
                       "X = I: the image is {z : z₁z₂ > 0} ∪ {0}). The conclusion of Section 4 still holds, "
                       "because F_h maps small balls onto neighbourhoods; see the `sec-4` certificates."),):
        out += [f"## `{rid}` (a step, not the conclusion)", "", text, ""]
    return "\n".join(out)


def counterexamples_markdown(counterexample_rows: dict) -> str:
    """The side-by-side table of the paper's claimed non-global local minima
    (``exactopen.report.audit_claims.COUNTEREXAMPLE_ROWS``, filled while building them)."""
    out = ["# The paper's counterexamples, side by side", "",
           "| case | widths | critical (exact) | loss | non-global witness loss | what the paper checked, "
           "recomputed exactly | verdict on local minimality |", "|---|---|---|---|---|---|---|"]
    for name, row in counterexample_rows.items():
        lc = row.get("paper_line_checks") or {}
        coeffs = lc.get("line_coefficients_on_null_space", {})
        checks = (f"gradient 0: {lc.get('critical')}; Hessian PSD: {lc.get('hessian_psd')}; dim N(H) = "
                  f"{lc.get('hessian_null_dim')}; line coefficients t³..t⁶ on N(H): "
                  + ", ".join(f"t^{k} {v}" for k, v in sorted(coeffs.items(), key=lambda kv: int(kv[0]))))
        out.append(f"| `{name}` | {tuple(row['widths'])} | {row['critical']} | {row['loss']} | "
                   f"{row['witness_loss']} | {checks} | **not a local minimum**: {row['verdict'].replace('_', ' ')},"
                   f" descent of order t^{row['descent_order']} ([certificate]({name}.md)) |")
    out += ["", "Theorem 12's construction on all applicable architectures (h ≤ 4, widths ≤ 4): see "
            "`thm-12-d-*.json`; every one is a higher-order saddle.", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# AUDIT.md
# ---------------------------------------------------------------------------------------

TABLE_HEADER = ["| claim | the paper says | exactopen's verdict | certificates | checker | in Coq |",
                "|---|---|---|---|---|---|"]
_ROW = re.compile(r"^\| `([a-z0-9-]+)` \| ")


# committed summaries of larger runs (not regenerated by the audit), linked from a claim's row
RUN_LINKS = {"thm-12": "[census: h ≤ 5, widths ≤ 5](census/thm12-summary.md)"}


def table_row(r: dict) -> str:
    files = ", ".join(([RUN_LINKS[r["id"]]] if r["id"] in RUN_LINKS else [])
                      + [f"[{f[:-5]}]({f[:-5]}.md)" for f in r["files"]])
    verdict = f"**{r['verdict']}**: {r['note']}"
    n = r.get("coq") or 0
    coq = f"[{n} certificate{'s' if n > 1 else ''}](coq/README.md)" if n else "-"
    return f"| `{r['id']}` | {r['paper']} | {verdict} | {files or '-'} | {r['checker']} | {coq} |"


def table_markdown(rows: list[dict]) -> str:
    """AUDIT.md: one row per claim with verdict, note, certificates and the checker's answer."""
    return "\n".join(TABLE_HEADER + [table_row(r) for r in rows]) + "\n"


def merge_table(existing: str | None, rows: list[dict], order: list[str]) -> str:
    """AUDIT.md after regenerating only ``rows``: the other claims' rows of ``existing`` stay as
    they were; rows are kept in ``order`` (the registry's order)."""
    lines = table_rows(existing or "")
    for r in rows:
        lines[r["id"]] = table_row(r)
    return "\n".join(TABLE_HEADER + [lines[cid] for cid in order if cid in lines]) + "\n"


def table_rows(text: str) -> dict[str, str]:
    """claim id -> its row line in an AUDIT.md text."""
    out = {}
    for line in text.splitlines():
        m = _ROW.match(line)
        if m:
            out[m.group(1)] = line
    return out


def verdicts(text: str) -> dict[str, str]:
    """claim id -> verdict, read from an AUDIT.md text."""
    alts = "|".join(re.escape(v) for v in VERDICTS)
    out = {}
    for cid, line in table_rows(text).items():
        m = re.search(rf" \| \*\*({alts})\*\*: ", line)
        if m:
            out[cid] = m.group(1)
    return out


def table_text(rows: list[dict]) -> str:
    """The terminal summary of ``exactopen audit``."""
    out = []
    for r in rows:
        out.append(f"{r['id']:<12} {r['verdict']:<19} {len(r['files']):>2} cert(s)  checker: {r['checker']}")
        out.append(f"{'':<12} paper: {r['paper']}")
        out.append(f"{'':<12} {r['note']}")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# the README's short table
# ---------------------------------------------------------------------------------------

README_START, README_END = "<!-- audit-table:start -->", "<!-- audit-table:end -->"


def readme_block(rows: list[dict]) -> str:
    """The README's short verdict table: claim, one-line statement, verdict (details and
    certificates are in certificates/AUDIT.md)."""
    lines = ["| claim | the paper says | verdict |", "|---|---|---|"]
    for r in rows:
        paper = r["paper"].replace("|", "\\|")
        lines.append(f"| `{r['id']}` | {paper} | **{r['verdict']}** |")
    return "\n".join(lines) + "\n"


def update_readme(readme: str, rows: list[dict]) -> bool:
    """Replace the README's short table (between the markers); False if there are no markers."""
    if not os.path.exists(readme):
        return False
    with open(readme, encoding="utf-8") as fh:
        text = fh.read()
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    from exactopen.certificate import write_atomic

    write_atomic(readme, head + README_START + "\n" + readme_block(rows) + README_END + tail)
    return True
