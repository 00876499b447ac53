"""No traceback, anywhere: a corpus of malformed inputs over every CLI command.

Each case is (argv, files to create in tmp_path, expected exit code).  For every case the exit
code must be the expected one (2 = usage or input error, 1 = a certificate the checker
rejects) and stderr must be exactly one non-empty line without 'Traceback'.  Cases run
in-process through ``exactopen.cli.main`` (fast); a handful also run in a subprocess
(``python -m exactopen``) to prove that no traceback reaches stderr from the real entry point.

argv tokens may contain ``{tmp}`` (the test's tmp_path).  Files: name -> text (str, written
as UTF-8), bytes, ``DIR`` (a directory) or a callable ``f(path)`` that writes the file.

``verify`` reports a rejection (exit 1) on stdout by design ("FILE: REJECTED: ..."); for those
cases the one line is looked for there.  Tests marked with KERNEL_XFAIL concern the trusted
checker (``exactopen/kernel/``), which is being reworked elsewhere: non-strict xfail while they fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from exactopen import cli
from tests.helpers import ROOT

DIR = object()
KERNEL_XFAIL = pytest.mark.xfail(strict=False, reason="kernel rework in progress")

BIG = "1" + "0" * 400          # a rational far above the largest float (1.8e308)
HUGE_INT = "1" + "0" * 5000    # a JSON integer above Python's 4300-digit int() limit


# ---------------------------------------------------------------------------------------
# file builders
# ---------------------------------------------------------------------------------------

def npy(arr):
    return lambda p: np.save(p, np.asarray(arr))


def npz(**arrs):
    return lambda p: np.savez(p, **{k: np.asarray(v) for k, v in arrs.items()})


def jtext(obj) -> str:
    return json.dumps(obj)


def _small_certificate() -> dict:
    from exactopen.exact import linalg
    from exactopen.exact import matrix as mx

    return linalg.rank_certificate(mx.from_rows([[1, 2], [2, 4]]))


def cert_text(edit=None) -> str:
    """A valid rank certificate as text, optionally edited (a function of the dict)."""
    c = _small_certificate()
    if edit:
        edit(c)
    return json.dumps(c, indent=1)


def _set(path, value):
    def edit(c):
        d = c
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
    return edit


def _numrank_certificate(entry: str, distance_sq: str) -> str:
    """A numerical_rank certificate of [[2]] (rank-0 approximation) with A and the distance edited."""
    from exactopen.exact import matrix as mx
    from exactopen.numeric.rank import numerical_rank_certificate

    cert, _, _ = numerical_rank_certificate(mx.from_rows([[2]]), [0])
    cert["inputs"]["A"]["rows"] = [[entry]]
    cert["result"]["approximations"][0]["distance_sq"] = distance_sq
    from exactopen import kernel

    try:
        cert["claim"] = kernel.statement(cert)  # the sentence the checker derives (no float on the way)
    except kernel.Rejected:
        pass  # an inconsistent edit: the checker will reject the file
    return json.dumps(cert, indent=1)


def _with_version(text: str) -> str:
    """The certificate text with its version number replaced by ``text``."""
    c = _small_certificate()
    return cert_text().replace(f'"version": {c["version"]}', f'"version": {text}', 1)


def duplicate_kind() -> str:
    text = cert_text()
    return text.replace('"kind": "rank"', '"kind": "bogus", "kind": "rank"', 1)


def truncated() -> str:
    text = cert_text()
    return text[: len(text) // 2]


# ---------------------------------------------------------------------------------------
# the corpus
# ---------------------------------------------------------------------------------------

CASES = []


def case(cid, argv, code=2, files=None, kernel=False):
    marks = [KERNEL_XFAIL] if kernel else []
    CASES.append(pytest.param(list(argv), files or {}, code, id=cid, marks=marks))


def lazy(fn):
    """A file whose text is computed when the test runs (needs the package imported)."""
    return lambda p: Path(p).write_text(fn(), encoding="utf-8")


NESTED = "[" * 100000
NON_UTF8 = b"[[1, 2]]\xff\xfe"
BINARY = bytes(range(256)) * 4

# --- schema, sweep ------------------------------------------------------------------------
case("schema-extra-argument", ["schema", "extra"])
case("sweep-no-family", ["sweep"])
case("sweep-unknown-family", ["sweep", "bogus", "--out", "{tmp}/d"])

# --- verify (the checker) ---------------------------------------------------------------
case("verify-nested", ["verify", "{tmp}/c.json"], files={"c.json": NESTED})
case("verify-big-rational-wrong", ["verify", "{tmp}/c.json"], 2,  # an over-long JSON integer: not readable
     files={"c.json": lazy(lambda: cert_text(_set(["result", "rank"], int(BIG))))})
case("verify-huge-int", ["verify", "{tmp}/c.json"], 2,
     files={"c.json": lazy(lambda: _with_version(HUGE_INT))})
case("verify-duplicate-keys", ["verify", "{tmp}/c.json"], files={"c.json": lazy(duplicate_kind)})
case("verify-truncated", ["verify", "{tmp}/c.json"], files={"c.json": lazy(truncated)})
case("verify-directory", ["verify", "{tmp}/d"], files={"d": DIR})
case("verify-binary", ["verify", "{tmp}/c.json"], files={"c.json": BINARY})
case("verify-non-utf8", ["verify", "{tmp}/c.json"], files={"c.json": NON_UTF8})
case("verify-missing-file", ["verify", "{tmp}/nope.json"])
case("verify-empty-file", ["verify", "{tmp}/c.json"], files={"c.json": ""})
case("verify-not-a-certificate", ["verify", "{tmp}/c.json"], files={"c.json": "{}"})
case("verify-nan", ["verify", "{tmp}/c.json"],
     files={"c.json": lazy(lambda: _with_version("NaN"))})
case("verify-unknown-option", ["verify", "--bogus", "x.json"])
case("verify-no-files", ["verify"])

# --- rank ---------------------------------------------------------------------------------
case("rank-ragged", ["rank", "[[1,2],[3]]"])
case("rank-non-numeric", ["rank", '[["x", 1]]'])
case("rank-nan", ["rank", "[[NaN]]"])
case("rank-infinity", ["rank", "[[Infinity]]"])
case("rank-inf-string", ["rank", '[["-inf"]]'])
case("rank-zero-denominator", ["rank", '[["1/0"]]'])
case("rank-exponent-too-large", ["rank", '[["1e99999"]]'])
case("rank-malformed-json", ["rank", "[[1, 2]"])
case("rank-nested-inline", ["rank", NESTED])
case("rank-nested-file", ["rank", "{tmp}/m.json"], files={"m.json": NESTED})
case("rank-shape-mismatch", ["rank", "[[1,2]]", "[[1,2]]"])
case("rank-missing-file", ["rank", "{tmp}/nope.json"])
case("rank-directory", ["rank", "{tmp}/d"], files={"d": DIR})
case("rank-non-utf8-file", ["rank", "{tmp}/m.json"], files={"m.json": NON_UTF8})
case("rank-binary-file", ["rank", "{tmp}/m.json"], files={"m.json": BINARY})
case("rank-empty-file", ["rank", "{tmp}/m.json"], files={"m.json": ""})
case("rank-newline-in-path", ["rank", "{tmp}/no\nsuch"])
case("rank-float-npy-without-flag", ["rank", "{tmp}/a.npy"], files={"a.npy": npy([[0.5, 1.0]])})
case("rank-npy-3d", ["rank", "{tmp}/a.npy"], files={"a.npy": npy(np.zeros((2, 2, 2), dtype=int))})
case("rank-npy-nan", ["rank", "--from-float", "{tmp}/a.npy"], files={"a.npy": npy([[np.nan, 1.0]])})
case("rank-npy-complex", ["rank", "{tmp}/a.npy"], files={"a.npy": npy([[1 + 2j]])})
case("rank-npy-corrupt", ["rank", "{tmp}/a.npy"], files={"a.npy": b"\x93NUMPY garbage"})
case("rank-npz-missing-name", ["rank", "{tmp}/a.npz:W9"], files={"a.npz": npz(W1=[[1]])})
case("rank-npz-several", ["rank", "{tmp}/a.npz"], files={"a.npz": npz(W1=[[1]], W2=[[2]])})
case("rank-out-under-file", ["rank", "[[1]]", "--out", "{tmp}/f/c.json"], files={"f": "x"})
case("rank-out-is-directory", ["rank", "[[1]]", "--out", "{tmp}/d"], files={"d": DIR})
case("rank-unknown-option", ["rank", "--bogus", "[[1]]"])

# --- nullspace / colspace / intersect / solve ----------------------------------------------
case("nullspace-ragged", ["nullspace", "[[1],[2,3]]"])
case("nullspace-boolean", ["nullspace", "[[true]]"])
case("nullspace-two-matrices", ["nullspace", "[[1]]", "[[2]]"])
case("nullspace-json-object-file", ["nullspace", "{tmp}/m.json"], files={"m.json": '{"A": [[1]], "B": [[2]]}'})
case("colspace-empty", ["colspace", "[]"])
case("colspace-row-vector", ["colspace", "[1, 2]"])
case("colspace-out-under-file", ["colspace", "[[1]]", "--out", "{tmp}/f/c.json"], files={"f": "x"})
case("intersect-shape-mismatch", ["intersect", "--A", "[[1,2]]", "--B", "[[1]]"])
case("intersect-missing-B", ["intersect", "--A", "[[1,2]]"])
case("intersect-nested", ["intersect", "--A", NESTED, "--B", "[[1]]"])
case("solve-shape-mismatch", ["solve", "--A", "[[1,2]]", "--B", "[[1],[2]]"])
case("solve-null-entry", ["solve", "--A", "[[null]]", "--B", "[[1]]"])
case("solve-huge-int-file", ["solve", "--A", "{tmp}/m.json", "--B", "[[1]]"],
     files={"m.json": "[[" + HUGE_INT + "]] trailing"})

# --- openness / lift / rate / chain / rowbasis / demo ---------------------------------------
case("openness-shape-mismatch", ["openness", "--W1", "[[1],[1]]", "--W2", "[[1,2],[3,4]]"])
case("openness-missing-W2", ["openness", "--W1", "[[1]]"])
case("openness-bad-polynomial", ["openness", "--W1", '[["a+"]]', "--W2", "[[1]]"])
case("openness-code-injection", ["openness", "--W1", '[["__import__(\'os\')"]]', "--W2", "[[1]]"])
case("openness-exponent-too-large", ["openness", "--W1", '[["a^100000"]]', "--W2", "[[1]]"])
case("openness-chained-power", ["openness", "--W1", '[["a^2^3"]]', "--W2", "[[1]]"])
case("openness-deep-parentheses", ["openness", "--W1", '[["' + "(" * 30000 + "a" + ")" * 30000 + '"]]',
                                    "--W2", "[[1]]"])
case("openness-sign-chain", ["openness", "--W1", '[["' + "-" * 5000 + 'a"]]', "--W2", "[[1]]"])
case("openness-degree-too-high", ["openness", "--W1", '[["a^1000"]]', "--W2", '[["a^1000"]]'])
case("openness-nan", ["openness", "--W1", "[[NaN]]", "--W2", "[[1]]"])
case("openness-out-under-file", ["openness", "--W1", "[[1]]", "--W2", "[[1]]", "--out", "{tmp}/f/c.json"],
     files={"f": "x"})
case("lift-Z-shape-mismatch", ["lift", "--W1", "[[1],[1]]", "--W2", "[[1,0]]", "--Z", "[[1]]"])
case("lift-missing-Z", ["lift", "--W1", "[[1],[1]]", "--W2", "[[1,0]]"])
case("lift-Z-non-numeric", ["lift", "--W1", "[[1],[1]]", "--W2", "[[1,0]]", "--Z", '[["z", 0], [0, 0]]'])
case("lift-Z-not-in-range", ["lift", "--W1", "[[1],[1]]", "--W2", "[[1,0]]", "--Z", "[[1,0],[0,1]]"])
case("rate-big-rational", ["rate", "--W1", f'[["{BIG}"]]', "--W2", "[[1]]"])
case("rate-big-direction", ["rate", "--W1", "[[1],[0]]", "--W2", "[[1,0]]", "--R", f'[["{BIG}", 0], [0, 0]]'])
case("rate-zero-direction", ["rate", "--W1", "[[1],[0]]", "--W2", "[[1,0]]", "--R", "[[0,0],[0,0]]"])
case("rate-tiny-entry", ["rate", "--W1", '[["1e-400"]]', "--W2", "[[1]]"])
case("rate-not-open", ["rate", "--W1", "[[1],[1]]", "--W2", "[[0,0]]"])
case("rate-R-shape-mismatch", ["rate", "--W1", "[[1],[0]]", "--W2", "[[1,0]]", "--R", "[[1]]"])
case("chain-shape-mismatch", ["chain", "--layers", "[[1,2]]", "[[1,2]]"])
case("chain-no-layers", ["chain", "--layers"])
case("chain-ragged", ["chain", "--layers", "[[1],[1,2]]"])
case("chain-param-shape-mismatch", ["chain", "--layers", '[["a","1"]]', '[["b","1"]]', "[[1]]"])
case("chain-param-division", ["chain", "--layers", '[["1/a"]]', '[["b"]]', '[["1"]]'])
case("chain-param-float", ["chain", "--layers", '[["a", 0.5]]', '[["b"],["1"]]', '[["1"]]'])
case("rowbasis-full-rank", ["rowbasis", "[[1,2]]"])
case("rowbasis-non-numeric", ["rowbasis", '[["one"]]'])
case("rowbasis-out-under-file", ["rowbasis", "[[1],[1]]", "--out", "{tmp}/f/c.json"], files={"f": "x"})
case("demo-extra-argument", ["demo", "[[1]]"])
case("demo-out-under-file", ["demo", "--out", "{tmp}/f/c.json"], files={"f": "x"})

# --- pyramid ---------------------------------------------------------------------------------
PYR = ["pyramid", "--layers", "[[1,2],[3,4]]", "[[1,1]]"]
case("pyramid-relu", PYR + ["--activation", "relu"])
case("pyramid-unknown-activation", PYR + ["--activation", "swish"])
case("pyramid-leaky-zero", PYR + ["--activation", "leaky_relu:0"])
case("pyramid-leaky-negative", PYR + ["--activation", "leaky_relu:-1"])
case("pyramid-leaky-non-numeric", PYR + ["--activation", "leaky_relu:x"])
case("pyramid-leaky-zero-denominator", PYR + ["--activation", "leaky_relu:1/0"])
case("pyramid-pwl-malformed", PYR + ["--activation", "pwl:breakpoints=0;slopes=1"])
case("pyramid-pwl-decreasing", PYR + ["--activation", "pwl:breakpoints=0;slopes=1,-1"])
case("pyramid-activation-count", PYR + ["--activation", "tanh", "tanh", "tanh"])
case("pyramid-missing-activation", PYR)
case("pyramid-missing-layers", ["pyramid", "--activation", "tanh"])
case("pyramid-counterexample-with-layers", PYR + ["--counterexample"])
case("pyramid-global-without-X", PYR + ["--activation", "tanh", "--global"])
case("pyramid-layer-shape-mismatch", ["pyramid", "--layers", "[[1,2]]", "[[1,1]]", "--activation", "tanh"])
case("pyramid-X-shape-mismatch", PYR + ["--activation", "tanh", "--X", "[[1,2,3]]"])
case("pyramid-X-nested", PYR + ["--activation", "tanh", "--X", NESTED])
case("pyramid-out-under-file", ["pyramid", "--counterexample", "--out", "{tmp}/f/c.json"], files={"f": "x"})

# --- classify / thm12 ------------------------------------------------------------------------
case("classify-Y-shape-mismatch", ["classify", "--layers", "[[1,0]]", "--Y", "[[1,2,3]]"])
case("classify-layer-mismatch", ["classify", "--layers", "[[1,0]]", "[[1,2]]", "--Y", "[[1,2]]"])
case("classify-X-mismatch", ["classify", "--layers", "[[1,0]]", "--X", "[[1]]", "--Y", "[[1]]"])
case("classify-weights-negative", ["classify", "--layers", "[[1]]", "--Y", "[[1]]", "--weights", "[[-1]]"])
case("classify-weights-shape", ["classify", "--layers", "[[1]]", "--Y", "[[1]]", "--weights", "[[1, 1]]"])
case("classify-missing-Y", ["classify", "--layers", "[[1]]"])
case("classify-nested-Y", ["classify", "--layers", "[[1]]", "--Y", NESTED])
case("classify-json-missing-name", ["classify", "--layers", "{tmp}/n.json:W7", "--Y", "[[1]]"],
     files={"n.json": '{"W1": [[1]]}'})
case("thm12-non-integer", ["thm12", "2", "a", "2"])
case("thm12-zero-width", ["thm12", "2", "0", "2"])
case("thm12-one-width", ["thm12", "5"])
case("thm12-not-applicable", ["thm12", "1", "2", "3"])
case("thm12-huge-width", ["thm12", "1000000", "1", "1", "1000000"])
case("thm12-out-under-file", ["thm12", "2", "1", "1", "2", "--out", "{tmp}/f/c.json"], files={"f": "x"})

# --- audit / render --------------------------------------------------------------------------
case("audit-unknown-claim", ["audit", "--only", "no-such-claim"])
case("audit-only-empty", ["audit", "--only"])
case("audit-dir-under-file", ["audit", "--only", "lem-13", "--dir", "{tmp}/f/certs"], files={"f": "x"})
case("audit-empty-dir", ["audit", "--only", "lem-13", "--dir", ""])
case("audit-check-missing-dir", ["audit", "--check", "--only", "lem-13", "--dir", "{tmp}/nope"])
case("audit-check-dir-is-file", ["audit", "--check", "--only", "lem-13", "--dir", "{tmp}/f"], files={"f": "x"})
case("render-missing", ["render", "{tmp}/nope.json"])
case("render-directory", ["render", "{tmp}/d"], files={"d": DIR})
case("render-nested", ["render", "{tmp}/c.json"], files={"c.json": NESTED})
case("render-non-utf8", ["render", "{tmp}/c.json"], files={"c.json": NON_UTF8})
case("render-binary", ["render", "{tmp}/c.json"], files={"c.json": BINARY})
case("render-truncated", ["render", "{tmp}/c.json"], files={"c.json": lazy(truncated)})
case("render-huge-int", ["render", "{tmp}/c.json"],
     files={"c.json": lazy(lambda: _with_version(HUGE_INT))})
case("render-not-a-certificate", ["render", "{tmp}/c.json"], files={"c.json": "[1, 2]"})
case("render-rejected", ["render", "{tmp}/c.json"], 1,
     files={"c.json": lazy(lambda: cert_text(_set(["result", "rank"], 2)))})
case("render-bad-format", ["render", "{tmp}/c.json", "--format", "pdf"], files={"c.json": lazy(cert_text)})
case("render-out-under-file", ["render", "{tmp}/c.json", "--out", "{tmp}/f/x.md"],
     files={"c.json": lazy(cert_text), "f": "x"})
case("render-out-is-directory", ["render", "{tmp}/c.json", "--out", "{tmp}/d"],
     files={"c.json": lazy(cert_text), "d": DIR})

# --- export coq --------------------------------------------------------------------------------
case("export-missing", ["export", "coq", "{tmp}/nope.json", "--out", "{tmp}/v"])
case("export-nested", ["export", "coq", "{tmp}/c.json", "--out", "{tmp}/v"], files={"c.json": NESTED})
case("export-binary", ["export", "coq", "{tmp}/c.json", "--out", "{tmp}/v"], files={"c.json": BINARY})
case("export-not-a-certificate", ["export", "coq", "{tmp}/c.json", "--out", "{tmp}/v"], files={"c.json": "[1, 2]"})
case("export-rejected", ["export", "coq", "{tmp}/c.json", "--out", "{tmp}/v"], 1,
     files={"c.json": lazy(lambda: cert_text(_set(["result", "rank"], 2)))})
case("export-kind-not-covered", ["export", "coq", "{tmp}/c.json", "--out", "{tmp}/v"], files={"c.json": lazy(cert_text)})
case("export-out-is-file", ["export", "coq", "{tmp}/c.json", "--out", "{tmp}/f"],
     files={"c.json": lazy(cert_text), "f": "x"})
case("export-bad-target", ["export", "lean", "{tmp}/c.json", "--out", "{tmp}/v"], files={"c.json": lazy(cert_text)})
case("export-no-out", ["export", "coq", "{tmp}/c.json"], files={"c.json": lazy(cert_text)})

# --- validate / numrank ----------------------------------------------------------------------
W_OK = dict(W1=[[1.0, 0.5]], W2=[[2.0]], Y=[[1.0, 0.0]])
case("validate-1e308-npz", ["validate", "--quiet", "--weights", "{tmp}/w.npz"],
     files={"w.npz": npz(W1=[[1e308]], W2=[[1e308]], Y=[[1.0]])})
case("validate-1e308-json", ["validate", "--quiet", "--weights", "{tmp}/w.json"],
     files={"w.json": jtext({"W1": [["1e308"]], "W2": [["1e308"]], "Y": [[1]]})})
case("validate-1e200-three-layers", ["validate", "--quiet", "--weights", "{tmp}/w.npz"],
     files={"w.npz": npz(W1=[[1e200]], W2=[[1e200]], W3=[[1e-100]], Y=[[1.0]])})
case("validate-loss-too-large", ["validate", "--quiet", "--weights", "{tmp}/w.npz"],
     files={"w.npz": npz(W1=[[1e100]], W2=[[1e100]], W3=[[1e100]], Y=[[1.0]])})
case("validate-big-rational-json", ["validate", "--quiet", "--weights", "{tmp}/w.json"],
     files={"w.json": jtext({"W1": [[BIG]], "Y": [[1]]})})
case("validate-nan-npz", ["validate", "--quiet", "--weights", "{tmp}/w.npz"],
     files={"w.npz": npz(W1=[[np.nan]], Y=[[1.0]])})
case("validate-inf-npz", ["validate", "--quiet", "--weights", "{tmp}/w.npz"],
     files={"w.npz": npz(W1=[[np.inf]], Y=[[1.0]])})
case("validate-no-Y", ["validate", "--quiet", "--weights", "{tmp}/w.npz"], files={"w.npz": npz(W1=[[1.0]])})
case("validate-no-layers", ["validate", "--quiet", "--weights", "{tmp}/w.npz"], files={"w.npz": npz(Y=[[1.0]])})
case("validate-missing-W2", ["validate", "--quiet", "--weights", "{tmp}/w.npz"],
     files={"w.npz": npz(W1=[[1.0]], W3=[[1.0]], Y=[[1.0]])})
case("validate-Y-shape-mismatch", ["validate", "--quiet", "--weights", "{tmp}/w.npz"],
     files={"w.npz": npz(W1=[[1.0, 0.5]], W2=[[2.0]], Y=[[1.0, 0.0, 3.0]])})
case("validate-missing-file", ["validate", "--quiet", "--weights", "{tmp}/nope.npz"])
case("validate-directory", ["validate", "--quiet", "--weights", "{tmp}/d"], files={"d": DIR})
case("validate-malformed-json", ["validate", "--quiet", "--weights", "{tmp}/w.json"], files={"w.json": '{"W1": [[1'})
case("validate-nested-json", ["validate", "--quiet", "--weights", "{tmp}/w.json"], files={"w.json": NESTED})
case("validate-torch-file", ["validate", "--quiet", "--weights", "{tmp}/w.pt"], files={"w.pt": BINARY})
case("validate-snap-zero", ["validate", "--quiet", "--weights", "{tmp}/w.npz", "--snap", "0"],
     files={"w.npz": npz(**W_OK)})
case("validate-snap-text", ["validate", "--quiet", "--weights", "{tmp}/w.npz", "--snap", "tiny"],
     files={"w.npz": npz(**W_OK)})
case("validate-snap-den-zero", ["validate", "--quiet", "--weights", "{tmp}/w.npz", "--snap-den", "0"],
     files={"w.npz": npz(**W_OK)})
case("validate-radius-negative", ["validate", "--quiet", "--weights", "{tmp}/w.npz", "--radius", "-1"],
     files={"w.npz": npz(**W_OK)})
case("validate-radius-nan", ["validate", "--quiet", "--weights", "{tmp}/w.npz", "--radius", "nan"],
     files={"w.npz": npz(**W_OK)})
case("validate-radius-inf", ["validate", "--quiet", "--weights", "{tmp}/w.npz", "--radius", "inf"],
     files={"w.npz": npz(**W_OK)})
case("validate-eps-negative", ["validate", "--quiet", "--weights", "{tmp}/w.npz", "--eps", "-1"],
     files={"w.npz": npz(**W_OK)})
case("validate-eps-big", ["validate", "--quiet", "--weights", "{tmp}/w.npz", "--eps", BIG],
     files={"w.npz": npz(**W_OK)})
case("validate-X-mismatch", ["validate", "--quiet", "--weights", "{tmp}/w.npz", "--X", "[[1,2,3]]"],
     files={"w.npz": npz(**W_OK)})
case("validate-out-under-file", ["validate", "--quiet", "--weights", "{tmp}/w.npz", "--out", "{tmp}/f/c.json"],
     files={"w.npz": npz(**W_OK), "f": "x"})
case("numrank-big-rational", ["numrank", f'[["{BIG}", 1]]'])
case("numrank-big-decimal", ["numrank", '[["1e400"]]'])
case("numrank-1e308-npy", ["numrank", "--from-float", "{tmp}/a.npy"], files={"a.npy": npy([[1e308, 1e308]])})
case("numrank-rank-negative", ["numrank", "[[1]]", "--rank", "-1"])
case("numrank-rank-text", ["numrank", "[[1]]", "--rank", "two"])
case("numrank-tol-negative", ["numrank", "[[1]]", "--tol", "-1"])
case("numrank-tol-nan", ["numrank", "[[1]]", "--tol", "nan"])
case("numrank-float-npy-without-flag", ["numrank", "{tmp}/a.npy"], files={"a.npy": npy([[0.5]])})
case("numrank-ragged", ["numrank", "[[1],[2,3]]"])

# --- top level ---------------------------------------------------------------------------------
case("no-command", [])
case("unknown-command", ["frobnicate"])
case("unknown-top-option", ["--frobnicate", "rank", "[[1]]"])


SUBPROCESS_IDS = {
    "verify-nested", "rank-nested-file", "validate-1e308-npz", "render-out-under-file",
    "numrank-big-rational", "rate-big-rational", "thm12-huge-width", "rank-newline-in-path",
}


# ---------------------------------------------------------------------------------------
# running a case
# ---------------------------------------------------------------------------------------

def _materialise(tmp_path: Path, argv, files):
    for name, content in files.items():
        p = tmp_path / name
        if content is DIR:
            p.mkdir()
        elif isinstance(content, bytes):
            p.write_bytes(content)
        elif isinstance(content, str):
            p.write_text(content, encoding="utf-8")
        else:
            content(str(p))
    return [a.replace("{tmp}", str(tmp_path)) for a in argv]


def _assert_one_line_error(code, out, err, expected, argv):
    assert "Traceback" not in err and "Traceback" not in out, err[-3000:]
    assert code == expected, (argv[:6], code, err[-2000:])
    if argv and argv[0] == "verify" and expected == 1:
        # verify reports a rejection on stdout ("FILE: REJECTED: ..."), by design
        assert err == "" and len(out.strip().splitlines()) == 1 and "REJECTED" in out, (out, err)
        return
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].strip(), err[-2000:]


@pytest.mark.parametrize("argv,files,code", CASES)
def test_bad_input(tmp_path, capsys, monkeypatch, argv, files, code):
    monkeypatch.chdir(tmp_path)
    argv = _materialise(tmp_path, argv, files)
    got = cli.main(argv)
    cap = capsys.readouterr()
    _assert_one_line_error(got, cap.out, cap.err, code, argv)


@pytest.mark.parametrize("argv,files,code", [c for c in CASES if c.id in SUBPROCESS_IDS])
def test_bad_input_subprocess(tmp_path, argv, files, code):
    argv = _materialise(tmp_path, argv, files)
    r = subprocess.run([sys.executable, "-m", "exactopen", *argv], capture_output=True, text=True, timeout=120,
                       cwd=tmp_path, env=_env())
    _assert_one_line_error(r.returncode, r.stdout, r.stderr, code, argv)


def _env():
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_corpus_size():
    commands = {c.values[0][0] for c in CASES if c.values[0]}
    assert len(CASES) >= 90
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) <= commands, set(sub.choices) - commands


def test_verify_valid_certificate_with_huge_rationals_is_accepted(tmp_path, capsys):
    """A consistent numerical_rank certificate whose numbers exceed the float range: the checker
    should accept it (its summary must not call float() on an unbounded rational)."""
    p = tmp_path / "c.json"
    p.write_text(_numrank_certificate("1" + "0" * 200, BIG), encoding="utf-8")
    code = cli.main(["verify", str(p)])
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err
    assert code == 0 and "accepted" in cap.out, (code, cap.out, cap.err)
