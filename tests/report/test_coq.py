"""The Coq export (issue 23): accepted saddle certificates become Coq theorems that coqc
accepts; a tampered certificate gives a file coqc refuses; no Admitted, no axiom.

Tests that run coqc are skipped when it is not installed (CI installs Debian's coq)."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from fractions import Fraction

import pytest

from exactopen import kernel
from exactopen.report import coq
from tests.helpers import ROOT

CERTS = ROOT / "certificates"
COQ_CERTS = CERTS / "coq"
needs_coqc = pytest.mark.skipif(shutil.which("coqc") is None, reason="coqc is not installed")


def _library_files():
    return sorted((ROOT / "coq").rglob("*.v"))


def test_no_admitted_step_and_no_axiom_in_any_coq_file():
    files = _library_files() + sorted(COQ_CERTS.glob("*.v"))
    assert len(files) >= 4
    banned = re.compile(r"\b(Admitted|admit|Axiom|Axioms|Parameter|Parameters|Conjecture|Hypothesis|Hypotheses)\b")
    for f in files:
        text = re.sub(r"\(\*.*?\*\)", "", f.read_text(), flags=re.S)  # comments may mention them
        assert not banned.search(text), f"{f}: {banned.search(text).group(0)}"


def test_the_audit_exports_the_refutations():
    """ex-intro, ex-3layer and every thm-12 saddle certificate of the audit has its Coq file."""
    names = {p.name for p in COQ_CERTS.glob("*.v")}
    assert {"ex_intro.v", "ex_3layer.v"} <= names
    thm12 = [p for p in CERTS.glob("thm-12-d-*.json")]
    assert len(thm12) >= 200
    for p in thm12:
        assert coq.module_name(p.stem) + ".v" in names, p.name
    index = (COQ_CERTS / "README.md").read_text()
    assert f"| total | {len(names)} |" in index


@pytest.mark.parametrize("stem", ["ex-intro", "ex-3layer", "thm-12-d-3-2-2-2-3"])
def test_export_is_reproducible_and_matches_the_audit(tmp_path, stem):
    (out,) = coq.export_files([str(CERTS / f"{stem}.json")], str(tmp_path))
    assert open(out, encoding="utf-8").read() == (COQ_CERTS / (coq.module_name(stem) + ".v")).read_text()


def test_export_refuses_what_it_does_not_cover(tmp_path):
    with pytest.raises(coq.NotExportable):
        coq.export_files([str(CERTS / "cor-9-nondegenerate-nonglobal-local-minimum.json")], str(tmp_path))
    with pytest.raises(kernel.Rejected):
        coq.export_files([str(_tampered(tmp_path, "ex-intro", _flip_curve))], str(tmp_path))


def test_comment_text_cannot_close_the_comment():
    assert "*" not in coq._safe_comment('x *) Axiom f : False. (* "')
    assert '"' not in coq._safe_comment('x *) Axiom f : False. (* "')


def _flip_curve(cert):
    """ex-intro's t^2 term of W_2 changed from 1 to -1: the curve no longer descends."""
    cert["evidence"]["curve"][1]["layers"][1]["rows"][0][0] = "-1"


def _change_Y(cert):
    cert["inputs"]["Y"]["rows"][0][0] = "1/3"


def _tampered(tmp_path, stem, how):
    cert = json.loads((CERTS / f"{stem}.json").read_text())
    how(cert)
    path = tmp_path / f"{stem}-tampered-{how.__name__.strip('_')}.json"
    path.write_text(json.dumps(cert))
    return path


def _mul(A, B):
    return [[sum((A[i][k] * B[k][j] for k in range(len(B))), Fraction(0)) for j in range(len(B[0]))]
            for i in range(len(A))]


def _inv2(G):
    (a, b), (c, d) = G
    det = a * d - b * c
    return [[d / det, -b / det], [-c / det, a / det]]


