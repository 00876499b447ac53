"""More hostile certificate files (issue 20), found by reading the kernel: heights of exact
rationals, polynomial coefficients, the exact determinant fallback, the dual bound of
validate_network, long chains.  Same conventions as tests/kernel/hostile.py (which registers
these cases in its CASES).
"""

from __future__ import annotations

import base64
import random
from fractions import Fraction
from math import isqrt

from tests.kernel.hostile import (
    _PRIME,
    Case,
    _side,
    committed,
    dumps,
    dyadic,
    dyadic_bytes,
    envelope,
    primes_from,
    random_bytes_matrix,
    rows,
    unit,
    with_statement,
    zero_matrix,
)


def distinct_prime_denominators(scale: float = 1.0) -> bytes:
    """A rank certificate for the 1 x 30,000 row (1/p_1, ..., 1/p_30000), p_i distinct 7-digit
    primes (rows form, 370 KB).  Any integer-form step (numer_denom) multiplies every entry by
    the common denominator, a 600,000-bit number: 30,000 such entries are 2.2 GB.  The
    annihilator (p_1, -p_2, 0, ...) is real, the claimed rank too, but the annihilator shows
    only rank <= n - 1: refused after the product A v is formed."""
    n = _side(30_000, scale, 3)
    ps = primes_from(1_000_000, n)
    A = rows(1, n, [f"1/{p}" for p in ps])
    v = [0] * n
    v[0], v[1] = ps[0], -ps[1]
    ev = {"minor": {"rows": [0], "cols": [0]},
          "annihilator": {"side": "right", "basis": dyadic(n, 1, v), "minor_rows": [0]}}
    return dumps(envelope("rank", {"A": A}, {"rank": 1}, ev, f"rank = 1 (1x{n})"))


def bernstein_huge_radius(scale: float = 1.0) -> bytes:
    """scalar_openness of F(w) = w at 0 with side certificates c rho^k, k = 4096 (the degree
    budget) on [0, r], r a 20,000-digit integer (the rational_digits budget): the Bernstein test
    computes r^j for every j <= 4096 (r^4096 has 272,000,000 bits) and a Taylor shift of their
    polynomial.  The claim is false (rho - rho^4096 < 0 near r)."""
    k = _side(4096, scale, 3)
    r = "9" * _side(20_000, scale, 2)
    sides = [{"side": "right", "c": "1", "k": k, "r": r}, {"side": "left", "c": "1", "k": k, "r": r}]
    inputs = {"F": ["0", "1"], "w0": "0"}
    result = {"verdict": "locally_open", "relative_to": "R", "F_w0": "0", "delta": sides}
    evidence = {"right": {"sign": 1, "c": "1", "k": k, "r": r}, "left": {"sign": -1, "c": "1", "k": k, "r": r}}
    return dumps(envelope("scalar_openness", inputs, result, evidence, claim_id="ex-2"))


def symbolic_coefficient_power(scale: float = 1.0) -> bytes:
    """symbolic_landscape whose target entry is ((2^59)^1000*y+1)^1000: the constant passes the
    constant-power check, the power is charged by terms (10^6 term products, within poly_work,
    degree 1000 within poly_degree), but its coefficients C(1000, i) 2^(59000 i) add up to
    3.7 GB.  (The target then makes W non-critical: refused.)"""
    c = committed("thm-12-parametric-d-2-1-1-2.json")
    e = _side(1000, scale, 2)
    c["inputs"]["Y"]["rows"][0][0] = f"((2^59)^{e}*y+1)^{e}"
    return dumps(c)


def symbolic_dense_constant_layers(scale: float = 1.0) -> bytes:
    """symbolic_landscape with a dense 600x600 rational layer and a dense 600x600 X (compact
    form, 960 KB): W_1 X is formed as 600^3 products of constant polynomials, each charged one
    term, so the budget poly_work (2e7) stops it only after 2e7 Python-level products."""
    n = _side(600, scale, 3)
    rng = random.Random(600)
    inputs = {"parameters": ["y"], "layers": [random_bytes_matrix(n, n, rng), random_bytes_matrix(1, n, rng)],
              "X": random_bytes_matrix(n, n, rng), "Y": {"shape": [1, n], "rows": [["y"] * n]}}
    result = {"verdict": "piecewise", "loss": "0", "cells": []}
    evidence = {"split": "y", "zero": {"verdict": "global_minimum"}, "nonzero": {"verdict": "global_minimum"}}
    return dumps(envelope("symbolic_landscape", inputs, result, evidence, claim_id="thm-12"))


