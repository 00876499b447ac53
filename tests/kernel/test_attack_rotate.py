"""Lemma C12 certificates (argument ``rotate`` of chain_openness: two zero columns of W_1, two zero
rows of W_h, a staircase family on the targets with E[P, y] = E[r, y] = 0; docs/chains.md): the
last atlas class of h = 3, widths <= 3 is accepted; the lemma's rotation is run numerically at
random dense targets (numpy, an independent method); every hand edit below is rejected."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.openness.chain import decide_chain, representative

H = {(0, 0): 2, (0, 1): 1, (1, 2): 2, (2, 3): 1, (3, 3): 2}


def _base():
    verdict, _, cert = decide_chain(representative(3, H))
    assert verdict == "locally_open" and cert["result"]["argument"] == "rotate"
    return cert


def _rejected(cert, match=None):
    with pytest.raises(kernel.Rejected, match=match):
        kernel.statement(json.dumps(cert))


def test_accepted():
    cert = _base()
    assert "Lemma C12" in kernel.statement(json.dumps(cert))
    assert [t["id"] for t in kernel.explain(cert)["theorems"]] == ["chain-rotation"]
    assert cert["result"]["preimage_rate"] == "1/3" and cert["result"]["rate"] == "1/2"


def test_column_not_zero():
    from exactopen.certificate import rank_evidence
    from exactopen.exact import linalg
    from exactopen.exact import matrix as mx

    cert = _base()
    y = cert["evidence"]["rotate"]["columns"][1]
    cert["inputs"]["layers"][0]["rows"][0][y] = "1/7"  # W_1 reads the column y: no symmetry
    Ws = [mx.from_json(x) for x in cert["inputs"]["layers"]]
    cert["evidence"]["rank_product"] = rank_evidence(linalg.rank_evidence(Ws[2] * Ws[1] * Ws[0]))
    _rejected(cert, "is not zero")


def test_pivot_inside_the_rows_and_repeated_coordinates():
    cert = _base()
    rot = cert["evidence"]["rotate"]
    rot["pivot"] = rot["rows"][1]
    _rejected(cert, "pivot row outside")
    cert = _base()
    cert["evidence"]["rotate"]["columns"] = [cert["evidence"]["rotate"]["columns"][0]] * 2
    _rejected(cert, "distinct")


def test_absent_entries_must_be_the_rotated_ones():
    """Swapping the roles of the two rows claims zeros the rotations do not make."""
    cert = _base()
    rot = cert["evidence"]["rotate"]
    rot["rows"] = rot["rows"][::-1]
    _rejected(cert, "absent must be exactly")
    cert = _base()
    cert["evidence"]["rotate"]["family"]["absent"].pop()
    _rejected(cert)


def test_family_wrong_and_extra_field():
    cert = _base()
    fam = cert["evidence"]["rotate"]["family"]
    fam["constant"] = "1/100"
    _rejected(cert, "constant")
    cert = _base()
    cert["evidence"]["rotate"]["note"] = 1
    _rejected(cert, "exactly the fields")


def _leaf_value(tree, U, t):
    from fractions import Fraction

    while "leaf" not in tree:
        assert "impossible" not in tree
        if "zero" in tree:
            i, j = tree["zero"]
            tree = tree["yes"] if U[i][j] == 0 else tree["no"]
            continue
        T = tree["test"]

        def mono(e):
            out = 1.0
            for i, j, x in e:
                out *= abs(U[i][j]) ** x
            return out

        tree = tree["yes"] if mono(T["A"]) >= float(Fraction(T["beta"])) * t ** T["k"] * mono(T["B"]) else tree["no"]
    out = []
    for entries in tree["leaf"]["layers"]:
        D = {}
        for r, c, terms in entries:
            val = 0.0
            for coef, a, mono, _ in terms:
                v = float(Fraction(coef)) * t ** a
                for i, j, x in mono:
                    v *= U[i][j] ** x
                val += v
            D[(r, c)] = val
        out.append(D)
    return out


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2 ** 32 - 1), st.integers(2, 8))
def test_lemma_c12_rotates_and_builds_small_preimages(seed, k):
    """A dense random target: the two Givens rotations of the proof zero E[P, y] and then E[r, y];
    the family at the rotated target, rotated back, is a preimage of size O(δ^(1/3))."""
    import numpy as np

    layers = representative(3, H)
    cert = _base()
    rot = cert["evidence"]["rotate"]
    (x, y), (r, s), P = rot["columns"], rot["rows"], rot["pivot"]
    rng = np.random.default_rng(seed)
    delta = 10.0 ** (-k)
    E = rng.standard_normal((3, 3))
    E *= delta / np.abs(E).max()
    G0, Gh = np.eye(3), np.eye(3)
    a, b = E[P, x], E[P, y]  # columns: rotate (a, b) onto (norm, 0)
    nrm = np.hypot(a, b)
    c_, s_ = a / nrm, b / nrm
    G0[[x, x, y, y], [x, y, x, y]] = [c_, s_, -s_, c_]  # E G0^T: new column y = -s a + c b = 0 in row P
    E1 = E @ G0.T
    a, b = E1[s, y], E1[r, y]  # rows: rotate (E1[s, y], E1[r, y]) onto (norm, 0)
    nrm = np.hypot(a, b)
    c_, s_ = a / nrm, b / nrm
    Gh[[s, s, r, r], [s, r, s, r]] = [c_, s_, -s_, c_]
    E2 = Gh @ E1
    assert abs(E2[P, y]) < 1e-12 * delta and abs(E2[r, y]) < 1e-12 * delta
    E2[P, y] = E2[r, y] = 0.0
    fam = rot["family"]
    t = np.abs(E2).max() ** (1 / fam["p"])
    D = _leaf_value(fam["tree"], (E2 / t ** fam["p"]).tolist(), t)
    Ws = [np.array([[float(v) for v in row] for row in W.tolist()]) for W in layers]
    new = [W.copy() for W in Ws]
    for W, Di in zip(new, D):
        for (i, j), v in Di.items():
            W[i, j] += v
    new[0] = new[0] @ G0          # W'_1 = W''_1 G_0
    new[2] = Gh.T @ new[2]        # W'_h = G_h^-1 W''_h
    prod = new[2] @ new[1] @ new[0]
    Zbar = Ws[2] @ Ws[1] @ Ws[0]
    assert np.abs(prod - Zbar - E).max() <= 1e-9 * delta
    move = max(np.abs(a_ - b_).max() for a_, b_ in zip(new, Ws))
    assert move <= 4 * float(fam["constant"]) * (4 * delta) ** (1 / 3)
