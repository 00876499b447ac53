"""Piecewise local openness over parameter space (generator side).

Matrices W1, W2 whose entries are polynomials in named real parameters (see
:mod:`exactopen.exact.polynomials`).  The verdict of ``prop-4`` / ``thm-5`` is a function of
(rank W1, rank W2, rank W1W2) (dim N(W1)∩C(W2) = rank W2 - rank W1W2), so it is constant on
every cell of a rank stratification.  :func:`stratify_pair` builds that stratification as a
binary tree of case splits p = 0 | p != 0 (comprehensive fraction-free elimination: the
pivots are minors of growing size, bordered minors that vanish modulo the cell's equations
end the elimination); branches are pruned when empty over C (a Gröbner basis of the equations
and 1 - t * prod(inequations) contains 1; Rabinowitsch), and the cofactors of that 1 are the
certificate.  Leaves carry, per matrix, a nonsingular minor (nonzero on the cell by an
identity D q - prod h^e in the ideal) and a polynomial null-space basis (A N = 0 modulo the
ideal, with cofactors).  Cells with one verdict are merged when they are siblings.

The kernel's kind is ``symbolic_openness`` (:mod:`exactopen.kernel.symbolic`).

Real parameters: the tree partitions R^p (indeed C^p); a pruned branch has no complex and
hence no real point; a listed cell has complex points but may have no real ones (the
generator flags, without certificate, cells with a one-variable equation without real roots).
SymPy is imported lazily (only this module and :mod:`exactopen.exact.polynomials` use it).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from exactopen.errors import InputError
from exactopen.exact.ideals import TrackedIdeal, evaluate, normalize, sum_of_squares
from exactopen.exact.polynomials import (
    make_ring,
    names_in,
    parse_polynomial,
    poly_to_str,
)
from exactopen.openness.cases import DOMAIN, _lit, merged_cells, statement
from exactopen.openness.verdicts import NOT_OPEN, OPEN

KIND = "symbolic_openness"


def verdict_of(m: int, k: int, n: int, r1: int, r2: int, r12: int) -> str:
    """prop-4 (k >= min(m,n)) / thm-5 (k < min(m,n)) as a function of the three ranks."""
    d = r2 - r12  # dim N(W1) ∩ C(W2)
    if k >= min(m, n):
        return OPEN if (d <= k - m or n - (r2 - d) <= k - r1) else NOT_OPEN
    return OPEN if (r1 == r2 and d == 0) else NOT_OPEN


# ---------------------------------------------------------------------------------------
# The stratification
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    eqs: tuple = ()
    ineqs: tuple = ()


@dataclass
class RankInfo:
    rank: int
    rows: list
    cols: list
    minor_nz: dict  # polys: q, powers (list), cofactors (list) -- lists may be shorter than the cell's
    basis: list  # n x (n - r) polys
    minor_rows: list
    basis_nz: dict
    an_cofactors: list  # [i][j] -> list of polys


@dataclass
class Leaf:
    eqs: tuple
    ineqs: tuple
    ranks: tuple
    verdict: str


@dataclass
class SymbolicOpenness:
    names: list
    W1: list  # rows of polys
    W2: list
    m: int
    k: int
    n: int
    theorem: str
    tree: dict  # the certificate tree (strings)
    leaves: list = field(default_factory=list)
    cells: list = field(default_factory=list)  # merged cells (strings)
    empty_branches: int = 0
    real_empty_branches: int = 0  # of which pruned by a sum of squares (no real point)
    real_notes: list = field(default_factory=list)  # (cell, remark): uncertified "no real point" flags
    seconds: float = 0.0
    certificate: dict = field(default_factory=dict, repr=False)
    ring: object = field(default=None, repr=False)

    def verdict_at(self, values: dict) -> str:
        """The piecewise verdict at a rational point (walks the certificate tree)."""
        return self.leaf_at(values)["verdict"]

    def leaf_at(self, values: dict) -> dict:
        node = self.tree
        while "split" in node:
            p = parse_polynomial(node["split"], self.ring)
            node = node["zero"] if evaluate(p, values) == 0 else node["nonzero"]
        if "empty" in node:
            raise AssertionError(f"point {values} lies in a branch certified empty")
        c = node["cell"]
        return {"verdict": c["verdict"], "ranks": (c["rank_W1"]["rank"], c["rank_W2"]["rank"],
                                                   c["rank_W1W2"]["rank"])}

    def statement(self) -> str:
        return statement(self.tree, self.cells)


class _Stratifier:
    """Rank stratification of the matrices ``mats`` (with ``ncols[i]`` columns each); a leaf's
    verdict (and extra fields) come from ``leaf_fn(ranks)``; ``labels[i]`` names matrix i's rank
    evidence in the cell."""

    def __init__(self, R, mats, ncols, labels, leaf_fn, tvar, deadline=None):
        self.R, self.mats, self.ncols, self.labels, self.leaf_fn = R, mats, ncols, labels, leaf_fn
        self.t = tvar
        self._ideals: dict = {}
        self._dets: dict = {}
        self.leaves: list = []
        self.empty = 0
        self.real_empty = 0
        self.deadline = deadline

    # -- algebra helpers --------------------------------------------------------------
    def ideal(self, eqs) -> TrackedIdeal:
        key = tuple(eqs)
        if key not in self._ideals:
            self._ideals[key] = TrackedIdeal(self.R, list(eqs))
        return self._ideals[key]

    def det(self, stage, rows, cols):
        key = (stage, tuple(rows), tuple(cols))
        if key not in self._dets:
            A = self.mats[stage]
            if not rows:
                val = self.R(1)
            else:
                val = self.R(0)
                for j, c in enumerate(cols):
                    a = A[rows[0]][c]
                    if a:
                        sub = self.det(stage, rows[1:], cols[:j] + cols[j + 1:])
                        val += a * sub if j % 2 == 0 else -(a * sub)
            self._dets[key] = val
        return self._dets[key]

    def is_empty(self, cell: Cell) -> bool:
        from sympy.polys.groebnertools import groebner

        prod = self.R(1)
        for h in cell.ineqs:
            prod *= h
        G = groebner(list(cell.eqs) + [1 - self.t * prod], self.R)
        return any(g.is_ground and g for g in G)

    def empty_certificate(self, cell: Cell) -> dict:
        prod = self.R(1)
        for h in cell.ineqs:
            prod *= h
        gens = list(cell.eqs) + [1 - self.t * prod]
        I = TrackedIdeal(self.R, gens, stop_at_unit=True)
        nf, cofs = I.reduce(self.R(1))
        assert not nf, "emptiness certificate: 1 is not reduced to 0"
        return {"cofactors": [poly_to_str(c) for c in cofs[:-1]], "t_cofactor": poly_to_str(cofs[-1])}

    def known_nonzero(self, nf, cell: Cell):
        """(q, powers) with nf * q = prod h^powers if every factor of nf is an inequation, else None."""
        _, factors = nf.factor_list()
        powers = [0] * len(cell.ineqs)
        prod = self.R(1)
        for f, a in factors:
            g = normalize(f)
            if g is None:
                continue
            if g not in cell.ineqs:
                return None
            powers[cell.ineqs.index(g)] += a
            prod *= g ** a
        c = nf.LC / prod.LC
        return self.R(1).quo_ground(c), powers

    def unknown_factors(self, nf, cell: Cell):
        _, factors = nf.factor_list()
        out = []
        for f, _a in factors:
            g = normalize(f)
            if g is not None and g not in cell.ineqs:
                out.append(g)
        return out

    # -- the tree ---------------------------------------------------------------------
    def build(self, cell: Cell, stage: int, I: list, J: list, piv: dict | None, done: list) -> dict:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise InputError("symbolic stratification: time limit exceeded")
        if stage == len(self.mats):
            return self.leaf(cell, done)
        A = self.mats[stage]
        rows, cols = len(A), self.ncols[stage]
        ideal = self.ideal(cell.eqs)
        split = None
        for i in (i for i in range(rows) if i not in I):
            for j in (j for j in range(cols) if j not in J):
                M = self.det(stage, I + [i], J + [j])
                nf, cofs = ideal.reduce(M)
                if not nf:
                    continue
                kn = self.known_nonzero(nf, cell)
                if kn is not None:
                    q, powers = kn
                    nz = {"q": q, "powers": powers, "cofactors": [q * c for c in cofs]}
                    return self.build(cell, stage, I + [i], J + [j], nz, done)
                for g in self.unknown_factors(nf, cell):
                    key = (g.total_degree() if hasattr(g, "total_degree") else max(sum(mm) for mm in g.monoms()),
                           len(g.terms()), str(g))
                    if split is None or key < split[0]:
                        split = (key, g)
        if split is None:  # every bordered minor vanishes on the cell: rank = len(I)
            info = self.rank_info(cell, stage, I, J, piv)
            return self.build(cell, stage + 1, [], [], None, done + [info])
        g = split[1]
        node = {"split": poly_to_str(g)}
        for branch, child in (("zero", Cell(cell.eqs + (g,), cell.ineqs)), ("nonzero", Cell(cell.eqs, cell.ineqs + (g,)))):
            if self.is_empty(child):
                self.empty += 1
                node[branch] = {"empty": self.empty_certificate(child)}
                continue
            real = self.real_squares(child) if branch == "zero" else None
            if real is not None:
                i, terms = real
                Q = tuple(q for _, q in terms)
                self.empty += 1
                self.real_empty += 1
                cert = self.empty_certificate(Cell(child.eqs + Q, child.ineqs))
                cert["real_squares"] = {"equation": i, "terms": [[poly_to_str(w), poly_to_str(q)] for w, q in terms]}
                node[branch] = {"empty": cert}
            else:
                node[branch] = self.build(child, stage, I, J, piv, done)
        return node

    def real_squares(self, cell: Cell):
        """(i, [(s_j, q_j)]) with eqs[i] = sum s_j q_j^2, s_j > 0, and no point with all q_j = 0
        (so the cell has no real point), or None.  Simple cases only: sums of even monomials
        with positive coefficients, and one-variable quadratics without real roots."""
        for i, g in enumerate(cell.eqs):
            terms = sum_of_squares(g)
            if terms and self.is_empty(Cell(cell.eqs + tuple(q for _, q in terms), cell.ineqs)):
                return i, terms
        return None

    def rank_info(self, cell: Cell, stage: int, I: list, J: list, piv: dict | None) -> RankInfo:
        R = self.R
        A = self.mats[stage]
        ncols = self.ncols[stage]
        r = len(I)
        if piv is None:  # r = 0: the empty minor, det = 1
            piv = {"q": R(1), "powers": [], "cofactors": []}
        D = self.det(stage, I, J)
        free = [f for f in range(ncols) if f not in J]
        N = [[R(0)] * len(free) for _ in range(ncols)]
        for c, f in enumerate(free):
            N[f][c] = D
            for l, jl in enumerate(J):
                N[jl][c] = -self.det(stage, I, J[:l] + [f] + J[l + 1:])
        ideal = self.ideal(cell.eqs)
        an = []
        for i in range(len(A)):
            row = []
            for c in range(len(free)):
                e = sum((A[i][l] * N[l][c] for l in range(ncols)), R(0))
                nf, cofs = ideal.reduce(e)
                assert not nf, "annihilator: an entry of A N is not in the ideal"
                row.append(cofs)
            an.append(row)
        # det N[free, :] = D^s: from D q = X + G (X = prod h^e, G = sum c g),
        # (D q)^s - X^s = G * sum_l (X + G)^l X^(s-1-l)
        s = len(free)
        X = R(1)
        for h, e in zip(cell.ineqs, piv["powers"]):
            X *= h ** e
        G = sum((c * g for c, g in zip(piv["cofactors"], cell.eqs)), R(0))
        S = sum(((X + G) ** l * X ** (s - 1 - l) for l in range(s)), R(0))
        bnz = {"q": piv["q"] ** s, "powers": [e * s for e in piv["powers"]],
               "cofactors": [c * S for c in piv["cofactors"]]}
        return RankInfo(r, list(I), list(J), piv, N, free, bnz, an)

    def leaf(self, cell: Cell, done: list) -> dict:
        ranks = tuple(d.rank for d in done)
        v, extra = self.leaf_fn(ranks)
        self.leaves.append(Leaf(cell.eqs, cell.ineqs, ranks, v))
        out = {"verdict": v}
        for name, d in zip(self.labels, done):
            out[name] = self.rank_json(d, cell)
        out.update(extra)
        return {"cell": out}

    def rank_json(self, d: RankInfo, cell: Cell) -> dict:
        ne, nh = len(cell.eqs), len(cell.ineqs)

        def pad(cofs):
            return [poly_to_str(c) for c in cofs] + ["0"] * (ne - len(cofs))

        def nz(obj):
            return {"q": poly_to_str(obj["q"]), "powers": list(obj["powers"]) + [0] * (nh - len(obj["powers"])),
                    "cofactors": pad(obj["cofactors"])}

        ncols = len(d.basis)
        return {
            "rank": d.rank,
            "minor": {"rows": d.rows, "cols": d.cols, "nonzero": nz(d.minor_nz)},
            "annihilator": {
                "basis": {"shape": [ncols, ncols - d.rank], "rows": [[poly_to_str(x) for x in r] for r in d.basis]},
                "minor_rows": d.minor_rows,
                "nonzero": nz(d.basis_nz),
                "cofactors": [[pad(c) for c in row] for row in d.an_cofactors],
            },
        }


# ---------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------

def _fresh_name(names) -> str:
    t = "_t"
    while t in names:
        t = "_" + t
    return t


def _raw_rows(obj, where: str) -> list:
    if isinstance(obj, dict) and "shape" in obj and "rows" in obj:
        obj = obj["rows"]
    if not isinstance(obj, list) or not obj or not all(isinstance(r, list) for r in obj):
        raise InputError(f"{where}: expected a non-empty list of rows, e.g. [[\"a\", 1]]")
    n = len(obj[0])
    if n == 0:
        raise InputError(f"{where}: empty matrix (rows have no entries)")
    for i, r in enumerate(obj):
        if len(r) != n:
            raise InputError(f"{where}: ragged rows (row 0 has {n} entries, row {i} has {len(r)})")
    return obj


def _entry_text(x, where: str) -> str:
    if isinstance(x, float):
        raise InputError(f"{where}: binary float {x!r}; write it as a string (\"0.1\")")
    if isinstance(x, bool) or not isinstance(x, (int, str)):
        raise InputError(f"{where}: {x!r} is not a polynomial (use a string like \"2*a - 1\" or an integer)")
    return str(x)


def parse_symbolic_matrices(raw: dict, names: list | None = None):
    """Parse {"W1": rows, "W2": rows} of polynomial texts; returns (ring, names, {name: rows of polys}).

    ``names`` given: strict mode (any other name is an error); else the names are collected
    from the entries and sorted."""
    texts = {}
    for key, obj in raw.items():
        rows = _raw_rows(obj, key)
        texts[key] = [[_entry_text(x, f"{key}[{i}][{j}]") for j, x in enumerate(r)] for i, r in enumerate(rows)]
    found: list = []
    for key, rows in texts.items():
        for i, r in enumerate(rows):
            for j, s in enumerate(r):
                for nm in names_in(s, f"{key}[{i}][{j}]"):
                    if nm not in found:
                        found.append(nm)
    if names is None:
        names = sorted(found)
    else:
        for nm in names:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", nm, re.ASCII):
                raise InputError(f"parameter name {nm!r} is not a name")
    R = make_ring(names, (_fresh_name(names),))
    mats = {key: [[parse_polynomial(s, R, f"{key}[{i}][{j}]", strict=True) for j, s in enumerate(r)]
                  for i, r in enumerate(rows)] for key, rows in texts.items()}
    return R, list(names), mats


def _check_degrees(names, mats: dict) -> None:
    """InputError if a minor of a matrix could hold a power above MAX_EXPONENT (the largest
    exponent a certificate may hold): degree in a parameter x the matrix's largest minor size."""
    from exactopen.exact.polynomials import MAX_EXPONENT

    for what, M in mats.items():
        size = min(len(M), len(M[0]))
        for v, name in enumerate(names):
            deg = max((max(e.degrees()[v], 0) for row in M for e in row), default=0)
            if deg * size > MAX_EXPONENT:
                raise InputError(f"{what}: degree {deg} in {name} is too high (with {size}x{size} minors, powers "
                                 f"up to {deg * size}; at most {MAX_EXPONENT})")


