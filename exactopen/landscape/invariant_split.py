"""The ``invariant_split`` lower bound on min L of a deep linear network (lem-7, thm-8; issue 21):
Ky Fan's bound proved on small invariant blocks instead of a dense d_h x d_h matrix.

With X = C B (B of full row rank) and M = Y B^T (B B^T)^-1 B Y^T, Eckart-Young gives
min L >= 1/2|Y|^2 - 1/2 S_r(M) (S_r: the sum of the r = min_i d_i largest eigenvalues).  The
checker is given a basis T of the output space whose columns come in blocks spanning mutually
orthogonal M-invariant subspaces (T^T T and T^T M T block diagonal), the blocks of the output
space V = C(W_h..W_1 X) first ("top"), and a rational mu between the eigenvalues of M on V
and on its complement; it proves K_b - mu G_b (top) and mu G_b - K_b (bottom) PSD block by
block (lemma ``invariant-split``, docs/checker.md).

The blocks are rational without any eigenvector being so in general: for every irreducible
factor f of the characteristic polynomial of M, the null space of f(M) is M-invariant, and
these spaces are orthogonal (M symmetric); each is cut by V and its complement (both
M-invariant at a critical point carrying the top of the spectrum).  A linear factor's piece is
further split into orthogonal eigenvectors (1x1 blocks, a sign each for the checker); a piece
of a factor of degree > 1 stays one block (its PSD proof: a characteristic polynomial of that
size).  mu is the simplest rational between the two sides (exact when they are rational;
otherwise a Stern-Brocot walk whose only test is Descartes' signs of shifted factors), so the
certificate is a function of the exact input.
"""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq, fmpq_mat, fmpq_poly, fmpz_mat, fmpz_poly

from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from exactopen.exact.numbers import rational_str
from exactopen.landscape.alignment import _orthogonalise, primitive
from exactopen.landscape.network import data_row_factor
from exactopen.exact.simplest import simplest_between, simplest_by_oracle


def _kernel_of_factor(N: fmpz_mat, f) -> fmpq_mat:
    """A basis of N(f(N)) (Horner; for a linear factor just f1 N + f0 I)."""
    n = N.nrows()
    cs = f.coeffs()
    if len(cs) == 2:
        F = N * cs[1]
        for i in range(n):
            F[i, i] += cs[0]
    else:
        F = fmpz_mat(n, n)
        for c in reversed(cs):
            F = F * N
            for i in range(n):
                F[i, i] += c
    K, nullity = F.nullspace()  # FLINT's integer null space: its first ``nullity`` columns
    return fmpq_mat(mx.submatrix(fmpq_mat(K), None, list(range(nullity)))) if nullity else fmpq_mat(n, 0)


FLOAT_FROM = 24  # d_h from which floats propose the eigenvalues (below, factoring is as cheap)


def _rational_spaces(M: fmpq_mat, N: fmpz_mat) -> list | None:
    """[(f, N(f(N)))] for the linear factors f of the characteristic polynomial of N = d M when
    every eigenvalue of M is rational with a denominator below 10^6, else None.  Floats only
    propose (numpy's eigenvalues, read as the nearest such fractions); a proposal is kept when
    the exact null space of f(N) is not 0, and the proposals must fill the whole space (then
    they are all the factors).  Saves the characteristic polynomial of side d_h."""
    import numpy as np

    from exactopen.exact.floats import to_float

    n = N.nrows()
    d = M.numer_denom()[1]
    try:
        ev = np.linalg.eigvalsh(to_float(M))
        guesses = sorted({Fraction(float(x)).limit_denominator(10 ** 6) for x in ev}, reverse=True)
    except (np.linalg.LinAlgError, OverflowError, ValueError):  # entries beyond floats: no proposal
        return None
    out, dim = [], 0
    for g in guesses:
        lam = fmpq(g.numerator, g.denominator) * d  # the eigenvalue of N
        f = fmpz_poly([-lam.p, lam.q])
        E = _kernel_of_factor(N, f)
        if E.ncols() == 0:
            return None
        out.append((f, E))
        dim += E.ncols()
    return out if dim == n else None


def _factor_spaces(M: fmpq_mat, N: fmpz_mat) -> list | None:
    """[(f, basis of N(f(N)))] over the irreducible factors f of the characteristic polynomial
    of N = d M (rational, M-invariant, mutually orthogonal spaces), the linear factors first by
    decreasing root, then the others in FLINT's order: the same list whether the rational
    eigenvalues were proposed by floats (:func:`_rational_spaces`) or found by factoring."""
    spaces = _rational_spaces(M, N) if N.nrows() >= FLOAT_FROM else None
    if spaces is None:
        _content, factors = N.charpoly().factor()
        spaces = []
        for f, mult in factors:
            E = _kernel_of_factor(N, f)
            if E.ncols() != f.degree() * mult:
                return None
            spaces.append((f, E))
    spaces.sort(key=lambda fe: (fe[0].degree() != 1, -fmpq(-fe[0][0], fe[0][1]) if fe[0].degree() == 1 else 0))
    return spaces


def _data_matrix(B: fmpq_mat, Y: fmpq_mat) -> fmpq_mat:
    """M = C^T S^-1 C with C = B Y^T and S = B B^T, each brought to lowest terms first (their
    entries are far smaller than those of B and Y: X = B_0 X_0 with orthonormal rows X_0), the
    products on integer forms."""
    (NB, db), (NY, dy) = B.numer_denom(), Y.numer_denom()
    CN, cd = (fmpq_mat(NB * NY.transpose()) * fmpq(1, db * dy)).numer_denom()
    SiN, sd = (B * B.transpose()).inv().numer_denom()
    return fmpq_mat(CN.transpose() * SiN * CN) * fmpq(1, sd * cd * cd)


