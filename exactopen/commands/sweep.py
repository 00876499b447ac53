"""``exactopen sweep FAMILY ... --out DIR``: certified sweeps on Dask (exactopen.sweep)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys


def _common() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("sweep options")
    g.add_argument("--out", dest="out_dir", required=True, metavar="DIR",
                   help="sweep directory: results.jsonl, certificates/, summary.md (a rerun resumes)")
    g.add_argument("--workers", type=int, metavar="N",
                   help="local worker processes (default: one per core; ignored with --scheduler)")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="submit to an existing Dask cluster, e.g. tcp://host:8786 (its workers need "
                        "exactopen installed and DIR at the same path)")
    g.add_argument("--batch", type=int, metavar="K", help="instances per Dask task (default: automatic)")
    g.add_argument("--no-progress", action="store_true", help="no progress bar (it is shown on a terminal)")
    return p


def register(sub) -> None:
    p = sub.add_parser("sweep", help="certified sweeps on Dask: many instances, results.jsonl, resumable",
                       description="Decide many instances in parallel (Dask: a LocalCluster by default, "
                                   "--scheduler for an existing cluster). Each instance has a stable id; "
                                   "DIR/results.jsonl gets one line per id, DIR/certificates/ the checked "
                                   "certificates, DIR/summary.md the verdicts per parameter. A rerun skips "
                                   "done ids. Exit 0, or 1 if some instance ended in an error.")
    fam = p.add_subparsers(dest="family", metavar="FAMILY", parser_class=type(p))
    fam.required = True
    common = _common()
    q = fam.add_parser("thm12", parents=[common], help="thm-12's construction on every applicable architecture")
    q.add_argument("--max-depth", type=int, required=True, metavar="H", help="h = number of layers, 1..H")
    q.add_argument("--max-width", type=int, required=True, metavar="W", help="widths 1..W")
    q = fam.add_parser("critical", parents=[common],
                       help="random critical points of each class (global, strict and degenerate saddles)")
    q.add_argument("--depth", type=int, nargs="+", required=True, metavar="H", help="depths h")
    q.add_argument("--max-width", type=int, required=True, metavar="W", help="widths 1..W")
    q.add_argument("--count", type=int, default=10, metavar="N", help="points per depth and class (default 10)")
    q.add_argument("--seed", type=int, default=0, metavar="S", help="seed (default 0)")
    q = fam.add_parser("openness", parents=[common],
                       help="one pair (W1, W2) per equivalence class (m, k, n, ranks, intersection)")
    q.add_argument("--max-size", type=int, required=True, metavar="N", help="m, k, n in 1..N")
    q.add_argument("--seed", type=int, metavar="S",
                   help="move each normal form by random invertible P, Q, R (same class)")
    q = fam.add_parser("jsonl", parents=[common], help="your own instances, one JSON object a line")
    q.add_argument("file", metavar="FILE",
                   help='lines like {"id": "a", "W1": [[1],[1]], "W2": [[0,0]]}, {"layers": [...], "Y": ...} '
                        'or {"widths": [2,1,1,2]}')
    p.set_defaults(func=run)


LIMIT = 12  # depth / width / size beyond this would enumerate far too many instances


def instances(args) -> list[dict]:
    from exactopen.errors import InputError
    from exactopen.sweep import families

    for name in ("max_depth", "max_width", "max_size"):
        v = getattr(args, name, None)
        if v is not None and not 1 <= v <= LIMIT:
            raise InputError(f"--{name.replace('_', '-')} must be between 1 and {LIMIT}")
    if args.family == "thm12":
        return families.thm12_instances(args.max_depth, args.max_width)
    if args.family == "critical":
        if any(not 1 <= h <= LIMIT for h in args.depth):
            raise InputError(f"--depth values must be between 1 and {LIMIT}")
        if args.count < 0:
            raise InputError("--count must be at least 0")
        return families.critical_instances(args.depth, args.max_width, args.count, args.seed)
    if args.family == "openness":
        return families.openness_instances(args.max_size, args.seed)
    return families.jsonl_instances(args.file)


def run(args) -> int:
    from exactopen.errors import InputError
    from exactopen.sweep import store

    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be at least 1")
    if args.batch is not None and args.batch < 1:
        raise InputError("--batch must be at least 1")
    if not args.out_dir.strip():
        raise InputError("--out: empty directory name")
    insts = instances(args)
    try:
        from exactopen.sweep.engine import run_sweep
    except ImportError as exc:
        raise InputError(f"Dask distributed is needed for sweeps ({exc}); pip install 'dask[distributed]'") from None
    argv = ["exactopen", "sweep", args.family] + _family_argv(args) + ["--out", "DIR"]
    preamble = [f"Produced by `{shlex.join(argv)}` (DIR = the sweep directory); rerunning the same "
                "command resumes (done ids are skipped) and rewrites this file.", ""]
    rep = run_sweep(insts, args.out_dir, workers=args.workers, scheduler=args.scheduler, batch=args.batch,
                    progress=False if args.no_progress else None,
                    title=f"Sweep `{args.family}`", preamble=preamble)
    results, _ = store.read_results(os.path.abspath(args.out_dir))
    counts: dict = {}
    for iid in {i["id"] for i in insts}:
        v = results.get(iid, {}).get("verdict", "missing")
        counts[v] = counts.get(v, 0) + 1
    print(f"{rep.total} instances: {rep.skipped} already done, {rep.ran} decided now"
          + (f" on {rep.workers} worker(s) in {rep.seconds:.1f} s" if rep.ran else ""))
    for v in sorted(counts, key=lambda v: (v == "error", v)):
        print(f"  {v}: {counts[v]}")
    out = args.out_dir.rstrip("/")
    print(f"results: {out}/results.jsonl; summary: {out}/summary.md; re-check: exactopen verify {out}")
    if counts.get("error"):
        print(f"{counts['error']} instance(s) ended in an error (see {out}/summary.md)", file=sys.stderr)
        return 1
    return 0


def _family_argv(args) -> list[str]:
    if args.family == "thm12":
        return ["--max-depth", str(args.max_depth), "--max-width", str(args.max_width)]
    if args.family == "critical":
        return ["--depth", *map(str, args.depth), "--max-width", str(args.max_width), "--count", str(args.count),
                "--seed", str(args.seed)]
    if args.family == "openness":
        return ["--max-size", str(args.max_size)] + (["--seed", str(args.seed)] if args.seed is not None else [])
    return [args.file]
