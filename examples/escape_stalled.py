"""Training stalls; exactopen certifies an escape; training restarted there goes on (issue 22).

    python examples/escape_stalled.py                      # 4 layers, full-batch SGD from a 1e-3 init
    python examples/escape_stalled.py --layers 3 --plot curve.png
    python examples/escape_stalled.py --optimizer adam --steps 2000 --more 1000

1. A bias-free linear network (``nn.Sequential`` of ``nn.Linear(bias=False)``) is trained with
   PyTorch (SGD or Adam, mean squared error, float32) from a small init on dense,
   non-whitened data: X = B X0 with a dense B (correlated inputs of different scales), labels
   Y = T X + noise for a dense teacher T with distinct singular values.  From a small init
   the loss sits on a plateau: the weights are near the saddle W = 0 (or, later, near a saddle
   after the top directions are learned).
2. ``exactopen.validate`` on the trained float weights (nothing is printed before the
   independent checker accepted the certificate): the verdict (near saddle), and an escape --
   an exact point Z with a certified lower loss, at the step of the descent curve that lowers
   the loss most within the stated radius, its drop relative to the loss.
3. Training restarted from Z (rounded to float32) for N steps, against N more steps from the
   stalled weights: the loss curves before and after, as a table, and as a PNG with
   ``--plot FILE`` (needs matplotlib: ``pip install exactopen[plot]``).

Needs torch (``pip install torch``); runs in a few seconds at the default sizes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile


def make_data(d_in: int, d_out: int, n: int, seed: int = 0, noise: float = 0.05):
    """Dense, non-whitened data (numpy, one sample per row as in PyTorch): X = X0 B^T with
    B = I + 0.5 G / sqrt(d_in) dense and the columns of X0 of scales 0.5 .. 2; Y = X T^T + noise
    with T = U diag(s) V^T (U, V dense random rotations, s = 4, 3, 2, 1.5, 1, ...)."""
    import numpy as np

    rng = np.random.default_rng(seed)

    def rotation(m):
        Q, R = np.linalg.qr(rng.standard_normal((m, m)))
        return Q * np.sign(np.diag(R))

    q = min(d_in, d_out)
    s = np.array([4.0, 3.0, 2.0, 1.5] + [1.0 * 0.8 ** i for i in range(max(q - 4, 0))])[:q]
    T = rotation(d_out)[:, :q] @ np.diag(s) @ rotation(d_in)[:, :q].T
    B = np.eye(d_in) + 0.5 * rng.standard_normal((d_in, d_in)) / np.sqrt(d_in)
    X = (rng.standard_normal((n, d_in)) * np.linspace(0.5, 2.0, d_in)) @ B.T
    Y = X @ T.T + noise * rng.standard_normal((n, d_out))
    return X, Y


def make_model(widths, init: float, seed: int = 0):
    """nn.Sequential of bias-free Linear layers d_0 -> d_1 -> ... -> d_h, weights N(0, init^2)."""
    import torch

    torch.manual_seed(seed)
    layers = [torch.nn.Linear(a, b, bias=False) for a, b in zip(widths[:-1], widths[1:])]
    with torch.no_grad():
        for lin in layers:
            lin.weight.normal_(0.0, init)
    return torch.nn.Sequential(*layers)


def set_weights(model, Ws) -> None:
    import torch

    with torch.no_grad():
        for lin, W in zip(model, Ws):
            lin.weight.copy_(torch.as_tensor(W, dtype=torch.float32))


def train(model, X, Y, steps: int, lr: float, optimizer: str = "sgd") -> list:
    """Full-batch training on the mean squared error in float32; the loss before each step."""
    import torch

    Xt, Yt = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(Y, dtype=torch.float32)
    opt = (torch.optim.Adam(model.parameters(), lr=lr) if optimizer == "adam"
           else torch.optim.SGD(model.parameters(), lr=lr))
    curve = []
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(Xt), Yt)
        curve.append(float(loss.detach()))
        loss.backward()
        opt.step()
    return curve


def mse32(model, X, Y) -> float:
    """The float32 mean squared error of the model on the data (what PyTorch sees)."""
    import torch

    with torch.no_grad():
        Xt, Yt = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(Y, dtype=torch.float32)
        return float(torch.nn.functional.mse_loss(model(Xt), Yt))


def train_until_stall(model, X, Y, lr: float, optimizer: str = "sgd", chunk: int = 500, tol: float = 1e-4,
                      max_steps: int = 20000) -> list:
    """Train in chunks of ``chunk`` steps until the loss dropped by less than ``tol`` (relative)
    over the last chunk (the plateau), or ``max_steps``; the loss before each step."""
    curve: list = []
    while len(curve) < max_steps:
        curve += train(model, X, Y, chunk, lr, optimizer)
        if len(curve) >= 2 * chunk and curve[-chunk] - curve[-1] < tol * curve[-chunk]:
            break
    return curve


def run(layers: int = 4, width: int = 8, n: int = 64, steps: int = 6000, more: int = 1000, lr: float = 0.05,
        init: float = 1e-3, optimizer: str = "sgd", seed: int = 0, radius=None, out=print, rounds: int = 1) -> dict:
    """The whole story; returns its figures (float32 MSE losses, the certified escape)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: threads only add overhead
    try:
        return _run(layers, width, n, steps, more, lr, init, optimizer, seed, radius, out, rounds)
    finally:
        torch.set_num_threads(threads)


