"""What kind of point W is for the loss of a deep linear network, with a certificate
(claims thm-8, cor-9, lem-10, lem-11, lem-19, thm-12).

:func:`classify_critical_point` tries, in order: ``not_critical``, ``global_minimum``,
``strict_saddle``, ``higher_order_saddle``, ``local_minimum_not_global`` (two-layer weighted
losses only: the exact gauge-slice proof of :mod:`exactopen.landscape.local_min` plus a lower
rational point), ``undecided``; the checker (:mod:`exactopen.kernel.landscape`) re-verifies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exactopen.exact import linalg
from exactopen.exact.numbers import rational_str
from exactopen.landscape import descent, gauge, global_min, local_min
from exactopen.landscape.network import (
    Network,
    chain_product,
    curve_json,
    point_certificate,
)
from exactopen.openness.chain import decide_chain
from exactopen.openness.pair import OPEN

# ---------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------

@dataclass
class Classification:
    verdict: str
    certificate: dict
    reason: str = ""
    details: dict = field(default_factory=dict)


def _descent_evidence(net: Network, found) -> dict:
    return {"curve": curve_json(found.curve), "witness_t": rational_str(found.t0)}


def _descent_result(net: Network, found) -> dict:
    m = found.order
    return {"descent_order": m, "descent_coefficient": rational_str(found.poly[m]),
            "witness_loss": rational_str(found.witness_loss), "non_global": True}


def classify_critical_point(net: Network, *, exact_hessian_limit: int = 160,
                            claim_id: str | None = None, search_effort: int = 2,
                            bases: tuple | None = None) -> Classification:
    """Decide what kind of point ``net.layers`` is, with a certificate (thm-8, cor-9, lem-19).

    Order: not_critical -> global_minimum (function-space stationarity, or the Ky Fan bound of
    lem-7 / thm-8 for the square loss) -> strict_saddle (negative curvature: exact LDL^T of the
    Hessian when it has at most ``exact_hessian_limit`` rows, numeric Lanczos re-checked
    exactly otherwise) -> higher_order_saddle (exact PSD Hessian plus a polynomial descent
    curve, lem-19 / ex-intro; above ``exact_hessian_limit`` parameters the PSD proof is the
    gauge split of :mod:`exactopen.landscape.gauge`, tried first: no size cap) -> local_minimum_not_global (h = 2, weighted loss, at most
    ``exact_hessian_limit`` parameters: PSD Hessian whose null space is the gauge orbit's
    tangent space, plus an exact lower point; :mod:`exactopen.landscape.local_min`) ->
    undecided (with the reason).  ``bases``: (U_0..U_h, T_0..T_h) proposed for the gauge split
    (:func:`exactopen.landscape.gauge.gauge_split`), e.g. by the nearby problem of ``validate``.
    """
    g = net.first_nonzero_gradient()
    if g is not None:
        k, i, j, v = g
        cert = point_certificate(net, "not_critical", {"gradient_value": rational_str(v)},
                         {"gradient_entry": {"layer": k + 1, "row": i, "col": j}}, claim_id)
        return Classification("not_critical", cert, details={"entry": (k + 1, i, j, v)})

    bound = global_min.global_certificate(net)
    if bound is not None:
        cert = point_certificate(net, "global_minimum", {"min_value": rational_str(net.loss())},
                         {"lower_bound": bound}, claim_id or "lem-7")
        return Classification("global_minimum", cert, details={"method": bound["method"]})

    # negative curvature
    psd_proved = False
    neg = None
    split = None
    if net.nparams > exact_hessian_limit and net.weights is None:
        # the gauge split (exactopen.landscape.gauge): the Hessian at a gauge-changed point,
        # sparse, proved PSD block by block; no negative curvature then exists
        ev, psd, D = gauge.gauge_split(net, bases=bases)
        if psd:
            psd_proved, split = True, ev
        elif D is not None:
            neg = descent.finalize(net, [(1, D)], require_order=2)
    if not psd_proved and neg is None:
        neg = descent.numeric_negative_curvature(net)
    if neg is None and not psd_proved and net.nparams <= exact_hessian_limit:
        neg, psd_proved = descent.exact_negative_curvature(net)
    if neg is None and not psd_proved:
        neg = descent.structured_negative_curvature(net)
    if neg is not None:
        cert = point_certificate(net, "strict_saddle", _descent_result(net, neg), _descent_evidence(net, neg),
                         claim_id or "thm-8")
        return Classification("strict_saddle", cert)

    found = descent.search_descent_curve(net, effort=search_effort)
    if found is not None and psd_proved:
        evidence = _descent_evidence(net, found)
        if split is not None:
            evidence["hessian_split"] = split
        cert = point_certificate(net, "higher_order_saddle", {**_descent_result(net, found), "hessian_psd": True},
                         evidence, claim_id or "lem-19")
        return Classification("higher_order_saddle", cert)
    if found is not None:
        reason = (f"descent curve certified (not a local minimum) but the Hessian ({net.nparams} "
                  f"parameters) is too large to certify PSD exactly, so the saddle's order is not decided")
        cert = point_certificate(net, "undecided", {**_descent_result(net, found), "not_local_minimum": True},
                         _descent_evidence(net, found), claim_id)
        return Classification("undecided", cert, reason=reason)
    lm_note = ""
    if net.h == 2 and net.weights is not None and net.nparams <= exact_hessian_limit:
        lm = local_min.local_minimum_certificate(net, claim_id=claim_id)
        if lm.certificate is not None:
            return Classification("local_minimum_not_global", lm.certificate,
                                  details={"hessian_rank": lm.morse_bott.hessian_rank})
        lm_note = f"; gauge-slice local-minimum test: {lm.reason}"
    reason = ("critical point; no global-minimum certificate (the point may be non-global or the "
              "bound not rational), no negative curvature" + (" (Hessian PSD, exact)" if psd_proved else
                                                             " found numerically")
              + ", and the descent-curve search found no curve")
    if net.weights is not None:
        reason += "; weighted loss: global optimality is not certified beyond stationarity"
    reason += lm_note
    cert = point_certificate(net, "undecided", {"hessian_psd": True} if psd_proved and split is None else {}, {},
                             claim_id)
    return Classification("undecided", cert, reason=reason)


def nondegenerate_openness_certificate(layers) -> dict | None:
    """lem-10: if rank(W_h..W_1) = min_i d_i, the product map is locally open at W.

    Returns the chain certificate of :func:`exactopen.openness.pair.decide_chain` (rank evidence
    of the product), or None when W is degenerate.  With lem-11 this is the paper's route to
    "a non-degenerate local minimum is global".
    """
    if len(layers) == 1:
        return None
    dims = [layers[0].ncols()] + [W.nrows() for W in layers]
    P = chain_product(layers, layers[0].ncols())
    if linalg.rank(P) != min(dims):
        return None
    verdict, _reason, cert = decide_chain(list(layers))
    return cert if verdict == OPEN else None
