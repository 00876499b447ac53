"""Benchmark (issue 21, item 3): ``exactopen validate`` on stalled real training.

Data (:func:`exactopen.numeric.nearby.stalled_run`, numpy, fixed seed): four-layer networks of
widths (w, w, w/2, w, w), n = 2w samples X = B X_0 (X_0 with orthogonal unit rows, B = I +
0.4 G / sqrt(w) with G Gaussian: dense, not whitened), Y = T X with a teacher
T = U diag(10, 2.5, 2, 1.6, ...) V^T (U, V dense random rotations; ``--learn 2`` gives
10, 9, 2.5, ...).  Gradient descent from Gaussian weights of size 1e-3 (step 0.4 / a sharpness
bound, at most 5% change per layer per step) runs until it stalls on the plateau after learning
the top direction(s); its exact saddle nearby has irrational coordinates.

Then, each width in its own process (peak memory = its maximum RSS): ``validate`` end to end
(snapping tried first, then the nearby rational problem of :mod:`exactopen.numeric.nearby`:
rank-r layers of dyadic rationals W', X' = X, Y' with W' exactly critical and, above 160
parameters, the unlearned part of Y' chosen so that M' = C' S^-1 C'^T splits over Q
(``split_data``: the adapted-bases PSD proof applies), classified exactly; the escape on the
original loss) and the checker on the certificate's JSON text.
Columns: backward error |Y' - Y| / |Y|, distance |W' - W|, the nearby verdict, the headline,
the certified decrease of the original loss relative to L(W) (the escape: the best step within
the default radius on the descent curve or along the residual's top direction,
:mod:`exactopen.numeric.escape`), its distance and the radius, and the drop of the float32
loss from W to the escape point relative to it (what float32 training sees).

    python benchmarks/stalled.py                   # w = 64 and 128
    python benchmarks/stalled.py --widths 16 32
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def one(w: int, seed: int = 0, learn: int = 1) -> dict:
    from exactopen import kernel
    from exactopen.landscape.network import network_from_arrays
    from exactopen.numeric.nearby import stalled_run
    from exactopen.numeric.validate import validate

    widths = (w, w, w // 2, w, w)
    t = time.perf_counter()
    Ws, X, Y, info = stalled_run(widths, 2 * w, seed=seed, learn=learn)
    train = time.perf_counter() - t
    net = network_from_arrays(Ws, Y, X)
    t = time.perf_counter()
    v = validate(net)
    gen = time.perf_counter() - t
    text = json.dumps(v.certificate)
    t = time.perf_counter()
    kernel.check(text)
    chk = time.perf_counter() - t
    s = v.summary
    nb = s.get("nearby") or {}
    esc = s.get("escape") or {}
    return {"w": w, "params": net.nparams, "train": train, "steps": info["steps"], "stalled": info["stalled"],
            "gradient_norm": info["gradient_norm"], "generate": gen, "timings": v.timings, "check": chk,
            "mem_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "json_mb": len(text) / 2 ** 20,
            "rank": nb.get("rank"), "data": nb.get("data"), "backward_error": nb.get("relative_data_change", {}).get("Y"),
            "distance": nb.get("distance"), "nearby_verdict": nb.get("verdict"), "verdict": s["verdict"],
            "escape_relative": (esc["decrease"] / s["loss"]) if esc else None,
            "escape_distance": esc.get("distance"), "radius": esc.get("radius"),
            "escape_float32": float32_drop(Ws, X, Y, v.escape) if esc else None}


def float32_drop(Ws, X, Y, Z) -> float:
    """The relative drop of the float32 loss (numpy float32 products) from W to the escape point Z:
    what training in float32 sees (0 or negative: the escape is invisible there)."""
    import numpy as np

    def loss32(layers):
        P = X.astype(np.float32)
        for W in layers:
            P = W.astype(np.float32) @ P
        return float(np.sum((P - Y.astype(np.float32)) ** 2, dtype=np.float32))

    a = loss32(Ws)
    return (a - loss32(Z)) / a


def _f(x, fmt):
    return "-" if x is None else format(x, fmt)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--widths", type=int, nargs="*", default=[64, 128])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--learn", type=int, default=1)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one is not None:
        print(json.dumps(one(args.one, args.seed, args.learn)))
        return
    rows = []
    for w in args.widths:
        out = subprocess.run([sys.executable, __file__, "--one", str(w), "--seed", str(args.seed), "--learn",
                              str(args.learn)], check=False, capture_output=True, text=True)
        if out.returncode != 0:
            print(f"w = {w}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
            continue
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print(json.dumps(row), file=sys.stderr)
        rows.append(row)
    print("| width | params | train s (steps) | generator s | checker s | peak MB | JSON MB | rank | Y' | "
          "backward error |Y'-Y|/|Y| | distance |W'-W| | nearby verdict | verdict | escape decrease / L | "
          "escape distance (radius) | float32 loss drop / L |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['w']} | {r['params']:,} | {r['train']:.1f} ({r['steps']}) | {r['generate']:.1f} | "
              f"{r['check']:.1f} | {r['mem_mb']:.0f} | {r['json_mb']:.1f} | {_f(r['rank'], 'd')} | {r.get('data') or '-'} | "
              f"{_f(r['backward_error'], '.2e')} | {_f(r['distance'], '.3g')} | {r['nearby_verdict'] or '-'} | "
              f"{r['verdict']} | {_f(r['escape_relative'], '.2e')} | {_f(r.get('escape_distance'), '.3g')} "
              f"({_f(r.get('radius'), '.2g')}) | {_f(r.get('escape_float32'), '.2e')} |")


if __name__ == "__main__":
    main()
