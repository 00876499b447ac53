"""Lemma C5 of docs/chains.md (issue 16): the certified rate lower bound at degenerate chains.

* tampered rate fields are refused by the checker (``kernel.statement`` is used, so a refusal
  is not just the claim-sentence comparison);
* the generator's p is re-derived independently (Fractions, every set S enumerated) and is the
  largest with V_p != 0 on every h = 3 class with widths <= 2;
* the key inequality |<F, M(W + E) - M(W)>| <= N_F Q t^p is tested numerically on random
  chains and perturbations, and the bound min(1, (c delta)^(1/p)) against numerically minimised
  preimages of the targets Z + delta E_ab;
* p = 2 at pairs in disguise (an invertible middle layer), with an explicit preimage of size
  O(delta^(1/2)) (the exponent is attained);
* cross-check with the numerical probe's measured exponents (a sample by default, every class
  of the h = 3 (widths <= 3) and h = 4 (widths <= 2) atlases in the slow tests): eps ~ delta^a with a <= 1/p must hold, because every
  target direction D with <F, D> != 0 obeys the same bound.
"""

from __future__ import annotations

import collections
import copy
import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.exact import matrix as mx
from exactopen.openness.chain import chain_classes, decide_chain, representative
from tests.helpers import ROOT


def _cert(mult, h=3):
    return decide_chain(representative(h, mult))[2]


SCALAR_ZEROS = {(0, 0): 1, (1, 1): 1, (2, 2): 1, (3, 3): 1}           # p = 3
UNDETERMINED = {(0, 0): 1, (0, 1): 1, (1, 2): 1, (2, 3): 1, (3, 3): 1}   # p = 2
OBSTRUCTION = {(0, 1): 1, (2, 3): 1, (3, 3): 1}
LEM10 = {(0, 3): 1}


def _floats(cert):
    return [np.array([[float(Fraction(x)) for x in row] for row in L["rows"]], dtype=float).reshape(L["shape"])
            for L in cert["inputs"]["layers"]]


def _prod(Ws):
    P = np.eye(Ws[0].shape[1])
    for W in Ws:
        P = W @ P
    return P


def _set(c, path, value):
    obj = c
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


def _rejected(c):
    with pytest.raises(kernel.Rejected):
        kernel.statement(c)
    with pytest.raises(kernel.Rejected):
        kernel.check(c)


# ---------------------------------------------------------------------------------------
# the checker refuses tampered rate fields
# ---------------------------------------------------------------------------------------

def test_rate_certificates_accepted():
    for mult, p in ((SCALAR_ZEROS, 3), (UNDETERMINED, 2)):
        c = _cert(mult)
        assert c["result"]["rate"] == f"1/{p}" and c["evidence"]["rate"]["p"] == p
        assert f"(c |δ|)^(1/{p})" in kernel.check(c)


def test_larger_p_than_F_supports_is_refused():
    c = _cert(UNDETERMINED)  # p = 2 is the largest: V_3 = 0
    _set(c, ["evidence", "rate", "p"], 3)
    _set(c, ["result", "rate"], "1/3")
    _rejected(c)


def test_F_not_killing_a_first_order_term_is_refused():
    # at the undetermined class (p = 2), try every unit matrix E_xy as F: accepted iff every
    # first-order term vanishes on it, i.e. for each i, row x of W_h...W_{i+1} or column y of
    # W_{i-1}...W_1 is zero (re-derived here with Fractions)
    base = _cert(UNDETERMINED)
    Ws, d = _fr(base)
    h, m, n = len(Ws), d[-1], d[0]
    Q = Fraction(_consts(base)[1]) / _ceil_sqrt(sum(Fraction(x) ** 2 for row in base["evidence"]["rate"]["F"]["rows"]
                                                     for x in row))
    seen = collections.Counter()
    for x in range(m):
        for y in range(n):
            killed = all(all(v == 0 for v in _P(Ws, d, i, h)[x]) or all(row[y] == 0 for row in _P(Ws, d, 0, i - 1))
                         for i in range(1, h + 1))
            c = copy.deepcopy(base)
            _set(c, ["evidence", "rate", "F"],
                 {"shape": [m, n], "rows": [["1" if (i, j) == (x, y) else "0" for j in range(n)] for i in range(m)]})
            _set(c, ["evidence", "rate", "entry"], [x, y])
            _set(c, ["evidence", "rate", "constant"], str(1 / Q))
            if killed:
                assert kernel.statement(c)
            else:
                with pytest.raises(kernel.Rejected, match="does not kill"):
                    kernel.statement(c)
            seen[killed] += 1
    assert seen[False] > 0 and seen[True] > 0, seen


