"""The checker's exact matrices with bounds (``exactopen/kernel/work.py``): every operation on a
QM / ZM gives exactly what FLINT's plain matrices give, every derived bound holds for the
result, and the meter refuses, in one line, a step beyond the budget before running it.

The arithmetic of QM / ZM is on the trusted path (products and sums work on integer forms N / d),
so it is checked here against plain fmpq_mat arithmetic on random matrices: integers, dyadic
and non-dyadic rationals, zero and empty shapes.
"""

from __future__ import annotations

import gc

import pytest
from flint import fmpq, fmpq_mat, fmpz_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen.kernel import primitives as P
from exactopen.kernel.work import METER, QM, ZM, OverBudget

DENS = st.sampled_from([1, 1, 2, 4, 8, 3, 6, 7, 10, 12, 2 ** 40, 3 ** 30])


@st.composite
def rationals(draw, m, n):
    nums = draw(st.lists(st.integers(-(2 ** 70), 2 ** 70) | st.integers(-5, 5), min_size=m * n, max_size=m * n))
    dens = draw(st.lists(DENS, min_size=m * n, max_size=m * n))
    return fmpq_mat(m, n, [fmpq(a, b) for a, b in zip(nums, dens)])


@st.composite
def pairs(draw):
    """(A, B, C): A m x k, B m x k, C k x n plain matrices."""
    m, k, n = (draw(st.integers(0, 4)) for _ in range(3))
    return draw(rationals(m, k)), draw(rationals(m, k)), draw(rationals(k, n))


def forms(M):
    """The same matrix as a QM held as fmpq_mat, as an integer form, and through a ZM when integral."""
    a = QM.wrap(M)
    N, d = M.numer_denom()
    b = QM.integer(ZM.wrap(N), d)
    return [a, b]


def holds(Q: QM) -> None:
    """The derived bounds of Q hold for its exact entries: with d the least common denominator,
    bits(d) <= db and every |N_ij| = |Q_ij d| < 2^nb (d divides any common denominator, so this is
    what "some denominator of db bits clears Q to numerators below 2^nb" implies)."""
    N, d = fmpq_mat(Q.M).numer_denom()
    nb = max((x.bit_length() for x in N.entries()), default=0)
    db = d.bit_length() if d > 1 else 0
    qnb, qdb, qtwo = Q.bounds()
    assert nb <= qnb and db <= qdb, (nb, db, qnb, qdb)
    if qtwo:
        assert int(d) & (int(d) - 1) == 0


@settings(max_examples=60, deadline=None)
@given(pairs(), st.integers(-7, 7), st.integers(1, 9))
def test_arithmetic_agrees_with_fmpq_mat(abc, p, q):
    METER.stop()
    A, B, C = abc
    c = fmpq(p, q)
    for a in forms(A):
        for b in forms(B):
            assert (a + b).M == A + B and (a - b).M == A - B and (b - a).M == B - A
            assert (a == b) == (A == B) and (a != b) == (A != B)
            for r in (a + b, a - b):
                holds(r)
        for cc in forms(C):
            r = a * cc
            assert r.M == A * C
            holds(r)
        assert (a * c).M == A * c and (c * a).M == A * c
        assert (-a).M == -A and a.transpose().M == A.transpose()
        assert a.is_zero() == all(x == 0 for x in A.entries())
        assert a.entries() == A.entries() and a.tolist() == A.tolist()
        N, d = a.numer_denom()
        assert fmpq_mat(N.M) * fmpq(1, d) == A
        for i in range(A.nrows()):
            for j in range(A.ncols()):
                assert a[i, j] == A[i, j]
        holds(a * c)
        holds(a.transpose())


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 4).flatmap(lambda n: rationals(n, n)))
def test_square_operations_agree(A):
    METER.stop()
    for a in forms(A):
        assert a.det() == A.det()
        assert a.rank() == A.rank()
        if A.nrows() and A.det() != 0:
            inv = a.inv()
            assert inv.M == A.inv()
            holds(inv)
        assert P.nonsingular(a) == (A.nrows() == 0 or A.det() != 0)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4).flatmap(lambda m: st.integers(1, 4).flatmap(lambda n: rationals(m, n))), st.data())
