"""Chains with parameters (exactopen.openness.chain_parametric, kernel kind symbolic_chain_openness).

The piecewise answer is compared at rational points (many of them on the special varieties:
values drawn from {-1, 0, 1, 2}) with decide_chain on the instantiated chain; the checker must
accept every certificate and reject tampered ones (a cell's verdict, a nested class certificate
from another cell, the listed cells, the rank evidence).
"""

from __future__ import annotations

import copy
import itertools
import json
import random
from fractions import Fraction

import pytest
from flint import fmpq, fmpq_mat

from exactopen import kernel
from exactopen.errors import InputError
from exactopen.exact.ideals import evaluate
from exactopen.exact.polynomials import parse_polynomial
from exactopen.openness.chain import decide_chain
from exactopen.openness.chain_parametric import multiplicities, products, stratify_chain
from tests.helpers import check_with_generator_blocked

EXAMPLES = {
    "rank-flip": [[["x"], ["y"]], [["1", "1"]], [["z"], ["1"]]],
    "diag": [[["x", "0"], ["0", "1"]], [["1", "0"], ["0", "y"]], [["1", "0"], ["0", "z"]]],
    "nilpotent": [[["1", "0"], ["0", "0"]], [["a", "1"], ["0", "b"]], [["0", "0"], ["0", "1"]]],
    "one-layer": [[["a", "b"]]],
    "four": [[["a"], ["1"]], [["1", "0"], ["0", "b"]], [["1", "1"]], [["c"]]],
}


@pytest.fixture(scope="module")
def results():
    return {name: stratify_chain(layers) for name, layers in EXAMPLES.items()}


def instantiate(res, values) -> list:
    out = []
    for W in res.layers:
        rows = [[evaluate(p, values) for p in r] for r in W]
        out.append(fmpq_mat(len(rows), len(rows[0]), [fmpq(x.numerator, x.denominator) for r in rows for x in r]))
    return out


def test_checker_accepts_every_example(results):
    names = sorted(results)
    verdicts = check_with_generator_blocked([json.dumps(results[n].certificate) for n in names])
    assert verdicts == ["accepted"] * len(names)


def test_rank_flip_cases(results):
    cells = {(tuple(c["equations"]), tuple(c["inequations"])): c["verdict"] for c in results["rank-flip"].cells}
    assert cells == {(("x", "y"), ()): "not_locally_open", (("x",), ("y",)): "locally_open",
                     (("x + y",), ("x",)): "not_locally_open", ((), ("x", "x + y")): "locally_open"}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_agrees_with_the_decision_at_points(results, name):
    res = results[name]
    for vals in itertools.islice(itertools.product([-1, 0, 1, 2], repeat=len(res.names)), 81):
        values = {n: Fraction(v) for n, v in zip(res.names, vals)}
        verdict, _reason, _cert = decide_chain(instantiate(res, values))
        assert res.verdict_at(values) == verdict, (name, values)


def test_random_chains_agree_at_points():
    rnd = random.Random(7)
    atoms = ["0", "1", "-1", "2", "a", "b", "a + b", "a - 1", "2*b"]
    for trial in range(12):
        dims = [rnd.randint(1, 2) for _ in range(4)]
        layers = [[[rnd.choice(atoms) for _ in range(dims[i])] for _ in range(dims[i + 1])] for i in range(3)]
        if not any("a" in x or "b" in x for L in layers for r in L for x in r):
            layers[0][0][0] = "a"
        res = stratify_chain(layers)
        assert kernel.check(json.dumps(res.certificate)), layers
        for _ in range(10):
            values = {n: Fraction(rnd.choice([-1, 0, 0, 1, 2])) for n in res.names}
            assert res.verdict_at(values) == decide_chain(instantiate(res, values))[0], (layers, values)


def test_multiplicities_rebuild_the_ranks():
    from exactopen.openness.chain import chain_classes, rank_profile_of

    for mult in chain_classes(3, 2):
        dims = [sum(m for (a, b), m in mult.items() if a <= i <= b) for i in range(4)]
        prof = rank_profile_of(3, mult)
        ranks = {(a, b): prof[f"{a}-{b}"] for a, b in products(3)}
        assert multiplicities(dims, ranks) == {k: v for k, v in mult.items() if v}


