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

from flint import fmpq_mpoly_ctx

from exactopen.kernel.core import kind, nested, rely
from exactopen.kernel.polynomials import (
    MAX_DEPTH,
    MAX_EXP,
    MAX_MINOR,
    NAME,
    Parser,
    Work,
    det,
    mat_mul,
    poly_matrix,
)
from exactopen.kernel.primitives import chain, field, mark_read, matrix, require

OPEN, NOT_OPEN = "locally_open", "not_locally_open"
MAX_PARAMETERS = 16


def _index(obj, bound, size, where):
    require(isinstance(obj, list) and len(obj) == size and len(set(obj)) == size
            and all(type(i) is int and 0 <= i < bound for i in obj), f"{where}: bad index list")
    return obj


def _combo(cofs, G, P, where):
    require(isinstance(cofs, list) and len(cofs) == len(G), f"{where}: needs one cofactor per equation")
    return Work.sum((Work.mul(P(c, where), g) for c, g in zip(cofs, G)), P.ctx.constant(0))


def _nonzero(D, obj, G, H, P, where):
    """D q - prod h_j^e_j = sum c_i g_i, hence D != 0 wherever g = 0 and h != 0."""
    pw = field(obj, "powers", list, where)
    require(len(pw) == len(H) and all(type(e) is int and 0 <= e <= MAX_EXP for e in pw), f"{where}.powers bad")
    prod = P.ctx.constant(1)
    for h, e in zip(H, pw):
        prod = Work.mul(prod, Work.pow(h, e))
    lhs = Work.add(Work.mul(D, P(field(obj, "q", str, where), where + ".q")), prod, -1)
    require(lhs == _combo(field(obj, "cofactors", list, where), G, P, where + ".cofactors"),
            f"{where}: D q - prod h^e is not the stated combination of the equations")


def _rank(A, ncols, ev, G, H, P, where):
    r = field(ev, "rank", int, where)
    require(0 <= r <= min(len(A), ncols, MAX_MINOR), f"{where}: rank out of range")
    mi = field(ev, "minor", dict, where)
    rows = _index(field(mi, "rows", list, where), len(A), r, where + ".minor.rows")
    cols = _index(field(mi, "cols", list, where), ncols, r, where + ".minor.cols")
    _nonzero(det([[A[i][j] for j in cols] for i in rows], P.ctx.constant(1)), field(mi, "nonzero", dict, where),
             G, H, P, where + ".minor.nonzero")
    an = field(ev, "annihilator", dict, where)
    N, c = poly_matrix(field(an, "basis", dict, where), P, where + ".basis")
    require(len(N) == ncols and c == ncols - r and c <= MAX_MINOR, f"{where}.basis must be {ncols}x{ncols - r}")
    AN = mat_mul(A, N, ncols, c, P.ctx.constant(0))
    cof = field(an, "cofactors", list, where)
    require(len(cof) == len(A) and all(isinstance(x, list) and len(x) == c for x in cof), f"{where}.cofactors shape")
    for i in range(len(A)):
        for j in range(c):
            require(AN[i][j] == _combo(cof[i][j], G, P, where), f"{where}: (A N)[{i}][{j}] is not in the ideal")
    nr = _index(field(an, "minor_rows", list, where), ncols, c, where + ".minor_rows")
    _nonzero(det([N[i] for i in nr], P.ctx.constant(1)), field(an, "nonzero", dict, where), G, H, P,
             where + ".annihilator.nonzero")
    return r


def verdict_of(m, k, n, r1, r2, r12):
    d = r2 - r12  # dim N(W1) ∩ C(W2)
    if k >= min(m, n):
        return OPEN if (d <= k - m or n - (r2 - d) <= k - r1) else NOT_OPEN
    return OPEN if (r1 == r2 and d == 0) else NOT_OPEN


def _setup(cert: dict, matrix_keys: tuple):
    """Parameters, contexts and parsers of a symbolic certificate."""
    inputs, ev = cert["inputs"], cert["evidence"]
    for key in inputs:
        require(key in ("parameters",) + matrix_keys, f"inputs.{key}: unknown field")
    names = field(inputs, "parameters", list, "inputs")
    require(len(names) <= MAX_PARAMETERS, f"inputs.parameters: at most {MAX_PARAMETERS} parameters")
    t = field(ev, "rabinowitsch", str, "evidence")
    require(all(isinstance(x, str) and NAME.fullmatch(x) for x in names + [t]) and len(set(names + [t])) ==
            len(names) + 1, "inputs.parameters / evidence.rabinowitsch must be distinct names")
    ctx = fmpq_mpoly_ctx.get(tuple(names) + (t,), "lex")
    return names, ctx, Parser(ctx, set(names)), Parser(ctx, set(names) | {t})


