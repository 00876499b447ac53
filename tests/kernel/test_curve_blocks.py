"""The checker's curve polynomial (kernel/curve.py: the product of the curve's layers first, the
coefficients held on their nonzero rows and columns, the Gram form for the square loss, one
inner product per unordered pair) agrees with the generator's textbook expansion (every
ordered pair of coefficients of F(t) = P(t) X - Y, dense matrices) on random dense rational
data with sparse, rank-one and dense curve terms; L(W) + p(t0) is the loss at the curve's point
t0; and a curve edited by hand is refused as before."""

from __future__ import annotations

import copy
import json
import random

from flint import fmpq, fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.kernel.curve import Block, block, curve_polynomial, plus, polynomial_value, times
from exactopen.kernel.network import loss, point
from exactopen.landscape.network import Network, curve_json


def rand(rng, m, n, lo=-9, hi=9):
    return fmpq_mat(m, n, [fmpq(rng.randint(lo, hi), rng.randint(1, 12)) for _ in range(m * n)])


def rank_one(rng, m, n, nr, nc):
    """A rank-one rational matrix u v^T with u on nr rows and v on nc columns."""
    rows, cols = rng.sample(range(m), min(nr, m)), rng.sample(range(n), min(nc, n))
    u = [fmpq(rng.randint(1, 9), rng.randint(1, 7)) if i in rows else fmpq(0) for i in range(m)]
    v = [fmpq(rng.randint(-9, 9) or 1, rng.randint(1, 7)) if j in cols else fmpq(0) for j in range(n)]
    return fmpq_mat(m, n, [u[i] * v[j] for i in range(m) for j in range(n)])


def term(rng, d, style):
    out = []
    for k in range(len(d) - 1):
        m, n = d[k + 1], d[k]
        pick = style if style != "mixed" else rng.choice(["dense", "rank1", "zero", "entry"])
        if pick == "dense":
            out.append(rand(rng, m, n))
        elif pick == "rank1":
            out.append(rank_one(rng, m, n, rng.randint(1, m), rng.randint(1, n)))
        elif pick == "zero":
            out.append(fmpq_mat(m, n))
        else:
            M = fmpq_mat(m, n)
            M[rng.randrange(m), rng.randrange(n)] = fmpq(rng.randint(1, 9), rng.randint(1, 5))
            out.append(M)
    return out


def case(seed, weighted, many):
    rng = random.Random(seed)
    h = rng.randint(1, 4)
    d = [rng.randint(1, 6) for _ in range(h + 1)]
    n = d[0] + rng.randint(0, 4) if many else rng.randint(1, max(1, d[0] - 1))
    Ws = [rand(rng, d[k + 1], d[k]) for k in range(h)]
    if rng.random() < 0.2:  # a zero layer (P_0 = 0)
        k = rng.randrange(h)
        Ws[k] = fmpq_mat(d[k + 1], d[k])
    X, Y = rand(rng, d[0], n), rand(rng, d[-1], n)
    w = rand(rng, d[-1], n, 1, 5) if weighted else None
    curve = [(j, term(rng, d, rng.choice(["dense", "rank1", "mixed", "entry"])))
             for j in sorted(rng.sample(range(1, 4), rng.randint(1, 3)))]
    if rng.random() < 0.3:  # two terms of the same power
        curve.append((curve[0][0], term(rng, d, "rank1")))
    return Ws, X, Y, w, curve


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10 ** 6), st.booleans(), st.booleans())
def test_curve_polynomial_matches_the_dense_expansion(seed, weighted, many):
    Ws, X, Y, w, curve = case(seed, weighted, many)
    ref = Network.build(Ws, Y, X, w).curve_polynomial(curve)
    got = curve_polynomial(Ws, X, Y, w, curve_json(curve), "curve")
    assert len(got) == len(ref) and got == ref
    t0 = fmpq(random.Random(seed).randint(-5, 5) or 1, random.Random(seed + 1).randint(1, 9))
    assert loss(Ws, X, Y, w) + polynomial_value(got, t0) == loss(point(Ws, json.loads(json.dumps(curve_json(curve))), t0), X, Y, w)


