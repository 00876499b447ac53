"""Primitives of the checker: strict reading of certificate JSON, budgets, exact rationals
and matrices, rank facts and positive semidefiniteness.

Every primitive either returns what it proved or raises :class:`Rejected` with a reason.

Reading is strict: duplicate keys, NaN/Infinity, floats and over-long integers are refused,
and every JSON object is an :class:`Obj` that records which keys the checker read.  After a
kind's check, :func:`unread_fields` names any key the checker never read: such a field was not
checked, so the certificate is refused (accepted means every field was checked or derived).

Budgets (:data:`BUDGET`) bound the checker's work: structural limits (sizes, degrees,
exponents, nesting), and one work and memory budget for the whole check (:mod:`work`: every
exact matrix is a :class:`~exactopen.kernel.work.QM` or :class:`~exactopen.kernel.work.ZM`
whose arithmetic charges the meter before it runs).  A file beyond a budget is refused in one
line naming the limit.
"""

from __future__ import annotations

import gc
import json
import math
import re

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat, nmod_mat

from exactopen.kernel.work import (  # noqa: F401  (re-exported for the kind modules)
    METER,
    PY,
    QM,
    ZM,
    OverBudget,
    common_denominator,
    entry_cost,
    limbs,
    scalar_pow,
    zop,
)

