"""``lem-13``: a row basis B of V with V[B^c] = A V[B] and max |A_ij| <= 2^(m-r-1)
(``row_basis_bound`` certificate)."""

from __future__ import annotations

from flint import fmpq_mat

from exactopen.certificate import envelope, rank_evidence
from exactopen.errors import InputError
from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from exactopen.exact.numbers import rational_str

# ---------------------------------------------------------------------------------------
# lem-13: bounded-coefficient row basis
# ---------------------------------------------------------------------------------------

def bounded_row_basis(V: fmpq_mat) -> tuple[list[int], fmpq_mat]:
    """Rows B (r of them) and A with V[B^c] = A V[B] and max |A_ij| <= 1 (``lem-13``).

    Start from any row basis; while some |A_ij| > 1, exchange basis row j for row i: the
    volume |det| of a maximal minor grows by the factor |A_ij|, so this terminates; at the
    end every coefficient is at most 1, within the lemma's bound 2^(m-r-1).
    """
    m = V.nrows()
    B = sorted(linalg.independent_rows(V))
    r = len(B)
    while True:
        Bc = [i for i in range(m) if i not in set(B)]
        VB = mx.submatrix(V, B, None)
        A = _coefficients(V, B, Bc, VB)
        worst = None
        for i in range(len(Bc)):
            for j in range(r):
                if abs(A[i, j]) > 1 and (worst is None or abs(A[i, j]) > worst[0]):
                    worst = (abs(A[i, j]), i, j)
        if worst is None:
            return B, A
        _, i, j = worst
        B = sorted(B[:j] + B[j + 1:] + [Bc[i]])


def _coefficients(V, B, Bc, VB) -> fmpq_mat:
    if not Bc or not B:
        return fmpq_mat(len(Bc), len(B))
    cols = linalg.rank_profile(VB).cols
    # A VB = V[Bc]  <=>  VB^T A^T = V[Bc]^T ; solve on the independent columns
    M = mx.submatrix(VB, None, cols).transpose()
    return M.solve(mx.submatrix(V, Bc, cols).transpose()).transpose()


def row_basis_certificate(V: fmpq_mat) -> dict:
    m = V.nrows()
    ev = linalg.rank_evidence(V)
    r = ev.rank
    if r >= m:
        raise InputError(f"lem-13 needs rank V < number of rows (rank {r}, {m} rows)")
    B, A = bounded_row_basis(V)
    Bc = [i for i in range(m) if i not in set(B)]
    bound = 2 ** (m - r - 1)
    cols = linalg.rank_profile(mx.submatrix(V, B, None)).cols
    mx_abs = mx.max_abs(A)
    claim = (f"rank V = {r} < m = {m}; rows B = {B} give V[B^c] = A V[B] with max |A_ij| = "
             f"{rational_str(mx_abs)} <= 2^(m-r-1) = {bound}")
    return envelope("row_basis_bound", claim, {"V": mx.to_json(V)},
                    {"rank": r, "B": B, "A": mx.to_json(A), "max_abs": rational_str(mx_abs), "bound": str(bound)},
                    {"rank_V": rank_evidence(ev), "B_minor_cols": cols, "complement": Bc}, "lem-13")
