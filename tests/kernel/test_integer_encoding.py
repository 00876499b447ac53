"""The binary matrix encoding over a common denominator (issue 21)
{"shape", "integer": {"denominator", "width", "numerators"}}: exact round trips on dense
rational matrices (hypothesis), one canonical encoding per matrix (everything else Malformed,
in one line), work charged before decoding, and tampered landscape_point certificates of the
generic-X family (dense rotations, gauges, non-whitened X) written in it rejected."""

from __future__ import annotations

import base64
import copy
import json
import random
import time

import pytest
from flint import fmpq, fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import cli, kernel
from exactopen.certificate import COMPACT_ENTRIES, dumps, integer_json, matrix_json
from exactopen.exact import matrix as mx
from exactopen.kernel import Malformed, Rejected
from exactopen.kernel.primitives import matrix, parse
from exactopen.landscape.examples import generic_point, random_invertible, rational_orthogonal
from tests.helpers import validate_schema


def read(obj) -> fmpq_mat:
    """The checker's reading of a matrix object (through strict JSON, like a file)."""
    return matrix(parse(json.dumps(obj)), "M").M


def enc(nums, k) -> str:
    return base64.b64encode(b"".join(x.to_bytes(k, "little", signed=True) for x in nums)).decode("ascii")


def iz(m, n, den, k, text):
    return {"shape": [m, n], "integer": {"denominator": den, "width": k, "numerators": text}}


# -- round trips -------------------------------------------------------------------------

CASES = [
    fmpq_mat(2, 2, [fmpq(1, 3), fmpq(-5, 6), 0, 2]),
    fmpq_mat(3, 3),                                # zero matrix: D = 1, width 1
    fmpq_mat(0, 4), fmpq_mat(3, 0),                # empty shapes
    fmpq_mat(1, 1, [-128]), fmpq_mat(1, 1, [127]), fmpq_mat(1, 1, [128]),  # width edges
    fmpq_mat(1, 2, [fmpq(-129, 3 ** 50), fmpq(1, 7)]),
    fmpq_mat(1, 2, [fmpq(1, 2 ** 70), 3]),         # dyadic entries are fine too
]


def test_round_trip_cases():
    for A in CASES:
        obj = integer_json(A)
        assert read(obj) == A and mx.from_json(obj) == A


def _dense(rng: random.Random, m: int, n: int) -> fmpq_mat:
    """A dense rational matrix as the generic family makes them: rotation times gauge times
    small-integer data (denominators shared, numerators of different sizes)."""
    Q = rational_orthogonal(m, rng)
    G = random_invertible(m, rng)
    D = fmpq_mat(m, n, [fmpq(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(m * n)])
    return Q * G * D


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 7), st.integers(0, 10 ** 6))
def test_round_trip_generic_data(m, n, seed):
    rng = random.Random(seed)
    A = _dense(rng, m, n)
    obj = integer_json(A)
    assert read(obj) == A and mx.from_json(obj) == A
    assert integer_json(read(obj)) == obj  # canonical: the reading encodes back to the same text


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["non_strict_saddle", "strict_saddle", "global_minimum"]), st.integers(0, 10 ** 6))
def test_round_trip_generic_points(kind, seed):
    """Every matrix of a generic point (dense Cayley rotations on both sides, random gauges in
    every hidden layer, non-whitened X with n = 2 d_0 samples) round-trips exactly."""
    net = generic_point((4, 4, 2, 4, 4), kind, random.Random(seed), 8)
    for A in [*net.layers, net.X, net.Y]:
        obj = integer_json(A)
        assert read(obj) == A and mx.from_json(obj) == A and integer_json(read(obj)) == obj


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-2 ** 200, 2 ** 200), st.integers(1, 2 ** 100)), min_size=1, max_size=12))
def test_round_trip_any_entries(pairs):
    A = fmpq_mat(1, len(pairs), [fmpq(p, q) for p, q in pairs])
    obj = integer_json(A)
    assert read(obj) == A and mx.from_json(obj) == A
    assert int(obj["integer"]["denominator"]) == max(1, int(A.numer_denom()[1]))


