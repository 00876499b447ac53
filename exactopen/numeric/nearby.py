"""An exact critical point of a nearby rational problem (``exactopen validate``, issue 21):
what can be certified when training stalls on a plateau whose exact saddle has irrational
coordinates, so that snapping the weights to simple rationals (the ``snap`` part) cannot
reach it.

Setting: float weights W of L(W) = 1/2 |W_h ... W_1 X - Y|_F^2, stalled near a saddle where the
product P = W_h ... W_1 has numerical rank r (the directions learned so far).  Built here:

* W' (:func:`rank_factors`, NUMERIC then exact): every layer W'_k = a_k b_k^T with rational
  factors of r columns, the truncated SVD of W_k rounded to a dyadic grid of ``weight_bits``
  significant bits (one denominator per factor).  Then every product W'_h..W'_{k+1} (k < h)
  has its columns in C(a_h) and every product W'_{k-1}..W'_1 (k > 1) its rows in C(b_1)^T;
* X' = X (or X rounded to ``data_bits`` significant bits: smaller numbers for the
  classification, at a stated distance);
* Y' = Y + D (:func:`critical_data`, exact) with D chosen so that W' is EXACTLY critical for
  (X', Y').

The exact math.  With R = P X' - Y (P = W'_h..W'_1), E' = (P X' - Y') X'^T is the gradient
with respect to P, and dL/dW'_k = U_k^T E' V_k^T (U_k = W'_h..W'_{k+1}, V_k = W'_{k-1}..W'_1).
If a_h^T E' = 0 and E' b_1 = 0 then every dL/dW'_k is zero: for k < h, U_k^T = (..) a_h^T; for
k = h, V_h^T = b_1 (..).  With Pi_A = A (A^T A)^-1 A^T (A = a_h, d_h x r) and
Pi_c = c (c^T c)^-1 c^T (c = X'^T b_1, n x r), both orthogonal projectors needing only r x r
inverses, take

    D = Pi_A R + (I - Pi_A) R Pi_c,   so   R - D = (I - Pi_A) R (I - Pi_c),

and E' = (R - D) X'^T has a_h^T E' = 0 and E' b_1 = (..)(I - Pi_c) c = 0.  D is the least
change of Y (Frobenius) that makes the residual R - D satisfy a_h^T (R - D) = 0 and
(R - D) c = 0.  The conditions criticality needs are weaker in one place: a_h^T (R - D) X'^T = 0
(the part of a_h^T R outside the row space of X' may stay); the least-norm D for the exact
conditions is D Pi_X (Pi_X the projector onto the row space of X'), which needs (X' X'^T)^-1
(numbers of about d_0 times the bit size of X').  The two agree when Y lies in the row space of
X' (a teacher Y = T X without label noise and X' = X); otherwise D exceeds the least change by
Pi_A Y (I - Pi_X) (the part of Y no network reaches, in the learned output directions).  In
terms of E = P X' X'^T - Y X'^T: D X'^T = Pi_A E + (I - Pi_A) E Q with
Q = b_1 (b_1^T S b_1)^-1 b_1^T S (S = X' X'^T), the projection of E onto the admissible
gradients in the metric tr(T S^-1 T^T) -- smaller than the orthogonal (I - Pi_A) E (I - Pi_B).

The classification of W' for (X', Y') is :func:`exactopen.landscape.classify.classify_critical_point`
(its certificate is embedded; the checker re-verifies it, :mod:`exactopen.kernel.validate`).
Floats appear only in :func:`numerical_rank` and :func:`rank_factors` (marked NUMERIC); the
point they propose is exact, and its distances are exact rationals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flint import fmpq, fmpq_mat

from exactopen.exact import matrix as mx
from exactopen.exact.floats import float_network, to_grid
from exactopen.exact.snap import distance_sq
from exactopen.landscape.network import Network

RANK_GAP = 1e3  # a numerical rank needs this ratio between the last kept and the first dropped singular value


@dataclass
class Nearby:
    """W' (``net.layers``) critical for (X', Y') = (``net.X``, ``net.Y``), r, and the exact
    squared distances |W' - W|^2, |X' - X|^2, |Y' - Y|^2."""
    net: Network
    rank: int
    distance_sq: fmpq
    data_change_sq: dict


