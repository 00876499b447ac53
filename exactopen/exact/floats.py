"""The float bridge: the one place where binary floats and exact rationals meet.

Everything on the float side of exactopen (numpy searches, eigensolvers, training output)
crosses into the exact side here, and back.  No claim is decided here; what crosses from
floats to rationals is only a *proposal* that the caller re-checks exactly (and the checker,
:mod:`exactopen.kernel`, re-checks again).

Exact -> float (rounding to nearest; the float side only proposes):

* :func:`to_float`: an exact matrix as a float64 numpy array;
* :func:`float_of`: one rational (fmpq, Fraction, int) as the nearest float, without
  overflow for huge numerators and denominators;
* :func:`float_network`: the float layers, X and Y of a network.

Float -> exact, three ways, each a function of the float values only:

* :func:`from_float` / :func:`to_exact`: *exactly* -- every finite binary float is a dyadic
  rational p / 2^k, so the user's float weights become an exact rational point with no
  rounding at all (:func:`from_float` is :func:`exactopen.exact.numbers.from_float`, re-exported;
  NaN and infinities raise :class:`InputError`);
* :func:`to_grid`: rounded to a dyadic grid 2^-b (round half to even, so the rounding of -x
  is minus the rounding of x) -- b fixed (``fixed=True``) or chosen so the largest entry keeps
  ``bits`` significant bits; one common denominator keeps exact products fast;
* :func:`to_simplest`: each entry snapped to the simplest rational within 2^-bits
  (:func:`exactopen.exact.snap.snap_matrix` of the exact value) -- stable under float
  noise far below 2^-bits.

Reproducible float steps: :func:`cholesky_fixed_order`, :func:`matmul_fixed_order` and
:func:`lower_solve_fixed_order` (computed in one fixed order of IEEE operations, without BLAS or
LAPACK, so the same on every CPU kernel and thread count) and :func:`power_of_two_below` (a
float shift made canonical) -- for proposals that enter a certificate at full precision, where
rounding cannot make them canonical.

Floats of a network: :func:`float_loss` is the float value of
L(W) = 1/2 sum w o (W_h ... W_1 X - Y)^2 (a numeric helper; the exact loss is
``Network.loss``).

numpy is imported lazily.  :mod:`exactopen.numeric.probe` deliberately does not use this
module: the probe is an independent cross-check and imports nothing from exactopen.
"""

from __future__ import annotations

import math
from fractions import Fraction

from flint import fmpq, fmpq_mat, fmpz_mat

from exactopen.errors import InputError
from exactopen.exact.numbers import from_float

__all__ = ["float_loss", "float_network", "float_of", "from_float", "to_exact", "to_float", "to_grid",
           "to_simplest"]


# ---------------------------------------------------------------------------------------
# exact -> float
# ---------------------------------------------------------------------------------------

# The float arrays large exact matrices were read from (:func:`_dyadic_of_floats`), by the id of
# the matrix (which the entry holds, so the id is not reused while it is here): converting such
# a matrix back to floats gives the same array, without a pass over its entries.
_ORIGIN: dict = {}
_ORIGIN_SIZE = 8
_ORIGIN_ENTRIES = 1 << 16  # only matrices at least this large are remembered


def float_origin(A):
    """NUMERIC: the float64 array the exact matrix ``A`` was read from exactly (a copy), or None."""
    hit = _ORIGIN.get(id(A))
    return hit[1].copy() if hit is not None and hit[0] is A else None


def to_float(A: fmpq_mat):
    """NUMERIC: a float64 copy of an exact matrix (each entry rounded to the nearest float)."""
    arr = float_origin(A)
    if arr is not None:
        return arr
    N, d = A.numer_denom()
    return integer_form_to_float(N, d, A)


def integer_form_to_float(N, d, A=None):
    """NUMERIC: a float64 copy of the exact matrix N / d (N an fmpz_mat, d > 0; ``A``: the same
    matrix as an fmpq_mat, if the caller has it): from the integers directly when d is a power
    of two (no fraction is formed), else entry by entry."""
    import numpy as np

    m, n = N.nrows(), N.ncols()
    d = int(d)
    if m * n and not d & (d - 1):  # dyadic: float(int) rounds correctly, 2^-k scales exactly (normal range)
        try:
            out = np.ldexp(np.fromiter(map(float, map(int, N.entries())), dtype=float, count=m * n),
                           -(d.bit_length() - 1))
        except OverflowError:
            out = None
        if out is not None and np.all(np.isfinite(out)) and not np.any((out != 0) & (np.abs(out) < 2.0 ** -1022)):
            return out.reshape(m, n)
    if A is None:
        A = fmpq_mat(N) * fmpq(1, d)
    return np.array([float(x) for x in A.entries()], dtype=float).reshape(m, n)


def float_of(x) -> float:
    """The nearest float to a rational x (fmpq, Fraction or int), through Python's correctly
    rounded Fraction -> float (OverflowError beyond the float range)."""
    x = fmpq(x)
    return float(Fraction(int(x.p), int(x.q)))