def test_wrong_constant_entry_or_rate_string_is_refused():
    base = _cert(SCALAR_ZEROS)
    for path, value in ((["evidence", "rate", "constant"], "2"), (["evidence", "rate", "constant"], "1/2"),
                        (["result", "rate"], "1/2"), (["result", "rate"], "1/4"), (["evidence", "rate", "p"], 4),
                        (["evidence", "rate", "p"], 0), (["evidence", "rate", "entry"], [0, 1]),
                        (["evidence", "rate", "entry"], [0]), (["evidence", "rate", "F"],
                                                               {"shape": [1, 1], "rows": [["0"]]})):
        c = copy.deepcopy(base)
        _set(c, path, value)
        _rejected(c)


def test_entry_where_F_vanishes_is_refused():
    c = _cert(UNDETERMINED)
    F = c["evidence"]["rate"]["F"]
    zero = next((i, j) for i, row in enumerate(F["rows"]) for j, x in enumerate(row) if x == "0")
    _set(c, ["evidence", "rate", "entry"], list(zero))
    _rejected(c)


def test_rate_on_non_open_or_non_degenerate_chains_is_refused():
    donor = _cert(UNDETERMINED)
    for mult in (OBSTRUCTION, LEM10):
        c = _cert(mult)
        assert "rate" not in c["result"]
        c["result"]["rate"] = donor["result"]["rate"]
        c["evidence"]["rate"] = donor["evidence"]["rate"]
        _rejected(c)


def test_missing_rate_at_a_degenerate_open_chain_is_refused():
    for drop in ("result", "evidence", "both"):
        c = _cert(SCALAR_ZEROS)
        if drop in ("result", "both"):
            del c["result"]["rate"]
        if drop in ("evidence", "both"):
            del c["evidence"]["rate"]
        _rejected(c)


def test_tampered_maximality_is_refused():
    base = _cert(UNDETERMINED)  # p = 2 < h = 3, 4 equations
    labels = base["evidence"]["rate"]["maximal"]
    assert len(labels) == 4 and "so 2 is the largest p" in kernel.check(base)
    for bad in (labels[:3], labels[:3] + [labels[0]], labels[:3] + [[1, 1, 5, 0]],
                labels[:3] + [[3, 1, 0, 0]], labels[:3] + [[1, 2, 0]], [[1, 3, 0, 0]] * 4):
        c = copy.deepcopy(base)
        c["evidence"]["rate"]["maximal"] = bad
        _rejected(c)
    # without the evidence the certificate is accepted, without the maximality sentence
    c = copy.deepcopy(base)
    del c["evidence"]["rate"]["maximal"]
    assert "largest p" not in kernel.statement(c)
    with pytest.raises(kernel.Rejected, match="claim sentence"):
        kernel.check(c)  # its claim sentence still states maximality
    # p = h needs no evidence, and refuses some
    top = _cert(SCALAR_ZEROS)
    assert "maximal" not in top["evidence"]["rate"] and "so 3 is the largest p" in kernel.check(top)
    top["evidence"]["rate"]["maximal"] = [[1, 3, 0, 0]]
    _rejected(top)


def test_unknown_rate_field_is_refused():
    c = _cert(SCALAR_ZEROS)
    c["evidence"]["rate"]["tight"] = True
    _rejected(c)


# ---------------------------------------------------------------------------------------
# p re-derived independently: Fractions, every S enumerated
# ---------------------------------------------------------------------------------------

def _fr(cert):
    return [[[Fraction(x) for x in row] for row in L["rows"]] for L in cert["inputs"]["layers"]], cert["result"]["widths"]


