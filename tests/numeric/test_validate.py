"""Validating numerical results (snapping, certified numerical rank, trained weights)."""

from __future__ import annotations

import copy
import json
from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq, fmpq_mat

from exactopen import kernel
from exactopen.cli import main
from exactopen.exact import matrix as mx
from exactopen.exact.floats import from_float, to_exact
from exactopen.exact.snap import simplest_in_interval, snap_matrix, snap_value
from exactopen.landscape.network import network_from_arrays
from exactopen.numeric.rank import numerical_rank_certificate
from exactopen.numeric.validate import validate


def exact(arr):
    return to_exact(np.asarray(arr, dtype=float))


def rejected(cert) -> bool:
    try:
        kernel.check(cert)
    except kernel.Rejected:
        return True
    return False


# -- snapping ----------------------------------------------------------------------------

def test_simplest_rational_in_interval():
    assert simplest_in_interval(Fraction(3, 10), Fraction(4, 10)) == Fraction(1, 3)
    assert simplest_in_interval(Fraction(-1, 10), Fraction(1, 10)) == 0
    assert simplest_in_interval(Fraction(-4, 10), Fraction(-3, 10)) == Fraction(-1, 3)
    assert simplest_in_interval(Fraction(5, 2), Fraction(5, 2)) == Fraction(5, 2)
    x = 0.1  # a dyadic rational close to 1/10
    assert snap_value(from_float(x), Fraction(1, 10 ** 12)) == Fraction(1, 10)
    tiny = snap_value(from_float(x), Fraction(1, 10 ** 30))
    assert abs(tiny - Fraction(x)) <= Fraction(1, 10 ** 30) and tiny != Fraction(1, 10)
    assert tiny.denominator <= Fraction(x).denominator
    assert snap_value(Fraction(314159, 100000), None, max_den=7) == Fraction(22, 7)


def test_simplest_is_simplest_brute_force():
    for lo_n in range(-30, 30):
        lo, hi = Fraction(lo_n, 17), Fraction(lo_n, 17) + Fraction(1, 23)
        s = simplest_in_interval(lo, hi)
        assert lo <= s <= hi
        for q in range(1, s.denominator):  # no smaller denominator fits
            assert not any(lo <= Fraction(p, q) <= hi for p in range(-3 * q, 3 * q + 1))


def test_snap_matrix_distance():
    A = exact([[0.5 + 1e-9, 1 / 3], [2.0, -0.25 - 1e-10]])
    B = snap_matrix(A, Fraction(1, 10 ** 6))
    assert B == fmpq_mat(2, 2, [fmpq(1, 2), fmpq(1, 3), 2, fmpq(-1, 4)])


# -- numerical rank ------------------------------------------------------------------------

def _noisy_lowrank(m, n, k, noise, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, k)) @ rng.standard_normal((k, n)) + noise * rng.standard_normal((m, n))


def test_numerical_rank_separates_gap():
    A = exact(_noisy_lowrank(7, 5, 2, 1e-9))
    cert, lines, _ = numerical_rank_certificate(A)
    assert kernel.check(cert)
    assert cert["result"]["rank"] == 5
    apps = {a["rank"]: a for a in cert["result"]["approximations"]}
    assert 2 in apps
    d2 = fmpq(*map(int, apps[2]["distance_sq"].split("/")))
    assert 0 < d2 < fmpq(1, 10 ** 16)
    bounds = {b["index"]: b for b in cert["result"]["singular_value_bounds"]}
    s2 = bounds[2]["lower"]
    assert float(Fraction(s2)) > 0.1
    assert any("numerical rank 2" in line for line in lines)