def det_zero_mod_p(scale: float = 1.0) -> bytes:
    """A TRUE rank certificate of a nonsingular 2000x2000 integer matrix (entries -3..3 but one)
    whose determinant is divisible by 2^61 - 1: the checker's modular test of the minor gives 0,
    so it falls back to the exact integer determinant (rows form, 18 MB; at 1000x1000 that took
    10 s).  Honest: accepted once the exact determinant is computed."""
    from flint import nmod_mat

    n = _side(2000, scale, 4)
    rng = random.Random(61)
    while True:
        e = [rng.randint(-3, 3) for _ in range(n * n)]
        M = nmod_mat(n, n, [x % _PRIME for x in e], _PRIME)
        minor = nmod_mat(n - 1, n - 1, [e[i * n + j] % _PRIME for i in range(1, n) for j in range(1, n)], _PRIME)
        det, cof = int(M.det()), int(minor.det())
        if cof == 0:
            continue
        t = (-det * pow(cof, -1, _PRIME)) % _PRIME   # det(A) = det + t cof = 0 mod p for A = M + t E_00
        e[0] += t
        q = 1_000_000_007                                 # det(A) != 0: nonzero modulo another prime
        if nmod_mat(n, n, [x % q for x in e], q).det() != 0:
            break
    ev = {"minor": {"rows": list(range(n)), "cols": list(range(n))},
          "annihilator": {"side": "right", "basis": {"shape": [n, 0], "rows": [[] for _ in range(n)]},
                          "minor_rows": []}}
    return dumps(envelope("rank", {"A": rows(n, n, e)}, {"rank": n}, ev, f"rank = {n} ({n}x{n})"))


def validate_dual_bound_exponent(scale: float = 1.0) -> bytes:
    """validate_network of one layer 1 x 1000 (zero), X a column of 1000 ones, Y = [1], with the
    Ky Fan/Schur dual bound's F = [2^-60000] (a 1x1 dyadic matrix): the dual matrix K is formed
    over the common denominator 2^120000, so its 1000x1000 block X X^T holds 10^6 entries of
    120,000 bits (15 GB).  A 7 KB file; loss and gradient claims are right, the bound is not."""
    d = _side(1000, scale, 2)
    inputs = {"layers": [zero_matrix(1, d)], "X": dyadic(d, 1, [1] * d), "Y": dyadic(1, 1, [1]), "weights": None}
    result = {"loss": "1/2", "gradient_norm_sq": str(d), "global": {"lower_bound": "0", "gap": "1/2"}}
    evidence = {"global": {"method": "ky_fan_schur", "mu": "1", "delta": "0",
                           "F": dyadic_bytes(1, 1, b"\x01", 1, -60_000), "psd": {"method": "exact"}}}
    return dumps(envelope("validate_network", inputs, result, evidence))


def psd_huge_entries(scale: float = 1.0) -> bytes:
    """The file of :func:`validate_dual_bound_exponent` with 36 ones (a 7 KB file): the dual
    matrix is 37x37 with 120,000-bit entries, within psd_work (37^4 x 120,000 bits = 2.2e11),
    and its characteristic polynomial takes many minutes (21x21: 80 s).  psd_work does not
    bound the cost of a small matrix of huge entries."""
    return validate_dual_bound_exponent(0.036 * scale)


def weighted_loss_heights(scale: float = 1.0) -> bytes:
    """A landscape point (one 3x1 layer of ones, X = a row of 83,334 ones, Y = 0) with weights
    1/p_i, p_i distinct 7-digit primes (3.3 MB): the weighted loss is a sum of 250,000 rationals
    whose running denominator grows to 5,000,000 bits, each addition a gcd of such numbers
    (50,000 of them: 4 s).  result.loss is a guess: refused once the loss is computed."""
    n = _side(83_334, scale, 3)
    ps = primes_from(1_000_000, 3 * n)
    inputs = {"layers": [dyadic(3, 1, [1, 1, 1])], "X": dyadic(1, n, [1] * n), "Y": zero_matrix(3, n),
              "weights": rows(3, n, [f"1/{p}" for p in ps])}
    result = {"verdict": "not_critical", "loss": "0", "gradient_value": "1"}
    evidence = {"gradient_entry": {"layer": 1, "row": 0, "col": 0}}
    return dumps(envelope("landscape_point", inputs, result, evidence))


