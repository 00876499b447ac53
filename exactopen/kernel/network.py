"""The deep linear network model, shared by the ``landscape_point`` and ``validate_network``
kinds: L(W) = 1/2 sum_ij w_ij ((W_h ... W_1 X - Y)_ij)^2 with layers W_1..W_h (input first,
W_k is d_k x d_{k-1}), data X (d_0 x n), Y (d_h x n) and optional positive weights w.

Everything is recomputed from the inputs: the loss, the gradient, the exact Hessian, and the
polynomial L(W + sum_j t^j C_j) - L(W) of a curve (polynomial matrices are lists of fmpq_mat
coefficients, index = power of t).
"""

from __future__ import annotations

from flint import fmpq, fmpq_mat

from exactopen.kernel.primitives import (
    BUDGET,
    METER,
    PY,
    QM,
    chain,
    entry_cost,
    eye,
    fact,
    field,
    inner,  # noqa: F401  (re-exported)
    matrix,
    nonsingular,
    psd_nullity,
    require,
    same_shape,
    within,
)
from exactopen.kernel.loss import (  # noqa: F401  (re-exported: the loss and gradient live in kernel/loss.py)
    Grams,
    gradient,
    gradient_norm_sq,
    gram,
    gram_key,
    hadamard,
    loss,
    loss_gradient,
    memo_loss,
    memo_loss_gradient,
    problem_key,
    remember,
)
from exactopen.kernel.sparse import SM, sparse_chain
from exactopen.kernel.work import qbits

MAX_HESSIAN = BUDGET["hessian"]  # largest Hessian the checker builds


def layers(obj, where: str) -> list:
    require(isinstance(obj, list) and len(obj) >= 1, f"{where} must be a non-empty list of matrices")
    within(len(obj), "layers", f"{where}: the number of layers")
    Ws = [matrix(M, f"{where}[{i}]") for i, M in enumerate(obj)]
    for i in range(1, len(Ws)):
        require(Ws[i].ncols() == Ws[i - 1].nrows(), f"{where}[{i}] does not chain with {where}[{i - 1}]")
    return Ws


def problem(inputs: dict):
    """(layers, X, Y, weights or None, widths), all shapes checked."""
    for key in inputs:
        require(key in ("layers", "X", "Y", "weights"), f"inputs.{key}: unknown field")
    Ws = layers(field(inputs, "layers", list, "inputs"), "inputs.layers")
    X = matrix(field(inputs, "X", dict, "inputs"), "inputs.X")
    Y = matrix(field(inputs, "Y", dict, "inputs"), "inputs.Y")
    same_shape(X, Ws[0].ncols(), X.ncols(), "inputs.X")
    same_shape(Y, Ws[-1].nrows(), X.ncols(), "inputs.Y")
    w = inputs.get("weights")
    if w is not None:
        w = matrix(w, "inputs.weights")
        same_shape(w, Y.nrows(), Y.ncols(), "inputs.weights")
        require(all(x > 0 for x in w.entries()), "inputs.weights: every weight must be positive")
    widths = [Ws[0].ncols()] + [W.nrows() for W in Ws]
    return Ws, X, Y, w, widths


def point(Ws, curve, t: fmpq) -> list:
    """The layers of the curve at parameter value t."""
    out = list(Ws)
    for term in curve:
        j = term["power"]
        Cs = layers(term["layers"], "curve")
        out = [W + C * (t ** j) for W, C in zip(out, Cs)]
    return out


