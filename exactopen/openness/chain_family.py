"""Explicit preimage families for chains (``chain_openness`` argument ``family``; docs/chains.md,
"Preimage families" and Lemma C7).

A family proves local openness and an upper bound on the needed perturbation: for every target
Z = W_h...W_1 + E with 0 < |E|_max <= 1, with t = |E|_max^(1/p) and E = t^p U, a decision tree of
monomial tests |u^A| >= beta t^k |u^B| picks a case whose formulas (Laurent polynomials in t and
the u_ij) give layers W_i + D_i with product exactly Z and every entry of D_i at most C t.

The families are written once for a *template* chain (:data:`TEMPLATES`) and carried to a chain
that is the template up to permutations of the bases of V_0..V_h plus a direct summand living
only at the inner nodes V_1..V_{h-1} (its layers are not moved: it adds nothing to the product),
optionally after inserting identity layers (Lemma C7: a square invertible layer, here a
permutation, is kept fixed: at an end the target is moved by its inverse, which for a
permutation renames the u_ij; inside, it merges with a neighbour).
Every certificate is re-checked by ``exactopen/kernel/chain_family.py``; nothing here is trusted.
"""

from __future__ import annotations

import itertools

from flint import fmpq, fmpq_mat

from exactopen.openness.laurent import Lau, identity_holds as _identity_holds, path_facts as _ineqs, product as _product