def _cells(node):
    if "split" in node:
        yield from _cells(node["zero"])
        yield from _cells(node["nonzero"])
    elif "cell" in node:
        yield node["cell"]


def rejected(cert) -> str:
    try:
        kernel.check(json.dumps(cert))
    except kernel.Rejected as exc:
        return str(exc)
    raise AssertionError("the tampered certificate was accepted")


def test_tampered_verdict_is_rejected(results):
    cert = copy.deepcopy(results["rank-flip"].certificate)
    cell = next(_cells(cert["evidence"]["tree"]))
    cell["verdict"] = "locally_open" if cell["verdict"] != "locally_open" else "not_locally_open"
    assert rejected(cert)


def test_class_certificate_of_another_cell_is_rejected(results):
    cert = copy.deepcopy(results["rank-flip"].certificate)
    cells = list(_cells(cert["evidence"]["tree"]))
    open_cell = next(c for c in cells if c["verdict"] == "locally_open")
    closed = next(c for c in cells if c["verdict"] == "not_locally_open")
    closed["class_certificate"] = copy.deepcopy(open_cell["class_certificate"])
    closed["verdict"] = "locally_open"
    assert "rank" in rejected(cert)


def test_wrong_kind_nested_is_rejected(results):
    from exactopen.exact import matrix as mx
    from exactopen.openness.pair import decide_pair

    cert = copy.deepcopy(results["rank-flip"].certificate)
    cell = next(_cells(cert["evidence"]["tree"]))
    cell["class_certificate"] = decide_pair(mx.from_rows([[1]]), mx.from_rows([[1]])).certificate
    assert "chain_openness" in rejected(cert)


def test_edited_cells_and_ranks_are_rejected(results):
    cert = copy.deepcopy(results["rank-flip"].certificate)
    cert["result"]["cells"] = cert["result"]["cells"][1:]
    assert rejected(cert)
    cert = copy.deepcopy(results["rank-flip"].certificate)
    cell = next(_cells(cert["evidence"]["tree"]))
    cell["ranks"] = cell["ranks"][::-1]
    assert rejected(cert)
    cert = copy.deepcopy(results["rank-flip"].certificate)
    cert["inputs"]["layers"][1]["rows"] = [["1", "2"]]
    assert rejected(cert)


def test_two_layers_and_bad_shapes_are_input_errors():
    with pytest.raises(InputError, match="2 layers"):
        stratify_chain([[["a"]], [["b"]]])
    with pytest.raises(InputError, match="shape mismatch"):
        stratify_chain([[["a", "1"]], [["b", "1"]], [["1"]]])


def test_cli_routes_parameters(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "exactopen", "chain", "--layers", '[["x"],["y"]]', '[["1","1"]]',
                          '[["z"],["1"]]', "--json"], capture_output=True, text=True, check=True)
    obj = json.loads(out.stdout)
    assert obj["verdict"] == "piecewise" and obj["certificate"]["kind"] == "symbolic_chain_openness"
    assert len(obj["summary"]["cells"]) == 4
    out = subprocess.run([sys.executable, "-m", "exactopen", "chain", "--layers", "[[0]]", "[[0]]", "[[0]]", "--json"],
                         capture_output=True, text=True, check=True)
    summary = json.loads(out.stdout)["summary"]
    assert summary["argument"] == "family" and summary["rate"] == "1/3"  # 0.0.0: the path family, exponent exactly 1/3
    out = subprocess.run([sys.executable, "-m", "exactopen", "chain", "--layers", '[["x","1"]]', '[["1"],["y"]]', "--json"],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["certificate"]["kind"] == "symbolic_openness"


def test_parse_is_the_grammar_of_openness():
    res = stratify_chain(EXAMPLES["rank-flip"])
    assert str(parse_polynomial("x + y", res.ring)) == "x + y"
