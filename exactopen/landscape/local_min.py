"""Certified non-global local minima of two-layer linear networks with a weighted square loss
(the limit of claim cor-9 of the claims catalogue).

Problem: L(W1, W2) = 1/2 sum_ij w_ij ((W2 W1 X - Y)_ij)^2 with positive rational weights w,
W1 of size r x d0 (r = d1) and W2 of size d2 x r.  For the square loss every local minimum
is global (thm-8); for a weighted loss non-global local minima exist (weighted low-rank
approximation, Srebro & Jaakkola 2003).  This module proves such points exactly.

The proof (checked by :mod:`exactopen.kernel.landscape`, verdict ``local_minimum_not_global``)
-------------------------------------------------------------------------------------------
L is invariant under the gauge action G.(W1, W2) = (G W1, W2 G^{-1}), G in GL(r).  Its
tangent directions at W are t_C = (C W1, -W2 C), C in R^{r x r}; let T be their span.
Hypotheses, all exact:

  (a) grad L(W) = 0;
  (b) W1 has full row rank (so C -> C W1 is injective and dim T = r^2; W2 of full column
      rank is checked too: it is what makes the orbit the whole fibre of the product map);
  (c) the parameter Hessian H is positive semidefinite (LDL^T);
  (d) H t_C = 0 for the r^2 basis directions C = E_ab (so T is inside N(H)) and
      rank H >= N - r^2 (a nonsingular minor), hence N(H) = T exactly.

Then W is a local minimum.  Proof (a slice, no Morse-Bott theory needed): let S be a
complement of T.  Phi(G, s) = G.(W + s) maps GL(r) x S to parameter space, Phi(I, 0) = W,
and dPhi(I, 0)[C, s] = t_C + s is bijective (dim T = r^2 and T + S = R^N directly), so by
the inverse function theorem Phi covers a neighbourhood U of W.  By invariance
L(Phi(G, s)) = f(s) := L(W + s).  f has zero gradient at 0 by (a) and Hessian H restricted to
S; for s in S, s != 0: s is not in T = N(H), and for PSD H, s^T H s = 0 forces H s = 0, so
s^T H s > 0: H|S is positive definite and 0 is a strict local minimum of f.  Hence
L >= L(W) on U.  (The minimum is strict modulo the orbit.)  A rational point with strictly
smaller exact loss makes it non-global.

Where the proof cannot apply: if W1 is rank deficient or W2 is not of full column rank the
null space of H is strictly larger than T (e.g. (v x^T, 0) with W2 v = 0), so (d) fails and
no verdict is claimed.  For the square loss every local minimum is global, so the witness
search can never succeed there (its result is an exact loss comparison).

Finding examples (:func:`search_nonglobal_local_minimum`, seeded, general): the gradient
conditions W2^T R X^T = 0 and R X^T W1^T = 0 are linear in R = w o (W2 W1 X - Y); choose
rational W1, W2, weights, R in that (exact) null space, and set Y = W2 W1 X - R / w (entrywise).
Scale R up from small (small R: W is a local minimum, usually global) until either the proof
fails or a lower point appears.  Lower points are looked for by alternating weighted least
squares in floating point (a numeric helper), rounded to rationals and re-checked exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from flint import fmpq, fmpq_mat

from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from exactopen.exact.floats import float_loss, to_float, to_simplest
from exactopen.exact.numbers import rational_str
from exactopen.landscape.network import Network, point_certificate

MAX_PARAMS = 400  # the checker factors Hessians up to this size


# ---------------------------------------------------------------------------------------
# exact part
# ---------------------------------------------------------------------------------------

def gauge_directions(W1: fmpq_mat, W2: fmpq_mat) -> fmpq_mat:
    """N x r^2 matrix whose column a*r + b is t_C = (C W1, -W2 C) for C = E_ab, flattened
    in the Hessian's coordinates (W1 row-major, then W2 row-major)."""
    r = W1.nrows()
    cols = []
    for a in range(r):
        for b in range(r):
            E = fmpq_mat(r, r)
            E[a, b] = 1
            cols.append(list((E * W1).entries()) + list((-(W2 * E)).entries()))
    N = len(cols[0]) if cols else W1.nrows() * W1.ncols() + W2.nrows() * W2.ncols()
    return fmpq_mat(len(cols), N, [x for c in cols for x in c]).transpose()


