"""The Coq export of global minima (issue 23): the audit's global minima (ex-3 by the stationary
bound, lem-7, lem-11 and thm-8 by the Ky Fan bound) and dense rational ones compile to
``global_min (loss X Y) W`` theorems, closed under the global context; a tampered certificate
(Y, a layer, mu or an entry of Q) gives a file coqc refuses."""

from __future__ import annotations

import json
import random
import re
import shutil
from fractions import Fraction

import pytest

from exactopen import kernel
from exactopen.report import coq, coq_global
from tests.helpers import ROOT

CERTS = ROOT / "certificates"
COQ_CERTS = CERTS / "coq"
STATIONARY = ("ex-3-minimum-at-w1-1", "ex-3-minimum-at-w1-2", "ex-3-minimum-at-w1-minus-3")
KY_FAN = ("lem-7-2-1-3-global-4", "lem-7-3-2-3-global-1", "lem-11-3-2-2-2-3-global-4", "lem-11-3-2-2-3-global-1",
          "thm-8-3-2-3-global-1")
needs_coqc = pytest.mark.skipif(shutil.which("coqc") is None, reason="coqc is not installed")


def _mul(A, B):
    return [[sum((A[i][k] * B[k][j] for k in range(len(B))), Fraction(0)) for j in range(len(B[0]))]
            for i in range(len(A))]


def _t(A):
    return [list(c) for c in zip(*A)]


def _inverse(M):
    from exactopen.report.coq_obstruction import _inverse

    return _inverse(M)


def _stationary_cert(seed: int, widths=(3, 2, 2), n: int = 4) -> dict:
    """A dense rational global minimum: X (d_0 x n) and layers random, Y = P X + E with
    E = R (I - X^T (X X^T)^-1 X), so (P X - Y) X^T = -E X^T = 0 while E != 0 (L(W) > 0)."""
    rng = random.Random(seed)

    def rq():
        return Fraction(rng.randint(-6, 6), rng.randint(1, 5))

    while True:
        X = [[rq() for _ in range(n)] for _ in range(widths[0])]
        G = _inverse(_mul(X, _t(X)))
        if G is not None:
            break
    layers = [[[rq() for _ in range(widths[k])] for _ in range(widths[k + 1])] for k in range(len(widths) - 1)]
    Z = X
    for A in layers:
        Z = _mul(A, Z)
    proj = _mul(_mul(_t(X), G), X)
    I_minus = [[Fraction(int(i == j)) - proj[i][j] for j in range(n)] for i in range(n)]
    R = [[rq() for _ in range(n)] for _ in range(widths[-1])]
    E = _mul(R, I_minus)
    Y = [[z + e for z, e in zip(zr, er)] for zr, er in zip(Z, E)]
    loss = sum((e * e for r in E for e in r), Fraction(0)) / 2
    assert loss > 0

    def mat(A):
        return {"shape": [len(A), len(A[0])], "rows": [[str(x) for x in r] for r in A]}

    cert = json.loads((CERTS / "ex-3-minimum-at-w1-1.json").read_text())
    cert["inputs"].update(layers=[mat(A) for A in layers], X=mat(X), Y=mat(Y))
    cert["result"].update(loss=str(loss), min_value=str(loss))
    cert["claim"] = kernel.statement(cert)
    kernel.check(cert)
    return cert


def test_every_global_minimum_of_the_audit_is_exported():
    stems = sorted(p.stem for p in CERTS.glob("*.json")
                   if p.stem != "schema" and coq_global.is_global(json.loads(p.read_text())))
    assert sorted(STATIONARY + KY_FAN) == stems
    index = (COQ_CERTS / "README.md").read_text()
    assert f"| global_minimum | {len(stems)} |" in index


@pytest.mark.parametrize("stem", STATIONARY + KY_FAN)
def test_the_audit_exports_the_global_minima_reproducibly(tmp_path, stem):
    (out,) = coq.export_files([str(CERTS / f"{stem}.json")], str(tmp_path))
    text = open(out, encoding="utf-8").read()
    assert text == (COQ_CERTS / (coq.module_name(stem) + ".v")).read_text()
    assert "Theorem global_minimum : network dims n X Y W /\\ critical (loss X Y) W /\\ global_min (loss X Y) W." in text


def test_weighted_minima_and_unknown_methods_are_refused_in_one_line(tmp_path):
    cert = json.loads((CERTS / "ex-3-minimum-at-w1-1.json").read_text())
    assert coq.exportable(cert)
    cert["inputs"]["weights"] = {"shape": [1, 1], "rows": [["2"]]}
    assert not coq.exportable(cert)
    with pytest.raises(coq.NotExportable, match="weighted"):
        coq.export_text(cert, "w")
    cert["inputs"]["weights"] = None
    cert["evidence"]["lower_bound"] = {"method": "something"}
    assert not coq.exportable(cert)
    with pytest.raises(coq.NotExportable, match="stationary"):
        coq.export_text(cert, "m")