def _mono_json(e, n: int) -> list:
    return [[v // n, v % n, x] for v, x in enumerate(e) if x]


# ---------------------------------------------------------------------------------------
# trees: ("test", (A, B, beta, k), yes, no) | ("leaf", [ {(r, c): Lau} per layer ]) | ("impossible",)
# A, B: exponent vectors (>= 0)
# ---------------------------------------------------------------------------------------

SCALE: dict = {"block": None, "p": 1}  # the scale block of the family being written (None: every entry)


def _multipliers(a: int, b: tuple, path) -> tuple[list, fmpq]:
    """The cheapest multipliers [[test, n], ...] bounding |t^a u^b| by g δ^(1/p) (search over n <= 2)."""
    nonzero, ineqs = _ineqs(path)
    nv = len(b)
    block = SCALE["block"]
    free = 0 if block is None else sum(x for v, x in enumerate(b) if v not in block)
    best = None
    for ns in itertools.product(*(range(1) if q is None else range(3) for q in ineqs)):
        X, Y, g, kk = [0] * nv, [0] * nv, fmpq(1), a
        for q, nj in zip(ineqs, ns):
            if nj:
                Xj, Yj, gj, kj = q
                X = [u + nj * v for u, v in zip(X, Xj)]
                Y = [u + nj * v for u, v in zip(Y, Yj)]
                g *= gj ** nj
                kk += nj * kj
        if kk < 0 or kk + SCALE["p"] * free < 1:
            continue
        ok = all(0 <= b[v] - (X[v] - Y[v]) <= max(b[v], 0) and ((b[v] >= 0 and Y[v] == 0) or v in nonzero)
                 for v in range(nv))
        if ok and (best is None or (g, sum(ns)) < (best[1], sum(best[0]))):
            best = (ns, g)
    if best is None:
        raise ValueError(f"no bound found for the term t^{a} u^{b}")
    return [[j, nj] for j, nj in enumerate(best[0]) if nj], best[1]


def tree_json(tree, n: int, path=()) -> dict:
    """The certificate form of a tree (multipliers found here), and nothing else."""
    if tree[0] == "zero":
        v = tree[1]
        return {"zero": [v // n, v % n], "yes": tree_json(tree[2], n, path + ((("zero", v), True),)),
                "no": tree_json(tree[3], n, path + ((("zero", v), False),))}
    if tree[0] == "test":
        A, B, beta, k = tree[1]
        return {"test": {"A": _mono_json(A, n), "B": _mono_json(B, n), "beta": str(fmpq(beta)), "k": k},
                "yes": tree_json(tree[2], n, path + ((tree[1], True),)),
                "no": tree_json(tree[3], n, path + ((tree[1], False),))}
    if tree[0] == "impossible":
        return {"impossible": True}
    layers = []
    for Di in tree[1]:
        entries = []
        for (r, c), poly in sorted(Di.items()):
            terms = []
            for (a, e), coef in sorted(poly.terms.items()):
                mult, _ = _multipliers(a, e, path)
                terms.append([str(coef), a, _mono_json(e, n), mult])
            if terms:
                entries.append([r, c, terms])
        layers.append(entries)
    return {"leaf": {"layers": layers}}


def tree_constant(tree, path=()) -> fmpq:
    """The largest sum of term bounds over the leaves (what the checker recomputes)."""
    if tree[0] == "zero":
        v = tree[1]
        return max(tree_constant(tree[2], path + ((("zero", v), True),)),
                   tree_constant(tree[3], path + ((("zero", v), False),)))
    if tree[0] == "test":
        return max(tree_constant(tree[2], path + ((tree[1], True),)),
                   tree_constant(tree[3], path + ((tree[1], False),)))
    if tree[0] == "impossible":
        return fmpq(0)
    worst = fmpq(0)
    for Di in tree[1]:
        for poly in Di.values():
            worst = max(worst, sum((abs(c) * _multipliers(a, e, path)[1] for (a, e), c in poly.terms.items()),
                                   fmpq(0)))
    return worst


def _map_tree(tree, test_fn, leaf_fn, zero_fn=lambda v: v):
    if tree[0] == "zero":
        return ("zero", zero_fn(tree[1]), _map_tree(tree[2], test_fn, leaf_fn, zero_fn),
                _map_tree(tree[3], test_fn, leaf_fn, zero_fn))
    if tree[0] == "test":
        return ("test", test_fn(tree[1]), _map_tree(tree[2], test_fn, leaf_fn, zero_fn),
                _map_tree(tree[3], test_fn, leaf_fn, zero_fn))
    if tree[0] == "impossible":
        return tree
    return ("leaf", leaf_fn(tree[1]))


# ---------------------------------------------------------------------------------------
# templates
# ---------------------------------------------------------------------------------------

def _nnn_family():
    """The 2x2 chain (N, N, N), N = e_2 e_1^T (intervals 0-0, 0-1, 1-2, 2-3, 3-3): every target
    t^3 U has the preimage W_1 = [[0, q], [1, r]], W_2 = [[a, t^3 u21], [1, b]], W_3 = [[v, t^2], [1, 0]]
    with b = t(u11 - v u21), q = t(u12 - v u22) - b r and a q + t^3 u21 r = t^3 u22; the cases
    choose v, r, a.  p = 3."""
    nv = 4
    U = {(i, j): Lau.mono(nv, u={2 * i + j: 1}) for i in range(2) for j in range(2)}
    inv = {(i, j): Lau.mono(nv, u={2 * i + j: -1}) for i in range(2) for j in range(2)}
    t = Lau.mono(nv, t=1)
    t2 = Lau.mono(nv, t=2)
    u11, u12, u21, u22 = U[0, 0], U[0, 1], U[1, 0], U[1, 1]

    def leaf(v, r, a, q=None):
        b = t * (u11 - v * u21)
        qq = t * (u12 - v * u22) - b * r
        return ("leaf", [{(0, 1): qq, (1, 1): r},
                         {(0, 0): a, (0, 1): Lau.mono(nv, t=3, u={2: 1}), (1, 1): b},
                         {(0, 0): v, (0, 1): t2}])

    def e(*vs):
        x = [0] * nv
        for v in vs:
            x[v] += 1
        return tuple(x)

    one = e()
    zero = Lau(nv)
    leaf_a = leaf(zero, zero, t * t * u22 * inv[0, 1])
    leaf_b1 = leaf(zero, (u12 - t) * inv[0, 0], t * (u22 - u21 * ((u12 - t) * inv[0, 0])))
    leaf_b2a = leaf((u12 - t) * inv[1, 1], zero, t * u22)
    leaf_beta = leaf(u12 * inv[1, 1] - t, zero, t)
    leaf_b2bi = leaf(zero, u22 * inv[1, 0], zero)
    tree = ("test", (e(1), one, 1, 1), leaf_a,
            ("test", (e(0), one, fmpq(1, 2), 0), leaf_b1,
             ("test", (e(3), one, fmpq(1, 2), 0), leaf_b2a,
              ("test", (e(3), one, 1, 1),
               ("test", (e(1), e(3), 2, 1), leaf_a, leaf_beta),
               ("test", (e(2), one, fmpq(1, 2), 0), leaf_b2bi, ("impossible",))))))
    N = fmpq_mat([[0, 0], [1, 0]])
    return [N, N, N], 3, tree


def _factored(j: int, side: str):
    """(N, N, N) with its j-th layer N written as E22 N ('after': the projection follows) or N E11
    ('before'), an h = 4 chain whose merged chain is (N, N, N).  Every layer of the family has the
    form N + D with D = [[m11, m12], [0, m22]]; [[m11, m12], [1, m22]] factors as
    [[t, m11], [0, 1]] [[0, (m12 - m11 m22)/t], [1, m22]] (after) or
    [[m11, (m12 - m11 m22)/t], [1, 0]] [[1, m22], [0, t]] (before); the bound holds where
    m12 - m11 m22 = O(t^2) (checked when the template is built)."""
    base, p, tree = _nnn_family()
    nv = 4
    t = Lau.mono(nv, t=1)
    tinv = Lau.mono(nv, t=-1)
    zero = Lau(nv)
    E11, E22 = fmpq_mat([[1, 0], [0, 0]]), fmpq_mat([[0, 0], [0, 1]])
    layers = list(base)
    layers[j:j + 1] = [base[j], E22] if side == "after" else [E11, base[j]]

    def leaf_fn(Ds):
        D = Ds[j]
        m11, m12, m22 = (D.get(k, zero) for k in ((0, 0), (0, 1), (1, 1)))
        beta = (m12 - m11 * m22) * tinv
        if side == "after":
            pair = [{(0, 1): beta, (1, 1): m22}, {(0, 0): t, (0, 1): m11}]
        else:
            pair = [{(0, 1): m22, (1, 1): t}, {(0, 0): m11, (0, 1): beta}]
        return list(Ds[:j]) + pair + list(Ds[j + 1:])

    return layers, p, _map_tree(tree, lambda x: x, leaf_fn)


def _bounded(make):
    """The template if every term of its family has a bound (else None: the factorisation fails)."""
    layers, p, tree = make()
    try:
        tree_constant(tree)
    except ValueError:
        return None
    return layers, p, tree


TEMPLATES = {"NNN": _nnn_family, **{f"NNN-{j}-{side}": (lambda j=j, side=side: _factored(j, side))
                                    for j in range(3) for side in ("after", "before")}}
_BUILT: dict = {}


def _template(name: str):
    if name not in _BUILT:
        _BUILT[name] = _bounded(TEMPLATES[name])
    return _BUILT[name]


# ---------------------------------------------------------------------------------------
# transport: permutations of the bases, identity end layers (Lemma C7)
# ---------------------------------------------------------------------------------------

def _embeddings(d: int, k: int):
    return list(itertools.permutations(range(d), k))


def _fits(W: fmpq_mat, T: fmpq_mat, pout, pin) -> bool:
    """W restricted to the coordinates pout x pin is T, and W has no entry between these
    coordinates and the others (the chain is the template plus a direct summand)."""
    rows, cols = set(pout), set(pin)
    for r in range(W.nrows()):
        for c in range(W.ncols()):
            inside_r, inside_c = r in rows, c in cols
            if inside_r and inside_c:
                if W[r, c] != T[pout.index(r), pin.index(c)]:
                    return False
            elif (inside_r or inside_c) and W[r, c] != 0:
                return False
    return True


def _match(layers, template, ends: bool = False):
    """Embeddings p_0..p_h of the template's coordinates (all of V_0 and V_h unless ``ends``; any
    coordinates of the inner nodes) under which layers[i] is the template plus a direct summand,
    or None."""
    h = len(layers)
    dims = [layers[0].ncols()] + [W.nrows() for W in layers]
    tdims = [template[0].ncols()] + [W.nrows() for W in template]
    if len(tdims) != h + 1 or any(x > y for x, y in zip(tdims, dims)):
        return None
    if not ends and (tdims[0] != dims[0] or tdims[h] != dims[h]):
        return None

    def rec(i, ps):
        if i == h:
            return ps
        for p in _embeddings(dims[i + 1], tdims[i + 1]):
            if _fits(layers[i], template[i], p, ps[i]):
                got = rec(i + 1, ps + [p])
                if got is not None:
                    return got
        return None

    for p0 in _embeddings(dims[0], tdims[0]):
        got = rec(0, [p0])
        if got is not None:
            return got
    return None


def _transport_layers(tree, ps):
    """The template's layer changes moved by the embeddings ps (variables not renamed)."""
    return _map_tree(tree, lambda x: x, lambda layers: [{(ps[i + 1][r], ps[i][c]): poly for (r, c), poly in Di.items()}
                                                        for i, Di in enumerate(layers)])


def _transport(tree, ps, m: int, n: int):
    """The family of the template carried by the permutations ps (u_T[i, j] -> u[p_h(i), p_0(j)])."""
    ph, p0 = ps[-1], ps[0]
    ren = [ph[v // n] * n + p0[v % n] for v in range(m * n)]

    def vec(e):
        f = [0] * (m * n)
        for v, x in enumerate(e):
            f[ren[v]] = x
        return tuple(f)

    def test_fn(tst):
        A, B, beta, k = tst
        return (vec(A), vec(B), beta, k)

    def leaf_fn(layers):
        return [{(ps[i + 1][r], ps[i][c]): poly.rename(ren) for (r, c), poly in Di.items()}
                for i, Di in enumerate(layers)]

    return _map_tree(tree, test_fn, leaf_fn, lambda v: ren[v])


def _extended(template, tree, slots: tuple):
    """Identity layers inserted into the template (slots[j] = the number of template layers before
    the j-th inserted one): same targets, the inserted layers never move (Lemma C7 when at an
    end; an inner invertible layer merges with its neighbour the same way)."""
    dims = [template[0].ncols()] + [W.nrows() for W in template]

    def eye(d):
        return fmpq_mat([[int(i == j) for j in range(d)] for i in range(d)])

    layers, where = [], []  # where[i]: index of the template layer, or None for an inserted identity
    for pos in range(len(template) + 1):
        for _ in range(slots.count(pos)):
            layers.append(eye(dims[pos]))
            where.append(None)
        if pos < len(template):
            layers.append(template[pos])
            where.append(pos)
    return layers, _map_tree(tree, lambda x: x, lambda Ds: [{} if w is None else Ds[w] for w in where])


def _written(p: int, tree, n: int, block=None, zero=None) -> dict:
    """The evidence of a family (multipliers found under its scale block)."""
    SCALE["block"], SCALE["p"] = block, p
    try:
        out = {"p": p, "radius": "1"}
        C = tree_constant(tree)
        if block is not None:
            C = max(C, tree_constant(zero))
            out["scale"] = [[v // n, v % n] for v in sorted(block)]
        out["constant"] = str(C)
        out["tree"] = tree_json(tree, n)
        if block is not None:
            out["zero"] = tree_json(zero, n)["leaf"]
        return out
    finally:
        SCALE["block"], SCALE["p"] = None, 1


def _lift(tree, nv: int, ren: list):
    """The tree with its variables v renamed ren[v] into nv variables (a larger target)."""
    def vec(e):
        f = [0] * nv
        for v, x in enumerate(e):
            if x:
                f[ren[v]] = x
        return tuple(f)

    def poly(P):
        return Lau(nv, {(a, vec(e)): c for (a, e), c in P.terms.items()})

    return _map_tree(tree, lambda tst: (vec(tst[0]), vec(tst[1]), tst[2], tst[3]),
                     lambda Ds: [{k: poly(P) for k, P in D.items()} for D in Ds], lambda v: ren[v])


def _leaves_of(tree):
    if tree[0] in ("test", "zero"):
        yield from _leaves_of(tree[2])
        yield from _leaves_of(tree[3])
    elif tree[0] == "leaf":
        yield tree[1]


def _channel_family(layers):
    """A template on a block of V_0 x V_h plus *channels* for the other target entries: entry
    (r, c) is produced by one coupling entry (x, y) of a layer i, moved by the raw e_rc, where
    W_h...W_{i+1} e_x = e_r and e_c^T W_{i-1}...W_1 = e_y^T run through unmoved coordinates.
    The template's t is the largest entry of its block (``scale``); E = 0 there gets the leaf
    with the channels only.  Kept only if every leaf's identity holds."""
    h = len(layers)
    dims = [layers[0].ncols()] + [W.nrows() for W in layers]
    m, n = dims[h], dims[0]
    for p, tl, tt, ps in _placements(layers, ends=True):
        tm, tn = tl[-1].nrows(), tl[0].ncols()
        ren = [ps[-1][v // tn] * n + ps[0][v % tn] for v in range(tm * tn)]
        block = set(ren)
        moved = _lift(_transport_layers(tt, ps), m * n, ren)
        chans = _channels(layers, ps, block)
        if chans is None:
            continue

        def add(Ds, chans=chans):
            out = [dict(D) for D in Ds]
            for i, key, poly in chans:
                out[i][key] = out[i].get(key, Lau(m * n)) + poly
            return out

        full = _map_tree(moved, lambda x: x, add)
        zero_leaf = ("leaf", add([{} for _ in range(h)]))
        if all(_identity_holds(layers, Ds, p, block, False) for Ds in _leaves_of(full)) and \
                _identity_holds(layers, zero_leaf[1], p, block, True):
            try:
                return _written(p, full, n, block, zero_leaf)
            except ValueError:
                continue
    return None


def _channels(layers, ps, block):
    """[(layer, (x, y), raw e_rc)] for every target entry outside the block, or None."""
    h = len(layers)
    dims = [layers[0].ncols()] + [W.nrows() for W in layers]
    m, n = dims[h], dims[0]
    out = []
    for v in range(m * n):
        if v in block:
            continue
        r, c = divmod(v, n)
        found = None
        for i in range(h):
            A = _product(layers[i + 1:]) if i + 1 < h else None
            B = _product(layers[:i]) if i > 0 else None
            for x in range(dims[i + 1]):
                col = [A[q, x] for q in range(m)] if A is not None else [int(q == x) for q in range(m)]
                if col != [int(q == r) for q in range(m)]:
                    continue
                for y in range(dims[i]):
                    if (x in ps[i + 1] and (y in ps[i] or i + 1 < h)) or (y in ps[i] and i > 0):
                        continue  # inside the template's block, or through a moved coordinate
                    row = [B[y, q] for q in range(n)] if B is not None else [int(q == y) for q in range(n)]
                    if row == [int(q == c) for q in range(n)] and layers[i][x, y] == 0:
                        found = (i, (x, y), Lau.mono(m * n, u={v: 1}))
                        break
                if found:
                    break
            if found:
                break
        if found is None:
            return None
        out.append(found)
    return out


def rotated(layers) -> dict | None:
    """``evidence.rotate`` (Lemma C12): a staircase family on the rotated targets, or None."""
    from exactopen.openness.chain_staircase import rotated_family

    got = rotated_family(layers)
    if got is None:
        return None
    n = layers[0].ncols()
    try:
        fam = _written(got["p"], got["tree"], n)
    except ValueError:
        return None
    fam["absent"] = [[v // n, v % n] for v in got["absent"]]
    return {"columns": got["columns"], "rows": got["rows"], "pivot": got["pivot"], "family": fam}


def find_zero_end(layers) -> dict | None:
    """``evidence.zero_end`` (Lemma C11 of docs/chains.md) if an end layer is zero next to the
    narrowest node, the rest of the chain has product 0, and a path family covers the rest's
    targets that vanish at a few entries (none, one, or up to e - 1 in one row or column); else None."""
    from exactopen.openness.chain_paths import path_family

    h = len(layers)
    dims = [layers[0].ncols()] + [W.nrows() for W in layers]
    e = min(dims)
    if h < 3 or e < 2:
        return None
    def is_zero(M):
        return all(x == 0 for x in M.entries())

    for side in ("end", "start"):
        if side == "end":
            if not is_zero(layers[-1]) or dims[h - 1] != e:
                continue
            sub = layers[:-1]
        else:
            if not is_zero(layers[0]) or dims[1] != e:
                continue
            sub = layers[1:]
        if not is_zero(_product(sub)):
            continue
        m, n = sub[-1].nrows(), sub[0].ncols()
        lines = [[r * n + c for c in range(n)] for r in range(m)] + [[r * n + c for r in range(m)] for c in range(n)]
        tried = set()
        for size in range(e):
            for line in lines:
                for absent in itertools.combinations(line, size):
                    if absent in tried:
                        continue
                    tried.add(absent)
                    got = path_family(sub, frozenset(absent))
                    if got is None:
                        continue
                    fam = _written(got[0], got[1], n)
                    fam["absent"] = [[v // n, v % n] for v in absent]
                    return {"side": side, "family": fam}
    return None


def find_family(layers) -> dict | None:
    """``evidence.family`` for this chain if it is a template up to permutations of the bases and
    a direct summand at the inner nodes, after inserting identity layers (Lemma C7), else None."""
    m, n = layers[-1].nrows(), layers[0].ncols()
    from exactopen.openness.chain_paths import path_family, scalar_family

    scalar = scalar_family(layers)
    if scalar is None and m * n > 1:
        scalar = path_family(layers)
    if scalar is not None:
        p, tree = scalar
        return _written(p, tree, n)
    for p, _tl, tt, ps in _placements(layers):
        return _written(p, _transport(tt, ps, m, n), n)
    fam = _channel_family(layers)
    if fam is not None:
        return fam
    from exactopen.openness.chain_staircase import factored_family, staircase_family

    stair = staircase_family(layers) or factored_family(layers)
    if stair is not None:
        try:
            return _written(stair[0], stair[1], n)
        except ValueError:  # a term without a bound: no family
            return None
    return None


def _placements(layers: list, ends: bool = False):
    """Every template (with identity layers inserted to reach h layers) that matches the chain:
    (p, the template's layers, its tree, the bases matching it: ``_match``)."""
    h = len(layers)
    for name in TEMPLATES:
        built = _template(name)
        if built is None:
            continue
        base, p, tree = built
        extra = h - len(base)
        if extra < 0:
            continue
        for slots in itertools.combinations_with_replacement(range(len(base) + 1), extra):
            tl, tt = _extended(base, tree, slots)
            ps = _match(layers, tl, ends=ends)
            if ps is not None:
                yield p, tl, tt, ps
