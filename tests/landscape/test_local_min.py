"""Certified non-global local minima of weighted two-layer losses (cor-9; landscape_localmin)."""

from __future__ import annotations

import copy
import json
import random

import numpy as np
import pytest
from flint import fmpq

from exactopen import kernel
from exactopen.exact import matrix as mx
from exactopen.landscape.classify import classify_critical_point
from exactopen.landscape.examples import constructed_point
from exactopen.landscape.local_min import (
    gauge_directions,
    local_minimum_certificate,
    morse_bott_test,
    search_nonglobal_local_minimum,
)
from exactopen.landscape.network import Network

try:
    from tests.helpers import validate_schema
except ImportError:  # pragma: no cover
    def validate_schema(cert):
        return None


def f(rows):
    return mx.from_rows(rows)


def q(s: str) -> fmpq:
    p, _, d = s.partition("/")
    return fmpq(int(p), int(d or 1))


@pytest.fixture(scope="module")
def found():
    """The example of the report: the seeded general search, widths (2, 1, 2), X = I."""
    fd = search_nonglobal_local_minimum((2, 1, 2), seed=0)
    assert fd is not None
    return fd


def _diag_example(w12):
    """Y = I, Z = e1 e1^T, weights [[1/10, w12], [w12, 1]]: by hand, the rank-one curve
    (e1 + t p e2)(e1 + t q e2)^T gives L = 1/2 + t^2/2 (w12 q^2 + w12 p^2 - 2 p q) + O(t^3), a
    local minimum iff w12^2 > 1 (PSD but degenerate at w12 = 1); e2 e2^T has loss 1/20 < 1/2."""
    return Network.build([f([[1, 0]]), f([[1], [0]])], mx.identity(2), None, f([["1/10", w12], [w12, 1]]))


# -- the found example ---------------------------------------------------------------------

def test_found_example_is_certified(found):
    cert = found.certificate
    assert cert["result"]["verdict"] == "local_minimum_not_global" and cert["claim_id"] == "cor-9"
    assert "local minimum, not global" in kernel.check(cert)
    validate_schema(cert)
    json.dumps(cert)
    net = found.net
    assert net.h == 2 and net.weights is not None
    assert q(cert["result"]["witness_loss"]) < net.loss() == q(cert["result"]["loss"])
    assert cert["result"]["hessian_rank"] == net.nparams - net.layers[0].nrows() ** 2
    cls = classify_critical_point(net)          # the classifier reaches the same verdict
    assert cls.verdict == "local_minimum_not_global"
    kernel.check(cls.certificate)


def test_search_is_deterministic(found):
    again = search_nonglobal_local_minimum((2, 1, 2), seed=0)
    assert again.certificate == found.certificate


@pytest.mark.parametrize("widths,n", [((3, 2, 3), None), ((2, 1, 2), 3),
                                     pytest.param((2, 1, 3), 4, marks=pytest.mark.slow)])  # ~4x the search of (2, 1, 2)
def test_search_other_shapes(widths, n):
    """r = 2 (four gauge directions) and a non-square X of full row rank (2 x 3 and 2 x 4)."""
    fd = search_nonglobal_local_minimum(widths, n, seed=0)
    assert fd is not None
    kernel.check(fd.certificate)
    validate_schema(fd.certificate)
    r = widths[1]
    assert fd.certificate["result"]["hessian_rank"] == fd.net.nparams - r * r


def test_hand_example_matches_the_curvature_condition():
    for w12, ok in (("2", True), ("3/2", True), ("1", False), ("1/2", False), ("9/10", False)):
        net = _diag_example(w12)
        assert net.is_critical() and net.loss() == fmpq(1, 2)
        assert morse_bott_test(net).ok == ok, w12
        cls = classify_critical_point(net)
        assert (cls.verdict == "local_minimum_not_global") == ok, (w12, cls.verdict, cls.reason)
        kernel.check(cls.certificate)
    assert "rank H = 2" in morse_bott_test(_diag_example("1")).reason        # PSD, degenerate
    assert "not positive semidefinite" in morse_bott_test(_diag_example("1/2")).reason