@needs_coqc
@pytest.mark.parametrize("stems", [
    # one file per lower-bound method in the default run (each compile is seconds of coqc;
    # benchmarks/coq.py, run by .ci/run, compiles every file of certificates/coq/ anyway)
    pytest.param(("ex-3-minimum-at-w1-1", "lem-7-3-2-3-global-1"), id="one-per-method"),
    pytest.param(STATIONARY + KY_FAN, id="all", marks=pytest.mark.slow)])
def test_audit_global_minima_compile_closed(coq_lib, stems):
    for stem in stems:
        assert coq.compile_checked(coq_lib, str(COQ_CERTS / (coq.module_name(stem) + ".v"))) is None, stem


@needs_coqc
@pytest.mark.parametrize("seed,widths", [(1, (3, 2, 2)), (2, (2, 3, 1, 2))])
def test_dense_stationary_minimum_compiles_and_a_moved_Y_does_not(coq_lib, tmp_path, seed, widths):
    cert = _stationary_cert(seed, widths)
    assert coq_global.exportable(cert, coq.MAX_PARAMETERS)
    path = tmp_path / "dense.json"
    path.write_text(json.dumps(cert))
    (v,) = coq.export_files([str(path)], str(tmp_path / "out"))
    assert "/" in open(v).read().split("Definition W")[0]   # dense rational data
    assert coq.compile_checked(coq_lib, v) is None
    # one entry of Y moved by 1/7: (P X - Y) X^T != 0 (X has no zero row), the kernel and Coq refuse
    cert["inputs"]["Y"]["rows"][0][1] = str(Fraction(cert["inputs"]["Y"]["rows"][0][1]) + Fraction(1, 7))
    path.write_text(json.dumps(cert))
    with pytest.raises(kernel.Rejected):
        kernel.check_file(str(path))
    (v,) = coq.export_files([str(path)], str(tmp_path / "bad"), check=False)   # the checker bypassed
    err, _out = coq.compile_one(coq_lib, v)
    assert err is not None and 'Unable to unify "true" with "false"' in err, err


@needs_coqc
def test_tampered_audit_minimum_does_not_compile(coq_lib, tmp_path):
    """ex-3's W = (2, 1/2), X = Y = 1 with the second layer changed to 1/3: PX - Y = -1/3, not
    stationary (the layer is not a global minimum any more), so Coq refuses the theorem."""
    cert = json.loads((CERTS / "ex-3-minimum-at-w1-2.json").read_text())
    cert["inputs"]["layers"][1]["rows"][0][0] = "1/3"
    path = tmp_path / "ex-3-tampered.json"
    path.write_text(json.dumps(cert))
    with pytest.raises(kernel.Rejected):
        kernel.check_file(str(path))
    (v,) = coq.export_files([str(path)], str(tmp_path / "out"), check=False)
    err, _out = coq.compile_one(coq_lib, v)
    assert err is not None and "Unable to unify" in err, err


def _lit(s: str) -> Fraction:
    s = s.strip().strip("()")
    p, _, q = s.partition(" # ")
    return Fraction(int(p), int(q or 1))


def _coq_mat(text: str, name: str) -> list[list[Fraction]]:
    body = text.split(f"Definition {name} : mat :=", 1)[1].split("].\n", 1)[0] + "]"
    rows = re.findall(r"\[([^\[\]]*)\]", body)
    return [[_lit(x) for x in r.split(";")] for r in rows]


@pytest.mark.parametrize("stem", KY_FAN)
def test_coq_ky_fan_bound_is_the_kernels(stem):
    """Cross-check: in the exported file, S B = Y B^T (B B^T)^-1 B and the bound Coq recomputes,
    |S B|^2 + |S B - Y|^2 - r mu - tr Q, equals the kernel's |Y|^2 - r mu - tr Q (from the JSON,
    by another formula); r is the narrowest width."""
    cert = json.loads((CERTS / f"{stem}.json").read_text())
    text = (COQ_CERTS / (coq.module_name(stem) + ".v")).read_text()
    B, S, Y = _coq_mat(text, "B"), _coq_mat(text, "Sm"), [[Fraction(x) for x in r] for r in cert["inputs"]["Y"]["rows"]]
    Yh = _mul(S, B)
    E = [[a - b for a, b in zip(ra, rb)] for ra, rb in zip(Yh, Y)]
    assert all(x == 0 for row in _mul(E, _t(B)) for x in row)
    sq = sum((x * x for row in Yh for x in row), Fraction(0)) + sum((x * x for row in E for x in row), Fraction(0))
    assert sq == sum((x * x for row in Y for x in row), Fraction(0))
    widths = [cert["inputs"]["X"]["shape"][0]] + [m["shape"][0] for m in cert["inputs"]["layers"]]
    assert f"Definition r : nat := {min(widths)}%nat." in text


