"""Pyramidal networks (lem-6, sec-4): activation parsing, verdicts, certificates, tampering, CLI."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys

import pytest
from flint import fmpq, fmpq_mat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.cli import main
from exactopen.errors import InputError
from exactopen.exact import matrix as mx
from exactopen.kernel import pyramid as KP
from exactopen.pyramid import networks as P
from tests.helpers import ROOT, validate_schema

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

I2 = [[1, 0], [0, 1]]
W_FULL = [[1, 2], [3, 4]]
W_DEF = [[1, 2], [2, 4]]
ROW = [[1, 1]]
# the counterexample's data: d = (4, 2, 1), n = 3, rank X = 2
X_DEF = [[1, 0, 1], [0, 1, 1], [1, 1, 2], [1, -1, 0]]
W1_CE = [[1, 2, 0, 0], [2, 1, 0, 0]]


def accepted(cert: dict) -> str:
    validate_schema(cert)
    validate_proposed(cert)
    return kernel.check(cert)


def rejected(cert: dict, *words: str) -> str:
    with pytest.raises(kernel.Rejected) as exc:
        kernel.check(cert)
    msg = str(exc.value)
    for w in words:
        assert w in msg, msg
    return msg


# --------------------------------------------------------------------------------------
# JSON-Schema blocks for the pyramid kinds of certificates/schema.json
# --------------------------------------------------------------------------------------

_RAT = {"$ref": "#/$defs/rational"}
_ACT = {
    "type": "object", "required": ["name"], "additionalProperties": False,
    "properties": {"name": {"enum": ["identity", "tanh", "logistic", "leaky_relu", "pwl"]},
                   "slope": _RAT, "breakpoints": {"type": "array", "items": _RAT},
                   "slopes": {"type": "array", "minItems": 1, "items": _RAT}, "point": _RAT, "value": _RAT},
}
_ACT_EV = {
    "type": "object", "required": ["method"], "additionalProperties": False,
    "properties": {"method": {"enum": ["trusted", "positive_slopes"]}, "fact": {"type": "string"},
                   "breakpoints": {"type": "array", "items": _RAT}, "slopes": {"type": "array", "items": _RAT}},
}
_NET = {
    "type": "object", "required": ["layers", "activations", "X"], "additionalProperties": False,
    "properties": {"layers": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/matrix"}},
                   "activations": {"type": "array", "minItems": 1, "items": _ACT},
                   "X": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/matrix"}]}},
}
_FAIL = {"type": "array", "minItems": 1, "items": {
    "type": "object", "required": ["object", "annihilator"], "additionalProperties": False,
    "properties": {"object": {"type": "string", "pattern": "^(X|W[1-9][0-9]*)$"},
                   "annihilator": {"$ref": "#/$defs/annihilator"}}}}
_NET_EV = {
    "type": "object", "required": ["activations"], "additionalProperties": False,
    "properties": {"activations": {"type": "array", "items": _ACT_EV},
                   "layers": {"type": "array", "items": {"$ref": "#/$defs/minor"}},
                   "X_minor": {"$ref": "#/$defs/minor"}, "failures": _FAIL},
}
_POLY = {"type": "array", "minItems": 1, "items": _RAT}
_SIDE = {"type": "object", "required": ["sign", "c", "k", "r"], "additionalProperties": False,
         "properties": {"sign": {"enum": [1, -1]}, "c": _RAT, "k": {"type": "integer", "minimum": 1},
                        "r": {"oneOf": [{"type": "null"}, _RAT]}}}
_FACTORS = {"type": "object", "required": ["lc", "factors"], "additionalProperties": False,
            "properties": {"lc": _RAT, "factors": {"type": "array", "items": {
                "type": "object", "required": ["poly", "exp"], "additionalProperties": False,
                "properties": {"poly": _POLY, "exp": {"type": "integer", "minimum": 1}}}}}}
PROPOSED_DEFS = {
    "kind_pyramid_openness": {"properties": {
        "claim_id": {"const": "lem-6"}, "inputs": _NET, "evidence": _NET_EV,
        "result": {"type": "object", "required": ["verdict"], "additionalProperties": False,
                   "properties": {"verdict": {"enum": ["locally_open", "undecided"]},
                                  "route": {"enum": [None, "X_full_column_rank", "every_full_column_rank_X",
                                                     "linear_hidden_layers"]}}}}},
    "kind_pyramid_global": {"properties": {
        "claim_id": {"const": "sec-4"}, "inputs": _NET, "evidence": _NET_EV,
        "result": {"type": "object", "required": ["verdict"], "additionalProperties": False,
                   "properties": {"verdict": {"enum": ["local_min_is_global", "undecided"]}}}}},
    "kind_pyramid_not_open": {"properties": {
        "claim_id": {"const": "lem-6"}, "inputs": _NET,
        "result": {"type": "object", "required": ["verdict"], "additionalProperties": False,
                   "properties": {"verdict": {"const": "not_locally_open"}}},
        "evidence": {"type": "object", "additionalProperties": False,
                     "required": ["activations", "layers", "X_rank", "radius", "K", "family"],
                     "properties": {
                         "activations": {"type": "array", "items": _ACT_EV},
                         "layers": {"type": "array", "items": {"$ref": "#/$defs/minor"}},
                         "X_rank": {"$ref": "#/$defs/annihilator"}, "radius": _RAT,
                         "K": {"$ref": "#/$defs/matrix"},
                         "family": {"type": "object", "additionalProperties": False,
                                    "required": ["W1_0", "W1_1", "W2_0", "W2_1", "t0"],
                                    "properties": {"W1_0": {"$ref": "#/$defs/matrix"},
                                                   "W1_1": {"$ref": "#/$defs/matrix"},
                                                   "W2_0": {"$ref": "#/$defs/matrix"},
                                                   "W2_1": {"$ref": "#/$defs/matrix"}, "t0": _RAT}}}}}},
    "kind_scalar_openness": {"properties": {
        "claim_id": {"const": "ex-2"},
        "inputs": {"type": "object", "required": ["F", "w0"], "additionalProperties": False,
                   "properties": {"F": _POLY, "w0": _RAT}},
        "result": {"type": "object", "required": ["verdict", "relative_to", "F_w0"], "additionalProperties": False,
                   "properties": {"verdict": {"enum": ["locally_open", "not_locally_open"]},
                                  "relative_to": {"enum": ["R", "range"]}, "F_w0": _RAT,
                                  "delta": {"type": "array", "minItems": 2, "maxItems": 2, "items": {
                                      "type": "object", "required": ["side", "c", "k", "r"],
                                      "additionalProperties": False,
                                      "properties": {"side": {"enum": ["right", "left"]}, "c": _RAT,
                                                     "k": {"type": "integer", "minimum": 1},
                                                     "r": {"oneOf": [{"type": "null"}, _RAT]}}}}}},
        "evidence": {"type": "object", "additionalProperties": False,
                     "properties": {"constant": {"const": True}, "right": _SIDE, "left": _SIDE,
                                    "global": _FACTORS, "escape": _RAT}}}},
    "kind_polynomial_minimum": {"properties": {
        "claim_id": {"const": "ex-2"},
        "inputs": {"type": "object", "required": ["objective", "lower"], "additionalProperties": False,
                   "properties": {"objective": _POLY, "lower": {"oneOf": [{"type": "null"}, _RAT]}, "map": _POLY}},
        "result": {"type": "object", "required": ["value", "minimisers"], "additionalProperties": False,
                   "properties": {"value": _RAT, "minimisers": {"type": "array", "minItems": 1, "items": _RAT},
                                  "preimages": {"type": "array", "items": _RAT}, "composition": _POLY}},
        "evidence": {"type": "object", "required": ["nonnegativity"], "additionalProperties": False,
                     "properties": {"nonnegativity": _FACTORS}}}},
}
PROPOSED_ALLOF = [{"if": {"properties": {"kind": {"const": k[5:]}}, "required": ["kind"]},
                   "then": {"$ref": f"#/$defs/{k}"}} for k in PROPOSED_DEFS]


def _proposed_validator():

    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "certificates" / "schema.json").read_text())
    schema["$defs"].update(PROPOSED_DEFS)
    schema["allOf"] = list(schema.get("allOf", [])) + PROPOSED_ALLOF
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


_VALIDATOR = []


def validate_proposed(cert: dict) -> None:
    """The schema blocks proposed in the report accept what the generator writes."""
    if not _VALIDATOR:
        _VALIDATOR.append(_proposed_validator())
    errs = list(_VALIDATOR[0].iter_errors(cert))
    assert not errs, [f"{list(e.absolute_path)}: {e.message}" for e in errs[:5]]


def test_proposed_schema_rejects_a_wrong_shape():
    cert = P.decide_pyramid([W_FULL, ROW], "tanh", I2).certificate
    bad = copy.deepcopy(cert)
    bad["result"]["verdict"] = "open"
    with pytest.raises(AssertionError):
        validate_proposed(bad)


# --------------------------------------------------------------------------------------
# activations
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("spec,name", [
    ("identity", "identity"), ("tanh", "tanh"), ("logistic", "logistic"), ("sigmoid", "logistic"),
    (" TANH ", "tanh"), ("leaky_relu:1/10", "leaky_relu"), ("leaky_relu:1", "leaky_relu"),
    ("leaky_relu:0.25", "leaky_relu"), ("pwl:breakpoints=0,1;slopes=1/2,1,2", "pwl"),
    ("pwl:slopes=3", "pwl"), ("pwl:breakpoints=-1,1;slopes=1/2,1,2;point=1;value=5", "pwl"),
])
def test_activation_parses(spec, name):
    assert P.parse_activation(spec).name == name


@pytest.mark.parametrize("spec,words", [
    ("relu", ["relu", "not strictly monotone"]),
    ("leaky_relu:0", ["ReLU", "not strictly monotone"]),
    ("leaky_relu:-1/2", ["not monotone"]),
    ("pwl:breakpoints=0;slopes=0,1", ["slope 0", "not strictly monotone"]),
    ("pwl:breakpoints=0;slopes=1,-1", ["slope -1", "not strictly monotone"]),
    ("pwl:breakpoints=0;slopes=-1,-2", ["decreasing"]),
    ("pwl:breakpoints=1,0;slopes=1,1,1", ["strictly increasing"]),
    ("pwl:breakpoints=0;slopes=1", ["2 slopes"]),
    ("pwl:breakpoints=0", ["slopes=... is required"]),
    ("pwl:slopes=1;slopes=2", ["twice"]),
    ("pwl:colour=red;slopes=1", ["KEY=VALUES"]),
    ("pwl:slopes=__import__('os')", ["not a number"]),
    ("leaky_relu", ["needs its slope"]),
    ("leaky_relu:1e9999999", ["exponent"]),
    ("softplus", ["unknown activation"]),
    ("", ["empty"]),
])
def test_activation_refused(spec, words):
    with pytest.raises(InputError) as exc:
        P.parse_activation(spec)
    for w in words:
        assert w in str(exc.value)
    assert "\n" not in str(exc.value)


def test_pwl_values_and_linearity():
    a = P.parse_activation("pwl:breakpoints=-1,1;slopes=1/2,1,2;point=1;value=5")
    assert [a(fmpq(x)) for x in (-3, -1, 0, 1, 3)] == [2, 3, 4, 5, 9]
    assert not a.linear
    assert P.parse_activation("leaky_relu:1").linear
    assert P.parse_activation("pwl:slopes=3").linear
    assert not P.parse_activation("pwl:slopes=3;value=1").linear
    assert not P.parse_activation("tanh").linear


rats = st.builds(lambda p, q: fmpq(p, q), st.integers(-12, 12), st.integers(1, 4))


@st.composite
def pwl_specs(draw):
    k = draw(st.integers(0, 4))
    bps = sorted(set(draw(st.lists(rats, min_size=k, max_size=k))))
    slopes = draw(st.lists(st.builds(lambda p, q: fmpq(p, q), st.integers(1, 9), st.integers(1, 4)),
                           min_size=len(bps) + 1, max_size=len(bps) + 1))
    pt, val = draw(rats), draw(rats)
    f = lambda xs: ",".join(f"{x.p}/{x.q}" for x in xs)  # noqa: E731
    return f"pwl:breakpoints={f(bps)};slopes={f(slopes)};point={pt.p}/{pt.q};value={val.p}/{val.q}"


@SETTINGS
@given(pwl_specs(), st.lists(rats, min_size=1, max_size=6))
def test_pwl_generator_and_checker_agree(spec, xs):
    """The checker's own pieces give the same values; the value at `point` is as given;
    values increase strictly (independent of both piece tables)."""
    a = P.parse_activation(spec)
    k = KP.activation(a.to_json(), "act")
    assert a(a.point) == a.value
    for x in xs:
        s, c = k.piece_on(x, x, "x")
        assert s * x + c == a(x)
    ys = sorted(set(xs + list(a.breakpoints)))
    vals = [a(y) for y in ys]
    assert all(u < v for u, v in zip(vals, vals[1:]))


# --------------------------------------------------------------------------------------
# lem-6 verdicts
# --------------------------------------------------------------------------------------

def test_open_with_full_column_rank_X():
    r = P.decide_pyramid([W_FULL, ROW], ["leaky_relu:1/10", "tanh"], I2)
    assert (r.verdict, r.route) == ("locally_open", "X_full_column_rank")
    assert "X full column rank" in r.certificate["claim"]
    assert "locally open" in accepted(r.certificate)
    assert r.certificate["claim_id"] == "lem-6"


def test_open_for_every_X_when_X_not_given():
    r = P.decide_pyramid([W_FULL, ROW], "pwl:breakpoints=0,1;slopes=1/2,1,2")
    assert (r.verdict, r.route) == ("locally_open", "every_full_column_rank_X")
    assert "every input X" in r.certificate["claim"]
    accepted(r.certificate)


def test_linear_hidden_layers_any_X():
    r = P.decide_pyramid([W1_CE, ROW], ["identity", "logistic"], X_DEF)
    assert (r.verdict, r.route) == ("locally_open", "linear_hidden_layers")
    accepted(r.certificate)
    r1 = P.decide_pyramid([[[1, 2, 3]]], "tanh", [[1, 1], [1, 1], [0, 0]])   # h = 1, rank X = 1 < n
    assert (r1.verdict, r1.route) == ("locally_open", "linear_hidden_layers")
    accepted(r1.certificate)


def test_rank_deficient_X_with_nonlinear_hidden_layer_is_undecided():
    r = P.decide_pyramid([W1_CE, ROW], ["leaky_relu:1/2", "identity"], X_DEF)
    assert r.verdict == "undecided"
    assert "rank X = 2 < n = 3" in r.reason
    assert "not a claim of non-openness" in r.certificate["claim"]
    assert "rank X <= 2" in accepted(r.certificate)


def test_rank_deficient_layer_is_undecided_not_refuted():
    r = P.decide_pyramid([W_DEF, ROW], "tanh", I2)
    assert r.verdict == "undecided"
    assert r.failures == ["rank W1 = 1 < 2"]
    assert "not_locally_open" not in json.dumps(r.certificate["result"])
    assert "rank W1 <= 1 < 2" in accepted(r.certificate)
    wide = P.decide_pyramid([I2, [[1, 0], [0, 1], [1, 1]]], "tanh", I2)   # d2 = 3 > d1 = 2
    assert wide.verdict == "undecided" and "rank W2" in wide.reason
    accepted(wide.certificate)


def test_shape_and_count_errors():
    with pytest.raises(InputError, match="shape mismatch"):
        P.decide_pyramid([W_FULL, [[1, 1, 1]]], "tanh")
    with pytest.raises(InputError, match="shape mismatch"):
        P.decide_pyramid([W_FULL, ROW], "tanh", [[1, 2, 3]])
    with pytest.raises(InputError, match="activations for 2 layers"):
        P.decide_pyramid([W_FULL, ROW], ["tanh", "tanh", "tanh"])
    with pytest.raises(InputError, match="relu"):
        P.decide_pyramid([W_FULL, ROW], ["tanh", "relu"])


@st.composite
def networks(draw):
    h = draw(st.integers(1, 3))
    d = sorted(draw(st.lists(st.integers(1, 3), min_size=h + 1, max_size=h + 1)), reverse=True)
    if draw(st.booleans()):
        i = draw(st.integers(1, h))
        d[i] = d[i - 1] + 1                    # a wide layer (never full row rank)
    ent = st.sampled_from([0, 0, 1, -1, 2, fmpq(1, 2)])
    Ws = [fmpq_mat(d[i + 1], d[i], draw(st.lists(ent, min_size=d[i] * d[i + 1], max_size=d[i] * d[i + 1])))
          for i in range(h)]
    n = draw(st.integers(1, 3))
    X = None if draw(st.booleans()) else fmpq_mat(d[0], n, draw(st.lists(ent, min_size=d[0] * n, max_size=d[0] * n)))
    acts = draw(st.lists(st.sampled_from(["identity", "tanh", "logistic", "leaky_relu:1/3", "leaky_relu:1",
                                          "pwl:breakpoints=0,1;slopes=1/2,1,2"]), min_size=h, max_size=h))
    return Ws, acts, X


@SETTINGS
@given(networks())
def test_random_networks_verdicts_match_ranks(net):
    """Every certificate is accepted, and the verdict matches SymPy's ranks (independent)."""
    import sympy

    Ws, acts, X = net
    r = P.decide_pyramid(Ws, acts, X)
    accepted(r.certificate)
    srank = lambda M: sympy.Matrix(M.nrows(), M.ncols(), [sympy.Rational(int(x.p), int(x.q)) for x in M.entries()]).rank()  # noqa: E731
    rows_ok = all(srank(W) == W.nrows() for W in Ws)
    hidden_linear = all(a in ("identity", "leaky_relu:1") for a in acts[:-1])
    x_ok = X is None or hidden_linear or srank(X) == X.ncols()
    assert (r.verdict == "locally_open") == (rows_ok and x_ok)
    if X is not None and r.verdict == "locally_open" and srank(X) == X.ncols():
        assert r.route == "X_full_column_rank"


