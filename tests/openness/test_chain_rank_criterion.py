"""Theorem C16 of docs/chains.md (argument ``rank-criterion`` of chain_openness, trusted as
``chain-rank-criterion``): a degenerate chain whose ranks satisfy (R) is locally open.

* the classes no other argument decides get a ``rank-criterion`` certificate, accepted, that
  relies on that lemma alone (plus Lemma C5's theorem-free rate) and states no upper rate;
* hostile edits are rejected: the argument claimed where (R) fails (a dense random basis of a class
  failing (R) at h = 3), the verdict changed, the claim's table of ranks altered, an upper rate added;
* property: on random classes (h <= 5, widths <= 3) in a dense random basis, the checker accepts
  ``rank-criterion`` exactly where ``chain_criterion.candidate`` says (R) holds, and ``decide_chain``
  never answers undetermined (its certificate accepted).
"""

from __future__ import annotations

import copy
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.landscape.examples import random_invertible
from exactopen.openness.chain import (
    chain_classes,
    class_widths,
    decide_chain,
    intervals,
    rank_profile_of,
    rate_bound,
    representative,
)
from exactopen.openness.chain_criterion import candidate, decide_by_ranks, ranks_of_layers

# h = 3, widths [2, 3, 3, 4]: no split, family or lemma C10-C12 decides it; (R) holds
ONLY_R = {(0, 0): 1, (0, 1): 1, (1, 2): 2, (2, 3): 1, (3, 3): 3}


def dense_class(h: int, mult: dict, seed: int) -> list:
    """The class's normal form in a dense random basis: W_i = G_i R_i G_{i-1}^-1 (G_i rational,
    entries in [-3, 3] / {1, 2})."""
    rng = random.Random(seed)
    R = representative(h, mult)
    G = [random_invertible(x, rng) for x in class_widths(h, mult)]
    return [G[i + 1] * R[i] * G[i].inv() for i in range(h)]


def _cert(seed: int = 3) -> dict:
    v, _, cert = decide_chain(dense_class(3, ONLY_R, seed))
    assert v == "locally_open" and cert["result"]["argument"] == "rank-criterion"
    return cert


def _forged(cert: dict, layers) -> dict:
    """cert (a degenerate chain of h >= 3) restated as 'locally open by rank-criterion'."""
    c = copy.deepcopy(cert)
    ev = {"rank_product": c["evidence"]["rank_product"]}
    ev["rate"] = c["evidence"].get("rate") or rate_bound(layers)
    c["evidence"] = ev
    res = c["result"]
    res.pop("preimage_rate", None)
    res.update(verdict="locally_open", argument="rank-criterion", rate=f"1/{ev['rate']['p']}")
    c["claim_id"] = "chain-openness"
    c["claim"] = ""
    return c


def test_only_the_criterion_decides_it_and_the_certificate_is_accepted():
    cert = _cert()
    text = kernel.check(cert)
    assert "rank criterion (R)" in text and "Theorem C16" in text
    assert [t["id"] for t in kernel.explain(cert)["theorems"]] == ["chain-rank-criterion"]
    assert "preimage_rate" not in cert["result"] and cert["result"]["rate"] == "1/2"
    assert set(cert["evidence"]) == {"rank_product", "rate"}
    d = class_widths(3, ONLY_R)
    assert decide_by_ranks(d, rank_profile_of(3, ONLY_R))[1] == "rank-criterion"


def _failing_class_h3():
    """A degenerate class of h = 3, widths <= 3 where (R) fails at some k (not open, Lemma C8)."""
    for mult in chain_classes(3, 3):
        d = class_widths(3, mult)
        ok, bad = candidate(d, rank_profile_of(3, mult))
        if not ok and sum(m for (a, b), m in mult.items() if a == 0 and b == 3) < min(d) and min(d) >= 2:
            return mult, bad


def test_rank_criterion_claimed_where_R_fails_is_rejected():
    mult, bad = _failing_class_h3()
    layers = dense_class(3, mult, 11)
    v, _, cert = decide_chain(layers)
    assert v == "not_locally_open" and cert["result"]["argument"] in ("obstruction", "grouping")
    forged = _forged(cert, layers)
    with pytest.raises(kernel.Rejected, match=f"fails at k = {bad[0]}"):
        kernel.statement(forged)


def _drop_rate(c: dict) -> None:
    """A not-open certificate states no rate (Lemma C5): drop it, so only the argument is at stake."""
    c["result"].pop("rate")
    c["evidence"].pop("rate")


