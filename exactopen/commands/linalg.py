"""Linear-algebra commands: rank, nullspace, colspace, intersect, solve."""

from __future__ import annotations

from exactopen.cli import add_numeric_option, add_output_options, emit


def register(sub) -> None:
    p = sub.add_parser("rank", help="exact rank of a matrix (or of a product of factors), certified")
    p.add_argument("matrices", nargs="+", metavar="SPEC", help="matrix; several SPECs mean their product")
    add_output_options(p); add_numeric_option(p)
    p.set_defaults(func=run_rank)

    p = sub.add_parser("nullspace", help="basis of the null space N(A) (or N(A^T) with --left), certified")
    p.add_argument("matrix", metavar="SPEC")
    p.add_argument("--left", action="store_true", help="left null space {y : y^T A = 0}")
    add_output_options(p); add_numeric_option(p)
    p.set_defaults(func=run_nullspace)

    p = sub.add_parser("colspace", help="basis of the column space (or row space with --rows), certified")
    p.add_argument("matrix", metavar="SPEC")
    p.add_argument("--rows", action="store_true", help="row space instead of column space")
    add_output_options(p); add_numeric_option(p)
    p.set_defaults(func=run_colspace)

    p = sub.add_parser("intersect", help="basis and dimension of N(A) ∩ C(B), certified")
    p.add_argument("--A", required=True, metavar="SPEC")
    p.add_argument("--B", required=True, metavar="SPEC")
    add_output_options(p); add_numeric_option(p)
    p.set_defaults(func=run_intersect)

    p = sub.add_parser("solve", help="exact solution of A X = B, or a certificate that none exists")
    p.add_argument("--A", required=True, metavar="SPEC")
    p.add_argument("--B", required=True, metavar="SPEC")
    add_output_options(p); add_numeric_option(p)
    p.set_defaults(func=run_solve)


def _load(spec, args, what):
    from exactopen.inputs import load_matrix

    return load_matrix(spec, numeric=args.numeric, what=what)


def run_rank(args) -> int:
    from exactopen.errors import InputError
    from exactopen.exact import linalg

    mats = [_load(s, args, f"matrix {i + 1}") for i, s in enumerate(args.matrices)]
    for i in range(1, len(mats)):
        if mats[i - 1].ncols() != mats[i].nrows():
            raise InputError(f"shape mismatch: factor {i} is {mats[i-1].nrows()}x{mats[i-1].ncols()}, "
                             f"factor {i + 1} is {mats[i].nrows()}x{mats[i].ncols()}")
    cert = linalg.rank_certificate(mats[0]) if len(mats) == 1 else linalg.rank_certificate(factors=mats)
    r = cert["result"]["rank"]
    emit(args, cert, [f"rank = {r}"], {"verdict": f"rank {r}", "rank": r})
    return 0


def run_nullspace(args) -> int:
    from exactopen.exact import linalg
    from exactopen.exact import matrix as mx

    A = _load(args.matrix, args, "matrix")
    cert = linalg.nullspace_certificate(A, "left" if args.left else "right")
    N = mx.from_json(cert["result"]["basis"])
    what = "N(A^T)" if args.left else "N(A)"
    emit(args, cert, [f"dim {what} = {N.ncols()}; basis (columns):", mx.pretty(N)],
         {"verdict": f"dimension {N.ncols()}", "dim": N.ncols(), "basis": cert["result"]["basis"]})
    return 0


def run_colspace(args) -> int:
    from exactopen.exact import linalg
    from exactopen.exact import matrix as mx

    A = _load(args.matrix, args, "matrix")
    space = "row" if args.rows else "column"
    cert = linalg.column_space_certificate(A, space)
    B = mx.from_json(cert["result"]["basis"])
    n = B.nrows() if args.rows else B.ncols()
    emit(args, cert, [f"dim of the {space} space = {n}; basis ({'rows' if args.rows else 'columns'}):",
                      mx.pretty(B)], {"verdict": f"dimension {n}", "dim": n, "basis": cert["result"]["basis"]})
    return 0


def run_intersect(args) -> int:
    from exactopen.errors import InputError
    from exactopen.exact import linalg
    from exactopen.exact import matrix as mx

    A, B = _load(args.A, args, "--A"), _load(args.B, args, "--B")
    if A.ncols() != B.nrows():
        raise InputError(f"shape mismatch: A is {A.nrows()}x{A.ncols()}, B is {B.nrows()}x{B.ncols()} "
                         "(need A.cols == B.rows)")
    cert = linalg.intersection_certificate(A, B)
    V = mx.from_json(cert["result"]["basis"])
    emit(args, cert, [f"dim(N(A) ∩ C(B)) = {V.ncols()}" + ("; basis (columns):" if V.ncols() else ""),
                      *([mx.pretty(V)] if V.ncols() else [])],
         {"verdict": f"dimension {V.ncols()}", "dim": V.ncols(), "basis": cert["result"]["basis"]})
    return 0


def run_solve(args) -> int:
    from exactopen.errors import InputError
    from exactopen.exact import linalg
    from exactopen.exact import matrix as mx

    A, B = _load(args.A, args, "--A"), _load(args.B, args, "--B")
    if A.nrows() != B.nrows():
        raise InputError(f"shape mismatch: A has {A.nrows()} rows, B has {B.nrows()}")
    cert = linalg.solve_certificate(A, B)
    if cert["result"]["solvable"]:
        X = mx.from_json(cert["result"]["X"])
        emit(args, cert, ["A X = B has the solution X =", mx.pretty(X)], {"verdict": "solvable", "solvable": True, "X": cert["result"]["X"]})
    else:
        y = mx.from_json(cert["evidence"]["y"])
        emit(args, cert, ["A X = B has no solution: y^T A = 0 but y^T B != 0 for y^T =", mx.pretty(y.transpose())],
             {"verdict": "no_solution", "solvable": False})
    return 0