def psd_pivots(H: fmpq_mat) -> list[int] | None:
    """Exact LDL^T with positive diagonal pivots.  None if H is not PSD; otherwise the pivot
    indices P: H[P, P] is positive definite (its determinant is the product of the pivots)
    and the final Schur complement is zero, so rank H = |P|."""
    S, idx, piv = H, list(range(H.nrows())), []
    while S.nrows():
        n = S.nrows()
        p = next((i for i in range(n) if S[i, i] > 0), None)
        if p is None:
            return piv if mx.is_zero(S) else None
        piv.append(idx[p])
        rest = [i for i in range(n) if i != p]
        c = mx.submatrix(S, rest, [p])
        S = mx.submatrix(S, rest, rest) - c * c.transpose() / S[p, p]
        idx = [idx[i] for i in rest]
    return piv


@dataclass
class MorseBott:
    """Outcome of the exact second-order test at a two-layer critical point."""

    ok: bool
    reason: str
    evidence: dict | None = None
    hessian_rank: int | None = None


def morse_bott_test(net: Network) -> MorseBott:
    """Hypotheses (a)-(d) of the module docstring, exactly; evidence for the checker."""
    if net.h != 2:
        return MorseBott(False, "the gauge-slice proof is implemented for two layers only")
    if net.nparams > MAX_PARAMS:
        return MorseBott(False, f"{net.nparams} parameters exceed the checker's Hessian limit {MAX_PARAMS}")
    if not net.is_critical():
        return MorseBott(False, "not a critical point")
    W1, W2 = net.layers
    r = W1.nrows()
    if linalg.rank(W1) != r:
        return MorseBott(False, "W1 is not of full row rank")
    if linalg.rank(W2) != r:
        return MorseBott(False, "W2 is not of full column rank")
    H = net.hessian_matrix()
    T = gauge_directions(W1, W2)
    if not mx.is_zero(H * T):  # cannot happen at a critical point with PSD H; checked anyway
        return MorseBott(False, "a gauge direction is not in the null space of H")
    piv = psd_pivots(H)
    if piv is None:
        return MorseBott(False, "the Hessian is not positive semidefinite")
    N = H.nrows()
    if len(piv) != N - r * r:
        return MorseBott(False, f"rank H = {len(piv)} < N - r^2 = {N - r * r}: the null space of H is "
                                "larger than the gauge orbit's tangent space")
    rows1, cols1 = linalg.nonsingular_minor(W1, r)
    rows2, cols2 = linalg.nonsingular_minor(W2, r)
    piv = sorted(piv)
    ev = {"W1_minor": {"rows": rows1, "cols": cols1}, "W2_minor": {"rows": rows2, "cols": cols2},
          "hessian_minor": {"rows": piv, "cols": piv}}
    return MorseBott(True, "Hessian PSD with null space = gauge tangent space", ev, len(piv))


# ---------------------------------------------------------------------------------------
# numeric helpers (floats; every result is re-checked exactly before use)
# ---------------------------------------------------------------------------------------

def numeric_als(W1, W2, X, Y, w, iters: int = 300, ridge: float = 1e-12):
    """Numeric helper: alternating weighted least squares from (W1, W2) (float arrays).

    Exactly ``iters`` sweeps (no float stopping test: how far the iteration runs must not
    depend on rounding); a sweep that no longer changes the iterate ends it early."""
    import numpy as np

    d2, r = W2.shape
    sw = np.sqrt(w)
    for _ in range(iters):
        old = (W1.copy(), W2.copy())
        F = W1 @ X                                          # r x n
        for i in range(d2):                                 # rows of W2, each a weighted LSQ
            A = (F * w[i]) @ F.T + ridge * np.eye(r)
            W2[i] = np.linalg.solve(A, (F * w[i]) @ Y[i])
        K = np.kron(W2, X.T) * sw.reshape(-1, 1)            # (d2 n) x (r d0), row-major vec(W1)
        sol, *_ = np.linalg.lstsq(K, (sw * Y).reshape(-1), rcond=None)
        W1 = sol.reshape(r, X.shape[0])
        if np.array_equal(W1, old[0]) and np.array_equal(W2, old[1]):
            break
    return W1, W2, float_loss([W1, W2], X, Y, w)


