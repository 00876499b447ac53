"""The pieces of a rendered proof: :class:`Block` (a heading, a step, a matrix, ...) and exact
numbers, polynomials and matrices written as LaTeX (turned into MathML or plain text by
:mod:`exactopen.report.emit`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from exactopen.exact import matrix as mx


@dataclass
class Block:
    kind: str  # "title", "meta", "statement", "h2", "p", "step", "matrix", "math", "verdict", "theorem", "image", "banner"
    text: str = ""
    name: str = ""
    value: object = None


LONG = 20  # exact numbers longer than this (characters) are shown shortened, the exact value beside


# ---------------------------------------------------------------------------------------
# numbers, polynomials and matrices as LaTeX
# ---------------------------------------------------------------------------------------

_RAT = re.compile(r"^-?\d+(/\d+)?$")


def q(x) -> str:
    """An exact rational as inline LaTeX (a fraction, or ``\\eolong`` when it is long)."""
    s = x if isinstance(x, str) else mx.rational_str(x)
    if len(s) > LONG and _RAT.match(s):
        return f"\\eolong{{{s}}}"
    if "/" in s and _RAT.match(s):
        p, d = s.split("/")
        sign = "-" if p.startswith("-") else ""
        return f"{sign}\\tfrac{{{p.lstrip('-')}}}{{{d}}}"
    return s


def poly(s: str) -> str:
    """A polynomial in parameters as written by SymPy or the checker (``2*a**2 - b/3``) in LaTeX."""
    s = str(s).replace("**", "^")
    s = re.sub(r"\^(\d+)", r"^{\1}", s)
    s = re.sub(r"(\d)\*(?=[A-Za-z(])", r"\1 ", s)
    s = s.replace("*", " ")
    s = s.replace("!=", "\\ne ").replace(">=", "\\ge ").replace("<=", "\\le ")
    return re.sub(r"(?<![\w/])(\d+)/(\d+)(?![\w/])", r"\\tfrac{\1}{\2}", s)


def _m(obj) -> object:
    """A rational matrix, or (entries that are polynomials in parameters) its rows of text."""
    try:
        return mx.from_json(obj)
    except (ValueError, TypeError):
        return [list(map(str, r)) for r in obj["rows"]]


def cells(A) -> list[list[str]]:
    if isinstance(A, list):
        return [[poly(x) for x in r] for r in A]
    return [[q(x) for x in r] for r in A.tolist()]


def shape(A) -> tuple[int, int]:
    if isinstance(A, list):
        return len(A), len(A[0]) if A else 0
    return A.nrows(), A.ncols()


def mat(A) -> str:
    """A matrix as a bracketed LaTeX matrix (amsmath ``bmatrix``)."""
    rows = cells(A)
    if not rows or not rows[0]:
        r, c = shape(A)
        return f"0_{{{r}\\times {c}}}"
    return "\\begin{bmatrix} " + " \\\\ ".join(" & ".join(r) for r in rows) + " \\end{bmatrix}"
