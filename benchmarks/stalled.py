"""Benchmark (issue 21, item 3): ``exactopen validate`` on stalled real training.

Data (:func:`exactopen.numeric.nearby.stalled_run`, numpy, fixed seed): four-layer networks of
widths (w, w, w/2, w, w), n = 2w samples X = B X_0 (X_0 with orthogonal unit rows, B = I +
0.4 G / sqrt(w) with G Gaussian: dense, not whitened), Y = T X with a teacher
T = U diag(10, 2.5, 2, 1.6, ...) V^T (U, V dense random rotations; ``--learn 2`` gives
10, 9, 2.5, ...).  Gradient descent from Gaussian weights of size 1e-3 (step 0.4 / a sharpness
bound, at most 5% change per layer per step) runs until it stalls on the plateau after learning
the top direction(s); its exact saddle nearby has irrational coordinates.

Then, each width in its own process (peak memory = its maximum RSS, training included): ``validate``
end to end (snapping tried first, then the nearby rational problem of
:mod:`exactopen.numeric.nearby` with its default dyadic data, :mod:`exactopen.numeric.dyadic_chain`:
a rank-r chain of dyadic layers W', X' = X (rounded to 20 significant bits once r (d_0 + d_h) > 160),
and dyadic labels Y' for which W' is EXACTLY critical; the bases in which every layer is an r x r
core make the Hessian one block of r (d_0 + d_h) + r^2 (h - 2) rows, proved PSD by the signs of
its characteristic polynomial; the escape on the original loss), then the checker on the nearby
certificate alone and on the whole certificate (JSON text).
Columns: the nearby data's backward errors |Y' - Y| / |Y| and |X' - X| / |X|, the distance
|W' - W|, the nearby verdict and the side of its Hessian block, the headline; times: the
nearby step of ``validate`` (build W', X', Y', classify, the checker run inside
``envelope``), ``validate`` in all, the checker on the nearby certificate and on everything,
wall-clock (the machine is shared: load varies) and CPU seconds of the process (FLINT may use
two threads); peak memory, JSON sizes; the certified decrease of the original loss relative to
L(W) (the escape, :mod:`exactopen.numeric.escape`), its distance and radius, and the drop of the
float32 loss from W to the escape point relative to it.

    python benchmarks/stalled.py                   # w = 64 and 128 (about 3 + 8 min CPU)
    python benchmarks/stalled.py --widths 16 32
    python benchmarks/stalled.py --widths 16 --learn 2   # teacher 10, 9, 2.5, ...: still stalls at r = 1 (the
                                                         # second direction is not reached from the 1e-3 init)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def _cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def _timed(f, *args):
    t, c = time.perf_counter(), _cpu()
    out = f(*args)
    return out, time.perf_counter() - t, _cpu() - c


def one(w: int, seed: int = 0, learn: int = 1) -> dict:
    import re

    from exactopen import kernel
    from exactopen.landscape.network import network_from_arrays
    from exactopen.numeric.nearby import stalled_run
    from exactopen.numeric.validate import validate

    widths = (w, w, w // 2, w, w)
    (Ws, X, Y, info), train, _ = _timed(stalled_run, widths, 2 * w, seed, 1e-3, learn)
    net = network_from_arrays(Ws, Y, X)
    v, gen, gen_cpu = _timed(validate, net)
    text = json.dumps(v.certificate)
    sub = v.certificate["evidence"].get("nearby")
    sub_text = json.dumps(sub["certificate"]) if sub else None
    chk_near = chk_near_cpu = block = None
    if sub_text:
        _, chk_near, chk_near_cpu = _timed(kernel.check, sub_text)
        m = re.search(r"splits into \d+ blocks? of at most (\d+) coordinates", sub["certificate"]["claim"])
        block = int(m.group(1)) if m else None
    _, chk, chk_cpu = _timed(kernel.check, text)
    s = v.summary
    nb = s.get("nearby") or {}
    esc = s.get("escape") or {}
    rel = nb.get("relative_data_change", {})
    return {"w": w, "params": net.nparams, "train": train, "steps": info["steps"], "stalled": info["stalled"],
            "gradient_norm": info["gradient_norm"], "generate": gen, "generate_cpu": gen_cpu, "timings": v.timings,
            "nearby_s": v.timings.get("nearby"), "check_nearby": chk_near, "check_nearby_cpu": chk_near_cpu,
            "check": chk, "check_cpu": chk_cpu,
            "mem_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "json_mb": len(text) / 2 ** 20,
            "nearby_json_mb": len(sub_text) / 2 ** 20 if sub_text else None, "block": block,
            "rank": nb.get("rank"), "data": nb.get("data"), "backward_error": rel.get("Y"), "backward_error_X": rel.get("X"),
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
    print("| width | params | r | Y' | backward error |Y'-Y|/|Y| | |X'-X|/|X| | distance |W'-W| | nearby verdict "
          "(Hessian block) | verdict | nearby step s | validate s (CPU) | check nearby s (CPU) | check all s (CPU) | "
          "peak MB | JSON MB (nearby) | escape decrease / L | escape distance (radius) | float32 loss drop / L | "
          "train s (steps) |")
    print("|---:|---:|---:|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['w']} | {r['params']:,} | {_f(r['rank'], 'd')} | {r.get('data') or '-'} | "
              f"{_f(r['backward_error'], '.2e')} | {_f(r.get('backward_error_X'), '.2e')} | {_f(r['distance'], '.3g')} | "
              f"{r['nearby_verdict'] or '-'} ({_f(r.get('block'), 'd')}) | {r['verdict']} | {_f(r.get('nearby_s'), '.1f')} | "
              f"{r['generate']:.1f} ({r['generate_cpu']:.1f}) | {_f(r.get('check_nearby'), '.1f')} "
              f"({_f(r.get('check_nearby_cpu'), '.1f')}) | {r['check']:.1f} ({r['check_cpu']:.1f}) | {r['mem_mb']:.0f} | "
              f"{r['json_mb']:.1f} ({_f(r.get('nearby_json_mb'), '.1f')}) | {_f(r['escape_relative'], '.2e')} | "
              f"{_f(r.get('escape_distance'), '.3g')} ({_f(r.get('radius'), '.2g')}) | {_f(r.get('escape_float32'), '.2e')} | "
              f"{r['train']:.1f} ({r['steps']}) |")


if __name__ == "__main__":
    main()
