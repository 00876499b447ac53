"""The simplest rational in an interval (smallest denominator, then smallest |numerator|):
given by its ends, or known only through an exact oracle.  Exact, no float: Ky Fan's mu and
the invariant split's mu are chosen with them (landscape/global_min.py, invariant_split.py)."""

from __future__ import annotations

from flint import fmpq


def simplest_between(a: fmpq, b: fmpq) -> fmpq:
    """The simplest rational (smallest denominator, then smallest |numerator|) in [a, b], a <= b:
    the continued-fraction descent (Stern-Brocot), exact."""
    if a <= 0 <= b:
        return fmpq(0)
    if b < 0:
        return -simplest_between(-b, -a)
    floors = []
    while True:  # 0 < a <= b
        fl = a.p // a.q
        if a == fl or fl + 1 <= b:
            x = fmpq(fl if a == fl else fl + 1)
            break
        floors.append(fl)
        a, b = 1 / (b - fl), 1 / (a - fl)
    for fl in reversed(floors):
        x = fl + 1 / x
    return x


def simplest_by_oracle(side, max_calls: int = 2000) -> fmpq | None:
    """The simplest rational (smallest denominator, then smallest |numerator|) of a closed
    interval known only through an exact oracle: ``side(q)`` is -1 if q lies below it, 1 if
    above, 0 inside, None if the interval is empty (q lies between its ends reversed).
    Stern-Brocot descent with runs of equal moves found by exponential and binary search;
    None after ``max_calls`` oracle calls (e.g. an irrational one-point interval).
    Deterministic and exact: no float is involved."""
    calls = [0]

    def ask(q):
        calls[0] += 1
        return side(q)

    s0 = ask(fmpq(0))
    if s0 == 0 or s0 is None:
        return fmpq(0) if s0 == 0 else None
    sign = 1 if s0 == -1 else -1          # the interval lies right (left) of 0

    def orient(q):                        # the walk is on the positive side (mirrored if sign < 0)
        t = ask(q * sign)
        return t if t is None else t * sign
    lp, lq, rp, rq = 0, 1, 1, 0           # left = 0/1, right = 1/0
    while calls[0] < max_calls:
        s = orient(fmpq(lp + rp, lq + rq))
        if s is None:
            return None
        if s == 0:
            return fmpq(lp + rp, lq + rq) * sign
        # s == -1: the mediants (lp + k rp)/(lq + k rq) move right; s == 1: (rp + k lp)/(rq + k lq) move left
        if s == -1:
            step = lambda k: fmpq(lp + k * rp, lq + k * rq)  # noqa: E731
        else:
            step = lambda k: fmpq(rp + k * lp, rq + k * lq)  # noqa: E731
        # largest k >= 1 with step(k) still on the same side (step(1) is the mediant just tested)
        lo_k, hi_k = 1, 2
        while calls[0] < max_calls:
            t = orient(step(hi_k))
            if t != s:
                break
            lo_k, hi_k = hi_k, hi_k * 2
        else:
            return None
        while hi_k - lo_k > 1 and calls[0] < max_calls:
            mid = (lo_k + hi_k) // 2
            if orient(step(mid)) == s:
                lo_k = mid
            else:
                hi_k = mid
        if s == -1:
            lp, lq = lp + lo_k * rp, lq + lo_k * rq
        else:
            rp, rq = rp + lo_k * lp, rq + lo_k * lq
    return None
