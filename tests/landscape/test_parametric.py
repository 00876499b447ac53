"""thm-12's construction with a parametric target Y = y e eᵀ (kind symbolic_landscape)."""

from __future__ import annotations

import copy
import random

import pytest
from flint import fmpq

from exactopen import kernel
from exactopen.exact import matrix as mx
from exactopen.kernel import Rejected
from exactopen.landscape.architectures import thm12_construction
from exactopen.landscape.classify import classify_critical_point
from exactopen.landscape.network import Network
from exactopen.landscape.parametric import thm12_parametric
from exactopen.report.render import render

WIDTHS = ([2, 1, 1, 2], [2, 1, 1, 1, 2], [3, 1, 1, 2])


@pytest.fixture(scope="module")
def results():
    return {tuple(d): thm12_parametric(d) for d in WIDTHS}


def test_certificates_accepted_with_the_case_split(results):
    for d, r in results.items():
        msg = kernel.check(r.certificate)
        assert "cells cover R" in msg and "y != 0: saddle" in msg, d
        assert [c["verdict"] for c in r.cells] == ["global_minimum", "saddle"]
        assert r.cells[0]["equations"] == ["y"] and r.cells[1]["inequations"] == ["y"]
        assert r.answer.startswith("global minimum iff y = 0; for every y ≠ 0 a saddle")
        assert r.certificate["result"]["loss"] == "1/2*y^2"


def test_curve_is_parametric_not_hard_coded(results):
    """Exactly one layer of the curve carries y; at y = 1 it is the curve the general search found."""
    for r in results.values():
        terms = r.certificate["evidence"]["nonzero"]["curve"]
        with_y = {k for t in terms for k, L in enumerate(t["layers"]) if any("y" in x for row in L["rows"] for x in row)}
        assert with_y == {r.details["scaled_layer"] - 1}


def _instance(d, yv):
    net = thm12_construction(d)
    return Network.build(net.layers, net.Y * yv, net.X)


def test_instances_agree_with_classify_critical_point():
    rng = random.Random(7)
    for d in WIDTHS[:2]:
        for _ in range(3):
            yv = fmpq(rng.choice([-1, 1]) * rng.randint(1, 9), rng.randint(1, 5))
            cls = classify_critical_point(_instance(d, yv))
            kernel.check(cls.certificate)
            assert cls.verdict in ("strict_saddle", "higher_order_saddle"), (d, yv, cls.verdict)
        cls = classify_critical_point(_instance(d, 0))
        kernel.check(cls.certificate)
        assert cls.verdict == "global_minimum", d


def test_witness_gap_matches_the_instances(results):
    """The certified gap polynomial evaluated at y equals the instantiated loss drop."""
    r = results[(2, 1, 1, 2)]
    ev = r.certificate["evidence"]["nonzero"]
    a = fmpq(*map(int, ev["witness_gap"].split("*")[0].split("/")))
    t0 = fmpq(*map(int, (ev["witness_t"] + "/1").split("/")[:2]))
    for yv in (fmpq(3), fmpq(-2, 7)):
        net = _instance([2, 1, 1, 2], yv)
        curve = []
        for term in r.certificate["evidence"]["nonzero"]["curve"]:
            Cs = []
            for L in term["layers"]:
                Cs.append(mx.from_rows([[yv if x == "y" else (-yv if x == "-y" else fmpq(*map(int, (x + "/1").split("/")[:2])))
                                         for x in row] for row in L["rows"]]))
            curve.append((term["power"], Cs))
        assert net.loss_at(net.curve_point(curve, t0)) - net.loss() == a * yv ** 2


def _rejects(cert, match=None):
    with pytest.raises(Rejected, match=match):
        kernel.check(cert)


def test_tampering_is_rejected(results):
    base = results[(2, 1, 1, 2)].certificate
    ev = base["evidence"]["nonzero"]
    # the curve: drop the y-scaled term / change an entry
    c = copy.deepcopy(base)
    c["evidence"]["nonzero"]["curve"] = c["evidence"]["nonzero"]["curve"][:1]
    _rejects(c)
    c = copy.deepcopy(base)
    L = next(L for t in c["evidence"]["nonzero"]["curve"] for L in t["layers"]
             if any("y" in x for r in L["rows"] for x in r))
    L["rows"][0][0] = "y^2"
    _rejects(c)
    c = copy.deepcopy(base)
    next(L for t in c["evidence"]["nonzero"]["curve"] for L in t["layers"]
         if any("y" in x for r in L["rows"] for x in r))["rows"][0][0] = "y + 1"
    _rejects(c, "not certified negative|not negative|descent")
    # wrong verdicts on a cell
    c = copy.deepcopy(base)
    c["evidence"]["nonzero"] = {"verdict": "global_minimum"}
    c["result"]["cells"][1]["verdict"] = "global_minimum"
    _rejects(c, "does not vanish")
    c = copy.deepcopy(base)
    c["evidence"]["zero"] = copy.deepcopy(ev)
    c["result"]["cells"][0]["verdict"] = "saddle"
    _rejects(c, "vanishes identically")
    c = copy.deepcopy(base)
    c["result"]["cells"][1]["verdict"] = "global_minimum"
    _rejects(c, "result.cells")
    # drop a cell
    c = copy.deepcopy(base)
    c["result"]["cells"] = c["result"]["cells"][1:]
    _rejects(c, "result.cells")
    c = copy.deepcopy(base)
    del c["evidence"]["zero"]
    _rejects(c, "zero")
    # coefficients and strings
    for key, val in (("descent_coefficient", "-1/3*y^2"), ("witness_gap", "-7/512*y^4"), ("descent_order", 3),
                     ("witness_t", "4")):
        c = copy.deepcopy(base)
        c["evidence"]["nonzero"][key] = val
        _rejects(c)
    c = copy.deepcopy(base)
    c["result"]["loss"] = "y^2"
    _rejects(c, "result.loss")
    # a split whose zero set is not y = 0, and a second parameter
    c = copy.deepcopy(base)
    c["evidence"]["split"] = "y - 1"
    _rejects(c, "split")
    c = copy.deepcopy(base)
    c["inputs"]["parameters"] = ["y", "z"]
    _rejects(c, "one name")
    # the target: with y also in Y's top-left entry, W is not critical
    c = copy.deepcopy(base)
    c["inputs"]["Y"]["rows"][0][0] = "y"
    _rejects(c, "not identically zero")
    # a layer change breaks criticality or the curve
    c = copy.deepcopy(base)
    c["inputs"]["layers"][1]["rows"][0][0] = "1"
    _rejects(c)


def test_renders_the_case_split(results):
    cert = results[(2, 1, 1, 1, 2)].certificate
    md = render(cert, "md")
    assert "Case $y = 0$" in md and "Case $y \\ne 0$" in md and "global minimum if $y = 0$" in md
    assert "-\\tfrac{1}{2} y^{2}" in md and "What the checker verified" in md
    assert render(cert, "tex").count("\\begin{enumerate}") == render(cert, "tex").count("\\end{enumerate}")


def test_cli_parametric():
    import json
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "exactopen", "thm12", "2", "1", "1", "2", "--parametric", "--json"],
                       capture_output=True, text=True, check=False)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["verdict"] == "piecewise" and [c["verdict"] for c in out["summary"]["cells"]] == ["global_minimum", "saddle"]
    p = subprocess.run([sys.executable, "-m", "exactopen", "thm12", "2", "1", "1", "2", "--parametric"],
                       capture_output=True, text=True, check=False)
    assert p.returncode == 0 and "y = 0: global minimum" in p.stdout and "y ≠ 0: saddle" in p.stdout
