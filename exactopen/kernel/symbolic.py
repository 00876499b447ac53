"""Checker for piecewise openness over parameter space: kind "symbolic_openness".

W1, W2 have polynomial entries (strings in the input grammar: integers, names, + - * / by a
constant, ^ with an integer, parentheses) in the parameters.  The evidence is a binary tree:
each node splits on a polynomial p (p = 0 | p != 0), so its leaves cover the whole parameter
space.  A leaf is either
  - empty: 1 = sum c_i g_i + c_t (1 - t prod h_j) with t the fresh Rabinowitsch variable
    (g = equations, h = inequations on the path): no point, over C hence over R; optionally
    an equation is first written g_i = sum s_j q_j^2 (s_j > 0 constants) and the q_j join the
    equations: then the branch has no real point (it may have complex ones); or
  - a cell with rank evidence for W1, W2 and W1W2 (re-multiplied here), each
      rank >= r: an r x r minor D with D q - prod h_j^e_j = sum c_i g_i (so D != 0 on the cell);
      rank <= r: A N = 0 modulo the equations (every entry given as sum c_i g_i) and a minor
      of N, nonzero on the cell in the same way (N has ncols(A) - r columns);
    and the verdict the ranks give under prop-4 / thm-5 with dim N(W1)∩C(W2) = r2 - r12.
Identities are checked by expanding in python-flint's fmpq_mpoly.  result.cells must equal the
tree's cells after merging siblings with equal verdicts (an empty sibling merges with any).
Trusted: prop-4 (1) <=> (3), thm-5 (v) <=> (equal ranks and (iii)), and the rank identity above.
"""

from __future__ import annotations

import re

from flint import fmpq, fmpq_mpoly_ctx, fmpz

from exactopen.kernel.base import BUDGET, Rejected, field, mark_read, require
from exactopen.kernel.checks import kind, rely

OPEN, NOT_OPEN = "locally_open", "not_locally_open"
MAX_PARAMETERS = 16


class Work:
    """Bound on polynomial arithmetic: every product costs len(a) * len(b) term operations,
    summed over one check (budget ``poly_work``); degrees stay below ``poly_degree``."""

    spent = 0

    @classmethod
    def reset(cls):
        cls.spent = 0

    @classmethod
    def mul(cls, a, b):
        la = len(a) if hasattr(a, "total_degree") else 1
        lb = len(b) if hasattr(b, "total_degree") else 1
        cls.spent += max(la, 1) * max(lb, 1)
        if cls.spent > BUDGET["poly_work"]:
            raise Rejected(f"polynomial arithmetic beyond the budget poly_work = {BUDGET['poly_work']} term products")
        da = a.total_degree() if hasattr(a, "total_degree") else 0
        db = b.total_degree() if hasattr(b, "total_degree") else 0
        if da + db > BUDGET["poly_degree"]:
            raise Rejected(f"a polynomial of degree {da + db}, beyond the budget poly_degree = {BUDGET['poly_degree']}")
        return a * b

    @classmethod
    def pow(cls, a, e: int):
        out = None
        for _ in range(e):  # e <= poly_degree / deg a, or a is constant (then the loop is cheap)
            out = a if out is None else cls.mul(out, a)
        return out if out is not None else a.context().constant(1)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOK = re.compile(r"\s*(?:([0-9]+)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[-+*/^()]))")
MAX_DEPTH, MAX_NEST, MAX_EXP, MAX_MINOR = 200, 50, 1000, 8


class _Poly:
    """Recursive descent over the input grammar (integers only: certificates are canonical)."""

    def __init__(self, ctx, allowed):
        self.ctx, self.gens = ctx, {nm: g for nm, g in zip(ctx.names(), ctx.gens()) if nm in allowed}

    def __call__(self, text, where):
        require(isinstance(text, str) and len(text) <= 10 ** 7, f"{where}: not a polynomial string")
        self.toks, pos = [], 0
        while pos < len(text.rstrip()):
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
            p = p + self.term(depth) if op == "+" else p - self.term(depth)
        return p

    def term(self, depth):
        p = self.unary(depth)
        while (op := self.take("*", "/")):
            q = self.unary(depth)
            if op == "*":
                p = Work.mul(p, q)
            else:
                require(q.is_constant() and not q.is_zero(), f"{self.where}: division by a non-constant or zero")
                p = p * (1 / fmpq(q.leading_coefficient()))
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


def _matrix(obj, P, where):
    shape = field(obj, "shape", list, where)
    require(len(shape) == 2 and all(type(d) is int and 0 <= d <= 1000 for d in shape), f"{where}.shape bad")
    rows = field(obj, "rows", list, where)
    require(len(rows) == shape[0] and all(isinstance(r, list) and len(r) == shape[1] for r in rows),
            f"{where}: rows do not match the shape")
    return [[P(x, f"{where}[{i}][{j}]") for j, x in enumerate(r)] for i, r in enumerate(rows)], shape[1]


def _mul(A, B, inner, ncols, zero):
    return [[sum((Work.mul(A[i][l], B[l][j]) for l in range(inner)), zero) for j in range(ncols)]
            for i in range(len(A))]