def stratify_pair(W1, W2, names: list | None = None, time_limit: float | None = None) -> SymbolicOpenness:
    """Piecewise local openness of M(W1, W2) = W1 W2 over the real parameter space.

    W1, W2: lists of rows of polynomial texts (or ints).  Returns a :class:`SymbolicOpenness`
    with the certificate (kind ``symbolic_openness``; claims ``prop-4`` / ``thm-5``).
    """
    t0 = time.perf_counter()
    R, names, mats = parse_symbolic_matrices({"W1": W1, "W2": W2}, names)
    A, B = mats["W1"], mats["W2"]
    m, k, n = len(A), len(A[0]), len(B[0])
    if len(B) != k:
        raise InputError(f"shape mismatch: W1 is {m}x{k}, W2 is {len(B)}x{n} (need W1.cols == W2.rows)")
    P = [[sum((A[i][l] * B[l][j] for l in range(k)), R(0)) for j in range(n)] for i in range(m)]
    _check_degrees(names, {"W1": A, "W2": B, "W1 W2": P})
    tvar = R.gens[-1]
    deadline = None if time_limit is None else t0 + time_limit
    st = _Stratifier(R, [A, B, P], [k, n, n], ("rank_W1", "rank_W2", "rank_W1W2"),
                     lambda rk: (verdict_of(m, k, n, *rk), {}), tvar, deadline)
    tree = st.build(Cell(), 0, [], [], None, [])
    theorem = "prop-4" if k >= min(m, n) else "thm-5"
    res = SymbolicOpenness(names, A, B, m, k, n, theorem, tree, st.leaves, merged_cells(tree), st.empty,
                           ring=R)
    res.real_empty_branches = st.real_empty
    for c in res.cells:  # generator remark only (not part of the certified cells)
        flag = _no_real_points(R, c)
        if flag:
            res.real_notes.append((c, flag))
    res.certificate = certificate(res, str(tvar))
    res.seconds = time.perf_counter() - t0
    return res


