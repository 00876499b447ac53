"""Exact input: exactopen.exact.numbers (one number) and exactopen.inputs (matrices from JSON,
inline literals, .npy/.npz).  Everything must be exact, and every bad input an InputError."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen.errors import InputError
from exactopen.exact.numbers import from_float, parse_rational, rational_str
from exactopen.inputs import load_matrix, load_named, loads_json, parse_matrix
from exactopen.kernel.primitives import rational as kernel_rational


def F(x) -> Fraction:
    x = fmpq(x)
    return Fraction(int(x.p), int(x.q))


# ---------------------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    (0, Fraction(0)), (-7, Fraction(-7)), ("12", Fraction(12)), ("-12", Fraction(-12)), ("+3", Fraction(3)),
    ("1/3", Fraction(1, 3)), ("-2/4", Fraction(-1, 2)), ("2/-4", Fraction(-1, 2)), (" 3 / 4 ", Fraction(3, 4)),
    ("0.1", Fraction(1, 10)), ("0.25", Fraction(1, 4)), ("-1.5e-3", Fraction(-3, 2000)), ("1e3", Fraction(1000)),
    ("1E+2", Fraction(100)), (".5", Fraction(1, 2)), ("5.", Fraction(5)), ("-0.0", Fraction(0)),
    ("0.1000000000000000055511151231257827", Fraction("0.1000000000000000055511151231257827")),
    ("  42  ", Fraction(42)), (Fraction(7, 3), Fraction(7, 3)), (fmpq(5, 6), Fraction(5, 6)),
])
def test_parse_rational_exact(text, value):
    assert F(parse_rational(text)) == value


@pytest.mark.parametrize("bad", [
    "", "   ", "1/0", "-3/0", "nan", "NaN", "inf", "-inf", "+Infinity", "infinity", "0x10", "1_000", "1e",
    "e5", ".", "-", "1.2.3", "1/2/3", "1/2.5", "2i", "1+1", "abc", "½", "٣", "1e99999", "1e-99999",
    "1e" + "9" * 5000, True, False, None, 1.5, float("nan"), [1], {"p": 1}, b"1",
])
def test_parse_rational_rejects(bad):
    with pytest.raises(InputError) as info:
        parse_rational(bad, "here")
    msg = str(info.value)
    assert msg.startswith("here") and "\n" not in msg


def test_parse_rational_never_evaluates():
    for text in ("__import__('os').getcwd()", "2**10", "1+2", "lambda: 1", "sympify('x')"):
        with pytest.raises(InputError):
            parse_rational(text)


def test_huge_integers_beyond_the_int_string_limit():
    digits = "7" * 6000
    assert parse_rational(digits) == fmpq(int(digits[:3000]) * 10 ** 3000 + int(digits[3000:]))
    assert parse_rational(f"-{digits}/3") == -fmpq(int("7" * 3000) * 10 ** 3000 + int("7" * 3000), 3)
    assert parse_rational("1" + "0" * 5000 + ".5") == fmpq(2 * 10 ** 5000 + 1, 2)
    # and the checker reads what rational_str writes, at any size
    x = fmpq(10) ** 5000 / 7
    assert kernel_rational(rational_str(x), "x") == x


@settings(max_examples=200, deadline=None)
@given(st.fractions())
def test_rational_str_round_trip(q):
    x = fmpq(q.numerator, q.denominator)
    s = rational_str(x)
    assert parse_rational(s) == x
    assert kernel_rational(s, "x") == x
    if q.denominator == 1:
        assert "/" not in s
    else:
        p, d = s.split("/")
        assert int(d) > 1 and Fraction(int(p), int(d)) == q  # lowest terms (Fraction normalises)
        assert Fraction(s) == q and (int(p), int(d)) == (q.numerator, q.denominator)


@settings(max_examples=200, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=None))
def test_decimal_strings_are_exact(d):
    if abs(d.adjusted()) > 5000:
        return
    for text in (str(d), format(d, "f") if abs(d.adjusted()) < 50 else str(d)):
        assert F(parse_rational(text)) == Fraction(Decimal(text))


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_from_float_is_exact(x):
    assert F(from_float(x)) == Fraction(x)


def test_from_float_examples_and_rejections():
    assert from_float(0.1) == fmpq(3602879701896397, 36028797018963968)
    assert from_float(-0.0) == 0
    for bad in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(InputError):
            from_float(bad)


# ---------------------------------------------------------------------------------------
# JSON and matrices
# ---------------------------------------------------------------------------------------

def test_loads_json_keeps_decimals_exact_and_refuses_constants():
    obj = loads_json('[[0.1, 1e-2, 3]]', "x")
    assert obj == [["0.1", "1e-2", 3]]
    for bad in ("[[NaN]]", "[[Infinity]]", "[[-Infinity]]"):
        with pytest.raises(InputError, match="not a finite number"):
            loads_json(bad, "x")
    with pytest.raises(InputError, match="not valid JSON"):
        loads_json("[[1, 2]", "x")
    with pytest.raises(InputError, match="not valid JSON"):
        loads_json("[" * 100000 + "]" * 100000, "x")


def test_long_json_integer_literal():
    big = "9" * 5000
    A = load_matrix(f"[[{big}, 1]]")
    assert A[0, 0] == fmpq(10) ** 5000 - 1


def test_parse_matrix_forms():
    A = parse_matrix([[1, "1/2"], ["0.25", -3]])
    assert A.tolist() == [[1, fmpq(1, 2)], [fmpq(1, 4), -3]]
    B = parse_matrix({"shape": [2, 2], "rows": [["1", "1/2"], ["1/4", "-3"]]})
    assert A == B
    E = parse_matrix({"shape": [0, 3], "rows": []})
    assert (E.nrows(), E.ncols()) == (0, 3)
    assert parse_matrix([], allow_empty=True).nrows() == 0


@pytest.mark.parametrize("bad,msg", [
    ([[1, 2], [3]], "ragged"),
    ([], "empty"),
    ([[]], "empty"),
    ([[], []], "empty"),
    ([1, 2], "list of rows"),
    ("[[1]]", "list of rows"),
    (None, "list of rows"),
    ([[1, "x"]], "not a number"),
    ([[1, None]], "not a number"),
    ([[1, [2]]], "not a number"),
    ([[True]], "boolean"),
    ([["inf"]], "finite"),
    ([["1/0"]], "zero denominator"),
    ({"shape": [2], "rows": []}, "shape"),
    ({"shape": [1, 2], "rows": [["1"]]}, "shape"),
    ({"shape": [-1, 2], "rows": []}, "shape"),
])
def test_parse_matrix_rejects(bad, msg):
    with pytest.raises(InputError, match=msg):
        parse_matrix(bad, "M")


def test_load_matrix_inline_and_files(tmp_path):
    assert load_matrix("[[1, 0.5]]").tolist() == [[1, fmpq(1, 2)]]
    f = tmp_path / "m.json"
    f.write_text('[[0.1, 2], [3, "4/6"]]')
    assert load_matrix(str(f)).tolist() == [[fmpq(1, 10), 2], [3, fmpq(2, 3)]]
    named = tmp_path / "named.json"
    named.write_text(json.dumps({"W1": [[1], [1]], "W2": [[0, 0]]}))
    assert load_matrix(f"{named}:W1").tolist() == [[1], [1]]
    assert set(load_named(str(named))) == {"W1", "W2"}
    with pytest.raises(InputError, match="several matrices"):
        load_matrix(str(named))
    with pytest.raises(InputError, match="no matrix named"):
        load_matrix(f"{named}:W3")
    single = tmp_path / "single.json"
    single.write_text(json.dumps({"only": [[5]]}))
    assert load_matrix(str(single)).tolist() == [[5]]


def test_load_matrix_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_matrix(str(tmp_path / "missing.json"))
    with pytest.raises(InputError, match="empty specification"):
        load_matrix("   ")
    bad = tmp_path / "bad.json"
    bad.write_text("[[1, 2],")
    with pytest.raises(InputError, match="not valid JSON"):
        load_matrix(str(bad))
    with pytest.raises(InputError, match="inline JSON must be a matrix"):
        load_matrix('{"a": [[1]]}')
    with pytest.raises(InputError):
        load_matrix(str(tmp_path))  # a directory


def test_numpy_inputs(tmp_path):
    f = tmp_path / "f.npy"
    np.save(f, np.array([[0.1, 0.5], [1.0, -2.0]]))
    with pytest.raises(InputError, match="--from-float"):
        load_matrix(str(f))
    A = load_matrix(str(f), numeric=True)
    assert A[0, 0] == fmpq(3602879701896397, 36028797018963968) and A[0, 1] == fmpq(1, 2)
    i = tmp_path / "i.npy"
    np.save(i, np.array([[1, 2], [3, 2 ** 62]], dtype=np.int64))
    assert load_matrix(str(i)).tolist() == [[1, 2], [3, 2 ** 62]]
    u = tmp_path / "u.npy"
    np.save(u, np.array([[2 ** 64 - 1]], dtype=np.uint64))
    assert load_matrix(str(u))[0, 0] == 2 ** 64 - 1
    z = tmp_path / "w.npz"
    np.savez(z, W1=np.array([[1.5], [2.0]]), W2=np.array([[3, 4]]))
    assert load_matrix(f"{z}:W2").tolist() == [[3, 4]]
    assert load_matrix(f"{z}:W1", numeric=True).tolist() == [[fmpq(3, 2)], [2]]
    with pytest.raises(InputError, match="several matrices"):
        load_matrix(str(z))
    with pytest.raises(InputError, match="--from-float"):
        load_matrix(f"{z}:W1")


@pytest.mark.parametrize("arr,msg", [
    (np.array([1.0, 2.0]), "2-D"),
    (np.zeros((0, 3)), "empty"),
    (np.array([[np.nan, 1.0]]), "NaN"),
    (np.array([[np.inf]]), "NaN or infinity"),
    (np.array([[True]]), "dtype"),
    (np.array([[1 + 2j]]), "dtype"),
    (np.array([["1"]]), "dtype"),
])
def test_numpy_rejects(tmp_path, arr, msg):
    f = tmp_path / "a.npy"
    np.save(f, arr)
    with pytest.raises(InputError, match=msg):
        load_matrix(str(f), numeric=True)


def test_numpy_unreadable(tmp_path):
    f = tmp_path / "junk.npy"
    f.write_bytes(b"not numpy")
    with pytest.raises(InputError, match="cannot read"):
        load_matrix(str(f))
    z = tmp_path / "junk.npz"
    z.write_bytes(b"PK\x03\x04junk")
    with pytest.raises(InputError, match="cannot read"):
        load_matrix(str(z))
    o = tmp_path / "obj.npz"
    np.savez(o, a=np.array([[1, None]], dtype=object))
    with pytest.raises(InputError, match="cannot read"):
        load_matrix(f"{o}:a")
