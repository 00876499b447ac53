"""Linear-algebra kinds: ``rank``, ``nullspace``, ``column_space``, ``intersection``, ``solve``;
and :func:`intersection_dim`, the exact dim N(A) ∩ C(B) that the openness kinds reuse.

Every fact is re-derived from the numbers with the primitives (minors, annihilators); no
theorem is trusted here.
"""

from __future__ import annotations

from flint import fmpq_mat

from exactopen.kernel.core import kind
from exactopen.kernel.primitives import (
    field,
    full_column_rank,
    is_zero,
    matrix,
    rank_at_least,
    rank_at_most,
    rank_exactly,
    require,
    same_shape,
    vector_index,
)


def subject(inputs: dict, where: str = "inputs") -> fmpq_mat:
    """The matrix a certificate is about: inputs.A, or the product of inputs.factors."""
    if "A" in inputs:
        return matrix(inputs["A"], where + ".A")
    factors = field(inputs, "factors", list, where)
    require(len(factors) >= 1, f"{where}.factors is empty")
    P = matrix(factors[0], f"{where}.factors[0]")
    for i, F in enumerate(factors[1:], 1):
        M = matrix(F, f"{where}.factors[{i}]")
        require(P.ncols() == M.nrows(), f"{where}.factors[{i}] does not chain (shape mismatch)")
        P = P * M
    return P


@kind("rank")
def check_rank(cert: dict) -> str:
    A = subject(field(cert, "inputs", dict, "certificate"))
    r = field(cert["result"], "rank", int, "result")
    rank_exactly(A, cert["evidence"], r, "evidence")
    return f"rank = {r} ({A.nrows()}x{A.ncols()})"


def _oriented(A: fmpq_mat, side: str, where: str) -> fmpq_mat:
    require(side in ("right", "left"), f"{where} must be 'right' or 'left'")
    return A if side == "right" else A.transpose()


@kind("nullspace")
def check_nullspace(cert: dict) -> str:
    """Columns of basis are a basis of N(A) (right) or of N(A^T) (left)."""
    res, ev = cert["result"], cert["evidence"]
    side = field(res, "side", str, "result")
    A = _oriented(subject(field(cert, "inputs", dict, "certificate")), side, "result.side")
    N = matrix(field(res, "basis", dict, "result"), "result.basis")
    require(N.nrows() == A.ncols(), f"result.basis has {N.nrows()} rows, expected {A.ncols()}")
    require(is_zero(A * N), "result.basis: a vector is not in the null space")
    rows = vector_index(field(ev, "basis_minor_rows", list, "evidence"), N.nrows(), "evidence.basis_minor_rows")
    full_column_rank(N, {"rows": rows, "cols": list(range(N.ncols()))}, "result.basis")
    r = rank_at_least(A, field(ev, "minor", dict, "evidence"), "evidence.minor")
    require(r + N.ncols() == A.ncols(), f"rank >= {r} leaves room for {A.ncols() - r} null vectors, "
            f"basis has {N.ncols()}")
    return f"basis of the {side} null space, dimension {N.ncols()}"


@kind("column_space")
def check_column_space(cert: dict) -> str:
    """Columns of basis (space "column") or rows of basis (space "row") are a basis of it."""
    res, ev = cert["result"], cert["evidence"]
    space = field(res, "space", str, "result")
    require(space in ("column", "row"), "result.space must be 'column' or 'row'")
    A = subject(field(cert, "inputs", dict, "certificate"))
    B = matrix(field(res, "basis", dict, "result"), "result.basis")
    P = matrix(field(ev, "preimage", dict, "evidence"), "evidence.preimage")
    hi = rank_at_most(A, field(ev, "annihilator", dict, "evidence"), "evidence.annihilator")
    if space == "row":
        A, B, P = A.transpose(), B.transpose(), P.transpose()
    same_shape(P, A.ncols(), B.ncols(), "evidence.preimage (oriented)")
    require(A * P == B, "basis is not the image of the preimage: basis != A*preimage")
    rows = vector_index(field(ev, "basis_minor_rows", list, "evidence"), B.nrows(), "evidence.basis_minor_rows")
    full_column_rank(B, {"rows": rows, "cols": list(range(B.ncols()))}, "result.basis")
    require(hi == B.ncols(), f"annihilator proves rank <= {hi}, basis has {B.ncols()} vectors")
    return f"basis of the {space} space, dimension {B.ncols()}"


