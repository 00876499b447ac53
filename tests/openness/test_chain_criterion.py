"""Issue 24: the rank criterion (R) of docs/chains.md ("A rank criterion"), decide_by_ranks and
Lemma C9's explicit preimages.

* (R) in rank form equals its interval form (a function of the multiplicities), and the clause
  a_k = b_k = z is redundant;
* at h = 2, (R) and pair_open_by_ranks are the pair decision (thm-5 / prop-4) of decide_pair;
* decide_by_ranks gives every atlas row's certified verdict, never undetermined (Theorem C16 decides
  the classes its constructions leave: 18 at h = 3, widths <= 3, 8 at h = 4, widths <= 2, which
  decide_chain proves open by families and Lemmas C10-C12); its gap-free classes are exactly the rows with rate 1/1 (Lemma C5, p = 1);
* on random dense chains (random ranks, dense rational gauge), decide_by_ranks from the computed
  ranks agrees with decide_chain's certified verdict;
* gap_free_preimage: exact preimages, linear in the distance, at every gap-free class (after a
  dense change of basis), and refused at a class with a gap.
"""

from __future__ import annotations

import json
import random

import pytest
from flint import fmpq, fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.landscape.examples import random_invertible
from exactopen.openness.chain import (
    chain_classes,
    class_widths,
    decide_chain,
    product,
    rank_profile_of,
    representative,
)
from exactopen.openness.chain_criterion import (
    RankChain,
    candidate,
    decide_by_ranks,
    gap_free_preimage,
    pair_open_by_ranks,
    ranks_of_layers,
    splits,
)
from exactopen.openness.pair import decide_pair
from tests.helpers import ROOT


def _interval_form(h: int, mult: dict) -> bool:
    """(R) counted on the summands: interior through k >= min(left dead before k, right born after k, e - z)."""
    d = class_widths(h, mult)
    z = mult.get((0, h), 0)
    for k in range(1, h):
        interior = sum(m for (i, j), m in mult.items() if 0 < i <= k <= j < h)
        left = sum(m for (i, j), m in mult.items() if i == 0 and j < k)
        right = sum(m for (i, j), m in mult.items() if j == h and i > k)
        if interior < min(left, right, min(d) - z):
            return False
    return True


@pytest.mark.parametrize("h,w", [(2, 4), (3, 3), (4, 2), (5, 2)])
def test_rank_form_is_the_interval_form_and_the_balanced_clause_is_redundant(h, w):
    for mult in chain_classes(h, w):
        d, ranks = class_widths(h, mult), rank_profile_of(h, mult)
        holds, _ = candidate(d, ranks)
        assert holds == _interval_form(h, mult)
        assert holds == all(s.f >= s.bound for s in splits(d, ranks))  # without "a = b = z"


def test_pair_case_is_thm5_and_prop4():
    """h = 2: (R) and pair_open_by_ranks equal the certified pair decision at every class, widths <= 3."""
    n = 0
    for mult in chain_classes(2, 3):
        d, ranks = class_widths(2, mult), rank_profile_of(2, mult)
        W1, W2 = representative(2, mult)
        D = decide_pair(W2, W1)
        kernel.check(D.certificate)
        assert candidate(d, ranks)[0] == D.is_open
        assert pair_open_by_ranks(d[0], d[1], d[2], ranks["0-1"], ranks["1-2"], ranks["0-2"]) == D.is_open
        n += 1
    assert n > 30


@pytest.mark.parametrize("name", ["h3-w3", "h4-w2"])
def test_decide_by_ranks_agrees_with_every_atlas_row(name):
    rows = [json.loads(line) for line in (ROOT / "certificates" / "chains" / f"{name}.jsonl").open()]
    decided = 0
    for row in rows:
        verdict, argument, _ = decide_by_ranks(row["widths"], row["ranks"])
        assert verdict != "undetermined"  # Theorem C16 decides what the constructions leave
        assert verdict == row["verdict"], row["intervals"]
        decided += argument != "rank-criterion"
        if isinstance(row.get("rate"), str) and row["rate"].startswith("1/"):
            assert (argument == "gap-free") == (row["rate"] == "1/1"), row["intervals"]  # C9 <=> C5's p = 1
        assert candidate(row["widths"], row["ranks"])[0] == (row["verdict"] != "not_locally_open")
    assert decided == len(rows) - {"h3-w3": 18, "h4-w2": 8}[name]  # the classes only (R) decides from ranks