def test_numerical_rank_tampering_is_rejected():
    A = exact(_noisy_lowrank(6, 4, 2, 1e-8, seed=3))
    cert, _, _ = numerical_rank_certificate(A, ranks=[2])
    kernel.check(cert)
    # an inflated singular-value bound: the PSD certificate no longer fits
    bad = copy.deepcopy(cert)
    b = bad["result"]["singular_value_bounds"][0]
    b["lower"] = "1000"
    assert rejected(bad)
    # a wrong distance
    bad = copy.deepcopy(cert)
    bad["result"]["approximations"][0]["distance_sq"] = "0"
    assert rejected(bad)
    # sigma_3 >= s cannot hold for a (numerically) rank-2 matrix: claim it with V from rank 2 + 1 column
    bad = copy.deepcopy(cert)
    bad["result"]["rank"] = 3
    assert rejected(bad)


def test_sigma_bound_direction_courant_fischer():
    """V spanning a space where A is small cannot certify a large sigma_k."""
    A = fmpq_mat(2, 2, [3, 0, 0, fmpq(1, 100)])
    cert, _, _ = numerical_rank_certificate(A, ranks=[1, 2])
    kernel.check(cert)
    bounds = {b["index"]: Fraction(b["lower"]) for b in cert["result"]["singular_value_bounds"]}
    assert bounds[1] <= 3 and bounds[2] <= Fraction(1, 100)
    bad = copy.deepcopy(cert)
    i = [b["index"] for b in bad["result"]["singular_value_bounds"]].index(2)
    bad["result"]["singular_value_bounds"][i]["lower"] = "1/50"
    assert rejected(bad)


# -- trained networks --------------------------------------------------------------------------

def _train(Ws, X, Y, lr, steps):
    Ws = [W.copy() for W in Ws]
    for _ in range(steps):
        outs = [X]
        for W in Ws:
            outs.append(W @ outs[-1])
        back, grads = outs[-1] - Y, []
        for k in range(len(Ws) - 1, -1, -1):
            grads.append(back @ outs[k].T)
            back = Ws[k].T @ back
        for W, G in zip(Ws, reversed(grads)):
            W -= lr * G
    return Ws


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(7)
    X, Y = rng.standard_normal((4, 8)), rng.standard_normal((3, 8))
    W0 = [0.5 * rng.standard_normal((3, 4)), 0.5 * rng.standard_normal((2, 3)), 0.5 * rng.standard_normal((3, 2))]
    return _train(W0, X, Y, 0.01, 20000), X, Y


def test_generic_training_is_epsilon_global(trained):
    Ws, X, Y = trained
    v = validate(network_from_arrays(Ws, Y, X))
    kernel.check(v.certificate)
    gl = v.certificate["result"]["global"]
    assert gl is not None and v.summary["global_gap"] < 1e-9
    assert Fraction(gl["lower_bound"]) <= Fraction(gl["upper_bound"])
    assert v.certificate["result"]["descent"] is None


def test_global_bound_tampering_is_rejected(trained):
    Ws, X, Y = trained
    v = validate(network_from_arrays(Ws, Y, X))
    cert = v.certificate
    bad = copy.deepcopy(cert)  # a larger lower bound than proved
    lb = Fraction(bad["result"]["global"]["lower_bound"]) + Fraction(1, 10 ** 6)
    bad["result"]["global"]["lower_bound"] = f"{lb.numerator}/{lb.denominator}"
    assert rejected(bad)
    # a smaller mu or no slack delta, with the claimed bound recomputed consistently: only the
    # PSD certificate of the dual matrix K can (and must) fail
    for key, value in (("mu", "0"), ("delta", "0")):
        bad = copy.deepcopy(cert)
        bad["evidence"]["global"][key] = value
        _recompute_bound(bad)
        with pytest.raises(kernel.Rejected, match="diagonally dominant|semidefinite"):
            kernel.check(bad)


