"""Checker for explicit preimage families of a chain (``chain_openness`` with argument ``family``,
``evidence.family``; docs/chains.md, "Preimage families", theorem-free).

A family covers every target Z = W_h...W_1 + E with 0 < |E|_max <= radius <= 1.  Write
t = |E|_max^(1/p) (0 < t <= 1) and E = t^p U, so max |u_ij| = 1.  A decision tree of tests

    |u^A| >= beta t^k |u^B|        (A, B monomials with exponents >= 0, beta > 0 rational)

sends (t, U) to a leaf; a leaf either is *impossible* (its path has, for every entry (i, j), a
failed test |u_ij| < beta t^k with beta <= 1, k >= 0, so every |u_ij| < 1) or gives the layer
changes D_i as Laurent polynomials in t and the u_ij.  The checker verifies, per leaf:

* the identity  prod_i (W_i + D_i) = W_h...W_1 + t^p U  of Laurent polynomials (so the formulas
  are an exact preimage wherever they are defined);
* that every variable with a negative exponent is nonzero on the leaf (a test passed with
  nonzero right side, or a failed test's right side);
* a bound |term| <= c_term t for every term c t^a u^b, from the certificate's multipliers n_j
  of the path's inequalities |X_j| <= g_j t^(k_j) |Y_j| (passed: X = B, Y = A, g = 1/beta,
  k_j = -k; failed: X = A, Y = B, g = beta, k_j = k): with X = prod X_j^(n_j), Y likewise,
  c = b - (X - Y) must satisfy 0 <= c <= max(b, 0), Y's variables must be nonzero, and
  a + sum n_j k_j >= 1; then |u^b| = |X/Y| |u^c| <= prod g_j^(n_j) t^(sum n_j k_j) (|u| <= 1,
  t <= 1), so |term| <= |coefficient| prod g_j^(n_j) t.

So every entry of every D_i is at most C t = C |E|_max^(1/p), C the largest sum of term bounds
(the certificate's ``constant``, recomputed).

Optional ``scale`` (a block B of target entries): t^p = max over B of |E_ij| only, U is E/t^p on
B, and the other entries are the raw e_x (|e_x| <= δ = |E|_max, exponents >= 0).  A term's bound
then needs a + sum n_j k_j >= 0 and a + sum n_j k_j + p deg_x >= 1 (|term| <= c g t^(a+K) δ^deg
<= c g δ^(1/p)); tests name entries of B only; impossible leaves refute max_B |u| = 1; and E = 0
on B (t undefined) has its own leaf ``zero`` (no t, no entry of B, every term of degree >= 1 in
the raw entries).

Exact zero tests ``{"zero": [i, j], "yes", "no"}`` branch on u_ij = 0: on the yes branch the entry
is absent (no term names it, the identity keeps Z there), on the no branch u_ij is nonzero; nonzero
facts are derived to a fixed point, and a path making a variable both 0 and nonzero must end in an
impossible leaf.  ``absent`` entries (a family on a coordinate subspace of targets) are accepted
only under Lemmas C11 and C12 (``kernel/chain_lemmas.py``).
"""

from __future__ import annotations

from flint import fmpq

from exactopen.kernel.primitives import METER, PY, fact, field, optional, rational, require
from exactopen.kernel.work import entry_cost, qbits

# budgets of a family; "entries" bounds the target's m n (the length of every exponent vector)
FAMILY = {"nodes": 4096, "depth": 32, "terms": 256, "exponent": 64, "p": 16, "entries": 256}


KEY = 200  # making one entry of an exponent vector (a key of a Laurent polynomial) in Python (~60-100 ns)
HASH = 10  # hashing or comparing one entry of a key (a tuple's hash is not cached)


def _charge_poly(la: int, lb: int, bits: int, nv: int, what: str) -> None:
    """A product of Laurent polynomials with la and lb terms over nv variables: every pair of
    terms makes a key of nv exponents (a tuple of nv entries, hashed)."""
    METER.charge(la * lb * (PY + entry_cost(bits) + (KEY + HASH) * nv), what)
    METER.need(la * lb * (200 + 8 * nv), what)


def _bits(P: dict) -> int:
    return max((sum(qbits(c)) for c in P.values()), default=0)


def _nvars(P: dict) -> int:
    return len(next(iter(P))[1]) if P else 0


