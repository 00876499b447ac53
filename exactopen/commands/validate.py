"""CLI commands for numerical results: ``validate`` (trained weights) and ``numrank``
(certified numerical rank)."""

from __future__ import annotations

import math

from flint import fmpq

from exactopen.cli import (
    add_numeric_option,
    add_output_options,
    check_output_path,
    emit,
)
from exactopen.errors import InputError

AUTO_DIGEST_BYTES = 16 * 2 ** 20  # input files beyond this size are referred to by digest by default


def register(sub) -> None:
    p = sub.add_parser(
        "validate", help="what float weights from training prove (certified)",
        description="Exact facts about float weights W of L(W) = 1/2 |W_h...W_1 X - Y|^2 (floats converted "
                    "exactly): the gradient norm, a certified gap to the global minimum value, a nearby point "
                    "with lower loss, and (with --snap) the exact classification of a nearby simple rational "
                    "point. Exit 0 whatever the verdict.")
    p.add_argument("--weights", required=True, metavar="FILE",
                   help=".npz/.json with arrays W1..Wh (input layer first; may also hold X and Y), or a "
                        "PyTorch state_dict (.pt/.pth) of bias-free nn.Linear layers")
    p.add_argument("--X", metavar="SPEC", help="inputs d_0 x n (FILE or FILE:NAME; default: X in the weights "
                                               "file, else the identity, and the output says so)")
    p.add_argument("--Y", metavar="SPEC", help="targets d_h x n (default: Y in the weights file)")
    p.add_argument("--snap", metavar="TOL", help="snap every weight to the simplest rational within TOL and "
                                                 "classify that exact point")
    p.add_argument("--snap-den", type=int, metavar="N", help="snap to denominators <= N (with or without --snap)")
    p.add_argument("--eps", metavar="E", help="gap below which the point counts as epsilon-global "
                                              "(default 1e-6 * |Y|^2/2); above it a lower nearby point is sought")
    p.add_argument("--descent", action="store_true", help="always look for a lower nearby point")
    p.add_argument("--no-nearby", action="store_true",
                   help="when snapping finds no exact critical point, do not build and classify an exact critical "
                        "point of a nearby problem (data moved by a stated backward error; minutes on large "
                        "stalled networks)")
    p.add_argument("--radius", type=float, metavar="R",
                   help="look for the lower point (the escape) within distance R: the step that lowers the loss "
                        "most within it (default a tenth of the larger of 1, |W|_F and the norm of balanced layers "
                        "fitting the data's top direction; see docs/escape.md)")
    p.add_argument("--samples-as-rows", action="store_true",
                   help="X and Y hold one sample per row (n x d, the numpy/PyTorch layout); the default is one "
                        "sample per column (d x n)")
    p.add_argument("--loss", choices=("sum", "mean"), default="sum",
                   help="report figures for L = 1/2 sum of squared errors (sum, the default and the "
                        "certificate's convention) or PyTorch's mean squared error (mean)")
    p.add_argument("--save-escape", metavar="FILE",
                   help="write the lower-loss point, if one is found, as .npz or .pt arrays named like the input")
    p.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--inputs-by-digest", action="store_true",
                   help="refer to the weights and data by the SHA-256 of their .npz/.npy files instead of embedding "
                        "them (verify with: exactopen verify CERT --inputs FILE...); the default when the files "
                        f"hold more than {AUTO_DIGEST_BYTES // 2 ** 20} MiB")
    g.add_argument("--embed-inputs", action="store_true", help="embed the weights and data in the certificate")
    add_output_options(p)
    p.set_defaults(func=run_validate)

    p = sub.add_parser("numrank", help="certified numerical rank of a (float) matrix",
                       description="Exact rank, exact distances to rational matrices of lower rank, and "
                                   "certified lower bounds on singular values (PSD certificates).")
    p.add_argument("matrix", metavar="SPEC", help="the matrix (inline JSON, FILE, FILE:NAME, .npy/.npz)")
    p.add_argument("--rank", type=int, nargs="+", metavar="K", help="ranks to certify (default: the numerical "
                                                                    "rank and the rank at the largest gap)")
    p.add_argument("--tol", type=float, help="tolerance for the default numerical rank (default: numpy's)")
    add_output_options(p)
    add_numeric_option(p)
    p.set_defaults(func=run_numrank)


