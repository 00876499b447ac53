"""Theorem C16 of docs/chains.md, "if" direction: an independent, exact implementation of the
constructions of Lemma C15 (routing: carriers, moves, reuses, corrections, orders) and Lemma C14
(elimination over Q(t), end moves), and the end-to-end preimage Z → W' ≈ W̄ with M(W') = Z.

* C15: M(W) = D_τ exactly and W − W̄ of positive order, at the two classes of the text, on random
  classes and types (hypothesis; random greedy choices; maximal types), and the count is sharp
  (a type violating g_k ≤ f_k has no carriers);
* the counting step of C16: at every class, (R) ⇔ every type of rank ≤ e satisfies g_k ≤ f_k;
* C14: every operation of the elimination is allowed, g_h Z g_0⁻¹ = D_τ exactly, the residues
  lie in P_L, P_R; the type of Z = g_h⁻¹ D_τ g_0 is recovered (observation, see the test);
* end to end on every reduced class with h ≤ 3, widths ≤ 2 (and a sample at h = 4, widths ≤ 3).
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from fractions import Fraction

import pytest
from flint import fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen.openness.chain import chain_classes
from exactopen.openness.chain_criterion import candidate
from exactopen.openness.chain_elimination import (
    Elimination,
    Rat,
    end_to_end,
    in_PL,
    in_PR,
    random_parabolic,
    random_target,
    reduced_classes,
    residue_mat,
    sweep,
    target_of_type,
)
from exactopen.openness.chain_routing import (
    NormalChain,
    Pu,
    RoutingError,
    carriers,
    check_routing,
    random_busy_class,
    random_class,
    random_type,
    routing_preimage,
)

NNN = {(0, 0): 1, (0, 1): 1, (1, 2): 1, (2, 3): 1, (3, 3): 1}
H5 = {(0, 0): 1, (0, 1): 1, (1, 2): 1, (2, 3): 1, (3, 5): 1, (4, 5): 1}


def _idx(ch, iv):
    return ch.copies.index(iv)


def test_nnn_hard_type():
    """The (N, N, N) example: (a, P) crosses node 1 in w, (b, Q) reuses w at layer 2 with previous
    occupant (a, P); the correction is W_1[b, a] = −α_{(a,P),1}/α_{(b,Q),2}."""
    ch = NormalChain(3, NNN)
    a, b, w, P, Q = (_idx(ch, iv) for iv in [(0, 0), (0, 1), (1, 2), (2, 3), (3, 3)])
    tau = [(a, P, 1), (b, Q, 1)]
    W, data = routing_preimage(ch, tau)
    assert data["carriers"] == [[a, w, P, P], [b, b, w, Q]]
    assert [(u, k, x, occ) for (u, k, x, occ) in data["reuses"]] == [(1, 2, w, [(0, 1)])]
    counts = check_routing(ch, tau, W, data)
    assert counts["occupied_reuses"] == counts["corrections"] == 1
    al = data["alpha"]
    assert W[0][(b, a)] == -(al[0][1].div_mono(al[1][2]))
    # the text's hand orders θ_1 = 2/3, θ_2 = 1/3 for s·(x_P x_aᵀ + x_Q x_bᵀ): every entry of W − W̄
    # is ± s^{1/3} or s^{2/3} (so moved by at most s^{1/3}, not all by exactly ± s^{1/3})
    W, data = routing_preimage(ch, tau, theta={1: Fraction(2, 3), 2: Fraction(1, 3), 3: 1})
    check_routing(ch, tau, W, data)
    moved = sorted((x.order(), next(iter(x.t.values()))) for Wm in W for (r, c), x in Wm.items() if r != c)
    third, two = Fraction(1, 3), Fraction(2, 3)
    assert moved == [(third, -1), (third, 1), (third, 1), (two, 1), (two, 1)]


def test_h5_class_reuse():
    ch = NormalChain(5, H5)
    tau = [(_idx(ch, (0, 0)), _idx(ch, (4, 5)), 1), (_idx(ch, (0, 1)), _idx(ch, (3, 5)), 1)]
    for rng in (None, random.Random(1)):
        W, data = routing_preimage(ch, tau, rng=rng)
        counts = check_routing(ch, tau, W, data)
        assert counts["occupied_reuses"] == 1 and counts["corrections"] == 1


TWO = {(0, 0): 1, (0, 1): 2, (1, 3): 1, (2, 2): 1, (2, 4): 1, (3, 4): 1, (4, 4): 1}


def _two_occupants():
    ch = NormalChain(4, TWO)
    l0, l1, l2 = ch.left
    tau = [(l0, _idx(ch, (2, 4)), 1), (l1, _idx(ch, (3, 4)), 2), (l2, _idx(ch, (4, 4)), 1)]
    return ch, tau


def test_reuse_with_two_previous_occupants():
    """Widths [3, 3, 3, 3, 3]: w = [1, 3] carries pair 0 at node 1, pair 1 (a reuse at layer 2) at
    node 2, and pair 2 (a reuse at layer 3) at node 3, whose previous occupants are pairs 0 and 1
    (two corrections, one of them cancelling a signal that already holds a correction)."""
    ch, tau = _two_occupants()
    w = _idx(ch, (1, 3))
    W, data = routing_preimage(ch, tau, prefer_old=True)
    assert [(u, k, x, occ) for (u, k, x, occ) in data["reuses"]] == [(1, 2, w, [(0, 1)]),
                                                                     (2, 3, w, [(0, 1), (1, 2)])]
    c = check_routing(ch, tau, W, data)
    assert c["multi_occupant_reuses"] == 1 and c["chained_reuses"] == 1 and c["corrections"] == 3
    for seed in range(2):
        rng = random.Random(seed)
        c = end_to_end(ch, target_of_type(rng, ch, tau), prefer_old=True)
        assert c["rank"] == 3   # the pivot order may route without reuses: checked inside


NU_KINDS = [lambda g: g.randint(1, 5), lambda g: Fraction(g.randint(1, 12), g.randint(1, 4)),
            lambda g: 2, lambda g: g.randint(1, 2)]


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 2 ** 32), st.integers(2, 6), st.integers(1, 4), st.booleans(),
       st.integers(0, 3), st.integers(0, 2), st.booleans(), st.integers(0, 99))
def test_routing_random(seed, h, wmax, maximal, nu_kind, choice, busy, eps_pct):
    """Lemma C15 on random classes (h ≤ 6, widths ≤ 4, no full summand) and random types with the
    count (maximal ones too), random ν (integers, fractions, equal ones), any greedy choice, any
    ε in (0, min ν / 3^h)."""
    rng = random.Random(seed)
    mult = random_busy_class(rng, h, wmax) if busy and h > 2 else random_class(rng, h, wmax)
    ch = NormalChain(h, mult)
    tau = random_type(rng, ch, maximal=maximal, nus=NU_KINDS[nu_kind])
    eps = min(x[2] for x in tau) / 3 ** h * Fraction(eps_pct, 100) if tau and eps_pct else None
    W, data = routing_preimage(ch, tau, eps=eps, rng=rng if choice else None, prefer_old=choice == 2)
    check_routing(ch, tau, W, data)


def test_reuses_exercised():
    """Deterministic seeds: the random classes do exercise occupied reuses, reuses with two
    previous occupants, and reuses by a pair that itself entered by a reuse (chained corrections)."""
    tot: Counter = Counter()
    for seed in range(200):
        rng = random.Random(seed)
        h = rng.randint(3, 8)
        ch = NormalChain(h, random_busy_class(rng, h, rng.randint(2, 5)))
        tau = random_type(rng, ch, maximal=True, nus=lambda g: g.randint(1, 3))
        W, data = routing_preimage(ch, tau, rng=rng, prefer_old=seed % 2 == 0)
        tot.update(check_routing(ch, tau, W, data))
    assert tot["occupied_reuses"] >= 8 and tot["chained_reuses"] >= 1, tot
    assert tot["corrections"] >= tot["occupied_reuses"]
    # proved in passing: a correction never lands on an identity entry or on another piece
    assert tot["corrections_on_identity"] == 0 and tot["corrections_sharing_entry"] == 0


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2 ** 32), st.integers(2, 6), st.integers(1, 4))
def test_count_is_sharp(seed, h, wmax):
    """Any set of pairs (distinct ℓ's and ρ's): the greedy finds carriers iff g_k(τ) ≤ f_k at every k."""
    rng = random.Random(seed)
    ch = NormalChain(h, random_busy_class(rng, h, wmax) if h > 2 else random_class(rng, h, wmax))
    ls, rs = list(ch.left), list(ch.right)
    if not ls or not rs:
        return
    rng.shuffle(ls)
    rng.shuffle(rs)
    n = rng.randint(1, min(len(ls), len(rs)))
    tau = [(ls[i], rs[i], 1) for i in range(n)]
    if ch.count_ok(tau):
        carriers(ch, tau, rng)
    else:
        with pytest.raises(RoutingError):
            carriers(ch, tau, rng)


def test_violating_type_fails():
    """(N, N, N) without its interior copy: the hard type needs a carrier at nodes 1 and 2."""
    ch = NormalChain(3, {(0, 0): 1, (0, 1): 1, (2, 3): 1, (3, 3): 1})
    tau = [(_idx(ch, (0, 0)), _idx(ch, (2, 3)), 1), (_idx(ch, (0, 1)), _idx(ch, (3, 3)), 1)]
    assert not ch.count_ok(tau)
    with pytest.raises(RoutingError):
        routing_preimage(ch, tau)


@pytest.mark.parametrize("h,wmax", [(2, 3), (3, 3), (4, 2)])
def test_criterion_is_the_count_over_types(h, wmax):
    """The counting step of Theorem C16 and its converse: at every class (full summands removed),
    (R) holds iff every type of rank ≤ e satisfies g_k(τ) ≤ f_k at every inner k; and (R) here is
    chain_criterion.candidate on the class's ranks."""
    from exactopen.openness.chain import class_widths, rank_profile_of

    seen = set()
    for mult in chain_classes(h, wmax):
        m = {k: v for k, v in mult.items() if v and k != (0, h)}
        key = tuple(sorted(m.items()))
        if key in seen:
            continue
        seen.add(key)
        ch = NormalChain(h, m)
        assert ch.criterion() == candidate(class_widths(h, mult), rank_profile_of(h, mult))[0]
        ok = True
        for r in range(1, min(ch.e, len(ch.left), len(ch.right)) + 1):
            for ls in itertools.combinations(ch.left, r):
                for rs in itertools.permutations(ch.right, r):
                    ok = ok and ch.count_ok([(x, y, 1) for x, y in zip(ls, rs)])
        assert ok == ch.criterion(), m


