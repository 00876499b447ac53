"""A lower point near trained weights W -- the escape (``exactopen validate``; the certificate
part ``descent`` of ``validate_network``; docs/escape.md).

The result is an exact rational point Z with L(Z) < L(W) at exact squared distance
|Z - W|^2, so the minimum of L over the ball of that radius around W lies at least
L(W) - L(Z) below L(W) (and W is not a local minimum within it).  Within a stated radius
(``--radius``, default :func:`default_radius`) the escape is the candidate with the largest
certified decrease, so that training restarted there sees it (a drop far above float32
resolution, not a step of 1e-7).  Candidates, each at the step t that lowers the float loss
most within the radius (:func:`best_step`; the loss along a polynomial curve is a polynomial
in t), t rounded down to a short dyadic and the point checked exactly:

* :func:`descent_from_curve`: gamma(t) on the certified descent curve of the snapped point's
  exact classification (the strict or higher-order saddle curves of thm-8 and lem-19, from
  :mod:`exactopen.landscape.descent`), or of the nearby problem's exact critical point, loss of
  the original data;
* :func:`rank_one_escape` (NUMERIC): W_k + t a_k a_(k-1)^T, the residual's top singular
  direction carried through hidden vectors near the null spaces of both neighbours -- the
  direction training takes off a plateau (at W ~ 0 or after learning the top directions);
* :func:`descent_numeric` (NUMERIC, when there is no exact critical point nearby): a float
  negative-curvature direction of the Hessian at W (finite differences of the float gradient;
  the plain negative gradient when there is no negative curvature), the point rounded to a
  dyadic grid (:func:`exactopen.exact.floats.to_grid`).

Either way the chosen point's loss and distance are computed exactly here (:func:`_pick`)
and recomputed by the checker, which checks the point, not how it was found (the step t is
reported in the summary only); the floats only propose candidates.  This module decides no
claim of the paper by itself: it exhibits an exact inequality L(Z) < L(W).
"""

from __future__ import annotations

import math

from flint import fmpq

from exactopen.exact import matrix as mx
from exactopen.exact.floats import (
    float_loss,
    float_network,
    float_of,
    from_float,
    integer_form_to_float,
    to_float,
    to_grid,
)
from exactopen.exact.numbers import parse_rational, rational_str


def float_gradient(Ws, X, Y) -> list:
    """NUMERIC: the float gradient of the square loss 1/2 |W_h ... W_1 X - Y|^2, per layer."""
    h = len(Ws)
    outs = [X]
    for W in Ws:
        outs.append(W @ outs[-1])
    G = outs[-1] - Y
    grads = [None] * h
    back = G
    for k in range(h - 1, -1, -1):
        grads[k] = back @ outs[k].T
        back = Ws[k].T @ back
    return grads


def loss_polynomial(Ws, terms, X, Y):
    """NUMERIC: the float loss along a polynomial curve, t -> 1/2 |(W_h + sum_j t^j C_jh) ...
    (W_1 + sum_j t^j C_j1) X - Y|^2, as a function (Horner's rule on its coefficients c_0..c_2m,
    c_0 the loss at t = 0).  ``terms``: [(j, [C_j1..C_jh])].  The coefficient matrices of the
    product are formed once (about h (h + 1) products for a line instead of h per value of t),
    so a step search evaluates the loss at hundreds of steps for the price of a few."""
    import numpy as np

    F = [X]
    for k, W in enumerate(Ws):
        layer = {0: W}
        for j, Cs in terms:
            layer[j] = layer[j] + Cs[k] if j in layer else Cs[k]
        G: dict = {}
        for a, A in layer.items():
            if a and not np.any(A):
                continue
            for b, M in enumerate(F):
                if M is not None:
                    P = A @ M
                    G[a + b] = G[a + b] + P if a + b in G else P
        F = [G.get(i) for i in range(max(G) + 1)]
    F[0] = F[0] - Y
    c = [0.0] * (2 * len(F) - 1)
    for a, Ea in enumerate(F):
        for b in range(a, len(F)):
            if Ea is not None and F[b] is not None:
                v = float(np.sum(Ea * F[b]))
                c[a + b] += v / 2 if a == b else v

    def f(t: float) -> float:
        out = 0.0
        for x in reversed(c):
            out = out * t + x
        return out

    return f


