"""Checker for certificates about numerical results: ``numerical_rank`` and
``validate_network`` (claims lem-7, thm-8 applied to float weights).

Everything is recomputed here from the exact (dyadic) inputs; the certificate supplies only
factors, directions and dual matrices.  Irrational quantities are never computed:

* PSD facts use :func:`psd`: either ``{"method": "factor", "L": L}`` -- then A - L L^T is
  symmetric and diagonally dominant with a nonnegative diagonal, hence PSD (Gershgorin), so
  A = L L^T + (A - L L^T) is PSD -- or ``{"method": "exact"}`` (signs of the characteristic
  polynomial, :func:`exactopen.kernel.primitives.psd_nullity`).
* sigma_k(A) >= s: V (n x k) of full column rank with V^T (A^T A - s^2 I) V PSD.  Then every
  x in the k-dimensional space C(V) has |Ax|^2 >= s^2 |x|^2, so by Courant-Fischer
  lambda_k(A^T A) = max over k-dim subspaces of the min Rayleigh quotient >= s^2.
* "within eta of rank <= k": factors P (m x k), Q (k x n) and eta^2 = |A - PQ|_F^2 exactly.
* min over the network of 1/2|W_h..W_1 X - Y|^2 >= 0 (method "nonnegative": a sum of
  squares; the generator uses it when min L is about 0, where the dual bound below is weaker),
  or >= LB (method "ky_fan_schur"; square loss): the network's products
  have rank <= r = min_i d_i, and min over rank <= r of 1/2|ZX - Y|^2 = 1/2|Y|^2 -
  1/2 S_r'(M), r' = min(r, d_h), M = Y X^T (X X^T)^+ X Y^T, S_r' the sum of the r' largest
  eigenvalues (Eckart-Young after projecting Y on the row space of X).  X may be replaced by
  any B with X = C B (then M grows in the Loewner order, the bound stays valid).  With Q = F F^T +
  delta I (PSD, delta >= 0) and a rational mu: if K = [[X X^T, X Y^T], [Y X^T, Q + mu I]]
  is PSD then Q + mu I - M is PSD (generalised Schur complement), so
  S_r'(M) <= S_r'(Q + mu I) <= r' mu + tr Q (Ky Fan) and LB = 1/2(|Y|^2 - r' mu - tr Q).
"""

from __future__ import annotations

import math

from flint import fmpq, fmpq_mat, fmpz

from exactopen.kernel.core import kind, nested, rely, same_matrix
from exactopen.kernel.network import (
    Grams,
    gram_key,
    memo_loss,
    memo_loss_gradient,
    problem,
    problem_key,
    remember,
)
from exactopen.kernel.primitives import (
    METER,
    PY,
    QM,
    ZM,
    approx,
    dist2,
    field,
    fro2,
    full_column_rank,
    limbs,
    matrix,
    optional,
    psd_nullity,
    rank_exactly,
    rational,
    require,
    same_shape,
)


def diagonally_dominant(R) -> bool:
    """R (fmpq_mat or fmpz_mat) symmetric with R_ii >= sum_{j != i} |R_ij| for every i (so R
    is PSD by Gershgorin).  Tested on the integer matrix c R (c > 0 the common denominator:
    same signs, same inequalities)."""
    n = R.nrows()
    if R.ncols() != n or R != R.transpose():
        return False
    Z = QM.wrap(R).numer_denom()[0] if isinstance(R, (QM, fmpq_mat)) else ZM.wrap(R)
    METER.charge(n * n * (PY + 2 * limbs(Z.nb)), f"the row sums of a {n}x{n} matrix")
    rows = Z.tolist()
    return all(r[i] >= sum(map(abs, r)) - abs(r[i]) for i, r in enumerate(rows))


LOWER_GRAM_CUTOFF = 384  # below this side L L^T is one product