def _class_key(ch, tau):
    return Counter((ch.j(l), ch.i(r), int(nu)) for (l, r, nu) in tau)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2 ** 32), st.integers(2, 5), st.integers(1, 3), st.booleans())
def test_elimination_recovers_type(seed, h, wmax, maximal):
    """Lemma C14 (b) on Z = g_h⁻¹ D_τ g_0 (g's in GL(O), residues in P_R, P_L, plus higher-order
    terms): every operation allowed, g_h' Z g_0'⁻¹ = D_τ' exactly, residues in P_R, P_L.  Observed
    (not needed by the proof): τ' = τ up to the classes of ℓ by j and of ρ by i, with the same ν
    (consistent with the Bruhat decomposition for the parahoric subgroups; not proved here)."""
    rng = random.Random(seed)
    ch = NormalChain(h, random_class(rng, h, wmax))
    tau = random_type(rng, ch, maximal=maximal)
    Z = target_of_type(rng, ch, tau)
    el = Elimination(ch, Z).run()
    el.check()
    assert len(el.tau) == len(tau)
    assert _class_key(ch, el.tau) == _class_key(ch, tau)


def test_parabolic_residues():
    rng = random.Random(5)
    ch = NormalChain(3, NNN)
    g0, g0bar = random_parabolic(rng, ch, "L")
    assert in_PL(ch, g0bar) and residue_mat(g0) == g0bar
    # a = [0, 0], b = [0, 1]: g[b, a] must vanish in P_L; on the right P = [2, 3], Q = [3, 3]:
    # g[Q, P] must vanish in P_R
    assert in_PL(ch, fmpq_mat([[1, 5], [0, 1]])) and not in_PL(ch, fmpq_mat([[1, 0], [5, 1]]))
    assert in_PR(ch, fmpq_mat([[1, 5], [0, 1]])) and not in_PR(ch, fmpq_mat([[1, 0], [5, 1]]))
    assert not in_PL(ch, fmpq_mat([[1, 1], [0, 0]]))


