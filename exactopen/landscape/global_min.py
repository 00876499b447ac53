"""Exact certificates that a point of a deep linear network is a global minimum (lem-7, thm-8).

Two lower bounds on ``min L`` are produced, both re-checked by the kernel:

* ``stationary``: the function-space gradient ``(w o (PX - Y)) X^T`` is zero; then P is a
  global minimiser of the convex map Z -> L(Z) over all Z, a fortiori over the range.
* ``ky_fan`` (square loss): with X = C B (B of full row rank) and
  M = Y B^T (B B^T)^{-1} B Y^T, Eckart-Young gives min L = 1/2|Y|^2 - 1/2 S_r(M) where S_r is
  the sum of the r = min_i d_i largest eigenvalues.  Ky Fan's dual bounds S_r(M) <= r mu + tr Q
  for any rational mu and PSD Q with Q - (M - mu I) PSD.  We take Q = P_V (M - mu I) P_V with
  P_V the (rational) orthogonal projector onto the column space V of the point's output
  P X, and a rational mu between the eigenvalues of M on V and on its complement: the
  simplest such rational, found by a Stern-Brocot walk whose only test is exact PSD-ness, so
  mu is a function of the exact input (floats never choose it).  Irrational eigenvalues
  never need to be computed: only the rational mu and exact LDL^T tests.
"""

from __future__ import annotations

from flint import fmpq, fmpq_mat

from exactopen.exact.simplest import simplest_between, simplest_by_oracle
from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from exactopen.exact.floats import to_float
from exactopen.exact.numbers import rational_str
from exactopen.landscape.network import data_row_factor


def is_psd(M: fmpq_mat) -> bool:
    """Exact PSD test of a symmetric M: the characteristic polynomial of its integer form
    c M (c the common denominator, FLINT's multimodular charpoly) alternates in sign (Descartes'
    rule, all roots real).  The same test as the checker's (``kernel.primitives.psd_nullity``),
    and much faster than a rational elimination when the entries have large denominators."""
    n = M.nrows()
    if n == 0:
        return True
    Z, _den = M.numer_denom()
    c = Z.charpoly().coeffs()
    return all(c[i] * (-1) ** (n - i) >= 0 for i in range(n + 1))


def _sym_eigs(K: fmpq_mat):
    """Floating-point eigenvalues of a matrix similar to a symmetric one (numeric helper)."""
    import numpy as np

    if K.nrows() == 0:
        return np.zeros(0)
    return np.sort(np.linalg.eigvals(to_float(K)).real)


def _trace(A: fmpq_mat) -> fmpq:
    return sum((A[i, i] for i in range(A.nrows())), fmpq(0))


def _projector(Vb: fmpq_mat) -> fmpq_mat:
    if Vb.ncols() == 0:
        return mx.zeros(Vb.nrows(), Vb.nrows())
    return Vb * (Vb.transpose() * Vb).inv() * Vb.transpose()


def clearly_above_minimum(net, rel: float = 1e-6) -> bool:
    """NUMERIC, only to give up early: L(W) exceeds the float Eckart-Young minimum
    1/2 |Y|^2 - 1/2 (sum of the r = min_i d_i largest eigenvalues of Y Pi_X Y^T), Pi_X the
    projector onto the row space of X (singular values above 1e-10 of the largest), by more than
    ``rel`` (|Y|^2 + L(W)).  Then W is no global minimum and the exact Ky Fan search (products
    with (B B^T)^-1 and PSD tests of d_h x d_h matrices with large entries: a minute at width 64)
    is skipped.  Never a certificate of anything."""
    import numpy as np

    from exactopen.exact.floats import float_loss, float_network

    Wf, Xf, Yf = float_network(net)
    U, sv, Vt = np.linalg.svd(Xf, full_matrices=False)
    keep = sv > 1e-10 * (sv[0] if sv.size else 0.0)
    YV = Yf @ Vt[keep].T
    lam = np.linalg.eigvalsh(YV @ YV.T)[::-1]
    y2 = float(np.sum(Yf * Yf))
    low = 0.5 * (y2 - float(np.sum(lam[:net.r])))
    L = float_loss(Wf, Xf, Yf)
    return L - low > rel * (y2 + L)


