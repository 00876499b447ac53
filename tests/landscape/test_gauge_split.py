"""Issue 12: exact PSD proofs of large Hessians by the gauge split (no size cap)."""

from __future__ import annotations

import copy
import json
import random

import pytest
from flint import fmpq, fmpq_mat

from exactopen import kernel
from exactopen.exact import matrix as mx
from exactopen.kernel.network import gauge_change, hessian, sparse_hessian
from exactopen.kernel.primitives import Rejected
from exactopen.landscape import gauge
from exactopen.landscape.classify import classify_critical_point
from exactopen.landscape.examples import higher_order_saddle_point
from exactopen.landscape.network import Network


def _rand(rng, m, n, zeros=0.3):
    return fmpq_mat(m, n, [fmpq(rng.randint(-3, 3), rng.randint(1, 2)) if rng.random() > zeros else fmpq(0)
                           for _ in range(m * n)])


def test_sparse_hessian_equals_dense():
    rng = random.Random(1)
    for _ in range(25):
        h = rng.randint(1, 4)
        d = [rng.randint(1, 4) for _ in range(h + 1)]
        n = rng.randint(1, 4)
        Ws = [_rand(rng, d[k + 1], d[k]) for k in range(h)]
        X, Y = _rand(rng, d[0], n), _rand(rng, d[-1], n)
        N, H = sparse_hessian(Ws, X, Y)
        Hd = hessian(Ws, X, Y, None)
        assert all(Hd[r, s] == H.get((min(r, s), max(r, s)), 0) for r in range(N) for s in range(N))


def test_interval_bases_make_hidden_layers_partial_identities():
    net = higher_order_saddle_point((6, 6, 4, 6, 6), 2, random.Random(3))
    Us = gauge.interval_bases(net.layers)
    ev = {"gauge": [mx.to_json(U.inv()) for U in Us], "gauge_inverse": [mx.to_json(U) for U in Us]}
    kernel.primitives._LEDGER.push("landscape_point")
    try:
        Wp = gauge_change(net.layers, ev, "gauge")[0]
    finally:
        kernel.primitives._LEDGER.pop()
    assert Wp[3] * Wp[2] * Wp[1] * Wp[0] == net.product
    for W in Wp[1:-1]:  # hidden-to-hidden layers: 0/1 entries, at most one 1 per row and column
        rows = W.tolist()
        assert all(x in (0, 1) for r in rows for x in r)
        assert all(sum(1 for x in r if x) <= 1 for r in rows)
        assert all(sum(1 for r in rows if r[j]) <= 1 for j in range(W.ncols()))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_issue_example_with_random_gauges_is_higher_order(seed):
    """X = I8, Y = diag, three layers (192 parameters, above the dense limit 160), random
    rational gauge changes: decided exactly, accepted, verdict higher_order_saddle."""
    net = higher_order_saddle_point((8, 8, 8, 8), 3, random.Random(seed))
    assert net.nparams == 192
    c = classify_critical_point(net)
    assert c.verdict == "higher_order_saddle", c.reason
    assert "hessian_split" in c.certificate["evidence"]
    assert "splits into" in kernel.check(json.dumps(c.certificate))


def test_issue_example_literal():
    Y = mx.identity(8)
    for i in range(8):
        Y[i, i] = 8 - i
    W12 = mx.identity(8)
    W3 = fmpq_mat(8, 8)
    for i in range(3, 8):
        W12[i, i] = 0
    for i in range(3):
        W3[i, i] = 8 - i
    c = classify_critical_point(Network.build([W12, W12, W3], Y))
    assert c.verdict == "higher_order_saddle", c.reason
    kernel.check(c.certificate)


def test_moderate_size_four_layers_classified():
    """About 1,000 parameters (four layers, gauge-scrambled): classified, not undecided."""
    net = higher_order_saddle_point((16, 16, 8, 16, 16), 6, random.Random(5))
    assert net.nparams == 768
    c = classify_critical_point(net)
    assert c.verdict == "higher_order_saddle", c.reason
    kernel.check(json.dumps(c.certificate))


def test_strict_saddle_found_by_the_split():
    """A missing component with two zero layers only (three layers, the middle one nonzero):
    the split finds a non-PSD block and its direction, mapped back, is a strict saddle."""
    rng = random.Random(7)
    net = higher_order_saddle_point((8, 8, 8, 8), 3, rng, gauge=False)
    Ws = list(net.layers)
    W2 = fmpq_mat(Ws[1].nrows(), Ws[1].ncols(), list(Ws[1].entries()))
    W2[5, 5] = 2
    net = Network.build([Ws[0], W2, Ws[2]], net.Y)
    ev, psd, D = gauge.gauge_split(net)
    assert psd is False and D is not None
    c = classify_critical_point(net)
    assert c.verdict == "strict_saddle"
    kernel.check(c.certificate)


def _saddle_cert():
    net = higher_order_saddle_point((8, 8, 8, 8), 3, random.Random(0))
    return classify_critical_point(net).certificate


def test_tampered_gauge_rejected():
    cert = _saddle_cert()
    bad = copy.deepcopy(cert)
    T = bad["evidence"]["hessian_split"]["gauge"][0]
    T["rows"][0][0] = str(fmpq(T["rows"][0][0]) + 1)
    with pytest.raises(Rejected, match="not the identity"):
        kernel.check(bad)


def test_tampered_splitting_rejected():
    """A consistent gauge pair (T, T^-1) that does not split the Hessian into small blocks, and
    a gauge that hides a negative direction, are refused; so is the split on a weighted loss."""
    cert = _saddle_cert()
    bad = copy.deepcopy(cert)
    split = bad["evidence"]["hessian_split"]
    split["gauge"], split["gauge_inverse"] = split["gauge"][:1], split["gauge_inverse"][:1]
    with pytest.raises(Rejected, match="gauge and gauge_inverse"):
        kernel.check(bad)
    bad = copy.deepcopy(cert)
    bad["evidence"]["hessian_split"]["unexpected"] = 1
    with pytest.raises(Rejected):
        kernel.check(bad)
    # a point with negative curvature cannot be passed off as PSD with a gauge split
    net = higher_order_saddle_point((8, 8, 8, 8), 3, random.Random(0), gauge=False)
    W2 = fmpq_mat(8, 8, list(net.layers[1].entries()))
    W2[5, 5] = 2
    strict = Network.build([net.layers[0], W2, net.layers[2]], net.Y)
    c = classify_critical_point(strict)
    assert c.verdict == "strict_saddle"
    bad = copy.deepcopy(c.certificate)
    bad["result"]["verdict"] = "higher_order_saddle"
    bad["result"]["hessian_psd"] = True
    bad["evidence"]["hessian_split"] = gauge.gauge_split(strict)[0]
    with pytest.raises(Rejected, match="not positive semidefinite"):
        kernel.check(bad)
