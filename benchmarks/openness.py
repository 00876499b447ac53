"""Benchmark: decide + certify + check local openness of W1 W2.

Prints, for W1 m x k and W2 k x n with ranks about k/2 and rational entries p/q, the time of
exactopen's decision with certificate, the checker's time, and SymPy Matrix.rank() on W1
and W2 (the baseline; stopped after 60 s).  Run: python benchmarks/openness.py [--quick]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import time

from flint import fmpq, fmpq_mat

SIZES = [(100, 60, 100), (300, 150, 300)]


def low_rank(rnd, a, b, r):
    A = fmpq_mat(a, r, [fmpq(rnd.randint(-9, 9), rnd.randint(1, 9)) for _ in range(a * r)])
    B = fmpq_mat(r, b, [fmpq(rnd.randint(-9, 9), rnd.randint(1, 9)) for _ in range(r * b)])
    return A * B


def _sympy_rank(rows1, rows2, q):
    import sympy

    t = time.perf_counter()
    sympy.Matrix(rows1).rank()
    sympy.Matrix(rows2).rank()
    q.put(time.perf_counter() - t)


def sympy_time(W1, W2, limit=60.0):
    import sympy

    conv = lambda W: [[sympy.Rational(int(x.p), int(x.q)) for x in r] for r in W.tolist()]  # noqa: E731
    q = mp.Queue()
    p = mp.Process(target=_sympy_rank, args=(conv(W1), conv(W2), q))
    p.start()
    p.join(limit)
    if p.is_alive():
        p.terminate()
        p.join()
        return None
    return q.get()


def main() -> None:
    from exactopen import kernel
    from exactopen.openness.pair import decide_pair

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="first size only, no SymPy baseline")
    args = ap.parse_args()
    sizes = SIZES[:1] if args.quick else SIZES
    print(f"{'W1 x W2':>18} {'ranks':>9} {'verdict':>17} {'decide+cert s':>14} {'check s':>8} "
          f"{'total s':>8} {'sympy rank s':>13} {'sympy/total':>11}")
    for i, (m, k, n) in enumerate(sizes):
        rnd = random.Random(1000 + i)
        for kind in ("open", "not open"):
            r1 = k // 2
            r2 = r1 if kind == "open" else r1 - 1
            W1, W2 = low_rank(rnd, m, k, r1), low_rank(rnd, k, n, r2)
            t = time.perf_counter()
            D = decide_pair(W1, W2)
            tg = time.perf_counter() - t
            t = time.perf_counter()
            kernel.check(D.certificate)
            tc = time.perf_counter() - t
            ts = None if args.quick else sympy_time(W1, W2)
            sym = "> 60 s" if ts is None and not args.quick else ("-" if ts is None else f"{ts:.2f}")
            ratio = f"{ts / (tg + tc):.1f}x" if ts else "-"
            print(f"{f'{m}x{k} . {k}x{n}':>18} {f'{r1},{r2}':>9} {D.verdict:>17} {tg:14.3f} {tc:8.3f} "
                  f"{tg + tc:8.3f} {sym:>13} {ratio:>11}")


if __name__ == "__main__":
    main()
