"""Univariate polynomial maps (ex-2): openness certificates, minima, tampering, and a
cross-check of the verdicts against an independent numerical oracle (mpmath)."""

from __future__ import annotations

import copy

import mpmath
import pytest
from flint import fmpq, fmpq_poly
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.errors import InputError
from exactopen.kernel import pyramid as KP
from exactopen.pyramid import scalar as S
from tests.helpers import validate_schema
from tests.pyramid.test_networks import validate_proposed

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def accepted(cert: dict) -> str:
    validate_schema(cert)
    validate_proposed(cert)
    return kernel.check(cert)


def rejected(cert: dict, *words: str) -> str:
    with pytest.raises(kernel.Rejected) as exc:
        kernel.check(cert)
    for w in words:
        assert w in str(exc.value), str(exc.value)
    return str(exc.value)


# --------------------------------------------------------------------------------------
# Example 2
# --------------------------------------------------------------------------------------

def test_example_2_all_accepted():
    certs = S.example_2()
    assert len(certs) == 5
    for c in certs.values():
        accepted(c)
        assert c["claim_id"] == "ex-2"


def test_w_squared_at_zero_delta_is_eps_squared():
    c = S.certify_openness([0, 0, 1], 0).certificate
    assert c["result"]["verdict"] == "locally_open"
    assert c["result"]["relative_to"] == "range"
    assert [(d["c"], d["k"], d["r"]) for d in c["result"]["delta"]] == [("1", 2, None), ("1", 2, None)]
    assert "delta(eps) = eps^2" in c["claim"] and "[0, inf)" in c["claim"]
    assert "relative to its range" in accepted(c)


def test_w_squared_away_from_zero_is_open_in_R():
    for w0 in (1, -1, "1/3", -7):
        c = S.certify_openness([0, 0, 1], w0).certificate
        assert (c["result"]["verdict"], c["result"]["relative_to"]) == ("locally_open", "R")
        accepted(c)


def test_minima_of_example_2():
    c = S.example_2()["(w^2-1)^2 minima"]
    assert c["result"] == {"value": "0", "minimisers": ["-1", "1"]}
    aux = S.example_2()["(z-1)^2 on z>=0"]
    assert aux["inputs"]["lower"] == "0" and aux["result"]["minimisers"] == ["1"]
    assert aux["result"]["preimages"] == ["-1", "1"]
    assert aux["result"]["composition"] == ["1", "0", "-2", "0", "1"]     # (w^2 - 1)^2
    assert "and L(F(w)) = w^4 - 2*w^2 + 1" in accepted(aux)


def test_minimum_on_half_line_at_the_boundary():
    c = S.certify_minimum([1, 2, 1], [0], lower=0).certificate          # (z + 1)^2 on z >= 0
    assert c["result"]["value"] == "1"
    accepted(c)
    with pytest.raises(InputError, match="not global minimisers"):
        S.certify_minimum([1, 2, 1], [0])                               # not on R
    with pytest.raises(InputError, match="outside the domain"):
        S.certify_minimum([1, 2, 1], [-1], lower=0)
    with pytest.raises(InputError, match="differs"):
        S.certify_minimum([1, 0, -2, 0, 1], [1, 0])
    with pytest.raises(InputError, match="coefficients"):
        S.certify_minimum("w^2", [0])


# --------------------------------------------------------------------------------------
# other polynomials and points
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("F,w0,verdict,relative", [
    ([0, 0, 0, 1], 0, "locally_open", "R"),               # w^3: critical but open
    ([0, 0, 0, 0, 1], 0, "locally_open", "range"),        # w^4
    ([0, 0, 0, 0, -1], 0, "locally_open", "range"),       # -w^4 (global max)
    ([1, 0, -2, 0, 1], 1, "locally_open", "range"),       # (w^2-1)^2 at its global min
    ([1, 0, -2, 0, 1], 0, "not_locally_open", "range"),   # its local max
    ([0, -3, 0, 1], 1, "not_locally_open", "range"),      # w^3 - 3w at its local min
    ([0, -3, 0, 1], 2, "locally_open", "R"),
    ([5], 3, "locally_open", "range"),                    # constant
    ([2, 0, -1, 0, 0, 0, 1], 0, "not_locally_open", "range"),
])
def test_verdicts(F, w0, verdict, relative):
    c = S.certify_openness(F, w0).certificate
    assert (c["result"]["verdict"], c["result"]["relative_to"]) == (verdict, relative)
    accepted(c)


