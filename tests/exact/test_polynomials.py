"""The polynomial grammar (exactopen.exact.polynomials): parsing, printing, round trips, errors."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from exactopen.errors import InputError
from exactopen.exact.polynomials import (
    make_ring,
    names_in,
    parse_polynomial,
    poly_to_str,
    tokenize,
)

R = make_ring(["a", "b", "x_1"])
a, b, x1 = R.gens


def P(s):
    return parse_polynomial(s, R)


@pytest.mark.parametrize("text, expected", [
    ("a", a),
    ("2*a*b - 1/3", 2 * a * b - R(1) / 3),
    ("(a+1)^2", a ** 2 + 2 * a + 1),
    ("(a+1)**2", a ** 2 + 2 * a + 1),
    ("-a^2", -(a ** 2)),
    ("-(a)^2", -(a ** 2)),
    ("(-a)^2", a ** 2),
    ("7", R(7)),
    ("0", R(0)),
    ("0.25*a", a / 4),
    ("1e2 - .5", R(100) - R(1) / 2),
    ("2.5E-1", R(1) / 4),
    ("3/2*a^2", R(3) / 2 * a ** 2),
    ("a/2/3", a / 6),
    ("a - b - x_1", a - b - x1),
    ("+a", a),
    ("--a", a),
    ("a*(b+1)*(b-1)", a * b ** 2 - a),
    ("(a+b)^0", R(1)),
    ("  a  *  b  ", a * b),
    ("(a + b)/(1/2)", 2 * a + 2 * b),
])
def test_parse(text, expected):
    assert P(text) == expected


@pytest.mark.parametrize("text, fragment", [
    ("a/b", "division by a non-constant"),
    ("a/(b-b+0)", "division by zero"),
    ("a/0", "division by zero"),
    ("a b", "missing operator"),
    ("2a", "missing operator"),
    ("a(b)", "missing operator"),
    ("c", "unknown parameter 'c'"),
    ("a^-1", "non-negative integer"),
    ("a^b", "non-negative integer"),
    ("a^1.5", "non-negative integer"),
    ("a^2^3", "chained"),
    ("a^100000", "larger than"),
    ("(a", "missing ')'"),
    ("a)", "unexpected ')'"),
    ("a +", "unexpected end"),
    ("", "empty polynomial"),
    ("   ", "empty polynomial"),
    ("a $ b", "unexpected character '$'"),
    ("sin(a)", "unknown parameter 'sin'"),
    ("a = b", "unexpected character '='"),
    ("*a", "unexpected '*'"),
    ("1e99999", "exponent too large"),
    ("a²", "unexpected character"),
])
def test_errors_are_one_line_input_errors(text, fragment):
    with pytest.raises(InputError) as exc:
        P(text)
    msg = str(exc.value)
    assert fragment in msg and "\n" not in msg


def test_non_string_values():
    assert parse_polynomial(3, R) == R(3)
    assert parse_polynomial(Fraction(1, 3), R) == R(1) / 3
    for bad in (True, 0.5, None, [1]):
        with pytest.raises(InputError):
            parse_polynomial(bad, R)


def test_names_and_tokens():
    assert names_in("2*beta - alpha^2 + beta*gamma_2") == ["beta", "alpha", "gamma_2"]
    assert names_in("1e3 + 2.5") == []  # the exponent of a decimal is not a name
    kinds = [k for k, _, _ in tokenize("a**2 + 1")]
    assert kinds == ["name", "op", "num", "op", "num", "end"]


def _random_poly(rnd):
    p = R(0)
    for _ in range(rnd.randint(0, 6)):
        c = Fraction(rnd.randint(-20, 20), rnd.randint(1, 9))
        p += R(c.numerator) / c.denominator * a ** rnd.randint(0, 3) * b ** rnd.randint(0, 2) * x1 ** rnd.randint(0, 2)
    return p


def test_round_trip_random():
    rnd = random.Random(7)
    for _ in range(300):
        p = _random_poly(rnd)
        text = poly_to_str(p)
        assert P(text) == p, text
        assert poly_to_str(P(text)) == text  # canonical


def test_printing_is_canonical():
    assert poly_to_str(P("(a+1)^2")) == "a^2 + 2*a + 1"
    assert poly_to_str(P("2*a*b - 1/3")) == "2*a*b - 1/3"
    assert poly_to_str(P("-a/3")) == "-1/3*a"
    assert poly_to_str(R(0)) == "0"
    assert poly_to_str(P("-1")) == "-1"


def test_kernel_parser_agrees_with_the_generator():
    """The checker has its own parser (it may not import this module): same values on the
    canonical texts, compared through evaluation at a rational point."""
    from flint import fmpq, fmpq_mpoly_ctx

    from exactopen.kernel.polynomials import Parser as _Poly

    ctx = fmpq_mpoly_ctx.get(("a", "b", "x_1"), "lex")
    K = _Poly(ctx, {"a", "b", "x_1"})
    rnd = random.Random(3)
    pt = [fmpq(2, 3), fmpq(-5, 7), fmpq(3)]
    for _ in range(100):
        p = _random_poly(rnd)
        mine = K(poly_to_str(p), "t")
        val = p(*[Fraction(int(v.p), int(v.q)) for v in pt])
        got = mine(*pt)
        assert Fraction(int(got.p), int(got.q)) == Fraction(int(val.numerator), int(val.denominator))
    from exactopen.kernel import Rejected

    for bad in ("a/b", "1.5", "c", "a^", "(a", "a $"):
        with pytest.raises(Rejected):
            K(bad, "t")
