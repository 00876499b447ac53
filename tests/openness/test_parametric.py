"""Piecewise local openness over parameter space (exactopen.openness.parametric, kernel kind symbolic_openness).

The piecewise answer is compared, at hundreds of rational points, with the numeric decision
(exactopen.openness.pair.decide_pair) on the instantiated matrices -- including points on the
special varieties, found by solving each cell's equations.  The checker must accept every
certificate and reject tampered ones.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import random
import subprocess
import sys
import zlib
from fractions import Fraction

import pytest
from flint import fmpq, fmpq_mat

from exactopen import kernel
from exactopen.commands.openness import openness_command_symbolic
from exactopen.errors import InputError
from exactopen.exact.polynomials import parse_polynomial
from exactopen.openness.pair import decide_pair
from exactopen.openness.parametric import (
    NOT_OPEN,
    OPEN,
    spec_has_parameters,
    stratify_pair,
    verdict_of,
)
from tests.helpers import ROOT, SCHEMA_PATH, check_with_generator_blocked

EXAMPLES = {
    "rem1": ([[1], [1]], [["x", "y"]]),
    "diag": ([["a", 0], [0, "b"]], [["c", 0], [0, "d"]]),
    "W1gen": ([["a", "b"], ["c", "d"]], [[1, 1], [1, 1]]),
    "affine": ([["a", 1], ["b", 1]], [["c", "d"], [1, 1]]),
    "transpose": ([["a", "b"], ["c", "d"]], [["a", "c"], ["b", "d"]]),
    "adjugate": ([["a", "b"], ["c", "d"]], [["d", "-b"], ["-c", "a"]]),
    "mixed3x2": ([["a", 1], [1, "b"], [2, 3]], [["c", 1, "d"], [1, 2, 3]]),
    "sparse3x2": ([["a", "b"], [1, 0], [0, 0]], [["c", 0, 1], ["d", 0, 0]]),
    "wide": ([["a", 0, 1], [0, "b", 0]], [["c", 0], [0, 0], ["d", 1]]),
    "k1": ([["a"], ["b"], [1]], [["c", "d", 0]]),
    "row_col": ([["a", "b"]], [["c"], ["d"]]),
    "poly": ([["a^2 - 1", "a*b"], ["1/2", "b + 1"]], [["b", 0], [0, "a - b"]]),
    "orth": ([["a", "b"], [0, 0], [0, 0]], [["c", 0, 0], ["d", 0, 0]]),  # thm-5 with equal ranks, d > 0
}


@pytest.fixture(scope="module")
def results():
    return {name: stratify_pair(W1, W2) for name, (W1, W2) in EXAMPLES.items()}


# ---------------------------------------------------------------------------------------
# Points: generic, special values, and points on each cell's variety
# ---------------------------------------------------------------------------------------

SPECIAL = [Fraction(0), Fraction(0), Fraction(1), Fraction(-1), Fraction(2), Fraction(1, 2), Fraction(3, 2),
           Fraction(2, 3)]


def rnd_value(rnd: random.Random, special: float = 0.5) -> Fraction:
    if rnd.random() < special:
        return rnd.choice(SPECIAL)
    return Fraction(rnd.randint(-9, 9), rnd.randint(1, 5))


def _sub(p, vals):
    R = p.ring
    pairs = [(R.gens[i], vals[str(s)]) for i, s in enumerate(R.symbols) if str(s) in vals]
    return p.subs(pairs) if pairs else p


def _rational_root(p, var_index):
    """A rational root of a polynomial in one variable (linear factors of factor_list), or None."""
    _, factors = p.factor_list()
    for f, _ in factors:
        degs = f.degrees()
        if degs[var_index] == 1 and sum(degs) == 1:
            c1, c0 = f.coeff(f.ring.gens[var_index]), f.coeff(1)
            return -Fraction(int(c0.numerator), int(c0.denominator)) / Fraction(int(c1.numerator), int(c1.denominator))
    return None


def solve_cell(eqs, ineqs, names, rnd, tries=25):
    """A rational point with every equation zero and every inequation nonzero, or None.

    Repeatedly takes a remaining equation, assigns random values to all its variables but one,
    and solves for that one (linear) or takes a rational root (higher degree)."""
    for _ in range(tries):
        vals: dict = {}
        ok = True
        for _round in range(3 * len(names) + 3):
            live = [_sub(e, vals) for e in eqs]
            if any(p.is_ground and p for p in live):
                ok = False
                break
            live = [p for p in live if p]
            if not live:
                break
            p = live[0]
            used = [i for i, d in enumerate(p.degrees()) if d]
            rnd.shuffle(used)
            target = next((i for i in used if p.degrees()[i] == 1), used[0])
            for i in used:
                if i != target:
                    vals[str(p.ring.symbols[i])] = rnd_value(rnd)
            q = _sub(p, vals)
            if q.is_ground:
                continue
            root = _rational_root(q, target)
            if root is None:
                ok = False
                break
            vals[str(p.ring.symbols[target])] = root
        if not ok or any(_sub(e, vals) for e in eqs):
            continue
        for nm in names:
            vals.setdefault(nm, rnd_value(rnd))
        full = {nm: vals[nm] for nm in names}
        from exactopen.exact.ideals import evaluate

        if all(evaluate(e, full) == 0 for e in eqs) and all(evaluate(h, full) != 0 for h in ineqs):
            return full
    return None


def instantiate(rows, values, ring):
    ev = [[parse_polynomial(str(x), ring) if not isinstance(x, int) else ring(x) for x in r] for r in rows]
    from exactopen.exact.ideals import evaluate

    return fmpq_mat(len(ev), len(ev[0]), [fmpq(v.numerator, v.denominator) for r in ev
                                           for v in (evaluate(x, values) for x in r)])


def check_point(res, W1, W2, values):
    from exactopen.exact import linalg

    A, B = instantiate(W1, values, res.ring), instantiate(W2, values, res.ring)
    D = decide_pair(A, B, with_obstruction=False)
    leaf = res.leaf_at(values)
    assert leaf["verdict"] == D.verdict, (values, leaf, D.reason)
    assert leaf["ranks"] == (D.facts.r1, D.facts.r2, linalg.rank(A * B)), values
    # the merged cells and the one-line statement say the same
    cells = [c for c in res.cells if _in_cell(res, c, values)]
    assert len(cells) == 1 and cells[0]["verdict"] == D.verdict, (values, cells)
    assert statement_holds(res, values) == (D.verdict == OPEN), (values, res.statement())


def _in_cell(res, cell, values):
    from exactopen.exact.ideals import evaluate

    return (all(evaluate(parse_polynomial(p, res.ring), values) == 0 for p in cell["equations"])
            and all(evaluate(parse_polynomial(p, res.ring), values) != 0 for p in cell["inequations"]))


def statement_holds(res, values) -> bool:
    """Evaluate the human statement's DNF (the generator's own formula) at a point."""
    from exactopen.openness.cases import _dnf

    def sat(dnf):
        from exactopen.exact.ideals import evaluate

        return any(all((evaluate(parse_polynomial(p, res.ring), values) == 0) == (op == "=") for p, op in c)
                   for c in dnf)

    yes, no = sat(_dnf(res.tree, OPEN)), sat(_dnf(res.tree, NOT_OPEN))
    assert yes != no, "the open and not-open formulas overlap or miss a point"
    return yes


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_agrees_with_numeric_decision_at_random_and_special_points(results, name):
    res, (W1, W2) = results[name], EXAMPLES[name]
    rnd = random.Random(zlib.crc32(name.encode()))
    for _ in range(40):
        check_point(res, W1, W2, {nm: rnd_value(rnd) for nm in res.names})


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_agrees_on_the_special_varieties(results, name):
    """Points solving each leaf's equations (random sampling misses them)."""
    res, (W1, W2) = results[name], EXAMPLES[name]
    rnd = random.Random(17)
    hit = 0
    for leaf in res.leaves:
        for _ in range(4):
            pt = solve_cell(list(leaf.eqs), list(leaf.ineqs), res.names, rnd)
            if pt is None:
                continue
            check_point(res, W1, W2, pt)
            assert res.leaf_at(pt)["ranks"] == leaf.ranks
            hit += 1
    assert hit >= len(res.leaves), f"only {hit} variety points for {len(res.leaves)} cells"


