"""Checker for pyramidal networks (lem-6, sec-4) and univariate polynomial maps (ex-2).

Kinds: ``pyramid_openness`` (lem-6), ``pyramid_global`` (sec-4), ``pyramid_not_open``
(a counterexample to lem-6 when X is not of full column rank), ``scalar_openness`` and
``polynomial_minimum`` (ex-2).

Trusted facts (stated, not re-derived from numbers):

* T1  tanh and the logistic function s(x) = 1/(1 + e^-x) are continuous and strictly
      increasing on R: their derivatives 1 - tanh(x)^2 and s(x)(1 - s(x)) are positive.
* T2  a continuous, strictly increasing sigma: R -> R is a homeomorphism onto an open
      interval; applied entrywise it maps open sets to open sets and relatively open subsets
      of any set A to relatively open subsets of sigma(A).
* T3  a surjective linear map between finite-dimensional spaces is open (so is a composition
      of open maps); the intermediate value theorem; Cauchy-Schwarz.
* T4  Bernstein: on [0, 1], g(u) = sum_i b_i C(d, i) u^i (1 - u)^(d - i) with the b_i
      computed below, so all b_i >= 0 implies g >= 0 on [0, 1]; Sturm's theorem.

Everything else (ranks, slopes, breakpoints, pieces, polynomial identities, signs) is
re-derived here with exact rationals.  Piecewise-linear activations (identity, leaky ReLU,
"pwl") are evaluated exactly; tanh and logistic are only ever used through T1/T2.
"""

from __future__ import annotations

from flint import fmpq, fmpq_poly

from exactopen.kernel.core import kind, rely
from exactopen.kernel.primitives import (
    BUDGET,
    METER,
    PY,
    QM,
    entry_cost,
    field,
    full_column_rank,
    full_row_rank,
    limbs,
    matrix,
    rank_at_most,
    rational,
    require,
    within,
)
from exactopen.kernel.work import qbits

TRUSTED = {
    "tanh": "d/dx tanh(x) = 1 - tanh(x)^2 > 0 on R",
    "logistic": "d/dx s(x) = s(x) (1 - s(x)) > 0 on R, s(x) = 1/(1 + exp(-x))",
}


# --------------------------------------------------------------------------------------
# activations
# --------------------------------------------------------------------------------------

