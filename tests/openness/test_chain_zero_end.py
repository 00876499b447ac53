"""Lemma C11 (docs/chains.md; argument ``zero-end``): a zero end layer next to the narrowest node.

The certificate's family only covers the sub-chain's targets vanishing at the absent entries; the
step from there to every target of the range is the lemma (balanced factors Z = A'B', B' rotated to
vanish at the absent entries).  The property test below runs that proof numerically (numpy SVD and
a Householder reflection: an independent method, floats only here) at random dense targets of the
range and checks that the preimage it builds from the certified formulas has product Z and moves
every layer entry by O(|Z|^(1/2))."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.openness.chain import decide_chain, representative

END = {(0, 0): 1, (0, 1): 2, (1, 2): 1, (2, 2): 1, (3, 3): 3}     # widths [3, 3, 2, 3], W_3 = 0
START = {(0, 0): 3, (1, 1): 1, (1, 2): 1, (2, 3): 2, (3, 3): 1}   # its transpose, W_1 = 0


def _eval_leaf(fam, target):
    """The family's layer changes at a target Δ (floats): t = |Δ|_max^(1/p), u = Δ / t^p."""
    import numpy as np

    p = fam["p"]
    t = float(np.abs(target).max()) ** (1 / p)
    u = target / t ** p
    out = []
    for layer in fam["tree"]["leaf"]["layers"]:
        D = {}
        for r, c, terms in layer:
            val = 0.0
            for coef, a, mono, _mult in terms:
                num, _, den = coef.partition("/")
                term = float(num) / float(den or 1) * t ** a
                for i, j, x in mono:
                    term *= u[i, j] ** x
                val += term
            D[(r, c)] = val
        out.append(D)
    return out


def _preimage(layers, ze, Z):
    """Lemma C11's proof at the target Z (numpy): returns the moved layers."""
    import numpy as np

    side, fam = ze["side"], ze["family"]
    Ws = [np.array([[float(x) for x in row] for row in W.tolist()]) for W in layers]
    if side == "start":  # the transposed chain
        Ws = [W.T for W in reversed(Ws)]
        Z = Z.T
    e = Ws[-1].shape[1]
    U, s, Vt = np.linalg.svd(Z)
    A0 = U[:, :e] * np.sqrt(s[:e])
    B0 = np.sqrt(s[:e])[:, None] * Vt[:e]
    absent = [tuple(x) for x in fam["absent"]]
    if side == "start":
        absent = [(j, i) for i, j in absent]  # entries of the transposed sub-target
    Q = np.eye(e)
    if absent:  # one entry here (min width 2): rotate column j0 of B0 off row i0
        (i0, j0), = absent
        c = B0[:, j0]
        if np.linalg.norm(c) > 0:
            i1 = 1 - i0 if e == 2 else (i0 + 1) % e
            w = c - np.linalg.norm(c) * np.eye(e)[i1]
            if np.linalg.norm(w) > 1e-300:
                Q = np.eye(e) - 2 * np.outer(w, w) / (w @ w)
    A, B = A0 @ Q.T, Q @ B0
    for i0, j0 in absent:
        assert abs(B[i0, j0]) < 1e-12 * (1 + np.abs(B).max())
        B[i0, j0] = 0.0
    sub_target = B.T if side == "start" else B  # the certified family speaks of the untransposed sub-chain
    D = _eval_leaf(fam, sub_target)
    sub = [np.array([[float(x) for x in row] for row in W.tolist()]) for W in (layers[:-1] if side == "end"
                                                                                 else layers[1:])]
    moved = [W.copy() for W in sub]
    for W, Di in zip(moved, D):
        for (r, c), v in Di.items():
            W[r, c] += v
    if side == "end":
        return moved + [A], [W for W in sub] + [np.zeros_like(A)]
    return [A.T] + moved, [np.zeros_like(A.T)] + sub


@pytest.mark.parametrize("mult", [END, START])
def test_certificate_accepted(mult):
    verdict, _, cert = decide_chain(representative(3, mult))
    assert verdict == "locally_open" and cert["result"]["argument"] == "zero-end"
    kernel.statement(json.dumps(cert))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([END, START]), st.integers(0, 2 ** 32 - 1), st.integers(2, 9))
def test_lemma_c11_builds_small_preimages(mult, seed, k):
    import numpy as np

    layers = representative(3, mult)
    _, _, cert = decide_chain(layers)
    ze = cert["evidence"]["zero_end"]
    rng = np.random.default_rng(seed)
    delta = 10.0 ** (-k)
    Z = rng.standard_normal((3, 2)) @ rng.standard_normal((2, 3))  # dense, rank 2: the range
    Z *= delta / np.abs(Z).max()
    new, old = _preimage(layers, ze, Z)
    prod = new[0]
    for W in new[1:]:
        prod = W @ prod
    assert np.abs(prod - Z).max() <= 1e-9 * delta
    move = max(np.abs(a - b).max() for a, b in zip(new, old))
    assert move <= 10 * delta ** 0.5  # O(δ^(1/2)): C5's lower exponent 1/2 is attained
