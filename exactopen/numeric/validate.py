"""What float weights from numpy or PyTorch training prove, exactly: the orchestration of
``exactopen validate`` (certificate kind ``validate_network``, claim id lem-7;
thm-8 and lem-19 through the embedded classification of the snapped point).

The loss is L(W) = 1/2 |W_h ... W_1 X - Y|_F^2.  Floats are converted exactly (every float is
a dyadic rational, :mod:`exactopen.exact.floats`), so "the user's point" W is an exact
rational point; a float point is (practically) never exactly critical, so the verdicts are
about W and about exact points near it, with every distance stated:

* epsilon-stationarity: |grad L(W)|^2 exactly (a rational, also printed as a float);
* epsilon-global optimality: exact bounds LB <= min L <= UB (lem-7's minimum over rank <= r,
  bounded by Ky Fan with a Schur-complement PSD certificate: :mod:`exactopen.numeric.bounds`);
  L(W) - LB is the certified gap;
* a lower point near W (:mod:`exactopen.numeric.escape`): an exact rational point Z with
  L(Z) < L(W), |Z - W| = rho, from the snapped point's certified descent curve (strict or
  higher-order saddle, thm-8 / lem-19) or from a numeric negative-curvature direction at W
  re-checked exactly -- it shows that the minimum of L over the ball of radius rho around W
  is at least Delta below L(W);
* snapping (``--snap TOL``): W' = the simplest rationals within TOL of W's entries
  (:mod:`exactopen.exact.snap`), classified exactly as by ``exactopen classify`` (the
  embedded landscape_point certificate, which names its own claim), with the exact distance
  |W - W'|.

Reading the weights is :mod:`exactopen.inputs` (``load_problem``; ``network_from_arrays`` in :mod:`exactopen.landscape.network`);
the progress bar is :mod:`exactopen.numeric.progress`.  Everything the numeric helpers produce
is re-checked exactly here and again by the checker (``validate_network`` kind) before a
verdict is printed.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from flint import fmpq

from exactopen.errors import InputError
from exactopen.exact import matrix as mx
from exactopen.exact.floats import float_of
from exactopen.exact.numbers import parse_rational, rational_str
from exactopen.landscape.network import Network
from exactopen.numeric.bounds import global_lower_bound
from exactopen.numeric.escape import descent_from_curve, descent_numeric
from exactopen.numeric.progress import Progress


@dataclass
class Validation:
    certificate: dict
    lines: list
    summary: dict
    timings: dict = field(default_factory=dict)


_FLOAT_LIMIT = fmpq(10) ** 300


def validate(net: Network, snap_tol=None, snap_den: int | None = None, eps_global=None,
             progress: Progress | None = None, always_descent: bool = False,
             radius: float | None = None) -> Validation:
    """Everything the point W = net.layers proves (see the module docstring), as one
    ``validate_network`` certificate with human lines and a JSON summary."""
    from exactopen.certificate import envelope
    from exactopen.exact.snap import distance_sq, snap_matrix
    from exactopen.landscape.classify import classify_critical_point

    prog = progress or Progress(4, enabled=False)
    timings = {}
    t = time.perf_counter()
    L0 = net.loss()
    g2 = sum((mx.frobenius_sq(G) for G in net.gradient()), fmpq(0))
    for what, v in (("the loss L(W)", L0), ("|grad L(W)|^2", g2), ("|Y|^2", mx.frobenius_sq(net.Y))):
        if abs(v) > _FLOAT_LIMIT:  # the numeric search and the summary compute in floats
            raise InputError(f"{what} at these weights is about 1e{len(str(v.p // v.q)) - 1}: too large for "
                             f"validate's floating-point search (at most 1e300)")
    timings["loss_gradient"] = time.perf_counter() - t
    prog.step("loss and gradient")
    result = {"loss": rational_str(L0), "gradient_norm_sq": rational_str(g2),
              "global": None, "descent": None, "snap": None}
    evidence: dict = {}
    yscale = float_of(mx.frobenius_sq(net.Y)) / 2
    eps = eps_global if eps_global is not None else 1e-6 * max(yscale, 1e-300)
    lines = [f"L(W) = {float_of(L0):.10g} at your weights (exact value in the certificate)",
             f"|grad L(W)| = {math.sqrt(float_of(g2)):.3g}: W is epsilon-stationary with epsilon = "
             f"{math.sqrt(float_of(g2)):.3g}"
             + (" (exactly critical)" if g2 == 0 else "; not exactly critical, so not a local minimum"
                " (a gradient step lowers L)")]
    summary = {"loss": float_of(L0), "gradient_norm": math.sqrt(float_of(g2))}

    t = time.perf_counter()
    gl = global_lower_bound(net)
    timings["global_bound"] = time.perf_counter() - t
    prog.step("global lower bound")
    near_global = False
    if gl is not None:
        result["global"], evidence["global"] = gl
        gap = float_of(parse_rational(gl[0]["gap"]))
        near_global = gap <= eps
        summary["global_gap"] = gap
        lb, ub = float_of(parse_rational(gl[0]["lower_bound"])), float_of(parse_rational(gl[0]["upper_bound"]))
        gap_lo = float_of(parse_rational(gl[0]["gap_lower"]))
        summary["global_gap_lower"] = gap_lo
        lines.append(f"min L lies in [{lb:.10g}, {ub:.10g}] (exact lower bound; an exact network point "
                     f"attains the upper one), so "
                     + (f"{gap_lo:.3g} <= " if gap_lo > 0 else "")
                     + f"L(W) - min L <= {gap:.3g}"
                     + (f": W is epsilon-global with epsilon = {gap:.3g}" if near_global else
                        (": W is certainly not near-global" if gap_lo > eps else "")))
    else:
        lines.append("no global lower bound (weighted loss, or the dual certificate was not found)")

    snapped_cls, snapped_net, d2 = None, None, None
    t = time.perf_counter()
    if snap_tol is not None or snap_den is not None:
        Ws2 = [snap_matrix(W, snap_tol, snap_den) for W in net.layers]
        snapped_net = net.with_layers(Ws2)
        snapped_cls = classify_critical_point(snapped_net)
        d2 = distance_sq(net.layers, Ws2)
        result["snap"] = {"distance_sq": rational_str(d2), "verdict": snapped_cls.verdict,
                          "tolerance": None if snap_tol is None else rational_str(fmpq(snap_tol.numerator,
                                                                                        snap_tol.denominator)),
                          "max_denominator": snap_den}
        evidence["snap"] = {"certificate": snapped_cls.certificate}
        summary["snap"] = {"distance": math.sqrt(float_of(d2)), "verdict": snapped_cls.verdict}
        lines.append(f"snapped point W' (entries: simplest rationals within the tolerance) at distance "
                     f"{math.sqrt(float_of(d2)):.3g} from W: {snapped_cls.verdict.replace('_', ' ')}"
                     f" (exact, as in 'exactopen classify')")
        if snapped_cls.reason:
            lines.append(f"  reason: {snapped_cls.reason}")
    timings["snap_classify"] = time.perf_counter() - t
    prog.step("snap and classify")

    t = time.perf_counter()
    if always_descent or not near_global:
        part, how = None, ""
        if snapped_cls is not None and "curve" in snapped_cls.certificate["evidence"]:
            part = descent_from_curve(net, snapped_net, snapped_cls.certificate, radius)
            how = "on the snapped point's certified descent curve"
        if part is None:
            num = descent_numeric(net, radius)
            if num is not None:
                part = num[:2]
                how = (f"along a negative-curvature direction at W (numeric lambda_min ~ {num[2]:.3g}, "
                       f"re-checked exactly)" if num[2] < 0 else "along the negative gradient")
        if part is not None:
            result["descent"], evidence["descent"] = part
            rho = math.sqrt(float_of(parse_rational(part[0]["distance_sq"])))
            dec = float_of(parse_rational(part[0]["decrease"]))
            summary["descent"] = {"distance": rho, "decrease": dec}
            lines.append(f"a point at distance {rho:.3g} from W has loss lower by {dec:.3g} ({how}); "
                         f"first-order scale |grad L(W)| * rho = {math.sqrt(float_of(g2)) * rho:.3g}")
    timings["descent"] = time.perf_counter() - t
    prog.step("descent witness")

    lines.append("summary: " + practitioner_summary(summary))
    summary["text"] = practitioner_summary(summary)
    claim = _claim(net, result)
    cert = envelope("validate_network", claim, net.inputs_json(), result, {k: v for k, v in evidence.items()},
                    "lem-7")
    return Validation(cert, lines, summary, timings)


def practitioner_summary(s: dict) -> str:
    parts = []
    if "snap" in s:
        parts.append(f"your point is within {s['snap']['distance']:.3g} of an exact "
                     f"{s['snap']['verdict'].replace('_', ' ')}")
    if "global_gap" in s and s.get("descent") is None:
        parts.append(f"its loss is within {s['global_gap']:.3g} of the global minimum value")
    elif s.get("global_gap_lower", 0) > 0:
        parts.append(f"its loss is at least {s['global_gap_lower']:.3g} above the global minimum value")
    if s.get("descent"):
        parts.append(f"a point at distance {s['descent']['distance']:.3g} has loss lower by "
                     f"{s['descent']['decrease']:.3g}")
    parts.append(f"gradient norm {s['gradient_norm']:.3g}")
    return "; ".join(parts)


def _claim(net: Network, result: dict) -> str:
    d = "(" + ",".join(map(str, net.widths)) + ")"
    out = [(f"for the linear network with widths {d} at the point W (exact value of the given floats) and "
            f"L(W) = 1/2 |W_h..W_1 X - Y|_F^2: L(W) and |grad L(W)|^2 are the stated rationals")]
    if result["global"] is not None:
        out.append("lower_bound <= min L <= upper_bound (attained at evidence.global.point), so "
                   "gap_lower <= L(W) - min L <= gap")
    if result["descent"] is not None:
        out.append("the point in evidence.descent lies at squared distance distance_sq from W and has loss "
                   "L(W) - decrease")
    if result["snap"] is not None:
        out.append("the snapped point W' of the embedded certificate lies at squared distance distance_sq "
                   "from W and is classified as stated")
    return "; ".join(out)
