"""An exact critical point of a nearby rational problem (``exactopen validate``, issue 21):
what can be certified when training stalls on a plateau whose exact saddle has irrational
coordinates, so that snapping the weights to simple rationals (the ``snap`` part) cannot
reach it.

Setting: float weights W of L(W) = 1/2 |W_h ... W_1 X - Y|_F^2, stalled near a saddle where the
product P = W_h ... W_1 has numerical rank r (the directions learned so far).

Three constructions of (W', X', Y') (``data`` of :func:`nearby_problem`):

* ``"dyadic"`` (the default, :mod:`exactopen.numeric.dyadic_chain`): every number dyadic, no
  division anywhere; Y' = P X' - Q_A R^ Q~ is exactly critical for any rounding R^ of the
  residual, and bases in which every layer is an r x r core make the Hessian one block of
  r (d_0 + d_h) + r^2 (h - 2) rows.  Decides widths 64 and 128 (docs/nearby.md);
* ``"least"``: :func:`critical_data` below (the least change of Y, rational projectors);
* ``"split"``: ``"least"`` then :func:`split_data` (M' splits over Q; up to width 32).

The rest of this docstring describes ``"least"`` and ``"split"``.  Built here:

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

Split data (:func:`split_data`, ``data="split"``; the default before the dyadic data, above
160 parameters, where the dense exact Hessian no longer decides).  The PSD proof through adapted
bases (:func:`exactopen.landscape.alignment.data_bases`) needs M' = C' S^-1 C'^T (C' = Y' X'^T)
to have a characteristic polynomial with linear factors over Q; with Y' from
:func:`critical_data` the unlearned block is a dense irreducible factor.  Only
C' = P S + G matters for criticality, with G any matrix with a_h^T G = 0 and G b_1 = 0, and
M' = P S P^T + G S^-1 G^T.  :func:`split_data` takes G = V diag(alpha) F^T S: V an exact
orthogonal basis of col(a_h)^perp near the eigenvectors of the unlearned block, F exactly
S-orthogonal and S-orthogonal to b_1 (exact Gram-Schmidt of rounded float proposals), alpha
dyadic; then M' v_i = alpha_i^2 (f_i^T S f_i)(v_i^T v_i) v_i, all rational.  Y' is T X
(T = P + V diag(alpha) F^T) or the least change with Y' X'^T = T S (:func:`split_labels`).
The float steps (the eigenvectors, the proposals for F) are fixed-order IEEE operations (no
BLAS or LAPACK), so Y' is a function of the input; W' and the gradient's zero are exact, and
the splitting is checked exactly (:func:`splits_exactly`) before the split data are used.

The classification of W' for (X', Y') is :func:`exactopen.landscape.classify.classify_critical_point`
(its certificate is embedded; the checker re-verifies it, :mod:`exactopen.kernel.validate`).
Floats appear only in :func:`numerical_rank`, :func:`rank_factors`, :func:`eigh_fixed_order` and the
marked steps of :func:`split_data` (NUMERIC); the
point they propose is exact, and its distances are exact rationals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flint import fmpq, fmpq_mat

from exactopen.exact import matrix as mx
from exactopen.exact.floats import float_network, to_grid
from exactopen.exact.snap import distance_sq
from exactopen.landscape.network import Network, chain_product

RANK_GAP = 1e3  # a numerical rank needs this ratio between the last kept and the first dropped singular value


@dataclass
class Nearby:
    """W' (``net.layers``) critical for (X', Y') = (``net.X``, ``net.Y``), r, and the exact
    squared distances |W' - W|^2, |X' - X|^2, |Y' - Y|^2; ``bases`` (U_0..U_h, T_0..T_h) for the
    PSD proof of the Hessian (``data`` = "dyadic": :func:`exactopen.numeric.dyadic_chain.adapted_bases`)."""
    net: Network
    rank: int
    distance_sq: fmpq
    data_change_sq: dict
    data: str = "least"  # "dyadic" (default): exactopen.numeric.dyadic_chain; "split": Y' from
    # :func:`split_data` (M' splits over Q); "least": from :func:`critical_data`
    bases: tuple | None = None


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


DYADIC_EXACT_X = 160  # data="dyadic", data_bits="auto": X is kept exactly while the Hessian's block,
# about r (d_0 + d_h) rows, has at most this many (beyond, X is rounded to DYADIC_DATA_BITS bits: the
# block's entries stay short enough for its characteristic polynomial, measured in benchmarks/stalled.py)
DYADIC_DATA_BITS = 20


def nearby_problem(net: Network, rank: int | None = None, weight_bits: int = 24,
                   data_bits: int | None | str = "auto", split: bool | str = "auto", split_bits: int = 24,
                   data: str | None = None, core_bits: int = 8, resid_bits: int = 24) -> Nearby | None:
    """The nearby rational problem at ``net`` (module docstring), or None when the product has
    no clear numerical rank r below the narrowest width, or the r x r systems are singular.

    ``data``: "dyadic" (the default; :mod:`exactopen.numeric.dyadic_chain`: a pivot-normalised
    dyadic chain, dyadic Y' = P X' - Q_A R^ Q~ and the bases in which the Hessian is one block
    of about r (d_0 + d_h) rows), "split" (:func:`critical_data` then :func:`split_data`) or
    "least" (:func:`critical_data` alone).  ``split`` (older option): True means "split",
    False "least".  ``data_bits``: X' = X rounded to that many significant bits (None: X' = X;
    "auto": None, or :data:`DYADIC_DATA_BITS` for the dyadic data when r (d_0 + d_h) exceeds
    :data:`DYADIC_EXACT_X`).  ``weight_bits``, ``core_bits``, ``resid_bits``: see
    :func:`exactopen.numeric.dyadic_chain.dyadic_chain` and ``critical_labels``."""
    if net.weights is not None:
        return None
    if data is None:
        data = "dyadic" if split == "auto" else "split" if split else "least"
    if data not in ("dyadic", "split", "least"):
        raise ValueError(f"nearby data must be 'dyadic', 'split' or 'least', not {data!r}")
    Wf, Xf, _Yf = float_network(net)
    r = numerical_rank(Wf) if rank is None else rank
    if not r:
        return None
    if data_bits == "auto":
        wide = r * (net.X.nrows() + net.Y.nrows()) > DYADIC_EXACT_X
        data_bits = DYADIC_DATA_BITS if data == "dyadic" and wide else None
    X2 = net.X if data_bits is None else to_grid(Xf, data_bits)
    if data == "dyadic":
        out = _dyadic_problem(net, Wf, r, X2, weight_bits, core_bits, resid_bits)
        if out is not None:
            return out  # else (a singular pivot block or core in floats): the least change below
    factors = rank_factors(Wf, r, weight_bits)
    try:
        layers, Y2 = critical_data(factors, X2, net.Y)
    except ZeroDivisionError:
        return None
    new, how = Network.build(layers, Y2, X2), "least"
    if data == "split" and max(X2.nrows(), Y2.nrows()) <= SPLIT_MAX_WIDTH:
        sp = split_data(factors, X2, Y2, split_bits)
        if sp is not None:
            cand = Network.build(layers, split_labels(sp.T, X2, net.Y), X2)
            if cand.is_critical() and splits_exactly(cand, sp):
                new, how = cand, "split"
    return Nearby(new, r, distance_sq(net.layers, layers),
                  {"X": mx.frobenius_sq(X2 - net.X), "Y": mx.frobenius_sq(new.Y - net.Y)}, how)


def _dyadic_problem(net: Network, Wf: list, r: int, X2: fmpq_mat, bits: int, core_bits: int,
                    resid_bits: int) -> Nearby | None:
    """data="dyadic" (:mod:`exactopen.numeric.dyadic_chain`); None when a float step fails or
    (cannot happen) the point is not exactly critical."""
    from exactopen.numeric.dyadic_chain import adapted_bases, critical_labels, dyadic_chain

    chain = dyadic_chain(Wf, r, bits, core_bits)
    if chain is None:
        return None
    try:
        Y2 = critical_labels(chain, X2, net.Y, resid_bits)
    except ZeroDivisionError:
        return None
    layers = chain.layers()
    new = Network.build(layers, Y2, X2)
    if not new.is_critical():
        return None
    return Nearby(new, r, distance_sq(net.layers, layers),
                  {"X": mx.frobenius_sq(X2 - net.X), "Y": mx.frobenius_sq(Y2 - net.Y)}, "dyadic",
                  adapted_bases(chain))


# ---------------------------------------------------------------------------------------
# A nearby problem whose data split over Q (adapted bases, :mod:`exactopen.landscape.alignment`)
# ---------------------------------------------------------------------------------------

SPLIT_MAX_WIDTH = 32  # beyond this d_0 or d_h the split is not attempted: at width 64 the split data's
# entries reach ~13,000 bits and the certificate (87 MB) exceeds the checker's file budget


@dataclass
class Split:
    """C' = T S for the split data: T = P + V diag(nu)^-1 F^T (module docstring of
    :func:`split_data`), with the exact eigenbasis ``basis`` (d_h x d_h, columns: an orthogonal
    basis of col(a_h)'s complement after the r columns of a_h) and ``eigenvalues`` (None for the
    r learned columns when r > 1)."""
    T: fmpq_mat
    basis: fmpq_mat
    eigenvalues: list


def eigh_fixed_order(A, sweeps: int = 40):
    """NUMERIC, reproducible: (eigenvalues, eigenvectors as columns) of a symmetric float matrix
    by the cyclic Jacobi method in a fixed order of IEEE operations (numpy's elementwise
    products and sums on rows and columns, Python scalars; no BLAS or LAPACK), so the result is a
    function of A alone.  Eigenvalues in decreasing order; each eigenvector's entry of largest
    magnitude (the first such) is positive."""
    import numpy as np

    A = np.array(A, dtype=np.float64)
    n = A.shape[0]
    V = np.eye(n)
    scale = math.sqrt(float(np.add.reduce((A * A).ravel()))) if n else 0.0
    offdiag = ~np.eye(n, dtype=bool)
    for _ in range(sweeps):
        off = math.sqrt(float(np.add.reduce((A[offdiag] ** 2).ravel()))) if n > 1 else 0.0
        if off <= 1e-18 * scale:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                apq = float(A[p, q])
                if apq == 0.0:
                    continue
                theta = (float(A[q, q]) - float(A[p, p])) / (2.0 * apq)
                t = (1.0 if theta >= 0 else -1.0) / (abs(theta) + math.sqrt(theta * theta + 1.0))
                c = 1.0 / math.sqrt(t * t + 1.0)
                s = t * c
                ap, aq = A[:, p].copy(), A[:, q].copy()
                A[:, p], A[:, q] = c * ap - s * aq, s * ap + c * aq
                ap, aq = A[p, :].copy(), A[q, :].copy()
                A[p, :], A[q, :] = c * ap - s * aq, s * ap + c * aq
                vp, vq = V[:, p].copy(), V[:, q].copy()
                V[:, p], V[:, q] = c * vp - s * vq, s * vp + c * vq
    lam = np.diag(A).copy()
    order = sorted(range(n), key=lambda i: (-lam[i], i))
    lam, V = lam[order], V[:, order]
    for j in range(n):
        i = int(np.argmax(np.abs(V[:, j])))
        if V[i, j] < 0:
            V[:, j] = -V[:, j]
    return lam, V


def _upper_solve_fixed_order(L, B):
    """X with L^T X = B (L lower-triangular), by back substitution in a fixed order.  NUMERIC."""
    import numpy as np

    from exactopen.exact.floats import lower_solve_fixed_order

    Lr = np.ascontiguousarray(L.T[::-1, ::-1])  # lower-triangular
    return lower_solve_fixed_order(Lr, np.asarray(B)[::-1])[::-1]


def _dyadic_unit(v: fmpq_mat) -> fmpq_mat:
    """The column v (integer entries) times a power of two with its largest entry in [1/2, 1)."""
    top = max((abs(int(x)) for x in v.entries()), default=0)
    return v * fmpq(1, 1 << top.bit_length()) if top else v


def _gram_schmidt(first: list, cands: list, G: fmpq_mat | None, keep: int) -> list:
    """Exact Gram-Schmidt without normalisation in the metric G (None: the identity): the
    columns ``first`` are orthogonalised first (and dropped), then the first ``keep`` of
    ``cands`` in order; the rest become zero.  The i-th vector is v_i minus its G-orthogonal
    projection onto the span of the vectors before it, computed from those ORIGINAL vectors
    (small numbers): v_i - B (B^T G B)^-1 B^T G v_i, one solve with their Gram matrix."""
    vecs = first + cands[:keep]
    out = []
    if not vecs:
        return [v * 0 for v in cands]
    B = mx.hstack(*vecs)
    GB = B if G is None else G * B
    K = B.transpose() * GB  # the Gram matrix of all of them
    for i in range(len(first), len(vecs)):
        v = vecs[i]
        if i == 0:
            out.append(v)
            continue
        Ki = mx.submatrix(K, list(range(i)), list(range(i)))
        rhs = mx.submatrix(K, list(range(i)), [i])
        try:
            y = Ki.solve(rhs)
        except ZeroDivisionError:  # the vectors before are dependent: no Gram-Schmidt basis
            return None
        out.append(v - mx.submatrix(B, None, list(range(i))) * y)
    return out + [v * 0 for v in cands[keep:]]


def split_data(factors: list, X: fmpq_mat, Y2: fmpq_mat, bits: int = 24) -> Split | None:
    """The unlearned part of the data chosen so that M' = C' S^-1 C'^T splits over Q.

    W' (``factors``) is exactly critical for (X, Y2) (:func:`critical_data`).  With P the
    product, S = X X^T, A = a_h, c = X^T b_1 and E' = P S - Y2 X^T, criticality is
    A^T E' = 0 and E' b_1 = 0, and then C' = Y2 X^T = P S + G with G = -E'.  So
    M' = P S P^T + G S^-1 G^T (the cross terms vanish: P S S^-1 G^T = A (..) (G b_1)^T = 0):
    col(A) is M'-invariant (the learned block, r x r: link b_1^T S b_1 link^T A^T A) and the
    unlearned block is G S^-1 G^T on col(A)^perp.  Any G with A^T G = 0 and G b_1 = 0 keeps W'
    critical.  Built here:

    * V (NUMERIC then exact): the eigenvectors of G S^-1 G^T for its d_h - r largest eigenvalues
      (float, :func:`eigh_fixed_order` on a fixed-order float copy deflated on col(A)), rounded
      to ``bits`` bits and orthogonalised exactly (Euclid) after the columns of A: orthogonal
      columns v_i spanning col(A)^perp exactly, scaled by powers of two (entries below 1);
    * F (NUMERIC then exact): f_i near S^-1 G^T v_i (fixed-order float solves), rounded to
      ``bits`` bits and orthogonalised exactly in the metric S after the columns of b_1; the
      f_i beyond min(d_h, d_0) - r are zero (G has rank at most d_0 - r);
    * T = P + sum_i v_i f_i^T / nu_i (nu_i = v_i^T v_i), C' = T S.

    Then C' - P S = V N^-1 F^T S has A^T (..) = 0 and (..) b_1 = 0 (F S-orthogonal to b_1), so W'
    stays critical, and M' v_i = (f_i^T S f_i / nu_i) v_i: the unlearned eigenvalues are
    rational with the eigenvectors v_i.  Returns None when the float steps fail (S or A^T A not
    positive definite)."""
    import numpy as np

    from exactopen.exact.floats import (
        cholesky_fixed_order,
        lower_solve_fixed_order,
        matmul_fixed_order,
        to_float,
    )

    A, b1 = factors[-1][0], factors[0][1]
    dh, r, d0 = A.nrows(), A.ncols(), X.nrows()
    m = dh - r
    P = chain_product([a * b.transpose() for a, b in factors], d0)
    S = X * X.transpose()
    G = Y2 * X.transpose() - P * S
    # NUMERIC, fixed order: the unlearned block G S^-1 G^T deflated on col(A), its eigenvectors
    Sf, Gf, Af = to_float(S), to_float(G), to_float(A)
    try:
        Ls = cholesky_fixed_order(Sf)
        La = cholesky_fixed_order(matmul_fixed_order(Af.T, Af))
    except np.linalg.LinAlgError:
        return None
    Z = lower_solve_fixed_order(Ls, Gf.T)                   # L^-1 G^T
    Mu = matmul_fixed_order(Z.T, Z)
    Qa = lower_solve_fixed_order(La, Af.T).T                 # orthonormal basis of col(A)
    tau = 2.0 * max(float(np.add.reduce(np.diag(Mu))), 1e-300)
    _lam, U = eigh_fixed_order(Mu - tau * matmul_fixed_order(Qa, Qa.T))
    us = [to_grid(U[:, j], bits, fixed=True).transpose() for j in range(m)]
    Acols = [mx.submatrix(A, None, [j]) for j in range(r)]
    vs = _gram_schmidt(Acols, us, None, m)
    if vs is None or any(mx.is_zero(v) for v in vs):
        return None
    vs = [_dyadic_unit(primitive_of(v)) for v in vs]
    V = mx.hstack(*vs)
    # NUMERIC, fixed order: f_i ~ S^-1 G^T v_i
    Fnum = _upper_solve_fixed_order(Ls, lower_solve_fixed_order(Ls, matmul_fixed_order(Gf.T, to_float(V))))
    keep = min(m, d0 - r)
    fs = [to_grid(Fnum[:, j], bits).transpose() for j in range(m)]
    bcols = [mx.submatrix(b1, None, [j]) for j in range(r)]
    fs = _gram_schmidt(bcols, fs, S, keep)
    if fs is None:
        return None
    # T = P + sum_i alpha_i v_i p_i^T: p_i = f_i's primitive integer direction scaled by a power
    # of two, alpha_i = (f_i / p_i) / nu_i rounded to ``bits`` significant bits (dyadic): the
    # terms share power-of-two denominators, so T's entries are no larger than the v_i p_i^T
    ps, alphas = [], []
    for v, f in zip(vs, fs):
        if mx.is_zero(f):
            ps.append(f)
            alphas.append(fmpq(0))
            continue
        p = _dyadic_unit(primitive_of(f))
        j = next(i for i, x in enumerate(p.entries()) if x != 0)
        ps.append(p)
        alphas.append(round_significant(f.entries()[j] / p.entries()[j] / (v.transpose() * v)[0, 0], bits))
    T = P
    for v, p, a in zip(vs, ps, alphas):
        if a != 0:
            T = T + (v * a) * p.transpose()
    eig = [a * a * (p.transpose() * S * p)[0, 0] * (v.transpose() * v)[0, 0] for v, p, a in zip(vs, ps, alphas)]
    learned = None
    if r == 1:  # M' a = lambda a: lambda = a^T P S P^T a / a^T a
        PtA = P.transpose() * A
        learned = [(PtA.transpose() * S * PtA)[0, 0] / (A.transpose() * A)[0, 0]]
    return Split(T, mx.hstack(A, V), (learned or [None] * r) + eig)


def round_significant(x: fmpq, bits: int) -> fmpq:
    """x rounded to a dyadic rational with ``bits`` significant bits (exact, any magnitude)."""
    if x == 0:
        return fmpq(0)
    p, q = int(x.p), int(x.q)
    k = bits - (abs(p).bit_length() - q.bit_length())
    num = p << k if k >= 0 else p
    den = q if k >= 0 else q << -k
    n = (2 * num + den) // (2 * den)  # round half up
    return fmpq(n, 1 << k) if k >= 0 else fmpq(n * (1 << -k))


def primitive_of(v: fmpq_mat) -> fmpq_mat:
    from exactopen.landscape.alignment import primitive

    return primitive(v) if not mx.is_zero(v) else v


def least_change(T: fmpq_mat, X: fmpq_mat, Y: fmpq_mat) -> fmpq_mat:
    """Y' = Y + (T S - Y X^T) S^-1 X = T X + Y (I - Pi_X): the least change of Y (Frobenius)
    with Y' X^T = T S (exact; one solve with S = X X^T)."""
    S = X * X.transpose()
    return T * X + Y - S.solve(X * Y.transpose()).transpose() * X