def _walk_tree(tree: dict, ctx, P, Pt, leaf) -> tuple[list, dict]:
    """Check the case tree (its leaves cover parameter space; empty leaves by Rabinowitsch or sums
    of squares; ``leaf(cell, G, H, where)`` checks a cell and returns its verdict).  Returns the
    merged cells (one-verdict subtrees as one cell; an empty sibling adds no condition) and counts."""
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
                require(G[i] == Work.sum((Work.mul(a, Work.mul(q, q)) for a, q in zip(w, Q)), ctx.constant(0)),
                        "real_squares: the equation is not the stated sum of squares")
                G = G + Q
                stats["real"] += 1
            rhs = Work.add(_combo(field(e, "cofactors", list, "empty"), G, Pt, "empty.cofactors"),
                           Work.mul(Pt(field(e, "t_cofactor", str, "empty"), "empty.t_cofactor"),
                                    Work.add(ctx.constant(1), Work.mul(tvar, prod), -1)))
            require(rhs == 1, f"empty leaf at {[_short(g) for g in gs]} = 0, {[_short(g) for g in hs]} != 0: the identity does not give 1")
            stats["empty"] += 1
            s = "empty"
        else:
            c = field(node, "cell", dict, "node")
            name = f"cell ({', '.join(_short(g) for g in gs)} = 0; {', '.join(_short(g) for g in hs)} != 0)"
            s = leaf(c, G, H, name)
            require(field(c, "verdict", str, "cell") == s, f"{name}: "
                    f"the ranks give {s}")
            stats["cells"] += 1
        summary[id(node)] = s
        return s

    def cells(node, gs, hs):
        s = summary[id(node)]
        if s is not None:
            return [] if s == "empty" else [{"equations": gs, "inequations": hs, "verdict": s}]
        z, nz, p = node["zero"], node["nonzero"], node["split"]
        if summary[id(z)] == "empty":
            return cells(nz, gs, hs)
        if summary[id(nz)] == "empty":
            return cells(z, gs, hs)
        return cells(z, gs + [p], hs) + cells(nz, gs, hs + [p])

    walk(tree, [], [], [], [], 0)
    return cells(tree, [], []), stats


def _short(text: str) -> str:
    """A split polynomial as a short label (messages are built on every call: keep them small)."""
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _cases(merged: list) -> str:
    words = {OPEN: "locally open", NOT_OPEN: "not locally open"}
    return "; ".join(
        (" and ".join([f"{g} = 0" for g in c["equations"]] + [f"{h} != 0" for h in c["inequations"]]) or "everywhere")
        + ": " + words.get(c["verdict"], "undetermined") for c in merged)


def _tail(stats: dict) -> str:
    return (f"{stats['cells']} checked cells; {stats['empty']} branches without points, {stats['real']} of them "
            f"over R by sums of squares; a case may hold no real point")


@kind("symbolic_openness")
def check_symbolic_openness(cert: dict) -> str:
    res, ev = cert["result"], cert["evidence"]
    names, ctx, P, Pt = _setup(cert, ("W1", "W2"))
    inputs = cert["inputs"]
    W1, k = poly_matrix(field(inputs, "W1", dict, "inputs"), P, "inputs.W1")
    W2, n = poly_matrix(field(inputs, "W2", dict, "inputs"), P, "inputs.W2")
    m = len(W1)
    require(len(W2) == k, "inputs: W1.cols != W2.rows")
    W12 = mat_mul(W1, W2, k, n, ctx.constant(0))
    theorem = "prop-4" if k >= min(m, n) else "thm-5"
    require(field(res, "theorem", str, "result") == theorem,
            "result.theorem does not match the regime k >= min(m, n) / k < min(m, n)")
    regime = "k >= min(m,n)" if k >= min(m, n) else "k < min(m,n)"
    require(field(res, "regime", str, "result") == regime, f"result.regime must be {regime!r}")
    require(cert["claim_id"] in (None, "rem-1", theorem), f"claim_id must be null, rem-1 or {theorem}")
    require(field(res, "verdict", str, "result") == "piecewise", "result.verdict must be 'piecewise'")

    def leaf(c, G, H, where):
        r1 = _rank(W1, k, field(c, "rank_W1", dict, where), G, H, P, where + ".rank_W1")
        r2 = _rank(W2, n, field(c, "rank_W2", dict, where), G, H, P, where + ".rank_W2")
        r12 = _rank(W12, n, field(c, "rank_W1W2", dict, where), G, H, P, where + ".rank_W1W2")
        v = verdict_of(m, k, n, r1, r2, r12)
        rely("behrends-dims" if k >= min(m, n) else "prop-18" if v == OPEN else "thm-5-necessity")
        return v

    merged, stats = _walk_tree(field(ev, "tree", dict, "evidence"), ctx, P, Pt, leaf)
    require(field(res, "cells", list, "result") == merged, "result.cells differ from the merged cells of the tree")
    mark_read(res["cells"])
    return (f"for real parameters {', '.join(names) or '(none)'}, M(W1, W2) = W1 W2 ({m}x{k} times {k}x{n}, "
            f"{theorem}) is, case by case: {_cases(merged)} ({_tail(stats)})")


