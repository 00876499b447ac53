"""Binary encodings of a matrix in a certificate: integer numerators packed as fixed-width
bytes in base64, either times a power of two (``dyadic``, floats and grids) or over one common
denominator (``integer``, any rational matrix: the data of rotations and gauges share their
denominators, issue 21).  Both are read by :func:`exactopen.kernel.primitives.matrix`.

Each form is canonical (one encoding per matrix in that form; anything else is Malformed, in
one line), decoded with integer operations only, and charged to the meter before it is decoded:
the size of the decoded matrix (entries times the bits of the numerators and of the scale) is
known from the width, the exponent and the denominator's digits."""

from __future__ import annotations

import base64
import binascii
import math
import re
import sys
from array import array

from flint import fmpq, fmpz

import exactopen.kernel.primitives as primitives
from exactopen.kernel.primitives import (
    BUDGET,
    METER,
    PY,
    QM,
    ZM,
    Malformed,
    entry_cost,
    field,
    limbs,
    optional,
    require,
)

_DEN = re.compile(r"[1-9][0-9]*")


def _numerators(text: str, count: int, k: int, where: str) -> list[int]:
    """The ``count`` integers of ``k`` bytes each (little-endian two's complement) of the
    canonical padded base64 ``text``, with k the fewest bytes that hold every one of them (1 for
    an all-zero list).  The caller has checked k's range and charged the decoding."""
    size = count * k
    if len(text) != 4 * ((size + 2) // 3):
        raise Malformed(f"{where}.numerators has {len(text)} characters, the base64 of {count} numerators "
                        f"of {k} bytes has {4 * ((size + 2) // 3)}")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Malformed(f"{where}.numerators is not base64 (standard alphabet, padded)") from None
    if len(data) != size or base64.b64encode(data).decode("ascii") != text:
        raise Malformed(f"{where}.numerators is not the canonical base64 of {size} bytes")
    nums = _unpack(data, k, count)
    low, high = min(nums, default=0), max(nums, default=0)
    if k > 1 and -(1 << (8 * k - 9)) <= low and high < 1 << (8 * k - 9):  # they fit in k - 1 bytes
        raise Malformed(f"{where}: every numerator fits in {k - 1} bytes (width is not the smallest)")
    return nums


_SIGN = bytes(0xFF if b >= 0x80 else 0 for b in range(256))  # a sign byte -> its extension byte


def _unpack(data: bytes, k: int, count: int) -> list:
    """The ``count`` integers of ``data``, k bytes each, little-endian two's complement.  For
    k <= 8 each is widened to 8 bytes (its k bytes, then copies of its sign extension, placed
    by slice assignments) and read as int64: the same integers as int.from_bytes, entry by
    entry, gives."""
    if k <= 8 and count > 4096:
        wide = bytearray(8 * count)
        for j in range(k):
            wide[j::8] = data[j::k]
        sign = data[k - 1::k].translate(_SIGN)
        for j in range(k, 8):
            wide[j::8] = sign
        out = array("q")
        out.frombytes(bytes(wide))
        if sys.byteorder != "little":
            out.byteswap()
        return out.tolist()
    view = memoryview(data)
    return [int.from_bytes(view[i:i + k], "little", signed=True) for i in range(0, count * k, k)]


def _width(k: int, where: str) -> None:
    bits = 3 * BUDGET["rational_digits"]
    if not (1 <= k and 8 * k <= bits):
        raise Malformed(f"{where}: width must be 1..{bits // 8} bytes (budget rational_digits)")


def dyadic(obj, m: int, n: int, where: str) -> QM:
    """The m x n matrix 2^exponent * N from {"exponent": E, "width": k, "numerators": B}: B is
    the standard, padded base64 of the m n entries of the integer matrix N (row-major), each
    k bytes of little-endian two's complement.  Decoded by integer operations only.  The form
    is canonical, anything else is Malformed: B is exactly the base64 text of its bytes, k is
    the fewest bytes that hold every numerator (1 for the zero matrix), and some numerator is
    odd (for the zero matrix E = 0), so a matrix has one encoding in this form.  With
    ``"lower": true`` (a square matrix) B holds the lower triangle only, row by row (entries
    (i, j), j <= i): the entries above the diagonal are 0.  Bounded by the budget
    rational_digits (k and |E| at most 3 * rational_digits bits) and by the meter: the size of
    the decoded matrix (entries times the bits of the numerators and of 2^|E|) is charged
    before it is formed."""
    e = field(obj, "exponent", int, where)
    k = field(obj, "width", int, where)
    text = field(obj, "numerators", str, where)
    lower = optional(obj, "lower", bool, where)
    for key in obj:
        require(key in ("exponent", "width", "numerators", "lower"), f"{where}.{key}: unknown field")
    require(lower is not False, f"{where}.lower is true or absent")
    require(not lower or m == n, f"{where}: a lower triangular matrix must be square, is {m}x{n}")
    bits = 3 * BUDGET["rational_digits"]
    _width(k, where)
    if abs(e) > bits:
        raise Malformed(f"{where}: |exponent| must be <= {bits} (budget rational_digits)")
    count = n * (n + 1) // 2 if lower else m * n
    size = count * k
    nb, db = 8 * k + max(e, 0), max(-e, 0)
    METER.need(m * n * (16 + 2 * (48 + k + db // 8)) + 2 * size, f"{where}: the decoded {m}x{n} dyadic matrix")
    METER.charge(m * n * (2 * PY + entry_cost(nb + db)), f"{where}: decoding a {m}x{n} dyadic matrix")
    nums = _numerators(text, count, k, where)
    low, high = min(nums, default=0), max(nums, default=0)
    if not any(x & 1 for x in nums) and (e != 0 or low != 0 or high != 0):
        raise Malformed(f"{where}: no numerator is odd (the exponent is not canonical)"
                        if low or high else f"{where}: the zero matrix has exponent 0")
    if lower:  # row i holds its entries 0..i, then zeros
        nums = [x for i in range(n) for x in (*nums[i * (i + 1) // 2:(i + 1) * (i + 2) // 2], *([0] * (n - 1 - i)))]
    A = QM.wrap(ZM.new(m, n, nums, 8 * k, where), where)
    del nums
    return A * (fmpq(2) ** e) if e else A


def integer(obj, m: int, n: int, where: str) -> QM:
    """The m x n matrix N / D from {"denominator": "D", "width": k, "numerators": B} (issue 21):
    B is the standard, padded base64 of the m n entries of the integer matrix N (row-major),
    each k bytes of little-endian two's complement, as in :func:`dyadic`; D > 0 is a decimal
    string.  Canonical, anything else is Malformed: D has no sign and no leading zero and is the
    least common denominator (gcd(D, N_11, ..., N_mn) = 1; the zero matrix has D = 1), k is the
    fewest bytes that hold every numerator, B is exactly the base64 text of its bytes.  Bounded
    by the budget rational_digits (D's digits, and k at most 3 * rational_digits / 8 bytes)
    and by the meter: decoding (entries times the bits of the numerators) and the memory of the
    decoded matrix are charged before it is formed, the gcd test before each gcd."""
    den = field(obj, "denominator", str, where)
    k = field(obj, "width", int, where)
    text = field(obj, "numerators", str, where)
    for key in obj:
        require(key in ("denominator", "width", "numerators"), f"{where}.{key}: unknown field")
    if len(den) > BUDGET["rational_digits"]:
        raise Malformed(f"{where}.denominator has more than {BUDGET['rational_digits']} digits (budget rational_digits)")
    if _DEN.fullmatch(den) is None:
        raise Malformed(f"{where}.denominator {den[:40]!r} is not a positive integer without sign or leading zeros")
    _width(k, where)
    D = int(fmpz(den))  # int(str) stops at 4,300 digits; the budget admits more
    count, nb, db = m * n, 8 * k, D.bit_length()
    METER.need(count * (16 + 2 * (48 + k)) + 2 * count * k + 8 * limbs(db), f"{where}: the decoded {m}x{n} matrix")
    METER.charge(count * (2 * PY + entry_cost(nb)) + 80 * len(den) + len(den) ** 2 // 300,
                 f"{where}: decoding a {m}x{n} matrix over a common denominator")
    nums = _numerators(text, count, k, where)
    # gcd(D, N_11, ..., N_mn) divides g = gcd(D, sum of c_ij N_ij) for fixed weights c_ij (one
    # gcd); when g > 1, the entries' gcds one by one (charged before each)
    METER.charge(count * (PY + 40 * limbs(nb)) + 2500 * (1 + limbs(max(db, nb + 8))), f"{where}: a weighted sum of the numerators")
    g = math.gcd(D, sum(x * (i % 251 + 1) for i, x in enumerate(nums)))
    for x in nums:
        if g == 1:
            break
        if x:
            gb = g.bit_length()
            METER.charge(PY + 20 * limbs(nb) * (1 + limbs(gb)), f"{where}: the gcd of the denominator and the numerators")
            if x % g:
                METER.charge(2500 * (1 + limbs(gb)), f"{where}: the gcd of the denominator and the numerators")
                g = math.gcd(g, x)
    if g != 1:
        raise Malformed(f"{where}: the denominator is not the least one (every numerator and the "
                        f"denominator share a factor {g if g.bit_length() < 64 else 'of ' + str(g.bit_length()) + ' bits'})"
                        if any(nums) else f"{where}: the zero matrix has denominator 1")
    N = ZM.new(m, n, nums, nb, where)
    del nums
    return QM.integer(N, D, where)


primitives.BINARY_FORMS.update(dyadic=dyadic, integer=integer)  # matrix() reads these forms with them
