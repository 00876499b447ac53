"""Pyramidal non-linear networks F_h(W) = sigma_h(W_h ... sigma_1(W_1 X)): lem-6 and sec-4.

What is decided (claim ids from the claims catalogue):

* :func:`decide_pyramid` (lem-6) -- local openness of F_h at W = (W_1, ..., W_h).
  Lemma 6 as restated assumes only "sigma_i continuous, strictly monotone; every W_i full row
  rank".  Its proof composes open maps, but the induction step applies prop-4 to
  (W_k, Y) -> W_k Y with Y free, while Y only ranges over the range of F_{k-1}.  When X has
  full column rank that range is open and the proof is sound (every F_k maps eps-balls onto
  neighbourhoods of F_k(W) in R^{d_k x n}).  Without it the lemma is false: see
  :func:`lemma6_counterexample` (d = (4, 2, 1), n = 3, rank X = 2, leaky ReLU; a certified
  ``pyramid_not_open``).  It stays true for any X when sigma_1..sigma_{h-1} are linear
  (x -> s x; in particular for h = 1).  So the verdict "locally_open" is given on one of
  the routes

    X_full_column_rank          X given with rank X = n, every W_i full row rank;
    every_full_column_rank_X    X not given: the conclusion holds for every X of full
                                column rank (the certificate quantifies over X);
    linear_hidden_layers        hidden activations linear, every W_i full row rank, any X
                                (openness relative to the range of F_h);

  and otherwise "undecided" with the failing hypotheses proved (rank W_i < d_i, or
  rank X < n with a non-linear hidden layer).  lem-6 is only sufficient: "undecided" never
  means "not locally open".  The hypothesis d_i <= d_{i-1} is implied by W_i full row rank.

* :func:`certify_global` (sec-4) -- the hypotheses of Section 4's consequence: X full column
  rank (so d_0 >= n), d_i <= d_{i-1}, every W_i full row rank, sigma_i strictly monotone.
  Then every convex loss l on R^{d_h x n} has: W local min of l(F_h(.)) => W global min.
  The paper argues through "the image of F_h is convex"; that step is false in general (a
  logistic hidden layer of width 1 < n gives the non-convex image {z : z1 z2 > 0} u {0}),
  but the conclusion still follows because F_h(B_eps(W)) is a neighbourhood of F_h(W) in
  R^{d_h x n}: F_h(W) is then a local, hence global, minimiser of the convex l.

Activations (strings, parsed without eval): ``identity``, ``tanh``, ``logistic`` (alias
``sigmoid``), ``leaky_relu:A`` (rational A > 0), and
``pwl:breakpoints=B1,...,Bk;slopes=S0,...,Sk[;point=P][;value=V]`` -- the continuous
piecewise-linear function with slope S_i between consecutive breakpoints and sigma(P) = V
(P, V default 0).  ``relu`` and any slope <= 0 are refused (:class:`InputError`): lem-6
needs strict monotonicity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flint import fmpq, fmpq_mat

from exactopen.certificate import envelope
from exactopen.errors import InputError
from exactopen.exact import matrix as mx
from exactopen.exact.linalg import rank_evidence
from exactopen.exact.numbers import parse_rational, rational_str

TRUSTED_FACTS = {
    "tanh": "d/dx tanh(x) = 1 - tanh(x)^2 > 0 on R",
    "logistic": "d/dx s(x) = s(x) (1 - s(x)) > 0 on R, s(x) = 1/(1 + exp(-x))",
}

_PWL_KEYS = ("breakpoints", "slopes", "point", "value")


# --------------------------------------------------------------------------------------
# activations
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Activation:
    """A strictly increasing continuous activation.  PWL ones carry breakpoints/slopes and
    the value at one point; tanh and logistic carry nothing (trusted fact T1)."""

    name: str
    slope: fmpq | None = None            # leaky_relu only
    breakpoints: tuple = ()
    slopes: tuple = ()
    point: fmpq = fmpq(0)
    value: fmpq = fmpq(0)

    @property
    def piecewise_linear(self) -> bool:
        return self.name not in TRUSTED_FACTS

    @property
    def linear(self) -> bool:
        """sigma(x) = s x on all of R."""
        return self.piecewise_linear and len(set(self.slopes)) == 1 and self(fmpq(0)) == 0

    def describe(self) -> str:
        if self.name == "leaky_relu":
            return f"leaky_relu:{rational_str(self.slope)}"
        if self.name == "pwl":
            return ("pwl:breakpoints=" + ",".join(map(rational_str, self.breakpoints))
                    + ";slopes=" + ",".join(map(rational_str, self.slopes))
                    + f";point={rational_str(self.point)};value={rational_str(self.value)}")
        return self.name

    def to_json(self) -> dict:
        if self.name == "leaky_relu":
            return {"name": "leaky_relu", "slope": rational_str(self.slope)}
        if self.name == "pwl":
            return {"name": "pwl", "breakpoints": [rational_str(b) for b in self.breakpoints],
                    "slopes": [rational_str(s) for s in self.slopes],
                    "point": rational_str(self.point), "value": rational_str(self.value)}
        return {"name": self.name}

    def evidence(self) -> dict:
        """Why sigma is strictly increasing, in the form the checker re-derives."""
        if not self.piecewise_linear:
            return {"method": "trusted", "fact": TRUSTED_FACTS[self.name]}
        return {"method": "positive_slopes", "breakpoints": [rational_str(b) for b in self.breakpoints],
                "slopes": [rational_str(s) for s in self.slopes]}

    def __call__(self, y: fmpq) -> fmpq:
        """Exact value (piecewise-linear activations only)."""
        if not self.piecewise_linear:
            raise ValueError(f"{self.name} has no exact rational values")
        s, c = self.piece(y, y)
        return s * y + c

    def piece(self, a: fmpq, b: fmpq) -> tuple[fmpq, fmpq]:
        """(slope, intercept) of the piece holding the segment [min(a,b), max(a,b)]."""
        bps, sl = list(self.breakpoints), list(self.slopes)
        j = sum(1 for x in bps if x <= self.point)
        icpt = [fmpq(0)] * len(sl)
        icpt[j] = self.value - sl[j] * self.point
        for i in range(j + 1, len(sl)):
            icpt[i] = sl[i - 1] * bps[i - 1] + icpt[i - 1] - sl[i] * bps[i - 1]
        for i in range(j - 1, -1, -1):
            icpt[i] = sl[i + 1] * bps[i] + icpt[i + 1] - sl[i] * bps[i]
        mid = (a + b) / 2
        i = sum(1 for x in bps if x < mid)
        return sl[i], icpt[i]


def _leaky(a: fmpq) -> Activation:
    return Activation("leaky_relu", slope=a, breakpoints=(fmpq(0),), slopes=(a, fmpq(1)))


def _numbers(text: str, where: str) -> list[fmpq]:
    text = text.strip()
    if not text:
        return []
    return [parse_rational(tok.strip(), where) for tok in text.split(",")]


def parse_activation(spec) -> Activation:
    """Parse one activation string (see the module docstring); refuse non-monotone ones."""
    if isinstance(spec, Activation):
        return spec
    if not isinstance(spec, str) or not spec.strip():
        raise InputError("activation: empty name (use identity, tanh, logistic, leaky_relu:A or pwl:...)")
    text = spec.strip()
    name, sep, arg = text.partition(":")
    name = name.strip().lower()
    if name in ("identity", "tanh", "logistic", "sigmoid") and not sep:
        if name == "identity":
            return Activation("identity", slopes=(fmpq(1),))
        return Activation("logistic" if name == "sigmoid" else name)
    if name == "relu" and not sep:
        raise InputError("activation 'relu' refused: ReLU is constant on (-inf, 0], not strictly monotone, "
                         "so lem-6 does not apply (use leaky_relu:A with A > 0)")
    if name == "leaky_relu":
        if not arg.strip():
            raise InputError("activation 'leaky_relu' needs its slope: leaky_relu:A with rational A > 0, e.g. leaky_relu:1/10")
        a = parse_rational(arg.strip(), "leaky_relu slope")
        if a == 0:
            raise InputError("activation 'leaky_relu:0' refused: it is ReLU, constant on (-inf, 0], "
                             "not strictly monotone, so lem-6 does not apply")
        if a < 0:
            raise InputError(f"activation 'leaky_relu:{rational_str(a)}' refused: slope {rational_str(a)} < 0 "
                             "on x < 0 and 1 on x > 0, not monotone, so lem-6 does not apply")
        return _leaky(a)
    if name == "pwl":
        return _parse_pwl(arg, text)
    raise InputError(f"unknown activation {text!r} (use identity, tanh, logistic, leaky_relu:A, "
                     "pwl:breakpoints=...;slopes=...[;point=P;value=V], or relu which is refused)")


def _parse_pwl(arg: str, text: str) -> Activation:
    vals: dict[str, str] = {}
    for part in arg.split(";"):
        if not part.strip():
            continue
        key, eq, val = part.partition("=")
        key = key.strip().lower()
        if not eq or key not in _PWL_KEYS:
            raise InputError(f"activation {text!r}: expected KEY=VALUES with KEY in {', '.join(_PWL_KEYS)}, got {part.strip()!r}")
        if key in vals:
            raise InputError(f"activation {text!r}: {key} given twice")
        vals[key] = val
    if "slopes" not in vals:
        raise InputError(f"activation {text!r}: slopes=... is required")
    bps = _numbers(vals.get("breakpoints", ""), "pwl breakpoint")
    sl = _numbers(vals["slopes"], "pwl slope")
    if len(sl) != len(bps) + 1:
        raise InputError(f"activation {text!r}: {len(bps)} breakpoints need {len(bps) + 1} slopes, got {len(sl)}")
    for a, b in zip(bps, bps[1:]):
        if not a < b:
            raise InputError(f"activation {text!r}: breakpoints must be strictly increasing ({rational_str(a)} >= {rational_str(b)})")
    if all(s < 0 for s in sl):
        raise InputError(f"activation {text!r} refused: all slopes < 0, strictly decreasing; lem-6 covers it but "
                         "exactopen supports strictly increasing activations only (write it as -tau, tau increasing)")
    for i, s in enumerate(sl):
        if s <= 0:
            where = ("x < " + rational_str(bps[0]) if i == 0 and bps else
                     "x > " + rational_str(bps[-1]) if i == len(bps) and bps else
                     "all x" if not bps else f"{rational_str(bps[i - 1])} < x < {rational_str(bps[i])}")
            raise InputError(f"activation {text!r} refused: slope {rational_str(s)} <= 0 on {where} "
                             "(and not every slope < 0): not strictly monotone, so lem-6 does not apply")
    pt = parse_rational(vals["point"].strip(), "pwl point") if "point" in vals else fmpq(0)
    v = parse_rational(vals["value"].strip(), "pwl value") if "value" in vals else fmpq(0)
    return Activation("pwl", breakpoints=tuple(bps), slopes=tuple(sl), point=pt, value=v)


def parse_activations(specs, h: int) -> list[Activation]:
    """One activation for every layer, or one per layer."""
    if isinstance(specs, (str, Activation)):
        specs = [specs]
    specs = list(specs)
    if len(specs) == 1:
        specs = specs * h
    if len(specs) != h:
        raise InputError(f"{len(specs)} activations for {h} layers: give one for all layers or one per layer")
    return [parse_activation(s) for s in specs]


# --------------------------------------------------------------------------------------
# networks
# --------------------------------------------------------------------------------------

def _as_matrix(M, what: str) -> fmpq_mat:
    if isinstance(M, fmpq_mat):
        return M
    from exactopen.inputs import parse_matrix

    return parse_matrix(M, what)


def _network(layers, activations, X):
    Ws = [_as_matrix(W, f"layer {i + 1}") for i, W in enumerate(layers)]
    if not Ws:
        raise InputError("a network needs at least one layer")
    for i in range(1, len(Ws)):
        if Ws[i].ncols() != Ws[i - 1].nrows():
            raise InputError(f"shape mismatch: layer {i} is {Ws[i-1].nrows()}x{Ws[i-1].ncols()}, layer {i + 1} is "
                             f"{Ws[i].nrows()}x{Ws[i].ncols()} (need W{i + 1}.cols == W{i}.rows)")
    if X is not None:
        X = _as_matrix(X, "X")
        if X.nrows() != Ws[0].ncols():
            raise InputError(f"shape mismatch: X is {X.nrows()}x{X.ncols()}, layer 1 is {Ws[0].nrows()}x{Ws[0].ncols()} "
                             "(need W1.cols == X.rows)")
    acts = parse_activations(activations, len(Ws))
    return Ws, acts, X


def forward(layers, activations, X) -> fmpq_mat:
    """Exact F_h(W) for piecewise-linear activations."""
    Ws, acts, X = _network(layers, activations, X)
    Y = X
    for W, a in zip(Ws, acts):
        Z = W * Y
        Y = fmpq_mat(Z.nrows(), Z.ncols(), [a(z) for z in Z.entries()])
    return Y


def _inputs(Ws, acts, X) -> dict:
    return {"layers": [mx.to_json(W) for W in Ws], "activations": [a.to_json() for a in acts],
            "X": None if X is None else mx.to_json(X)}


def _shape_text(Ws, X) -> str:
    d = [Ws[0].ncols()] + [W.nrows() for W in Ws]
    return f"d = ({', '.join(map(str, d))})" + ("" if X is None else f", n = {X.ncols()}")


@dataclass
class PyramidResult:
    verdict: str                 # "locally_open" | "undecided" | "local_min_is_global" | "not_locally_open"
    certificate: dict
    reason: str
    route: str | None = None
    failures: list = field(default_factory=list)


def _hypotheses(Ws, X, need_x_fcr: bool):
    """Rank facts: per-layer full-row-rank minors, X's evidence, and the failures."""
    minors, failures = [], []
    for i, W in enumerate(Ws):
        ev = rank_evidence(W)
        if ev.rank == W.nrows():
            minors.append({"rows": ev.rows, "cols": ev.cols})
        else:
            failures.append((f"W{i + 1}", f"rank W{i + 1} = {ev.rank} < {W.nrows()}"))
    x_minor = None
    if X is not None:
        ev = rank_evidence(X)
        if ev.rank == X.ncols():
            x_minor = {"rows": ev.rows, "cols": ev.cols}
        elif need_x_fcr:
            failures.append(("X", f"rank X = {ev.rank} < n = {X.ncols()}"))
    return minors, x_minor, failures