def hessian(Ws, X, Y, w) -> fmpq_mat:
    """Exact Hessian of L in the coordinates (W_1 row-major, ..., W_h row-major).

    H = J^T diag(w) J + S, J_k = A_k (x) (B_k X)^T, and for l > k the block
    S[(l,a,b),(k,c,d)] = (A_l^T G B_k^T)[a,d] * (W_{l-1}..W_{k+1})[b,c].
    """
    h, d0 = len(Ws), X.nrows()
    n, dh = X.ncols(), Ws[-1].nrows()
    G = hadamard(chain(Ws, d0) * X - Y, w) * X.transpose()
    offs = [0]
    for W in Ws:
        offs.append(offs[-1] + W.nrows() * W.ncols())
    N = offs[-1]
    require(N <= MAX_HESSIAN, f"Hessian of size {N} exceeds the checker's limit {MAX_HESSIAN}")
    METER.charge(dh * n * N * 4 * PY + N * N * 2 * PY, f"filling the Jacobian ({dh * n}x{N}) and the {N}x{N} Hessian")
    J = QM.new(dh * n, N, what="the Jacobian")
    wJ = QM.new(dh * n, N, what="the weighted Jacobian")
    for k, W in enumerate(Ws):
        A, BX = chain(Ws[k + 1:], W.nrows()), chain(Ws[:k], d0) * X
        for c in range(W.nrows()):
            for d in range(W.ncols()):
                col = offs[k] + c * W.ncols() + d
                for i in range(dh):
                    if A[i, c] != 0:
                        for j in range(n):
                            v = A[i, c] * BX[d, j]
                            J[i * n + j, col] = v
                            wJ[i * n + j, col] = v if w is None else v * w[i, j]
    H = J.transpose() * wJ
    for l in range(h):
        for k in range(l):
            T = chain(Ws[l + 1:], Ws[l].nrows()).transpose() * G * chain(Ws[:k], d0).transpose()
            Mlk = chain(Ws[k + 1:l], Ws[k].nrows())
            for a in range(Ws[l].nrows()):
                for b in range(Ws[l].ncols()):
                    for c in range(Ws[k].nrows()):
                        for d in range(Ws[k].ncols()):
                            v = T[a, d] * Mlk[b, c]
                            if v != 0:
                                r, s = offs[l] + a * Ws[l].ncols() + b, offs[k] + c * Ws[k].ncols() + d
                                H[r, s] += v
                                H[s, r] += v
    return H


def _change(obj, d: int, where: str) -> tuple:
    """(T, U) from {"change": T, "inverse": U}, d x d with T U = I (so U T = I too)."""
    T = matrix(field(obj, "change", dict, where), where + ".change")
    U = matrix(field(obj, "inverse", dict, where), where + ".inverse")
    same_shape(T, d, d, where + ".change")
    same_shape(U, d, d, where + ".inverse")
    require(T * U == eye(d), f"{where}: change * inverse is not the identity")
    return T, U


