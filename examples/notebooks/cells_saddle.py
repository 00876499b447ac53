"""Cells of 02_saddle_every_line_misses.ipynb (written by build.py): the paper's introduction
example (ex-intro) is a saddle that every straight-line test misses; a t^4 curve finds it."""

CELLS = [
    ("md", r"""
# 2. A saddle that every straight line misses (`ex-intro`)

The paper's introduction example: a linear network with widths $(2, 1, 1, 2)$, $X = I_2$,
$$W_1 = \begin{bmatrix}1 & 0\end{bmatrix},\quad W_2 = \begin{bmatrix}0\end{bmatrix},\quad
W_3 = \begin{bmatrix}1\\0\end{bmatrix},\quad Y = \begin{bmatrix}0&0\\0&1\end{bmatrix},\qquad
L(W) = \tfrac12 \|W_3W_2W_1X - Y\|_F^2 .$$
The paper claims it is a **local minimum that is not global**. We check, exactly:

1. it is a critical point and the Hessian is positive semidefinite;
2. along *every* straight line $W + tD$ the loss does not decrease near $t = 0$;
3. yet along a curve the loss drops like $-t^4/2$: it is a saddle, not a local minimum.
"""),
    ("code", """
import exactopen

layers = [[[1, 0]], [[0]], [[1], [0]]]        # W1, W2, W3: the input layer first
Y = [[0, 0], [0, 1]]
c = exactopen.classify(layers, Y=Y)          # X = I by default
c.verdict
"""),
    ("code", """
print(c.statement)
c.certificate["result"]
"""),
    ("md", r"""
`hessian_psd: True`: the second-order test of the paper (gradient zero, Hessian PSD) is passed.
Now **every** straight line, with a symbolic direction $D = (D_1, D_2, D_3)$, by our own exact
computation (SymPy, independent of exactopen):
"""),
    ("code", """
import sympy as sp

t = sp.symbols("t")
W = [sp.Matrix(M) for M in layers]
Ys = sp.Matrix(Y)

def loss(W1, W2, W3, Y=Ys):
    E = W3 * W2 * W1 - Y
    return sum(e**2 for e in E) / 2

L0 = loss(*W)
a1, a2, d, b1, b2 = sp.symbols("a1 a2 d b1 b2")
D = [sp.Matrix([[a1, a2]]), sp.Matrix([[d]]), sp.Matrix([[b1], [b2]])]
line = sp.expand(loss(*[Wk + t * Dk for Wk, Dk in zip(W, D)]) - L0)
print("L(W) =", L0)
print("t^1:", line.coeff(t, 1), "   t^2:", line.coeff(t, 2))
print("with d = 0 the loss along the line is", sp.simplify(line.subs(d, 0)))
"""),
    ("md", r"""
So $L(W + tD) - L(W) = \tfrac{d^2}{2} t^2 + O(t^3)$: positive for small $t \ne 0$ when $d \ne 0$, and
**identically zero** when $d = 0$. No straight line through $W$ goes down near $W$.

The certificate's curve does: $\gamma(t) = W + \sum_j t^j C_j$.
"""),
    ("code", """
from fractions import Fraction

curve = c.certificate["evidence"]["curve"]
def as_sympy(m):
    return sp.Matrix([[sp.Rational(Fraction(x)) for x in row] for row in m["rows"]])

gamma = [Wk + sum((t ** term["power"] * as_sympy(term["layers"][k]) for term in curve), sp.zeros(*Wk.shape))
         for k, Wk in enumerate(W)]
print("gamma(t): W1 =", gamma[0].tolist(), " W2 =", gamma[1].tolist(), " W3 =", gamma[2].tolist())
along = sp.expand(loss(*gamma) - L0)
along
"""),
    ("code", """
t0 = sp.Rational(Fraction(c.certificate["evidence"]["witness_t"]))
print("at t =", t0, "the loss is", L0 + along.subs(t, t0), "<", L0, " (certificate:",
      c.certificate["result"]["witness_loss"], ")")
"""),
    ("md", r"""
### The loss along the curve and along straight lines

The dashed lines are straight lines through $W$: along the curve's own tangent ($d = 0$, flat) and
through $\gamma(1)$ ($d = 1$). Only the curve dips below $L(W)$.
"""),
    ("code", """
tangent = [as_sympy(m) for m in curve[0]["layers"]]
chord = [C + as_sympy(m) for C, m in zip(tangent, curve[1]["layers"])]
lines = {"line along the tangent C1": sp.expand(loss(*[Wk + t * Ck for Wk, Ck in zip(W, tangent)]) - L0),
         "line through gamma(1)": sp.expand(loss(*[Wk + t * Ck for Wk, Ck in zip(W, chord)]) - L0)}
ts = [i / 50 for i in range(-40, 41)]
values = {"curve gamma(t)": [float(along.subs(t, x)) for x in ts]}
values.update({name: [float(p.subs(t, x)) for x in ts] for name, p in lines.items()})
"""),
    ("code", """
try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
if plt is not None:
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for (name, ys), style in zip(values.items(), ("-", "--", ":")):
        ax.plot(ts, ys, style, label=name)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_ylim(-0.05, 0.15)
    ax.set_xlabel("t")
    ax.set_ylabel("L - L(W)")
    ax.legend(loc="lower center", fontsize=8)
    plt.show()
else:
    print("matplotlib not installed: the table")
    print(f"{'t':>6}" + "".join(f"{name:>28}" for name in values))
    for i in range(0, len(ts), 10):
        print(f"{ts[i]:6.2f}" + "".join(f"{ys[i]:28.5f}" for ys in values.values()))
"""),
    ("md", """
### The certificate: checked, then tampered with

`exactopen.verify` runs the independent checker (`exactopen.kernel`, which imports nothing from the rest of
exactopen) on the JSON alone. An edited certificate is rejected: here the curve's $t^2$ term of $W_2$
flipped sign, so the loss along it would rise.
"""),
    ("code", """
report = exactopen.verify(c.certificate)
print("accepted:", report["statement"][:120], "...")
print("trusted theorems used:", [th["id"] for th in report["theorems"]])
"""),
    ("code", """
import copy
from exactopen.kernel import Rejected

bad = copy.deepcopy(c.certificate)
bad["evidence"]["curve"][1]["layers"][1]["rows"] = [["-1"]]
try:
    exactopen.verify(bad)
    print("accepted (this should not happen)")
except Rejected as exc:
    print("Rejected:", exc)
"""),
    ("code", """
bad = copy.deepcopy(c.certificate)
bad["result"]["verdict"] = "local_minimum_not_global"     # the paper's claim, written in by hand
try:
    exactopen.verify(bad)
    print("accepted (this should not happen)")
except Rejected as exc:
    print("Rejected:", exc)
"""),
    ("md", """
The proof, rendered from the certificate:
"""),
    ("code", """
exactopen.Certificate(c.certificate)
"""),
    ("md", r"""
## The Appendix C counterexample (`ex-3layer`)

The paper's second counterexample, widths $(3, 2, 2, 3)$, argued to be a local minimum from derivatives of
$L(W + tA)$ along straight lines up to order 6. Same story, with an odd order: the loss drops like $-t^5$
for $t$ of the right sign.
"""),
    ("code", """
W3c = [[-1, 1], [1, 1], [-1, 1]]
W2c = [[1, 1], [1, 1]]
W1c = [[-1, 1, -1], [1, 1, 1]]                # W1 = W3^T
Yc = [[1, 0, -1], [0, 4, 0], [-1, 0, 1]]
c3 = exactopen.classify([W1c, W2c, W3c], Y=Yc)
c3.verdict, c3.certificate["result"]["descent_order"], c3.certificate["result"]["hessian_psd"]
"""),
    ("code", """
Wc = [sp.Matrix(M) for M in (W1c, W2c, W3c)]
curve3 = c3.certificate["evidence"]["curve"]
gamma3 = [Wk + sum((t ** term["power"] * as_sympy(term["layers"][k]) for term in curve3), sp.zeros(*Wk.shape))
          for k, Wk in enumerate(Wc)]
sp.expand(loss(*gamma3, Y=sp.Matrix(Yc)) - loss(*Wc, Y=sp.Matrix(Yc)))
"""),
    ("md", """
**Try it**: change `Y` to `[[0, 0], [0, 2]]` or `[[1, 0], [0, 1]]` and rerun; which verdicts appear? Does the
curve still have order 4?
"""),
]