def _row_annihilator(W: fmpq_mat) -> dict:
    from exactopen.exact.linalg import left_nullspace

    P = left_nullspace(W)
    return {"side": "left", "basis": mx.to_json(P.kernel), "minor_rows": P.free}


def _col_annihilator(X: fmpq_mat) -> dict:
    from exactopen.exact.linalg import nullspace

    P = nullspace(X)
    return {"side": "right", "basis": mx.to_json(P.kernel), "minor_rows": P.free}


def _failure_json(Ws, X, failures) -> list[dict]:
    out = []
    for obj, _text in failures:
        ann = _col_annihilator(X) if obj == "X" else _row_annihilator(Ws[int(obj[1:]) - 1])
        out.append({"object": obj, "annihilator": ann})
    return out


def decide_pyramid(layers, activations, X=None) -> PyramidResult:
    """lem-6: is F_h(W) = sigma_h(W_h ... sigma_1(W_1 X)) locally open at W?

    ``layers`` = [W_1, ..., W_h] (input layer first; fmpq_mat or nested lists), ``activations``
    one spec for all layers or one per layer, ``X`` optional (without it the conclusion is
    stated for every X of full column rank).  Returns verdict "locally_open" (with the route,
    see the module docstring) or "undecided" (a hypothesis of lem-6 fails, with its proof).
    """
    Ws, acts, X = _network(layers, activations, X)
    h = len(Ws)
    hidden_linear = all(a.linear for a in acts[:-1])
    x_needed = X is not None and not hidden_linear
    minors, x_minor, failures = _hypotheses(Ws, X, need_x_fcr=x_needed)
    net = f"F_{h}(W) = sigma_{h}(W_{h} ... sigma_1(W_1 X)) with {_shape_text(Ws, X)}"
    act_text = ", ".join(a.describe() for a in acts)
    inputs = _inputs(Ws, acts, X)
    evidence = {"activations": [a.evidence() for a in acts]}
    if failures:
        reasons = "; ".join(t for _o, t in failures)
        why = ("lem-6 needs every W_i of full row rank" if any(o != "X" for o, _t in failures) else "")
        if any(o == "X" for o, _t in failures):
            why += ("; " if why else "") + ("with a non-linear hidden layer lem-6 needs X of full column rank, "
                                             "it is false without it: see pyramid_not_open")
        claim = (f"lem-6 does not decide whether {net} is locally open at W: {reasons} ({why}). "
                 "lem-6 is only sufficient; this is not a claim of non-openness.")
        evidence["failures"] = _failure_json(Ws, X, failures)
        cert = envelope("pyramid_openness", claim, inputs,
                        {"verdict": "undecided"}, evidence, "lem-6")
        return PyramidResult("undecided", cert, f"{reasons} ({why})", None, [t for _o, t in failures])
    evidence["layers"] = minors
    if X is not None and x_minor is not None:
        route = "X_full_column_rank"
        evidence["X_minor"] = x_minor
        claim = (f"{net}, activations {act_text}: F is locally open at W, and more: for every eps > 0 there is "
                 "delta > 0 such that every Z with ||Z - F(W)|| < delta is F(W') for some ||W' - W|| < eps "
                 "(lem-6; hypotheses: sigma_i continuous strictly increasing, every W_i full row rank, "
                 "X full column rank)")
    elif X is None and not hidden_linear:
        route = "every_full_column_rank_X"
        claim = (f"{net}, activations {act_text}: for every input X in R^(d0 x n) of full column rank (any n <= d0), "
                 "F is locally open at W, onto a neighbourhood of F(W) in R^(d_h x n) (lem-6; hypotheses: "
                 "sigma_i continuous strictly increasing, every W_i full row rank)")
    else:
        route = "linear_hidden_layers"
        claim = (f"{net}, activations {act_text}: for {'the given X' if X is not None else 'every input X'}, "
                 "F is locally open at W relative to its range (lem-6; hidden activations are x -> s x, so "
                 "perturbing W_1 alone reaches every {Z : rows in the row space of X} near F(W); every W_i "
                 "full row rank)")
    cert = envelope("pyramid_openness", claim, inputs, {"verdict": "locally_open", "route": route}, evidence, "lem-6")
    reason = {"X_full_column_rank": "every W_i full row rank, X full column rank, activations strictly increasing",
              "every_full_column_rank_X": "every W_i full row rank, activations strictly increasing; holds for every X of full column rank",
              "linear_hidden_layers": "every W_i full row rank, hidden activations linear (any X)"}[route]
    return PyramidResult("locally_open", cert, reason, route)