def ky_fan_certificate(net) -> dict | None:
    """Evidence ``{"method": "ky_fan", C, B, mu, Q}`` that L(W) = min L, or None (lem-7, thm-8)."""
    got = data_row_factor(net)
    if got is None:
        return None
    C, B = got
    X, Y = net.X, net.Y
    M = Y * B.transpose() * (B * B.transpose()).inv() * B * Y.transpose()
    F = net.product * X
    Vb, _ = linalg.column_space(F)
    s, r, dh = Vb.ncols(), net.r, Y.nrows()
    PV = _projector(Vb)
    target = mx.frobenius_sq(Y) - 2 * net.loss()
    if _trace(PV * M) != target:
        return None
    I = mx.identity(dh)

    def cert(mu: fmpq) -> dict | None:
        Q = PV * (M - I * mu) * PV
        if is_psd(Q) and is_psd(Q - M + I * mu) and r * mu + _trace(Q) <= target:
            return {"method": "ky_fan", "C": mx.to_json(C), "B": mx.to_json(B),
                    "mu": rational_str(mu), "Q": mx.to_json(Q)}
        return None

    if s < r or s == dh:
        return cert(fmpq(0))
    # s == r < dh: mu between the spectrum of M on V (above) and on V-perp (below); when M's
    # characteristic polynomial splits into linear factors (rational eigenvalues), both ends
    # are exact and mu is the simplest rational between them, without a search
    ends = _exact_ends(M, Vb)
    if ends is not None:
        a, b = ends
        return cert(simplest_between(a, b)) if a <= b else None
    Nb = linalg.nullspace(Vb.transpose()).kernel
    KV = (Vb.transpose() * Vb).inv() * Vb.transpose() * M * Vb
    KP = (Nb.transpose() * Nb).inv() * Nb.transpose() * M * Nb
    ev_v, ev_p = _sym_eigs(KV), _sym_eigs(KP)
    lo_f, hi_f = float(ev_p[-1]), float(ev_v[0])
    scale = max(1.0, abs(lo_f), abs(hi_f))
    if hi_f < lo_f - 1e-8 * scale:
        return None  # V does not carry the top eigenvalues: not a global minimum
    # The valid mu form the exact interval [a, b] (a = max eigenvalue of M on V-perp, b = min
    # on V); the certificate takes its SIMPLEST rational, found by a Stern-Brocot walk whose
    # only test is the exact PSD pair below -- a function of the exact input alone (the float
    # eigenvalues above are only used to give up early).
    def side(mu: fmpq):
        Q = PV * (M - I * mu) * PV
        ok_q, ok_c = is_psd(Q), is_psd(Q - M + I * mu)
        if ok_q and ok_c:
            return 0
        if not ok_q and not ok_c:
            return None  # b < mu < a: the interval is empty
        return 1 if not ok_q else -1

    mu = simplest_by_oracle(side)
    if mu is not None:
        return cert(mu)
    # a single rational point a = b too complicated for the walk: a common eigenvalue
    g = KV.charpoly().gcd(KP.charpoly())
    if g.degree() == 1:
        return cert(-g[0] / g[1])
    return None


def _exact_ends(M: fmpq_mat, Vb: fmpq_mat):
    """(a, b): the largest eigenvalue of M off V = C(Vb) and the smallest on V, when every
    irreducible factor of M's characteristic polynomial is linear and each eigenspace lies in
    V or meets it in 0 (else an eigenvalue counts on both sides); None when a factor is not
    linear (the eigenvalues are then found by the oracle walk)."""
    from exactopen.landscape.alignment import invariant_subspaces

    N, d = M.numer_denom()
    _content, factors = N.charpoly().factor()
    if any(f.degree() != 1 for f, _ in factors):
        return None
    on, off = [], []
    for (f, _mult), (E, _zero) in zip(factors, invariant_subspaces(M)):
        lam = fmpq(-f[0], f[1]) / d  # the root of f, an eigenvalue of N = d M
        inside = linalg.rank(mx.hstack(Vb, E)) == Vb.ncols()
        meets = inside or linalg.rank(mx.hstack(Vb, E)) < Vb.ncols() + E.ncols()
        if inside:
            on.append(lam)
        elif meets:
            on.append(lam)
            off.append(lam)
        else:
            off.append(lam)
    if not on or not off:
        return None
    return max(off), min(on)


SPLIT_FROM = 4  # d_h from which the Ky Fan bound is proved on invariant blocks (below: the dense form)


def global_certificate(net) -> dict | None:
    """A lower bound on min L attained by the point, as checker evidence, or None (lem-7).

    Square loss, not stationary in the product: for d_h >= SPLIT_FROM the Ky Fan bound proved on
    invariant blocks (:mod:`exactopen.landscape.invariant_split`: the checker's work is products
    and small PSD blocks), else (and when no split is found) the dense ``ky_fan`` evidence (the
    committed certificates of the paper's small examples keep that form)."""
    if mx.is_zero(net.G):
        return {"method": "stationary"}
    if net.weights is None and clearly_above_minimum(net):  # floats only give up early
        return None
    if net.weights is None and net.Y.nrows() >= SPLIT_FROM:
        from exactopen.landscape.invariant_split import invariant_split_certificate

        ev = invariant_split_certificate(net)
        if ev is not None:
            return ev
    return ky_fan_certificate(net)
