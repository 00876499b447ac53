"""Bases of the input and output spaces adapted to the data (issue 21): exact PSD proofs at
critical points whose data are not aligned with the coordinates.

For L(W) = 1/2 |W_h..W_1 X - Y|^2 with S = X X^T invertible and C = Y X^T, let
M = C S^-1 C^T (d_h x d_h, rational, symmetric).  Its characteristic polynomial factors over
Q; the null space of f(M) for an irreducible factor f is a rational M-invariant subspace, and
these subspaces are mutually orthogonal (M symmetric).  No eigenvector need be rational: the
spaces split along the rational factors.

* Output basis u_1..u_dh: a basis of each invariant subspace, adapted to the flag of images
  C(W_h..W_k) of the layers (so the last layers stay partial identities) and orthogonalised
  (Gram-Schmidt keeps the flag), so the output metric K = U_h^T U_h is diagonal.
* Input basis: e_i = C^T u_i for the u_i outside the null space of M (then
  e_i^T S^-1 e_j = u_i^T M u_j = 0 for i != j), completed by a basis of S N(C) adapted to the
  kernels of W_k..W_1 and orthogonalised in the metric S^-1; U_0 = [e_i], T_0 = U_0^-1, so
  S' = T_0 S T_0^T is diagonal and C' = T_h C T_0^T is zero off the diagonal.  The e_i are
  S^-1-orthogonal only when the u_i are eigenvectors of M, so a factor of degree > 1 (its
  space has no basis of rational eigenvectors) defeats the construction: :func:`data_bases`
  checks that its Gram matrices are diagonal and returns None otherwise.

With these end bases the layers W'_1 = W_1 U_0, W'_h = U_h^-1 W_h route the data's own
directions, the hidden bases of :func:`exactopen.landscape.gauge.interval_bases` make every
layer a partial identity up to scalars, and the Hessian of the changed loss (data S', C',
metric K: the checker's ``hessian_split`` with ``input`` and ``output`` changes) is as sparse
as at an aligned point.  The checker needs none of this reasoning: it checks T T^-1 = I and the
blocks.
"""

from __future__ import annotations

from flint import fmpq, fmpq_mat, fmpz_mat

from exactopen.exact import linalg
from exactopen.exact import matrix as mx


def _cols(M: fmpq_mat) -> list:
    return [mx.submatrix(M, None, [j]) for j in range(M.ncols())]


def _hstack(cols: list, n: int) -> fmpq_mat:
    return mx.hstack(*cols) if cols else fmpq_mat(n, 0)


def _extend(basis: list, cands: list, n: int) -> list:
    """The candidates that extend ``basis`` (independent), leftmost first."""
    if not cands:
        return []
    P = linalg.rank_profile(_hstack(basis + cands, n))
    return [cands[j - len(basis)] for j in P.cols if j >= len(basis)]


def _intersect(E: fmpq_mat, R: fmpq_mat) -> list:
    """Columns spanning C(E) ∩ N(R) (E with independent columns): E N(R E)."""
    if E.ncols() == 0:
        return []
    RE = R * E
    if mx.is_zero(RE):
        return _cols(E)
    K = linalg.nullspace(RE).kernel
    return _cols(E * K) if K.ncols() else []


def _adapted(E: fmpq_mat, flag: list, n: int) -> list:
    """A basis of C(E) adapted to the subspaces N(R) ∩ C(E), R in ``flag`` (in that order)."""
    basis: list = []
    for R in flag:
        if len(basis) == E.ncols():
            break
        basis += _extend(basis, _intersect(E, R), n)
    basis += _extend(basis, _cols(E), n)
    return basis


def _orthogonalise(vecs: list, G: fmpq_mat | None) -> list:
    """Gram-Schmidt without normalisation in the metric G (None: the identity); keeps the span
    of every initial segment, so a flag-adapted basis stays adapted."""
    out = []
    for v in vecs:
        w = v
        for u in out:
            Gu = u if G is None else G * u
            den = (u.transpose() * Gu)[0, 0]
            w = w - u * ((w.transpose() * Gu)[0, 0] / den)
        out.append(w)
    return out


def primitive(v: fmpq_mat) -> fmpq_mat:
    """The nonzero column v scaled to an integer vector whose entries have gcd 1 (a basis
    vector may be scaled freely: integer bases keep the checker's products small)."""
    import math

    N, _d = v.numer_denom()
    g = 0
    for x in N.entries():
        g = math.gcd(g, int(x))
    return fmpq_mat(N) * fmpq(1, g) if g > 1 else fmpq_mat(N)


def _integer(A: fmpq_mat) -> fmpz_mat:
    return A.numer_denom()[0]