def _oracle(coeffs, w0) -> str:
    """Independent verdict (mpmath, 60 digits): order k of F - F(w0) at w0 by derivatives;
    k odd -> open; k even -> open iff F(w0) is the global min (k-th derivative > 0) or max,
    judged by the values of F at the real critical points (SymPy's exact real roots of F',
    evaluated to 70 digits) and the leading term."""
    mpmath.mp.dps = 60
    cs = [mpmath.mpf(int(c.p)) / int(c.q) for c in coeffs]
    poly = lambda x: mpmath.polyval(list(reversed(cs)), x)  # noqa: E731
    if all(c == 0 for c in cs[1:]):
        return "locally_open"
    x0 = mpmath.mpf(int(w0.p)) / int(w0.q)
    derivs = [mpmath.diff(poly, x0, j) for j in range(1, len(cs))]
    k = next(j + 1 for j, d in enumerate(derivs) if abs(d) > mpmath.mpf(10) ** -40)
    if k % 2:
        return "locally_open"
    s = 1 if derivs[k - 1] > 0 else -1
    deg = len(cs) - 1
    while cs[deg] == 0:
        deg -= 1
    if deg % 2 or cs[deg] * s < 0:
        return "not_locally_open"              # s F unbounded below
    import sympy

    x = sympy.Symbol("x")
    dpoly = sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(coeffs)], x).diff(x)
    crit = [mpmath.mpf(str(r.evalf(70))) for r in set(dpoly.real_roots())]
    f0 = poly(x0)
    worst = min((s * (poly(r) - f0) for r in crit), default=mpmath.mpf(0))
    return "not_locally_open" if worst < -mpmath.mpf(10) ** -30 else "locally_open"


small = st.integers(-4, 4)


@st.composite
def poly_points(draw):
    w0 = fmpq(draw(st.integers(-3, 3)), draw(st.integers(1, 3)))
    if draw(st.booleans()):
        cs = draw(st.lists(small, min_size=1, max_size=6))
        F = fmpq_poly(cs)
    else:  # a critical point of order k at w0
        k = draw(st.integers(2, 4))
        rest = fmpq_poly(draw(st.lists(small, min_size=0, max_size=3)))
        F = fmpq_poly([draw(small)]) + fmpq_poly([-w0, 1]) ** k * (rest if rest.degree() >= 0 else fmpq_poly([1]))
    return F, w0


@SETTINGS
@given(poly_points())
def test_random_polynomials_agree_with_oracle(pw):
    F, w0 = pw
    c = S.certify_openness(F, w0).certificate
    accepted(c)
    coeffs = F.coeffs() or [fmpq(0)]
    assert c["result"]["verdict"] == _oracle(coeffs, w0)


@SETTINGS
@given(st.lists(small, min_size=1, max_size=7), st.integers(-6, 6))
def test_sturm_counts_match_sympy(cs, lo):
    import sympy

    p = fmpq_poly(cs)
    if p.degree() < 1:
        return
    x = sympy.Symbol("x")
    sp = sympy.Poly(list(reversed(cs)), x)
    assert KP.sturm_roots_above(p, None) == len(set(sympy.real_roots(sp)))
    if p(lo) != 0:
        assert KP.sturm_roots_above(p, fmpq(lo)) == sum(1 for r in set(sympy.real_roots(sp)) if r > lo)


@SETTINGS
@given(st.lists(small, min_size=1, max_size=6), st.integers(1, 4))
def test_bernstein_bound_is_sound(cs, rq):
    """All Bernstein coefficients >= 0 on [0, r] implies g >= 0 at sample points of [0, r]."""
    g = fmpq_poly(cs)
    r = fmpq(1, rq)
    if all(b >= 0 for b in KP.bernstein_coefficients(g, r)):
        assert all(g(r * fmpq(i, 50)) >= 0 for i in range(51))
    if g.degree() >= 0:   # the end coefficients are the end values
        b = KP.bernstein_coefficients(g, r)
        assert (b[0], b[-1]) == (g(fmpq(0)), g(r))