def canonical_gauge(W1, W2, tol: float = 1e-6):
    """NUMERIC helper: the representative (G^-1 W1, W2 G) of the gauge orbit of a float point
    with W1 in reduced row echelon form at its pivot columns (identity there), or None if W1 is
    numerically rank deficient.  Pivots: the first columns that raise the rank by a relative
    margin ``tol`` (far above float noise), so sign flips, rescalings and rotations of the
    factors (the same product) give the same representative up to rounding noise."""
    import numpy as np

    r, d0 = W1.shape
    if r == 0:
        return W1, W2
    top = float(np.max(np.linalg.norm(W1, axis=0)))
    if not top > 0 or not np.all(np.isfinite(W1)) or not np.all(np.isfinite(W2)):
        return None
    piv, Q = [], np.zeros((r, 0))
    for j in range(d0):
        c = W1[:, j] - Q @ (Q.T @ W1[:, j])
        c = c - Q @ (Q.T @ c)
        nc = float(np.linalg.norm(c))
        if nc > tol * top:
            piv.append(j)
            Q = np.column_stack([Q, c / nc])
            if len(piv) == r:
                break
    if len(piv) < r:
        return None
    G = W1[:, piv]
    W1c = np.linalg.solve(G, W1)
    W1c[:, piv] = np.eye(r)
    return W1c, W2 @ G


def lower_point(net: Network, starts: int = 12, seed: int = 0) -> list | None:
    """A rational point with strictly smaller exact loss than ``net``'s, or None.

    Numeric helper (alternating weighted least squares from seeded random starts, a fixed
    number of sweeps) followed by exact choices only: each start's float point is put in the
    canonical gauge (:func:`canonical_gauge`) and snapped on fixed tolerances 2^-b, coarse
    first; the first snap with exact loss < L(W) is that start's candidate.  Among the
    candidates the one with the smallest exact loss wins (ties: the smallest text form), so
    no float comparison decides what is returned.
    """
    import numpy as np

    W1e, W2e = net.layers
    X, Y = to_float(net.X), to_float(net.Y)
    w = np.ones(Y.shape) if net.weights is None else to_float(net.weights)
    L0 = net.loss()
    rng = np.random.default_rng(seed)
    scale = max(1.0, float(np.abs(Y).max()))
    cands = []
    for _ in range(starts):
        W1 = rng.standard_normal(to_float(W1e).shape) * np.sqrt(scale)
        W2 = rng.standard_normal(to_float(W2e).shape) * np.sqrt(scale)
        W1, W2, Lf = numeric_als(W1, W2, X, Y, w)
        if not np.isfinite(Lf):
            continue
        canon = canonical_gauge(W1, W2)
        if canon is None:
            continue
        for bits in (4, 6, 8, 10, 12, 16, 20):
            cand = [to_simplest(canon[0], bits), to_simplest(canon[1], bits)]
            L1 = net.loss_at(cand)
            if L1 < L0:
                cands.append((L1, str([c.entries() for c in cand]), cand))
                break
    if not cands:
        return None
    return min(cands, key=lambda c: (c[0], c[1]))[2]


# ---------------------------------------------------------------------------------------
# certificate
# ---------------------------------------------------------------------------------------

@dataclass
class LocalMinimum:
    certificate: dict | None
    morse_bott: MorseBott
    witness: list | None
    reason: str


def local_minimum_certificate(net: Network, claim_id: str | None = None, starts: int = 12,
                              seed: int = 0) -> LocalMinimum:
    """Certificate (verdict ``local_minimum_not_global``) for a two-layer critical point: the
    exact gauge-slice proof of local minimality and an exact lower witness point (cor-9)."""

    mb = morse_bott_test(net)
    if not mb.ok:
        return LocalMinimum(None, mb, None, mb.reason)
    wit = lower_point(net, starts=starts, seed=seed)
    if wit is None:
        return LocalMinimum(None, mb, None, "local minimum (Hessian PSD, null space = gauge tangent space); "
                                            "no point with a smaller loss was found")
    L1 = net.loss_at(wit)
    result = {"hessian_psd": True, "hessian_rank": mb.hessian_rank, "witness_loss": rational_str(L1),
              "non_global": True}
    evidence = {"morse_bott": mb.evidence, "witness": [mx.to_json(W) for W in wit]}
    cert = point_certificate(net, "local_minimum_not_global", result, evidence, claim_id or "cor-9")
    return LocalMinimum(cert, mb, wit, "local minimum, not global")