# --------------------------------------------------------------------------------------
# tampering (pyramid_openness)
# --------------------------------------------------------------------------------------

@pytest.fixture
def open_cert():
    return P.decide_pyramid([W_FULL, ROW], ["leaky_relu:1/10", "pwl:breakpoints=0,1;slopes=1/2,1,2"], I2).certificate


@pytest.mark.parametrize("slope", ["0", "-1/2"])
def test_tamper_leaky_slope(open_cert, slope):
    c = copy.deepcopy(open_cert)
    c["inputs"]["activations"][0]["slope"] = slope
    rejected(c, "slope", "not strictly monotone")


def test_tamper_pwl_slope(open_cert):
    c = copy.deepcopy(open_cert)
    c["inputs"]["activations"][1]["slopes"][1] = "0"
    c["evidence"]["activations"][1]["slopes"][1] = "0"
    rejected(c, "slope 1 is 0 <= 0")
    c = copy.deepcopy(open_cert)
    c["evidence"]["activations"][1]["slopes"][1] = "3"
    rejected(c, "differ")


def test_tamper_breakpoints_order(open_cert):
    c = copy.deepcopy(open_cert)
    c["inputs"]["activations"][1]["breakpoints"] = ["1", "0"]
    rejected(c, "breakpoints not increasing")