def test_blocks_on_dense_generic_data():
    """Products and sums of Blocks are the dense products and sums, for supports that meet,
    miss each other, or cover everything."""
    rng = random.Random(5)
    for _ in range(40):
        m, k, n = rng.randint(1, 7), rng.randint(1, 7), rng.randint(1, 7)
        A = rank_one(rng, m, k, rng.randint(1, m), rng.randint(1, k)) if rng.random() < 0.6 else rand(rng, m, k)
        B = rank_one(rng, k, n, rng.randint(1, k), rng.randint(1, n)) if rng.random() < 0.6 else rand(rng, k, n)
        C = rank_one(rng, m, n, rng.randint(1, m), rng.randint(1, n))
        bA, bB, bC = block(A), block(B), block(C)
        P = times(bA, bB)
        assert (fmpq_mat(m, n) if P is None else P.full().M) == A * B
        S = plus(P, bC)
        assert S.full().M == A * B + C
    assert block(fmpq_mat(3, 2)) is None
    assert isinstance(block(rand(rng, 3, 3)), Block)


def _ns_certificate():
    from exactopen.landscape.classify import classify_critical_point
    from exactopen.landscape.examples import generic_point

    net = generic_point((4, 4, 2, 4, 4), "non_strict_saddle", random.Random(3), 8)
    c = classify_critical_point(net)
    assert c.verdict == "higher_order_saddle"
    return c.certificate


def _zero_like(obj):
    m, n = obj["shape"]
    return {"shape": [m, n], "rows": [["0"] * n for _ in range(m)]}


def test_generic_non_strict_saddle_accepted_and_tampered_curves_refused():
    """A generic-X non-strict saddle (dense rotations, gauges, non-whitened X, n = 2 d_0) is
    accepted; its curve made zero, replaced by the scaling W_h + t W_h (positive second order at
    a critical point), or its witness point moved far out (the leading coefficient of p is
    |P_top X|^2 / 2 > 0) is refused."""
    cert = _ns_certificate()
    kernel.check(json.dumps(cert))
    layers_in = cert["inputs"]["layers"]
    edits = []
    c2 = copy.deepcopy(cert)
    c2["evidence"]["curve"] = [{"power": 1, "layers": [_zero_like(L) for L in layers_in]}]
    edits.append(c2)
    c2 = copy.deepcopy(cert)
    c2["evidence"]["curve"] = [{"power": 1, "layers": [_zero_like(L) for L in layers_in[:-1]] + [layers_in[-1]]}]
    edits.append(c2)
    c2 = copy.deepcopy(cert)
    c2["evidence"]["witness_t"] = "1000000"
    edits.append(c2)
    for c2 in edits:
        try:
            kernel.check(json.dumps(c2))
        except kernel.Rejected:
            continue
        raise AssertionError("a tampered curve was accepted")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10 ** 6))
def test_reduced_is_the_least_common_denominator(seed):
    """work.reduced (one pass of divisions with remainders; a miss lowers g and rescales the
    quotients made so far) gives N / g and d / g with g = gcd(d, every entry), also when the
    weighted sum's gcd is too large (small entries sharing factors make misses frequent)."""
    from math import gcd

    from flint import fmpz, fmpz_mat

    from exactopen.kernel.work import ZM, reduced

    rng = random.Random(seed)
    m, n = rng.randint(1, 5), rng.randint(1, 5)
    f = rng.choice([1, 2, 6, 30, 210, 2 ** 40 * 3])
    es = [f * rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 10, 15, 21, 35]) * rng.choice([1, -1]) for _ in range(m * n)]
    d = f * rng.choice([1, 2, 3, 5, 6, 7, 30, 105, 210])
    N2, d2 = reduced(ZM.of(fmpz_mat(m, n, es), max(abs(x) for x in es).bit_length()), d)
    g = gcd(d, *es)
    assert int(d2) == d // g
    assert [int(x) for x in ZM.wrap(N2).M.entries()] == [x // g for x in es]
    assert fmpz(d2) > 0
