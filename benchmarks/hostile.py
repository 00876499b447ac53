"""Benchmark: the checker on hostile files (issue 20), at full scale.

Builds every case of tests/kernel/hostile.py (and hostile_more.py) at ``--scale`` (1 = the
full-size attack) in a temporary folder and runs both ``python -m exactopen.kernel FILE`` and
``exactopen verify FILE`` on it, each in its own subprocess (a new session) under RLIMIT_AS =
3 GiB, killed after ``--timeout`` seconds.  Per run: wall seconds, the child's peak RSS
(``os.wait4``'s rusage of that child), the exit code (negative: killed by that signal), whether
stdout + stderr is exactly one line, and the first 100 characters of that output (the file's
path removed).  The promise under test: one line, and within 10 s and 1 GB for files up to
1 MB, 60 s and 2 GB above.  Prints a Markdown table.  Building honest certificates runs the
kernel once in this process (for the claim sentence), so the whole run takes a while.

    python benchmarks/hostile.py                          # every case, full scale
    python benchmarks/hostile.py --only saddle_64_blocks --only json_objects_64MiB
    python benchmarks/hostile.py --scale 0.1 --timeout 60 # smaller files
    python benchmarks/hostile.py --checker /tmp/old       # another checker (git archive COMMIT exactopen)

The runs start in the files' folder (not the repository), so they import the installed exactopen,
or the one of ``--checker``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

MEMORY = 3 << 30  # RLIMIT_AS of each run
ENV = dict(os.environ)  # the children's environment (PYTHONPATH set by --checker)


def commands(path: str) -> list[tuple[str, list[str]]]:
    script = os.path.join(os.path.dirname(sys.executable), "exactopen")
    verify = [script, "verify", path] if os.path.exists(script) else [sys.executable, "-m", "exactopen", "verify", path]
    return [("python -m exactopen.kernel", [sys.executable, "-m", "exactopen.kernel", path]),
            ("exactopen verify", verify)]


def _limit():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(argv: list[str], timeout: float, cwd: str) -> dict:
    """Run argv (stdout + stderr into one file); wall seconds, peak RSS (MB), exit code, output."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd,
                                env=ENV, preexec_fn=_limit, start_new_session=True)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t0 > timeout:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        secs = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return {"secs": secs, "peak_mb": usage.ru_maxrss / 1024, "exit": proc.returncode, "timed_out": timed_out,
            "text": text}


def message(text: str, path: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    if line.startswith(path + ": "):
        line = line[len(path) + 2:]
    return line[:100].replace("|", "\\|")


def checker_text(folder: str) -> str:
    """Which exactopen the runs import, and (for this repository) its commit and state."""
    where = subprocess.run([sys.executable, "-c", "import exactopen.kernel as k; print(k.__file__)"], cwd=folder,
                           env=ENV, capture_output=True, text=True).stdout.strip()
    if not where.startswith(os.path.join(ROOT, "exactopen")):
        return f"checker {os.path.dirname(os.path.dirname(where))}"
    git = lambda *a: subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: E731
    dirty = git("status", "--short", "--", "exactopen").splitlines()
    return f"checker at {git('rev-parse', '--short', 'HEAD')}" + (f" + {len(dirty)} uncommitted files" if dirty else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", metavar="NAME", help="run this case only (repeatable)")
    ap.add_argument("--scale", type=float, default=1.0, help="size of the attack (1 = full)")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds before a run is killed")
    ap.add_argument("--keep", metavar="DIR", help="write the files to DIR and keep them")
    ap.add_argument("--checker", metavar="DIR", help="a folder holding another exactopen package to run (e.g. "
                    "from: git archive COMMIT exactopen | tar -x -C DIR); it also builds the honest claims")
    args = ap.parse_args()
    if args.checker:
        root = os.path.abspath(args.checker)
        sys.path.insert(0, root)
        ENV["PYTHONPATH"] = os.pathsep.join([root, ROOT] + ([ENV["PYTHONPATH"]] if ENV.get("PYTHONPATH") else []))
    from tests.kernel.hostile import CASES
    names = args.only or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        ap.error(f"unknown case(s) {unknown}; known: {', '.join(CASES)}")
    folder = args.keep or tempfile.mkdtemp(prefix="exactopen-hostile-")
    os.makedirs(folder, exist_ok=True)
    print(f"{checker_text(folder)}; scale {args.scale}; RLIMIT_AS {MEMORY >> 30} GiB; timeout {args.timeout:g} s\n")
    print("| file | size | command | exit | s | peak MB | one line? | message |")
    print("|---|---:|---|---:|---:|---:|---|---|")
    try:
        for name in names:
            case = CASES[name]
            t = time.perf_counter()
            try:
                data = case.build(args.scale)
            except Exception as exc:  # a builder's slip: say so, go on
                print(f"| {name} | - | build | - | - | - | - | build failed: {type(exc).__name__}: {exc} |", flush=True)
                continue
            print(f"[{name}: built {len(data):,} bytes in {time.perf_counter() - t:.1f} s]", file=sys.stderr,
                  flush=True)
            path = os.path.join(folder, f"{name}.json")
            with open(path, "wb") as fh:
                fh.write(data)
            del data
            size = os.path.getsize(path)
            size_text = f"{size / (1 << 20):.1f} MiB" if size >= 1 << 20 else f"{size / 1000:.0f} KB"
            for label, argv in commands(path):
                r = run(argv, args.timeout, folder)
                exit_text = "timeout" if r["timed_out"] else str(r["exit"])
                one = len(r["text"].strip().splitlines()) == 1 and not r["timed_out"]
                lines = len(r["text"].strip().splitlines())
                print(f"| {name} | {size_text} | {label} | {exit_text} | {r['secs']:.1f} | {r['peak_mb']:.0f} | "
                      f"{'yes' if one else f'no ({lines} lines)'} | {message(r['text'], path)} |", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