def _recompute_bound(cert):
    from exactopen.exact.matrix import from_json
    from exactopen.exact.numbers import rational_str

    ev, inp = cert["evidence"]["global"], cert["inputs"]
    Y, F = from_json(inp["Y"]), from_json(ev["F"])
    widths = [inp["layers"][0]["shape"][1]] + [L["shape"][0] for L in inp["layers"]]
    r = min(min(widths), Y.nrows())
    fro = lambda A: sum((x * x for x in A.entries()), fmpq(0))
    mu, delta = fmpq(Fraction(ev["mu"]).numerator, Fraction(ev["mu"]).denominator), \
        fmpq(Fraction(ev["delta"]).numerator, Fraction(ev["delta"]).denominator)
    LB = (fro(Y) - r * mu - fro(F) - delta * Y.nrows()) / 2
    L0 = fmpq(Fraction(cert["result"]["loss"]).numerator, Fraction(cert["result"]["loss"]).denominator)
    cert["result"]["global"]["lower_bound"] = rational_str(LB)
    cert["result"]["global"]["gap"] = rational_str(L0 - LB)
    bad = copy.deepcopy(cert)
    bad["result"]["gradient_norm_sq"] = "0"
    assert rejected(bad)


def test_schur_bound_is_sound_on_a_known_minimum():
    """Rank-1 target, bottleneck 1: min L = 0 exactly; LB must not exceed it."""
    X = np.eye(3)
    Y = np.outer([1.0, 2.0, 0.0], [0.0, 1.0, 1.0])
    Ws = [np.array([[0.3, -0.2, 0.1]]), np.array([[0.5], [0.1], [0.2]])]
    v = validate(network_from_arrays(Ws, Y, X))
    kernel.check(v.certificate)
    gl = v.certificate["result"]["global"]
    assert Fraction(gl["lower_bound"]) <= 0 <= Fraction(gl["upper_bound"]) + Fraction(1, 10 ** 20)
    assert v.summary["global_gap_lower"] > 1  # certainly far from the minimum


def test_ex_intro_saddle_snap_and_escape():
    rng = np.random.default_rng(1)
    Wbar = [np.array([[1.0, 0.0]]), np.array([[0.0]]), np.array([[1.0], [0.0]])]
    Ws = [W + 1e-5 * rng.standard_normal(W.shape) for W in Wbar]
    v = validate(network_from_arrays(Ws, np.array([[0.0, 0], [0, 1]]), np.eye(2)), snap_tol=Fraction(1, 100))
    kernel.check(v.certificate)
    res = v.certificate["result"]
    assert res["snap"]["verdict"] == "higher_order_saddle"
    assert res["descent"] is not None and Fraction(res["descent"]["decrease"]) > 0
    snapped = v.certificate["evidence"]["snap"]["certificate"]["inputs"]["layers"]
    assert snapped[1]["rows"] == [["0"]]
    # tampering: a descent point with a higher loss, or a snapped point for other data
    bad = copy.deepcopy(v.certificate)
    bad["evidence"]["descent"]["layers"] = copy.deepcopy(bad["inputs"]["layers"])
    assert rejected(bad)
    bad = copy.deepcopy(v.certificate)
    bad["evidence"]["snap"]["certificate"]["inputs"]["Y"]["rows"][0][0] = "1"
    assert rejected(bad)


def test_strict_saddle_numeric_direction():
    """Two layers at W = 0 + noise: negative curvature found at W itself (no snapping)."""
    rng = np.random.default_rng(2)
    X, Y = np.eye(2), np.array([[1.0, 0.0], [0.0, 2.0]])
    Ws = [1e-6 * rng.standard_normal((1, 2)), 1e-6 * rng.standard_normal((2, 1))]
    v = validate(network_from_arrays(Ws, Y, X))
    kernel.check(v.certificate)
    de = v.certificate["result"]["descent"]
    assert de is not None and v.summary["escape"]["decrease"] > 1e-4


# -- CLI and inputs --------------------------------------------------------------------------

