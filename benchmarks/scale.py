"""Benchmark (issues 12 and 21): exact verdicts at the sizes people train, on two families.

Four-layer networks with widths (w, w, w/2, w, w):

* ``structured`` (issue 12): X = I, Y diagonal, a higher-order saddle
  (:func:`exactopen.landscape.examples.higher_order_saddle_point`: the top components routed,
  the others meeting three zero layers) hidden by random rational gauge changes between the
  layers;
* ``generic`` (issue 21, :func:`exactopen.landscape.examples.generic_point`): the same kinds of
  point seen the generic way, not aligned with any coordinates: Y = U diag(y) V^T with dense
  rational rotations U, V (Cayley transforms) and distinct singular values, random rational
  gauges in every hidden layer, and either X = I (``generic-I``) or non-whitened data
  X = B X_0 with n = 2w samples (B a random small-integer invertible matrix, X_0 with
  orthonormal rational rows: X X^T = B B^T dense) and a part of Y no network reaches
  (``generic-X``); three kinds each: a non-strict saddle, a strict saddle, a global minimum.

Each case runs in its own process (peak memory = that process's maximum RSS):

* decide + certificate: :func:`classify_critical_point` (the gauge split proves the Hessian
  PSD, the path search gives the descent curve);
* check: the trusted checker on the certificate's JSON text;
* float: what a practitioner would compute instead: the float Hessian's extreme eigenvalues
  (numpy.linalg.eigvalsh of the dense float Hessian up to 4,000 parameters, else 400 Lanczos
  steps with full reorthogonalisation on Hessian-vector products, with the Ritz residual).  At these
  PSD Hessians with a large null space the float lambda_min comes out slightly negative or
  positive -- rounding decides, so the float answer cannot tell a strict from a non-strict saddle;

and the ratio exact / float.  The growth of time and memory with the width is fitted as
w^e (least squares on logarithms).

    python benchmarks/scale.py            # w = 16, 32, 64 (the 12,288-parameter target), every family and kind
    python benchmarks/scale.py --slow     # and w = 128 (49,152 parameters)
    python benchmarks/scale.py --families generic-X --kinds global_minimum --widths 16 32
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import time


def float_reference(net) -> tuple[float, float, float, str]:
    """(seconds, smallest and largest eigenvalue, method) of the float Hessian: numpy's dense eigvalsh up to
    4,000 parameters, else ARPACK (scipy, if installed) on Hessian-vector products."""
    import numpy as np

    from exactopen.exact.floats import to_float

    t = time.perf_counter()
    Ws = [to_float(W) for W in net.layers]
    X, R = to_float(net.X), to_float(net.residual)
    h = len(Ws)
    shapes = [W.shape for W in Ws]
    sizes = [a * b for a, b in shapes]

    def prod(mats, n):
        P = np.eye(n)
        for M in mats:
            P = M @ P
        return P

    A = [prod(Ws[k + 1:], shapes[k][0]) for k in range(h)]
    BX = [prod(Ws[:k], shapes[0][1]) @ X for k in range(h)]
    mid = {(m, l): prod(Ws[l + 1:m], shapes[l][0]) for l in range(h) for m in range(l + 1, h)}

    def hvp(v):
        D, o = [], 0
        for (a, b), s in zip(shapes, sizes):
            D.append(v[o:o + s].reshape(a, b))
            o += s
        Fp = sum(A[k] @ D[k] @ BX[k] for k in range(h))
        out = []
        for l in range(h):
            g = A[l].T @ Fp @ BX[l].T
            for m in range(l + 1, h):
                g = g + (A[m] @ D[m] @ mid[(m, l)]).T @ R @ BX[l].T
            for m in range(l):
                g = g + A[l].T @ R @ (mid[(l, m)] @ D[m] @ BX[m]).T
            out.append(g.ravel())
        return np.concatenate(out)

    N = sum(sizes)
    if N <= 4000:
        H = np.column_stack([hvp(c) for c in np.eye(N)])
        ev = np.linalg.eigvalsh((H + H.T) / 2)
        lam, top = float(ev[0]), float(ev[-1])
        how = "dense eigvalsh"
    else:  # Lanczos with full reorthogonalisation on Hessian-vector products (numpy only)
        rng = np.random.default_rng(0)
        k = 400
        Q = np.zeros((N, k))
        al, be = np.zeros(k), np.zeros(k)
        q = rng.standard_normal(N)
        q /= np.linalg.norm(q)
        for j in range(k):
            Q[:, j] = q
            z = hvp(q)
            al[j] = q @ z
            z -= Q[:, :j + 1] @ (Q[:, :j + 1].T @ z)
            be[j] = np.linalg.norm(z)
            q = z / be[j]
        T = np.diag(al) + np.diag(be[:-1], 1) + np.diag(be[:-1], -1)
        ev, S = np.linalg.eigh(T)
        lam, top = float(ev[0]), float(ev[-1])
        how = f"Lanczos, {k} steps (Ritz residual {abs(be[-1] * S[-1, 0]):.1e})"
    return time.perf_counter() - t, lam, top, how


def one(w: int, family: str = "structured", kind: str = "non_strict_saddle", seed: int = 0) -> dict:
    from exactopen import kernel
    from exactopen.landscape.classify import classify_critical_point
    from exactopen.landscape.examples import generic_point, higher_order_saddle_point

    widths = (w, w, w // 2, w, w)
    if family == "structured":
        net = higher_order_saddle_point(widths, (3 * w) // 8, random.Random(seed))
    else:
        net = generic_point(widths, kind, random.Random(seed), None if family == "generic-I" else 2 * w)
    t, cpu = time.perf_counter(), time.process_time()
    c = classify_critical_point(net)
    t_decide, cpu_decide = time.perf_counter() - t, time.process_time() - cpu
    t = time.perf_counter()
    text = json.dumps(c.certificate)
    t_cert = time.perf_counter() - t
    t, cpu = time.perf_counter(), time.process_time()
    kernel.check(text)
    t_check, cpu_check = time.perf_counter() - t, time.process_time() - cpu
    t_float, lam, top, how = float_reference(net)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"family": family, "kind": kind, "w": w, "params": net.nparams, "verdict": c.verdict,
            "decide": t_decide, "cert": t_cert, "cpu_decide": cpu_decide, "cpu_check": cpu_check,
            "check": t_check, "mem_mb": rss, "json_mb": len(text) / 2 ** 20, "float": t_float, "lam_min": lam, "lam_max": top, "float_how": how}


def fit(xs, ys) -> float:
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-9)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    den = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / den if den else float("nan")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--slow", action="store_true", help="also w = 128 (49,152 parameters)")
    ap.add_argument("--widths", type=int, nargs="*")
    ap.add_argument("--families", nargs="*", default=["structured", "generic-I", "generic-X"])
    ap.add_argument("--kinds", nargs="*", default=["non_strict_saddle", "strict_saddle", "global_minimum"],
                    help="kinds of generic point (the structured family has its non-strict saddle only)")
    ap.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(int(args.one[0]), args.one[1], args.one[2])))
        return
    widths = args.widths or ([16, 32, 64] + ([128] if args.slow else []))
    groups = []
    for family in args.families:
        for kind in (["non_strict_saddle"] if family == "structured" else args.kinds):
            rows = []
            for w in widths:
                out = subprocess.run([sys.executable, __file__, "--one", str(w), family, kind], capture_output=True,
                                     text=True, check=True)
                rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
            groups.append(rows)
    print("| family | kind | widths | params | verdict | decide s | certificate s | check s | total s | peak MB | "
          "JSON MB | float min eig s | lambda_min (float) | lambda_max (float) | float method | exact/float |")
    print("|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for rows in groups:
        for r in rows:
            w = r["w"]
            total = r["decide"] + r["cert"] + r["check"]
            print(f"| {r['family']} | {r['kind']} | ({w},{w},{w // 2},{w},{w}) | {r['params']:,} | {r['verdict']} | "
                  f"{r['decide']:.2f} | {r['cert']:.2f} | {r['check']:.2f} | {total:.2f} | {r['mem_mb']:.0f} | "
                  f"{r['json_mb']:.1f} | {r['float']:.2f} | {r['lam_min']:.2e} | {r['lam_max']:.2e} | {r['float_how']} | "
                  f"{total / max(r['float'], 1e-9):.1f} |")
    print()
    for rows in groups:
        if len(rows) >= 2:
            ws = [r["w"] for r in rows]
            tt = [r["decide"] + r["cert"] + r["check"] for r in rows]
            print(f"{rows[0]['family']}, {rows[0]['kind']}: total time ~ w^{fit(ws, tt):.2f}, check ~ "
                  f"w^{fit(ws, [r['check'] for r in rows]):.2f}, peak memory ~ "
                  f"w^{fit(ws, [r['mem_mb'] for r in rows]):.2f}, float reference ~ "
                  f"w^{fit(ws, [r['float'] for r in rows]):.2f}")


if __name__ == "__main__":
    main()
