"""Checker for landscape certificates of deep linear networks (claims thm-8, cor-9, lem-10,
lem-11, lem-19, thm-12, ex-intro, ex-3layer).

Model: layers W_1..W_h (input layer first, W_k is d_k x d_{k-1}), data X (d_0 x n), Y (d_h x n),
optional positive weights w (d_h x n); L(W) = 1/2 sum w_ij (W_h...W_1 X - Y)_ij^2.
Everything (loss, gradient, Hessian, the polynomial L(curve(t)) - L(W)) is recomputed here
from the inputs; the certificate only supplies directions, curves and dual matrices.
Polynomial matrices are lists of fmpq_mat coefficients (index = power of t).
"""

from __future__ import annotations

from flint import fmpq

from exactopen.kernel.core import kind, rely
from exactopen.kernel.curve import curve_polynomial, polynomial_value
from exactopen.kernel.loss import Grams, _use_gram, loss_gradient
from exactopen.kernel.network import (
    adapted_point,
    gauge_change,
    hadamard,
    hessian,
    layers,
    loss,
    problem,
    psd_by_blocks,
    sparse_hessian_of,
)
from exactopen.kernel.primitives import (
    QM,
    chain,
    eye,
    fact,
    field,
    fro2,
    full_column_rank,
    full_row_rank,
    inner,
    is_psd,
    is_zero,
    matrix,
    nonsingular,
    optional,
    psd_nullity,
    rank_at_least,
    rational,
    require,
    same_shape,
    sub,
    within,
)

VERDICTS = ("not_critical", "global_minimum", "strict_saddle", "higher_order_saddle", "local_minimum_not_global",
            "undecided")


def _descent(Ws, X, Y, w, ev, L0, straight: bool, grams=None) -> tuple:
    """The curve gives p with negative lowest coefficient; its point at witness_t is lower:
    L(curve(t0)) = L(W) + p(t0) exactly (p is the exact expansion of L along the curve)."""
    curve = field(ev, "curve", list, "evidence")
    p = curve_polynomial(Ws, X, Y, w, curve, "evidence.curve", grams)
    m = next((i for i, c in enumerate(p) if c != 0), None)
    require(m is not None, "p(t) = L(curve(t)) - L(W) is identically zero")
    require(p[m] < 0, f"lowest coefficient of p(t) (t^{m}) is {p[m]}, not negative")
    if straight:
        require(all(term.get("power") == 1 for term in curve), "a strict saddle needs a straight line W + tD")
        require(m == 2, f"the lowest term of p is t^{m}, not t^2: no negative curvature shown")
    fact(f"p(t) = L(curve(t)) - L(W) expanded exactly: lowest term ({p[m]}) t^{m}, negative")
    t0 = rational(field(ev, "witness_t", str, "evidence"), "evidence.witness_t")
    require(t0 != 0, "evidence.witness_t must be nonzero")
    L1 = L0 + polynomial_value(p, t0)
    require(L1 < L0, "the witness point does not have a smaller loss")
    fact(f"at t = {t0} the curve's rational point has loss {L1} < {L0}")
    return m, p[m], L1


