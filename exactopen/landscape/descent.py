"""Descent directions and descent curves at critical points of deep linear networks
(thm-8, lem-19, ex-intro, ex-3layer, thm-12).

Everything returned here has been re-checked exactly: a curve gamma(t) = W + sum_j t^j C_j is
only returned with the exact polynomial p(t) = L(gamma(t)) - L(W), whose lowest nonzero
coefficient is negative, and a rational t0 with L(gamma(t0)) < L(W).

* :func:`exact_negative_curvature`: exact LDL^T of the Hessian; a negative pivot (or a zero
  pivot with a nonzero off-diagonal entry) gives a rational direction D with D^T H D < 0, and
  a complete factorisation proves H PSD.
* :func:`numeric_negative_curvature` (numeric helper): Lanczos on float Hessian-vector
  products; the Ritz vector is rounded to a rational direction and re-checked exactly.
* :func:`search_descent_curve`: the rank-one path search.  A *path* sends a
  rank-one signal u v^T through the network: perturbed layers k get C_k = x_k y_k^T, the
  layers between two perturbed ones stay as they are (y_{k'}^T W_{k'-1}..W_{k+1} x_k != 0),
  u and v are chosen with u^T G v != 0 (G the function-space gradient).  The vectors come
  from null spaces of partial products (which kill the mixed terms, as in the proofs of
  thm-8 and lem-19) or, failing that, from the whole space.  Each layer then gets its own
  speed t^{e_k} and sign; expanding the product over the 2^m subsets S of perturbed layers,
  p(t) = sum_S s^S t^{e(S)} <T_S X, R> + 1/2 sum_{S,S'} s^S s^S' t^{e(S)+e(S')} <T_S X, T_S' X>_w,
  and exponents/signs are chosen (exhaustively, small integers) so that the lowest term is
  negative: the gain of the full path comes before the cost of the partial ones (a
  Newton-polygon argument).  Nothing here is specific to one example.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from fractions import Fraction

from flint import fmpq, fmpq_mat

from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from exactopen.exact.floats import to_float, to_grid
from exactopen.landscape.network import Network, hadamard, inner


@dataclass
class Descent:
    curve: list          # [(power, [C_1..C_h])]
    poly: list           # exact coefficients of p(t)
    order: int           # lowest nonzero power of p
    t0: fmpq             # witness parameter: L(gamma(t0)) < L(W)
    witness_loss: fmpq


def finalize(net: Network, curve, require_order: int | None = None) -> Descent | None:
    """Exact check of a candidate curve; returns the Descent or None."""
    curve = [(j, Cs) for j, Cs in curve if any(not mx.is_zero(C) for C in Cs)]
    if not curve:
        return None
    p = net.curve_polynomial(curve)
    m = next((i for i, c in enumerate(p) if c != 0), None)
    if m is None or p[m] >= 0 or (require_order is not None and m != require_order):
        return None
    L0 = net.loss()
    t = fmpq(1)
    for _ in range(400):
        val = sum((c * t ** i for i, c in enumerate(p)), fmpq(0))
        if val < 0:
            L1 = net.loss_at(net.curve_point(curve, t))
            if L1 < L0:
                return Descent(curve, p, m, t, L1)
        t = t / 2
    return None


# ---------------------------------------------------------------------------------------
# Negative curvature
# ---------------------------------------------------------------------------------------

def exact_negative_curvature(net: Network):
    """(Descent along W + tD with D^T H D < 0, or None; True iff H was proved PSD).

    Symmetric elimination with positive pivots: with pivot set P and rest R the Schur
    complement S = H_RR - H_RP H_PP^{-1} H_PR satisfies x^T H x = y^T S y for
    x = (-H_PP^{-1} H_PR y, y); a negative S_ii (y = e_i) or a zero diagonal pair with
    S_ij != 0 (y = e_i - sign(S_ij) e_j) gives the direction.  (thm-8: strict saddles.)
    """
    from exactopen.landscape.global_min import is_psd

    H = net.hessian_matrix()
    if is_psd(H):  # the checker's own test; the elimination below is for finding a direction
        return None, True
    x, psd = negative_vector(H)
    if x is None:
        return None, psd
    found = finalize(net, [(1, net.split(x))], require_order=2)
    return found, False


def negative_vector(H: fmpq_mat) -> tuple:
    """(x, psd): a rational x with x^T H x < 0 and False, or (None, True) when the symmetric
    elimination proves H PSD (see :func:`exact_negative_curvature`)."""
    N = H.nrows()
    S, rest, piv = H, list(range(N)), []
    y = None
    while S.nrows():
        n = S.nrows()
        diag = [S[i, i] for i in range(n)]
        neg = [i for i in range(n) if diag[i] < 0]
        if neg:
            i = min(neg, key=lambda a: diag[a])
            y = {i: fmpq(1)}
            break
        pos = [i for i in range(n) if diag[i] > 0]
        if not pos:
            nz = next(((i, j) for i in range(n) for j in range(i + 1, n) if S[i, j] != 0), None)
            if nz is None:
                return None, True
            i, j = nz
            y = {i: fmpq(1), j: fmpq(-1) if S[i, j] > 0 else fmpq(1)}
            break
        p = max(pos, key=lambda a: diag[a])
        others = [i for i in range(n) if i != p]
        c = mx.submatrix(S, others, [p])
        S = mx.submatrix(S, others, others) - c * c.transpose() / diag[p]
        piv.append(rest[p])
        rest = [rest[i] for i in others]
    if y is None:
        return None, True
    x = [fmpq(0)] * N
    yv = fmpq_mat(len(rest), 1)
    for i, v in y.items():
        x[rest[i]] = v
        yv[i, 0] = v
    if piv:
        z = mx.submatrix(H, piv, piv).solve(mx.submatrix(H, piv, rest) * yv)
        for a, g in enumerate(piv):
            x[g] = -z[a, 0]
    return x, False


def numeric_negative_curvature(net: Network, steps: int = 400, seed: int = 0,
                               dense_limit: int = 2500) -> Descent | None:
    """Numeric helper: Lanczos for the smallest Hessian eigenvalue from float Hessian-vector
    products; the Ritz vector is rounded to rationals and re-checked exactly (thm-8)."""
    import numpy as np

    Ws = [to_float(W) for W in net.layers]
    X = to_float(net.X)
    Rm = to_float(net.residual)
    w = None if net.weights is None else to_float(net.weights)
    h = len(Ws)
    shapes = [W.shape for W in Ws]
    sizes = [a * b for a, b in shapes]
    N = sum(sizes)

    def prod(mats, n):
        P = np.eye(n)
        for M in mats:
            P = M @ P
        return P

    A = [prod(Ws[k + 1:], shapes[k][0]) for k in range(h)]
    BX = [prod(Ws[:k], shapes[0][1]) @ X for k in range(h)]

    def unpack(v):
        out, o = [], 0
        for (a, b), s in zip(shapes, sizes):
            out.append(v[o:o + s].reshape(a, b))
            o += s
        return out

    def hvp(v):
        D = unpack(v)
        Fp = sum(A[k] @ D[k] @ BX[k] for k in range(h))
        wFp = Fp if w is None else w * Fp
        out = []
        for l in range(h):
            g = A[l].T @ wFp @ BX[l].T
            for m in range(l + 1, h):  # d(A_l) = sum_m A_m D_m W_{m-1}..W_{l+1}
                dA = A[m] @ D[m] @ prod(Ws[l + 1:m], shapes[l][0])
                g = g + dA.T @ Rm @ BX[l].T
            for m in range(l):  # d(B_l X) = sum_m W_{l-1}..W_{m+1} D_m B_m X
                dB = prod(Ws[m + 1:l], shapes[m][0]) @ D[m] @ BX[m]
                g = g + A[l].T @ Rm @ dB.T
            out.append(g.ravel())
        return np.concatenate(out)

    vals, vecs = lowest_eigenpairs(hvp, N, dense_limit, steps, seed)
    for x in canonical_eigendirections(vals, vecs):
        found = _round_direction(net, x)
        if found is not None:
            return found
    return None


def canonical_eigendirections(vals, vecs, max_clusters: int = 3, neg_tol: float = 1e-8,
                              cluster_tol: float = 1e-6) -> list:
    """NUMERIC helper: one canonical float direction per cluster of (numerically equal)
    negative eigenvalues, most negative cluster first.

    The eigensolver's vectors are not a function of the matrix: each is determined up to sign,
    a basis of a repeated eigenvalue's eigenspace up to rotation, and every entry up to the
    kernel's rounding.  What is returned depends only on the eigenspace: the column P e_j of
    its orthogonal projector P = V V^T (invariant under signs and rotations of V) with j the
    first index whose diagonal entry P_jj is within a factor 1 - 1e-6 of the largest, scaled
    so that its largest entry (in absolute value) is 1.  Tolerances are far above float noise
    (~1e-12) and far below any real gap, so the choice is stable; the caller rounds on a fixed
    grid and re-checks exactly."""
    import numpy as np

    vals = np.asarray(vals, dtype=float)
    if vals.size == 0:
        return []
    scale_h = max(1.0, float(np.max(np.abs(vals))))
    neg = [i for i in range(len(vals)) if vals[i] < -neg_tol * scale_h]
    out, i = [], 0
    while i < len(neg) and len(out) < max_clusters:
        j = i + 1
        while j < len(neg) and abs(vals[neg[j]] - vals[neg[i]]) <= cluster_tol * scale_h:
            j += 1
        V = np.asarray(vecs)[:, neg[i:j]]
        P = V @ V.T
        d = np.diag(P)
        top = float(np.max(d))
        if top > 0:
            col = int(np.nonzero(d >= (1 - 1e-6) * top)[0][0])
            x = P[:, col]
            out.append(x / float(np.max(np.abs(x))))
        i = j
    return out


def lowest_eigenpairs(hvp, N: int, dense_limit: int, steps: int, seed: int):
    """NUMERIC helper: eigenvalues (ascending) and eigenvectors (columns) of a symmetric
    operator given by its products ``hvp``: dense below ``dense_limit`` unknowns, otherwise
    Ritz pairs from Lanczos with full reorthogonalisation.  Callers re-check exactly."""
    import numpy as np

    if N <= dense_limit:
        H = np.column_stack([hvp(col) for col in np.eye(N)])
        return np.linalg.eigh((H + H.T) / 2)
    rng = np.random.default_rng(seed)
    k = min(N, steps)
    Q = np.zeros((N, k))
    alpha, beta = np.zeros(k), np.zeros(k)
    q = rng.standard_normal(N)
    q /= np.linalg.norm(q)
    m = 0
    for j in range(k):
        Q[:, j] = q
        z = hvp(q)
        alpha[j] = q @ z
        for _ in range(2):
            z -= Q[:, :j + 1] @ (Q[:, :j + 1].T @ z)
        m = j + 1
        b = float(np.linalg.norm(z))
        if b < 1e-12:
            break
        beta[j] = b
        q = z / b
    T = np.diag(alpha[:m]) + np.diag(beta[:m - 1], 1) + np.diag(beta[:m - 1], -1)
    vals, vecs = np.linalg.eigh(T)
    return vals, Q[:, :m] @ vecs


def _round_direction(net: Network, x) -> Descent | None:
    """Round a float direction to rationals and check it exactly.

    Canonical and stable: x is scaled so that its largest entry (in absolute value) is 1,
    rounded on fixed grids 2^-b (round half to even, so -x rounds to minus the rounding of x),
    coarse grids first and none finer than 2^-24 (float noise of ~1e-12 cannot cross a grid
    boundary except with negligible probability); the exact vector's sign is then normalised
    (first nonzero entry positive).  The first grid whose vector passes the exact check wins."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    top = float(np.max(np.abs(x))) if x.size else 0.0
    if not top > 0 or not np.all(np.isfinite(x)):
        return None
    x = x / top
    for bits in (6, 8, 10, 12, 16, 20, 24):
        vec = to_grid(x, bits, fixed=True).entries()
        lead = next((v for v in vec if v != 0), None)
        if lead is None:
            continue
        if lead < 0:
            vec = [-v for v in vec]
        found = finalize(net, [(1, net.split(vec))], require_order=2)
        if found is not None:
            return found
    return None


