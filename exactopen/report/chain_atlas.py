"""The chain atlas: every class of chains (h layers, widths <= wmax) up to change of basis,
with its rank profile, verdict, argument, certified rate bound and certificate.

    python -m exactopen.report.chain_atlas [DIR]          # write DIR (default certificates/chains)
    python -m exactopen.report.chain_atlas --check [DIR]  # re-verify the committed atlas

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


def atlas(h: int, wmax: int, certs: list | None = None) -> list[dict]:
    rows = []
    for mult in chain_classes(h, wmax):
        verdict, reason, cert = decide_chain(representative(h, mult))
        kernel.check(cert)  # every row is accepted by the checker
        if certs is not None:
            certs.append(cert)
        rows.append({"h": h, "widths": class_widths(h, mult),
                     "intervals": {f"{a}-{b}": m for (a, b), m in sorted(mult.items()) if m},
                     "ranks": rank_profile_of(h, mult), "verdict": verdict,
                     "argument": cert["result"]["argument"], "rate": cert["result"].get("rate"),
                     "rate_constant": cert["evidence"].get("rate", {}).get("constant"), "reason": reason})
    return rows


def write(folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    lines = ["# Chain atlas", "", "Every class up to change of basis (interval multiplicities = ranks of all partial",
             "products); verdicts by `exactopen.openness.chain.decide_chain`. `h<h>-w<w>.jsonl` holds a row per",
             "class, `h<h>-w<w>.certificates.jsonl.gz` its certificate (same order, one per line);",
             "`python -m exactopen.report.chain_atlas --check` re-verifies every certificate with the checker and",
             "compares it with its row (verdict, argument, rate, and the class: ranks of the partial products).", "",
             "Rate column (`rate` = \"1/p\", `rate_constant` = c in the rows): Lemma C5 of docs/chains.md, "
             "certified at every degenerate class not proved non-open: every preimage of the in-range targets "
             "Z̄ + δ E_ab moves some layer by >= min(1, (c|δ|)^(1/p)). A lower bound on the needed perturbation "
             "(the openness modulus is no better than distance^(1/p)), not the exact rate.", "",
             "| h | widths ≤ | classes | degenerate | lem-10 | split (open) | obstruction | grouping | undetermined |",
             "|---|---|---|---|---|---|---|---|---|"]
    hist, undetermined = [], []
    for h, w in ATLASES:
        certs: list = []
        rows = atlas(h, w, certs)
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
            for c in certs:
                gz.write((json.dumps(c, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
        with open(os.path.join(folder, f"h{h}-w{w}.certificates.jsonl.gz"), "wb") as f:
            f.write(buf.getvalue())
        for label, keep in (("open (split)", "split"), ("undetermined", "none")):
            ps = collections.Counter(r["rate"] for r in rows if r["argument"] == keep)
            hist.append(f"| {h} | {w} | {label} | " + " | ".join(str(ps.get(f"1/{p}", 0)) for p in range(1, 5))
                        + " |")
        with open(os.path.join(folder, f"h{h}-w{w}.jsonl"), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        c = collections.Counter(r["argument"] for r in rows)
        lines.append(f"| {h} | {w} | {len(rows)} | {len(rows) - c['lem-10']} | {c['lem-10']} | {c['split']} | "
                     f"{c['obstruction']} | {c['grouping']} | {c['none']} |")
        und = [r for r in rows if r["argument"] == "none"]
        undetermined.append(f"* h = {h}: " + "; ".join(
            f"widths {r['widths']} intervals {r['intervals']}" for r in und))
    lines += ["", "Undetermined classes:", ""] + undetermined + [""]
    lines += ["Certified rate bounds (Lemma C5): number of degenerate classes with each p (needed perturbation "
              ">= (c distance)^(1/p)); p is the largest with V_p != 0 (also certified, evidence.rate.maximal: no larger p for Lemma C5); the true exponent may still be smaller than 1/p.", "",
              "| h | widths ≤ | verdict | p = 1 | p = 2 | p = 3 | p = 4 |", "|---|---|---|---|---|---|---|"] + hist
    with open(os.path.join(folder, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def check(folder: str, limit: int | None = None) -> dict:
    """Re-verify the committed atlas (the first ``limit`` classes of each file, or all): every
    certificate accepted by the checker, its result equal to the row, its class the row's."""
    from exactopen.exact import matrix as mx
    from exactopen.openness.chain import product

    counts = {}
    for h, w in ATLASES:
        with open(os.path.join(folder, f"h{h}-w{w}.jsonl"), encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
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
            if res.get("rate") != row["rate"]:
                raise AssertionError(f"h{h}-w{w} {row['intervals']}: rate differs")
            layers = [mx.from_json(L) for L in cert["inputs"]["layers"]]
            ranks = {f"{a}-{b}": product(layers, a, b).rank() for a in range(h) for b in range(a + 1, h + 1)}
            if ranks != row["ranks"]:
                raise AssertionError(f"h{h}-w{w} {row['intervals']}: the certificate's chain is another class")
            n += 1
        counts[f"h{h}-w{w}"] = n
    return counts


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--check"]:
        print(check(args[1] if len(args) > 1 else "certificates/chains"), "classes re-verified")
    else:
        write(args[0] if args else "certificates/chains")
