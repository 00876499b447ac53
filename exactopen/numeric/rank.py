"""Certified numerical rank of a (float) matrix, and the exact PSD certificate from a float
Cholesky factor that the validation bounds share.

For an exact matrix A (typically the exact dyadic value of a float array) this certifies:

* ``rank A = r`` exactly (a nonzero r x r minor and an annihilator: existing rank evidence);
* "A is within eta of a matrix of rank <= k": rational factors P (m x k), Q (k x n) and the
  exact eta^2 = |A - PQ|_F^2 (so sigma_{k+1}(A) <= |A - PQ|_2 <= eta);
* "sigma_k(A) >= s": V (n x k) of full column rank with V^T (A^T A - s^2 I) V PSD
  (Courant-Fischer), so every matrix within spectral distance < s of A has rank >= k (Weyl).

Together: for every tolerance tau with eta_k <= tau < s_k, the numerical rank of A at
tolerance tau is exactly k (some matrix of rank <= k is within tau in Frobenius norm, none of
rank <= k - 1 is within tau even in spectral norm).

NUMERIC HELPERS (floats): singular vectors, Cholesky factors and eigenvectors come from numpy
and are rounded to dyadic rationals on a common grid (:func:`exactopen.exact.floats.to_grid`);
every fact built from them is re-checked exactly (here, and again by
:mod:`exactopen.kernel.validate`).
"""

from __future__ import annotations

import math
from fractions import Fraction

from flint import fmpq, fmpq_mat

from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from exactopen.exact.floats import (
    power_of_two_below,
    to_float,
    to_grid,
)
from exactopen.exact.numbers import rational_str
from exactopen.exact.reproducible import cholesky_blocked

# ---------------------------------------------------------------------------------------
# Numeric helpers (floats; results re-checked exactly)
# ---------------------------------------------------------------------------------------

def nice_below(x: float, digits: int = 3) -> Fraction:
    """A short decimal in (0, x] (``digits`` significant digits), exactly, for printing."""
    if x <= 0:
        return Fraction(0)
    e = math.floor(math.log10(x)) - digits + 1
    q = Fraction(10) ** e
    v = math.floor(Fraction(x) / q) * q
    while v > Fraction(x):  # guard against log10 rounding
        v -= q
    return v


def psd_certificate(A, max_tries: int = 4, dyadic: bool = False, den=1, Af=None) -> dict | None:
    """Evidence that the exact symmetric matrix A / den is PSD (A an fmpq_mat, or an integer
    fmpz_mat with a positive integer ``den``), checked exactly before returning; with
    ``dyadic``, L in the compact form; ``Af``: its float copy, if the caller has one.  With
    A None (and ``Af`` given): the first float factor, not checked (the caller checks).

    NUMERIC: Cholesky of A - tau I in floats (tau a power of two below a fraction of the float
    lambda_min; the factor reproducible (:func:`exactopen.exact.reproducible.cholesky_blocked`, not LAPACK), so that L does not
    depend on the BLAS), rounded to a grid, gives L with A - L L^T close to tau I; accepted once A - L L^T is diagonally
    dominant (exact check).  Small
    matrices fall back to exact LDL^T.  None when neither succeeds (A may not be PSD).
    """
    import numpy as np

    from exactopen.kernel.validate import factor_certifies
    from exactopen.landscape.global_min import is_psd

    n = Af.shape[0] if A is None else A.nrows()
    if n == 0:
        return {"method": "exact"}
    if Af is None:
        Af = to_float(A) if isinstance(A, fmpq_mat) else to_float(fmpq_mat(A) * fmpq(1, den))
    lmin = float(np.linalg.eigvalsh((Af + Af.T) / 2)[0])
    if lmin > 0:
        # the shift tau must exceed the rounding residue and stay below lambda_min
        for tau in [power_of_two_below(lmin * f) for f in (0.5, 0.125, 2.0 ** -6, 2.0 ** -10)][:max_tries]:
            try:
                Lf = cholesky_blocked(Af - tau * np.eye(n))
            except np.linalg.LinAlgError:
                continue
            L = to_grid(Lf, 53)
            if A is None or factor_certifies(A, L, den):
                return {"method": "factor", "L": mx.to_json(L, dyadic)}
    if A is not None and n <= 40 and is_psd(A if isinstance(A, fmpq_mat) else fmpq_mat(A)):
        return {"method": "exact"}
    return None


# ---------------------------------------------------------------------------------------
# Certified numerical rank
# ---------------------------------------------------------------------------------------

def _approximation(A: fmpq_mat, U, S, Vt, k: int):
    P = to_grid(U[:, :k] * S[:k]) if k else fmpq_mat(A.nrows(), 0)
    Q = to_grid(Vt[:k, :]) if k else fmpq_mat(0, A.ncols())
    return P, Q, mx.frobenius_sq(A - P * Q)