def structured_negative_curvature(net: Network) -> Descent | None:
    """Straight lines from the rank-one path search (thm-8's directions A, B)."""
    return search_descent_curve(net, straight_only=True)


# ---------------------------------------------------------------------------------------
# Rank-one path search (lem-19, ex-intro, ex-3layer, thm-12)
# ---------------------------------------------------------------------------------------

def _null(A: fmpq_mat) -> fmpq_mat:
    return linalg.nullspace(A).kernel


def _pairs(Bx: fmpq_mat, By: fmpq_mat, M: fmpq_mat, limit: int = 2):
    """Up to ``limit`` pairs (x, y), x a column of Bx, y of By, with y^T M x != 0."""
    if Bx.ncols() == 0 or By.ncols() == 0:
        return []
    K = By.transpose() * M * Bx
    n = K.ncols()
    cells = [(abs(x), k // n, k % n) for k, x in enumerate(K.entries()) if x != 0]
    # the first ``limit`` of the cells sorted by (-|K_ij|, i, j), without sorting them all
    # (comparing large rationals is slow: a full sort took 15 of 140 s at width 64)
    top = heapq.nsmallest(limit, cells, key=lambda c: (-c[0], c[1], c[2]))
    return [(mx.submatrix(Bx, None, [j]), mx.submatrix(By, None, [i])) for _, i, j in top]


def _gap_options(net: Network, k: int, k2: int):
    """Candidate (x_k, y_k2) for consecutive perturbed layers k < k2 (0-based)."""
    Ws = net.layers
    M = net.between(k, k2)                     # W_{k2-1} .. W_{k+1}
    dk = Ws[k].nrows()
    dk2 = Ws[k2].ncols()
    sx = [_null(Ws[k2] * M), _null(net.above(k)), mx.identity(dk)]
    sy = [_null((M * Ws[k]).transpose()), _null((net.below(k2) * net.X).transpose()), mx.identity(dk2)]
    order = [(0, 0), (0, 1), (1, 0), (1, 1), (0, 2), (2, 0), (1, 2), (2, 1), (2, 2)]
    out, seen = [], set()
    for a, b in order:
        for x, y in _pairs(sx[a], sy[b], M, limit=1):
            key = (tuple(x.entries()), tuple(y.entries()))
            if key not in seen:
                seen.add(key)
                out.append((x, y))
    return out


def _end_options(net: Network, limit: int = 4):
    """Candidate (u, v), u in R^{d_h}, v in R^{d_0} with u^T G v != 0."""
    G, P = net.G, net.product
    Ws = net.layers
    su = [_null(P.transpose()), _null(Ws[-1].transpose()), mx.identity(G.nrows())]
    sv = [_null(P * net.X * net.X.transpose()), _null(Ws[0]), mx.identity(G.ncols())]
    out, seen = [], set()
    for a in range(3):
        for b in range(3):
            for v, u in _pairs(sv[b], su[a], G, limit=1):
                key = (tuple(u.entries()), tuple(v.entries()))
                if key not in seen:
                    seen.add(key)
                    out.append((u, v))
    return out[:limit]


def _subset_terms(net: Network, pert: list, Cs: dict):
    """For each nonempty subset S of the perturbed layers: (<T_S X, R>, T_S X)."""
    R = net.residual
    bit = {k: 1 << i for i, k in enumerate(pert)}
    h = len(net.layers)
    terms = []

    def walk(k: int, F, mask: int) -> None:  # depth first: the products of the first layers are shared
        if k == h:
            if mask:
                terms.append((mask, inner(F, R), F))
            return
        walk(k + 1, net.layers[k] * F, mask)
        if k in bit:
            walk(k + 1, Cs[k] * F, mask | bit[k])

    walk(0, net.X, 0)
    terms.sort(key=lambda t: t[0])
    return terms


def _exponent_search(net: Network, pert: list, Cs: dict, straight_only: bool, max_exp: int):
    """Exponents e_k >= 1 and signs s_k for the perturbed layers making the lowest
    coefficient of p(t) negative; returns (e, s) or None.  Exact rational arithmetic."""
    terms = _subset_terms(net, pert, Cs)
    if all(lin == 0 for _, lin, _ in terms) :
        return None
    wfs = [hadamard(F, net.weights) for _, _, F in terms]
    m = len(pert)
    lin = [Fraction(int(l.p), int(l.q)) for _, l, _ in terms]
    masks = [mk for mk, _, _ in terms]
    quad = {}
    for a in range(len(terms)):
        for b in range(a, len(terms)):
            v = inner(terms[a][2], wfs[b])
            if v != 0:
                quad[(a, b)] = Fraction(int(v.p), int(v.q)) * (Fraction(1, 2) if a == b else 1)
    exps = [(1,) * m] if straight_only else sorted(
        itertools.product(range(1, max_exp + 1), repeat=m), key=lambda e: (sum(e), max(e), e))
    signs = list(itertools.product((1, -1), repeat=m))
    for e in exps:
        order = [sum(e[i] for i in range(m) if mk >> i & 1) for mk in masks]
        groups: dict = {}
        for a, l in enumerate(lin):
            if l != 0:
                groups.setdefault(order[a], []).append(("l", a, l))
        for (a, b), q in quad.items():
            groups.setdefault(order[a] + order[b], []).append(("q", (a, b), q))
        levels = sorted(groups)
        if straight_only:
            levels = [o for o in levels if o <= 2]
        for s in signs:
            par = [1 if sum(1 for i in range(m) if mk >> i & 1 and s[i] < 0) % 2 == 0 else -1 for mk in masks]
            for o in levels:
                tot = Fraction(0)
                for kind_, idx, val in groups[o]:
                    tot += val * (par[idx] if kind_ == "l" else par[idx[0]] * par[idx[1]])
                if tot != 0:
                    if tot < 0 and (not straight_only or o == 2):
                        return e, s
                    break
    return None


def search_descent_curve(net: Network, effort: int = 2, straight_only: bool = False,
                         max_tuples: int | None = None) -> Descent | None:
    """Rank-one path search for a polynomial descent curve (lem-19, thm-12)."""
    if mx.is_zero(net.G):
        return None
    h = net.h
    if h > 8:
        return None
    max_exp = 4 if h <= 3 else 3
    budget = max_tuples if max_tuples is not None else 60 * effort
    ends = _end_options(net)
    if not ends:
        return None
    interior = list(range(1, h - 1))
    tried = 0
    for nskip in range(len(interior) + 1):
        for skip in itertools.combinations(interior, nskip):
            pert = [k for k in range(h) if k not in skip]
            gaps = [_gap_options(net, pert[i], pert[i + 1]) for i in range(len(pert) - 1)]
            if any(not g for g in gaps):
                continue
            combos = sorted(itertools.product(*[range(len(g)) for g in gaps]), key=lambda c: (sum(c), c))
            for combo in combos[: 6 * effort]:
                for u, v in ends:
                    tried += 1
                    if tried > budget:
                        return None
                    xs = {pert[i]: gaps[i][combo[i]][0] for i in range(len(gaps))}
                    ys = {pert[i + 1]: gaps[i][combo[i]][1] for i in range(len(gaps))}
                    xs[h - 1] = u
                    ys[0] = v
                    Cs = {k: xs[k] * ys[k].transpose() for k in pert}
                    es = _exponent_search(net, pert, Cs, straight_only, max_exp)
                    if es is None:
                        continue
                    e, s = es
                    curve = []
                    for j in sorted(set(e)):
                        curve.append((j, [Cs[k] * s[pert.index(k)] if k in Cs and e[pert.index(k)] == j
                                          else mx.zeros(W.nrows(), W.ncols())
                                          for k, W in enumerate(net.layers)]))
                    found = finalize(net, curve, require_order=2 if straight_only else None)
                    if found is not None:
                        return found
    return None
