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
    where: str = ""  # a matrix's place in the certificate's JSON (``inputs.layers[0]``), when known


LONG = 20  # exact numbers longer than this (characters) are shown shortened, the exact value beside
ELIDE = 8  # a matrix with more rows or columns than this is shown elided (corner, shape, SHA-256)
WIDE = 72  # ... and so is a matrix whose LaTeX would be wider than about this many characters
CORNER = 3  # rows and columns of an elided matrix's corner


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


def poly_t(coeffs, var: str = "t") -> str:
    """sum_j c_j t^j, exactly, lowest power first."""
    terms = []
    for j, c in enumerate(coeffs):
        if c == 0:
            continue
        s = mx.rational_str(c)
        neg = s.startswith("-")
        body = q(s.lstrip("-"))
        mono = "" if j == 0 else var if j == 1 else f"{var}^{{{j}}}"
        if mono and body == "1":
            body = ""
        terms.append(("-" if neg else "+", (body + (" " if body and mono else "") + mono) or "1"))
    if not terms:
        return "0"
    out = ("-" if terms[0][0] == "-" else "") + terms[0][1]
    for sign, t in terms[1:]:
        out += f" {sign} {t}"
    return out


# ---------------------------------------------------------------------------------------
# large matrices: elided, with the SHA-256 of their exact values
# ---------------------------------------------------------------------------------------

def canonical_text(A) -> str:
    """The canonical serialisation of a rational matrix whose SHA-256 an elided matrix shows:
    ``"m n"``, then one line per row with its entries separated by single spaces, each an
    integer or ``p/q`` in lowest terms (q > 1, the sign on p), every line ending in a newline.
    It depends only on the exact values, not on how the certificate's JSON encodes them
    (rows of strings, dyadic numerators, or numerators over a common denominator)."""
    m, n = A.nrows(), A.ncols()
    return f"{m} {n}\n" + "".join(" ".join(mx.rational_str(x) for x in r) + "\n" for r in A.tolist())


def digest(A) -> str:
    import hashlib

    return hashlib.sha256(canonical_text(A).encode("ascii")).hexdigest()


def _width(cell: str) -> float:
    """About how many characters wide an entry of :func:`cells` typesets."""
    if cell.startswith("\\eolong"):
        return 12
    t = re.fullmatch(r"(-?)\\tfrac\{(\d+)\}\{(\d+)\}", cell)
    if t:
        return len(t.group(1)) + 0.75 * max(len(t.group(2)), len(t.group(3)))
    return len(re.sub(r"\\[a-z]+|[{}^_ ]", "", cell)) or 1


def too_large(A) -> bool:
    """Shown elided: more than ELIDE rows or columns, or wider than WIDE characters."""
    if isinstance(A, list):
        return False
    m, n = shape(A)
    if m > ELIDE or n > ELIDE:
        return True
    if not m or not n:
        return False
    rows = cells(A)
    return sum(max(_width(r[j]) for r in rows) + 2 for j in range(n)) > WIDE


def corner(A) -> str:
    """An elided matrix's top-left corner (CORNER x CORNER) with dots, as a LaTeX bmatrix; long
    entries cut to their first digits (:func:`exactopen.report.mathml.short_number`)."""
    from exactopen.report.mathml import short_number

    m, n = shape(A)
    r, c = min(m, CORNER), min(n, CORNER)
    vals = A.tolist()

    def cell(x):
        t = mx.rational_str(x)
        return short_number(t)[0] if len(t) > 8 else q(t)
    rows = [[cell(vals[i][j]) for j in range(c)] + (["\\cdots"] if n > c else []) for i in range(r)]
    if m > r:
        rows.append(["\\vdots"] * c + (["\\ddots"] if n > c else []))
    return "\\begin{bmatrix} " + " \\\\ ".join(" & ".join(row) for row in rows) + " \\end{bmatrix}"


def elided_note(A, name: str, where: str = "") -> str:
    """The sentence under an elided matrix (prose with inline math): its shape, what the corner
    shows, where the exact values are and their SHA-256."""
    m, n = shape(A)
    place = f"the certificate's field `{where}`" if where else "the certificate"
    return (f"${name}$ is a ${m} \\times {n}$ matrix; shown is its top-left corner, long entries cut to their "
            f"first digits. Its exact entries are in {place}; the SHA-256 of their canonical text "
            f"(docs/rendering.md) is `{digest(A)}`.")


# the verdicts in words, for rendered proofs (render.py, validation.py)
VERDICT_WORDS = {
    "locally_open": "locally open", "not_locally_open": "not locally open",
    "global_minimum": "a global minimum", "higher_order_saddle": "a higher-order saddle",
    "strict_saddle": "a strict saddle", "saddle": "a saddle", "not_critical": "not a critical point",
    "local_minimum_not_global": "a local minimum that is not global", "undecided": "undecided",
    "local_min_is_global": "every local minimum is global", "undetermined": "not decided by lem-10",
}
