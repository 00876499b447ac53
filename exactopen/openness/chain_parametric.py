"""Piecewise local openness of chains W_h ... W_1 whose entries name parameters (generator side).

The verdict of :func:`exactopen.openness.chain.decide_chain` is a property of the chain's class
under changes of basis W_i -> G_i W_i G_{i-1}^-1, and the class is fixed by the widths and the
ranks of all partial products W_b ... W_{a+1} (interval decomposition; docs/chains.md, Lemma
C6).  So the pair stratifier of :mod:`exactopen.openness.parametric`, run on every partial
product, cuts parameter space into cells of constant class; on each cell the normal-form
representative of the class is decided once, and its ``chain_openness`` certificate is nested in
the cell.  The kernel's kind is ``symbolic_chain_openness``.

h = 2 is a pair (:func:`exactopen.openness.parametric.stratify_pair`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from exactopen.errors import InputError
from exactopen.exact.polynomials import poly_to_str
from exactopen.openness.cases import merged_cells
from exactopen.openness.chain import decide_chain, representative
from exactopen.openness.parametric import (
    Cell,
    _check_degrees,
    _no_real_points,
    _Stratifier,
    parse_symbolic_matrices,
)

KIND = "symbolic_chain_openness"


def products(h: int) -> list[tuple[int, int]]:
    """(a, b) for the partial products W_b ... W_{a+1}, 0 <= a < b <= h (the kernel's order)."""
    return [(a, b) for a in range(h) for b in range(a + 1, h + 1)]


def multiplicities(dims: list[int], ranks: dict) -> dict:
    """Interval multiplicities {(a, b): m} from the ranks r(a, b) of the partial products
    (r(a, a) = d_a): m(a, b) = r(a, b) - r(a-1, b) - r(a, b+1) + r(a-1, b+1)."""
    h = len(dims) - 1

    def r(a, b):
        if a < 0 or b > h:
            return 0
        return dims[a] if a == b else ranks[(a, b)]

    out = {}
    for a in range(h + 1):
        for b in range(a, h + 1):
            m = r(a, b) - r(a - 1, b) - r(a, b + 1) + r(a - 1, b + 1)
            if m < 0:
                raise AssertionError(f"ranks {ranks} are not those of a chain")
            if m:
                out[(a, b)] = m
    return out


@dataclass
class SymbolicChain:
    names: list
    layers: list  # rows of polys per layer
    widths: list
    tree: dict
    leaves: list
    cells: list
    empty_branches: int
    real_empty_branches: int = 0
    real_notes: list = field(default_factory=list)
    classes: dict = field(default_factory=dict)  # rank profile -> (verdict, reason)
    seconds: float = 0.0
    certificate: dict = field(default_factory=dict, repr=False)
    ring: object = field(default=None, repr=False)

    def verdict_at(self, values: dict) -> str:
        """The piecewise verdict at a rational point (walks the certificate's case tree)."""
        from exactopen.exact.ideals import evaluate
        from exactopen.exact.polynomials import parse_polynomial

        node = self.certificate["evidence"]["tree"]
        while "split" in node:
            p = parse_polynomial(node["split"], self.ring)
            node = node["zero"] if evaluate(p, values) == 0 else node["nonzero"]
        if "empty" in node:
            raise AssertionError(f"point {values} lies in a branch certified empty")
        return node["cell"]["verdict"]


def stratify_chain(layers: list, names: list | None = None, time_limit: float | None = None) -> SymbolicChain:
    """Piecewise local openness of (W_1, ..., W_h) -> W_h ... W_1 (h = 1 or h >= 3, input layer
    first; layers as lists of rows of polynomial texts or ints)."""
    t0 = time.perf_counter()
    h = len(layers)
    if h == 2 or not 1 <= h <= 8:
        raise InputError("a parametric chain has 1 or 3 to 8 layers (2 layers: use `exactopen openness`)")
    R, names, mats = parse_symbolic_matrices({f"W{i + 1}": L for i, L in enumerate(layers)}, names)
    Ws = [mats[f"W{i + 1}"] for i in range(h)]
    dims = [len(Ws[0][0])] + [len(W) for W in Ws]
    for i in range(1, h):
        if len(Ws[i][0]) != len(Ws[i - 1]):
            raise InputError(f"shape mismatch: layer {i} is {len(Ws[i - 1])}x{len(Ws[i - 1][0])}, layer {i + 1} is "
                             f"{len(Ws[i])}x{len(Ws[i][0])} (need cols = previous rows)")
    prods = {}
    for a, b in products(h):
        if b == a + 1:
            prods[(a, b)] = Ws[a]
        else:
            A, B = Ws[b - 1], prods[(a, b - 1)]
            prods[(a, b)] = [[sum((A[i][l] * B[l][j] for l in range(dims[b - 1])), R(0)) for j in range(dims[a])]
                             for i in range(dims[b])]
    _check_degrees(names, {f"W_{b}...W_{a + 1}": prods[(a, b)] for a, b in products(h)})
    classes: dict = {}

    def leaf_fn(rk):
        ranks = dict(zip(products(h), rk))
        if rk not in classes:
            verdict, reason, cert = decide_chain(representative(h, multiplicities(dims, ranks)))
            classes[rk] = (verdict, reason, cert)
        verdict, _reason, cert = classes[rk]
        return verdict, {"class_certificate": cert}

    deadline = None if time_limit is None else t0 + time_limit
    st = _Stratifier(R, [prods[ab] for ab in products(h)], [dims[a] for a, _b in products(h)],
                     [f"rank_{a}-{b}" for a, b in products(h)], leaf_fn, R.gens[-1], deadline)
    tree = _ranks_as_list(st.build(Cell(), 0, [], [], None, []), h)
    res = SymbolicChain(names, Ws, dims, tree, st.leaves, merged_cells(tree), st.empty, st.real_empty,
                        classes={k: v[:2] for k, v in classes.items()}, ring=R)
    for c in res.cells:  # generator remark only (not part of the certified cells)
        flag = _no_real_points(R, c)
        if flag:
            res.real_notes.append((c, flag))
    res.certificate = certificate(res, str(R.gens[-1]))
    res.seconds = time.perf_counter() - t0
    return res


def _ranks_as_list(node: dict, h: int) -> dict:
    """The stratifier labels each product's rank evidence; the certificate lists them in order."""
    if "split" in node:
        return {"split": node["split"], "zero": _ranks_as_list(node["zero"], h),
                "nonzero": _ranks_as_list(node["nonzero"], h)}
    if "cell" in node:
        c = node["cell"]
        return {"cell": {"verdict": c["verdict"], "ranks": [c[f"rank_{a}-{b}"] for a, b in products(h)],
                         "class_certificate": c["class_certificate"]}}
    return node


def certificate(res: SymbolicChain, tname: str) -> dict:
    from exactopen.certificate import envelope

    inputs = {"parameters": res.names,
              "layers": [{"shape": [len(W), len(W[0])], "rows": [[poly_to_str(x) for x in r] for r in W]}
                         for W in res.layers]}
    result = {"verdict": "piecewise", "widths": res.widths, "cells": res.cells}
    evidence = {"rabinowitsch": tname, "tree": res.tree}
    return envelope(KIND, None, inputs, result, evidence, claim_id="chain-openness")


WORDS = {"locally_open": "locally open", "not_locally_open": "NOT locally open", "undetermined": "undetermined"}


def describe(res: SymbolicChain) -> list[str]:
    """Human lines: the chain, then the cases with their verdicts."""
    from exactopen.openness.cases import _lit

    lines = [f"chain with widths {res.widths} and parameters {', '.join(res.names)}: the verdict depends on the "
             "ranks of the partial products W_b...W_{a+1}; cases (they cover the whole parameter space):"]
    notes = {id(c): note for c, note in res.real_notes}
    for i, c in enumerate(res.cells, 1):
        cond = [_lit((p, "=")) for p in c["equations"]] + [_lit((p, "!=")) for p in c["inequations"]]
        extra = f"  (no real points: {notes[id(c)]})" if id(c) in notes else ""
        lines.append(f"  {i}. {' and '.join(cond) or 'all values'}: {WORDS.get(c['verdict'], c['verdict'])}{extra}")
    lines.append(f"  ({len(res.leaves)} rank cells checked, {len(res.classes)} classes decided; "
                 f"{res.empty_branches} empty branches pruned)")
    return lines


def summary(res: SymbolicChain) -> dict:
    return {"verdict": "piecewise", "widths": res.widths, "parameters": res.names, "cells": res.cells}