# ---------------------------------------------------------------------------------------
# seeded search for examples
# ---------------------------------------------------------------------------------------

WEIGHT_CHOICES = (fmpq(1, 10), fmpq(1, 4), fmpq(1, 2), fmpq(1), fmpq(2), fmpq(4), fmpq(10))
SCALES = (fmpq(1, 4), fmpq(1, 2), fmpq(1), fmpq(2), fmpq(4), fmpq(8), fmpq(16))


def _full_rank(m: int, n: int, rng: random.Random, size: int = 3) -> fmpq_mat:
    while True:
        A = fmpq_mat(m, n, [fmpq(rng.randint(-size, size), rng.randint(1, 2)) for _ in range(m * n)])
        if linalg.rank(A) == min(m, n):
            return A


def stationary_residuals(W1: fmpq_mat, W2: fmpq_mat, X: fmpq_mat) -> fmpq_mat:
    """Basis (columns, row-major vec of R) of {R : W2^T R X^T = 0, R X^T W1^T = 0}: the
    residuals R = w o (W2 W1 X - Y) that make (W1, W2) critical."""
    d2, n = W2.nrows(), X.ncols()
    cols = []
    for i in range(d2):
        for j in range(n):
            E = fmpq_mat(d2, n)
            E[i, j] = 1
            cols.append(list((W2.transpose() * E * X.transpose()).entries())
                        + list((E * X.transpose() * W1.transpose()).entries()))
    M = fmpq_mat(len(cols), len(cols[0]), [x for c in cols for x in c]).transpose()
    return linalg.nullspace(M).kernel


@dataclass
class Found:
    net: Network
    certificate: dict
    trial: int
    scale: fmpq
    witness_loss: fmpq


def search_nonglobal_local_minimum(widths=(2, 1, 2), n_samples: int | None = None, seed: int = 0,
                                   max_trials: int = 40, starts: int = 12) -> Found | None:
    """Seeded search for a certified non-global local minimum of a weighted two-layer loss.

    ``widths`` = (d0, d1, d2); X is the identity when ``n_samples`` is None, otherwise a
    random d0 x n_samples matrix of full row rank.  Returns the first example whose
    certificate the checker accepts, or None.  See the module docstring for the method.
    """
    from exactopen import kernel

    d0, d1, d2 = widths
    rng = random.Random(seed)
    for trial in range(max_trials):
        W1, W2 = _full_rank(d1, d0, rng), _full_rank(d2, d1, rng)
        X = mx.identity(d0) if n_samples is None else _full_rank(d0, n_samples, rng)
        n = X.ncols()
        w = fmpq_mat(d2, n, [rng.choice(WEIGHT_CHOICES) for _ in range(d2 * n)])
        B = stationary_residuals(W1, W2, X)
        if B.ncols() == 0:
            continue
        c = fmpq_mat(B.ncols(), 1, [fmpq(rng.choice([-3, -2, -1, 1, 2, 3])) for _ in range(B.ncols())])
        R0 = fmpq_mat(d2, n, list((B * c).entries()))
        if mx.is_zero(R0 * X.transpose()):
            continue  # stationary in function space: a global minimum
        P = W2 * W1 * X
        for s in SCALES:
            R = R0 * s
            Y = fmpq_mat(d2, n, [p - e / ww for p, e, ww in zip(P.entries(), R.entries(), w.entries())])
            net = Network.build([W1, W2], Y, X, w)
            lm = local_minimum_certificate(net, starts=starts, seed=seed + trial)
            if not lm.morse_bott.ok:
                break  # {s : H(s R0) is PD on a complement of T} is convex (H is affine in s): an interval
            if lm.certificate is not None:
                kernel.check(lm.certificate)
                return Found(net, lm.certificate, trial, s, net.loss_at(lm.witness))
    return None
