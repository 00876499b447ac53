"""Benchmark: the size of rendered ``validate`` certificates of real networks (sizes, not times).

For each width w: a 3-layer network d = (w/2, w, w/2) with n = 3w/4 samples (n > d_0), X dense
Gaussian with unequal row scales and an offset (not whitened), Y Gaussian, layers trained by
300 steps of gradient descent (not converged).  ``exactopen.numeric.validate.validate`` with the
loss convention ``--loss`` (sum or mean), then ``exactopen render`` in md, html and tex.
Columns: the certificate's JSON size, the rendered sizes, and (when pdflatex is installed) the
number of overfull boxes in the log of the standalone LaTeX.

    python benchmarks/render.py                   # w = 32 64 128
    python benchmarks/render.py --widths 64 --loss mean
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # shared machine
    os.environ.setdefault(_v, "1")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def network(w: int, seed: int = 3):
    import numpy as np

    widths, n = (w // 2, w, w // 2), 3 * w // 4
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((widths[0], n)) * np.linspace(0.5, 2.0, widths[0])[:, None] + 0.3
    Y = rng.standard_normal((widths[-1], n))
    Ws = [0.3 * rng.standard_normal((widths[k + 1], widths[k])) / np.sqrt(widths[k]) for k in range(2)]
    lr = 0.05 / float(np.linalg.norm(X, 2)) ** 2
    for _ in range(300):
        outs = [X]
        for W in Ws:
            outs.append(W @ outs[-1])
        back, grads = outs[-1] - Y, []
        for k in range(len(Ws) - 1, -1, -1):
            grads.append(back @ outs[k].T)
            back = Ws[k].T @ back
        for W, G in zip(Ws, reversed(grads)):
            W -= lr * G
    return Ws, X, Y


def one(w: int, loss: str, folder: str) -> dict:
    from exactopen.landscape.network import network_from_arrays
    from exactopen.numeric.validate import validate
    from exactopen.report.render import render

    Ws, X, Y = network(w)
    cert = validate(network_from_arrays(Ws, Y, X), loss=loss).certificate
    row = {"width": w, "shape": f"{w}x{w // 2}", "cert_KB": len(json.dumps(cert)) / 1000}
    for fmt in ("md", "html", "tex"):
        text = render(cert, fmt, standalone=True)
        row[f"{fmt}_KB"] = len(text.encode("utf-8")) / 1000
        if fmt == "tex" and shutil.which("pdflatex"):
            path = os.path.join(folder, f"w{w}.tex")
            with open(path, "w") as fh:
                fh.write(text)
            subprocess.run(["pdflatex", "-interaction=nonstopmode", f"w{w}.tex"], cwd=folder, capture_output=True,
                           timeout=600)
            with open(os.path.join(folder, f"w{w}.log"), errors="replace") as fh:
                row["overfull"] = fh.read().count("Overfull")
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--widths", type=int, nargs="+", default=[32, 64, 128])
    ap.add_argument("--loss", choices=("sum", "mean"), default="sum")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = [one(w, args.loss, folder) for w in args.widths]
    keys = list(rows[0])
    print(" ".join(f"{k:>9}" for k in keys))
    for r in rows:
        print(" ".join(f"{r[k]:>9.1f}" if isinstance(r[k], float) else f"{r[k]:>9}" for k in keys))


if __name__ == "__main__":
    main()
