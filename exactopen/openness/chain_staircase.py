"""Staircase families: the (N, N, N) preimage family widened to several copies of the summands
[0, 1] (columns b_j), [2, 3] (rows P_i, at most two) and [3, 3] (rows Q_k, one wire [1, 2] each),
with one [0, 0] (column a) and any inner summands (docs/chains.md, "Staircase families"; issue 24).

With t^3 = |E|_max and E = t^3 U, every layer change is a Laurent monomial sum in t and the u's:

* W_1: q_k at (wire k at V_1, a)  (the only change of W_1: no r, so no other column is touched);
* W_2: t^3 u(P_i, b_j) at (P_i, b_j at V_1)  (the direct entries), a_i at (P_i, wire 0 at V_1),
  m_kj at (wire k at V_2, b_j at V_1);
* W_3: t^2 at (Q_k, wire k at V_2), v at (Q_0, P_* at V_2), P_* the pivot row.

Then Z[P_i, a] = a_i q_0, Z[Q_k, b_j] = t^2 m_kj + [k = 0] v t^3 u(P_*, b_j) and
Z[Q_k, a] = t^2 q_k + [k = 0] v t^3 u(P_*, a), so m_kj = t (u(Q_k, b_j) - [k = 0] v u(P_*, b_j)),
q_k = t (u(Q_k, a) - [k = 0] v u(P_*, a)), and three cases choose v and the a_i (P_* the row with the
largest |u(P_i, a)|, found by one test when there are two P rows):

| case | v | q_0 | a_i |
|---|---|---|---|
| u(P_*, a) = 0 (exact test; then every u(P_i, a) = 0) | 0 | t u(Q_0, a) | 0 |
| \\|u(Q_0, a)\\| >= 2 t \\|u(P_*, a)\\| | 0 | t u(Q_0, a) | t^2 u(P_i, a) / u(Q_0, a) |
| otherwise | u(Q_0, a)/u(P_*, a) - t | t^2 u(P_*, a) | t u(P_i, a) / u(P_*, a) |

p = 3; every term is bounded by the path's tests (checked by ``kernel/chain_family.py``; nothing
here is trusted).  The transposed chain (several [0, 0], one [3, 3], ...) gets the transposed
family.  The exact zero test is what the older (N, N, N) family avoided with three more cases and a
division by a polynomial-free but vanishing q; here every division is by a variable a test proved
nonzero.
"""

from __future__ import annotations

from flint import fmpq, fmpq_mat

from exactopen.openness.laurent import Lau, identity_holds


def interval_copies(layers):
    """The chain as a direct sum of interval summands in its own coordinates, or None: every layer
    must be a 0/1 matrix with at most one 1 per row and column.  Returns a list of
    (start, end, [coordinate at V_start, ..., coordinate at V_end])."""
    h = len(layers)
    dims = [layers[0].ncols()] + [W.nrows() for W in layers]
    nxt = []
    for W in layers:
        fw = {}
        rows_used = set()
        for c in range(W.ncols()):
            ones = [r for r in range(W.nrows()) if W[r, c] != 0]
            if any(W[r, c] != 1 for r in ones) or len(ones) > 1:
                return None
            if ones:
                if ones[0] in rows_used:
                    return None
                rows_used.add(ones[0])
                fw[c] = ones[0]
        nxt.append(fw)
    has_pred = [set() for _ in range(h + 1)]
    for i, fw in enumerate(nxt):
        has_pred[i + 1] |= set(fw.values())
    copies = []
    for i in range(h + 1):
        for x in range(dims[i]):
            if x in has_pred[i]:
                continue
            path, j = [x], i
            while j < h and path[-1] in nxt[j]:
                path.append(nxt[j][path[-1]])
                j += 1
            copies.append((i, j, path))
    return copies


def _transpose_tree(tree, m: int, n: int):
    """The family of the transposed chain, carried back: layer i of the chain is the transpose of
    layer h - 1 - i of the transposed one, and u'[j][i] (target n x m) is u[i][j] (target m x n)."""
    def ren(v):  # v indexes the transposed target (n x m): (j, i) -> (i, j)
        j, i = divmod(v, m)
        return i * n + j

    def vec(e):
        f = [0] * (m * n)
        for v, x in enumerate(e):
            if x:
                f[ren(v)] = x
        return tuple(f)

    def leaf_fn(Ds):
        out = []
        for D in reversed(Ds):
            out.append({(c, r): P.rename([ren(v) for v in range(m * n)]) for (r, c), P in D.items()})
        return out

    def walk(t):
        if t[0] == "zero":
            return ("zero", ren(t[1]), walk(t[2]), walk(t[3]))
        if t[0] == "test":
            A, B, beta, k = t[1]
            return ("test", (vec(A), vec(B), beta, k), walk(t[2]), walk(t[3]))
        if t[0] == "impossible":
            return t
        return ("leaf", leaf_fn(t[1]))

    return walk(tree)