def float_network(net):
    """NUMERIC: (float layers W_1..W_h, float X, float Y) of a network (computed once per
    network object; the arrays are shared, do not modify them)."""
    if "float" not in net._cache:
        net._cache["float"] = ([to_float(W) for W in net.layers], to_float(net.X), to_float(net.Y))
    return net._cache["float"]


def float_loss(Ws, X, Y, w=None) -> float:
    """NUMERIC: 1/2 sum (w o (W_h ... W_1 X - Y))^2 in floats (w = None: the square loss).

    The product is applied to X layer by layer (W_1 X first)."""
    import numpy as np

    P = X
    for W in Ws:
        P = W @ P
    if w is None:
        return 0.5 * float(np.sum((P - Y) ** 2))
    E = P - Y
    return 0.5 * float(np.sum(w * E * E))


# ---------------------------------------------------------------------------------------
# float -> exact
# ---------------------------------------------------------------------------------------

def to_exact(arr, where: str = "array", floats: bool = True, allow_empty: bool = False) -> fmpq_mat:
    """The exact matrix of a 2-D numpy array (or nested lists) of integers or floats.

    Integers are read as they are; floats exactly (:func:`from_float`: float16/float32 widen
    to float64 without rounding).  ``floats=False`` (the CLI's exact path) refuses float
    arrays.  Every problem raises :class:`InputError` naming ``where``."""
    import numpy as np

    a = np.asarray(arr)
    if a.ndim != 2:
        raise InputError(f"{where}: expected a 2-D array, got {a.ndim}-D")
    if a.size == 0 and not allow_empty:
        raise InputError(f"{where}: empty array")
    kind = a.dtype.kind
    if kind in "iu":
        vals = [fmpq(int(x)) for x in a.ravel()]
    elif kind == "f":
        if not floats:
            raise InputError(f"{where}: float array; pass --from-float to convert binary floats exactly")
        if not np.all(np.isfinite(a)):
            raise InputError(f"{where}: array contains NaN or infinity")
        return _dyadic_of_floats(a.astype(np.float64))
    else:
        raise InputError(f"{where}: unsupported array dtype {a.dtype}")
    return fmpq_mat(a.shape[0], a.shape[1], vals)