def gauge_change(Ws, split: dict, where: str) -> tuple:
    """(W', T_0, T_h, U_h): the layers W'_k = T_k W_k T_{k-1}^{-1} of an exact change of bases
    of every space V_0..V_h, and the end changes (None where absent: the identity).

    ``split.gauge`` holds T_1..T_{h-1} (d_k x d_k), ``split.gauge_inverse`` their inverses
    U_k; optional ``split.input`` = {change: T_0, inverse: U_0} and ``split.output`` =
    {change: T_h, inverse: U_h}; T_k U_k = I is checked (square matrices, so U_k T_k = I as
    well).  Then W'_h..W'_1 = T_h (W_h..W_1) T_0^{-1}, so with X' = T_0 X, Y' = T_h Y and the
    output metric K = U_h^T U_h, L(W) = 1/2 |W_h..W_1 X - Y|^2 = 1/2 |U_h (W'_h..W'_1 X' - Y')|^2
    = L'(W') for every W, where L'(V) = 1/2 tr((V_h..V_1 X' - Y')^T K (V_h..V_1 X' - Y')): L =
    L' o phi with phi the invertible linear map W -> W', and the Hessians are congruent,
    H(W) = phi^T H'(W') phi (chain rule, phi linear): H(W) is PSD iff H'(W') is (x^T H(W) x =
    (phi x)^T H'(W') (phi x) and phi is onto).  Without end changes L' = L.
    """
    h = len(Ws)
    Ts = field(split, "gauge", list, where)
    Us = field(split, "gauge_inverse", list, where)
    require(len(Ts) == h - 1 and len(Us) == h - 1, f"{where}: gauge and gauge_inverse need {h - 1} matrices each")
    Tm, Um = [None], [None]
    for k in range(1, h):
        d = Ws[k - 1].nrows()
        T = matrix(Ts[k - 1], f"{where}.gauge[{k - 1}]")
        U = matrix(Us[k - 1], f"{where}.gauge_inverse[{k - 1}]")
        same_shape(T, d, d, f"{where}.gauge[{k - 1}]")
        same_shape(U, d, d, f"{where}.gauge_inverse[{k - 1}]")
        require(T * U == eye(d), f"{where}: gauge[{k - 1}] * gauge_inverse[{k - 1}] is not the identity")
        Tm.append(T)
        Um.append(U)
    Tm.append(None)
    T0 = Th = Uh = None
    if "input" in split:
        T0, Um[0] = _change(field(split, "input", dict, where), Ws[0].ncols(), where + ".input")
    if "output" in split:
        Th, Uh = _change(field(split, "output", dict, where), Ws[-1].nrows(), where + ".output")
        Tm[h] = Th
    out = []
    for k, W in enumerate(Ws):  # layer k + 1 maps V_k -> V_{k+1}
        if Tm[k + 1] is not None:
            W = Tm[k + 1] * W
        if Um[k] is not None:
            W = W * Um[k]
        out.append(W)
    return out, T0, Th, Uh