BUDGET = {
    "file_bytes": 64 * 2 ** 20,   # size of one certificate file
    "json_depth": 64,             # nesting of arrays and objects
    "int_digits": 12,             # a JSON integer (dimensions, indices, powers)
    "rational_digits": 20_000,    # digits of a numerator or denominator
    "dim": 100_000,               # one side of a matrix
    "entries": 4_194_304,         # entries of one matrix (2048 x 2048)
    "nesting": 4,                 # certificates nested in certificates
    "degree": 4096,               # degree of a univariate polynomial (and the exponent k)
    "sturm_degree": 256,          # degree of a polynomial given to a Sturm sequence
    "hessian": 400,               # side of a dense Hessian (or of one block of a split one) the checker builds
    "layers": 64,                 # layers of a network
    "curve_power": 64,            # largest power of t in a descent curve (and number of its terms)
    "poly_degree": 1024,          # total degree of a multivariate polynomial
    "small_file": 2 ** 20,        # files up to this size get the small work and memory budgets
    "work_small": 14_000_000_000,   # work units (at most about 0.6 ns each) of the whole check of a small file
    "memory_small": 640 * 2 ** 20,  # bytes the check of a small file may hold (the process stays below 1 GB)
    "work_large": 90_000_000_000,   # the same for a larger file (up to file_bytes): about 55 s at most
    "memory_large": 1400 * 2 ** 20,  # (the process stays below 2 GB)
    "input_bytes": 256 * 2 ** 20,  # input files referenced by digest (kernel/files.py), all together
}
MAX_DIM = BUDGET["dim"]
FILE_MATRIX = None  # the reader of input files referred to by digest (kernel/files.py registers it)
BINARY_FORMS: dict = {}  # the readers of the "dyadic" and "integer" forms (kernel/encodings.py registers them)
START_HOOKS: list = []  # called when a check starts (kernel/files.py: what a hand-over kept)
_PRIMES = (2305843009213693951, 4611686018427387847)  # 2^61 - 1 and 2^62 - 57
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
        self.read = None  # the set of keys read, made at the first read (saves memory on big trees)

    def _mark(self, key):
        if self.read is None:
            self.read = set()
        self.read.add(key)

    def __getitem__(self, key):
        self._mark(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        if key in self:
            self._mark(key)
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


def _depth(tree) -> int:
    """Largest nesting of arrays and objects in a parsed tree (iterative)."""
    best, stack = 0, [(tree, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            best = max(best, d)
            stack.extend((x, d + 1) for x in dict.values(v))
        elif isinstance(v, list):
            best = max(best, d)
            stack.extend((x, d + 1) for x in v)
    return best


def _limits(total: int) -> tuple[int, int]:
    """(work, memory) budgets of a check of ``total`` bytes (the file and the input files it
    read).  Beyond ``file_bytes`` (only with input files) the large budgets grow with g = total /
    file_bytes: work as g^3, memory as g^1.5 (products of matrices with that many entries, whose
    bits grow along a chain; calibrated on validate at width 1,024: 122 MB in all, 4.5e11
    units, 2.9 GB)."""
    small = total <= BUDGET["small_file"]
    grow = max(1.0, total / BUDGET["file_bytes"])
    return (int(BUDGET["work_small" if small else "work_large"] * grow ** 3),
            int(BUDGET["memory_small" if small else "memory_large"] * grow ** 1.5))


def start_check(size: int) -> None:
    """Start the meter for the check of a file of ``size`` bytes (its budgets depend on the
    size; input files join when they are first read, :func:`grow_budget`).  Matrices kept from
    the generator's hand-over (kernel/files.py) are held from the start."""
    METER.start(size, *_limits(size))
    for hook in START_HOOKS:
        hook()


def grow_budget(nbytes: int, what: str) -> None:
    """An input file of ``nbytes`` was read: the budgets become those of the larger total, and
    its bytes are held (hashing it was charged when it was given)."""
    METER.size += nbytes
    work, memory = _limits(METER.size)
    if METER.work_limit < 10 ** 18:  # armed (a check, not a generator's call)
        METER.work_limit, METER.memory_limit = max(METER.work_limit, work), max(METER.memory_limit, memory)
    METER.charge(3 * nbytes, f"hashing {what}")
    METER.hold(nbytes, what)


def parse(text: str, check: bool = False) -> Obj:
    """The certificate tree of a JSON text, read strictly (see the module docstring).  The size
    of the tree is estimated from the text (C-level counts of brackets, quotes and commas) and
    charged to a meter started for a file of this size before the text is parsed; with
    ``check`` the meter stays armed for the check that follows (the caller stops it)."""
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    within(size, "file_bytes", "the file size in bytes")
    start_check(size)
    try:
        return _parse(text, size)
    finally:
        if not check:
            METER.stop()


def _parse(text: str, size: int) -> Obj:
    objects, arrays, quotes, commas = text.count("{"), text.count("["), text.count('"'), text.count(",")
    try:
        # parsing, plus a few Python passes over every element (field reads, index lists)
        METER.charge(3400 * objects + 1000 * arrays + 300 * quotes + 1100 * commas + 4 * size, "reading the JSON text")
        METER.hold(3 * size + 260 * objects + 90 * arrays + 36 * quotes + 40 * commas, "the parsed JSON tree")
    except OverBudget as exc:
        raise Rejected(str(exc)) from None
    enabled = gc.isenabled()
    gc.disable()  # millions of containers would trigger the cyclic collector over and over
    try:
        tree = json.loads(text, object_pairs_hook=_pairs, parse_float=_no_float, parse_int=_int,
                          parse_constant=_no_constant)
    except RecursionError:
        raise Malformed(f"JSON nested beyond the budget json_depth = {BUDGET['json_depth']}") from None
    except ValueError as exc:
        raise Malformed(f"not valid JSON ({str(exc).splitlines()[0][:200]})") from None
    finally:
        if enabled:
            gc.enable()
    d = _depth(tree)
    if d > BUDGET["json_depth"]:
        raise Malformed(f"JSON nested {d} deep, beyond the budget json_depth = {BUDGET['json_depth']}")
    return tree


def mark_read(value) -> None:
    """Mark a whole subtree as read (it was compared as a whole to what the checker derived)."""
    if isinstance(value, Obj):
        value.read = set(dict.keys(value))
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
                if v.read is not None and key in v.read:
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
    e = len(str(fmpz(p))) - len(str(fmpz(d)))  # FLINT's conversion: no digit limit
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


def matrix(obj, where: str) -> QM:
    """A matrix from {"shape": [m, n], "rows": [[...]]}, {"shape": [m, n], "dyadic": {...}} or
    {"shape": [m, n], "integer": {...}} (kernel/encodings.py), or {"shape": [m, n], "file":
    {...}} (kernel/files.py), with every shape fact checked; a :class:`QM` whose bounds are read off
    the text (its decoding and its size are charged to the meter first)."""
    shape = field(obj, "shape", list, where)
    require(len(shape) == 2 and all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= MAX_DIM
                                    for d in shape), f"{where}.shape is not [m, n]")
    m, n = shape
    within(m * n, "entries", f"{where}: the number of entries")
    if "file" in obj:
        require(FILE_MATRIX is not None and not any(key in obj for key in ("rows", "dyadic", "integer")),
                f"{where} has 'file' and another form")
        return FILE_MATRIX(field(obj, "file", dict, where), m, n, where + ".file")
    forms = [key for key in ("rows", "dyadic", "integer") if key in obj]
    require(len(forms) <= 1, f"{where} has both {forms[0]!r} and {forms[-1]!r}")
    if forms and forms[0] != "rows":  # the binary forms (kernel/encodings.py)
        require(forms[0] in BINARY_FORMS, f"{where}: the {forms[0]!r} form is not available")
        return BINARY_FORMS[forms[0]](field(obj, forms[0], dict, where), m, n, f"{where}.{forms[0]}")
    rows = field(obj, "rows", list, where)
    require(len(rows) == m, f"{where} has {len(rows)} rows, shape says {m}")
    METER.need(m * n * 200, f"{where}: reading {m}x{n} entries")
    entries, dens, top = [], set(), 0
    for i, r in enumerate(rows):
        require(isinstance(r, list) and len(r) == n, f"{where} row {i} does not have {n} entries")
        digits = sum(len(x) if isinstance(x, str) else 0 for x in r)
        METER.charge(n * 11000 + 80 * digits + digits * digits // 300 // max(n, 1), f"{where}: reading row {i}")
        for x in r:
            q = rational(x, f"{where}[{i}]")
            entries.append(q)
            if q.q != 1:
                dens.add(q.q)
            top = max(top, q.p.bit_length() - q.q.bit_length())
    D = common_denominator(dens, m * n, where)
    db = D.bit_length() if D > 1 else 0
    return QM.of(fmpq_mat(m, n, entries), max(0, top + db + 1), db, D & (D - 1) == 0, where)


def vector_index(obj, bound: int, where: str) -> list[int]:
    """A list of distinct indices in range(bound)."""
    require(isinstance(obj, list), f"{where} is not a list of indices")
    require(all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < bound for i in obj),
            f"{where} has an index out of range 0..{bound - 1}")
    require(len(set(obj)) == len(obj), f"{where} repeats an index")
    return obj


def sub(A: QM, rows, cols) -> QM:
    """The submatrix A[rows, cols] (its entries keep A's bounds: a sub-collection of entries has a
    common denominator dividing A's)."""
    A = QM.wrap(A)
    METER.charge(len(rows) * len(cols) * 2 * PY, "a submatrix")
    n = A.ncols()
    if A._M is None:  # from the integer form N / d: the submatrix of N, over d
        N, d = A.Z
        M = N.M
        e = M.entries() if len(rows) * len(cols) * 4 >= A.nrows() * n else None
        vals = [e[i * n + j] for i in rows for j in cols] if e is not None else [M[i, j] for i in rows for j in cols]
        return QM.integer(ZM.of(fmpz_mat(len(rows), len(cols), vals), N.nb, "a submatrix"), d, "a submatrix")
    nb, db, two = A.bounds()
    M = A.M
    e = M.entries() if len(rows) * len(cols) * 4 >= A.nrows() * n else None
    vals = [e[i * n + j] for i in rows for j in cols] if e is not None else [M[i, j] for i in rows for j in cols]
    return QM.of(fmpq_mat(len(rows), len(cols), vals), nb, db, two, "a submatrix")


def is_zero(A) -> bool:
    return QM.wrap(A).is_zero() if not isinstance(A, ZM) else A.is_zero()


def nonsingular(S) -> bool:
    """det S != 0.  S times the common denominator of its entries is an integer matrix with
    the same (non)vanishing determinant; a nonzero determinant modulo a prime settles it (two
    primes are tried), otherwise the exact integer determinant does (charged: it can be long)."""
    n = S.nrows()
    if n == 0:
        return True
    Z = QM.wrap(S).numer_denom()[0]
    for p in _PRIMES:
        METER.charge(n * n * (20 + 30 * limbs(Z.nb)) + 0.6 * n ** 3, f"the determinant of a {n}x{n} minor modulo a prime")
        if nmod_mat(Z.M, p).det() != 0:
            return True
    return Z.det() != 0


def annihilates(A, B) -> bool:
    """A B = 0, tested on integer multiples of A and B (nonzero scalars do not matter)."""
    if A.nrows() == 0 or B.ncols() == 0:
        return True
    return (QM.wrap(A).numer_denom()[0] * QM.wrap(B).numer_denom()[0]).is_zero()


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

def eye(n: int) -> QM:
    METER.charge(n * n * PY, f"the {n}x{n} identity")
    return QM.of(fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)]), 1, 0, True, "an identity")