def certify_global(layers, activations, X) -> PyramidResult:
    """sec-4: certify the hypotheses under which every local min of l(F_h(.)) at W is global
    for every convex l (X full column rank, widths non-increasing, W_i full row rank,
    activations strictly increasing).  Verdict "local_min_is_global" or "undecided"."""
    if X is None:
        raise InputError("sec-4 needs the input data X (--X)")
    Ws, acts, X = _network(layers, activations, X)
    h = len(Ws)
    minors, x_minor, failures = _hypotheses(Ws, X, need_x_fcr=True)
    net = f"F_{h}(W) = sigma_{h}(W_{h} ... sigma_1(W_1 X)) with {_shape_text(Ws, X)}"
    act_text = ", ".join(a.describe() for a in acts)
    inputs = _inputs(Ws, acts, X)
    evidence = {"activations": [a.evidence() for a in acts]}
    if failures:
        reasons = "; ".join(t for _o, t in failures)
        evidence["failures"] = _failure_json(Ws, X, failures)
        cert = envelope("pyramid_global", f"sec-4 does not apply to {net} at W: {reasons}. This is not a claim "
                        "that a non-global local minimum exists.", inputs,
                        {"verdict": "undecided"}, evidence, "sec-4")
        return PyramidResult("undecided", cert, reasons, None, [t for _o, t in failures])
    evidence["layers"] = minors
    evidence["X_minor"] = x_minor
    claim = (f"{net}, activations {act_text}. For every convex loss l: R^(d_h x n) -> R: if W is a local minimum "
             "of W' -> l(F(W')), then W is a global minimum, l(F(W)) <= l(F(W')) for all W'. Hypotheses (sec-4), "
             "all checked: X full column rank (d0 >= n), d_i <= d_(i-1), every W_i full row rank, every sigma_i "
             "continuous strictly increasing. Argument: by lem-6 (valid with X of full column rank) F maps every "
             "eps-ball around W onto a neighbourhood of F(W) in R^(d_h x n); by obs-1 F(W) is a local minimiser of "
             "l on that neighbourhood, hence (l convex) a global minimiser of l on R^(d_h x n). Not used and not "
             "claimed: convexity of the image of F (false in general, e.g. for a narrow logistic hidden layer).")
    cert = envelope("pyramid_global", claim, inputs,
                    {"verdict": "local_min_is_global"},
                    evidence, "sec-4")
    return PyramidResult("local_min_is_global", cert, "sec-4 hypotheses hold")