def test_sample_count_is_in_the_hundreds(results):
    total = sum(40 for _ in EXAMPLES) + sum(len(r.leaves) for r in results.values())
    assert total >= 500


# ---------------------------------------------------------------------------------------
# Worked examples
# ---------------------------------------------------------------------------------------

def test_rem1_generalised(results):
    """W1 = [[1],[1]], W2 = [[x, y]]: k = 1 < 2 = min(m, n), thm-5.  rank W1 = 1; rank W2 = 1 iff
    (x, y) != 0; W1W2 = [[x, y], [x, y]] has the rank of W2, so d = 0; open iff rank W2 = 1."""
    res = results["rem1"]
    assert res.theorem == "thm-5"
    assert res.statement() == "locally open iff x ≠ 0 or y ≠ 0"
    assert res.cells == [
        {"equations": ["x", "y"], "inequations": [], "verdict": NOT_OPEN},
        {"equations": ["x"], "inequations": ["y"], "verdict": OPEN},
        {"equations": [], "inequations": ["x"], "verdict": OPEN},
    ]
    assert kernel.check(res.certificate).startswith("for real parameters x, y, M(W1, W2) = W1 W2")
    assert res.verdict_at({"x": Fraction(0), "y": Fraction(0)}) == NOT_OPEN  # rem-1 itself


