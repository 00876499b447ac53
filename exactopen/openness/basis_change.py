"""``lem-14``, ``lem-15``, ``lem-17``: orthogonal changes of basis U, V with U^T W1 W2 V
diagonal (rational SVDs from Cayley transforms), and the ``basis_change`` certificate."""

from __future__ import annotations

from flint import fmpq_mat

from exactopen.certificate import envelope
from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from exactopen.openness.pair import _witness_json, decide_pair

# ---------------------------------------------------------------------------------------
# lem-14, lem-15, lem-17: orthogonal changes of basis (rational SVDs)
# ---------------------------------------------------------------------------------------

def cayley_orthogonal(S: fmpq_mat) -> fmpq_mat:
    """(I - S)(I + S)^{-1} for skew-symmetric rational S: a rational orthogonal matrix."""
    n = S.nrows()
    return (mx.identity(n) - S) * (mx.identity(n) + S).inv()


def basis_change_certificate(U: fmpq_mat, A: fmpq_mat, B: fmpq_mat, V: fmpq_mat) -> dict:
    """lem-14/15/17 on W1 = U A, W2 = B V^T with U, V rational orthogonal and A B diagonal
    (so W1 W2 = U (A B) V^T is a rational SVD up to signs and order).

    Certifies: the verdicts at (W1, W2) and at (U^T W1, W2 V) = (A, B) agree (lem-14); a
    thm-5 witness at (A, B) carried to (W1, W2) by U is again a witness (lem-15); and when
    (i) and (ii) hold, the rows of A and columns of B beyond rank(AB) vanish (lem-17).
    """
    W1, W2 = U * A, B * V.transpose()
    D1, D0 = decide_pair(W1, W2), decide_pair(A, B)
    ev = {"U": mx.to_json(U), "V": mx.to_json(V), "original": D1.certificate, "rotated": D0.certificate}
    res = {"verdicts_agree": D1.verdict == D0.verdict, "verdict": D1.verdict}
    cond = D0.conditions
    if D0.theorem == "thm-5" and D0.witness1 is not None:
        ev["carried_witness_i"] = _witness_json(U * D0.witness1, W1 + U * D0.witness1)
    if D0.theorem == "thm-5" and cond.get("i") and cond.get("ii"):
        res["lem17_rank"] = linalg.rank(A * B)
    claim = (f"W1 = U A, W2 = B V^T with U, V orthogonal and U^T W1 W2 V = A B diagonal: M is "
             f"{D1.verdict.replace('_', ' ')} at (W1, W2) and at (U^T W1, W2 V) (lem-14)")
    if "carried_witness_i" in ev:
        claim += "; U W~1 is a witness of (i) at (W1, W2) (lem-15)"
    if "lem17_rank" in res:
        claim += "; rows of U^T W1 and columns of W2 V beyond rank W1W2 vanish (lem-17)"
    return envelope("basis_change", claim, {"W1": mx.to_json(W1), "W2": mx.to_json(W2)}, res, ev, "lem-14")