def test_compact_only_when_large_and_shorter():
    rng = random.Random(5)
    small = _dense(rng, 4, 4)
    assert "rows" in matrix_json(small, compact=True)              # small matrices stay readable
    big = _dense(rng, 32, 32)
    assert big.nrows() * big.ncols() >= COMPACT_ENTRIES
    assert "integer" in matrix_json(big, compact=True)
    assert "rows" in matrix_json(big)                               # the default stays rows
    sparse = fmpq_mat(32, 32)
    sparse[0, 0] = fmpq(1, 3 ** 400)
    sparse[5, 7] = 3 ** 400
    assert "rows" in matrix_json(sparse, compact=True)              # fixed width would waste bytes
    grid = fmpq_mat(32, 32, [fmpq(rng.randint(-99, 99), 64) for _ in range(1024)])
    assert "dyadic" in matrix_json(grid, compact=True)              # dyadic entries: the dyadic form


# -- one canonical encoding; the rest Malformed in one line ------------------------------

@pytest.mark.parametrize("obj, words", [
    (iz(1, 2, "0", 1, enc([1, 2], 1)), "positive integer"),                  # zero denominator
    (iz(1, 2, "-3", 1, enc([1, 2], 1)), "positive integer"),                 # negative
    (iz(1, 2, "-0", 1, enc([1, 2], 1)), "positive integer"),                 # negative zero
    (iz(1, 2, "03", 1, enc([1, 2], 1)), "positive integer"),                 # leading zero
    (iz(1, 2, "+3", 1, enc([1, 2], 1)), "positive integer"),
    (iz(1, 2, "3 ", 1, enc([1, 2], 1)), "positive integer"),
    (iz(1, 2, "1e3", 1, enc([1, 2], 1)), "positive integer"),
    (iz(1, 2, "", 1, enc([1, 2], 1)), "positive integer"),
    (iz(1, 2, "6", 1, enc([2, 4], 1)), "not the least"),                     # 2/6, 4/6: D = 3 is least
    (iz(2, 2, "5", 1, enc([0] * 4, 1)), "denominator 1"),                    # zero matrix over 5
    (iz(1, 2, "3", 1, enc([1, 2], 1) + "="), "characters"),                  # wrong length
    (iz(1, 2, "3", 1, enc([1, 2, 4], 1)), "canonical base64 of 2 bytes"),    # one numerator too many
    (iz(2, 2, "3", 1, enc([1, 2, 4], 1)), "characters"),                     # one too few
    (iz(1, 3, "3", 1, "AQI*"), "not base64"),
    (iz(1, 2, "3", 1, "AQJ="), "canonical base64"),                          # nonzero padding bits
    (iz(1, 2, "3", 2, enc([1, 2], 2)), "smallest"),                          # width larger than needed
    (iz(1, 1, "3", 2, enc([-128], 2)), "smallest"),
    (iz(1, 1, "3", 0, ""), "width"),
    (iz(1, 1, "3", 10 ** 6, enc([1], 1)), "width"),
    (iz(1, 1, "7" * 20_001, 1, enc([1], 1)), "rational_digits"),              # a huge denominator
])
def test_malformed_encodings(obj, words):
    with pytest.raises(Malformed) as exc:
        read(obj)
    msg = str(exc.value)
    assert words in msg and "\n" not in msg


def _rank_cert(obj) -> dict:
    return {"format": "exactopen-certificate", "version": 2, "kind": "numerical_rank", "claim": "",
            "claim_id": None, "generator": {"name": "exactopen", "version": "0"},
            "inputs": {"A": obj}, "result": {"rank": 1, "approximations": [], "singular_value_bounds": []},
            "evidence": {"rank": {}, "approximations": [], "singular_value_bounds": []}}


@pytest.mark.parametrize("change", [
    lambda o: o.update(rows=[["1", "2"]]),                                # two forms
    lambda o: o.update(dyadic={"exponent": 0, "width": 1, "numerators": enc([1, 2], 1)}),
    lambda o: o["integer"].update(extra=1),                               # an unknown field
    lambda o: o["integer"].update(lower=True),                            # dyadic's option is not this form's
    lambda o: o["integer"].update(width="1"),                             # wrong types
    lambda o: o["integer"].update(denominator=3),
    lambda o: o["integer"].update(width=True),
    lambda o: o["integer"].pop("denominator"),
    lambda o: o.update(integer=[1]),
    lambda o: o.update(shape=[2, 1]),                                     # wrong lengths
    lambda o: o.update(shape=[1, 3]),
])
def test_bad_fields(change):
    obj = integer_json(fmpq_mat(1, 2, [fmpq(1, 3), 2]))
    change(obj)
    with pytest.raises(Rejected) as exc:
        kernel.check(_rank_cert(obj))
    assert "\n" not in str(exc.value)