def _det(M, one):
    if not M:
        return one
    return sum(((-1) ** j * Work.mul(M[0][j], _det([r[:j] + r[j + 1:] for r in M[1:]], one))
                for j in range(len(M))), one - one)


def _index(obj, bound, size, where):
    require(isinstance(obj, list) and len(obj) == size and len(set(obj)) == size
            and all(type(i) is int and 0 <= i < bound for i in obj), f"{where}: bad index list")
    return obj


def _combo(cofs, G, P, where):
    require(isinstance(cofs, list) and len(cofs) == len(G), f"{where}: needs one cofactor per equation")
    return sum((Work.mul(P(c, where), g) for c, g in zip(cofs, G)), P.ctx.constant(0))


def _nonzero(D, obj, G, H, P, where):
    """D q - prod h_j^e_j = sum c_i g_i, hence D != 0 wherever g = 0 and h != 0."""
    pw = field(obj, "powers", list, where)
    require(len(pw) == len(H) and all(type(e) is int and 0 <= e <= MAX_EXP for e in pw), f"{where}.powers bad")
    prod = P.ctx.constant(1)
    for h, e in zip(H, pw):
        prod = Work.mul(prod, Work.pow(h, e))
    lhs = Work.mul(D, P(field(obj, "q", str, where), where + ".q")) - prod
    require(lhs == _combo(field(obj, "cofactors", list, where), G, P, where + ".cofactors"),
            f"{where}: D q - prod h^e is not the stated combination of the equations")


def _rank(A, ncols, ev, G, H, P, where):
    r = field(ev, "rank", int, where)
    require(0 <= r <= min(len(A), ncols, MAX_MINOR), f"{where}: rank out of range")
    mi = field(ev, "minor", dict, where)
    rows = _index(field(mi, "rows", list, where), len(A), r, where + ".minor.rows")
    cols = _index(field(mi, "cols", list, where), ncols, r, where + ".minor.cols")
    _nonzero(_det([[A[i][j] for j in cols] for i in rows], P.ctx.constant(1)), field(mi, "nonzero", dict, where),
             G, H, P, where + ".minor.nonzero")
    an = field(ev, "annihilator", dict, where)
    N, c = _matrix(field(an, "basis", dict, where), P, where + ".basis")
    require(len(N) == ncols and c == ncols - r and c <= MAX_MINOR, f"{where}.basis must be {ncols}x{ncols - r}")
    AN = _mul(A, N, ncols, c, P.ctx.constant(0))
    cof = field(an, "cofactors", list, where)
    require(len(cof) == len(A) and all(isinstance(x, list) and len(x) == c for x in cof), f"{where}.cofactors shape")
    for i in range(len(A)):
        for j in range(c):
            require(AN[i][j] == _combo(cof[i][j], G, P, where), f"{where}: (A N)[{i}][{j}] is not in the ideal")
    nr = _index(field(an, "minor_rows", list, where), ncols, c, where + ".minor_rows")
    _nonzero(_det([N[i] for i in nr], P.ctx.constant(1)), field(an, "nonzero", dict, where), G, H, P,
             where + ".annihilator.nonzero")
    return r


def verdict_of(m, k, n, r1, r2, r12):
    d = r2 - r12  # dim N(W1) ∩ C(W2)
    if k >= min(m, n):
        return OPEN if (d <= k - m or n - (r2 - d) <= k - r1) else NOT_OPEN
    return OPEN if (r1 == r2 and d == 0) else NOT_OPEN