def test_tamper_activation_name(open_cert):
    for name in ("relu", "softplus"):
        c = copy.deepcopy(open_cert)
        c["inputs"]["activations"][0] = {"name": name}
        rejected(c, "unknown activation")


def test_tamper_trusted_fact():
    cert = P.decide_pyramid([W_FULL, ROW], "tanh", I2).certificate
    c = copy.deepcopy(cert)
    c["evidence"]["activations"][0]["fact"] = "tanh is increasing, trust me"
    rejected(c, "trusted fact")
    c = copy.deepcopy(cert)
    c["evidence"]["activations"][0] = {"method": "positive_slopes", "slopes": ["1"], "breakpoints": []}
    rejected(c, "trusted fact T1")


def test_tamper_rank_minor(open_cert):
    c = copy.deepcopy(open_cert)
    c["inputs"]["layers"][0]["rows"] = [["1", "2"], ["2", "4"]]     # W1 singular, minor kept
    rejected(c, "singular")
    c = copy.deepcopy(open_cert)
    c["evidence"]["layers"][1] = {"rows": [0], "cols": [5]}
    rejected(c, "out of range")
    c = copy.deepcopy(open_cert)
    c["evidence"]["layers"][0] = {"rows": [0], "cols": [0]}
    rejected(c, "full row rank")