def test_work_charged_before_decoding():
    """A 2048 x 2048 matrix of 7,500-byte numerators (beyond the work budget once decoded) is
    refused before its text is looked at: the text here is 4 characters, not 42 GB."""
    t = time.process_time()
    with pytest.raises(Rejected) as exc:
        kernel.check(_rank_cert(iz(2048, 2048, "3", 7500, "AAAA")))
    assert "budget" in str(exc.value) and "\n" not in str(exc.value)
    assert time.process_time() - t < 5  # not a wall-clock claim: a guard against decoding first


# -- landscape_point certificates of the generic-X family in the new form ----------------

@pytest.fixture(scope="module")
def cert():
    """A non-strict saddle of the generic-X family at widths (32, 32, 16, 32, 32), n = 64."""
    net = generic_point((32, 32, 16, 32, 32), "non_strict_saddle", random.Random(1), 64)
    from exactopen.landscape.classify import classify_critical_point

    c = classify_critical_point(net)
    assert c.verdict == "higher_order_saddle"
    return c.certificate


def test_generic_x_written_compact(cert):
    validate_schema(cert)
    kernel.check(cert)
    assert all("integer" in cert["inputs"][k] for k in ("X", "Y"))
    assert "integer" in cert["evidence"]["hessian_split"]["Z"]
    rows = json.loads(json.dumps(cert))
    for k in ("X", "Y"):  # the same values in rows: the same network
        rows["inputs"][k] = mx.to_json(mx.from_json(cert["inputs"][k]))
    assert len(dumps(cert)) * 2 < len(dumps(rows))


def _flip(obj, byte):
    d = obj["integer"]
    data = bytearray(base64.b64decode(d["numerators"]))
    data[byte] ^= 1
    d["numerators"] = base64.b64encode(bytes(data)).decode("ascii")


@pytest.mark.parametrize("path", [
    ("inputs", "X"), ("inputs", "Y"), ("inputs", "layers", 0), ("inputs", "layers", 3),
    ("evidence", "hessian_split", "Z"),
])
def test_tampered_numerators_rejected(cert, path):
    c = copy.deepcopy(cert)
    obj = c
    for p in path:
        obj = obj[p]
    _flip(obj, 0)  # the low bit of the first entry: the value changes, the form stays canonical
    with pytest.raises(Rejected) as exc:
        kernel.check(c)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("path", [("inputs", "Y"), ("inputs", "X"), ("evidence", "hessian_split", "Z")])
def test_tampered_denominator_rejected(cert, path):
    c = copy.deepcopy(cert)
    obj = c
    for p in path:
        obj = obj[p]
    obj["integer"]["denominator"] = str(int(obj["integer"]["denominator"]) + 2)
    with pytest.raises(Rejected):
        kernel.check(c)


def test_cli_verify_one_line(cert, tmp_path, capsys):
    c = copy.deepcopy(cert)
    c["inputs"]["Y"]["integer"]["denominator"] = "0"
    path = tmp_path / "bad.json"
    path.write_text(dumps(c), encoding="utf-8")
    assert cli.main(["verify", str(path)]) == 2
    out = capsys.readouterr()
    lines = [ln for ln in (out.out + out.err).splitlines() if ln.strip()]
    assert len(lines) == 1 and "denominator" in lines[0]


# -- integer forms over their least common denominator (kernel/work.py: reduced) ----------

@settings(max_examples=80, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.lists(st.integers(-10 ** 30, 10 ** 30), min_size=25, max_size=25),
       st.lists(st.sampled_from([1, 2, 2, 3, 5, 7, 2 ** 64 + 13]), min_size=0, max_size=12),
       st.lists(st.sampled_from([2, 3, 5, 2 ** 61 - 1]), min_size=0, max_size=6))
def test_reduced_is_the_least_common_denominator(m, n, raw, dfactors, common):
    """reduced(N, d) is N / d over the lcm of its entries' reduced denominators, whatever small
    primes the weighted sum shares with d by chance (hypothesis: entries sharing factors)."""
    from math import lcm, prod

    from flint import fmpz

    from exactopen.kernel.work import METER, ZM, reduced

    c = prod(common)
    vals = [x * c for x in raw[:m * n]]
    d = prod(dfactors) * c
    METER.start(10 ** 6, 10 ** 15, 10 ** 12)
    try:
        N2, d2 = reduced(ZM.new(m, n, vals), d)
    finally:
        METER.stop()
    A = fmpq_mat(m, n, [fmpq(x, d) for x in vals])
    assert fmpq_mat(N2.M) / fmpz(d2) == A
    assert int(d2) == lcm(*[int(x.q) for x in A.entries()])
    assert N2.nb >= max((int(x).bit_length() for x in N2.M.entries()), default=0)