def _gauged(seed: int) -> dict:
    """ex-3layer with dense random rational gauge changes in both hidden layers:
    (W1, W2, W3) -> (G W1, H W2 G^-1, W3 H^-1), applied to the point and to every term of the
    descent curve.  The loss along the curve is unchanged, so this is again a certified saddle,
    now with dense rational layers."""
    rng = random.Random(seed)

    def rand_inv():
        while True:
            G = [[Fraction(rng.randint(-5, 5), rng.randint(1, 4)) for _ in range(2)] for _ in range(2)]
            if G[0][0] * G[1][1] - G[0][1] * G[1][0] != 0:
                return G

    G, H = rand_inv(), rand_inv()
    Gi, Hi = _inv2(G), _inv2(H)
    cert = json.loads((CERTS / "ex-3layer.json").read_text())

    def rows(m):
        return [[Fraction(x) for x in r] for r in m["rows"]]

    def put(m, A):
        m["rows"] = [[str(x) for x in r] for r in A]

    def gauge(layers):
        W1, W2, W3 = (rows(m) for m in layers)
        for m, A in zip(layers, (_mul(G, W1), _mul(_mul(H, W2), Gi), _mul(W3, Hi))):
            put(m, A)

    gauge(cert["inputs"]["layers"])
    for term in cert["evidence"]["curve"]:
        gauge(term["layers"])
    cert["claim"] = kernel.statement(cert)
    kernel.check(cert)
    return cert


@needs_coqc
def test_exported_certificates_compile_and_tampered_ones_do_not(coq_lib, tmp_path):
    for stem in ("ex-intro", "ex-3layer", "thm-12-d-4-4-3-3-4"):
        err, out = coq.compile_one(coq_lib, str(COQ_CERTS / (coq.module_name(stem) + ".v")))
        assert err is None, (stem, out)
    for stem, how in (("ex-intro", _flip_curve), ("ex-intro", _change_Y)):
        path = _tampered(tmp_path, stem, how)
        with pytest.raises(kernel.Rejected):
            kernel.check_file(str(path))
        (v,) = coq.export_files([str(path)], str(tmp_path / "out"), check=False)  # the checker bypassed
        err, _out = coq.compile_one(coq_lib, v)
        assert err is not None and "Unable to unify \"true\" with \"false\"" in err, err


@needs_coqc
@pytest.mark.parametrize("seed", [1, 2])
def test_dense_gauged_saddle_compiles_and_a_changed_entry_does_not(coq_lib, tmp_path, seed):
    cert = _gauged(seed)
    path = tmp_path / "gauged.json"
    path.write_text(json.dumps(cert))
    (v,) = coq.export_files([str(path)], str(tmp_path / "out"))
    assert "/" in open(v).read().split("Definition curve")[0]  # dense rational layers, not integers
    err, out = coq.compile_one(coq_lib, v)
    assert err is None, out
    # the same point with one layer entry moved by 1/7: no longer critical (Coq refuses it)
    cert["inputs"]["layers"][1]["rows"][0][1] = str(Fraction(cert["inputs"]["layers"][1]["rows"][0][1]) + Fraction(1, 7))
    path.write_text(json.dumps(cert))
    with pytest.raises(kernel.Rejected):
        kernel.check_file(str(path))
    (v,) = coq.export_files([str(path)], str(tmp_path / "bad"), check=False)
    err, _out = coq.compile_one(coq_lib, v)
    assert err is not None


@needs_coqc
def test_print_assumptions_closed_under_the_global_context(coq_lib):
    for stem in ("ex-intro", "thm-12-d-2-1-1-2", "thm-8-3-2-3-nonglobal-2"):
        path = COQ_CERTS / (coq.module_name(stem) + ".v")
        higher = "Theorem second_order" in path.read_text()
        assert higher == (stem != "thm-8-3-2-3-nonglobal-2")  # strict saddles have no PSD theorem
        extra = "\nPrint Assumptions refutation.\n" + ("Print Assumptions second_order.\n" if higher else "")
        err, out = coq.compile_one(coq_lib, str(path), extra=extra)
        assert err is None, out
        assert out.count("Closed under the global context") == (2 if higher else 1), out


