"""Issue 22, item 1: the API takes what users hold (numpy arrays, paths, PyTorch models,
state_dicts, parameters, SymPy symbols), through the one reader the CLI uses; every form gives
the certificate of the plain-list form; refusals are one line naming the problem."""

from __future__ import annotations

import json
import pathlib
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import exactopen
from exactopen.cli import main
from exactopen.errors import InputError
from exactopen.inputs import as_matrix, load_weights
from exactopen.models import read_layers


def _problem(seed: int = 7):
    """A generic small network (dense float layers, non-whitened X with more samples than inputs)."""
    rng = np.random.default_rng(seed)
    Ws = [rng.standard_normal((3, 4)), rng.standard_normal((3, 3)), rng.standard_normal((2, 3))]
    X = rng.standard_normal((4, 7))
    Y = rng.standard_normal((2, 7))
    return Ws, X, Y


def _plain(Ws, X, Y):
    return exactopen.validate([W.tolist() for W in Ws], Y.tolist(), X.tolist())


def one_line_error(fn, *words):
    with pytest.raises(InputError) as info:
        fn()
    text = str(info.value)
    assert "\n" not in text and len(text) < 500
    for w in words:
        assert w in text, text
    return text


# -- numpy and files ------------------------------------------------------------------------

def test_numpy_and_file_forms_give_the_plain_certificate(tmp_path):
    Ws, X, Y = _problem()
    ref = _plain(Ws, X, Y).certificate
    npz = tmp_path / "w.npz"
    np.savez(npz, W1=Ws[0], W2=Ws[1], W3=Ws[2], X=X, Y=Y)
    np.save(tmp_path / "Y.npy", Y)
    np.savez(tmp_path / "data.npz", inputs=X, targets=Y)
    exact = {f"W{i + 1}": [[str(Fraction(x)) for x in r] for r in W.tolist()] for i, W in enumerate(Ws)}
    (tmp_path / "w.json").write_text(json.dumps(exact))  # JSON decimals are read as decimals: exact texts
    forms = [
        lambda: exactopen.validate(Ws, Y, X),
        lambda: exactopen.validate(tuple(Ws), Y, X),
        lambda: exactopen.validate((W for W in Ws), Y, X),  # any iterable
        lambda: exactopen.validate({"W1": Ws[0], "W2": Ws[1], "W3": Ws[2]}, Y, X),
        lambda: exactopen.validate(str(npz)),  # X and Y from the file
        lambda: exactopen.validate(npz, Y=tmp_path / "Y.npy", X=f"{tmp_path / 'data.npz'}:inputs"),
        lambda: exactopen.validate(tmp_path / "w.json", str(tmp_path / "data.npz") + ":targets", X),
        lambda: exactopen.validate(Ws, Y.T, X.T, samples_as_rows=True),
    ]
    for i, form in enumerate(forms):
        assert form().certificate == ref, f"form {i}"


def test_the_cli_and_the_api_read_a_file_alike(tmp_path, capsys):
    Ws, X, Y = _problem(3)
    npz = tmp_path / "w.npz"
    np.savez(npz, W1=Ws[0], W2=Ws[1], W3=Ws[2], X=X, Y=Y)
    assert main(["validate", "--weights", str(npz), "--json", "--quiet", "--embed-inputs"]) == 0
    out = json.loads(capsys.readouterr().out)
    r = exactopen.validate(npz)
    assert out["certificate"] == r.certificate
    assert out["summary"]["assumed"][0] == r.lines[0] and out["summary"]["assumed"][1].startswith("data: X is 4x7")
    assert load_weights(str(npz))[0] == read_layers(npz)[0]


# -- PyTorch ----------------------------------------------------------------------------------

def _torch_model(torch, Ws, nested: bool = False):
    lin = []
    for W in Ws:
        m = torch.nn.Linear(W.shape[1], W.shape[0], bias=False)
        with torch.no_grad():
            m.weight.copy_(torch.from_numpy(W))
        lin.append(m)
    if nested:
        return torch.nn.Sequential(lin[0], torch.nn.Sequential(torch.nn.Identity(), lin[1]), lin[2])
    return torch.nn.Sequential(*lin)


def test_torch_forms_give_the_plain_certificate(tmp_path):
    torch = pytest.importorskip("torch")
    Ws, X, Y = _problem()
    Ws = [W.astype(np.float32).astype(np.float64) for W in Ws]  # what a float32 model holds exactly
    ref = _plain(Ws, X, Y).certificate
    model = _torch_model(torch, Ws).double()
    f32 = _torch_model(torch, Ws)
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    torch.save(f32.state_dict(), tmp_path / "m.pt")
    torch.save(Yt, tmp_path / "Y.pt")
    np.save(tmp_path / "X.npy", X)
    forms = [
        lambda: exactopen.validate(model, Yt, Xt),
        lambda: exactopen.validate(f32, Y, X),  # float32 weights widened exactly
        lambda: exactopen.validate(_torch_model(torch, Ws, nested=True), Yt, Xt),
        lambda: exactopen.validate(model.state_dict(), Yt, Xt),
        lambda: exactopen.validate(list(model.parameters()), Yt, Xt),
        lambda: exactopen.validate(model.parameters(), Yt, Xt),
        lambda: exactopen.validate(list(model), Yt, Xt),  # the Linear modules themselves
        lambda: exactopen.validate(tmp_path / "m.pt", tmp_path / "Y.pt", tmp_path / "X.npy"),
        lambda: exactopen.validate(str(tmp_path / "m.pt"), Yt.T.contiguous(), Xt.T, samples_as_rows=True),
    ]
    for i, form in enumerate(forms):
        assert form().certificate == ref, f"form {i}"
    assert exactopen.classify(model, Yt, Xt).certificate == exactopen.classify(Ws, Y, X).certificate