def _no_real_points(R, cell: dict) -> str | None:
    """A one-variable equation of the cell without real roots (exact Sturm count), else None."""
    from sympy import Poly

    for s in cell["equations"]:
        p = parse_polynomial(s, R)
        used = [i for i, d in enumerate(p.degrees()) if d]
        if len(used) == 1:
            expr = p.as_expr()
            if Poly(expr, R.symbols[used[0]]).count_roots() == 0:
                return f"{s} = 0 has no real solution"
    return None


def certificate(res: SymbolicOpenness, tname: str) -> dict:
    from exactopen.certificate import envelope

    regime = "k >= min(m,n)" if res.k >= min(res.m, res.n) else "k < min(m,n)"
    inputs = {
        "parameters": res.names,
        "W1": {"shape": [res.m, res.k], "rows": [[poly_to_str(x) for x in r] for r in res.W1]},
        "W2": {"shape": [res.k, res.n], "rows": [[poly_to_str(x) for x in r] for r in res.W2]},
    }
    result = {
        "verdict": "piecewise",
        "theorem": res.theorem,
        "regime": regime,
        "cells": res.cells,
    }
    evidence = {"rabinowitsch": tname, "tree": res.tree}
    claim = (f"for real parameters {', '.join(res.names) or '(none)'}: M(W1, W2) = W1 W2 ({res.m}x{res.k} times "
             f"{res.k}x{res.n}) is {statement(res.tree, res.cells)} ({res.theorem}); cells in result.cells")
    return envelope(KIND, claim, inputs, result, evidence, claim_id=res.theorem)


