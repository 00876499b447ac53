"""Cells of 01_local_openness.ipynb (written by build.py): local openness of (W1, W2) -> W1 W2,
Theorem 5's rank conditions (thm-5), an obstruction, and the square-root rate (thm-5-delta)."""

CELLS = [
    ("md", r"""
# 1. Local openness of matrix multiplication

The paper studies the map $M(W_1, W_2) = W_1 W_2$ with $W_1 \in \mathbb{R}^{m\times k}$,
$W_2 \in \mathbb{R}^{k\times n}$. Its range is the set of $m\times n$ matrices of rank at most $k$.

**Local openness at $(W_1, W_2)$**: for every $\varepsilon > 0$ there is a $\delta > 0$ such that every
matrix $Z$ *in the range* with $\|Z - W_1W_2\| < \delta$ equals $(W_1+A)(W_2+B)$ with
$\|A\|, \|B\| < \varepsilon$. In words: small moves of the product can be made by small moves of the factors.

Why it matters: if $M$ is locally open at a local minimum $(W_1, W_2)$ of $\ell(W_1W_2)$, then $W_1W_2$ is
a local minimum of $\ell$ on the range of $M$ (the *auxiliary problem*). The paper's results that local minima
of a network's loss are global (Theorem 8 for two layers, Lemma 11 for deep ones) rest on this.

Every answer below is a `Result`: exactopen printed it only after its **independent checker**
re-verified a certificate (plain JSON data) with exact rational arithmetic.
"""),
    ("code", """
import exactopen

r = exactopen.openness([[1], [1]], [[0, 0]])   # W1 is 2x1, W2 is 1x2: k = 1 < min(m, n) = 2
r.verdict
"""),
    ("md", r"""
## Theorem 5's rank conditions (the case $k < \min(m, n)$)

If $\operatorname{rank} W_1 \ne \operatorname{rank} W_2$, $M$ is **not** locally open. If the ranks are
equal, $M$ is locally open at $(W_1, W_2)$ iff $\dim N(W_1) \cap C(W_2) = 0$
(equivalently $\dim N(W_2^\top) \cap C(W_1^\top) = 0$).

Above, $\operatorname{rank} W_1 = 1 \ne 0 = \operatorname{rank} W_2$. The statement says what the checker verified:
"""),
    ("code", """
print(r.statement)
"""),
    ("md", r"""
The certificate does not just quote Theorem 5: it carries an **obstruction**, a family of targets
$W_1W_2 + \delta R$ in the range (any $\delta \ne 0$) whose every preimage moves $W_1$ by a fixed amount.
"""),
    ("code", """
obs = r.certificate["evidence"]["obstruction"]
print("R =", obs["R"]["rows"], "  every preimage moves", obs["side"], "by ||Delta||_F^2 >=", obs["bound"])
"""),
    ("md", r"""
### A picture of the non-open pair

Perturb the factors by at most $\varepsilon = 0.1$ in every entry and look at two entries of the
product, $(Z_{11}, Z_{21}) = (a c, b c)$ with $a, b \approx 1$: they stay in a thin cone around the
diagonal. The targets $\delta R$ with $R = \begin{bmatrix}1&0\\0&0\end{bmatrix}$ (rank one, so in the range)
sit on the horizontal axis, outside the cone, **however small $\delta$ is**.
Next to it, the open pair $W_1 = \begin{bmatrix}1\\1\end{bmatrix}$, $W_2 = \begin{bmatrix}1&0\end{bmatrix}$:
the images fill a neighbourhood of the product. (Sampling only illustrates; the certificate is the proof.)
"""),
    ("code", """
import numpy as np

rng = np.random.default_rng(0)
eps, N = 0.1, 4000
a, b = 1 + eps * rng.uniform(-1, 1, (2, N))        # W1 + A = [[a], [b]]
c = eps * rng.uniform(-1, 1, N)                   # W2 + B = [[c, .]] near the pair with W2 = 0
c_open = 1 + eps * rng.uniform(-1, 1, N)          # ... near the open pair with W2 = [[1, 0]]
not_open, is_open = (a * c, b * c), (a * c_open, b * c_open)
targets = [0.05, 0.02, 0.01]                      # delta R = [[delta, 0], [0, 0]]
"""),
    ("code", """
try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
    print("matplotlib not installed (pip install matplotlib): the table below says the same")
if plt is not None:
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.8))
    ax1.scatter(*not_open, s=1, color="0.5", label="(Z11, Z21) of nearby pairs")
    ax1.scatter(targets, [0] * len(targets), marker="x", color="red", label="targets delta R (in the range)")
    ax1.set_title("W1 = [[1],[1]], W2 = [[0, 0]]: not open")
    ax1.legend(fontsize=8)
    ax2.scatter(*is_open, s=1, color="0.5")
    ax2.plot([1], [1], "o", color="tab:blue", label="W1 W2")
    ax2.set_title("W1 = [[1],[1]], W2 = [[1, 0]]: open")
    ax2.legend(fontsize=8)
    for ax in (ax1, ax2):
        ax.set_xlabel("Z11")
        ax.set_ylabel("Z21")
    plt.show()
"""),
    ("code", """
# the same in numbers: the smallest |Z21| among sampled products with Z11 close to a target
for d in targets:
    near = np.abs(not_open[0] - d) < 0.2 * d
    print(f"target Z11 = {d}: {near.sum():4d} samples with Z11 within 20 %, smallest |Z21| there "
          f"{np.abs(not_open[1][near]).min():.3g} (the target has Z21 = 0)")
"""),
    ("code", """
exactopen.openness([[1], [1]], [[1, 0]]).verdict   # equal ranks, N(W1) ∩ C(W2) = 0
"""),
    ("md", r"""
Entries may be exact decimals, fractions, or **parameters**: exactopen splits parameter space into
cells and certifies each (here the condition of Theorem 5 in terms of $x$ and $y$).
"""),
    ("code", """
exactopen.openness([[1], [1]], [["x", "y"]]).summary["statement"]
"""),
    ("md", """
### The rendered proof

Each certificate renders to a step-by-step proof (Markdown, LaTeX or HTML) in which every number is the
certificate's own. `exactopen.Certificate` displays it inline:
"""),
    ("code", """
exactopen.Certificate(r.certificate)
"""),
    ("md", r"""
## How far must the factors move? (`thm-5-delta`)

The paper states that at an open pair $\delta$ can be taken of order $\varepsilon$: a target at distance
$\eta$ is reached by moving the factors $O(\eta)$. At $W_1 = 0$, $W_2 = 0$ with $k < \min(m,n)$ (open by
Theorem 5: both ranks are 0) this fails: a rank-one target $\delta\, u v^\top$ needs
$\|A\|\,\|B\| \ge \|AB\| = \delta$, so $\max(\|A\|,\|B\|) \ge \sqrt{\delta}$.

`exactopen.openness.rates` (the module behind `exactopen openness rate`) certifies this lower bound,
and lifts targets at distance $10^{-j}$ exactly:
"""),
    ("code", """
from exactopen.inputs import as_matrix
from exactopen.openness.rates import perturbation_table, sqrt_rate_certificate

W1, W2 = as_matrix([[0], [0]]), as_matrix([[0, 0]])
print(exactopen.openness([[0], [0]], [[0, 0]]).verdict)
print(exactopen.verify(sqrt_rate_certificate(W1, W2))["statement"])
"""),
    ("code", """
def rate_table(W1, W2, R, js=range(1, 6)):
    print(f"{'j':>2} {'distance':>10} {'max move':>10} {'exponent':>9}")
    for row in perturbation_table(W1, W2, as_matrix(R), js):
        exactopen.verify(row["lifting"].certificate)          # each exact preimage is checked
        rate = f"{row['rate']:9.3f}" if "rate" in row else ""
        print(f"{row['j']:>2} {row['distance']:10.1e} {row['perturbation']:10.2e} {rate}")

rate_table(W1, W2, [[1, 0], [0, 0]])   # exponent 1/2: delta(eps) ~ eps^2, not O(eps)
"""),
    ("md", r"""
Where $W_1$ has full column rank and $W_2$ full row rank (open by Remark 1) the measured rate is linear: exponent 1.
"""),
    ("code", """
rate_table(as_matrix([[1], [1]]), as_matrix([[1, 0]]), [[1, 2], [1, 2]])   # a target direction in the range
"""),
    ("md", """
**Try it**: change `W2` in the first cell to `[[0, 1]]` or `[["1/3", 0]]`; find a pair with equal ranks
that is still not open (hint: take $k \\ge 2$ and make $N(W_1) \\cap C(W_2) \\ne 0$).
"""),
]
