"""Issue 24: the rank criterion (R) of docs/chains.md ("A rank criterion") against every class.

For each range (h layers, widths <= w) every class of chains up to change of basis (interval
multiplicities, ``chain_classes``) is decided by ``decide_chain`` on its normal form, its
certificate is checked by the checker, and the verdict is compared with (R) (``candidate``)
and with ``decide_by_ranks`` (ranks only).  A *contradiction* is a class whose certified verdict
differs from (R); ``decide_by_ranks`` must agree with every certified verdict.  Prints the
table of docs/chains.md; ``--out FILE`` also writes one JSON line per class.

    python benchmarks/chain_criterion.py                      # h:w = 3:3 4:2 3:4 5:2 4:3
    python benchmarks/chain_criterion.py --ranges 3:3 4:2     # the atlas ranges only
    python benchmarks/chain_criterion.py --probe              # + the probe where only Theorem C16 decides
"""

from __future__ import annotations

import argparse
import collections
import json
import time

from exactopen import kernel
from exactopen.openness.chain import chain_classes, class_widths, decide_chain, rank_profile_of, representative
from exactopen.openness.chain_criterion import candidate, decide_by_ranks

RANGES = ((3, 3), (4, 2), (3, 4), (5, 2), (4, 3))


def run_range(h: int, w: int, out=None, probe: bool = False) -> dict:
    c: collections.Counter = collections.Counter()
    contradictions, disagreements = [], []
    t0 = time.time()
    for mult in chain_classes(h, w):
        d, ranks = class_widths(h, mult), rank_profile_of(h, mult)
        predicted_open, bad = candidate(d, ranks)
        verdict, _, cert = decide_chain(representative(h, mult))
        kernel.check(cert)
        argument, rate = cert["result"]["argument"], cert["result"].get("rate")
        by_ranks, rank_argument, _ = decide_by_ranks(d, ranks)
        c["classes"] += 1
        c[argument] += 1
        c["criterion holds" if predicted_open else "criterion fails"] += 1
        if rank_argument == "gap-free":
            c["gap-free"] += 1
            c["gap-free with rate 1/1"] += rate == "1/1"
        if argument == "split" and rate == "1/1":
            c["split with rate 1/1"] += 1
        label = {(a, b): m for (a, b), m in mult.items() if m}
        if verdict != "undetermined" and (verdict == "locally_open") != predicted_open:
            contradictions.append(label)
        if by_ranks != verdict:
            disagreements.append(label)
        if probe and argument in ("none", "rank-criterion"):  # numerical evidence only (uncertified)
            from exactopen.numeric.probe import probe_chain, rate_guess

            res = probe_chain(representative(h, mult))
            c[f"probe {res.verdict}" + (f" {rate_guess(res.exponent)}" if res.verdict == "locally_open" else "")] += 1
        if out is not None:
            out.write(json.dumps({"h": h, "widths": d, "intervals": {f"{a}-{b}": m for (a, b), m in sorted(label.items())},
                                  "verdict": verdict, "argument": argument, "rate": rate,
                                  "criterion": predicted_open, "fails_at": bad,
                                  "by_ranks": by_ranks, "by_ranks_argument": rank_argument}) + "\n")
    return {"h": h, "w": w, "counts": dict(c), "contradictions": contradictions,
            "disagreements": disagreements, "seconds": round(time.time() - t0)}


def table(results: list[dict]) -> str:
    lines = ["| range | classes | (R) fails: certified not open (C3 / C4) | (R) holds: certified open "
             "(lem-10 / split) | (R) holds, only Theorem C16 (rank-criterion) | undetermined | contradictions | "
             "decide_by_ranks disagrees | gap-free (= split with rate 1/1) |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        c = collections.Counter(r["counts"])
        lines.append(f"| h = {r['h']}, widths ≤ {r['w']} | {c['classes']:,} | "
                     f"{c['obstruction'] + c['grouping']:,} ({c['obstruction']:,} / {c['grouping']:,}) | "
                     f"{c['lem-10'] + c['split']:,} ({c['lem-10']:,} / {c['split']:,}) | {c['rank-criterion']:,} | "
                     f"{c['none']:,} | "
                     f"{len(r['contradictions'])} | {len(r['disagreements'])} | "
                     f"{c['gap-free']:,} (= {c['split with rate 1/1']:,}) |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ranges", nargs="+", default=[f"{h}:{w}" for h, w in RANGES], metavar="H:W")
    p.add_argument("--out", default=None, help="write one JSON line per class to this file")
    p.add_argument("--probe", action="store_true",
                   help="also run the numerical probe (uncertified) where only Theorem C16 decides (or none) and count its "
                        "verdicts and measured exponents")
    args = p.parse_args(argv)
    out = open(args.out, "w", encoding="utf-8") if args.out else None
    results = []
    for spec in args.ranges:
        h, w = (int(x) for x in spec.split(":"))
        results.append(run_range(h, w, out, args.probe))
        r = results[-1]
        print(f"h = {h}, widths <= {w}: {r['counts']} contradictions {r['contradictions']} "
              f"disagreements {r['disagreements']} ({r['seconds']} s)", flush=True)
    if out is not None:
        out.close()
    print(table(results))
    return 1 if any(r["contradictions"] or r["disagreements"] for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