def test_gauge_directions_are_independent_null_vectors(found):
    W1, W2 = found.net.layers
    T = gauge_directions(W1, W2)
    assert T.ncols() == W1.nrows() ** 2 and T.rank() == T.ncols()
    assert mx.is_zero(found.net.hessian_matrix() * T)


# -- tampering ---------------------------------------------------------------------------------

def _rejects(cert, needle=None):
    with pytest.raises(kernel.Rejected) as exc:
        kernel.check(cert)
    if needle is not None:
        assert needle in str(exc.value), str(exc.value)


def _with_loss(c):
    """Recompute result.loss so that the tamper reaches the deeper checks."""
    from exactopen.exact.numbers import rational_str
    from exactopen.kernel.network import loss
    from exactopen.kernel.network import problem as _problem

    Ws, X, Y, w, _ = _problem(c["inputs"])
    c["result"]["loss"] = rational_str(loss(Ws, X, Y, w))
    return c


def test_tamper(found):
    cert = found.certificate
    c = copy.deepcopy(cert); c["inputs"]["weights"]["rows"][0][0] = "7"; _rejects(c)
    c = _with_loss(copy.deepcopy(cert)); c["inputs"]["weights"]["rows"][1][1] = "7"
    _rejects(_with_loss(c), "gradient")
    c = _with_loss(copy.deepcopy(cert)); c["inputs"]["weights"] = None; _rejects(_with_loss(c))
    c = copy.deepcopy(cert); c["evidence"]["witness"] = copy.deepcopy(cert["inputs"]["layers"])
    c["result"]["witness_loss"] = cert["result"]["loss"]; _rejects(c, "smaller loss")
    c = copy.deepcopy(cert); c["evidence"]["witness"][0]["rows"][0][0] = "1000"; _rejects(c)
    c = copy.deepcopy(cert); c["result"]["witness_loss"] = "0"; _rejects(c, "witness_loss")
    N = found.net.nparams
    c = copy.deepcopy(cert); c["result"]["hessian_rank"] = N; _rejects(c)
    c = copy.deepcopy(cert); c["result"]["hessian_rank"] = N - 2; _rejects(c)
    c = copy.deepcopy(cert); m = c["evidence"]["morse_bott"]["hessian_minor"]
    m["rows"], m["cols"] = m["rows"][:-1], m["cols"][:-1]; _rejects(c, "N - r^2")
    c = copy.deepcopy(cert); m = c["evidence"]["morse_bott"]["hessian_minor"]
    m["rows"] = m["cols"] = list(range(N)); _rejects(c, "singular")
    c = copy.deepcopy(cert); c["evidence"]["morse_bott"]["W1_minor"] = {"rows": [], "cols": []}; _rejects(c)
    c = copy.deepcopy(cert); del c["evidence"]["morse_bott"]; _rejects(c)
    c = copy.deepcopy(cert); c["inputs"]["layers"].append({"shape": [1, 2], "rows": [["1", "0"]]}); _rejects(c)


def test_tamper_hand_example():
    """Same certificate, weights moved to the boundary (PSD, rank deficient) and beyond (not
    PSD): loss and gradient do not change, only the second-order checks can reject."""
    cert = local_minimum_certificate(_diag_example("2")).certificate
    kernel.check(cert)
    for w12, needle in (("1", "singular"), ("1/2", "positive semidefinite")):
        c = copy.deepcopy(cert)
        c["inputs"]["weights"]["rows"][0][1] = c["inputs"]["weights"]["rows"][1][0] = w12
        _rejects(c, needle)


# -- the square loss: the proof never fires --------------------------------------------------

