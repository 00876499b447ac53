"""Certified bounds on the global minimum value of a deep linear network's square loss
(``exactopen validate``; the certificate part ``global`` of ``validate_network``).

For L(W) = 1/2 |W_h ... W_1 X - Y|_F^2 every product W_h ... W_1 has rank <= r = min_i d_i,
so min L is the minimum of 1/2 |Z X - Y|^2 over rank Z <= r -- the problem of claim lem-7,
whose minimum is given by Eckart-Young (1/2 |Y|^2 - 1/2 S_r(M), M = Y X^T (X X^T)^+ X Y^T).
:func:`global_lower_bound` certifies both sides of that value without computing an
eigenvalue exactly:

* a lower bound LB <= min L: Ky Fan's dual bound with a Schur-complement PSD certificate of
  the dual matrix K (the checker, :mod:`exactopen.kernel.validate`, rebuilds K from the
  certificate's F, delta and mu and checks the PSD evidence);
* an upper bound UB = L(Z) >= min L at an exact network point Z near the Eckart-Young
  minimiser (factored through every width, so it is a point of the network).

So L(W) - UB <= L(W) - min L <= L(W) - LB: W is epsilon-global with epsilon = L(W) - LB.
The bounds decide no claim of the paper; they apply lem-7's minimum to the user's point.

NUMERIC: M, its top eigenpairs, F, mu and the Eckart-Young point are computed in floats and
rounded (:mod:`exactopen.exact.floats`); the PSD certificate, LB and UB are exact.  When the
network's rank bound r is at least d_h (no bottleneck below the output width), F and the PSD
factor are computed without BLAS or LAPACK, so the certificate does not depend on them; with
a bottleneck F comes from a float eigendecomposition, which can.  The reproducible products
and factors are those of :mod:`exactopen.exact.reproducible` (exact slice products through
the BLAS), and the Gram blocks are the kernel's exact ones, rounded, when it formed them.
"""

from __future__ import annotations

import math

from flint import fmpq, fmpq_mat

from exactopen.exact import matrix as mx
from exactopen.exact.floats import (
    float_network,
    from_float,
    integer_form_to_float,
    power_of_two_below,
    to_float,
    to_grid,
)
from exactopen.exact.reproducible import cholesky_blocked, lower_solve_blocked, matmul_sliced
from exactopen.exact.numbers import rational_str
from exactopen.numeric.rank import psd_certificate

UNCHECKED_ROWS = 512  # from this size of the dual matrix on, its factor is proposed unchecked