def adapted_point(Ws, X, Y, split: dict, where: str) -> tuple:
    """(W', S', C', K): the point and the loss in adapted bases B_0..B_h (``split.bases``, null
    for the identity) from ``split.layers`` = W'_1..W'_h and, with B_0, ``split.Z``; checked:
    every B_k is nonsingular, W_k B_{k-1} = B_k W'_k; with B_0: S Z = B_0 (S = X X^T) and
    G = B_0^T Z is diagonal, and S' = G^-1; with B_h: K = B_h^T B_h is diagonal; and
    C' = K^-1 B_h^T C Z G^-1 (C = Y X^T; factors absent without B_0 or B_h).

    Why: S Z = B_0 makes S invertible and Z = S^-1 B_0, so G = B_0^T S^-1 B_0 and
    S' = G^-1 = B_0^-1 S B_0^-T; B_h^-1 = K^-1 B_h^T and Z G^-1 = B_0^-T, so C' = B_h^-1 C B_0^-T.
    The linear map phi: W_k -> B_k^-1 W_k B_{k-1} is invertible and sends W to W'; with
    P = W_h..W_1 = B_h P' B_0^-1, tr(P S P^T) = tr(K P' S' P'^T) and tr(P C^T) = tr(K P' C'^T),
    so L(W) = 1/2 tr(P S P^T) - tr(P C^T) + 1/2 |Y|^2 = L'(phi(W)) + const with
    L'(V) = 1/2 tr(K V S' V^T) - tr(K V C'^T) at V = V_h..V_1: the Hessians are congruent,
    H(W) = phi^T H'(W') phi, and H(W) is PSD iff H'(W') is.  No basis is inverted: every dense
    product has a common denominator, the diagonal scalings are sparse."""
    h = len(Ws)
    dims = [Ws[0].ncols()] + [W.nrows() for W in Ws]
    raw = field(split, "bases", list, where)
    require(len(raw) == h + 1, f"{where}.bases needs {h + 1} entries (null for the identity)")
    Bs = []
    for k, b in enumerate(raw):
        if b is None:
            Bs.append(None)
            continue
        B = matrix(b, f"{where}.bases[{k}]")
        same_shape(B, dims[k], dims[k], f"{where}.bases[{k}]")
        require(nonsingular(B), f"{where}.bases[{k}] is singular")
        Bs.append(B)
    Wp = layers(field(split, "layers", list, where), where + ".layers")
    require(len(Wp) == h, f"{where}.layers needs {h} matrices")
    # products with the sparse W' are sparse products (entry by entry: its entries may have
    # unrelated denominators, which a common denominator would blow up)
    for k in range(h):
        same_shape(Wp[k], dims[k + 1], dims[k], f"{where}.layers[{k}]")
        lhs = SM.of(Ws[k] if Bs[k] is None else Ws[k] * Bs[k])
        rhs = SM.of(Wp[k]) if Bs[k + 1] is None else SM.of(Bs[k + 1]) * SM.of(Wp[k])
        require(lhs == rhs, f"{where}: W_{k + 1} B_{k} != B_{k + 1} W'_{k + 1}")
    S, C = X * X.transpose(), Y * X.transpose()
    B0, Bh = Bs[0], Bs[h]
    Ginv = Kinv = None
    if B0 is not None:
        Z = matrix(field(split, "Z", dict, where), where + ".Z")
        same_shape(Z, dims[0], dims[0], where + ".Z")
        require(S * Z == B0, f"{where}: X X^T Z != B_0")
        Ginv = _inverse_diagonal(B0.transpose() * Z, f"{where}: B_0^T Z")
        C = C * Z
        S = SM(dims[0], dims[0], {i: {i: v} for i, v in Ginv.items()},
               max((sum(qbits(v)) for v in Ginv.values()), default=0))
    else:
        S = SM.of(S)
    K = None
    if Bh is not None:
        Kd = Bh.transpose() * Bh
        Kinv = _inverse_diagonal(Kd, f"{where}: B_h^T B_h")
        K = SM.of(Kd)
        C = Bh.transpose() * C
    C = SM.of(C)
    if Kinv is not None or Ginv is not None:
        METER.charge(C.nnz() * (PY + entry_cost(2 * C.bits)), f"{where}: scaling C'")
        rows = {}
        for i, r in C.rows.items():
            ki = Kinv[i] if Kinv is not None else 1
            rows[i] = {j: v * ki * (Ginv[j] if Ginv is not None else 1) for j, v in r.items()}
        bits = max((sum(qbits(v)) for r in rows.values() for v in r.values()), default=0)
        C = SM(C.m, C.n, rows, bits)
    return Wp, S, C, K


def _inverse_diagonal(D: QM, where: str) -> dict:
    """{i: 1 / D_ii} for a diagonal D with a nonzero diagonal (else refused)."""
    n = D.nrows()
    require(D.ncols() == n, f"{where} is not square")
    sp = SM.of(D)
    require(all(set(r) == {i} for i, r in sp.rows.items()) and len(sp.rows) == n,
            f"{where} is not diagonal with a nonzero diagonal")
    return {i: 1 / r[i] for i, r in sp.rows.items()}


