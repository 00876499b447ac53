"""certificates/schema.json: a valid draft 2020-12 schema that every emitted certificate
matches, that rejects malformed ones, lets unknown kinds through on the envelope alone, and
is keyed per kind so that other families can append their blocks."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from tests.helpers import SCHEMA_PATH, schema_errors, validate_schema

LINALG_KINDS = ["rank", "nullspace", "column_space", "intersection", "solve"]


def schema():
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def M(rows):
    return mx.from_rows(rows)


A = M([[1, 2, 3], [2, 4, 6], [1, 0, 1]])
B = M([[1, 0, 1], [-1, 1, 0], [0, 1, 1]])


def examples():
    return {
        "rank": linalg.rank_certificate(A),
        "rank_factors": linalg.rank_certificate(factors=[A, B]),
        "rank_wide": linalg.rank_certificate(M([[1, "1/2", -3, 0]])),
        "nullspace": linalg.nullspace_certificate(A),
        "nullspace_left": linalg.nullspace_certificate(A, "left"),
        "column_space": linalg.column_space_certificate(A),
        "row_space": linalg.column_space_certificate(A, "row"),
        "intersection": linalg.intersection_certificate(M([[1, 1, 0], [0, 0, 1]]), B),
        "intersection_zero": linalg.intersection_certificate(M([[1, 0, 0]]), M([[1], [0], [0]])),
        "solve_yes": linalg.solve_certificate(A, M([[6], [12], [2]])),
        "solve_no": linalg.solve_certificate(A, M([[1], [0], [0]])),
        "empty_shapes": linalg.rank_certificate(mx.zeros(3, 0)),
    }


EXAMPLES = examples()


def test_schema_is_valid_draft_2020_12():
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(s)


def test_schema_defines_the_shared_pieces():
    defs = schema()["$defs"]
    for name in ("rational", "matrix", "indices", "minor", "annihilator"):
        assert name in defs
    assert defs["rational"]["pattern"] == "^-?[0-9]+(/[0-9]+)?$"


def test_per_kind_blocks_are_if_then_on_kind():
    """One allOf entry per kind, each `if kind == K then ...` (other families append theirs)."""
    blocks = schema()["allOf"]
    keyed = {}
    for b in blocks:
        assert set(b) >= {"if", "then"}
        assert b["if"]["required"] == ["kind"]
        keyed[b["if"]["properties"]["kind"]["const"]] = b
    assert set(LINALG_KINDS) <= set(keyed)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_emitted_certificates_match(name):
    validate_schema(EXAMPLES[name])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_random_certificates_match(m, n, data):
    ents = data.draw(st.lists(st.sampled_from([0, 0, 1, -1, 2, "1/2", "-3/4"]), min_size=m * n, max_size=m * n))
    X = mx.from_rows([[ents[i * n + j] for j in range(n)] for i in range(m)])
    for cert in (linalg.rank_certificate(X), linalg.nullspace_certificate(X),
                 linalg.nullspace_certificate(X, "left"), linalg.column_space_certificate(X),
                 linalg.column_space_certificate(X, "row"),
                 linalg.intersection_certificate(X.transpose(), X),
                 linalg.solve_certificate(X, mx.submatrix(X, None, [0]) * 2)):
        validate_schema(cert)


def test_unknown_kind_validates_against_the_envelope_only():
    cert = copy.deepcopy(EXAMPLES["rank"])
    cert["kind"] = "openness_future_kind"
    cert["inputs"] = {"anything": [1, 2.5, None]}
    cert["result"] = {"verdict": "whatever"}
    cert["evidence"] = {}
    validate_schema(cert)
    # ... but the envelope still applies
    del cert["claim"]
    assert schema_errors(cert)


def _mutations():
    """(label, certificate name, function changing it) that the schema must catch."""
    def setp(path, value):
        def f(c):
            o = c
            for p in path[:-1]:
                o = o[p]
            o[path[-1]] = value
        return f

    def delp(path):
        def f(c):
            o = c
            for p in path[:-1]:
                o = o[p]
            del o[path[-1]]
        return f

    return [
        ("format", "rank", setp(("format",), "exactopen")),
        ("version 1", "rank", setp(("version",), 1)),
        ("version str", "rank", setp(("version",), "1")),
        ("version bool", "rank", setp(("version",), True)),
        ("kind empty", "rank", setp(("kind",), "")),
        ("claim_id int", "rank", setp(("claim_id",), 3)),
        ("claim_id missing", "rank", delp(("claim_id",))),
        ("generator version missing", "rank", delp(("generator", "version"))),
        ("generator not object", "rank", setp(("generator",), "exactopen 0.1")),
        ("extra top-level key", "rank", setp(("verdict",), "yes")),
        ("inputs list", "rank", setp(("inputs",), [])),
        ("decimal entry", "rank", setp(("inputs", "A", "rows", 0, 0), "1.5")),
        ("int entry", "rank", setp(("inputs", "A", "rows", 0, 0), 1)),
        ("plus sign", "rank", setp(("inputs", "A", "rows", 0, 0), "+1")),
        ("negative denominator", "rank", setp(("inputs", "A", "rows", 0, 0), "1/-2")),
        ("shape 1-d", "rank", setp(("inputs", "A", "shape"), [3])),
        ("shape 3-d", "rank", setp(("inputs", "A", "shape"), [3, 3, 1])),
        ("shape negative", "rank", setp(("inputs", "A", "shape"), [-3, 3])),
        ("matrix extra key", "rank", setp(("inputs", "A", "dtype"), "QQ")),
        ("A and factors", "rank", setp(("inputs", "factors"), [mx.to_json(A)])),
        ("rank string", "rank", setp(("result", "rank"), "2")),
        ("rank negative", "rank", setp(("result", "rank"), -1)),
        ("rank missing", "rank", delp(("result", "rank"))),
        ("minor missing", "rank", delp(("evidence", "minor"))),
        ("minor repeated index", "rank", setp(("evidence", "minor", "rows"), [0, 0])),
        ("minor negative index", "rank", setp(("evidence", "minor", "rows"), [0, -1])),
        ("side up", "rank", setp(("evidence", "annihilator", "side"), "up")),
        ("factors empty", "rank_factors", setp(("inputs", "factors"), [])),
        ("nullspace side", "nullspace", setp(("result", "side"), "middle")),
        ("nullspace no minor", "nullspace", delp(("evidence", "minor"))),
        ("space diagonal", "column_space", setp(("result", "space"), "diagonal")),
        ("colspace no preimage", "column_space", delp(("evidence", "preimage"))),
        ("intersection dim str", "intersection", setp(("result", "dim"), "1")),
        ("intersection no B", "intersection", delp(("inputs", "B"))),
        ("intersection no AB minor", "intersection", delp(("evidence", "AB_minor"))),
        ("solve no X", "solve_yes", delp(("result", "X"))),
        ("solve flag str", "solve_yes", setp(("result", "solvable"), "true")),
        ("solve yes with y", "solve_yes", setp(("evidence", "y"), mx.to_json(mx.zeros(3, 1)))),
        ("solve no without y", "solve_no", delp(("evidence", "y"))),
        ("solve no with X", "solve_no", setp(("result", "X"), mx.to_json(mx.zeros(3, 1)))),
    ]


@pytest.mark.parametrize("label,name,mutate", _mutations(), ids=[m[0] for m in _mutations()])
def test_schema_rejects(label, name, mutate):
    cert = copy.deepcopy(EXAMPLES[name])
    validate_schema(cert)
    mutate(cert)
    assert schema_errors(cert), label


def test_validate_schema_raises_assertion_error_with_the_path():
    cert = copy.deepcopy(EXAMPLES["rank"])
    cert["result"]["rank"] = "two"
    with pytest.raises(AssertionError, match="result/rank"):
        validate_schema(cert)


def test_the_lower_triangular_dyadic_form_matches_the_schema():
    """A Cholesky factor of side >= 16 is stored as its lower triangle (``"lower": true``):
    the schema admits it, and still refuses any other value of the flag or an unknown key."""
    from exactopen.certificate import dyadic_json

    n = 16
    L = mx.from_rows([[(i * 7 + j * 3) % 5 - 2 if j < i else (1 if i == j else 0) for j in range(n)]
                      for i in range(n)])
    enc = dyadic_json(L)
    assert enc["dyadic"].get("lower") is True
    v = Draft202012Validator({"$defs": schema()["$defs"], "$ref": "#/$defs/matrix"})
    assert not list(v.iter_errors(enc))
    for bad in (False, 1, "true"):
        assert list(v.iter_errors({**enc, "dyadic": {**enc["dyadic"], "lower": bad}}))
    assert list(v.iter_errors({**enc, "dyadic": {**enc["dyadic"], "upper": True}}))