def lower_gram(Z):
    """Z Z^T for an integer matrix Z (a ZM or fmpz_mat), exactly; when Z is square and lower
    triangular (its upper right block is tested to be zero) by blocks, the zero block skipped:
    with Z = [[A, 0], [B, C]], Z Z^T = [[A A^T, A B^T], [B A^T, B B^T + C C^T]], A and C again
    by blocks -- about a third of the work of one product.  Returns a ZM."""
    Z = ZM.wrap(Z)
    n = Z.nrows()
    if n < LOWER_GRAM_CUTOFF or Z.ncols() != n:
        return Z * Z.transpose()
    k = n // 2
    rows = Z.tolist()
    METER.charge(k * (n - k) * PY, f"testing the upper right block of a {n}x{n} matrix for zero")
    if any(any(r[k:]) for r in rows[:k]):
        return Z * Z.transpose()
    nb = Z.nb
    A = ZM.new(k, k, [x for r in rows[:k] for x in r[:k]], nb, "a diagonal block of a triangular factor")
    B = ZM.new(n - k, k, [x for r in rows[k:] for x in r[:k]], nb, "a block of a triangular factor")
    C = ZM.new(n - k, n - k, [x for r in rows[k:] for x in r[k:]], nb, "a diagonal block of a triangular factor")
    del rows
    AA, BA = lower_gram(A), B * A.transpose()
    BB = B * B.transpose() + lower_gram(C)
    del A, B, C
    top = [a + c for a, c in zip(AA.tolist(), BA.transpose().tolist())]
    bottom = [a + c for a, c in zip(BA.tolist(), BB.tolist())]
    nb = max(AA.nb, BA.nb, BB.nb)
    return ZM.new(n, n, [x for r in top + bottom for x in r], nb, f"the {n}x{n} product L L^T")


def factor_certifies(A, L: fmpq_mat, den=1) -> bool:
    """A / den - L L^T is diagonally dominant with a nonnegative diagonal (A an fmpq_mat or an
    integer matrix, den > 0), tested on the integer matrix a l^2 den (A / den - L L^T) =
    l^2 (a A) - a den (l L)(l L)^T (a, l the common denominators of A and L)."""
    ZA, a = QM.wrap(A).numer_denom() if isinstance(A, (QM, fmpq_mat)) else (ZM.wrap(A), 1)
    ZL, l = QM.wrap(L).numer_denom()
    return diagonally_dominant(ZA * (l * l) - lower_gram(ZL) * (a * den))


def psd(A, ev, where: str, den=1) -> None:
    """A / den is PSD (A an fmpq_mat or an integer matrix, den > 0), by a factor (A / den - L L^T
    diagonally dominant) or by exact LDL^T."""
    method = field(ev, "method", str, where)
    require(A.ncols() == A.nrows() and A == A.transpose(), f"{where}: the matrix is not symmetric")
    if method == "factor":
        L = matrix(field(ev, "L", dict, where), where + ".L")
        require(L.nrows() == A.nrows(), f"{where}.L has {L.nrows()} rows, expected {A.nrows()}")
        require(factor_certifies(A, L, den), f"{where}: A - L L^T is not diagonally dominant with a nonnegative diagonal")
        rely("gershgorin")
        return
    require(method == "exact", f"{where}: unknown PSD method {method[:40]!r}")
    psd_nullity(QM.wrap(A), where)
    rely("spectral")


def _claimed(obj, key: str, value: fmpq, where: str) -> fmpq:
    got = rational(field(obj, key, str, where), f"{where}.{key}")
    require(got == value, f"{where}.{key} is {got}, the exact value is {value}")
    return got


# ---------------------------------------------------------------------------------------
# numerical_rank
# ---------------------------------------------------------------------------------------

