"""Issue 21: PSD proofs at points built the generic way (dense rational rotations on both
sides, non-whitened X with more samples than inputs, random gauges in every hidden layer),
through bases adapted to the data (the ``bases`` form of ``hessian_split``).  The verdicts are
cross-checked against the dense exact Hessian (signs of its characteristic polynomial) at
small sizes, and tampered bases, layers or Z are rejected."""

from __future__ import annotations

import copy
import json
import random

import pytest
from flint import fmpq

from exactopen import kernel
from exactopen.kernel.network import hessian
from exactopen.kernel.primitives import is_psd
from exactopen.landscape import alignment, gauge
from exactopen.landscape.classify import classify_critical_point
from exactopen.landscape.examples import GENERIC_KINDS, generic_point

CASES = [(kind, seed, samples) for kind in GENERIC_KINDS for seed in (0, 1) for samples in (None, 9)]


def _net(kind, seed, samples, widths=(6, 6, 3, 6, 6)):
    return generic_point(widths, kind, random.Random(seed), samples)


@pytest.mark.parametrize("kind,seed,samples", CASES)
def test_generic_points_are_decided_through_adapted_bases(kind, seed, samples):
    net = _net(kind, seed, samples)
    assert net.first_nonzero_gradient() is None
    c = classify_critical_point(net, exact_hessian_limit=0)  # no dense Hessian: the split must decide
    assert c.verdict == {"non_strict_saddle": "higher_order_saddle"}.get(kind, kind), c.reason
    statement = kernel.check(json.dumps(c.certificate))
    if kind == "non_strict_saddle":
        split = c.certificate["evidence"]["hessian_split"]
        assert "bases" in split and split["bases"][0] is not None and split["bases"][-1] is not None
        assert "hidden, input and output bases" in statement


@pytest.mark.parametrize("kind,seed,samples", CASES)
def test_the_split_agrees_with_the_dense_hessian(kind, seed, samples):
    """Independent method: the dense exact Hessian at W (no change of basis) is PSD exactly when
    the split says so."""
    net = _net(kind, seed, samples)
    ev, psd, D = gauge.gauge_split(net)
    dense = is_psd(hessian(net.layers, net.X, net.Y, None))
    assert psd is dense
    if psd is False:  # the direction found in the blocks has negative curvature at W
        assert D is not None
        x = [v for M in D for v in M.entries()]
        H = hessian(net.layers, net.X, net.Y, None)
        Hx = [sum((H[i, j] * x[j] for j in range(len(x))), fmpq(0)) for i in range(len(x))]
        assert sum((a * b for a, b in zip(x, Hx)), fmpq(0)) < 0


def test_adapted_bases_diagonalise_the_data():
    net = _net("non_strict_saddle", 3, 9)
    T0, U0, Th, Uh = alignment.data_bases(net)
    S, C = net.X * net.X.transpose(), net.Y * net.X.transpose()
    Sp, Cp, K = T0 * S * T0.transpose(), Th * C * T0.transpose(), Uh.transpose() * Uh
    for M in (Sp, Cp, K):
        assert all(M[i, j] == 0 for i in range(M.nrows()) for j in range(M.ncols()) if i != j)
    assert all(x.q == 1 for x in U0.entries() + Uh.entries())  # integer basis vectors


def _split_certificate(seed=0, samples=9):
    net = _net("non_strict_saddle", seed, samples)
    c = classify_critical_point(net, exact_hessian_limit=0)
    assert c.verdict == "higher_order_saddle"
    return c.certificate


def _first_nonzero(rows):
    for r in rows:
        for j, x in enumerate(r):
            if x != "0":
                return r, j
    raise AssertionError("no nonzero entry")


@pytest.mark.parametrize("what", ["basis", "input basis", "layer", "Z", "no Z", "singular basis", "bases length"])
def test_tampered_splits_are_rejected(what):
    cert = _split_certificate()
    bad = copy.deepcopy(cert)
    split = bad["evidence"]["hessian_split"]
    if what == "basis":
        r, j = _first_nonzero(split["bases"][2]["rows"])
        r[j] = str(int(r[j]) + 1)
    elif what == "input basis":
        r, j = _first_nonzero(split["bases"][0]["rows"])
        r[j] = str(-int(r[j]))
    elif what == "layer":
        r, j = _first_nonzero(split["layers"][1]["rows"])
        r[j] = str(fmpq(*map(int, (r[j] + "/1").split("/")[:2])) * 2)
    elif what == "Z":
        r, j = _first_nonzero(split["Z"]["rows"])
        r[j] = str(fmpq(*map(int, (r[j] + "/1").split("/")[:2])) + 1)
    elif what == "no Z":
        del split["Z"]
    elif what == "singular basis":
        rows = split["bases"][1]["rows"]
        rows[1] = list(rows[0])
    elif what == "bases length":
        split["bases"] = split["bases"][:-1]
    with pytest.raises(kernel.Rejected):
        kernel.check(json.dumps(bad))
    kernel.check(json.dumps(cert))