class Act:
    """A checked activation; ``pieces`` (PWL only) are (lo, hi, slope, intercept), lo/hi None = inf."""

    def __init__(self, name: str, breakpoints=None, slopes=None, point=None, value=None):
        self.name = name
        self.text = name
        self.breakpoints, self.slopes = breakpoints, slopes
        self.pieces = None
        if slopes is not None:
            # sigma(x) = value + integral_point^x slope: intercepts from the value at `point`;
            # each is a running sum whose size grows with the breakpoints it passes: charged first
            sizes = [sum(qbits(x)) for x in list(breakpoints) + list(slopes) + [point, value]]
            grow, cum = 0, 0
            for b in sizes:
                cum += b
                grow += entry_cost(2 * cum)
            METER.charge(grow, "the intercepts of a piecewise-linear activation")
            METER.hold(len(slopes) * (64 + cum // 4), "the intercepts of a piecewise-linear activation")
            ends = [None] + list(breakpoints) + [None]
            j = sum(1 for b in breakpoints if b <= point)   # piece holding `point`
            icpt = [None] * len(slopes)
            icpt[j] = value - slopes[j] * point
            for i in range(j + 1, len(slopes)):            # continuity at breakpoints[i-1]
                b = breakpoints[i - 1]
                icpt[i] = slopes[i - 1] * b + icpt[i - 1] - slopes[i] * b
            for i in range(j - 1, -1, -1):                 # continuity at breakpoints[i]
                b = breakpoints[i]
                icpt[i] = slopes[i + 1] * b + icpt[i + 1] - slopes[i] * b
            self.pieces = [(ends[i], ends[i + 1], slopes[i], icpt[i]) for i in range(len(slopes))]

    @property
    def linear_slope(self):
        """s if sigma(x) = s x on all of R (a linear activation), else None."""
        if self.pieces is None or len(set(self.slopes)) != 1 or self.pieces[0][3] != 0:
            return None
        return self.slopes[0]

    def piece_at(self, y, where: str, radius_sq=None):
        """The piece whose open interior holds y (and the radius ball around it, if given)."""
        for lo, hi, s, c in self.pieces:
            if (lo is None or lo < y) and (hi is None or y < hi):
                for b in (lo, hi):
                    if b is not None and radius_sq is not None:
                        require((y - b) ** 2 > radius_sq, f"{where}: within the radius of breakpoint {b}")
                return s, c
        require(False, f"{where}: {y} is a breakpoint of the activation")

    def piece_on(self, a, b, where: str):
        """The piece containing the closed segment between a and b (no breakpoint strictly inside)."""
        lo_, hi_ = min(a, b), max(a, b)
        for bp in self.breakpoints:
            require(not (lo_ < bp < hi_), f"{where}: segment [{lo_}, {hi_}] crosses breakpoint {bp}")
        mid = (a + b) / 2
        for lo, hi, s, c in self.pieces:
            if (lo is None or lo <= mid) and (hi is None or mid <= hi):
                return s, c
        require(False, f"{where}: no piece")  # unreachable


def _rat_list(obj, where: str) -> list:
    require(isinstance(obj, list), f"{where} is not a list")
    within(len(obj), "degree", f"{where}: the length")
    METER.charge(3000 * len(obj), f"{where}: reading {len(obj)} rationals")
    return [rational(x, f"{where}[{i}]") for i, x in enumerate(obj)]


def activation(obj, where: str) -> Act:
    """Read an activation and prove it continuous and strictly increasing (T1 for tanh/logistic)."""
    name = field(obj, "name", str, where)
    allowed = {"leaky_relu": ("name", "slope"), "pwl": ("name", "breakpoints", "slopes", "point", "value")}
    for key in obj:
        require(key in allowed.get(name, ("name",)), f"{where}.{key}: unknown field for activation {name[:40]!r}")
    if name in TRUSTED:  # continuous and strictly increasing by T1 (recorded where a verdict uses it)
        return Act(name)
    if name == "identity":
        return Act(name, [], [fmpq(1)], fmpq(0), fmpq(0))
    if name == "leaky_relu":
        a = rational(field(obj, "slope", str, where), where + ".slope")
        require(a > 0, f"{where}: leaky ReLU slope {a} <= 0 is not strictly monotone")
        act = Act(name, [fmpq(0)], [a, fmpq(1)], fmpq(0), fmpq(0))
        act.text = f"leaky_relu:{a}"
        return act
    if name == "pwl":
        bps = _rat_list(field(obj, "breakpoints", list, where), where + ".breakpoints")
        sl = _rat_list(field(obj, "slopes", list, where), where + ".slopes")
        require(len(sl) == len(bps) + 1, f"{where}: {len(bps)} breakpoints need {len(bps) + 1} slopes")
        require(all(bps[i] < bps[i + 1] for i in range(len(bps) - 1)), f"{where}: breakpoints not increasing")
        for i, s in enumerate(sl):
            require(s > 0, f"{where}: slope {i} is {s} <= 0, not strictly increasing")
        p = rational(field(obj, "point", str, where), where + ".point")
        v = rational(field(obj, "value", str, where), where + ".value")
        act = Act(name, bps, sl, p, v)
        act.text = (f"pwl:breakpoints={','.join(map(str, bps))};slopes={','.join(map(str, sl))};"
                    f"point={p};value={v}")
        return act
    require(False, f"{where}: unknown activation {name!r} (no theorem of this checker covers it)")


def _rely_monotone(acts) -> None:
    """A verdict that uses every sigma_i being continuous and strictly increasing: T1 for tanh and
    the logistic function (piecewise-linear ones are checked from their slopes)."""
    if any(a.pieces is None for a in acts):
        rely("monotone-activations")


def check_activation_evidence(act: Act, ev, where: str) -> str:
    """The evidence restates why sigma is strictly increasing; it must match what was derived."""
    method = field(ev, "method", str, where)
    if act.pieces is None:
        require(method == "trusted", f"{where}: {act.name} is covered only by the trusted fact T1")
        require(field(ev, "fact", str, where) == TRUSTED[act.name], f"{where}: not the checker's trusted fact")
        return act.text
    require(method == "positive_slopes", f"{where}: method must be 'positive_slopes'")
    sl = _rat_list(field(ev, "slopes", list, where), where + ".slopes")
    bp = _rat_list(field(ev, "breakpoints", list, where), where + ".breakpoints")
    require(sl == act.slopes and bp == act.breakpoints, f"{where}: slopes/breakpoints differ from the activation's")
    require(all(s > 0 for s in sl), f"{where}: a slope is <= 0")
    return act.text


# --------------------------------------------------------------------------------------
# pyramid networks: lem-6, sec-4
# --------------------------------------------------------------------------------------

def _network(inputs: dict, need_x: bool):
    for key in inputs:
        require(key in ("layers", "activations", "X"), f"inputs.{key}: unknown field")
    raw = field(inputs, "layers", list, "inputs")
    require(1 <= len(raw) <= BUDGET["layers"], "inputs.layers: 1 to 64 layers")
    Ws = [matrix(w, f"inputs.layers[{i}]") for i, w in enumerate(raw)]
    acts_raw = field(inputs, "activations", list, "inputs")
    require(len(acts_raw) == len(Ws), "inputs: one activation per layer")
    acts = [activation(a, f"inputs.activations[{i}]") for i, a in enumerate(acts_raw)]
    for i in range(1, len(Ws)):
        require(Ws[i].ncols() == Ws[i - 1].nrows(), f"inputs.layers[{i}] does not chain with layer {i}")
    X = inputs.get("X")
    if X is None:
        require(not need_x, "inputs.X is required")
    else:
        X = matrix(X, "inputs.X")
        require(X.nrows() == Ws[0].ncols(), "inputs.X does not chain with layer 1 (X.rows != W1.cols)")
    return Ws, acts, X


def _net_text(Ws, X) -> str:
    h = len(Ws)
    d = [Ws[0].ncols()] + [W.nrows() for W in Ws]
    return (f"F_{h}(W) = sigma_{h}(W_{h} ... sigma_1(W_1 X)) with d = ({', '.join(map(str, d))})"
            + ("" if X is None else f", n = {X.ncols()}"))


def _activation_evidence(acts, ev) -> list:
    evs = field(ev, "activations", list, "evidence")
    require(len(evs) == len(acts), "evidence.activations: one entry per layer")
    return [check_activation_evidence(a, e, f"evidence.activations[{i}]") for i, (a, e) in enumerate(zip(acts, evs))]


def _all_full_row_rank(Ws, ev) -> None:
    minors = field(ev, "layers", list, "evidence")
    require(len(minors) == len(Ws), "evidence.layers: one minor per layer")
    for i, (W, mnr) in enumerate(zip(Ws, minors)):
        full_row_rank(W, mnr, f"evidence.layers[{i}] (W{i + 1})")


def _failures(Ws, X, ev) -> list[str]:
    """Each listed hypothesis failure, proved by an annihilator: rank W_i < d_i or rank X < n."""
    fails = field(ev, "failures", list, "evidence")
    require(len(fails) >= 1, "evidence.failures is empty: nothing shows a hypothesis fails")
    out = []
    for j, f in enumerate(fails):
        where = f"evidence.failures[{j}]"
        obj = field(f, "object", str, where)
        ann = field(f, "annihilator", dict, where)
        if obj == "X":
            require(X is not None, f"{where}: no X")
            r = rank_at_most(X, ann, where)
            require(r < X.ncols(), f"{where}: does not show rank X < n = {X.ncols()}")
            out.append(f"rank X <= {r} < n = {X.ncols()}")
        else:
            require(obj.startswith("W") and obj[1:].isdigit() and 1 <= int(obj[1:]) <= len(Ws),
                    f"{where}.object must be 'X' or 'W1'..'W{len(Ws)}'")
            W = Ws[int(obj[1:]) - 1]
            r = rank_at_most(W, ann, where)
            require(r < W.nrows(), f"{where}: does not show rank {obj} < {W.nrows()}")
            out.append(f"rank {obj} <= {r} < {W.nrows()}")
    return out


@kind("pyramid_openness")
def check_pyramid_openness(cert: dict) -> str:
    """lem-6, with the hypothesis on X the paper's proof needs (see exactopen.pyramid.networks).

    Routes to "locally_open":
      X_full_column_rank  X given, rank X = n: F_h maps every eps-ball around W onto a
                          neighbourhood of F_h(W) in R^{d_h x n} (T2, T3), given every W_i
                          full row rank.
      every_full_column_rank_X  X not given: the same conclusion for every such X.
      linear_hidden_layers  sigma_1..sigma_{h-1} are x -> s x (vacuous for h = 1): for any X,
                          locally open relative to the range (perturbing W_1 alone is onto
                          {Z : rows in the row space of X}, which contains the range).
    "undecided": a hypothesis fails, proved by an annihilator (never a claim of non-openness).
    """
    Ws, acts, X = _network(field(cert, "inputs", dict, "certificate"), need_x=False)
    res, ev = cert["result"], cert["evidence"]
    verdict = field(res, "verdict", str, "result")
    act_text = ", ".join(_activation_evidence(acts, ev))
    net = _net_text(Ws, X)
    hidden_linear = all(a.linear_slope is not None for a in acts[:-1])
    if verdict == "undecided":
        fails = _failures(Ws, X, ev)
        if any(f.startswith("rank X") for f in fails):
            require(not hidden_linear, "rank X < n does not block the linear_hidden_layers route")
        return (f"lem-6 does not decide whether {net} is locally open at W: {'; '.join(fails)}. lem-6 is only "
                "sufficient; this is not a claim of non-openness")
    require(verdict == "locally_open", "result.verdict must be 'locally_open' or 'undecided'")
    route = field(res, "route", str, "result")
    _all_full_row_rank(Ws, ev)
    if route == "X_full_column_rank":
        require(X is not None, "route X_full_column_rank needs inputs.X")
        full_column_rank(X, field(ev, "X_minor", dict, "evidence"), "evidence.X_minor")
        text = ("F is locally open at W, and more: for every eps > 0 there is delta > 0 such that every Z with "
                "||Z - F(W)|| < delta is F(W') for some ||W' - W|| < eps (lem-6; hypotheses checked: sigma_i "
                "continuous strictly increasing, every W_i full row rank, X full column rank)")
    elif route == "every_full_column_rank_X":
        require(X is None, "route every_full_column_rank_X is for inputs without X")
        text = ("for every input X in R^(d0 x n) of full column rank (any n <= d0), F is locally open at W, onto "
                "a neighbourhood of F(W) in R^(d_h x n) (lem-6; hypotheses checked: sigma_i continuous strictly "
                "increasing, every W_i full row rank)")
    elif route == "linear_hidden_layers":
        require(hidden_linear, "route linear_hidden_layers: a hidden activation is not x -> s x")
        text = (f"for {'the given X' if X is not None else 'every input X'}, F is locally open at W relative to "
                "its range (lem-6; hidden activations are x -> s x, so perturbing W_1 alone reaches every "
                "{Z : rows in the row space of X} near F(W); every W_i full row rank)")
    else:
        require(False, f"unknown route {route[:40]!r}")
    _rely_monotone(acts)
    rely("open-maps")
    return f"{net}, activations {act_text}: {text}"


@kind("pyramid_global")
def check_pyramid_global(cert: dict) -> str:
    """sec-4: X full column rank, d_i <= d_{i-1}, every W_i full row rank, sigma_i strictly
    increasing => (lem-6 route X_full_column_rank) F_h(B_eps(W)) is a neighbourhood of
    F_h(W), so a local min of l(F_h(.)) at W makes F_h(W) a local, hence (l convex on
    R^{d_h x n}) global, minimiser of l: W is a global minimiser of l(F_h(.))."""
    Ws, acts, X = _network(field(cert, "inputs", dict, "certificate"), need_x=True)
    res, ev = cert["result"], cert["evidence"]
    verdict = field(res, "verdict", str, "result")
    act_text = ", ".join(_activation_evidence(acts, ev))
    net = _net_text(Ws, X)
    if verdict == "undecided":
        return (f"sec-4 does not apply to {net} at W: {'; '.join(_failures(Ws, X, ev))}. This is not a claim that "
                "a non-global local minimum exists")
    require(verdict == "local_min_is_global", "result.verdict must be 'local_min_is_global' or 'undecided'")
    full_column_rank(X, field(ev, "X_minor", dict, "evidence"), "evidence.X_minor")
    widths = [X.nrows()] + [W.nrows() for W in Ws]
    require(X.nrows() >= X.ncols(), "d0 < n")
    require(all(widths[i] <= widths[i - 1] for i in range(1, len(widths))), "widths are not non-increasing")
    _all_full_row_rank(Ws, ev)
    _rely_monotone(acts)
    rely("open-maps"); rely("convexity")
    return (f"{net}, activations {act_text}. For every convex loss l: R^(d_h x n) -> R: if W is a local minimum "
            "of W' -> l(F(W')), then W is a global minimum. The sec-4 hypotheses hold, all checked: X full column rank "
            "(d0 >= n), d_i <= d_(i-1), every W_i full row rank, every sigma_i continuous strictly increasing. "
            "Argument: by lem-6 (valid with X of full column rank) F maps every eps-ball around W onto a "
            "neighbourhood of F(W); by obs-1 F(W) is a local, hence (l convex) global, minimiser of l. Not used and not claimed: convexity "
            "of the image of F")


@kind("pyramid_not_open")
def check_pyramid_not_open(cert: dict) -> str:
    """lem-6 refuted when X is not of full column rank: h = 2, sigma_1 piecewise linear.

    (1) For ||W - W^|| < eps (Frobenius), |((W1 - W^1) X)_ij| <= eps ||X_:j|| < distance of
        (W^1 X)_ij to the breakpoints, so sigma_1(W1 X) = S o (W1 X) + C with fixed S, C.
    (2) X diag(S_a,:) K = 0 for every row a and C K = 0, so sigma_1(W1 X) K = 0 and the
        pre-activation G = W2 sigma_1(W1 X) satisfies G K = 0 on the whole ball.
    (3) The family W(t) = W0 + t W1' (t in [0, t0]) keeps every entry of W1(t) X on one
        piece, so G(t) = (B0 + t B1)(P + t Q) exactly; G(0) = G(W^) and G(t) K is a nonzero
        polynomial with G(0) K = 0, hence nonzero for all small t > 0.
    So F(W(t)) = sigma_2(G(t)) lies in the range, tends to F(W^), and (sigma_2 continuous and injective: T1, or its positive slopes)
    is never in F(B_eps(W^)): no delta works for this eps.
    """
    Ws, acts, X = _network(field(cert, "inputs", dict, "certificate"), need_x=True)
    require(len(Ws) == 2, "pyramid_not_open is for two-layer networks")
    W1, W2 = Ws
    s1 = acts[0]
    require(s1.pieces is not None, "sigma_1 must be piecewise linear (identity, leaky_relu, pwl)")
    res, ev = cert["result"], cert["evidence"]
    require(field(res, "verdict", str, "result") == "not_locally_open", "result.verdict must be 'not_locally_open'")
    act_text = _activation_evidence(acts, ev)
    _all_full_row_rank(Ws, ev)
    rX = rank_at_most(X, field(ev, "X_rank", dict, "evidence"), "evidence.X_rank")
    require(rX < X.ncols(), "evidence.X_rank does not show rank X < n")
    n, d1 = X.ncols(), W1.nrows()
    # (1) fixed pieces on the ball
    eps = rational(field(ev, "radius", str, "evidence"), "evidence.radius")
    require(eps > 0, "evidence.radius must be > 0")
    Y0 = W1 * X
    pieces = len(s1.pieces) + len(s1.breakpoints)
    METER.charge(2 * d1 * n * (pieces + X.nrows() + 4) * PY, "locating every entry of W1 X on the activation's pieces")
    S, C = QM.new(d1, n), QM.new(d1, n)
    eps2 = eps * eps
    METER.charge(X.nrows() * n * entry_cost(2 * (X.nb + X.db)), "the squared norms of the columns of X")
    for j in range(n):
        col_sq = sum((X[i, j] ** 2 for i in range(X.nrows())), fmpq(0))
        METER.charge(d1 * entry_cost(2 * (sum(qbits(eps2)) + sum(qbits(col_sq)))), "the radius of every entry of W1 X")
        rad = eps2 * col_sq
        for a in range(d1):
            S[a, j], C[a, j] = s1.piece_at(Y0[a, j], f"(W1 X)[{a}][{j}]", rad)
    # (2) the annihilated directions
    K = matrix(field(ev, "K", dict, "evidence"), "evidence.K")
    require(K.nrows() == n and K.ncols() >= 1 and any(x != 0 for x in K.entries()), "evidence.K must be nonzero n x p")
    require(all(x == 0 for x in (C * K).entries()), "C K != 0")
    for a in range(d1):
        D = QM.new(n, n)
        for j in range(n):
            D[j, j] = S[a, j]
        require(all(x == 0 for x in (X * D * K).entries()), f"X diag(S[{a}]) K != 0")
    G0 = W2 * _hadamard(S, Y0, C)
    # (3) the family
    fam = field(ev, "family", dict, "evidence")
    A0, A1 = (matrix(field(fam, k, dict, "family"), "family." + k) for k in ("W1_0", "W1_1"))
    B0, B1 = (matrix(field(fam, k, dict, "family"), "family." + k) for k in ("W2_0", "W2_1"))
    for M, R in ((A0, W1), (A1, W1), (B0, W2), (B1, W2)):
        require(M.nrows() == R.nrows() and M.ncols() == R.ncols(), "family matrices have the wrong shape")
    t0 = rational(field(fam, "t0", str, "family"), "family.t0")
    require(t0 > 0, "family.t0 must be > 0")
    P0, Q0 = A0 * X, A1 * X
    P, Q = QM.new(d1, n), QM.new(d1, n)
    for a in range(d1):
        for j in range(n):
            METER.charge(entry_cost(sum(qbits(Q0[a, j])) + sum(qbits(t0))) * 3, "W1(t) X on one piece")
            s, c = s1.piece_on(P0[a, j], P0[a, j] + Q0[a, j] * t0, f"W1(t) X [{a}][{j}]")
            P[a, j], Q[a, j] = s * P0[a, j] + c, s * Q0[a, j]
    require(B0 * P == G0, "G(0) != pre-activation at the point: the family does not start at F(W)")
    c1, c2 = (B1 * P + B0 * Q) * K, (B1 * Q) * K
    require(any(x != 0 for x in c1.entries() + c2.entries()), "G(t) K is identically zero: the family stays in the subspace")
    _rely_monotone(acts[1:])  # sigma_2 continuous and injective (sigma_1 is piecewise linear)
    return (f"F(W) = sigma_2(W2 sigma_1(W1 X)) with d = ({X.nrows()}, {d1}, {W2.nrows()}), n = {n}, activations "
            f"{', '.join(act_text)}, rank X <= {rX} < n: every W_i has full row rank and every sigma_i is continuous "
            f"and strictly increasing, yet F is NOT locally open at W relative to its range (for eps = {eps} no "
            "delta works). So lem-6 as restated (no hypothesis on X) is false; it needs X of full column rank")


def _hadamard(S: QM, Y: QM, C: QM) -> QM:
    METER.charge(Y.nrows() * Y.ncols() * 4 * PY, "an entrywise product")
    out = QM.new(Y.nrows(), Y.ncols())
    for i in range(Y.nrows()):
        for j in range(Y.ncols()):
            out[i, j] = S[i, j] * Y[i, j] + C[i, j]
    return out


# --------------------------------------------------------------------------------------
# univariate polynomials: ex-2
# --------------------------------------------------------------------------------------

def poly(obj, where: str) -> fmpq_poly:
    """A polynomial from its coefficient list, lowest degree first."""
    return fmpq_poly(_rat_list(obj, where))


# Univariate arithmetic charged to the meter: a polynomial of degree d with coefficients of b
# bits (numerator and denominator together) is (d, b); costs are estimated from these before
# each operation (FLINT multiplies by Kronecker substitution, near-linear in d b).

def _size(p) -> tuple[int, int]:
    """(degree, bits of the largest coefficient) of a polynomial or a rational."""
    if isinstance(p, fmpq_poly):
        METER.charge((p.degree() + 2) * PY, "reading a polynomial's coefficients")
        return max(p.degree(), 0), max((sum(qbits(c)) for c in p.coeffs()), default=0)
    return 0, sum(qbits(p))


def _charge(deg: int, bits: int, what: str, steps: int = 1) -> None:
    """``steps`` operations making a polynomial of degree ``deg`` with coefficients of ``bits`` bits
    (FLINT's products are near-linear in the size of the result)."""
    METER.need((deg + 1) * (64 + bits // 4), what)
    METER.charge(steps * (deg + 2) * (500 + 50 * limbs(bits) * (1 + (deg + 1).bit_length())), what)


def pmul(a, b):
    (da, ba), (db, bb) = _size(a), _size(b)
    _charge(da + db, ba + bb + (min(da, db) + 1).bit_length(), "a product of polynomials")
    return a * b


def ppow(a, e: int):
    d, b = _size(a)
    _charge(d * e, b * e + e * (d + 1).bit_length(), "a power of a polynomial", 2)
    return a ** e


def compose(F, G):
    """F(G), or F evaluated at a rational G: the result has degree deg F deg G and coefficients of
    about bits F + deg F (bits G + log deg G) bits; FLINT's Horner steps (a value), Taylor shift
    (deg G = 1) and divide-and-conquer composition are near-linear in that size times deg F
    (a value) or log of the degree."""
    (dF, bF), (dG, bG) = _size(F), _size(G)
    D, B = dF * dG, bF + dF * (bG + (dG + 1).bit_length() + 1)
    if dG == 0:
        _charge(0, B, "a polynomial's value", dF + 1)
    else:
        _charge(D, B, "a composition of polynomials", 2 + (dF + 1).bit_length())
    return F(G)


def poly_str(p: fmpq_poly, var: str = "w") -> str:
    """p as text, highest power first: "w^2 - 1"."""
    cs = p.coeffs()
    if not cs:
        return "0"
    terms = []
    for j in range(len(cs) - 1, -1, -1):
        c = cs[j]
        if c == 0:
            continue
        mono = "" if j == 0 else var if j == 1 else f"{var}^{j}"
        mag = abs(c)
        coef = str(mag) if (mag != 1 or j == 0) else ""
        body = coef + ("*" if coef and mono else "") + mono
        terms.append(("- " if c < 0 else "+ ") + body)
    out = " ".join(terms)
    return out[2:] if out.startswith("+ ") else "-" + out[2:]


def delta_text(sides) -> str:
    """delta(eps) = min over the two sides of c min(eps, r)^k, as text."""
    parts = []
    for s in sides:
        c, k, r = str(s["c"]), s["k"], s["r"]
        e = "eps" if r is None else f"min(eps, {r})"
        if k > 1:
            e = f"{e}^{k}"
        parts.append(e if c == "1" else f"{c}*{e}")
    return parts[0] if parts[0] == parts[1] else f"min({parts[0]}, {parts[1]})"


def _sign_changes(vals) -> int:
    s = [v for v in vals if v != 0]
    return sum(1 for a, b in zip(s, s[1:]) if (a > 0) != (b > 0))


def _lead(p: fmpq_poly):
    return p.coeffs()[-1]


def sturm_roots_above(p: fmpq_poly, lo) -> int:
    """Number of distinct real roots of p in (lo, inf) (lo None: all of R); p(lo) != 0.
    Cost: a Sturm sequence of degree d (budget sturm_degree), O(d^2) polynomial operations."""
    within(p.degree(), "sturm_degree", "the degree of a polynomial whose real roots are counted")
    seq = [p, p.derivative()]
    while seq[-1].degree() > 0:
        (d1, b1), (d2, b2) = _size(seq[-2]), _size(seq[-1])
        METER.charge((d1 + 1) * (d2 + 1) * (400 + 160 * limbs(b1 + b2)), "a step of a Sturm sequence")
        r = -(seq[-2] % seq[-1])
        if r.degree() < 0:
            break
        seq.append(r)
    at_inf = _sign_changes([_lead(q) for q in seq])
    if lo is None:
        at_lo = _sign_changes([_lead(q) * (-1) ** q.degree() for q in seq])
    else:
        at_lo = _sign_changes([compose(q, lo) for q in seq])
    return at_lo - at_inf


def bernstein_coefficients(g: fmpq_poly, r) -> list:
    """Bernstein coefficients of u -> g(r u) on [0, 1] (T4), up to the positive factors C(d, i):
    the coefficients of P(u) = (1 + u)^d G(u / (1 + u)), G(x) = g(r x).  With rev the reversal
    at degree d, P = rev(rev(G)(x + 1)): one Taylor shift in FLINT.

    Cost: O(d^2) coefficient operations for degree d (budget ``degree``); the sign test needs
    no division by C(d, i), which is positive."""
    h = g.coeffs()
    d = len(h) - 1
    within(d, "degree", "the degree of the polynomial")
    _, bg = _size(g)
    br = sum(qbits(r))
    _charge(d, bg + d * br, "the coefficients c_j r^j", d + 1)
    rev = fmpq_poly([c * r ** j for j, c in enumerate(h)][::-1])
    shifted = compose(rev, fmpq_poly([1, 1])).coeffs()
    return (shifted + [fmpq(0)] * (d + 1 - len(shifted)))[::-1]


def nonneg_on(g: fmpq_poly, r, where: str) -> None:
    """g(rho) >= 0 for rho in [0, r] (Bernstein, T4), or for rho >= 0 when r is None
    (all coefficients >= 0)."""
    if r is None:
        require(all(c >= 0 for c in g.coeffs()), f"{where}: a coefficient is negative (rho >= 0 not proved)")
    else:
        require(all(b >= 0 for b in bernstein_coefficients(g, r)), f"{where}: a Bernstein coefficient on [0, {r}] is negative")
        rely("bernstein")


def nonneg_factored(P: fmpq_poly, ev, lower, where: str) -> None:
    """P >= 0 on R (lower None) or on [lower, inf): P = lc * prod f^e with lc >= 0, and each
    f of odd e has a positive leading coefficient and no real root in the domain (Sturm), or
    is c (x - lower) with c > 0."""
    lc = rational(field(ev, "lc", str, where), where + ".lc")
    require(lc >= 0, f"{where}.lc < 0")
    prod = fmpq_poly([lc])
    for i, f in enumerate(field(ev, "factors", list, where)):
        w = f"{where}.factors[{i}]"
        g = poly(field(f, "poly", list, w), w + ".poly")
        e = field(f, "exp", int, w)
        require(e >= 1 and g.degree() >= 1, f"{w}: exponent >= 1 and degree >= 1 required")
        within(e * g.degree() + prod.degree(), "degree", f"{w}: the degree of the product")
        prod = pmul(prod, ppow(g, e))
        if e % 2:
            require(_lead(g) > 0, f"{w}: odd power of a factor with negative leading coefficient")
            if g.degree() == 1 and lower is not None and compose(g, lower) == 0:
                continue  # x - lower, up to a positive factor: >= 0 on [lower, inf)
            if lower is not None:
                require(compose(g, lower) > 0, f"{w}: factor is not positive at the domain's end {lower}")
            require(sturm_roots_above(g, lower) == 0, f"{w}: odd power of a factor with a real root in the domain")
            rely("sturm")
    require(prod == P, f"{where}: lc * prod factors^exp is not the polynomial")


@kind("scalar_openness")
def check_scalar_openness(cert: dict) -> str:
    """ex-2: local openness of F: R -> R (polynomial) at w0, relative to its range S.

    Side certificates: g(rho) = s (F(w0 +- rho) - F(w0)) - c rho^k >= 0 on [0, r] (r None:
    rho >= 0), c > 0.  By the IVT, F([w0, w0 + e)) contains every value between F(w0) and
    F(w0) + s c e^k (e <= r), likewise on the left.  Opposite directions: a full
    neighbourhood, delta(eps) = min over sides of c min(eps, r)^k.  Same direction s: open
    relative to S iff s (F - F(w0)) >= 0 on R (then S lies on one side of F(w0)); refuted by a
    point w1 with s (F(w1) - F(w0)) < 0 (then S holds values on the other side arbitrarily
    close to F(w0), while F(B_r(w0)) does not)."""
    inp, res, ev = cert["inputs"], cert["result"], cert["evidence"]
    for key in inp:
        require(key in ("F", "w0"), f"inputs.{key}: unknown field")
    F = poly(field(inp, "F", list, "inputs"), "inputs.F")
    w0 = rational(field(inp, "w0", str, "inputs"), "inputs.w0")
    Fw0 = compose(F, w0)
    verdict = field(res, "verdict", str, "result")
    relative = field(res, "relative_to", str, "result")
    require(rational(field(res, "F_w0", str, "result"), "result.F_w0") == Fw0, "result.F_w0 != F(w0)")
    fs = poly_str(F)
    if F.degree() <= 0:
        require(verdict == "locally_open" and relative == "range", "a constant map is locally open in its range")
        return f"F(w) = {fs} is constant: it is locally open at w0 = {w0} relative to its range {{{Fw0}}}"
    x = fmpq_poly([0, 1])
    sides = {}
    for name, shift in (("right", fmpq_poly([w0, 1])), ("left", fmpq_poly([w0, -1]))):
        sd = field(ev, name, dict, "evidence")
        s = field(sd, "sign", int, f"evidence.{name}")
        require(s in (1, -1), f"evidence.{name}.sign must be 1 or -1")
        c = rational(field(sd, "c", str, f"evidence.{name}"), f"evidence.{name}.c")
        k = field(sd, "k", int, f"evidence.{name}")
        require(c > 0 and k >= 1, f"evidence.{name}: need c > 0 and k >= 1")
        within(k, "degree", f"evidence.{name}.k")
        r = sd.get("r")
        r = None if r is None else rational(r, f"evidence.{name}.r")
        require(r is None or r > 0, f"evidence.{name}.r must be > 0")
        g = (compose(F, shift) - Fw0) * s - pmul(ppow(x, k), c)
        nonneg_on(g, r, f"evidence.{name}")
        sides[name] = (s, c, k, r)
    sR, sL = sides["right"][0], sides["left"][0]
    rely("ivt")
    dt = delta_text([{"c": c, "k": k, "r": r} for _s, c, k, r in (sides["right"], sides["left"])])
    if sR != sL:
        require(verdict == "locally_open" and relative == "R", "opposite directions: locally open in R")
        _check_delta(res, sides)
        return (f"F(w) = {fs} is locally open at w0 = {w0}: for every eps > 0, F((w0 - eps, w0 + eps)) contains "
                f"(F(w0) - delta, F(w0) + delta) with delta(eps) = {dt}, F(w0) = {Fw0}")
    P = (F - Fw0) * sR
    side = f"[{Fw0}, inf)" if sR > 0 else f"(-inf, {Fw0}]"
    if verdict == "locally_open":
        require(relative == "range", "same direction on both sides: openness is relative to the range")
        nonneg_factored(P, field(ev, "global", dict, "evidence"), None, "evidence.global")
        _check_delta(res, sides)
        return (f"F(w) = {fs} is locally open at w0 = {w0} relative to its range S, which lies in {side} "
                f"(F(w0) = {Fw0} is the global {'minimum' if sR > 0 else 'maximum'} of F): for every eps > 0, "
                f"B_delta(F(w0)) ∩ S ⊆ F(B_eps(w0)) with delta(eps) = {dt}")
    require(verdict == "not_locally_open", "result.verdict must be locally_open or not_locally_open")
    require(relative == "range", "non-openness is stated relative to the range")
    w1 = rational(field(ev, "escape", str, "evidence"), "evidence.escape")
    require(compose(P, w1) < 0, "evidence.escape: s (F(w1) - F(w0)) is not < 0")
    return (f"F(w) = {fs} is NOT locally open at w0 = {w0} relative to its range: near w0, F stays in {side}, "
            f"but F({w1}) = {compose(F, w1)} lies on the other side of F(w0) = {Fw0}, so the range holds values on that "
            "side arbitrarily close to F(w0) that no w near w0 reaches")


def _check_delta(res: dict, sides: dict) -> None:
    """result.delta restates delta(eps) = min_side c min(eps, r)^k; it must match the sides."""
    d = field(res, "delta", list, "result")
    require(len(d) == 2, "result.delta lists the two sides")
    for item, name in zip(d, ("right", "left")):
        s, c, k, r = sides[name]
        require(field(item, "side", str, "result.delta") == name, "result.delta: the sides are right, then left")
        require(rational(field(item, "c", str, "result.delta"), "c") == c and field(item, "k", int, "result.delta") == k,
                f"result.delta ({name}) does not match the evidence")
        ri = item.get("r")
        require((ri is None and r is None) or (ri is not None and r is not None and rational(ri, "r") == r),
                f"result.delta ({name}): r does not match the evidence")


@kind("polynomial_minimum")
def check_polynomial_minimum(cert: dict) -> str:
    """ex-2: value v = L(p) at each listed minimiser p and L - v >= 0 on the domain (R or
    [lower, inf)), so the minimisers are global; optionally each listed preimage w maps to a
    minimiser under the map F (e.g. z = 1 = F(+-1) for F(w) = w^2)."""
    inp, res, ev = cert["inputs"], cert["result"], cert["evidence"]
    for key in inp:
        require(key in ("objective", "lower", "map"), f"inputs.{key}: unknown field")
    L = poly(field(inp, "objective", list, "inputs"), "inputs.objective")
    lower = inp.get("lower")
    lower = None if lower is None else rational(lower, "inputs.lower")
    v = rational(field(res, "value", str, "result"), "result.value")
    mins = _rat_list(field(res, "minimisers", list, "result"), "result.minimisers")
    require(len(mins) >= 1, "result.minimisers is empty")
    for p in mins:
        require(lower is None or p >= lower, f"minimiser {p} is outside the domain")
        Lp = compose(L, p)
        require(Lp == v, f"L({p}) = {Lp} != {v}")
    nonneg_factored(L - v, field(ev, "nonnegativity", dict, "evidence"), lower, "evidence.nonnegativity")
    text = (f"min of L = {poly_str(L)} over w in {'R' if lower is None else f'[{lower}, inf)'} is {v}, attained "
            f"at w = {', '.join(map(str, mins))} (global minimisers)")
    if "map" in inp:
        F = poly(field(inp, "map", list, "inputs"), "inputs.map")
        within(max(L.degree(), 0) * max(F.degree(), 0), "degree", "deg L * deg F (the degree of L(F(w)))")
        pre = _rat_list(field(res, "preimages", list, "result"), "result.preimages")
        for w in pre:
            Fw = compose(F, w)
            require(Fw in mins, f"F({w}) = {Fw} is not a listed minimiser")
        LF = compose(L, F)
        require(poly(field(res, "composition", list, "result"), "result.composition") == LF,
                "result.composition is not L(F(w))")
        text += (f"; each of w = {', '.join(map(str, pre))} maps to a minimiser under F(w) = {poly_str(F)}, "
                 f"and L(F(w)) = {poly_str(LF)}")
    return text
