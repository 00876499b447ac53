"""Escapes that training can use (issue 22, item 3): the step on the certified descent curve (or
the numeric direction) that lowers the loss most within the stated radius, reported relative to
the loss; at a 4-layer network stalled near W = 0 the drop is visible in float32."""

from __future__ import annotations

import copy
import importlib.util
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from flint import fmpq
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.exact import matrix as mx
from exactopen.exact.numbers import parse_rational
from exactopen.landscape.network import network_from_arrays
from exactopen.numeric.escape import best_step, default_radius, descent_from_curve, rank_one_escape, short_dyadics
from exactopen.numeric.validate import validate
from tests.numeric.test_validate import rejected


def _dense_data(d: int, n: int, seed: int):
    """Dense, non-whitened X (correlated inputs of different scales), Y = T X + noise, T dense."""
    rng = np.random.default_rng(seed)
    B = np.eye(d) + 0.5 * rng.standard_normal((d, d)) / math.sqrt(d)
    X = B @ (rng.standard_normal((d, n)) * np.linspace(0.5, 2.0, d)[:, None])
    T = rng.standard_normal((d, d))
    return X, T @ X + 0.05 * rng.standard_normal((d, n))


def _loss32(Ws, X, Y) -> float:
    P = X.astype(np.float32)
    for W in Ws:
        P = W.astype(np.float32) @ P
    return float(np.mean((P - Y.astype(np.float32)) ** 2, dtype=np.float32))


@settings(max_examples=60, deadline=None)
@given(k=st.integers(1, 4), c=st.floats(0.01, 100), d=st.floats(0.01, 100), s=st.floats(0.1, 10),
       radius=st.floats(1e-3, 10))
def test_best_step_is_the_constrained_minimiser(k, c, d, s, radius):
    """f(t) = 5 - c t^k + d t^(2k) falls until t^k = c / (2d): within dist(t) = s t <= radius the
    best step is the smaller of that and radius / s."""
    def f(t):
        return 5 - c * t ** k + d * t ** (2 * k)

    want = min((c / (2 * d)) ** (1 / k), radius / s)
    assume(f(0.0) - f(want) > 1e-10)  # a float search cannot see a smaller decrease
    t = best_step(f, lambda t: s * t, radius, 1.0, f(0.0))
    assert t is not None and s * t <= radius
    assert abs(t - want) <= 1e-5 * want or f(t) <= f(want) + 1e-12 * abs(f(want))


def test_best_step_refuses_when_nothing_lowers_or_the_start_is_outside():
    assert best_step(lambda t: 1 + t * t, lambda t: t, 1.0, 1.0, 1.0) is None
    assert best_step(lambda t: 1 - t, lambda t: 2 + t, 1.0, 1.0, 1.0) is None  # dist(0) = 2 > radius


@pytest.mark.parametrize("t", [1e-9, 0.1374, 1.0, 3.5, 12345.678])
def test_short_dyadics_are_short_and_close(t):
    qs = short_dyadics(t)
    assert qs[0] > qs[1] > qs[2] > 0
    q = qs[0]
    assert t * (1 - 2.0 ** -23) <= float(q) <= t
    assert q.q & (q.q - 1) == 0 and abs(q.p).bit_length() <= 24  # a dyadic of 24 significant bits


@pytest.fixture(scope="module")
def stalled4():
    """A 4-layer network of width 5 at a tiny init (1e-3): gradient ~ 1e-9, training stalls at W ~ 0."""
    X, Y = _dense_data(5, 20, 3)
    rng = np.random.default_rng(4)
    Ws = [1e-3 * rng.standard_normal((5, 5)) for _ in range(4)]
    net = network_from_arrays(Ws, Y, X)
    return Ws, X, Y, net, validate(net, loss="mean")


def test_stalled_four_layer_escape_is_visible_in_float32(stalled4):
    """The issue's failure: an escape 5e-7 below the loss, under float32 resolution.  Now the
    certified relative drop is far above 1e-7 and float32 sees the lower loss."""
    Ws, X, Y, net, v = stalled4
    esc = v.summary["escape"]
    assert esc["relative_decrease"] > 1e-5
    assert esc["distance"] <= esc["radius"] == default_radius(net)
    de = v.certificate["result"]["descent"]
    L0, L1 = parse_rational(v.certificate["result"]["loss"]), parse_rational(de["loss"])
    assert parse_rational(de["decrease"]) == L0 - L1 > 0
    assert float(fmpq(L0 - L1) / L0) == pytest.approx(esc["relative_decrease"])
    assert _loss32(v.escape, X, Y) < _loss32(Ws, X, Y) * (1 - 1e-5)
    assert any(line.strip().startswith("escape: loss") and "%" in line and "radius" in line for line in v.lines)
    kernel.check(v.certificate)