def numeric_min_curvature(net, dense_limit: int = 1500, steps: int = 120, seed: int = 0):
    """NUMERIC: (lambda_min estimate, direction as float layers) of the Hessian at W, from
    central finite differences of the float gradient (dense below ``dense_limit`` parameters,
    Lanczos with full reorthogonalisation above)."""
    import numpy as np

    Ws, X, Y = float_network(net)
    shapes = [W.shape for W in Ws]
    sizes = [a * b for a, b in shapes]
    N = sum(sizes)
    flat = np.concatenate([W.ravel() for W in Ws])

    def unflat(v):
        out, o = [], 0
        for (a, b), s in zip(shapes, sizes):
            out.append(v[o:o + s].reshape(a, b))
            o += s
        return out

    eps = 1e-5 * max(1.0, float(np.max(np.abs(flat))))

    def hvp(v):
        gp = float_gradient(unflat(flat + eps * v), X, Y)
        gm = float_gradient(unflat(flat - eps * v), X, Y)
        return np.concatenate([(a - b).ravel() for a, b in zip(gp, gm)]) / (2 * eps)

    from exactopen.landscape.descent import lowest_eigenpairs

    vals, vecs = lowest_eigenpairs(hvp, N, dense_limit, steps, seed)
    return float(vals[0]), unflat(vecs[:, 0])


def _descent_part(net, Z: list, L1: fmpq, d2: fmpq, js: list | None = None) -> tuple[dict, dict]:
    return ({"distance_sq": rational_str(d2), "loss": rational_str(L1), "decrease": rational_str(net.loss() - L1)},
            {"layers": js if js is not None else [mx.to_json(M, True) for M in Z]})


def descent_from_curve(net, snapped, cert: dict, radius: float | None = None):
    """A point gamma(t) on the snapped point's certified descent curve with L < L(W): the step t
    that maximises the decrease of the ORIGINAL loss within ``radius`` of W
    (:func:`best_step` on the float loss along the curve, t rounded to a short dyadic, the point
    and its loss exact), else (no float optimum survives the exact check) the old scan
    t = witness_t / 2^j.  Returns (result part, evidence part, t as a rational string) or None."""
    ev = cert["evidence"]
    if "curve" not in ev:
        return None
    curve = [(term["power"], [mx.from_json(C) for C in term["layers"]]) for term in ev["curve"]]
    t0 = parse_rational(ev["witness_t"])
    radius = default_radius(net) if radius is None else radius
    Ws, X, Y = float_network(net)
    base = [to_float(W) for W in snapped.layers]
    fcurve = [(j, [to_float(C) for C in Cs]) for j, Cs in curve]

    def at(t):
        out = list(base)
        for j, Cs in fcurve:
            out = [W + C * t ** j for W, C in zip(out, Cs)]
        return out

    def dist(t):
        return math.sqrt(sum(float(((A - B) ** 2).sum()) for A, B in zip(at(t), Ws)))

    t = best_step(loss_polynomial(base, fcurve, X, Y), dist, radius, float_of(t0), float_loss(Ws, X, Y))
    if t is not None:
        for tq in short_dyadics(t):
            part = _pick([snapped.curve_point(curve, tq)], net, radius, strict=True)
            if part is not None:
                return (*part, rational_str(tq))
    part = _pick([snapped.curve_point(curve, t0 / 2 ** j) for j in range(40)], net, radius)
    return None if part is None else (*part, None)


