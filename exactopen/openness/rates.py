"""``thm-5-delta``: how far the factors must move to reach a target at distance δ: the
square-root lower bound at pairs with rank-deficient factors (``perturbation_lower_bound``
certificate) and a table of exact preimage sizes for a sequence of targets."""

from __future__ import annotations

from flint import fmpq, fmpq_mat

from exactopen.certificate import envelope, rank_evidence
from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from exactopen.openness.lifting import lift
from exactopen.openness.pair import PairDecision, decide_pair

# ---------------------------------------------------------------------------------------
# thm-5-delta: perturbation size versus target distance
# ---------------------------------------------------------------------------------------

def sqrt_rate_witness(W1: fmpq_mat, W2: fmpq_mat) -> dict | None:
    """u, v with u^T W1 = 0, W2 v = 0 and rank W1W2 < min(m,k,n), or None (``thm-5-delta``).

    Then Z(δ) = W1 W2 + δ u v^T is in the range and every preimage (W1+A)(W2+B) = Z(δ) has
    ||A||_F ||B||_F >= |u^T A B v| / (|u| |v|) = δ |u| |v| = ||Z(δ) - W1 W2||_F, so the
    perturbation needed for a target at distance η is at least sqrt(η): δ(ε) <= ε^2.
    """
    m, k, n = W1.nrows(), W1.ncols(), W2.ncols()
    P12 = linalg.rank_evidence(W1 * W2)
    if P12.rank + 1 > min(m, k, n):
        return None
    Lu = linalg.left_nullspace(W1).kernel
    Nv = linalg.nullspace(W2).kernel
    if Lu.ncols() == 0 or Nv.ncols() == 0:
        return None
    u, v = mx.submatrix(Lu, None, [0]), mx.submatrix(Nv, None, [0])
    return {"u": mx.to_json(u), "v": mx.to_json(v), "rank_W1W2": rank_evidence(P12, with_rank=True)}


def sqrt_rate_certificate(W1: fmpq_mat, W2: fmpq_mat, D: PairDecision | None = None) -> dict | None:
    """Certificate that at (W1, W2) the perturbation needed grows like sqrt(distance)."""
    D = D or decide_pair(W1, W2)
    w = sqrt_rate_witness(W1, W2) if D.is_open else None
    if w is None:
        return None
    claim = ("every preimage (W1+A)(W2+B) of the in-range target Z(δ) = W1W2 + δ u v^T has "
             "||A||_F ||B||_F >= ||Z(δ) - W1W2||_F, so max(||A||,||B||) >= sqrt(distance): "
             "M is locally open at (W1, W2) but δ = O(ε) fails there (δ <= ε^2)")
    return envelope("perturbation_lower_bound", claim, {"W1": mx.to_json(W1), "W2": mx.to_json(W2)},
                    {"exponent": "1/2", "openness": D.verdict}, {**w, "openness_certificate": D.certificate},
                    "thm-5-delta")


def perturbation_table(W1: fmpq_mat, W2: fmpq_mat, R: fmpq_mat, exponents=range(1, 9)) -> list[dict]:
    """Lift Z = W1W2 + 10^-j R exactly for each j; rows with the distance and perturbation sizes."""
    import math

    rows = []
    D = decide_pair(W1, W2, with_obstruction=False)
    for j in exponents:
        Z = W1 * W2 + R * fmpq(1, 10 ** j)
        L = lift(W1, W2, Z, D)
        dist = math.sqrt(float(mx.frobenius_sq(Z - W1 * W2)))
        eps = math.sqrt(float(max(mx.frobenius_sq(L.D1), mx.frobenius_sq(L.D2))))
        rows.append({"j": j, "distance": dist, "perturbation": eps, "lifting": L})
    for a, b in zip(rows, rows[1:]):
        if a["perturbation"] > 0 and b["perturbation"] > 0:
            b["rate"] = math.log(b["perturbation"] / a["perturbation"]) / math.log(b["distance"] / a["distance"])
    return rows