def intersection_dim(A: fmpq_mat, B: fmpq_mat, obj: dict, where: str) -> int:
    """Exact dim N(A) ∩ C(B) from {dim, basis, preimage, basis_minor_rows, rank_B, AB_minor}.

    Lower bound: the basis vectors V = B P satisfy A V = 0 and are independent.
    Upper bound: dim = rank B - rank AB <= (annihilator bound) - (minor bound).
    """
    require(A.ncols() == B.nrows(), f"{where}: A.cols != B.rows")
    d = field(obj, "dim", int, where)
    V = matrix(field(obj, "basis", dict, where), where + ".basis")
    same_shape(V, A.ncols(), d, where + ".basis")
    P = matrix(field(obj, "preimage", dict, where), where + ".preimage")
    same_shape(P, B.ncols(), d, where + ".preimage")
    require(B * P == V, f"{where}: a basis vector is not B times its preimage")
    require(is_zero(A * V), f"{where}: a basis vector is not in N(A)")
    rows = vector_index(field(obj, "basis_minor_rows", list, where), V.nrows(), where + ".basis_minor_rows")
    full_column_rank(V, {"rows": rows, "cols": list(range(d))}, where + ".basis")
    hiB = rank_at_most(B, field(obj, "rank_B", dict, where), where + ".rank_B")
    loAB = rank_at_least(A * B, field(obj, "AB_minor", dict, where), where + ".AB_minor")
    require(hiB - loAB <= d, f"{where}: dim <= rank B - rank AB <= {hiB - loAB}, but > {d} is not excluded")
    return d


class _Union(dict):
    """Keys of several objects read as one (each read is recorded on the object holding it)."""

    def __init__(self, *parts):
        super().__init__()
        self.parts = parts
        for p in parts:
            for key in p:
                require(not dict.__contains__(self, key), f"'{key}' appears in both result and evidence")
                dict.__setitem__(self, key, None)

    def __getitem__(self, key):
        return next(p[key] for p in self.parts if key in p)

    def get(self, key, default=None):
        return self[key] if key in self else default


@kind("intersection")
def check_intersection(cert: dict) -> str:
    """basis spans N(A) ∩ C(B) and dim = rank B - rank AB equals its size."""
    inputs = cert["inputs"]
    A = matrix(field(inputs, "A", dict, "inputs"), "inputs.A")
    B = matrix(field(inputs, "B", dict, "inputs"), "inputs.B")
    d = intersection_dim(A, B, _Union(cert["result"], cert["evidence"]), "certificate")
    return f"dim N(A) ∩ C(B) = {d}"


@kind("solve")
def check_solve(cert: dict) -> str:
    """A X = B has the solution X, or no solution (y^T A = 0, y^T B != 0)."""
    inputs, res, ev = cert["inputs"], cert["result"], cert["evidence"]
    A = matrix(field(inputs, "A", dict, "inputs"), "inputs.A")
    B = matrix(field(inputs, "B", dict, "inputs"), "inputs.B")
    require(A.nrows() == B.nrows(), "inputs: A and B have different row counts")
    if field(res, "solvable", bool, "result"):
        X = matrix(field(res, "X", dict, "result"), "result.X")
        same_shape(X, A.ncols(), B.ncols(), "result.X")
        require(A * X == B, "A X != B")
        return "A X = B is solved by X"
    y = matrix(field(ev, "y", dict, "evidence"), "evidence.y")
    same_shape(y, A.nrows(), 1, "evidence.y")
    require(is_zero(y.transpose() * A), "y^T A != 0")
    require(not is_zero(y.transpose() * B), "y^T B = 0: no contradiction")
    return "A X = B has no solution"
