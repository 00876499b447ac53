"""Reproducible float linear algebra (exactopen.exact.reproducible): the sliced product is the
exact combination of exact slice products (so no BLAS, kernel or thread count can change it),
close to the exact product; the blocked Cholesky factor and forward substitution solve."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from flint import fmpz_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen.exact.reproducible import _bits, _slices, cholesky_blocked, lower_solve_blocked, matmul_sliced


def _dense(rng, m, n, spread=8):
    """Dense floats with entries spread over 2^-spread..2^spread (rows scaled differently)."""
    return rng.standard_normal((m, n)) * np.exp2(rng.integers(-spread, spread + 1, size=(m, 1)))


def _by_integers(A, B, slices=3):
    """matmul_sliced with every slice product formed by FLINT on Python integers (exact, no
    BLAS), combined in the same order."""
    k = A.shape[1]
    s = _bits(k, slices)
    ea, sa = _slices(A, 1, s, slices)
    eb, sb = _slices(B, 0, s, slices)

    def exact(a, b):
        P = fmpz_mat(a.astype(np.int64).tolist()) * fmpz_mat(b.astype(np.int64).tolist())
        return np.array([[float(int(x)) for x in row] for row in P.tolist()])

    acc = None
    for level in range(slices + 1, 1, -1):
        lev = None
        for t in range(1, level):
            u = level - t
            if t <= slices and u <= slices:
                p = exact(sa[t - 1], sb[u - 1])
                lev = p if lev is None else lev + p
        lev = lev * float(2.0 ** (-s * level))
        acc = lev if acc is None else acc + lev
    return np.ldexp(acc, ea[:, None] + eb[None, :])


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 9), st.integers(1, 40), st.integers(1, 9), st.integers(0, 2 ** 32 - 1))
def test_sliced_product_is_the_exact_slice_combination(m, k, n, seed):
    rng = np.random.default_rng(seed)
    A, B = _dense(rng, m, k), _dense(rng, n, k).T  # rows of A, columns of B on different scales
    C = matmul_sliced(A, B)
    assert np.array_equal(C, _by_integers(A, B))  # bit for bit: nothing depends on the BLAS
    # close to the exact product, relative to the row and column maxima
    exact = np.array([[float(sum(Fraction(a) * Fraction(b) for a, b in zip(A[i], B[:, j]))) for j in range(n)]
                      for i in range(m)])
    scale = np.abs(A).max(axis=1)[:, None] * np.abs(B).max(axis=0)[None, :] * k
    assert np.all(np.abs(C - exact) <= 2.0 ** -50 * scale + 1e-300)


def test_sliced_product_rows_are_independent_and_symmetric():
    rng = np.random.default_rng(5)
    A = _dense(rng, 30, 300)
    perm = rng.permutation(30)
    assert np.array_equal(matmul_sliced(A[perm], A.T), matmul_sliced(A, A.T)[perm])
    G = matmul_sliced(A, A.T)
    assert np.array_equal(G, G.T)  # level sums are exact, so A A^T comes out exactly symmetric


def test_blocked_cholesky_and_solve():
    rng = np.random.default_rng(11)
    M = rng.standard_normal((300, 420))
    S = M @ M.T
    L = cholesky_blocked(S, block=64)
    assert np.allclose(L, np.linalg.cholesky(S), rtol=0, atol=1e-9)
    assert np.array_equal(L, cholesky_blocked(S.copy(), block=64))  # a function of S alone
    X = lower_solve_blocked(L, M, block=64)
    assert np.allclose(L @ X, M, rtol=0, atol=1e-9)
    try:
        cholesky_blocked(-S, block=64)
    except np.linalg.LinAlgError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a negative definite matrix has no Cholesky factor")
