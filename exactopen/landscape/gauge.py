"""Exact PSD proofs of large Hessians by a change of hidden bases (the gauge split).

L(W) = 1/2 |W_h..W_1 X - Y|^2 is invariant under W_k -> T_k W_k T_{k-1}^{-1} (hidden T_k
invertible, T_0 = T_h = I), a linear change of coordinates, so the Hessians at W and at the
gauge-changed point W' are congruent: one is PSD iff the other is.  The chain W_1..W_h is a
representation of an equioriented type-A quiver; over Q it splits into interval modules, and
in a basis adapted to that splitting every hidden layer is a 0/1 partial identity.  There the
Hessian is sparse whenever X and Y are (e.g. X = I, Y diagonal), and it splits into small
connected blocks.  The certificate states T_k and T_k^{-1}; the checker
(:func:`exactopen.kernel.landscape._split_psd`) recomputes W', the Hessian's nonzeros and
each block's PSD-ness exactly.

Choice of bases (:func:`interval_bases`), hidden space V_i, i = 1..h-1: the kernels
K_l = ker(W_l..W_{i+1}) (l = i+1..h, then K_{h+1} = V_i) form a flag.  The basis of V_i is
the images of V_{i-1}'s basis vectors that W_i does not kill (V_1: the images
W_1 ker(..W_1) stage by stage), completed greedily, stage by stage, by vectors of K_l
(leftmost independent columns of an exact rank profile); the result is adapted to the flag,
so the next layer kills a basis vector or maps it to a basis vector of V_{i+1}.
"""

from __future__ import annotations

from flint import fmpq, fmpq_mat

from exactopen.exact import linalg
from exactopen.exact import matrix as mx


def _cols(M: fmpq_mat) -> list:
    return [mx.submatrix(M, None, [j]) for j in range(M.ncols())]


def _hstack(cols: list, n: int) -> fmpq_mat:
    if not cols:
        return fmpq_mat(n, 0)
    M = fmpq_mat(n, len(cols))
    for j, c in enumerate(cols):
        for i in range(n):
            v = c[i, 0]
            if v != 0:
                M[i, j] = v
    return M


def _greedy_extend(basis: list, cands: list, n: int) -> list:
    """The candidates that extend ``basis`` (independent vectors), leftmost first."""
    if not cands:
        return []
    P = linalg.rank_profile(_hstack(basis + cands, n))
    return [cands[j - len(basis)] for j in P.cols if j >= len(basis)]


def interval_bases(layers: list) -> list:
    """U_1..U_{h-1}: for each hidden space, a basis (columns) adapted to the chain."""
    h = len(layers)
    out = []
    prev_basis, prev_stage = None, None   # basis of V_{i-1} and the stage where each vector dies
    for i in range(1, h):
        d = layers[i - 1].nrows()
        Wi = layers[i - 1]                # V_{i-1} -> V_i
        tails = []                        # composite V_i -> V_l, l = i+1..h
        C = None
        for l in range(i + 1, h + 1):
            C = layers[l - 1] if C is None else layers[l - 1] * C
            tails.append(C)
        basis, stage = [], []
        if prev_basis is None:            # V_1: an adapted basis of im W_1
            for s, C in enumerate(tails):
                K = linalg.nullspace(C * Wi).kernel
                new = _greedy_extend(basis, [Wi * v for v in _cols(K)], d)
                basis += new
                stage += [s] * len(new)
            new = _greedy_extend(basis, _cols(Wi), d)
            basis += new
            stage += [len(tails)] * len(new)
        else:                             # pushforwards of the surviving basis vectors
            for v, s in zip(prev_basis, prev_stage):
                if s > 0:
                    basis.append(Wi * v)
                    stage.append(s - 1)
        for s, C in enumerate(tails):     # complete, stage by stage
            new = _greedy_extend(basis, _cols(linalg.nullspace(C).kernel), d)
            basis += new
            stage += [s] * len(new)
        new = _greedy_extend(basis, _cols(mx.identity(d)), d)
        basis += new
        stage += [len(tails)] * len(new)
        assert len(basis) == d
        out.append(_hstack(basis, d))
        prev_basis, prev_stage = basis, stage
    return out


def _negative_vector(M: fmpq_mat):
    """A rational v with v^T M v < 0 (M symmetric, small), or None: a negative diagonal
    entry, a zero diagonal pair with a nonzero coupling, or a rounded float eigenvector of
    the smallest eigenvalue (re-checked exactly)."""
    import numpy as np

    from exactopen.exact.floats import to_float, to_grid

    n = M.nrows()

    def value(v):
        col = fmpq_mat(n, 1, v)
        return (col.transpose() * M * col)[0, 0]

    for i in range(n):
        if M[i, i] < 0:
            return [fmpq(1) if j == i else fmpq(0) for j in range(n)]
    vals, vecs = np.linalg.eigh(to_float(M))
    x = vecs[:, 0] / max(float(np.max(np.abs(vecs[:, 0]))), 1e-300)
    for bits in (4, 8, 12, 16, 24, 32, 40):
        v = list(to_grid(x, bits, fixed=True).entries())
        if value(v) < 0:
            return v
    return None


def gauge_split(net):
    """The gauge split at ``net``: (evidence, psd, direction).

    evidence = ``{"gauge": [T_k], "gauge_inverse": [U_k]}``; psd is True (every block of the
    Hessian at W' PSD, as the checker will find), False (a block is not PSD; then direction
    is D = (D_1..D_h) with D^T H(W) D < 0 when a rational one was found, else None) or None (a
    block beyond the checker's budget, or a weighted loss)."""
    from exactopen.kernel.network import sparse_hessian, split_blocks
    from exactopen.kernel.primitives import Rejected, is_psd

    if net.weights is not None:
        return None, None, None
    Us = interval_bases(net.layers)
    Ts = [U.inv() for U in Us]
    ev = {"gauge": [mx.to_json(T) for T in Ts], "gauge_inverse": [mx.to_json(U) for U in Us]}
    Wp = [(Ts[k] * W if k < len(Ts) else W) * (Us[k - 1] if k > 0 else 1) for k, W in enumerate(net.layers)]
    try:
        N, H = sparse_hessian(Wp, net.X, net.Y)
        blocks, _empty = split_blocks(N, H, "H(W')")
    except Rejected:
        return ev, None, None
    for idx, M in blocks:
        if is_psd(M):
            continue
        v = _negative_vector(M)
        if v is None:
            return ev, False, None
        flat = [fmpq(0)] * N
        for i, x in zip(idx, v):
            flat[i] = x
        Dp = net.split(flat)   # a direction at W'; back at W: D_k = U_{k+1} D'_k T_k
        D = [(Us[k] * Dk if k < len(Us) else Dk) * (Ts[k - 1] if k > 0 else 1) for k, Dk in enumerate(Dp)]
        return ev, False, D
    return ev, True, None
