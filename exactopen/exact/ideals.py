"""Polynomial ideals with bookkeeping for certificates: Gröbner bases that remember how each
element is a combination of the generators (so "1 is in the ideal" comes with its cofactors,
the Rabinowitsch certificate of an empty cell), and small sums of squares (a cell whose
equation is a sum of positive squares has no real point).  SymPy's polynomial rings.
"""

from __future__ import annotations

from fractions import Fraction

# ---------------------------------------------------------------------------------------
# Gröbner bases with cofactors
# ---------------------------------------------------------------------------------------

class TrackedIdeal:
    """Gröbner basis (Buchberger, grevlex) of <gens>, each element with its cofactors.

    ``basis[k] = sum_i cof[k][i] * gens[i]``; :meth:`reduce` returns the normal form and the
    cofactors of ``f - nf`` in terms of ``gens``.
    """

    def __init__(self, R, gens, stop_at_unit: bool = False):
        from sympy.polys.monomials import monomial_div, monomial_lcm

        self.R, self.gens = R, list(gens)
        s = len(self.gens)
        basis, cof = [], []
        for i, g in enumerate(self.gens):
            if g:
                lc = g.LC
                basis.append(g.quo_ground(lc))
                cof.append([R(0)] * i + [R(1).quo_ground(lc)] + [R(0)] * (s - i - 1))
        pairs = [(i, j) for j in range(len(basis)) for i in range(j)]
        while pairs and not (stop_at_unit and any(b.is_ground for b in basis)):
            pairs.sort(key=lambda ij: sum(monomial_lcm(basis[ij[0]].LM, basis[ij[1]].LM)))
            i, j = pairs.pop(0)
            li, lj = basis[i].LM, basis[j].LM
            if all(a == 0 or b == 0 for a, b in zip(li, lj)):
                continue  # Buchberger's first criterion: coprime leading monomials
            L = monomial_lcm(li, lj)
            ui, uj = monomial_div(L, li), monomial_div(L, lj)
            sp = basis[i].mul_monom(ui) - basis[j].mul_monom(uj)
            sc = [a.mul_monom(ui) - b.mul_monom(uj) for a, b in zip(cof[i], cof[j])]
            Q, r = sp.div(basis) if sp else ([R(0)] * len(basis), R(0))
            if not r:
                continue
            rc = list(sc)
            for q, c in zip(Q, cof):
                if q:
                    rc = [x - q * y for x, y in zip(rc, c)]
            lc = r.LC
            pairs.extend((a, len(basis)) for a in range(len(basis)))
            basis.append(r.quo_ground(lc))
            cof.append([x.quo_ground(lc) for x in rc])
        self.basis, self.cof = basis, cof

    def reduce(self, f):
        """(nf, cofactors) with f - nf = sum cofactors[i] * gens[i] and nf reduced."""
        R = self.R
        if not self.basis or not f:
            return f, [R(0)] * len(self.gens)
        Q, r = f.div(self.basis)
        out = [R(0)] * len(self.gens)
        for q, c in zip(Q, self.cof):
            if q:
                out = [x + q * y for x, y in zip(out, c)]
        return r, out


def normalize(f):
    """Primitive integer multiple of f with positive leading coefficient (None for constants)."""
    if f.is_ground:
        return None
    _, g = f.clear_denoms()
    _, g = g.primitive()
    g = g.set_ring(f.ring) if g.ring != f.ring else g
    return -g if g.LC < 0 else g


def evaluate(p, values: dict) -> Fraction:
    """Exact value of a polynomial at a point given as {name: Fraction}."""
    syms = [str(s) for s in p.ring.symbols]
    total = Fraction(0)
    for monom, c in p.terms():
        term = Fraction(int(c.numerator), int(c.denominator))
        for s, e in zip(syms, monom):
            if e:
                term *= Fraction(values[s]) ** e
        total += term
    return total


def sum_of_squares(g):
    """[(s_j, q_j)] with g = sum s_j q_j^2 and s_j > 0 rational, for simple g; else None."""
    R = g.ring
    if not g or g.LC < 0:
        return None
    terms = g.terms()
    if all(c > 0 and all(e % 2 == 0 for e in mon) for mon, c in terms):
        return [(R(c), R({tuple(e // 2 for e in mon): 1})) for mon, c in terms]
    used = [i for i, d in enumerate(g.degrees()) if d]
    if len(used) == 1 and g.degrees()[used[0]] == 2:
        x = R.gens[used[0]]
        a, b, c = g.coeff(x ** 2), g.coeff(x), g.coeff(1)
        rest = c - b * b / (4 * a)
        if a > 0 and rest > 0:  # a (x + b/2a)^2 + (c - b^2/4a)
            return [(R(a), x + R(b / (2 * a))), (R(rest), R(1))]
    return None