def test_diagonal_family(results):
    """diag(a, b) diag(c, d), prop-4: not open exactly when one factor kills the other's
    only nonzero direction: a = d = 0 != b c, or b = c = 0 != a d."""
    res = results["diag"]
    assert res.theorem == "prop-4"
    assert res.statement() == ("not locally open iff (a = 0 and b ≠ 0 and c ≠ 0 and d = 0) or "
                               "(a ≠ 0 and b = 0 and c = 0 and d ≠ 0)")
    kernel.check(res.certificate)


def test_real_parameters_prune_complex_only_cells(results):
    """W2 = W1^T: rank W1 W1^T = rank W1 over R, so always open; over C the cells with
    a^2 + b^2 = 0 (a != 0) would not be -- they are pruned by a sum-of-squares certificate."""
    res = results["transpose"]
    assert res.statement() == "locally open for every value of the parameters"
    assert res.real_empty_branches >= 1
    assert "over R by sums of squares" in kernel.check(res.certificate)
    assert "real_squares" in json.dumps(res.certificate)


def test_equal_ranks_but_intersecting(results):
    """thm-5 with rank W1 = rank W2 = 1 and W1 W2 = 0 when (a, b) is orthogonal to (c, d)."""
    res = results["orth"]
    assert res.theorem == "thm-5"
    assert res.verdict_at({"a": Fraction(1), "b": Fraction(2), "c": Fraction(-2), "d": Fraction(1)}) == NOT_OPEN
    assert res.verdict_at({"a": Fraction(1), "b": Fraction(2), "c": Fraction(2), "d": Fraction(1)}) == OPEN
    assert res.verdict_at({"a": Fraction(0), "b": Fraction(0), "c": Fraction(0), "d": Fraction(0)}) == OPEN
    kernel.check(res.certificate)


def test_statement_for_affine_family(results):
    res = results["affine"]
    assert res.statement() == "locally open iff a ≠ b or c ≠ d or b*d + 1 ≠ 0"