def test_submatrices_and_entry_writes(A, data):
    METER.stop()
    m, n = A.nrows(), A.ncols()
    rows = data.draw(st.lists(st.integers(0, m - 1), unique=True, min_size=1))
    cols = data.draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1))
    for a in forms(A):
        s = P.sub(a, rows, cols)
        assert s.M == fmpq_mat(len(rows), len(cols), [A[i, j] for i in rows for j in cols])
        holds(s)
        v = data.draw(st.fractions(max_denominator=50))
        a[rows[0], cols[0]] = fmpq(v.numerator, v.denominator)
        B = fmpq_mat(A)
        B[rows[0], cols[0]] = fmpq(v.numerator, v.denominator)
        assert a.M == B and (a * a.transpose()).M == B * B.transpose()
        holds(a)


def test_zm_arithmetic_agrees_with_fmpz_mat():
    import random

    METER.stop()
    rng = random.Random(3)
    for _ in range(50):
        m, k, n = rng.randint(0, 5), rng.randint(0, 5), rng.randint(0, 5)
        bits = rng.choice([3, 60, 64, 200])
        A = fmpz_mat(m, k, [rng.randint(-(2 ** bits), 2 ** bits) for _ in range(m * k)])
        B = fmpz_mat(m, k, [rng.randint(-(2 ** bits), 2 ** bits) for _ in range(m * k)])
        C = fmpz_mat(k, n, [rng.randint(-(2 ** bits), 2 ** bits) for _ in range(k * n)])
        a, b, c = ZM.wrap(A), ZM.wrap(B), ZM.wrap(C)
        for r, R in ((a + b, A + B), (a - b, A - B), (a * c, A * C), (a * 7, A * 7), (-a, -A),
                     (a.transpose(), A.transpose())):
            assert r.M == R
            assert max((x.bit_length() for x in R.entries()), default=0) <= r.nb
        assert (a == b) == (A == B)


def test_meter_refuses_before_the_step():
    METER.start(100, 10 ** 12, 10 ** 9)
    try:
        A = QM.wrap(fmpq_mat(200, 200, list(range(40000))))
        METER.work_limit = METER.work + 10 ** 6  # what remains: about 1 ms
        with pytest.raises(OverBudget, match="200x200"):
            A * A
    finally:
        METER.stop()


def test_memory_is_held_and_released():
    METER.start(100, 10 ** 15, 10 ** 10)
    try:
        live = METER.live
        A = QM.new(300, 300)
        assert METER.live > live + 300 * 300 * 16
        B = A + A
        del A, B
        gc.collect()
        assert METER.live == live
        METER.start(100, 10 ** 15, 10 ** 6)  # a new check: a 1 MB budget
        with pytest.raises(OverBudget, match="MB"):
            QM.new(1000, 1000)
    finally:
        METER.stop()


def test_dyadic_decoding_is_charged_before_it_is_formed():
    """The attack of issue 20: 700 x 700 numerators 1 at exponent -60,000 (about 3.7 GB decoded)."""
    import base64

    n, k = 700, 1
    obj = P.Obj({"shape": [n, n], "dyadic": P.Obj({"exponent": -60000, "width": k,
                                                   "numerators": base64.b64encode(bytes([1]) * n * n).decode()})})
    P.start_check(700_000)
    try:
        with pytest.raises(OverBudget, match="dyadic"):
            P.matrix(obj, "inputs.X")
    finally:
        METER.stop()


def test_common_denominator_is_refused_as_it_grows():
    from exactopen.kernel.work import common_denominator

    METER.start(100, 10 ** 15, 2 ** 20)
    try:
        with pytest.raises(OverBudget, match="common denominator"):
            common_denominator([2 ** 61 - 1 + 2 * i for i in range(3000)], 10 ** 4, "inputs.A")
    finally:
        METER.stop()
