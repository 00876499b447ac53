"""Landscape of deep linear networks: classification, certificates, checker, CLI."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys

import pytest
from flint import fmpq, fmpq_mat

from exactopen import kernel
from exactopen.exact import matrix as mx
from exactopen.landscape.architectures import (
    analyse_architecture,
    applicable_architectures,
    audit_point,
    ex_3layer,
    ex_intro,
    thm12_construction,
)
from exactopen.landscape.classify import (
    classify_critical_point,
    nondegenerate_openness_certificate,
)
from exactopen.landscape.examples import constructed_point, random_invertible
from exactopen.landscape.network import Network

try:
    from tests.helpers import validate_schema
except ImportError:  # pragma: no cover
    def validate_schema(cert):
        return None

SADDLES = ("strict_saddle", "higher_order_saddle")


def checked(cls):
    kernel.check(cls.certificate)
    validate_schema(cls.certificate)
    json.dumps(cls.certificate)
    return cls


def f(rows):
    return mx.from_rows(rows)


# -- model -------------------------------------------------------------------------------

def test_audit_note_curve_polynomial():
    """ex-intro's descent curve: W3 = [[1],[t]], W2 = [[t^2]], W1 = [[1,t]] gives 1/2 - t^4/2 + t^6 + t^8/2."""
    net = ex_intro()
    curve = [(1, [f([[0, 1]]), f([[0]]), f([[0], [1]])]), (2, [f([[0, 0]]), f([[1]]), f([[0], [0]])])]
    p = net.curve_polynomial(curve)
    assert p[:9] == [0, 0, 0, 0, fmpq(-1, 2), 0, 1, 0, fmpq(1, 2)] and all(c == 0 for c in p[9:])
    from exactopen.kernel import landscape as kl
    from exactopen.landscape.network import curve_json
    kp = kl.curve_polynomial(net.layers, net.X, net.Y, None, curve_json(curve), "curve")
    assert kp[:9] == p[:9]


def test_hessian_matrix_matches_quadratic_form():
    rng = random.Random(3)
    for _ in range(5):
        d = [rng.randint(1, 3) for _ in range(rng.randint(2, 4))]
        layers = [fmpq_mat(d[k + 1], d[k], [fmpq(rng.randint(-3, 3)) for _ in range(d[k] * d[k + 1])])
                  for k in range(len(d) - 1)]
        Y = fmpq_mat(d[-1], 3, [fmpq(rng.randint(-3, 3)) for _ in range(3 * d[-1])])
        X = fmpq_mat(d[0], 3, [fmpq(rng.randint(-3, 3)) for _ in range(3 * d[0])])
        w = fmpq_mat(d[-1], 3, [fmpq(rng.randint(1, 3)) for _ in range(3 * d[-1])])
        net = Network.build(layers, Y, X, w)
        H = net.hessian_matrix()
        x = [fmpq(rng.randint(-2, 2)) for _ in range(net.nparams)]
        xv = fmpq_mat(len(x), 1, x)
        assert (xv.transpose() * H * xv)[0, 0] == net.hessian_form(net.split(x))
        from exactopen.kernel import landscape as kl
        assert kl.hessian(net.layers, X, Y, w) == H


# -- the paper's counterexamples --------------------------------------------------------

@pytest.mark.parametrize("name,build", [("ex-intro", ex_intro), ("ex-3layer", ex_3layer)])
def test_counterexamples_are_saddles(name, build):
    net = build()
    assert net.is_critical()
    cls = checked(classify_critical_point(net, claim_id=name))
    assert cls.verdict == "higher_order_saddle"
    res = cls.certificate["result"]
    assert fmpq(*map(int, res["witness_loss"].split("/"))) < net.loss()
    assert res["descent_order"] >= 3
    row = audit_point(net, name, with_lines=name == "ex-intro")
    assert row["verdict"] == "higher_order_saddle" and row["critical"]
    if name == "ex-intro":   # the paper's straight-line tests all pass, yet it is a saddle
        lines = row["paper_line_checks"]
        assert lines["hessian_psd"] and set(lines["line_coefficients_on_null_space"].values()) == {"zero"}


def test_thm12_analysis():
    a = analyse_architecture([2, 1, 1, 2])
    assert (a.p1_star, a.p2_star, a.applies) == (1, 2, True)
    assert not analyse_architecture([2, 1, 2]).applies
    assert not analyse_architecture([3, 1, 2, 2]).applies   # d_p2* = 2 = d_h
    net = thm12_construction([2, 1, 1, 2])
    assert [mx.rows(W) for W in net.layers] == [mx.rows(W) for W in ex_intro().layers]


