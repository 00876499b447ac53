"""Certified sweeps (exactopen.sweep): a real 2-worker LocalCluster whose certificates all
verify, resume after a kill, error lines for failing instances, families and ids."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from exactopen import kernel
from exactopen.cli import main
from exactopen.sweep import families, store
from tests.helpers import ROOT

pytest.importorskip("distributed")


def lines_of(folder) -> list[str]:
    return (folder / "results.jsonl").read_text(encoding="utf-8").splitlines()


def test_small_sweep_on_a_two_worker_local_cluster_verifies(tmp_path, capsys):
    from distributed import Client, LocalCluster

    from exactopen.sweep.engine import run_sweep

    insts = (families.thm12_instances(3, 3) + families.openness_instances(2)
             + families.critical_instances([2, 3], 3, 2, seed=5))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        rep = run_sweep(insts, str(tmp_path), client=client, batch=3)
    assert (rep.total, rep.ran, rep.errors, rep.workers) == (len(insts), len(insts), 0, 2)
    results = [json.loads(x) for x in lines_of(tmp_path)]
    assert sorted(r["id"] for r in results) == sorted(i["id"] for i in insts)  # one line per id
    by_id = {r["id"]: r for r in results}
    for r in results:
        cert = json.loads((tmp_path / r["certificate"]).read_text(encoding="utf-8"))
        kernel.check(cert)
        assert cert["result"]["verdict"] == r["verdict"]
    assert {by_id[i["id"]]["verdict"] for i in insts if i["family"] == "thm12"} == {"higher_order_saddle"}
    assert {by_id[i["id"]]["verdict"] for i in insts
            if i["family"] == "critical" and i["params"]["class"] == "global"} == {"global_minimum"}
    # exactopen verify DIR checks the whole sweep
    assert main(["verify", "-q", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "## `thm12`: verdicts" in summary and "| h | higher_order_saddle | total |" in summary
    # a rerun skips every done id
    rep2 = run_sweep(insts, str(tmp_path), client=None, workers=1, processes=False)
    assert (rep2.skipped, rep2.ran) == (len(insts), 0)
    assert sorted(lines_of(tmp_path)) == sorted(store.dumps_line(r) for r in results)


def _cli(args, **kw):
    return subprocess.Popen([sys.executable, "-m", "exactopen", "sweep", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, **kw)


@pytest.mark.parametrize("width", [pytest.param(3, id="48-instances"),
                                   pytest.param(4, id="226-instances", marks=pytest.mark.slow)])
def test_killed_midway_and_resumed_gives_the_same_results(tmp_path, width):
    args = ["thm12", "--max-depth", "4", "--max-width", str(width), "--workers", "1", "--batch", "1",
            "--no-progress"]
    full, cut = tmp_path / "full", tmp_path / "cut"
    p = _cli([*args, "--out", str(full)])
    q = _cli([*args, "--out", str(cut)])
    deadline = time.monotonic() + 60
    results = cut / "results.jsonl"
    while time.monotonic() < deadline:
        if results.exists() and len(results.read_text(encoding="utf-8").splitlines()) >= 5:
            break
        time.sleep(0.05)
    os.killpg(q.pid, signal.SIGKILL)  # the whole run dies at once: driver and workers
    q.wait(timeout=30)
    assert p.wait(timeout=120) == 0, p.stderr.read()
    n_cut = len(lines_of(cut))
    total = len(lines_of(full))
    assert 5 <= n_cut < total
    with open(results, "a", encoding="utf-8") as fh:  # and a line torn by the interruption
        fh.write('{"certificate":"certificates/thm12-d-')
    r = _cli([*args, "--out", str(cut)])
    out, err = r.communicate(timeout=120)
    assert r.returncode == 0, err
    assert f"{n_cut} already done" in out
    assert sorted(lines_of(cut)) == sorted(lines_of(full))
    ids = [json.loads(x)["id"] for x in lines_of(cut)]
    assert len(ids) == len(set(ids)) == total
    assert main(["verify", "-q", str(cut)]) == 0


def boom_on_one(batch, out_dir):
    """A task whose worker raises on one instance (the whole task fails)."""
    from exactopen.sweep.task import run_batch

    if any(inst["id"] == "thm12-d-2-1-1-3" for inst in batch):
        raise RuntimeError("worker failure on purpose")
    return run_batch(batch, out_dir)


def test_a_raising_worker_records_an_error_line_and_the_sweep_goes_on(tmp_path):
    from exactopen.sweep.engine import run_sweep

    insts = families.thm12_instances(3, 3)
    rep = run_sweep(insts, str(tmp_path), workers=2, processes=False, batch=1, task=boom_on_one)
    assert (rep.ran, rep.errors) == (len(insts), 1)
    results = {json.loads(x)["id"]: json.loads(x) for x in lines_of(tmp_path)}
    assert set(results) == {i["id"] for i in insts}
    bad = results.pop("thm12-d-2-1-1-3")
    assert bad["verdict"] == "error" and "worker failure on purpose" in bad["error"]
    assert {r["verdict"] for r in results.values()} == {"higher_order_saddle"}
    assert "## Errors" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    # a rerun retries the error (now with a working task) and leaves one line per id
    rep2 = run_sweep(insts, str(tmp_path), workers=1, processes=False)
    assert (rep2.skipped, rep2.ran, rep2.errors) == (len(insts) - 1, 1, 0)
    ids = [json.loads(x)["id"] for x in lines_of(tmp_path)]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == len(insts)


def test_a_failing_instance_on_a_worker_is_an_error_line(tmp_path, capsys):
    """The jsonl family: a bad instance raises inside the task; its error line is written, the
    other instances are decided."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "open", "W1": [[1],[1]], "W2": [[0,0]]}\n'
                   '{"id": "bad-shape", "W1": [[1],[1]], "W2": [[0,0],[1,1]]}\n'
                   '\n{"layers": [[[1,0]], [[0]], [[1],[0]]], "Y": [[0,0],[0,1]], "group": "intro"}\n',
                   encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", "jsonl", str(src), "--out", str(out), "--workers", "1", "--no-progress"]) == 1
    results = {json.loads(x)["id"]: json.loads(x) for x in lines_of(out)}
    assert len(results) == 3
    assert results["bad-shape"]["verdict"] == "error" and "shape mismatch" in results["bad-shape"]["error"]
    assert results["open"]["verdict"] == "not_locally_open"
    (net_id,) = [i for i in results if i.startswith("jsonl-")]
    assert results[net_id]["verdict"] == "higher_order_saddle"
    assert main(["verify", "-q", str(out)]) == 0
    capsys.readouterr()


