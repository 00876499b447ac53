"""The chain atlas: every class of chains (h layers, widths <= wmax) up to change of basis,
with its rank profile, verdict, argument, certified rate bound and certificate.

    python -m exactopen.report.chain_atlas [DIR]             # write DIR (default certificates/chains)
    python -m exactopen.report.chain_atlas --extended [DIR]  # the extended atlases (h3-w4, h4-w3, h5-w2)
    python -m exactopen.report.chain_atlas --only=h4-w3 [DIR]
    python -m exactopen.report.chain_atlas --readme [DIR]    # README.md from the rows present
    python -m exactopen.report.chain_atlas --check [--extended] [DIR]  # re-verify
    python -m exactopen.report.chain_atlas --refresh-undetermined --extended [DIR]  # re-decide the undetermined rows

Each class's certificate is ``decide_chain(representative(h, mult))``, checked when written;
``h<h>-w<w>.jsonl`` holds the rows and ``h<h>-w<w>.certificates.jsonl.gz`` the certificates,
one per line in the same order (gzip, deterministic).  ``--check`` runs the checker on every
stored certificate and confirms that its verdict, argument, rate and widths are the row's and
that the ranks of its layers' partial products are the row's rank profile (the class)."""

from __future__ import annotations

import collections
import gzip
import io
import json
import os
import sys

from exactopen import kernel
from exactopen.openness.chain import (
    chain_classes,
    class_widths,
    decide_chain,
    rank_profile_of,
    representative,
)

ATLASES = ((3, 3), (4, 2))
EXTENDED = ((3, 4), (4, 3), (5, 2))  # rows gzipped (``h<h>-w<w>.jsonl.gz``): about 40,000 classes


ROW_KEYS = {"h", "widths", "intervals", "ranks", "verdict", "argument", "rate", "rate_constant", "preimage_rate",
            "preimage_constant", "reason"}


def _row(h: int, mult: dict, verdict: str, reason: str, cert: dict) -> dict:
    res, ev = cert["result"], cert["evidence"]
    return {"h": h, "widths": class_widths(h, mult),
            "intervals": {f"{a}-{b}": m for (a, b), m in sorted(mult.items()) if m},
            "ranks": rank_profile_of(h, mult), "verdict": verdict, "argument": res["argument"],
            "rate": res.get("rate"), "rate_constant": ev.get("rate", {}).get("constant"),
            "preimage_rate": res.get("preimage_rate"),
            "preimage_constant": ev.get("family", {}).get("constant"), "reason": reason}


def atlas(h: int, wmax: int, certs: list | None = None, progress=None) -> list[dict]:
    rows = []
    for i, mult in enumerate(chain_classes(h, wmax)):
        verdict, reason, cert = decide_chain(representative(h, mult))
        kernel.check(cert)  # every row is accepted by the checker
        if certs is not None:
            certs.append(cert)
        rows.append(_row(h, mult, verdict, reason, cert))
        if progress and i % 1000 == 999:
            progress(f"h{h}-w{wmax}: {i + 1} classes")
    return rows


def _rows_path(folder: str, h: int, w: int) -> str:
    plain = os.path.join(folder, f"h{h}-w{w}.jsonl")
    return plain if (h, w) in ATLASES else plain + ".gz"


def _atomic(path: str, data: bytes) -> None:
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _gz(lines) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        for line in lines:
            gz.write((line + "\n").encode("utf-8"))
    return buf.getvalue()


def write_one(folder: str, h: int, w: int, progress=None) -> None:
    """Decide, check and write one atlas (rows and certificates)."""
    os.makedirs(folder, exist_ok=True)
    certs: list = []
    rows = atlas(h, w, certs, progress)
    _atomic(os.path.join(folder, f"h{h}-w{w}.certificates.jsonl.gz"),
            _gz(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in certs))
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    path = _rows_path(folder, h, w)
    _atomic(path, _gz(lines) if path.endswith(".gz") else ("\n".join(lines) + "\n").encode("utf-8"))