def test_tamper_X_minor(open_cert):
    c = copy.deepcopy(open_cert)
    c["inputs"]["X"]["rows"] = [["1", "1"], ["1", "1"]]
    rejected(c, "X_minor")


def test_tamper_route(open_cert):
    c = copy.deepcopy(open_cert)
    c["result"]["route"] = "linear_hidden_layers"
    rejected(c, "not x -> s x")
    c = copy.deepcopy(open_cert)
    c["result"]["route"] = "every_full_column_rank_X"
    rejected(c, "without X")


def test_tamper_undecided_into_open():
    cert = P.decide_pyramid([W_DEF, ROW], "tanh", I2).certificate
    c = copy.deepcopy(cert)
    c["result"] = {"verdict": "locally_open", "route": "X_full_column_rank"}
    rejected(c)
    c = copy.deepcopy(cert)
    c["evidence"]["failures"] = []
    rejected(c, "failures is empty")
    c = copy.deepcopy(cert)
    c["inputs"]["layers"][0]["rows"] = [["1", "2"], ["3", "4"]]   # now full rank
    rejected(c, "does not annihilate")
    c = copy.deepcopy(cert)
    c["evidence"]["failures"][0]["object"] = "W2"
    rejected(c, "rows, expected")


def test_undecided_by_X_is_refused_when_hidden_layers_are_linear():
    cert = P.decide_pyramid([W1_CE, ROW], ["leaky_relu:1/2", "identity"], X_DEF).certificate
    c = copy.deepcopy(cert)
    c["inputs"]["activations"][0] = {"name": "identity"}
    c["evidence"]["activations"][0] = {"method": "positive_slopes", "breakpoints": [], "slopes": ["1"]}
    rejected(c, "does not block")