def test_ids_are_stable_and_unique():
    a = families.critical_instances([2, 3], 3, 2, seed=1)
    b = families.critical_instances([2, 3], 3, 3, seed=1)
    assert {x["id"] for x in a} < {x["id"] for x in b}
    same = {x["id"]: x for x in b}
    assert all(same[x["id"]] == x for x in a)  # more instances: the first ones unchanged
    json.dumps(b)  # plain data
    for insts in (a, families.thm12_instances(4, 4), families.openness_instances(3, seed=2)):
        ids = [x["id"] for x in insts]
        assert len(ids) == len(set(ids)) and all(families.ID_RE.fullmatch(i) for i in ids)
    assert len(families.thm12_instances(4, 4)) == 226


def test_openness_normal_forms_have_their_invariants():
    from exactopen.exact import linalg

    n = 0
    for m, k, nn, r1, r2, r12 in families.pair_classes(3):
        W1, W2 = families.pair_representative(m, k, nn, r1, r2, r12)
        assert (linalg.rank(W1), linalg.rank(W2), linalg.rank(W1 * W2)) == (r1, r2, r12)
        n += 1
    assert n == len(families.openness_instances(3)) == 215


def test_usage_errors_are_one_line(tmp_path, capsys):
    assert main(["sweep", "thm12", "--max-depth", "0", "--max-width", "3", "--out", str(tmp_path)]) == 2
    assert main(["sweep", "jsonl", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path)]) == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a/b", "widths": [2,1,1,2]}\n', encoding="utf-8")
    assert main(["sweep", "jsonl", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 3


def test_the_committed_census_covers_its_range():
    """certificates/census: one line per applicable architecture, h <= 5, widths <= 5; none a
    local minimum (the certificates are regenerated by the command its summary names)."""
    folder = ROOT / "certificates" / "census"
    lines = [json.loads(x) for x in (folder / "thm12-results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(x["id"] for x in lines) == sorted(x["id"] for x in families.thm12_instances(5, 5))
    assert {x["verdict"] for x in lines} <= {"strict_saddle", "higher_order_saddle"}
    summary = (folder / "thm12-summary.md").read_text(encoding="utf-8")
    assert "exactopen sweep thm12 --max-depth 5 --max-width 5" in summary
    assert "census/thm12-summary.md" in (ROOT / "certificates" / "AUDIT.md").read_text(encoding="utf-8")
