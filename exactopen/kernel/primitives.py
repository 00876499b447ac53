"""Primitives of the checker: strict reading of certificate JSON, budgets, exact rationals
and matrices, rank facts and positive semidefiniteness.

Every primitive either returns what it proved or raises :class:`Rejected` with a reason.

Reading is strict: duplicate keys, NaN/Infinity, floats and over-long integers are refused,
and every JSON object is an :class:`Obj` that records which keys the checker read.  After a
kind's check, :func:`unread_fields` names any key the checker never read: such a field was not
checked, so the certificate is refused (accepted means every field was checked or derived).

Budgets (:data:`BUDGET`) bound the checker's work; a file beyond one is refused in one line
naming the limit.  They are generous: every honest certificate of a problem with 10^4
parameters fits, except where a kind states a smaller limit (the dense Hessian).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat, nmod_mat

BUDGET = {
    "file_bytes": 64 * 2 ** 20,   # size of one certificate file
    "json_depth": 64,             # nesting of arrays and objects
    "int_digits": 12,             # a JSON integer (dimensions, indices, powers)
    "rational_digits": 20_000,    # digits of a numerator or denominator
    "dim": 100_000,               # one side of a matrix
    "entries": 4_000_000,         # entries of one matrix
    "nesting": 4,                 # certificates nested in certificates
    "degree": 4096,               # degree of a univariate polynomial (and the exponent k)
    "sturm_degree": 256,          # degree of a polynomial given to a Sturm sequence
    "hessian": 400,               # side of a dense Hessian (or of one block of a split one) the checker builds
    "sparse_work": 60_000_000,    # products of nonzeros that build a sparse Hessian
    "psd_work": 250_000_000_000,  # n^4 * (bits of the largest entry) of a PSD test (about 8 s)
    "layers": 64,                 # layers of a network
    "curve_power": 64,            # largest power of t in a descent curve (and number of its terms)
    "curve_work": 300_000_000,    # entry operations to expand the loss along a curve
    "poly_degree": 1024,          # total degree of a multivariate polynomial
    "poly_work": 20_000_000,      # term products in one check's polynomial arithmetic
}
MAX_DIM = BUDGET["dim"]
_PRIME = 2305843009213693951  # 2^61 - 1
_RAT = re.compile(r"-?[0-9]+(/[0-9]+)?")


class Rejected(Exception):
    """The certificate does not prove its claim; the message says why."""


class Malformed(Rejected):
    """Not readable as an exactopen certificate at all (the CLI exits 2)."""


class _Ledger:
    """What the check in progress relied on: trusted theorems and checked facts."""

    def __init__(self):
        self.stack = []

    def push(self, kind):
        self.stack.append({"kind": kind, "theorems": [], "facts": []})

    def pop(self):
        return self.stack.pop()


_LEDGER = _Ledger()


def fact(text: str) -> None:
    """Record one fact the current check verified (for ``verify --explain``)."""
    if _LEDGER.stack:
        _LEDGER.stack[-1]["facts"].append(text)


def require(cond: bool, reason: str) -> None:
    if not cond:
        raise Rejected(reason)


def within(value: int, limit: str, what: str) -> None:
    """Refuse work beyond a documented budget, naming the limit."""
    require(value <= BUDGET[limit], f"{what} is {value}, beyond the checker's budget {limit} = {BUDGET[limit]}")


# --------------------------------------------------------------------------------------
# strict JSON: duplicate keys, NaN, floats, huge integers and deep nesting are refused
# --------------------------------------------------------------------------------------

class Obj(dict):
    """A JSON object that remembers which keys the checker read (``obj[key]``, ``obj.get``)."""

    __slots__ = ("read",)

    def __init__(self, pairs=()):
        super().__init__(pairs)
        self.read = set()

    def __getitem__(self, key):
        self.read.add(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        if key in self:
            self.read.add(key)
            return dict.__getitem__(self, key)
        return default


def _pairs(pairs):
    obj = Obj(pairs)
    if len(obj) != len(pairs):
        seen = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise Malformed(f"duplicate key {dup!r} in a JSON object")
    return obj


def _no_float(text):
    raise Malformed(f"a JSON float ({text[:30]}) where exact numbers are strings 'p/q'")


def _no_constant(text):
    raise Malformed(f"{text} is not a number a certificate may hold")


def _int(text):
    if len(text.lstrip("-")) > BUDGET["int_digits"]:
        raise Malformed(f"a JSON integer with {len(text)} digits, beyond the budget int_digits = {BUDGET['int_digits']}")
    return int(text)


def _depth(text: str) -> int:
    """Largest nesting of [ and { outside strings (a linear scan, no recursion)."""
    depth = best = 0
    for token in re.finditer(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', text):
        c = token.group()
        if c in "[{":
            depth += 1
            best = max(best, depth)
        elif c in "]}":
            depth -= 1
    return best


def parse(text: str) -> Obj:
    """The certificate tree of a JSON text, read strictly (see the module docstring)."""
    within(len(text.encode("utf-8", "surrogatepass")), "file_bytes", "the file size in bytes")
    d = _depth(text)
    if d > BUDGET["json_depth"]:
        raise Malformed(f"JSON nested {d} deep, beyond the budget json_depth = {BUDGET['json_depth']}")
    try:
        tree = json.loads(text, object_pairs_hook=_pairs, parse_float=_no_float, parse_int=_int,
                          parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise Malformed(f"not valid JSON ({str(exc).splitlines()[0][:200]})") from None
    return tree


def mark_read(value) -> None:
    """Mark a whole subtree as read (it was compared as a whole to what the checker derived)."""
    if isinstance(value, Obj):
        value.read.update(value.keys())
        for v in dict.values(value):
            mark_read(v)
    elif isinstance(value, list):
        for v in value:
            mark_read(v)


def unread_fields(value, where: str = "certificate") -> list[str]:
    """Paths of the keys of the tree that the checker never read (depth-first, sorted)."""
    out, stack = [], [(value, where)]
    while stack:
        v, path = stack.pop()
        if isinstance(v, Obj):
            for key in sorted(dict.keys(v), reverse=True):
                if key in v.read:
                    stack.append((dict.__getitem__(v, key), f"{path}.{key}"))
                else:
                    out.append(f"{path}.{key}")
        elif isinstance(v, list):
            stack.extend((x, f"{path}[{i}]") for i, x in reversed(list(enumerate(v))))
    return out


def field(obj: dict, key: str, typ, where: str):
    require(isinstance(obj, dict), f"{where} is not an object")
    require(key in obj, f"{where} has no '{key}'")
    val = obj[key]
    ok = isinstance(val, typ) and not (typ is int and isinstance(val, bool))
    require(ok, f"{where}.{key} has the wrong type")
    return val


def optional(obj: dict, key: str, typ, where: str):
    """obj[key] if the key is present (then checked like :func:`field`), else None."""
    require(isinstance(obj, dict), f"{where} is not an object")
    return field(obj, key, typ, where) if key in obj else None


def approx(q) -> str:
    """A short decimal reading of a rational of any size (never via float, which overflows)."""
    q = fmpq(q)
    if q == 0:
        return "0"
    p, d = int(q.p), int(q.q)
    sign = "-" if p < 0 else ""
    p = abs(p)
    e = len(str(p)) - len(str(d))
    if p * 10 ** max(0, -e) < d * 10 ** max(0, e):
        e -= 1
    if -4 <= e <= 6:
        digits = max(0, 3 - e)
        val = (p * 10 ** digits * 2 + d) // (2 * d)
        s = str(val).rjust(digits + 1, "0")
        s = (s[:-digits] + "." + s[-digits:]).rstrip("0").rstrip(".") if digits else s
        return sign + s
    num, den = (p, d * 10 ** e) if e >= 0 else (p * 10 ** -e, d)
    mant = (num * 1000 * 2 + den) // (2 * den)  # 1000..10000
    if mant >= 10000:
        mant, e = mant // 10, e + 1
    m = str(mant)
    return f"{sign}{m[0]}.{m[1:].rstrip('0') or '0'}e{e:+d}"


def _integer(digits: str):
    """Integer from "-?[0-9]+": int() is fastest but refuses more than 4300 digits; fmpz reads any."""
    return int(digits) if len(digits) < 4000 else fmpz(digits)


def rational(s, where: str) -> fmpq:
    """A rational from its canonical text "p" or "p/q" (q > 0)."""
    require(isinstance(s, str) and _RAT.fullmatch(s) is not None, f"{where}: {str(s)[:40]!r} is not a rational 'p/q'")
    p, _, q = s.partition("/")
    require(len(p) <= BUDGET["rational_digits"] + 1 and len(q) <= BUDGET["rational_digits"],
            f"{where}: a number with more than {BUDGET['rational_digits']} digits (budget rational_digits)")
    if not q:
        return fmpq(_integer(p))
    den = _integer(q)
    require(den != 0, f"{where}: zero denominator")
    return fmpq(_integer(p), den)


def matrix(obj, where: str) -> fmpq_mat:
    """A matrix from {"shape": [m, n], "rows": [[...]]} or {"shape": [m, n], "dyadic": {...}}
    (:func:`dyadic`), with every shape fact checked."""
    shape = field(obj, "shape", list, where)
    require(len(shape) == 2 and all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= MAX_DIM
                                    for d in shape), f"{where}.shape is not [m, n]")
    m, n = shape
    within(m * n, "entries", f"{where}: the number of entries")
    if "dyadic" in obj:
        require("rows" not in obj, f"{where} has both 'rows' and 'dyadic'")
        return dyadic(field(obj, "dyadic", dict, where), m, n, where + ".dyadic")
    rows = field(obj, "rows", list, where)
    require(len(rows) == m, f"{where} has {len(rows)} rows, shape says {m}")
    entries = []
    for i, r in enumerate(rows):
        require(isinstance(r, list) and len(r) == n, f"{where} row {i} does not have {n} entries")
        entries.extend(rational(x, f"{where}[{i}]") for x in r)
    return fmpq_mat(m, n, entries)


def dyadic(obj, m: int, n: int, where: str) -> fmpq_mat:
    """The m x n matrix 2^exponent * N from {"exponent": E, "width": k, "numerators": B}: B is
    the standard, padded base64 of the m n entries of the integer matrix N (row-major), each
    k bytes of little-endian two's complement.  Decoded by integer operations only.  The form
    is canonical, anything else is Malformed: B is exactly the base64 text of its bytes, k is
    the fewest bytes that hold every numerator (1 for the zero matrix), and some numerator is
    odd (for the zero matrix E = 0), so a matrix has one encoding.  Bounded by the budget
    rational_digits: k and |E| at most 3 * rational_digits bits."""
    e = field(obj, "exponent", int, where)
    k = field(obj, "width", int, where)
    text = field(obj, "numerators", str, where)
    bits = 3 * BUDGET["rational_digits"]
    if not (1 <= k and 8 * k <= bits and abs(e) <= bits):
        raise Malformed(f"{where}: width must be 1..{bits // 8} bytes and |exponent| <= {bits} (budget rational_digits)")
    size = m * n * k
    if len(text) != 4 * ((size + 2) // 3):
        raise Malformed(f"{where}.numerators has {len(text)} characters, the base64 of {m}x{n} numerators "
                        f"of {k} bytes has {4 * ((size + 2) // 3)}")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Malformed(f"{where}.numerators is not base64 (standard alphabet, padded)") from None
    if len(data) != size or base64.b64encode(data).decode("ascii") != text:
        raise Malformed(f"{where}.numerators is not the canonical base64 of {size} bytes")
    view = memoryview(data)
    nums = [int.from_bytes(view[i:i + k], "little", signed=True) for i in range(0, size, k)]
    low, high = min(nums, default=0), max(nums, default=0)
    if k > 1 and -(1 << (8 * k - 9)) <= low and high < 1 << (8 * k - 9):  # they fit in k - 1 bytes
        raise Malformed(f"{where}: every numerator fits in {k - 1} bytes (width is not the smallest)")
    if not any(x & 1 for x in nums) and (e != 0 or low != 0 or high != 0):
        raise Malformed(f"{where}: no numerator is odd (the exponent is not canonical)"
                        if low or high else f"{where}: the zero matrix has exponent 0")
    A = fmpq_mat(fmpz_mat(m, n, nums))
    return A * (fmpq(2) ** e) if e else A


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
    fact(f"{where}: the {len(rows)}x{len(rows)} minor on rows {rows}, columns {cols} is nonsingular, "
         f"so rank >= {len(rows)}")
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
    fact(f"{where}: {N.ncols()} independent vectors annihilate the matrix ({side}), so rank <= {dim - N.ncols()}")
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


# --------------------------------------------------------------------------------------
# shared exact arithmetic
# --------------------------------------------------------------------------------------

def eye(n: int) -> fmpq_mat:
    return fmpq_mat(n, n, [fmpq(int(i == j)) for i in range(n) for j in range(n)])


def fro2(A: fmpq_mat) -> fmpq:
    """Squared Frobenius norm: |N|^2 / d^2 for A = N / d (N integer, d the common denominator)."""
    N, d = A.numer_denom()
    return fmpq(sum((x * x for x in N.entries()), fmpz(0)), d * d)


def dist2(A: fmpq_mat, B: fmpq_mat) -> fmpq:
    """|A - B|_F^2 (same shapes), on integer numerators over a common denominator D:
    A - B = (a' N_A - b' N_B) / D with D = lcm(a, b), a' = D / a, b' = D / b."""
    (NA, a), (NB, b) = A.numer_denom(), B.numer_denom()
    D = math.lcm(int(a), int(b))
    N = NA * (D // int(a)) - NB * (D // int(b))
    return fmpq(sum((x * x for x in N.entries()), fmpz(0)), D * D)


def inner(A: fmpq_mat, B: fmpq_mat) -> fmpq:
    """Frobenius inner product (same shapes)."""
    return sum((a * b for a, b in zip(A.entries(), B.entries())), fmpq(0))


def chain(mats: list, n: int) -> fmpq_mat:
    """mats[-1] * ... * mats[0] (layer order); the n x n identity for an empty list."""
    if not mats:
        return eye(n)
    P = mats[0]
    for M in mats[1:]:
        P = M * P
    return P


def symmetric(M: fmpq_mat, where: str) -> None:
    require(M.ncols() == M.nrows() and M == M.transpose(), f"{where}: the matrix is not symmetric")


def psd_nullity(M: fmpq_mat, where: str, quiet: bool = False) -> int:
    """M is positive semidefinite; returns dim N(M).  Refuses if M is not PSD.

    Trusted (theorem ``spectral``): a real symmetric matrix has real eigenvalues and is
    diagonalisable.  Then det(tI - M) = prod (t - l_i) has coefficients alternating in sign
    (weakly) iff no l_i is negative (Descartes' rule, all roots real), and the multiplicity of
    the root 0, the index of the lowest nonzero coefficient, is dim N(M).  The characteristic
    polynomial of the integer matrix c M (c the common denominator) is computed by FLINT.
    """
    symmetric(M, where)
    n = M.nrows()
    if n == 0:
        return 0
    Z = M.numer_denom()[0]
    bits = max(max((abs(int(x)).bit_length() for x in Z.entries()), default=1), 1)
    within(n ** 4 * bits, "psd_work", f"{where}: n^4 * (bits of the largest entry) of the PSD test")
    c = Z.charpoly().coeffs()  # c[i] is the coefficient of t^i, c[n] = 1
    require(all(c[i] * (-1) ** (n - i) >= 0 for i in range(n + 1)),
            f"{where}: the matrix is not positive semidefinite (characteristic polynomial "
            "does not alternate in sign, so an eigenvalue is negative)")
    nullity = next(i for i in range(n + 1) if c[i] != 0)
    if not quiet:
        fact(f"{where}: positive semidefinite, null space of dimension {nullity} (signs of the characteristic polynomial)")
    return nullity


def is_psd(M: fmpq_mat, where: str = "matrix") -> bool:
    """M (symmetric) is positive semidefinite (see :func:`psd_nullity`)."""
    try:
        psd_nullity(M, where)
    except Rejected:
        return False
    return True