@kind("numerical_rank")
def check_numerical_rank(cert: dict) -> str:
    """Exact rank, distances to lower-rank matrices, and lower bounds on singular values."""
    for key in cert["inputs"]:
        require(key == "A", f"inputs.{key}: unknown field")
    A = matrix(field(cert["inputs"], "A", dict, "inputs"), "inputs.A")
    res, ev = cert["result"], cert["evidence"]
    m, n = A.nrows(), A.ncols()
    r = field(res, "rank", int, "result")
    rank_exactly(A, field(ev, "rank", dict, "evidence"), r, "evidence.rank")
    out = [f"rank = {r}"]
    apps = field(res, "approximations", list, "result")
    eapps = field(ev, "approximations", list, "evidence")
    require(len(apps) == len(eapps), "result/evidence approximations differ in length")
    for i, (a, e) in enumerate(zip(apps, eapps)):
        w = f"approximations[{i}]"
        k = field(a, "rank", int, "result." + w)
        require(0 <= k <= min(m, n), f"result.{w}.rank out of range")
        P = matrix(field(e, "P", dict, "evidence." + w), f"evidence.{w}.P")
        Q = matrix(field(e, "Q", dict, "evidence." + w), f"evidence.{w}.Q")
        same_shape(P, m, k, f"evidence.{w}.P")
        same_shape(Q, k, n, f"evidence.{w}.Q")
        d2 = _claimed(a, "distance_sq", fro2(A - P * Q), "result." + w)
        out.append(f"a matrix of rank <= {k} lies at squared distance {d2} (about {approx(d2)}) from A")
    bounds = field(res, "singular_value_bounds", list, "result")
    ebounds = field(ev, "singular_value_bounds", list, "evidence")
    require(len(bounds) == len(ebounds), "result/evidence singular_value_bounds differ in length")
    for i, (b, e) in enumerate(zip(bounds, ebounds)):
        w = f"singular_value_bounds[{i}]"
        k = field(b, "index", int, "result." + w)
        require(1 <= k <= min(m, n), f"result.{w}.index out of range 1..{min(m, n)}")
        s = rational(field(b, "lower", str, "result." + w), f"result.{w}.lower")
        require(s >= 0, f"result.{w}.lower is negative")
        V = matrix(field(e, "V", dict, "evidence." + w), f"evidence.{w}.V")
        same_shape(V, n, k, f"evidence.{w}.V")
        rows = field(e, "V_minor_rows", list, "evidence." + w)
        full_column_rank(V, {"rows": rows, "cols": list(range(k))}, f"evidence.{w}.V")
        AV = A * V
        psd(AV.transpose() * AV - V.transpose() * V * (s * s), field(e, "psd", dict, "evidence." + w),
            f"evidence.{w}.psd")
        rely("courant-fischer")
        out.append(f"sigma_{k}(A) >= {s} (about {approx(s)})")
    return "; ".join(out)


# ---------------------------------------------------------------------------------------
# validate_network
# ---------------------------------------------------------------------------------------

def _global_lower_bound(Ws, X, Y, w, lb: dict, grams: Grams | None = None) -> fmpq:
    """The certified lower bound LB <= min L (module docstring); returns LB.  ``grams``: the
    problem's Gram blocks X X^T, Y X^T (the dual matrix's blocks when B = X)."""
    require(w is None, "the lower bound is for the unweighted square loss")
    where = "evidence.global"
    method = field(lb, "method", str, where)
    if method == "nonnegative":  # L is half a sum of squares: LB = 0, nothing to check
        return fmpq(0)
    require(method == "ky_fan_schur", f"{where}.method must be 'ky_fan_schur' or 'nonnegative'")
    B = X
    if "B" in lb:  # X = C B: the row space of X lies in that of B, so M_X <= M_B
        B = matrix(lb["B"], where + ".B")
        C = matrix(field(lb, "C", dict, where), where + ".C")
        same_shape(C, X.nrows(), B.nrows(), where + ".C")
        same_shape(B, B.nrows(), X.ncols(), where + ".B")
        require(C * B == X, f"{where}: X != C B")
    dh = Y.nrows()
    r = min(min([Ws[0].ncols()] + [W.nrows() for W in Ws]), dh)
    mu = rational(field(lb, "mu", str, where), where + ".mu")
    F = matrix(field(lb, "F", dict, where), where + ".F")
    require(F.nrows() == dh, f"{where}.F has {F.nrows()} rows, expected {dh}")
    delta = rational(field(lb, "delta", str, where), where + ".delta")
    require(delta >= 0, f"{where}.delta is negative")
    K, D = _dual_matrix(B, Y, F, delta, mu, grams.get() if grams is not None and B is X else None)
    psd(K, field(lb, "psd", dict, where), where + ".psd", D)
    rely("schur"); rely("ky-fan"); rely("eckart-young")
    return (fro2(Y) - r * mu - fro2(F) - delta * dh) / 2


def exact_loss_gradient(inputs: dict, files=None) -> tuple:
    """For the generator of ``exactopen validate``: (L, |grad L|^2, [dL/dW_k as (N, d), N an
    fmpz_mat], data) at the point and data ``inputs`` (a validate_network certificate's inputs,
    embedded or referring to the input files ``files``), computed by this kernel and
    remembered for the check of the certificate that carries these inputs.  ``data`` =
    (X, Y, inputs, grams), grams the problem's :class:`Grams` (formed and remembered for the
    check's dual matrix when the loss used them: :func:`gram_forms`)."""
    from exactopen.kernel.files import _DECODED, FILES, MEMO, clear, provide
    from exactopen.kernel.primitives import BUDGET

    _DECODED.clear()
    MEMO.clear()
    provide(files, BUDGET["input_bytes"])
    try:
        Ws, X, Y, w, _ = problem(inputs)
        grams = Grams(X, Y, gram_key(inputs) if w is None else None)
        L, g2, grads = memo_loss_gradient(Ws, X, Y, w, None, grams)
        key = problem_key(inputs)
        if key is not None:
            remember(key, (L, g2))
    finally:
        clear()
        METER.stop()
    FILES.keep = True  # hand the decoded inputs and the values over to the check of the certificate
    return L, g2, [(N.M, d) for N, d in grads], (X, Y, inputs, grams)


