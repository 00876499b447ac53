"""Exact parsing of user-supplied numbers (generator side).

Accepted: Python/JSON integers, strings ``"p/q"``, integer strings, and finite decimal
strings such as ``"0.25"``, ``"-1.5e-3"`` (read exactly as decimals, never through a
binary float).  Binary floats are accepted only through :func:`from_float`, which converts
them exactly (every finite float is a dyadic rational).  Nothing here evaluates text.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from flint import fmpq, fmpz

from exactopen import certificate
from exactopen.errors import InputError

# re.ASCII: \d is 0-9 only (not other scripts' digits)
_INT = re.compile(r"[+-]?\d+", re.ASCII)
_RATIO = re.compile(r"\s*([+-]?\d+)\s*/\s*([+-]?\d+)\s*", re.ASCII)
_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?", re.ASCII)


def _int(digits: str):
    """Integer from text matching ``[+-]?\\d+``; ``int`` refuses more than 4300 digits, fmpz reads any."""
    if len(digits) < 4000:
        return int(digits)
    return fmpz(digits[1:] if digits.startswith("+") else digits)


def parse_rational(value, where: str = "entry") -> fmpq:
    """Return the exact rational denoted by ``value`` or raise :class:`InputError`."""
    if isinstance(value, bool):
        raise InputError(f"{where}: boolean {value!r} is not a number")
    if isinstance(value, int):
        return fmpq(value)
    if isinstance(value, Fraction):
        return fmpq(value.numerator, value.denominator)
    if isinstance(value, fmpq):
        return value
    if isinstance(value, float):
        raise InputError(
            f"{where}: binary float {value!r}; write it as a string (\"0.1\") or use the numeric path"
        )
    if not isinstance(value, str):
        raise InputError(f"{where}: {type(value).__name__} is not a number")
    text = value.strip()
    if not text:
        raise InputError(f"{where}: empty string is not a number")
    if _INT.fullmatch(text):
        return fmpq(_int(text))
    m = _RATIO.fullmatch(text)
    if m:
        p, q = _int(m.group(1)), _int(m.group(2))
        if q == 0:
            raise InputError(f"{where}: zero denominator in {value!r}")
        return fmpq(p, q)
    m = _DECIMAL.fullmatch(text)
    if m and (m.group(2) or m.group(3)):
        sign, whole, frac, exp = m.group(1), m.group(2) or "", m.group(3) or "", m.group(4)
        if exp and len(exp.lstrip("+-").lstrip("0")) > 5:
            raise InputError(f"{where}: exponent too large in {value!r}")
        e = int(exp) if exp else 0
        if abs(e) > 10000:
            raise InputError(f"{where}: exponent too large in {value!r}")
        num = _int(whole + frac or "0")
        e -= len(frac)
        q = fmpq(num) * (fmpq(10) ** e if e >= 0 else fmpq(1, 10 ** (-e)))
        return -q if sign == "-" else q
    low = text.lower()
    if low in ("nan", "inf", "+inf", "-inf", "infinity", "-infinity", "+infinity"):
        raise InputError(f"{where}: {value!r} is not a finite number")
    raise InputError(f"{where}: {value!r} is not a number (use an integer, 'p/q' or a decimal)")


def from_float(x: float, where: str = "entry") -> fmpq:
    """Convert a binary float exactly (the numeric path); reject NaN and infinities."""
    x = float(x)
    if not math.isfinite(x):
        raise InputError(f"{where}: {x!r} is not a finite number")
    p, q = x.as_integer_ratio()
    return fmpq(p, q)


rational_str = certificate.rational_str  # the certificate format's text of a rational


FLOAT_SAFE_EXPONENT = 150  # |x| <= 10^150: squares and short products of entries stay finite floats


def check_float_range(A, where: str, exponent: int = FLOAT_SAFE_EXPONENT, tiny: bool = False) -> None:
    """InputError unless every entry of the exact matrix ``A`` has magnitude <= 10^exponent
    (and, with ``tiny``, every nonzero entry magnitude >= 10^-exponent).

    For commands whose numeric helpers compute in binary floats (validate, numrank, rate):
    beyond this their squares and products overflow (or the entries exceed the largest float,
    about 1.8e308), so the input is refused with the offending entry named."""
    from exactopen.exact.floats import float_origin

    arr = float_origin(A) if not tiny else None
    if arr is not None and (arr.size == 0 or float(abs(arr).max()) < 0.999 * 10.0 ** exponent):
        return  # read from these floats exactly: their largest magnitude is below the bound
    bound, low = fmpq(10) ** exponent, fmpq(1, 10 ** exponent)
    n = A.ncols()
    N, d = A.numer_denom()  # A = N / d: one integer pass finds whether any entry needs a closer look
    big = max((abs(v) for v in N.entries()), default=0)
    small = min((abs(v) for v in N.entries() if v), default=None) if tiny else None
    if big <= bound * d and (small is None or small >= low * d):
        return
    for idx, x in enumerate(A.entries()):
        a = abs(x)
        if a > bound:
            digits = len(str(a.p // a.q)) - 1
            raise InputError(f"{where}[{idx // n}][{idx % n}]: magnitude about 1e{digits} is too large for the "
                             f"floating-point part of this command (at most 1e{exponent})")
        if tiny and a != 0 and a < low:
            raise InputError(f"{where}[{idx // n}][{idx % n}]: nonzero magnitude below 1e-{exponent} is too small "
                             f"for the floating-point part of this command")
