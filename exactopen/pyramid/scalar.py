"""Univariate polynomial maps F: R -> R with rational coefficients (claim ex-2).

* :func:`certify_openness` decides local openness of F at a rational point w0, relative to
  the range S = F(R), and returns a ``scalar_openness`` certificate.  Write
  T(rho) = F(w0 + rho) - F(w0) = a_k rho^k + ... (a_k the first nonzero coefficient).  Each
  side gets a direction s and a bound s (F(w0 +- rho) - F(w0)) >= c rho^k for rho in [0, r]
  (r = inf when every coefficient allows it), proved by Bernstein coefficients or by
  coefficient signs; by the intermediate value theorem F([w0, w0 + eps)) then contains every
  value between F(w0) and F(w0) + s c eps^k.  No monotonicity is needed.

    - k odd (in particular F'(w0) != 0): the two sides go opposite ways, a full
      neighbourhood is covered, delta(eps) = min over the sides of c min(eps, r)^k;
    - k even: both sides go the same way s; F is locally open relative to S iff
      s (F - F(w0)) >= 0 on R (then S lies on one side of F(w0)), proved by a factorisation
      whose odd-power factors have no real root (Sturm); otherwise a rational w1 with
      s (F(w1) - F(w0)) < 0 refutes it.

  Example 2: F(w) = w^2 at w0 = 0 gives delta(eps) = eps^2, relative to S = [0, inf).

* :func:`certify_minimum` -- global minimisers of a polynomial on R or on [a, inf)
  (``polynomial_minimum``), optionally with preimages under a map and the composed objective:
  w = +-1 minimise (w^2 - 1)^2, and z = 1 = F(+-1) minimises (z - 1)^2 on z >= 0.

* :func:`example_2` -- every certificate of ex-2.

Polynomials are given as coefficient lists, lowest degree first (numbers: int, Fraction,
fmpq, or strings "p/q" / decimals); no expression text is parsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

from flint import fmpq, fmpq_poly

from exactopen.certificate import envelope
from exactopen.errors import InputError
from exactopen.exact.numbers import parse_rational, rational_str
from exactopen.kernel.pyramid import delta_text as _delta_text
from exactopen.kernel.pyramid import poly_str

# --------------------------------------------------------------------------------------
# polynomials
# --------------------------------------------------------------------------------------

def parse_poly(coeffs, what: str = "polynomial") -> fmpq_poly:
    """Exact polynomial from coefficients (lowest degree first) or an fmpq_poly."""
    if isinstance(coeffs, fmpq_poly):
        return coeffs
    if isinstance(coeffs, (str, bytes)) or not hasattr(coeffs, "__iter__"):
        raise InputError(f"{what}: give a list of coefficients, lowest degree first (e.g. [0, 0, 1] for w^2)")
    cs = [parse_rational(c, f"{what} coefficient {i}") for i, c in enumerate(coeffs)]
    return fmpq_poly(cs)


def poly_json(p: fmpq_poly) -> list[str]:
    cs = p.coeffs()
    return [rational_str(c) for c in cs] if cs else ["0"]


def _sign(x) -> int:
    return (x > 0) - (x < 0)


def _bernstein_ok(g: fmpq_poly, r: fmpq) -> bool:
    h = [c * r ** j for j, c in enumerate(g.coeffs())]
    d = len(h) - 1
    return all(sum((fmpq(comb(i, j), comb(d, j)) * h[j] for j in range(i + 1)), fmpq(0)) >= 0
               for i in range(d + 1))


def _side(T: fmpq_poly, k: int):
    """(sign, c, r) with sign*T(rho) - c rho^k >= 0 on [0, r] (r None: rho >= 0)."""
    cs = T.coeffs()
    ak = cs[k]
    s = _sign(ak)
    G = T * s
    rho_k = fmpq_poly([0] * k + [1])
    c = abs(ak)
    if all(x >= 0 for x in (G - rho_k * c).coeffs()):
        return s, c, None
    c = c / 2
    g = G - rho_k * c
    r = fmpq(1)
    for _ in range(4000):
        if _bernstein_ok(g, r):
            return s, c, r
        r /= 2
    raise AssertionError("no Bernstein radius found (bug: it exists for every k)")


def _factor_evidence(P: fmpq_poly, lower=None):
    """Evidence that P >= 0 on R (or [lower, inf)), or None if P < 0 somewhere there."""
    import sympy

    if P.degree() < 0:
        return {"lc": "0", "factors": []}
    c, facs = P.factor()
    c = fmpq(c)
    out = []
    x = sympy.Symbol("x")
    for g, e in facs:
        g = fmpq_poly(g)
        if g.coeffs()[-1] < 0:
            g = -g
            c *= (-1) ** e
        if e % 2 and g.degree() == 1 and lower is not None and g(lower) == 0:
            pass  # c (x - lower), >= 0 on the domain
        elif e % 2:
            sp = sympy.Poly([sympy.Rational(int(q.p), int(q.q)) for q in reversed(g.coeffs())], x)
            if lower is None:
                if sp.count_roots() != 0:
                    return None
            else:
                if g(lower) <= 0 or sp.count_roots(inf=sympy.Rational(int(lower.p), int(lower.q))) != 0:
                    return None
        out.append({"poly": poly_json(g), "exp": int(e)})
    if c < 0:
        return None
    return {"lc": rational_str(c), "factors": out}


def _escape(P: fmpq_poly) -> fmpq:
    """A rational w with P(w) < 0 (P is negative somewhere)."""
    import sympy

    x = sympy.Symbol("x")
    sp = sympy.Poly([sympy.Rational(int(q.p), int(q.q)) for q in reversed(P.coeffs())], x)
    for eps_exp in range(1, 80):
        eps = sympy.Rational(1, 2 ** eps_exp)
        ivs = sorted((a, b) for (a, b), _m in sp.intervals(eps=eps))
        cands = [fmpq(0)]
        if ivs:
            cands.append(fmpq(int(sympy.floor(ivs[0][0])) - 1))
            cands.append(fmpq(int(sympy.ceiling(ivs[-1][1])) + 1))
            for (_a, b), (a2, _b2) in zip(ivs, ivs[1:]):
                m = (b + a2) / 2
                cands.append(fmpq(int(m.p), int(m.q)))
        for w in cands:
            if P(w) < 0:
                return w
    raise AssertionError("no escape point found (bug)")


# --------------------------------------------------------------------------------------
# ex-2: local openness
# --------------------------------------------------------------------------------------

@dataclass
class ScalarResult:
    verdict: str            # "locally_open" | "not_locally_open" | "minimum"
    certificate: dict
    reason: str


def certify_openness(F, w0, var: str = "w") -> ScalarResult:
    """ex-2: is F (polynomial, coefficients lowest first) locally open at w0, relative to its range?"""
    F = parse_poly(F, "F")
    w0 = parse_rational(w0, "w0")
    Fw0 = F(w0)
    fs = poly_str(F, var)
    inputs = {"F": poly_json(F), "w0": rational_str(w0)}
    if F.degree() <= 0:
        cert = envelope("scalar_openness", f"F({var}) = {fs} is constant: it is locally open at {var}0 = "
                        f"{rational_str(w0)} relative to its range {{{rational_str(Fw0)}}}.", inputs,
                        {"verdict": "locally_open", "relative_to": "range", "F_w0": rational_str(Fw0)},
                        {}, "ex-2")
        return ScalarResult("locally_open", cert, "constant map")
    T_right = F(fmpq_poly([w0, 1])) - Fw0
    T_left = F(fmpq_poly([w0, -1])) - Fw0
    k = next(j for j, c in enumerate(T_right.coeffs()) if c != 0)
    ev, delta, radii = {}, [], []
    for name, T in (("right", T_right), ("left", T_left)):
        s, c, r = _side(T, k)
        radii.append(fmpq(1) if r is None else r)
        ev[name] = {"sign": s, "c": rational_str(c), "k": k, "r": None if r is None else rational_str(r)}
        delta.append({"side": name, "c": rational_str(c), "k": k, "r": None if r is None else rational_str(r)})
    sR, sL = ev["right"]["sign"], ev["left"]["sign"]
    at = f"{var}0 = {rational_str(w0)}"
    if sR != sL:
        dt = _delta_text(delta)
        cert = envelope("scalar_openness",
                        f"F({var}) = {fs} is locally open at {at}: for every eps > 0, F(({var}0 - eps, {var}0 + eps)) "
                        f"contains (F({var}0) - delta, F({var}0) + delta) with delta(eps) = {dt}, F({var}0) = "
                        f"{rational_str(Fw0)}.", inputs,
                        {"verdict": "locally_open", "relative_to": "R", "F_w0": rational_str(Fw0), "delta": delta},
                        ev, "ex-2")
        return ScalarResult("locally_open", cert, f"full neighbourhood, delta(eps) = {dt}")
    P = (F - Fw0) * sR
    glob = _factor_evidence(P)
    side = f"[{rational_str(Fw0)}, inf)" if sR > 0 else f"(-inf, {rational_str(Fw0)}]"
    if glob is not None:
        ev["global"] = glob
        dt = _delta_text(delta)
        cert = envelope("scalar_openness",
                        f"F({var}) = {fs} is locally open at {at} relative to its range S, which lies in {side} "
                        f"(F({var}0) = {rational_str(Fw0)} is the global {'minimum' if sR > 0 else 'maximum'} of F): "
                        f"for every eps > 0, B_delta(F({var}0)) ∩ S ⊆ F(B_eps({var}0)) with delta(eps) = {dt}.",
                        inputs, {"verdict": "locally_open", "relative_to": "range", "F_w0": rational_str(Fw0),
                                 "delta": delta}, ev, "ex-2")
        return ScalarResult("locally_open", cert, f"relative to the range {side}, delta(eps) = {dt}")
    w1 = _escape(P)
    ev["escape"] = rational_str(w1)
    eps = min(radii)
    cert = envelope("scalar_openness",
                    f"F({var}) = {fs} is NOT locally open at {at} relative to its range: near {var}0 F stays in {side} "
                    f"(for |{var} - {var}0| <= {rational_str(eps)}), but F({rational_str(w1)}) = {rational_str(F(w1))} "
                    f"lies on the other side of F({var}0) = {rational_str(Fw0)}, so the range holds values on that side "
                    f"arbitrarily close to F({var}0) that no {var} with |{var} - {var}0| < {rational_str(eps)} reaches.",
                    inputs, {"verdict": "not_locally_open", "relative_to": "range", "F_w0": rational_str(Fw0)},
                    ev, "ex-2")
    return ScalarResult("not_locally_open", cert, f"local extremum that is not global (escape {var} = {rational_str(w1)})")


# --------------------------------------------------------------------------------------
# ex-2: global minima
# --------------------------------------------------------------------------------------

def certify_minimum(objective, minimisers, lower=None, map_poly=None, preimages=None, var: str = "w") -> ScalarResult:
    """ex-2, ``polynomial_minimum``: each point of ``minimisers`` is a global minimiser of the
    polynomial ``objective`` on R (``lower`` None) or on [lower, inf).  With ``map`` F and
    ``preimages``, also F(w) is a listed minimiser for each w, and the composed objective
    objective(F(w)) is recorded (and re-derived by the checker)."""
    L = parse_poly(objective, "objective")
    mins = [parse_rational(p, "minimiser") for p in minimisers]
    if not mins:
        raise InputError("give at least one minimiser")
    lo = None if lower is None else parse_rational(lower, "lower")
    for p in mins:
        if lo is not None and p < lo:
            raise InputError(f"minimiser {rational_str(p)} is outside the domain [{rational_str(lo)}, inf)")
    v = L(mins[0])
    for p in mins[1:]:
        if L(p) != v:
            raise InputError(f"L({rational_str(p)}) = {rational_str(L(p))} differs from L({rational_str(mins[0])}) = {rational_str(v)}")
    ev = _factor_evidence(L - v, lo)
    if ev is None:
        raise InputError(f"L - {rational_str(v)} is negative somewhere on the domain: {', '.join(map(rational_str, mins))} "
                         "are not global minimisers")
    dom = "R" if lo is None else f"[{rational_str(lo)}, inf)"
    inputs = {"objective": poly_json(L), "lower": None if lo is None else rational_str(lo)}
    result = {"value": rational_str(v), "minimisers": [rational_str(p) for p in mins]}
    claim = (f"min of L = {poly_str(L, var)} over {var} in {dom} is {rational_str(v)}, attained at "
             f"{var} = {', '.join(map(rational_str, mins))} (global minimisers)")
    if map_poly is not None:
        F = parse_poly(map_poly, "map")
        pre = [parse_rational(w, "preimage") for w in (preimages or [])]
        for w in pre:
            if F(w) not in mins:
                raise InputError(f"F({rational_str(w)}) = {rational_str(F(w))} is not a listed minimiser")
        inputs["map"] = poly_json(F)
        result["preimages"] = [rational_str(w) for w in pre]
        result["composition"] = poly_json(L(F))
        claim += (f"; each of w = {', '.join(map(rational_str, pre))} maps to a minimiser under F(w) = {poly_str(F)}, "
                  f"and L(F(w)) = {poly_str(L(F))}")
    cert = envelope("polynomial_minimum", claim, inputs, result, {"nonnegativity": ev}, "ex-2")
    return ScalarResult("minimum", cert, claim)


def example_2() -> dict[str, dict]:
    """Every certificate of ex-2 (Fig. 2): F(w) = w^2 open at w = -1, 0, 1 (at 0 relative to
    [0, inf) with delta = eps^2); w = +-1 minimise (w^2 - 1)^2; z = 1 = F(+-1) minimises
    (z - 1)^2 on z >= 0."""
    sq = [0, 0, 1]
    return {
        "w^2 open at 0": certify_openness(sq, 0).certificate,
        "w^2 open at 1": certify_openness(sq, 1).certificate,
        "w^2 open at -1": certify_openness(sq, -1).certificate,
        "(w^2-1)^2 minima": certify_minimum([1, 0, -2, 0, 1], [-1, 1]).certificate,
        "(z-1)^2 on z>=0": certify_minimum([1, -2, 1], [1], lower=0, map_poly=sq, preimages=[-1, 1], var="z").certificate,
    }
