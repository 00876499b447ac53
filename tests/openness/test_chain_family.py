"""Explicit preimage families (issue 24): the ``family`` argument of chain_openness.

* accepted on the atlas classes it decides (the 2x2 chain (N, N, N), its two h = 4 extensions by
  an invertible end layer, and a split whose sub-chain is open onto all matrices by a family);
* refused after hand tampering: a formula coefficient, a test (case condition), a multiplier,
  the constant, the radius, p, the rate string, an impossible leaf that is not impossible;
* a hypothesis test, independent of the checker: exact rational targets t^p U (t rational,
  max |u_ij| = 1) follow the tree to a leaf whose formulas, evaluated with Fractions, multiply
  to the target and move every entry by at most C t.
"""

from __future__ import annotations

import copy
from fractions import Fraction

import pytest
from flint import fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.openness.chain import decide_chain, representative

NNN = {(0, 0): 1, (0, 1): 1, (1, 2): 1, (2, 3): 1, (3, 3): 1}
H4_INPUT = {(0, 1): 1, (0, 2): 1, (2, 3): 1, (3, 4): 1, (4, 4): 1}   # W_1 invertible, reduces to NNN
H4_OUTPUT = {(0, 0): 1, (0, 1): 1, (1, 2): 1, (2, 4): 1, (3, 4): 1}  # W_4 invertible


def _cert(mult, h=3):
    return decide_chain(representative(h, mult))[2]


BASE = _cert(NNN)


def _rejected(c):
    with pytest.raises(kernel.Rejected):
        kernel.statement(c)


@pytest.mark.parametrize("mult,h", [(NNN, 3), (H4_INPUT, 4), (H4_OUTPUT, 4)])
def test_family_accepted(mult, h):
    c = _cert(mult, h)
    assert c["result"]["argument"] == "family" and c["result"]["verdict"] == "locally_open"
    assert c["result"]["preimage_rate"] == "1/3" and c["result"]["rate"] == "1/2"
    s = kernel.check(c)
    assert "preimage family" in s and "^(1/3)" in s


def test_family_node_in_a_split_accepted():
    N = fmpq_mat([[0, 0], [1, 0]])
    A = fmpq_mat([[2, -1], [3, 5]])  # a dense invertible end layer
    for layers in ([N, N, N, A], [A, N, N, N]):
        v, _, c = decide_chain(layers)
        assert v == "locally_open" and c["result"]["argument"] == "split"
        assert '"how": "family"' in __import__("json").dumps(c)
        assert kernel.check(c)


def _leaves(tree, path=()):
    if "test" in tree:
        yield from _leaves(tree["yes"], path + ("yes",))
        yield from _leaves(tree["no"], path + ("no",))
    else:
        yield path, tree


def _node(c, path):
    node = c["evidence"]["family"]["tree"]
    for step in path:
        node = node[step]
    return node


def _first_leaf(c):
    return next(node for _, node in _leaves(c["evidence"]["family"]["tree"]) if "leaf" in node)


def test_tampered_coefficient_refused():
    for li in range(3):
        c = copy.deepcopy(BASE)
        leaf = _first_leaf(c)["leaf"]
        entries = leaf["layers"][li]
        if not entries:
            continue
        term = entries[0][2][0]
        term[0] = str(Fraction(term[0]) * 2)
        _rejected(c)


def test_dropped_term_refused():
    c = copy.deepcopy(BASE)
    ent = next(e for _, node in _leaves(c["evidence"]["family"]["tree"]) if "leaf" in node
               for L in node["leaf"]["layers"] for e in L if len(e[2]) > 1)
    ent[2].pop()
    _rejected(c)


@pytest.mark.parametrize("key,value", [("beta", "1/8"), ("k", 0), ("k", 2), ("A", [[1, 1, 1]]),
                                       ("B", [[0, 0, 1]])])
def test_tampered_case_condition_refused(key, value):
    # every test of the tree, one at a time: a changed condition breaks a bound, a division or
    # an impossible leaf (or leaves the tree unchanged, which is skipped)
    refused = 0
    paths = []

    def walk(node, path):
        if "test" in node:
            paths.append(path)
            walk(node["yes"], path + ("yes",))
            walk(node["no"], path + ("no",))

    walk(BASE["evidence"]["family"]["tree"], ())
    for path in paths:
        c = copy.deepcopy(BASE)
        t = _node(c, path)["test"]
        if t[key] == value:
            continue
        t[key] = value
        try:
            kernel.statement(c)
        except kernel.Rejected:
            refused += 1
    assert refused >= 1
    # the first test (|u_12| >= t, whose 'yes' leaf divides by u_12) is refused for every change
    c = copy.deepcopy(BASE)
    c["evidence"]["family"]["tree"]["test"][key] = value
    _rejected(c)