def _mul(P: dict, Q: dict) -> dict:
    """Product of Laurent polynomials {(a, exps): coefficient} (charged to the meter)."""
    _charge_poly(len(P), len(Q), _bits(P) + _bits(Q), max(_nvars(P), _nvars(Q)),
                 "a product of Laurent polynomials of a preimage family")
    out: dict = {}
    for (a, e), c in P.items():
        for (b, f), d in Q.items():
            key = (a + b, tuple(x + y for x, y in zip(e, f)))
            v = out.get(key, 0) + c * d
            if v == 0:
                out.pop(key, None)
            else:
                out[key] = v
    return out


def _add(P: dict, Q: dict) -> dict:
    METER.charge(len(P) * PY + len(Q) * (PY + HASH * max(_nvars(P), _nvars(Q))),
                 "a sum of Laurent polynomials of a preimage family")
    out = dict(P)
    for k, c in Q.items():
        v = out.get(k, 0) + c
        if v == 0:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def _int(v, lo: int, hi: int, where: str) -> int:
    require(type(v) is int and lo <= v <= hi, f"{where} must be an integer in {lo}..{hi}")
    return v


def _monomial(obj, m: int, n: int, nonneg: bool, where: str) -> tuple:
    """[[i, j, e], ...] (distinct entries, e != 0; e >= 1 if nonneg) -> exponent vector."""
    require(isinstance(obj, list) and len(obj) <= m * n, f"{where} must be a list of [i, j, exponent]")
    METER.charge(m * n * 20 + len(obj) * PY, f"{where}: an exponent vector of {m * n} entries")
    e = [0] * (m * n)
    lim = FAMILY["exponent"]
    for q, x in enumerate(obj):
        require(isinstance(x, list) and len(x) == 3, f"{where}[{q}] must be [i, j, exponent]")
        i, j = _int(x[0], 0, m - 1, f"{where}[{q}][0]"), _int(x[1], 0, n - 1, f"{where}[{q}][1]")
        v = _int(x[2], 1 if nonneg else -lim, lim, f"{where}[{q}][2]")
        require(v != 0 and e[i * n + j] == 0, f"{where}[{q}]: a zero or repeated exponent")
        e[i * n + j] = v
    return tuple(e)


def _test(obj, m: int, n: int, scale: set, where: str) -> tuple:
    require(isinstance(obj, dict), f"{where} must be an object")
    A = _monomial(field(obj, "A", list, where), m, n, True, where + ".A")
    B = _monomial(field(obj, "B", list, where), m, n, True, where + ".B")
    require(_support(A) | _support(B) <= scale, f"{where}: a test may only name entries of the scale block")
    beta = rational(field(obj, "beta", str, where), where + ".beta")
    require(beta > 0, f"{where}.beta must be positive")
    k = _int(field(obj, "k", int, where), -FAMILY["exponent"], FAMILY["exponent"], where + ".k")
    return A, B, beta, k


def _support(e) -> set:
    return {v for v, x in enumerate(e) if x}


def _path_facts(path: list) -> tuple[set, set]:
    """(variables known nonzero, variables known zero) on a path.  Zero tests decide u_v = 0 or
    u_v != 0 exactly; a failed test |u^A| < beta t^k |u^B| makes the variables of B nonzero; a
    passed one |u^A| >= beta t^k |u^B| whose B-variables are nonzero makes those of A nonzero
    (repeated to a fixed point: every fact holds at the point, in any order)."""
    nonzero, zeros = set(), set()
    for t_, passed in path:
        if t_[0] == "zero":
            (zeros if passed else nonzero).add(t_[1])
        elif not passed:
            nonzero |= _support(t_[1])
    changed = True
    while changed:
        changed = False
        for t_, passed in path:
            if t_[0] != "zero" and passed and _support(t_[1]) <= nonzero and not _support(t_[0]) <= nonzero:
                nonzero |= _support(t_[0])
                changed = True
    return nonzero, zeros