def _ky_fan(Ws, X, Y, w, lb, L0) -> None:
    """L(W) <= 1/2|Y|^2 - 1/2 (r mu + tr Q) <= min over rank Z <= r of 1/2|ZX - Y|^2.

    X = C B with B of full row rank, M = Y B^T (B B^T)^{-1} B Y^T; by Eckart-Young the
    minimum is 1/2|Y|^2 - 1/2 (sum of the r largest eigenvalues of M), and for Q >= 0,
    Q >= M - mu I, that sum is <= r mu + tr Q (Ky Fan).
    """
    require(w is None, "the Ky Fan bound is for the unweighted square loss")
    C = matrix(field(lb, "C", dict, "evidence.lower_bound"), "evidence.lower_bound.C")
    B = matrix(field(lb, "B", dict, "evidence.lower_bound"), "evidence.lower_bound.B")
    same_shape(C, X.nrows(), C.ncols(), "evidence.lower_bound.C")
    same_shape(B, C.ncols(), X.ncols(), "evidence.lower_bound.B")
    require(C * B == X, "X != C B")
    BBt = B * B.transpose()
    require(BBt.det() != 0, "B is not of full row rank")
    M = Y * B.transpose() * BBt.inv() * B * Y.transpose()
    mu = rational(field(lb, "mu", str, "evidence.lower_bound"), "evidence.lower_bound.mu")
    Q = matrix(field(lb, "Q", dict, "evidence.lower_bound"), "evidence.lower_bound.Q")
    same_shape(Q, M.nrows(), M.nrows(), "evidence.lower_bound.Q")
    r = min([Ws[0].ncols()] + [W.nrows() for W in Ws])
    require(is_psd(Q), "Q is not positive semidefinite")
    require(is_psd(Q - M + eye(M.nrows()) * mu), "Q - (M - mu I) is not positive semidefinite")
    rely("spectral"); rely("eckart-young"); rely("ky-fan")
    bound = r * mu + sum((Q[i, i] for i in range(Q.nrows())), fmpq(0))
    require(2 * L0 <= inner(Y, Y) - bound, "L(W) is above the certified lower bound on min L")


def _sizes(obj, where: str) -> list[int]:
    """A list of block sizes (positive integers)."""
    require(isinstance(obj, list) and all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in obj),
            f"{where} is not a list of positive block sizes")
    return obj


def _diagonal_blocks(A: QM, sizes: list[int], what: str) -> list:
    """The diagonal blocks of A (square, blocks of ``sizes`` along the diagonal, in order),
    after checking that every entry outside them is zero; a 1x1 block is returned as a
    rational, a larger one as a QM."""
    N, den = QM.wrap(A).numer_denom()
    n = A.nrows()
    owner = [b for b, s in enumerate(sizes) for _ in range(s)]
    e = N.entries()  # charged: a Python pass over the entries
    for i in range(n):
        oi, row = owner[i], e[i * n:(i + 1) * n]
        bad = next((j for j, x in enumerate(row) if x != 0 and owner[j] != oi), None)
        require(bad is None, f"{what} is not block diagonal: entry ({i}, {bad}) lies outside the blocks and is not 0")
    out, start = [], 0
    for s in sizes:
        idx = list(range(start, start + s))
        out.append(fmpq(e[start * n + start], den) if s == 1 else sub(A, idx, idx))
        start += s
    return out


def _trace(A) -> fmpq:
    return sum((A[i, i] for i in range(A.nrows())), fmpq(0))