def _moved(stem, how):
    cert = json.loads((CERTS / f"{stem}.json").read_text())
    how(cert["evidence"]["lower_bound"])
    return cert


def _mu_up(lb):
    lb["mu"] = str(Fraction(lb["mu"]) + 1)


def _mu_down(lb):
    lb["mu"] = str(Fraction(lb["mu"]) - Fraction(1, 2))


def _q_entry(lb):
    q = lb["Q"]["rows"]
    q[0][0] = str(Fraction(q[0][0]) - 1)


@needs_coqc
@pytest.mark.parametrize("stem,how", [("lem-7-2-1-3-global-4", _mu_up), ("lem-7-2-1-3-global-4", _mu_down),
                                      ("lem-11-3-2-2-2-3-global-4", _q_entry), ("thm-8-3-2-3-global-1", _mu_down)])
def test_tampered_ky_fan_certificate_does_not_compile(coq_lib, tmp_path, stem, how):
    """mu raised (the bound drops below L(W)), mu lowered or Q's corner lowered (Q + mu I - M is no
    longer PSD): the kernel rejects it, and the file exported with the kernel bypassed is refused by coqc."""
    cert = _moved(stem, how)
    path = tmp_path / f"{stem}-{how.__name__.strip('_')}.json"
    path.write_text(json.dumps(cert))
    with pytest.raises(kernel.Rejected):
        kernel.check_file(str(path))
    (v,) = coq.export_files([str(path)], str(tmp_path / "out"), check=False)
    err, _out = coq.compile_one(coq_lib, v)
    assert err is not None and 'Unable to unify "true" with "false"' in err, err


def _sos_terms(text: str, name: str) -> list[tuple[Fraction, list[Fraction]]]:
    body = text.split(f"Definition {name} : list (Q * list Q) :=", 1)[1].split("].\n", 1)[0]
    return [(_lit(d), [_lit(x) for x in v.split(";") if x.strip()])
            for d, v in re.findall(r"\((\(?-?\d+(?: # \d+)?\)?), \[([^\]]*)\]\)", body)]


def test_ky_fan_exporter_data_are_exact_on_dense_rational_inputs():
    """Property: for dense rational B (full row rank), Y, a PSD Q = sum of rank-one terms and
    mu = tr M + 1 (so M <= mu I), the exporter's S satisfies (S B - Y) B^T = 0 and its two sums of
    squares reproduce Q and Q + mu I - (S B)(S B)^T exactly, with positive d_k (Coq checks the
    same identities; this tests the exporter, not the proof)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    fr = st.fractions(min_value=-4, max_value=4, max_denominator=5)

    @settings(max_examples=30, deadline=None)
    @given(st.data())
    def prop(data):
        h, k, n = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)), data.draw(st.integers(1, 4))
        k = min(k, n)
        B = [[data.draw(fr) for _ in range(n)] for _ in range(k)]
        if _inverse(_mul(B, _t(B))) is None:
            return
        Y = [[data.draw(fr) for _ in range(n)] for _ in range(h)]
        R = [[data.draw(fr) for _ in range(h)] for _ in range(data.draw(st.integers(0, 3)))]
        Q = _mul(_t(R), R) if R else [[Fraction(0)] * h for _ in range(h)]
        G = _inverse(_mul(B, _t(B)))
        Yh = _mul(_mul(_mul(Y, _t(B)), G), B)
        M = _mul(Yh, _t(Yh))
        mu = sum((M[i][i] for i in range(h)), Fraction(0)) + 1

        def mat(A):
            return {"shape": [len(A), len(A[0])], "rows": [[str(x) for x in r] for r in A]}

        cert = {"inputs": {"X": mat(B), "Y": mat(Y), "layers": [mat([[Fraction(1)] * k for _ in range(h)])]},
                "evidence": {"lower_bound": {"method": "ky_fan", "C": mat([[Fraction(int(i == j)) for j in range(k)]
                                                                         for i in range(k)]),
                                             "B": mat(B), "Q": mat(Q), "mu": str(mu)}}}
        text = "\n".join(coq_global._ky_fan_data(cert, "p")) + "\n"
        S = _coq_mat(text, "Sm")
        E = [[a - b for a, b in zip(ra, rb)] for ra, rb in zip(_mul(S, B), Y)]
        assert all(x == 0 for row in _mul(E, _t(B)) for x in row)
        N = [[Q[a][b] + (mu if a == b else 0) - M[a][b] for b in range(h)] for a in range(h)]
        for name, A in (("sos1", Q), ("sos2", N)):
            terms = _sos_terms(text, name)
            assert all(d > 0 for d, _ in terms)
            for a in range(h):
                for b in range(h):
                    got = sum((d * (v + [0] * h)[a] * (v + [0] * h)[b] for d, v in terms), Fraction(0))
                    assert got == A[a][b], (name, a, b)

    prop()