def _family(layers):
    """(3, tree) for a staircase chain (the shape in the module docstring), else None."""
    if len(layers) != 3:
        return None
    copies = interval_copies(layers)
    if copies is None:
        return None
    kinds: dict = {}
    for s, e, path in copies:
        kinds.setdefault((s, e), []).append(path)
    allowed = {(0, 0), (0, 1), (1, 2), (2, 3), (3, 3), (1, 1), (2, 2)}
    if set(kinds) - allowed:
        return None
    A, Bs, Ws, Ps, Qs = (kinds.get(x, []) for x in ((0, 0), (0, 1), (1, 2), (2, 3), (3, 3)))
    if len(A) != 1 or not Bs or not Ps or len(Ps) > 2 or not Qs or len(Ws) < len(Qs):
        return None
    m, n = layers[2].nrows(), layers[0].ncols()
    nv = m * n
    a0 = A[0][0]

    def var(row, col):
        return row * n + col

    def u(row, col, e=1):
        return Lau.mono(nv, u={var(row, col): e})

    t = Lau.mono(nv, t=1)
    t2 = Lau.mono(nv, t=2)

    def leaf(star: int, v, a_of):
        """The layer changes with pivot row Ps[star], W_3's v and a_i = a_of(i)."""
        Pst = Ps[star]
        D1, D2, D3 = {}, {}, {}
        for k, Q in enumerate(Qs):
            wire = Ws[k]
            q = t * (u(Q[0], a0) - (v * u(Pst[1], a0) if k == 0 else Lau(nv)))
            D1[(wire[0], a0)] = q
            D3[(Q[0], wire[1])] = t2
            for Bj in Bs:
                mkj = t * (u(Q[0], Bj[0]) - (v * u(Pst[1], Bj[0]) if k == 0 else Lau(nv)))
                if mkj.terms:
                    D2[(wire[1], Bj[1])] = mkj
        for i, P in enumerate(Ps):
            for Bj in Bs:
                D2[(P[0], Bj[1])] = Lau.mono(nv, t=3, u={var(P[1], Bj[0]): 1})
            ai = a_of(i)
            if ai.terms:
                D2[(P[0], Ws[0][0])] = ai
        if v.terms:
            D3[(Qs[0][0], Pst[0])] = v
        return ("leaf", [D1, D2, D3])

    Q0 = Qs[0][0]

    def cases(star: int):
        """leaf_a / beta below a known nonzero u(P_*, a)."""
        ps = Ps[star][1]
        uq = u(Q0, a0)
        inv_q, inv_s = u(Q0, a0, -1), u(ps, a0, -1)
        zero = Lau(nv)
        leaf_a = leaf(star, zero, lambda i: t2 * u(Ps[i][1], a0) * inv_q)
        beta = leaf(star, uq * inv_s - t, lambda i: t if i == star else t * u(Ps[i][1], a0) * inv_s)
        e_q, e_s = [0] * nv, [0] * nv
        e_q[var(Q0, a0)], e_s[var(ps, a0)] = 1, 1
        return ("test", (tuple(e_q), tuple(e_s), fmpq(2), 1), leaf_a, beta)

    zero_leaf = leaf(0, Lau(nv), lambda i: Lau(nv))
    v0 = var(Ps[0][1], a0)
    if len(Ps) == 1:
        tree = ("zero", v0, zero_leaf, cases(0))
    else:
        v1 = var(Ps[1][1], a0)
        e0, e1 = [0] * nv, [0] * nv
        e0[v0], e1[v1] = 1, 1
        tree = ("test", (tuple(e0), tuple(e1), fmpq(1), 0),
                ("zero", v0, ("zero", v1, zero_leaf, ("impossible",)), cases(0)),
                cases(1))
    return 3, tree


def _leaves(tree):
    if tree[0] in ("test", "zero"):
        yield from _leaves(tree[2])
        yield from _leaves(tree[3])
    elif tree[0] == "leaf":
        yield tree[1]


def _leaf_holds(layers, Ds, p: int, path_zero: set) -> bool:
    nv = layers[-1].nrows() * layers[0].ncols()
    return identity_holds(layers, Ds, p, set(range(nv)) - path_zero, False, frozenset(path_zero))


def _checked(layers, fam):
    """The family if every leaf's identity holds (zero-tested entries held at 0), else None."""
    if fam is None:
        return None
    p, tree = fam

    def ok(t, zeros):
        if t[0] == "zero":
            return ok(t[2], zeros | {t[1]}) and ok(t[3], zeros)
        if t[0] == "test":
            return ok(t[2], zeros) and ok(t[3], zeros)
        if t[0] == "impossible":
            return True
        return _leaf_holds(layers, t[1], p, zeros)

    return fam if ok(tree, frozenset()) else None


def staircase_family(layers):
    """(p, tree) of a staircase family for this chain or its transpose, else None."""
    got = _checked(layers, _family(layers))
    if got is not None:
        return got
    T = [fmpq_mat(W.transpose()) for W in reversed(layers)]
    fam = _family(T)
    if fam is None:
        return None
    m, n = layers[-1].nrows(), layers[0].ncols()
    return _checked(layers, (fam[0], _transpose_tree(fam[1], m, n)))