def _invariant_split(Ws, X, Y, w, lb, L0) -> tuple[int, int]:
    """L(W) <= 1/2|Y|^2 - 1/2 bound <= min L, the bound from a block split of M (lemma
    ``invariant-split``, docs/checker.md; lem-7, thm-8).

    X = C B (B of full row rank; B = X when C and B are absent), S = B B^T, M = Y B^T S^-1 B Y^T.
    T (d_h x d_h) with columns in blocks T_1..T_m (the ``top`` sizes, then the ``bottom`` ones):
    checked by products that T^T T = diag(G_b) and T^T M T = diag(K_b) are block diagonal, every
    G_b nonsingular (so T is), K_b - mu G_b PSD on the top blocks and mu G_b - K_b PSD on the
    bottom ones (a sign for a 1x1 block, else the characteristic polynomial).  Then
    Q = sum_top T_b G_b^-1 (K_b - mu G_b) G_b^-1 T_b^T is PSD, Q - M + mu I is PSD, and Ky Fan
    gives S_r(M) <= r mu + tr Q = sum_top tr(G_b^-1 K_b) + (r - k) mu, k the top columns.
    No matrix of side d_h is factored: products, and PSD proofs of the blocks only.
    Returns (number of blocks, largest block).
    """
    require(w is None, "the invariant-split bound is for the unweighted square loss")
    where = "evidence.lower_bound"
    B = X
    if "B" in lb or "C" in lb:
        C = matrix(field(lb, "C", dict, where), where + ".C")
        B = matrix(field(lb, "B", dict, where), where + ".B")
        same_shape(C, X.nrows(), C.ncols(), where + ".C")
        same_shape(B, C.ncols(), X.ncols(), where + ".B")
        require(C * B == X, "X != C B")
    S = (B * B.transpose()).refine()
    require(nonsingular(S), "B B^T is singular: B (X when no B is given) is not of full row rank")
    Sinv = S.inv()
    dh = Y.nrows()
    T = matrix(field(lb, "T", dict, where), where + ".T")
    same_shape(T, dh, dh, where + ".T")
    top = _sizes(field(lb, "top", list, where), where + ".top")
    bottom = _sizes(field(lb, "bottom", list, where), where + ".bottom")
    require(sum(top) + sum(bottom) == dh, f"{where}: the block sizes add up to {sum(top) + sum(bottom)}, not d_h = {dh}")
    mu = rational(field(lb, "mu", str, where), where + ".mu")
    sizes = top + bottom
    G = _diagonal_blocks(T.transpose() * T, sizes, "T^T T")
    Z = (B * Y.transpose()).refine() * T  # T^T M T = Z^T S^-1 Z; B Y^T in lowest terms is small
    K = _diagonal_blocks(Z.transpose() * (Sinv * Z), sizes, "T^T M T")
    del Z
    fact(f"T^T T and T^T M T are block diagonal with blocks of sizes {top} (top) and {bottom} (bottom), "
         "M = Y B^T (B B^T)^-1 B Y^T")
    total = fmpq(0)
    for b, (Gb, Kb) in enumerate(zip(G, K)):
        on_top = b < len(top)
        name = f"block {b} ({'top' if on_top else 'bottom'}, {sizes[b]}x{sizes[b]})"
        if sizes[b] == 1:
            require(Gb != 0, f"{name}: a zero column of T")
            D = Kb - mu * Gb
            require(D >= 0 if on_top else D <= 0, f"{name}: its eigenvalue {Kb / Gb} is "
                    f"{'below' if on_top else 'above'} mu = {mu}")
            if on_top:
                total += Kb / Gb
        else:
            require(nonsingular(Gb), f"{name}: its columns of T are dependent")
            D = Kb - Gb * mu
            psd_nullity(D if on_top else -D, f"{name}: {'K_b - mu G_b' if on_top else 'mu G_b - K_b'}", quiet=True)
            if on_top:
                total += _trace(Gb.inv() * Kb)
    r = min([Ws[0].ncols()] + [W.nrows() for W in Ws])
    k = sum(top)
    bound = total + (r - k) * mu
    fact(f"every top block has its eigenvalues >= mu = {mu} >= those of every bottom block; "
         f"S_r(M) <= sum of the top blocks' traces + (r - k) mu = {bound} (r = {r}, k = {k})")
    rely("spectral"); rely("eckart-young"); rely("ky-fan"); rely("invariant-split")
    require(2 * L0 <= fro2(Y) - bound, "L(W) is above the certified lower bound on min L")
    return len(sizes), max(sizes, default=0)


