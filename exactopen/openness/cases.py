"""The verdicts of a parametric openness question in words: the case tree's cells merged
where siblings agree, and the statement "locally open iff ..." (the tree is the one
:mod:`exactopen.openness.parametric` builds)."""

from __future__ import annotations

import re
from fractions import Fraction

from exactopen.openness.verdicts import NOT_OPEN, OPEN

DOMAIN = ("real parameters: the case splits cover R^p; pruned branches have no real point (empty over C by a "
          "Gröbner/Rabinowitsch certificate, or over R by a sum of squares); a listed cell is nonempty over C "
          "but may have no real point")


def _summaries(tree: dict) -> dict:
    out: dict = {}

    def walk(node):
        if "split" in node:
            z, nz = walk(node["zero"]), walk(node["nonzero"])
            s = nz if z == "empty" else z if nz == "empty" else z if z == nz else None
        elif "empty" in node:
            s = "empty"
        else:
            s = node["cell"]["verdict"]
        out[id(node)] = s
        return s

    walk(tree)
    return out


def merged_cells(tree: dict) -> list:
    """Cells of the tree with one-verdict subtrees merged (the kernel recomputes this)."""
    summ = _summaries(tree)

    def cells(node, gs, hs):
        s = summ[id(node)]
        if s is not None:
            return [] if s == "empty" else [{"equations": gs, "inequations": hs, "verdict": s}]
        z, nz, p = node["zero"], node["nonzero"], node["split"]
        if summ[id(z)] == "empty":
            return cells(nz, gs, hs)
        if summ[id(nz)] == "empty":
            return cells(z, gs, hs)
        return cells(z, gs + [p], hs) + cells(nz, gs, hs + [p])

    return cells(tree, [], [])


# ---------------------------------------------------------------------------------------
# The statement ("locally open iff ...")
# ---------------------------------------------------------------------------------------

def _dnf(tree: dict, verdict: str):
    """The set where the verdict holds, as a list of conjunctions of literals (p, '=' | '!=');
    True is [[]], False is [].  Uses A or (not A and B) = A or B, and drops literals whose
    complement branch is empty."""
    summ = _summaries(tree)

    def go(node):
        s = summ[id(node)]
        if s == "empty":
            return "dc"
        if s is not None:
            return [[]] if s == verdict else []
        p = node["split"]
        z, nz = go(node["zero"]), go(node["nonzero"])
        if z == "dc":
            return nz
        if nz == "dc":
            return z
        if nz == [[]]:
            return [[(p, "!=")]] + [c for c in z if c]
        if z == [[]]:
            return [[(p, "=")]] + [c for c in nz if c]
        return [[(p, "=")] + c for c in z] + [[(p, "!=")] + c for c in nz]

    out = go(tree)
    return [[]] if out == "dc" else out


_AFFINE = re.compile(r"(?:([0-9]+)\*)?([A-Za-z_][A-Za-z0-9_]*) ([+-]) ([0-9]+(?:/[0-9]+)?)", re.ASCII)
_DIFF = re.compile(r"([A-Za-z_][A-Za-z0-9_]*) - ([A-Za-z_][A-Za-z0-9_]*)", re.ASCII)


def _lit(lit) -> str:
    """Human text of p = 0 / p != 0; "3*a - 2 = 0" reads "a = 2/3", "a - b = 0" reads "a = b"."""
    p, op = lit
    rel = "=" if op == "=" else "≠"
    m = _AFFINE.fullmatch(p)
    if m:
        v = Fraction(m.group(4)) / int(m.group(1) or 1) * (-1 if m.group(3) == "+" else 1)
        return f"{m.group(2)} {rel} {v}"
    m = _DIFF.fullmatch(p)
    if m:
        return f"{m.group(1)} {rel} {m.group(2)}"
    return f"{p} {rel} 0"


def _conj(c) -> str:
    return " and ".join(_lit(x) for x in c) or "always"


def statement(tree: dict, cells: list) -> str:
    """One line: "locally open iff x ≠ 0 or y ≠ 0" (or "for every value ...")."""
    verdicts = {c["verdict"] for c in cells}
    if verdicts == {OPEN}:
        return "locally open for every value of the parameters"
    if verdicts == {NOT_OPEN}:
        return "not locally open for any value of the parameters"
    yes, no = _dnf(tree, OPEN), _dnf(tree, NOT_OPEN)
    options = []
    options.append("locally open iff " + " or ".join(
        f"({_conj(c)})" if len(c) > 1 and len(yes) > 1 else _conj(c) for c in yes))
    if len(no) == 1:  # negate one conjunction: a disjunction of negated literals
        neg = [(p, "!=" if op == "=" else "=") for p, op in no[0]]
        options.append("locally open iff " + " or ".join(_lit(x) for x in neg))
    options.append("not locally open iff " + " or ".join(
        f"({_conj(c)})" if len(c) > 1 and len(no) > 1 else _conj(c) for c in no))
    return min(options, key=len)
