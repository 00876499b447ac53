"""Benchmark: certified classification time for deep linear networks.

Architectures d = (w, w/2, ..., w/2, w) with h = 3, 4 and w in 4, 8, 16, 32; X = I
(n = w) and a random full-row-rank X with n = 2 w.  Three constructed critical points per row
(exactopen.landscape.examples): a global minimum (top components), a strict saddle (a
non-top component swapped in) and a degenerate point (one component fewer than the
bottleneck, not global).  Time = classification + the checker's re-verification.

    python benchmarks/landscape.py [--widths 4 8 16 32] [--depths 3 4]
"""

from __future__ import annotations

import argparse
import random
import time

from exactopen import kernel
from exactopen.landscape.classify import classify_critical_point
from exactopen.landscape.examples import constructed_point


def run(widths, depths, seed: int = 0):
    rows = []
    for h in depths:
        for w in widths:
            b = max(1, w // 2)
            d = [w] + [b] * (h - 1) + [w]
            for xname in ("I", "random"):
                rng = random.Random(seed + 1000 * h + w)
                n = None if xname == "I" else 2 * w
                kinds = {"global": list(range(b)),
                         "saddle": list(range(b - 1)) + [b],
                         "degenerate": list(range(1, b))}
                for kind_, S in kinds.items():
                    c = constructed_point(d, S, rng, change_basis=True, n_samples=n)
                    t = time.perf_counter()
                    cls = classify_critical_point(c.net)
                    t1 = time.perf_counter()
                    kernel.check(cls.certificate)
                    t2 = time.perf_counter()
                    rows.append((h, w, xname, kind_, cls.verdict, t1 - t, t2 - t1))
                    print(f"h={h} w={w:>2} X={xname:<6} {kind_:<10} -> {cls.verdict:<19} "
                          f"classify {t1 - t:7.2f}s  check {t2 - t1:7.2f}s", flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--widths", type=int, nargs="+", default=[4, 8, 16, 32])
    ap.add_argument("--depths", type=int, nargs="+", default=[3, 4])
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    run(a.widths, a.depths, a.seed)


if __name__ == "__main__":
    main()
