"""Local openness of W1 W2 (prop-4, thm-5, rem-1, prop-18, lem-13, lem-10, thm-5-delta)."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys

import pytest
import sympy
from flint import fmpq, fmpq_mat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.errors import InputError
from exactopen.exact import matrix as mx
from exactopen.openness.chain import decide_chain
from exactopen.openness.lifting import lift
from exactopen.openness.pair import NOT_OPEN, OPEN, decide_pair
from exactopen.openness.rates import perturbation_table, sqrt_rate_certificate
from exactopen.openness.row_basis import bounded_row_basis, row_basis_certificate

try:
    from tests.helpers import validate_schema
except ImportError:  # pragma: no cover - schema helper written separately
    validate_schema = None


def M(rows):
    return mx.from_rows([[fmpq(int(x)) if isinstance(x, int) else fmpq(*map(int, x.split("/"))) for x in r]
                         for r in rows])


def accepted(cert):
    summary = kernel.check(cert)
    if validate_schema is not None:
        validate_schema(cert)
    return summary


def rejected(cert):
    with pytest.raises(kernel.Rejected) as exc:
        kernel.check(cert)
    assert str(exc.value)
    return str(exc.value)


# ---------------------------------------------------------------------------------------
# the paper's examples, from the general algorithm
# ---------------------------------------------------------------------------------------

def test_remark1_not_open_with_obstruction():
    D = decide_pair(M([[1], [1]]), M([[0, 0]]))
    assert D.verdict == NOT_OPEN and D.theorem == "thm-5"
    ob = D.certificate["evidence"]["obstruction"]
    assert ob["side"] == "W1" and fmpq(int(ob["bound"])) > 0
    assert "obstruction" in accepted(D.certificate)


def test_full_rank_factors_open_rem1():
    D = decide_pair(M([[1, 0], [0, 1], [1, 1]]), M([[1, 0, 2], [0, 1, 1]]))
    assert D.verdict == OPEN and D.theorem == "thm-5"
    accepted(D.certificate)


def test_exactly_one_full_rank_factor_not_open():
    # rem-1: k < min(m, n) and only W2 full (row) rank
    D = decide_pair(M([[1, 0], [0, 0], [0, 0]]), M([[1, 0, 0], [0, 1, 0]]))
    assert D.verdict == NOT_OPEN
    assert D.certificate["evidence"]["obstruction"]["side"] == "W2"
    accepted(D.certificate)


def test_zero_factors_open_but_sqrt_rate():
    W1, W2 = fmpq_mat(3, 2), fmpq_mat(2, 3)
    D = decide_pair(W1, W2)
    assert D.verdict == OPEN
    cert = sqrt_rate_certificate(W1, W2, D)
    assert cert is not None and cert["claim_id"] == "thm-5-delta"
    accepted(cert)


def test_scalar_product_ex3_open():
    # ex-3: every point with w1 w2 = 1 is a point where (w1, w2) -> w1 w2 is open
    for a in ("2", "1/3", "-5"):
        W1 = M([[a]])
        W2 = mx.from_rows([[1 / fmpq(*map(int, (a + "/1").split("/")[:2]))]])
        D = decide_pair(W1, W2)
        assert D.verdict == OPEN and D.theorem == "prop-4"
        accepted(D.certificate)


def test_prop4_not_open_example():
    D = decide_pair(M([[1, 0], [0, 0]]), M([[0, 0], [0, 1]]))
    assert D.verdict == NOT_OPEN and D.theorem == "prop-4"
    accepted(D.certificate)


# ---------------------------------------------------------------------------------------
# random instances: verdict vs an independent SymPy computation of the conditions
# ---------------------------------------------------------------------------------------

def random_pair(rnd: random.Random, m, k, n, r1, r2):
    def low_rank(a, b, r):
        if r == 0:
            return [[0] * b for _ in range(a)]
        A = [[rnd.randint(-2, 2) for _ in range(r)] for _ in range(a)]
        B = [[rnd.randint(-2, 2) for _ in range(b)] for _ in range(r)]
        return [[sum(A[i][t] * B[t][j] for t in range(r)) for j in range(b)] for i in range(a)]
    return low_rank(m, k, r1), low_rank(k, n, r2)


def sympy_verdict(a, b):
    A, B = sympy.Matrix(a), sympy.Matrix(b)
    m, k, n = A.rows, A.cols, B.cols
    r1, r2, r12 = A.rank(), B.rank(), (A * B).rank()
    d = r2 - r12  # dim N(A) ∩ C(B)
    if k >= min(m, n):
        return OPEN if (d <= k - m or n - (r2 - d) <= k - r1) else NOT_OPEN
    return OPEN if (r1 == r2 and d == 0) else NOT_OPEN


pair_shapes = st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)).flatmap(
    lambda s: st.tuples(st.just(s), st.integers(0, min(s[0], s[1])), st.integers(0, min(s[1], s[2])),
                        st.integers(0, 10 ** 6)))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair_shapes)
def test_random_pairs_agree_with_sympy_and_checker(params):
    (m, k, n), r1, r2, seed = params
    a, b = random_pair(random.Random(seed), m, k, n, r1, r2)
    D = decide_pair(M(a), M(b))
    assert D.verdict == sympy_verdict(a, b)
    accepted(D.certificate)
    if D.theorem == "thm-5" and not D.is_open:
        assert "obstruction" in D.certificate["evidence"], "k < min(m,n): every refutation has an obstruction"


@settings(max_examples=60, deadline=None)
@given(pair_shapes)
def test_lifting_reaches_nearby_targets(params):
    (m, k, n), r1, r2, seed = params
    rnd = random.Random(seed)
    a, b = random_pair(rnd, m, k, n, r1, r2)
    W1, W2 = M(a), M(b)
    D = decide_pair(W1, W2, with_obstruction=False)
    if not D.is_open:
        with pytest.raises(InputError):
            lift(W1, W2, W1 * W2, D)
        return
    A = mx.from_rows([[fmpq(rnd.randint(-3, 3), 1000) for _ in range(k)] for _ in range(m)])
    B = mx.from_rows([[fmpq(rnd.randint(-3, 3), 1000) for _ in range(n)] for _ in range(k)])
    Z = (W1 + A) * (W2 + B)  # in the range by construction
    L = lift(W1, W2, Z, D)
    assert (W1 + L.D1) * (W2 + L.D2) == Z
    accepted(L.certificate)
    # at Z = W1 W2 the construction does not move anything
    L0 = lift(W1, W2, W1 * W2, D)
    assert mx.is_zero(L0.D1) and mx.is_zero(L0.D2)


def test_lifting_rate_linear_at_full_rank_and_sqrt_at_zero():
    W1, W2 = M([[1, 0], [0, 1], [1, 1]]), M([[1, 0, 2], [0, 1, 1]])
    rows = perturbation_table(W1, W2, W1 * M([[1, 0, 1], [2, 1, 0]]), range(2, 7))
    assert all(abs(r["rate"] - 1) < 0.05 for r in rows[1:])
    rows = perturbation_table(fmpq_mat(3, 2), fmpq_mat(2, 3), M([[1, 0, 0], [0, 0, 0], [0, 0, 0]]), range(2, 7))
    assert all(abs(r["rate"] - 0.5) < 0.05 for r in rows[1:])


def test_lift_rejects_target_outside_range():
    W1, W2 = M([[1, 0], [0, 1], [1, 1]]), M([[1, 0, 2], [0, 1, 1]])
    with pytest.raises(InputError, match="range"):
        lift(W1, W2, mx.identity(3))


# ---------------------------------------------------------------------------------------
# lem-13, lem-10
# ---------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(1, 4), st.integers(0, 10 ** 6))
def test_lemma13_bounded_coefficients(m, n, seed):
    rnd = random.Random(seed)
    r = rnd.randint(0, min(m - 1, n))
    a, _ = random_pair(rnd, m, n, n, r, 0)
    V = M(a)
    B, A = bounded_row_basis(V)
    assert len(B) == sympy.Matrix(a).rank()
    assert mx.max_abs(A) <= 1
    cert = row_basis_certificate(V)
    accepted(cert)


def test_chain_nondegenerate_open_and_degenerate_decided():
    verdict, _, cert = decide_chain([M([[1, 0], [0, 1]]), M([[1, 1]]), M([[1], [2]])])
    assert verdict == OPEN
    accepted(cert)
    verdict, reason, cert = decide_chain([M([[1, 0]]), M([[0]]), M([[1], [0]])])
    assert verdict == NOT_OPEN and cert["result"]["argument"] == "obstruction"
    accepted(cert)
    verdict, _, cert = decide_chain([M([[0, 0]]), M([[1], [1]])])  # h = 2: exact pair decision
    assert verdict == NOT_OPEN and cert["kind"] == "openness"
    with pytest.raises(InputError, match="shape mismatch"):
        decide_chain([M([[1, 0]]), M([[1, 0]])])


# ---------------------------------------------------------------------------------------
# tampering
# ---------------------------------------------------------------------------------------

def _tampered(cert, path, value):
    c = copy.deepcopy(cert)
    obj = c
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value(obj[path[-1]]) if callable(value) else value
    return c


def test_tampered_openness_certificates_rejected():
    open_cert = decide_pair(M([[1, 0], [0, 1], [1, 1]]), M([[1, 0, 2], [0, 1, 1]])).certificate
    closed = decide_pair(M([[1], [1]]), M([[0, 0]])).certificate
    p4 = decide_pair(M([[1, 0], [0, 0]]), M([[0, 0], [0, 1]])).certificate
    p4open = decide_pair(M([[1, 2], [3, 4]]), M([[0, 0], [0, 0]])).certificate
    cases = [
        (open_cert, ["result", "verdict"], NOT_OPEN),
        (open_cert, ["result", "conditions", "iii"], False),
        (open_cert, ["evidence", "witness_i", "matrix", "rows", 0, 0], "7"),
        (open_cert, ["evidence", "rank_W1", "rank"], 1),
        (open_cert, ["result", "theorem"], "prop-4"),
        (closed, ["result", "verdict"], OPEN),
        (closed, ["evidence", "obstruction", "bound"], "2"),
        (closed, ["evidence", "obstruction", "K", "rows", 0, 0], "5"),
        (closed, ["evidence", "obstruction", "split"], 1),
        (closed, ["inputs", "W2", "rows", 0, 0], "1"),
        (p4, ["result", "verdict"], OPEN),
        (p4, ["result", "conditions", "2a"], True),
        (p4open, ["evidence", "witness_2a", "minor", "cols"], [0, 0]),
        (p4open, ["evidence", "witness_2a", "matrix", "rows", 0, 0], "1/2"),  # W1 + W~ singular
    ]
    for cert, path, value in cases:
        accepted(cert)
        rejected(_tampered(cert, path, value))
    no_witness = copy.deepcopy(open_cert)
    del no_witness["evidence"]["witness_i"]
    rejected(no_witness)


def test_tampered_lifting_and_friends_rejected():
    W1, W2 = M([[1, 0], [0, 1], [1, 1]]), M([[1, 0, 2], [0, 1, 1]])
    Z = (W1 + M([["1/100", 0], [0, 0], [0, 0]])) * W2
    L = lift(W1, W2, Z)
    rejected(_tampered(L.certificate, ["result", "D1", "rows", 0, 0], "1/3"))
    rejected(_tampered(L.certificate, ["result", "norm2_D1"], "0"))
    rejected(_tampered(L.certificate, ["inputs", "Z", "rows", 2, 2], "9"))
    rb = row_basis_certificate(M([[1, 2], [2, 4], [10, 20]]))
    rejected(_tampered(rb, ["result", "A", "rows", 0, 0], "1"))
    rejected(_tampered(rb, ["result", "bound"], "1/2"))
    rejected(_tampered(rb, ["result", "max_abs"], "0"))
    sq = sqrt_rate_certificate(fmpq_mat(3, 2), fmpq_mat(2, 3))
    rejected(_tampered(sq, ["evidence", "u", "rows", 0, 0], "0"))
    rejected(_tampered(sq, ["evidence", "openness_certificate", "result", "verdict"], NOT_OPEN))
    _, _, ch = decide_chain([M([[1, 0]]), M([[0]]), M([[1], [0]])])
    rejected(_tampered(ch, ["result", "verdict"], OPEN))
    rejected(_tampered(ch, ["result", "rank"], 1))


# ---------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------

def run_cli(*argv):
    return subprocess.run([sys.executable, "-m", "exactopen", *argv], capture_output=True, text=True, timeout=120)


def test_cli_openness_json_both_verdicts(tmp_path):
    for w1, w2, verdict in (("[[1],[1]]", "[[0,0]]", NOT_OPEN), ("[[1],[1]]", '[["1/2",0]]', OPEN)):
        out = tmp_path / "c.json"
        p = run_cli("openness", "--W1", w1, "--W2", w2, "--json", "--out", str(out))
        assert p.returncode == 0, p.stderr
        obj = json.loads(p.stdout)
        assert obj["verdict"] == verdict
        assert obj["certificate"] == json.loads(out.read_text())
        assert run_cli("verify", str(out)).returncode == 0


def test_cli_openness_human_and_errors():
    p = run_cli("openness", "--W1", "[[1],[1]]", "--W2", "[[0,0]]")
    assert p.returncode == 0 and "NOT LOCALLY OPEN" in p.stdout and "thm-5" in p.stdout
    for argv in (["openness", "--W1", "[[1,2]]", "--W2", "[[1,2]]"],
                 ["openness", "--W1", "[[1]]"],
                 ["openness", "--W1", "[[1]]", "--W2", "[[x]]"],
                 ["lift", "--W1", "[[1],[1]]", "--W2", "[[0,0]]", "--Z", "[[1,0],[0,0]]"],
                 ["chain", "--layers", "[[1,0]]", "[[1,0]]"],
                 ["rowbasis", "[[1,0],[0,1]]"]):
        p = run_cli(*argv)
        assert p.returncode == 2, argv
        assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


def test_cli_demo_and_rate():
    p = run_cli("demo")
    assert p.returncode == 0 and "NOT LOCALLY OPEN" in p.stdout and "checker: accepted" in p.stdout
    p = run_cli("rate", "--W1", "[[0],[0]]", "--W2", "[[0,0]]")
    assert p.returncode == 0 and "sqrt" in p.stdout
