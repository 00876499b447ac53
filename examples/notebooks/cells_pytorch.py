"""Cells of 03_from_pytorch.ipynb (written by build.py): train a bias-free linear network with
PyTorch, let exactopen.validate say what the float weights prove, escape a stalled run."""

CELLS = [
    ("md", r"""
# 3. From a PyTorch model to a certificate

A network of bias-free `nn.Linear` layers computes $W_h \cdots W_1 x$: a *deep linear network*, the
paper's Section 6. We train one with plain SGD from a tiny initialisation, watch it stall on a
plateau, and ask `exactopen.validate` what the float weights prove.

This notebook needs PyTorch (`pip install torch`). Without it every cell below prints a note and
does nothing else.
"""),
    ("code", """
try:
    import torch
except ImportError:
    torch = None
    print("PyTorch is not installed: the cells below are skipped (pip install torch)")
import numpy as np
import exactopen
"""),
    ("md", r"""
## Data and model

Dense, correlated inputs (one sample per **row**, as PyTorch holds them) and labels from a dense
teacher matrix plus noise. Four layers of width 5, weights of size $10^{-3}$: near the saddle $W = 0$.
"""),
    ("code", """
rng = np.random.default_rng(0)
d, n = 5, 24
B = np.eye(d) + 0.5 * rng.standard_normal((d, d)) / np.sqrt(d)
X = (rng.standard_normal((n, d)) * np.linspace(0.5, 2.0, d)) @ B.T
T = 0.5 * rng.standard_normal((d, d))
Y = X @ T.T + 0.05 * rng.standard_normal((n, d))

def make_model(seed=0, init=1e-3, layers=4):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(*[torch.nn.Linear(d, d, bias=False) for _ in range(layers)])
    with torch.no_grad():
        for lin in model:
            lin.weight.normal_(0.0, init)
    return model

def train(model, steps, lr=0.05):
    Xt, Yt = torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.float32)
    opt, curve = torch.optim.SGD(model.parameters(), lr=lr), []
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(Xt), Yt)
        curve.append(loss.item())
        loss.backward()
        opt.step()
    return curve
"""),
    ("code", """
if torch is not None:
    torch.set_num_threads(1)          # tiny matrices: threads only add overhead
    model = make_model()
    before = train(model, 600)
    print(f"MSE {before[0]:.5f} at step 0, {before[-1]:.5f} after {len(before)} steps: stalled")
"""),
    ("md", """
## What do the float weights prove?

`validate` takes the model as it is (read through `detach()`, never modified). Its answer is printed
only after the independent checker accepted the certificate. `loss="mean"` reports PyTorch's `MSELoss`.
"""),
    ("code", """
if torch is not None:
    r = exactopen.validate(model, Y, X, samples_as_rows=True, loss="mean")
    print(r.verdict)
"""),
    ("md", """
**Read the first two lines first**: they say what was analysed. exactopen sees only the weight
matrices: a linear network, no bias, no activation. A ReLU applied in a custom `forward` would not be
seen; a ReLU inside an `nn.Sequential` is refused (below).
"""),
    ("code", """
if torch is not None:
    print("\\n".join(r.lines[:2]))
"""),
    ("code", """
if torch is not None:
    print("\\n".join(r.lines[2:]))
"""),
    ("md", r"""
## The escape

Near a saddle, `validate` looks for an exact point $Z$ with a **certified** lower loss, choosing the step
along the descent curve (or the negative-curvature direction) that lowers the loss most within a stated
radius. The drop is given relative to the loss, so one can tell whether float32 training will see it.
"""),
    ("code", """
if torch is not None:
    escape = r.summary.get("escape")
    print(escape)
    if escape:
        print(f"relative drop {escape['relative_decrease']:.1e}; float32 resolves relative changes of "
              f"{np.finfo(np.float32).eps:.1e}, so training sees it")
"""),
    ("code", """
import copy

if torch is not None and r.extra.get("escape") is not None:
    stalled = copy.deepcopy(model)
    with torch.no_grad():                       # restart from the escape point, rounded to float32
        for lin, Z in zip(model, r.extra["escape"]):
            lin.weight.copy_(torch.as_tensor(Z, dtype=torch.float32))
    after_escape, after_stalled = train(model, 300), train(stalled, 300)
    for k in (0, 1, 50, 100, 150, 200, 299):
        print(f"step {600 + k:4d}   no escape {after_stalled[k]:9.5f}   from the escape {after_escape[k]:9.5f}")
"""),
    ("code", """
try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
if torch is not None and plt is not None and r.extra.get("escape") is not None:
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(range(600), before, color="0.3", label="training (stalls)")
    ax.plot(range(600, 900), after_stalled, color="tab:red", label="continued, no escape")
    ax.plot(range(600, 900), after_escape, color="tab:green", label="restarted from the certified escape")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("MSE (float32)")
    ax.legend()
    plt.show()
"""),
    ("md", """
## What exactopen refuses, and why

A ReLU between the layers makes the network non-linear: the paper's results (and exactopen's
certificates) are about linear networks, so the model is refused in one line, naming the module.
"""),
    ("code", """
from exactopen.errors import InputError

if torch is not None:
    relu = torch.nn.Sequential(torch.nn.Linear(d, d, bias=False), torch.nn.ReLU(), torch.nn.Linear(d, d, bias=False))
    try:
        exactopen.validate(relu, Y, X, samples_as_rows=True)
    except InputError as exc:
        print("refused:", exc)
"""),
    ("md", """
**Try it**: `make_model(layers=3)` stalls too (near a saddle, with an escape of about 0.2 %);
`make_model(init=0.3)` does not stall: after 2000 steps `validate` says "not near critical" and gives a
certified descent step. What do the first two lines say if you leave out `X`?
"""),
]