def _random_chain(rng: random.Random, h: int, wmax: int) -> list[fmpq_mat]:
    """Dense rational layers with random ranks: W_i = X_i Y_i (inner width = the rank)."""
    d = [rng.randint(1, wmax) for _ in range(h + 1)]
    layers = []
    for i in range(h):
        r = rng.randint(0, min(d[i], d[i + 1]))
        X = fmpq_mat(d[i + 1], r, [rng.randint(-3, 3) for _ in range(d[i + 1] * r)])
        Y = fmpq_mat(r, d[i], [rng.randint(-3, 3) for _ in range(r * d[i])])
        layers.append(X * Y if r else fmpq_mat(d[i + 1], d[i]))
    return layers


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10 ** 9), st.sampled_from([(3, 3), (4, 2), (3, 2)]))
def test_decide_by_ranks_agrees_with_decide_chain_on_dense_chains(seed, hw):
    rng = random.Random(seed)
    layers = _random_chain(rng, *hw)
    d = [layers[0].ncols()] + [W.nrows() for W in layers]
    verdict, _, cert = decide_chain(layers)
    kernel.check(cert)
    by_ranks, argument, _ = decide_by_ranks(d, ranks_of_layers(layers))
    assert by_ranks == verdict, (d, argument)


def _gap_free_classes():
    for h, w in ((2, 3), (3, 3), (4, 2)):
        for mult in chain_classes(h, w):
            if RankChain(class_widths(h, mult), rank_profile_of(h, mult)).gap_free(0, h):
                yield h, mult


def test_gap_free_preimage_exact_and_linear_after_a_change_of_basis():
    """Lemma C9: at every gap-free class, for a dense gauge G (W = G_i R_i G_{i-1}^-1, R the normal form)
    and dense targets Z = Z̄ + δD, the preimage (built at R for G_h^-1 Z G_0) maps to Z exactly, and
    its distance to W scales linearly (δ -> δ/8 divides it by at least 4)."""
    rng = random.Random(24)
    n = 0
    for h, mult in _gap_free_classes():
        R = representative(h, mult)
        d = class_widths(h, mult)
        G = [random_invertible(x, rng) for x in d]
        W = [G[i + 1] * R[i] * G[i].inv() for i in range(h)]
        Zbar = product(W, 0, h)
        D = fmpq_mat(d[h], d[0], [rng.randint(-3, 3) for _ in range(d[h] * d[0])])
        sizes = []
        for delta in (fmpq(1, 1000), fmpq(1, 8000)):
            Z = Zbar + delta * D
            P = gap_free_preimage(h, mult, G[h].inv() * Z * G[0])
            Wp = [G[i + 1] * P[i] * G[i].inv() for i in range(h)]
            assert product(Wp, 0, h) == Z
            sizes.append(max(abs(x) for A, B in zip(Wp, W) for x in (A - B).entries()))
        assert sizes[1] * 4 <= sizes[0] or sizes[0] == 0
        n += 1
    assert n > 500


def test_gap_free_preimage_refuses_a_gap():
    mult = {(0, 0): 1, (0, 1): 1, (1, 2): 1, (2, 3): 1, (3, 3): 1}  # the (N, N, N): [0,0] and [2,3] leave a gap
    assert not RankChain(class_widths(3, mult), rank_profile_of(3, mult)).gap_free(0, 3)
    with pytest.raises(ValueError, match="gap"):
        gap_free_preimage(3, mult, fmpq_mat(2, 2))
    assert decide_by_ranks(class_widths(3, mult), rank_profile_of(3, mult))[:2] == ("locally_open", "rank-criterion")


@pytest.mark.parametrize("name", ["h3-w3", "h4-w2"])
def test_obstruction_and_grouping_certificates_fail_the_criterion_where_the_proof_says(name):
    """docs/chains.md: a C3 certificate at split k (row side) makes (R) fail at a node of smallest width
    among 0..k (column side: the transposed chain); a C4 certificate at k makes (R) fail at k."""
    import gzip

    rows = [json.loads(line) for line in (ROOT / "certificates" / "chains" / f"{name}.jsonl").open()]
    with gzip.open(ROOT / "certificates" / "chains" / f"{name}.certificates.jsonl.gz", "rt") as f:
        certs = [json.loads(line) for line in f]
    seen = set()
    for row, cert in zip(rows, certs):
        d, ranks, arg = row["widths"], row["ranks"], row["argument"]
        h = len(d) - 1
        failing = {s.k for s in splits(d, ranks) if s.f < s.bound}
        if arg == "obstruction":
            ob = cert["evidence"]["obstruction"]
            k = ob["k"]
            dd = d if ob["side"] == "row" else d[::-1]
            nodes = [m for m in range(k + 1) if dd[m] == min(dd[:k + 1])]
            nodes = nodes if ob["side"] == "row" else [h - m for m in nodes]
            assert all(m in failing for m in nodes), row["intervals"]
            seen.add(ob["side"])
        elif arg == "grouping":
            assert cert["evidence"]["grouping"]["k"] in failing, row["intervals"]
            seen.add(arg)
    assert seen == {"row", "column", "grouping"}