def numerical_rank(Ws) -> int | None:
    """NUMERIC: the numerical rank r of the float product W_h..W_1: the largest ratio
    sigma_r / sigma_{r+1} among the nonzero singular values, if it is at least RANK_GAP
    (otherwise None: no plateau structure to build on)."""
    import numpy as np

    P = Ws[0]
    for W in Ws[1:]:
        P = W @ P
    s = np.linalg.svd(P, compute_uv=False)
    if not s.size or s[0] == 0:
        return None
    best, r = 0.0, None
    for i in range(len(s) - 1):
        if s[i] <= 1e-14 * s[0]:
            break
        ratio = s[i] / max(s[i + 1], 1e-300 * s[0])
        if ratio > best:
            best, r = ratio, i + 1
    return r if best >= RANK_GAP and r < min(W.shape[0] for W in Ws) else None


def rank_factors(Ws, r: int, bits: int = 24) -> list[tuple[fmpq_mat, fmpq_mat]]:
    """NUMERIC -> exact: (a_k, b_k) per layer, a_k = U_r Sigma_r and b_k = V_r from the float
    truncated SVD of W_k, each rounded to a dyadic grid keeping ``bits`` significant bits."""
    import numpy as np

    out = []
    for W in Ws:
        U, s, Vt = np.linalg.svd(W, full_matrices=False)
        out.append((to_grid(U[:, :r] * s[:r], bits), to_grid(Vt[:r].T, bits)))
    return out


def critical_data(factors: list, X: fmpq_mat, Y: fmpq_mat) -> tuple[list, fmpq_mat]:
    """(layers W'_k = a_k b_k^T, Y') with W' exactly critical for (X, Y'): Y' = Y + D,
    D = Pi_A R + (I - Pi_A) R Pi_c (module docstring).  Exact; only r x r systems are solved.
    Raises ZeroDivisionError if A^T A or c^T c is singular (a_h or X^T b_1 of rank < r)."""
    layers = [a * b.transpose() for a, b in factors]
    A, b1 = factors[-1][0], factors[0][1]
    link = mx.identity(A.ncols())  # P = a_h (b_h^T a_{h-1}) ... (b_2^T a_1) b_1^T
    for k in range(len(factors) - 1, 0, -1):
        link = link * (factors[k][1].transpose() * factors[k - 1][0])
    c = X.transpose() * b1                                 # n x r
    R = (A * link) * c.transpose() - Y                     # P X - Y
    AtR = A.transpose() * R                                # r x n
    Rc = R * c                                             # d_h x r
    GA, Gc = A.transpose() * A, c.transpose() * c
    K = GA.solve(AtR)                                  # Pi_A R = A K
    F = Gc.solve(Rc.transpose()).transpose()           # R Pi_c = F c^T
    # (I - Pi_A) R Pi_c = (F - A (GA^-1 A^T F)) c^T
    F2 = F - A * GA.solve(A.transpose() * F)
    D = A * K + F2 * c.transpose()
    return layers, Y + D


def nearby_problem(net: Network, rank: int | None = None, weight_bits: int = 24,
                   data_bits: int | None = None) -> Nearby | None:
    """The nearby rational problem at ``net`` (module docstring), or None when the product has
    no clear numerical rank r below the narrowest width, or the r x r systems are singular."""
    if net.weights is not None:
        return None
    Wf, Xf, _Yf = float_network(net)
    r = numerical_rank(Wf) if rank is None else rank
    if not r:
        return None
    X2 = net.X if data_bits is None else to_grid(Xf, data_bits)
    try:
        layers, Y2 = critical_data(rank_factors(Wf, r, weight_bits), X2, net.Y)
    except ZeroDivisionError:
        return None
    new = Network.build(layers, Y2, X2)
    return Nearby(new, r, distance_sq(net.layers, layers),
                  {"X": mx.frobenius_sq(X2 - net.X), "Y": mx.frobenius_sq(Y2 - net.Y)})


def relative(x: fmpq, y: fmpq) -> float:
    """sqrt(x / y) as a float (relative Frobenius sizes from exact squares); inf if y = 0."""
    from exactopen.exact.floats import float_of

    return math.inf if y == 0 else math.sqrt(float_of(x / y))