def exact_loss_at(data, layers_json: list) -> fmpq:
    """For the generator: the loss at the point ``layers_json`` (matrix objects as the
    certificate will carry them) with the data of :func:`exact_loss_gradient` (its last
    value), computed by this kernel and remembered for the check."""
    from exactopen.kernel.files import FILES

    X, Y, inputs, grams = data
    Vs = [matrix(M, f"point[{i}]") for i, M in enumerate(layers_json)]
    try:
        return memo_loss(Vs, X, Y, None, problem_key(inputs, layers_json), grams)
    finally:
        METER.stop()
        FILES.keep = True


def gram_forms(data) -> tuple | None:
    """For the generator: (X X^T, Y X^T) as (N, d) pairs (N an fmpz_mat) from the data of
    :func:`exact_loss_gradient`, when the kernel formed them, else None."""
    grams = data[3]
    return None if grams.value is None else tuple((N.M, d) for N, d in grams.value)


def dual_matrix(B, Y, F, delta: fmpq, mu: fmpq) -> tuple:
    """(Z, D), Z an integer matrix (a plain fmpz_mat) and D > 0 an integer with Z / D = K = [[B B^T,
    B Y^T], [Y B^T, F F^T + (delta + mu) I]] (its PSD-ness bounds S_r(M)).  For the generator."""
    Z, D = _dual_matrix(B, Y, F, delta, mu)
    return Z.M, D


