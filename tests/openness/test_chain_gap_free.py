"""Lemma C9 of docs/chains.md (argument ``gap-free`` of chain_openness, trusted as
``chain-gap-free``): a degenerate chain in which no left summand [0, j] and right summand [i, h]
leave a gap (j + 1 < i) is locally open with a linear modulus, so its certificate states the upper
exponent 1/1, and Lemma C5's lower exponent there is 1/1 too (the exact Hölder exponent).

* a split-only gap-free class gets a ``gap-free`` certificate (dense random basis), accepted, with
  preimage_rate 1/1 and rate 1/1, relying on ``chain-gap-free`` alone;
* hostile edits are rejected: the argument claimed at a class with a gap (where (R) holds), a wrong
  or missing upper rate, a lower rate that would contradict the upper one;
* property: on random classes (h <= 5, widths <= 3, dense random basis) the checker accepts a forged
  ``gap-free`` claim exactly at the gap-free classes (read off the interval multiset), and the
  generator's C9 preimage (``gap_free_preimage``) is exact there.
"""

from __future__ import annotations

import copy
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.openness.chain import chain_classes, decide_chain, rate_bound

from tests.openness.test_chain_rank_criterion import dense_class

# h = 3, widths [2, 3, 3, 2]: gap-free, no preimage family is found, a split decides it without a rate
GAP_FREE = {(0, 3): 1, (0, 1): 1, (2, 3): 1, (1, 2): 1}
# h = 3: the (N, N, N) class has gaps ([0, 0] before [2, 3]) and satisfies (R)
GAPPED = {(0, 0): 1, (0, 1): 1, (1, 2): 1, (2, 3): 1, (3, 3): 1}


def gap_free(h: int, mult: dict) -> bool:
    left = [j for (i, j), m in mult.items() if m and i == 0 and j < h]
    right = [i for (i, j), m in mult.items() if m and j == h and i > 0]
    return all(j + 1 >= i for j in left for i in right)


def _forged(cert: dict, layers, rate: str = "1/1") -> dict:
    c = copy.deepcopy(cert)
    ev = {"rank_product": c["evidence"]["rank_product"], "rate": c["evidence"].get("rate") or rate_bound(layers)}
    c["evidence"] = ev
    c["result"].update(verdict="locally_open", argument="gap-free", rate=f"1/{ev['rate']['p']}",
                       preimage_rate=rate)
    c["claim_id"], c["claim"] = "chain-openness", ""
    return c


def test_gap_free_class_is_certified_with_exponent_one():
    layers = dense_class(3, GAP_FREE, 5)
    v, _, cert = decide_chain(layers)
    assert v == "locally_open" and cert["result"]["argument"] == "gap-free"
    assert cert["result"]["preimage_rate"] == "1/1" and cert["result"]["rate"] == "1/1"
    text = kernel.check(cert)
    assert "Lemma C9" in text
    assert [t["id"] for t in kernel.explain(cert)["theorems"]] == ["chain-gap-free"]


def test_gap_free_claimed_at_a_gapped_class_is_rejected():
    layers = dense_class(3, GAPPED, 7)
    _, _, cert = decide_chain(layers)
    with pytest.raises(kernel.Rejected, match="not gap-free|rate"):
        kernel.statement(_forged(cert, layers))


@pytest.mark.parametrize("rate", ["1/2", None])
def test_wrong_or_missing_upper_rate_is_rejected(rate):
    layers = dense_class(3, GAP_FREE, 11)
    _, _, cert = decide_chain(layers)
    bad = copy.deepcopy(cert)
    if rate is None:
        bad["result"].pop("preimage_rate")
    else:
        bad["result"]["preimage_rate"] = rate
    with pytest.raises(kernel.Rejected):
        kernel.check(bad)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6))
def test_checker_accepts_gap_free_exactly_at_gap_free_classes(seed):
    rng = random.Random(seed)
    h = rng.choice([3, 4, 5])
    classes = chain_classes(h, 3 if h == 3 else 2)
    mult = {k: m for k, m in rng.choice(classes).items() if m}
    layers = dense_class(h, mult, seed)
    _, _, cert = decide_chain(layers)
    r, e = cert["result"]["rank"], min(cert["result"]["widths"])
    if r == e:
        return
    forged = _forged(cert, layers)
    if gap_free(h, mult):
        assert "Lemma C9" in kernel.statement(forged)
    else:
        with pytest.raises(kernel.Rejected, match="not gap-free|rate"):
            kernel.statement(forged)
