"""Benchmark: compile the Coq library coq/ and every exported theorem of certificates/coq/ (issue 23).

Compiles in a temporary copy (no .vo files left in the repository), ``--jobs`` coqc processes
at a time, runs ``Print Assumptions`` on every theorem (each must be closed under the global
context: no axiom, no admitted step), and prints the files per verdict and the wall and CPU time
of the whole set.  Exit 1 if a file
does not compile, 2 if coqc is missing.  CI (``.ci/run``) runs it after the tests.

    python benchmarks/coq.py            # everything, 2 processes
    python benchmarks/coq.py --jobs 1 --only ex_intro ex_3layer
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main() -> int:
    from exactopen.report import coq

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", nargs="+", metavar="MODULE", help="only these files of certificates/coq (no .v)")
    args = ap.parse_args()
    if shutil.which("coqc") is None:
        print("coqc is not installed (apt-get install coq)", file=sys.stderr)
        return 2
    folder = os.path.join(ROOT, "certificates", coq.AUDIT_DIR)
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".v")
                   and (not args.only or f[:-2] in args.only))
    counts: dict[str, int] = {}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            m = re.search(r"verdict (\w+)\)", fh.readline())
        counts[m.group(1) if m else "?"] = counts.get(m.group(1) if m else "?", 0) + 1
    rep = coq.compile_all(files, jobs=args.jobs)
    for path, err in sorted(rep["failed"].items()):
        print(f"FAILED {os.path.basename(path)}: {err}")
    for verdict, n in sorted(counts.items()):
        print(f"{verdict}: {n} files")
    print(f"coqc ({args.jobs} jobs): library + {rep['compiled']} of {len(files)} files compiled, every theorem "
          f"closed under the global context (Print Assumptions), in "
          f"{rep['seconds']:.1f} s (coqc CPU time {rep['cpu_seconds']:.1f} s)")
    return 1 if rep["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
