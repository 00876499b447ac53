"""A lower point near trained weights W (``exactopen validate``; the certificate part
``descent`` of ``validate_network``).

The result is an exact rational point Z with L(Z) < L(W) at exact squared distance
|Z - W|^2, so the minimum of L over the ball of that radius around W lies at least
L(W) - L(Z) below L(W) (and W is not a local minimum within it).  Two sources:

* :func:`descent_from_curve`: a point gamma(t) on the certified descent curve of the
  snapped point's exact classification (the strict or higher-order saddle curves of thm-8
  and lem-19, from :mod:`exactopen.landscape.descent`), for t halved until the point is
  close to W;
* :func:`descent_numeric` (NUMERIC): a float negative-curvature direction of the Hessian at W
  (finite differences of the float gradient; the plain negative gradient when there is no
  negative curvature), a float line search, the direction rounded to a dyadic grid
  (:func:`exactopen.exact.floats.to_grid`).

Either way the chosen point's loss and distance are computed exactly here (:func:`_pick`)
and recomputed by the checker; the floats only propose candidates.  This module decides no
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
    """A point gamma(t) on the snapped point's certified descent curve with L < L(W)."""
    ev = cert["evidence"]
    if "curve" not in ev:
        return None
    curve = [(term["power"], [mx.from_json(C) for C in term["layers"]]) for term in ev["curve"]]
    t = parse_rational(ev["witness_t"])
    return _pick([snapped.curve_point(curve, t / 2 ** j) for j in range(40)], net, radius)


def default_radius(net) -> float:
    """The default search radius for a lower point: 0.1 * max(1, |W|_F) (computed once per network)."""
    if "radius" not in net._cache:
        net._cache["radius"] = 0.1 * max(1.0, math.sqrt(float_of(sum((mx.frobenius_sq(W) for W in net.layers),
                                                                     fmpq(0)))))
    return net._cache["radius"]


def _pick(points: list, net, radius: float | None = None):
    """Among candidate points with L < L(W): the one with the largest decrease within distance
    ``radius`` of W (default :func:`default_radius`), else the closest one.  Exact losses."""
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
    return None if closest is None else _descent_part(net, *closest[1:], js)


def descent_numeric(net, radius: float | None = None, curvature: bool = True, grads=None):
    """NUMERIC: a negative-curvature direction D at W (sign: <grad, D> <= 0) and the step on a
    geometric grid with the lowest float loss; the chosen point is checked exactly.  With
    ``curvature=False`` (a point whose gradient is large) the negative gradient is used at once,
    without the costly eigenvalue search.  ``grads``: the exact gradient as integer forms (N, d)
    (:meth:`Network.loss_gradient`), rounded to floats instead of the float (BLAS) gradient, so
    the direction does not depend on the BLAS."""
    import numpy as np

    lam, D = numeric_min_curvature(net) if curvature else (0.0, None)
    Ws, X, Y = float_network(net)
    g = (float_gradient(Ws, X, Y) if grads is None
         else [integer_form_to_float(N, d) for N, d in grads])
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
    L0f = float_loss(Ws, X, Y)
    # float preselection on the steps t = |W| 2^-j, long to short: the best step within the
    # radius (|D| = 1, so rho ~ t), else the shortest step that lowers the loss; the scan stops
    # once, within the radius, the loss rises again as the steps shrink
    radius = default_radius(net) if radius is None else radius
    best, shortest = None, None
    for j in range(40):
        t = scale_w * 2.0 ** -j
        lf = float_loss([W + t * d for W, d in zip(Ws, D)], X, Y)
        if lf < L0f:
            shortest = t
            if t <= radius and (best is None or lf <= best[0]):
                best = (lf, t)
        if best is not None and t <= radius and lf > best[0]:
            break
    if shortest is None:
        return None
    t = best[1] if best else shortest
    # the point W + t D rounded to a grid of 26, then 50 significant bits per layer (short
    # numerators: a small certificate and fast exact products), else W + t D_grid exactly
    for bits in (26, 50):
        part = _pick([[to_grid(W + t * d, bits) for W, d in zip(Ws, D)]], net, radius)
        if part is not None:
            return (*part, lam)
    part = _pick([[W + to_grid(d) * from_float(t) for W, d in zip(net.layers, D)]], net, radius)
    return None if part is None else (*part, lam)