def test_tampered_multipliers_refused():
    c = copy.deepcopy(BASE)
    for _, node in _leaves(c["evidence"]["family"]["tree"]):
        if "leaf" in node:
            for L in node["leaf"]["layers"]:
                for ent in L:
                    for term in ent[2]:
                        if term[3]:
                            term[3] = []
                            _rejected(c)
                            return
    raise AssertionError("no term with multipliers")


@pytest.mark.parametrize("key,value", [("constant", "4"), ("constant", "6"), ("radius", "2"), ("radius", "0"),
                                       ("p", 2), ("p", 4)])
def test_tampered_family_fields_refused(key, value):
    c = copy.deepcopy(BASE)
    c["evidence"]["family"][key] = value
    _rejected(c)


def test_tampered_rate_string_and_argument_refused():
    c = copy.deepcopy(BASE)
    c["result"]["preimage_rate"] = "1/2"
    _rejected(c)
    c = copy.deepcopy(BASE)
    c["result"]["argument"] = "none"
    c["result"]["verdict"] = "undetermined"
    _rejected(c)
    c = copy.deepcopy(BASE)
    del c["result"]["preimage_rate"]
    _rejected(c)


def test_false_impossible_leaf_refused():
    c = copy.deepcopy(BASE)
    for path, node in _leaves(c["evidence"]["family"]["tree"]):
        if "leaf" in node:
            parent = _node(c, path[:-1])
            parent[path[-1]] = {"impossible": True}
            _rejected(c)
            return


def test_family_on_another_chain_refused():
    c = copy.deepcopy(BASE)
    c["inputs"]["layers"][1]["rows"][1][0] = "2"  # W_2 = 2N: the formulas no longer multiply to the target
    _rejected(c)


# ---------------------------------------------------------------------------------------
# an independent evaluation of the family (Fractions, no checker code)
# ---------------------------------------------------------------------------------------

def _layers(cert):
    out = []
    for L in cert["inputs"]["layers"]:
        m, n = L["shape"]
        rows = L["rows"]
        out.append([[Fraction(rows[i][j]) for j in range(n)] for i in range(m)])
    return out


def _mon(mono, U):
    v = Fraction(1)
    for i, j, e in mono:
        v *= U[i][j] ** e
    return v


def _test(test, t, U):
    return abs(_mon(test["A"], U)) >= Fraction(test["beta"]) * t ** test["k"] * abs(_mon(test["B"], U))


def _evaluate(cert, t, U):
    """(layers W + D, largest |D entry|) from the family at (t, U)."""
    node = cert["evidence"]["family"]["tree"]
    while "test" in node:
        node = node["yes"] if _test(node["test"], t, U) else node["no"]
    assert "leaf" in node, "an 'impossible' leaf was reached"
    Ws = _layers(cert)
    worst = Fraction(0)
    for W, entries in zip(Ws, node["leaf"]["layers"]):
        for r, c, terms in entries:
            d = sum(Fraction(co) * t ** a * _mon(mono, U) for co, a, mono, _ in terms)
            W[r][c] += d
            worst = max(worst, abs(d))
    return Ws, worst


def _product(Ws):
    P = Ws[0]
    for W in Ws[1:]:
        P = [[sum(W[i][k] * P[k][j] for k in range(len(P))) for j in range(len(P[0]))] for i in range(len(W))]
    return P


_rat = st.fractions(min_value=-1, max_value=1, max_denominator=50)


@settings(max_examples=300, deadline=None)
@given(t=st.fractions(min_value=Fraction(1, 1000), max_value=1, max_denominator=1000),
       entries=st.lists(_rat, min_size=4, max_size=4), pivot=st.integers(0, 3), sign=st.sampled_from([1, -1]),
       zeros=st.lists(st.booleans(), min_size=4, max_size=4))
