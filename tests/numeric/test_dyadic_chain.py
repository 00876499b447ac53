"""The dyadic nearby problem (issue 21, item 3; exactopen/numeric/dyadic_chain.py): a
pivot-normalised rank-r chain of dyadic layers, dyadic data Y' = P X' - Q_A R^ Q~ for which it
is EXACTLY critical whatever R^ is, and dyadic bases in which every layer is an r x r core and
the Hessian is one block.  Generic data throughout: dense layers (rank r plus noise), dense
non-whitened X with more samples than inputs, dense Y.  Cross-checked against the dense exact
Hessian; tampered certificates are rejected."""

from __future__ import annotations

import copy

import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.exact import matrix as mx
from exactopen.exact.floats import to_grid
from exactopen.exact.numbers import parse_rational, rational_str
from exactopen.kernel.network import hessian
from exactopen.kernel.primitives import is_psd
from exactopen.landscape import gauge
from exactopen.landscape.classify import classify_critical_point
from exactopen.landscape.network import Network, chain_product, network_from_arrays
from exactopen.numeric.dyadic_chain import adapted_bases, critical_labels, dyadic_chain
from exactopen.numeric.nearby import nearby_problem, stalled_run
from exactopen.numeric.validate import validate
from tests.helpers import validate_schema
from tests.numeric.test_validate import rejected


def _dyadic(M) -> bool:
    d = int(M.numer_denom()[1])
    return d & (d - 1) == 0


