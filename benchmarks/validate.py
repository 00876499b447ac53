"""Benchmark: ``exactopen validate`` on trained float weights, end to end.

4-layer linear networks d = (w, w, w, w, w) (or with a bottleneck w/2 in the middle,
``--bottleneck``), n = 2 w samples.  Weights: ``DIR/w<w>.npz`` (keys W1..W4, X, Y; default
DIR /tmp/scale) when the file exists, else trained here: X Gaussian, Y = a teacher network's
output (layers I + 0.3 N/sqrt(w)) plus noise 0.1 N (``--noise``), numpy gradient descent with
momentum 0.5 from an identity-like start (float64), ``--steps`` steps (short, so the gradient
is not small).

Each width runs in its own subprocess (so the peak RSS is per case), as the CLI does it:
read the weights, ``exactopen.numeric.validate.validate`` (exact loss and gradient, exact
bounds on min L with PSD certificates, a descent point; its certificate is checked by the
kernel once, inside ``certificate.envelope``), write the certificate.  Columns: generator s
= everything but the checker; checker s = the kernel's check (``kernel.statement`` in the
envelope); share = checker / total; peak MB = maximum RSS of the subprocess; cert MB = the
written file; cpu s = the process's CPU time (all threads: FLINT's products use two).
``--verify`` also times a fresh ``exactopen verify`` of the file (another subprocess: the
checker alone, reading the file; its wall and CPU seconds and peak MB).  Timings are
wall-clock on a shared machine: repeat when noisy, and compare CPU seconds.

    python benchmarks/validate.py                 # widths 64 128 256
    python benchmarks/validate.py --slow          # and 512
    python benchmarks/validate.py --widths 1024 --by-digest --verify   # inputs referred to by SHA-256
    python benchmarks/validate.py --widths 32 64 --bottleneck --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # shared 2-core machine
    os.environ.setdefault(_v, "1")

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def train(widths, n, steps, seed, noise=0.1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((widths[0], n))
    teacher = [np.eye(widths[k + 1], widths[k]) + 0.3 * rng.standard_normal((widths[k + 1], widths[k]))
               / np.sqrt(widths[k]) for k in range(len(widths) - 1)]
    T = X
    for W in teacher:
        T = W @ T
    Y = T + noise * rng.standard_normal(T.shape)
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


def weights_file(w, args, folder) -> str:
    """DIR/w<w>.npz if it exists (and no --bottleneck), else a freshly trained network."""
    path = os.path.join(args.data, f"w{w}.npz")
    if os.path.exists(path) and not args.bottleneck and not args.train:
        return path
    d = [w, w, max(1, w // 2) if args.bottleneck else w, w, w]
    Ws, X, Y = train(d, 2 * w, args.steps, args.seed + w, args.noise)
    path = os.path.join(folder, f"w{w}.npz")
    np.savez(path, **{f"W{k + 1}": W for k, W in enumerate(Ws)}, X=X, Y=Y)
    return path


def one(path: str, out: str, by_digest: bool = False) -> dict:
    """One case, in this (fresh) process: what ``exactopen validate --weights path --out out``
    does (``by_digest``: with --inputs-by-digest), with the checker's time separated."""
    import resource

    from exactopen import certificate
    from exactopen.commands.validate import _check_network_range
    from exactopen.inputs import load_problem
    from exactopen.landscape.network import Network
    from exactopen.numeric.validate import validate

    spent = {"checker": 0.0}
    statement = certificate.kernel.statement

    def timed(cert, inputs=None):
        t = time.perf_counter()
        try:
            return statement(cert, inputs)
        finally:
            spent["checker"] += time.perf_counter() - t

    certificate.kernel.statement = timed
    c0 = time.process_time()
    t0 = time.perf_counter()
    from exactopen.inputs import file_references

    layers, X, Y, keys = load_problem(path, None, None)
    net = Network.build(layers, Y, X)
    _check_network_range(net)
    inputs, files = file_references(net, path, keys, None, None, False) if by_digest else (None, None)
    t1 = time.perf_counter()
    v = validate(net, inputs=inputs, files=files)
    t2 = time.perf_counter()
    assert certificate.checked_statement(v.certificate, files) == v.certificate["claim"]  # cached: no second check
    certificate.write_certificate(out, v.certificate)
    t3 = time.perf_counter()
    total = t3 - t0
    return {"widths": net.widths, "n": net.X.ncols(), "params": net.nparams, "read_s": t1 - t0,
            "validate_s": t2 - t1, "write_s": t3 - t2, "checker_s": spent["checker"],
            "generator_s": total - spent["checker"], "total_s": total, "cpu_s": time.process_time() - c0,
            "peak_MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "cert_MB": os.path.getsize(out) / 1e6, "verdict": v.summary["verdict"],
            "gradient_norm": v.summary["gradient_norm"], "global_gap": v.summary.get("global_gap"),
            "timings": v.timings}