def global_lower_bound(net, checked: bool | None = True):
    """(result part, evidence part) of exact bounds LB <= min L <= UB (square loss), or None
    (weighted loss, or no dual certificate found).  ``checked=False``: the dual bound's PSD
    factor is the first float proposal (at a shift delta 100 times the smallest tried when
    checking), not checked exactly here: the caller's checker run decides
    (:func:`exactopen.numeric.validate.validate` falls back to ``checked=True``); None: False
    when the dual matrix has at least :data:`UNCHECKED_ROWS` rows (where the exact check costs
    seconds), else True.

    NUMERIC: M = Y B^T (B B^T)^-1 B Y^T in floats, its top r eigenpairs give F and mu; delta
    grows until the dual matrix K has an exact PSD certificate (lem-7's minimum, bounded)."""
    import numpy as np

    from exactopen.exact import linalg

    if net.weights is not None:
        return None
    X, Y = net.X, net.Y
    dh = Y.nrows()
    _, Xf, Yf = float_network(net)
    ev = {}
    B, Bf = X, Xf
    grams = _kernel_grams(net)
    if grams is not None and Xf.shape[0] <= Xf.shape[1]:
        # the squared singular values of X are the eigenvalues of X X^T (no SVD of the wide X);
        # float noise in them is about 1e-16 of the largest, so the test is at 1e-12 (1e-6 in sigma)
        lam_s = np.linalg.eigvalsh(grams[0]) if grams[0].size else np.zeros(0)
        wide = lam_s.size == 0 or lam_s[0] <= 1e-12 * lam_s[-1]
    else:
        sv = np.linalg.svd(Xf, compute_uv=False) if Xf.size else np.zeros(0)
        wide = sv.size == 0 or sv[-1] <= 1e-9 * sv[0]
    if wide or Xf.shape[0] > Xf.shape[1]:
        B, _ = linalg.row_space(X)  # rows of X spanning its row space: X = C B
        if B.nrows() == 0:
            return None
        sol = linalg.solve(B.transpose(), X.transpose())
        if not sol.solvable:
            return None
        ev.update({"B": mx.to_json(B, True), "C": mx.to_json(sol.X.transpose(), True)})
        Bf = to_float(B)
    r = min(net.r, dh)
    full = _full_rank_dual(Bf, Yf, grams if B is X else None) if r >= dh and dh else None
    if full is not None:  # reproducible: no BLAS or LAPACK on the way to F
        S, N, F, scale, top = full
        mu_f, mu, Ur = 0.0, fmpq(0), np.eye(dh)
    else:
        S, N = Bf @ Bf.T, Bf @ Yf.T
        M = N.T @ np.linalg.solve(S, N)
        lam, U = np.linalg.eigh((M + M.T) / 2)
        lam, U = lam[::-1], U[:, ::-1]
        mu_f = max(float(lam[r]), 0.0) if r < dh else 0.0
        mu = from_float(mu_f)
        F = to_grid(U[:, :r] * np.sqrt(np.maximum(lam[:r] - mu_f, 0.0))) if r else fmpq_mat(dh, 0)
        scale = max(float(lam[0]) if lam.size else 0.0, float(np.max(np.diag(S))) if S.size else 0.0, 1e-300)
        top, Ur = float(np.sum(np.maximum(lam[:r], 0.0))), U[:, :r]
    yy = float(np.sum(Yf * Yf))
    if yy - top <= 1e-9 * yy:
        # min L is about 0 (Y nearly in the reach of the network): the dual bound would be
        # below 0 by its shift, so the trivial bound L >= 0 is the better one
        LB, ev = fmpq(0), {"method": "nonnegative"}
    else:
        LB, ev = _dual_bound(B, Y, F, mu, r, scale, ev, (S, N, mu_f), checked)
        if LB is None:
            return None
    L0 = net.loss()
    result = {"lower_bound": rational_str(LB), "gap": rational_str(L0 - LB)}
    evidence = ev
    # an upper bound too: an exact network point near the Eckart-Young minimiser
    if grams is not None and B is X:  # X of full row rank: Y X^+ = (S^-1 X Y^T)^T, no SVD of X
        Zf = Ur @ (Ur.T @ np.linalg.solve(grams[0], grams[1]).T)
    else:
        Zf = Ur @ (Ur.T @ Yf @ np.linalg.pinv(Xf))
    # rounded to 26 significant bits per layer: float (BLAS) noise at 1e-16 almost never crosses
    # a rounding boundary, so the point does not depend on the BLAS; the loss at a minimiser
    # grows only quadratically with the rounding (about 2^-52 |Y|^2)
    best = [to_grid(A, 26) for A in _factor_layers(Zf, Ur, net.widths)]
    evidence["point"] = [mx.to_json(A, True) for A in best]
    UB = loss_at(net, best, evidence["point"])
    result.update({"upper_bound": rational_str(UB), "gap_lower": rational_str(L0 - UB)})
    return result, evidence


def loss_at(net, layers: list, layers_json: list) -> fmpq:
    """The exact loss at a point: by the kernel (which remembers it for the check of the
    certificate) when :func:`exactopen.numeric.validate.validate` left it the data, else here."""
    data = net._cache.get("kernel_data")
    if data is None:
        return net.loss_at(layers)
    from exactopen.kernel.validate import exact_loss_at

    return exact_loss_at(data, layers_json)


def _kernel_grams(net):
    """NUMERIC: float copies of the Gram blocks (X X^T, X Y^T), each entry the exact value
    correctly rounded, when the kernel formed them for the exact loss (else None)."""
    data = net._cache.get("kernel_data")
    if data is None:
        return None
    from exactopen.kernel.validate import gram_forms

    forms = gram_forms(data)
    if forms is None:
        return None
    (SZ, sd), (NZ, nd) = forms
    return integer_form_to_float(SZ, sd), integer_form_to_float(NZ, nd).T


