"""Polynomial entries in named parameters: a small parser and a printer (generator side).

Grammar (whitespace is ignored between tokens)::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*        a divisor must be a nonzero rational constant
    unary  := ("-" | "+") unary | power
    power  := atom ("^" exponent)?              exponent: a non-negative integer literal
    atom   := number | name | "(" expr ")"
    number := digits ["." digits] [("e"|"E") ["+"|"-"] digits] | "." digits [...]
    name   := [A-Za-z_][A-Za-z0-9_]*

``"**"`` is accepted as a synonym of ``"^"``.  ``-a^2`` is ``-(a^2)``; ``a^2^3`` is refused
(write the parentheses).  Numbers are read exactly (``0.1`` is 1/10), never through a float.
Nothing here calls ``eval``, ``sympify`` or ``parse_expr``.

Polynomials are SymPy ``PolyElement`` objects of a ring ``QQ[names]`` (grevlex); the printer
:func:`poly_to_str` writes them back in the same grammar (canonical: terms in the ring's
order, coefficients ``p`` or ``p/q``, powers with ``^``), so ``parse(poly_to_str(p)) == p``.
"""

from __future__ import annotations

import re
from fractions import Fraction

from exactopen.errors import InputError

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_SPACE = re.compile(r"\s+")
MAX_EXPONENT = 1000
MAX_TEXT = 100_000
MAX_NESTING = 100  # parentheses and signs; deeper would exhaust Python's recursion limit


def tokenize(text: str, where: str = "entry") -> list[tuple[str, object, int]]:
    """Tokens (kind, value, position): kinds 'num' (Fraction), 'name' (str), 'op' (str), 'end'."""
    if not isinstance(text, str):
        raise InputError(f"{where}: {type(text).__name__} is not a polynomial")
    if len(text) > MAX_TEXT:
        raise InputError(f"{where}: polynomial text longer than {MAX_TEXT} characters")
    out, i = [], 0
    while i < len(text):
        m = _SPACE.match(text, i)
        if m:
            i = m.end()
            continue
        c = text[i]
        m = _NUMBER.match(text, i)
        if m and (c.isdigit() or c == "."):
            out.append(("num", _decimal(m.group(0), where), i))
            i = m.end()
            continue
        m = NAME.match(text, i)
        if m:
            out.append(("name", m.group(0), i))
            i = m.end()
            continue
        if text.startswith("**", i):
            out.append(("op", "^", i))
            i += 2
            continue
        if c in "+-*/^()":
            out.append(("op", c, i))
            i += 1
            continue
        raise InputError(f"{where}: unexpected character {c!r} at position {i} in {text!r}")
    out.append(("end", None, len(text)))
    return out


def _decimal(s: str, where: str) -> Fraction:
    mant, _, exp = s.lower().partition("e")
    whole, _, frac = mant.partition(".")
    if exp and len(exp.lstrip("+-").lstrip("0")) > 4:
        raise InputError(f"{where}: exponent too large in {s!r}")
    e = (int(exp) if exp else 0) - len(frac)
    num = int((whole + frac) or "0")
    return Fraction(num) * Fraction(10) ** e


def names_in(text: str, where: str = "entry") -> list[str]:
    """The parameter names a polynomial text mentions (in order of first appearance)."""
    seen: list[str] = []
    for kind, val, _ in tokenize(text, where):
        if kind == "name" and val not in seen:
            seen.append(val)
    return seen


