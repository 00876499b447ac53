"""The compact dyadic matrix encoding {"shape", "dyadic": {"exponent", "width", "numerators"}}:
exact round trips, one canonical encoding per matrix (everything else Malformed, in one
line), and tampered validate_network certificates written in it are rejected."""

from __future__ import annotations

import base64
import copy
import json
import random

import numpy as np
import pytest
from flint import fmpq, fmpq_mat

from exactopen import cli, kernel
from exactopen.certificate import dumps, dyadic_json, matrix_json
from exactopen.exact import matrix as mx
from exactopen.kernel import Malformed, Rejected
from exactopen.kernel.primitives import matrix, parse
from exactopen.landscape.network import network_from_arrays
from exactopen.numeric.validate import validate
from tests.helpers import validate_schema


def read(obj) -> fmpq_mat:
    """The checker's reading of a matrix object (through strict JSON, like a file)."""
    return matrix(parse(json.dumps(obj)), "M")


def enc(nums, k) -> str:
    return base64.b64encode(b"".join(x.to_bytes(k, "little", signed=True) for x in nums)).decode("ascii")


def dy(m, n, e, k, text):
    return {"shape": [m, n], "dyadic": {"exponent": e, "width": k, "numerators": text}}


CASES = [
    fmpq_mat(2, 2, [fmpq(1, 4), fmpq(-3, 8), 0, 2]),
    fmpq_mat(2, 3, [2, 4, 0, -6, 128, -256]),      # integers: a positive exponent
    fmpq_mat(3, 3),                                # zero matrix
    fmpq_mat(0, 4), fmpq_mat(3, 0),                # empty shapes
    fmpq_mat(1, 1, [-128]), fmpq_mat(1, 1, [127]), fmpq_mat(1, 1, [128]),  # width edges (1 and 2 bytes)
    fmpq_mat(1, 1, [fmpq(-129, 2 ** 70)]),
    fmpq_mat(1, 2, [fmpq(1, 2 ** 1074), 1]),       # the smallest subnormal next to 1
]


def test_round_trip_exact():
    rng = random.Random(3)
    cases = list(CASES)
    for _ in range(200):
        m, n = rng.randint(0, 4), rng.randint(0, 4)
        cases.append(fmpq_mat(m, n, [fmpq(rng.randint(-2 ** rng.randint(0, 90), 2 ** rng.randint(0, 90)),
                                          2 ** rng.randint(0, 100)) * 2 ** rng.randint(0, 9) for _ in range(m * n)]))
    for A in cases:
        obj = dyadic_json(A)
        assert read(obj) == A and mx.from_json(obj) == A


def test_float64_values_are_exact():
    vals = np.array([[0.1, -2.5e-300, 1e300], [-0.0, 5e-324, 3.0]])
    A = fmpq_mat(2, 3, [fmpq(*x.as_integer_ratio()) for x in vals.ravel().tolist()])
    assert read(dyadic_json(A)) == A
    assert read(dyadic_json(A))[0, 0] == fmpq(3602879701896397, 2 ** 55)


def test_not_dyadic_falls_back_to_rows():
    A = fmpq_mat(1, 2, [fmpq(1, 3), 1])
    assert dyadic_json(A) is None and "rows" in matrix_json(A, dyadic=True)
    assert "rows" in matrix_json(fmpq_mat(1, 1, [1]))  # the default stays rows


def test_canonical_form():
    assert dyadic_json(fmpq_mat(3, 3))["dyadic"] == {"exponent": 0, "width": 1, "numerators": enc([0] * 9, 1)}
    assert dyadic_json(fmpq_mat(1, 2, [12, -4]))["dyadic"] == {"exponent": 2, "width": 1,
                                                              "numerators": enc([3, -1], 1)}
    assert dyadic_json(fmpq_mat(1, 1, [128]))["dyadic"]["exponent"] == 7  # 2^7 * 1


@pytest.mark.parametrize("obj, words", [
    (dy(1, 2, 0, 1, enc([1, 2], 1) + "="), "characters"),                 # wrong length
    (dy(1, 2, 0, 1, enc([1, 2, 3], 1)), "canonical base64 of 2 bytes"),   # one numerator too many
    (dy(1, 3, 0, 1, "AQI*"), "not base64"),                               # bad alphabet
    (dy(1, 3, 0, 1, "AQ I"), "not base64"),                               # whitespace
    (dy(1, 3, 0, 1, "AQ-_"), "not base64"),                               # urlsafe alphabet
    (dy(1, 2, 0, 1, "AQJ="), "canonical base64"),                         # nonzero padding bits ("AQI=")
    (dy(1, 2, 0, 2, enc([1, 3], 2)), "smallest"),                         # width larger than needed
    (dy(1, 1, 0, 2, enc([-128], 2)), "smallest"),
    (dy(1, 2, -1, 1, enc([2, 4], 1)), "odd"),                             # every numerator even
    (dy(2, 2, 3, 1, enc([0] * 4, 1)), "exponent 0"),                      # zero matrix, exponent 3
    (dy(1, 1, 0, 0, ""), "width"),
    (dy(1, 1, 10 ** 9, 1, enc([1], 1)), "exponent"),                      # beyond the budget
    (dy(1, 1, 0, 10 ** 6, enc([1], 1)), "width"),
])
def test_malformed_encodings(obj, words):
    with pytest.raises(Malformed) as exc:
        read(obj)
    msg = str(exc.value)
    assert words in msg and "\n" not in msg