def _check_leaf(leaf: dict, path: list, Ws, dims, Z, p: int, scale: set, where: str, zero: bool = False,
                absent: frozenset = frozenset()) -> fmpq:
    """One leaf: the identity and the term bounds; returns the largest entry bound.  Entries
    outside ``scale`` are the raw entries e_x of E (exponents >= 0, |e_x| <= δ); ``zero``: the
    leaf for E = 0 on the scale block (no t, no scaled entry); ``absent``: entries where E = 0
    (a family on a coordinate subspace of targets: no variable, the product keeps Z there)."""
    require(set(leaf) == {"layers"}, f"{where} must have exactly the field layers")
    h = len(Ws)
    m, n = dims[h], dims[0]
    nv = m * n
    METER.charge(len(path) * len(path) * nv * 20 + PY, f"{where}: the facts of its path over {nv} entries")
    nonzero, zeros = _path_facts(path)
    require(not (nonzero & zeros), f"{where}: the path is contradictory (a variable both 0 and nonzero): "
            "an impossible leaf")
    absent = absent | zeros  # u_v = 0 on this leaf: the entry is no variable, the product keeps Z there
    ineqs = []  # (X, Y, g, k) for the path's tests, in order (None: an exact zero test, no inequality)
    for t_, passed in path:
        if t_[0] == "zero":
            ineqs.append(None)
            continue
        A, B, beta, k = t_
        ineqs.append((B, A, 1 / beta, -k) if passed else (A, B, beta, k))
    layers = field(leaf, "layers", list, where)
    require(len(layers) == h, f"{where}.layers must give the change of each of the {h} layers")
    worst = fmpq(0)
    D = []
    for i, entries in enumerate(layers):
        wi = f"{where}.layers[{i}]"
        rows, cols = dims[i + 1], dims[i]
        require(isinstance(entries, list) and len(entries) <= rows * cols, f"{wi} must be a list of [row, col, terms]")
        Di = [[{} for _ in range(cols)] for _ in range(rows)]
        seen = set()
        for q, ent in enumerate(entries):
            we = f"{wi}[{q}]"
            require(isinstance(ent, list) and len(ent) == 3, f"{we} must be [row, col, terms]")
            r, c = _int(ent[0], 0, rows - 1, we + "[0]"), _int(ent[1], 0, cols - 1, we + "[1]")
            require((r, c) not in seen, f"{we}: entry ({r}, {c}) given twice")
            seen.add((r, c))
            terms = ent[2]
            require(isinstance(terms, list) and 1 <= len(terms) <= FAMILY["terms"],
                    f"{we}[2] must be a list of 1 to {FAMILY['terms']} terms")
            poly: dict = {}
            bound = fmpq(0)
            for s, term in enumerate(terms):
                wt = f"{we}[2][{s}]"
                require(isinstance(term, list) and len(term) == 4, f"{wt} must be [coefficient, t exponent, "
                        "monomial, multipliers]")
                coef = rational(term[0], wt + "[0]")
                require(coef != 0, f"{wt}: zero coefficient")
                a = _int(term[1], -FAMILY["exponent"], FAMILY["exponent"], wt + "[1]")
                b = _monomial(term[2], m, n, False, wt + "[2]")
                key = (a, b)
                require(key not in poly, f"{wt}: a repeated monomial")
                poly[key] = coef
                mult = term[3]
                require(isinstance(mult, list) and len(mult) <= len(path), f"{wt}[3] must be a list of [test, n]")
                METER.charge(nv * (len(mult) * 60 + 800), f"{wt}: the bound of a term over {nv} entries")
                METER.need(16 * nv, f"{wt}: the exponent vector of a term")
                X, Y, g, kk = [0] * nv, [0] * nv, fmpq(1), a
                used = set()
                for x in mult:
                    require(isinstance(x, list) and len(x) == 2, f"{wt}[3]: a multiplier must be [test, n]")
                    j = _int(x[0], 0, len(path) - 1, f"{wt}[3]: test index")
                    nj = _int(x[1], 1, FAMILY["exponent"], f"{wt}[3]: multiplicity")
                    require(j not in used, f"{wt}[3]: test {j} named twice")
                    used.add(j)
                    require(ineqs[j] is not None, f"{wt}[3]: test {j} is an exact zero test, no inequality")
                    Xj, Yj, gj, kj = ineqs[j]
                    X = [u + nj * v for u, v in zip(X, Xj)]
                    Y = [u + nj * v for u, v in zip(Y, Yj)]
                    METER.charge(PY + nj * entry_cost(sum(qbits(gj)) * nj + sum(qbits(g))), f"{wt}[3]: a term bound")
                    g *= gj ** nj
                    kk += nj * kj
                for v in range(nv):  # (no message formatted per entry: nv may be large)
                    cv = b[v] - (X[v] - Y[v])
                    if not 0 <= cv <= max(b[v], 0):
                        require(False, f"{wt}: the multipliers do not bound the monomial (entry ({v // n}, {v % n}))")
                    if (b[v] < 0 or Y[v] != 0) and v not in nonzero:
                        require(False, f"{wt}: u[{v // n}][{v % n}] is divided by but not known to be nonzero on "
                                "this leaf")
                if any(b[v] for v in absent):
                    require(False, f"{wt}: names an absent target entry (E = 0 there, it is no variable)")
                free = sum(b[v] for v in range(nv) if v not in scale)
                require(all(b[v] >= 0 for v in range(nv) if v not in scale), f"{wt}: an entry outside the scale "
                        "block with a negative exponent")
                if zero:
                    require(a == 0 and not any(b[v] for v in scale), f"{wt}: the zero-block leaf has no t and no "
                            "scaled entry")
                require(kk >= 0 and kk + p * free >= 1, f"{wt}: the term is only bounded by t^{kk} times {free} raw "
                        "entries, not by a multiple of δ^(1/p)")
                bound += abs(coef) * g
            Di[r][c] = poly
            worst = max(worst, bound)
        D.append(Di)
    # the identity prod (W_i + D_i) = Z + t^p U (scale block) + E (other entries)
    zero_block = zero
    zero = (0, (0,) * nv)
    P = None
    for i in range(h):
        rows, cols = dims[i + 1], dims[i]
        METER.charge(rows * cols * PY, "a layer of Laurent polynomials")
        L = [[_add({zero: Ws[i][r, c]} if Ws[i][r, c] != 0 else {}, D[i][r][c]) for c in range(cols)]
             for r in range(rows)]
        if P is None:
            P = L
            continue
        METER.charge(rows * cols * dims[0] * PY, f"the product of {rows}x{cols} and {cols}x{dims[0]} matrices of "
                     "Laurent polynomials")
        Q = []
        for r in range(rows):
            row = []
            for c in range(dims[0]):
                acc: dict = {}
                for x in range(cols):
                    if L[r][x] and P[x][c]:
                        acc = _add(acc, _mul(L[r][x], P[x][c]))
                row.append(acc)
            Q.append(row)
        P = Q
    METER.charge(m * n * (PY + (KEY + 2 * HASH) * nv), f"comparing {m}x{n} Laurent polynomials over {nv} variables")
    for r in range(m):
        for c in range(n):
            want = {zero: Z[r, c]} if Z[r, c] != 0 else {}
            unit = [0] * nv
            unit[r * n + c] = 1
            if r * n + c in absent:
                pass
            elif r * n + c not in scale:
                want[(0, tuple(unit))] = fmpq(1)
            elif not zero_block:
                want[(p, tuple(unit))] = fmpq(1)
            require(P[r][c] == want, f"{where}: the product of the layers differs from the target at entry ({r}, {c})")
    return worst