# --------------------------------------------------------------------------------------
# lem-6 without X of full column rank: a counterexample
# --------------------------------------------------------------------------------------

def certify_not_open(layers, activations, X, family, radius=None, t0=None) -> PyramidResult:
    """A ``pyramid_not_open`` certificate (lem-6 refuted without X of full column rank).

    Two layers, sigma_1 piecewise linear.  ``family`` = (W1_0, W1_1, W2_0, W2_1): the
    parameter curve W(t) = (W1_0 + t W1_1, W2_0 + t W2_1), t in [0, t0], which must start at
    a point with the same value F(W) and leave the subspace that the local image lies in.
    The radius and t0 are computed if not given.  Raises InputError if the data do not give
    a counterexample (the checker would reject it)."""
    Ws, acts, X = _network(layers, activations, X)
    if X is None or len(Ws) != 2 or not acts[0].piecewise_linear:
        raise InputError("pyramid_not_open: two layers, X given, sigma_1 piecewise linear")
    W1, W2 = Ws
    s1 = acts[0]
    n, d1 = X.ncols(), W1.nrows()
    # local pieces and a radius keeping every entry of W1 X on its piece
    Y0 = W1 * X
    S, C = fmpq_mat(d1, n), fmpq_mat(d1, n)
    gap = None
    for j in range(n):
        col_sq = sum((X[i, j] ** 2 for i in range(X.nrows())), fmpq(0))
        for a in range(d1):
            y = Y0[a, j]
            if y in s1.breakpoints:
                raise InputError(f"(W1 X)[{a}][{j}] = {rational_str(y)} is a breakpoint: no fixed piece near W")
            S[a, j], C[a, j] = s1.piece(y, y)
            for b in s1.breakpoints:
                if col_sq:
                    g = (y - b) ** 2 / col_sq
                    gap = g if gap is None else min(gap, g)
    if radius is None:
        radius = fmpq(1)
        while gap is not None and radius * radius >= gap:
            radius /= 2
    radius = fmpq(radius)
    # K: common null vectors of X diag(S_a) (a = 1..d1) and C
    blocks = []
    for a in range(d1):
        D = fmpq_mat(n, n)
        for j in range(n):
            D[j, j] = S[a, j]
        blocks.append(X * D)
    blocks.append(C)
    from exactopen.exact.linalg import nullspace

    K = nullspace(mx.vstack(*blocks)).kernel
    if K.ncols() == 0:
        raise InputError("no subspace holds the local image: this point gives no counterexample")
    A0, A1, B0, B1 = (_as_matrix(M, "family") for M in family)
    P0, Q0 = A0 * X, A1 * X
    if t0 is None:
        t0 = fmpq(1)
        bps = s1.breakpoints

        def crosses(tt):
            return any(min(p, p + q * tt) < b < max(p, p + q * tt)
                       for p, q in zip(P0.entries(), Q0.entries()) for b in bps)
        while crosses(t0):
            t0 /= 2
    t0 = fmpq(t0)
    minors, _xm, _f = _hypotheses(Ws, None, False)
    if len(minors) != 2:
        raise InputError("W1 and W2 must be of full row rank for a counterexample to lem-6")
    xev = rank_evidence(X)
    if xev.rank == n:
        raise InputError("X has full column rank: lem-6 holds, no counterexample")
    cert = envelope(
        "pyramid_not_open",
        f"F(W) = sigma_2(W2 sigma_1(W1 X)) with {_shape_text(Ws, X)}, activations "
        f"{', '.join(a.describe() for a in acts)}, rank X = {xev.rank} < n: every W_i has full row rank and every "
        "sigma_i is continuous and strictly increasing, yet F is NOT locally open at W relative to its range "
        f"(for eps = {rational_str(radius)} no delta works). So lem-6 as restated (no hypothesis on X) is false; "
        "it needs X of full column rank.",
        _inputs(Ws, acts, X), {"verdict": "not_locally_open"},
        {"activations": [a.evidence() for a in acts], "layers": minors, "X_rank": _col_annihilator(X),
         "radius": rational_str(radius), "K": mx.to_json(K),
         "family": {"W1_0": mx.to_json(A0), "W1_1": mx.to_json(A1), "W2_0": mx.to_json(B0),
                    "W2_1": mx.to_json(B1), "t0": rational_str(t0)}},
        "lem-6")
    return PyramidResult("not_locally_open", cert, "lem-6 fails without X of full column rank")