def test_parameters_in_polynomial_entries(results):
    assert results["poly"].names == ["a", "b"]
    kernel.check(results["poly"].certificate)


def test_verdict_rule_matches_the_kernel():
    from exactopen.kernel.symbolic import verdict_of as kv

    for m in range(1, 4):
        for k in range(1, 4):
            for n in range(1, 4):
                for r1 in range(min(m, k) + 1):
                    for r2 in range(min(k, n) + 1):
                        for r12 in range(min(r1, r2) + 1):
                            assert verdict_of(m, k, n, r1, r2, r12) == kv(m, k, n, r1, r2, r12)


# ---------------------------------------------------------------------------------------
# The checker: acceptance, tampering, independence
# ---------------------------------------------------------------------------------------

def test_every_certificate_is_accepted(results):
    for name, res in results.items():
        assert kernel.check(json.loads(json.dumps(res.certificate))), name


# The JSON-Schema block for this kind, proposed for certificates/schema.json ($defs + allOf).
POLY = {"$ref": "#/$defs/poly_text"}
SCHEMA_DEFS = {
    "poly_text": {"type": "string", "minLength": 1, "pattern": "^[-+*/^() 0-9A-Za-z_]+$",
                  "description": "a polynomial in the input grammar (integers, names, + - * / ^, parentheses)"},
    "sym_matrix": {"type": "object", "required": ["shape", "rows"], "additionalProperties": False, "properties": {
        "shape": {"type": "array", "items": {"$ref": "#/$defs/dim"}, "minItems": 2, "maxItems": 2},
        "rows": {"type": "array", "items": {"type": "array", "items": POLY}}}},
    "sym_nonzero": {"type": "object", "required": ["q", "powers", "cofactors"], "additionalProperties": False,
                    "properties": {"q": POLY, "powers": {"type": "array", "items": {"$ref": "#/$defs/dim"}},
                                   "cofactors": {"type": "array", "items": POLY}}},
    "sym_rank": {"type": "object", "required": ["rank", "minor", "annihilator"], "additionalProperties": False,
                 "properties": {
                     "rank": {"$ref": "#/$defs/dim"},
                     "minor": {"type": "object", "required": ["rows", "cols", "nonzero"], "additionalProperties": False,
                               "properties": {"rows": {"$ref": "#/$defs/indices"}, "cols": {"$ref": "#/$defs/indices"},
                                              "nonzero": {"$ref": "#/$defs/sym_nonzero"}}},
                     "annihilator": {"type": "object", "required": ["basis", "minor_rows", "nonzero", "cofactors"],
                                     "additionalProperties": False, "properties": {
                                         "basis": {"$ref": "#/$defs/sym_matrix"},
                                         "minor_rows": {"$ref": "#/$defs/indices"},
                                         "nonzero": {"$ref": "#/$defs/sym_nonzero"},
                                         "cofactors": {"type": "array", "items": {"type": "array", "items": {
                                             "type": "array", "items": POLY}}}}}}},
    "sym_node": {"type": "object", "oneOf": [
        {"required": ["split", "zero", "nonzero"], "additionalProperties": False, "properties": {
            "split": POLY, "zero": {"$ref": "#/$defs/sym_node"}, "nonzero": {"$ref": "#/$defs/sym_node"}}},
        {"required": ["empty"], "additionalProperties": False, "properties": {"empty": {
            "type": "object", "required": ["cofactors", "t_cofactor"], "additionalProperties": False, "properties": {
                "cofactors": {"type": "array", "items": POLY}, "t_cofactor": POLY,
                "real_squares": {"type": "object", "required": ["equation", "terms"], "additionalProperties": False,
                                 "properties": {"equation": {"$ref": "#/$defs/index"}, "terms": {
                                     "type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2,
                                                                "items": POLY}}}}}}}},
        {"required": ["cell"], "additionalProperties": False, "properties": {"cell": {
            "type": "object", "required": ["verdict", "rank_W1", "rank_W2", "rank_W1W2"],
            "additionalProperties": False, "properties": {
                "verdict": {"enum": ["locally_open", "not_locally_open"]},
                "rank_W1": {"$ref": "#/$defs/sym_rank"}, "rank_W2": {"$ref": "#/$defs/sym_rank"},
                "rank_W1W2": {"$ref": "#/$defs/sym_rank"}}}}}]},
    "sym_cell": {"type": "object", "required": ["equations", "inequations", "verdict"], "additionalProperties": False,
                 "properties": {"equations": {"type": "array", "items": POLY},
                                "inequations": {"type": "array", "items": POLY},
                                "verdict": {"enum": ["locally_open", "not_locally_open"]}}},
    "kind_symbolic_openness": {"properties": {
        "inputs": {"type": "object", "required": ["parameters", "W1", "W2"], "additionalProperties": False,
                   "properties": {"parameters": {"type": "array", "uniqueItems": True, "items": {
                       "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}},
                       "W1": {"$ref": "#/$defs/sym_matrix"}, "W2": {"$ref": "#/$defs/sym_matrix"}}},
        "result": {"type": "object", "required": ["verdict", "theorem", "cells"], "additionalProperties": False,
                   "properties": {"verdict": {"const": "piecewise"}, "theorem": {"enum": ["prop-4", "thm-5"]},
                                  "regime": {"type": "string"}, "domain": {"type": "string"},
                                  "cells": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/sym_cell"}}}},
        "evidence": {"type": "object", "required": ["rabinowitsch", "tree"], "additionalProperties": False,
                     "properties": {"rabinowitsch": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
                                    "tree": {"$ref": "#/$defs/sym_node"}}}}},
}
SCHEMA_ALLOF = {"if": {"properties": {"kind": {"const": "symbolic_openness"}}, "required": ["kind"]},
                "then": {"$ref": "#/$defs/kind_symbolic_openness"}}


def _schema_validator():
    jsonschema = pytest.importorskip("jsonschema")
    path = SCHEMA_PATH
    assert path.exists(), "certificates/schema.json is missing"
    schema = json.loads(path.read_text(encoding="utf-8"))
    if "kind_symbolic_openness" not in schema.get("$defs", {}):
        schema.setdefault("$defs", {}).update(SCHEMA_DEFS)
        schema.setdefault("allOf", []).append(SCHEMA_ALLOF)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema(results):
    """Every certificate matches the schema (with this kind's block, proposed in SCHEMA_DEFS)."""
    v = _schema_validator()
    for name, res in results.items():
        errs = list(v.iter_errors(json.loads(json.dumps(res.certificate))))
        assert not errs, (name, [e.message for e in errs[:3]])
    bad = copy.deepcopy(results["rem1"].certificate)
    next(n for n in _nodes(bad["evidence"]["tree"]) if "cell" in n)["cell"]["verdict"] = "maybe"
    assert list(v.iter_errors(bad))


def _rejected(cert, fragment=""):
    with pytest.raises(kernel.Rejected) as exc:
        kernel.check(cert)
    assert fragment in str(exc.value)


def _nodes(node):
    yield node
    if "split" in node:
        yield from _nodes(node["zero"])
        yield from _nodes(node["nonzero"])


def test_tamper_drop_a_cell(results):
    cert = copy.deepcopy(results["rem1"].certificate)
    cert["result"]["cells"].pop(0)
    _rejected(cert, "result.cells")


def test_tamper_flip_a_result_verdict(results):
    cert = copy.deepcopy(results["diag"].certificate)
    c = cert["result"]["cells"][2]
    c["verdict"] = OPEN if c["verdict"] == NOT_OPEN else NOT_OPEN
    _rejected(cert, "result.cells")


def test_tamper_flip_a_leaf_verdict(results):
    cert = copy.deepcopy(results["rem1"].certificate)
    leaf = next(n for n in _nodes(cert["evidence"]["tree"]) if "cell" in n)
    leaf["cell"]["verdict"] = OPEN if leaf["cell"]["verdict"] == NOT_OPEN else NOT_OPEN
    _rejected(cert, "give")


def test_tamper_claimed_rank(results):
    cert = copy.deepcopy(results["diag"].certificate)
    leaf = next(n for n in _nodes(cert["evidence"]["tree"]) if "cell" in n)
    leaf["cell"]["rank_W1"]["rank"] += 1
    _rejected(cert)


def test_tamper_change_a_cofactor(results):
    for name in ("diag", "affine", "mixed3x2"):
        cert = copy.deepcopy(results[name].certificate)
        done = False
        for n in _nodes(cert["evidence"]["tree"]):
            if "cell" not in n:
                continue
            for key in ("rank_W1", "rank_W2", "rank_W1W2"):
                an = n["cell"][key]["annihilator"]
                for row in an["cofactors"]:
                    for entry in row:
                        for i, c in enumerate(entry):
                            if c != "0" and not done:
                                entry[i] = f"{c} + 1"
                                done = True
        assert done, name
        _rejected(cert, "not in the ideal")


def test_tamper_nonzero_certificate(results):
    cert = copy.deepcopy(results["rem1"].certificate)
    leaf = next(n for n in _nodes(cert["evidence"]["tree"]) if "cell" in n and n["cell"]["rank_W2"]["rank"] == 1)
    leaf["cell"]["rank_W2"]["minor"]["nonzero"]["q"] = "0"
    _rejected(cert, "combination")


def test_tamper_emptiness_certificate(results):
    cert = copy.deepcopy(results["W1gen"].certificate)
    empty = next(n for n in _nodes(cert["evidence"]["tree"]) if "empty" in n)
    empty["empty"]["t_cofactor"] = empty["empty"]["t_cofactor"] + " + 1"
    _rejected(cert, "does not give 1")
    cert = copy.deepcopy(results["transpose"].certificate)
    real = next(n for n in _nodes(cert["evidence"]["tree"]) if "real_squares" in n.get("empty", {}))
    real["empty"]["real_squares"]["terms"][0][0] = "-1"
    _rejected(cert, "positive")


def test_tamper_tree_shape(results):
    cert = copy.deepcopy(results["rem1"].certificate)
    del cert["evidence"]["tree"]["zero"]  # a branch of the split is missing: no coverage
    _rejected(cert, "bad node")
    cert = copy.deepcopy(results["rem1"].certificate)
    tree = cert["evidence"]["tree"]
    tree["zero"] = copy.deepcopy(tree["nonzero"])  # the x != 0 evidence reused on x = 0
    _rejected(cert)
    cert = copy.deepcopy(results["rem1"].certificate)
    cert["evidence"]["tree"]["split"] = "x - 1"
    _rejected(cert)


def test_tamper_inputs(results):
    cert = copy.deepcopy(results["rem1"].certificate)
    cert["inputs"]["W1"]["rows"][1][0] = "x"
    _rejected(cert)
    cert = copy.deepcopy(results["rem1"].certificate)
    cert["inputs"]["W2"]["rows"][0][0] = "_t"  # the Rabinowitsch variable is not a parameter
    _rejected(cert)
    cert = copy.deepcopy(results["rem1"].certificate)
    cert["result"]["theorem"] = "prop-4"
    _rejected(cert, "regime")


def test_checker_runs_without_sympy_and_the_generator(results):
    good = results["affine"].certificate
    bad = copy.deepcopy(good)
    bad["result"]["cells"][0]["verdict"] = OPEN if bad["result"]["cells"][0]["verdict"] == NOT_OPEN else NOT_OPEN
    assert check_with_generator_blocked([json.dumps(good), json.dumps(bad)]) == ["accepted", "rejected"]


# ---------------------------------------------------------------------------------------
# Input errors and the CLI glue
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("W1, W2, fragment", [
    ([["a/b"]], [[1]], "division by a non-constant"),
    ([["a", 1]], [[1, 2]], "shape mismatch"),
    ([[0.5]], [["a"]], "binary float"),
    ([["a", "2a"]], [[1], [1]], "missing operator"),
    ([], [["a"]], "non-empty list"),
    ([["a"], ["b", 1]], [[1]], "ragged"),
])
def test_input_errors(W1, W2, fragment):
    with pytest.raises(InputError) as exc:
        stratify_pair(W1, W2)
    assert fragment in str(exc.value)


def test_strict_parameter_list():
    with pytest.raises(InputError, match="unknown parameter 'y'"):
        stratify_pair([[1], [1]], [["x", "y"]], names=["x"])
    res = stratify_pair([[1], [1]], [["x", 0]], names=["x", "z"])  # a declared, unused parameter
    assert res.names == ["x", "z"]
    kernel.check(res.certificate)


def test_spec_has_parameters(tmp_path):
    assert spec_has_parameters('[["x", "y"]]')
    assert spec_has_parameters('{"shape": [1, 1], "rows": [["2*a"]]}')
    assert not spec_has_parameters("[[1, 2]]")
    assert not spec_has_parameters('[["1/2", "1e3", 0.5]]')
    assert not spec_has_parameters("no/such/file.json")
    f = tmp_path / "m.json"
    f.write_text(json.dumps({"A": [["a", 1]], "B": [[1, 2]]}))
    assert spec_has_parameters(f"{f}:A") and not spec_has_parameters(f"{f}:B")


def _run_cli(W1, W2, as_json):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = openness_command_symbolic(W1, W2, argparse.Namespace(json=as_json, out=None))
    return rc, out.getvalue()


def test_cli_json_output():
    rc, text = _run_cli("[[1],[1]]", '[["x", "y"]]', True)
    obj = json.loads(text)
    assert rc == 0 and obj["verdict"] == "piecewise"
    assert obj["summary"]["cells"][0] == {"equations": ["x", "y"], "inequations": [], "verdict": NOT_OPEN}
    assert obj["summary"]["statement"] == "locally open iff x ≠ 0 or y ≠ 0"
    assert "real parameters" in obj["summary"]["domain"]
    kernel.check(obj["certificate"])


def test_cli_human_output(tmp_path):
    f = tmp_path / "w.json"
    f.write_text(json.dumps({"W1": [["a", 0], [0, "b"]], "W2": [["c", 0], [0, "d"]]}))
    rc, text = _run_cli(f"{f}:W1", f"{f}:W2", False)
    assert rc == 0
    assert "for real parameters a, b, c, d: M is not locally open iff" in text
    assert "checker: accepted" in text


def test_cli_routes_parametric_input():
    r = subprocess.run([sys.executable, "-m", "exactopen", "openness", "--W1", "[[1],[1]]", "--W2", '[["x","y"]]',
                        "--json"], capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["verdict"] == "piecewise"
    assert {c["verdict"] for c in obj["summary"]["cells"]} == {"locally_open", "not_locally_open"}
    assert all(set(c) >= {"equations", "inequations", "verdict"} for c in obj["summary"]["cells"])


# ---------------------------------------------------------------------------------------
# Larger cases (the benchmark's)
# ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_benchmark_cases_agree_with_numeric_decision():
    import runpy

    CASES = runpy.run_path(str(ROOT / "benchmarks" / "symbolic.py"), run_name="cases")["CASES"]

    rnd = random.Random(5)
    for W1, W2 in CASES.values():
        res = stratify_pair(W1, W2)
        kernel.check(res.certificate)
        for _ in range(60):
            check_point(res, W1, W2, {nm: rnd_value(rnd) for nm in res.names})
        for leaf in res.leaves:
            pt = solve_cell(list(leaf.eqs), list(leaf.ineqs), res.names, rnd)
            if pt is not None:
                check_point(res, W1, W2, pt)
