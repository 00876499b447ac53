"""A rank-r chain of dyadic layers, exactly critical for dyadic data near the given ones, and
the bases in which its Hessian is one block (``exactopen validate``'s nearby problem, issue 21).

Training that stalls on a plateau has learned r directions; its layers are close to rank r and
the exact saddle nearby has irrational coordinates.  Built here (module of
:func:`exactopen.numeric.nearby.nearby_problem`, ``data="dyadic"``), every number a dyadic
rational (p / 2^k), so that no projector, inverse or Gram-Schmidt step multiplies denominators:

* **The chain** (:func:`dyadic_chain`, NUMERIC then exact).  W'_k = A_k C_k B_k^T with
  B_k (d_{k-1} x r) equal to the identity on r pivot rows q_k, A_h (d_h x r) equal to the
  identity on r pivot rows p, B_{k+1}^T A_k = I exactly for k < h (the pivot rows of A_k are
  corrected exactly), and r x r cores C_k.  Then the product is P = A_h (C_h..C_1) B_1^T.
  The inner cores are rounded to ``core_bits`` significant bits (they only move W'), the last
  one to ``bits`` so that the product C_h..C_1 keeps ``bits`` bits of the float one.
* **The data** (:func:`critical_labels`, exact).  X' = X rounded to ``data_bits`` significant
  bits (or X itself); with c = X'^T B_1 (n x r), a dyadic p_c ~ c (c^T c)^-1 (``pc_bits``),
  M = p_c^T c, Q~ = det(M) I - c adj(M) p_c^T (so Q~ c = 0, no division) and
  Q_A = I - E_p A_h^T (so A_h^T Q_A = 0, as A_h^T E_p = I):

      Y' = P X' - Q_A R^ Q~,   R^ = (P X' - Y) / det(M) rounded to ``resid_bits`` bits.

  The gradient of L' = 1/2 |W'_h..W'_1 X' - Y'|^2 is U_k^T (Q_A R^ Q~ X'^T) V_k^T with
  U_k = W'_h..W'_{k+1} (columns in C(A_h) for k < h: A_h^T Q_A = 0) and V_k = W'_{k-1}..W'_1
  (rows in C(B_1)^T for k > 1, and for k = h the factor X'^T B_1 = c: Q~ c = 0): W' is EXACTLY
  critical for (X', Y'), whatever R^ is; R^ only decides how close Y' is to Y
  (Y' - Y = R - Q_A R^ Q~, R = P X' - Y: the part of the residual in the learned directions,
  small near a plateau, plus the rounding of R^).
* **The bases** (:func:`adapted_bases`, exact): U_0 = I - E_{q_1} B~_1^T (B~: B with its pivot
  rows zeroed), U_k = (I - E_{q_{k+1}} B~_{k+1}^T)(I + A~_k E_{q_{k+1}}^T) for 0 < k < h, and
  U_h = I + A~_h E_p^T, with the inverses T_0 = I + E_{q_1} B~_1^T,
  T_k = (I - A~_k E_{q_{k+1}}^T)(I + E_{q_{k+1}} B~_{k+1}^T), T_h = I - A~_h E_p^T (each
  nilpotent part squares to zero): all dyadic.  In them every layer is
  T_k W'_k U_{k-1} = E_{q_{k+1}} C_k E_{q_k}^T (E_p for k = h): r x r cores and zeros.  The
  Hessian there (the checker's ``hessian_split`` with input and output changes: the data
  T_0 X, T_h Y' and the output metric U_h^T U_h) has one block of size about
  r (d_h + d_0) + r^2 (h - 2) (the last layer's columns and the first layer's rows at the
  learned coordinates, and the middle cores) and zeros elsewhere; that block is proved PSD
  by the signs of its characteristic polynomial, its entries short because every number is
  dyadic.

Floats appear in :func:`dyadic_chain` (SVDs, pivots, the cores) and the two roundings of
:func:`critical_labels` (NUMERIC); what they propose is made exact, and criticality, the
inverses and the distances are exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from flint import fmpq_mat

from exactopen.exact import matrix as mx
from exactopen.exact.floats import to_float, to_grid


@dataclass
class DyadicChain:
    """W'_k = A[k] C[k] B[k]^T (k = 0..h-1, layer k + 1), B[k] the identity on rows q[k],
    A[h-1] the identity on rows p, B[k+1]^T A[k] = I."""
    A: list
    C: list
    B: list
    q: list
    p: list

    @property
    def rank(self) -> int:
        return self.C[0].nrows()

    def layers(self) -> list:
        return [a * c * b.transpose() for a, c, b in zip(self.A, self.C, self.B)]

    def product(self) -> fmpq_mat:
        """P = A_h (C_h..C_1) B_1^T."""
        core = self.C[0]
        for c in self.C[1:]:
            core = c * core
        return self.A[-1] * core * self.B[0].transpose()


def pivot_rows(F, r: int) -> list:
    """NUMERIC: r rows of the float matrix F (m x r) spanning its row space well: greedy
    (the row of largest norm after projecting out the rows chosen so far), in increasing order."""
    import numpy as np

    R = np.array(F, dtype=float)
    chosen = []
    for _ in range(r):
        norms = np.einsum("ij,ij->i", R, R)
        norms[chosen] = -1.0
        i = int(np.argmax(norms))
        chosen.append(i)
        v = R[i] / np.sqrt(max(norms[i], 1e-300))
        R = R - np.outer(R @ v, v)
    return sorted(chosen)


def _identity_at(M: fmpq_mat, rows: list) -> fmpq_mat:
    """M with the rows ``rows`` replaced by the identity (exactly)."""
    out = fmpq_mat(M)
    for i, ri in enumerate(rows):
        for j in range(M.ncols()):
            out[ri, j] = 1 if i == j else 0
    return out


def _round_significant(F, bits: int) -> fmpq_mat:
    return to_grid(F, bits)


def dyadic_chain(Wf: list, r: int, bits: int = 24, core_bits: int = 8,
                 product_bits: int | None = None) -> DyadicChain | None:
    """NUMERIC -> exact: the pivot-normalised rank-r chain near the float layers ``Wf``
    (module docstring), or None when a pivot block or B_{k+1}^T A_k is singular in floats."""
    import numpy as np

    h = len(Wf)
    As0, Bs = [], []
    q = []
    for W in Wf:
        U, s, Vt = np.linalg.svd(W, full_matrices=False)
        Af, Bf = U[:, :r] * s[:r], Vt[:r].T
        piv = pivot_rows(Bf, r)
        Bp = Bf[piv]
        if abs(np.linalg.det(Bp)) < 1e-12 * max(1.0, float(np.max(np.abs(Bp)))) ** r:
            return None
        Bn = np.linalg.solve(Bp.T, Bf.T).T  # Bf Bp^-1: the identity on the pivot rows
        B = _identity_at(to_grid(Bn, bits), piv)
        As0.append(Af @ Bp.T)  # W ~ As0 Bn^T
        Bs.append(B)
        q.append(piv)
    A, C = [], []
    for k in range(h - 1):
        Bnext = to_float(Bs[k + 1])
        core = Bnext.T @ As0[k]
        if abs(np.linalg.det(core)) < 1e-12 * max(1.0, float(np.max(np.abs(core)))) ** r:
            return None
        Ak = to_grid(np.linalg.solve(core.T, As0[k].T).T, bits)
        fix = mx.identity(r) - Bs[k + 1].transpose() * Ak  # B^T A = I, correcting the pivot rows
        for i, ri in enumerate(q[k + 1]):
            for j in range(r):
                Ak[ri, j] += fix[i, j]
        A.append(Ak)
        C.append(core)
    Ah0 = As0[-1]
    p = pivot_rows(Ah0, r)
    Ap = Ah0[p]
    if abs(np.linalg.det(Ap)) < 1e-12 * max(1.0, float(np.max(np.abs(Ap)))) ** r:
        return None
    A.append(_identity_at(to_grid(np.linalg.solve(Ap.T, Ah0.T).T, bits), p))
    C.append(Ap)
    # the cores: the inner ones short, the last one carrying the product to ``bits`` bits
    target = C[0]
    for c in C[1:]:
        target = c @ target
    Cx = [_round_significant(c, core_bits) for c in C[:-1]]
    inner = mx.identity(r)
    for c in Cx:
        inner = c * inner
    try:
        last = target @ np.linalg.inv(to_float(inner))
    except np.linalg.LinAlgError:
        return None
    Cx.append(_round_significant(last, product_bits or bits))
    return DyadicChain(A, Cx, Bs, q, p)


def critical_labels(chain: DyadicChain, X: fmpq_mat, Y: fmpq_mat, resid_bits: int = 24,
                    pc_bits: int = 12) -> fmpq_mat:
    """Y' = P X - Q_A R^ Q~ (module docstring): the chain is exactly critical for (X, Y').
    Exact but for the rounding of R^ and p_c (NUMERIC proposals).  Raises ZeroDivisionError
    when c = X^T B_1 has rank < r in floats (then no Q~ kills it)."""
    import numpy as np

    P = chain.product()
    PX = P * X
    R = PX - Y
    c = X.transpose() * chain.B[0]  # n x r
    cf = to_float(c)
    G = cf.T @ cf
    if abs(np.linalg.det(G)) <= 1e-300:
        raise ZeroDivisionError("X^T B_1 has rank < r")
    pc = to_grid(np.linalg.solve(G, cf.T).T, pc_bits)  # ~ c (c^T c)^-1
    M = pc.transpose() * c
    det = M.det()
    if det == 0:
        raise ZeroDivisionError("p_c^T c is singular")
    adj = M.inv() * det
    Rh = to_grid(to_float(R) / float(det), resid_bits)
    Z = Rh * det - (Rh * c) * adj * pc.transpose()  # R^ Q~
    Ah = chain.A[-1]
    Z = Z - _rows_at(Ah.transpose() * Z, chain.p, Z.nrows())  # Q_A Z = Z - E_p (A_h^T Z)
    return PX - Z


def _rows_at(M: fmpq_mat, rows: list, m: int) -> fmpq_mat:
    """E_rows M: the m x n matrix with row rows[i] equal to row i of M."""
    out = fmpq_mat(m, M.ncols())
    for i, ri in enumerate(rows):
        for j in range(M.ncols()):
            out[ri, j] = M[i, j]
    return out


def _tilde(M: fmpq_mat, rows: list) -> fmpq_mat:
    """M with the rows ``rows`` zeroed."""
    out = fmpq_mat(M)
    for ri in rows:
        for j in range(M.ncols()):
            out[ri, j] = 0
    return out


def _outer_at(F: fmpq_mat, rows: list, n: int, cols_first: bool) -> fmpq_mat:
    """F E_rows^T (cols_first: F placed in the columns ``rows`` of an m x n zero matrix) or
    E_rows F^T (F placed in the rows ``rows``)."""
    if cols_first:
        out = fmpq_mat(F.nrows(), n)
        for i, ri in enumerate(rows):
            for a in range(F.nrows()):
                out[a, ri] = F[a, i]
        return out
    return _rows_at(F.transpose(), rows, n)


def adapted_bases(chain: DyadicChain) -> tuple[list, list]:
    """(U_0..U_h, T_0..T_h) with T_k U_k = I, all dyadic (module docstring): the bases in which
    layer k is E_{q_{k+1}} C_k E_{q_k}^T."""
    h = len(chain.A)
    d = [chain.B[0].nrows()] + [a.nrows() for a in chain.A]
    Us, Ts = [], []
    for k in range(h + 1):
        n = d[k]
        I = mx.identity(n)
        if k < h:  # the kernel part: I - E_q B~^T (B = B_{k+1}, the next layer's right factor)
            qk, Bt = chain.q[k], _tilde(chain.B[k], chain.q[k])
            N = I - _outer_at(Bt, qk, n, cols_first=False)
            Ninv = I + _outer_at(Bt, qk, n, cols_first=False)
        else:
            qk, N, Ninv = chain.p, I, I
        if k == 0:
            Us.append(N)
            Ts.append(Ninv)
            continue
        At = _tilde(chain.A[k - 1], qk)  # the image part: A~ E_q^T (A = A_k, this space's image)
        F = _outer_at(At, qk, n, cols_first=True)
        Us.append(N * (I + F))
        Ts.append((I - F) * Ninv)
    return Us, Ts


__all__ = ["DyadicChain", "adapted_bases", "critical_labels", "dyadic_chain", "pivot_rows"]