def invariant_subspaces(M: fmpq_mat) -> list[tuple[fmpq_mat, bool]]:
    """[(basis of N(f(M)), f(0) == 0)] over the irreducible factors f of M's characteristic
    polynomial (for symmetric M these spaces are orthogonal and span the whole space)."""
    N = _integer(M)
    n = N.nrows()
    _content, factors = N.charpoly().factor()
    out = []
    for f, _mult in factors:
        cs = f.coeffs()
        F = fmpz_mat(n, n)
        for c in reversed(cs):  # Horner: F = F N + c I
            F = F * N
            for i in range(n):
                F[i, i] += c
        K = linalg.nullspace(fmpq_mat(F)).kernel
        out.append((K, cs[0] == 0))
    return out


_PRIME = 2 ** 61 - 1


def _mod_p(A: fmpq_mat):
    """A mod the prime _PRIME (an nmod_mat), or None if a denominator is divisible by it."""
    from flint import nmod, nmod_mat

    N, d = A.numer_denom()
    if int(d) % _PRIME == 0:
        return None
    return nmod_mat(N, _PRIME) * (1 / nmod(int(d), _PRIME))


def splits_mod_p(S: fmpq_mat, C: fmpq_mat) -> bool:
    """False when M = C S^-1 C^T certainly has an irreducible factor of degree > 1 over Q: its
    characteristic polynomial (monic, rational coefficients) does not split into
    linear factors modulo the prime 2^61 - 1 (a rational root reduces to a root mod p, so a
    polynomial splitting over Q splits mod p).  True when it splits mod p or the test does not
    apply (a denominator divisible by p, S singular mod p).  Cheap: a filter before the exact
    factorisation, never a proof of anything."""
    Sp, Cp = _mod_p(S), _mod_p(C)
    if Sp is None or Cp is None or Sp.det() == 0:
        return True
    Mp = Cp * Sp.inv() * Cp.transpose()
    _c, factors = Mp.charpoly().factor()
    return all(f.degree() == 1 for f, _m in factors)


def data_bases(net):
    """(T_0, U_0, T_h, U_h) for ``net`` (see the module docstring), or None when X X^T is
    singular or the data give no splitting (M's characteristic polynomial irreducible, or a
    factor of degree > 1: first tested modulo a prime, :func:`splits_mod_p`)."""
    X, Y, Ws = net.X, net.Y, net.layers
    S = X * X.transpose()
    if not splits_mod_p(S, Y * X.transpose()):
        return None
    try:
        Sinv = S.inv()
    except ZeroDivisionError:
        return None
    C = Y * X.transpose()
    M = C * Sinv * C.transpose()
    spaces = invariant_subspaces(M)
    if len(spaces) <= 1 and all(E.ncols() == M.nrows() for E, _ in spaces) and M.nrows() > 1:
        return None
    dh, d0 = M.nrows(), S.nrows()
    images, P = [], None
    for W in reversed(Ws):  # C(W_h), C(W_h W_{h-1}), ..., C(P) as null spaces of annihilators
        P = W if P is None else P * W
        images.append(linalg.left_nullspace(P).kernel.transpose())
    images.reverse()  # the smallest image first
    us, eig = [], []
    for E, zero in spaces:
        block = [primitive(u) for u in _orthogonalise(_adapted(E, images, dh), None)]
        us += block
        eig += [not zero] * len(block)
    kernels, B = [], None
    for W in Ws:  # N(W_1) ⊆ N(W_2 W_1) ⊆ ...: each the null space of the partial product
        B = W if B is None else W * B
        kernels.append(B)
    es = [primitive(C.transpose() * u) for u, nz in zip(us, eig) if nz]
    NC = linalg.nullspace(C).kernel
    rest = [primitive(e) for e in _orthogonalise(_adapted(S * NC, kernels, d0), Sinv)] if NC.ncols() else []
    es += rest
    if len(es) != d0 or len(us) != dh:
        return None
    U0, Uh = _hstack(es, d0), _hstack(us, dh)
    # the columns are orthogonal (in S^-1, resp. the identity): the inverses are products
    G0, Gh = U0.transpose() * Sinv * U0, Uh.transpose() * Uh
    if any(G0[i, i] == 0 for i in range(d0)) or any(Gh[i, i] == 0 for i in range(dh)):
        return None
    if not (_is_diagonal(G0) and _is_diagonal(Gh)):
        # an irreducible factor of degree > 1: its u_i are orthogonal but not M-orthogonal, so
        # the e_i = C^T u_i are not S^-1-orthogonal (u_i^T M u_j != 0); no bases of this form
        return None
    T0 = _diag_inv(G0) * U0.transpose() * Sinv
    Th = _diag_inv(Gh) * Uh.transpose()
    return T0, U0, Th, Uh


def _is_diagonal(G: fmpq_mat) -> bool:
    return all(v == 0 for i, row in enumerate(G.tolist()) for j, v in enumerate(row) if i != j)


def _diag_inv(G: fmpq_mat) -> fmpq_mat:
    n = G.nrows()
    D = fmpq_mat(n, n)
    for i in range(n):
        D[i, i] = 1 / G[i, i]
    return D