def describe(res: SymbolicOpenness) -> list[str]:
    """Human lines: the theorem-like statement, then the cases."""
    def show(rows):
        return "[" + ", ".join("[" + ", ".join(poly_to_str(x) for x in r) + "]" for r in rows) + "]"

    regime = "k >= min(m,n)" if res.k >= min(res.m, res.n) else "k < min(m,n)"
    lines = [(f"W1 = {show(res.W1)}, W2 = {show(res.W2)}  [W1 {res.m}x{res.k}, W2 {res.k}x{res.n}; {regime}; "
              f"{res.theorem}]"),
             f"for real parameters {', '.join(res.names)}: M is {statement(res.tree, res.cells)}",
             "cases (they cover the whole parameter space):"]
    notes = {id(c): note for c, note in res.real_notes}
    for i, c in enumerate(res.cells, 1):
        cond = [_lit((p, "=")) for p in c["equations"]] + [_lit((p, "!=")) for p in c["inequations"]]
        words = "locally open" if c["verdict"] == OPEN else "NOT locally open"
        extra = f"  (no real points: {notes[id(c)]})" if id(c) in notes else ""
        lines.append(f"  {i}. {' and '.join(cond) or 'all values'}: {words}{extra}")
    real = res.real_empty_branches
    pruned = [f"{res.empty_branches - real} empty over C"] if res.empty_branches - real else []
    pruned += [f"{real} without real points (sum of squares)"] if real else []
    lines.append(f"  ({len(res.leaves)} rank cell{'s' * (len(res.leaves) != 1)} checked"
                 + (f"; branches pruned: {', '.join(pruned)}" if pruned else "") + ")")
    if len(res.cells) > 1:
        lines.append("  note: pruning is decided over C (and over R for simple sums of squares); "
                     "a listed case may contain no real point")
    return lines