def split_labels(T: fmpq_mat, X: fmpq_mat, Y: fmpq_mat) -> fmpq_mat:
    """Y' with Y' X^T = T S: T X when that is within 1% of the least change (|T X - Y|^2 =
    |Y' - Y|^2 + |Y (I - Pi_X)|^2 for the least Y': Y is in the row space of X up to float
    noise, as for a teacher without label noise), else the least change (:func:`least_change`,
    whose entries carry S^-1's large numbers).  Both distances exact."""
    ls = least_change(T, X, Y)
    TX = T * X
    return TX if mx.frobenius_sq(TX - Y) * 100 <= mx.frobenius_sq(ls - Y) * 101 else ls


def splits_exactly(net: Network, split: Split) -> bool:
    """Exact: Y' X^T = T S (so M' = C' S^-1 C'^T = T S T^T), the columns of ``split.basis``
    are eigenvectors of M' with the stated rational eigenvalues (M' E = T (S (T^T E)), products
    only), and for r > 1 the learned r x r block's characteristic polynomial splits over Q.
    Then M''s characteristic polynomial is a product of linear factors."""
    X, T = net.X, split.T
    S = X * X.transpose()
    if net.Y * X.transpose() != T * S:
        return False
    E = split.basis
    ME = T * (S * (T.transpose() * E))
    learned = [j for j, lam in enumerate(split.eigenvalues) if lam is None]
    for j, lam in enumerate(split.eigenvalues):
        if lam is not None and mx.submatrix(ME, None, [j]) != mx.submatrix(E, None, [j]) * lam:
            return False
    if learned:
        Ea = mx.submatrix(E, None, learned)
        B = (Ea.transpose() * Ea).solve(Ea.transpose() * mx.submatrix(ME, None, learned))
        if mx.submatrix(ME, None, learned) != Ea * B:
            return False
        N, _d = B.numer_denom()
        _c, fac = N.charpoly().factor()
        return all(f.degree() == 1 for f, _m in fac)
    return True

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


__all__ = [
    "Nearby",
    "Split",
    "critical_data",
    "eigh_fixed_order",
    "least_change",
    "nearby_problem",
    "numerical_rank",
    "rank_factors",
    "relative",
    "split_data",
    "split_labels",
    "splits_exactly",
    "stalled_run",
]