def _sum_squares(N) -> fmpz:
    """The sum of the squares of the entries of an integer matrix (a ZM), charged by their size."""
    METER.charge(N.nrows() * N.ncols() * (PY + 2 * limbs(N.nb) ** 2), "a sum of squares of entries")
    return sum((x * x for x in N.entries()), fmpz(0))


def fro2(A) -> fmpq:
    """Squared Frobenius norm: |N|^2 / d^2 for A = N / d (N integer, d the common denominator)."""
    N, d = QM.wrap(A).numer_denom()
    return fmpq(_sum_squares(N), d * d)


def dist2(A, B) -> fmpq:
    """|A - B|_F^2 (same shapes), on integer numerators over a common denominator D:
    A - B = (a' N_A - b' N_B) / D with D = lcm(a, b), a' = D / a, b' = D / b."""
    (NA, a), (NB, b) = QM.wrap(A).numer_denom(), QM.wrap(B).numer_denom()
    D = math.lcm(int(a), int(b))
    N = NA * (D // int(a)) - NB * (D // int(b))
    return fmpq(_sum_squares(N), D * D)


def inner(A, B) -> fmpq:
    """Frobenius inner product (same shapes), on the integer forms: <N_A / a, N_B / b> =
    (sum of N_A,ij N_B,ij) / (a b) (no entry is put in lowest terms)."""
    (NA, a), (NB, b) = QM.wrap(A).numer_denom(), QM.wrap(B).numer_denom()
    ea, eb = NA.entries(), NB.entries()
    METER.charge(len(ea) * (PY + zop(NA.nb + NB.nb) + 2 * limbs(NA.nb) * limbs(NB.nb)), "an inner product of matrices")
    return fmpq(sum((x * y for x, y in zip(ea, eb)), fmpz(0)), a * b)


def chain(mats: list, n: int) -> QM:
    """mats[-1] * ... * mats[0] (layer order); the n x n identity for an empty list."""
    if not mats:
        return eye(n)
    P = QM.wrap(mats[0])
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
    Z = QM.wrap(M).numer_denom()[0]
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