def summary(res: SymbolicOpenness) -> dict:
    return {"verdict": "piecewise", "theorem": res.theorem, "parameters": res.names,
            "statement": statement(res.tree, res.cells), "cells": res.cells,
            "domain": DOMAIN}


# ---------------------------------------------------------------------------------------
# reading a matrix SPEC whose entries may name parameters
# ---------------------------------------------------------------------------------------

def _raw_spec(spec: str, what: str):
    """The unconverted matrix of a SPEC (read by :func:`exactopen.inputs.load_raw`)."""
    from exactopen.inputs import load_raw

    raw, where = load_raw(spec, what)
    if hasattr(raw, "dtype"):
        raise InputError(f"{where}: numpy files hold numbers only, not parameters")
    return raw


def spec_has_parameters(spec_text: str) -> bool:
    """True if the SPEC (inline JSON or JSON file) has an entry naming a parameter."""
    try:
        obj = _raw_spec(spec_text, "spec")
    except InputError:
        return False
    return names_parameters(obj.get("rows") if isinstance(obj, dict) else obj)


def names_parameters(obj) -> bool:
    """Nested lists or tuples holding a string that names a parameter ("x", "2*a + 1"), not a
    number ("1/2", "1e3")."""
    from exactopen.exact.numbers import parse_rational

    stack = [obj]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, str) and re.search(r"[A-Za-z_]", x):
            try:
                parse_rational(x)
            except InputError:
                return True
    return False
