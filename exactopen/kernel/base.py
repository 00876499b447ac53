"""Primitives of the checker: strict parsing of rationals and matrices, and rank facts.

Every primitive either returns what it proved or raises :class:`Rejected` with a reason.
"""

from __future__ import annotations

import re

from flint import fmpq, fmpq_mat, fmpz, nmod_mat

MAX_DIM = 100_000
_PRIME = 2305843009213693951  # 2^61 - 1
_RAT = re.compile(r"-?[0-9]+(/[0-9]+)?")


class Rejected(Exception):
    """The certificate does not prove its claim; the message says why."""


def require(cond: bool, reason: str) -> None:
    if not cond:
        raise Rejected(reason)


def field(obj: dict, key: str, typ, where: str):
    require(isinstance(obj, dict), f"{where} is not an object")
    require(key in obj, f"{where} has no '{key}'")
    val = obj[key]
    ok = isinstance(val, typ) and not (typ is int and isinstance(val, bool))
    require(ok, f"{where}.{key} has the wrong type")
    return val


def _integer(digits: str):
    """Integer from "-?[0-9]+": int() is fastest but refuses more than 4300 digits; fmpz reads any."""
    return int(digits) if len(digits) < 4000 else fmpz(digits)


def rational(s, where: str) -> fmpq:
    """A rational from its canonical text "p" or "p/q" (q > 0)."""
    require(isinstance(s, str) and _RAT.fullmatch(s) is not None, f"{where}: {s!r} is not a rational 'p/q'")
    p, _, q = s.partition("/")
    if not q:
        return fmpq(_integer(p))
    den = _integer(q)
    require(den != 0, f"{where}: zero denominator")
    return fmpq(_integer(p), den)


def matrix(obj, where: str) -> fmpq_mat:
    """A matrix from {"shape": [m, n], "rows": [[...]]}, with every shape fact checked."""
    shape = field(obj, "shape", list, where)
    require(len(shape) == 2 and all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= MAX_DIM
                                    for d in shape), f"{where}.shape is not [m, n]")
    m, n = shape
    rows = field(obj, "rows", list, where)
    require(len(rows) == m, f"{where} has {len(rows)} rows, shape says {m}")
    entries = []
    for i, r in enumerate(rows):
        require(isinstance(r, list) and len(r) == n, f"{where} row {i} does not have {n} entries")
        entries.extend(rational(x, f"{where}[{i}]") for x in r)
    return fmpq_mat(m, n, entries)


def vector_index(obj, bound: int, where: str) -> list[int]:
    """A list of distinct indices in range(bound)."""
    require(isinstance(obj, list), f"{where} is not a list of indices")
    require(all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < bound for i in obj),
            f"{where} has an index out of range 0..{bound - 1}")
    require(len(set(obj)) == len(obj), f"{where} repeats an index")
    return obj


def sub(A: fmpq_mat, rows, cols) -> fmpq_mat:
    e, n = A.entries(), A.ncols()
    return fmpq_mat(len(rows), len(cols), [e[i * n + j] for i in rows for j in cols])


def is_zero(A: fmpq_mat) -> bool:
    return all(x == 0 for x in A.entries())


def nonsingular(S: fmpq_mat) -> bool:
    """det S != 0.  S times the common denominator of its entries is an integer matrix with
    the same (non)vanishing determinant; a nonzero determinant modulo a prime settles it,
    otherwise the exact integer determinant does."""
    if S.nrows() == 0:
        return True
    Z = S.numer_denom()[0]
    return nmod_mat(Z, _PRIME).det() != 0 or Z.det() != 0


def annihilates(A: fmpq_mat, B: fmpq_mat) -> bool:
    """A B = 0, tested on integer multiples of A and B (nonzero scalars do not matter)."""
    if A.nrows() == 0 or B.ncols() == 0:
        return True
    return (A.numer_denom()[0] * B.numer_denom()[0]).is_zero()


def same_shape(A: fmpq_mat, m: int, n: int, where: str) -> None:
    require(A.nrows() == m and A.ncols() == n, f"{where} should be {m}x{n}, is {A.nrows()}x{A.ncols()}")


def rank_at_least(A: fmpq_mat, minor, where: str) -> int:
    """rank A >= r, proved by a nonsingular r x r submatrix A[rows, cols]."""
    rows = vector_index(field(minor, "rows", list, where), A.nrows(), where + ".rows")
    cols = vector_index(field(minor, "cols", list, where), A.ncols(), where + ".cols")
    require(len(rows) == len(cols), f"{where}: minor is not square")
    require(nonsingular(sub(A, rows, cols)), f"{where}: the {len(rows)}x{len(rows)} minor is singular")
    return len(rows)


def rank_at_most(A: fmpq_mat, ann, where: str) -> int:
    """rank A <= bound, proved by an annihilator N of full column rank d.

    side "right": A N = 0, so rank A <= ncols(A) - d; side "left": N^T A = 0, so
    rank A <= nrows(A) - d.  Full column rank of N: det N[minor_rows, :] != 0.
    """
    side = field(ann, "side", str, where)
    require(side in ("right", "left"), f"{where}.side must be 'right' or 'left'")
    N = matrix(field(ann, "basis", dict, where), where + ".basis")
    dim = A.ncols() if side == "right" else A.nrows()
    require(N.nrows() == dim, f"{where}.basis has {N.nrows()} rows, expected {dim}")
    ok = annihilates(A, N) if side == "right" else annihilates(N.transpose(), A)
    require(ok, f"{where}: basis does not annihilate the matrix ({side})")
    krows = vector_index(field(ann, "minor_rows", list, where), N.nrows(), where + ".minor_rows")
    require(len(krows) == N.ncols(), f"{where}.minor_rows must pick {N.ncols()} rows")
    require(nonsingular(sub(N, krows, range(N.ncols()))), f"{where}: basis vectors are dependent")
    return dim - N.ncols()


def rank_exactly(A: fmpq_mat, ev, claimed: int, where: str) -> int:
    """rank A == claimed, from a minor (lower bound) and an annihilator (upper bound)."""
    lo = rank_at_least(A, field(ev, "minor", dict, where), where + ".minor")
    hi = rank_at_most(A, field(ev, "annihilator", dict, where), where + ".annihilator")
    require(lo == claimed, f"{where}: minor proves rank >= {lo}, claim is {claimed}")
    require(hi == claimed, f"{where}: annihilator proves rank <= {hi}, claim is {claimed}")
    return claimed


def full_column_rank(A: fmpq_mat, minor, where: str) -> None:
    require(rank_at_least(A, minor, where) == A.ncols(), f"{where}: does not show full column rank")


def full_row_rank(A: fmpq_mat, minor, where: str) -> None:
    require(rank_at_least(A, minor, where) == A.nrows(), f"{where}: does not show full row rank")
