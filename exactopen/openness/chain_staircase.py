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
here is trusted).  Also written: a second [3, 3] row through a [2, 2] wire and a second [0, 0]
column through a [1, 1] wire (pivot tests), [1, 3] rows and [0, 2] columns as channels, the rotated
form of Lemma C12 (:func:`rotated_family`: two [0, 0] columns and two [3, 3] rows, two absent
entries), and the h = 5 class whose middle layer passes two projections (:func:`factored_family`,
p = 4).  The transposed chain (several [0, 0], one [3, 3], ...) gets the transposed
family.  The exact zero test is what the older (N, N, N) family avoided with three more cases and a
division by a polynomial-free but vanishing q; here every division is by a variable a test proved
nonzero.
"""

from __future__ import annotations

from flint import fmpq, fmpq_mat

from exactopen.openness.laurent import Lau, identity_holds, path_facts


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


def interval_kinds(layers):
    """The interval summands of ``interval_copies`` grouped by kind: {(start, end): [coordinate path
    of each copy, in order]}, or None when the chain is not such a direct sum."""
    copies = interval_copies(layers)
    if copies is None:
        return None
    kinds: dict = {}
    for s_, e_, path in copies:
        kinds.setdefault((s_, e_), []).append(path)
    return kinds


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


def _family(layers, roles=None):
    """(3, tree) for a staircase chain (the shape in the module docstring), else None.  ``roles`` =
    (a, a2, Q, Q2 rows..., P) coordinates: the rotated form of Lemma C12 (two [0, 0] columns without a
    [1, 1] wire, two [3, 3] rows with their own [1, 2] wires; the targets have E[P, a2] = E[Q, a2] = 0,
    so a2 is carried only by the second row's wire)."""
    if len(layers) != 3:
        return None
    kinds = interval_kinds(layers)
    if kinds is None:
        return None
    allowed = {(0, 0), (0, 1), (1, 2), (2, 3), (3, 3), (1, 1), (2, 2), (1, 3), (0, 2)}
    if set(kinds) - allowed:
        return None
    As, Bs, Ws, Ps, Qs = (kinds.get(x, []) for x in ((0, 0), (0, 1), (1, 2), (2, 3), (3, 3)))
    Rs, Ls = kinds.get((1, 3), []), kinds.get((0, 2), [])  # pure channels: every entry of theirs is direct
    W11, W22 = kinds.get((1, 1), []), kinds.get((2, 2), [])
    if not Ps and roles is None:
        return _family_without_p(layers, kinds)
    if not Bs or not Ps or len(Ps) > 2 or not Qs or not As or not Ws or len(As) > 2:
        return None
    two_a = len(As) == 2           # the second [0, 0] through a [1, 1] wire (then one P row)
    q22 = len(Qs) > len(Ws)        # the second [3, 3] through a [2, 2] wire (then two Q rows, one [1, 2])
    if roles is not None:  # Lemma C12's rotated targets: a2 only on the second Q row's own wire
        ra, ra2, rq, rp = roles
        if not two_a or q22 or len(Ps) != 1 or len(Qs) != 2 or Ps[0][1] != rp:
            return None
        As = sorted(As, key=lambda x: x[0] != ra)
        Qs = sorted(Qs, key=lambda x: x[0] != rq)
        if [x[0] for x in As] != [ra, ra2] or Qs[0][0] != rq:
            return None
        two_a = False
    elif two_a and (not W11 or len(Ps) != 1):
        return None
    if q22 and (not W22 or len(Qs) != 2 or len(Ws) != 1):
        return None
    m, n = layers[2].nrows(), layers[0].ncols()
    nv = m * n
    t = Lau.mono(nv, t=1)
    t2 = Lau.mono(nv, t=2)
    zero_poly = Lau(nv)

    def var(row, col):
        return row * n + col

    def mono(*pairs):
        e = [0] * nv
        for v in pairs:
            e[v] += 1
        return tuple(e)

    def leaf(ctx, region, zeros):
        """The layer changes of a case (ctx: the pivots; zeros: variables known 0 on the path)."""
        def u(row, col, e=1):
            v = var(row, col)
            if v in zeros:
                if e < 0:
                    raise ValueError("division by a zero variable")
                return Lau(nv)
            return Lau.mono(nv, u={v: e})

        P, a, a2, Q, Q2 = ctx["P"], ctx["a"], ctx["a2"], ctx["Q"], ctx["Q2"]
        others = [x for x in Ps if x is not P]
        extraQ = [x for x in Qs if x is not Q and x is not Q2]
        extra_cols = [a2] if a2 is not None else ([As[1][0]] if roles is not None else [])
        D1, D2, D3 = {}, {}, {}

        def put(D, key, val):
            if val.terms:
                D[key] = D.get(key, Lau(nv)) + val

        if region == "beta":
            v = u(Q[0], a) * u(P[1], a, -1) - t
            q0, q0inv = t2 * u(P[1], a), Lau.mono(nv, t=-2) * u(P[1], a, -1)
            alpha = {id(P): t, **{id(o): t * u(o[1], a) * u(P[1], a, -1) for o in others}}
        else:
            v = zero_poly
            q0 = t * u(Q[0], a)
            q0inv = Lau.mono(nv, t=-1) * u(Q[0], a, -1) if var(Q[0], a) not in zeros else None
            alpha = {id(x): (t2 * u(x[1], a) * u(Q[0], a, -1) if region == "leaf_a" else zero_poly) for x in Ps}
        put(D1, (Ws[0][0], a), q0)
        put(D3, (Q[0], Ws[0][1]), t2)
        put(D3, (Q[0], P[0]), v)
        for Bj in Bs:
            put(D2, (Ws[0][1], Bj[1]), t * (u(Q[0], Bj[0]) - v * u(P[1], Bj[0])))
        for x in Ps:
            for Bj in Bs:
                put(D2, (x[0], Bj[1]), Lau.mono(nv, t=3) * u(x[1], Bj[0]))
            put(D2, (x[0], Ws[0][0]), alpha[id(x)])
        for k, Qk in enumerate(extraQ, start=1):  # their own [1, 2] wire, v = 0
            wire = Ws[k]
            put(D3, (Qk[0], wire[1]), t2)
            for col in [a] + extra_cols:
                put(D1, (wire[0], col), t * u(Qk[0], col))
            for Bj in Bs:
                put(D2, (wire[1], Bj[1]), t * u(Qk[0], Bj[0]))
        q0b = None
        if a2 is not None:  # the second [0, 0] column: wire 0 and the [1, 1] wire
            w11 = W11[0]
            q0b = t * (u(Q[0], a2) - v * u(P[1], a2))
            put(D1, (Ws[0][0], a2), q0b)
            put(D1, (w11[0], a2), t)
            put(D2, (P[0], w11[0]), t2 * u(P[1], a2) - alpha[id(P)] * q0b * Lau.mono(nv, t=-1))
        if Q2 is not None:  # the second [3, 3] row: the [2, 2] wire
            w22 = W22[0]
            put(D3, (Q2[0], w22[0]), t)
            for Bj in Bs:
                put(D2, (w22[0], Bj[1]), t2 * u(Q2[0], Bj[0]))
            sig = zero_poly if var(Q2[0], a) in zeros else t2 * u(Q2[0], a) * q0inv
            put(D2, (w22[0], Ws[0][0]), sig)
            if a2 is not None:
                put(D2, (w22[0], W11[0][0]), (t2 * u(Q2[0], a2) - sig * q0b) * Lau.mono(nv, t=-1))
        # channels: a [1, 3] row R is read off W_1 at (R, column), a [0, 2] column L is written by W_3
        # at (row, L); nothing else reads these coordinates, so nothing is contaminated
        cols0 = [x[0] for x in As] + [x[0] for x in Bs]
        for R in Rs:
            for col in cols0:
                put(D1, (R[0], col), Lau.mono(nv, t=3) * u(R[2], col))
        for L in Ls:
            for row in [x[-1] for x in Ps] + [x[0] for x in Qs] + [x[2] for x in Rs]:
                put(D3, (row, L[2]), Lau.mono(nv, t=3) * u(row, L[0]))
        return ("leaf", [D1, D2, D3])

    def known(path):
        """Variables known nonzero on a path (as the checker derives them)."""
        return path_facts(path)[0]

    def cases(ctx, path):
        P, a, Q, Q2 = ctx["P"], ctx["a"], ctx["Q"], ctx["Q2"]
        vP, vQ = var(P[1], a), var(Q[0], a)
        forced = [var(o[1], a) for o in Ps if o is not P] + ([var(P[1], ctx["a2"])] if ctx["a2"] is not None else [])

        def zero_region(path2, zeros):
            if Q2 is None:
                return leaf(ctx, "zero", zeros)
            if vQ in known(path2):
                return leaf(ctx, "zero", zeros)
            return ("zero", vQ, zero_tail(path2 + ((("zero", vQ), True),), zeros | {vQ}, "zero"),
                    leaf(ctx, "zero", zeros))

        def zero_tail(path2, zeros, region):
            v2 = var(Q2[0], a)
            return ("zero", v2, leaf(ctx, region, zeros | {v2}), ("impossible",))

        def beta(path2):
            if Q2 is None or vQ in known(path2):
                return leaf(ctx, "beta", frozenset())
            return ("zero", vQ, zero_tail(path2 + ((("zero", vQ), True),), frozenset({vQ}), "beta"),
                    leaf(ctx, "beta", frozenset()))

        t4 = (mono(vQ), mono(vP), fmpq(2), 1)
        nonzero_branch = ("test", t4, leaf(ctx, "leaf_a", frozenset()), beta(path + (((t4), False),)))
        if vP in known(path):
            return nonzero_branch
        # u(P_*, a) = 0: then the pivot tests force the others 0 too
        yes_path = path + ((("zero", vP), True),)

        def after(pth, zs):
            return zero_region(pth, zs)

        def chain_forced(vs, pth, zs):
            if not vs:
                return after(pth, zs)
            return ("zero", vs[0], chain_forced(vs[1:], pth + ((("zero", vs[0]), True),), zs | {vs[0]}),
                    ("impossible",))

        return ("zero", vP, chain_forced(forced, yes_path, frozenset({vP})), nonzero_branch)

    def pick(options, path, ctx, key_fn, test_vars, then):
        """A pivot test |u(x)| >= |u(y)| between two candidates (or none)."""
        if len(options) == 1:
            return then({**ctx, key_fn: options[0]}, path)
        x, y = options
        vx, vy = test_vars(x), test_vars(y)
        tst = (mono(vx), mono(vy), fmpq(1), 0)
        return ("test", tst, then({**ctx, key_fn: x, key_fn + "o": y}, path + ((tst, True),)),
                then({**ctx, key_fn: y, key_fn + "o": x}, path + ((tst, False),)))

    def with_a(ctx, path):
        def with_q(ctx2, path2):
            if q22:
                def fin(ctx3, path3):
                    return cases({**ctx3, "Q2": ctx3["Qo"]}, path3)
                return pick(Qs, path2, ctx2, "Q", lambda x: var(x[0], ctx2["a"]), fin)
            return cases({**ctx2, "Q": Qs[0], "Q2": None}, path2)

        def with_p(ctx2, path2):
            return pick(Ps, path2, ctx2, "P", lambda x: var(x[1], ctx2["a"]), with_q)

        return with_p(ctx, path)

    base = {"a2": None}
    if two_a:
        P0 = Ps[0]

        def set_a(ctx, path):
            return with_a({**ctx, "a2": ctx["ao"]}, path)

        tree = pick([As[0][0], As[1][0]], (), {**base, "P": P0}, "a", lambda col: var(P0[1], col), set_a)
    else:
        tree = with_a({**base, "a": As[0][0]}, ())
    return 3, tree


def _family_without_p(layers, kinds):
    """No [2, 3] row: the [3, 3] rows are served by wires alone (one [0, 0] column a): Q_* on the
    first [1, 2] wire (W_1 t u(Q_*, a), W_2 t u(Q_*, b_j), W_3 t^2), further rows on their own [1, 2]
    wires, and a last one on a [2, 2] wire w (W_3 t, W_2 t^2 u(Q', b_j) and t u(Q', a)/u(Q_*, a) at
    (w, first wire), after a pivot test |u(Q_*, a)| >= |u(Q', a)| and a zero test on u(Q_*, a))."""
    As, Bs, Ws, Qs = (kinds.get(x, []) for x in ((0, 0), (0, 1), (1, 2), (3, 3)))
    W22, Rs, Ls = kinds.get((2, 2), []), kinds.get((1, 3), []), kinds.get((0, 2), [])
    if len(As) != 1 or not Ws or not Qs or (1, 1) in kinds:
        return None
    q22 = len(Qs) > len(Ws)
    if q22 and (len(Qs) != len(Ws) + 1 or not W22):
        return None
    m, n = layers[2].nrows(), layers[0].ncols()
    nv = m * n
    a = As[0][0]
    t = Lau.mono(nv, t=1)

    def leaf(Qstar, Qo, zeros):
        def u(row, col, e=1):
            if row * n + col in zeros:
                return Lau(nv)
            return Lau.mono(nv, u={row * n + col: e})

        D1, D2, D3 = {}, {}, {}

        def put(D, key, val):
            if val.terms:
                D[key] = D.get(key, Lau(nv)) + val

        rows = [Qstar] + [q for q in Qs if q is not Qstar and q is not Qo]
        for k, Q in enumerate(rows):
            put(D1, (Ws[k][0], a), t * u(Q[0], a))
            put(D3, (Q[0], Ws[k][1]), Lau.mono(nv, t=2))
            for Bj in Bs:
                put(D2, (Ws[k][1], Bj[1]), t * u(Q[0], Bj[0]))
        if Qo is not None:
            w = W22[0][0]
            put(D3, (Qo[0], w), t)
            for Bj in Bs:
                put(D2, (w, Bj[1]), Lau.mono(nv, t=2) * u(Qo[0], Bj[0]))
            if Qo[0] * n + a not in zeros:
                put(D2, (w, Ws[0][0]), t * u(Qo[0], a) * u(Qstar[0], a, -1))
        for R in Rs:
            for col in [a] + [x[0] for x in Bs]:
                put(D1, (R[0], col), Lau.mono(nv, t=3) * u(R[2], col))
        for L in Ls:
            for row in [x[0] for x in Qs] + [x[2] for x in Rs]:
                put(D3, (row, L[2]), Lau.mono(nv, t=3) * u(row, L[0]))
        return ("leaf", [D1, D2, D3])

    if not q22:
        return 3, leaf(Qs[0], None, frozenset())
    x, y = Qs[-2], Qs[-1]  # the pivot pair (any further rows have their own wires)
    vx, vy = x[0] * n + a, y[0] * n + a
    ex, ey = [0] * nv, [0] * nv
    ex[vx], ey[vy] = 1, 1
    tst = (tuple(ex), tuple(ey), fmpq(1), 0)
    yes = ("zero", vx, ("zero", vy, leaf(x, y, frozenset({vx, vy})), ("impossible",)), leaf(x, y, frozenset()))
    return 3, ("test", tst, yes, leaf(y, x, frozenset()))


def _leaves(tree):
    if tree[0] in ("test", "zero"):
        yield from _leaves(tree[2])
        yield from _leaves(tree[3])
    elif tree[0] == "leaf":
        yield tree[1]


def _leaf_holds(layers, Ds, p: int, path_zero) -> bool:
    nv = layers[-1].nrows() * layers[0].ncols()
    return identity_holds(layers, Ds, p, set(range(nv)) - path_zero, False, frozenset(path_zero))


def _checked(layers, fam, absent=frozenset()):
    """The family if every leaf's identity holds (zero-tested and absent entries held at 0), else None."""
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

    return fam if ok(tree, frozenset(absent)) else None


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


def factored_family(layers):
    """h = 5, the class {0-0, 0-1, 1-4, 2-2, 3-3, 4-5, 5-5} (all widths 2): the (N, N, N) chain whose
    middle layer passes two projections (docs/chains.md, "Staircase families").  With t^4 = |E|_max
    the staircase's middle block M = [[1, m], [alpha, t^4 u(P, b)]] (rows: wire, P at V_4; columns:
    wire, b at V_1) has det = O(t^3), so it factors through the two inner summands with every move
    O(t): W_2 adds m at (wire, b) and t at (2-2, b), W_3 adds t at (3-3, 2-2), W_4 adds alpha at
    (P, wire) and gamma = (t^4 u(P, b) - alpha m)/t^2 at (P, 3-3).  p = 4."""
    if len(layers) != 5:
        return None
    kinds = interval_kinds(layers)
    if kinds is None:
        return None
    want = {(0, 0), (0, 1), (1, 4), (2, 2), (3, 3), (4, 5), (5, 5)}
    if set(kinds) != want or any(len(v) != 1 for v in kinds.values()):
        return None
    (a,), (b,), (c,), (d,), (e,), (P,), (Q,) = (kinds[k] for k in sorted(want))
    m_, n_ = layers[4].nrows(), layers[0].ncols()
    nv = m_ * n_

    def u(row, col, ex=1):
        return Lau.mono(nv, u={row * n_ + col: ex})

    def T(k):
        return Lau.mono(nv, t=k)

    a0, b0 = a[0], b[0]

    def leaf(region, zeros):
        if region == "beta":
            v = u(Q[0], a0) * u(P[1], a0, -1) - T(1)
            alpha = T(1)
        elif region == "leaf_a":
            v, alpha = Lau(nv), T(2) * u(P[1], a0) * u(Q[0], a0, -1)
        else:
            v, alpha = Lau(nv), Lau(nv)
        uPa = Lau(nv) if (P[1] * n_ + a0) in zeros else u(P[1], a0)
        q = T(2) * (u(Q[0], a0) - v * uPa)
        mm = T(2) * (u(Q[0], b0) - v * u(P[1], b0))
        gamma = T(2) * u(P[1], b0) - alpha * mm * T(-2)
        D = [dict() for _ in range(5)]
        for i, key, val in ((0, (c[0], a0), q), (1, (c[1], b[1]), mm), (1, (d[0], b[1]), T(1)),
                            (2, (e[0], d[0]), T(1)), (3, (P[0], c[2]), alpha), (3, (P[0], e[0]), gamma),
                            (4, (Q[0], c[3]), T(2)), (4, (Q[0], P[0]), v)):
            if val.terms:
                D[i][key] = D[i].get(key, Lau(nv)) + val
        return ("leaf", D)

    vP, vQ = P[1] * n_ + a0, Q[0] * n_ + a0
    eQ, eP = [0] * nv, [0] * nv
    eQ[vQ], eP[vP] = 1, 1
    tree = ("zero", vP, leaf("zero", frozenset({vP})),
            ("test", (tuple(eQ), tuple(eP), fmpq(2), 1), leaf("leaf_a", frozenset()), leaf("beta", frozenset())))
    return _checked(layers, (4, tree))


def rotated_family(layers):
    """Lemma C12 (docs/chains.md): ``{"columns": [a, a2], "rows": [Q, Q2], "pivot": P, "family": ...}``
    for a chain with two [0, 0] columns (zero columns of W_1), two [3, 3] rows (zero rows of W_3)
    and the staircase on the targets with E[P, a2] = E[Q, a2] = 0 (every target is rotated there by
    orthogonal changes of the two column and the two row coordinates), else None.  The family's
    evidence is written by the caller."""
    if len(layers) != 3:
        return None
    copies = interval_copies(layers)
    if copies is None:
        return None
    As = [p[0] for s_, e_, p in copies if (s_, e_) == (0, 0)]
    Qs = [p[0] for s_, e_, p in copies if (s_, e_) == (3, 3)]
    Ps = [p[1] for s_, e_, p in copies if (s_, e_) == (2, 3)]
    if len(As) != 2 or len(Qs) != 2 or len(Ps) != 1:
        return None
    n = layers[0].ncols()
    for a, a2 in (As, As[::-1]):
        for q, q2 in (Qs, Qs[::-1]):
            fam = _family(layers, roles=(a, a2, q, Ps[0]))
            absent = {Ps[0] * n + a2, q * n + a2}
            if _checked(layers, fam, absent) is not None:
                return {"columns": [a, a2], "rows": [q, q2], "pivot": Ps[0], "absent": sorted(absent),
                        "p": fam[0], "tree": fam[1]}
    return None