@pytest.mark.parametrize("edit,match", [
    (lambda c: _drop_rate(c) or c["result"].update(verdict="not_locally_open"), "proves local openness"),
    (lambda c: c["result"].update(verdict="undetermined"), "proves local openness"),
    (lambda c: c["result"].update(argument="none", verdict="locally_open"), "undetermined"),
    (lambda c: c["result"].update(preimage_rate="1/2"), "preimage_rate"),
    (lambda c: c.update(claim=c["claim"].replace("f_k = [2, 2]", "f_k = [2, 3]")), "claim"),
    (lambda c: c.update(claim=c["claim"].replace("t_k = [1, 2]", "t_k = [1, 1]")), "claim"),
    (lambda c: c["result"].update(rank=1), "rank"),
    (lambda c: c["evidence"].update(table={"a": [1, 0]}), "unknown field"),
])
def test_tampered_rank_criterion_rejected(edit, match):
    cert = _cert()
    assert "f_k = [2, 2]" in cert["claim"] and "t_k = [1, 2]" in cert["claim"]
    c = copy.deepcopy(cert)
    edit(c)
    with pytest.raises(kernel.Rejected, match=match):
        kernel.check(c)


def test_rank_criterion_refused_at_a_changed_layer():
    """Another chain (a layer replaced by a dense one of full rank) under the same claim: the checker
    recomputes the ranks from the layers."""
    from flint import fmpq_mat

    from exactopen.exact import matrix as mx

    c = copy.deepcopy(_cert())
    c["inputs"]["layers"][1] = mx.to_json(fmpq_mat([[1, 2, 0], [0, 1, 3], [1, 0, 1]]))
    with pytest.raises(kernel.Rejected):
        kernel.check(c)


def _random_mult(rng: random.Random, h: int, wmax: int) -> dict:
    mult: dict = {}
    d = [0] * (h + 1)
    ivs = intervals(h)
    for _ in range(rng.randint(1, 3 * h)):
        a, b = rng.choice(ivs)
        if all(d[i] < wmax for i in range(a, b + 1)):
            mult[(a, b)] = mult.get((a, b), 0) + 1
            for i in range(a, b + 1):
                d[i] += 1
    for i in range(h + 1):  # every node at least width 1
        if d[i] == 0:
            mult[(i, i)] = 1
            d[i] = 1
    return mult


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10 ** 9), st.integers(3, 5))
def test_kernel_criterion_is_candidate_and_decide_chain_never_undetermined(seed, h):
    rng = random.Random(seed)
    mult = _random_mult(rng, h, 3)
    layers = dense_class(h, mult, seed)
    d = class_widths(h, mult)
    holds = candidate(d, ranks_of_layers(layers))[0]
    assert holds == candidate(d, rank_profile_of(h, mult))[0]  # the change of basis keeps the class
    v, _, cert = decide_chain(layers)
    kernel.check(cert)
    assert v != "undetermined"
    assert (v == "locally_open") == holds  # Lemma C8 and Theorem C16
    if cert["result"]["rank"] == min(d):
        return  # lem-10: rank-criterion is not the argument of non-degenerate chains
    forged = _forged(cert, layers)
    try:
        kernel.statement(forged)
        accepted = True
    except kernel.Rejected as exc:
        assert "rank criterion (R) fails" in str(exc), str(exc)
        accepted = False
    assert accepted == holds


def test_fuzz_judge_rederives_the_criterion():
    """The fuzz judge (tests/kernel/fuzz_judge.py, Fractions, independent of the kernel) re-derives (R)
    for a rank-criterion certificate and refuses the argument where (R) fails."""
    from tests.kernel import fuzz_judge

    cert = _cert()
    assert fuzz_judge.j_chain(copy.deepcopy(cert), cert) == "chain re-derived"
    mult, bad = _failing_class_h3()
    layers = dense_class(3, mult, 11)
    forged = _forged(decide_chain(layers)[2], layers)
    none = copy.deepcopy(forged)
    none["result"].update(verdict="undetermined", argument="none")
    forged["claim"] = kernel.statement(none)  # it states Lemma C5's bound, as the judge requires
    with pytest.raises(fuzz_judge.Bad, match=f"fails at k = {bad[0]}"):
        fuzz_judge.j_chain(forged, cert)


@pytest.mark.parametrize("want", ["rank-criterion", "rank-count"])
def test_large_chains_are_decided_without_the_searches(want):
    """h = 9, widths <= 5 (beyond SEARCH_PATHS coordinate paths: no family search): a class that
    decide_by_ranks leaves to Theorem C16 is certified open by rank-criterion, one failing (R) not open
    (Lemma C3 or C4); both certificates accepted."""
    from exactopen.openness.chain import searchable

    rng = random.Random(9)
    h = 9
    while True:
        mult = _random_mult(rng, h, 5)
        d = class_widths(h, mult)
        if max(d) >= 4 and decide_by_ranks(d, rank_profile_of(h, mult))[1] == want:
            break
    layers = dense_class(h, mult, 9)
    if searchable(layers):
        pytest.skip("this sample is small enough for the searches")
    v, _, cert = decide_chain(layers)
    kernel.check(cert)
    if want == "rank-criterion":
        assert v == "locally_open" and cert["result"]["argument"] == "rank-criterion"
    else:
        assert v == "not_locally_open" and cert["result"]["argument"] in ("obstruction", "grouping")
