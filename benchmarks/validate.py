"""Benchmark: validating trained float weights exactly.

4-layer linear networks d = (w, w, w, w, w) (or with a bottleneck w/2 in the middle,
``--bottleneck``), n = 2 w samples, X Gaussian, Y = a teacher network's output (layers
I + 0.3 N/sqrt(w)) plus noise 0.1 N; weights from numpy gradient descent with momentum 0.5
(float64, identity-like start).  Time = exactopen.numeric.validate.validate (exact loss
and gradient, exact lower/upper bounds on min L with PSD certificates, a descent witness when
the point is not near-global) + the checker's re-verification (kernel.check).  The target:
w = 64 in under 30 s.  The machine is shared: timings are noisy.

    python benchmarks/validate.py [--widths 16 64 128] [--steps 1000] [--bottleneck]
"""

from __future__ import annotations

import argparse
import json
import os
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # shared 2-core machine
    os.environ.setdefault(_v, "1")

import numpy as np

from exactopen import kernel
from exactopen.certificate import dumps
from exactopen.inputs import network_from_arrays
from exactopen.numeric.validate import validate


def train(widths, n, steps, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((widths[0], n))
    teacher = [np.eye(widths[k + 1], widths[k]) + 0.3 * rng.standard_normal((widths[k + 1], widths[k]))
               / np.sqrt(widths[k]) for k in range(len(widths) - 1)]
    T = X
    for W in teacher:
        T = W @ T
    Y = T + 0.1 * rng.standard_normal(T.shape)
    Ws = [np.eye(widths[k + 1], widths[k]) + 0.05 * rng.standard_normal((widths[k + 1], widths[k])) / np.sqrt(widths[k])
          for k in range(len(widths) - 1)]
    vel = [np.zeros_like(W) for W in Ws]
    lr = 0.2 / float(np.linalg.norm(X, 2)) ** 2
    for _ in range(steps):  # gradient descent with heavy-ball momentum 0.5
        outs = [X]
        for W in Ws:
            outs.append(W @ outs[-1])
        back = outs[-1] - Y
        grads = []
        for k in range(len(Ws) - 1, -1, -1):
            grads.append(back @ outs[k].T)
            back = Ws[k].T @ back
        for W, G, v in zip(Ws, reversed(grads), vel):
            v *= 0.5
            v -= lr * G
            W += v
    return Ws, X, Y


def run(widths, steps, bottleneck, seed=0):
    rows = []
    for w in widths:
        d = [w, w, max(1, w // 2) if bottleneck else w, w, w]
        t = time.perf_counter()
        Ws, X, Y = train(d, 2 * w, steps, seed + w)
        t_train = time.perf_counter() - t
        t = time.perf_counter()
        net = network_from_arrays(Ws, Y, X)
        v = validate(net)
        t_gen = time.perf_counter() - t
        t = time.perf_counter()
        kernel.check(v.certificate)
        t_chk = time.perf_counter() - t
        s = v.summary
        size = len(dumps(v.certificate)) / 1e6
        total = t_gen + t_chk
        rows.append({"w": w, "widths": d, "n": 2 * w, "train_s": t_train, "generate_s": t_gen, "check_s": t_chk,
                     "total_s": total, "check_share": t_chk / total, "gap": s.get("global_gap"),
                     "grad_norm": s["gradient_norm"], "cert_MB": size, "timings": v.timings})
        print(f"w={w:>4} d={d} n={2 * w:>4}  train {t_train:6.2f}s  validate {t_gen:6.2f}s  check {t_chk:6.2f}s  "
              f"total {total:6.2f}s  checker {100 * t_chk / total:4.1f}%  |grad| {s['gradient_norm']:.2e}  "
              f"gap <= {s.get('global_gap', float('nan')):.2e}  cert {size:.1f} MB", flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--widths", type=int, nargs="+", default=[16, 64, 128])
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--bottleneck", action="store_true")
    ap.add_argument("--json", metavar="FILE")
    a = ap.parse_args()
    rows = run(a.widths, a.steps, a.bottleneck)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
