"""Train a small deep linear network numerically, then ask exactopen what the float weights prove.

    python examples/train_and_validate.py

1. A generic start on synthetic data (numpy gradient descent): expect an epsilon-global point
   (exact lower and upper bounds on min L around the trained loss).
2. A start next to the paper's introduction point (ex-intro, a higher-order saddle): training
   stalls at loss ~ 1/2; snapping the weights recovers the exact saddle, and exactopen
   certifies the escape (a nearby exact point with lower loss, from the descent curve).
3. With PyTorch installed: the same generic problem trained with torch.optim.LBFGS, saved as a
   state_dict and validated through the command line (``exactopen validate --weights f.pt``).

Every verdict printed below was accepted by the independent checker (exactopen.kernel).
Runs in a few seconds.
"""

from __future__ import annotations

import os
import tempfile
import time

import numpy as np

from exactopen import kernel
from exactopen.exact.snap import parse_tolerance
from exactopen.landscape.network import network_from_arrays
from exactopen.numeric.validate import validate


def gd(Ws, X, Y, lr, steps):
    """Plain full-batch gradient descent on 1/2 |W_h..W_1 X - Y|^2 (floats)."""
    Ws = [W.copy() for W in Ws]
    for _ in range(steps):
        outs = [X]
        for W in Ws:
            outs.append(W @ outs[-1])
        back = outs[-1] - Y
        grads = []
        for k in range(len(Ws) - 1, -1, -1):
            grads.append(back @ outs[k].T)
            back = Ws[k].T @ back
        for W, G in zip(Ws, reversed(grads)):
            W -= lr * G
    P = X
    for W in Ws:
        P = W @ P
    return Ws, 0.5 * float(np.sum((P - Y) ** 2))


def report(title, net, **kw):
    t = time.perf_counter()
    v = validate(net, **kw)
    checked = kernel.check(v.certificate)  # nothing is printed before the checker accepts
    print(f"\n== {title}  ({time.perf_counter() - t:.2f}s, checker accepted)")
    for line in v.lines:
        print("  " + line)
    print("  checker: " + checked[:160] + ("..." if len(checked) > 160 else ""))
    return v


def main():
    rng = np.random.default_rng(7)
    widths = [4, 3, 2, 3]                  # d_0 .. d_h: bottleneck 2 < min(d_0, d_h)
    n = 8
    X = rng.standard_normal((widths[0], n))
    Y = rng.standard_normal((widths[-1], n))
    W0 = [0.5 * rng.standard_normal((widths[k + 1], widths[k])) for k in range(3)]
    Ws, loss = gd(W0, X, Y, lr=0.01, steps=20000)
    print(f"[numpy] generic start: trained loss {loss:.12g}")
    report("generic start (numpy GD)", network_from_arrays(Ws, Y, X))

    # ex-intro: X = I_2, Y = e_2 e_2^T, W1 = [1 0], W2 = [0], W3 = [1; 0]; start 1e-3 away
    Xi, Yi = np.eye(2), np.array([[0.0, 0.0], [0.0, 1.0]])
    Wbar = [np.array([[1.0, 0.0]]), np.array([[0.0]]), np.array([[1.0], [0.0]])]
    start = [W + 1e-3 * rng.standard_normal(W.shape) for W in Wbar]
    Ws_i, loss_i = gd(start, Xi, Yi, lr=0.05, steps=5000)
    print(f"\n[numpy] start 1e-3 from the ex-intro saddle: loss after 5000 GD steps {loss_i:.12g} "
          f"(stalled; min L = 0)")
    report("near the ex-intro saddle, snapped with tolerance 1e-2", network_from_arrays(Ws_i, Yi, Xi),
           snap_tol=parse_tolerance("1e-2"))

    try:
        import torch
    except ImportError:
        print("\n[torch] not installed: skipping the PyTorch run (pip install 'exactopen[torch]')")
        return
    from exactopen.cli import main as cli

    torch.manual_seed(0)
    model = torch.nn.Sequential(*[torch.nn.Linear(widths[k], widths[k + 1], bias=False) for k in range(3)])
    Xt, Yt = torch.tensor(X.T), torch.tensor(Y.T)  # torch: samples are rows
    model = model.double()
    opt = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=500, tolerance_grad=1e-14,
                            tolerance_change=1e-16, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        out = 0.5 * ((model(Xt) - Yt) ** 2).sum()
        out.backward()
        return out

    for _ in range(3):
        opt.step(closure)
    print(f"\n[torch] generic start (L-BFGS, float64): trained loss {closure().item():.12g}")
    with tempfile.TemporaryDirectory() as tmp:
        pt, data = os.path.join(tmp, "model.pt"), os.path.join(tmp, "data.npz")
        torch.save(model.state_dict(), pt)
        np.savez(data, X=X, Y=Y)
        print("$ exactopen validate --weights model.pt --X data.npz:X --Y data.npz:Y --quiet")
        cli(["validate", "--weights", pt, "--X", f"{data}:X", "--Y", f"{data}:Y", "--quiet"])


if __name__ == "__main__":
    main()
