"""Path families for chains whose product is 0 (docs/chains.md, "Preimage families" (v)): every
target entry is reached along its own path of coordinates, moved by t at the path's zero entries.
Where the path's zero count equals Lemma C5's p, the exponent of local openness is exact.  The
certificates are re-checked by ``exactopen/kernel/chain_family.py``; nothing here is trusted."""

from __future__ import annotations

import itertools

from exactopen.openness.laurent import Lau, identity_holds as _identity_holds, product as _product


def scalar_family(layers):
    """Chains with d_0 = d_h = 1 and product 0: along a path of coordinates c_0 -> c_1 -> ... -> c_h,
    put t (the first one: t u) at the k path entries where W_i is zero.  Kept if the product of the
    moved layers is exactly t^k u (no other path picks up a perturbed entry); the shortest k wins.
    One leaf, no test (u = +-1); p = k, C = 1."""
    h = len(layers)
    dims = [layers[0].ncols()] + [W.nrows() for W in layers]
    if dims[0] != 1 or dims[h] != 1 or any(x != 0 for x in _product(layers).entries()):
        return None
    nv = 1
    best = None
    for inner in itertools.product(*(range(d) for d in dims[1:h])):
        path = (0,) + inner + (0,)
        zeros = [i for i in range(h) if layers[i][path[i + 1], path[i]] == 0]
        if not zeros or (best is not None and len(zeros) >= best[0]):
            continue
        Ds = [{} for _ in range(h)]
        for n, i in enumerate(zeros):
            Ds[i][(path[i + 1], path[i])] = Lau.mono(nv, t=1, u={0: 1} if n == 0 else None)
        prod = None
        for i in range(h):
            L = [[Lau.const(nv, layers[i][r, c]) + Ds[i].get((r, c), Lau(nv)) for c in range(dims[i])]
                 for r in range(dims[i + 1])]
            prod = L if prod is None else [[sum((L[r][x] * prod[x][c] for x in range(dims[i])), Lau(nv))
                                             for c in range(dims[0])] for r in range(dims[i + 1])]
        if prod[0][0].terms == Lau.mono(nv, t=len(zeros), u={0: 1}).terms:
            best = (len(zeros), Ds)
    if best is None:
        return None
    return best[0], ("leaf", best[1])


def path_family(layers, absent=frozenset()):
    """Every target entry (r, c) gets its own path of coordinates c -> ... -> r: t at its zero
    entries, except one *private* zero entry (on no other chosen path) moved by t^(1 + k - k_rc) u_rc,
    k_rc the path's zero count and k the largest: the path contributes t^k u_rc.  Paths are chosen
    greedily (fewest zeros first); kept if the product is exactly W_h...W_1 + t^k U (no path picks
    up another's entries).  One leaf, no test; p = k.  ``absent``: target entries held at 0 (no
    path; the family covers the targets vanishing there, for Lemma C11)."""
    h = len(layers)
    dims = [layers[0].ncols()] + [W.nrows() for W in layers]
    m, n = dims[h], dims[0]
    if m * n > 9 or any(x != 0 for x in _product(layers).entries()):
        return None
    chosen, private, shared = [], set(), set()
    for v in range(m * n):
        if v in absent:
            continue
        r, c = divmod(v, n)
        cands = []
        for inner in itertools.product(*(range(d) for d in dims[1:h])):
            path = (c,) + inner + (r,)
            zeros = [(i, path[i + 1], path[i]) for i in range(h) if layers[i][path[i + 1], path[i]] == 0]
            if zeros:
                cands.append((len(zeros), path, zeros))
        for _, path, zeros in sorted(cands):
            if any(z in private for z in zeros):
                continue
            mine = [z for z in zeros if z not in shared]
            if not mine:
                continue
            chosen.append((v, zeros, mine[0]))
            private.add(mine[0])
            shared.update(z for z in zeros if z != mine[0])
            break
        else:
            return None
    if private & shared:
        return None
    k = max(len(z) for _, z, _ in chosen)
    nv = m * n
    Ds = [{} for _ in range(h)]
    for v, zeros, mine in chosen:
        for (i, x, y) in zeros:
            if (i, x, y) == mine:
                Ds[i][(x, y)] = Lau.mono(nv, t=1 + k - len(zeros), u={v: 1})
            else:
                Ds[i][(x, y)] = Lau.mono(nv, t=1)
    if not chosen or not _identity_holds(layers, Ds, k, set(range(nv)) - set(absent), False, frozenset(absent)):
        return None
    return k, ("leaf", Ds)