def _cols(A: fmpq_mat) -> list:
    return [mx.submatrix(A, None, [j]) for j in range(A.ncols())]


def _split_piece(E: fmpq_mat, Vb: fmpq_mat, Nb) -> tuple[list, list] | None:
    """(columns spanning E ∩ V, columns spanning E ∩ V^perp), or None when they do not span E
    (V is not invariant under M)."""
    if E.ncols() == 1:
        if mx.is_zero(Vb.transpose() * E):
            return [], [E]
        return ([E], []) if mx.is_zero(Nb().transpose() * E) else None
    top, bottom = [], []
    for A, out in ((Nb().transpose(), top), (Vb.transpose(), bottom)):  # E ∩ N(A)
        K = linalg.nullspace(A * E).kernel if A.nrows() else mx.identity(E.ncols())
        if K.ncols():
            out += _cols(E * K)
    return (top, bottom) if len(top) + len(bottom) == E.ncols() else None


def _shifted(f, q: fmpq) -> list:
    """The coefficients of f(t + q) (f a polynomial with integer coefficients)."""
    g = fmpq_poly(f.coeffs())(fmpq_poly([q, 1]))
    return g.coeffs()


def _roots_at_least(f, q: fmpq) -> bool:
    """Every root of f (all real) is >= q: the coefficients of f(t + q) alternate in sign."""
    c = _shifted(f, q)
    n = len(c) - 1
    s = 1 if c[n] > 0 else -1
    return all(s * c[i] * (-1) ** (n - i) >= 0 for i in range(n + 1))


def _roots_at_most(f, q: fmpq) -> bool:
    """Every root of f (all real) is <= q: the coefficients of f(t + q) have one sign."""
    c = _shifted(f, q)
    s = 1 if c[-1] > 0 else -1
    return all(s * x >= 0 for x in c)


def _choose_mu(top: list, bottom: list, den, short: bool) -> fmpq | None:
    """mu with every top eigenvalue >= mu >= every bottom one (factors f of N = den M: the
    eigenvalues are the roots of f over den); with ``short`` (fewer top columns than r) the
    largest bottom eigenvalue itself, which must be rational."""
    lin = lambda f: fmpq(-f[0], f[1]) / den  # noqa: E731
    if all(f.degree() == 1 for f in top + bottom):
        lo = max((lin(f) for f in bottom), default=None)
        hi = min((lin(f) for f in top), default=None)
        if short:
            return lo if lo is not None and (hi is None or lo <= hi) else None
        if lo is None or hi is None:  # one side only: 0, or the integer nearest to 0 on the right side
            if lo is None:
                return fmpq(0) if hi is None or hi >= 0 else fmpq(hi.p // hi.q)
            return fmpq(0) if lo <= 0 else -fmpq((-lo.p) // lo.q)
        return simplest_between(lo, hi) if lo <= hi else None
    if short:
        return None

    def side(q: fmpq):
        ok_top = all(_roots_at_least(f, q * den) for f in top)
        ok_bottom = all(_roots_at_most(f, q * den) for f in bottom)
        if ok_top and ok_bottom:
            return 0
        if not ok_top and not ok_bottom:
            return None
        return 1 if not ok_top else -1

    return simplest_by_oracle(side)


def invariant_split_certificate(net) -> dict | None:
    """Evidence ``{"method": "invariant_split", [C, B,] T, top, bottom, mu}`` that L(W) = min L,
    or None (lem-7, thm-8; see the module docstring)."""
    got = data_row_factor(net, keep_full_x=True)
    if got is None:
        return None
    C, B = got
    X, Y = net.X, net.Y
    ev = {"method": "invariant_split"}
    if C is not None:
        ev["C"], ev["B"] = mx.to_json(C), mx.to_json(B)
    M = _data_matrix(B, Y)
    Vb, _ = linalg.column_space(net.product * X)
    s, r = Vb.ncols(), net.r
    if s > r:
        return None
    perp = []

    def Nb():
        if not perp:
            perp.append(linalg.nullspace(Vb.transpose()).kernel)
        return perp[0]

    N, den = M.numer_denom()
    spaces = _factor_spaces(M, N)
    if spaces is None:
        return None
    top_cols, bottom_cols, top_sizes, bottom_sizes, top_f, bottom_f = [], [], [], [], [], []
    total = fmpq(0)
    for f, E in spaces:
        parts = _split_piece(E, Vb, Nb)
        if parts is None:
            return None
        for cols, on_top in zip(parts, (True, False)):
            if not cols:
                continue
            (top_f if on_top else bottom_f).append(f)
            if f.degree() == 1:
                block = [primitive(c) for c in _orthogonalise(cols, None)]
                sizes = [1] * len(block)
            else:
                block = [primitive(c) for c in cols]
                sizes = [len(block)]
            (top_cols if on_top else bottom_cols).extend(block)
            (top_sizes if on_top else bottom_sizes).extend(sizes)
            if on_top:  # the trace of M on the piece: (dim / deg f) times the sum of the roots of f
                total += fmpq(len(block), f.degree()) * fmpq(-f[f.degree() - 1], f[f.degree()]) / den
    k = len(top_cols)
    if k != s:
        return None
    mu = _choose_mu(top_f, bottom_f, den, k < r)
    if mu is None:
        return None
    target = mx.frobenius_sq(Y) - 2 * net.loss()
    if total + (r - k) * mu != target:
        return None
    T = mx.hstack(*(top_cols + bottom_cols))
    ev.update({"T": mx.to_json(T, dyadic=True), "top": top_sizes, "bottom": bottom_sizes, "mu": rational_str(mu)})
    return ev
