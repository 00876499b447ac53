"""Local openness of matrix multiplication M(W1, W2) = W1 W2 (generator side).

Decides the claims ``prop-4`` (k >= min(m, n), Behrends' characterisation) and ``thm-5``
(k < min(m, n)), builds the witnesses W~1, W~2 of their conditions exactly, certifies
non-openness (for k < min(m, n) also by a concrete, theorem-free obstruction: a family of
targets W1 W2 + δR in the range whose every preimage moves W1 by at least a fixed amount,
generalising ``rem-1``).  Liftings, rates, row bases, chains and changes of basis live in
the sibling modules ``lifting``, ``rates``, ``row_basis``, ``chain`` and ``basis_change``.

Conditions are computed independently and compared; a disagreement is a bug and raises
:class:`InternalDisagreement`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flint import fmpq_mat

from exactopen.certificate import (
    envelope,
    intersection_evidence,
    rank_evidence,
    witness_evidence,
)
from exactopen.errors import InputError
from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from exactopen.exact.numbers import rational_str
from exactopen.openness.verdicts import NOT_OPEN, OPEN  # noqa: F401  (callers also import them from here)


class InternalDisagreement(AssertionError):
    """Two independent computations of equivalent conditions disagree: a bug."""


def _agree(a: bool, b: bool, what: str) -> None:
    if a != b:
        raise InternalDisagreement(f"exactopen bug: {what} disagree ({a} vs {b}); please report")


# ---------------------------------------------------------------------------------------
# Witness constructions
# ---------------------------------------------------------------------------------------

def _extension_columns(K: fmpq_mat, C: fmpq_mat) -> list[int]:
    """Indices of columns of C that, taken greedily, extend the independent columns of K."""
    s = K.ncols()
    J = linalg.greedy_pivots(mx.hstack(K, C) if s else C)
    if J[:s] != list(range(s)) or len(J) < min(K.nrows(), s + C.ncols()):
        J = linalg.rank_profile(mx.hstack(K, C) if s else C).cols  # exact: maximal and greedy
    return [j - s for j in J if j >= s]


def _row_selector(G: fmpq_mat) -> fmpq_mat | None:
    """Sel (a 0/1 row selection) with Sel G square and nonsingular, for G of full column rank
    (None if G is rank deficient)."""
    q = G.ncols()
    if q == 0:
        return fmpq_mat(0, G.nrows())
    rows = linalg.independent_rows(G)
    if len(rows) < q:
        return None
    return mx.unit_columns(G.nrows(), rows).transpose()


@dataclass
class Witness:
    """A + T has full column rank (``T`` found) or an obstruction vector ``x`` (A+T)x = 0 for all T."""

    T: fmpq_mat | None = None
    x: fmpq_mat | None = None
    reason: str = ""


def full_column_rank_with_rows_in(A: fmpq_mat, P: fmpq_mat) -> Witness:
    """Find T = S P^T (rows of T in C(P)) with A + T of full column rank.

    Possible iff A has at least as many rows as columns and no x != 0 has A x = 0 and
    P^T x = 0; such an x is returned as the obstruction ((A + S P^T) x = 0 for every S).
    Construction: N = basis of N(A); H a row selection with H (P^T N) nonsingular; U = unit
    vectors completing C(A); T = U H P^T.  Then (A + T) x = 0 forces A x = 0 = U H P^T x
    (C(U) ∩ C(A) = 0), so x = N c and H P^T N c = 0 gives c = 0.
    """
    a, b = A.nrows(), A.ncols()
    N = linalg.nullspace(A).kernel
    q = N.ncols()
    if q == 0:
        return Witness(T=fmpq_mat(a, b))
    G = P.transpose() * N
    H = _row_selector(G)
    if H is None:
        c = linalg.nullspace(G).kernel
        return Witness(x=N * mx.submatrix(c, None, [0]), reason="a null vector of A is orthogonal to C(P)")
    if a < b:
        return Witness(reason=f"A has {a} rows < {b} columns")
    Acols = mx.submatrix(A, None, linalg.rank_profile(A).cols)
    ext = _extension_columns(Acols, mx.identity(a))[:q]
    U = mx.unit_columns(a, ext)
    return Witness(T=U * H * P.transpose())


def full_column_rank_with_columns_in(A: fmpq_mat, P: fmpq_mat) -> Witness:
    """Find T = P G (columns of T in C(P)) with A + T of full column rank.

    Possible iff rank [A | P] >= ncols(A).  Construction: N = reduced basis of N(A) (rows
    ``free`` form the identity), B = columns of P completing C(A); T = B E_free^T.
    """
    b = A.ncols()
    prof = linalg.rank_profile(A)
    q = b - prof.rank
    if q == 0:
        return Witness(T=fmpq_mat(A.nrows(), b))
    Acols = mx.submatrix(A, None, prof.cols)
    ext = _extension_columns(Acols, P) if P.ncols() else []
    if len(ext) < q:
        return Witness(reason=f"rank [A | P] = {prof.rank + len(ext)} < {b}")
    B = mx.submatrix(P, None, ext[:q])
    Sel = mx.unit_columns(b, prof.free).transpose()
    return Witness(T=B * Sel)


# ---------------------------------------------------------------------------------------
# The decision
# ---------------------------------------------------------------------------------------

@dataclass
class PairFacts:
    m: int
    k: int
    n: int
    rank1: linalg.RankEvidence
    rank2: linalg.RankEvidence
    rank12: int
    inter: linalg.Intersection  # N(W1) ∩ C(W2)
    inter_t: linalg.Intersection  # N(W2^T) ∩ C(W1^T)

    @property
    def r1(self) -> int:
        return self.rank1.rank

    @property
    def r2(self) -> int:
        return self.rank2.rank


def pair_facts(W1: fmpq_mat, W2: fmpq_mat) -> PairFacts:
    if W1.ncols() != W2.nrows():
        raise InputError(f"shape mismatch: W1 is {W1.nrows()}x{W1.ncols()}, W2 is {W2.nrows()}x{W2.ncols()}")
    I = linalg.intersection_null_col(W1, W2)
    It = linalg.intersection_null_col(W2.transpose(), W1.transpose())
    F = PairFacts(W1.nrows(), W1.ncols(), W2.ncols(), linalg.rank_evidence(W1), linalg.rank_evidence(W2),
                  linalg.rank(W1 * W2), I, It)
    _agree(F.inter.dim == F.r2 - F.rank12, True, "dim N(W1)∩C(W2) and rank W2 - rank W1W2")
    _agree(F.inter_t.dim == F.r1 - F.rank12, True, "dim N(W2^T)∩C(W1^T) and rank W1 - rank W1W2")
    return F


@dataclass
class PairDecision:
    """Verdict on local openness of M at (W1, W2), with the facts behind it."""

    verdict: str
    theorem: str  # "prop-4" or "thm-5"
    reason: str
    facts: PairFacts = field(repr=False)
    conditions: dict = field(default_factory=dict)
    witness1: fmpq_mat | None = field(default=None, repr=False)  # W~1
    witness2: fmpq_mat | None = field(default=None, repr=False)  # W~2
    certificate: dict = field(default_factory=dict, repr=False)

    @property
    def is_open(self) -> bool:
        return self.verdict == OPEN


def _witness_1_prop4(W1, W2) -> Witness:
    """prop-4 (2a): W~1 W2 = 0 and W1 + W~1 full row rank (as T^T for W1^T + T)."""
    L = linalg.left_nullspace(W2).kernel
    w = full_column_rank_with_columns_in(W1.transpose(), L)
    return Witness(T=w.T.transpose(), reason=w.reason) if w.T is not None else w


def _witness_2_prop4(W1, W2) -> Witness:
    """prop-4 (2b): W1 W~2 = 0 and W2 + W~2 full column rank."""
    return full_column_rank_with_columns_in(W2, linalg.nullspace(W1).kernel)


def _witness_1_thm5(W1, W2) -> Witness:
    """thm-5 (i): W~1 W2 = 0 and W1 + W~1 full column rank (rows of W~1 in N(W2^T))."""
    return full_column_rank_with_rows_in(W1, linalg.left_nullspace(W2).kernel)


def _witness_2_thm5(W1, W2) -> Witness:
    """thm-5 (ii): W1 W~2 = 0 and W2 + W~2 full row rank (transpose of (i))."""
    w = full_column_rank_with_rows_in(W2.transpose(), linalg.nullspace(W1).kernel)
    if w.T is not None:
        return Witness(T=w.T.transpose())
    return w


def decide_pair(W1: fmpq_mat, W2: fmpq_mat, with_obstruction: bool = True) -> PairDecision:
    """Is M(W1, W2) = W1 W2 locally open at (W1, W2) (relative to its range)?

    k >= min(m, n): ``prop-4`` (Behrends 2017, Thm 2.5) -- open iff a witness of (2a) or
    (2b) exists, equivalently condition (3).  k < min(m, n): ``thm-5`` -- open iff rank W1 =
    rank W2 and (i)-(iv) hold.  Returns a :class:`PairDecision` with its certificate.
    """
    F = pair_facts(W1, W2)
    m, k, n = F.m, F.k, F.n
    if k >= min(m, n):
        wa, wb = _witness_1_prop4(W1, W2), _witness_2_prop4(W1, W2)
        c2a, c2b = wa.T is not None, wb.T is not None
        c3a = F.inter.dim <= k - m
        c3b = n - (F.r2 - F.inter.dim) <= k - F.r1
        _agree(c2a, c3a, "prop-4 (2a) witness and dim N(W1)∩C(W2) <= k-m")
        _agree(c2b, c3b, "prop-4 (2b) witness and n-(rank W2 - dim) <= k - rank W1")
        is_open = c2a or c2b
        if is_open:
            which = "(2a): W1 + W~1 has full row rank with W~1 W2 = 0" if c2a else \
                "(2b): W2 + W~2 has full column rank with W1 W~2 = 0"
            reason = f"condition {which}"
        else:
            reason = (f"condition (3) fails: dim N(W1)∩C(W2) = {F.inter.dim} > k-m = {k - m} and "
                      f"n-(rank W2 - dim) = {n - F.r2 + F.inter.dim} > k - rank W1 = {k - F.r1}")
        D = PairDecision(OPEN if is_open else NOT_OPEN, "prop-4", reason, F,
                         {"2a": c2a, "2b": c2b, "3a": c3a, "3b": c3b}, wa.T, wb.T)
    else:
        wi, wii = _witness_1_thm5(W1, W2), _witness_2_thm5(W1, W2)
        ci, cii = wi.T is not None, wii.T is not None
        ciii, civ = F.inter.dim == 0, F.inter_t.dim == 0
        _agree(ci, ciii, "thm-5 (i) witness and (iii)")
        _agree(cii, civ, "thm-5 (ii) witness and (iv)")
        equal = F.r1 == F.r2
        if equal:
            _agree(ciii, civ, "thm-5 (iii) and (iv) at equal ranks (lem-16)")
        is_open = equal and ci
        if not equal:
            reason = f"rank W1 = {F.r1} != rank W2 = {F.r2}"
        elif not ci:
            reason = f"rank W1 = rank W2 = {F.r1} but dim N(W1)∩C(W2) = {F.inter.dim} > 0 (condition iii fails)"
        else:
            reason = f"rank W1 = rank W2 = {F.r1} and N(W1)∩C(W2) = 0 (conditions i-iv hold)"
        D = PairDecision(OPEN if is_open else NOT_OPEN, "thm-5", reason, F,
                         {"equal_ranks": equal, "i": ci, "ii": cii, "iii": ciii, "iv": civ}, wi.T, wii.T)
    D.certificate = openness_certificate(W1, W2, D, with_obstruction)
    return D


def is_locally_open(W1: fmpq_mat, W2: fmpq_mat) -> bool:
    """True iff M(W1, W2) = W1 W2 is locally open at (W1, W2) (prop-4 / thm-5)."""
    return decide_pair(W1, W2, with_obstruction=False).is_open


# ---------------------------------------------------------------------------------------
# Concrete obstruction (k < min(m, n)), generalising rem-1
# ---------------------------------------------------------------------------------------

def obstruction(W1: fmpq_mat, W2: fmpq_mat, facts: "PairFacts | None" = None) -> dict | None:
    """A family of targets Z(δ) = W1 W2 + δ R (δ != 0) of rank k whose preimages all move W1
    (side "W1") or W2 (side "W2") by a fixed amount, or None.

    Side W1: Z(δ) = K (M0 + δ M1) with K m x k of full column rank and M0 + δ M1 of full row
    rank k for δ != 0, so C(Z(δ)) = C(K); any factorisation (W1+A)(W2+B) = Z(δ) has
    C(W1 + A) = C(K).  A vector y with y^T K = 0 then gives y^T A = -y^T W1, hence
    ||A||_F^2 >= ||y^T W1||^2 / ||y||^2 = c > 0.
    """
    F = facts
    for side in ("W1", "W2"):
        A, B = (W1, W2) if side == "W1" else (W2.transpose(), W1.transpose())
        ranks = None if F is None else ((F.r1 if side == "W1" else F.r2), F.rank12)
        ob = _obstruction_one_side(A, B, ranks)
        if ob is not None:
            ob["side"] = side
            if side == "W2":  # R is stated for the pair itself (m x n); K, M0, M1, y for (W2^T, W1^T)
                ob["R"] = mx.to_json(mx.from_json(ob["R"]).transpose())
            return ob
    return None


def separating_vector(K: fmpq_mat, W: fmpq_mat, rows: list[int] | None = None) -> fmpq_mat | None:
    """y with y^T K = 0 and y^T W != 0 (so C(W) is not inside C(K)), or None.

    K has full column rank with K[rows, :] nonsingular; for a row f outside ``rows`` the
    vector y = e_f - (K[rows,:]^{-T} K[f,:]^T on rows) annihilates K.  The first f with
    y^T W != 0 is taken (one small solve per candidate instead of a whole left null space).
    """
    m = K.nrows()
    rows = rows if rows is not None else linalg.nonsingular_minor(K)[0]
    KIt = mx.submatrix(K, rows, None).transpose()
    chosen = set(rows)
    for f in range(m):
        if f in chosen:
            continue
        c = KIt.solve(mx.submatrix(K, [f], None).transpose())  # K[rows,:]^T c = K[f,:]^T
        y = fmpq_mat(m, 1)
        y[f, 0] = 1
        for a, i in enumerate(rows):
            y[i, 0] = -c[a, 0]
        if not mx.is_zero(y.transpose() * W):
            return y
    return None


def _obstruction_one_side(A: fmpq_mat, B: fmpq_mat, ranks: tuple[int, int] | None = None) -> dict | None:
    m, k, n = A.nrows(), A.ncols(), B.ncols()
    if not k < min(m, n):
        return None
    Z0 = A * B
    rA_known, r12_known = ranks if ranks else (None, None)
    zrows, zcols = linalg.nonsingular_minor(Z0, r12_known)
    r12 = len(zcols)
    arows, acols = linalg.nonsingular_minor(A, rA_known)
    rA = len(acols)
    if rA == r12:
        return None
    # basis of C(AB): its pivot columns, each scaled to integers (same span, smaller numbers)
    K1 = mx.integer_rows(mx.submatrix(Z0, None, zcols).transpose())
    K1 = mx.from_rows(K1, m).transpose() if r12 else fmpq_mat(m, 0)
    # coefficients: Z0 = K1 * C0
    C0 = linalg.solve(K1, Z0).X if r12 else fmpq_mat(0, n)
    s = k - r12
    Acols = mx.submatrix(A, None, acols)
    outside = [j for j in _extension_columns(Acols, mx.identity(m))]  # unit vectors outside C(A)
    pool = mx.hstack(mx.unit_columns(m, outside), Acols)
    ext = _extension_columns(K1, pool) if r12 else linalg.rank_profile(pool).cols
    if len(ext) < s:
        return None
    U = mx.submatrix(pool, None, ext[:s])
    K = mx.hstack(K1, U) if r12 else U
    kminor = linalg.nonsingular_minor(K)[0]
    if len(kminor) != k:
        return None
    y = separating_vector(K, A, kminor)
    if y is None:
        return None
    c = mx.frobenius_sq(y.transpose() * A) / mx.frobenius_sq(y)
    Vext = _extension_columns(C0.transpose(), mx.identity(n)) if r12 else list(range(n))
    V = mx.unit_columns(n, Vext[:s]).transpose()  # s x n rows completing row(C0)
    M0 = mx.vstack(C0, fmpq_mat(s, n))
    M1 = mx.vstack(fmpq_mat(r12, n), V)
    R = K * M1
    mcols = linalg.nonsingular_minor(M0 + M1)[1]
    if len(mcols) != k:
        return None
    return {
        "R": mx.to_json(R), "K": mx.to_json(K), "M0": mx.to_json(M0), "M1": mx.to_json(M1),
        "split": r12, "K_minor_rows": kminor, "M_minor_cols": mcols, "y": mx.to_json(y),
        "bound": rational_str(c),
    }


# ---------------------------------------------------------------------------------------
# Certificates
# ---------------------------------------------------------------------------------------

def _witness_json(W: fmpq_mat, S: fmpq_mat) -> dict:
    """Witness W~ and a full-rank minor of S = factor + W~."""
    return witness_evidence(W, *linalg.nonsingular_minor(S))


def openness_certificate(W1: fmpq_mat, W2: fmpq_mat, D: PairDecision, with_obstruction: bool = True) -> dict:
    F = D.facts
    m, k, n = F.m, F.k, F.n
    inputs = {"W1": mx.to_json(W1), "W2": mx.to_json(W2)}
    regime = "k >= min(m,n)" if k >= min(m, n) else "k < min(m,n)"
    ev: dict = {
        "rank_W1": rank_evidence(F.rank1, with_rank=True),
        "rank_W2": rank_evidence(F.rank2, with_rank=True),
        "intersection": intersection_evidence(F.inter, with_basis=True),
        "intersection_T": intersection_evidence(F.inter_t, with_basis=True),
    }
    if D.theorem == "prop-4":
        if D.witness1 is not None:
            ev["witness_2a"] = _witness_json(D.witness1, W1 + D.witness1)
        if D.witness2 is not None:
            ev["witness_2b"] = _witness_json(D.witness2, W2 + D.witness2)
    else:
        if D.witness1 is not None:
            ev["witness_i"] = _witness_json(D.witness1, W1 + D.witness1)
        if D.witness2 is not None:
            ev["witness_ii"] = _witness_json(D.witness2, W2 + D.witness2)
        if not D.is_open and with_obstruction:
            ob = obstruction(W1, W2, F)
            if ob is not None:
                ev["obstruction"] = ob
    verdict_words = "locally open" if D.is_open else "not locally open"
    claim = (f"M(W1, W2) = W1 W2 (W1 {m}x{k}, W2 {k}x{n}, {regime}) is {verdict_words} at (W1, W2)"
             f"{' in its range' if k < min(m, n) else ''}, by {D.theorem}: {D.reason}")
    result = {"verdict": D.verdict, "theorem": D.theorem, "regime": regime, "conditions": D.conditions}
    return envelope("openness", claim, inputs, result, ev, D.theorem)