def _dyadic_of_floats(a) -> fmpq_mat:
    """The exact values of a finite float64 array: a = M 2^E entrywise with M = frexp
    mantissa * 2^53 (an integer, exactly), so a = 2^low N with N = M 2^(E - low), low = min E.
    N is assembled from 62-bit limbs computed in numpy (small integers convert to FLINT fast):
    |N| = sum_j limb_j 2^(62 j)."""
    import numpy as np

    m, n = a.shape
    mant, exp = np.frexp(a.ravel())
    M = np.ldexp(mant, 53).astype(np.int64)
    nz = M != 0
    if not nz.any():
        return fmpq_mat(m, n)
    E = exp.astype(np.int64) - 53
    low = int(E[nz].min())
    S = np.where(nz, E - low, 0)
    A = np.abs(M).astype(np.uint64)
    mask = np.uint64((1 << 62) - 1)
    Z = None
    for j in range((int(S.max()) + 53 + 61) // 62):
        u = S - 62 * j  # where bit 0 of A lands, relative to limb j
        limb = ((A << np.clip(u, 0, 63).astype(np.uint64)) >> np.clip(-u, 0, 63).astype(np.uint64)) & mask
        part = fmpz_mat(m, n, np.where(M < 0, -limb.astype(np.int64), limb.astype(np.int64)).tolist())
        Z = part if Z is None else Z + part * (1 << (62 * j))
    Z = fmpq_mat(Z)
    out = Z * fmpq(2) ** low if low else Z
    if m * n >= _ORIGIN_ENTRIES:
        while len(_ORIGIN) >= _ORIGIN_SIZE:
            _ORIGIN.pop(next(iter(_ORIGIN)))
        _ORIGIN[id(out)] = (out, np.array(a, dtype=np.float64).reshape(m, n) + 0.0)  # + 0.0: no -0.0
    return out


def to_grid(arr, bits: int = 50, fixed: bool = False) -> fmpq_mat:
    """NUMERIC -> exact: a float array (1-D arrays become one row) rounded to multiples of
    2^-b, round half to even.  ``fixed``: b = ``bits``; otherwise b is chosen so that the
    largest entry keeps ``bits`` significant bits (one common denominator: exact products stay
    fast).  An all-zero or non-finite array gives the zero matrix."""
    import numpy as np

    arr = np.atleast_2d(np.asarray(arr, dtype=float))
    m, n = arr.shape
    top = float(np.max(np.abs(arr))) if arr.size else 0.0
    if top == 0.0 or not math.isfinite(top):
        return fmpq_mat(m, n)
    b = bits if fixed else bits - math.frexp(top)[1]
    ints = np.rint(np.ldexp(arr, b)).ravel()
    exact = float(np.max(np.abs(ints))) < 2.0 ** 62  # then int64 holds every value exactly
    Z = fmpz_mat(m, n, ints.astype(np.int64).tolist() if exact else [int(x) for x in ints])
    scale = fmpq(1, 2 ** b) if b >= 0 else fmpq(2 ** (-b))
    return fmpq_mat(Z) * scale


def to_simplest(arr, bits: int) -> fmpq_mat:
    """NUMERIC -> exact: each entry of a float array replaced by the simplest rational within
    2^-bits of its exact value (odd in x; stable under float noise far below 2^-bits)."""
    from exactopen.exact.snap import snap_matrix

    return snap_matrix(to_exact(arr, "float array", allow_empty=True), Fraction(1, 1 << bits))


def cholesky_fixed_order(A):
    """Lower-triangular L with L L^T = A (float64, A symmetric positive definite), column by column
    with numpy's elementwise products and pairwise sums only -- no BLAS or LAPACK, whose results
    depend on the CPU kernel and the thread count -- so L is a function of A alone.  Raises
    numpy.linalg.LinAlgError when a pivot is not positive.  NUMERIC (a proposal)."""
    import numpy as np

    A = np.ascontiguousarray(A, dtype=np.float64)
    n = A.shape[0]
    L = np.zeros_like(A)
    for j in range(n):
        row = L[j, :j]
        s = A[j, j] - np.add.reduce(row * row)
        if not s > 0:
            raise np.linalg.LinAlgError("matrix is not positive definite")
        d = math.sqrt(s)
        L[j, j] = d
        if j + 1 < n:
            L[j + 1:, j] = (A[j + 1:, j] - np.add.reduce(L[j + 1:, :j] * row, axis=1)) / d
    return L


def power_of_two_below(x: float) -> float:
    """The largest power of two <= x (x > 0): a float estimate made canonical (two estimates that
    differ only by rounding noise give the same value unless they straddle a power of two)."""
    m, e = math.frexp(x)
    return math.ldexp(0.5, e)


def matmul_fixed_order(A, B):
    """A @ B (float64) row by row with numpy's elementwise products and reductions only -- no
    BLAS -- so the result is a function of A and B alone.  NUMERIC."""
    import numpy as np

    A = np.ascontiguousarray(A, dtype=np.float64)
    Bt = np.ascontiguousarray(np.asarray(B, dtype=np.float64).T)
    out = np.empty((A.shape[0], Bt.shape[0]))
    for i in range(A.shape[0]):
        out[i] = np.add.reduce(Bt * A[i], axis=1)
    return out


def lower_solve_fixed_order(L, B):
    """X with L X = B for lower-triangular L (forward substitution, fixed order, no LAPACK).  NUMERIC."""
    import numpy as np

    B = np.asarray(B, dtype=np.float64)
    X = np.zeros_like(B)
    for i in range(L.shape[0]):
        X[i] = (B[i] - np.add.reduce(L[i, :i, None] * X[:i], axis=0)) / L[i, i]
    return X


FLOAT_SAFE_EXPONENT = 150  # |x| <= 10^150: squares and short products of entries stay finite floats


def check_float_range(A, where: str, exponent: int = FLOAT_SAFE_EXPONENT, tiny: bool = False) -> None:
    """InputError unless every entry of the exact matrix ``A`` has magnitude <= 10^exponent
    (and, with ``tiny``, every nonzero entry magnitude >= 10^-exponent).

    For commands whose numeric helpers compute in binary floats (validate, numrank, rate):
    beyond this their squares and products overflow (or the entries exceed the largest float,
    about 1.8e308), so the input is refused with the offending entry named."""
    arr = float_origin(A) if not tiny else None
    if arr is not None and (arr.size == 0 or float(abs(arr).max()) < 0.999 * 10.0 ** exponent):
        return  # read from these floats exactly: their largest magnitude is below the bound
    bound, low = fmpq(10) ** exponent, fmpq(1, 10 ** exponent)
    n = A.ncols()
    N, d = A.numer_denom()  # A = N / d: one integer pass finds whether any entry needs a closer look
    big = max((abs(v) for v in N.entries()), default=0)
    small = min((abs(v) for v in N.entries() if v), default=None) if tiny else None
    if big <= bound * d and (small is None or small >= low * d):
        return
    for idx, x in enumerate(A.entries()):
        a = abs(x)
        if a > bound:
            digits = len(str(a.p // a.q)) - 1
            raise InputError(f"{where}[{idx // n}][{idx % n}]: magnitude about 1e{digits} is too large for the "
                             f"floating-point part of this command (at most 1e{exponent})")
        if tiny and a != 0 and a < low:
            raise InputError(f"{where}[{idx // n}][{idx % n}]: nonzero magnitude below 1e-{exponent} is too small "
                             f"for the floating-point part of this command")

