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