@needs_coqc
def test_a_wrong_sum_of_squares_does_not_compile(coq_lib, tmp_path):
    """The exporter's L D L^T is checked by Coq: change one d_i and coqc refuses the PSD theorem."""
    text = (COQ_CERTS / "ex_3layer.v").read_text()
    head, sos = text.split("Definition sos", 1)
    d = re.search(r"\(\(?(-?\d+(?: # \d+)?)\)?, \[", sos)
    assert d is not None
    bad = tmp_path / "ex_3layer.v"
    bad.write_text(head + "Definition sos" + sos[:d.start(1)] + "(" + d.group(1) + ") * 2" + sos[d.end(1):])
    err, out = coq.compile_one(coq_lib, str(bad))
    assert err is not None and "second_order" not in (err or ""), out
    assert "Unable to unify" in out, out


def test_psd_witness_is_an_exact_decomposition():
    """Cross-check of the exporter's Hessian: the kernel's exact Hessian (a different formula)
    equals 2 sum_i d_i l_i l_i^T on ex-3layer and a thm-12 point."""
    from fractions import Fraction as F

    from exactopen.kernel.network import hessian, problem

    def lit(s):
        s = s.strip("()")
        p, _, q = s.partition(" # ")
        return F(int(p), int(q or 1))

    for stem in ("ex-3layer", "thm-12-d-3-2-2-2-3"):
        cert = json.loads((CERTS / f"{stem}.json").read_text())
        sos = coq.psd_witness(cert)
        Ws, X, Y, w, _ = problem(cert["inputs"])
        H = hessian(Ws, X, Y, w)
        N = H.nrows()
        S = [[F(0)] * N for _ in range(N)]
        for d, l in sos:
            dv, lv = lit(d), [lit(x) for x in l] + [F(0)] * (N - len(l))
            assert dv > 0
            for a in range(N):
                for b in range(N):
                    S[a][b] += 2 * dv * lv[a] * lv[b]
        assert any(S[a][b] != 0 for a in range(N) for b in range(N))
        assert all(F(int(H[a, b].p), int(H[a, b].q)) == S[a][b] for a in range(N) for b in range(N))


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "exactopen", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_export_exit_codes(tmp_path):
    r = _cli("export", "coq", str(CERTS / "ex-intro.json"), "--out", str(tmp_path / "v"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "v" / "ex_intro.v").read_text() == (COQ_CERTS / "ex_intro.v").read_text()
    r = _cli("export", "coq", str(_tampered(tmp_path, "ex-intro", _flip_curve)), "--out", str(tmp_path / "v"))
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "rejected" in r.stderr
    r = _cli("export", "coq", str(CERTS / "lem-13-instance-1.json"), "--out", str(tmp_path / "v"))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    r = _cli("export", "coq", str(bad), "--out", str(tmp_path / "v"))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    r = _cli("export", "coq", str(CERTS / "ex-intro.json"), "--out", str(bad))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


@needs_coqc
def test_compile_checked_refuses_an_axiom(coq_lib, tmp_path):
    """An instance whose proof rests on an axiom compiles, but Print Assumptions shows it."""
    text = (COQ_CERTS / "ex_intro.v").read_text()
    text = text.replace("Theorem refutation", "Axiom cheat : False.\nTheorem refutation", 1)
    text = text.replace("Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.",
                        "Proof. destruct cheat. Qed.", 1)
    bad = tmp_path / "ex_intro.v"
    bad.write_text(text)
    assert coq.compile_one(coq_lib, str(bad))[0] is None
    assert "axiom" in coq.compile_checked(coq_lib, str(bad))
    assert coq.compile_checked(coq_lib, str(COQ_CERTS / "ex_intro.v")) is None


@needs_coqc
@pytest.mark.slow
def test_every_file_of_certificates_coq_compiles():
    """Every file compiles and Print Assumptions of each of its theorems is closed."""
    files = sorted(str(p) for p in COQ_CERTS.glob("*.v"))
    rep = coq.compile_all(files, jobs=2)
    assert rep["failed"] == {}
    assert rep["compiled"] == len(files)


def _rational_matrix(draw, st, rows, cols):
    return [[draw(st.fractions(min_value=-4, max_value=4, max_denominator=6)) for _ in range(cols)]
            for _ in range(rows)]


def test_sum_of_squares_is_exact_on_dense_rational_psd_matrices():
    """Property: for K = B^T D B (B dense rational, D >= 0 diagonal, so PSD, often singular) the
    exporter's symmetric-pivoting decomposition gives d_i > 0 and sum d_i l_i l_i^T = K exactly;
    K - c I with c above its smallest eigenvalue bound is refused as not PSD."""
    from flint import fmpq, fmpq_mat
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=40, deadline=None)
    @given(st.data())
    def prop(data):
        n = data.draw(st.integers(1, 5))
        r = data.draw(st.integers(1, 5))
        B = _rational_matrix(data.draw, st, r, n)
        D = [data.draw(st.sampled_from([Fraction(0), Fraction(1, 3), Fraction(2), Fraction(5, 7)])) for _ in range(r)]
        K = [[sum((B[k][a] * D[k] * B[k][b] for k in range(r)), Fraction(0)) for b in range(n)] for a in range(n)]
        M = fmpq_mat([[fmpq(x.numerator, x.denominator) for x in row] for row in K])
        terms = coq._sum_of_squares(M)
        assert terms is not None
        S = [[Fraction(0)] * n for _ in range(n)]
        for d, l in terms:
            assert d > 0
            for a in range(n):
                for b in range(n):
                    S[a][b] += Fraction(int((d * l[a] * l[b]).p), int((d * l[a] * l[b]).q))
        assert S == K
        # subtract more than the trace: some eigenvalue becomes negative
        tr = sum((K[a][a] for a in range(n)), Fraction(0)) + 1
        bad = fmpq_mat([[fmpq(x.numerator, x.denominator) - (fmpq(tr.numerator, tr.denominator) if a == b else 0)
                         for b, x in enumerate(row)] for a, row in enumerate(K)])
        assert coq._sum_of_squares(bad) is None

    prop()


