"""The nearby rational problem (issue 21, item 3): a stalled training run whose exact saddle is
irrational; W' exactly critical for (X', Y') with a stated backward error, classified exactly,
and an escape certified on the ORIGINAL problem."""

from __future__ import annotations

import copy
import random

import pytest
from flint import fmpq, fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.exact import matrix as mx
from exactopen.exact.numbers import parse_rational
from exactopen.landscape.network import Network, network_from_arrays
from exactopen.numeric.nearby import (
    critical_data,
    eigh_fixed_order,
    least_change,
    nearby_problem,
    split_data,
    splits_exactly,
    stalled_run,
)
from exactopen.numeric.validate import validate
from tests.helpers import validate_schema
from tests.numeric.test_validate import rejected


def fr(s: str) -> fmpq:
    return parse_rational(s)


@pytest.fixture(scope="module")
def stalled():
    """4 layers (6, 6, 3, 6, 6), n = 12 dense non-whitened samples, a teacher with dense
    rotations; gradient descent from a 1e-3 init stalls after the top direction."""
    Ws, X, Y, info = stalled_run((6, 6, 3, 6, 6), 12, seed=0)
    assert info["stalled"]
    net = network_from_arrays(Ws, Y, X)
    return net, info, validate(net)


def test_stalled_run_is_on_a_plateau(stalled):
    _net, info, v = stalled
    assert info["gradient_norm"] < 1e-6 * info["loss"]
    gl = v.certificate["result"]["global"]  # the loss is far above the certified global minimum
    assert fr(gl["gap_lower"]) > fmpq(1, 2) * fr(v.certificate["result"]["loss"])
    assert v.certificate["result"]["snap"] is None  # snapping cannot reach the irrational saddle


def test_nearby_saddle_is_certified(stalled):
    net, _info, v = stalled
    cert = v.certificate
    assert kernel.check(cert) == cert["claim"]
    validate_schema(cert)
    res = cert["result"]
    assert res["nearby"]["verdict"] == "higher_order_saddle" and v.summary["verdict"] == "near_saddle"
    sub = cert["evidence"]["nearby"]["certificate"]
    W2 = [mx.from_json(M) for M in sub["inputs"]["layers"]]
    X2, Y2 = mx.from_json(sub["inputs"]["X"]), mx.from_json(sub["inputs"]["Y"])
    assert Network.build(W2, Y2, X2).is_critical()  # exactly critical for (X', Y')
    assert not net.is_critical()
    # the stated distances are the exact ones, and the backward error is small
    assert fr(res["nearby"]["data_change_sq"]["Y"]) == mx.frobenius_sq(Y2 - net.Y)
    assert fr(res["nearby"]["data_change_sq"]["Y"]) <= fmpq(1, 10 ** 6) * mx.frobenius_sq(net.Y)
    assert fr(res["nearby"]["data_change_sq"]["X"]) == 0 and X2 == net.X
    d2 = sum((mx.frobenius_sq(a - b) for a, b in zip(net.layers, W2)), fmpq(0))
    assert fr(res["nearby"]["distance_sq"]) == d2 and d2 < fmpq(1, 100)
    assert "nearby problem" in v.summary["text"]


def test_escape_lowers_the_original_loss(stalled):
    net, _info, v = stalled
    de = v.certificate["result"]["descent"]
    Z = [mx.from_json(M) for M in v.certificate["evidence"]["descent"]["layers"]]
    assert net.loss_at(Z) < net.loss() and fr(de["decrease"]) == net.loss() - net.loss_at(Z) > 0