@pytest.mark.parametrize("mult,h", [(NNN, 3), (H4_INPUT, 4), (H4_OUTPUT, 4)])
def test_sampled_targets_have_the_formula_preimage(mult, h, t, entries, pivot, sign, zeros):
    cert = CERTS[h, tuple(sorted(mult.items()))]
    U = [[Fraction(0) if zeros[2 * i + j] else entries[2 * i + j] for j in range(2)] for i in range(2)]
    U[pivot // 2][pivot % 2] = Fraction(sign)  # max |u_ij| = 1
    p = cert["evidence"]["family"]["p"]
    C = Fraction(cert["evidence"]["family"]["constant"])
    Z0 = _product(_layers(cert))
    Ws, worst = _evaluate(cert, t, U)
    P = _product(Ws)
    assert P == [[Z0[i][j] + t ** p * U[i][j] for j in range(2)] for i in range(2)]
    assert worst <= C * t


CERTS = {(h, tuple(sorted(m.items()))): _cert(m, h) for m, h in ((NNN, 3), (H4_INPUT, 4), (H4_OUTPUT, 4))}


def test_hard_targets_delta_identity():
    """The target δI (the issue's example needing more than δ^(1/2)): the family's preimage moves
    the layers by O(δ^(1/3)) and multiplies exactly to δI."""
    for t in (Fraction(1, 10), Fraction(1, 1000)):
        Ws, worst = _evaluate(BASE, t, [[Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]])
        assert _product(Ws) == [[t ** 3, 0], [0, t ** 3]]
        assert t / 100 < worst <= 5 * t


# ---------------------------------------------------------------------------------------
# scalar targets (d_0 = d_h = 1): a path family whose exponent is Lemma C5's (exact rate)
# ---------------------------------------------------------------------------------------

def _scalar_classes(h, w):
    from exactopen.openness.chain import chain_classes

    for mult in chain_classes(h, w):
        L = representative(h, mult)
        if L[0].ncols() == 1 and L[-1].nrows() == 1:
            yield mult, L


@pytest.mark.parametrize("h,w", [(3, 2), (4, 2)])
def test_scalar_families_meet_lemma_c5(h, w):
    seen = 0
    for mult, L in _scalar_classes(h, w):
        v, _, c = decide_chain(L)
        if c["result"]["argument"] == "lem-10":
            continue
        assert c["result"]["argument"] == "family", mult
        assert c["result"]["preimage_rate"] == c["result"]["rate"], mult  # upper exponent = lower exponent
        kernel.check(c)
        for t in (Fraction(1, 3), Fraction(1, 1000)):
            for u in (1, -1):
                Ws, worst = _evaluate(c, t, [[Fraction(u)]])
                Z0 = _product(_layers(c))
                assert _product(Ws) == [[Z0[0][0] + t ** c["evidence"]["family"]["p"] * u]]
                assert worst <= Fraction(c["evidence"]["family"]["constant"]) * t
        seen += 1
    assert seen >= 10


def test_scalar_family_tampered_exponent_refused():
    mult = {(0, 0): 1, (1, 1): 1, (2, 2): 1, (3, 3): 1}  # 0 . 0 . 0: p = 3
    c = _cert(mult)
    assert c["result"]["preimage_rate"] == "1/3"
    bad = copy.deepcopy(c)
    bad["evidence"]["family"]["p"] = 2
    bad["result"]["preimage_rate"] = "1/2"
    _rejected(bad)
    bad = copy.deepcopy(c)
    leaf = bad["evidence"]["family"]["tree"]["leaf"]
    leaf["layers"][1][0][2][0][1] = 0  # a layer moved by 1 instead of t: the product is t^2 u, not t^3 u
    _rejected(bad)


# ---------------------------------------------------------------------------------------
# a scale block with channels: (N, N, N) plus a summand reaching V_0 or V_3
# ---------------------------------------------------------------------------------------

CHANNEL_CLASSES = [{(0, 0): 1, (0, 1): 1, (1, 2): 1, (1, 3): 1, (2, 3): 1, (3, 3): 1},   # + [1-3]: a row
                   {(0, 0): 1, (0, 1): 1, (0, 2): 1, (1, 2): 1, (2, 3): 1, (3, 3): 1}]   # + [0-2]: a column


def _evaluate_scaled(cert, E):
    """The family's preimage of Z + E (E exact, |E|_max <= 1), t = (block max)^(1/p) taken rational
    by choosing E on the block as t^p U."""
    fam = cert["evidence"]["family"]
    block = {tuple(x) for x in fam["scale"]}
    Ws = _layers(cert)
    m, n = len(Ws[-1]), len(Ws[0][0])
    return Ws, block, m, n


@settings(max_examples=150, deadline=None)
@given(t=st.fractions(min_value=Fraction(1, 1000), max_value=1, max_denominator=1000),
       entries=st.lists(_rat, min_size=6, max_size=6), pivot=st.integers(0, 3), sign=st.sampled_from([1, -1]),
       zero_block=st.booleans())
@pytest.mark.parametrize("which", [0, 1])
def test_channel_family_sampled_targets(which, t, entries, pivot, sign, zero_block):
    cert = CHANNEL_CERTS[which]
    fam = cert["evidence"]["family"]
    p, C = fam["p"], Fraction(fam["constant"])
    Ws, block, m, n = _evaluate_scaled(cert, None)
    blk = sorted(block)
    U = [[Fraction(0)] * n for _ in range(m)]
    for q, (i, j) in enumerate((i, j) for i in range(m) for j in range(n)):
        U[i][j] = entries[q]
    if zero_block:
        for i, j in blk:
            U[i][j] = Fraction(0)
        node = {"leaf": fam["zero"]}
        tt = Fraction(1)  # no t in the zero leaf
        E = U
    else:
        i, j = blk[pivot]
        U[i][j] = Fraction(sign)  # the block's max is 1
        node = fam["tree"]
        while "test" in node:
            node = node["yes"] if _test(node["test"], t, U) else node["no"]
        assert "leaf" in node
        tt = t
        E = [[U[a][b] * t ** p if (a, b) in block else U[a][b] for b in range(n)] for a in range(m)]
    worst = Fraction(0)
    for W, ents in zip(Ws, node["leaf"]["layers"]):
        for r, c, terms in ents:
            d = sum(Fraction(co) * tt ** a * _mon(mono, U) for co, a, mono, _ in terms)
            W[r][c] += d
            worst = max(worst, abs(d))
    Z0 = _product(_layers(cert))
    assert _product(Ws) == [[Z0[a][b] + E[a][b] for b in range(n)] for a in range(m)]
    delta = max(abs(x) for row in E for x in row)
    if delta:
        # |D| <= C delta^(1/p), checked as |D|^p <= C^p delta (exact)
        assert worst ** p <= C ** p * delta


CHANNEL_CERTS = [_cert(m) for m in CHANNEL_CLASSES]


def test_channel_families_accepted_and_tampering_refused():
    for c in CHANNEL_CERTS:
        assert c["result"]["argument"] == "family" and "scale" in c["evidence"]["family"]
        assert kernel.check(c)
        bad = copy.deepcopy(c)
        bad["evidence"]["family"]["scale"].pop()  # an entry leaves the block: its identity term changes
        _rejected(bad)
        bad = copy.deepcopy(c)
        del bad["evidence"]["family"]["zero"]
        _rejected(bad)
        bad = copy.deepcopy(c)
        ent = bad["evidence"]["family"]["zero"]["layers"]
        term = next(e for L in ent for e in L)[2][0]
        term[0] = "2"  # the channel moves by 2 e instead of e
        _rejected(bad)
        bad = copy.deepcopy(c)
        term = next(e for L in bad["evidence"]["family"]["zero"]["layers"] for e in L)[2][0]
        term[1] = -1  # t^-1 e: unbounded when the block is small
        _rejected(bad)


@settings(max_examples=40, deadline=None)
@given(t=st.fractions(min_value=Fraction(1, 1000), max_value=1, max_denominator=1000),
       entries=st.lists(_rat, min_size=9, max_size=9))
def test_path_families_sampled_targets(t, entries):
    """Vector and matrix targets (one path per entry, no tests): exact preimages of t^p U for any U in
    the box, every entry moved by at most C t; the exponent meets Lemma C5's at these classes."""
    for c in PATH_CERTS:
        fam = c["evidence"]["family"]
        Ws0 = _layers(c)
        m, n = len(Ws0[-1]), len(Ws0[0][0])
        U = [[entries[i * n + j] for j in range(n)] for i in range(m)]
        Ws, worst = _evaluate(c, t, U)
        Z0 = _product(Ws0)
        assert _product(Ws) == [[Z0[i][j] + t ** fam["p"] * U[i][j] for j in range(n)] for i in range(m)]
        assert worst <= Fraction(fam["constant"]) * t


def _path_certs():
    from exactopen.openness.chain import chain_classes

    out = []
    for mult in chain_classes(3, 2):
        L = representative(3, mult)
        if L[0].ncols() * L[-1].nrows() > 1:
            c = decide_chain(L)[2]
            from exactopen.openness.chain_paths import path_family

            if c["result"]["argument"] == "family" and "scale" not in c["evidence"]["family"] \
                    and c["evidence"]["family"]["tree"].get("leaf") and path_family(L) is not None:
                assert c["result"]["preimage_rate"] == c["result"]["rate"]  # path families: exact
                out.append(c)
    assert len(out) >= 5
    return out[:12]


PATH_CERTS = _path_certs()
