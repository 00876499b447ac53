"""Hostile certificate files, third attack round (issue 20), against the checker of ea82d0b and
a577f2e (one work and memory meter per check).  Same conventions as tests/kernel/hostile.py (which
registers these cases in its CASES): ``builder(scale) -> bytes``, deterministic.
"""

from __future__ import annotations

import random

from tests.kernel import hostile
from tests.kernel.hostile import (
    Case,
    _side,
    committed,
    dumps,
    dyadic,
    dyadic_bytes,
    envelope,
    random_bytes_matrix,
)


def parser_trailing_space(scale: float = 1.0) -> bytes:
    """symbolic_openness whose W1 entry is "1+1+...+1 " (500,000 terms and ONE trailing space,
    1 MB): the polynomial parser's loop condition ``pos < len(text.rstrip())`` copies the
    whole text at every token (quadratic, 2.5e11 bytes copied), while the parse is charged
    300 units per character."""
    c = committed("rem-1-parametric-W2-x-y.json")
    n = _side(500_000, scale, 10)
    c["inputs"]["W1"]["rows"][0][0] = "1+" * n + "1 "
    return dumps(c)


def _zero_rank(m: int, k: int, neq: int, nineq: int) -> dict:
    """Rank evidence (rank 0) of the m x k zero polynomial matrix on a cell with ``neq``
    equations and ``nineq`` inequations: the empty minor, and the identity as annihilator
    (k <= 8 columns), every entry of A N = 0 the combination 0 of the equations."""
    z = ["0"] * neq
    return {"rank": 0,
            "minor": {"rows": [], "cols": [], "nonzero": {"q": "1", "powers": [0] * nineq, "cofactors": z}},
            "annihilator": {"basis": {"shape": [k, k], "rows": [["1" if i == j else "0" for j in range(k)]
                                                                  for i in range(k)]},
                            "minor_rows": list(range(k)),
                            "nonzero": {"q": "1", "powers": [0] * nineq, "cofactors": z},
                            "cofactors": [[z] * k for _ in range(m)]}}


def symbolic_long_split_where(scale: float = 1.0) -> bytes:
    """A TRUE symbolic_openness certificate: W1 the 1000 x 4 and W2 the 4 x 4 zero matrix, a
    chain of 6 splits on x, each written with 9,900,000 leading spaces (just within the 10^7
    characters of a polynomial string; the parse is charged 300 units per character), 60 MB.
    The zero side of each split and the last nonzero side are cells with rank-0 evidence of
    1000 x 4 cofactor entries (a few bytes each); every entry formats error messages (f-strings
    evaluated before ``require`` looks at its condition, and the ``where`` of each polynomial
    parse) holding the cell's name, which quotes every split on its path (10 to 60 MB): 2 to 4
    copies per entry, about 6 TB copied, none charged."""
    m, k = (1000 if scale >= 0.1 else 100), 4
    depth = 6
    pad = _side(9_900_000, scale, 10)
    split = " " * pad + "x"
    zeros = {"shape": [m, k], "rows": [["0"] * k for _ in range(m)]}
    zk = {"shape": [k, k], "rows": [["0"] * k for _ in range(k)]}

    def cell(neq, nineq):
        return {"cell": {"verdict": "locally_open", "rank_W1": _zero_rank(m, k, neq, nineq),
                         "rank_W2": _zero_rank(k, k, neq, nineq), "rank_W1W2": _zero_rank(m, k, neq, nineq)}}

    node = cell(0, depth)
    for i in range(depth - 1, -1, -1):   # the split at tree depth i has i inequations above it
        node = {"split": split, "zero": cell(1, i), "nonzero": node}
    c = committed("rem-1-parametric-W2-x-y.json")
    c["inputs"] = {"parameters": ["x"], "W1": zeros, "W2": zk}
    c["claim_id"] = "prop-4"
    c["result"] = {"verdict": "piecewise", "theorem": "prop-4", "regime": "k >= min(m,n)",
                   "cells": [{"equations": [], "inequations": [], "verdict": "locally_open"}]}
    c["evidence"] = {"rabinowitsch": "_t", "tree": node}
    c["claim"] = (f"for real parameters x, M(W1, W2) = W1 W2 ({m}x{k} times {k}x{k}, prop-4) is, case by case: "
                  f"everywhere: locally open ({depth + 1} checked cells; 0 branches without points, 0 of them over R "
                  "by sums of squares; a case may hold no real point)")
    return dumps(c)


def pwl_intercept_heights(scale: float = 1.0) -> bytes:
    """pyramid_global whose activation is piecewise linear with 4,095 breakpoints (4,096 slopes:
    the degree budget) 1/q_i, q_i distinct 780-bit integers (descending, so the breakpoints
    increase), and slopes alternating 1, 2 (1 MB).  Reading the activation computes the intercepts of the
    pieces by continuity, icpt_i = icpt_(i-1) + (s_(i-1) - s_i) b_i: a running sum of 4,096
    rationals with distinct denominators, whose denominator grows to 3,200,000 bits (a gcd of
    such numbers per step).  Only the reading of the 4,096 rationals is charged.  The evidence
    is the base certificate's (refused after the activation is read)."""
    n = _side(4095, scale, 4)   # 4,096 slopes
    rng = random.Random(4096)
    qs = sorted({rng.getrandbits(780) | (1 << 779) | 1 for _ in range(n)}, reverse=True)
    bps = [f"1/{q}" for q in qs]
    c = committed("sec-4-instance-1.json")
    c["inputs"]["activations"][0] = {"name": "pwl", "breakpoints": bps,
                                     "slopes": ["1" if i % 2 == 0 else "2" for i in range(len(bps) + 1)],
                                     "point": "0", "value": "0"}
    return dumps(c)


