"""Polynomials in named parameters for the parametric kinds: the input grammar (integers,
names, + - * / by a constant, ^ with an integer, parentheses), parsed into python-flint's
``fmpq_mpoly``; matrices of such polynomials, their products and small determinants; and
:class:`Work`, the budget every polynomial product is charged to.
"""

from __future__ import annotations

import re

from flint import fmpq, fmpz

from exactopen.kernel.primitives import (
    BUDGET,
    METER,
    PY,
    Rejected,
    entry_cost,
    field,
    require,
)
from exactopen.kernel.work import entry_bytes, qbits


def _terms(a) -> int:
    return max(len(a), 1) if hasattr(a, "total_degree") else 1


def _bits(a) -> int:
    """Bits of the largest coefficient (numerator plus denominator) of a polynomial or scalar
    (a pass over its coefficients, cheaper than any product with it)."""
    if hasattr(a, "total_degree"):
        METER.charge(len(a) * PY, "reading a polynomial's coefficients")
        return max((sum(qbits(c)) for c in a.coeffs()), default=0)
    return sum(qbits(a))


class Work:
    """Polynomial arithmetic charged to the check's meter (:mod:`work`): a product of
    polynomials with la and lb terms and coefficients of ba and bb bits costs about la lb
    coefficient products of ba + bb bits (a gcd each); a sum costs its terms; total degrees
    stay below ``poly_degree``."""

    @staticmethod
    def mul(a, b):
        la, lb = _terms(a), _terms(b)
        ba, bb = _bits(a), _bits(b)
        what = f"a product of polynomials of {la} and {lb} terms (coefficients of {ba} and {bb} bits)"
        METER.charge(la * lb * (30 + entry_cost(ba + bb)), what)
        METER.need(la * lb * (120 + entry_bytes(ba + bb, ba + bb)), what)
        da = a.total_degree() if hasattr(a, "total_degree") else 0
        db = b.total_degree() if hasattr(b, "total_degree") else 0
        if da + db > BUDGET["poly_degree"]:
            raise Rejected(f"a polynomial of degree {da + db}, beyond the budget poly_degree = {BUDGET['poly_degree']}")
        return a * b

    @staticmethod
    def add(a, b, sign: int = 1):
        """a + b (sign 1) or a - b (sign -1)."""
        la, lb = _terms(a), _terms(b)
        METER.charge((la + lb) * (30 + entry_cost(max(_bits(a), _bits(b)) + 1)), "a sum of polynomials")
        return a + b if sign > 0 else a - b

    @staticmethod
    def sum(items, zero):
        out = zero
        for x in items:
            out = Work.add(out, x)
        return out

    @staticmethod
    def pow(a, e: int):
        out = None
        for _ in range(e):  # e <= poly_degree / deg a, or a is constant (then the loop is cheap)
            out = a if out is None else Work.mul(out, a)
        return out if out is not None else a.context().constant(1)


NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOK = re.compile(r"\s*(?:([0-9]+)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[-+*/^()]))")
MAX_DEPTH, MAX_NEST, MAX_EXP, MAX_MINOR = 200, 50, 1000, 8


class Parser:
    """Recursive descent over the input grammar (integers only: certificates are canonical)."""

    def __init__(self, ctx, allowed):
        self.ctx, self.gens = ctx, {nm: g for nm, g in zip(ctx.names(), ctx.gens()) if nm in allowed}

    def __call__(self, text, where):
        require(isinstance(text, str) and len(text) <= 10 ** 7, f"{where}: not a polynomial string")
        METER.charge(300 * len(text), f"{where}: reading a polynomial of {len(text)} characters")
        self.toks, pos = [], 0
        end = len(text.rstrip())
        while pos < end:
            m = _TOK.match(text, pos)
            require(m is not None, f"{where}: bad character at {pos} in {text[:40]!r}")
            self.toks.append(fmpz(m.group(1)) if m.group(1) else m.group(2) or m.group(3))
            pos = m.end()
        self.toks.append(None)
        self.i, self.where = 0, where
        p = self.expr(0)
        require(self.toks[self.i] is None, f"{where}: trailing text in {text[:40]!r}")
        return p

    def take(self, *ops):
        t = self.toks[self.i]
        if isinstance(t, str) and t in ops:
            self.i += 1
            return "^" if t == "**" else t
        return None

    def expr(self, depth):
        require(depth < MAX_NEST, f"{self.where}: nested too deeply")
        p = self.term(depth)
        while (op := self.take("+", "-")):
            p = Work.add(p, self.term(depth), 1 if op == "+" else -1)
        return p

    def term(self, depth):
        p = self.unary(depth)
        while (op := self.take("*", "/")):
            q = self.unary(depth)
            if op == "*":
                p = Work.mul(p, q)
            else:
                require(q.is_constant() and not q.is_zero(), f"{self.where}: division by a non-constant or zero")
                p = Work.mul(p, 1 / fmpq(q.leading_coefficient()))
        return p

    def unary(self, depth):
        if (op := self.take("+", "-")):
            require(depth < MAX_NEST, f"{self.where}: nested too deeply")
            p = self.unary(depth + 1)
            return -p if op == "-" else p
        base = self.atom(depth)
        if self.take("^", "**"):
            e = self.toks[self.i]
            require(isinstance(e, fmpz) and e <= MAX_EXP, f"{self.where}: bad exponent")
            self.i += 1
            if base.is_constant():
                c = fmpq(base.leading_coefficient()) if not base.is_zero() else fmpq(0)
                bits = max(abs(int(c.p)), int(c.q)).bit_length()
                require(bits * int(e) <= 3 * BUDGET["rational_digits"],
                        f"{self.where}: a constant power beyond the budget rational_digits")
                return base ** int(e)
            return Work.pow(base, int(e))
        return base

    def atom(self, depth):
        t = self.toks[self.i]
        self.i += 1
        if isinstance(t, fmpz):
            return self.ctx.constant(t)
        if isinstance(t, str) and t in self.gens:
            return self.gens[t]
        require(t == "(", f"{self.where}: unexpected token {t!r}")
        p = self.expr(depth + 1)
        require(self.take(")") is not None, f"{self.where}: missing ')'")
        return p


def poly_matrix(obj, P, where):
    shape = field(obj, "shape", list, where)
    require(len(shape) == 2 and all(type(d) is int and 0 <= d <= 1000 for d in shape), f"{where}.shape bad")
    rows = field(obj, "rows", list, where)
    require(len(rows) == shape[0] and all(isinstance(r, list) and len(r) == shape[1] for r in rows),
            f"{where}: rows do not match the shape")
    return [[P(x, f"{where}[{i}][{j}]") for j, x in enumerate(r)] for i, r in enumerate(rows)], shape[1]


def mat_mul(A, B, inner, ncols, zero):
    return [[Work.sum((Work.mul(A[i][l], B[l][j]) for l in range(inner)), zero) for j in range(ncols)]
            for i in range(len(A))]


def det(M, one):
    """Laplace expansion along the first row (minors of at most MAX_MINOR rows)."""
    if not M:
        return one
    return Work.sum((Work.mul(M[0][j] if j % 2 == 0 else -M[0][j], det([r[:j] + r[j + 1:] for r in M[1:]], one))
                     for j in range(len(M))), one - one)
