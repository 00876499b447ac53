"""Staircase families (exactopen/openness/chain_staircase.py) and the exact zero tests of the family
checker (kernel/chain_family.py): accepted on the atlas classes they decide, also after a
permutation of the bases, reproduced exactly by an independent evaluation at random targets, and
every hand edit below rejected."""

from __future__ import annotations

import copy
import json
import random
from fractions import Fraction

import pytest
from flint import fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.openness.chain import decide_chain, representative

A = {(0, 0): 1, (0, 1): 1, (1, 2): 1, (2, 3): 2, (3, 3): 1}        # two P rows: the pivot test
D = {(0, 0): 1, (0, 1): 2, (1, 2): 1, (2, 3): 2, (3, 3): 1}
B = {(0, 0): 1, (0, 1): 1, (1, 2): 2, (2, 3): 1, (3, 3): 2}        # two Q rows, two wires
BT = {(0, 0): 2, (0, 1): 1, (1, 2): 2, (2, 3): 1, (3, 3): 1}       # transposed family
H5 = {(0, 0): 1, (0, 1): 1, (1, 4): 1, (2, 2): 1, (3, 3): 1, (4, 5): 1, (5, 5): 1}  # h = 5, p = 4
G = {(0, 0): 1, (0, 1): 2, (1, 2): 1, (2, 2): 1, (2, 3): 1, (3, 3): 2}  # a [2, 2] wire for the second Q row
GT = {(0, 0): 2, (0, 1): 1, (1, 1): 1, (1, 2): 1, (2, 3): 2, (3, 3): 1}
I = {(0, 0): 2, (0, 1): 1, (1, 1): 1, (1, 2): 1, (2, 2): 1, (2, 3): 1, (3, 3): 2}  # both: three pivots
R13 = {(0, 0): 1, (0, 1): 1, (1, 2): 1, (1, 3): 1, (2, 3): 2, (3, 3): 1}  # a [1, 3] row: a channel
L02 = {(0, 0): 1, (0, 1): 1, (0, 2): 1, (1, 2): 1, (2, 3): 2, (3, 3): 1}  # a [0, 2] column: a channel
NOP = {(0, 0): 1, (0, 1): 2, (1, 2): 1, (1, 3): 1, (2, 2): 1, (3, 3): 2}  # no [2, 3] row: wires alone
CLASSES = [A, D, B, BT, {(0, 0): 1, (0, 1): 2, (1, 2): 1, (2, 3): 1, (3, 3): 1}, G, GT, I, H5, R13, L02, NOP]


def _cert(mult, perm_seed=None):
    layers = representative(5 if (1, 4) in mult else 3, mult)
    if perm_seed is not None:  # the same class in shuffled bases of V_0 .. V_3
        rnd = random.Random(perm_seed)
        dims = [layers[0].ncols()] + [W.nrows() for W in layers]
        perms = [rnd.sample(range(d), d) for d in dims]

        def P(d, p):
            return fmpq_mat([[int(p[i] == j) for j in range(d)] for i in range(d)])

        layers = [P(dims[i + 1], perms[i + 1]) * W * P(dims[i], perms[i]).transpose()
                  for i, W in enumerate(layers)]
    verdict, _, cert = decide_chain(layers)
    assert verdict == "locally_open" and cert["result"]["argument"] == "family"
    return cert


def _rejected(cert, match=None):
    with pytest.raises(kernel.Rejected, match=match):
        kernel.statement(json.dumps(cert))


@pytest.mark.parametrize("mult", CLASSES)
@pytest.mark.parametrize("seed", [None, 7])
def test_accepted(mult, seed):
    cert = _cert(mult, seed)
    assert "explicit preimage family" in kernel.statement(json.dumps(cert))
    q = "1/4" if mult is H5 else "1/3"
    assert cert["result"]["preimage_rate"] == q and cert["result"]["rate"] == "1/2"  # a gap [1/q, 1/2]


# ---------------------------------------------------------------------------------------
# an independent evaluation: exact Fractions, no Laurent algebra
# ---------------------------------------------------------------------------------------

def _walk(tree, U, t):
    """The leaf the target (t, U) reaches, deciding tests and zero tests by the numbers."""
    while "leaf" not in tree:
        assert "impossible" not in tree, "an impossible leaf was reached"
        if "zero" in tree:
            i, j = tree["zero"]
            tree = tree["yes"] if U[i][j] == 0 else tree["no"]
            continue
        T = tree["test"]

        def mono(e):
            out = Fraction(1)
            for i, j, x in e:
                out *= abs(U[i][j]) ** x
            return out

        beta = Fraction(T["beta"])
        tree = tree["yes"] if mono(T["A"]) >= beta * t ** T["k"] * mono(T["B"]) else tree["no"]
    return tree["leaf"]["layers"]