def products(h: int) -> list:
    """The partial products (a, b), 0 <= a < b <= h, in the order their ranks are listed."""
    return [(a, b) for a in range(h) for b in range(a + 1, h + 1)]


@kind("symbolic_chain_openness")
def check_symbolic_chain_openness(cert: dict) -> str:
    """Chains W_h ... W_1 (h != 2) with parameters: on each cell the ranks of all partial
    products W_b ... W_{a+1} are certified as for pairs; they fix the chain up to changes of basis
    W_i -> G_i W_i G_{i-1}^-1 (interval decomposition), which preserve local openness; a nested
    chain_openness certificate about a chain with the same widths and the same ranks gives the
    cell's verdict."""
    res, ev = cert["result"], cert["evidence"]
    names, ctx, P, Pt = _setup(cert, ("layers",))
    raw = field(cert["inputs"], "layers", list, "inputs")
    require(1 <= len(raw) <= 8 and len(raw) != 2, "inputs.layers: 1 or 3 to 8 layers (2 is a pair)")
    Ws, dims = [], []
    for i, L in enumerate(raw):
        W, nc = poly_matrix(L, P, f"inputs.layers[{i}]")
        require(i == 0 or nc == dims[-1], f"inputs.layers[{i}] does not chain")
        dims += [nc] if i == 0 else []
        dims.append(len(W))
        Ws.append(W)
    h = len(Ws)
    prods = {}
    for a, b in products(h):
        prods[(a, b)] = Ws[a] if b == a + 1 else mat_mul(Ws[b - 1], prods[(a, b - 1)], dims[b - 1], dims[a],
                                                         ctx.constant(0))
    require(cert["claim_id"] in (None, "chain-openness"), "claim_id must be null or chain-openness")
    require(field(res, "verdict", str, "result") == "piecewise", "result.verdict must be 'piecewise'")
    require(field(res, "widths", list, "result") == dims, "result.widths differ from the layers")

    def leaf(c, G, H, where):
        evs = field(c, "ranks", list, where)
        require(len(evs) == len(prods), f"{where}.ranks: one entry per partial product")
        ranks = {ab: _rank(prods[ab], dims[ab[0]], e, G, H, P, f"{where}.ranks[{ab[0]}-{ab[1]}]")
                 for ab, e in zip(products(h), evs)}
        cc = nested(c, "class_certificate", "chain_openness", where)
        Vs = [matrix(L, f"{where}.class_certificate.inputs.layers") for L in cc["inputs"]["layers"]]
        require([Vs[0].ncols()] + [V.nrows() for V in Vs] == dims, f"{where}: the class chain has other widths")
        for a, b in products(h):
            require(chain(Vs[a:b], dims[a]).rank() == ranks[(a, b)], f"{where}: the class chain's product "
                    f"W_{b}...W_{a + 1} has another rank")
        if cc["result"]["verdict"] != "undetermined":
            rely("interval-decomposition")
        return cc["result"]["verdict"]

    merged, stats = _walk_tree(field(ev, "tree", dict, "evidence"), ctx, P, Pt, leaf)
    require(field(res, "cells", list, "result") == merged, "result.cells differ from the merged cells of the tree")
    mark_read(res["cells"])
    return (f"for real parameters {', '.join(names) or '(none)'}, the product map of the chain with widths {dims} "
            f"is, case by case: {_cases(merged)} ({_tail(stats)})")