def test_parameters_are_detached_and_never_modified():
    torch = pytest.importorskip("torch")
    Ws, X, Y = _problem(5)
    model = _torch_model(torch, Ws)
    before = [p.detach().clone() for p in model.parameters()]
    loss = ((model(torch.from_numpy(X.T).float()) - torch.from_numpy(Y.T).float()) ** 2).sum()
    loss.backward()  # grads present, as in a training loop
    grads = [p.grad.clone() for p in model.parameters()]
    r = exactopen.validate(model.parameters(), Y, X)
    assert r.verdict
    for p, b, g in zip(model.parameters(), before, grads):
        assert p.requires_grad and p.is_leaf and torch.equal(p, b) and torch.equal(p.grad, g)
        assert p.dtype == torch.float32


@pytest.mark.parametrize("build,words", [
    (lambda nn: nn.Sequential(nn.Linear(4, 3, bias=False), nn.ReLU(), nn.Linear(3, 2, bias=False)),
     ["model[1] is ReLU", "linear networks"]),
    (lambda nn: nn.Sequential(nn.Linear(4, 3, bias=False), nn.Linear(3, 2, bias=False), nn.Sigmoid()),
     ["model[2] is Sigmoid"]),
    (lambda nn: nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2, bias=False)), ["model[0] is a Linear with a bias"]),
    (lambda nn: nn.Sequential(nn.Linear(4, 3, bias=False), nn.Linear(3, 2)).state_dict(), ["'1.bias' is a bias"]),
    (lambda nn: list(nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2)).parameters()),
     ["layer 2", "shape (3,)", "bias"]),
    (lambda nn: nn.Sequential(nn.Linear(4, 3, bias=False), nn.Tanh(), nn.Linear(3, 2, bias=False)).state_dict(),
     ["have gaps"]),
    (lambda nn: [nn.Linear(4, 3, bias=False), nn.ReLU()], ["layer 2 is ReLU"]),
    (lambda nn: nn.Conv2d(1, 2, 3, bias=False), ["not an nn.Sequential"]),
])
def test_models_that_are_not_linear_networks_are_refused_in_one_line(build, words):
    torch = pytest.importorskip("torch")
    X, Y = np.ones((4, 5)), np.ones((2, 5))
    one_line_error(lambda: exactopen.validate(build(torch.nn), Y, X), *words)


def test_a_custom_module_is_refused_with_the_layers_to_pass():
    torch = pytest.importorskip("torch")

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = torch.nn.Linear(4, 3, bias=False)
            self.fc2 = torch.nn.Linear(3, 2, bias=False)

        def forward(self, x):
            return self.fc2(torch.nn.functional.relu(self.fc1(x)))

    net = Net()
    one_line_error(lambda: exactopen.validate(net, np.ones((2, 4))), "Net is not an nn.Sequential",
                   "[model.fc1.weight, model.fc2.weight]")
    r = exactopen.validate([net.fc1.weight, net.fc2.weight], np.ones((2, 4)))
    assert r.lines[0].startswith("model: a linear network W2 W1") and "not seen" in r.lines[0]


# -- other refusals ---------------------------------------------------------------------------

@pytest.mark.parametrize("layers,words", [
    (np.ones((2, 2)), ["one array"]),
    ([[1, 0], [0, 1]], ["one matrix"]),
    ([1, 2, 3], ["list of numbers"]),
    ([], ["at least one layer"]),
    (42, ["int is not a list of layers"]),
    ({"shape": [1, 1], "rows": [["1"]]}, ["one matrix"]),
    ({"W1": np.ones((2, 2)), "b1": np.ones(2)}, ["'b1' is a bias"]),
    ({"W1": "[[1]]"}, ["is a string, not a matrix"]),
])
def test_layers_that_are_not_a_list_of_layers_are_refused(layers, words):
    one_line_error(lambda: exactopen.validate(layers, np.ones((2, 2))), *words)


def test_paths_that_are_not_layers_are_refused(tmp_path):
    np.save(tmp_path / "W.npy", np.ones((2, 2)))
    one_line_error(lambda: exactopen.validate(tmp_path / "W.npy", np.ones((2, 2))), "one array", "W1=")
    one_line_error(lambda: exactopen.validate(tmp_path / "none.npz", np.ones((2, 2))), "no such file")
    one_line_error(lambda: exactopen.validate([np.eye(2)], tmp_path / "missing.npy"), "no such file")
    np.savez(tmp_path / "w.npz", W1=np.eye(2))
    one_line_error(lambda: exactopen.validate(tmp_path / "w.npz"), "no targets", "Y=")


