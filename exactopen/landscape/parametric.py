"""thm-12's construction with a parametric target Y = y e_{d_h} e_{d_0}^T: a case split over y.

The paper's point (X = I, Y = e_{d_h} e_{d_0}^T, W from its proof) is the case y = 1.  With the
target scaled by a real parameter y the point W stays critical for every y (the gradient is
linear in y and vanishes at y = 0 and y = 1), and the answer is piecewise:

* y = 0: L(W; 0) = 0, so W is a global minimum (L >= 0);
* y != 0: W is a saddle, neither a local nor a global minimum.

The descent curve for y != 0 is not hard-coded: :func:`exactopen.landscape.descent.search_descent_curve`
(or, failing that, :func:`exactopen.landscape.classify.classify_critical_point`) finds a curve at y = s,
s = 1 then s = -1; the perturbation of one layer is multiplied by s*y, and the polynomial
p(t; y) = L(gamma(t)) - L(W) is obtained exactly by interpolation in y (p has degree <= 2 in y
when Y is linear in y and one layer depends on y; a fourth value re-checks it).  The layer is
accepted when the lowest coefficient of p and the witness gap are single terms a y^(2m) with
a < 0.  The checker (kind ``symbolic_landscape``, :mod:`exactopen.kernel.symbolic_landscape`)
re-expands everything in fmpq_mpoly.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from flint import fmpq

from exactopen.certificate import envelope
from exactopen.errors import InputError
from exactopen.exact import matrix as mx
from exactopen.exact.numbers import parse_rational, rational_str
from exactopen.exact.polynomials import make_ring, poly_to_str
from exactopen.landscape.network import Network

KIND = "symbolic_landscape"


@dataclass
class ParametricLandscape:
    widths: list
    cells: list          # [{"equations", "inequations", "verdict"}]
    answer: str          # human-readable case split
    certificate: dict
    details: dict


def _poly(ring, coeffs) -> object:
    """sum_i coeffs[i] y^i in ``ring`` (coefficients exact rationals)."""
    y = ring.gens[0]
    out = ring(0)
    for i, c in enumerate(coeffs):
        c = Fraction(int(fmpq(c).p), int(fmpq(c).q))
        out += ring(ring.domain.convert(c.numerator) / ring.domain.convert(c.denominator)) * y ** i
    return out


def _interpolate(values: dict) -> list:
    """Coefficients [a, b, c] of a + b y + c y^2 from its values at y = 0, 1, -1."""
    v0, v1, vm = values[0], values[1], values[-1]
    return [v0, (v1 - vm) / 2, (v1 + vm) / 2 - v0]


def _monomial_negative(coeffs) -> int | None:
    """m if coeffs is a single term a y^(2m) with a < 0, else None."""
    nz = [(i, c) for i, c in enumerate(coeffs) if c != 0]
    if len(nz) == 1 and nz[0][0] % 2 == 0 and nz[0][1] < 0:
        return nz[0][0] // 2
    return None


def _candidate_curves(layers, Y1, X):
    """Descent curves at y = s (s = 1, -1), found by the general searches."""
    from exactopen.landscape.classify import classify_critical_point
    from exactopen.landscape.descent import search_descent_curve

    for s in (1, -1):
        net = Network.build(layers, Y1 * s, X)
        found = search_descent_curve(net)
        if found is not None:
            yield s, found.curve, found.t0
        cls = classify_critical_point(net)
        ev = cls.certificate["evidence"]
        if "curve" in ev:
            curve = [(c["power"], [mx.from_json(L) for L in c["layers"]]) for c in ev["curve"]]
            yield s, curve, parse_rational(ev["witness_t"])


def _parametric_curve(layers, Y1, X, s, curve, t0, k):
    """p(t; y) coefficients in y (lists) for the curve with layer k's perturbation times s*y, or None."""
    def at(yv):
        net = Network.build(layers, Y1 * yv, X)
        cv = [(j, [C * (s * yv) if i == k else C for i, C in enumerate(Cs)]) for j, Cs in curve]
        return net.curve_polynomial(cv)

    vals = {yv: at(fmpq(yv)) for yv in (0, 1, -1, 2)}
    n = max(len(v) for v in vals.values())
    pad = {yv: v + [fmpq(0)] * (n - len(v)) for yv, v in vals.items()}
    p = [_interpolate({yv: pad[yv][i] for yv in (0, 1, -1)}) for i in range(n)]
    if any(a + 2 * b + 4 * c != pad[2][i] for i, (a, b, c) in enumerate(p)):
        return None  # not of degree <= 2 in y: this layer does not give a parametric curve
    m = next((i for i, c in enumerate(p) if any(x != 0 for x in c)), None)
    if m is None or _monomial_negative(p[m]) is None:
        return None
    gap = [sum((p[i][d] * t0 ** i for i in range(n)), fmpq(0)) for d in range(3)]
    if _monomial_negative(gap) is None:
        return None
    return p, m, gap


