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
    from exactopen.kernel.work import plain

    n = M.nrows()

    def value(v):
        col = fmpq_mat(n, 1, v)
        return (col.transpose() * M * col)[0, 0]

    for i in range(n):
        if M[i, i] < 0:
            return [fmpq(1) if j == i else fmpq(0) for j in range(n)]
    if n <= 120:  # exact symmetric elimination (entries of wildly different sizes defeat floats)
        from exactopen.landscape.descent import negative_vector

        x, _psd = negative_vector(fmpq_mat(plain(M)))
        return x
    vals, vecs = np.linalg.eigh(to_float(M))
    x = vecs[:, 0] / max(float(np.max(np.abs(vecs[:, 0]))), 1e-300)
    for bits in (4, 8, 12, 16, 24, 32, 40):
        v = list(to_grid(x, bits, fixed=True).entries())
        if value(v) < 0:
            return v
    return None


def _aligned(X: fmpq_mat, Y: fmpq_mat) -> bool:
    """X X^T diagonal and Y X^T zero off its diagonal: the data already line up."""
    S, C = X * X.transpose(), Y * X.transpose()
    return all(S[i, j] == 0 for i in range(S.nrows()) for j in range(S.ncols()) if i != j) and \
        all(C[i, j] == 0 for i in range(C.nrows()) for j in range(C.ncols()) if i != j)


def gauge_split(net, ends: bool | None = None, bases: tuple | None = None):
    """The gauge split at ``net``: (evidence, psd, direction).

    evidence = ``{"gauge": [T_k], "gauge_inverse": [U_k]}`` (and ``input`` / ``output`` changes
    of basis adapted to the data, :mod:`exactopen.landscape.alignment`, when the data do not
    line up with the coordinates, or ``ends`` is True).  ``bases`` = (U_0..U_h, T_0..T_h) with
    T_k U_k = I: bases proposed by the caller for every space (e.g. adapted to a low-rank
    chain, :func:`exactopen.numeric.dyadic_chain.adapted_bases`), stated in the same form with
    ``input`` and ``output`` changes; the checker verifies them like any other.  psd is True (every block of the Hessian
    at W' PSD, as the checker will find), False (a block is not PSD; then direction is
    D = (D_1..D_h) with D^T H(W) D < 0 when a rational one was found, else None) or None (a
    block beyond the checker's budget, a weighted loss, or data that give no splitting).  The
    kernel's work meter is armed with the budget of a large certificate meanwhile, so the
    generator's memory stays bounded too."""
    from exactopen.landscape import alignment

    if net.weights is not None:
        return None, None, None
    if bases is not None:
        return _split_in_bases(net, *bases)
    if ends is None:
        ends = not _aligned(net.X, net.Y)
    layers = list(net.layers)
    T0 = U0 = Th = Uh = None
    if ends:
        bases = alignment.data_bases(net)
        if bases is None:
            return None, None, None
        T0, U0, Th, Uh = bases
        layers[0] = layers[0] * U0
        layers[-1] = Th * layers[-1]
    Us = interval_bases(layers)
    if ends:  # integer basis vectors (free scalings): the checker's products stay small
        from exactopen.landscape.alignment import primitive

        Us = [mx.hstack(*[primitive(mx.submatrix(U, None, [j])) for j in range(U.ncols())]) if U.ncols() else U
              for U in Us]
    Ts = [U.inv() for U in Us]
    Wp = [(Ts[k] * W if k < len(Ts) else W) * (Us[k - 1] if k > 0 else 1) for k, W in enumerate(layers)]
    S, C = net.X * net.X.transpose(), net.Y * net.X.transpose()
    K = None
    if ends:  # the bases form: the checker multiplies by the bases, never inverts them
        S, C, K = T0 * S * T0.transpose(), Th * C * T0.transpose(), Uh.transpose() * Uh
        Z = (net.X * net.X.transpose()).inv() * U0
        ev = {"bases": [mx.to_json(U0, compact=True)] + [mx.to_json(U, compact=True) for U in Us] + [mx.to_json(Uh, compact=True)],
              "layers": [mx.to_json(W, compact=True) for W in Wp], "Z": mx.to_json(Z, compact=True)}
    else:
        ev = {"gauge": [mx.to_json(T, compact=True) for T in Ts],
              "gauge_inverse": [mx.to_json(U, compact=True) for U in Us]}
    return _blocks_verdict(net, ev, Wp, S, C, K, Us + [Uh], [T0] + Ts)


def _split_in_bases(net, Us: list, Ts: list):
    """:func:`gauge_split` in the bases U_0..U_h given (T_k = U_k^-1): the gauge form with input
    and output changes, W'_k = T_k W_k U_{k-1}, data T_0 X X^T T_0^T, T_h Y X^T T_0^T, output
    metric U_h^T U_h."""
    h = len(net.layers)
    if len(Us) != h + 1 or len(Ts) != h + 1:
        raise ValueError(f"gauge_split: {h + 1} bases and {h + 1} inverses needed")
    Wp = [Ts[k + 1] * W * Us[k] for k, W in enumerate(net.layers)]
    S = net.X * net.X.transpose()
    S, C, K = Ts[0] * S * Ts[0].transpose(), Ts[h] * (net.Y * net.X.transpose()) * Ts[0].transpose(), \
        Us[h].transpose() * Us[h]
    js = lambda A: mx.to_json(A, compact=True)  # noqa: E731
    ev = {"gauge": [js(T) for T in Ts[1:h]], "gauge_inverse": [js(U) for U in Us[1:h]],
          "input": {"change": js(Ts[0]), "inverse": js(Us[0])},
          "output": {"change": js(Ts[h]), "inverse": js(Us[h])}}
    return _blocks_verdict(net, ev, Wp, S, C, K, Us[1:], Ts[:h])


def _blocks_verdict(net, ev: dict, Wp: list, S, C, K, left: list, right: list):
    """(ev, psd, direction) from the Hessian at W' (data S, C, metric K) block by block; a
    negative direction D' of a block is taken back to W as D_k = left[k] D'_k right[k]."""
    from exactopen.kernel.network import sparse_hessian_of, split_blocks
    from exactopen.kernel.primitives import BUDGET, METER, OverBudget, Rejected, is_psd

    METER.start(1 << 30, BUDGET["work_large"], BUDGET["memory_large"])
    try:
        N, H = sparse_hessian_of(Wp, S, C, K)
        blocks, _empty = split_blocks(N, H, "H(W')")
        psd = [is_psd(M) for _idx, M in blocks]
    except (Rejected, OverBudget):
        return ev, None, None
    finally:
        METER.stop()
    # back at W: D_k = U_{k+1}... (the inverse changes): D_k = U_k D'_k T_{k-1}, U_h and T_0 the ends'
    for (idx, M), ok in zip(blocks, psd):
        if ok:
            continue
        v = _negative_vector(M)
        if v is None:
            return ev, False, None
        flat = [fmpq(0)] * N
        for i, x in zip(idx, v):
            flat[i] = x
        Dp = net.split(flat)
        D = []
        for k, Dk in enumerate(Dp):
            if left[k] is not None:
                Dk = left[k] * Dk
            if right[k] is not None:
                Dk = Dk * right[k]
            D.append(Dk)
        return ev, False, D
    return ev, True, None