def test_elimination_refuses_a_large_entry():
    ch = NormalChain(3, NNN)
    Z = [[Rat(0), Rat.mono(1, 1)], [Rat(1), Rat(0)]]
    with pytest.raises(ValueError):
        Elimination(ch, Z)


def test_end_to_end_nnn_hard_type():
    ch = NormalChain(3, NNN)
    tau = [(_idx(ch, (0, 0)), _idx(ch, (2, 3)), 2), (_idx(ch, (0, 1)), _idx(ch, (3, 3)), 1)]
    for seed in range(3):
        rng = random.Random(seed)
        c = end_to_end(ch, target_of_type(rng, ch, tau), rng=rng)
        assert c["occupied_reuses"] == 1 and c["rank"] == 2


def _e2e(h, m, rep):
    ch = NormalChain(h, m)
    rng = random.Random(hash((h, tuple(sorted(m.items())), rep)))
    if rep % 2:
        Z = random_target(rng, ch, rng.randint(1, ch.e))
    else:
        Z = target_of_type(rng, ch, random_type(rng, ch, maximal=True, rmax=ch.e))
    return end_to_end(ch, Z, rng=rng if rep % 3 else None)


def test_end_to_end_small():
    """Every reduced class with (R) at h = 2, 3, widths ≤ 2: random Z ≈ 0 of rank ≤ e and
    Z = g_h⁻¹ D_τ g_0 for a maximal type; M(W') = Z and W' ≈ W̄ exactly."""
    n = 0
    for h in (2, 3):
        for m in reduced_classes(h, 2):
            for rep in range(2):
                _e2e(h, m, rep)
                n += 1
    assert n > 300


