"""Decimal readings of exact rationals, for people (never on the certified path).

:func:`enclosure` writes an interval [lo, hi] of rationals as two decimals rounded outward
(lo down, hi up), with as many significant digits as it takes for the printed interval to be
about as narrow as the exact one: an interval never prints as ``[520.1, 520.1]``.
"""

from __future__ import annotations

import math
from fractions import Fraction

SIG = 4        # significant digits by default
MAX_SIG = 24   # at most this many; beyond, the ends are said to agree to MAX_SIG digits


def _frac(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if hasattr(x, "p") and hasattr(x, "q"):  # fmpq
        return Fraction(int(x.p), int(x.q))
    return Fraction(str(x))


def exponent(x: Fraction) -> int:
    """floor(log10 |x|) for x != 0, exactly."""
    x = abs(x)
    e = len(str(x.numerator)) - len(str(x.denominator))
    if x < Fraction(10) ** e:
        e -= 1
    return e


def _text(n: int, k: int) -> str:
    """The number n * 10^-k as a plain decimal (exponent -4..6) or as m.mmme±XX."""
    sign, n = ("-" if n < 0 else ""), abs(n)
    if n == 0:
        return "0"
    digits = str(n)
    e = len(digits) - 1 - k  # the exponent of the leading digit
    if -4 <= e <= 6:
        if k <= 0:
            return sign + digits + "0" * (-k)
        digits = digits.rjust(k + 1, "0")
        return f"{sign}{digits[:-k]}.{digits[-k:]}"
    mant = digits.rstrip("0") or "0"
    mant = mant[0] + ("." + mant[1:] if len(mant) > 1 else "")
    return f"{sign}{mant}e{e:+03d}"


def rounded(x, sig: int = SIG, direction: str = "nearest") -> str:
    """x to ``sig`` significant digits, rounded to nearest (ties away from zero), "down"
    (towards -infinity) or "up" (towards +infinity)."""
    x = _frac(x)
    if x == 0:
        return "0"
    k = sig - 1 - exponent(x)
    v = x * Fraction(10) ** k
    if direction == "down":
        n = math.floor(v)
    elif direction == "up":
        n = math.ceil(v)
    else:
        n = int(abs(v) + Fraction(1, 2)) * (1 if v > 0 else -1)
    return _text(n, k)


def enclosure(lo, hi, sig: int = SIG) -> tuple[str, str, bool]:
    """(lo', hi', exact_enough): decimals with lo' <= lo <= hi <= hi' (rounded outward), with
    the fewest significant digits (at least ``sig``) for which hi' - lo' <= 2 (hi - lo)
    (so the printed ends differ exactly when lo < hi, and the printed width is about the
    true one); a point (lo == hi) gives its value rounded to nearest, twice.  ``exact_enough`` is False when MAX_SIG digits did not suffice (the ends then
    agree to about MAX_SIG digits)."""
    lo, hi = _frac(lo), _frac(hi)
    if lo > hi:
        raise ValueError("enclosure: lo > hi")
    if lo == hi:  # a point: the caller says so (one value, rounded)
        s = rounded(lo, sig)
        return s, s, True
    top = max(abs(lo), abs(hi))
    for d in range(sig, MAX_SIG + 1):
        k = d - 1 - exponent(top)
        scale = Fraction(10) ** k
        a, b = math.floor(lo * scale), math.ceil(hi * scale)
        if Fraction(b - a) / scale <= 2 * (hi - lo):
            return _text(a, k), _text(b, k), True
    return _text(a, k), _text(b, k), False