class _Parser:
    def __init__(self, text: str, ring, where: str, strict: bool):
        self.text, self.ring, self.where, self.strict = text, ring, where, strict
        self.toks = tokenize(text, where)
        self.i = 0
        self.names = {str(s): g for s, g in zip(ring.symbols, ring.gens)}

    def err(self, msg: str, pos: int | None = None):
        pos = self.toks[self.i][2] if pos is None else pos
        raise InputError(f"{self.where}: {msg} at position {pos} in {self.text!r}")

    def peek(self):
        return self.toks[self.i]

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self):
        if self.peek()[0] == "end":
            self.err("empty polynomial")
        p = self.expr()
        kind, val, pos = self.peek()
        if kind != "end":
            if kind in ("name", "num") or val == "(":
                self.err("missing operator (write '*' for a product)", pos)
            self.err(f"unexpected {val!r}", pos)
        return p

    def expr(self):
        p = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            q = self.term()
            p = p + q if op == "+" else p - q
        return p

    def term(self):
        p = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in ("*", "/"):
            op, pos = self.take()[1], self.peek()[2]
            q = self.unary()
            if op == "*":
                p = p * q
            else:
                if not q.is_ground:
                    self.err("division by a non-constant polynomial (only '/ rational constant' is allowed)", pos)
                c = q.LC if q else 0
                if c == 0:
                    self.err("division by zero", pos)
                p = p.quo_ground(c)
        return p

    def _nest(self, pos):
        """One more level of parentheses or signs; refused beyond MAX_NESTING (no RecursionError)."""
        self._depth = getattr(self, "_depth", 0) + 1
        if self._depth > MAX_NESTING:
            self.err(f"nested more than {MAX_NESTING} levels deep", pos)

    def unary(self):
        if self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            op, pos = self.take()[1:]
            self._nest(pos)
            p = self.unary()
            self._depth -= 1
            return -p if op == "-" else p
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek()[0] == "op" and self.peek()[1] == "^":
            self.take()
            kind, val, pos = self.take()
            if kind != "num" or val.denominator != 1:
                self.err("exponent must be a non-negative integer literal", pos)
            e = int(val)
            if e > MAX_EXPONENT:
                self.err(f"exponent {e} larger than {MAX_EXPONENT}", pos)
            if self.peek()[0] == "op" and self.peek()[1] == "^":
                self.err("chained '^' is ambiguous; use parentheses")
            return base ** e
        return base

    def atom(self):
        kind, val, pos = self.take()
        if kind == "num":
            return self.ring(self.ring.domain.convert(val.numerator) / self.ring.domain.convert(val.denominator))
        if kind == "name":
            if val not in self.names:
                if self.strict:
                    self.err(f"unknown parameter {val!r}", pos)
                self.err(f"name {val!r} is not a parameter of this ring", pos)
            return self.names[val]
        if kind == "op" and val == "(":
            self._nest(pos)
            p = self.expr()
            self._depth -= 1
            k2, v2, p2 = self.take()
            if v2 != ")" or k2 != "op":
                self.err("missing ')'", p2)
            return p
        if kind == "end":
            self.err("unexpected end of text", pos)
        self.err(f"unexpected {val!r}", pos)


def make_ring(names, extra: tuple[str, ...] = ()):
    """The ring QQ[names, extra] with grevlex order (names sorted as given)."""
    from sympy.polys.domains import QQ
    from sympy.polys.orderings import grevlex
    from sympy.polys.rings import ring

    syms = list(names) + list(extra)
    if not syms:
        syms = ["_unused"]
    R = ring(",".join(syms), QQ, grevlex)[0]
    return R


def parse_polynomial(value, ring, where: str = "entry", strict: bool = True):
    """The polynomial denoted by ``value`` (str, int, or exact number text) in ``ring``."""
    if isinstance(value, bool):
        raise InputError(f"{where}: boolean {value!r} is not a polynomial")
    if isinstance(value, int):
        return ring(value)
    if isinstance(value, Fraction):
        return ring(ring.domain.convert(value.numerator) / ring.domain.convert(value.denominator))
    if isinstance(value, float):
        raise InputError(f"{where}: binary float {value!r}; write it as a string (\"0.1\")")
    if not isinstance(value, str):
        raise InputError(f"{where}: {type(value).__name__} is not a polynomial")
    return _Parser(value, ring, where, strict).parse()


def _rat(c) -> str:
    c = Fraction(int(c.numerator), int(c.denominator))
    return str(c.numerator) if c.denominator == 1 else f"{c.numerator}/{c.denominator}"


def poly_to_str(p) -> str:
    """Canonical text of a polynomial in the input grammar: ``2*a*b - 1/3``, ``a^2 + 1``."""
    if not p:
        return "0"
    syms = [str(s) for s in p.ring.symbols]
    parts = []
    for monom, coeff in p.terms():  # the ring's order, leading term first
        c = Fraction(int(coeff.numerator), int(coeff.denominator))
        factors = [syms[i] if e == 1 else f"{syms[i]}^{e}" for i, e in enumerate(monom) if e]
        mag = abs(c)
        if not factors:
            body = _rat(mag)
        elif mag == 1:
            body = "*".join(factors)
        else:
            body = _rat(mag) + "*" + "*".join(factors)
        if not parts:
            parts.append(("-" if c < 0 else "") + body)
        else:
            parts.append((" - " if c < 0 else " + ") + body)
    return "".join(parts)