def test_cli_validate_npz_json_and_errors(tmp_path, capsys, trained):
    Ws, X, Y = trained
    f = tmp_path / "w.npz"
    np.savez(f, W1=Ws[0], W2=Ws[1], W3=Ws[2], X=X, Y=Y)
    out = tmp_path / "c.json"
    assert main(["validate", "--weights", str(f), "--json", "--out", str(out), "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["global_gap"] < 1e-9 and "certificate" in data and data["verdict"] == "near_global_minimum"
    assert kernel.check_file(str(out))
    g = tmp_path / "bad.npz"
    np.savez(g, W1=Ws[0], W3=Ws[2], Y=Y)
    assert main(["validate", "--weights", str(g)]) == 2
    assert "missing W2" in capsys.readouterr().err
    h = tmp_path / "noy.npz"
    np.savez(h, W1=Ws[0], W2=Ws[1], W3=Ws[2])
    assert main(["validate", "--weights", str(h)]) == 2
    assert main(["validate", "--weights", str(f), "--snap", "-1"]) == 2
    j = tmp_path / "w.json"
    j.write_text(json.dumps({"W1": [["1", "0"]], "W2": [["0"]], "W3": [["1"], ["0"]],
                             "Y": [[0, 0], [0, 1]]}))
    assert main(["validate", "--weights", str(j), "--quiet"]) == 0
    assert "verdict: exact saddle" in capsys.readouterr().out


def test_cli_numrank(tmp_path, capsys):
    f = tmp_path / "a.npy"
    np.save(f, _noisy_lowrank(6, 5, 2, 1e-10, seed=5))
    assert main(["numrank", str(f)]) == 2  # floats need --from-float
    capsys.readouterr()
    assert main(["numrank", str(f), "--from-float"]) == 0
    text = capsys.readouterr().out
    assert "numerical rank 2" in text and "checker: accepted" in text


def test_torch_missing_is_a_clear_error(tmp_path, capsys, monkeypatch):
    import builtins

    real = builtins.__import__

    def fake(name, *a, **k):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("no torch")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    p = tmp_path / "m.pt"
    p.write_bytes(b"not really")
    assert main(["validate", "--weights", str(p), "--Y", "[[1]]"]) == 2
    err = capsys.readouterr().err
    assert "needs torch" in err and len(err.strip().splitlines()) == 1


def test_torch_state_dict(tmp_path, capsys):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 2, bias=False), torch.nn.Linear(2, 3, bias=False))
    X = np.eye(3)
    with torch.no_grad():
        Y = model(torch.tensor(X.T, dtype=torch.float32)).numpy().T.astype(float)
    pt, data = tmp_path / "m.pt", tmp_path / "d.npz"
    torch.save(model.state_dict(), pt)
    np.savez(data, X=X, Y=Y)
    assert main(["validate", "--weights", str(pt), "--X", f"{data}:X", "--Y", f"{data}:Y", "--json", "--quiet"]) == 0
    res = json.loads(capsys.readouterr().out)
    # float32 weights are exact in float64: the layers in the certificate are the model's
    w0 = mx.from_json(res["certificate"]["inputs"]["layers"][0])[0, 0]
    assert Fraction(int(w0.p), int(w0.q)) == Fraction(float(model[0].weight.detach()[0, 0]))
    biased = torch.nn.Sequential(torch.nn.Linear(3, 3, bias=True))
    torch.save(biased.state_dict(), pt)
    assert main(["validate", "--weights", str(pt), "--Y", f"{data}:Y"]) == 2
    assert "bias" in capsys.readouterr().err