# --------------------------------------------------------------------------------------
# sec-4
# --------------------------------------------------------------------------------------

def test_global_certified():
    X = [[1, 0], [0, 1], [1, 1]]
    r = P.certify_global([[[1, 0, 1], [0, 1, 1]], ROW], ["logistic", "leaky_relu:1/5"], X)
    assert r.verdict == "local_min_is_global"
    assert r.certificate["claim_id"] == "sec-4"
    assert "convex loss" in r.certificate["claim"] and "Not used and not claimed: convexity" in r.certificate["claim"]
    assert "sec-4 hypotheses hold" in accepted(r.certificate)


def test_global_undecided_and_tampered():
    r = P.certify_global([W1_CE, ROW], "tanh", X_DEF)
    assert r.verdict == "undecided" and "rank X = 2 < n = 3" in r.reason
    accepted(r.certificate)
    with pytest.raises(InputError, match="needs the input data X"):
        P.certify_global([W_FULL, ROW], "tanh", None)
    good = P.certify_global([W_FULL, ROW], "tanh", I2).certificate
    c = copy.deepcopy(good)
    c["inputs"]["X"] = {"shape": [2, 2], "rows": [["1", "0"], ["2", "0"]]}
    rejected(c, "X_minor")
    c = copy.deepcopy(good)
    c["inputs"]["activations"][1] = {"name": "leaky_relu", "slope": "0"}
    c["evidence"]["activations"][1] = {"method": "positive_slopes", "breakpoints": ["0"], "slopes": ["0", "1"]}
    rejected(c, "not strictly monotone")