def _mul(A, B):
    return [[sum((A[i][k] * B[k][j] for k in range(len(B))), Fraction(0)) for j in range(len(B[0]) if B else 0)]
            for i in range(len(A))]


def _P(Ws, d, a, b):
    P = [[Fraction(int(i == j)) for j in range(d[a])] for i in range(d[a])]
    for W in Ws[a:b]:
        P = _mul(W, P)
    return P


def _rank(rows):
    a, r = [list(x) for x in rows], 0
    ncol = len(a[0]) if a else 0
    for col in range(ncol):
        piv = next((i for i in range(r, len(a)) if a[i][col] != 0), None)
        if piv is None:
            continue
        a[r], a[piv] = a[piv], a[r]
        for i in range(len(a)):
            if i != r and a[i][col] != 0:
                f = a[i][col] / a[r][col]
                a[i] = [x - f * y for x, y in zip(a[i], a[r])]
        r += 1
    return r


def _dim_Vp(Ws, d, p):
    h, m, n = len(Ws), d[-1], d[0]
    rows = []
    for j in range(1, p):
        for S in itertools.combinations(range(1, h + 1), j):
            if any(all(x == 0 for row in _P(Ws, d, S[l], S[l + 1] - 1) for x in row) for l in range(j - 1)):
                continue
            A, B = _P(Ws, d, S[-1], h), _P(Ws, d, 0, S[0] - 1)
            for x in range(len(A[0])):
                for y in range(len(B)):
                    rows.append([A[a][x] * B[y][b] for a in range(m) for b in range(n)])
    return m * n - (_rank(rows) if rows else 0)


def test_p_is_the_largest_supported_on_every_small_h3_class():
    counts = collections.Counter()
    for mult in chain_classes(3, 2):
        c = _cert(mult)
        if "rate" not in c["result"]:
            continue
        Ws, d = _fr(c)
        p = c["evidence"]["rate"]["p"]
        assert _dim_Vp(Ws, d, p) > 0
        assert p == len(Ws) or _dim_Vp(Ws, d, p + 1) == 0
        counts[p] += 1
    assert set(counts) == {1, 2, 3}, counts


# ---------------------------------------------------------------------------------------
# numerics: the key inequality and minimised preimages
# ---------------------------------------------------------------------------------------