# ---------------------------------------------------------------------------------------
# NUMERIC: a stalled training run (for tests and benchmarks; nothing here is certified)
# ---------------------------------------------------------------------------------------

def stalled_run(widths, n: int, seed: int = 0, init: float = 1e-3, learn: int = 1, label_noise: float = 0.0,
                max_steps: int = 20000, patience: int = 300):
    """NUMERIC: gradient descent on 1/2 |W_h..W_1 X - Y|^2 from a small init until it stalls on
    the plateau after learning the top ``learn`` directions.  Returns (layers, X, Y, info).

    Data (numpy, fixed seed): X = B X_0 (d_0 x n, X_0 with orthogonal rows of norm 1, B = I +
    0.4 G / sqrt(d_0) with G Gaussian: dense and not whitened), Y = T X + label_noise * Z with a
    teacher T = U diag(s) V^T (U, V dense random rotations; s = 10, 9, .. for the ``learn`` top
    directions, then 2.5, 2, 1.6, ..: distinct, with a gap).  Init: Gaussian entries of size
    ``init``.  Step size: 0.4 / (an upper bound on the sharpness from the layers' Frobenius
    norms), at most 5% relative change of any layer per step.  Stops once the loss has dropped
    by 80% of the top directions' share of sum s_i^2 and the gradient norm has not decreased
    for ``patience`` steps, returning the point of smallest gradient norm after the drop (or at
    ``max_steps``, with info["stalled"] False)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    d0, dh, h = widths[0], widths[-1], len(widths) - 1
    q = min(d0, dh)

    def rotation(m):
        Q, R = np.linalg.qr(rng.standard_normal((m, m)))
        return Q * np.sign(np.diag(R))

    s = np.array([10.0 - i for i in range(learn)] + [2.5 * 0.8 ** i for i in range(q - learn)])
    T = rotation(dh)[:, :q] @ np.diag(s[:q]) @ rotation(d0)[:, :q].T
    B = np.eye(d0) + 0.4 * rng.standard_normal((d0, d0)) / np.sqrt(d0)
    X = B @ np.linalg.qr(rng.standard_normal((n, d0)))[0].T
    Y = T @ X + label_noise * rng.standard_normal((dh, n))
    Ws = [init * rng.standard_normal((widths[k + 1], widths[k])) for k in range(h)]
    lam = float(np.linalg.eigvalsh(X @ X.T)[-1])
    drop = 1 - 0.8 * float(np.sum(s[:learn] ** 2) / np.sum(s ** 2))  # the top directions' share, roughly
    L0, best, since, steps = None, None, 0, 0
    for steps in range(max_steps):
        outs = [X]
        for W in Ws:
            outs.append(W @ outs[-1])
        R = outs[-1] - Y
        back, grads = R, [None] * h
        for k in range(h - 1, -1, -1):
            grads[k] = back @ outs[k].T
            back = Ws[k].T @ back
        L = 0.5 * float(np.sum(R * R))
        g = float(np.sqrt(sum(np.sum(G * G) for G in grads)))
        L0 = L if L0 is None else L0
        if L < drop * L0:
            if best is None or g < best[0]:
                best, since = (g, L, [W.copy() for W in Ws], steps), 0
            else:
                since += 1
                if since >= patience:
                    break
        nrm = [float(np.sum(W * W)) for W in Ws]
        sharp = lam * sum(float(np.prod(nrm[:k] + nrm[k + 1:])) for k in range(h))
        eta = min(0.4 / max(sharp, 1e-300),
                  0.05 * min(math.sqrt(a) / max(float(np.linalg.norm(G)), 1e-300) for a, G in zip(nrm, grads)))
        for W, G in zip(Ws, grads):
            W -= eta * G
    if best is None:
        return Ws, X, Y, {"steps": steps, "loss": L, "gradient_norm": g, "stalled": False, "singular_values": s}
    g, L, Ws, at = best
    return Ws, X, Y, {"steps": at, "loss": L, "gradient_norm": g, "stalled": True, "initial_loss": L0,
                      "singular_values": s}


__all__ = ["Nearby", "critical_data", "nearby_problem", "numerical_rank", "rank_factors", "relative", "stalled_run"]
