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

from flint import fmpq_mat

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


def gauge_split(net):
    """Evidence ``{"gauge": [T_k], "gauge_inverse": [U_k]}`` and the checker's verdict on it:
    (evidence, psd) with psd True (every block PSD), False (a block is not PSD) or None (a
    block beyond the checker's budget, or a weighted loss)."""
    from exactopen.kernel.network import gauge_change, psd_by_blocks, sparse_hessian
    from exactopen.kernel.primitives import Rejected

    if net.weights is not None:
        return None, None
    Us = interval_bases(net.layers)
    Ts = [U.inv() for U in Us]
    ev = {"gauge": [mx.to_json(T) for T in Ts], "gauge_inverse": [mx.to_json(U) for U in Us]}
    try:
        Wp = gauge_change(net.layers, ev, "gauge")
        N, H = sparse_hessian(Wp, net.X, net.Y)
        psd_by_blocks(N, H, "H(W')")
    except Rejected as exc:
        text = str(exc)
        if "not positive semidefinite" in text:
            return ev, False
        return ev, None
    return ev, True
