"""The numerical probe (exactopen.numeric.probe) on instances whose answer is known from first
principles -- never from the paper's theorems.  The probe is not on the certified path; these
tests check that it measures the definition of local openness correctly.

Norms are Frobenius norms; eps of a target is the smallest max(|A|, |B|) found with
(W1 + A)(W2 + B) = Z.
"""

from __future__ import annotations

import ast
import math
import subprocess
import sys

import numpy as np
import pytest
from flint import fmpq, fmpq_mat

from exactopen.numeric.probe import (
    decide,
    min_preimage,
    probe_openness,
    to_float_matrix,
)
from tests.helpers import ROOT

PROBE_SRC = ROOT / "exactopen" / "numeric" / "probe.py"
DELTAS = (1e-2, 1e-3, 1e-4)


def _given(res):
    return [t for t in res.targets if t.kind == "given"]


# --------------------------------------------------------------------------------------
# locally open instances


def test_full_rank_factors_open_with_linear_rate():
    # W1 full column rank, W2 full row rank.  A target W1W2 + delta M W2 is reached by
    # A = delta M, B = 0 (an explicit lift of size delta |M|); in general eps = O(delta).
    W1 = [[1, 2], [0, 1], [1, 1]]
    W2 = [[1, 0, 2], [0, 1, 1]]
    M = np.array([[1.0, -1.0], [0.5, 2.0], [0.0, 1.0]])
    D = M @ np.array(W2, float)
    res = probe_openness(W1, W2, directions=[D])
    assert res.verdict == "locally_open", res.summary()
    assert 0.9 <= res.exponent <= 1.1
    assert not res.certified
    (g,) = _given(res)
    lift = np.linalg.norm(M) / np.linalg.norm(D)
    for e, d in zip(g.eps, g.distances):
        assert e <= d * lift * (1 + 1e-6), (e / d, lift)
    assert max(e / d for t in res.targets for e, d in zip(t.eps, t.distances)) < 10


def test_square_invertible_factors_match_the_first_order_minimum():
    # W1, W2 invertible: the smallest preimage of W1W2 + delta D is, to first order in delta,
    # the minimum-norm solution of A W2 + W1 B = delta D (a linear least-norm problem).
    W1 = np.array([[2.0, 1.0], [1.0, 1.0]])
    W2 = np.array([[1.0, 3.0], [0.0, 1.0]])
    D = np.array([[0.3, -1.0], [0.7, 0.2]])
    res = probe_openness(W1, W2, directions=[D], deltas=DELTAS)
    assert res.verdict == "locally_open", res.summary()
    assert 0.95 <= res.exponent <= 1.05
    # the linear map L(A, B) = A W2 + W1 B in row-major coordinates
    L = np.hstack([np.kron(np.eye(2), W2.T), np.kron(W1, np.eye(2))])
    x = np.linalg.pinv(L) @ (D / np.linalg.norm(D)).ravel()
    first_order = max(np.linalg.norm(x[:4]), np.linalg.norm(x[4:]))
    (g,) = _given(res)
    assert g.eps[-1] / g.distances[-1] == pytest.approx(first_order, rel=1e-3)


@pytest.mark.parametrize("m,k,n", [(3, 1, 3), (2, 1, 2), (1, 1, 2)])
def test_zero_factors_rank_one_targets_need_exactly_sqrt_delta(m, k, n):
    # W1 = 0, W2 = 0, k = 1: every target is Z = a b^T (rank <= 1) with |a||b| = |Z|, so
    # max(|a|, |b|) >= sqrt|Z|, attained by the balanced factorisation: eps = sqrt(delta)
    # exactly -- open, but only at the rate delta^(1/2).
    res = probe_openness(np.zeros((m, k)), np.zeros((k, n)))
    assert res.verdict == "locally_open", res.summary()
    assert 0.45 <= res.exponent <= 0.55
    for t in res.targets:
        for e, d in zip(t.eps, t.distances):
            assert e >= math.sqrt(d) * (1 - 1e-6), "beat a proven lower bound: not a preimage"
            assert e <= math.sqrt(d) * 1.01, (t.kind, e / math.sqrt(d))


def test_zero_factors_with_k_below_min_open_at_nuclear_norm_rate():
    # W1 = 0 (3x2), W2 = 0 (2x3): targets of rank <= 2.  For AB = Z: |A||B| >= |Z|_* (the
    # nuclear norm), with equality for A = U sqrt(S), B = sqrt(S) V^T, so the smallest
    # max(|A|, |B|) is sqrt(|Z|_*).
    D1 = np.diag([1.0, 0.5, 0.0])
    D2 = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    res = probe_openness(np.zeros((3, 2)), np.zeros((2, 3)), directions=[D1, D2], deltas=DELTAS)
    assert res.verdict == "locally_open", res.summary()
    assert 0.45 <= res.exponent <= 0.55
    g1, g2 = _given(res)
    for g, D in ((g1, D1), (g2, D2)):
        nuc = np.linalg.norm(D, "nuc") / np.linalg.norm(D)
        for e, d in zip(g.eps, g.distances):
            assert e == pytest.approx(math.sqrt(d * nuc), rel=1e-3)


