"""Checker for a deep linear network whose target depends on one parameter: kind
"symbolic_landscape" (thm-12 with Y = y E).

Inputs: one parameter name, rational layers W_1..W_h (input first) and X, and Y whose entries
are polynomials in the parameter (strings in kernel.symbolic's grammar).  L(W; y) =
1/2 |W_h..W_1 X - Y(y)|^2 is expanded in fmpq_mpoly.  Checked:
  - every gradient entry (W_h..W_{k+1})^T E (W_{k-1}..W_1 X)^T, E = W_h..W_1 X - Y, is the zero
    polynomial: W is critical for every y;
  - evidence.split is q = c y^e (e >= 1): the cells q = 0 (that is y = 0) and q != 0 cover R;
  - per cell, "global_minimum": L vanishes on the cell (L(0) = 0, resp. L = 0 identically),
    and L >= 0 always; "saddle": a curve gamma(t) = W + sum_j t^j C_j (C_j polynomial in y),
    p(t; y) = L(gamma(t)) - L(W), expanded exactly; its lowest coefficient not zero on the cell
    (after y := 0 on the zero cell) is negative on the whole cell, and so is p(t0; y) for the
    witness t0.  "Negative on y != 0" is checked as: a single term a y^(2m) with a < 0;
  - result.loss and the cells' strings equal what is recomputed.
"""

from __future__ import annotations

from flint import fmpq, fmpq_mpoly_ctx

from exactopen.kernel.core import kind
from exactopen.kernel.polynomials import NAME, Parser, Work, mat_mul, poly_matrix
from exactopen.kernel.work import entry_bytes
from exactopen.kernel.primitives import (
    BUDGET,
    METER,
    PY,
    entry_cost,
    eye,
    field,
    mark_read,
    matrix,
    rational,
    require,
    scalar_pow,
    within,
)

VERDICTS = ("global_minimum", "saddle")




def _const(A, ctx):
    """The entries of a rational matrix as constant polynomials (charged and held first)."""
    nb, db, _ = A.bounds()
    n = A.nrows() * A.ncols()
    METER.charge(n * (PY + entry_cost(nb + db)), "constant polynomials of a matrix's entries")
    METER.hold(n * (150 + entry_bytes(nb, db)), "constant polynomials of a matrix's entries")
    return [[ctx.constant(A[i, j]) for j in range(A.ncols())] for i in range(A.nrows())]


def _add(A, B, sign=1):
    return [[Work.add(a, b, sign) for a, b in zip(r, s)] for r, s in zip(A, B)]


def _t(A, ncols):
    return [[A[i][j] for i in range(len(A))] for j in range(ncols)]


def _zeros(m, n, ctx):
    return [[ctx.constant(0) for _ in range(n)] for _ in range(m)]


def _chain(mats, start, ncols, ctx):
    """mats[-1] ... mats[0] start (each mats[k] a (rows, cols, entries) triple)."""
    F = start
    for M, cols in mats:
        F = mat_mul(M, F, cols, ncols, ctx.constant(0))
    return F


def _curve_poly(Ws, X, Y, curve, P, ctx):
    """Coefficients (in y) of p(t; y) = L(W + sum_j t^j C_j) - L(W), a list indexed by the power of t."""
    require(isinstance(curve, list) and curve, "evidence curve must be a non-empty list of terms")
    polys = [[W] for W, _ in Ws]
    for i, term in enumerate(curve):
        j = field(term, "power", int, f"curve[{i}]")
        require(1 <= j <= BUDGET["curve_power"], f"curve[{i}].power must be in 1..{BUDGET['curve_power']}")
        Ls = field(term, "layers", list, f"curve[{i}]")
        require(len(Ls) == len(Ws), f"curve[{i}] has {len(Ls)} layers, the network has {len(Ws)}")
        for k, obj in enumerate(Ls):
            C, c = poly_matrix(obj, P, f"curve[{i}].layers[{k}]")
            require(len(C) == len(Ws[k][0]) and c == Ws[k][1], f"curve[{i}].layers[{k}] has the wrong shape")
            while len(polys[k]) <= j:
                polys[k].append(_zeros(len(C), c, ctx))
            polys[k][j] = _add(polys[k][j], C)
    n = len(X[0]) if X else 0
    F = [X]
    for k, layer in enumerate(polys):
        G = [_zeros(len(layer[0]), n, ctx) for _ in range(len(F) + len(layer) - 1)]
        for a, L in enumerate(layer):
            for b, M in enumerate(F):
                G[a + b] = _add(G[a + b], mat_mul(L, M, Ws[k][1], n, ctx.constant(0)))
        F = G
    F[0] = _add(F[0], Y, -1)
    p = [ctx.constant(0) for _ in range(2 * len(F) - 1)]
    for a in range(len(F)):
        for b in range(len(F)):
            if a + b > 0:
                half = Work.mul(Work.sum((Work.mul(x, z) for r, s in zip(F[a], F[b]) for x, z in zip(r, s)),
                                         ctx.constant(0)), fmpq(1, 2))
                p[a + b] = Work.add(p[a + b], half)
    return p


def _negative_on(c, zero_cell: bool) -> bool:
    """c < 0 on the cell: c(0) < 0 (zero cell), or c = a y^(2m) with a < 0 (cell y != 0)."""
    if zero_cell:
        return c.is_constant() and c.leading_coefficient() < 0
    return len(c) == 1 and c.monoms()[0][0] % 2 == 0 and c.coeffs()[0] < 0


