"""Issue 22, items 2 and 4: validate says what was assumed (a linear network, X = I when
defaulted), shape errors name the matrix and the flag; Result displays in Jupyter with a bounded,
collapsible certificate; the API is typed and documented."""

from __future__ import annotations

import doctest
import inspect
import json
import re

import numpy as np
import pytest

import exactopen
from exactopen.cli import main
from exactopen.errors import InputError
from exactopen.result import Result, elide
from tests.helpers import ROOT


def _layers(seed=0, widths=(5, 3, 4)):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((widths[i + 1], widths[i])) for i in range(len(widths) - 1)]


# -- 2. what was assumed --------------------------------------------------------------------

def test_validate_states_the_model_and_the_default_X(capsys, tmp_path):
    Ws = _layers()
    rng = np.random.default_rng(1)
    r = exactopen.validate(Ws, rng.standard_normal((4, 5)))
    assert r.lines[0] == ("model: a linear network W2 W1 (widths 5, 3, 4, input first), no bias, no activation: any "
                          "activation in your model's forward is not seen")
    assert r.lines[1].startswith("data: X = I, the 5x5 identity (no X= given")
    assert r.lines[2].startswith("verdict: ") and r.summary["assumed"] == r.lines[:2]
    X = rng.standard_normal((5, 9))
    r2 = exactopen.validate(Ws, rng.standard_normal((4, 9)), X)
    assert r2.lines[1] == "data: X is 5x9 (given as X=), Y is 4x9 (9 samples, one per column)"
    f = tmp_path / "w.npz"
    np.savez(f, W1=Ws[0], W2=Ws[1], Y=rng.standard_normal((4, 5)))
    assert main(["validate", "--weights", str(f), "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("model: a linear network W2 W1") and "(no --X given" in lines[1]


def test_the_layer_names_of_a_state_dict_are_stated():
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Linear(5, 3, bias=False), torch.nn.Identity(),
                                torch.nn.Linear(3, 4, bias=False))
    r = exactopen.validate(model, np.ones((4, 5)))
    assert "W1 = 0.weight, W2 = 2.weight" in r.lines[0]


@pytest.mark.parametrize("Y,X,rows,words", [
    ((4, 300), None, False, "Y is 4x300 but the network maps 5 inputs with X = I (no {X} given): pass {X}, "
                            "or Y with 5 columns"),
    ((4, 9), (9, 5), False, "X is 9x5 but layer 1 takes 5 inputs: it looks like samples as rows (one per row): "
                            "pass {rows}"),
    ((9, 4), (5, 9), False, "Y is 9x4 but layer 2 gives 4 outputs: Y must be 4 x n (one sample per column); it "
                            "looks like samples as rows: pass {rows}"),
    ((4, 8), (5, 9), False, "Y is 4x8 but X is 5x9: Y needs one column per sample (9)"),
    ((9, 4), (5, 7), True, "X is 7x5 (after {rows}: transposed) but layer 1 takes 5 inputs: X must be 5 x n"),
])
def test_shape_errors_name_the_matrix_and_the_flag(tmp_path, capsys, Y, X, rows, words):
    rng = np.random.default_rng(2)
    Ws = _layers()
    Ym = rng.standard_normal(Y)
    Xm = None if X is None else rng.standard_normal(X)
    with pytest.raises(InputError) as info:
        exactopen.validate(Ws, Ym, Xm, samples_as_rows=rows)
    assert words.format(X="X=", rows="samples_as_rows=True") in str(info.value)
    f = tmp_path / "w.npz"
    data = {"W1": Ws[0], "W2": Ws[1], "Y": Ym} | ({} if Xm is None else {"X": Xm})
    np.savez(f, **data)
    assert main(["validate", "--weights", str(f)] + (["--samples-as-rows"] if rows else [])) == 2
    err = capsys.readouterr().err
    assert words.format(X="--X", rows="--samples-as-rows") in err and len(err.strip().splitlines()) == 1


def test_a_layer_chain_mismatch_names_the_layers():
    with pytest.raises(InputError, match=r"layer 2 is 4x2 but layer 1 gives 3 outputs"):
        exactopen.validate([np.ones((3, 5)), np.ones((4, 2))], np.ones((4, 5)))


# -- 4. Jupyter --------------------------------------------------------------------------------

def test_result_displays_with_a_bounded_collapsible_certificate():
    rng = np.random.default_rng(0)
    r = exactopen.validate([rng.standard_normal((64, 32)), rng.standard_normal((32, 64))],
                           Y=rng.standard_normal((32, 100)), X=rng.standard_normal((32, 100)))
    page = r._repr_html_()
    assert len(page.encode()) < min(200_000, len(json.dumps(r.certificate)) / 10)
    assert "<details>" in page and r.verdict.replace("_", " ") in page and "not seen" in page
    md = r._repr_markdown_()
    assert md.startswith(f"**{r.verdict.replace('_', ' ')}**") and "```text\nmodel: a linear network" in md
    assert "\n" not in repr(r) and len(repr(r)) < 250 and r.verdict in repr(r)


def test_elision_keeps_small_data_and_hashes_large_matrices():
    import hashlib

    small = {"shape": [1, 2], "rows": [["1", "2"]]}
    big = {"shape": [30, 30], "rows": [[f"{i * 30 + j}/7" for j in range(30)] for i in range(30)]}
    long_num = "1" * 80 + "/3"
    out = elide({"a": small, "b": big, "c": long_num, "d": list(range(100)), "e": "short"})
    assert out["a"] == small and out["e"] == "short"
    from fractions import Fraction

    # the digest rendered proofs show: the exact values in docs/rendering.md's canonical text
    text = "30 30\n" + "".join(" ".join(str(Fraction(x)) for x in row) + "\n" for row in big["rows"])
    digest = hashlib.sha256(text.encode("ascii")).hexdigest()
    assert out["b"]["shape"] == [30, 30] and digest in out["b"]["elided"] and out["b"]["first entries"][0] == "0/7"
    assert out["c"].startswith("3.7037e+78") and "82 characters" in out["c"]
    assert len(out["d"]) == 7


def test_display_escapes_html():
    r = Result("v", {}, "a <b> & c", {"kind": "<script>"}, ["x < y"])
    page = r._repr_html_()
    assert "<script>" not in page and "a &lt;b&gt; &amp; c" in page and "x &lt; y" in page


# -- 4. typing and documentation ----------------------------------------------------------------

PUBLIC = ["openness", "chain", "classify", "validate", "verify"]


def test_public_functions_are_typed_and_documented():
    assert (ROOT / "exactopen" / "py.typed").exists()
    assert '"py.typed"' in (ROOT / "pyproject.toml").read_text()
    for name in PUBLIC:
        fn = getattr(exactopen, name)
        sig = inspect.signature(fn)
        assert sig.return_annotation is not inspect.Signature.empty, name
        for p in sig.parameters.values():
            assert p.annotation is not inspect.Parameter.empty, f"{name}({p.name})"
    doc = inspect.getdoc(exactopen.validate)
    for section in ("Parameters", "Returns", "Raises", "Example", ">>> "):
        assert section in doc
    assert len(doc.splitlines()) > 40
    assert re.search(r"no bias, no activation", doc)


def test_the_api_docstring_examples_run():
    import exactopen.api
    import exactopen.openness.decide

    for mod in (exactopen.api, exactopen.openness.decide):
        res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert res.attempted > 0 and res.failed == 0, mod.__name__


def test_classify_takes_samples_as_rows_as_its_shape_errors_say():
    rng = np.random.default_rng(4)
    Ws = _layers(4)
    X, Y = rng.integers(-3, 4, (5, 8)), rng.integers(-3, 4, (4, 8))
    with pytest.raises(InputError, match="pass samples_as_rows=True"):
        exactopen.classify(Ws, Y.T, X.T)
    a = exactopen.classify(Ws, Y.T, X.T, samples_as_rows=True)
    assert a.certificate == exactopen.classify(Ws, Y, X).certificate


def test_display_of_a_hostile_certificate_stays_bounded():
    deep = {"kind": "x"}
    node = deep
    for _ in range(200):
        node["n"] = [{"a": "1" * 100} for _ in range(10)] + [{}]
        node = node["n"][-1]
    wide = {"kind": "y", "rows": [[list(range(11))] * 11] * 11}
    for cert in (deep, wide):
        page = Result("v", {}, "s", cert)._repr_html_()
        assert len(page) < 100_000