@pytest.mark.parametrize("change", [
    lambda o: o.update(rows=[["1", "2"]]),                                # both forms
    lambda o: o["dyadic"].update(extra=1),                                # an unknown field
    lambda o: o["dyadic"].update(width="1"),                              # wrong types
    lambda o: o["dyadic"].update(exponent=True),
    lambda o: o["dyadic"].pop("numerators"),
    lambda o: o.update(dyadic=[1]),
])
def test_bad_fields(change):
    obj = dyadic_json(fmpq_mat(1, 2, [1, 2]))
    change(obj)
    cert = {"format": "exactopen-certificate", "version": 2, "kind": "numerical_rank", "claim": "",
            "claim_id": None, "generator": {"name": "exactopen", "version": "0"},
            "inputs": {"A": obj}, "result": {"rank": 1, "approximations": [], "singular_value_bounds": []},
            "evidence": {"rank": {}, "approximations": [], "singular_value_bounds": []}}
    with pytest.raises(Rejected):
        kernel.check(cert)


# -- a validate_network certificate written in the dyadic form ---------------------------

@pytest.fixture(scope="module")
def cert():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((6, 12))
    Y = rng.standard_normal((6, 12))
    Ws = [rng.standard_normal((6, 6)), rng.standard_normal((6, 6))]
    c = validate(network_from_arrays(Ws, Y, X)).certificate
    kernel.check(c)
    assert c["evidence"]["global"]["psd"]["method"] == "factor"  # so its L is attacked below
    return c


def _flip(obj, byte=0):
    d = obj["dyadic"]
    data = bytearray(base64.b64decode(d["numerators"]))
    data[byte] ^= 1
    d["numerators"] = base64.b64encode(bytes(data)).decode("ascii")


def test_validate_writes_dyadic(cert):
    validate_schema(cert)
    assert "dyadic" in cert["inputs"]["X"] and all("dyadic" in W for W in cert["inputs"]["layers"])
    assert all("dyadic" in W for W in cert["evidence"]["descent"]["layers"])
    assert "dyadic" in cert["evidence"]["global"]["F"]


@pytest.mark.parametrize("path", [
    ("inputs", "X"), ("inputs", "Y"), ("inputs", "layers", 0), ("inputs", "layers", 1),
    ("evidence", "descent", "layers", 0), ("evidence", "global", "F"), ("evidence", "global", "point", 0),
    ("evidence", "global", "psd", "L"),
])
def test_tampered_numerators_rejected(cert, path):
    c = copy.deepcopy(cert)
    obj = c
    for p in path:
        obj = obj[p]
    _flip(obj, obj["dyadic"]["width"] - 1)  # the top byte of the first entry
    try:
        kernel.check(c)
    except Rejected as exc:
        assert "\n" not in str(exc)
    else:  # the flipped bit made the width non-canonical or changed a value the claim depends on
        pytest.fail(f"a tampered {'.'.join(map(str, path))} was accepted")


def test_tampered_exponent_rejected(cert):
    for path in (("inputs", "X"), ("evidence", "descent", "layers", 1)):
        c = copy.deepcopy(cert)
        obj = c
        for p in path:
            obj = obj[p]
        obj["dyadic"]["exponent"] -= 1
        with pytest.raises(Rejected):
            kernel.check(c)


def test_cli_verify_one_line(cert, tmp_path, capsys):
    c = copy.deepcopy(cert)
    c["inputs"]["X"]["dyadic"]["numerators"] = c["inputs"]["X"]["dyadic"]["numerators"][:-4] + "!!!!"
    path = tmp_path / "bad.json"
    path.write_text(dumps(c), encoding="utf-8")
    assert cli.main(["verify", str(path)]) == 2
    out = capsys.readouterr()
    lines = [ln for ln in (out.out + out.err).splitlines() if ln.strip()]
    assert len(lines) == 1 and "base64" in lines[0]


# -- the trivial lower bound L >= 0 (evidence.global.method "nonnegative") ---------------

@pytest.fixture(scope="module")
def realizable():
    """Y = T X exactly in floats' reach: min L is about 0, the generator uses L >= 0."""
    rng = np.random.default_rng(7)
    X = rng.standard_normal((5, 10))
    Ws = [rng.standard_normal((5, 5)) for _ in range(3)]
    T = [W + 0.1 * rng.standard_normal(W.shape) for W in Ws]
    Y = T[2] @ T[1] @ T[0] @ X
    c = validate(network_from_arrays(Ws, Y, X)).certificate
    kernel.check(c)
    return c


def test_nonnegative_bound(realizable):
    validate_schema(realizable)
    ev, gl = realizable["evidence"]["global"], realizable["result"]["global"]
    assert ev["method"] == "nonnegative" and set(ev) == {"method", "point"}
    assert gl["lower_bound"] == "0" and gl["gap"] == realizable["result"]["loss"]
    assert "min L >= 0," in kernel.check(realizable)


@pytest.mark.parametrize("change", [
    lambda c: c["result"]["global"].update(lower_bound="1/1000000000000", gap=c["result"]["loss"]),  # LB > 0 claimed
    lambda c: c["result"]["global"].update(gap="0"),
    lambda c: c["evidence"]["global"].update(mu="0"),                  # a field the method does not read
    lambda c: c["evidence"]["global"].update(method="nonnegative_"),
])
def test_nonnegative_tampered(realizable, change):
    c = copy.deepcopy(realizable)
    change(c)
    with pytest.raises(Rejected):
        kernel.check(c)