def _local_minimum(Ws, X, Y, w, mb: dict) -> int:
    """W = (W1, W2) is a local minimum (gradient zero is checked by the caller).

    The gauge action (G W1, W2 G^-1), G in GL(r), r = d1, leaves L unchanged; its tangent
    directions t_C = (C W1, -W2 C) span T, of dimension r^2 because W1 has full row rank
    (C W1 = 0 forces C = 0).  Checked: H PSD, H t_C = 0 for C = E_ab, rank H >= N - r^2; so
    N(H) = T.  Then with S a complement of T, (G, s) -> G.(W + s) covers a neighbourhood of W
    (inverse function theorem), L(G.(W + s)) = L(W + s), and H is positive definite on S, so
    s = 0 is a strict local minimum of s -> L(W + s) on S: L >= L(W) near W.
    """
    require(len(Ws) == 2, "the local-minimum proof is for two-layer networks")
    W1, W2 = Ws
    r = W1.nrows()
    full_row_rank(W1, field(mb, "W1_minor", dict, "evidence.morse_bott"), "evidence.morse_bott.W1_minor")
    full_column_rank(W2, field(mb, "W2_minor", dict, "evidence.morse_bott"), "evidence.morse_bott.W2_minor")
    H = hessian(Ws, X, Y, w)
    for a in range(r):
        for b in range(r):
            C = QM.new(r, r)
            C[a, b] = 1
            t = QM.new(H.nrows(), 1, list((C * W1).entries()) + list((-(W2 * C)).entries()))
            require(is_zero(H * t), f"the gauge direction C = E_{a}{b} is not in the null space of H")
    where = "evidence.morse_bott.hessian_minor"
    rank = rank_at_least(H, field(mb, "hessian_minor", dict, "evidence.morse_bott"), where)
    require(rank == H.nrows() - r * r, f"the minor shows rank H >= {rank}, not N - r^2 = {H.nrows() - r * r}")
    psd_nullity(H, "the Hessian")
    for t in ("spectral", "second-order", "inverse-function"):
        rely(t)
    return rank


def _split_psd(Ws, X, Y, w, split: dict) -> tuple[int, int, bool]:
    """The Hessian at W is PSD, shown at a point W' of changed bases where it is sparse.

    W'_k = T_k W_k T_{k-1}^{-1} (:func:`gauge_change` checks T_k T_k^{-1} = I; T_0, T_h the
    identity unless input / output changes are given): L = L' o phi for the invertible linear
    map phi: W -> W' and the loss L' of the changed data X' = T_0 X, Y' = T_h Y with the output
    metric K = T_h^-T T_h^-1, so H(W) = phi^T H'(W') phi: x^T H(W) x = (phi x)^T H'(W') (phi x),
    and H(W) is PSD iff H'(W') is.  H'(W') is built from its nonzeros (:func:`sparse_hessian_of`,
    from X' X'^T = T_0 (X X^T) T_0^T and Y' X'^T = T_h (Y X^T) T_0^T) and proved PSD block by
    block (:func:`psd_by_blocks`; a block-diagonal symmetric matrix, up to a permutation, is
    PSD iff its blocks are).  Unweighted loss only.  Returns (blocks, largest, ends changed)."""
    require(w is None, "evidence.hessian_split: the split Hessian is for the unweighted square loss")
    where = "evidence.hessian_split"
    if "bases" in split:
        Wp, S, C, K = adapted_point(Ws, X, Y, split, where)
        ends = split["bases"][0] is not None or split["bases"][-1] is not None
        fact("the layers W'_k with W_k B_{k-1} = B_k W'_k in bases B_k (each nonsingular: checked)"
             + ("; X X^T = B_0 S' B_0^T and Y X^T = B_h C' B_0^T, so the loss in these bases has data S', C' "
                "and output metric K = B_h^T B_h" if ends else ""))
    else:
        Wp, T0, Th, Uh = gauge_change(Ws, split, where)
        S, C = X * X.transpose(), Y * X.transpose()
        if T0 is not None:
            S, C = T0 * S * T0.transpose(), C * T0.transpose()
        K = None
        if Th is not None:
            C, K = Th * C, Uh.transpose() * Uh
        ends = T0 is not None or Th is not None
        fact("the layers W'_k = T_k W_k T_{k-1}^{-1} in changed bases (T_k T_k^{-1} = I checked)"
             + ("; the data X' = T_0 X, Y' = T_h Y and the output metric K = T_h^-T T_h^-1 give the same loss"
                if ends else " have the same product"))
    N, H = sparse_hessian_of(Wp, S, C, K)
    nb, largest, _nullity = psd_by_blocks(N, H, "the Hessian at W' (recomputed exactly from its nonzeros)")
    return nb, largest, ends