def run_validate(args) -> int:
    from exactopen.errors import InputError
    from exactopen.exact.numbers import parse_rational
    from exactopen.exact.snap import parse_tolerance
    from exactopen.inputs import load_problem
    from exactopen.models import CLI_FLAGS, build_network
    from exactopen.numeric.progress import Progress
    from exactopen.numeric.validate import validate

    if args.save_escape:
        check_output_path(args.save_escape, "--save-escape")
        if not args.save_escape.lower().endswith((".npz", ".pt", ".pth")):
            raise InputError("--save-escape: the file must end in .npz, .pt or .pth")
    layers, X, Y, keys = load_problem(args.weights, args.X, args.Y)
    src = None if X is None else (f"--X {args.X}" if args.X else f"stored in {args.weights}")
    net, assumed = build_network(layers, X, Y, keys, CLI_FLAGS, args.samples_as_rows, src)
    _check_network_range(net)
    tol = parse_tolerance(args.snap) if args.snap else None
    if args.snap_den is not None and args.snap_den < 1:
        raise InputError("--snap-den must be a positive integer")
    if args.radius is not None and not (args.radius > 0 and math.isfinite(args.radius)):
        raise InputError("--radius must be a positive finite number")
    eps = None
    if args.eps:
        q = parse_rational(args.eps, "--eps")
        if q < 0:
            raise InputError("--eps must be nonnegative")
        if q > fmpq(10) ** 300:
            raise InputError("--eps is too large (at most 1e300)")
        eps = float(q)
    inputs, files = _references(args, net, keys)
    prog = Progress(5, enabled=False if args.quiet or args.json else None)
    v = validate(net, snap_tol=tol, snap_den=args.snap_den, eps_global=eps, progress=prog,
                 always_descent=args.descent, radius=args.radius, loss=args.loss, inputs=inputs, files=files,
                 nearby=False if args.no_nearby else None)
    prog.step("exact checker")
    lines = assumed + list(v.lines)
    if files:
        named = " ".join(_shell_word(f) for f in files)
        lines.append(f"  the weights and data are referred to by SHA-256, not embedded: verify with "
                     f"exactopen verify {_shell_word(args.out) if getattr(args, 'out', None) else 'CERT'} "
                     f"--inputs {named}")
    if args.save_escape:
        if v.escape is None:
            lines.append(f"  --save-escape: no lower point was found, {args.save_escape} not written")
        else:
            save_arrays(args.save_escape, dict(zip(keys, v.escape)))
            lines.append(f"  the lower point was written to {args.save_escape} (keys {', '.join(keys)})")
    try:
        emit(args, v.certificate, lines, {**v.summary, "assumed": assumed})
    finally:
        prog.close()
    return 0


def _references(args, net, keys) -> tuple:
    """(inputs, files) of the certificate: (None, None) to embed the matrices, else references
    to the user's NumPy files by digest (--inputs-by-digest, or by default for large files)."""
    import os

    from exactopen.inputs import file_references

    if args.embed_inputs:
        return None, None
    specs = [args.weights] + [s for s in (args.X, args.Y) if s]
    paths = [s if os.path.exists(s) else s.rpartition(":")[0] for s in specs]
    size = sum(os.path.getsize(p) for p in set(paths) if os.path.exists(p))
    if not args.inputs_by_digest and size <= AUTO_DIGEST_BYTES:
        return None, None
    try:
        return file_references(net, args.weights, keys, args.X, args.Y, args.samples_as_rows)
    except InputError:
        if args.inputs_by_digest:
            raise
        return None, None  # not NumPy files: embedded, as for small inputs


def _shell_word(s: str) -> str:
    import shlex

    return shlex.quote(s)


def save_arrays(path: str, arrays: dict) -> None:
    """Write float64 arrays as .npz (numpy) or .pt/.pth (a torch state_dict), atomically."""
    import io

    from exactopen.certificate import write_atomic_bytes

    buf = io.BytesIO()
    if path.lower().endswith(".npz"):
        import numpy as np

        np.savez(buf, **arrays)
    else:
        try:
            import torch
        except ImportError:
            raise InputError(f"{path}: writing a PyTorch file needs torch (pip install 'exactopen[torch]')") from None
        torch.save({k: torch.from_numpy(v) for k, v in arrays.items()}, buf)
    try:
        write_atomic_bytes(path, buf.getvalue())
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _check_network_range(net) -> None:
    """validate's numeric search runs in floats: refuse entries beyond 1e150 (InputError)."""
    from exactopen.exact.floats import check_float_range

    for i, W in enumerate(net.layers):
        check_float_range(W, f"W{i + 1}")
    for name in ("X", "Y"):
        M = getattr(net, name, None)
        if M is not None:
            check_float_range(M, name)


def run_numrank(args) -> int:
    from exactopen.errors import InputError
    from exactopen.exact.floats import check_float_range
    from exactopen.inputs import load_matrix
    from exactopen.numeric.rank import numerical_rank_certificate

    A = load_matrix(args.matrix, numeric=args.numeric, what="matrix")
    check_float_range(A, "matrix")
    if args.rank and any(k < 0 for k in args.rank):
        raise InputError("--rank values must be nonnegative")
    if args.tol is not None and not (args.tol >= 0 and math.isfinite(args.tol)):
        raise InputError("--tol must be a nonnegative finite number")
    cert, lines, summary = numerical_rank_certificate(A, args.rank, args.tol)
    emit(args, cert, lines, summary)
    return 0
