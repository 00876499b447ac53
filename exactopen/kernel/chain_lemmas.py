"""Checker of the chain arguments that rest on a lemma of this project (docs/chains.md): Lemma C10
(``reduce``: full summands removed, the reduced chain's certificate nested; trusted as
``chain-full-removal``), Lemma C11 (``zero-end``: a zero end layer next to the narrowest node;
``chain-zero-end``) and Lemma C12 (``rotate``: two zero columns of W_1 and two zero rows of W_h;
``chain-rotation``), and Theorem C16 (``rank-criterion``: the rank criterion (R) holds;
``chain-rank-criterion``).  Everything but the lemma's step is checked from the numbers: the
coordinate structure, the preimage family on a coordinate subspace of targets
(``chain_family.check_family`` with absent entries), the nested certificate, the stated upper
exponent, the ranks of the partial products.
"""

from __future__ import annotations

from exactopen.kernel.chain_family import _int, check_family
from exactopen.kernel.core import nested, rely, same_matrix
from exactopen.kernel.primitives import METER, PY, chain, fact, field, is_zero, require
from exactopen.kernel.work import QM

OPEN = "locally_open"


def check_zero_end(Ws, dims, node, where: str = "evidence.zero_end") -> tuple[int, str, int]:
    """Lemma C11 of docs/chains.md (``chain-zero-end``, a lemma of this project): an end layer that
    is zero next to the narrowest node.  Side ``end``: W_h = 0, W_{h-1}...W_1 = 0 and
    d_{h-1} = min_i d_i =: e >= 2; the sub-chain (W_1, ..., W_{h-1}) has a preimage family on
    the targets that are 0 at the ``absent`` entries, which lie in one row or one column of the
    d_{h-1} x d_0 target, at most e - 1 of them.  Side ``start``: the transposed statement (W_1 = 0,
    W_h...W_2 = 0, d_1 = e, the family on (W_2, ..., W_h)).  Everything but the lemma is checked
    here; returns (the sub-family's p, the side, its number of leaves)."""
    require(isinstance(node, dict) and set(node) == {"side", "family"},
            f"{where} must have exactly the fields side and family")
    side = node["side"]
    require(side in ("end", "start"), f"{where}.side must be end or start")
    h = len(Ws)
    e = min(dims)
    require(h >= 3 and e >= 2, f"{where}: Lemma C11 needs h >= 3 layers and min width >= 2")
    if side == "end":
        sub, sdims = Ws[:h - 1], dims[:h]
        require(is_zero(Ws[h - 1]), f"{where}: W_h is not zero")
        require(dims[h - 1] == e, f"{where}: d_(h-1) = {dims[h - 1]} is not the min width {e}")
    else:
        sub, sdims = Ws[1:], dims[1:]
        require(is_zero(Ws[0]), f"{where}: W_1 is not zero")
        require(dims[1] == e, f"{where}: d_1 = {dims[1]} is not the min width {e}")
    Zs = chain(sub, sdims[0])
    require(is_zero(Zs), f"{where}: the sub-chain's product is not zero")
    p, radius, C, leaves, absent = check_family(sub, sdims, Zs, node["family"], where + ".family", absent_ok=True)
    n = sdims[0]
    rows, cols = {v // n for v in absent}, {v % n for v in absent}
    require(len(absent) <= e - 1 and (len(rows) <= 1 or len(cols) <= 1),
            f"{where}.family.absent: at most {e - 1} entries, all in one row or all in one column")
    fact(f"{where}: the {'last' if side == 'end' else 'first'} layer is zero next to the narrowest node "
         f"(width {e}), the rest of the chain has product 0 and a preimage family (p = {p}) on the targets "
         f"that are 0 at {len(absent)} entries of one row or column")
    return p, side, leaves


def reduced_by_full_copies(Ws, dims, full, where: str = "evidence.reduce.full") -> list:
    """Lemma C10 of docs/chains.md (``chain-full-removal``): ``full`` lists coordinate paths
    [c_0, ..., c_h] (c_i a coordinate of V_i), each a full summand in these coordinates: W_i has 1 at
    (c_i, c_(i-1)) and 0 elsewhere in that row and column.  Returns the layers with these rows and
    columns deleted (the reduced chain; the chain is its direct sum with identity paths)."""
    h = len(Ws)
    require(isinstance(full, list) and 1 <= len(full) < min(dims), f"{where} must list 1 to min width - 1 "
            "coordinate paths")
    used = [set() for _ in range(h + 1)]
    for q, path in enumerate(full):
        require(isinstance(path, list) and len(path) == h + 1, f"{where}[{q}] must list one coordinate per node")
        for i, c in enumerate(path):
            c = _int(c, 0, dims[i] - 1, f"{where}[{q}][{i}]")
            require(c not in used[i], f"{where}[{q}][{i}]: a coordinate used twice")
            used[i].add(c)
    out = []
    for i, W in enumerate(Ws):
        rows, cols = used[i + 1], used[i]
        METER.charge(dims[i + 1] * dims[i] * PY, f"{where}: layer {i + 1}")
        for path in full:
            r, c = path[i + 1], path[i]
            for x in range(dims[i]):
                require(W[r, x] == (1 if x == c else 0), f"{where}: W_{i + 1} row {r} is not the unit row at {c}")
            for y in range(dims[i + 1]):
                require(W[y, c] == (1 if y == r else 0), f"{where}: W_{i + 1} column {c} is not the unit column at "
                        f"{r}")
        keep_r = [y for y in range(dims[i + 1]) if y not in rows]
        keep_c = [x for x in range(dims[i]) if x not in cols]
        out.append(QM.new(len(keep_r), len(keep_c), [W[y, x] for y in keep_r for x in keep_c],
                          f"{where}: reduced layer {i + 1}"))
    fact(f"{where}: {len(full)} full summand(s) in coordinates (identity paths V_0 -> V_h), removed")
    return out


def check_rotation(Ws, dims, Z, node, where: str = "evidence.rotate") -> tuple[int, int]:
    """Lemma C12 of docs/chains.md (``chain-rotation``, a lemma of this project): columns x != y of
    W_1 are zero, rows r != s of W_h are zero and P is another row of V_h; the family covers the
    targets with E[P, y] = E[r, y] = 0 (its ``absent`` entries, exactly these two).  Every target is
    rotated there by orthogonal changes of the coordinates x, y of V_0 and r, s of V_h, which fix W
    (those columns and rows are zero).  Returns (p, number of leaves)."""
    require(isinstance(node, dict) and set(node) == {"columns", "rows", "pivot", "family"},
            f"{where} must have exactly the fields columns, rows, pivot and family")
    h = len(Ws)
    m, n = dims[h], dims[0]
    require(h >= 2, f"{where}: Lemma C12 needs two layers or more")
    cols, rows = node["columns"], node["rows"]
    require(isinstance(cols, list) and len(cols) == 2 and isinstance(rows, list) and len(rows) == 2,
            f"{where}: columns and rows must be pairs")
    x, y = (_int(c, 0, n - 1, f"{where}.columns") for c in cols)
    r, s_ = (_int(c, 0, m - 1, f"{where}.rows") for c in rows)
    P = _int(node["pivot"], 0, m - 1, f"{where}.pivot")
    require(x != y and r != s_ and P not in (r, s_), f"{where}: two distinct columns, two distinct rows and a "
            "pivot row outside them")
    METER.charge((dims[1] + dims[h - 1]) * 2 * PY, f"{where}: the zero columns and rows")
    for c in (x, y):
        require(all(Ws[0][i, c] == 0 for i in range(dims[1])), f"{where}: column {c} of W_1 is not zero")
    for q in (r, s_):
        require(all(Ws[h - 1][q, j] == 0 for j in range(dims[h - 1])), f"{where}: row {q} of W_h is not zero")
    p, radius, C, leaves, absent = check_family(Ws, dims, Z, node["family"], where + ".family", absent_ok=True)
    require(absent == {P * n + y, r * n + y}, f"{where}.family.absent must be exactly [{P}, {y}] and [{r}, {y}]")
    fact(f"{where}: columns {x}, {y} of W_1 and rows {r}, {s_} of W_h are zero; the family covers the targets "
         f"with E[{P}, {y}] = E[{r}, {y}] = 0 (p = {p})")
    return p, leaves


def _partial_ranks(Ws) -> tuple[list[int], list[int]]:
    """a_k = rank W_k...W_1 and b_k = rank W_h...W_{k+1} for k = 1..h-1 (2(h - 1) running products)."""
    h = len(Ws)
    a, P = [], Ws[0]
    for k in range(1, h):
        a.append(P.rank())                       # rank W_k ... W_1
        P = Ws[k] * P
    b, S = [0] * (h - 1), Ws[h - 1]
    for k in range(h - 1, 0, -1):
        b[k - 1] = S.rank()                      # rank W_h ... W_{k+1}
        S = S * Ws[k - 1]
    return a, b


def check_gap_free(Ws, dims, z: int) -> str:
    """Lemma C9 of docs/chains.md (``chain-gap-free``, a lemma of this project): at a degenerate chain
    (h >= 3, z < e) with a_k = d_0 or b_k = d_h at every 0 < k < h (no left summand [0, j] and right
    summand [i, h] with j + 1 < i), every target Z near W_h...W_1 has a preimage W' with
    |W' - W| <= C |Z - W_h...W_1|: locally open, upper exponent 1.  Ranks recomputed here."""
    h, e = len(Ws), min(dims)
    require(h >= 3 and z < e, "the gap-free argument is used at degenerate chains of three layers or more")
    a, b = _partial_ranks(Ws)
    for k in range(1, h):
        require(a[k - 1] == dims[0] or b[k - 1] == dims[h], f"the chain is not gap-free at k = {k}: "
                f"rank W_k...W_1 = {a[k - 1]} < d_0 = {dims[0]} and rank W_h...W_(k+1) = {b[k - 1]} < d_h = {dims[h]}")
    fact(f"gap-free: at every 0 < k < {h}, rank W_k...W_1 = d_0 = {dims[0]} or rank W_h...W_(k+1) = d_h = {dims[h]} "
         f"(a_k = {a}, b_k = {b})")
    return f"a_k = {a}, b_k = {b}"


def check_rank_criterion(Ws, dims, z: int) -> str:
    """Theorem C16 of docs/chains.md (``chain-rank-criterion``, a lemma of this project): at a
    degenerate chain (z = rank W_h...W_1 < e = min_i d_i, h >= 3) the ranks a_k = rank W_k...W_1 and
    b_k = rank W_h...W_{k+1}, recomputed here from the layers, satisfy (R): for every 0 < k < h,
    f_k = d_k - a_k - b_k + z >= t_k = min(d_0 - a_k, d_h - b_k, e - z).  No evidence: the ranks are
    computed (2(h - 1) running products).  Returns the table a, b, f, t (k = 1..h-1) as text."""
    h, e = len(Ws), min(dims)
    require(h >= 3 and z < e, "the rank criterion is used at degenerate chains of three layers or more")
    a, b = _partial_ranks(Ws)
    f = [dims[k] - a[k - 1] - b[k - 1] + z for k in range(1, h)]
    t = [min(dims[0] - a[k - 1], dims[h] - b[k - 1], e - z) for k in range(1, h)]
    for k in range(1, h):
        require(f[k - 1] >= t[k - 1], f"the rank criterion (R) fails at k = {k}: f_k = {f[k - 1]} < t_k = "
                f"min(d_0 - a_k, d_h - b_k, e - z) = {t[k - 1]} (a_k = {a[k - 1]}, b_k = {b[k - 1]}, z = {z}); "
                "the chain is not locally open (Lemma C8)")
    fact(f"rank criterion (R): a_k = {a}, b_k = {b}, z = {z}, e = {e}, f_k = {f} >= t_k = {t} (k = 1..{h - 1})")
    return f"a_k = {a}, b_k = {b}, f_k = {f}, t_k = {t}"


def check_chain_lemma(argument: str, Ws, dims, P, ev: dict, res: dict) -> tuple[str, int | None]:
    """The argument's evidence checked and its lemma recorded: (the sentence, the upper exponent q
    of result.preimage_rate or None)."""
    h = len(Ws)
    if argument == "gap-free":
        table = check_gap_free(Ws, dims, field(res, "rank", int, "result"))
        rely("chain-gap-free")
        require(field(res, "preimage_rate", str, "result") == "1/1", "result.preimage_rate must be '1/1' (Lemma C9)")
        return (f"no left and right summand leave a gap ({table}): every target at distance δ has a preimage "
                f"moving the layers by O(δ) (Lemma C9)"), 1
    if argument == "rank-criterion":
        table = check_rank_criterion(Ws, dims, field(res, "rank", int, "result"))
        rely("chain-rank-criterion")
        return (f"the ranks of its partial products satisfy the rank criterion (R), f_k >= t_k at every inner node "
                f"({table}), Theorem C16"), None
    if argument == "zero-end":
        q, side, leaves = check_zero_end(Ws, dims, field(ev, "zero_end", dict, "evidence"))
        rely("chain-zero-end")
        require(field(res, "preimage_rate", str, "result") == f"1/{2 * q}", f"result.preimage_rate must be '1/{2 * q}'")
        return (f"the {'last' if side == 'end' else 'first'} layer is zero next to the narrowest node and the rest "
                f"has a preimage family ({leaves} cases) on the targets that vanish at the absent entries (Lemma "
                f"C11): every target Z in the range near W_h...W_1 has a preimage with every layer entry moved by "
                f"<= C |Z - W_h...W_1|_max^(1/{2 * q})"), 2 * q
    if argument == "rotate":
        q, leaves = check_rotation(Ws, dims, P, field(ev, "rotate", dict, "evidence"))
        rely("chain-rotation")
        require(field(res, "preimage_rate", str, "result") == f"1/{q}", f"result.preimage_rate must be '1/{q}'")
        return (f"orthogonal changes of two zero columns of W_1 and two zero rows of W_h move every target onto the "
                f"targets of a preimage family ({leaves} cases) (Lemma C12): every target has a preimage with "
                f"every layer entry moved by <= C |Z - W_h...W_1|_max^(1/{q})"), q
    node = field(ev, "reduce", dict, "evidence")
    require(set(node) == {"full", "reduced"}, "evidence.reduce must have exactly the fields full and reduced")
    red = reduced_by_full_copies(Ws, dims, node["full"])
    sub = nested(node, "reduced", "chain_openness", "evidence.reduce")
    got = sub["inputs"]["layers"]
    require(isinstance(got, list) and len(got) == h, "evidence.reduce.reduced must have the chain's h layers")
    for i, L in enumerate(got):
        same_matrix(L, red[i], f"evidence.reduce.reduced.inputs.layers[{i}]")
    require(sub["result"]["verdict"] == OPEN, "evidence.reduce.reduced is not locally open")
    rely("chain-full-removal")
    q = sub["result"].get("preimage_rate")
    require(("preimage_rate" in res) == (q is not None) and res.get("preimage_rate") == q,
            f"result.preimage_rate must be the reduced chain's ({q}), and absent if it has none")
    return (f"it is the direct sum of {len(node['full'])} full summand(s) (identity paths) and a chain that is "
            f"locally open (nested certificate), Lemma C10"
            + (f"; every target has a preimage moving each layer entry by <= C |Z - W_h...W_1|_max^({q})" if q else "")
            ), (int(q.split("/")[1]) if q else None)