def _dual_matrix(B, Y, F, delta: fmpq, mu: fmpq, grams=None) -> tuple:
    """(Z, D) as in :func:`dual_matrix`, Z a :class:`ZM`: D is a common denominator of the
    blocks, which are integer products (``grams``: B B^T and Y B^T as integer forms, if formed
    already)."""
    dh, s = Y.nrows(), fmpq(delta + mu)
    if grams is None:
        (ZB, b), (ZY, y) = (QM.wrap(M).numer_denom() for M in (B, Y))
        ZBt = ZB.transpose()
        grams = ((ZB * ZBt, b * b), (ZY * ZBt, y * b))
    (SZ, sd), (NZ, nd) = grams
    ZF, f = QM.wrap(F).numer_denom()
    D = math.lcm(int(sd), int(nd), int(f * f), int(s.q))
    Sm = SZ * (D // int(sd)) if D != sd else SZ
    N = NZ * (D // int(nd)) if D != nd else NZ  # Y B^T: the lower left block
    Cm = lower_gram(ZF) * (D // int(f * f))
    shift = int(s.p) * (D // int(s.q))
    nb = max(Sm.nb, N.nb, Cm.nb + 1, shift.bit_length() + 1)
    S, C, NL = Sm.tolist(), Cm.tolist(), N.tolist()
    for i in range(dh):
        C[i][i] += shift
    rows = [a + c for a, c in zip(S, N.transpose().tolist())] + [a + c for a, c in zip(NL, C)]
    n = B.nrows() + dh
    return ZM.new(n, n, [x for row in rows for x in row], nb, "the dual matrix K"), D


def _snapped(cert, X, Y, where: str) -> list:
    """Check the embedded classification; return its layers (same X, Y, no weights)."""
    sub = nested(cert, "certificate", "landscape_point", where)
    require(sub["inputs"].get("weights") is None, f"{where}: the snapped point is for a weighted loss")
    same_matrix(sub["inputs"]["X"], X, f"{where}.certificate.inputs.X")
    same_matrix(sub["inputs"]["Y"], Y, f"{where}.certificate.inputs.Y")
    Ws2, _, _, _, _ = problem(sub["inputs"])
    return Ws2, sub


def _nearby(Ws, X, Y, res: dict, ev: dict) -> str:
    """``result.nearby``: the embedded landscape_point certificate is checked in full; its data
    X', Y' and layers W' have the shapes of X, Y, W; the claimed squared distances |W - W'|^2,
    |X - X'|^2, |Y - Y'|^2 and the verdict are the exact ones."""
    where = "evidence.nearby"
    nr = field(res, "nearby", dict, "result")
    sub = nested(field(ev, "nearby", dict, "evidence"), "certificate", "landscape_point", where)
    require(sub["inputs"].get("weights") is None, f"{where}: the nearby problem has a weighted loss")
    Ws2, X2, Y2, _, _ = problem(sub["inputs"])
    same_shape(X2, X.nrows(), X.ncols(), f"{where}.certificate.inputs.X")
    same_shape(Y2, Y.nrows(), Y.ncols(), f"{where}.certificate.inputs.Y")
    d2 = _claimed(nr, "distance_sq", _dist2(Ws, Ws2, f"{where}.certificate.inputs.layers"), "result.nearby")
    dc = field(nr, "data_change_sq", dict, "result.nearby")
    for key in dc:
        require(key in ("X", "Y"), f"result.nearby.data_change_sq.{key[:40]}: unknown field")
    dx = _claimed(dc, "X", dist2(X, X2), "result.nearby.data_change_sq")
    dy = _claimed(dc, "Y", dist2(Y, Y2), "result.nearby.data_change_sq")
    v = field(nr, "verdict", str, "result.nearby")
    require(v == sub["result"]["verdict"], "result.nearby.verdict differs from the embedded certificate's verdict")
    require(v != "not_critical", "result.nearby: the embedded point is not critical")
    return (f"W is at squared distance {approx(d2)} from W', an exact critical point ({v.replace('_', ' ')}) of "
            f"the problem with data X', Y' at squared distances {approx(dx)}, {approx(dy)} from X, Y")


def _enclosure(lo: fmpq, hi: fmpq) -> tuple:
    """Decimals lo' <= lo and hi' >= hi (rounded outward) with the fewest significant digits, 4
    to 30, that make hi' - lo' <= 2 (hi - lo), so that bounds that differ never read alike (text
    of the statement only; :func:`approx` when lo = hi)."""
    if lo >= hi:
        return approx(lo), approx(hi)
    top = max(abs(lo), abs(hi))
    e = len(str(top.p)) - len(str(top.q))  # fmpz: no digit limit
    if top < fmpq(10) ** e:
        e -= 1  # now 10^e <= top < 10^(e+1)
    for d in range(4, 31):
        k = d - 1 - e
        a, b = lo * fmpq(10) ** k, hi * fmpq(10) ** k
        a, b = int(a.p) // int(a.q), -(-int(b.p) // int(b.q))  # floor, ceiling
        if b - a <= 2 * (hi - lo) * fmpq(10) ** k:
            break
    return tuple(_decimal(x, k) for x in (a, b))


def _decimal(n: int, k: int) -> str:
    """n * 10^-k as a plain decimal (fmpz's conversion: no digit limit)."""
    if n == 0:
        return "0"
    if k <= 0:
        return str(fmpz(n * 10 ** -k))
    t = str(fmpz(abs(n))).rjust(k + 1, "0")
    return ("-" if n < 0 else "") + t[:-k] + "." + t[-k:]


def _dist2(A: list, B: list, where: str) -> fmpq:
    require(len(A) == len(B), f"{where}: different numbers of layers")
    for k, (a, b) in enumerate(zip(A, B)):
        same_shape(b, a.nrows(), a.ncols(), f"{where}[{k}]")
    return sum((dist2(a, b) for a, b in zip(A, B)), fmpq(0))


@kind("validate_network")
def check_validate_network(cert: dict) -> str:
    """Facts about a (float) point W of L = 1/2|W_h..W_1 X - Y|^2: exact loss and gradient
    norm, an exact lower bound on min L (gap), a lower point near W, a snapped exact point, an
    exact critical point of a nearby problem."""
    Ws, X, Y, w, _ = problem(cert["inputs"])
    require(w is None, "validate_network is for the unweighted square loss")
    res, ev = cert["result"], cert["evidence"]
    grams = Grams(X, Y, gram_key(cert["inputs"]))  # X X^T and Y X^T, formed once if used
    L, G2, _ = memo_loss_gradient(Ws, X, Y, w, problem_key(cert["inputs"]), grams)
    L0 = _claimed(res, "loss", L, "result")
    g2 = _claimed(res, "gradient_norm_sq", G2, "result")
    # the figures of the statement in the user's loss convention: L, or E = 2 L / (d_h n) (a label
    # that changes no check; the exact values in the result are always those of L)
    conv = optional(res, "loss_convention", str, "result") or "sum"
    require(conv in ("sum", "mean"), "result.loss_convention must be 'sum' or 'mean'")
    s, E = (fmpq(1), "L") if conv == "sum" else (fmpq(2, Y.nrows() * Y.ncols()), "E")
    out = [f"at the given weights W, {E}(W) = {approx(s * L0)} and |grad {E}(W)|^2 = {approx(s * s * g2)} "
           + ("(exact values in the result)" if conv == "sum" else
              "(exact values of L in the result), where E = |W_h..W_1 X - Y|^2 / (d_h n) = 2 L / (d_h n) is the "
              "mean squared error and L = 1/2|W_h..W_1 X - Y|^2")]
    if res.get("global") is not None:
        gl = field(res, "global", dict, "result")
        LB = _global_lower_bound(Ws, X, Y, w, field(ev, "global", dict, "evidence"), grams)
        _claimed(gl, "lower_bound", LB, "result.global")
        _claimed(gl, "gap", L0 - LB, "result.global")
        out.append(f"min {E} >= {approx(s * LB)}, so {E}(W) - min {E} <= {approx(s * (L0 - LB))}")
        if gl.get("upper_bound") is not None:  # a network point attaining the upper bound
            pts = field(ev["global"], "point", list, "evidence.global")
            V = [matrix(M, f"evidence.global.point[{i}]") for i, M in enumerate(pts)]
            _dist2(Ws, V, "evidence.global.point")  # same shapes as W
            UB = _claimed(gl, "upper_bound", memo_loss(V, X, Y, w, problem_key(cert["inputs"], pts), grams), "result.global")
            _claimed(gl, "gap_lower", L0 - UB, "result.global")
            (lo, hi), (glo, ghi) = _enclosure(s * LB, s * UB), _enclosure(s * (L0 - UB), s * (L0 - LB))
            out[-1] = f"min {E} >= {lo}, so {E}(W) - min {E} <= {ghi}"
            out.append(f"min {E} <= {hi} (a network point attains it), so {E}(W) - min {E} >= {glo}")
    if res.get("descent") is not None:
        de = field(res, "descent", dict, "result")
        zs = field(field(ev, "descent", dict, "evidence"), "layers", list, "evidence.descent")
        Z = [matrix(M, f"evidence.descent.layers[{i}]") for i, M in enumerate(zs)]
        rho2 = _claimed(de, "distance_sq", _dist2(Ws, Z, "evidence.descent.layers"), "result.descent")
        L1 = _claimed(de, "loss", memo_loss(Z, X, Y, w, problem_key(cert["inputs"], zs), grams), "result.descent")
        require(L1 < L0, "the descent point does not have a smaller loss")
        _claimed(de, "decrease", L0 - L1, "result.descent")
        out.append(f"a rational point at squared distance {approx(rho2)} from W has a loss lower by "
                   f"{approx(s * (L0 - L1))}")
    if res.get("snap") is not None:
        sn = field(res, "snap", dict, "result")
        Ws2, sub = _snapped(field(ev, "snap", dict, "evidence"), X, Y, "evidence.snap")
        d2 = _claimed(sn, "distance_sq", _dist2(Ws, Ws2, "snapped layers"), "result.snap")
        v = field(sn, "verdict", str, "result.snap")
        require(v == sub["result"]["verdict"], "result.snap.verdict differs from the embedded certificate's verdict")
        rule = []
        tol = sn.get("tolerance")
        if tol is not None:
            t = rational(tol, "result.snap.tolerance")
            require(all(abs(a - b) <= t for W, V in zip(Ws, Ws2) for a, b in zip(W.entries(), V.entries())),
                    "result.snap.tolerance: a snapped entry moved by more than the tolerance")
            rule.append(f"every entry moved by at most {t}")
        den = sn.get("max_denominator")
        if den is not None:
            require(type(den) is int and den >= 1, "result.snap.max_denominator must be a positive integer")
            require(all(b.q <= den or a == b for W, V in zip(Ws, Ws2) for a, b in zip(W.entries(), V.entries())),
                    "result.snap.max_denominator: a snapped entry has a larger denominator")
            rule.append(f"every moved entry has denominator <= {den}")
        out.append(f"a rational point W' at squared distance {approx(d2)} from W"
                   + (f" ({'; '.join(rule)})" if rule else "") + f" is certified: {v.replace('_', ' ')}")
    if res.get("nearby") is not None:
        out.append(_nearby(Ws, X, Y, res, ev))
    return "; ".join(out)