def pyramid_radius_products(scale: float = 1.0) -> bytes:
    """pyramid_not_open with W1 = I_2, W2 = (1, 1), identity activations, X the 2 x 100,000
    matrix of rows (1, -1, 1, -1, ...) and (1, 1, -1, -1, ...) (rank 2 < n, the vector of ones
    annihilates it) and the radius eps a rational of two 20,000-digit integers (400 KB).
    Locating W1 X on the activation's pieces evaluates ``eps * eps * col_sq`` for each of the
    200,000 entries (two products of 66,000-bit fractions with their gcds, about 0.4 ms each,
    80 s in all), charged as a few Python steps (5,600 units each).  The evidence K and the
    family are missing: refused after that loop."""
    n = 4 * _side(25_000, scale, 1)
    rng = random.Random(20000)
    digits = _side(20_000, min(1.0, 10 * scale), 2)
    p = "1" + "".join(rng.choice("0123456789") for _ in range(digits - 2)) + "1"   # odd
    q = "2" + "".join(rng.choice("0123456789") for _ in range(digits - 2)) + "2"   # even
    X = bytes([1, 255]) * (n // 2) + bytes([1, 1, 255, 255]) * (n // 4)   # rows summing to 0 (width 1)
    ident = {"method": "positive_slopes", "breakpoints": [], "slopes": ["1"]}
    inputs = {"layers": [{"shape": [2, 2], "rows": [["1", "0"], ["0", "1"]]}, {"shape": [1, 2], "rows": [["1", "1"]]}],
              "activations": [{"name": "identity"}, {"name": "identity"}], "X": dyadic_bytes(2, n, X, 1)}
    evidence = {"activations": [ident, ident],
                "layers": [{"rows": [0, 1], "cols": [0, 1]}, {"rows": [0], "cols": [0]}],
                "X_rank": {"side": "right", "basis": dyadic(n, 1, [1] * n), "minor_rows": [0]},
                "radius": f"{p}/{q}"}
    return dumps(envelope("pyramid_not_open", inputs, {"verdict": "not_locally_open"}, evidence, claim_id="lem-6"))


def symbolic_landscape_constants(scale: float = 1.0) -> bytes:
    """symbolic_landscape with 11 dense 2000 x 2000 layers of bytes -128..127 (compact dyadic
    form), a last layer of 1 x 2000 and X of 2000 x 1 (59 MB): decoding the 44,000,000 entries
    is charged (6e10 of the 9e10 units) and their integer forms are held (8 bytes each,
    350 MB), but the kind then converts every entry of every layer to an fmpq_mpoly constant
    (``_const``, neither charged nor held): about 150 bytes each, 6.6 GB."""
    c = committed("thm-12-parametric-d-2-1-1-2.json")
    d = _side(2000, scale, 2)
    h = 11
    rng = random.Random(2000)
    name = c["inputs"]["parameters"][0]
    layers = [random_bytes_matrix(d, d, rng) for _ in range(h)] + [random_bytes_matrix(1, d, rng)]
    c["inputs"] = {"parameters": [name], "layers": layers, "X": random_bytes_matrix(d, 1, rng),
                   "Y": {"shape": [1, 1], "rows": [["0"]]}}
    return dumps(c)


CASES = {
    "parser_trailing_space": Case(parser_trailing_space, 0.02, False,
                                  "polynomial '1+1+...+1 ' (1 MB): rstrip() of the whole text at every token"),
    "symbolic_long_split_where": Case(symbolic_long_split_where, 0.0005, True,
                                      "6 nested splits of 9.9 MB (spaces): every cofactor check formats messages "
                                      "quoting the path (6 TB of f-strings)"),
    "pwl_intercept_heights": Case(pwl_intercept_heights, 0.05, False,
                                  "PWL activation, 4095 breakpoints 1/q_i (780-bit q_i): the intercepts are a "
                                  "running sum of growing height, not charged"),
    "pyramid_radius_products": Case(pyramid_radius_products, 0.01, False,
                                    "pyramid_not_open, radius of 20000/20000 digits, X 2 x 100000: eps*eps per "
                                    "entry, charged as a Python step"),
    "symbolic_landscape_constants": Case(symbolic_landscape_constants, 0.002, False,
                                         "11 dense 2000x2000 layers (59 MB): every entry made an mpoly constant, "
                                         "neither charged nor held (6.6 GB)"),
}

hostile.CASES.update(CASES)  # when this module is imported before tests.kernel.hostile
