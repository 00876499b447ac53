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
* a lower point near W, the escape (:mod:`exactopen.numeric.escape`): an exact rational point
  Z with L(Z) < L(W), |Z - W| = rho <= the stated radius, the candidate with the largest
  certified decrease among the best step on the snapped (or nearby) point's certified descent
  curve (strict or higher-order saddle, thm-8 / lem-19), the rank-one escape along the
  residual's top direction, or a numeric negative-curvature direction at W, re-checked exactly
  -- it shows that the minimum of L over the ball of radius rho around W is at least Delta below
  L(W); reported as "escape: loss L -> L' (-x %) at distance rho";
* the nearest exact critical point it can find: W itself when its gradient is exactly zero;
  otherwise W' = the simplest rationals within a tolerance of W's entries (``--snap TOL``, or
  tolerances 10^-8 .. 10^-1 tried in turn, relative to the largest weight), kept when its
  gradient is exactly zero, and classified exactly as by ``exactopen classify`` (the embedded
  landscape_point certificate, which names its own claim), with the exact distance |W - W'|;
* when snapping finds none and the gradient is small: an exact critical point W' of a *nearby
  problem* (:mod:`exactopen.numeric.nearby`; the exact saddle near a stalled run generally has
  irrational coordinates): rank-r layers of simple rationals, the data X' = X (or rounded) and
  Y' = Y + D with D chosen so that W' is exactly critical, classified exactly (the embedded
  certificate ``evidence.nearby``), with the exact distances |W - W'|, |X - X'|, |Y - Y'|; its
  descent curve proposes the lower point, whose loss is computed on the ORIGINAL data.

