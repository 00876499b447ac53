"""Exact linear algebra with evidence (generator side).

Every function returns its answer together with what a checker needs to re-verify it:

* rank r of A: a nonsingular r x r minor ``A[rows, cols]`` (so rank >= r) and a basis of the
  right or left null space with a nonsingular maximal minor (so rank <= r);
* null spaces, column/row spaces, ``N(A) ∩ C(B)``, solutions of ``A X = B`` (or a left
  null vector proving there is none).

Rank profiles are found modulo a 61-bit prime (fast ``nmod_mat`` rref) and then *verified
exactly*: the minor is nonsingular over Q whenever it is mod p, and the null-space basis is
checked with an exact integer product.  An unlucky prime only costs a retry; after a few
primes the code falls back to an exact rational rref.  Nothing unverified leaves this module.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from flint import fmpq_mat, fmpz_mat, nmod_mat

from exactopen.certificate import annihilator_evidence, envelope, intersection_evidence
from exactopen.certificate import rank_evidence as rank_evidence_json
from exactopen.exact import matrix as mx

# Deterministic primes (2^61 - 1 and neighbours) keep certificates byte-reproducible.
_PRIMES = (2305843009213693951, 2305843009213693921, 2305843009213693907)


def _integer(A: fmpq_mat) -> fmpz_mat:
    """A times the common denominator of its entries: same rank, same null spaces."""
    return A.numer_denom()[0]


def _zsub(Z: fmpz_mat, rows, cols) -> fmpz_mat:
    e, n = Z.entries(), Z.ncols()
    rows, cols = list(rows), list(cols)
    return fmpz_mat(len(rows), len(cols), [e[i * n + j] for i in rows for j in cols])


def _pivot_columns(Z: fmpz_mat, p: int) -> list[int]:
    """Pivot columns of the rref of an integer matrix modulo p."""
    ncols = Z.ncols()
    if Z.nrows() == 0 or ncols == 0:
        return []
    R, r = nmod_mat(Z, p).rref()
    e = R.entries()
    piv, j = [], 0
    for i in range(r):
        base = i * ncols
        while int(e[base + j]) == 0:
            j += 1
        piv.append(j)
        j += 1
    return piv


@dataclass
class RankProfile:
    """rank, a nonsingular minor A[rows, cols], and a reduced basis of N(A).

    ``kernel`` is n x (n - rank) with ``kernel[free, :]`` the identity, so its maximal
    minor on the rows ``free`` is 1.
    """

    rank: int
    rows: list[int]
    cols: list[int]
    free: list[int]
    kernel: fmpq_mat = field(repr=False)


def _kernel_from_pivots(Z: fmpz_mat, I: list[int], J: list[int]) -> tuple[list[int], fmpq_mat]:
    """Reduced basis of N(Z) from a nonsingular minor Z[I, J] (Z integer)."""
    n = Z.ncols()
    Jset = set(J)
    F = [j for j in range(n) if j not in Jset]
    N = fmpq_mat(n, len(F))
    if J and F:
        X = _zsub(Z, I, J).solve(_zsub(Z, I, F))
        xe = X.entries()
        nf = len(F)
        for a, j in enumerate(J):
            for b in range(nf):
                v = xe[a * nf + b]
                if v != 0:
                    N[j, b] = -v
    for b, j in enumerate(F):
        N[j, b] = 1
    return F, N


def _annihilates(Z: fmpz_mat, N: fmpq_mat, solved_rows: list[int]) -> bool:
    """Z N = 0 exactly.  The rows ``solved_rows`` hold by construction of N (it solves them),
    so only the other rows are multiplied out."""
    if N.ncols() == 0 or Z.nrows() == 0:
        return True
    done = set(solved_rows)
    rest = [i for i in range(Z.nrows()) if i not in done]
    if not rest:
        return True
    return (_zsub(Z, rest, range(Z.ncols())) * N.numer_denom()[0]).is_zero()


_CACHE: "OrderedDict[tuple, RankProfile]" = OrderedDict()
_CACHE_SIZE = 64


def rank_profile(A: fmpq_mat) -> RankProfile:
    """Exact rank of A with a nonsingular maximal minor and a reduced null-space basis.

    Results are cached by content (the openness code asks about the same matrices from
    several angles); callers must not modify the returned matrices.
    """
    Z, den = A.numer_denom()
    key = (A.nrows(), A.ncols(), int(den), tuple(int(x) for x in Z.entries()))
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    P = _rank_profile(A)
    _CACHE[key] = P
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return P


def _rank_profile(A: fmpq_mat) -> RankProfile:
    m, n = A.nrows(), A.ncols()
    if m == 0 or n == 0 or mx.is_zero(A):
        return RankProfile(0, [], [], list(range(n)), mx.identity(n))
    Z = _integer(A)
    for p in _PRIMES:
        J = _pivot_columns(Z, p)
        I = _pivot_columns(_zsub(Z, range(m), J).transpose(), p)
        if len(I) != len(J):  # cannot happen for a prime; be safe
            continue
        F, N = _kernel_from_pivots(Z, I, J)
        if _annihilates(Z, N, I):
            return RankProfile(len(J), I, J, F, N)
    return _rank_profile_exact(A)


def _rank_profile_exact(A: fmpq_mat) -> RankProfile:
    """Fallback: pivots from an exact rational rref."""
    R, r = A.rref()
    n = A.ncols()
    e = R.entries()
    J, j = [], 0
    for i in range(r):
        while e[i * n + j] == 0:
            j += 1
        J.append(j)
        j += 1
    I, _ = _rows_basis_exact(mx.submatrix(A, None, J))
    F, N = _kernel_from_pivots(_integer(A), I, J)
    return RankProfile(r, I, J, F, N)


def _rows_basis_exact(A: fmpq_mat) -> tuple[list[int], int]:
    R, r = A.transpose().rref()
    m = A.nrows()
    e = R.entries()
    I, j = [], 0
    for i in range(r):
        while e[i * m + j] == 0:
            j += 1
        I.append(j)
        j += 1
    return I, r


def rank(A: fmpq_mat) -> int:
    return rank_profile(A).rank


def nonsingular_minor(A: fmpq_mat, rank: int | None = None) -> tuple[list[int], list[int]]:
    """Rows and columns of a nonsingular maximal minor of A (size = rank A).

    Pivots modulo a prime give a minor that is nonsingular over Q (its determinant is
    nonzero mod p); its size is the rank when it is min(m, n) or equals a ``rank`` already
    known exactly; otherwise the exact profile (with its null-space check) decides.
    """
    m, n = A.nrows(), A.ncols()
    if m == 0 or n == 0 or mx.is_zero(A):
        return [], []
    Z = _integer(A)
    J = _pivot_columns(Z, _PRIMES[0])
    if len(J) == min(m, n) or len(J) == rank:  # certainly maximal
        return _pivot_columns(_zsub(Z, range(m), J).transpose(), _PRIMES[0]), J
    P = rank_profile(A)
    return P.rows, P.cols


def greedy_pivots(A: fmpq_mat, need: int | None = None) -> list[int]:
    """Pivot columns of A, chosen greedily left to right, independent over Q.

    Found modulo a prime (independence mod p implies independence over Q).  When fewer than
    ``need`` are found (an unlucky prime or a real shortage), the exact profile decides.
    """
    m, n = A.nrows(), A.ncols()
    if m == 0 or n == 0:
        return []
    J = _pivot_columns(_integer(A), _PRIMES[0])
    if need is not None and len(J) < need:
        J = rank_profile(A).cols
    return J


def independent_rows(V: fmpq_mat) -> list[int]:
    """Indices of rank(V) rows of V that are linearly independent."""
    return nonsingular_minor(V)[0]


@dataclass
class RankEvidence:
    """Evidence that rank A = rank: minor (rank >= r) and an annihilator (rank <= r)."""

    rank: int
    rows: list[int]
    cols: list[int]
    side: str  # "right": A N = 0 ; "left": N^T A = 0
    annihilator: fmpq_mat = field(repr=False)
    annihilator_rows: list[int] = field(default_factory=list)

def rank_evidence(A: fmpq_mat) -> RankEvidence:
    """Rank with the smaller of the two annihilators (right if n <= m, else left)."""
    m, n = A.nrows(), A.ncols()
    if n <= m:
        P = rank_profile(A)
        return RankEvidence(P.rank, P.rows, P.cols, "right", P.kernel, P.free)
    P = rank_profile(A.transpose())
    return RankEvidence(P.rank, P.cols, P.rows, "left", P.kernel, P.free)


def nullspace(A: fmpq_mat) -> RankProfile:
    """Basis of N(A) = {x : A x = 0} (``.kernel``), with the rank evidence of A."""
    return rank_profile(A)


def left_nullspace(A: fmpq_mat) -> RankProfile:
    """Basis of N(A^T) = {y : y^T A = 0}; the profile is that of A^T."""
    return rank_profile(A.transpose())


def column_space(A: fmpq_mat) -> tuple[fmpq_mat, RankProfile]:
    """Basis A[:, cols] of C(A) (columns of A itself) and the profile proving it."""
    P = rank_profile(A)
    return mx.submatrix(A, None, P.cols), P


def row_space(A: fmpq_mat) -> tuple[fmpq_mat, RankProfile]:
    """Basis A[rows, :] of the row space (rows of A itself) and the profile of A."""
    P = rank_profile(A)
    return mx.submatrix(A, P.rows, None), P


def is_full_row_rank(A: fmpq_mat) -> bool:
    return rank(A) == A.nrows()


def is_full_column_rank(A: fmpq_mat) -> bool:
    return rank(A) == A.ncols()


@dataclass
class Intersection:
    """N(A) ∩ C(B): basis V = B P with A V = 0, and the dimension proof.

    dim = rank B - rank(AB); ``rank_B`` evidence bounds rank B from above and the minor
    ``ab_rows, ab_cols`` of AB bounds rank(AB) from below.
    """

    dim: int
    basis: fmpq_mat
    preimage: fmpq_mat
    basis_rows: list[int]
    rank_B: RankEvidence
    rank_AB: int
    ab_rows: list[int]
    ab_cols: list[int]


def intersection_null_col(A: fmpq_mat, B: fmpq_mat) -> Intersection:
    """Basis and dimension of N(A) ∩ C(B) (A is m x k, B is k x n)."""
    if A.ncols() != B.nrows():
        raise ValueError("N(A) ∩ C(B) needs A.ncols == B.nrows")
    EB = rank_evidence(B)
    JB = EB.cols
    Bc = mx.submatrix(B, None, JB)
    C = A * Bc
    PC = rank_profile(C)
    V = Bc * PC.kernel
    d = V.ncols()
    P = fmpq_mat(B.ncols(), d)
    Ke = PC.kernel
    for a, j in enumerate(JB):
        for b in range(d):
            P[j, b] = Ke[a, b]
    return Intersection(
        dim=d,
        basis=V,
        preimage=P,
        basis_rows=independent_rows(V) if d else [],
        rank_B=EB,
        rank_AB=PC.rank,
        ab_rows=PC.rows,
        ab_cols=[JB[c] for c in PC.cols],
    )


@dataclass
class Solution:
    """A X = B: either ``X`` (solvable) or ``y`` with y^T A = 0 and y^T B != 0."""

    solvable: bool
    X: fmpq_mat | None = None
    y: fmpq_mat | None = None


def solve(A: fmpq_mat, B: fmpq_mat) -> Solution:
    """Exact solution of A X = B (any shapes), or a certificate that none exists."""
    if A.nrows() != B.nrows():
        raise ValueError("A X = B needs A and B with the same number of rows")
    P = rank_profile(A)
    X = fmpq_mat(A.ncols(), B.ncols())
    if P.rank:
        Y = mx.submatrix(A, P.rows, P.cols).solve(mx.submatrix(B, P.rows, None))
        for a, j in enumerate(P.cols):
            for b in range(B.ncols()):
                X[j, b] = Y[a, b]
    if A * X == B:
        return Solution(True, X=X)
    L = left_nullspace(A).kernel
    R = L.transpose() * B
    for i in range(R.nrows()):
        if any(R[i, j] != 0 for j in range(R.ncols())):
            return Solution(False, y=mx.submatrix(L, None, [i]))
    raise AssertionError("solve: neither a solution nor an obstruction (bug)")


# ---------------------------------------------------------------------------------------
# Certificates of the facts above (checked by exactopen.kernel.core)
# ---------------------------------------------------------------------------------------

def _inputs_for(A: fmpq_mat, factors: list[fmpq_mat] | None) -> dict:
    if factors:
        return {"factors": [mx.to_json(F) for F in factors]}
    return {"A": mx.to_json(A)}


def _product(factors: list[fmpq_mat]) -> fmpq_mat:
    P = factors[0]
    for F in factors[1:]:
        if P.ncols() != F.nrows():
            raise ValueError("factors do not chain (shape mismatch)")
        P = P * F
    return P


def rank_certificate(A: fmpq_mat | None = None, *, factors: list[fmpq_mat] | None = None,
                     name: str = "A", claim_id: str | None = None) -> dict:
    """Certificate that rank A = r (or rank of the product of ``factors``)."""
    M = _product(factors) if factors else A
    ev = rank_evidence(M)
    what = " * ".join(f"F{i + 1}" for i in range(len(factors))) if factors else name
    return envelope("rank", f"rank({what}) = {ev.rank} for the {M.nrows()}x{M.ncols()} matrix {what}",
                    _inputs_for(M, factors), {"rank": ev.rank}, rank_evidence_json(ev), claim_id)


def nullspace_certificate(A: fmpq_mat, side: str = "right", name: str = "A") -> dict:
    """Certificate that the columns of a basis span N(A) (right) or N(A^T) (left)."""
    P = rank_profile(A if side == "right" else A.transpose())
    what = f"N({name})" if side == "right" else f"N({name}^T)"
    return envelope(
        "nullspace", f"the {P.kernel.ncols()} columns of basis form a basis of {what}",
        {"A": mx.to_json(A)}, {"side": side, "basis": mx.to_json(P.kernel)},
        {"basis_minor_rows": P.free, "minor": {"rows": P.rows, "cols": P.cols}},
    )


def column_space_certificate(A: fmpq_mat, space: str = "column", name: str = "A") -> dict:
    """Certificate of a basis of the column space (columns of A) or row space (rows of A)."""
    ev = rank_evidence(A)
    if space == "column":
        basis = mx.submatrix(A, None, ev.cols)
        pre = mx.unit_columns(A.ncols(), ev.cols)
        bminor = ev.rows
    else:
        basis = mx.submatrix(A, ev.rows, None)
        pre = mx.unit_columns(A.nrows(), ev.rows).transpose()
        bminor = ev.cols
    return envelope(
        "column_space", f"the {ev.rank} {'columns' if space == 'column' else 'rows'} of basis form a basis "
        f"of the {space} space of {name}",
        {"A": mx.to_json(A)}, {"space": space, "basis": mx.to_json(basis)},
        {"preimage": mx.to_json(pre), "basis_minor_rows": bminor,
         "annihilator": annihilator_evidence(ev)},
    )


def intersection_certificate(A: fmpq_mat, B: fmpq_mat, names=("A", "B"), claim_id: str | None = None) -> dict:
    I = intersection_null_col(A, B)
    a, b = names
    return envelope(
        "intersection", f"dim(N({a}) ∩ C({b})) = {I.dim}, spanned by the columns of basis",
        {"A": mx.to_json(A), "B": mx.to_json(B)}, {"dim": I.dim, "basis": mx.to_json(I.basis)},
        intersection_evidence(I), claim_id,
    )


def solve_certificate(A: fmpq_mat, B: fmpq_mat) -> dict:
    S = solve(A, B)
    if S.solvable:
        return envelope("solve", "A X = B is solved by X", {"A": mx.to_json(A), "B": mx.to_json(B)},
                        {"solvable": True, "X": mx.to_json(S.X)}, {})
    return envelope("solve", "A X = B has no solution", {"A": mx.to_json(A), "B": mx.to_json(B)},
                    {"solvable": False}, {"y": mx.to_json(S.y)})