def _sigma_bound(A: fmpq_mat, Vt, S, k: int):
    """(s, V, minor rows, psd evidence) with sigma_k(A) >= s, or None.  V's columns are the
    top k right singular vectors scaled by 1/sigma_i, so V^T(A^T A - s^2 I)V ~ diag(1 - s^2/sigma_i^2)."""
    import numpy as np

    if S[k - 1] <= 0:
        return None
    V = to_grid(Vt[:k, :].T / S[:k])
    rows = linalg.nonsingular_minor(V)[0]
    if len(rows) != k:
        return None
    AV = A * V
    G0, VV = AV.transpose() * AV, V.transpose() * V
    for frac in (0.999, 0.99, 0.9, 0.5, 0.1):
        s = nice_below(float(S[k - 1]) * frac)
        if s <= 0:
            return None
        sq = fmpq(s.numerator, s.denominator)
        ev = psd_certificate(G0 - VV * (sq * sq))
        if ev is not None:
            return sq, V, rows, ev
    _ = np
    return None


def numerical_rank(A: fmpq_mat, ranks=None, tol: float | None = None):
    """Certificate parts: exact rank, approximations for the ranks k in ``ranks`` (default:
    the numerical rank at ``tol`` -- numpy's default tolerance if None -- and the rank at the
    largest relative gap sigma_k / sigma_{k+1} > 1e3) and sigma_k bounds.

    Returns (result, evidence, info) with float summaries in ``info``.
    """
    import numpy as np

    m, n = A.nrows(), A.ncols()
    ev = linalg.rank_evidence(A)
    Af = to_float(A)
    U, S, Vt = np.linalg.svd(Af, full_matrices=False)
    if tol is None:
        tol = max(m, n) * np.finfo(float).eps * (S[0] if S.size else 0.0)
    k_num = int(np.sum(S > tol))
    default = {k_num}
    pos = S[S > 0]
    if pos.size >= 2:  # the largest relative gap sigma_k / sigma_{k+1}, if it is a real gap
        ratios = pos[:-1] / pos[1:]
        j = int(np.argmax(ratios))
        if ratios[j] > 1e3:
            default.add(j + 1)
    ks = sorted(set(ranks)) if ranks else sorted(default)
    ks = [k for k in ks if 0 <= k <= min(m, n)]
    apps, eapps, bounds, ebounds, info = [], [], [], [], {"sigma": S.tolist(), "numerical_rank": k_num,
                                                          "tol": tol, "ranks": {}}
    for k in ks:
        entry = {}
        if k < ev.rank:
            P, Q, d2 = _approximation(A, U, S, Vt, k)
            apps.append({"rank": k, "distance_sq": rational_str(d2)})
            eapps.append({"P": mx.to_json(P), "Q": mx.to_json(Q)})
            entry["distance"] = math.sqrt(float(d2))
        if k >= 1:
            b = _sigma_bound(A, Vt, S, k)
            if b is not None:
                s, V, rows, pev = b
                bounds.append({"index": k, "lower": rational_str(s)})
                ebounds.append({"V": mx.to_json(V), "V_minor_rows": rows, "psd": pev})
                entry["sigma_lower"] = float(s)
        info["ranks"][k] = entry
    result = {"rank": ev.rank, "approximations": apps, "singular_value_bounds": bounds}
    from exactopen.certificate import rank_evidence

    evidence = {"rank": rank_evidence(ev),
                "approximations": eapps, "singular_value_bounds": ebounds}
    return result, evidence, info


def numerical_rank_certificate(A: fmpq_mat, ranks=None, tol: float | None = None, name: str = "A"):
    """(certificate, human lines, summary) for the certified numerical rank of A."""
    from exactopen.certificate import envelope

    result, evidence, info = numerical_rank(A, ranks, tol)
    m, n = A.nrows(), A.ncols()
    claim = (f"for the {m}x{n} matrix {name}: rank {name} = {result['rank']} exactly; the listed rational "
             f"factorisations PQ of rank <= k lie at the stated exact squared Frobenius distances; and "
             f"sigma_k({name}) >= lower for each listed bound")
    cert = envelope("numerical_rank", claim, {"A": mx.to_json(A)}, result, evidence)
    lines = [f"{name}: {m}x{n}; float singular values: "
             + ", ".join(f"{s:.3g}" for s in info["sigma"][:8]) + (" ..." if len(info["sigma"]) > 8 else ""),
             f"exact rank: {result['rank']} (nonzero {result['rank']}x{result['rank']} minor"
             + (f", {min(m, n) - result['rank']} independent annihilating vectors)" if result['rank'] < min(m, n)
                else "; full rank)")]
    summary_ranks = {}
    for k, e in sorted(info["ranks"].items()):
        d, s = e.get("distance"), e.get("sigma_lower")
        if d is not None:
            lines.append(f"rank <= {k}: a rational matrix of rank <= {k} lies within {d:.3g} (Frobenius) of {name}")
        if s is not None:
            lines.append(f"sigma_{k} >= {s:.3g}: every matrix within spectral distance < {s:.3g} of {name} has "
                         f"rank >= {k} (no matrix of rank <= {k - 1} is that close)")
        if s is not None:
            lo = d if d is not None else 0.0
            lines.append(f"=> numerical rank {k} at every tolerance in [{lo:.3g}, {s:.3g})"
                         if lo < s else f"=> rank {k}: the two bounds do not separate (gap too small)")
        summary_ranks[str(k)] = e
    summary = {"rank": result["rank"], "numerical_rank": info["numerical_rank"], "ranks": summary_ranks}
    return cert, lines, summary
