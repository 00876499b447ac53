"""``lem-10``: local openness of the chain (W_1, ..., W_h) -> W_h ... W_1 at non-degenerate
points (``chain_openness`` certificate)."""

from __future__ import annotations

from flint import fmpq_mat

from exactopen.certificate import envelope, rank_evidence
from exactopen.errors import InputError
from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from exactopen.openness.pair import decide_pair
from exactopen.openness.verdicts import OPEN

# ---------------------------------------------------------------------------------------
# lem-10: chains W_h ... W_1
# ---------------------------------------------------------------------------------------

def decide_chain(layers: list[fmpq_mat]) -> tuple[str, str, dict]:
    """Local openness of (W_1, ..., W_h) -> W_h ... W_1 (``lem-10``), input layer first.

    Non-degenerate (rank of the product = min_i d_i): locally open by lem-10.  h = 2: the
    pair decision (thm-5 / prop-4) is exact.  Otherwise: undetermined (lem-10 is only
    sufficient, and no other result of the paper decides degenerate chains).
    Returns (verdict, reason, certificate).
    """
    for i in range(1, len(layers)):
        if layers[i].ncols() != layers[i - 1].nrows():
            raise InputError(f"shape mismatch: layer {i} is {layers[i-1].nrows()}x{layers[i-1].ncols()}, "
                             f"layer {i + 1} is {layers[i].nrows()}x{layers[i].ncols()} (need cols = previous rows)")
    if len(layers) == 2:
        D = decide_pair(layers[1], layers[0])
        return D.verdict, f"h = 2: the pair (W2, W1), {D.theorem}: {D.reason}", D.certificate
    dims = [layers[0].ncols()] + [W.nrows() for W in layers]
    P = layers[-1]
    for W in reversed(layers[:-1]):
        P = P * W
    ev = linalg.rank_evidence(P)
    dmin = min(dims)
    if ev.rank == dmin:
        verdict, reason = OPEN, f"non-degenerate: rank(W_h...W_1) = {ev.rank} = min_i d_i"
    else:
        verdict = "undetermined"
        reason = (f"degenerate: rank(W_h...W_1) = {ev.rank} < min_i d_i = {dmin}; lem-10 does not apply "
                  "and the paper has no criterion for degenerate chains with h >= 3")
    claim = f"the product map of widths {dims} is {verdict.replace('_', ' ')} at W: {reason}"
    cert = envelope("chain_openness", claim, {"layers": [mx.to_json(W) for W in layers]},
                    {"verdict": verdict, "widths": dims, "rank": ev.rank},
                    {"rank_product": rank_evidence(ev)}, "lem-10")
    return verdict, reason, cert
