"""Snapping exact (dyadic) numbers to nearby simple rationals, with the exact snap distance.

A float converted exactly (``exactopen.exact.numbers.from_float``) is a dyadic rational with a
large denominator; training rarely lands exactly on the simple rationals of a paper's
example.  :func:`simplest_in_interval` returns the rational with the smallest denominator
(and then the smallest numerator) in ``[x - tol, x + tol]`` -- the continued-fraction /
Stern-Brocot answer -- and :func:`snap_matrix` applies it entry by entry.  The snap distance
is reported exactly (squared Frobenius norm, a rational); nothing here is trusted by the
checker, which recomputes every distance itself.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor

from flint import fmpq, fmpq_mat

from exactopen.errors import InputError


def _fr(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, fmpq):
        return Fraction(int(x.p), int(x.q))
    return Fraction(x)


def simplest_in_interval(lo, hi) -> Fraction:
    """The simplest rational in the closed interval [lo, hi] (smallest denominator, then
    smallest absolute numerator), by continued fractions.  lo <= hi, both rational."""
    lo, hi = _fr(lo), _fr(hi)
    if lo > hi:
        raise ValueError("empty interval")
    if lo <= 0 <= hi:
        return Fraction(0)
    if hi < 0:
        return -simplest_in_interval(-hi, -lo)
    a = floor(lo)
    if a == lo:
        return Fraction(a)
    if floor(hi) > a:  # an integer lies in (lo, hi]
        return Fraction(a + 1)
    # same integer part a: lo - a, hi - a in (0, 1); recurse on the reciprocals
    return a + 1 / simplest_in_interval(1 / (hi - a), 1 / (lo - a))


def snap_value(x, tol=None, max_den: int | None = None) -> Fraction:
    """x snapped: the simplest rational within ``tol``, or the best approximation with
    denominator <= ``max_den`` (``Fraction.limit_denominator``); both may be given (the
    tolerance result is used when its denominator is within the bound, else x itself)."""
    x = _fr(x)
    if tol is None:
        return x.limit_denominator(max_den) if max_den else x
    t = _fr(tol)
    s = simplest_in_interval(x - t, x + t)
    if max_den is not None and s.denominator > max_den:
        cand = x.limit_denominator(max_den)
        return cand if abs(cand - x) <= t else x
    return s


def snap_matrix(A: fmpq_mat, tol=None, max_den: int | None = None) -> fmpq_mat:
    """Entry-wise snap of an exact matrix (see :func:`snap_value`)."""
    out = []
    for x in A.entries():
        s = snap_value(x, tol, max_den)
        out.append(fmpq(s.numerator, s.denominator))
    return fmpq_mat(A.nrows(), A.ncols(), out)


def distance_sq(A: list, B: list) -> fmpq:
    """Exact squared Frobenius distance between two lists of equally shaped matrices."""
    from exactopen.exact.matrix import distance_sq as pair

    return sum((pair(a, b) for a, b in zip(A, B)), fmpq(0))


def parse_tolerance(text: str, what: str = "--snap") -> Fraction:
    """A positive tolerance from text (decimal or p/q, read exactly)."""
    from exactopen.exact.numbers import parse_rational

    q = parse_rational(text, what)
    if q <= 0:
        raise InputError(f"{what}: the tolerance must be positive, got {text!r}")
    return Fraction(int(q.p), int(q.q))