def test_thm12_all_small_architectures_are_saddles():
    """Every architecture with h <= 4, widths <= 4 where thm-12 applies: the point is a saddle."""
    archs = applicable_architectures(4, 4)
    assert len(archs) == 226
    for d in archs[::5]:
        net = thm12_construction(d)
        assert net.is_critical()
        cls = checked(classify_critical_point(net, claim_id="thm-12"))
        assert cls.verdict == "higher_order_saddle", d


@pytest.mark.slow
def test_thm12_all_small_architectures_full():
    for d in applicable_architectures(4, 4):
        cls = checked(classify_critical_point(thm12_construction(d), claim_id="thm-12"))
        assert cls.verdict == "higher_order_saddle", d


def test_thm12_moved_by_change_of_basis():
    rng = random.Random(5)
    for d in ([2, 1, 1, 2], [3, 2, 1, 3], [3, 1, 2, 2, 3]):
        net = thm12_construction(d)
        Ws = list(net.layers)
        for k in range(len(Ws) - 1):
            T = random_invertible(Ws[k].nrows(), rng)
            Ws[k], Ws[k + 1] = T * Ws[k], Ws[k + 1] * T.inv()
        cls = checked(classify_critical_point(net.with_layers(Ws)))
        assert cls.verdict in SADDLES


# -- constructed critical points ----------------------------------------------------------

def _random_constructed(rng, max_width=6):
    h = rng.randint(2, 4)
    d = [rng.randint(1, max_width) for _ in range(h + 1)]
    q = min(d[0], d[-1])
    s = rng.randint(0, min(d))
    S = sorted(rng.sample(range(q), s))
    ns = None if rng.random() < 0.5 else d[0] + rng.randint(0, 3)
    return constructed_point(d, S, rng, change_basis=rng.random() < 0.6, n_samples=ns)


def test_constructed_points_never_wrong():
    rng = random.Random(11)
    undecided = 0
    for _ in range(80):
        c = _random_constructed(rng)
        cls = checked(classify_critical_point(c.net))
        assert cls.verdict != "not_critical", c.description
        assert (cls.verdict == "global_minimum") == c.is_global, c.description
        if not c.is_global:
            assert cls.verdict in SADDLES + ("undecided",)
        undecided += cls.verdict == "undecided"
    assert undecided <= 2


@pytest.mark.slow
def test_constructed_points_many():
    rng = random.Random(12)
    for _ in range(400):
        c = _random_constructed(rng)
        cls = checked(classify_critical_point(c.net))
        assert (cls.verdict == "global_minimum") == c.is_global, c.description
        assert cls.verdict != "undecided", c.description


def test_X_not_full_row_rank():
    """X = C B with repeated rows: reduce to the full-row-rank problem and lift W_1."""
    rng = random.Random(8)
    for S, glob in (([0], True), ([1], False), ([], False)):
        c = constructed_point([2, 1, 2, 2], S, rng, n_samples=3)
        Wt = c.net.layers[0]                                     # d1 x 2
        C = f([[1, 0], [0, 1], [1, 2]])                          # 3 x 2, X = C B
        X = C * c.net.X
        W1 = Wt * f([[1, 0, 0], [0, 1, 0]])                      # W1 C = Wt
        net = Network.build([W1] + c.net.layers[1:], c.net.Y, X)
        assert net.is_critical()
        cls = checked(classify_critical_point(net))
        assert (cls.verdict == "global_minimum") == glob


def test_global_with_irrational_spectrum():
    """Ky Fan certificate when the eigenvalues of M are irrational."""
    Y = f([[2, 1, 0], [1, 1, 0], [0, 0, "1/10"]])    # eigenvalues (3 +- sqrt 5)/2, 1/10
    # the top-2 invariant subspace is rational, its eigenvalues are not
    layers = [f([[1, 0, 0], [0, 1, 0]]), f([[2, 1], [1, 1], [0, 0]])]
    net = Network.build(layers, Y)
    cls = checked(classify_critical_point(net))
    assert cls.verdict == "global_minimum"
    assert cls.certificate["evidence"]["lower_bound"]["method"] == "ky_fan"


def test_weighted_loss():
    Y = f([[1, 2], [3, 4]])
    w = f([[1, 2], [3, "1/2"]])
    net = Network.build([mx.identity(2), Y], Y, None, w)
    cls = checked(classify_critical_point(net))
    assert cls.verdict == "global_minimum"
    assert cls.certificate["evidence"]["lower_bound"]["method"] == "stationary"
    d = [2, 1, 1, 2]
    n2 = thm12_construction(d)
    net = Network.build(n2.layers, n2.Y, n2.X, f([[1, 2], [3, 5]]))
    cls = checked(classify_critical_point(net))
    assert cls.verdict in SADDLES


