"""Benchmark: piecewise local openness with 4 real parameters.

For 2x2 . 2x2 and 3x2 . 2x3 pairs whose entries carry 4 parameters a, b, c, d (and, for scaling, two cases
with 6 and 8 parameters), prints the
number of rank cells (leaves of the case-split tree), merged cells (the answer), branches
pruned as empty, the generator's time (stratification + certificate), the checker's time and
the certificate size.  Run: python benchmarks/symbolic.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import time

CASES = {
    "2x2.2x2 diag(a,b) diag(c,d)": ([["a", 0], [0, "b"]], [["c", 0], [0, "d"]]),
    "2x2.2x2 [[a,b],[c,d]] ones": ([["a", "b"], ["c", "d"]], [[1, 1], [1, 1]]),
    "2x2.2x2 [[a,1],[b,1]] [[c,d],[1,1]]": ([["a", 1], ["b", 1]], [["c", "d"], [1, 1]]),
    "2x2.2x2 W2 = W1^T": ([["a", "b"], ["c", "d"]], [["a", "c"], ["b", "d"]]),
    "2x2.2x2 W2 = W1": ([["a", "b"], ["c", "d"]], [["a", "b"], ["c", "d"]]),
    "2x2.2x2 W2 = adj W1": ([["a", "b"], ["c", "d"]], [["d", "-b"], ["-c", "a"]]),
    "3x2.2x3 [[a,1],[1,b],[2,3]] [[c,1,d],[1,2,3]]": ([["a", 1], [1, "b"], [2, 3]], [["c", 1, "d"], [1, 2, 3]]),
    "3x2.2x3 [[a,b],[1,0],[0,0]] [[c,0,1],[d,0,0]]": ([["a", "b"], [1, 0], [0, 0]], [["c", 0, 1], ["d", 0, 0]]),
    "3x2.2x3 [[a,b],[c,d],[1,1]] W2 = W1^T": ([["a", "b"], ["c", "d"], [1, 1]], [["a", "c", 1], ["b", "d", 1]]),
    "3x2.2x3 [[a,b],[c,d],[1,2]] [[1,a,2],[b,1,c]]": ([["a", "b"], ["c", "d"], [1, 2]], [[1, "a", 2], ["b", 1, "c"]]),
}
# beyond 4 parameters (scaling)
LARGER = {
    "2x2.2x2 all 8 entries parameters": ([["a", "b"], ["c", "d"]], [["e", "f"], ["g", "h"]]),
    "3x2.2x3 W1 6 parameters": ([["a", "b"], ["c", "d"], ["e", "f"]], [[1, 1, 1], [1, 2, 3]]),
}


def main() -> None:
    from exactopen import kernel
    from exactopen.openness.parametric import stratify_pair

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="first three cases only")
    args = ap.parse_args()
    stratify_pair([[1]], [["a"]])  # warm up (imports SymPy)
    cases = list(CASES.items())[:3] if args.quick else list(CASES.items()) + list(LARGER.items())
    print(f"{'case':<48} {'leaves':>6} {'merged':>6} {'empty':>5} {'gen s':>7} {'check s':>8} {'cert KB':>8}")
    for name, (W1, W2) in cases:
        t = time.perf_counter()
        res = stratify_pair(W1, W2)
        tg = time.perf_counter() - t
        t = time.perf_counter()
        kernel.check(res.certificate)
        tc = time.perf_counter() - t
        kb = len(json.dumps(res.certificate)) / 1024
        print(f"{name:<48} {len(res.leaves):>6} {len(res.cells):>6} {res.empty_branches:>5} {tg:7.2f} {tc:8.3f} "
              f"{kb:8.1f}")
        print(f"{'':<4}{res.statement()}")


if __name__ == "__main__":
    main()