def test_audit_check_compares_the_coq_exports(tmp_path):
    from exactopen.report.audit import _check_coq

    committed, fresh = tmp_path / "committed", tmp_path / "fresh"
    for d in (committed, fresh):
        (d / "coq").mkdir(parents=True)
        (d / "coq" / "a.v").write_text("A")
        (d / "coq" / "README.md").write_text("index")
    assert _check_coq(str(committed), str(fresh), None) == []
    (committed / "coq" / "a.v").write_text("B")
    (committed / "coq" / "old.v").write_text("C")
    (fresh / "coq" / "new.v").write_text("D")
    problems = _check_coq(str(committed), str(fresh), None)
    assert "coq/a.v: differs from a fresh regeneration" in problems
    assert any(p.startswith("coq/new.v: missing") for p in problems)
    assert "coq/old.v: not produced by the audit (stale)" in problems


def test_export_is_bounded():
    """A saddle certificate beyond the export's bounds is refused in one line, before any work."""
    cert = json.loads((CERTS / "ex-intro.json").read_text())
    big = coq.MAX_PARAMETERS + 1
    cert["inputs"]["layers"][1] = {"shape": [1, big], "rows": [["0"] * big]}
    with pytest.raises(coq.NotExportable, match="bounds"):
        coq.export_text(cert, "big")
    assert not coq.exportable(cert)


@needs_coqc
def test_weighted_strict_saddle_compiles_and_a_changed_weight_does_not(coq_lib, tmp_path):
    text = (COQ_CERTS / "cor_9_weighted_zero_point_1.v").read_text()
    assert "critical (wloss Wt X Y) W" in text and "Definition Wt" in text
    err, out = coq.compile_one(coq_lib, str(COQ_CERTS / "cor_9_weighted_zero_point_1.v"))
    assert err is None, out

    # (a changed weight alone would leave a true theorem: at this zero point every weighted loss is
    # critical and descends; the kernel still rejects it, for its stated loss)
    def moved(cert):
        cert["inputs"]["layers"][0]["rows"][0][0] = "1/2"

    path = _tampered(tmp_path, "cor-9-weighted-zero-point-1", moved)
    with pytest.raises(kernel.Rejected):
        kernel.check_file(str(path))
    (v,) = coq.export_files([str(path)], str(tmp_path / "out"), check=False)
    err, _out = coq.compile_one(coq_lib, v)
    assert err is not None and "Unable to unify" in err, err