def test_unchecked_dual_factor_falls_back_when_refused(monkeypatch):
    """The dual bound's PSD factor is proposed unchecked; if the checker refuses it, validate
    redoes the work with the factor checked exactly first, and the certificate is accepted."""
    from exactopen.numeric import bounds

    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((6, 12)), rng.standard_normal((6, 12))
    Ws = [rng.standard_normal((6, 6)), rng.standard_normal((6, 6))]
    real = bounds.psd_certificate
    calls = []

    def spoiled(A, *args, **kw):
        calls.append(A is None)
        pev = real(A, *args, **kw)
        if A is None and pev is not None and pev.get("method") == "factor":  # the unchecked proposal
            L = mx.from_json(pev["L"])
            pev = {"method": "factor", "L": mx.to_json(L * 2, True)}  # now A - L L^T is far from PSD
        return pev

    monkeypatch.setattr(bounds, "psd_certificate", spoiled)
    monkeypatch.setattr(bounds, "UNCHECKED_ROWS", 0)  # propose unchecked at this small size too
    v = validate(network_from_arrays(Ws, Y, X))
    assert kernel.check(v.certificate) == v.certificate["claim"]
    assert v.certificate["evidence"]["global"]["method"] == "ky_fan_schur"
    assert True in calls and False in calls  # proposed unchecked, then checked


def test_psd_factor_does_not_come_from_lapack(monkeypatch):
    """The dual bound's factor is computed in a fixed order of IEEE operations (no BLAS/LAPACK),
    so it cannot depend on the BLAS kernel or thread count: LAPACK's Cholesky is never called,
    and the fixed-order factor agrees with it."""
    import numpy as np

    from exactopen.exact.floats import cholesky_fixed_order, power_of_two_below
    from exactopen.numeric.rank import psd_certificate

    rng = np.random.default_rng(3)
    X = rng.standard_normal((30, 60))
    A = X @ X.T
    assert np.allclose(cholesky_fixed_order(A), np.linalg.cholesky(A), rtol=0, atol=1e-12)
    with pytest.raises(np.linalg.LinAlgError):
        cholesky_fixed_order(-A)
    assert power_of_two_below(3.0) == 2.0 and power_of_two_below(0.75) == 0.5 and power_of_two_below(1.0) == 1.0

    def refuse(*a, **k):
        raise AssertionError("LAPACK cholesky called")

    monkeypatch.setattr(np.linalg, "cholesky", refuse)
    from exactopen.exact.floats import to_exact

    ev = psd_certificate(to_exact(A + np.eye(30)))
    assert ev is not None and ev["method"] == "factor"


def test_full_rank_dual_bound_does_not_depend_on_blas(monkeypatch):
    """With r >= d_h (no bottleneck below the output width) the dual bound's F and PSD factor come
    from fixed-order float steps: replacing numpy's BLAS products, solve, eigh and cholesky by
    perturbed versions changes nothing in the certificate's global bound."""
    import numpy as np

    from exactopen.landscape.network import Network
    from exactopen.numeric.bounds import global_lower_bound

    rng = np.random.default_rng(5)
    X, Y = rng.standard_normal((6, 12)), rng.standard_normal((6, 12))
    Ws = [np.eye(6) + 0.1 * rng.standard_normal((6, 6)) for _ in range(3)]
    net = Network.build(Ws, Y, X)
    res0, ev0 = global_lower_bound(net, checked=True)
    real_eigh, real_solve = np.linalg.eigh, np.linalg.solve

    def noisy_eigh(A, *a, **k):
        lam, U = real_eigh(A, *a, **k)
        return lam * (1 + 1e-12), -U * (1 + 1e-12)

    monkeypatch.setattr(np.linalg, "eigh", noisy_eigh)
    monkeypatch.setattr(np.linalg, "solve", lambda A, B: real_solve(A, B) * (1 + 1e-12))
    monkeypatch.setattr(np.linalg, "cholesky", lambda *a, **k: (_ for _ in ()).throw(AssertionError("LAPACK")))
    res1, ev1 = global_lower_bound(net, checked=True)
    assert ev1["method"] == ev0["method"] == "ky_fan_schur"
    assert (ev1["F"], ev1["psd"], res1["lower_bound"]) == (ev0["F"], ev0["psd"], res0["lower_bound"])