def test_zero_factors_with_k_at_least_min_open():
    # W1 = W2 = 0 in 2x2x2: any small Z = U S V^T factors as (U sqrt S)(sqrt S V^T).
    res = probe_openness(np.zeros((2, 2)), np.zeros((2, 2)), deltas=DELTAS)
    assert res.verdict == "locally_open", res.summary()
    assert 0.45 <= res.exponent <= 0.55


def test_equal_low_ranks_with_k_below_min_open_at_sqrt_rate():
    # W1 = e1 e1^T (3x2), W2 = e1 e1^T (2x3), W1W2 = e1 e1^T.  A target Z of rank <= 2 near
    # it is s1 u1 v1^T + s2 u2 v2^T with s1 u1 v1^T = e1e1^T + O(delta), s2 = O(delta):
    # take W1 + A = [sqrt(s1) u1, sqrt(s2) u2], W2 + B = [sqrt(s1) v1^T; sqrt(s2) v2^T]:
    # |A|, |B| = O(sqrt(delta)), so open.  For Z = e1e1^T + d e2e2^T the (2,2) entry of the
    # product is <row 2 of A, column 2 of B> (row 2 of W1 and column 2 of W2 vanish), so
    # |A||B| >= d and eps = sqrt(d) exactly (attained above): the rate is delta^(1/2).
    W1 = [[1, 0], [0, 0], [0, 0]]
    W2 = [[1, 0, 0], [0, 0, 0]]
    res = probe_openness(W1, W2, directions=[np.diag([0.0, 1.0, 0.0])], deltas=DELTAS)
    assert res.verdict == "locally_open", res.summary()
    assert 0.4 <= res.exponent <= 0.6
    (g,) = _given(res)
    for e, d in zip(g.eps, g.distances):
        assert e == pytest.approx(math.sqrt(d), rel=1e-2)


def test_scalar_cases():
    # w1 w2 at (0, 0): z = a b needs max(|a|, |b|) >= sqrt|z| (open, rate 1/2);
    # at (2, 3): z = 6 + t is reached with a = t/3 (open, linear).
    r0 = probe_openness([[0]], [[0]], deltas=DELTAS)
    assert r0.verdict == "locally_open" and 0.45 <= r0.exponent <= 0.55, r0.summary()
    r1 = probe_openness([[2]], [[3]], deltas=DELTAS)
    assert r1.verdict == "locally_open" and 0.95 <= r1.exponent <= 1.05, r1.summary()


# --------------------------------------------------------------------------------------
# not locally open instances


def test_remark_1_example_is_not_open():
    # W1 = [[1],[1]], W2 = [[0,0]]: (W1 + A)(W2 + B) = [[d,0],[0,0]] forces (1 + a1) b1 = d,
    # (1 + a2) b1 = 0, so a2 = -1 and |A| >= 1 whatever d is.  Moreover, for |a| < 1/4 the
    # products w b^T, w = (1 + a1, 1 + a2), stay at distance >= d sin(angle(w, e1)) >= d/2.
    W1, W2 = [[1], [1]], [[0, 0]]
    E = [[1, 0], [0, 0]]
    res = probe_openness(W1, W2, directions=[E])
    assert res.verdict == "not_locally_open", res.summary()
    (g,) = _given(res)
    assert all(e >= 1 - 1e-9 for e in g.eps)              # inf (not reached) or >= 1
    assert all(0.5 <= mi <= 1.05 for mi in g.miss), g.miss
    pre = min_preimage(W1, W2, [[1e-3, 0], [0, 0]])
    assert pre.size >= 1 - 1e-9


def test_one_zero_factor_with_k_below_min_is_not_open():
    # W1 = 0 (3x1), W2 = e1^T (1x3): the product a (e1 + b)^T = d e1 e2^T needs e1 + b = t e2,
    # so b = t e2 - e1 and |b| >= 1 whatever d is.
    W1, W2 = [[0], [0], [0]], [[1, 0, 0]]
    E = np.zeros((3, 3))
    E[0, 1] = 1.0
    res = probe_openness(W1, W2, directions=[E])
    assert res.verdict == "not_locally_open", res.summary()
    (g,) = _given(res)
    assert all(e >= 1 - 1e-9 for e in g.eps)