def test_stalled_escape_tampering_is_rejected(stalled4):
    v = stalled4[4]
    for key, val in (("decrease", "1"), ("loss", "0"), ("distance_sq", "1/1000000")):
        bad = copy.deepcopy(v.certificate)
        bad["result"]["descent"][key] = val
        assert rejected(bad)
    bad = copy.deepcopy(v.certificate)
    bad["evidence"]["descent"]["layers"][0] = copy.deepcopy(bad["inputs"]["layers"][0])
    assert rejected(bad)


def test_a_smaller_radius_gives_a_closer_smaller_escape(stalled4):
    net, v = stalled4[3], stalled4[4]
    small = validate(net, loss="mean", radius=0.05)
    assert small.summary["escape"]["distance"] <= 0.05
    assert 0 < small.summary["escape"]["decrease"] < v.summary["escape"]["decrease"]


def test_escape_step_is_the_exact_polynomial_maximum():
    """Cross-check against the exact polynomial p(t) = L(gamma(t)) - L(W) along the certified
    curve at the exact saddle W = 0 (the curve is straight, |gamma(t) - W| = t |C|): the step on
    the curve gives a decrease within 1e-6 of the largest -p(t) on an exact grid of 2000 steps in
    the radius, and validate's escape (the better of it and the rank-one escape) is no smaller."""
    X, Y = _dense_data(4, 12, 5)
    net = network_from_arrays([np.zeros((4, 4)) for _ in range(3)], Y, X)
    v = validate(net)
    cls = v.certificate["evidence"]["snap"]["certificate"]
    curve = [(term["power"], [mx.from_json(C) for C in term["layers"]]) for term in cls["evidence"]["curve"]]
    assert [j for j, _ in curve] == [1]
    p = net.curve_polynomial(curve)
    cn = math.sqrt(sum(float(mx.frobenius_sq(C)) for C in curve[0][1]))
    t_max = Fraction(default_radius(net) / cn)
    best = max(-sum((c * fmpq(t.numerator, t.denominator) ** i for i, c in enumerate(p)), fmpq(0))
               for t in (t_max * k / 2000 for k in range(1, 2001)))
    res, ev, step = descent_from_curve(net, net, cls)
    dec = parse_rational(res["decrease"])
    assert best * (1 - fmpq(1, 10 ** 6)) <= dec and parse_rational(step) <= fmpq(t_max.numerator, t_max.denominator)
    assert -sum((c * parse_rational(step) ** i for i, c in enumerate(p)), fmpq(0)) == dec  # the point is gamma(t)
    assert parse_rational(v.certificate["result"]["descent"]["decrease"]) >= dec


def test_rank_one_escape_beats_a_coordinate_curve_at_zero(stalled4):
    """At W ~ 0 the rank-one escape along the residual's top singular direction lowers the loss
    more than the snapped saddle's curve (a coordinate direction) within the same radius."""
    net = stalled4[3]
    r1 = rank_one_escape(net)
    assert r1 is not None
    d2 = parse_rational(r1[0]["distance_sq"])
    assert float(d2) <= default_radius(net) ** 2
    assert parse_rational(stalled4[4].certificate["result"]["descent"]["decrease"]) == parse_rational(r1[0]["decrease"])
    cls = stalled4[4].certificate["evidence"]["snap"]["certificate"]
    snapped = net.with_layers([mx.from_json(W) for W in cls["inputs"]["layers"]])
    on_curve = descent_from_curve(net, snapped, cls)
    assert on_curve is not None and parse_rational(r1[0]["decrease"]) > parse_rational(on_curve[0]["decrease"]) > 0


def _example():
    path = Path(__file__).resolve().parents[2] / "examples" / "escape_stalled.py"
    spec = importlib.util.spec_from_file_location("escape_stalled", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_example_escape_restarts_training_below_the_plateau(tmp_path):
    """examples/escape_stalled.py, small: PyTorch SGD on a 4-layer net from a 1e-3 init stalls;
    the certified escape has a lower float32 loss, and training restarted there goes below the
    plateau while training continued from the stalled weights does not."""
    pytest.importorskip("torch")
    example = _example()
    fig = example.run(layers=4, width=5, n=24, steps=600, more=300, lr=0.03, out=lambda s: None)
    assert fig["verdict"] in ("near_saddle", "near_critical")
    assert fig["escape_mse32"] < fig["plateau"]
    assert min(fig["after_escape"]) < 0.9 * fig["plateau"]
    assert fig["final_escape"] < fig["final_stalled"]
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return
    example.plot(fig, str(tmp_path / "curve.png"))
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rank_one_escape_does_not_depend_on_lapack_last_bits(stalled4, monkeypatch):
    """The certificate is a function of the input: singular vectors perturbed in their last bits
    (another LAPACK, another thread count) give the same escape point."""
    net = stalled4[3]
    a = rank_one_escape(net)
    svd = np.linalg.svd

    def noisy(A, *args, **kw):
        U, S, Vt = svd(A, *args, **kw)
        return U * (1 + 3e-14), S, Vt * (1 - 3e-14)

    monkeypatch.setattr(np.linalg, "svd", noisy)
    b = rank_one_escape(net)
    assert a is not None and a == b