@kind("symbolic_landscape")
def check_symbolic_landscape(cert: dict) -> str:
    inputs, res, ev = cert["inputs"], cert["result"], cert["evidence"]
    for key in inputs:
        require(key in ("parameters", "layers", "X", "Y"), f"inputs.{key}: unknown field")
    names = field(inputs, "parameters", list, "inputs")
    require(len(names) == 1 and isinstance(names[0], str) and NAME.fullmatch(names[0]),
            "inputs.parameters must be one name")
    ctx = fmpq_mpoly_ctx.get(tuple(names), "lex")
    P = Parser(ctx, set(names))
    Ls = field(inputs, "layers", list, "inputs")
    require(len(Ls) >= 1, "inputs.layers is empty")
    within(len(Ls), "layers", "inputs.layers: the number of layers")
    Ws = [matrix(M, f"inputs.layers[{i}]") for i, M in enumerate(Ls)]
    Xm = matrix(field(inputs, "X", dict, "inputs"), "inputs.X")
    require(Ws[0].ncols() == Xm.nrows() and all(Ws[i].ncols() == Ws[i - 1].nrows() for i in range(1, len(Ws))),
            "inputs: the layers and X do not chain")
    Y, n = poly_matrix(field(inputs, "Y", dict, "inputs"), P, "inputs.Y")
    require(len(Y) == Ws[-1].nrows() and n == Xm.ncols(), "inputs.Y has the wrong shape")
    W = [(_const(M, ctx), M.ncols()) for M in Ws]
    X = _const(Xm, ctx)
    E = _add(_chain(W, X, n, ctx), Y, -1)
    for k in range(len(W)):
        above = _chain(W[k + 1:], _const(eye(Ws[k].nrows()), ctx),
                       Ws[k].nrows(), ctx)
        below = _chain(W[:k], X, n, ctx)
        g = mat_mul(mat_mul(_t(above, Ws[k].nrows()), E, len(above), n, ctx.constant(0)), _t(below, n),
                 n, len(below), ctx.constant(0))
        require(all(x.is_zero() for r in g for x in r), f"dL/dW_{k + 1} is not identically zero in {names[0]}")
    L0 = Work.mul(Work.sum((Work.mul(x, x) for r in E for x in r), ctx.constant(0)), fmpq(1, 2))
    require(P(field(res, "loss", str, "result"), "result.loss") == L0, "result.loss is not L(W; y)")
    split = field(ev, "split", str, "evidence")
    q = P(split, "evidence.split")
    require(len(q) == 1 and q.degrees()[0] >= 1, "evidence.split must be c*y^e (e >= 1): its zero set is y = 0")
    out, cells = [], []
    for key, zero_cell in (("zero", True), ("nonzero", False)):
        node = field(ev, key, dict, "evidence")
        v = field(node, "verdict", str, f"evidence.{key}")
        require(v in VERDICTS, f"evidence.{key}.verdict must be one of {VERDICTS}")
        on = (lambda c: ctx.constant(c(fmpq(0)))) if zero_cell else (lambda c: c)
        if v == "global_minimum":
            require(on(L0).is_zero(), f"cell {key}: L does not vanish on the cell")
            out.append(f"{split} {'=' if zero_cell else '!='} 0: global minimum (L = 0)")
        else:
            p = [on(c) for c in _curve_poly(W, X, Y, field(node, "curve", list, f"evidence.{key}"), P, ctx)]
            m = next((i for i, c in enumerate(p) if not c.is_zero()), None)
            require(m is not None, f"cell {key}: p(t; y) vanishes identically on the cell")
            require(_negative_on(p[m], zero_cell), f"cell {key}: the lowest coefficient {p[m]} of p is not "
                    "certified negative on the cell")
            require(field(node, "descent_order", int, key) == m and
                    P(field(node, "descent_coefficient", str, key), key) == p[m],
                    f"cell {key}: descent_order / descent_coefficient are not t^{m}, {p[m]}")
            t0 = rational(field(node, "witness_t", str, key), f"evidence.{key}.witness_t")
            gap = Work.sum((Work.mul(c, scalar_pow(t0, i)) for i, c in enumerate(p)), ctx.constant(0))
            require(_negative_on(gap, zero_cell), f"cell {key}: L(gamma(t0)) - L(W) = {gap} is not negative there")
            require(P(field(node, "witness_gap", str, key), key) == gap, f"cell {key}: witness_gap is not {gap}")
            out.append(f"{split} {'=' if zero_cell else '!='} 0: saddle, p = ({p[m]}) t^{m} + ..., gap {gap}")
        cells.append({"equations": [split] if zero_cell else [], "inequations": [] if zero_cell else [split],
                      "verdict": v})
    require(field(res, "verdict", str, "result") == "piecewise", "result.verdict must be 'piecewise'")
    require(field(res, "cells", list, "result") == cells, "result.cells differ from the checked cells")
    mark_read(res["cells"])
    widths = [Ws[0].ncols()] + [M.nrows() for M in Ws]
    return (f"the point W of the linear network with widths ({','.join(map(str, widths))}) and target Y({names[0]}) "
            f"is critical for every real {names[0]}; the cells cover R: " + "; ".join(out))
