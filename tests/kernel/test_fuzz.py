"""Mutation fuzzing of the trusted checker: ACCEPTED MEANS TRUE.

Every mutant of a committed certificate is run through ``exactopen.kernel.check_text`` in a
worker subprocess (memory limit, per-mutant wall limit); an accepted mutant is judged by
``fuzz_judge`` (SymPy / Fractions, independent of the kernel).  Asserted: no accepted-false,
no crash (an exception other than Rejected), no timeout.  The figures are printed (pytest -s)
and written to <tmp>/exactopen-fuzz/summary-*.json with a reproducer file per finding.

If the kernel refuses committed certificates (e.g. mid-way through a format change), the
seeds are regenerated with ``python -m exactopen audit --dir <tmp>`` and the refusal is
reported in the summary (the committed files are then stale, a separate failure).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.kernel import fuzzing

OUT = Path(tempfile.gettempdir()) / "exactopen-fuzz"
_CORPUS = {}


def corpus_for_kernel():
    """(corpus, note): committed certificates, or a regenerated set if the kernel refuses them."""
    if "c" in _CORPUS:
        return _CORPUS["c"]
    committed = fuzzing.load_corpus()
    runner = fuzzing.Runner(2)
    try:
        base = runner.run([(i, t) for i, (_, t, _) in enumerate(committed)])
    finally:
        runner.close()
    refused = {committed[i][0]: base[i]["msg"] for i in base if base[i]["status"] != "accepted"}
    note = "committed certificates"
    corpus = committed
    if refused:
        folder = OUT / "regenerated"
        folder.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([sys.executable, "-m", "exactopen", "audit", "--dir", str(folder)],
                              cwd=str(fuzzing.ROOT), capture_output=True, text=True, timeout=600)
        regenerated = fuzzing.load_corpus(folder) if proc.returncode == 0 else []
        note = (f"kernel refuses {len(refused)} committed certificates (e.g. {next(iter(refused))}: "
                f"{next(iter(refused.values()))[:120]}); fuzzing {len(regenerated)} regenerated ones")
        corpus = regenerated or committed
    _CORPUS["c"] = (corpus, note)
    return _CORPUS["c"]


def run_and_report(n: int, seed: int, tag: str) -> dict:
    corpus, note = corpus_for_kernel()
    rep = fuzzing.campaign(n, seed, corpus=corpus)
    rep["corpus"] = note
    path = OUT / f"summary-{tag}.json"
    fuzzing.write_report(rep, str(path))
    line = fuzzing.summary_line(rep)
    print(f"\n{line}  [{note}; kernel {rep['seconds_kernel']} s, total {rep['seconds_total']} s; {path}]")
    for cls in ("accepted_false", "crashes", "timeouts", "unjudged"):
        for f in rep["findings"].get(cls, [])[:25]:
            print(f"  {cls}: {f['kind']} {f['seed_file']} {json.dumps(f['mutations'])[:240]} | "
                  f"{(f['judge'] or f['checker'])[:200]}")
    return rep


def _kinds_in_certificates():
    return sorted({c["kind"] for _, _, c in fuzzing.load_corpus()})


def _assert_clean(rep, n):
    f = rep["figures"]
    assert f["mutants"] >= n
    missing = sorted(set(_kinds_in_certificates()) - set(rep["kinds"]))
    assert not missing, f"no accepted seed certificate of kind(s) {missing}: {rep.get('refused_originals')}"
    problems = []
    for cls in ("accepted_false", "crashes", "timeouts"):
        for x in rep["findings"].get(cls, []):
            problems.append(f"{cls}: {x['kind']} {x['seed_file']} {json.dumps(x['mutations'])[:200]} | "
                            f"{(x['judge'] or x['checker'])[:160]}")
    assert not problems, f"{fuzzing.summary_line(rep)}\n" + "\n".join(problems[:40])


def test_fuzz_default():
    n = int(os.environ.get("EXACTOPEN_FUZZ_N", "1200"))
    rep = run_and_report(n, seed=int(os.environ.get("EXACTOPEN_FUZZ_SEED", "1")), tag="default")
    _assert_clean(rep, n)


@pytest.mark.slow
def test_fuzz_slow():
    n = int(os.environ.get("EXACTOPEN_FUZZ_N_SLOW", "20000"))
    rep = run_and_report(n, seed=2024, tag="slow")
    _assert_clean(rep, n)


def test_mutation_engine_is_deterministic():
    corpus = fuzzing.load_corpus()[:40]
    import random

    def batch(seed):
        rng = random.Random(seed)
        mut = fuzzing.Mutator(corpus)
        return [mut.mutate(corpus[i % len(corpus)][2], rng)[0] for i in range(200)]

    assert batch(7) == batch(7)
    assert batch(7) != batch(8)


def test_judge_accepts_every_original():
    """The judge must call every committed certificate's statement true (else it is wrong)."""
    from tests.kernel import fuzz_judge

    corpus = fuzzing.load_corpus()
    bad = []
    for name, _, cert in corpus:
        if cert["kind"] == "landscape_point" and not name.startswith(("cor-9", "lem-7", "ex-3", "thm-8-3-2-3")):
            continue  # 256 of them; a sample keeps this fast
        fn = fuzz_judge.JUDGES.get(cert["kind"])
        try:
            if fn is not None and fn(cert, cert) is None:
                bad.append(f"{name}: unjudged")
        except fuzz_judge.Bad as exc:
            bad.append(f"{name}: {exc}")
    assert not bad, bad


def test_judge_refutes_known_lies():
    """Spot checks that the judge is not a rubber stamp."""
    import copy

    from tests.kernel import fuzz_judge

    corpus = fuzzing.load_corpus()
    judge = fuzz_judge.Judge(corpus)
    by_kind = {}
    for name, _, c in corpus:
        by_kind.setdefault(c["kind"], (name, c))
    name, c = by_kind["openness"]
    lie = copy.deepcopy(c)
    lie["result"]["verdict"] = "not_locally_open" if c["result"]["verdict"] == "locally_open" else "locally_open"
    assert judge.judge(json.dumps(lie), name)[0] is False
    lie = copy.deepcopy(c)
    lie["claim"] = lie["claim"] + "!"
    assert judge.judge(json.dumps(lie), name)[0] is False
    text = json.dumps(c).replace('"kind": "openness"', '"kind": "openness", "kind": "openness"', 1)
    assert judge.judge(text, name)[0] is True
    name, c = by_kind["chain_openness"]
    lie = copy.deepcopy(c)
    lie["result"]["rank"] += 1
    assert judge.judge(json.dumps(lie), name)[0] is False
