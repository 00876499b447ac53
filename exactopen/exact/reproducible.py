"""Reproducible float linear algebra at BLAS speed: products, Cholesky factors and triangular
solves whose results are a function of their inputs alone, whatever the CPU kernel, the BLAS
and its thread count.  NUMERIC (proposals that enter certificates at full precision, as
:func:`exactopen.exact.floats.cholesky_fixed_order` does, but for matrices of thousands of rows).

The idea (Ozaki's error-free splitting of a product): scale each row of A by a power of two
2^-e_i and each column of B by 2^-f_j so that their entries lie in (-1, 1), and cut each into
T slices of s bits, A = diag(2^e) sum_t a_t 2^(-s t) + (rest below 2^(-s T)), every a_t an
array of integers |a_t| < 2^s held exactly in float64.  A product a_t b_u of such slices with
inner dimension k has integer entries below k 2^(2 s); with T k 2^(2 s) <= 2^53 every
partial sum any BLAS forms, in any order or blocking, with or without FMA, is an integer below
2^53, hence exact: the slice products -- and their sums within one level t + u -- are the same
integers on every machine.  The levels are then combined in a fixed order of elementwise IEEE
operations and scaled back by 2^(e_i + f_j).  With T = 3 slices (the levels t + u <= 4) the
result agrees with the exact product to about 2^-(3 s - 2) |A_i,:| |B_:,j| (s = 20 for inner
dimensions up to 2,048).

:func:`matmul_sliced` is that product; :func:`cholesky_blocked` and :func:`lower_solve_blocked`
are blocked right-looking variants of the fixed-order Cholesky factor and forward
substitution of :mod:`exactopen.exact.floats`: the diagonal blocks and panels in the fixed
order, the trailing updates (nearly all the arithmetic) by :func:`matmul_sliced`.
numpy is imported lazily.
"""

from __future__ import annotations

import math

SLICES = 3
BLOCK = 128


def _bits(k: int, slices: int) -> int:
    """Bits per slice s with slices k 2^(2 s) <= 2^53: a level sums at most ``slices`` slice
    products, so every level sum is exact."""
    return max(1, (53 - math.ceil(math.log2(max(k, 1) * slices))) // 2)


def _slices(A, axis: int, s: int, slices: int):
    """(exponents, [integer slices]) of A scaled along ``axis`` (1: per row, 0: per column)."""
    import numpy as np

    top = np.max(np.abs(A), axis=axis) if A.size else np.zeros(A.shape[1 - axis])
    e = np.frexp(top)[1].astype(np.int64)  # |entries| < 2^e (frexp(0) = (0, 0))
    scaled = np.ldexp(A, -(e[:, None] if axis == 1 else e[None, :]))  # exact: a power of two
    out = []
    for _ in range(slices):
        scaled = scaled * float(2 ** s)  # exact
        part = np.trunc(scaled)
        out.append(part)
        scaled = scaled - part  # exact: the fractional part of a float
    return e, out


def matmul_sliced(A, B, slices: int = SLICES):
    """A @ B (float64) through exact slice products (module docstring): reproducible, accurate
    to about 2^-(3 s - 2) times the products of the row and column maxima.  NUMERIC."""
    import numpy as np

    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    m, k = A.shape
    n = B.shape[1]
    if m == 0 or n == 0 or k == 0:
        return np.zeros((m, n))
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(B))):
        raise ValueError("matmul_sliced: a NaN or an infinity")
    s = _bits(k, slices)
    ea, sa = _slices(A, 1, s, slices)
    eb, sb = _slices(B, 0, s, slices)
    acc = None
    for level in range(slices + 1, 1, -1):  # the smallest level first
        lev = None
        for t in range(1, level):
            u = level - t
            if t <= slices and u <= slices:
                p = sa[t - 1] @ sb[u - 1]
                lev = p if lev is None else lev + p  # integers below 2^53: exact, in any order
        lev = lev * float(2.0 ** (-s * level))  # exact (a power of two, far from underflow)
        acc = lev if acc is None else acc + lev
    return np.ldexp(acc, ea[:, None] + eb[None, :])


def cholesky_blocked(A, block: int = BLOCK):
    """Lower-triangular L with L L^T = A (A symmetric positive definite; its lower triangle is
    read), blocked: the diagonal blocks by :func:`exactopen.exact.floats.cholesky_fixed_order`,
    the panels by its forward substitution, the trailing updates by :func:`matmul_sliced`.
    Reproducible; raises numpy.linalg.LinAlgError when a pivot is not positive.  NUMERIC."""
    import numpy as np

    from exactopen.exact.floats import cholesky_fixed_order, lower_solve_fixed_order

    A = np.array(A, dtype=np.float64, copy=True)
    n = A.shape[0]
    L = np.zeros_like(A)
    for j0 in range(0, n, block):
        j1 = min(n, j0 + block)
        L11 = cholesky_fixed_order(A[j0:j1, j0:j1])
        L[j0:j1, j0:j1] = L11
        if j1 < n:
            L21 = lower_solve_fixed_order(L11, A[j1:, j0:j1].T).T
            L[j1:, j0:j1] = L21
            A[j1:, j1:] -= matmul_sliced(L21, L21.T)
    return L


def lower_solve_blocked(L, B, block: int = BLOCK):
    """X with L X = B (L lower triangular, forward substitution by blocks of rows: the updates
    by :func:`matmul_sliced`, the diagonal blocks in the fixed order).  Reproducible.  NUMERIC."""
    import numpy as np

    from exactopen.exact.floats import lower_solve_fixed_order

    L = np.asarray(L, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    n = L.shape[0]
    X = np.zeros_like(B)
    for i0 in range(0, n, block):
        i1 = min(n, i0 + block)
        R = B[i0:i1] if i0 == 0 else B[i0:i1] - matmul_sliced(L[i0:i1, :i0], X[:i0])
        X[i0:i1] = lower_solve_fixed_order(L[i0:i1, i0:i1], R)
    return X
