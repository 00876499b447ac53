"""Exact preimages of targets near W1 W2: (W1 + D1)(W2 + D2) = Z (``prop-18`` for
k < min(m, n), ``prop-4``'s witnesses otherwise), with the ``lifting`` certificate."""

from __future__ import annotations

from dataclasses import dataclass, field

from flint import fmpq, fmpq_mat

from exactopen.certificate import envelope
from exactopen.errors import InputError
from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from exactopen.exact.numbers import rational_str
from exactopen.openness.pair import PairDecision, decide_pair

# ---------------------------------------------------------------------------------------
# Lifting: exact preimages of targets near W1 W2 (prop-18, prop-4)
# ---------------------------------------------------------------------------------------

def approx_sqrt(q: fmpq, bits: int = 20) -> fmpq:
    """A positive rational close to sqrt(q) (exact integer arithmetic; only a choice of scale)."""
    from math import isqrt

    if q <= 0:
        return fmpq(1)
    p, d = int(q.p), int(q.q)
    s = isqrt((p << (2 * bits)) // d)
    return fmpq(max(s, 1), 1 << bits)


def _balanced(X: fmpq_mat, Y: fmpq_mat) -> tuple[fmpq_mat, fmpq_mat]:
    """(cX, Y/c) with ||cX|| ~ ||Y/c||: the same product, balanced sizes."""
    nx, ny = mx.frobenius_sq(X), mx.frobenius_sq(Y)
    if nx == 0 or ny == 0:
        return X, Y
    c = approx_sqrt(approx_sqrt(ny / nx))
    return X * c, Y * (1 / c)


def _rank_bound(m: int, k: int, n: int) -> int:
    return min(m, k, n)


@dataclass
class Lifting:
    D1: fmpq_mat
    D2: fmpq_mat
    method: str
    certificate: dict = field(default_factory=dict, repr=False)


def lift(W1: fmpq_mat, W2: fmpq_mat, Z: fmpq_mat, decision: PairDecision | None = None) -> Lifting:
    """Exact D1, D2 with (W1 + D1)(W2 + D2) = Z for a target Z in the range near W1 W2.

    k < min(m, n) (``prop-18``): in the basis P = [C(W2) basis | N(W1) basis] of R^k,
    W1 P = [F, 0] and P^{-1} W2 = [G; 0] with F, G of full rank r.  The target splits as
    Z = Z[:,J] Z[I,J]^{-1} Z[I,:] + S (skeleton on a nonsingular r x r minor of F G, plus
    the Schur complement S of rank <= k - r); the first part lifts (F, G) linearly, S is
    factored into the k - r free directions (a square-root rate when S != 0).
    This is an exact, SVD-free variant of the paper's construction.
    k >= min(m, n) (``prop-4``): move along the witness W1 + t W~1 (full row rank for small
    t != 0, same product) and solve for W2 with a right inverse (or the transpose).
    """
    m, k, n = W1.nrows(), W1.ncols(), W2.ncols()
    if (Z.nrows(), Z.ncols()) != (m, n):
        raise InputError(f"target Z must be {m}x{n}, is {Z.nrows()}x{Z.ncols()}")
    D = decision or decide_pair(W1, W2, with_obstruction=False)
    if not D.is_open:
        raise InputError(f"M is not locally open at (W1, W2) ({D.reason}); no lifting is promised")
    if linalg.rank(Z) > _rank_bound(m, k, n):
        raise InputError(f"target Z has rank > min(m, k, n) = {_rank_bound(m, k, n)}: not in the range of M")
    if D.theorem == "thm-5":
        D1, D2, method = _lift_thm5(W1, W2, Z, D.facts.r1)
    else:
        D1, D2, method = _lift_prop4(W1, W2, Z, D)
    L = Lifting(D1, D2, method)
    L.certificate = lifting_certificate(W1, W2, Z, L, "prop-18" if D.theorem == "thm-5" else "prop-4")
    return L


def _lift_thm5(W1, W2, Z, r):
    m, k, n = W1.nrows(), W1.ncols(), W2.ncols()
    J2 = linalg.rank_profile(W2).cols
    C2 = mx.submatrix(W2, None, J2)
    N1 = linalg.nullspace(W1).kernel
    P = mx.hstack(C2, N1) if r else N1
    Pinv = P.inv()
    F = W1 * C2 if r else fmpq_mat(m, 0)
    top = Pinv * W2
    G = mx.submatrix(top, list(range(r)), None)
    if r:
        I = linalg.independent_rows(F)
        J = linalg.rank_profile(G).cols
        ZIJ = mx.submatrix(Z, I, J)
        if ZIJ.det() == 0:
            raise InputError("target Z is too far from W1 W2 for the construction (its minor Z[I,J] is singular)")
        Fn = mx.submatrix(Z, None, J) * mx.submatrix(G, None, J).inv()
        Gn = mx.submatrix(G, None, J) * ZIJ.inv() * mx.submatrix(Z, I, None)
        Z1 = Fn * Gn
    else:
        Fn, Gn, Z1 = fmpq_mat(m, 0), fmpq_mat(0, n), fmpq_mat(m, n)
    S = Z - Z1
    PS = linalg.rank_profile(S)
    s = PS.rank
    if s > k - r:
        raise InputError("target Z is not in the range of M (rank too large)")
    X2, Y2 = fmpq_mat(m, k - r), fmpq_mat(k - r, n)
    if s:
        X = mx.submatrix(S, None, PS.cols)
        Y = mx.submatrix(S, PS.rows, PS.cols).inv() * mx.submatrix(S, PS.rows, None)
        X, Y = _balanced(X, Y)
        for i in range(m):
            for j in range(s):
                X2[i, j] = X[i, j]
        for i in range(s):
            for j in range(n):
                Y2[i, j] = Y[i, j]
    W1n = (mx.hstack(Fn, X2) if r else X2) * Pinv
    W2n = P * (mx.vstack(Gn, Y2) if r else Y2)
    return W1n - W1, W2n - W2, "prop-18 (skeleton + Schur complement)"


def _lift_prop4(W1, W2, Z, D: PairDecision):
    E = Z - W1 * W2
    if mx.is_zero(E):
        return fmpq_mat(W1.nrows(), W1.ncols()), fmpq_mat(W2.nrows(), W2.ncols()), "target is W1 W2"
    transpose = D.witness1 is None
    if transpose:  # use (2b) on the transposed problem: Z^T = W2^T W1^T
        A, Wt, E = W2.transpose(), D.witness2.transpose(), E.transpose()
    else:
        A, Wt = W1, D.witness1
    best = None
    for j in [None] + list(range(0, 64)):
        t = fmpq(0) if j is None else fmpq(1, 2 ** j)
        At = A + Wt * t
        AAt = At * At.transpose()
        if AAt.det() == 0:
            continue
        D2 = At.transpose() * AAt.solve(E)
        cost = max(mx.frobenius_sq(Wt * t), mx.frobenius_sq(D2))
        if best is None or cost < best[0]:
            best = (cost, Wt * t, D2, j)
        elif j is not None and best[3] is not None and j > best[3] + 3:
            break
        if j is None:
            break  # A itself has full row rank: t = 0 is best (linear rate)
    if best is None:
        raise InputError("internal: no full-row-rank point on the witness line (bug)")
    _, D1, D2, _ = best
    if transpose:
        D1, D2 = D2.transpose(), D1.transpose()
    return D1, D2, "prop-4 witness line + right inverse"


def lifting_certificate(W1, W2, Z, L: Lifting, claim_id: str) -> dict:
    n1, n2 = mx.frobenius_sq(L.D1), mx.frobenius_sq(L.D2)
    e = mx.frobenius_sq(Z - W1 * W2)
    claim = (f"(W1 + D1)(W2 + D2) = Z with ||D1||_F^2 = {rational_str(n1)}, ||D2||_F^2 = {rational_str(n2)}, "
             f"||Z - W1 W2||_F^2 = {rational_str(e)} ({L.method})")
    return envelope("lifting", claim, {"W1": mx.to_json(W1), "W2": mx.to_json(W2), "Z": mx.to_json(Z)},
                    {"D1": mx.to_json(L.D1), "D2": mx.to_json(L.D2),
                     "norm2_D1": rational_str(n1), "norm2_D2": rational_str(n2), "norm2_target": rational_str(e)},
                    {}, claim_id)