def _ceil_sqrt(q):
    q = Fraction(q)
    k = math.isqrt(q.numerator // q.denominator)
    while k * k < q:
        k += 1
    return k


def _consts(cert):
    r = cert["evidence"]["rate"]
    F = np.array([[float(Fraction(x)) for x in row] for row in r["F"]["rows"]])
    Ws = _fr(cert)[0]
    NF = _ceil_sqrt(sum(Fraction(x) ** 2 for row in r["F"]["rows"] for x in row))
    N = [_ceil_sqrt(sum(x * x for row in W for x in row)) for W in Ws]
    h, p = len(Ws), r["p"]
    Q = sum(math.prod(N[i] for i in range(h) if i + 1 not in S)
            for j in range(p, h + 1) for S in itertools.combinations(range(1, h + 1), j))
    c = float(Fraction(r["constant"]))
    a, b = r["entry"]
    assert math.isclose(c, abs(F[a, b]) / (NF * Q), rel_tol=1e-12)
    return F, NF * Q, p, c, (a, b)


def _check_inequality(cert, rng, trials=20):
    """|<F, M(W + E) - M(W)>| <= N_F Q t^p for every E with max |E_i|_F = t <= 1."""
    Ws = _floats(cert)
    F, NQ, p, _, _ = _consts(cert)
    Z = _prod(Ws)
    for _ in range(trials):
        t = 10.0 ** rng.uniform(-4, 0)
        E = [rng.standard_normal(W.shape) for W in Ws]
        E = [X * (t * rng.uniform(0.1, 1) / max(np.linalg.norm(X), 1e-300)) for X in E]
        tt = max(np.linalg.norm(X) for X in E)
        lhs = abs(float(np.sum(F * (_prod([W + X for W, X in zip(Ws, E)]) - Z))))
        assert lhs <= NQ * tt ** p * (1 + 1e-9) + 1e-14, (lhs, NQ, tt, p)


def _min_preimage(Ws, target, delta, p, rng, starts=8):
    """Numerically smallest max_i |E_i|_F with M(W + E) = target (SLSQP, several starts)."""
    from scipy.optimize import minimize

    shapes = [W.shape for W in Ws]
    sizes = [a * b for a, b in shapes]
    n = sum(sizes)

    def split(x):
        out, k = [], 0
        for (a, b), s in zip(shapes, sizes):
            out.append(x[k:k + s].reshape(a, b))
            k += s
        return out

    def resid(x):
        return (_prod([W + E for W, E in zip(Ws, split(x[:n]))]) - target).ravel() / delta

    def norms(x):
        return np.array([x[n] ** 2 - float(np.sum(E ** 2)) for E in split(x[:n])])

    best = math.inf
    for q, _ in itertools.product((1, 2, 3), range(starts)):  # start sizes delta^(1/q)
        x0 = np.concatenate([rng.standard_normal(n) * delta ** (1.0 / q), [delta ** (1.0 / q)]])
        sol = minimize(lambda x: x[n], x0, method="SLSQP",
                       constraints=[{"type": "eq", "fun": resid}, {"type": "ineq", "fun": norms}],
                       options={"maxiter": 300, "ftol": 1e-14})
        if np.max(np.abs(resid(sol.x))) < 1e-7:
            best = min(best, max(np.linalg.norm(E) for E in split(sol.x[:n])))
    return best


def _layers_strategy():
    @st.composite
    def chains(draw):
        h = 3
        d = [draw(st.integers(1, 2)) for _ in range(h + 1)]
        Ws = []
        for i in range(h):
            Ws.append([[draw(st.sampled_from([0, 0, 0, 1, -1, 2])) for _ in range(d[i])] for _ in range(d[i + 1])])
        return Ws
    return chains()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_layers_strategy(), st.integers(0, 2 ** 31 - 1))
def test_key_inequality_on_random_chains(rows, seed):
    cert = decide_chain([mx.from_rows(W, len(W[0])) for W in rows])[2]
    assert kernel.check(cert)
    if "rate" not in cert["result"]:
        return
    _check_inequality(cert, np.random.default_rng(seed))


@pytest.mark.parametrize("mult", [SCALAR_ZEROS,  # p = 3
                                  # p = 2: 48 SLSQP runs on 9 unknowns, ~20 s; the default run keeps
                                  # two other p = 2 classes (mult2, mult4) and UNDETERMINED's
                                  # certificate in the tests above
                                  pytest.param(UNDETERMINED, marks=pytest.mark.slow),
                                  {(0, 1): 1, (2, 2): 1, (3, 3): 1},  # p = 2
                                  {(0, 2): 1, (3, 3): 1}, {(0, 0): 1, (1, 2): 1, (3, 3): 1}])  # p = 1, 2
def test_minimised_preimages_obey_the_certified_bound(mult):
    cert = _cert(mult)
    assert "rate" in cert["result"], "every listed class is degenerate and not proved non-open"
    rng = np.random.default_rng(0)
    Ws = _floats(cert)
    F, NQ, p, c, (a, b) = _consts(cert)
    _check_inequality(cert, rng)
    Z = _prod(Ws)
    for delta in (1e-2, 1e-4):
        target = Z.copy()
        target[a, b] += delta
        found = _min_preimage(Ws, target, delta, p, rng)
        assert found < math.inf, "no preimage found"
        bound = min(1.0, (c * delta) ** (1.0 / p))
        assert found >= bound * (1 - 1e-6), (found, bound, p)
        print(f"\n{mult} p = {p} delta = {delta:.0e}: smallest preimage found {found:.3e} >= bound {bound:.3e}")