@pytest.mark.parametrize("how", ["Y entry", "distance", "data change", "verdict", "X shape"])
def test_tampering_is_rejected(stalled, how):
    cert = copy.deepcopy(stalled[2].certificate)
    res, sub = cert["result"]["nearby"], cert["evidence"]["nearby"]["certificate"]
    if how == "Y entry":  # W' is no longer critical for the embedded data
        Y2 = mx.from_json(sub["inputs"]["Y"])
        Y2[0, 0] += fmpq(1, 10 ** 6)
        sub["inputs"]["Y"] = mx.to_json(Y2)
    elif how == "distance":
        res["distance_sq"] = str(fr(res["distance_sq"]) / 2)
    elif how == "data change":
        res["data_change_sq"]["Y"] = "0"
    elif how == "verdict":
        res["verdict"] = "global_minimum"
    else:
        X2 = mx.from_json(sub["inputs"]["X"])
        sub["inputs"]["X"] = mx.to_json(mx.hstack(X2, mx.zeros(X2.nrows(), 1)))
        Y2 = mx.from_json(sub["inputs"]["Y"])
        sub["inputs"]["Y"] = mx.to_json(mx.hstack(Y2, mx.zeros(Y2.nrows(), 1)))
    assert rejected(cert)


def test_wider_point_is_decided_through_split_data():
    """(8, 8, 4, 8, 8): 192 parameters, beyond the dense exact Hessian.  With Y' from
    critical_data alone, M' = C' S^-1 C'^T has an irreducible factor of degree 7 and the type
    stayed undecided; split_data (``data="split"``; the default is now the dyadic data of
    tests/numeric/test_dyadic_chain.py) chooses the unlearned part of Y' so that M' splits over
    Q, the adapted bases apply, and the nearby point is a certified higher-order saddle, at a
    backward error below 1e-6 relative."""
    Ws, X, Y, _info = stalled_run((8, 8, 4, 8, 8), 16, seed=1)
    net = network_from_arrays(Ws, Y, X)
    v = validate(net, nearby={"data": "split"})
    assert kernel.check(v.certificate) == v.certificate["claim"]
    nb = v.certificate["result"]["nearby"]
    assert nb["verdict"] == "higher_order_saddle" and v.summary["verdict"] == "near_saddle"
    assert v.summary["nearby"]["data"] == "split"
    sub = v.certificate["evidence"]["nearby"]["certificate"]
    split = sub["evidence"]["hessian_split"]
    assert split["bases"][0] is not None and split["bases"][-1] is not None  # input and output bases
    assert sub["result"]["hessian_psd"] is True
    W2 = [mx.from_json(M) for M in sub["inputs"]["layers"]]
    X2, Y2 = mx.from_json(sub["inputs"]["X"]), mx.from_json(sub["inputs"]["Y"])
    assert Network.build(W2, Y2, X2).is_critical() and X2 == net.X
    S, C = X2 * X2.transpose(), Y2 * X2.transpose()
    _c, factors = (C * S.inv() * C.transpose()).numer_denom()[0].charpoly().factor()
    assert all(f.degree() == 1 for f, _m in factors)  # M' splits over Q
    dY = fr(nb["data_change_sq"]["Y"])
    assert dY == mx.frobenius_sq(Y2 - net.Y)
    assert dY <= fmpq(1, 10 ** 12) * mx.frobenius_sq(net.Y)  # |Y' - Y| <= 1e-6 |Y|
    # without the split the same point stays undecided (the measurement that motivated it)
    v0 = validate(net, nearby={"split": False})  # the older option: False means data="least"
    assert v0.certificate["result"]["nearby"]["verdict"] == "undecided"
    assert v0.summary["nearby"]["data"] == "least"


def test_split_data_is_deterministic_and_refuses_nothing_silently():
    """The construction is a function of its input: two runs give the same Y' (the float steps
    are fixed-order, no BLAS), and the nearby problem states which Y' it used."""
    Ws, X, Y, _info = stalled_run((6, 6, 3, 6, 6), 12, seed=2)
    net = network_from_arrays(Ws, Y, X)
    a, b = nearby_problem(net, split=True), nearby_problem(network_from_arrays(Ws, Y, X), split=True)
    assert a.data == b.data == "split"
    assert a.net.Y == b.net.Y and a.net.layers == b.net.layers


def test_eigh_fixed_order_matches_lapack():
    import numpy as np

    rng = np.random.default_rng(0)
    B = rng.standard_normal((9, 9))
    A = B @ np.diag([10.0 ** -k for k in range(9)]) @ B.T
    lam, U = eigh_fixed_order(A)
    assert np.all(np.diff(lam) <= 0)
    assert np.allclose(U.T @ U, np.eye(9), atol=1e-13)
    assert np.linalg.norm(A @ U - U * lam) <= 1e-13 * np.linalg.norm(A)
    ref = np.linalg.eigvalsh(A)[::-1]
    assert np.allclose(lam, ref, rtol=0, atol=1e-13 * ref[0])


