"""Benchmark: certified sweeps on Dask (exactopen.sweep) against a plain loop.

The same instances (thm-12's construction on every applicable architecture with h <= 4 and
widths <= 4, and random critical points of each class, depths 2-4, widths <= 4) are decided,
checked and written (a) by a plain loop in this process, (b) by ``run_sweep`` on a Dask
LocalCluster with 1 and with 2 single-threaded worker processes, with 1 and 16 instances per Dask task.  Cluster start-up is timed separately (it is paid once per sweep).

    python benchmarks/sweep.py [--count 20] [--max-depth 4] [--max-width 4]

Scaling efficiency = (rate with 2 workers) / (2 x rate with 1 worker); Dask overhead = time on
1 worker / time of the plain loop - 1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time


def instances(max_depth: int, max_width: int, count: int) -> list[dict]:
    from exactopen.sweep import families

    return (families.thm12_instances(max_depth, max_width)
            + families.critical_instances([2, 3, 4], max_width, count, seed=0))


def plain_loop(insts, out_dir) -> float:
    from exactopen.sweep.task import run_instance

    t = time.perf_counter()
    for inst in insts:
        line = run_instance(inst, out_dir)
        assert line["verdict"] != "error", line
    return time.perf_counter() - t


def dask_run(insts, out_dir, workers: int, batch: int | None) -> tuple[float, float, int]:
    """(start-up seconds, sweep seconds, batch used) on a fresh LocalCluster."""
    from distributed import Client

    from exactopen.sweep.engine import default_batch, open_client, run_sweep

    t = time.perf_counter()
    client, cluster = open_client(workers)
    client.wait_for_workers(workers)
    client.run(lambda: __import__("exactopen.landscape.classify"))  # workers import exactopen once
    startup = time.perf_counter() - t
    try:
        assert isinstance(client, Client)
        t = time.perf_counter()
        rep = run_sweep(insts, out_dir, client=client, batch=batch, progress=False)
        assert rep.errors == 0 and rep.ran == len(insts)
        return startup, time.perf_counter() - t, batch or default_batch(len(insts), workers)
    finally:
        client.close()
        cluster.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=20, help="critical points per depth and class (default 20)")
    ap.add_argument("--max-depth", type=int, default=4)
    ap.add_argument("--max-width", type=int, default=4)
    args = ap.parse_args()
    insts = instances(args.max_depth, args.max_width, args.count)
    n = len(insts)
    print(f"{n} instances ({sum(i['family'] == 'thm12' for i in insts)} thm12, "
          f"{sum(i['family'] == 'critical' for i in insts)} critical); {os.cpu_count()} cores")
    root = tempfile.mkdtemp(prefix="exactopen-bench-sweep-")
    rows = []
    try:
        from exactopen.landscape import classify  # noqa: F401 - import cost outside the loop

        t_loop = plain_loop(insts, os.path.join(root, "loop"))
        rows.append(("plain loop", "-", "-", 0.0, t_loop))
        for workers in (1, 2):
            for batch in (1, 16):
                out = os.path.join(root, f"dask-{workers}-{batch}")
                startup, secs, used = dask_run(insts, out, workers, batch)
                rows.append(("Dask LocalCluster", workers, used, startup, secs))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rate = {(r[1], r[2]): n / r[4] for r in rows}
    print()
    print("| run | workers | instances/task | start-up s | sweep s | instances/s | vs plain loop |")
    print("|---|---|---|---|---|---|---|")
    for name, w, b, startup, secs in rows:
        print(f"| {name} | {w} | {b} | {startup:.2f} | {secs:.2f} | {n / secs:.1f} | {t_loop / secs:.2f}x |")
    print()
    for b in sorted({r[2] for r in rows if r[1] == 1}, key=str):
        r1, r2 = rate.get((1, b)), rate.get((2, b))
        if r1 and r2:
            print(f"instances/task {b}: scaling efficiency 1 -> 2 workers = {r2 / (2 * r1):.0%}; "
                  f"Dask overhead on 1 worker = {rate[('-', '-')] / r1 - 1:+.0%} of the plain loop's time")


if __name__ == "__main__":
    main()
