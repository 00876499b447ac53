"""Numerical probe of local openness of M(W1, W2) = W1 W2 and of chains W_h ... W_1
(:func:`probe_chain`, described in the comment block before it) -- NOT on the certified path.

This module is an *independent cross-check* of the exact decision procedure.
It works in binary floating point (numpy), proves nothing, and is never used to
produce a verdict or a certificate.  It imports nothing from the exact side of exactopen
(``exactopen.openness.pair``, ``exactopen.exact.linalg``) and does not evaluate the conditions of the
paper's theorems (``prop-4``, ``thm-5``, ``rem-1``): it tests the *definition* directly.

Definition tested.  M is locally open at (W1, W2) relative to its range
``R_M = {Z : rank Z <= min(m, k, n)}`` if for every eps > 0 there is delta > 0 such that every
Z in R_M with ``|Z - W1 W2| < delta`` equals ``(W1 + A)(W2 + B)`` with ``|A|, |B| < eps``.

Method.
1. Targets.  For every delta in ``deltas`` the probe builds targets Z in R_M at Frobenius
   distance (about) delta from P = W1 W2, along a fixed set of unit directions:

   * ``random``: a Gaussian direction, projected to rank <= r = min(m, k, n) by a truncated
     SVD of P + t R, with t tuned so that the distance is delta;
   * ``normal``: directions U G V^T with the columns of U orthogonal to C(W1) and those of V
     orthogonal to the row space of W2 -- the directions the differential
     (A, B) -> A W2 + W1 B misses -- of rank one and of the largest rank the range allows;
   * ``normal+tangent``: such a normal direction plus a random tangent part A W2 + W1 B;
   * ``left-null`` / ``right-null``: u w^T with u in N(W1^T) and w arbitrary, and w v^T with
     v in N(W2) and w arbitrary;
   * ``rank-up``: directions that raise the rank of P (u orthogonal to C(P), v orthogonal
     to the row space of P), of rank one and of the largest allowed rank.

   Targets that would leave R_M are projected back by a truncated SVD (and rescaled).
2. Smallest preimage.  For each target the probe looks for the smallest (A, B) with
   ``F(A, B) = (W1 + A)(W2 + B) - Z = 0``, i.e. it minimises ``|A|^2 + |B|^2`` subject to
   F = 0 through the penalty ``Phi = (|x|^2 + mu |F(x)|^2) / 2`` (x = (A, B)) with mu
   increased geometrically from 10/delta to 1e4/delta^2 (continuation).  Each step is a
   Levenberg-Marquardt step with the exact Hessian of Phi (F is bilinear, so its second
   derivatives are constant) where that Hessian is safely positive definite (batched
   Cholesky test), and with the Gauss-Newton Hessian ``I + mu J^T J`` where it is not or
   where the Newton step is rejected; steps are accepted on the gain ratio.  A few
   Gauss-Newton feasibility steps ``x <- x - J^+ F`` finish.  Starts: a tiny random point,
   the balanced factorisation ``A0 B0 = Z - W1 W2`` (A0 = U sqrt(S), B0 = sqrt(S) V^T,
   truncated to rank k) and random points of size ~sqrt(delta), ~delta^(1/4), ~delta.  All
   (delta, target, start) triples run as one numpy batch.  An iterate counts as a preimage
   only when ``|F| <= 1e-10 max(1, |Z|)``; its size is ``max(|A|, |B|)`` (Frobenius norms),
   and eps(target, delta) is the smallest size over all iterates of all starts (``inf`` if
   none reached the target).  The search only ever gives *upper* bounds on the true
   minimum.  For every target the probe also records ``miss``: the smallest
   ``|F| / |Z - W1 W2|`` over the iterates of size <= thr (below) -- near 1 when small
   perturbations cannot move the product towards the target at all.
3. Verdict.  eps(delta) = worst eps over the targets at that delta; a least-squares fit
   ``eps ~ C delta^a`` over the deltas.  With ``thr = 0.1 (1 + |(W1, W2)|)``:

   * ``not_locally_open`` if some target at delta_min was not reached, or
     eps(delta_min) > thr, or eps(delta) is flat (a < 0.1, eps(delta_min) >= 0.6
     eps(delta_max) and eps(delta_min) > sqrt(delta_min) (1 + |(W1, W2)|));
   * ``locally_open`` if every target was reached, eps(delta_min) <= thr and a >= 0.2 (so
     a rate delta^(1/2), as at W1 = W2 = 0 with k < min(m, n), still counts as open);
   * ``inconclusive`` otherwise (e.g. a target missed at a larger delta only).

   The verdict is a heuristic: the search finds upper bounds on the smallest preimage, and
   a finite set of targets can miss an obstruction.  Use it only to cross-check.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

__all__ = ["Preimage", "ProbeResult", "ProbeTarget", "decide", "min_preimage", "probe_chain", "rate_guess",
           "probe_openness", "to_float_matrix"]

DEFAULT_DELTAS = (1e-2, 3e-3, 1e-3, 3e-4, 1e-4)
MU_LO = 10.0
MU_HI = 1e4


@dataclass
class ProbeTarget:
    """One target direction and the smallest preimage size found at each delta."""

    kind: str
    distances: list[float]       # actual |Z - W1 W2| per delta
    eps: list[float]             # smallest max(|A|, |B|) found per delta (inf: not reached)
    residuals: list[float]       # |F| of the reported preimage per delta (nan if none)
    miss: list[float]            # smallest |F| / |Z - W1 W2| over the iterates with
                                 # max(|A|, |B|) <= threshold: how near small perturbations
                                 # came to the target (0 if reached)


@dataclass
class ProbeResult:
    """Outcome of :func:`probe_openness` (numerical, uncertified)."""

    verdict: str                 # "locally_open" | "not_locally_open" | "inconclusive"
    reason: str
    deltas: list[float]
    eps: list[float]             # worst (over targets) smallest preimage size, per delta
    exponent: float              # a in eps ~ C delta^a (nan if a fit was impossible)
    constant: float              # C
    threshold: float             # 0.1 (1 + |(W1, W2)|)
    targets: list[ProbeTarget] = field(default_factory=list)
    restarts: int = 0
    seconds: float = 0.0
    certified: bool = False      # always False: this is a numerical probe

    def summary(self) -> str:
        rows = ", ".join(f"{d:.0e}:{e:.2e}" for d, e in zip(self.deltas, self.eps))
        return (f"probe (numerical, uncertified): {self.verdict}; eps(delta) = [{rows}], "
                f"exponent {self.exponent:.2f}; {self.reason}")


# ---------------------------------------------------------------------------------------
# input conversion


def _entry_to_float(x: Any) -> float:
    if isinstance(x, str):
        return float(Fraction(x.strip()))
    try:
        return float(x)
    except TypeError:
        return float(Fraction(str(x)))


def to_float_matrix(W: Any):
    """A float64 numpy array from nested lists, a numpy array or a flint fmpq/fmpz matrix.

    The probe's own conversion, deliberately not :func:`exactopen.exact.floats.to_float`:
    the probe is an independent cross-check and imports nothing from exactopen (checked by
    ``tests/test_probe.py::test_probe_is_independent_of_the_exact_side``); it also reads
    nested lists of numbers and "p/q" strings, which the bridge does not take."""
    import numpy as np

    if hasattr(W, "nrows") and hasattr(W, "ncols") and hasattr(W, "entries"):
        m, n = W.nrows(), W.ncols()
        vals = [_entry_to_float(x) for x in W.entries()]
        return np.array(vals, dtype=float).reshape(m, n)
    if isinstance(W, np.ndarray):
        A = W.astype(float) if W.dtype != object else np.vectorize(_entry_to_float)(W)
        A = np.asarray(A, dtype=float)
    else:
        rows = [list(r) for r in W]
        A = np.array([[_entry_to_float(x) for x in r] for r in rows], dtype=float)
    if A.ndim != 2:
        raise ValueError("expected a 2-dimensional matrix")
    return A


# ---------------------------------------------------------------------------------------
# linear-algebra helpers (floating point)


def _orth_complements(M, tol):
    """(basis of C(M)^perp in R^rows, basis of row(M)^perp in R^cols, numerical rank)."""
    import numpy as np

    U, s, Vt = np.linalg.svd(M, full_matrices=True)
    rank = int(np.sum(s > tol))
    return U[:, rank:], Vt[rank:, :].T, rank


def _truncate(Z, r):
    """Best approximation of rank <= r (works on stacks)."""
    import numpy as np

    if r >= min(Z.shape[-2:]):
        return Z
    U, s, Vt = np.linalg.svd(Z, full_matrices=False)
    s = s.copy()
    s[..., r:] = 0.0
    return (U * s[..., None, :]) @ Vt


def _unit(X):
    import numpy as np

    nrm = np.linalg.norm(X)
    return X / nrm if nrm > 0 else X


def _rank_limited(U, V, rank, rng):
    """A random unit direction U G V^T, G of rank min(rank, dims) with singular values in
    [0.5, 1] (well conditioned, so that every one of its directions is really present)."""
    import numpy as np

    p, q = U.shape[1], V.shape[1]
    s = min(rank, p, q)
    Q1, _ = np.linalg.qr(rng.standard_normal((p, s)))
    Q2, _ = np.linalg.qr(rng.standard_normal((q, s)))
    G = (Q1 * rng.uniform(0.5, 1.0, size=s)) @ Q2.T
    return _unit(U @ G @ V.T)


def _directions(W1, W2, P, r, rng, targets, tol):
    """The target directions: list of (kind, unit direction D, needs_projection)."""
    import numpy as np

    m, k = W1.shape
    n = W2.shape[1]
    U1p, _, _ = _orth_complements(W1, tol)            # C(W1)^perp
    _, V2p, _ = _orth_complements(W2, tol)            # row(W2)^perp
    UPp, VPp, rP = _orth_complements(P, tol)          # C(P)^perp, row(P)^perp
    room = r - rP                                     # rank that may still be added
    out = []

    for _ in range(targets["random"]):
        out.append(("random", _unit(rng.standard_normal((m, n))), True))

    if room > 0 and U1p.shape[1] and V2p.shape[1]:
        for _ in range(targets["normal"]):
            out.append(("normal-rank1", _rank_limited(U1p, V2p, 1, rng), False))
            if min(room, U1p.shape[1], V2p.shape[1]) > 1:
                out.append(("normal-maxrank", _rank_limited(U1p, V2p, room, rng), False))
            N = _rank_limited(U1p, V2p, room, rng)
            T = _unit(rng.standard_normal((m, k)) @ W2 + W1 @ rng.standard_normal((k, n)))
            out.append(("normal+tangent", _unit(N + T), True))

    for _ in range(targets["null"]):
        if U1p.shape[1]:
            u = U1p @ rng.standard_normal(U1p.shape[1])
            out.append(("left-null", _unit(np.outer(u, rng.standard_normal(n))), True))
        if V2p.shape[1]:
            v = V2p @ rng.standard_normal(V2p.shape[1])
            out.append(("right-null", _unit(np.outer(rng.standard_normal(m), v)), True))

    if room > 0 and UPp.shape[1] and VPp.shape[1]:
        for _ in range(targets["rankup"]):
            out.append(("rank-up-1", _rank_limited(UPp, VPp, 1, rng), False))
            if min(room, UPp.shape[1], VPp.shape[1]) > 1:
                out.append(("rank-up-max", _rank_limited(UPp, VPp, room, rng), False))
    return out


def _start(s, E, k, delta, rng):
    """Start number s for target offset E = Z - W1 W2: 0 a tiny random point, 1 the balanced
    factorisation A0 B0 = E (rank <= k, A0 = U sqrt(S), B0 = sqrt(S) V^T), then random points
    of size ~sqrt(delta), ~delta^(1/4), ~delta, cycling."""
    import numpy as np

    m, n = E.shape
    p = m * k + k * n
    g = rng.standard_normal(p) / math.sqrt(p)
    if s == 0:
        return 1e-3 * delta * g
    if s == 1:
        U, sv, Vt = np.linalg.svd(E, full_matrices=False)
        r = min(k, sv.size)
        A0 = np.zeros((m, k))
        B0 = np.zeros((k, n))
        A0[:, :r] = U[:, :r] * np.sqrt(sv[:r])
        B0[:r, :] = np.sqrt(sv[:r])[:, None] * Vt[:r]
        return np.concatenate([A0.ravel(), B0.ravel()]) + 1e-9 * delta * g
    return (math.sqrt(delta), delta ** 0.25, delta)[(s - 2) % 3] * g


def _place(P, D, delta, r, project):
    """A target in R_M at distance ~delta from P along D (projected if needed)."""
    import numpy as np

    if not project:
        return P + delta * D
    t = delta
    Z = P + t * D
    for _ in range(4):
        Z = _truncate(P + t * D, r)
        d = np.linalg.norm(Z - P)
        if d <= 0:
            break
        if abs(d - delta) <= 1e-3 * delta:
            break
        t *= delta / d
    return Z


# ---------------------------------------------------------------------------------------
# the batched search


def _jacobian(W1, W2, x, m, k, n):
    """F(x) (flattened) and its Jacobian J = [I_m (x) Y2^T, Y1 (x) I_n] (row-major vec)."""
    import numpy as np

    b = x.shape[0]
    mk = m * k
    Y1 = W1 + x[:, :mk].reshape(b, m, k)
    Y2 = W2 + x[:, mk:].reshape(b, k, n)
    J = np.zeros((b, m, n, mk + k * n))
    Y2t = Y2.transpose(0, 2, 1)                               # (b, n, k)
    for i in range(m):                                        # d F_ij / d A_iq = Y2_qj
        J[:, i, :, i * k:(i + 1) * k] = Y2t
    JB = J[:, :, :, mk:].reshape(b, m, n, k, n)               # d F_ij / d B_qj = Y1_iq
    for j in range(n):
        JB[:, :, j, :, j] = Y1
    return Y1 @ Y2, J.reshape(b, m * n, mk + k * n)


def _positive_definite(H):
    """Batched Cholesky test: True where the symmetric matrix H[i] is positive definite."""
    import numpy as np

    b, p, _ = H.shape
    L = np.zeros_like(H)
    ok = np.ones(b, dtype=bool)
    for j in range(p):
        s = H[:, j, j] - np.sum(L[:, j, :j] ** 2, axis=1)
        ok &= s > 0
        ljj = np.sqrt(np.where(s > 0, s, 1.0))
        L[:, j, j] = ljj
        if j + 1 < p:
            L[:, j + 1:, j] = (H[:, j + 1:, j]
                               - (L[:, j + 1:, :j] @ L[:, j, :j, None])[:, :, 0]) / ljj[:, None]
    return ok


def _solve(H, g):
    """Batched solve H d = g; singular systems fall back to the pseudo-inverse."""
    import numpy as np

    try:
        return np.linalg.solve(H, g[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        out = np.full(g.shape, np.nan)
        for i in range(H.shape[0]):
            try:
                out[i] = np.linalg.lstsq(H[i], g[i], rcond=None)[0]
            except np.linalg.LinAlgError:
                pass
        return out


def _sizes(x, m, k):
    import numpy as np

    mk = m * k
    return np.maximum(np.linalg.norm(x[:, :mk], axis=1), np.linalg.norm(x[:, mk:], axis=1))


@dataclass
class _SearchOut:
    size: Any        # (b,) smallest max(|A|, |B|) over the iterates meeting the tolerance
    residual: Any    # (b,) |F| at that iterate (nan if none)
    x: Any           # (b, p) that iterate (nan if none)
    closest: Any     # (b,) smallest |F| over the iterates with size <= cap


def _search(W1, W2, Z, X0, iters, tol_abs, mu_lo, mu_hi, cap, polish=6) -> _SearchOut:
    """Batched search for small preimages (A, B) of the targets Z (see the module doc).

    Z: (b, m, n) targets; X0: (b, p) starts, p = m k + k n, x = (vec A, vec B) row-major;
    tol_abs, mu_lo, mu_hi, cap: (b,).  The penalty weight mu grows geometrically from mu_lo
    to mu_hi over the iterations; ``closest`` records how near the iterates of size <= cap
    came to the target.
    """
    import numpy as np

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _search_body(W1, W2, Z, X0, iters, tol_abs, mu_lo, mu_hi, cap, polish)


def _search_body(W1, W2, Z, X0, iters, tol_abs, mu_lo, mu_hi, cap, polish):
    import numpy as np

    b, m, n = Z.shape
    k = W1.shape[1]
    p = X0.shape[1]
    mk, kn = m * k, k * n
    eye = np.eye(p)
    x = X0.copy()
    lam = np.full(b, 1e-3)
    P, J = _jacobian(W1, W2, x, m, k, n)
    F = (P - Z).reshape(b, m * n)
    best = np.full(b, np.inf)
    best_res = np.full(b, np.nan)
    best_x = np.full((b, p), np.nan)
    closest = np.full(b, np.inf)

    def record(x, F):
        res = np.linalg.norm(F, axis=1)
        size = _sizes(x, m, k)
        near = np.isfinite(res) & (size <= cap) & (res < closest)
        closest[near] = res[near]
        ok = np.isfinite(res) & (res <= tol_abs) & (size < best)
        best[ok] = size[ok]
        best_res[ok] = res[ok]
        best_x[ok] = x[ok]

    def phi_of(x, F, mu):
        return 0.5 * (np.sum(x * x, axis=1) + mu * np.sum(F * F, axis=1))

    record(x, F)
    ratio = (mu_hi / mu_lo) ** (1.0 / max(1, iters - 1))
    mu = mu_lo.copy()
    for it in range(iters):
        if it:
            mu = np.minimum(mu * ratio, mu_hi)
        phi = phi_of(x, F, mu)
        Jt = J.transpose(0, 2, 1)
        g = x + mu[:, None] * (Jt @ F[:, :, None])[:, :, 0]
        # Hessians of phi: Gauss-Newton I + mu J^T J, and the exact one, which adds
        # mu * sum_ij F_ij D^2 F_ij; F is bilinear, D^2 F_ij pairs A_iq with B_qj
        HG = mu[:, None, None] * (Jt @ J) + eye
        K = np.einsum("bij,qr->biqrj", F.reshape(b, m, n), np.eye(k)).reshape(b, mk, kn)
        HN = HG.copy()
        HN[:, :mk, mk:] += mu[:, None, None] * K
        HN[:, mk:, :mk] += mu[:, None, None] * K.transpose(0, 2, 1)
        # Newton where the exact Hessian is safely positive definite; Gauss-Newton where it
        # is not or where the Newton step fails; LM damping lam; gain-ratio acceptance
        acc = np.zeros(b, dtype=bool)
        xn, Fn, Jn = x.copy(), F.copy(), J.copy()
        todo = _positive_definite(HN - 0.5 * eye)
        for Hm in (HN, HG):
            idx = np.nonzero(todo & np.isfinite(Hm).all(axis=(1, 2)) & np.isfinite(g).all(axis=1))[0]
            if idx.size:
                H = Hm[idx]
                d = -_solve(H + lam[idx, None, None] * eye, g[idx])
                pred = -(np.sum(g[idx] * d, axis=1)
                         + 0.5 * np.sum(d * (H @ d[:, :, None])[:, :, 0], axis=1))
                xc = x[idx] + d
                Pc, Jc = _jacobian(W1, W2, xc, m, k, n)
                Fc = (Pc - Z[idx]).reshape(idx.size, m * n)
                phic = phi_of(xc, Fc, mu[idx])
                ok = (pred > 0) & ((phi[idx] - phic) > 0.1 * pred) & np.isfinite(phic)
                sel = idx[ok]
                xn[sel], Fn[sel], Jn[sel] = xc[ok], Fc[ok], Jc[ok]
                acc[sel] = True
            todo = ~acc
        x, F, J = xn, Fn, Jn
        lam = np.clip(np.where(acc, lam / 3.0, lam * 4.0), 1e-9, 1e9)
        record(x, F)
    for _ in range(polish):
        live = np.nonzero(np.isfinite(J).all(axis=(1, 2)) & np.isfinite(F).all(axis=1))[0]
        if not live.size:
            break
        try:
            step = (np.linalg.pinv(J[live], rcond=1e-11) @ F[live, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            break
        x[live] = x[live] - step
        P, J = _jacobian(W1, W2, x, m, k, n)
        F = (P - Z).reshape(b, m * n)
        record(x, F)
    return _SearchOut(best, best_res, best_x, closest)


def _fit(deltas, eps):
    """Least-squares fit log eps = log C + a log delta over the finite, positive values."""
    import numpy as np

    d = np.log(np.asarray(deltas, dtype=float))
    e = np.asarray(eps, dtype=float)
    good = np.isfinite(e) & (e > 0)
    if good.sum() < 2:
        return math.nan, math.nan
    a, logc = np.polyfit(d[good], np.log(e[good]), 1)
    return float(a), float(math.exp(logc))


def decide(deltas: Sequence[float], worst: Sequence[float], threshold: float,
           sqrt_scale: float) -> tuple[str, str, float, float]:
    """The decision rule, on the worst preimage sizes ``worst[i]`` at ``deltas[i]``
    (decreasing deltas; ``inf`` = some target not reached).  Returns
    (verdict, reason, exponent, constant); see the module docstring."""
    a, c = _fit(deltas, worst)
    e_min, e_max = worst[-1], worst[0]
    if not math.isfinite(e_min):
        return "not_locally_open", f"a target at delta={deltas[-1]:g} was not reached", a, c
    if e_min > threshold:
        return ("not_locally_open",
                f"eps(delta_min)={e_min:.3g} exceeds 0.1(1+|W|)={threshold:.3g}", a, c)
    if not all(math.isfinite(e) for e in worst):
        return "inconclusive", "a target at a larger delta was not reached", a, c
    if a >= 0.2:
        return "locally_open", f"eps(delta) ~ {c:.3g} delta^{a:.2f} -> 0", a, c
    if a < 0.1 and e_min >= 0.6 * e_max and e_min > sqrt_scale:
        return "not_locally_open", f"eps(delta) stays near {e_min:.3g} (exponent {a:.2f})", a, c
    return "inconclusive", f"exponent {a:.2f}, eps(delta_min)={e_min:.3g}", a, c


def _prepare(W1, W2):
    W1 = to_float_matrix(W1)
    W2 = to_float_matrix(W2)
    m, k = W1.shape
    k2, n = W2.shape
    if k != k2:
        raise ValueError(f"shape mismatch: W1 is {m}x{k}, W2 is {k2}x{n}")
    if min(m, k, n) == 0:
        raise ValueError("empty dimension")
    return W1, W2


def probe_openness(W1, W2, *, seed: int = 0, deltas: Sequence[float] = DEFAULT_DELTAS,
                   targets: int | dict | None = None, restarts: int = 4, iters: int = 40,
                   directions: Sequence[Any] = ()) -> ProbeResult:
    """Numerically probe local openness of (A, B) -> A B at (W1, W2).  Uncertified.

    W1 (m x k), W2 (k x n): nested lists (numbers or "p/q" strings), numpy arrays or flint
    fmpq_mat / fmpz_mat, converted to float.  ``targets``: an int t (t directions of each
    family, default 2) or a dict with keys ``random``, ``normal``, ``null``, ``rankup``.
    ``restarts``: starts per (target, delta) (tiny, balanced factorisation, then random).
    ``directions``: extra target directions D (m x n; targets W1 W2 + delta D / |D|,
    projected into the range if needed), reported with kind ``"given"``.  Deterministic for
    a given ``seed``.  See the module docstring for the method and the decision rule.
    """
    import numpy as np

    t0 = time.perf_counter()
    W1, W2 = _prepare(W1, W2)
    m, k = W1.shape
    n = W2.shape[1]
    deltas = sorted((float(d) for d in deltas), reverse=True)
    if len(deltas) < 2 or deltas[-1] <= 0:
        raise ValueError("need at least two positive deltas")
    if targets is None:
        targets = 2
    if isinstance(targets, int):
        targets = {"random": targets, "normal": targets, "null": targets, "rankup": targets}
    else:
        targets = {"random": 2, "normal": 2, "null": 2, "rankup": 2, **dict(targets)}
    restarts = max(1, int(restarts))
    rng = np.random.default_rng(seed)

    r = min(m, k, n)
    P = W1 @ W2
    wnorm = math.sqrt(float(np.sum(W1 ** 2) + np.sum(W2 ** 2)))
    thr = 0.1 * (1.0 + wnorm)
    tol = 1e-9 * max(1.0, wnorm, float(np.linalg.norm(P)))
    dirs = _directions(W1, W2, P, r, rng, targets, tol)
    for D in directions:
        D = to_float_matrix(D)
        if D.shape != (m, n) or not np.any(D):
            raise ValueError(f"a given direction must be a nonzero {m}x{n} matrix")
        dirs.append(("given", _unit(D), True))

    Zs, X0s, tols, mus, index = [], [], [], [], []
    dists = np.zeros((len(dirs), len(deltas)))
    for ti, (kind, D, project) in enumerate(dirs):
        for di, delta in enumerate(deltas):
            Z = _place(P, D, delta, r, project)
            dists[ti, di] = np.linalg.norm(Z - P)
            for s in range(restarts):
                Zs.append(Z)
                X0s.append(_start(s, Z - P, k, delta, rng))
                tols.append(1e-10 * max(1.0, float(np.linalg.norm(Z))))
                mus.append((MU_LO / delta, MU_HI / delta ** 2))
                index.append((ti, di))
    mus = np.array(mus)
    out = _search(W1, W2, np.array(Zs), np.array(X0s), iters, np.array(tols),
                  mus[:, 0], mus[:, 1], np.full(len(Zs), thr))

    eps = np.full((len(dirs), len(deltas)), np.inf)
    resid = np.full((len(dirs), len(deltas)), np.nan)
    miss = np.full((len(dirs), len(deltas)), np.inf)
    for j, (ti, di) in enumerate(index):
        if out.size[j] < eps[ti, di]:
            eps[ti, di] = out.size[j]
            resid[ti, di] = out.residual[j]
        if dists[ti, di] > 0:
            miss[ti, di] = min(miss[ti, di], out.closest[j] / dists[ti, di])
    worst = eps.max(axis=0)
    verdict, reason, a, c = decide(deltas, list(worst), thr,
                                   math.sqrt(deltas[-1]) * (1.0 + wnorm))
    if verdict == "not_locally_open" and not np.isfinite(worst[-1]):
        lost = sorted({dirs[ti][0] for ti in range(len(dirs)) if not np.isfinite(eps[ti, -1])})
        gaps = [miss[ti, -1] for ti in range(len(dirs)) if not np.isfinite(eps[ti, -1])]
        reason += f" (kinds: {', '.join(lost)}; smallest miss {min(gaps):.2g} x delta)"

    tlist = [ProbeTarget(kind=dirs[ti][0], distances=[float(v) for v in dists[ti]],
                         eps=[float(v) for v in eps[ti]],
                         residuals=[float(v) for v in resid[ti]],
                         miss=[float(v) for v in miss[ti]]) for ti in range(len(dirs))]
    return ProbeResult(verdict=verdict, reason=reason, deltas=list(deltas),
                       eps=[float(v) for v in worst], exponent=a, constant=c, threshold=thr,
                       targets=tlist, restarts=restarts, seconds=time.perf_counter() - t0)


@dataclass
class Preimage:
    """A numerically found small preimage (W1 + A)(W2 + B) = Z (uncertified)."""

    size: float        # max(|A|_F, |B|_F); inf if no start reached Z
    A: Any             # numpy array (None if not reached)
    B: Any
    residual: float    # |(W1 + A)(W2 + B) - Z|_F


def min_preimage(W1, W2, Z, *, seed: int = 0, restarts: int = 8, iters: int = 60) -> Preimage:
    """Search the smallest (A, B) with (W1 + A)(W2 + B) = Z (same search as the probe).

    The result is an upper bound on the true minimum of max(|A|, |B|); Z is not checked to
    lie in the range (an unreachable Z just gives ``size = inf``).
    """
    import numpy as np

    W1, W2 = _prepare(W1, W2)
    Z = to_float_matrix(Z)
    m, k = W1.shape
    n = W2.shape[1]
    if Z.shape != (m, n):
        raise ValueError(f"Z must be {m}x{n}")
    P = W1 @ W2
    delta = max(float(np.linalg.norm(Z - P)), 1e-300)
    rng = np.random.default_rng(seed)
    X0 = np.array([_start(s, Z - P, k, delta, rng) for s in range(max(1, restarts))])
    b = X0.shape[0]
    out = _search(W1, W2, np.repeat(Z[None], b, axis=0), X0, iters,
                  np.full(b, 1e-10 * max(1.0, float(np.linalg.norm(Z)))),
                  np.full(b, MU_LO / delta), np.full(b, MU_HI / delta ** 2), np.full(b, np.inf))
    j = int(np.argmin(out.size))
    if not np.isfinite(out.size[j]):
        return Preimage(math.inf, None, None, float(np.min(out.closest)))
    x = out.x[j]
    return Preimage(float(out.size[j]), x[:m * k].reshape(m, k), x[m * k:].reshape(k, n),
                    float(out.residual[j]))


# ---------------------------------------------------------------------------------------
# chains W_h ... W_1 (h >= 1): the same definition, tested directly
#
# Range: matrices of rank <= e = min_i d_i.  Targets Z = P + delta D (P = W_h...W_1) along
# directions of these families (projected into the range when needed):
#   random       a Gaussian direction (truncated SVD to rank <= e);
#   image        Z = M(W + t R) for a random R, t tuned so that |Z - P| = delta (in the image
#                by construction; tests the rate along curves of the image);
#   rank-up      u v^T, u orthogonal to C(P), v to row(P) (rank 1 and rank e - rank P);
#   row-up       w v^T, w random, v orthogonal to row(P) (new row direction, any column);
#   col-up       u w^T, u orthogonal to C(P), w random;
#   split-k      U G V^T with U orthogonal to C(W_h...W_{k+1}), V to row(W_k...W_1): the
#                directions every grouping's differential misses (rank 1 and e - rank P);
#   null         u w^T with u in N(W_h^T), w v^T with v in N(W_1) (projected).
# Smallest preimage: minimise |x|^2 + mu |F(x)|^2 (x = (Delta_1..Delta_h), F = M(W + x) - Z)
# by Levenberg-Marquardt on the Gauss-Newton Hessian I + mu J^T J with mu increased from
# 10/delta^2 to 1e6/delta^2, then Gauss-Newton feasibility steps x <- x - J^+ F.  (mu starts
# at 10/delta^2, not 10/delta as for pairs: giving up the target must cost more than moving
# by delta^(1/3), else the iterates shrink to 0, where the Jacobian misses the target.)
# Two more passes start from the smallest preimages found at the neighbouring deltas,
# rescaled by (delta/delta')^q, q = 1, 1/2, 1/3, ..., 1/h (continuation in delta).  Starts: tiny,
# the h-fold factorisation of Z - P (each layer moves by |Z - P|^(1/h) along a factor) and
# the 2-fold one (two adjacent layers), a path through the kernels (each layer moves by
# delta^(1/h) from its null space to the complement of its range), and random points of size
# delta^(1/2), delta^(1/3), delta, and delta^(1/4) .. delta^(1/h) (one start of each size at
# least).  Size of a preimage: max_k |Delta_k|_F.  Decision: :func:`decide`, as for pairs.
# While the decision is not "locally open", up to ``attempts`` rounds (default 4) repeat the
# search from fresh random starts; a preimage found in any round counts (a smallest preimage
# can only be missed, never invented, so more rounds only remove search failures).
# ---------------------------------------------------------------------------------------

CHAIN_DELTAS = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6)


def _prepare_chain(layers):
    Ws = [to_float_matrix(W) for W in layers]
    if not Ws:
        raise ValueError("a chain needs at least one layer")
    for i in range(1, len(Ws)):
        if Ws[i].shape[1] != Ws[i - 1].shape[0]:
            raise ValueError(f"shape mismatch between layers {i} and {i + 1}")
    if min(min(W.shape) for W in Ws) == 0:
        raise ValueError("empty dimension")
    return Ws


def _chain_product(Ws):
    import numpy as np

    P = np.eye(Ws[0].shape[1])
    for W in Ws:
        P = W @ P
    return P


def _chain_jacobian(Ws, x, offs):
    """F-free part: the products M(W + x) (b, d_h, d_0) and the Jacobian (b, d_h d_0, p)."""
    import numpy as np

    b = x.shape[0]
    h = len(Ws)
    Y = [Ws[i] + x[:, offs[i]:offs[i + 1]].reshape(b, *Ws[i].shape) for i in range(h)]
    d0, dh = Ws[0].shape[1], Ws[-1].shape[0]
    R = [np.broadcast_to(np.eye(d0), (b, d0, d0))]
    for i in range(h):
        R.append(Y[i] @ R[-1])
    L = [None] * h
    cur = np.broadcast_to(np.eye(dh), (b, dh, dh))
    for i in reversed(range(h)):
        L[i] = cur
        cur = cur @ Y[i]
    blocks = [np.einsum("bpa,bcq->bpqac", L[i], R[i]).reshape(b, dh * d0, Ws[i].size)
              for i in range(h)]
    return R[h], np.concatenate(blocks, axis=2)


def _chain_sizes(x, offs):
    import numpy as np

    return np.max(np.stack([np.linalg.norm(x[:, offs[i]:offs[i + 1]], axis=1)
                            for i in range(len(offs) - 1)]), axis=0)


def _chain_search(Ws, Z, X0, iters, tol_abs, mu_lo, mu_hi, cap, polish=8):
    import numpy as np

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        b = Z.shape[0]
        offs = [0]
        for W in Ws:
            offs.append(offs[-1] + W.size)
        p = offs[-1]
        eye = np.eye(p)
        x = X0.copy()
        lam = np.full(b, 1e-3)
        P, J = _chain_jacobian(Ws, x, offs)
        F = (P - Z).reshape(b, -1)
        best = np.full(b, np.inf)
        best_x = np.full(X0.shape, np.nan)
        closest = np.full(b, np.inf)

        def record(x, F):
            res = np.linalg.norm(F, axis=1)
            size = _chain_sizes(x, offs)
            near = np.isfinite(res) & (size <= cap) & (res < closest)
            closest[near] = res[near]
            ok = np.isfinite(res) & (res <= tol_abs) & (size < best)
            best[ok] = size[ok]
            best_x[ok] = x[ok]

        def phi_of(x, F, mu):
            return 0.5 * (np.sum(x * x, axis=1) + mu * np.sum(F * F, axis=1))

        record(x, F)
        ratio = (mu_hi / mu_lo) ** (1.0 / max(1, iters - 1))
        mu = mu_lo.copy()
        for it in range(iters):
            if it:
                mu = np.minimum(mu * ratio, mu_hi)
            phi = phi_of(x, F, mu)
            Jt = J.transpose(0, 2, 1)
            g = x + mu[:, None] * (Jt @ F[:, :, None])[:, :, 0]
            H = mu[:, None, None] * (Jt @ J) + eye
            live = np.nonzero(np.isfinite(H).all(axis=(1, 2)) & np.isfinite(g).all(axis=1))[0]
            acc = np.zeros(b, dtype=bool)
            if live.size:
                Hl = H[live]
                d = -_solve(Hl + lam[live, None, None] * eye, g[live])
                pred = -(np.sum(g[live] * d, axis=1)
                         + 0.5 * np.sum(d * (Hl @ d[:, :, None])[:, :, 0], axis=1))
                xc = x[live] + d
                Pc, Jc = _chain_jacobian(Ws, xc, offs)
                Fc = (Pc - Z[live]).reshape(live.size, -1)
                phic = phi_of(xc, Fc, mu[live])
                ok = (pred > 0) & ((phi[live] - phic) > 0.1 * pred) & np.isfinite(phic)
                sel = live[ok]
                x[sel], F[sel], J[sel] = xc[ok], Fc[ok], Jc[ok]
                acc[sel] = True
            lam = np.clip(np.where(acc, lam / 3.0, lam * 4.0), 1e-9, 1e9)
            record(x, F)
        for _ in range(polish):
            live = np.nonzero(np.isfinite(J).all(axis=(1, 2)) & np.isfinite(F).all(axis=1))[0]
            if not live.size:
                break
            try:
                step = (np.linalg.pinv(J[live], rcond=1e-11) @ F[live, :, None])[:, :, 0]
            except np.linalg.LinAlgError:
                break
            x[live] = x[live] - step
            P, J = _chain_jacobian(Ws, x, offs)
            F = (P - Z).reshape(b, -1)
            record(x, F)
        return best, best_x, closest


def _chain_directions(Ws, P, e, rng, n_each, tol):
    import numpy as np

    h = len(Ws)
    dh, d0 = P.shape
    UPp, VPp, rP = _orth_complements(P, tol)
    room = e - rP
    out = []
    for _ in range(n_each):
        out.append(("random", _unit(rng.standard_normal((dh, d0))), True))
        out.append(("image", None, False))
    if room > 0 and UPp.shape[1] and VPp.shape[1]:
        for _ in range(n_each):
            out.append(("rank-up-1", _rank_limited(UPp, VPp, 1, rng), False))
            if min(room, UPp.shape[1], VPp.shape[1]) > 1:
                out.append(("rank-up-max", _rank_limited(UPp, VPp, room, rng), False))
            v = VPp @ rng.standard_normal(VPp.shape[1])
            out.append(("row-up", _unit(np.outer(rng.standard_normal(dh), v)), False))
            u = UPp @ rng.standard_normal(UPp.shape[1])
            out.append(("col-up", _unit(np.outer(u, rng.standard_normal(d0))), False))
    if room > 0:
        for k in range(1, h):
            A = _chain_product(Ws[k:])
            B = _chain_product(Ws[:k])
            UAp, _, _ = _orth_complements(A, tol)
            _, VBp, _ = _orth_complements(B, tol)
            if UAp.shape[1] and VBp.shape[1]:
                out.append((f"split-{k}", _rank_limited(UAp, VBp, 1, rng), False))
                if min(room, UAp.shape[1], VBp.shape[1]) > 1:
                    out.append((f"split-{k}-max", _rank_limited(UAp, VBp, room, rng), False))
    Uh, _, _ = _orth_complements(Ws[-1], tol)
    _, V1, _ = _orth_complements(Ws[0], tol)
    for _ in range(n_each):
        if Uh.shape[1]:
            u = Uh @ rng.standard_normal(Uh.shape[1])
            out.append(("left-null", _unit(np.outer(u, rng.standard_normal(d0))), True))
        if V1.shape[1]:
            v = V1 @ rng.standard_normal(V1.shape[1])
            out.append(("right-null", _unit(np.outer(rng.standard_normal(dh), v)), True))
    return out


def _image_target(Ws, R, delta):
    """(Z, t) with Z = M(W + t R) and |Z - P| ~ delta: the first t of a geometric scan from
    1e-12 up at which the distance reaches delta, refined by bisection on log t."""
    import numpy as np

    P = _chain_product(Ws)

    def dist(t):
        return float(np.linalg.norm(_chain_product([W + t * D for W, D in zip(Ws, R)]) - P))

    lo = math.log(1e-12)
    hi = lo
    while hi < 2.0 and dist(math.exp(hi)) < delta:
        lo, hi = hi, hi + 0.5
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if dist(math.exp(mid)) < delta:
            lo = mid
        else:
            hi = mid
    t = math.exp(hi)
    return _chain_product([W + t * D for W, D in zip(Ws, R)]), t


def _chain_start(s, E, Ws, delta, rng):
    """Start s for target offset E = Z - P (see the comment block above)."""
    import numpy as np

    h = len(Ws)
    p = sum(W.size for W in Ws)
    g = rng.standard_normal(p) / math.sqrt(p)
    if s == 0:
        return 1e-3 * delta * g
    if s in (1, 2):
        # factor E = U S V^T over all h layers (s = 1) or over two adjacent layers (s = 2)
        U, sv, Vt = np.linalg.svd(E, full_matrices=False)
        dims = [Ws[0].shape[1]] + [W.shape[0] for W in Ws]
        if s == 1 or h < 2:
            moving = list(range(h))
        else:
            i = int(rng.integers(0, h - 1))
            moving = [i, i + 1]
        r = min(sv.size, min(dims[moving[0]:moving[-1] + 2]))
        q = len(moving)
        root = sv[:r] ** (1.0 / q)
        Q = [None] * (h + 1)
        for j in range(moving[0] + 1, moving[-1] + 1):
            Q[j], _ = np.linalg.qr(rng.standard_normal((dims[j], r)))
        parts = []
        for i, W in enumerate(Ws):
            D = np.zeros(W.shape)
            if i in moving:
                left = U[:, :r] if i == h - 1 and moving[-1] == h - 1 else Q[i + 1]
                right = Vt[:r] if i == 0 and moving[0] == 0 else (Q[i].T if Q[i] is not None else None)
                if left is None:
                    left, _ = np.linalg.qr(rng.standard_normal((W.shape[0], r)))
                if right is None:
                    right = np.linalg.qr(rng.standard_normal((W.shape[1], r)))[0].T
                D = (left * root) @ right
            parts.append(D.ravel())
        return np.concatenate(parts) + 1e-9 * delta * g
    if s == 3:
        # a path through the kernels: D_i = delta^(1/h) u_i v_i^T with v_i in N(W_i) and u_i
        # orthogonal to C(W_i) where these are nonzero (random otherwise): moves that open a new
        # route through the chain without disturbing the old one
        def null(A):  # orthonormal basis of N(A) (columns), or None
            _, sv, Vt = np.linalg.svd(A)
            rank = int(np.sum(sv > 1e-9 * max(1.0, float(sv[0]) if sv.size else 1.0)))
            return Vt[rank:].T if rank < A.shape[1] else None

        parts = []
        for i, W in enumerate(Ws):
            ker = null(W)
            cok = null(W.T)
            if cok is not None and i + 1 < h:  # prefer u in N(W_{i+1}) too: no leak into the old route
                inner = null(Ws[i + 1] @ cok)
                if inner is not None:
                    cok = cok @ inner
            if ker is not None and i > 0:  # and v orthogonal to C(W_{i-1}): nothing leaks in
                inner = null(Ws[i - 1].T @ ker)
                if inner is not None:
                    ker = ker @ inner
            ker = np.eye(W.shape[1]) if ker is None else ker
            cok = np.eye(W.shape[0]) if cok is None else cok
            v = ker @ rng.standard_normal(ker.shape[1])
            u = cok @ rng.standard_normal(cok.shape[1])
            D = np.outer(u / np.linalg.norm(u), v / np.linalg.norm(v))
            parts.append(delta ** (1.0 / h) * D.ravel())
        return np.concatenate(parts) + 1e-9 * delta * g
    powers = _start_powers(h)
    return delta ** powers[(s - 4) % len(powers)] * g


def _start_powers(h: int) -> tuple:
    """Sizes delta^q of the random starts: q = 1/2, 1/3, 1, then 1/4 .. 1/h (an h-layer chain may
    need every layer to move by delta^(1/h))."""
    return (0.5, 1.0 / 3.0, 1.0) + tuple(1.0 / q for q in range(4, h + 1))


def probe_chain(layers, *, seed: int = 0, deltas: Sequence[float] = CHAIN_DELTAS,
                targets: int = 1, restarts: int = 6, iters: int = 40, attempts: int = 4,
                mu: tuple[float, float] = (10.0, 1e6)) -> ProbeResult:
    """Numerically probe local openness of (W_1, ..., W_h) -> W_h ... W_1 (input layer first)
    relative to its range (rank <= min width).  Uncertified; see the comment block above and
    the module docstring (same decision rule).  Deterministic for a given ``seed``."""
    import numpy as np

    t0 = time.perf_counter()
    Ws = _prepare_chain(layers)
    h = len(Ws)
    deltas = sorted((float(d) for d in deltas), reverse=True)
    if len(deltas) < 2 or deltas[-1] <= 0:
        raise ValueError("need at least two positive deltas")
    rng = np.random.default_rng(seed)
    dims = [Ws[0].shape[1]] + [W.shape[0] for W in Ws]
    e = min(dims)
    P = _chain_product(Ws)
    wnorm = math.sqrt(sum(float(np.sum(W ** 2)) for W in Ws))
    thr = 0.1 * (1.0 + wnorm)
    tol = 1e-9 * max(1.0, wnorm, float(np.linalg.norm(P)))
    dirs = _chain_directions(Ws, P, e, rng, max(1, int(targets)), tol)
    restarts = max(1, int(restarts), 4 + len(_start_powers(len(Ws))))

    dists = np.zeros((len(dirs), len(deltas)))
    eps = np.full((len(dirs), len(deltas)), np.inf)
    miss = np.full((len(dirs), len(deltas)), np.inf)
    targets_z = {}
    for ti, (kind, D, project) in enumerate(dirs):
        R = [rng.standard_normal(W.shape) for W in Ws] if kind == "image" else None
        for di, delta in enumerate(deltas):
            if R is not None:
                Z, t = _image_target(Ws, R, delta)
                eps[ti, di] = t * max(float(np.linalg.norm(Rk)) for Rk in R)  # explicit preimage
            else:
                Z = _place(P, D, delta, e, project)
            targets_z[ti, di] = Z
            dists[ti, di] = np.linalg.norm(Z - P)

    def run(Zs, X0s, index):
        tols = np.array([1e-10 * max(1.0, float(np.linalg.norm(Z))) for Z in Zs])
        dl = np.array([deltas[di] for _, di in index])
        best, bx, closest = _chain_search(Ws, np.array(Zs), np.array(X0s), iters, tols,
                                          mu[0] / dl ** 2, mu[1] / dl ** 2,
                                          np.full(len(Zs), thr))
        found = {}
        for j, (ti, di) in enumerate(index):
            if best[j] < eps[ti, di]:
                eps[ti, di] = best[j]
            if best[j] < found.get((ti, di), (np.inf, None))[0]:
                found[ti, di] = (best[j], bx[j])
            if dists[ti, di] > 0:
                miss[ti, di] = min(miss[ti, di], closest[j] / dists[ti, di])
        return found

    def merge(found, new):
        for key, val in new.items():
            if val[0] < found.get(key, (np.inf, None))[0]:
                found[key] = val

    # Up to ``attempts`` rounds of fresh random starts (a preimage found in any round counts; a
    # round can only lower eps), stopping as soon as the decision is "locally open".
    found: dict = {}
    for _attempt in range(max(1, int(attempts))):
        Zs, X0s, index = [], [], []
        for (ti, di), Z in targets_z.items():
            for s in range(restarts):
                Zs.append(Z)
                X0s.append(_chain_start(s, Z - P, Ws, deltas[di], rng))
                index.append((ti, di))
        merge(found, run(Zs, X0s, index))
        # two more passes, continuation in delta: the smallest preimages found at the
        # neighbouring deltas, rescaled by (delta / delta')^q for q = 1, 1/2, ..., 1/h, as starts
        for _ in range(2):
            Zs, X0s, index = [], [], []
            for (ti, dj), (_, x) in found.items():
                for di in (dj - 1, dj + 1):
                    if 0 <= di < len(deltas):
                        for q in (1.0, 0.5) + _start_powers(h)[1:2] + _start_powers(h)[3:]:
                            Zs.append(targets_z[ti, di])
                            X0s.append(x * (deltas[di] / deltas[dj]) ** q)
                            index.append((ti, di))
            if not Zs:
                break
            merge(found, run(Zs, X0s, index))
        if decide(deltas, list(eps.max(axis=0)), thr, math.sqrt(deltas[-1]) * (1.0 + wnorm))[0] == "locally_open":
            break
    worst = eps.max(axis=0)
    verdict, reason, a, c = decide(deltas, list(worst), thr,
                                   math.sqrt(deltas[-1]) * (1.0 + wnorm))
    if verdict == "not_locally_open" and not np.isfinite(worst[-1]):
        lost = sorted({dirs[ti][0] for ti in range(len(dirs)) if not np.isfinite(eps[ti, -1])})
        reason += f" (kinds: {', '.join(lost)})"
    tlist = [ProbeTarget(kind=dirs[ti][0], distances=[float(v) for v in dists[ti]],
                         eps=[float(v) for v in eps[ti]], residuals=[math.nan] * len(deltas),
                         miss=[float(v) for v in miss[ti]]) for ti in range(len(dirs))]
    return ProbeResult(verdict=verdict, reason=reason, deltas=list(deltas),
                       eps=[float(v) for v in worst], exponent=a, constant=c, threshold=thr,
                       targets=tlist, restarts=restarts, seconds=time.perf_counter() - t0)


def rate_guess(exponent: float) -> str:
    """The nearest of 1, 1/2, 1/3, 1/4 to a fitted exponent (as "1", "1/2", ...), or "?"."""
    if not math.isfinite(exponent):
        return "?"
    best = min((1, 2, 3, 4), key=lambda q: abs(exponent - 1.0 / q))
    return "1" if best == 1 else f"1/{best}"