def best_step(f, dist, radius: float, t0: float, f0: float, grid: int = 256) -> float | None:
    """NUMERIC: the step t > 0 with the lowest float value f(t) < f0 among the steps whose
    distance dist(t) from W is at most ``radius``: t_max, the end of the first stretch [0, t_max]
    within the radius, is found by doubling from ``t0`` and bisection; then f is scanned on
    t_max * i / grid and on t_max * 2^-j (small steps, where a decrease of high order is tiny),
    and the best scanned step refined by golden-section search between its neighbours.  None
    when no scanned step lowers f (or dist(0+) > radius).  Only a proposal: the caller rounds t
    and checks the point exactly."""
    if not (t0 > 0 and math.isfinite(t0)) or dist(0.0) > radius:
        return None
    lo, hi = 0.0, None
    t = t0 * 2.0 ** -60
    for _ in range(120):  # doubling: the first step beyond the radius
        if dist(t) > radius:
            hi = t
            break
        lo, t = t, 2 * t
    if hi is None:
        t_max = lo
    else:
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if dist(mid) <= radius else (lo, mid)
        t_max = lo
    if t_max <= 0:
        return None
    ts = sorted({t_max * i / grid for i in range(1, grid + 1)} | {t_max * 2.0 ** -j for j in range(1, 60)})
    vals = [f(t) for t in ts]
    k = min(range(len(ts)), key=lambda i: (vals[i], -ts[i]))
    if not vals[k] < f0:
        return None
    a, b = ts[max(k - 1, 0)] if k else 0.0, ts[min(k + 1, len(ts) - 1)]
    g = (math.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(60):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    t_best, f_best = (c, fc) if fc <= fd else (d, fd)
    return t_best if f_best <= vals[k] and dist(t_best) <= radius else ts[k]


def short_dyadics(t: float, bits: int = 24) -> list:
    """Rational steps at or just below the float t > 0, for the exact check: t rounded down to
    ``bits`` significant bits (a short dyadic keeps the exact point's entries short; rounding
    down keeps a step found at the edge of the radius inside it), then two slightly shorter
    ones (1 - 2^-20, 1 - 2^-10 times it) in case the exact distance still exceeds the radius."""
    m, ex = math.frexp(t)
    q = fmpq(math.floor(m * 2 ** bits)) * fmpq(2) ** (ex - bits)
    return [q * (1 - fmpq(1, 2 ** k)) if k else q for k in (0, 20, 10)] if q > 0 else []


def rank_one_escape(net, radius: float | None = None):
    """NUMERIC: the point W_k + t a_k a_(k-1)^T (k = 1..h) that learns the residual's top
    direction: a_0 = v, a_h = u the top singular pair of G = (Y - W_h..W_1 X) X^T (the negative
    gradient of the end-to-end map), a_k (hidden) the unit vector closest to the null spaces of
    both W_(k+1) and W_k^T (the smallest right singular vector of [W_(k+1); W_k^T]).  When those
    are exact null vectors every mixed term of the product vanishes: W_h..W_1 gains t^h u v^T
    and L(t) = L(W) - t^h sigma_1(G) + t^(2h) |v^T X|^2 / 2 at distance t sqrt(h) -- the escape
    training takes from a saddle at W = 0 or after learning the top directions, with the
    largest first-order decrease.  t from :func:`best_step`; the point is W plus the step rounded
    to a dyadic grid, checked exactly (:func:`_pick`).  (result part, evidence part) or None."""
    import numpy as np

    Ws, X, Y = float_network(net)
    h = len(Ws)
    P = X
    for W in Ws:
        P = W @ P
    G = (Y - P) @ X.T
    if not G.size or not np.all(np.isfinite(G)):
        return None
    U, S, Vt = np.linalg.svd(G)
    if not S[0] > 0:
        return None
    a = [Vt[0]]
    for k in range(1, h):
        a.append(np.linalg.svd(np.vstack([Ws[k], Ws[k - 1].T]))[2][-1])
    a.append(U[:, 0])
    C = [np.outer(a[k + 1], a[k]) for k in range(h)]
    radius = default_radius(net) if radius is None else radius
    f = loss_polynomial(Ws, [(1, C)], X, Y)
    t = best_step(f, lambda t: t * math.sqrt(h), radius, 1.0, f(0.0))
    if t is None:
        return None
    # W exactly plus the step rounded to 20 significant bits (so LAPACK's last bits in the
    # singular vectors do not reach the certificate, but for an entry within 2^-30 of a rounding tie)
    for tq in short_dyadics(t, 12):
        part = _pick([[W + to_grid(float(tq) * c, 20) for W, c in zip(net.layers, C)]], net, radius, strict=True)
        if part is not None:
            return part
    return None


def default_radius(net) -> float:
    """The default search radius for a lower point: a tenth of the larger of 1, |W|_F and the norm
    sqrt(h) s^(1/h) of balanced layers whose product is s times a unit rank-one map, s the top
    singular value of the least-squares map Y X^+ (the scale at which training learns the data's
    top direction; so that at a point stalled near W = 0 an escape is not confined to the size
    of the tiny init), rounded to two significant digits (computed once per network)."""
    if "radius" not in net._cache:
        import numpy as np

        _, X, Y = float_network(net)
        h = len(net.layers)
        try:
            s = float(np.linalg.norm(Y @ np.linalg.pinv(X), 2)) if X.size and Y.size else 0.0
        except np.linalg.LinAlgError:
            s = 0.0
        wn = math.sqrt(float_of(sum((mx.frobenius_sq(W) for W in net.layers), fmpq(0))))
        r = 0.1 * max(1.0, wn, math.sqrt(h) * s ** (1 / h) if math.isfinite(s) else 0.0)
        net._cache["radius"] = float(f"{r:.2g}")
    return net._cache["radius"]


def _pick(points: list, net, radius: float | None = None, strict: bool = False):
    """Among candidate points with L < L(W): the one with the largest decrease within distance
    ``radius`` of W (default :func:`default_radius`), else (unless ``strict``) the closest one.
    Exact losses."""
    from exactopen.numeric.bounds import loss_at

    radius = default_radius(net) if radius is None else radius
    L0 = net.loss()
    inside, closest, js = None, None, None
    for Z in points:
        if len(points) == 1:  # by the kernel, remembered for the check (the JSON is the evidence's)
            js = [mx.to_json(M, True) for M in Z]
            L1 = loss_at(net, Z, js)
        else:
            L1 = net.loss_at(Z)
        if L1 >= L0:
            continue
        d2 = sum((mx.distance_sq(a, b) for a, b in zip(net.layers, Z)), fmpq(0))
        rho = math.sqrt(float_of(d2))
        if rho <= radius and (inside is None or L1 < inside[0]):
            inside = (L1, Z, d2)
        if closest is None or rho < closest[0]:
            closest = (rho, Z, L1, d2)
    if inside:
        return _descent_part(net, inside[1], inside[0], inside[2], js)
    return None if closest is None or strict else _descent_part(net, *closest[1:], js)


def descent_numeric(net, radius: float | None = None, curvature: bool = True, grads=None):
    """NUMERIC: a negative-curvature direction D at W (sign: <grad, D> <= 0, |D| = 1) and the step
    t <= radius with the lowest float loss (:func:`best_step`, t then rounded to 12 significant
    bits), the point W + t D rounded to a dyadic grid and checked exactly.  With
    ``curvature=False`` (a point whose gradient is large) the negative gradient is used at once,
    without the costly eigenvalue search.  ``grads``: the exact gradient as integer forms (N, d) or rounded to float arrays
    (:meth:`Network.loss_gradient`), rounded to floats instead of the float (BLAS) gradient, so
    the direction does not depend on the BLAS."""
    import numpy as np

    lam, D = numeric_min_curvature(net) if curvature else (0.0, None)
    Ws, X, Y = float_network(net)
    g = (float_gradient(Ws, X, Y) if grads is None
         else [integer_form_to_float(*G) if isinstance(G, tuple) else G for G in grads])
    scale_w = max(1.0, math.sqrt(sum(float(np.sum(W ** 2)) for W in Ws)))
    if lam >= 0:
        # no negative curvature: a plain gradient step (a first-order descent)
        D = [-a for a in g]
    elif sum(float(np.sum(a * b)) for a, b in zip(g, D)) > 0:
        D = [-a for a in D]
    nd = math.sqrt(sum(float(np.sum(a ** 2)) for a in D))
    if nd == 0:
        return None
    D = [a / nd for a in D]
    radius = default_radius(net) if radius is None else radius
    f = loss_polynomial(Ws, [(1, D)], X, Y)
    L0f = f(0.0)
    t = best_step(f, lambda t: t, radius, scale_w, L0f)
    if t is None:  # nothing lower within the radius: the shortest lowering step beyond it, if any
        t = next((scale_w * 2.0 ** -j for j in range(40, -1, -1) if f(scale_w * 2.0 ** -j) < L0f), None)
        if t is None:
            return None
    # the point W + t D rounded to a grid of 26, then 50 significant bits per layer (short
    # numerators: a small certificate and fast exact products), else W + t D_grid exactly; t with
    # 12 significant bits (canonical: float noise in the search does not reach the point), a
    # slightly shorter t if rounding left the radius
    steps = [float(q) for q in short_dyadics(t, 12)]
    for strict in (True, False):
        for tq in steps if strict else steps[:1]:
            for bits in (26, 50):
                part = _pick([[to_grid(W + tq * d, bits) for W, d in zip(Ws, D)]], net, radius, strict)
                if part is not None:
                    return (*part, lam)
    part = _pick([[W + to_grid(d) * from_float(steps[0]) for W, d in zip(net.layers, D)]], net, radius)
    return None if part is None else (*part, lam)