def test_never_fires_for_the_square_loss():
    """Two-layer square-loss critical points (the constructions of test_landscape.py): no
    certificate; where the point is not global, already the second-order proof fails."""
    rng = random.Random(21)
    seen_global_local_min = 0
    for _ in range(30):
        d = [rng.randint(1, 4) for _ in range(3)]
        q_ = min(d[0], d[-1])
        S = sorted(rng.sample(range(q_), rng.randint(0, min(d))))
        c = constructed_point(d, S, rng, change_basis=rng.random() < 0.6,
                              n_samples=None if rng.random() < 0.5 else d[0] + rng.randint(0, 2))
        assert c.net.weights is None and c.net.is_critical()
        lm = local_minimum_certificate(c.net, starts=6)
        assert lm.certificate is None, c.description
        if not c.is_global:
            assert not lm.morse_bott.ok, c.description
        seen_global_local_min += lm.morse_bott.ok
        assert classify_critical_point(c.net).verdict != "local_minimum_not_global"
    assert seen_global_local_min >= 1     # the second-order proof does succeed at global minima


def test_search_with_unit_weights_finds_nothing():
    """The same general search restricted to w = 1 (the square loss) finds no example."""
    from exactopen.landscape import local_min as lm

    old = lm.WEIGHT_CHOICES
    try:
        lm.WEIGHT_CHOICES = (fmpq(1),)
        assert lm.search_nonglobal_local_minimum((2, 1, 2), seed=0, max_trials=8, starts=6) is None
    finally:
        lm.WEIGHT_CHOICES = old


# -- numeric cross-checks (floats, independent of the exact proof) ---------------------------

def _floats(net):
    W1, W2 = (np.array([[float(x) for x in row] for row in W.tolist()]) for W in net.layers)
    X, Y, w = (np.array([[float(x) for x in row] for row in M.tolist()]) for M in (net.X, net.Y, net.weights))
    return W1, W2, X, Y, w


def _loss(W1, W2, X, Y, w):
    E = W2 @ W1 @ X - Y
    return 0.5 * float((w * E * E).sum())


def test_random_perturbations_never_decrease(found):
    W1, W2, X, Y, w = _floats(found.net)
    L0 = _loss(W1, W2, X, Y, w)
    assert abs(L0 - float(found.net.loss())) < 1e-12
    rng = np.random.default_rng(0)
    for radius in (1e-1, 1e-2, 1e-3, 1e-4):
        for _ in range(500):
            D1, D2 = rng.standard_normal(W1.shape), rng.standard_normal(W2.shape)
            s = radius / np.sqrt((D1 ** 2).sum() + (D2 ** 2).sum())
            assert _loss(W1 + s * D1, W2 + s * D2, X, Y, w) >= L0 - 1e-12


def _descend(fun, v, steps: int = 20000):
    """Plain gradient descent with backtracking (numpy only): a local optimiser for the test."""
    f, g = fun(v)
    step = 1.0
    for _ in range(steps):
        if float(np.linalg.norm(g)) < 1e-10:
            break
        while True:
            w = v - step * g
            fw, gw = fun(w)
            if fw <= f - 0.25 * step * float(g @ g) or step < 1e-18:
                break
            step /= 2
        v, f, g = w, fw, gw
        step *= 2
    return v, f


def test_local_optimiser_returns_to_the_orbit(found):
    W1, W2, X, Y, w = _floats(found.net)
    L0, P0 = _loss(W1, W2, X, Y, w), W2 @ W1
    a, b = W1.size, W2.shape

    def fun(v):
        A, B = v[:a].reshape(W1.shape), v[a:].reshape(b)
        E = w * (B @ A @ X - Y)
        return 0.5 * float(((B @ A @ X - Y) * E).sum()), np.concatenate([(B.T @ E @ X.T).ravel(),
                                                                        (E @ X.T @ A.T).ravel()])

    rng = np.random.default_rng(1)
    for _ in range(4):
        v0 = np.concatenate([W1.ravel(), W2.ravel()]) + 1e-2 * rng.standard_normal(a + W2.size)
        x, fx = _descend(fun, v0)
        A, B = x[:a].reshape(W1.shape), x[a:].reshape(b)
        assert abs(fx - L0) < 1e-9
        assert np.abs(B @ A - P0).max() < 1e-5       # back on the orbit {(G W1, W2 G^-1)}
