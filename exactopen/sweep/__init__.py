"""Certified sweeps at scale: many instances decided on Dask, each with a checked certificate.

* :mod:`exactopen.sweep.families` -- the instances (thm12, critical, openness, jsonl) as plain
  data with stable ids;
* :mod:`exactopen.sweep.task` -- what a worker does with a batch of instances;
* :mod:`exactopen.sweep.engine` -- the Dask driver (LocalCluster or an existing scheduler);
* :mod:`exactopen.sweep.store` -- the sweep directory (results.jsonl, certificates/, summary.md).
* :mod:`exactopen.sweep.consistency` -- the sweep directory verified as a whole (``exactopen
  verify DIR``): lines against certificates, no orphans or duplicates, summary.md from the lines.

Importing this package does not import Dask (only :mod:`exactopen.sweep.engine` does).
"""
