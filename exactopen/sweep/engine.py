"""Run a sweep on Dask distributed (driver side).

By default a :class:`distributed.LocalCluster` with one single-threaded worker process per core;
with ``scheduler="tcp://host:port"`` the tasks go to an existing Dask cluster (its workers need
exactopen installed and ``--out`` at the same path, e.g. on a shared file system).  Dask does
the scheduling, retries and load balancing; this module only batches instances, records the
result lines as they arrive, and writes the summary.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass

from exactopen.sweep import store
from exactopen.sweep.task import error_text, run_batch


@dataclass
class SweepReport:
    total: int          # instances in the sweep
    skipped: int        # already done by an earlier run
    ran: int            # decided now (errors included)
    errors: int         # error lines written now
    seconds: float      # wall time of this run
    workers: int        # Dask workers used (0 when nothing ran)


class Progress:
    """A one-line progress bar on stderr when it is a terminal."""

    def __init__(self, total: int, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total, self.done, self.errors, self.t0 = total, 0, 0, time.monotonic()

    def update(self, done: int, errors: int) -> None:
        self.done += done
        self.errors += errors
        if not self.enabled or not self.total:
            return
        width = 30
        fill = int(width * self.done / self.total)
        el = time.monotonic() - self.t0
        rate = self.done / el if el > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        err = f" {self.errors} error(s)" if self.errors else ""
        self.stream.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {self.done}/{self.total} "
                          f"{rate:.1f}/s eta {eta:.0f}s{err}   ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.total:
            self.stream.write("\n")
            self.stream.flush()


def default_batch(n: int, workers: int) -> int:
    """Instances per Dask task: 1 for small sweeps, up to 16 when there are many per worker
    (amortises the per-task overhead; results are still recorded instance by instance)."""
    return max(1, min(16, n // max(1, workers * 16)))


def open_client(workers: int | None = None, scheduler: str | None = None, processes: bool = True):
    """(client, cluster or None): a LocalCluster with ``workers`` (default: one per core)
    single-threaded worker processes, or a client of the cluster at ``scheduler``."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout="30s"), None
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=processes, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    return Client(cluster), cluster


def run_sweep(instances: list[dict], out_dir: str, *, workers: int | None = None, scheduler: str | None = None,
              client=None, processes: bool = True, batch: int | None = None, progress: bool | None = None,
              task=run_batch, title: str = "Sweep summary", preamble: list[str] | None = None) -> SweepReport:
    """Decide every instance not already done in ``out_dir``; append result lines as they arrive;
    rewrite ``summary.md``.  ``client``: an existing :class:`distributed.Client` (else one is
    opened, see :func:`open_client`, and closed at the end).  ``task``: the function run on a
    batch (a list of instances) and the output folder, returning one result line per instance."""
    t0 = time.monotonic()
    out_dir = os.path.abspath(out_dir)
    store.prepare(out_dir)
    with store.locked(out_dir):
        previous, dirty = store.read_results(out_dir)
        kept = {i: x for i, x in previous.items() if store.is_done(out_dir, x)}
        if dirty or len(kept) != len(previous):
            store.rewrite_results(out_dir, [kept[i] for i in previous if i in kept])
        todo, seen = [], set()
        for inst in instances:
            if inst["id"] not in seen and inst["id"] not in kept:
                todo.append(inst)
            seen.add(inst["id"])
        errors = 0
        nworkers = 0
        if todo:
            own = client is None
            cluster = None
            if own:
                client, cluster = open_client(workers, scheduler, processes)
            writer = store.ResultsWriter(out_dir)
            bar = Progress(len(todo), progress)
            futures = []
            try:
                nworkers = len(client.scheduler_info(n_workers=-1)["workers"]) \
                    if _accepts_n_workers(client) else len(client.scheduler_info()["workers"])
                size = batch or default_batch(len(todo), max(1, nworkers))
                batches = [todo[i:i + size] for i in range(0, len(todo), size)]
                futures = client.map(task, batches, out_dir=out_dir, pure=False)
                owner = {f.key: b for f, b in zip(futures, batches)}
                from distributed import as_completed

                for fut in as_completed(futures):
                    b = owner.pop(fut.key)
                    try:
                        lines = fut.result()
                    except Exception as exc:  # noqa: BLE001 - the task itself failed (or its worker died)
                        lines = [{"id": inst["id"], "family": inst["family"], "params": inst["params"],
                                  "verdict": "error", "error": error_text(exc)} for inst in b]
                    fut.release()
                    bad = 0
                    for line in lines:
                        writer.write(line)
                        bad += line.get("verdict") == "error"
                    errors += bad
                    bar.update(len(lines), bad)
            finally:
                bar.close()
                writer.close()
                for f in futures:
                    if not f.done():
                        f.cancel()
                if own:
                    client.close()
                    if cluster is not None:
                        cluster.close()
        results, _ = store.read_results(out_dir)
        from exactopen.certificate import write_atomic

        write_atomic(os.path.join(out_dir, store.SUMMARY), store.summary_markdown(results, title, preamble))
    return SweepReport(len(seen), len(seen) - len(todo), len(todo), errors, time.monotonic() - t0, nworkers)


def _accepts_n_workers(client) -> bool:
    import inspect

    try:
        return "n_workers" in inspect.signature(client.scheduler_info).parameters
    except (TypeError, ValueError):
        return False