@kind("symbolic_openness")
def check_symbolic_openness(cert: dict) -> str:
    Work.reset()
    inputs, res, ev = cert["inputs"], cert["result"], cert["evidence"]
    for key in inputs:
        require(key in ("parameters", "W1", "W2"), f"inputs.{key}: unknown field")
    names = field(inputs, "parameters", list, "inputs")
    require(len(names) <= MAX_PARAMETERS, f"inputs.parameters: at most {MAX_PARAMETERS} parameters")
    t = field(ev, "rabinowitsch", str, "evidence")
    require(all(isinstance(x, str) and _NAME.fullmatch(x) for x in names + [t]) and len(set(names + [t])) ==
            len(names) + 1, "inputs.parameters / evidence.rabinowitsch must be distinct names")
    ctx = fmpq_mpoly_ctx.get(tuple(names) + (t,), "lex")
    P, Pt = _Poly(ctx, set(names)), _Poly(ctx, set(names) | {t})
    W1, k = _matrix(field(inputs, "W1", dict, "inputs"), P, "inputs.W1")
    W2, n = _matrix(field(inputs, "W2", dict, "inputs"), P, "inputs.W2")
    m = len(W1)
    require(len(W2) == k, "inputs: W1.cols != W2.rows")
    W12 = _mul(W1, W2, k, n, ctx.constant(0))
    theorem = "prop-4" if k >= min(m, n) else "thm-5"
    require(field(res, "theorem", str, "result") == theorem,
            "result.theorem does not match the regime k >= min(m, n) / k < min(m, n)")
    regime = "k >= min(m,n)" if k >= min(m, n) else "k < min(m,n)"
    require(field(res, "regime", str, "result") == regime, f"result.regime must be {regime!r}")
    require(cert["claim_id"] in (None, "rem-1", theorem), f"claim_id must be null, rem-1 or {theorem}")
    require(field(res, "verdict", str, "result") == "piecewise", "result.verdict must be 'piecewise'")
    tvar = ctx.gens()[-1]
    stats, summary = {"cells": 0, "empty": 0, "real": 0}, {}

    def walk(node, G, H, gs, hs, depth):
        """Check the subtree; record its summary: a verdict, 'empty', or None (mixed)."""
        require(isinstance(node, dict) and depth < MAX_DEPTH, "evidence.tree: bad node")
        if "split" in node:
            p = P(field(node, "split", str, "node"), "node.split")
            z = walk(node.get("zero"), G + [p], H, gs + [node["split"]], hs, depth + 1)
            nz = walk(node.get("nonzero"), G, H + [p], gs, hs + [node["split"]], depth + 1)
            s = nz if z == "empty" else z if nz == "empty" else z if z == nz else None
        elif "empty" in node:
            e = field(node, "empty", dict, "node")
            prod = ctx.constant(1)
            for h in H:
                prod = Work.mul(prod, h)
            if "real_squares" in e:  # g_i = sum s_j q_j^2 (s_j > 0): real points have every q_j = 0
                rs = field(e, "real_squares", dict, "empty")
                i = field(rs, "equation", int, "real_squares")
                terms = field(rs, "terms", list, "real_squares")
                require(0 <= i < len(G) and all(isinstance(x, list) and len(x) == 2 for x in terms), "real_squares bad")
                w = [P(x[0], "real_squares.weight") for x in terms]
                require(all(x.is_constant() and not x.is_zero() and x.leading_coefficient() > 0 for x in w),
                        "real_squares: weights must be positive constants")
                Q = [P(x[1], "real_squares.square") for x in terms]
                require(G[i] == sum((Work.mul(a, Work.mul(q, q)) for a, q in zip(w, Q)), ctx.constant(0)),
                        "real_squares: the equation is not the stated sum of squares")
                G = G + Q
                stats["real"] += 1
            rhs = _combo(field(e, "cofactors", list, "empty"), G, Pt, "empty.cofactors") + \
                Work.mul(Pt(field(e, "t_cofactor", str, "empty"), "empty.t_cofactor"), 1 - Work.mul(tvar, prod))
            require(rhs == 1, f"empty leaf at {gs} = 0, {hs} != 0: the identity does not give 1")
            stats["empty"] += 1
            s = "empty"
        else:
            c = field(node, "cell", dict, "node")
            where = f"cell ({', '.join(gs)} = 0; {', '.join(hs)} != 0)"
            r1 = _rank(W1, k, field(c, "rank_W1", dict, where), G, H, P, where + ".rank_W1")
            r2 = _rank(W2, n, field(c, "rank_W2", dict, where), G, H, P, where + ".rank_W2")
            r12 = _rank(W12, n, field(c, "rank_W1W2", dict, where), G, H, P, where + ".rank_W1W2")
            s = verdict_of(m, k, n, r1, r2, r12)
            rely("behrends-dims" if k >= min(m, n) else "prop-18")
            require(field(c, "verdict", str, where) == s, f"{where}: ranks {r1}, {r2}, {r12} give {s}")
            stats["cells"] += 1
        summary[id(node)] = s
        return s

    def cells(node, gs, hs):
        """Merged cells: a subtree with one verdict is one cell; an empty sibling adds no condition."""
        s = summary[id(node)]
        if s is not None:
            return [] if s == "empty" else [{"equations": gs, "inequations": hs, "verdict": s}]
        z, nz, p = node["zero"], node["nonzero"], node["split"]
        if summary[id(z)] == "empty":
            return cells(nz, gs, hs)
        if summary[id(nz)] == "empty":
            return cells(z, gs, hs)
        return cells(z, gs + [p], hs) + cells(nz, gs, hs + [p])

    tree = field(ev, "tree", dict, "evidence")
    walk(tree, [], [], [], [], 0)
    merged = cells(tree, [], [])
    require(field(res, "cells", list, "result") == merged, "result.cells differ from the merged cells of the tree")
    mark_read(res["cells"])
    cases = "; ".join(
        (" and ".join([f"{g} = 0" for g in c["equations"]] + [f"{h} != 0" for h in c["inequations"]]) or "everywhere")
        + ": " + ("locally open" if c["verdict"] == OPEN else "not locally open") for c in merged)
    return (f"for real parameters {', '.join(names) or '(none)'}, M(W1, W2) = W1 W2 ({m}x{k} times {k}x{n}, "
            f"{theorem}) is, case by case: {cases} ({stats['cells']} checked cells; {stats['empty']} branches "
            f"without points, {stats['real']} of them over R by sums of squares; a case may hold no real point)")
