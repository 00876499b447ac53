"""``exactopen export coq CERT... --out DIR``: accepted certificates as Coq theorems (issue 23).

Each certificate is first accepted by the trusted checker; then one ``.v`` file per
certificate is written from its JSON (:mod:`exactopen.report.coq`).  ``--compile`` also runs
``coqc`` on the library ``coq/`` and the written files."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("export", help="export accepted certificates to a proof assistant (coq)",
                       description="Exit 0 if every certificate was accepted and exported (and, with --compile, "
                                   "compiled), 1 if the checker rejected one or coqc refused a file, 2 for bad "
                                   "input (unreadable, not a certificate, or a kind the export does not cover).")
    p.add_argument("target", choices=("coq",), help="the proof assistant (coq: Coq 8.16, its standard library)")
    p.add_argument("files", nargs="+", metavar="CERT", help="certificate files (landscape_point saddles and global minima, thm-5 obstructions)")
    p.add_argument("--out", dest="out_dir", metavar="DIR", required=True,
                   help="folder for the .v files (one per certificate, named after it)")
    p.add_argument("--compile", action="store_true",
                   help="compile the Coq library coq/ and the written files with coqc (in a temporary copy)")
    p.add_argument("-j", "--jobs", type=int, default=2, help="coqc processes with --compile (default 2)")
    p.set_defaults(func=run)


def run(args) -> int:
    import os

    from exactopen import kernel
    from exactopen.cli import CheckFailed
    from exactopen.errors import InputError
    from exactopen.report import coq

    if os.path.exists(args.out_dir) and not os.path.isdir(args.out_dir):
        raise InputError(f"--out {args.out_dir}: not a directory")
    written = []
    for path in args.files:
        try:
            written += coq.export_files([path], args.out_dir)
        except kernel.Malformed as exc:
            raise InputError(f"{path}: {exc}") from None
        except kernel.Rejected as exc:
            raise CheckFailed(f"{path}: rejected by the checker, not exported: {exc}") from None
        except coq.NotExportable as exc:
            raise InputError(f"{path}: {exc}") from None
        except OSError as exc:
            raise InputError(f"{args.out_dir}: cannot write ({exc.strerror or exc})") from None
    for w in written:
        print(f"wrote {w}")
    if args.compile:
        rep = coq.compile_all(written, jobs=args.jobs)
        for path, err in rep["failed"].items():
            print(f"coqc refused {path}: {err}")
        print(f"coqc: {rep['compiled']} of {len(written)} files compiled in {rep['seconds']:.1f} s")
        if rep["failed"]:
            return 1
    return 0
