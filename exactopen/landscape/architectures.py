"""Theorem 12's architecture analysis and construction, and the audit of the paper's
counterexamples (thm-12, ex-intro, ex-3layer; Appendix C).

thm-12: p1* = argmin_i d_i, p2* = argmin_{j != p1*} d_j (first index on ties).  If
d_{p2*} < min(d_h, d_0) the paper builds X = I, Y = e_{d_h} e_{d_0}^T and W with
W_k = [I 0] or [I; 0] for k in {h..p2+1} u {p1..1} and W_k = 0 for k in {p2..p1+1}
(p1 < p2 the two indices), and claims W is a local minimum that is not global.
:func:`audit_point` classifies such points with the general algorithms of
:mod:`exactopen.landscape.classify` (no verdict or witness is hard-coded here) and recomputes, exactly,
what the paper checked: derivatives of g(t) = L(W + tA) along straight lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from exactopen.errors import InputError
from exactopen.exact import matrix as mx
from exactopen.landscape.classify import classify_critical_point
from exactopen.landscape.network import Network


@dataclass
class Thm12Analysis:
    widths: list
    p1_star: int
    p2_star: int
    applies: bool  # d_{p2*} < min(d_h, d_0): the paper claims a non-global local minimum


def analyse_architecture(widths) -> Thm12Analysis:
    """p1*, p2* and whether thm-12's construction applies (d_{p2*} < min(d_h, d_0))."""
    d = list(widths)
    if len(d) < 2 or any((not isinstance(x, int)) or x < 1 for x in d):
        raise InputError("widths must be at least two positive integers d_0, ..., d_h")
    p1 = min(range(len(d)), key=lambda i: (d[i], i))
    p2 = min((j for j in range(len(d)) if j != p1), key=lambda j: (d[j], j))
    return Thm12Analysis(d, p1, p2, d[p2] < min(d[-1], d[0]))


def _truncation(rows: int, cols: int):
    """[I 0] (rows <= cols) or [I; 0] (rows > cols)."""
    A = mx.zeros(rows, cols)
    for i in range(min(rows, cols)):
        A[i, i] = 1
    return A


def thm12_construction(widths) -> Network:
    """The point (X, Y, W) of thm-12's proof for an architecture where it applies."""
    a = analyse_architecture(widths)
    if not a.applies:
        raise InputError(f"thm-12's construction needs d_p2* < min(d_h, d_0); widths {a.widths} do not satisfy it")
    d = a.widths
    h = len(d) - 1
    p1, p2 = min(a.p1_star, a.p2_star), max(a.p1_star, a.p2_star)
    layers = []
    for k in range(1, h + 1):
        if p1 + 1 <= k <= p2:
            layers.append(mx.zeros(d[k], d[k - 1]))
        else:
            layers.append(_truncation(d[k], d[k - 1]))
    Y = mx.zeros(d[h], d[0])
    Y[d[h] - 1, d[0] - 1] = 1
    return Network.build(layers, Y, mx.identity(d[0]))


def applicable_architectures(max_depth: int = 4, max_width: int = 4):
    """Every width tuple (h <= max_depth, widths <= max_width) where thm-12's construction applies."""
    import itertools

    out = []
    for h in range(1, max_depth + 1):
        for d in itertools.product(range(1, max_width + 1), repeat=h + 1):
            if analyse_architecture(d).applies:
                out.append(list(d))
    return out


def line_taylor_audit(net: Network, max_order: int = 6) -> dict:
    """What the paper checked, exactly: g(t) = L(W + tA) along *straight lines*.

    Returns whether g'(0) = 0 for all A (criticality), whether g''(0) >= 0 for all A (Hessian
    PSD, exact LDL^T), dim N(H), and for A in N(H) (symbolic coefficients) which Taylor
    coefficients t^3..t^max_order are identically zero.  Passing these tests does not prove a
    local minimum.  Only for small networks (sympy, lazily imported).
    """
    from exactopen.exact import linalg
    from exactopen.landscape.global_min import is_psd

    H = net.hessian_matrix()
    psd = is_psd(H)
    K = linalg.nullspace(H).kernel
    out = {"critical": net.is_critical(), "hessian_psd": psd, "hessian_null_dim": K.ncols(),
           "line_coefficients_on_null_space": {}}
    if not psd or K.ncols() == 0 or K.ncols() > 24:
        return out
    import sympy

    c = sympy.symbols(f"c0:{K.ncols()}")
    t = sympy.Symbol("t")
    Kl = K.tolist()
    vec = [sum(sympy.Rational(int(Kl[i][j].p), int(Kl[i][j].q)) * c[j] for j in range(K.ncols()))
           for i in range(K.nrows())]

    def smat(A):
        return sympy.Matrix([[sympy.Rational(int(x.p), int(x.q)) for x in r] for r in A.tolist()]) \
            if A.nrows() and A.ncols() else sympy.zeros(A.nrows(), A.ncols())

    F, o = smat(net.X), 0
    for W in net.layers:
        m, n = W.nrows(), W.ncols()
        D = sympy.Matrix(m, n, vec[o:o + m * n])
        o += m * n
        F = (smat(W) + t * D) * F
    E = F - smat(net.Y)
    wts = None if net.weights is None else smat(net.weights)
    g = sum((E[i, j] ** 2 * (1 if wts is None else wts[i, j]) for i in range(E.rows) for j in range(E.cols)),
            sympy.Integer(0)) / 2
    poly = sympy.Poly(sympy.expand(g), t)
    for k in range(3, max_order + 1):
        coeff = sympy.expand(poly.coeff_monomial(t ** k))
        out["line_coefficients_on_null_space"][k] = "zero" if coeff == 0 else "nonzero"
    return out


def audit_point(net: Network, name: str, with_lines: bool = True) -> dict:
    """Side-by-side audit row for a claimed non-global local minimum (thm-12, ex-intro, ex-3layer)."""
    from exactopen import kernel

    cls = classify_critical_point(net, claim_id=name if name in ("ex-intro", "ex-3layer") else "thm-12")
    checked = kernel.check(cls.certificate)
    res = cls.certificate["result"]
    row = {"name": name, "widths": net.widths, "critical": net.is_critical(), "loss": res["loss"],
           "verdict": cls.verdict, "checked": checked,
           "witness_loss": res.get("witness_loss"), "descent_order": res.get("descent_order"),
           "certificate": cls.certificate}
    if with_lines and net.nparams <= 60:
        row["paper_line_checks"] = line_taylor_audit(net)
    return row


def ex_intro() -> Network:
    """ex-intro's data (claims catalogue), input layer first."""
    f = mx.from_rows
    return Network.build([f([[1, 0]]), f([[0]]), f([[1], [0]])], f([[0, 0], [0, 1]]), mx.identity(2))


def ex_3layer() -> Network:
    """ex-3layer's data as read in the claims catalogue (W1 = W3^T)."""
    f = mx.from_rows
    W3 = f([[-1, 1], [1, 1], [-1, 1]])
    return Network.build([W3.transpose(), f([[1, 1], [1, 1]]), W3], f([[1, 0, -1], [0, 4, 0], [-1, 0, 1]]),
                         mx.identity(3))