def _run(layers, width, n, steps, more, lr, init, optimizer, seed, radius, out, rounds=1) -> dict:
    X, Y = make_data(width, width, n, seed)
    widths = [width] * (layers + 1)
    model = make_model(widths, init, seed)
    chunk = max(steps // 6, 1)
    before = train_until_stall(model, X, Y, lr, optimizer, chunk=chunk, max_steps=steps)
    out(f"[torch] {layers} layers of width {width}, {optimizer} lr {lr} from init {init:g}: "
        f"MSE {before[0]:.6g} at step 0, {before[-1]:.6g} after {len(before)} steps (stalled)")
    figures = {"layers": layers, "optimizer": optimizer, "steps": len(before), "more": more, "before": before,
               "rounds": []}
    start = len(before)
    for i in range(rounds):
        rd = _round(model, X, Y, more, lr, optimizer, radius, start, out)
        figures["rounds"].append(rd)
        if i == 0:
            figures.update({k: v for k, v in rd.items() if k != "start"})
        if rd.get("escape") is None or i + 1 == rounds:
            break
        # the escaped run goes on until its next plateau, where the next round starts
        rd["continued"] = train_until_stall(model, X, Y, lr, optimizer, chunk=chunk, max_steps=steps)
        start += more + len(rd["continued"])
        out(f"\n[torch] training from the escape goes on to the next plateau: MSE {rd['continued'][-1]:.6g} "
            f"at step {start} (stalled)")
    return figures


def _round(model, X, Y, more, lr, optimizer, radius, start, out) -> dict:
    """validate at the stalled weights of ``model``; restart ``model`` from the escape and train a copy
    of the stalled weights for the same number of steps."""
    import copy

    import exactopen

    plateau = mse32(model, X, Y)
    r = exactopen.validate(model, Y, X, samples_as_rows=True, loss="mean", radius=radius)  # the model as it is
    out(f"[exactopen] validate at step {start} (accepted by the checker):")
    for line in r.lines:
        out("  " + line)
    rd = {"start": start, "plateau": plateau, "verdict": r.verdict, "escape": r.summary.get("escape")}
    esc = r.extra.get("escape")
    if esc is None:
        out("no escape found: nothing to restart from")
        return rd
    stalled = copy.deepcopy(model)
    set_weights(model, esc)
    rd["escape_mse32"] = mse32(model, X, Y)
    out(f"[torch] float32 MSE at the escape point {rd['escape_mse32']:.7g} "
        f"(stalled {plateau:.7g}: {'lower' if rd['escape_mse32'] < plateau else 'NOT lower'} in float32)")
    rd["after_escape"] = train(model, X, Y, more, lr, optimizer)
    rd["after_stalled"] = train(stalled, X, Y, more, lr, optimizer)
    rd["final_escape"], rd["final_stalled"] = mse32(model, X, Y), mse32(stalled, X, Y)
    out(f"\n  {'step':>6} | {'MSE, no escape':>14} | {'MSE, from the escape':>20}")
    for k in sorted({0, 1, more // 10, more // 4, more // 2, 3 * more // 4, more - 1} - {-1}):
        out(f"  {start + k:>6} | {rd['after_stalled'][k]:>14.6g} | {rd['after_escape'][k]:>20.6g}")
    out(f"  {start + more:>6} | {rd['final_stalled']:>14.6g} | {rd['final_escape']:>20.6g}")
    return rd


def plot(figures: dict, path: str) -> None:
    """The loss curve before and after the escape, as a PNG (written atomically)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = figures["more"]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(range(figures["steps"]), figures["before"], color="0.3", label="training (stalls)")
    for i, rd in enumerate(figures["rounds"]):
        s = rd["start"]
        if "after_escape" not in rd:
            continue
        ax.plot(range(s, s + m), rd["after_stalled"], color="tab:red", label=None if i else "continued, no escape")
        ax.plot(range(s, s + m), rd["after_escape"], color="tab:green",
                label=None if i else "restarted from the certified escape")
        ax.axvline(s, color="0.7", ls=":")
        if "continued" in rd:
            ax.plot(range(s + m, s + m + len(rd["continued"])), rd["continued"], color="tab:green")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("MSE (float32)")
    drops = [f"-{100 * rd['escape']['relative_decrease']:.2g} %" for rd in figures["rounds"] if rd.get("escape")]
    ax.set_title(f"{figures['layers']} layers, {figures['optimizer']}: certified escapes "
                 + (", ".join(drops) if drops else "not found") + " of the loss")
    ax.legend()
    fig.tight_layout()
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=d)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=120)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--width", type=int, default=8)
    ap.add_argument("--samples", type=int, default=64)
    ap.add_argument("--steps", type=int, default=6000,
                    help="at most this many training steps before validate; training stops earlier once the loss "
                         "dropped by less than 0.01 %% over the last sixth of them (stalled)")
    ap.add_argument("--more", type=int, default=1000, help="steps after, with and without the escape")
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--init", type=float, default=1e-3)
    ap.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd")
    ap.add_argument("--radius", type=float, help="exactopen validate's --radius (default: its own)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=1,
                    help="escapes in turn: after an escape, train to the next plateau and validate again")
    ap.add_argument("--plot", metavar="PNG", help="write the loss curves to this PNG (needs matplotlib)")
    a = ap.parse_args(argv)
    try:
        import torch  # noqa: F401
    except ImportError:
        print("error: this example needs PyTorch (pip install torch)", file=sys.stderr)
        return 2
    fig = run(a.layers, a.width, a.samples, a.steps, a.more, a.lr, a.init, a.optimizer, a.seed, a.radius, print, a.rounds)
    if a.plot:
        try:
            plot(fig, a.plot)
        except ImportError:
            print("no plot: matplotlib is not installed (pip install exactopen[plot]); the table above has "
                  "the figures", file=sys.stderr)
            return 0
        except OSError as exc:
            print(f"error: cannot write {a.plot}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        print(f"loss curves written to {a.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