def chain_rate_64_layers(scale: float = 1.0) -> bytes:
    """A TRUE chain_openness certificate (verdict undetermined, rate 1/1 by Lemma C5) of 64
    dense 100x100 layers (bytes -128..127, compact form, 850 KB), the first with a zero last
    column (rank of the product 99 < 100): the rate check forms every partial product
    W_y...W_{x+1} (2,080 products) and the prefix and suffix products (4,000 more), whose
    entries grow to ~1,000 bits.  Honest: accepted after that work."""
    h = max(3, round(64 * min(1.0, 2 * scale)))
    n = _side(100, scale, 4)
    rng = random.Random(64100)
    layers = [random_bytes_matrix(n, n, rng) for _ in range(h)]
    first = bytearray(rng.randbytes(n * n))
    for i in range(n):
        first[i * n + n - 1] = 0
    first[0] |= 1
    layers[0] = dyadic_bytes(n, n, bytes(first), 1)

    def fro2(M: dict) -> int:
        data = base64.b64decode(M["dyadic"]["numerators"])
        return sum(int.from_bytes(data[i:i + 1], "little", signed=True) ** 2 for i in range(len(data)))

    def ceil_sqrt(x: int) -> int:
        r = isqrt(x)
        return r if r * r == x else r + 1

    norms = [ceil_sqrt(fro2(M)) for M in layers]
    esym = [1] + [0] * h
    for x in norms:
        for k in range(h, 0, -1):
            esym[k] += esym[k - 1] * x
    Q = sum(esym[h - j] for j in range(1, h + 1))      # p = 1; N_F = 1 for F = E_00
    dims = [n] * (h + 1)
    result = {"widths": dims, "rank": n - 1, "verdict": "undetermined", "argument": "none", "rate": "1/1"}
    evidence = {"rank_product": {"minor": {"rows": list(range(n - 1)), "cols": list(range(n - 1))},
                                 "annihilator": {"side": "right", "basis": unit(n, 1, n - 1, 0),
                                                 "minor_rows": [n - 1]}},
                "rate": {"p": 1, "F": unit(n, n, 0, 0), "entry": [0, 0], "constant": str(Fraction(1, Q))}}
    cert = envelope("chain_openness", {"layers": layers}, result, evidence, claim_id="chain-openness")
    return dumps(with_statement(cert))


CASES = {
    "distinct_prime_denominators": Case(distinct_prime_denominators, 0.02, False,
                                        "1 x 30000 row of 1/p_i: the common denominator of a rows-form matrix"),
    "bernstein_huge_radius": Case(bernstein_huge_radius, 0.02, False,
                                  "Bernstein test on [0, r], r of 20000 digits, degree 4096: r^j for every j"),
    "symbolic_coefficient_power": Case(symbolic_coefficient_power, 0.05, False,
                                       "((2^59)^1000*y+1)^1000: polynomial coefficients of 3.7 GB"),
    "symbolic_dense_constant_layers": Case(symbolic_dense_constant_layers, 0.05, False,
                                           "600x600 constant layers: 2e7 Python-level constant products"),
    "det_zero_mod_p": Case(det_zero_mod_p, 0.025, True,
                           "nonsingular 2000x2000 minor with det = 0 mod 2^61-1: the exact determinant"),
    "validate_dual_bound_exponent": Case(validate_dual_bound_exponent, 0.002, False,
                                         "dual bound with F = 2^-60000: a 1000x1000 block over 2^120000"),
    "psd_huge_entries": Case(psd_huge_entries, 0.06, False,
                             "exact PSD test of a 37x37 matrix of 120000-bit entries, within psd_work"),
    "weighted_loss_heights": Case(weighted_loss_heights, 0.004, False,
                                  "weights 1/p_i: a sum of 250000 rationals of growing height"),
    "chain_rate_64_layers": Case(chain_rate_64_layers, 0.05, True,
                                 "64 dense 100x100 layers, Lemma C5 rate: ~6000 products of growing matrices"),
}