def test_intersection_obstruction_with_k_below_min_is_not_open():
    # W1 = [e1, 0] (3x2), W2 = [0; e1^T] (2x3), W1W2 = 0.  X = W1 + A = [e1 + a1, a2],
    # Y = W2 + B = [b1^T; e1^T + b2^T], XY = d e2 e2^T (rank 1, in the range):
    # if rank X = 2 then Y = X^+ XY has rows parallel to e2^T, so b2[0] = -1; if rank X = 1
    # then C(XY) is spanned by e1 + a1, parallel to e2, so |a1| >= 1.  Either way >= 1.
    W1 = [[1, 0], [0, 0], [0, 0]]
    W2 = [[0, 0, 0], [1, 0, 0]]
    E = np.zeros((3, 3))
    E[1, 1] = 1.0
    res = probe_openness(W1, W2, directions=[E])
    assert res.verdict == "not_locally_open", res.summary()
    (g,) = _given(res)
    assert all(e >= 1 - 1e-9 for e in g.eps)


def test_k_at_least_min_obstruction_is_not_open():
    # W1 = [[1,0],[0,0]], W2 = [[0,0],[1,0]] (k = m = n = 2), W1W2 = 0.  If X = W1 + A and
    # Y = W2 + B satisfy XY = d I (d != 0), then Y = d X^-1, so y21 = -d x21 / det X and
    # y22 = d x11 / det X, hence y22 x21 = -x11 y21.  With |A|, |B| <= e: |x21|, |y22| <= e
    # and |x11|, |y21| >= 1 - e, so e^2 >= (1 - e)^2, i.e. e >= 1/2 for every d.
    W1, W2 = [[1, 0], [0, 0]], [[0, 0], [1, 0]]
    res = probe_openness(W1, W2, directions=[np.eye(2)])
    assert res.verdict == "not_locally_open", res.summary()
    (g,) = _given(res)
    assert all(e >= 0.5 for e in g.eps)


# --------------------------------------------------------------------------------------
# the decision rule, inputs, independence, speed


def test_decision_rule_branches():
    d = [1e-2, 1e-3, 1e-4]
    thr, sq = 0.5, 0.02
    assert decide(d, [1e-2, 1e-3, 1e-4], thr, sq)[0] == "locally_open"
    assert decide(d, [0.1, 0.0316, 0.01], thr, sq)[0] == "locally_open"      # sqrt rate
    v, _, a, _ = decide(d, [0.1, 0.0316, 0.01], thr, sq)
    assert a == pytest.approx(0.5, abs=0.01)
    assert decide(d, [0.1, 0.1, math.inf], thr, sq)[0] == "not_locally_open"
    assert decide(d, [1.0, 1.0, 1.0], thr, sq)[0] == "not_locally_open"      # above thr
    assert decide(d, [0.3, 0.3, 0.3], thr, sq)[0] == "not_locally_open"      # flat
    assert decide(d, [math.inf, 1e-3, 1e-4], thr, sq)[0] == "inconclusive"
    assert decide(d, [0.3, 0.2, 0.13], thr, sq)[0] == "inconclusive"         # slow, unclear


def test_inputs_are_converted_the_same_way():
    W1 = [[1, 0], [0, 0], [0, 0]]
    W2 = [[fmpq(1, 2), 0, 0], [0, 0, 0]]
    a = probe_openness(W1, [["1/2", 0, 0], [0, 0, 0]], deltas=DELTAS)
    b = probe_openness(np.array(W1), np.array([[0.5, 0, 0], [0, 0, 0]]), deltas=DELTAS)
    c = probe_openness(fmpq_mat(W1), fmpq_mat(W2), deltas=DELTAS)
    assert a.eps == b.eps == c.eps and a.verdict == b.verdict == c.verdict
    assert to_float_matrix(fmpq_mat(W2))[0, 0] == 0.5
    with pytest.raises(ValueError):
        probe_openness([[1, 2]], [[1, 2]])


def test_min_preimage_returns_a_genuine_small_preimage():
    W1 = np.array([[1.0, 2.0], [0.0, 1.0], [1.0, 1.0]])
    W2 = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]])
    E = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, 1.0], [2.0, 0.0, -1.0]]) * 1e-3
    # keep the target in the range (rank <= 2)
    U, s, Vt = np.linalg.svd(W1 @ W2 + E)
    Z = (U[:, :2] * s[:2]) @ Vt[:2]
    pre = min_preimage(W1, W2, Z)
    assert pre.size < 1e-2
    assert np.linalg.norm((W1 + pre.A) @ (W2 + pre.B) - Z) <= 1e-9
    assert pre.size == pytest.approx(max(np.linalg.norm(pre.A), np.linalg.norm(pre.B)))


def test_probe_is_independent_of_the_exact_side():
    tree = ast.parse(PROBE_SRC.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not any(name.startswith("exactopen") for name in imported), imported
    # numpy is imported lazily: importing the module alone does not load it
    code = "import sys, exactopen.numeric.probe; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PROBE_SRC.parent.parent, check=True)
    assert out.stdout.strip() == "False"


def test_small_instances_probe_quickly():
    res = probe_openness([[1, 2], [0, 1], [1, 1]], [[1, 0, 2], [0, 1, 1]])
    assert res.seconds < 3.0, res.seconds          # typically ~0.2 s on an idle core