def verify(out: str, inputs=None) -> dict:
    """A fresh process checking the written file (the checker alone; ``inputs``: the input
    files it refers to by digest)."""
    import resource

    from exactopen import kernel
    from exactopen.exact import use_cores

    use_cores()  # as exactopen verify does
    t, c = time.perf_counter(), time.process_time()
    kernel.check_file(out, inputs)
    return {"verify_s": time.perf_counter() - t, "verify_cpu_s": time.process_time() - c,
            "verify_peak_MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(args) -> dict:
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, os.path.abspath(__file__), *args], capture_output=True, text=True, env=env,
                         check=False)
    if res.returncode:
        raise SystemExit(f"benchmark case {args} failed:\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--widths", type=int, nargs="+", help="default 64 128 256 (and 512 with --slow)")
    ap.add_argument("--slow", action="store_true", help="add width 512")
    ap.add_argument("--data", default="/tmp/scale", help="folder of w<w>.npz files (default /tmp/scale)")
    ap.add_argument("--train", action="store_true", help="train even when DIR/w<w>.npz exists")
    ap.add_argument("--steps", type=int, default=30, help="training steps (default 30: a large gradient)")
    ap.add_argument("--noise", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bottleneck", action="store_true")
    ap.add_argument("--verify", action="store_true", help="also time a fresh check of the written file")
    ap.add_argument("--by-digest", action="store_true",
                    help="refer to the weights file by SHA-256 instead of embedding it (--inputs-by-digest)")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--one", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    ap.add_argument("--verify-one", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(a.one[0], a.one[1], len(a.one) > 2)))
        return
    if a.verify_one:
        print(json.dumps(verify(a.verify_one[0], a.verify_one[1:] or None)))
        return
    widths = a.widths or ([64, 128, 256] + ([512] if a.slow else []))
    rows = []
    print(f"{'width':>5} {'params':>9} {'generator s':>11} {'checker s':>9} {'share %':>7} {'total s':>7} "
          f"{'cpu s':>6} {'peak MB':>7} {'cert MB':>7}" + (f" {'verify s':>8} {'cpu s':>6} {'MB':>5}" if a.verify else "")
          + "  verdict", flush=True)
    with tempfile.TemporaryDirectory(prefix="exactopen-bench-") as tmp:
        for w in widths:
            path = weights_file(w, a, tmp)
            out = os.path.join(tmp, f"w{w}.json")
            row = {"w": w, "weights": path, **_child(["--one", path, out] + (["digest"] if a.by_digest else []))}
            if a.verify:
                row.update(_child(["--verify-one", out] + ([path] if a.by_digest else [])))
            rows.append(row)
            print(f"{w:>5} {row['params']:>9,} {row['generator_s']:>11.1f} {row['checker_s']:>9.1f} "
                  f"{100 * row['checker_s'] / row['total_s']:>7.0f} {row['total_s']:>7.1f} {row['cpu_s']:>6.1f} "
                  f"{row['peak_MB']:>7.0f} {row['cert_MB']:>7.1f}"
                  + (f" {row['verify_s']:>8.1f} {row['verify_cpu_s']:>6.1f} {row['verify_peak_MB']:>5.0f}"
                     if a.verify else "")
                  + f"  {row['verdict']}", flush=True)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