def test_end_to_end_h4_sample():
    rng = random.Random(4)
    classes = reduced_classes(4, 3)
    for m in rng.sample(classes, 12):
        _e2e(4, m, rng.randint(0, 5))


@pytest.mark.slow
@pytest.mark.parametrize("h,wmax,reps", [(3, 3, 2), (4, 3, 1)])
def test_end_to_end_sweep(h, wmax, reps):
    """Every reduced class with (R): h = 3, widths ≤ 3 (two targets each) and h = 4, widths ≤ 3
    (one target each; about 3 CPU minutes)."""
    tot = sweep(h, wmax, reps)
    assert tot["targets"] == reps * tot["classes"] and tot["occupied_reuses"] > 0


def test_puiseux_arithmetic():
    x = Pu({Fraction(1, 3): 2, 1: -1})
    y = Pu.mono(3, Fraction(1, 2))
    assert (x * y).t == {Fraction(5, 6): 6, Fraction(3, 2): -3}
    assert (x * y).div_mono(y) == x and (x - x).is_zero() and x.order() == Fraction(1, 3)


# ---------------------------------------------------------------------------------------
# the checks have teeth: a construction that departs from the text is caught
# ---------------------------------------------------------------------------------------

def test_without_corrections_the_product_is_wrong():
    ch = NormalChain(3, NNN)
    a, b, P, Q = (_idx(ch, iv) for iv in [(0, 0), (0, 1), (2, 3), (3, 3)])
    tau = [(a, P, 1), (b, Q, 1)]
    W, data = routing_preimage(ch, tau)
    for (u, k, w, t, mt, key, beta) in data["corrections"]:
        del W[mt - 1][key]
    with pytest.raises(AssertionError, match="M\\(W\\) != D_tau"):
        check_routing(ch, tau, W, data)


def test_equal_orders_give_a_correction_of_order_zero():
    """θ_1 = θ_2: the correction −α_{(a,P),1}/α_{(b,Q),2} is −1, not infinitesimal (why θ decreases)."""
    ch = NormalChain(3, NNN)
    tau = [(_idx(ch, (0, 0)), _idx(ch, (2, 3)), 1), (_idx(ch, (0, 1)), _idx(ch, (3, 3)), 1)]
    third = Fraction(1, 3)
    W, data = routing_preimage(ch, tau, theta={1: third, 2: third, 3: third})
    with pytest.raises(AssertionError, match="order <= 0"):
        check_routing(ch, tau, W, data)


def test_wrong_pivot_rule_is_refused():
    """Taking the pivot column with the largest j (instead of the smallest) clears row P by adding
    −col b to col a, whose residue leaves P_L: the operation check and the final residue check both
    refuse it (the run below fools the first by reversing the order; the second catches it)."""

    class Wrong(Elimination):
        def run(self):
            ch = self.ch
            self.ch = type("Rev", (), {"j": lambda s, c: -ch.j(c), "i": ch.i})()
            try:
                return super().run()
            finally:
                self.ch = ch

    ch = NormalChain(3, NNN)
    t = Rat.mono(1, 1)
    Z = [[t, t], [Rat(0), Rat(0)]]   # row P = t (x_a + x_b)
    Elimination(ch, Z).run().check()
    el = Wrong(ch, Z).run()
    with pytest.raises(AssertionError, match="residue of g_0 not in P_L"):
        el.check()
    el = Elimination(ch, Z)
    with pytest.raises(AssertionError, match="column operation not allowed"):
        el.col_op(0, 1, Rat(-1))     # column a −= column b: j_b = 1 > j_a = 0
    with pytest.raises(AssertionError, match="row operation not allowed"):
        el.row_op(1, 0, Rat(1))      # row Q += row P: i_Q = 3 > i_P = 2
    el.col_op(0, 1, -t)              # allowed with λ ∈ 𝔪
    el.row_op(1, 0, t)


def test_end_moves_need_P_L():
    from exactopen.openness.chain import representative
    from exactopen.openness.chain_elimination import gbar

    ch = NormalChain(3, NNN)
    bars = representative(3, NNN)
    one = fmpq_mat([[1, 0], [0, 1]])
    good, bad = fmpq_mat([[1, 5], [0, 1]]), fmpq_mat([[1, 0], [5, 1]])
    G = [gbar(ch, good, one, m) for m in range(4)]
    assert all(G[m] * bars[m - 1] == bars[m - 1] * G[m - 1] for m in range(1, 4))
    G = [gbar(ch, bad, one, m) for m in range(4)]
    assert not all(G[m] * bars[m - 1] == bars[m - 1] * G[m - 1] for m in range(1, 4))
