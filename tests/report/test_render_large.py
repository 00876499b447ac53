"""Readable certificates at real sizes (issue 22, item 4): the ``validate`` certificate of a
64x32 network (widths (32, 64, 32), n = 48 > d_0 samples, dense non-whitened X, generic Y)
renders to LaTeX that compiles with no overfull box and to HTML under 200 KB; large matrices
are elided with the SHA-256 of their exact values, recomputed here from the JSON alone;
every figure is in the loss convention the user chose; intervals never print with equal ends."""

from __future__ import annotations

import base64
import copy
import hashlib
import re
import shutil
import subprocess
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.exact.decimals import enclosure
from exactopen.landscape.network import network_from_arrays
from exactopen.numeric.validate import validate
from exactopen.report.render import render
from tests.helpers import schema_errors

HTML_BUDGET = 200_000  # bytes


def _trained(widths=(32, 64, 32), n=48, steps=300, seed=3):
    """Dense generic data: X Gaussian with unequal row scales and an offset (not whitened), Y
    Gaussian, layers trained a little by gradient descent (not converged: the gradient is large)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((widths[0], n)) * np.linspace(0.5, 2.0, widths[0])[:, None] + 0.3
    Y = rng.standard_normal((widths[-1], n))
    Ws = [0.3 * rng.standard_normal((widths[k + 1], widths[k])) / np.sqrt(widths[k]) for k in range(len(widths) - 1)]
    from tests.numeric.test_validate import _train

    return _train(Ws, X, Y, 0.05 / float(np.linalg.norm(X, 2)) ** 2, steps), X, Y


@pytest.fixture(scope="module")
def runs():
    Ws, X, Y = _trained()
    net = network_from_arrays(Ws, Y, X)
    return {loss: validate(net, loss=loss) for loss in ("sum", "mean")}


# -- the canonical serialisation, recomputed from the JSON without exactopen ---------------

def _entries(obj: dict) -> list[list[Fraction]]:
    """A certificate matrix's exact entries from its JSON (either encoding)."""
    m, n = obj["shape"]
    if "dyadic" in obj:
        d = obj["dyadic"]
        raw, k = base64.b64decode(d["numerators"]), d["width"]
        nums = [int.from_bytes(raw[i:i + k], "little", signed=True) for i in range(0, len(raw), k)]
        if d.get("lower"):  # a square matrix's lower triangle, row by row
            nums = [nums[i * (i + 1) // 2 + j] if j <= i else 0 for i in range(m) for j in range(n)]
        scale = Fraction(2) ** d["exponent"]
        flat = [x * scale for x in nums]
    else:
        flat = [Fraction(x) for r in obj["rows"] for x in r]
    assert len(flat) == m * n
    return [flat[i * n:(i + 1) * n] for i in range(m)]


def _digest(obj: dict) -> str:
    """docs/rendering.md: "m n", then one line per row, entries as integers or p/q in lowest
    terms separated by single spaces, every line ending in a newline; SHA-256 of its ASCII."""
    rows = _entries(obj)
    text = f"{obj['shape'][0]} {obj['shape'][1]}\n" + "".join(
        " ".join(str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}" for x in r) + "\n"
        for r in rows)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _input_matrices(cert):
    inp = cert["inputs"]
    return [(f"inputs.layers[{i}]", L) for i, L in enumerate(inp["layers"])] + [("inputs.X", inp["X"]),
                                                                                  ("inputs.Y", inp["Y"])]


def test_elided_matrices_carry_the_sha256_of_their_exact_values(runs):
    cert = runs["sum"].certificate
    md, html, tex = (render(cert, f) for f in ("md", "html", "tex"))
    for where, obj in _input_matrices(cert):
        h = _digest(obj)
        for out in (md, html):
            assert h in out, where
            assert f"`{where}`" in out or f"<code>{where}</code>" in out, where
        assert h[:16] in tex and h[48:] in tex, where  # broken every 16 characters in LaTeX
        m, n = obj["shape"]
        assert f"{m} \\times {n}" in md
    # the digest is of the values: one entry changed by 2^-60 changes it
    obj = copy.deepcopy(cert["inputs"]["X"])
    rows = _entries(obj)
    rows[5][7] += Fraction(1, 2 ** 60)
    other = {"shape": obj["shape"], "rows": [[str(x) for x in r] for r in rows]}
    assert _digest(other) != _digest(obj)


def test_dense_rational_matrix_elided_in_a_generic_proof():
    """The rows encoding (not dyadic) and a kind without a dedicated proof."""
    from exactopen.exact import linalg
    from exactopen.exact import matrix as mx

    rng = np.random.default_rng(11)
    rows = [[f"{int(rng.integers(-99, 100))}/{int(rng.integers(1, 50))}" for _ in range(9)] for _ in range(12)]
    cert = linalg.rank_certificate(mx.from_rows(rows))
    kernel.check(cert)
    md, html = render(cert, "md"), render(cert, "html")
    assert _digest(cert["inputs"]["A"]) in md and _digest(cert["inputs"]["A"]) in html
    assert "12 \\times 9" in md and "\\vdots" in md and "\\ddots" in md


def test_html_of_a_64x32_network_is_under_200_kb(runs):
    for loss, v in runs.items():
        html = render(v.certificate, "html")
        assert len(html.encode("utf-8")) < HTML_BUDGET, (loss, len(html))
        assert html.rstrip().endswith("</html>") and "<details" in html


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_of_a_64x32_network_has_no_overfull_box(runs, tmp_path):
    for loss, v in runs.items():
        (tmp_path / f"{loss}.tex").write_text(render(v.certificate, "tex", standalone=True))
        p = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{loss}.tex"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stdout[-3000:]
        log = (tmp_path / f"{loss}.log").read_text(errors="replace")
        assert "Overfull" not in log, re.findall(r"Overfull.*", log)[:5]


# -- the loss convention ------------------------------------------------------------------

def test_mean_convention_in_the_statement_and_the_proof(runs):
    from flint import fmpq

    from exactopen.kernel.primitives import approx

    cert = runs["mean"].certificate
    assert not [e for e in schema_errors(cert) if "loss_convention" in e or e.startswith("result:")]
    bad = copy.deepcopy(cert)
    bad["result"]["loss_convention"] = "median"
    assert [e for e in schema_errors(bad) if "loss_convention" in e]
    assert cert["result"]["loss_convention"] == "mean"
    st_ = kernel.check(cert)
    assert st_.startswith("at the given weights W, E(W) = ") and "min E >= " in st_ and "min L" not in st_
    L = Fraction(cert["result"]["loss"])
    dh, n = cert["inputs"]["Y"]["shape"]
    E = L * Fraction(2, dh * n)
    assert f"E(W) = {approx(fmpq(E.numerator, E.denominator))} " in st_  # the mean squared error, not L
    md = render(cert, "md")
    steps = [ln for ln in md.splitlines() if re.match(r"\d+\. ", ln)]
    assert len(steps) >= 4 and steps[0].startswith("1. Exactly, $E(W) = ") and "mean squared error" in md
    assert not any("L(W)" in x or "min L" in x for x in steps), steps
    assert f"<code>{E.numerator}/{E.denominator}</code>" in render(cert, "html")  # the exact E, one click away
    sum_md = render(runs["sum"].certificate, "md")
    assert "$L(W) = " in sum_md and "$E(W)" not in sum_md
    assert kernel.check(runs["sum"].certificate).startswith("at the given weights W, L(W) = ")


def test_the_convention_label_cannot_be_changed_or_invented(runs):
    for value in ("sum", "bogus", 2):
        bad = copy.deepcopy(runs["mean"].certificate)
        bad["result"]["loss_convention"] = value
        with pytest.raises(kernel.Rejected):
            kernel.check(bad)
    bad = copy.deepcopy(runs["sum"].certificate)
    del bad["result"]["loss_convention"]  # absent reads as "sum": the same statement
    assert kernel.check(bad) == runs["sum"].certificate["claim"]


# -- intervals ------------------------------------------------------------------------------

def test_intervals_never_print_with_equal_ends(runs):
    for loss, v in runs.items():
        line = next(x for x in v.lines if "global minimum of the loss" in x)
        a, b = re.search(r"lies in \[([^,]+), ([^\]]+)\]", line).groups()
        assert a != b and float(a) < float(b), line
        st_ = v.certificate["claim"]
        lo = re.search(r"min [LE] >= ([-\d.e+]+),", st_).group(1)
        hi = re.search(r"min [LE] <= ([-\d.e+]+) ", st_).group(1)
        assert lo != hi and Fraction(lo) < Fraction(hi), st_
        gl = v.certificate["result"]["global"]
        dh, n = v.certificate["inputs"]["Y"]["shape"]
        s = Fraction(1) if loss == "sum" else Fraction(2, dh * n)
        assert Fraction(lo) <= s * Fraction(gl["lower_bound"]) and s * Fraction(gl["upper_bound"]) <= Fraction(hi)
        md = render(v.certificate, "md")
        ends = re.findall(r"\\in \[([^,\]]+), ([^\]]+)\]", md)
        assert len(ends) == 2 and all(x != y for x, y in ends), ends


_Q = st.fractions(min_value=-10 ** 6, max_value=10 ** 6, max_denominator=10 ** 12)


@settings(max_examples=200, deadline=None)
@given(_Q, st.fractions(min_value=0, max_value=1, max_denominator=10 ** 15), st.integers(0, 12))
def test_enclosure_contains_and_separates(lo, width, tiny):
    from flint import fmpq

    from exactopen.kernel.validate import _enclosure

    hi = lo + width / 10 ** tiny
    a, b, enough = enclosure(lo, hi)
    fa, fb = Fraction(a), Fraction(b)
    if lo == hi:
        assert a == b
        return
    assert fa <= lo <= hi <= fb and a != b
    if enough:
        assert fb - fa <= 2 * (hi - lo)
    # the checker's own copy (it imports nothing from the generator) agrees on containment
    ka, kb = _enclosure(fmpq(lo.numerator, lo.denominator), fmpq(hi.numerator, hi.denominator))
    assert Fraction(ka) <= lo <= hi <= Fraction(kb) and ka != kb


def test_certificate_referring_to_input_files_renders_with_inputs(tmp_path):
    import sys

    Ws, X, Y = _trained(widths=(6, 12, 6), n=10, steps=50)
    np.savez(tmp_path / "w.npz", W1=Ws[0], W2=Ws[1], X=X, Y=Y)
    run = [sys.executable, "-m", "exactopen"]
    p = subprocess.run(run + ["validate", "--weights", "w.npz", "--inputs-by-digest", "--out", "c.json", "--quiet"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    digest = hashlib.sha256((tmp_path / "w.npz").read_bytes()).hexdigest()
    p = subprocess.run(run + ["render", "c.json", "--format", "md"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 1 and len(p.stderr.strip().splitlines()) == 1 and "was not given" in p.stderr
    for fmt in ("md", "tex"):
        p = subprocess.run(run + ["render", "c.json", "--format", fmt, "--standalone", "--inputs", "w.npz", "--out",
                                  f"c.{fmt}"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr
    md = (tmp_path / "c.md").read_text()
    assert f"`{digest}`" in md and "not embedded in the certificate" in md and "\\begin{bmatrix}" not in md
    if shutil.which("pdflatex"):
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "c.tex"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=300)
        assert "Overfull" not in (tmp_path / "c.log").read_text(errors="replace")


def test_result_displays_in_jupyter_with_a_collapsible_proof():
    import exactopen
    from exactopen.report.notebook import result_html

    Ws, X, Y = _trained(widths=(6, 12, 6), n=10, steps=50)
    r = exactopen.validate(Ws, Y, X, loss="mean")
    h = result_html(r)
    assert h.startswith('<div class="exactopen-result">') and "<details>" in h and "<math" in h
    assert r.verdict.replace("_", " ") in h and "accepted" in h and "E(W)" in h
    bad = copy.deepcopy(r)
    bad.certificate["result"]["loss"] = "1"
    h = result_html(bad)
    assert "REJECTED: " in h and r.verdict.replace("_", " ") not in h and "accepted" not in h


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 20), st.integers(1, 20), st.integers(0, 2 ** 32), st.booleans(), st.booleans())
def test_digest_of_any_encoding_is_that_of_the_values(m, n, seed, dyadic, lower):
    """The renderer's digest (exactopen.report.latex.digest of the matrix it read) equals the
    one recomputed from the JSON alone, for rows, dyadic and lower-triangular dyadic encodings."""
    from exactopen.certificate import matrix_json
    from exactopen.exact import matrix as mx
    from exactopen.report.latex import digest

    rng = np.random.default_rng(seed)
    if lower:
        m = n = max(m, 16)
    vals = rng.integers(-10 ** 6, 10 ** 6, size=(m, n))
    dens = 2 ** rng.integers(0, 40, size=(m, n)) if dyadic else rng.integers(1, 10 ** 4, size=(m, n))
    if lower:
        vals = np.tril(vals)
    A = mx.from_rows([[f"{int(vals[i, j])}/{int(dens[i, j])}" for j in range(n)] for i in range(m)])
    obj = matrix_json(A, dyadic=dyadic)
    assert ("dyadic" in obj) == dyadic and bool(obj.get("dyadic", {}).get("lower")) == (dyadic and lower)
    assert mx.from_json(obj) == A
    assert digest(mx.from_json(obj)) == _digest(obj)


def test_huge_exact_values_stay_in_the_certificate():
    from exactopen.report import emit
    from exactopen.report.latex import Block, q
    from exactopen.report.mathml import to_mathml

    huge = "7" * 5000 + "/" + "3" * 4999 + "1"
    small = "12345678901234567890123/7"
    bs = [Block("step", f"Exactly, $x = {q(huge)}$ and $y = {q(small)}$.")]
    for out in (emit.to_markdown(bs), emit.to_html(bs), emit.to_latex(bs)):
        assert "has an exact value of 10001 characters, in the certificate" in out
        assert "7" * 200 not in out and ("12345678901234567890123/7" in out or "1234567890\\allowbreak" in out)
    assert "7" * 200 not in to_mathml(q(huge))


@pytest.mark.slow
def test_stalled_run_with_a_nearby_saddle_renders(tmp_path):
    """The nearby problem's step (issue 21's path) in the user's convention, LaTeX without an
    overfull box."""
    from exactopen.numeric.nearby import stalled_run

    Ws, X, Y, info = stalled_run((6, 6, 3, 6, 6), 12, seed=0)
    cert = validate(network_from_arrays(Ws, Y, X), loss="mean").certificate
    assert cert["result"].get("nearby") is not None
    md = render(cert, "md")
    step = next(ln for ln in md.splitlines() if "nearby data" in ln)
    assert "nested certificate checked in full" in step and "\\|Y' - Y\\|_F^2" in step
    assert "min L" not in md and "\\min E \\in [" in md
    if shutil.which("pdflatex"):
        (tmp_path / "n.tex").write_text(render(cert, "tex", standalone=True))
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "n.tex"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=300)
        assert "Overfull" not in (tmp_path / "n.log").read_text(errors="replace")
