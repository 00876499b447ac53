"""Laurent polynomials in t and the entries u_ij of a target perturbation U, and the identity
prod_i (W_i + D_i) = W_h...W_1 + t^p U that a preimage family's leaf must satisfy (used by the
family builders ``chain_family`` and ``chain_paths``; the checker's own copy is
``kernel/chain_family.py``)."""

from __future__ import annotations

from flint import fmpq, fmpq_mat


class Lau:
    """A Laurent polynomial in t and the entries u_ij of U (m x n, row-major exponent vectors)."""

    def __init__(self, nv: int, terms=None):
        self.nv = nv
        self.terms = {k: v for k, v in (terms or {}).items() if v != 0}

    @classmethod
    def const(cls, nv, c):
        return cls(nv, {(0, (0,) * nv): fmpq(c)})

    @classmethod
    def mono(cls, nv, c=1, t=0, u=None):
        e = [0] * nv
        for v, x in (u or {}).items():
            e[v] += x
        return cls(nv, {(t, tuple(e)): fmpq(c)})

    def __add__(self, o):
        o = o if isinstance(o, Lau) else Lau.const(self.nv, o)
        out = dict(self.terms)
        for k, c in o.terms.items():
            out[k] = out.get(k, 0) + c
        return Lau(self.nv, out)

    def __neg__(self):
        return Lau(self.nv, {k: -c for k, c in self.terms.items()})

    def __sub__(self, o):
        return self + (-(o if isinstance(o, Lau) else Lau.const(self.nv, o)))

    def __mul__(self, o):
        o = o if isinstance(o, Lau) else Lau.const(self.nv, o)
        out: dict = {}
        for (a, e), c in self.terms.items():
            for (b, f), d in o.terms.items():
                k = (a + b, tuple(x + y for x, y in zip(e, f)))
                out[k] = out.get(k, 0) + c * d
        return Lau(self.nv, out)

    __rmul__ = __mul__
    __radd__ = __add__

    def rename(self, perm: list):
        """Variable v becomes perm[v]."""
        out = {}
        for (a, e), c in self.terms.items():
            f = [0] * self.nv
            for v, x in enumerate(e):
                f[perm[v]] = x
            out[(a, tuple(f))] = c
        return Lau(self.nv, out)


def product(layers) -> fmpq_mat:
    """W_h ... W_1 (layers input first)."""
    P = layers[0]
    for W in layers[1:]:
        P = W * P
    return P


def identity_holds(layers, Ds, p: int, block: set, zero: bool, absent=frozenset()) -> bool:
    """Does prod_i (W_i + D_i) equal W_h...W_1 + t^p U (U's entries outside ``block`` added raw;
    ``zero``: the leaf where the block of U is zero; ``absent``: entries where U is 0)?"""
    h = len(layers)
    dims = [layers[0].ncols()] + [W.nrows() for W in layers]
    m, n = dims[h], dims[0]
    nv = m * n
    prod = None
    for i in range(h):
        L = [[Lau.const(nv, layers[i][r, c]) + Ds[i].get((r, c), Lau(nv)) for c in range(dims[i])]
             for r in range(dims[i + 1])]
        prod = L if prod is None else [[sum((L[r][x] * prod[x][c] for x in range(dims[i])), Lau(nv))
                                         for c in range(n)] for r in range(dims[i + 1])]
    Z = product(layers)
    for r in range(m):
        for c in range(n):
            want = Lau.const(nv, Z[r, c])
            v = r * n + c
            if v in absent:
                pass
            elif v not in block:
                want = want + Lau.mono(nv, u={v: 1})
            elif not zero:
                want = want + Lau.mono(nv, t=p, u={v: 1})
            if (prod[r][c] - want).terms:
                return False
    return True


def support(e) -> set:
    return {v for v, x in enumerate(e) if x}


def path_facts(path):
    """(variables known nonzero, the path's inequalities |X| <= g t^k |Y| or None for a zero test);
    the nonzero facts as the checker derives them (a fixed point)."""
    nonzero, out = set(), []
    for t_, passed in path:
        if t_[0] == "zero":
            if not passed:
                nonzero.add(t_[1])
            out.append(None)
            continue
        A, B, beta, k = t_
        if passed:
            out.append((B, A, 1 / fmpq(beta), -k))
        else:
            nonzero |= support(B)
            out.append((A, B, fmpq(beta), k))
    changed = True
    while changed:
        changed = False
        for t_, passed in path:
            if t_[0] != "zero" and passed and support(t_[1]) <= nonzero and not support(t_[0]) <= nonzero:
                nonzero |= support(t_[0])
                changed = True
    return nonzero, out