def _held(pair: tuple, held: list) -> tuple[list, int]:
    """(nonzeros, bits) with the memory of the list held (added to held[0])."""
    size = len(pair[0]) * (150 + 2 * pair[1] // 8)
    METER.hold(size, "the nonzero entries of a factor of the Hessian")
    held[0] += size
    return pair


def _nonzeros(M: QM, held: list) -> tuple[list, int]:
    """The nonzero entries [(i, j, v)] of M and their bits; the memory of the list is held by the
    meter (added to held[0], released by the caller)."""
    n, M = M.ncols(), QM.wrap(M)
    nb, db, _ = M.bounds()
    out = [(i // n, i % n, v) for i, v in enumerate(M.entries()) if v != 0]
    size = len(out) * (150 + 2 * (nb + db) // 8)
    METER.hold(size, "the nonzero entries of a factor of the Hessian")
    held[0] += size
    return out, nb + db


def sparse_hessian(Ws, X, Y) -> tuple[int, dict]:
    """The exact Hessian of the unweighted loss 1/2 |W_h..W_1 X - Y|^2 (see :func:`sparse_hessian_of`)."""
    X, Y = QM.wrap(X), QM.wrap(Y)
    return sparse_hessian_of(Ws, X * X.transpose(), Y * X.transpose(), None)


def sparse_hessian_of(Ws, S, C, K) -> tuple[int, dict]:
    """The exact Hessian at W of L(W) = 1/2 tr((PX - Y)^T K (PX - Y)), P = W_h..W_1, given
    S = X X^T, C = Y X^T and the output metric K (None: the identity), as its nonzero entries
    {(r, s): v}, r <= s, in the coordinates of :func:`hessian`; never enumerates all N^2 entries.

    With A_k = W_h..W_{k+1}, B_k = W_{k-1}..W_1 and G = K (P S - C) (= K (PX - Y) X^T):
    H[(k,c,d),(l,a,b)] = (A_k^T K A_l)[c,a] (B_k S B_l^T)[d,b] (the Gauss-Newton part, all k, l)
    plus, for l > k, T[a,d] M[b,c] at ((l,a,b),(k,c,d)) with T = A_l^T G B_k^T,
    M = W_{l-1}..W_{k+1}.  The factors are products of sparse matrices (:mod:`sparse`) when
    the layers are sparse (at most a quarter of their entries nonzero), else dense ones.
    Work: the products of the nonzeros of the factor matrices (each a Python step), charged
    with the memory of the entries they make before any is made.
    """
    h, d0 = len(Ws), (S.m if isinstance(S, SM) else S.nrows())
    offs = [0]
    for W in Ws:
        offs.append(offs[-1] + W.nrows() * W.ncols())
    sp = [SM.of(W) for W in Ws]
    if sum(M.nnz() for M in sp) * 4 <= offs[-1] or isinstance(S, SM):
        Sx, Cx = (S if isinstance(S, SM) else SM.of(S)), (C if isinstance(C, SM) else SM.of(C))
        Kx = None if K is None else K if isinstance(K, SM) else SM.of(K)
        G = sparse_chain(sp, d0) * Sx - Cx
        if Kx is not None:
            G = Kx * G
        A = [sparse_chain(sp[k + 1:], Ws[k].nrows()) for k in range(h)]
        KA = A if Kx is None else [Kx * Ak for Ak in A]
        B = [sparse_chain(sp[:k], d0) for k in range(h)]
        BS = [Bk * Sx for Bk in B]
        mid = {(k, l): sparse_chain(sp[k + 1:l], Ws[k].nrows()) for k in range(h) for l in range(k + 1, h)}
        mul, tr, nz = (lambda a, b: a * b), (lambda a: a.transpose()), (lambda M: (M.nonzeros(), M.bits))
    else:
        del sp
        G = chain(Ws, d0) * S - C
        if K is not None:
            G = K * G
        A = [chain(Ws[k + 1:], Ws[k].nrows()) for k in range(h)]
        KA = A if K is None else [K * Ak for Ak in A]
        B = [chain(Ws[:k], d0) for k in range(h)]
        BS = [Bk * S for Bk in B]
        mid = {(k, l): chain(Ws[k + 1:l], Ws[k].nrows()) for k in range(h) for l in range(k + 1, h)}
        mul, tr, nz = (lambda a, b: a * b), (lambda a: a.transpose()), None
    held, gen = [0], METER.generation
    try:
        pairs = []

        def nonzeros(M):
            return _nonzeros(M, held) if nz is None else _held(nz(M), held)

        for k in range(h):
            for l in range(k, h):
                pairs.append((k, l, nonzeros(mul(tr(A[k]), KA[l])), nonzeros(mul(BS[k], tr(B[l]))), False))
                if l > k:
                    pairs.append((k, l, nonzeros(mul(mul(tr(A[l]), G), tr(B[k]))), nonzeros(mid[(k, l)]), True))
        count = sum(len(p[0]) * len(q[0]) for _, _, p, q, _ in pairs)
        bits = max((p[1] + q[1] for _, _, p, q, _ in pairs), default=0)
        what = f"the {count:,} products of nonzeros that build the sparse Hessian"
        METER.charge(count * (4 * PY + entry_cost(bits)), what)
        METER.need(count * (250 + 2 * bits // 8), what)
        H: dict = {}
        for k, l, (P, _), (Q, _), mixed in pairs:
            nk, nl = Ws[k].ncols(), Ws[l].ncols()
            for i, j, u in P:
                for i2, j2, v in Q:
                    if mixed:   # ((l, a=i, b=i2), (k, c=j2, d=j))
                        r, s = offs[l] + i * nl + i2, offs[k] + j2 * nk + j
                    else:       # ((k, c=i, d=i2), (l, a=j, b=j2))
                        r, s = offs[k] + i * nk + i2, offs[l] + j * nl + j2
                    if r > s:
                        if k == l:
                            continue  # k = l: the symmetric twin of an entry counted as (s, r)
                        r, s = s, r
                    H[(r, s)] = H.get((r, s), fmpq(0)) + u * v
    finally:
        METER.release(held[0], gen)  # the lists of nonzeros are freed with this frame
    H = {key: v for key, v in H.items() if v != 0}
    METER.hold(len(H) * (250 + 2 * bits // 8), "the nonzero entries of the sparse Hessian")
    return offs[-1], H


def split_blocks(N: int, H: dict, where: str) -> tuple[list, int]:
    """The connected components of the nonzero pattern of a symmetric matrix given by its
    nonzero entries {(r, s): v}, r <= s: [(indices, dense block)], each block at most
    ``hessian`` rows, and the number of indices with no nonzero entry."""
    METER.charge(N * PY + len(H) * 6 * PY, f"{where}: the connected components of {len(H):,} nonzero entries")
    METER.need(N * 40 + len(H) * 120, f"{where}: the connected components of {len(H):,} nonzero entries")
    parent = list(range(N))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r, s in H:
        a, b = find(r), find(s)
        if a != b:
            parent[a] = b
    comps: dict = {}
    for (r, s) in H:
        comps.setdefault(find(r), set()).update((r, s))
    empty = N - sum(len(c) for c in comps.values())
    out, where_of = [], {}
    for root in sorted(comps, key=lambda c: min(comps[c])):
        idx = sorted(comps[root])
        within(len(idx), "hessian", f"{where}: a block of the split Hessian")
        where_of[root] = (len(out), {x: i for i, x in enumerate(idx)})
        out.append((idx, QM.new(len(idx), len(idx), what="a block of the split Hessian")))
    for (r, s), v in H.items():
        b, pos = where_of[find(r)]
        M = out[b][1]
        M[pos[r], pos[s]] = v
        M[pos[s], pos[r]] = v
    return out, empty


def psd_by_blocks(N: int, H: dict, where: str) -> tuple[int, int, int]:
    """A symmetric matrix given by its nonzero entries {(r, s): v}, r <= s, is PSD: a
    permutation makes it block diagonal (:func:`split_blocks`), x^T H x is the sum of the
    blocks' forms, so it is PSD iff every block is; each block is proved PSD by
    :func:`psd_nullity` (dense, at most ``hessian`` rows).  Returns (number of blocks, the
    largest block, the nullity)."""
    blocks, nullity = split_blocks(N, H, where)
    largest = max((len(idx) for idx, _ in blocks), default=0)
    for idx, M in blocks:
        nullity += psd_nullity(M, f"{where}: the block of {len(idx)} coordinates starting at {idx[0]}", quiet=True)
    fact(f"{where}: {len(blocks)} blocks (the largest of {largest} coordinates), each positive semidefinite "
         f"(signs of its characteristic polynomial); null space of dimension {nullity}")
    return len(blocks), largest, nullity