def test_not_critical_and_nondegenerate():
    net = Network.build([f([[1, 2]]), f([[3]])], f([[1, 1]]))
    cls = checked(classify_critical_point(net))
    assert cls.verdict == "not_critical"
    cert = nondegenerate_openness_certificate(net.layers)
    assert cert["claim_id"] in ("lem-10", "thm-5", "prop-4") and "locally open" in kernel.check(cert)
    assert nondegenerate_openness_certificate([f([[0, 0]]), f([[3]])]) is None


# -- tampering ----------------------------------------------------------------------------

def _rejects(cert):
    with pytest.raises(kernel.Rejected):
        kernel.check(cert)


def test_tamper():
    saddle = classify_critical_point(ex_intro()).certificate
    c = copy.deepcopy(saddle); c["evidence"]["curve"] = [c["evidence"]["curve"][0]]
    c["evidence"]["curve"][0]["layers"][1]["rows"][0][0] = "5"; _rejects(c)   # straight line: no descent
    c = copy.deepcopy(saddle); c["evidence"]["witness_t"] = "1000"; _rejects(c)
    c = copy.deepcopy(saddle); c["result"]["verdict"] = "strict_saddle"; _rejects(c)
    c = copy.deepcopy(saddle); c["result"]["loss"] = "1/3"; _rejects(c)
    c = copy.deepcopy(saddle); c["inputs"]["Y"]["rows"][0][0] = "1"; _rejects(c)
    c = copy.deepcopy(saddle); c["result"]["verdict"] = "global_minimum"
    c["evidence"]["lower_bound"] = {"method": "stationary"}; _rejects(c)
    glob = classify_critical_point(Network.build([f([[1, 0, 0], [0, 1, 0]]), f([[2, 1], [1, 1], [0, 0]])],
                                                 f([[2, 1, 0], [1, 1, 0], [0, 0, "1/10"]]))).certificate
    c = copy.deepcopy(glob); c["evidence"]["lower_bound"]["mu"] = "0"; _rejects(c)
    c = copy.deepcopy(glob); c["evidence"]["lower_bound"]["Q"]["rows"][0][0] = "100"; _rejects(c)
    c = copy.deepcopy(glob); c["inputs"]["Y"]["rows"][2][2] = "5"; _rejects(c)
    nc = classify_critical_point(Network.build([f([[1, 2]]), f([[3]])], f([[1, 1]]))).certificate
    c = copy.deepcopy(nc); c["inputs"]["Y"] = {"shape": [1, 2], "rows": [["3", "6"]]}; _rejects(c)


# -- CLI ------------------------------------------------------------------------------------

def _cli(*args):
    return subprocess.run([sys.executable, "-m", "exactopen", *args], capture_output=True, text=True)


def test_cli_classify_json_and_verify(tmp_path):
    out = tmp_path / "c.json"
    p = _cli("classify", "--layers", "[[1,0]]", "[[0]]", "[[1],[0]]", "--Y", "[[0,0],[0,1]]", "--json",
             "--out", str(out))
    assert p.returncode == 0, p.stderr
    obj = json.loads(p.stdout)
    assert obj["verdict"] == "higher_order_saddle" and obj["certificate"]["kind"] == "landscape_point"
    assert json.loads(out.read_text()) == obj["certificate"]
    assert _cli("verify", str(out)).returncode == 0


def test_cli_errors():
    p = _cli("classify", "--layers", "[[1,0]]", "[[0]]", "[[1,0]]", "--Y", "[[0,0],[0,1]]")
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
    p = _cli("classify", "--layers", "[[1,0]]", "--Y", "[[0,0,1]]")
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
    p = _cli("classify", "--layers", "[[1,\"x\"]]", "--Y", "[[0,0]]")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    p = _cli("classify", "--layers", "[[1,0]]", "--Y", "[[0,0]]", "--weights", "[[1,0]]")
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
    p = _cli("classify", "--layers", "[[1,2]]", "--X", "[[1],[1]]", "--Y", "[[3]]")
    assert p.returncode == 0 and "global_minimum" in p.stdout


def test_cli_thm12():
    p = _cli("thm12", "3", "2", "1", "3", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["verdict"] == "higher_order_saddle"
    p = _cli("thm12", "2", "1", "2")
    assert p.returncode == 2