def _descent_claims(res, m: int, c, L1, where: str = "result") -> None:
    """The result restates the descent the checker derived: order, coefficient, witness loss."""
    require(field(res, "descent_order", int, where) == m, f"{where}.descent_order is not {m}")
    require(rational(field(res, "descent_coefficient", str, where), f"{where}.descent_coefficient") == c,
            f"{where}.descent_coefficient is not {c}")
    require(rational(field(res, "witness_loss", str, where), f"{where}.witness_loss") == L1,
            f"{where}.witness_loss is not the witness point's loss {L1}")


def _true(res, key: str) -> None:
    require(field(res, key, bool, "result") is True, f"result.{key} must be true")


def loss_words(w, widths) -> str:
    loss = "1/2 sum w_ij (W_h..W_1 X - Y)_ij^2" if w is not None else "1/2 |W_h..W_1 X - Y|_F^2"
    return f"the point W of the linear network with widths ({','.join(map(str, widths))}), for L(W) = {loss},"


@kind("landscape_point")
def check_landscapepoint(cert: dict) -> str:
    """What kind of point W is for L (verdicts in VERDICTS); see the module docstring."""
    Ws, X, Y, w, widths = problem(cert["inputs"])
    res, ev = cert["result"], cert["evidence"]
    verdict = field(res, "verdict", str, "result")
    require(verdict in VERDICTS, f"unknown verdict {verdict[:40]!r}")
    grams = Grams(X, Y)
    L0, gz = loss_gradient(Ws, X, Y, w, grams.get() if w is None and _use_gram(Ws, X) else None)
    require(rational(field(res, "loss", str, "result"), "result.loss") == L0, "result.loss is not L(W)")
    fact(f"L(W) = {L0}, recomputed from the layers and the data")
    head = loss_words(w, widths)
    grads = [QM.wrap(N) * fmpq(1, d) for N, d in gz]
    del gz
    if verdict == "not_critical":
        g = field(ev, "gradient_entry", dict, "evidence")
        k, i, j = (field(g, key, int, "evidence.gradient_entry") for key in ("layer", "row", "col"))
        require(1 <= k <= len(Ws), "evidence.gradient_entry.layer out of range")
        Gk = grads[k - 1]
        require(0 <= i < Gk.nrows() and 0 <= j < Gk.ncols(), "evidence.gradient_entry index out of range")
        require(Gk[i, j] != 0, f"dL/dW_{k}[{i},{j}] = 0")
        require(rational(field(res, "gradient_value", str, "result"), "result.gradient_value") == Gk[i, j],
                f"result.gradient_value is not dL/dW_{k}[{i},{j}] = {Gk[i, j]}")
        return f"{head} is not a critical point: dL/dW_{k}[{i},{j}] = {Gk[i, j]} != 0 (L(W) = {L0})"
    require(all(is_zero(G) for G in grads), "the gradient is not zero: not a critical point")
    fact("every entry of the gradient dL/dW_k, k = 1..h, is exactly zero")
    if verdict == "global_minimum":
        require(rational(field(res, "min_value", str, "result"), "result.min_value") == L0,
                "result.min_value is not L(W)")
        lb = field(ev, "lower_bound", dict, "evidence")
        method = field(lb, "method", str, "evidence.lower_bound")
        if method == "stationary":
            G = hadamard(chain(Ws, X.nrows()) * X - Y, w) * X.transpose()
            require(is_zero(G), "the function-space gradient (w o (PX - Y)) X^T is not zero")
            rely("convexity")
            return (f"{head} is a global minimum, min L = {L0}: the convex loss is stationary in "
                    "Z = W_h..W_1, so Z minimises it over all matrices")
        if method == "invariant_split":
            nb, largest = _invariant_split(Ws, X, Y, w, lb, L0)
            return (f"{head} is a global minimum, min L = {L0}: L(W) equals a Ky Fan lower bound on min L, "
                    f"proved on {nb} invariant blocks of at most {largest} coordinates")
        require(method == "ky_fan", f"unknown lower-bound method {method[:40]!r}")
        _ky_fan(Ws, X, Y, w, lb, L0)
        return f"{head} is a global minimum, min L = {L0}: L(W) equals a Ky Fan lower bound on min L"
    if verdict in ("strict_saddle", "higher_order_saddle"):
        m, c, L1 = _descent(Ws, X, Y, w, ev, L0, verdict == "strict_saddle", grams)
        _descent_claims(res, m, c, L1)
        _true(res, "non_global")
        if verdict == "higher_order_saddle":
            _true(res, "hessian_psd")
            split = optional(ev, "hessian_split", dict, "evidence")
            how = ""
            if split is None:
                N = sum(W.nrows() * W.ncols() for W in Ws)
                within(N, "hessian", "the number of parameters (the side of the dense Hessian)")
                psd_nullity(hessian(Ws, X, Y, w), "the Hessian (recomputed exactly)")
            else:
                nb, largest, ends = _split_psd(Ws, X, Y, w, split)
                bases = "hidden, input and output bases" if ends else "hidden bases"
                how = (f" (congruent, by an exact change of {bases}, to a Hessian that splits into {nb} "
                       f"blocks of at most {largest} coordinates, each positive semidefinite)")
            rely("spectral")
            return (f"{head} is a higher-order saddle (not a local minimum, not a strict saddle): the Hessian is "
                    f"positive semidefinite{how}, and along a polynomial curve L - L(W) = ({c}) t^{m} + ..., with a "
                    f"rational point of loss {L1} < L(W) = {L0}")
        return (f"{head} is a strict saddle: along a straight line W + tD, L - L(W) = ({c}) t^2 + ..., "
                f"with a rational point of loss {L1} < L(W) = {L0}")
    if verdict == "local_minimum_not_global":
        rank = _local_minimum(Ws, X, Y, w, field(ev, "morse_bott", dict, "evidence"))
        require(field(res, "hessian_rank", int, "result") == rank, "result.hessian_rank is not rank H")
        _true(res, "hessian_psd")
        _true(res, "non_global")
        wit = layers(field(ev, "witness", list, "evidence"), "evidence.witness")
        require(len(wit) == 2, "evidence.witness must have two layers")
        for k in range(2):
            same_shape(wit[k], Ws[k].nrows(), Ws[k].ncols(), f"evidence.witness[{k}]")
        L1 = loss(wit, X, Y, w)
        require(L1 < L0, "the witness point does not have a smaller loss")
        require(rational(field(res, "witness_loss", str, "result"), "result.witness_loss") == L1,
                "result.witness_loss is not the witness's loss")
        return (f"{head} is a local minimum, not global: the Hessian is PSD of rank N - r^2 = {rank} "
                f"(its null space is the gauge orbit's tangent space), and a rational point has loss "
                f"{L1} < L(W) = {L0}")
    # undecided: a critical point; optional checked facts
    extra = ""
    if optional(res, "hessian_psd", bool, "result") is not None:
        _true(res, "hessian_psd")
        N = sum(W.nrows() * W.ncols() for W in Ws)
        within(N, "hessian", "the number of parameters (the side of the dense Hessian)")
        psd_nullity(hessian(Ws, X, Y, w), "the Hessian")
        rely("spectral")
        extra += "; the Hessian is positive semidefinite"
    if "curve" in ev:
        m, c, L1 = _descent(Ws, X, Y, w, ev, L0, False, grams)
        _descent_claims(res, m, c, L1)
        _true(res, "non_global")
        _true(res, "not_local_minimum")
        extra += f"; not a local minimum: along a polynomial curve L - L(W) = ({c}) t^{m} + ..., loss {L1} < {L0}"
    return f"{head} is a critical point (L(W) = {L0}); its classification is undecided{extra}"
