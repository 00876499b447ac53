"""Issue 24: ``decide_chain`` on large random chains (every class decided, Theorem C16 last).

Random classes (a random interval multiset with h layers and widths <= w, every node of width >= 1)
in a dense random rational basis (W_i = G_i R_i G_{i-1}^-1, R the normal form), seeded.  For each
chain: the CPU time of ``decide_chain`` and of the checker on its certificate, and the argument.

    python benchmarks/chain_large.py                       # h = 6, 8, 12; widths <= 6; 5 chains each
    python benchmarks/chain_large.py --h 8 --n 10 --w 4
    python benchmarks/chain_large.py --criterion            # only classes decide_by_ranks leaves to Theorem C16
"""

from __future__ import annotations

import argparse
import collections
import random
import time

from exactopen import kernel
from exactopen.landscape.examples import random_invertible
from exactopen.openness.chain import class_widths, decide_chain, intervals, rank_profile_of, representative
from exactopen.openness.chain_criterion import decide_by_ranks


def random_mult(rng: random.Random, h: int, wmax: int) -> dict:
    """A random interval multiset with widths in [1, wmax]."""
    mult: dict = {}
    d = [0] * (h + 1)
    ivs = intervals(h)
    for _ in range(rng.randint(h, 3 * h)):
        a, b = rng.choice(ivs)
        if all(d[i] < wmax for i in range(a, b + 1)):
            mult[(a, b)] = mult.get((a, b), 0) + 1
            for i in range(a, b + 1):
                d[i] += 1
    for i in range(h + 1):
        if d[i] == 0:
            mult[(i, i)] = 1
    return mult


def dense_chain(h: int, mult: dict, rng: random.Random) -> list:
    R = representative(h, mult)
    G = [random_invertible(x, rng) for x in class_widths(h, mult)]
    return [G[i + 1] * R[i] * G[i].inv() for i in range(h)]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--h", type=int, nargs="*", default=[6, 8, 12])
    ap.add_argument("--w", type=int, default=6)
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--criterion", action="store_true",
                    help="sample only classes that decide_by_ranks decides by the rank criterion (Theorem C16)")
    args = ap.parse_args(argv)
    print("| h | widths ≤ | chains | arguments | decide_chain CPU s (median / max) | checker CPU s (median / max) |")
    print("|---|---|---|---|---|---|")
    for h in args.h:
        rng = random.Random(args.seed * 1000 + h)
        dec, chk, args_seen = [], [], collections.Counter()
        for _ in range(args.n):
            mult = random_mult(rng, h, args.w)
            while args.criterion and decide_by_ranks(class_widths(h, mult), rank_profile_of(h, mult))[1] != \
                    "rank-criterion":
                mult = random_mult(rng, h, args.w)
            layers = dense_chain(h, mult, rng)
            t = time.process_time()
            verdict, _, cert = decide_chain(layers)
            dec.append(time.process_time() - t)
            t = time.process_time()
            kernel.check(cert)
            chk.append(time.process_time() - t)
            args_seen[cert["result"]["argument"]] += 1
        dec.sort()
        chk.sort()
        print(f"| {h} | {args.w} | {args.n} | {', '.join(f'{a} {n}' for a, n in sorted(args_seen.items()))} | "
              f"{dec[len(dec) // 2]:.2f} / {dec[-1]:.2f} | {chk[len(chk) // 2]:.2f} / {chk[-1]:.2f} |", flush=True)


if __name__ == "__main__":
    main()