def _value(terms, U, t):
    out = Fraction(0)
    for coef, a, mono, _ in terms:
        v = Fraction(coef) * t ** a
        for i, j, x in mono:
            v *= Fraction(U[i][j]) ** x
        out += v
    return out


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CLASSES), st.integers(0, 2 ** 32 - 1), st.integers(2, 12), st.floats(0, 0.6))
def test_family_is_an_exact_preimage_at_random_targets(mult, seed, k, zero_share):
    """t = 1/k rational (so |E|_max = t^p exactly), dense random U with max |u| = 1 and a random
    share of exact zeros (to reach the zero-test leaves): the leaf's layers multiply to Z + t^p U
    exactly and move every entry by <= C t."""
    cert = _cert(mult)
    fam = cert["evidence"]["family"]
    layers = [[[Fraction(x) for x in row] for row in L["rows"]] for L in cert["inputs"]["layers"]]
    m, n = len(layers[-1]), len(layers[0][0])
    rnd = random.Random(seed)
    U = [[Fraction(0) if rnd.random() < zero_share else Fraction(rnd.randint(-20, 20), 20) for _ in range(n)]
         for _ in range(m)]
    i, j = rnd.randrange(m), rnd.randrange(n)
    U[i][j] = Fraction(rnd.choice([-1, 1]))
    t = Fraction(1, k)
    moved = copy.deepcopy(layers)
    worst = Fraction(0)
    for li, entries in enumerate(_walk(fam["tree"], U, t)):
        for r, c, terms in entries:
            d = _value(terms, U, t)
            moved[li][r][c] += d
            worst = max(worst, abs(d))
    prod = moved[0]
    for W in moved[1:]:
        prod = [[sum(W[r][x] * prod[x][c] for x in range(len(prod))) for c in range(n)] for r in range(len(W))]
    p = fam["p"]
    assert prod == [[t ** p * U[r][c] for c in range(n)] for r in range(m)]  # Z = 0 at these classes
    assert worst <= Fraction(fam["constant"]) * t


# ---------------------------------------------------------------------------------------
# hand edits
# ---------------------------------------------------------------------------------------

def _find(tree, key):
    """The first node of the tree having ``key``, and its path of (node, branch)."""
    stack = [(tree, [])]
    while stack:
        node, path = stack.pop()
        if key in node:
            return node, path
        for b in ("yes", "no"):
            if b in node:
                stack.append((node[b], path + [(node, b)]))
    return None, None


def test_zero_test_dropped():
    """Replacing the zero test by its "u != 0" branch: the leaves divide by a variable that is no
    longer known nonzero, or miss the target."""
    cert = _cert(A)
    fam = cert["evidence"]["family"]
    node, path = _find(fam["tree"], "zero")
    parent, b = path[-1]
    parent[b] = node["no"]
    _rejected(cert)


def test_zero_branches_swapped():
    cert = _cert(A)
    node, _ = _find(cert["evidence"]["family"]["tree"], "zero")
    node["yes"], node["no"] = node["no"], node["yes"]
    _rejected(cert)


def test_zero_leaf_names_the_zero_variable():
    cert = _cert(B)
    tree = cert["evidence"]["family"]["tree"]
    assert "zero" in tree
    i, j = tree["zero"]
    layers = tree["yes"]["leaf"]["layers"]
    layers[1][0][2].append(["1", 3, [[i, j, 1]], []])
    _rejected(cert, "absent target entry")


def test_impossible_leaf_needs_a_contradiction():
    cert = _cert(A)
    node, _ = _find(cert["evidence"]["family"]["tree"], "zero")
    node["no"] = {"impossible": True}  # u != 0 after a passed pivot test: nothing contradicts it
    _rejected(cert, "not impossible")


def test_impossible_leaf_turned_into_a_leaf():
    """The contradictory branch (u(P_*, a) = 0 but u(P_o, a) != 0 with |u(P_*, a)| >= |u(P_o, a)|)
    must stay marked impossible; a leaf there is refused, whatever it says."""
    cert = _cert(A)
    tree = cert["evidence"]["family"]["tree"]
    inner = tree["yes"]["yes"]
    assert inner["no"] == {"impossible": True}
    inner["no"] = inner["yes"]
    _rejected(cert, "contradictory")


def test_multiplier_names_a_zero_test():
    cert = _cert(B)
    tree = cert["evidence"]["family"]["tree"]
    leaf = tree["no"]["yes"]["leaf"]["layers"]
    leaf[1][0][2][0][3] = [[0, 1]]  # test 0 is the zero test
    _rejected(cert, "exact zero test")


def test_zero_test_outside_the_target():
    cert = _cert(B)
    cert["evidence"]["family"]["tree"]["zero"] = [7, 0]
    _rejected(cert)


def test_coefficient_changed_in_a_deep_leaf():
    cert = _cert(D)
    node, _ = _find(cert["evidence"]["family"]["tree"], "leaf")
    entries = node["leaf"]["layers"][1]
    entries[-1][2][0][0] = str(Fraction(entries[-1][2][0][0]) * 2)
    _rejected(cert)


def test_constant_understated():
    cert = _cert(D)
    fam = cert["evidence"]["family"]
    fam["constant"] = str(Fraction(fam["constant"]) - Fraction(1, 100))
    _rejected(cert, "constant")