def _full_rank_dual(Bf, Yf, grams=None):
    """NUMERIC, reproducible: when r >= d_h, mu = 0 and any F with F F^T >= M serves, so F is the
    Cholesky factor of M + eps I (eps = 2^-42 scale), M = N^T S^-1 N with S = B B^T, N = B Y^T
    (``grams``: (S, N) rounded from the exact values, else by :func:`matmul_sliced`) -- every
    step reproducible, the products by exact slice products
    (:mod:`exactopen.exact.reproducible`), so F does not depend on the CPU kernel, the BLAS or
    the thread count.  (S, N, F, scale, tr M), or None if a Cholesky step fails."""
    import numpy as np

    try:
        S, N = grams if grams is not None else (matmul_sliced(Bf, Bf.T), matmul_sliced(Bf, Yf.T))
        Z = lower_solve_blocked(cholesky_blocked(S), N)
        M = matmul_sliced(Z.T, Z)
        scale = max(float(np.max(np.diag(M))), float(np.max(np.diag(S))), 1e-300)
        eps = power_of_two_below(2.0 ** -42 * scale)
        F = to_grid(cholesky_blocked(M + eps * np.eye(M.shape[0])))
    except np.linalg.LinAlgError:
        return None
    return S, N, F, scale, float(np.add.reduce(np.diag(M)))


def _dual_bound(B, Y, F, mu, r, scale, ev, floats, checked: bool = True):
    """(LB, evidence) of the Ky Fan / Schur dual bound, or (None, None) if no shift delta
    gives a PSD certificate (``ev``: the evidence of B = rows of X, if any; ``floats``: the
    float blocks B B^T, B Y^T and mu, for the float copy of K that proposes the factor;
    ``checked=False``: the first float factor, unchecked)."""
    import numpy as np

    from exactopen.kernel.validate import dual_matrix

    dh = Y.nrows()
    nb = B.nrows()
    if checked is None:
        checked = nb + dh < UNCHECKED_ROWS
    if checked:
        K0, D0 = dual_matrix(B, Y, F, fmpq(0), mu)  # K(delta) = K0 / D0 + delta diag(0, I)
    S, N, mu_f = floats
    Ff = to_float(F)
    Kf0 = np.block([[S, N], [N.T, matmul_sliced(Ff, Ff.T) + mu_f * np.eye(dh)]])
    # rounding L to 53 bits and Cholesky's backward error leave a residue of about n^2 2^-53
    # (relative) in the row sums of K - L L^T: smaller shifts delta are not tried (an
    # unchecked proposal keeps a margin of 100)
    floor = (nb + dh) ** 2 * 2.0 ** -62 * (1 if checked else 100)
    for rel in [x for x in (1e-15, 1e-13, 1e-11, 1e-9, 1e-7) if x >= floor] + [1e-5]:
        delta = fmpq(2) ** math.floor(math.log2(rel * scale))
        Kf = Kf0.copy()
        Kf[range(nb, nb + dh), range(nb, nb + dh)] += float(delta)
        if checked:
            K, D = _shifted(K0, D0, nb, delta)
            pev = psd_certificate(K, dyadic=True, den=D, Af=Kf)
        else:
            pev = psd_certificate(None, dyadic=True, Af=Kf, max_tries=1)
        if pev is not None:
            break
    else:
        return None, None
    LB = (mx.frobenius_sq(Y) - r * mu - mx.frobenius_sq(F) - delta * dh) / 2
    return LB, {"method": "ky_fan_schur", **ev, "mu": rational_str(mu), "F": mx.to_json(F, True),
                "delta": rational_str(delta), "psd": pev}


def _shifted(K0, D0, nb: int, delta: fmpq):
    """(Z, D) with Z / D = K0 / D0 + delta diag(0_nb, I): the dual matrix for another delta."""
    D = math.lcm(int(D0), int(delta.q))
    Z = K0 * (D // int(D0))
    add = int(delta.p) * (D // int(delta.q))
    for i in range(nb, K0.nrows()):
        Z[i, i] += add
    return Z, D


def _factor_layers(Zf, Ur, widths) -> list:
    """NUMERIC: layers (input first) with product Zf = Ur (Ur^T Zf), rank r through every width."""
    import numpy as np

    h = len(widths) - 1
    if h == 1:
        return [Zf]
    r = Ur.shape[1]
    out = []
    for k in range(1, h + 1):
        A = np.zeros((widths[k], widths[k - 1]))
        if k == 1:
            A[:r, :] = Ur.T @ Zf
        elif k == h:
            A[:, :r] = Ur
        else:
            A[:r, :r] = np.eye(r)
        out.append(A)
    return out