FAMILY_KEYS = {"p", "radius", "constant", "tree", "scale", "zero"}


def check_family(Ws, dims, Z, fam: dict, where: str = "evidence.family", absent_ok: bool = False):
    """Verify a preimage family; returns (p, radius, constant C, number of leaves), and with
    ``absent_ok`` also the set of absent entries (v = i n + j): a family on the targets with
    E = 0 there (only Lemma C11's sub-chain takes one; it does not prove openness by itself)."""
    h = len(Ws)
    m, n = dims[h], dims[0]
    require(isinstance(fam, dict), f"{where} must be an object")
    for key in fam:
        require(key in FAMILY_KEYS or (absent_ok and key == "absent"), f"{where}.{key}: unknown field")
    require(("zero" in fam) == ("scale" in fam), f"{where}: the zero leaf comes with a scale block, and only there")
    require(m * n <= FAMILY["entries"], f"{where}: a family for a {m}x{n} target, beyond the budget of "
            f"{FAMILY['entries']} target entries (every term carries an exponent vector of m n entries)")
    p = _int(field(fam, "p", int, where), 1, FAMILY["p"], where + ".p")
    radius = rational(field(fam, "radius", str, where), where + ".radius")
    require(0 < radius <= 1, f"{where}.radius must be in (0, 1] (the bounds use t <= 1)")
    absent: set = set()
    if absent_ok:
        for q, x in enumerate(field(fam, "absent", list, where)):
            require(isinstance(x, list) and len(x) == 2, f"{where}.absent[{q}] must be [i, j]")
            v = _int(x[0], 0, m - 1, f"{where}.absent[{q}][0]") * n + _int(x[1], 0, n - 1, f"{where}.absent[{q}][1]")
            require(v not in absent, f"{where}.absent[{q}]: repeated")
            absent.add(v)
        require(len(absent) < m * n, f"{where}.absent must leave some entry")
    absent = frozenset(absent)
    scale = set(range(m * n)) - absent
    block = optional(fam, "scale", list, where)
    if block is not None:
        require(1 <= len(block) < m * n - len(absent), f"{where}.scale must name some but not all entries")
        scale = set()
        for q, x in enumerate(block):
            require(isinstance(x, list) and len(x) == 2, f"{where}.scale[{q}] must be [i, j]")
            v = _int(x[0], 0, m - 1, f"{where}.scale[{q}][0]") * n + _int(x[1], 0, n - 1, f"{where}.scale[{q}][1]")
            require(v not in scale and v not in absent, f"{where}.scale[{q}]: repeated or absent")
            scale.add(v)
    leaves, nodes = [0], [0]
    worst = [fmpq(0)]

    def visit(node, path, w):
        nodes[0] += 1
        require(nodes[0] <= FAMILY["nodes"], f"{where}: more than {FAMILY['nodes']} tree nodes")
        require(len(path) <= FAMILY["depth"], f"{where}: a branch deeper than {FAMILY['depth']} tests")
        require(isinstance(node, dict), f"{w} must be an object")
        keys = set(node)
        if keys == {"test", "yes", "no"}:
            t = _test(node["test"], m, n, scale, w + ".test")
            visit(node["yes"], path + [(t, True)], w + ".yes")
            visit(node["no"], path + [(t, False)], w + ".no")
        elif keys == {"zero", "yes", "no"}:  # an exact test u_ij = 0 (yes) or u_ij != 0 (no)
            x = node["zero"]
            require(isinstance(x, list) and len(x) == 2, f"{w}.zero must be [i, j]")
            v = _int(x[0], 0, m - 1, f"{w}.zero[0]") * n + _int(x[1], 0, n - 1, f"{w}.zero[1]")
            require(v in scale, f"{w}.zero may only name an entry of the scale block")
            visit(node["yes"], path + [(("zero", v), True)], w + ".yes")
            visit(node["no"], path + [(("zero", v), False)], w + ".no")
        elif keys == {"impossible"}:
            require(node["impossible"] is True, f"{w}.impossible must be true")
            METER.charge(len(path) * len(path) * m * n * 20, f"{w}: the facts of a path over {m * n} entries")
            nonzero, refuted = _path_facts(path)  # refuted: entries v with u_v = 0 or |u_v| < beta t^k
            contradiction = bool(nonzero & refuted)
            for t_, passed in path:
                if t_[0] == "zero":
                    continue
                A, B, beta, k = t_
                sA = _support(A)
                if not passed and len(sA) == 1 and not any(B) and beta <= 1 and k >= 0 and A[min(sA)] == 1:
                    refuted |= sA
            for v in ([] if contradiction else sorted(scale - refuted)[:1]):
                require(False, f"{w}: not impossible: no failed test |u[{v // n}][{v % n}]| < beta t^k (beta <= 1, "
                        "k >= 0) and no zero test of it on its path, and no variable both 0 and nonzero")
        elif keys == {"leaf"}:
            leaves[0] += 1
            worst[0] = max(worst[0], _check_leaf(field(node, "leaf", dict, w), path, Ws, dims, Z, p, scale,
                                                 w + ".leaf", absent=absent))
        else:
            require(False, f"{w} must be {{test, yes, no}}, {{leaf}} or {{impossible}}")

    visit(field(fam, "tree", dict, where), [], where + ".tree")
    if block is not None:  # E = 0 on the scale block: t is undefined, a leaf of its own
        leaves[0] += 1
        worst[0] = max(worst[0], _check_leaf(field(fam, "zero", dict, where), [], Ws, dims, Z, p, scale,
                                             where + ".zero", zero=True, absent=absent))
    C = rational(field(fam, "constant", str, where), where + ".constant")
    require(C == worst[0], f"{where}.constant is not the largest sum of term bounds ({worst[0]})")
    fact(f"preimage family: {leaves[0]} leaves, each an exact preimage of W_h...W_1 + E (t^p = the largest |E_ij| "
         f"{'on the scale block' if block is not None else ''}, p = {p}) with every layer entry moved by <= {C} "
         f"|E|_max^(1/p)" + (f", for every E that is 0 at the {len(absent)} absent entries" if absent else ""))
    if absent_ok:
        return p, radius, C, leaves[0], absent
    return p, radius, C, leaves[0]