# --------------------------------------------------------------------------------------
# lem-6 counterexample (X not of full column rank)
# --------------------------------------------------------------------------------------

def test_counterexample_accepted():
    r = P.lemma6_counterexample()
    assert r.verdict == "not_locally_open"
    assert "NOT locally open" in accepted(r.certificate)
    assert "lem-6 as restated" in r.certificate["claim"]


def test_counterexample_independently():
    """Re-derive the counterexample's two facts with plain rational arithmetic: (a) points
    near W map into the plane z1 + z2 = z3; (b) F(W(t)) = (3, 3, 6 - t) is off the plane."""
    acts = ["leaky_relu:1/2", "identity"]
    rng = random.Random(7)
    W1, W2 = mx.from_rows(W1_CE), mx.from_rows(ROW)
    for _ in range(200):
        # a perturbation of Frobenius norm < 1/2 (each of the 10 entries below 3/20)
        D1 = fmpq_mat(2, 4, [fmpq(rng.randint(-14, 14), 100) for _ in range(8)])
        D2 = fmpq_mat(1, 2, [fmpq(rng.randint(-14, 14), 100) for _ in range(2)])
        z = P.forward([W1 + D1, W2 + D2], acts, X_DEF).entries()
        assert z[0] + z[1] == z[2]
    for t in (fmpq(1, 10), fmpq(1, 1000), fmpq(1, 10 ** 9)):
        Wt = mx.from_rows([[1, -2 * t, 0, 0], [2, 3 + t, 0, 0]])
        z = P.forward([Wt, W2], acts, X_DEF).entries()
        assert z == [3, 3, 6 - t] and z[0] + z[1] != z[2]
    assert P.forward([W1, W2], acts, X_DEF).entries() == [3, 3, 6]