def lemma6_counterexample() -> PyramidResult:
    """The built-in counterexample to lem-6 without a hypothesis on X.

    d = (4, 2, 1), n = 3, X of rank 2 (rows x1, x2, x1 + x2, x1 - x2), sigma_1 = leaky ReLU
    with slope 1/2, sigma_2 = identity, W1 = [[1,2,0,0],[2,1,0,0]], W2 = [[1,1]] (both full
    row rank).  F(W) = (3, 3, 6).  Near W every entry of W1 X is positive, so the local image
    lies in {z : z1 + z2 - z3 = 0}; but F(W(t)) = (3, 3, 6 - t) for
    W1(t) = [[1, -2t, 0, 0], [2, 3 + t, 0, 0]], W2(t) = [[1, 1]] is in the range for every t.
    """
    X = mx.from_rows([[1, 0, 1], [0, 1, 1], [1, 1, 2], [1, -1, 0]])
    W1 = mx.from_rows([[1, 2, 0, 0], [2, 1, 0, 0]])
    W2 = mx.from_rows([[1, 1]])
    fam = (mx.from_rows([[1, 0, 0, 0], [2, 3, 0, 0]]), mx.from_rows([[0, -2, 0, 0], [0, 1, 0, 0]]),
           mx.from_rows([[1, 1]]), mx.from_rows([[0, 0]]))
    return certify_not_open([W1, W2], ["leaky_relu:1/2", "identity"], X, fam)
