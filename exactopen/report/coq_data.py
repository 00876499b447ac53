"""The data of a certificate as Coq literals (shared by the exporters ``report.coq`` and
``report.coq_obstruction``): rationals as Q literals, inline matrices as rows, and the one error
for what the export does not cover."""

from __future__ import annotations

from fractions import Fraction

from exactopen.errors import InputError


class NotExportable(InputError):
    """A certificate the Coq export does not cover (kind, verdict, size or digest inputs)."""


def _q(text) -> str:
    """A rational of the JSON ("p/q", an integer or a finite decimal) as a Coq Q literal."""
    if not isinstance(text, str):
        raise NotExportable(f"a matrix entry is not a string: {str(text)[:40]!r}")
    try:
        x = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise NotExportable(f"not a rational: {text[:40]!r}") from None
    if x.denominator == 1:
        return f"({x.numerator})" if x < 0 else str(x.numerator)
    return f"({x.numerator} # {x.denominator})"


def _rows(obj, where: str) -> list[list[str]]:
    """An inline matrix {"shape", "rows"} of the certificate as rows of Q literals (a binary
    inline form, "dyadic" or "integer", is read as its rows)."""
    obj = inline_rows(obj)
    if not isinstance(obj, dict) or not isinstance(obj.get("rows"), list):
        raise NotExportable(f"{where}: only inline matrices are exported (not inputs by digest)")
    rows = obj["rows"]
    if not all(isinstance(r, list) for r in rows):
        raise NotExportable(f"{where}: rows must be lists")
    return [[_q(x) for x in r] for r in rows]


def inline_rows(obj):
    """A matrix of the certificate in a binary inline form (``dyadic``, ``integer``) as
    {"shape", "rows"}; anything else as it is."""
    if isinstance(obj, dict) and ("dyadic" in obj or "integer" in obj) and "rows" not in obj:
        from exactopen.certificate import matrix_json
        from exactopen.exact import matrix as mx

        return matrix_json(mx.from_json(obj))
    return obj


def _sum_of_squares(K) -> list:
    """K = sum_i d_i l_i l_i^T with d_i > 0 (symmetric pivoting, exact); None if K is not PSD."""
    K = K.__class__(K)  # a copy
    n, terms = K.nrows(), []
    while True:
        i = next((i for i in range(n) if K[i, i] != 0), None)
        if i is None:
            return terms if all(x == 0 for x in K.entries()) else None
        d = K[i, i]
        if d < 0:
            return None
        col = K.__class__([[K[j, i]] for j in range(n)])
        K = K - col * col.transpose() / d
        terms.append((d, [col[j, 0] / d for j in range(n)]))


def _qlit(x) -> str:
    """A python-flint fmpq as a Coq Q literal."""
    p, q = int(x.p), int(x.q)
    if q == 1:
        return f"({p})" if p < 0 else str(p)
    return f"({p} # {q})"