# --------------------------------------------------------------------------------------
# tampering
# --------------------------------------------------------------------------------------

def test_tamper_delta_and_bounds():
    c0 = S.certify_openness([0, 0, 1], 0).certificate
    c = copy.deepcopy(c0)
    c["result"]["delta"][0]["c"] = "2"                    # claim delta = 2 eps^2
    rejected(c, "result.delta")
    c = copy.deepcopy(c0)
    c["evidence"]["right"]["c"] = "2"
    c["result"]["delta"][0]["c"] = "2"
    rejected(c, "coefficient is negative")
    c = copy.deepcopy(c0)
    c["evidence"]["right"]["k"] = 1
    c["result"]["delta"][0]["k"] = 1                      # delta = eps: false for w^2
    rejected(c, "negative")
    c = copy.deepcopy(c0)
    c["evidence"]["left"]["sign"] = -1                     # claims a full neighbourhood
    c["result"]["relative_to"] = "R"
    rejected(c, "negative")


def test_tamper_bernstein_radius():
    c0 = S.certify_openness([1, 0, -2, 0, 1], 1).certificate
    assert c0["evidence"]["left"]["r"] == "1/2"
    c = copy.deepcopy(c0)
    c["evidence"]["left"]["r"] = "3"
    c["result"]["delta"][1]["r"] = "3"
    rejected(c, "Bernstein coefficient on [0, 3] is negative")
    c = copy.deepcopy(c0)
    c["evidence"]["left"]["r"] = None
    c["result"]["delta"][1]["r"] = None
    rejected(c, "coefficient is negative")


def test_tamper_global_and_escape():
    c0 = S.certify_openness([0, 0, 1], 0).certificate
    c = copy.deepcopy(c0)
    c["evidence"]["global"]["factors"][0]["exp"] = 4
    rejected(c, "is not the polynomial")
    c = copy.deepcopy(c0)
    c["evidence"]["global"]["factors"][0]["exp"] = 1
    rejected(c, "real root")
    c = copy.deepcopy(c0)
    c["evidence"]["global"] = {"lc": "1", "factors": [{"poly": ["0", "1"], "exp": 1}, {"poly": ["0", "1"], "exp": 1}]}
    rejected(c, "real root")
    c = copy.deepcopy(c0)
    c["inputs"]["w0"] = "1"
    rejected(c, "F_w0")
    c = copy.deepcopy(c0)
    c["result"]["verdict"] = "not_locally_open"
    c["evidence"]["escape"] = "2"
    rejected(c, "is not < 0")
    n0 = S.certify_openness([1, 0, -2, 0, 1], 0).certificate
    c = copy.deepcopy(n0)
    c["result"]["verdict"] = "locally_open"
    rejected(c, "global")
    c = copy.deepcopy(n0)
    c["evidence"]["escape"] = "1/2"
    rejected(c, "is not < 0")


def test_tamper_minimum():
    c0 = S.example_2()["(z-1)^2 on z>=0"]
    c = copy.deepcopy(c0)
    c["result"]["value"] = "-1"
    rejected(c)
    c = copy.deepcopy(c0)
    c["result"]["minimisers"] = ["2"]
    rejected(c, "!= 0")
    c = copy.deepcopy(c0)
    c["result"]["preimages"] = ["2"]
    rejected(c, "not a listed minimiser")
    c = copy.deepcopy(c0)
    c["result"]["composition"] = ["1", "0", "-2", "0", "2"]
    rejected(c, "composition")
    c = copy.deepcopy(c0)
    c["evidence"]["nonnegativity"]["lc"] = "-1"
    rejected(c, "lc < 0")
    m = S.example_2()["(w^2-1)^2 minima"]
    c = copy.deepcopy(m)
    c["inputs"]["objective"] = ["1", "0", "-2", "0", "1", "1"]
    rejected(c)