def _read_rows(folder: str, h: int, w: int) -> list[dict] | None:
    path = _rows_path(folder, h, w)
    if not os.path.exists(path):
        return None
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def readme(folder: str) -> None:
    """certificates/chains/README.md from the rows present (counts, undetermined classes, rates)."""
    lines = ["# Chain atlas", "", "Every class up to change of basis (interval multiplicities = ranks of all partial",
             "products); verdicts by `exactopen.openness.chain.decide_chain`. `h<h>-w<w>.jsonl` (gzipped for the",
             "extended atlases) holds a row per class, `h<h>-w<w>.certificates.jsonl.gz` its certificate (same",
             "order, one per line); `python -m exactopen.report.chain_atlas --check [--extended]` re-verifies every",
             "certificate with the checker and compares it with its row (verdict, argument, rates, and the class:",
             "ranks of the partial products).", "",
             "Rates (docs/chains.md): `rate` = \"1/p\" (Lemma C5, at every degenerate class not proved non-open): "
             "every preimage of the in-range targets Z̄ + δ E_ab moves some layer by >= min(1, (c|δ|)^(1/p)), a lower "
             "bound on the needed perturbation. `preimage_rate` = \"1/q\" (an explicit preimage family, argument "
             "`family`): every target at max-distance δ <= 1 has a preimage moving every layer entry by <= C δ^(1/q), "
             "an upper bound; with argument `zero-end` (Lemma C11) `preimage_rate` = \"1/(2q)\" from its sub-chain's family, "
             "with `reduce` (Lemma C10) the reduced chain's, with `rotate` (Lemma C12) its family's, with `gap-free` (Lemma C9: "
             "no left and right summand leave a gap) 1/1 (constants not stated). Where p = q the exponent 1/p of the "
             "openness modulus is exact. `rank-criterion` (Theorem C16 of docs/chains.md, the lemma "
             "`chain-rank-criterion`): the ranks of the partial products satisfy (R), so the class is open; "
             "`decide_chain` uses it only where every other argument fails (no upper rate).", "",
             "| h | widths ≤ | classes | degenerate | lem-10 | gap-free (open) | split (open) | family (open) | zero-end (open) "
             "| reduce (open) | rotate (open) | rank-criterion (open) | obstruction | grouping | undetermined |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    und, crit, hist, rates, gaps, expo = [], [], [], [], [], []
    for h, w in ATLASES + EXTENDED:
        rows = _read_rows(folder, h, w)
        label = ""
        if rows is None:
            part = os.path.join(folder, f"h{h}-w{w}.partial.jsonl.gz")
            if not os.path.exists(part):
                lines.append(f"| {h} | {w} | not generated | | | | | | | | | | | | |")
                continue
            with gzip.open(part, "rt", encoding="utf-8") as f:
                rows = [json.loads(line) for line in f]
            label = f" (partial: the first {len(rows)} of {len(chain_classes(h, w))} classes)"
        w = f"{w}{label}"
        c = collections.Counter(r["argument"] for r in rows)
        lines.append(f"| {h} | {w} | {len(rows)} | {len(rows) - c['lem-10']} | {c['lem-10']} | {c['gap-free']} | {c['split']} | "
                     f"{c['family']} | {c['zero-end']} | {c['reduce']} | {c['rotate']} | {c['rank-criterion']} | "
                     f"{c['obstruction']} | "
                     f"{c['grouping']} | {c['none']} |")
        for out, arg in ((und, "none"), (crit, "rank-criterion")):
            left = [r for r in rows if r["argument"] == arg]
            if left:
                out.append(f"* h = {h}, widths <= {w} ({len(left)}): " + "; ".join(
                    f"widths {r['widths']} intervals {r['intervals']}" for r in left[:40])
                    + ("; ..." if len(left) > 40 else ""))
        for label, keep in (("open (gap-free)", "gap-free"), ("open (split)", "split"), ("open (family)", "family"), ("open (zero-end)", "zero-end"),
                            ("open (reduce)", "reduce"), ("open (rotate)", "rotate"),
                            ("open (rank-criterion)", "rank-criterion"), ("undetermined", "none")):
            ps = collections.Counter(r["rate"] for r in rows if r["argument"] == keep)
            if ps:
                hist.append(f"| {h} | {w} | {label} | " + " | ".join(str(ps.get(f"1/{p}", 0)) for p in range(1, 6))
                            + " |")
        pq = collections.Counter((r["rate"], r["preimage_rate"]) for r in rows if r.get("preimage_rate"))
        for (p, q), n in sorted(pq.items()):
            rates.append(f"| {h} | {w} | {p} | {q} | {n} | {'exact' if p == q else 'gap'} |")
        gap = [r for r in rows if r.get("preimage_rate") and r["preimage_rate"] != r["rate"]]
        deg_open = [r for r in rows if r["verdict"] == "locally_open" and r["argument"] != "lem-10"]
        exact = collections.Counter(r["rate"] for r in deg_open if r.get("preimage_rate") == r["rate"])
        expo.append(f"| {h} | {w} | {len(deg_open)} | " + " | ".join(str(exact.get(f"1/{p}", 0)) for p in range(1, 6))
                    + f" | {sum(exact.values())} | {len(gap)} | {sum(1 for r in deg_open if not r.get('preimage_rate'))} |")
        if gap:
            gaps.append(f"* h = {h}, widths <= {w} ({len(gap)}): " + "; ".join(
                f"{r['intervals']} ({r['rate']} vs {r['preimage_rate']})" for r in gap[:40])
                + ("; ..." if len(gap) > 40 else ""))
    lines += ["", "Undetermined classes:", ""] + (und or ["none"]) + [""]
    lines += ["Classes decided by the rank criterion alone (Theorem C16; no split, preimage family or Lemma C10-C12 "
              "applies):", ""] + (crit or ["none"]) + [""]
    lines += ["Certified rate lower bounds (Lemma C5): number of degenerate classes with each p (needed perturbation "
              ">= (c distance)^(1/p)); p is the largest with V_p != 0 (also certified, evidence.rate.maximal: no "
              "larger p for Lemma C5).", "",
              "| h | widths ≤ | verdict | p = 1 | p = 2 | p = 3 | p = 4 | p = 5 |", "|---|---|---|---|---|---|---|---|"]
    lines += hist
    lines += ["", "Exact Hölder exponents of local openness at the degenerate open classes: where Lemma C5's lower "
              "exponent meets a certified upper one (families, Lemmas C9-C12), the number of classes with each "
              "exponent; then the classes with a gap between the two, and those with the lower bound only (splits, "
              "the rank criterion).", "",
              "| h | widths ≤ | degenerate open | exact 1/1 | exact 1/2 | exact 1/3 | exact 1/4 | exact 1/5 | exact (all) "
              "| gap | lower bound only |", "|---|---|---|---|---|---|---|---|---|---|---|"] + expo
    lines += ["", "Two-sided rates (classes with a preimage family or Lemmas C9-C12): Lemma C5's lower exponent 1/p "
              "against the upper 1/q (needed perturbation between (c δ)^(1/p) and C δ^(1/q)).", "",
              "| h | widths ≤ | lower 1/p | upper 1/q | classes | |", "|---|---|---|---|---|---|"] + (rates or ["| | | | | 0 | |"])
    lines += ["", "Where the exponents do not meet (Lemma C5's p and the family's q; every other degenerate open class "
              "has only Lemma C5's lower bound). At (N, N, N) = {'0-0': 1, '0-1': 1, '1-2': 1, '2-3': 1, '3-3': 1} "
              "Lemma C17 of docs/chains.md proves the exponent exactly 1/3 (a proof in the docs, not a certificate):",
              ""] + (gaps or ["none"])
    _atomic(os.path.join(folder, "README.md"), ("\n".join(lines) + "\n").encode("utf-8"))


def refresh_undetermined(folder: str, which=EXTENDED, progress=None) -> dict:
    """Re-decide only the rows left undetermined (argument none) with the current arguments, check
    each new certificate, and rewrite rows and certificates in place (every other row kept as it
    is): the extended atlases take hours to regenerate in full.  Returns {atlas: (before, after)}."""
    return refresh_rows(folder, which, lambda row: row["argument"] == "none", progress)


def refresh_gap_free(folder: str, which=ATLASES + EXTENDED, progress=None) -> dict:
    """Re-decide the rows proved open by a split at a gap-free class (Lemma C5's p = 1), which the
    argument gap-free (Lemma C9) now certifies with the upper exponent 1.  Returns
    {atlas: (split rows with p = 1 before, after)}."""
    return refresh_rows(folder, which, lambda row: row["argument"] == "split" and row["rate"] == "1/1", progress)


def refresh_rows(folder: str, which, select, progress=None) -> dict:
    """Re-decide the rows for which ``select(row)`` holds (every other row kept as it is), check each
    new certificate, rewrite rows and certificates atomically.  Returns {atlas: (selected before, after)}."""
    out = {}
    for h, w in which:
        rows = _read_rows(folder, h, w)
        if rows is None:
            continue
        cpath = os.path.join(folder, f"h{h}-w{w}.certificates.jsonl.gz")
        with gzip.open(cpath, "rt", encoding="utf-8") as f:
            texts = f.read().splitlines()
        before = sum(1 for r in rows if select(r))
        for i, row in enumerate(rows):
            if not select(row):
                continue
            mult = {tuple(int(x) for x in k.split("-")): m for k, m in row["intervals"].items()}
            verdict, reason, cert = decide_chain(representative(h, mult))
            kernel.check(cert)
            rows[i] = _row(h, mult, verdict, reason, cert)
            texts[i] = json.dumps(cert, ensure_ascii=False, separators=(",", ":"))
        _atomic(cpath, _gz(texts))
        lines = [json.dumps(r, ensure_ascii=False) for r in rows]
        path = _rows_path(folder, h, w)
        _atomic(path, _gz(lines) if path.endswith(".gz") else ("\n".join(lines) + "\n").encode("utf-8"))
        out[f"h{h}-w{w}"] = (before, sum(1 for r in rows if select(r)))
        if progress:
            progress(f"h{h}-w{w}: selected rows {out[f'h{h}-w{w}'][0]} -> {out[f'h{h}-w{w}'][1]}")
    return out


def write(folder: str, which=ATLASES) -> None:
    for h, w in which:
        write_one(folder, h, w)
    readme(folder)


def check(folder: str, limit: int | None = None, which=ATLASES) -> dict:
    """Re-verify the committed atlas (the first ``limit`` classes of each file, or all): every
    certificate accepted by the checker, its result equal to the row, its class the row's."""
    from exactopen.exact import matrix as mx
    from exactopen.openness.chain import product

    counts = {}
    for h, w in which:
        rows = _read_rows(folder, h, w)
        if rows is None:
            raise AssertionError(f"h{h}-w{w}: no rows in {folder}")
        with gzip.open(os.path.join(folder, f"h{h}-w{w}.certificates.jsonl.gz"), "rt", encoding="utf-8") as f:
            texts = f.read().splitlines()
        if len(texts) != len(rows):
            raise AssertionError(f"h{h}-w{w}: {len(rows)} rows but {len(texts)} certificates")
        n = 0
        for row, text in list(zip(rows, texts))[:limit]:
            kernel.check(text)
            cert = json.loads(text)
            res = cert["result"]
            for key in ("verdict", "argument", "widths"):
                if res[key] != row[key]:
                    raise AssertionError(f"h{h}-w{w} {row['intervals']}: certificate {key} {res[key]} != row {row[key]}")
            if res.get("rate") != row["rate"] or res.get("preimage_rate") != row.get("preimage_rate"):
                raise AssertionError(f"h{h}-w{w} {row['intervals']}: rate differs")
            ev = cert["evidence"]
            if (row.get("rate_constant") != ev.get("rate", {}).get("constant")
                    or row.get("preimage_constant") != ev.get("family", {}).get("constant")):
                raise AssertionError(f"h{h}-w{w} {row['intervals']}: a constant differs from the certificate's")
            if set(row) != ROW_KEYS or row["h"] != h:
                raise AssertionError(f"h{h}-w{w} {row['intervals']}: the row's fields are not {sorted(ROW_KEYS)}")
            try:
                mult = {tuple(int(x) for x in k.split("-")): m for k, m in row["intervals"].items()}
                ok = rank_profile_of(h, mult) == row["ranks"] and class_widths(h, mult) == row["widths"]
            except (ValueError, TypeError, AttributeError, KeyError, IndexError):
                ok = False
            if not ok:
                raise AssertionError(f"h{h}-w{w} {row['intervals']}: the intervals are not the class of the row's ranks")
            layers = [mx.from_json(L) for L in cert["inputs"]["layers"]]
            ranks = {f"{a}-{b}": product(layers, a, b).rank() for a in range(h) for b in range(a + 1, h + 1)}
            if ranks != row["ranks"]:
                raise AssertionError(f"h{h}-w{w} {row['intervals']}: the certificate's chain is another class")
            n += 1
        counts[f"h{h}-w{w}"] = n
    return counts


if __name__ == "__main__":
    args = sys.argv[1:]
    which = EXTENDED if "--extended" in args else ATLASES
    only = [a for a in args if a.startswith("--only=")]
    if only:
        which = tuple(tuple(int(x) for x in a.split("=", 1)[1].lstrip("h").split("-w")) for a in only)
    rest = [a for a in args if not a.startswith("--")]
    folder = rest[0] if rest else "certificates/chains"
    if "--check" in args:
        try:
            print(check(folder, which=which), "classes re-verified")
        except (AssertionError, kernel.Rejected, OSError, ValueError) as exc:  # one line, no traceback
            print(f"atlas check FAILED: {str(exc)[:300]}", file=sys.stderr)
            sys.exit(1)
    elif "--readme" in args:
        readme(folder)
    elif "--refresh-gap-free" in args:
        refresh_gap_free(folder, which if only else ATLASES + EXTENDED, progress=lambda m: print(m, flush=True))
        readme(folder)
    elif "--refresh-undetermined" in args:
        refresh_undetermined(folder, which, progress=lambda m: print(m, flush=True))
        readme(folder)
    else:
        for h, w in which:
            write_one(folder, h, w, progress=lambda m: print(m, flush=True))
        readme(folder)