The headline :data:`VERDICTS`, decided in this order: ``exact_global_minimum`` /
``exact_saddle`` / ``exact_critical_point`` (W's gradient is exactly zero: its exact class);
``near_global_minimum`` (certified L(W) - min L <= eps, or W is within the stated distance of
an exact global minimum); ``near_saddle`` (W is within the stated distance of an exact saddle,
of the same problem or of the nearby one, whose data changes are stated with it);
``near_critical`` (|grad L(W)| <= the stated threshold but no exact saddle found nearby, or W is
within the stated distance of an exact critical point of undecided type of the nearby problem);
``not_near_critical`` (otherwise).

Reading the weights is :mod:`exactopen.inputs` (``load_problem``; ``network_from_arrays`` in :mod:`exactopen.landscape.network`);
the progress bar is :mod:`exactopen.numeric.progress`.  Everything the numeric helpers produce
is re-checked exactly here and again by the checker (``validate_network`` kind) before a
verdict is printed.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from flint import fmpq

from exactopen.errors import InputError
from exactopen.exact import matrix as mx
from exactopen.exact.decimals import enclosure
from exactopen.exact.floats import float_network, float_of, integer_form_to_float, to_float
from exactopen.exact.numbers import parse_rational, rational_str
from exactopen.landscape.network import Network
from exactopen.numeric.bounds import global_lower_bound
from exactopen.numeric.escape import (
    default_radius,
    descent_from_curve,
    descent_numeric,
    float_gradient,
    rank_one_escape,
)
from exactopen.numeric.nearby import relative
from exactopen.numeric.progress import Progress

VERDICTS = ("exact_global_minimum", "exact_saddle", "exact_critical_point", "near_global_minimum", "near_saddle",
            "near_critical", "not_near_critical")
_SADDLES = ("strict_saddle", "higher_order_saddle")
_WORDS = {"global_minimum": "global minimum", "strict_saddle": "strict saddle",
          "higher_order_saddle": "higher-order saddle (the Hessian is PSD, the loss drops along a curve)",
          "undecided": "critical point of undecided type", "not_critical": "non-critical point",
          "local_minimum_not_global": "local minimum that is not global"}
AUTO_SNAP = tuple(10.0 ** -e for e in range(8, 0, -1))  # relative tolerances tried, finest first


@dataclass
class Validation:
    certificate: dict
    lines: list
    summary: dict
    timings: dict = field(default_factory=dict)
    escape: list | None = None  # the lower point's layers as float64 arrays, if one was found


_FLOAT_LIMIT = fmpq(10) ** 300


def _fmt(x: float) -> str:
    return "0" if x == 0 else f"{x:.4g}"


def validate(net: Network, snap_tol=None, snap_den: int | None = None, eps_global=None,
             progress: Progress | None = None, always_descent: bool = False,
             radius: float | None = None, loss: str = "sum", checked_bound: bool = False,
             nearby: dict | bool | None = None, inputs: dict | None = None,
             files: list | None = None) -> Validation:
    """Everything the point W = net.layers proves (see the module docstring), as one
    ``validate_network`` certificate with a headline verdict, human lines and a JSON summary.
    ``loss`` = "sum" reports L = 1/2 sum of squared errors (the certificate's convention) and
    "mean" reports PyTorch's mean squared error sum/(d_h n) = 2 L / (d_h n).

    For a dual matrix of at least 512 rows the dual bound's PSD factor is proposed without an
    exact check of its own (the checker's run on the whole certificate, in
    :func:`exactopen.certificate.envelope`, decides: the same work done once); should the
    checker refuse the bound, everything is redone with the factor checked exactly here first
    (``checked_bound``).  ``nearby``: False skips the nearby-problem path; a dict passes options
    to :func:`exactopen.numeric.nearby.nearby_problem` (``rank``, ``weight_bits``, ``data_bits``).

    ``inputs``: the certificate's inputs when they refer to the input ``files`` by digest
    (:func:`exactopen.inputs.file_references`; default: the matrices embedded).  The exact loss
    and gradient at W are computed by the checker's own code
    (:func:`exactopen.kernel.validate.exact_loss_gradient`), which remembers them for the
    check of the certificate: the largest products are formed once."""
    from exactopen.certificate import envelope
    from exactopen.exact import use_cores
    from exactopen.exact.snap import distance_sq, snap_matrix
    from exactopen.landscape.classify import classify_critical_point

    if loss not in ("sum", "mean"):
        raise InputError(f"loss must be 'sum' (1/2 sum of squared errors) or 'mean' (PyTorch's MSELoss), not {loss!r}")
    prog = progress or Progress(4, enabled=False)
    use_cores()  # the large exact products (FLINT threads; results do not depend on them)
    timings = {}
    t = time.perf_counter()
    grads = None  # the exact gradient rounded to floats (unweighted loss), for the descent direction
    if inputs is None:
        inputs = net.inputs_json(dyadic=True)
    if net.weights is None:
        from exactopen.kernel import Rejected
        from exactopen.kernel.validate import exact_loss_gradient

        try:
            L0, g2, grads, data = exact_loss_gradient(inputs, files)
            # the descent direction needs the gradient only as floats (correctly rounded, so
            # no BLAS reaches it): converted now, the exact matrices (hundreds of bits per
            # entry) are freed before the bound and the escape are searched
            grads = [integer_form_to_float(N, d) for N, d in grads]
        except (Rejected, ValueError) as exc:
            raise InputError(f"the inputs cannot be read exactly: {exc}") from None
        net._cache["L"] = L0
        net._cache["kernel_data"] = data  # exact losses at other points by the kernel, remembered for the check
    else:
        L0, g2 = net.loss(), sum((mx.frobenius_sq(G) for G in net.gradient()), fmpq(0))
    for what, v in (("the loss L(W)", L0), ("|grad L(W)|^2", g2), ("|Y|^2", mx.frobenius_sq(net.Y))):
        if abs(v) > _FLOAT_LIMIT:  # the numeric search and the summary compute in floats
            raise InputError(f"{what} at these weights is about 1e{len(str(v.p // v.q)) - 1}: too large for "
                             f"validate's floating-point search (at most 1e300)")
    timings["loss_gradient"] = time.perf_counter() - t
    prog.step("loss and gradient")
    scale = 2.0 / (net.Y.nrows() * net.Y.ncols()) if loss == "mean" else 1.0  # reported = scale * L
    conv = ("mean squared error sum/(d_h n) (PyTorch's MSELoss)" if loss == "mean"
            else "L = 1/2 sum of squared errors")
    result = {"loss": rational_str(L0), "gradient_norm_sq": rational_str(g2), "loss_convention": loss,
              "global": None, "descent": None, "snap": None}
    evidence: dict = {}
    Lf, gnorm = float_of(L0), math.sqrt(float_of(g2))
    yscale = float_of(mx.frobenius_sq(net.Y)) / 2
    eps = eps_global if eps_global is not None else 1e-6 * max(yscale, 1e-300)
    grad_tol = 1e-6 * max(1.0, math.sqrt(2 * yscale))
    summary = {"loss_convention": loss, "loss": scale * Lf, "gradient_norm": scale * gnorm}
    facts = [f"loss {_fmt(scale * Lf)} ({conv}; exact value in the certificate)",
             f"gradient norm |grad {'E' if loss == 'mean' else 'L'}(W)| = {_fmt(scale * gnorm)}" + (" (exactly zero)" if g2 == 0 else "")]

    # certified bounds on min L
    t = time.perf_counter()
    gl = global_lower_bound(net, checked=True if checked_bound else None)
    timings["global_bound"] = time.perf_counter() - t
    prog.step("global lower bound")
    near_global, gap, gap_lo = False, None, None
    if gl is not None:
        result["global"], evidence["global"] = gl
        gap = float_of(parse_rational(gl[0]["gap"]))
        gap_lo = max(float_of(parse_rational(gl[0]["gap_lower"])), 0.0)
        near_global = gap <= eps
        sq = fmpq(2, net.Y.nrows() * net.Y.ncols()) if loss == "mean" else fmpq(1)  # scale, exactly
        lb_q, ub_q = parse_rational(gl[0]["lower_bound"]), parse_rational(gl[0]["upper_bound"])
        lo, hi, _ = enclosure(sq * max(lb_q, fmpq(0)), sq * ub_q)  # L >= 0 anyway; digits until the ends differ
        summary.update({"global_gap": scale * gap, "global_gap_lower": scale * gap_lo})
        facts.append((f"the global minimum of the loss is {lo}" if lb_q == ub_q else
                      f"the global minimum of the loss lies in [{lo}, {hi}]") + " (certified), "
                     + (f"so your loss is within {_fmt(scale * gap)} of it" if near_global else
                        f"so your loss is {_fmt(scale * gap)} above it" if gap - gap_lo <= 1e-9 * max(1.0, gap) else
                        f"so your loss is {_fmt(scale * gap_lo)} to {_fmt(scale * gap)} above it"))
    else:
        facts.append("no certified bound on the global minimum (the dual certificate was not found)")

    # the nearest exact critical point: W itself, the user's snap, or an automatic snap
    t = time.perf_counter()
    crit_net, crit_cls, d2, tol_used = None, None, None, None
    if g2 == 0:
        crit_net, d2 = net, fmpq(0)
    else:
        Wf, Xf, Yf = float_network(net)
        wmax = max((float(np.max(np.abs(W))) for W in Wf if W.size), default=1.0) or 1.0
        plausible = gnorm <= 1e-3 * max(1.0, math.sqrt(2 * yscale))  # far from critical: snapping cannot help
        tries = ([(snap_tol, snap_den)] if (snap_tol is not None or snap_den is not None)
                 else [(Fraction(repr(r * max(1.0, wmax))), None) for r in AUTO_SNAP]
                 if not near_global and plausible else [])
        user = snap_tol is not None or snap_den is not None
        gscale = max(1.0, float(np.sqrt(sum(float(np.sum(g * g)) for g in float_gradient(Wf, Xf, Yf)))),
                     math.sqrt(2 * yscale))
        for tol, den in tries:
            Ws2 = [snap_matrix(W, tol, den) for W in net.layers]
            cand = net.with_layers(Ws2)
            if not user:  # NUMERIC filter: exact gradients of snapped points are costly (many denominators)
                gf = float_gradient([to_float(W) for W in Ws2], Xf, Yf)
                if math.sqrt(sum(float(np.sum(g * g)) for g in gf)) > 1e-9 * gscale:
                    continue
            if user or cand.first_nonzero_gradient() is None:
                crit_net, d2, tol_used = cand, distance_sq(net.layers, Ws2), (tol, den)
                break
    if crit_net is not None:
        crit_cls = classify_critical_point(crit_net)
        tol, den = tol_used if tol_used else (None, None)
        result["snap"] = {"distance_sq": rational_str(d2), "verdict": crit_cls.verdict,
                          "tolerance": None if tol is None else rational_str(fmpq(tol.numerator, tol.denominator)),
                          "max_denominator": den}
        evidence["snap"] = {"certificate": crit_cls.certificate}
        dist = math.sqrt(float_of(d2))
        summary["nearest_critical"] = {"distance": dist, "verdict": crit_cls.verdict}
        if crit_cls.certificate["result"].get("not_local_minimum"):
            summary["nearest_critical"]["not_local_minimum"] = True
        if d2 == 0:
            facts.append(f"W itself is exactly a {_WORDS.get(crit_cls.verdict, crit_cls.verdict)} (certified)")
        elif crit_cls.verdict == "not_critical":
            facts.append(f"the snapped point W' at distance {_fmt(dist)} is not a critical point")
        else:
            facts.append(f"the point W' of simple rationals at distance {_fmt(dist)} from W is an exact "
                         f"{_WORDS.get(crit_cls.verdict, crit_cls.verdict)} (certified)")
    elif not near_global and g2 != 0 and snap_tol is None and snap_den is None:
        facts.append("no exact critical point found by snapping the weights (relative tolerances "
                     f"{AUTO_SNAP[0]:.0e} to {AUTO_SNAP[-1]:.0e})" if tries else
                     "the gradient is too large for an exact critical point to be near (no snapping tried)")
    # no exact critical point by snapping: an exact critical point of a nearby problem
    near, near_cls = None, None
    if (crit_net is None and tries and not user and g2 != 0 and nearby is not False
            and net.weights is None):
        from exactopen.numeric.nearby import nearby_problem

        t_near = time.perf_counter()
        near = nearby_problem(net, **(nearby or {}))
        if near is not None:
            near_cls = classify_critical_point(near.net, bases=near.bases)
            if near_cls.verdict == "not_critical":  # cannot happen (W' is critical by construction)
                near, near_cls = None, None
            elif near_cls.certificate["claim"].startswith("(refused by the checker"):  # e.g. beyond its budgets
                facts.append("an exact critical point of a nearby problem was built, but its certificate is beyond "
                             "the checker's budgets: not used")
                near, near_cls = None, None
        timings["nearby"] = time.perf_counter() - t_near  # (part of snap_classify)
    if near is not None:
        dX, dY = near.data_change_sq["X"], near.data_change_sq["Y"]
        result["nearby"] = {"distance_sq": rational_str(near.distance_sq),
                            "data_change_sq": {"X": rational_str(dX), "Y": rational_str(dY)},
                            "verdict": near_cls.verdict}
        evidence["nearby"] = {"certificate": near_cls.certificate}
        nd = {"distance": math.sqrt(float_of(near.distance_sq)), "verdict": near_cls.verdict, "rank": near.rank,
              "data": near.data,
              "data_change": {"X": math.sqrt(float_of(dX)), "Y": math.sqrt(float_of(dY))},
              "relative_data_change": {"X": relative(dX, mx.frobenius_sq(net.X)),
                                       "Y": relative(dY, mx.frobenius_sq(net.Y))}}
        summary["nearby"] = nd
        what = ("critical point of undecided type" + (", not a local minimum"
                                                      if near_cls.certificate["result"].get("not_local_minimum") else "")
                if near_cls.verdict == "undecided" else _WORDS.get(near_cls.verdict, near_cls.verdict))
        facts.append(f"W' at distance {_fmt(nd['distance'])} from W (rank-{near.rank} layers of simple rationals) is an "
                     f"exact {what} of a nearby problem: data moved by |X' - X| = {_fmt(nd['data_change']['X'])}, "
                     f"|Y' - Y| = {_fmt(nd['data_change']['Y'])} (relative {_fmt(nd['relative_data_change']['Y'])}), "
                     "certified")
    timings["snap_classify"] = time.perf_counter() - t
    prog.step("nearest exact critical point")

    # the headline verdict
    cv = crit_cls.verdict if crit_cls is not None else None
    if g2 == 0:
        verdict = ("exact_global_minimum" if cv == "global_minimum" else "exact_saddle" if cv in _SADDLES
                   else "exact_critical_point")
    elif near_global or cv == "global_minimum":
        verdict = "near_global_minimum"
    elif cv in _SADDLES or (near_cls is not None and near_cls.verdict in _SADDLES):
        verdict = "near_saddle"
    elif gnorm <= grad_tol or cv not in (None, "not_critical") or near_cls is not None:
        verdict = "near_critical"
    else:
        verdict = "not_near_critical"
    summary["verdict"] = verdict

    # a lower point (escape), unless the point is (near) global
    t = time.perf_counter()
    escape = None
    if always_descent or verdict not in ("exact_global_minimum", "near_global_minimum"):
        part, how, step = None, "", None
        r = radius if radius is not None else default_radius(net)
        if crit_cls is not None and "curve" in crit_cls.certificate["evidence"]:
            part = descent_from_curve(net, crit_net, crit_cls.certificate, radius)
            how = ("on the exact saddle's certified descent curve" if crit_cls.verdict in _SADDLES
                   else "on the certified descent curve of the exact critical point W'")
        elif near_cls is not None and "curve" in near_cls.certificate["evidence"]:
            part = descent_from_curve(net, near.net, near_cls.certificate, radius)
            how = "on the descent curve of the nearby problem's exact critical point, loss of the original data"
        if part is not None:
            part, step = part[:2], part[2]
        if crit_cls is not None or near_cls is not None or part is not None:
            # a stall near a saddle: the rank-one escape along the residual's top direction, kept
            # when its certified decrease is larger (a numeric proposal, checked exactly)
            r1 = rank_one_escape(net, radius)
            if r1 is not None and (part is None or parse_rational(r1[0]["decrease"])
                                   > parse_rational(part[0]["decrease"])):
                part, step = r1, None
                how = "along the residual's top singular direction, rank one in every layer (re-checked exactly)"
        if part is None:
            num = descent_numeric(net, radius, curvature=gnorm <= 1e-3 * max(1.0, math.sqrt(2 * yscale)),
                                  grads=grads)
            if num is not None:
                part = num[:2]
                how = ("along a negative-curvature direction at W (re-checked exactly)" if num[2] < 0
                       else "along the negative gradient (re-checked exactly)")
        if part is not None:
            result["descent"], evidence["descent"] = part
            rho = math.sqrt(float_of(parse_rational(part[0]["distance_sq"])))
            dec = float_of(parse_rational(part[0]["decrease"]))
            rel = float_of(parse_rational(part[0]["decrease"]) / L0)
            summary["escape"] = {"distance": rho, "decrease": scale * dec, "relative_decrease": rel,
                                 "loss_before": scale * Lf, "loss_after": scale * float_of(parse_rational(part[0]["loss"])),
                                 "radius": r, "step": step}
            escape = [to_float(mx.from_json(W)) for W in part[1]["layers"]]
            facts.append(escape_line(summary["escape"], how))
        else:
            summary["escape"] = None
            facts.append(f"no point with a lower loss was found within distance {_fmt(r)} of W")
    timings["descent"] = time.perf_counter() - t
    prog.step("lower point")

    headline = headline_text(verdict, summary, scale)
    summary["text"] = headline
    lines = [f"verdict: {verdict.replace('_', ' ')} — {headline}", *[f"  {f}" for f in facts]]
    cert = envelope("validate_network", "", inputs, result, dict(evidence), "lem-7", files=files)
    if not checked_bound and cert["claim"].startswith("(refused by the checker: evidence.global"):
        return validate(net, snap_tol, snap_den, eps_global, progress, always_descent, radius, loss, True, nearby,
                        inputs, files)
    return Validation(cert, lines, summary, timings, escape)


def escape_line(esc: dict, how: str) -> str:
    """The escape in one line: the loss before and after, the drop relative to the loss, the
    distance and the radius searched (figures in the reported loss convention)."""
    rel = esc["relative_decrease"]
    where = f"{_fmt(esc['distance'])} from W" + (f" (searched within radius {_fmt(esc['radius'])})"
                                                  if esc["distance"] <= esc["radius"] else
                                                  f" (nothing lower within radius {_fmt(esc['radius'])})")
    step = f", step t = {esc['step']}" if esc.get("step") else ""
    weak = ("; below float32 resolution, training restarted there may not see it (try a larger --radius)"
            if rel < 1e-6 else "")
    if rel < 1e-12:  # not printable as before -> after
        drop = f"loss {_fmt(esc['loss_before'])}, lower by {_fmt(esc['decrease'])} (relative {rel:.2g})"
    else:
        digits = max(4, 2 - math.floor(math.log10(rel)))  # enough digits to tell them apart
        drop = (f"loss {esc['loss_before']:.{digits}g} -> {esc['loss_after']:.{digits}g} (-{_pct(rel)})")
    return (f"escape: {drop} at distance "
            f"{where}, {how}{step}; certified{weak}")


def _pct(rel: float) -> str:
    p = 100 * rel
    return f"{p:.3g} %" if p >= 0.01 else f"{p:.2g} %"


def headline_text(verdict: str, s: dict, scale: float = 1.0) -> str:
    """One sentence a practitioner reads first."""
    nc = s.get("nearest_critical")
    what = _WORDS.get(nc["verdict"], nc["verdict"]) if nc else ""
    esc = s.get("escape")
    lower = (f"; a point at distance {_fmt(esc['distance'])} has a loss lower by {_fmt(esc['decrease'])}"
             + (f" (-{_pct(esc['relative_decrease'])})" if "relative_decrease" in esc else "") if esc else "")
    if verdict == "exact_global_minimum":
        return "your weights are exactly a global minimum (certified)"
    if verdict == "exact_saddle":
        return f"your weights are exactly a {what}, not a minimum{lower}"
    if verdict == "exact_critical_point":
        return "your weights are exactly a critical point; its type is not decided" + lower
    if verdict == "near_global_minimum":
        if nc and nc["verdict"] == "global_minimum" and nc["distance"] > 0:
            return f"your weights are within {_fmt(nc['distance'])} of an exact global minimum (certified)"
        return f"your loss is within {_fmt(s['global_gap'])} of the global minimum (certified)"
    nb = s.get("nearby")
    moved = (f" of a nearby problem (data moved by {_fmt(nb['relative_data_change']['Y'])} relative in Y"
             + (f", {_fmt(nb['relative_data_change']['X'])} in X" if nb["data_change"]["X"] else "") + ")"
             if nb else "")
    if verdict == "near_saddle":
        if nc is None and nb is not None:
            return (f"your weights are within {_fmt(nb['distance'])} of an exact {_WORDS[nb['verdict']]}{moved}: "
                    f"training stalled at a saddle{lower}")
        return f"your weights are within {_fmt(nc['distance'])} of an exact {what}: training stalled at a saddle{lower}"
    if verdict == "near_critical":
        if nc is None and nb is not None:
            return (f"your weights are within {_fmt(nb['distance'])} of an exact critical point{moved} "
                    f"(its type: {nb['verdict'].replace('_', ' ')}){lower}")
        if nc is not None and nc["verdict"] != "not_critical":
            return (f"your weights are within {_fmt(nc['distance'])} of an exact {what}"
                    + (", not a local minimum" if nc.get("not_local_minimum") else "") + lower)
        return (f"the gradient is small ({_fmt(s['gradient_norm'])}) but no exact critical point was found nearby"
                + lower)
    return f"not near a critical point: the gradient norm is {_fmt(s['gradient_norm'])}" + lower
