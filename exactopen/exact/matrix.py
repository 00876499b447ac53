"""Thin helpers over :class:`flint.fmpq_mat`, the one exact matrix type of the generator.

Matrices of any shape (including ``m x 0`` and ``0 x n``) are ``fmpq_mat`` objects; the
helpers here build, slice, stack and serialise them.  Serialisation is the certificate
encoding ``{"shape": [m, n], "rows": [["p/q", ...], ...]}``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Iterable, Sequence

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat

from exactopen import certificate
from exactopen.exact.numbers import rational_str

Matrix = fmpq_mat


def from_rows(rows: Sequence[Sequence], ncols: int | None = None) -> fmpq_mat:
    """Matrix from a list of rows of exact numbers (fmpq, int, Fraction)."""
    m = len(rows)
    n = len(rows[0]) if m else (ncols or 0)
    if ncols is not None and m and n != ncols:
        raise ValueError("column count mismatch")
    return fmpq_mat(m, n, [_q(x) for r in rows for x in r])


def _q(x) -> fmpq:
    if isinstance(x, fmpq):
        return x
    if isinstance(x, Fraction):
        return fmpq(x.numerator, x.denominator)
    return fmpq(x)


def zeros(m: int, n: int) -> fmpq_mat:
    return fmpq_mat(m, n)


def identity(n: int) -> fmpq_mat:
    A = fmpq_mat(n, n)
    for i in range(n):
        A[i, i] = 1
    return A


def shape(A: fmpq_mat) -> tuple[int, int]:
    return A.nrows(), A.ncols()


def rows(A: fmpq_mat) -> list[list[fmpq]]:
    return A.tolist()


def entry_list(A: fmpq_mat) -> list[fmpq]:
    return A.entries()


def submatrix(A: fmpq_mat, row_idx: Sequence[int] | None, col_idx: Sequence[int] | None) -> fmpq_mat:
    """A[rows, cols]; ``None`` means all."""
    R = range(A.nrows()) if row_idx is None else list(row_idx)
    C = range(A.ncols()) if col_idx is None else list(col_idx)
    e = A.entries()
    n = A.ncols()
    return fmpq_mat(len(R), len(C), [e[i * n + j] for i in R for j in C])


def hstack(*mats: fmpq_mat) -> fmpq_mat:
    m = mats[0].nrows()
    rs = [[] for _ in range(m)]
    for M in mats:
        if M.nrows() != m:
            raise ValueError("hstack: row counts differ")
        for i, r in enumerate(M.tolist()):
            rs[i].extend(r)
    return fmpq_mat(m, sum(M.ncols() for M in mats), [x for r in rs for x in r])


def vstack(*mats: fmpq_mat) -> fmpq_mat:
    n = mats[0].ncols()
    if any(M.ncols() != n for M in mats):
        raise ValueError("vstack: column counts differ")
    return fmpq_mat(sum(M.nrows() for M in mats), n, [x for M in mats for x in M.entries()])


def is_zero(A: fmpq_mat) -> bool:
    return all(x == 0 for x in A.entries())


def scale(c, A: fmpq_mat) -> fmpq_mat:
    return A * fmpq(c)


def frobenius_sq(A: fmpq_mat) -> fmpq:
    """|A|_F^2 = |N|^2 / d^2 for A = N / d (N integer, d the common denominator)."""
    N, d = A.numer_denom()
    return fmpq(sum((x * x for x in N.entries()), fmpz(0)), d * d)


def distance_sq(A: fmpq_mat, B: fmpq_mat) -> fmpq:
    """|A - B|_F^2 from the integer forms (A = Na / a, B = Nb / b over l = lcm(a, b): the
    difference Na (l / a) - Nb (l / b) is formed by integer operations, no fraction reduced)."""
    (Na, a), (Nb, b) = A.numer_denom(), B.numer_denom()
    a, b = int(a), int(b)
    g = math.gcd(a, b)
    D = Na * (b // g) - Nb * (a // g)
    return fmpq(sum((x * x for x in D.entries()), fmpz(0)), (a // g * b) ** 2)


def max_abs(A: fmpq_mat) -> fmpq:
    return max((abs(x) for x in A.entries()), default=fmpq(0))


def integer_rows(A: fmpq_mat) -> list[list[int]]:
    """Each row multiplied by the lcm of its denominators: same rank, same null space."""
    out = []
    for r in A.tolist():
        lcm = 1
        for x in r:
            q = int(x.q)
            if q != 1:
                lcm = lcm * q // math.gcd(lcm, q)
        out.append([int(x.p) * (lcm // int(x.q)) for x in r])
    return out


def unit_columns(n: int, idx: Sequence[int]) -> fmpq_mat:
    """The n x len(idx) matrix whose j-th column is e_{idx[j]}."""
    E = fmpq_mat(n, len(idx))
    for j, i in enumerate(idx):
        E[i, j] = 1
    return E


to_json = certificate.matrix_json  # the certificate format's encoding of a matrix


def from_json(obj: dict) -> fmpq_mat:
    """Inverse of :func:`to_json` (for certificates the generator wrote itself; rows, dyadic or integer)."""
    m, n = obj["shape"]
    if "dyadic" in obj:
        import base64

        d = obj["dyadic"]
        k, data = d["width"], base64.b64decode(d["numerators"])
        nums = [int.from_bytes(data[i:i + k], "little", signed=True) for i in range(0, len(data), k)]
        if d.get("lower"):  # the lower triangle only, row by row (certificate.dyadic_json)
            it = iter(nums)
            nums = [next(it) if j <= i else 0 for i in range(m) for j in range(n)]
        return fmpq_mat(fmpz_mat(m, n, nums)) * fmpq(2) ** d["exponent"]
    if "integer" in obj:  # N / D (certificate.integer_json)
        import base64

        d = obj["integer"]
        k, data = d["width"], base64.b64decode(d["numerators"])
        nums = [int.from_bytes(data[i:i + k], "little", signed=True) for i in range(0, len(data), k)]
        return fmpq_mat(fmpz_mat(m, n, nums)) / fmpz(d["denominator"])
    return fmpq_mat(m, n, [fmpq(*_pq(x)) for r in obj["rows"] for x in r])


def _pq(s: str) -> tuple[fmpz, fmpz]:
    if "/" in s:
        p, q = s.split("/")
        return fmpz(p), fmpz(q)
    return fmpz(s), fmpz(1)


def pretty(A: fmpq_mat, indent: str = "  ") -> str:
    """Aligned text rendering for the terminal."""
    if A.nrows() == 0 or A.ncols() == 0:
        return f"{indent}(empty {A.nrows()}x{A.ncols()} matrix)"
    cells = [[rational_str(x) for x in r] for r in A.tolist()]
    w = max(len(c) for r in cells for c in r)
    return "\n".join(indent + "[" + " ".join(c.rjust(w) for c in r) + "]" for r in cells)


def columns(A: fmpq_mat) -> Iterable[fmpq_mat]:
    for j in range(A.ncols()):
        yield submatrix(A, None, [j])