def test_pairs_in_disguise_need_a_square_root():
    # W3 W2 W1 with W2 invertible: the pair (W3 W2, W1) = (0, 0) (1x2 by 2x1), open by prop-4
    # (k = 2 >= min(m, n) = 1), whose differential vanishes: the chain needs a square root.
    layers = [mx.from_rows([[0], [0]]), mx.from_rows([[1, 1], [0, 1]]), mx.from_rows([[0, 0]])]
    v, _, cert = decide_chain(layers)
    assert kernel.check(cert) and v == "locally_open"
    assert cert["result"]["rate"] == "1/2", cert["result"]
    F, NQ, p, c, (a, b) = _consts(cert)
    Ws = _floats(cert)
    _check_inequality(cert, np.random.default_rng(1))
    for delta in (1e-2, 1e-4, 1e-6):
        # explicit preimage: E1 = [[s],[0]], E3 = [[s, -s]]: (W3 + E3) W2 (W1 + E1) = [s, 0] [s, 0]^T = s^2
        s = math.sqrt(delta)
        E1, E3 = np.array([[s], [0.0]]), np.array([[s, -s]])
        val = (Ws[2] + E3) @ Ws[1] @ (Ws[0] + E1)
        assert np.allclose(val, [[delta]], atol=1e-15)
        size = max(np.linalg.norm(E1), np.linalg.norm(E3))
        bound = min(1.0, (c * delta) ** 0.5)
        assert bound <= size <= bound * math.sqrt(2 / c) * (1 + 1e-12)  # the exponent 1/2 is attained


# ---------------------------------------------------------------------------------------
# cross-check with the numerical probe's measured exponents
# ---------------------------------------------------------------------------------------

ATLAS = {3: ROOT / "certificates" / "chains" / "h3-w3.jsonl", 4: ROOT / "certificates" / "chains" / "h4-w2.jsonl"}


def _atlas_rows(h=3):
    with open(ATLAS[h], encoding="utf-8") as f:
        return [r for r in map(json.loads, f) if r.get("rate")]


def _mult(row):
    return {tuple(int(x) for x in k.split("-")): m for k, m in row["intervals"].items()}


def _probe_figures(rows, h=3):
    """Counts over probe-open classes: measured exponent (nearest of 1, 1/2, 1/3, 1/4) <= 1/p
    (consistent), = 1/p (the certified bound attained, as measured), > 1/p (inconsistent)."""
    from exactopen.numeric.probe import probe_chain, rate_guess

    out = collections.Counter()
    bad = []
    for row in rows:
        res = probe_chain(representative(h, _mult(row)))
        if res.verdict != "locally_open":
            out["probe not open"] += 1
            continue
        g = rate_guess(res.exponent)
        if g == "?":
            out["no fit"] += 1
            continue
        a = Fraction(g)
        q = Fraction(row["rate"])
        out["a = 1/p" if a == q else "a < 1/p" if a < q else "a > 1/p"] += 1
        out[f"p = {q.denominator}, a = {g}"] += 1
        if a > q:
            bad.append((row["intervals"], row["rate"], round(res.exponent, 3)))
    return out, bad


@pytest.mark.parametrize("h,per_p", [(3, 6), (4, 3)])
def test_probe_exponents_respect_the_certified_bound_on_a_sample(h, per_p):
    rows = _atlas_rows(h)
    by_p = collections.defaultdict(list)
    for r in rows:
        by_p[r["rate"]].append(r)
    sample = [r for p in sorted(by_p) for r in by_p[p][::max(1, len(by_p[p]) // per_p)][:per_p]]
    out, bad = _probe_figures(sample, h)
    print(f"\nprobe vs Lemma C5 (sample, h = {h}):", dict(out), bad)
    assert not bad, bad


@pytest.mark.slow
def test_probe_exponents_respect_the_certified_bound_on_every_h3_class():
    out, bad = _probe_figures(_atlas_rows())
    print("\nprobe vs Lemma C5, h = 3 widths <= 3, every class with a certified rate:", dict(out))
    for b in bad:
        print("measured exponent above the certified 1/p:", b)
    assert not bad, bad


@pytest.mark.slow
def test_probe_exponents_respect_the_certified_bound_on_every_h4_class():
    out, bad = _probe_figures(_atlas_rows(4), 4)
    print("\nprobe vs Lemma C5, h = 4 widths <= 2, every class with a certified rate:", dict(out))
    for b in bad:
        print("measured exponent above the certified 1/p:", b)
    assert not bad, bad