# -- SymPy symbols as parameters ------------------------------------------------------------

def test_sympy_symbols_are_parameters_like_strings():
    sympy = pytest.importorskip("sympy")
    x, y = sympy.symbols("x y")
    a = exactopen.openness([[1], [1]], [[x, y]])
    b = exactopen.openness([[1], [1]], [["x", "y"]])
    assert a.certificate == b.certificate and a.verdict == "piecewise"
    c = exactopen.openness(sympy.Matrix([[1], [x]]), sympy.Matrix([[x ** 2 - sympy.Rational(1, 3) * y, 1]]))
    d = exactopen.openness([[1], ["x"]], [["x^2 - 1/3*y", 1]])
    assert c.certificate == d.certificate
    e = exactopen.chain([[[x], [1]], np.array([[1.0, 2.0]]), [[y], [1]]])
    f = exactopen.chain([[["x"], [1]], [[1, 2]], [["y"], [1]]])
    assert e.certificate == f.certificate
    one_line_error(lambda: exactopen.classify([[[x]]], [[1]]), "names a parameter", "exactopen.openness", '"x"')
    one_line_error(lambda: exactopen.openness([[sympy.sqrt(2) * x]], [[1]]), "not a rational number")
    one_line_error(lambda: exactopen.openness([[1 / x]], [[1]]), "not a rational number or a polynomial")


_small = st.integers(-3, 3)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_small, st.integers(0, 2), st.integers(0, 1)), min_size=1, max_size=3), _small)
def test_sympy_polynomials_read_as_their_text(terms, c):
    """A SymPy polynomial entry gives the certificate of the same polynomial written as text."""
    sympy = pytest.importorskip("sympy")
    x, y = sympy.symbols("x y")
    poly = sum((k * x ** i * y ** j for k, i, j in terms), sympy.Integer(0)) + x
    terms = [t for t in terms if t[0]]
    assume(poly.free_symbols)  # a polynomial that cancels to a number is a number
    # the text declares every variable it names; SymPy only those left after cancelling
    assume(poly.free_symbols == {x} | ({y} if any(j for _k, _i, j in terms) else set()))
    text = " + ".join("*".join([f"({k})"] + [f"{v}^{e}" for v, e in (("x", i), ("y", j)) if e])
                      for k, i, j in terms) + " + x"
    a = exactopen.openness([[1], [c]], [[poly, 1]])
    b = exactopen.openness([[1], [str(c)]], [[text, "1"]])
    assert a.certificate == b.certificate


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.floats(-1e6, 1e6, allow_nan=False, width=32), min_size=3, max_size=3),
                min_size=2, max_size=2))
def test_tensors_arrays_and_lists_are_read_alike(rows):
    torch = pytest.importorskip("torch")
    a = as_matrix(rows, "M")
    assert as_matrix(np.array(rows), "M") == a
    t = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    assert as_matrix(t, "M") == a and t.requires_grad
    assert as_matrix([[torch.tensor(v, dtype=torch.float64) for v in r] for r in rows], "M") == a


def test_path_objects_are_files(tmp_path):
    np.save(tmp_path / "A.npy", np.array([[0.5, 2.0]]))
    assert as_matrix(pathlib.Path(tmp_path / "A.npy"), "A").tolist() == as_matrix([["1/2", 2]]).tolist()


def test_unreadable_tensors_are_refused_in_one_line():
    torch = pytest.importorskip("torch")
    Y = np.ones((2, 4))
    good = torch.ones(2, 3)
    for bad, words in [(torch.zeros(3, 4, device="meta"), "cannot read this tensor"),
                       (torch.zeros(3, 4, dtype=torch.bool), "dtype bool"),
                       (torch.nn.LazyLinear(3, bias=False), "cannot read this tensor"),
                       (torch.full((3, 4), float("nan")), "NaN"),
                       (torch.zeros(3, 4, dtype=torch.complex64), "complex tensor")]:
        one_line_error(lambda: exactopen.validate([bad, good], Y), "layer 1", words)
    sparse = exactopen.validate([torch.eye(3, 4).to_sparse(), good.to(torch.bfloat16)], Y)
    assert sparse.certificate == exactopen.validate([np.eye(3, 4), np.ones((2, 3))], Y).certificate


@pytest.mark.slow  # a fresh interpreter importing torch: ~35 s on a loaded machine
def test_the_pytorch_example_runs():
    pytest.importorskip("torch")
    import subprocess
    import sys

    from tests.helpers import ROOT

    out = subprocess.run([sys.executable, str(ROOT / "examples" / "pytorch_api.py")], capture_output=True, text=True,
                         timeout=600, cwd=ROOT).stdout
    assert "model: a linear network W2 W1" in out and "parameters() give the same certificate: True" in out
    assert "refused: model[1] is ReLU" in out