# -- the construction, exactly -------------------------------------------------------------

def _rand(rng, m, n, size=3):
    return fmpq_mat(m, n, [fmpq(rng.randint(-size, size), rng.randint(1, 3)) for _ in range(m * n)])


def _random_problem(seed, h, r, noisy):
    """Widths <= 4, rank-r factors, X with n > d_0 samples, Y in the row space of X (plus noise)."""
    rng = random.Random(seed)
    widths = [rng.randint(r + 1, 4) for _ in range(h + 1)]
    n = widths[0] + rng.randint(1, 3)
    factors = [(_rand(rng, widths[k + 1], r), _rand(rng, widths[k], r)) for k in range(h)]
    X = _rand(rng, widths[0], n)
    Y = _rand(rng, widths[-1], widths[0]) * X + (_rand(rng, widths[-1], n) if noisy else mx.zeros(widths[-1], n))
    return widths, factors, X, Y


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(2, 4), st.integers(1, 2), st.booleans())
def test_critical_data_is_exactly_critical_and_least(seed, h, r, noisy):
    """W' = (a_k b_k^T) is exactly critical for (X, Y + D); when Y lies in the row space of X, D
    is no larger than the change (E - E*) S^-1 X of the orthogonal projector construction
    (E* = (I - Pi_A) E (I - Pi_B))."""
    widths, factors, X, Y = _random_problem(seed, h, r, noisy)
    try:
        layers, Y2 = critical_data(factors, X, Y)
        S = X * X.transpose()
        Sinv = S.inv()
        A, B = factors[-1][0], factors[0][1]
        PA = A * (A.transpose() * A).inv() * A.transpose()
        PB = B * (B.transpose() * B).inv() * B.transpose()
    except ZeroDivisionError:
        return  # a singular r x r Gram matrix or X X^T: nothing to test
    assert Network.build(layers, Y2, X).is_critical()
    if not noisy:
        P = Network.build(layers, Y, X).product
        E = P * S - Y * X.transpose()
        I = mx.identity(widths[-1])
        Estar = (I - PA) * E * (mx.identity(widths[0]) - PB)
        Dbrief = (E - Estar) * Sinv * X
        assert Network.build(layers, Y + Dbrief, X).is_critical()
        assert mx.frobenius_sq(Y2 - Y) <= mx.frobenius_sq(Dbrief)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(2, 4), st.integers(1, 2), st.booleans())
def test_split_data_keeps_the_point_critical_and_splits(seed, h, r, noisy):
    """split_data + least_change: W' stays exactly critical for (X, Y'); Y' - Y lies in the row
    space of X (the least change for the chosen C' = T S); M' = C' S^-1 C'^T splits over Q
    (an exact factorisation, independent of splits_exactly) once the learned block does (r = 1),
    and otherwise every factor of degree > 1 is the learned block's (total degree <= r)."""
    widths, factors, X, Y = _random_problem(seed, h, r, noisy)
    try:
        layers, Y2 = critical_data(factors, X, Y)
        Sinv = (X * X.transpose()).inv()
    except ZeroDivisionError:
        return
    sp = split_data(factors, X, Y2, bits=12)
    if sp is None:
        return
    Y3 = least_change(sp.T, X, Y)
    net3 = Network.build(layers, Y3, X)
    assert net3.is_critical()
    n = X.ncols()
    assert (Y3 - Y) * (mx.identity(n) - X.transpose() * Sinv * X) == mx.zeros(widths[-1], n)
    C = Y3 * X.transpose()
    _c, fac = (C * Sinv * C.transpose()).numer_denom()[0].charpoly().factor()
    big = sum(f.degree() for f, _m in fac if f.degree() > 1)
    assert big <= (r if r > 1 else 0)
    assert splits_exactly(net3, sp) is (big == 0)