def _generic(seed: int, h: int, r: int):
    """NUMERIC test data: widths in r+1..5, layers of rank r plus 1e-3 noise, X = B X_0 dense and
    non-whitened (n > d_0), Y dense (far from any critical point)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    widths = [int(rng.integers(r + 1, 6)) for _ in range(h + 1)]
    Ws = [rng.standard_normal((widths[k + 1], r)) @ rng.standard_normal((r, widths[k]))
          + 1e-3 * rng.standard_normal((widths[k + 1], widths[k])) for k in range(h)]
    d0, n = widths[0], widths[0] + int(rng.integers(1, 4))
    X = (np.eye(d0) + 0.4 * rng.standard_normal((d0, d0))) @ rng.standard_normal((d0, n))
    Y = rng.standard_normal((widths[-1], n))
    return widths, Ws, X, Y


def _chain_problem(seed, h, r, resid_bits=24, data_bits=None):
    widths, Ws, Xf, Yf = _generic(seed, h, r)
    chain = dyadic_chain(Ws, r)
    if chain is None:
        return None
    X = network_from_arrays(Ws, Yf, Xf).X if data_bits is None else to_grid(Xf, data_bits)
    Y = network_from_arrays(Ws, Yf, Xf).Y
    Y2 = critical_labels(chain, X, Y, resid_bits)
    return widths, chain, X, Y, Y2


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(2, 4), st.integers(1, 2), st.sampled_from([3, 24]),
       st.sampled_from([None, 10]))
def test_dyadic_chain_is_exactly_critical(seed, h, r, resid_bits, data_bits):
    """W' = (A_k C_k B_k^T) is exactly critical for (X', Y') at any rounding of R^ (3 bits too),
    every number is dyadic, the pivot rows are the identity and B_{k+1}^T A_k = I."""
    got = _chain_problem(seed, h, r, resid_bits, data_bits)
    if got is None:
        return
    widths, chain, X, _Y, Y2 = got
    layers = chain.layers()
    net = Network.build(layers, Y2, X)
    assert net.is_critical()
    assert all(_dyadic(M) for M in layers + [X, Y2])
    I = mx.identity(r)
    for k in range(h):
        assert mx.submatrix(chain.B[k], chain.q[k], None) == I
        if k < h - 1:
            assert chain.B[k + 1].transpose() * chain.A[k] == I
    assert mx.submatrix(chain.A[-1], chain.p, None) == I
    assert chain.product() == chain_product(layers, widths[0])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(2, 4), st.integers(1, 2))
def test_adapted_bases_make_every_layer_a_core(seed, h, r):
    """T_k U_k = I, all dyadic, and T_k W'_k U_{k-1} is zero outside the pivot rows q_{k+1}
    (p for k = h) and pivot columns q_k, where it is the core C_k."""
    got = _chain_problem(seed, h, r)
    if got is None:
        return
    widths, chain, _X, _Y, _Y2 = got
    Us, Ts = adapted_bases(chain)
    assert len(Us) == len(Ts) == h + 1
    for k, (U, T) in enumerate(zip(Us, Ts)):
        assert T * U == mx.identity(widths[k]) and _dyadic(T) and _dyadic(U)
    for k, W in enumerate(chain.layers()):
        Wp = Ts[k + 1] * W * Us[k]
        rows = chain.q[k + 1] if k + 1 < h else chain.p
        core = mx.submatrix(Wp, rows, chain.q[k])
        assert core == chain.C[k]
        nz = sum(1 for x in Wp.entries() if x != 0)
        assert nz == sum(1 for x in core.entries() if x != 0)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(2, 4), st.integers(1, 2))
def test_the_split_in_these_bases_agrees_with_the_dense_hessian(seed, h, r):
    """Independent method: the dense exact Hessian at W' (no change of basis) is PSD exactly
    when the split in the adapted bases says so; a direction found in a block has negative
    curvature at W'; the classification's certificate is accepted by the checker."""
    got = _chain_problem(seed, h, r)
    if got is None:
        return
    _widths, chain, X, _Y, Y2 = got
    net = Network.build(chain.layers(), Y2, X)
    _ev, psd, D = gauge.gauge_split(net, bases=adapted_bases(chain))
    H = hessian(net.layers, net.X, net.Y, None)
    assert psd is is_psd(H)
    if psd is False and D is not None:
        x = [v for M in D for v in M.entries()]
        Hx = [sum((H[i, j] * x[j] for j in range(len(x))), fmpq(0)) for i in range(len(x))]
        assert sum((a * b for a, b in zip(x, Hx)), fmpq(0)) < 0
    c = classify_critical_point(net, exact_hessian_limit=0, bases=adapted_bases(chain))
    assert kernel.check(c.certificate) == c.certificate["claim"]


@pytest.fixture(scope="module")
def wide():
    """(8, 8, 4, 8, 8): 192 parameters, beyond the dense exact Hessian (the split decides);
    gradient descent from a 1e-3 init on dense non-whitened data stalls after the top direction."""
    Ws, X, Y, info = stalled_run((8, 8, 4, 8, 8), 16, seed=1)
    assert info["stalled"]
    net = network_from_arrays(Ws, Y, X)
    return net, validate(net)


def test_wider_stalled_point_is_a_certified_saddle_of_dyadic_data(wide):
    net, v = wide
    cert = v.certificate
    assert kernel.check(cert) == cert["claim"]
    validate_schema(cert)
    nb = cert["result"]["nearby"]
    assert nb["verdict"] == "higher_order_saddle" and v.summary["verdict"] == "near_saddle"
    assert v.summary["nearby"]["data"] == "dyadic"
    sub = cert["evidence"]["nearby"]["certificate"]
    split = sub["evidence"]["hessian_split"]
    assert set(split) == {"gauge", "gauge_inverse", "input", "output"}
    assert "splits into 1 blocks of at most 18 coordinates" in sub["claim"]  # r (d_0 + d_h) + r^2 (h - 2)
    W2 = [mx.from_json(M) for M in sub["inputs"]["layers"]]
    X2, Y2 = mx.from_json(sub["inputs"]["X"]), mx.from_json(sub["inputs"]["Y"])
    assert Network.build(W2, Y2, X2).is_critical() and not net.is_critical()
    assert all(_dyadic(M) for M in W2 + [X2, Y2])
    dY = parse_rational(nb["data_change_sq"]["Y"])
    assert dY == mx.frobenius_sq(Y2 - net.Y) and dY <= fmpq(1, 10 ** 12) * mx.frobenius_sq(net.Y)
    assert X2 == net.X and parse_rational(nb["data_change_sq"]["X"]) == 0


def _sub(cert):
    return cert["evidence"]["nearby"]["certificate"]


@pytest.mark.parametrize("how", ["output change", "gauge inverse", "Y entry", "layer entry", "verdict",
                                 "psd", "data change"])
def test_tampered_dyadic_nearby_is_rejected(wide, how):
    cert = copy.deepcopy(wide[1].certificate)
    sub = _sub(cert)
    split = sub["evidence"]["hessian_split"]
    if how == "output change":  # T_h U_h != I
        T = mx.from_json(split["output"]["change"])
        T[0, 0] += 1
        split["output"]["change"] = mx.to_json(T)
    elif how == "gauge inverse":
        U = mx.from_json(split["gauge_inverse"][1])
        U[U.nrows() - 1, 0] += fmpq(1, 3)
        split["gauge_inverse"][1] = mx.to_json(U)
    elif how in ("Y entry", "layer entry"):  # W' no longer critical; the loss restated to match
        Ws = [mx.from_json(M) for M in sub["inputs"]["layers"]]
        X2, Y2 = mx.from_json(sub["inputs"]["X"]), mx.from_json(sub["inputs"]["Y"])
        if how == "Y entry":
            Y2[1, 2] += fmpq(1, 2 ** 40)
            sub["inputs"]["Y"] = mx.to_json(Y2)
        else:
            Ws[3][0, 0] += fmpq(1, 2 ** 30)
            sub["inputs"]["layers"][3] = mx.to_json(Ws[3])
        sub["result"]["loss"] = rational_str(Network.build(Ws, Y2, X2).loss())
        with pytest.raises(kernel.Rejected, match="gradient is not zero"):
            kernel.check(sub)
    elif how == "verdict":
        cert["result"]["nearby"]["verdict"] = "local_minimum_not_global"
    elif how == "psd":  # the split claimed for a point whose Hessian is another's
        sub["result"]["hessian_psd"] = False
    else:
        cert["result"]["nearby"]["data_change_sq"]["Y"] = "0"
    assert rejected(cert)


def test_rounded_inputs_are_stated_exactly():
    """data_bits: X' = X rounded (the choice above r (d_0 + d_h) = 160); |X' - X|^2 is exact and
    the checker recomputes it (a wrong value is rejected)."""
    Ws, X, Y, _info = stalled_run((6, 6, 3, 6, 6), 12, seed=3)
    net = network_from_arrays(Ws, Y, X)
    near = nearby_problem(net, data_bits=12)
    assert near is not None and near.data == "dyadic" and near.net.is_critical()
    assert near.net.X != net.X and near.data_change_sq["X"] == mx.frobenius_sq(near.net.X - net.X)
    v = validate(net, nearby={"data_bits": 12})
    cert = v.certificate
    assert kernel.check(cert) == cert["claim"]
    assert parse_rational(cert["result"]["nearby"]["data_change_sq"]["X"]) == near.data_change_sq["X"] > 0
    bad = copy.deepcopy(cert)
    bad["result"]["nearby"]["data_change_sq"]["X"] = "0"
    assert rejected(bad)
