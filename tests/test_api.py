"""The Python API and validate as ML users expect them: headline verdicts, refusals of models
that are not bias-free linear networks, ML conventions, one JSON shape, picklable results."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import types
from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq

import exactopen
from exactopen import kernel
from exactopen.cli import main
from exactopen.errors import InputError
from exactopen.inputs import linear_layer_keys, load_matrix
from exactopen.landscape.network import Network
from tests.helpers import ROOT

EX_INTRO = ([[[1, 0]], [[0]], [[1], [0]]], [[0, 0], [0, 1]])  # layers (input first), Y; X = I


def _converged(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 8))
    Y = rng.standard_normal((3, 4)) @ rng.standard_normal((4, 8))
    Ws = [rng.standard_normal((3, 4)) * 0.5, rng.standard_normal((3, 3)) * 0.5]
    for _ in range(20000):
        E = Ws[1] @ Ws[0] @ X - Y
        Ws = [Ws[0] - 0.005 * (Ws[1].T @ E @ X.T), Ws[1] - 0.005 * (E @ (Ws[0] @ X).T)]
    f = tmp_path / "converged.npz"
    np.savez(f, W1=Ws[0], W2=Ws[1], X=X, Y=Y)
    return f, Ws, X, Y


def _stalled(tmp_path):
    rng = np.random.default_rng(1)
    W1 = np.array([[1.0, 0]]) + 1e-9 * rng.standard_normal((1, 2))
    W2 = np.array([[1e-9]])
    W3 = np.array([[1.0], [0]]) + 1e-9 * rng.standard_normal((2, 1))
    f = tmp_path / "saddle.npz"
    np.savez(f, W1=W1, W2=W2, W3=W3, X=np.eye(2), Y=np.array([[0, 0], [0, 1.0]]))
    return f


def _json(capsys, *argv):
    assert main([*map(str, argv), "--json", "--quiet"]) == 0
    return json.loads(capsys.readouterr().out)


# -- 1. validate answers the question ---------------------------------------------------------

def test_converged_net_is_near_global(tmp_path, capsys):
    f, *_ = _converged(tmp_path)
    out = _json(capsys, "validate", "--weights", f)
    assert out["verdict"] == "near_global_minimum"
    assert out["summary"]["global_gap"] < 1e-9
    assert kernel.check(out["certificate"])
    assert main(["validate", "--weights", str(f), "--quiet"]) == 0
    text = capsys.readouterr().out
    first = text.splitlines()
    assert first[0].startswith("model: a linear network W2 W1 (widths 4, 3, 3, input first), no bias, no activation")
    assert first[1].startswith("data: X is 4x8 (stored in ") and "8 samples, one per column" in first[1]
    assert first[2].startswith("verdict: near global minimum — your loss is within")
    assert "not a local minimum" not in text and "epsilon" not in text


def test_stalled_saddle_is_near_saddle_with_an_escape(tmp_path, capsys):
    f = _stalled(tmp_path)
    out = _json(capsys, "validate", "--weights", f)
    s = out["summary"]
    assert out["verdict"] == "near_saddle"
    assert s["nearest_critical"]["verdict"] == "higher_order_saddle" and 0 < s["nearest_critical"]["distance"] < 1e-8
    assert s["escape"]["decrease"] > 0
    assert out["certificate"]["result"]["snap"]["verdict"] == "higher_order_saddle"


def test_exact_critical_point_is_classified_without_flags(capsys, tmp_path):
    f = tmp_path / "zero.npz"
    rng = np.random.default_rng(3)
    np.savez(f, W1=np.zeros((2, 3)), W2=np.zeros((2, 2)), X=rng.standard_normal((3, 5)).round(2),
             Y=rng.standard_normal((2, 5)).round(2))
    out = _json(capsys, "validate", "--weights", f)
    assert out["verdict"] == "exact_saddle"
    assert out["summary"]["nearest_critical"] == {"distance": 0.0, "verdict": "strict_saddle"}
    assert out["summary"]["escape"]["decrease"] > 0


def test_no_lower_point_is_said(tmp_path, capsys):
    """At an exact global minimum (dense layers, Y = W2 W1 X exactly) no point is lower.  (Near a
    converged float point a lower point within 1e-12 can exist and be found: its gradient is not
    exactly zero.)"""
    rng = np.random.default_rng(0)
    W1, W2, X = (rng.integers(-4, 5, size=s).astype(float) for s in ((3, 4), (3, 3), (4, 8)))
    f = tmp_path / "exact_min.npz"
    np.savez(f, W1=W1, W2=W2, X=X, Y=W2 @ W1 @ X)
    assert main(["validate", "--weights", str(f), "--descent", "--radius", "1e-12", "--quiet"]) == 0
    assert "no point with a lower loss was found within distance" in capsys.readouterr().out


# -- 2. refuse what is not a bias-free linear network ----------------------------------------

@pytest.mark.parametrize("entries,words", [
    ({"0.weight": (3, 4), "0.bias": (3,)}, "is a bias"),
    ({"W1": (3, 4), "b1": (3,), "W2": (2, 3)}, "is a bias"),
    ({"0.weight": (3, 4), "2.weight": (2, 3), "4.weight": (1, 2)}, "have gaps"),
    ({"W1": (3, 4, 4)}, "not a 2-D weight matrix"),
    ({"W1": (3, 4), "W3": (2, 3)}, "missing W2"),
    ({"conv.weight": (3, 1, 2, 2)}, "not a 2-D weight matrix"),
    ({"fc1.weight": (3, 4), "bn.running_mean": (3,)}, "unexpected entry"),
])
def test_non_linear_models_are_refused(entries, words):
    with pytest.raises(InputError, match=words):
        linear_layer_keys(entries, "model.pt")


def test_linear_models_are_read_in_order():
    assert linear_layer_keys({"0.weight": (3, 4), "1.weight": (2, 3)}, "m.pt") == ["0.weight", "1.weight"]
    assert linear_layer_keys({"fc1.weight": (3, 4), "fc2.weight": (2, 3)}, "m.pt") == ["fc1.weight", "fc2.weight"]
    assert linear_layer_keys({"W2": (2, 3), "W1": (3, 4), "X": (4, 5)}, "w.npz") == ["W1", "W2"]


def test_npz_bias_is_refused_in_one_line(tmp_path, capsys):
    f = tmp_path / "w.npz"
    np.savez(f, W1=np.ones((2, 2)), b1=np.zeros(2), Y=np.ones((2, 2)))
    assert main(["validate", "--weights", str(f)]) == 2
    err = capsys.readouterr().err.strip()
    assert "'b1' is a bias" in err and "\n" not in err


def test_whole_pickled_model_gets_the_state_dict_advice(tmp_path, capsys, monkeypatch):
    fake = types.ModuleType("torch")

    def load(path, map_location=None, weights_only=True):
        raise RuntimeError("Weights only load failed. Unsupported global: GLOBAL __main__.Net")
    fake.load = load
    monkeypatch.setitem(sys.modules, "torch", fake)
    f = tmp_path / "model.pt"
    f.write_bytes(b"not really a model")
    assert main(["validate", "--weights", str(f), "--Y", "[[1]]"]) == 2
    err = capsys.readouterr().err
    assert "whole pickled model" in err and "state_dict()" in err and len(err.strip().splitlines()) == 1


# -- 3. ML conventions ------------------------------------------------------------------------

def test_samples_as_rows_and_the_shape_hint(tmp_path, capsys):
    f, Ws, X, Y = _converged(tmp_path)
    g = tmp_path / "rows.npz"
    np.savez(g, W1=Ws[0], W2=Ws[1], X=X.T, Y=Y.T)
    assert main(["validate", "--weights", str(g), "--quiet"]) == 2
    assert "samples as rows" in capsys.readouterr().err
    a = _json(capsys, "validate", "--weights", f)
    b = _json(capsys, "validate", "--weights", g, "--samples-as-rows")
    assert a["verdict"] == b["verdict"] and a["summary"]["loss"] == b["summary"]["loss"]


def test_mean_loss_is_pytorchs_mse(tmp_path, capsys):
    f, Ws, X, Y = _converged(tmp_path)
    s = _json(capsys, "validate", "--weights", f)["summary"]
    m = _json(capsys, "validate", "--weights", f, "--loss", "mean")["summary"]
    mse = float(np.mean((Ws[1] @ Ws[0] @ X - Y) ** 2))
    assert m["loss"] == pytest.approx(mse, rel=1e-9) and s["loss"] == pytest.approx(mse * Y.size / 2, rel=1e-9)
    assert m["loss_convention"] == "mean"


def test_save_escape_writes_the_lower_point(tmp_path, capsys):
    f = _stalled(tmp_path)
    out = tmp_path / "escape.npz"
    res = _json(capsys, "validate", "--weights", f, "--save-escape", out)
    data = np.load(out)
    assert sorted(data.files) == ["W1", "W2", "W3"]
    W = [data[k] for k in ("W1", "W2", "W3")]
    loss = 0.5 * float(np.sum((W[2] @ W[1] @ W[0] - np.array([[0, 0], [0, 1.0]])) ** 2))
    assert loss < 0.5 and res["summary"]["escape"]["decrease"] > 0
    assert oct(out.stat().st_mode & 0o777) == "0o644"
    assert main(["validate", "--weights", str(f), "--save-escape", str(tmp_path / "e.txt")]) == 2


# -- 4. one JSON shape ------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["rank", "[[1,2],[2,4]]"], ["nullspace", "[[1,2],[2,4]]"], ["solve", "--A", "[[1]]", "--B", "[[2]]"],
    ["openness", "--W1", "[[1],[1]]", "--W2", "[[0,0]]"], ["classify", "--layers", "[[1,0]]", "[[0]]", "[[1],[0]]",
                                                           "--Y", "[[0,0],[0,1]]"],
    ["lift", "--W1", "[[1,0],[0,1]]", "--W2", "[[1,0],[0,1]]", "--Z", "[[1,0],[0,2]]"],
])
def test_every_deciding_command_has_one_json_shape(capsys, argv):
    out = json.loads((main([*argv, "--json"]), capsys.readouterr().out)[1])
    assert set(out) == {"verdict", "summary", "statement", "certificate"}
    assert out["verdict"] and isinstance(out["summary"], dict)
    assert kernel.check(out["certificate"]) == out["statement"]


def test_verify_json_reports_per_file(tmp_path, capsys):
    good = ROOT / "certificates" / "ex-intro.json"
    bad = tmp_path / "bad.json"
    cert = json.loads(good.read_text())
    cert["result"]["verdict"] = "global_minimum"
    bad.write_text(json.dumps(cert))
    assert main(["verify", "--json", str(good), str(bad)]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [f["status"] for f in out["files"]] == ["accepted", "rejected"]
    assert out["files"][0]["theorems"] == ["spectral"] and out["verdict"] == "rejected"


def test_schema_ships_in_the_package(capsys):
    assert main(["schema"]) == 0
    text = capsys.readouterr().out
    assert text == (ROOT / "certificates" / "schema.json").read_text(encoding="utf-8")
    assert text == (ROOT / "exactopen" / "schema.json").read_text(encoding="utf-8")
    assert json.loads(text)["properties"]["version"]["const"] == 2


# -- 5. a Python API people can guess ---------------------------------------------------------

@pytest.mark.parametrize("convert", [
    lambda rows: rows,
    lambda rows: tuple(tuple(r) for r in rows),
    lambda rows: np.array(rows, dtype=float),
    lambda rows: [[Fraction(x) for x in r] for r in rows],
    lambda rows: [[str(x) for x in r] for r in rows],
    lambda rows: [[f"{x}.0" for x in r] for r in rows],
])
def test_inputs_of_every_kind_give_the_same_answer(convert):
    layers, Y = EX_INTRO
    r = exactopen.classify([convert(W) for W in layers], convert(Y))
    assert r.verdict == "higher_order_saddle" and r.statement == r.certificate["claim"]
    assert exactopen.openness(convert([[1], [1]]), convert([[0, 0]])).verdict == "not_locally_open"


def test_sympy_matrices_are_read():
    import sympy

    r = exactopen.openness(sympy.Matrix([[1], [1]]), sympy.Matrix([[0, sympy.Rational(1, 2)]]))
    assert r.verdict == exactopen.openness([[1], [1]], [[0, "1/2"]]).verdict
    with pytest.raises(InputError, match="not a rational"):
        exactopen.openness(sympy.Matrix([[sympy.sqrt(2)]]), [[1]])


def test_results_and_networks_pickle():
    r = exactopen.classify(*EX_INTRO)
    r2 = pickle.loads(pickle.dumps(r))
    assert r2.verdict == r.verdict and r2.certificate == r.certificate
    net = Network.build(*EX_INTRO)
    assert pickle.loads(pickle.dumps(net)).loss() == net.loss() == fmpq(1, 2)


def test_api_conveniences():
    assert load_matrix([[1, 0]]).tolist() == [[1, 0]]
    assert exactopen.openness([[1], [1]], [["x", "y"]]).verdict == "piecewise"
    v = exactopen.validate([np.array([[1.0, 0]]), np.array([[1e-9]]), np.array([[1.0], [0]])],
                           np.array([[0, 0], [0, 1.0]]), np.eye(2), snap=0.01)
    assert v.verdict == "near_saddle" and v.extra["escape"] is not None
    rep = exactopen.verify(v.certificate)
    assert rep["kind"] == "validate_network" and rep["statement"] == v.statement
    assert isinstance(exactopen.Certificate(v.certificate).verify(), str)
    with pytest.raises(kernel.Rejected):
        exactopen.verify({**v.certificate, "claim": "something else"})


def test_chain_api_decides_and_splits():
    r = exactopen.chain([[[1, 0]], [[0]], [[1], [0]]])
    assert r.verdict == "not_locally_open" and r.summary["argument"] == "obstruction"
    assert exactopen.verify(r.certificate)["statement"] == r.statement
    assert exactopen.chain([np.eye(2), np.eye(2), np.eye(2)]).summary["argument"] == "lem-10"
    p = exactopen.chain([[["x"], ["y"]], [["1", "1"]], [["z"], ["1"]]])
    assert p.verdict == "piecewise" and p.certificate["kind"] == "symbolic_chain_openness"
    assert exactopen.chain([[["x", "1"]], [["1"], ["y"]]]).certificate["kind"] == "symbolic_openness"


def test_import_stays_light():
    code = ("import sys, exactopen; "
            "print(sorted(m for m in sys.modules if m.startswith(('numpy', 'sympy', 'exactopen.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_pt_tensors_for_X_and_Y(tmp_path, monkeypatch, capsys):
    """X and Y may be .pt files holding one tensor (torch faked: only torch.load is used)."""
    class Tensor:
        def __init__(self, a):
            self.a = np.asarray(a, dtype=float)

        def detach(self):
            return self

        def cpu(self):
            return self

        def double(self):
            return self

        def numpy(self):
            return self.a

    store = {"X.pt": Tensor(np.eye(2)), "Y.pt": {"targets": Tensor([[0, 0], [0, 1.0]])}}
    fake = types.ModuleType("torch")
    fake.load = lambda path, map_location=None, weights_only=True: store[path.rsplit("/", 1)[-1]]
    monkeypatch.setitem(sys.modules, "torch", fake)
    for name in store:
        (tmp_path / name).write_bytes(b"fake")
    w = tmp_path / "w.npz"
    np.savez(w, W1=np.array([[1.0, 0]]), W2=np.array([[0.0]]), W3=np.array([[1.0], [0]]))
    out = _json(capsys, "validate", "--weights", w, "--X", tmp_path / "X.pt", "--Y", tmp_path / "Y.pt")
    assert out["verdict"] == "exact_saddle"