@pytest.mark.parametrize("path,value,words", [
    (("evidence", "radius"), "2", ["radius of breakpoint"]),
    (("evidence", "radius"), "0", ["radius must be > 0"]),
    (("evidence", "family", "t0"), "1", ["crosses breakpoint"]),
    (("evidence", "family", "W1_1"), {"shape": [2, 4], "rows": [["0"] * 4] * 2}, ["identically zero"]),
    (("evidence", "family", "W2_0"), {"shape": [1, 2], "rows": [["2", "1"]]}, ["does not start at F(W)"]),
    (("evidence", "K"), {"shape": [3, 1], "rows": [["0"], ["0"], ["0"]]}, ["nonzero"]),
    (("evidence", "K"), {"shape": [3, 1], "rows": [["1"], ["0"], ["0"]]}, ["diag"]),
    (("inputs", "X"), {"shape": [4, 3], "rows": [["1", "0", "0"], ["0", "1", "0"], ["0", "0", "1"], ["0", "0", "0"]]},
     []),
    (("inputs", "activations", 0), {"name": "tanh"}, ["piecewise linear"]),
])
def test_counterexample_tampered(path, value, words):
    c = copy.deepcopy(P.lemma6_counterexample().certificate)
    tgt = c
    for p in path[:-1]:
        tgt = tgt[p]
    tgt[path[-1]] = value
    rejected(c, *words)


def test_no_counterexample_with_full_column_rank_X():
    fam = (mx.from_rows(W_FULL), mx.zeros(2, 2), mx.from_rows(ROW), mx.zeros(1, 2))
    with pytest.raises(InputError, match="no subspace|full column rank"):
        P.certify_not_open([W_FULL, ROW], ["leaky_relu:1/2", "identity"], I2, fam)


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------

def run_cli(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_json(capsys, tmp_path):
    out_file = tmp_path / "p.json"
    code, out, err = run_cli(capsys, "pyramid", "--layers", "[[1,2],[3,4]]", "[[1,1]]", "--X", "[[1,0],[0,1]]",
                             "--activation", "leaky_relu:1/10", "tanh", "--json", "--out", str(out_file))
    assert code == 0, err
    obj = json.loads(out)
    assert obj["verdict"] == "locally_open"
    accepted(obj["certificate"])
    assert json.loads(out_file.read_text()) == obj["certificate"]
    assert main(["verify", str(out_file)]) == 0


def test_cli_human_and_undecided(capsys):
    code, out, _ = run_cli(capsys, "pyramid", "--layers", "[[1,2],[2,4]]", "[[1,1]]", "--activation", "tanh")
    assert code == 0
    assert out.startswith("undecided by lem-6: rank W1 = 1 < 2")
    assert "checker: accepted" in out


def test_cli_global_and_counterexample(capsys):
    code, out, _ = run_cli(capsys, "pyramid", "--layers", "[[1,2],[3,4]]", "[[1,1]]", "--X", "[[1,0],[0,1]]",
                           "--activation", "logistic", "--global", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "local_min_is_global"
    code, out, _ = run_cli(capsys, "pyramid", "--counterexample", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "not_locally_open"


@pytest.mark.parametrize("argv,words", [
    (["--activation", "relu"], ["relu", "not strictly monotone"]),
    (["--activation", "leaky_relu:0"], ["not strictly monotone"]),
    (["--activation", "pwl:breakpoints=0;slopes=1,0"], ["not strictly monotone"]),
    (["--activation", "exp"], ["unknown activation"]),
    (["--activation", "pwl:slopes=1;point=__import__"], ["not a number"]),
    (["--activation", "tanh", "tanh", "tanh"], ["3 activations for 2 layers"]),
    (["--activation", "tanh", "--X", "[[1,2,3]]"], ["shape mismatch"]),
    ([], ["--activation is required"]),
])
def test_cli_input_errors_exit_2(capsys, argv, words):
    code, out, err = run_cli(capsys, "pyramid", "--layers", "[[1,2],[3,4]]", "[[1,1]]", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    for w in words:
        assert w in err


def test_cli_layer_shape_mismatch_exit_2(capsys):
    code, _, err = run_cli(capsys, "pyramid", "--layers", "[[1,2],[3,4]]", "[[1,1,1]]", "--activation", "tanh")
    assert code == 2 and "shape mismatch" in err and err.count("\n") == 1


def test_cli_subprocess_relu():
    p = subprocess.run([sys.executable, "-m", "exactopen", "pyramid", "--layers", "[[1]]", "--activation", "relu"],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and "not strictly monotone" in p.stderr
