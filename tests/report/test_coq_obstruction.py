"""The Coq export of the thm-5 obstruction "not locally open" (issue 23): every certificate of
the audit compiles to ``not_locally_open_at m k n W1 W2`` with no axiom; dense generated ones
(split rows, both sides) compile; a tampered y or K gives a file coqc refuses."""

from __future__ import annotations

import json
import random
import shutil
from fractions import Fraction

import pytest

from exactopen import kernel
from exactopen.report import coq, coq_obstruction
from tests.helpers import ROOT

CERTS = ROOT / "certificates"
COQ_CERTS = CERTS / "coq"
STEMS = ["thm-5-intersection-1", "thm-5-intersection-2", "thm-5-rank-mismatch-1", "thm-5-rank-mismatch-2",
         "rem-1-one-full-rank-factor", "rem-1-worked-example", "lem-16-all-fail-1", "lem-16-all-fail-2"]
needs_coqc = pytest.mark.skipif(shutil.which("coqc") is None, reason="coqc is not installed")


def _dense_pair(seed: int, transpose: bool, k: int = 2) -> dict:
    """A dense rational pair that is not locally open: W1 = u a^T + noise (rank k), W2 = b v^T
    (rank 1); transposed, the obstruction is on side W2."""
    from flint import fmpq, fmpq_mat

    from exactopen.openness.pair import decide_pair

    r = random.Random(seed)

    def rq():
        return Fraction(r.randint(-5, 5), r.randint(1, 4))

    m, n = k + 1, k + 2
    u, a, b, v = ([rq() for _ in range(d)] for d in (m, k, k, n))
    W1 = [[ui * aj + rq() for aj in a] for ui in u]
    W2 = [[bi * vj for vj in v] for bi in b]
    if transpose:
        W1, W2 = [list(c) for c in zip(*W2)], [list(c) for c in zip(*W1)]

    def mat(A):
        return fmpq_mat([[fmpq(x.numerator, x.denominator) for x in row] for row in A])

    return decide_pair(mat(W1), mat(W2)).certificate


def test_every_obstruction_of_the_audit_is_exported_and_reproducible(tmp_path):
    index = (COQ_CERTS / "README.md").read_text()
    assert f"| not_locally_open | {len(STEMS)} |" in index
    for stem in STEMS:
        (out,) = coq.export_files([str(CERTS / f"{stem}.json")], str(tmp_path))
        text = open(out, encoding="utf-8").read()
        assert text == (COQ_CERTS / (coq.module_name(stem) + ".v")).read_text()
        assert "Theorem not_locally_open : not_locally_open_at" in text


def test_exporter_inverses_are_exact():
    """H K = I and (M0 + M1) G = I for the exporter's H, G (Coq re-checks them)."""
    for seed, k in ((1, 2), (3, 2), (1, 3)):
        ob = _dense_pair(seed, False, k)["evidence"]["obstruction"]
        K = [[Fraction(x) for x in r] for r in ob["K"]["rows"]]
        KtK = coq_obstruction._inverse(coq_obstruction._mul(coq_obstruction._t(K), K))
        H = coq_obstruction._mul(KtK, coq_obstruction._t(K))
        k = len(K[0])
        assert coq_obstruction._mul(H, K) == [[Fraction(int(i == j)) for j in range(k)] for i in range(k)]
    assert coq_obstruction._inverse([[Fraction(1), Fraction(2)], [Fraction(2), Fraction(4)]]) is None


@needs_coqc
@pytest.mark.parametrize("stems", [
    # the default run compiles one file per side of the obstruction (W1, W2); all of them under
    # -m slow (and in benchmarks/coq.py, run by .ci/run)
    pytest.param(("thm-5-intersection-1", "rem-1-one-full-rank-factor"), id="one-per-side"),
    pytest.param(STEMS, id="all", marks=pytest.mark.slow)])
def test_audit_obstructions_compile_closed(coq_lib, stems):
    for stem in stems:
        err = coq.compile_checked(coq_lib, str(COQ_CERTS / (coq.module_name(stem) + ".v")))
        assert err is None, (stem, err)


@needs_coqc
@pytest.mark.parametrize("seed,transpose,k", [(1, False, 2), (3, True, 2), (1, False, 3), (2, True, 3)])
def test_dense_obstruction_compiles_and_tampered_ones_do_not(coq_lib, tmp_path, seed, transpose, k):
    cert = _dense_pair(seed, transpose, k)
    ob = cert["evidence"]["obstruction"]
    assert cert["result"]["verdict"] == "not_locally_open" and ob["side"] == ("W2" if transpose else "W1")
    assert ob["split"] >= 1 and any(x != "0" for row in ob["M0"]["rows"] for x in row)  # a nonzero M0
    path = tmp_path / "dense.json"
    path.write_text(json.dumps(cert))
    kernel.check_file(str(path))
    (v,) = coq.export_files([str(path)], str(tmp_path / "ok"))
    assert coq.compile_checked(coq_lib, v) is None
    for what in ("y", "K"):
        bad = json.loads(json.dumps(cert))
        rows = bad["evidence"]["obstruction"][what]["rows"]
        if what == "y":   # y^T K != 0
            rows[0][0] = str(Fraction(rows[0][0]) + 1)
        else:             # W1 W2 != K M0 or y^T K != 0 (K stays of full column rank)
            rows[-1][0] = str(Fraction(rows[-1][0]) + Fraction(1, 3))
        path.write_text(json.dumps(bad))
        with pytest.raises(kernel.Rejected):
            kernel.check_file(str(path))
        (v,) = coq.export_files([str(path)], str(tmp_path / what), check=False)  # the checker bypassed
        err, out = coq.compile_one(coq_lib, v)
        assert err is not None and "Unable to unify \"true\" with \"false\"" in err, (what, out)