def parametric_landscape(layers, Y1, X=None, name: str = "y", claim_id: str | None = "thm-12",
                         what: str = "") -> ParametricLandscape:
    """The case split y = 0 / y != 0 for the target Y = y Y1 at the point W = ``layers``."""
    from exactopen import kernel

    X = X if X is not None else mx.identity(layers[0].ncols())
    ring = make_ring([name])
    for yv in (0, 1):
        if not Network.build(layers, Y1 * yv, X).is_critical():
            raise InputError(f"W is not a critical point at {name} = {yv}: no parametric critical point")
    net1 = Network.build(layers, Y1, X)
    zero_net = Network.build(layers, Y1 * 0, X)
    if zero_net.loss() != 0:
        raise InputError(f"L(W) != 0 at {name} = 0: the global-minimum cell needs a zero loss there")
    chosen = None
    for s, curve, t0 in _candidate_curves(layers, Y1, X):
        order = sorted({k for _, Cs in curve for k, C in enumerate(Cs) if not mx.is_zero(C)},
                       key=lambda k: (not mx.is_zero(layers[k]), k))
        for k in order:
            got = _parametric_curve(layers, Y1, X, s, curve, t0, k)
            if got is not None:
                chosen = (s, curve, t0, k, got)
                break
        if chosen:
            break
    if chosen is None:
        raise InputError(f"no descent curve could be made parametric in {name}")
    s, curve, t0, k, (p, m, gap) = chosen
    y = ring.gens[0]
    scale = y * s

    def sym_json(A, factor):
        return {"shape": [A.nrows(), A.ncols()],
                "rows": [[poly_to_str(_poly(ring, [x]) * factor) for x in r] for r in A.tolist()]}

    curve_json = [{"power": j, "layers": [sym_json(C, scale) if i == k else mx.to_json(C) for i, C in enumerate(Cs)]}
                  for j, Cs in curve]
    loss = poly_to_str(_poly(ring, [0, 0, net1.loss()]))  # L(W; y) = y^2 L(W; 1) (E is linear in y, E(0) = 0)
    zero_cell = {"equations": [name], "inequations": [], "verdict": "global_minimum"}
    nz_cell = {"equations": [], "inequations": [name], "verdict": "saddle"}
    coef, gap_s = poly_to_str(_poly(ring, p[m])), poly_to_str(_poly(ring, gap))
    inputs = {"parameters": [name], "layers": [mx.to_json(W) for W in layers], "X": mx.to_json(X),
              "Y": sym_json(Y1, y)}
    result = {"verdict": "piecewise", "loss": loss, "cells": [zero_cell, nz_cell]}
    evidence = {"split": name, "zero": {"verdict": "global_minimum"},
                "nonzero": {"verdict": "saddle", "curve": curve_json, "descent_order": m,
                            "descent_coefficient": coef, "witness_t": rational_str(t0), "witness_gap": gap_s}}
    widths = [layers[0].ncols()] + [W.nrows() for W in layers]
    d = "(" + ",".join(map(str, widths)) + ")"
    claim = (f"{what}the point W of the linear network with widths {d}, X = I, and target Y = {name}·Y₁ is critical "
             f"for every real {name}; it is a global minimum iff {name} = 0 and a saddle (neither a local nor a "
             f"global minimum) for every {name} ≠ 0")
    cert = envelope(KIND, claim, inputs, result, evidence, claim_id)
    kernel.check(cert)
    answer = (f"global minimum iff {name} = 0; for every {name} ≠ 0 a saddle: along γ(t) (layer {k + 1}'s "
              f"perturbation times {poly_to_str(scale)}), L(γ(t)) − L(W) = ({coef})·t^{m} + …, and at t = "
              f"{rational_str(t0)} the loss drops by {poly_to_str(-_poly(ring, gap))}")
    return ParametricLandscape(widths, [zero_cell, nz_cell], answer, cert,
                               {"sign": s, "scaled_layer": k + 1, "order": m})


def thm12_parametric(widths, name: str = "y") -> ParametricLandscape:
    """thm-12's construction for ``widths`` with the target entry y (the paper's Y at y = 1)."""
    from exactopen.landscape.architectures import thm12_construction

    net = thm12_construction(widths)
    return parametric_landscape(net.layers, net.Y, net.X, name, "thm-12", "thm-12's construction: ")
