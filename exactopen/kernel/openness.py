"""Checker for local-openness certificates: openness, lifting, perturbation_lower_bound,
row_basis_bound, chain_openness.

Trusted theorems (the only steps not re-derived from numbers, see ``core.THEOREMS``):
prop-4's (1) <=> (2) (``behrends``), thm-5's "(equal ranks and (i)) => open" (``prop-18``)
and ``lem-10``.  Every condition (2a, 2b, i-iv, ranks, dimensions) is re-derived here;
refutations of the conditions are proved directly (a vector of N(W1) ∩ C(W2) kills every
candidate witness), and for k < min(m, n) non-openness is accepted only with a theorem-free
obstruction (thm-5's necessity is not trusted).
"""

from __future__ import annotations

from math import isqrt

from flint import fmpq, fmpz

from exactopen.kernel.chain_family import check_family
from exactopen.kernel.chain_lemmas import check_chain_lemma
from exactopen.kernel.core import kind, nested, rely, same_matrix
from exactopen.kernel.linalg import intersection_dim
from exactopen.kernel.primitives import (
    BUDGET,
    QM,
    chain,
    eye,
    fact,
    field,
    fro2,
    full_column_rank,
    full_row_rank,
    is_zero,
    matrix,
    nonsingular,
    optional,
    rank_at_least,
    rank_at_most,
    rank_exactly,
    rational,
    require,
    same_shape,
    sub,
    vector_index,
    within,
)

OPEN, NOT_OPEN = "locally_open", "not_locally_open"


def regime(m: int, k: int, n: int) -> str:
    return "k >= min(m,n)" if k >= min(m, n) else "k < min(m,n)"


def words(verdict: str) -> str:
    return "locally open" if verdict == OPEN else "not locally open"


def _pair(cert: dict, extra: tuple = ()):
    inputs = cert["inputs"]
    for key in inputs:
        require(key in ("W1", "W2") + extra, f"inputs.{key}: unknown field")
    W1 = matrix(field(inputs, "W1", dict, "inputs"), "inputs.W1")
    W2 = matrix(field(inputs, "W2", dict, "inputs"), "inputs.W2")
    require(W1.ncols() == W2.nrows(), "inputs: W1.cols != W2.rows")
    return W1, W2


def _witness(ev: dict, key: str, factor, other, side: str, full: str):
    """Validate W~ (if present): W~ W2 = 0 (side 'left') or W1 W~ = 0 (side 'right'), and
    factor + W~ of full row/column rank.  Returns True if present and valid."""
    if key not in ev:
        return False
    w = field(ev, key, dict, "evidence")
    Wt = matrix(field(w, "matrix", dict, key), key + ".matrix")
    same_shape(Wt, factor.nrows(), factor.ncols(), key + ".matrix")
    prod = Wt * other if side == "left" else other * Wt
    require(is_zero(prod), f"{key}: the witness does not satisfy {'W~1 W2' if side == 'left' else 'W1 W~2'} = 0")
    S = factor + Wt
    (full_row_rank if full == "row" else full_column_rank)(S, field(w, "minor", dict, key), key + ".minor")
    fact(f"{key}: the witness W~ satisfies {'W~ W2' if side == 'left' else 'W1 W~'} = 0 and the sum has full "
         f"{full} rank")
    return True


@kind("openness")
def check_openness(cert: dict) -> str:
    W1, W2 = _pair(cert)
    m, k, n = W1.nrows(), W1.ncols(), W2.ncols()
    res, ev = cert["result"], cert["evidence"]
    verdict = field(res, "verdict", str, "result")
    theorem = field(res, "theorem", str, "result")
    cond = field(res, "conditions", dict, "result")
    require(field(res, "regime", str, "result") == regime(m, k, n), f"result.regime must be {regime(m, k, n)!r}")
    require(verdict in (OPEN, NOT_OPEN), "result.verdict must be locally_open or not_locally_open")
    require(cert["claim_id"] in (None, "rem-1", "lem-16", "ex-3", theorem),
            f"claim_id {cert['claim_id']!r} does not match the theorem applied ({theorem})")
    r1 = rank_exactly(W1, field(ev, "rank_W1", dict, "evidence"), field(ev["rank_W1"], "rank", int, "rank_W1"),
                      "evidence.rank_W1")
    r2 = rank_exactly(W2, field(ev, "rank_W2", dict, "evidence"), field(ev["rank_W2"], "rank", int, "rank_W2"),
                      "evidence.rank_W2")
    d = intersection_dim(W1, W2, field(ev, "intersection", dict, "evidence"), "evidence.intersection")
    dt = intersection_dim(W2.transpose(), W1.transpose(), field(ev, "intersection_T", dict, "evidence"),
                          "evidence.intersection_T")

    head = f"M(W1, W2) = W1 W2 (W1 {m}x{k}, W2 {k}x{n}, {regime(m, k, n)})"

    def claimed(name: str, value: bool) -> None:
        require(cond.get(name) is value, f"result.conditions.{name} should be {value}")

    def only(names) -> None:
        for key in cond:
            require(key in names, f"result.conditions.{key}: not a condition of {theorem}")

    if k >= min(m, n):
        require(theorem == "prop-4", "k >= min(m, n): the theorem is prop-4")
        c2a = _witness(ev, "witness_2a", W1, W2, "left", "row")
        c2b = _witness(ev, "witness_2b", W2, W1, "right", "column")
        c3a = d <= k - m
        c3b = n - (r2 - d) <= k - r1
        # Refutations, proved here: vectors of N(W1)∩C(W2) lie in N(W1 + W~1) for every W~1 with
        # W~1 W2 = 0, so rank(W1 + W~1) <= k - d; and rank(W2 + W~2) <= dim(C(W2) + N(W1)) = r2 + k - r1 - d.
        if not c2a:
            require(k - d < m, "(2a) is claimed false but no witness is refuted: k - dim N(W1)∩C(W2) >= m")
        if not c2b:
            require(r2 + k - r1 - d < n, "(2b) is claimed false but rank(W2 + W~2) <= n is not excluded")
        claimed("2a", c2a); claimed("2b", c2b); claimed("3a", c3a); claimed("3b", c3b)
        only(("2a", "2b", "3a", "3b"))
        require((verdict == OPEN) == (c2a or c2b), "verdict does not follow from prop-4 (2)")
        rely("behrends")
        how = ("(2a) holds, by the witness W~1" if c2a else "(2b) holds, by the witness W~2" if c2b else
               "neither (2a) nor (2b) can hold")
        return (f"{head} is {words(verdict)} at (W1, W2), by prop-4: {how}; rank W1 = {r1}, rank W2 = {r2}, "
                f"dim N(W1) ∩ C(W2) = {d}")
    require(theorem == "thm-5", "k < min(m, n): the theorem is thm-5")
    ci = _witness(ev, "witness_i", W1, W2, "left", "column")
    cii = _witness(ev, "witness_ii", W2, W1, "right", "row")
    # (W1 + W~1) x = 0 for x in N(W1)∩C(W2) and every admissible W~1; likewise for (ii).
    if not ci:
        require(d > 0, "(i) is claimed false but N(W1)∩C(W2) = 0")
    if not cii:
        require(dt > 0, "(ii) is claimed false but N(W2^T)∩C(W1^T) = 0")
    claimed("equal_ranks", r1 == r2); claimed("i", ci); claimed("ii", cii)
    claimed("iii", d == 0); claimed("iv", dt == 0)
    only(("equal_ranks", "i", "ii", "iii", "iv"))
    is_open = r1 == r2 and ci
    require((verdict == OPEN) == is_open, "verdict does not follow from thm-5")
    if verdict == OPEN:
        require("obstruction" not in ev, "an obstruction proves non-openness, the verdict is locally_open")
        rely("prop-18")
        return (f"{head} is locally open at (W1, W2) in its range, by thm-5: rank W1 = rank W2 = {r1}, "
                f"dim N(W1) ∩ C(W2) = {d}, dim N(W2^T) ∩ C(W1^T) = {dt}")
    # non-openness is accepted only with a theorem-free obstruction
    extra = _check_obstruction(W1, W2, field(ev, "obstruction", dict, "evidence"))
    return (f"{head} is not locally open at (W1, W2) in its range (rank W1 = {r1}, rank W2 = {r2}, "
            f"dim N(W1) ∩ C(W2) = {d}, dim N(W2^T) ∩ C(W1^T) = {dt}): {extra}")


def _check_obstruction(W1, W2, ob: dict) -> str:
    """Z(δ) = A B + δ R = K (M0 + δ M1) has rank k and C(Z(δ)) = C(K) for δ != 0, so every
    preimage (A + Δ)(B + E) = Z(δ) has A + Δ = K T; with y^T K = 0 that moves A by
    ||Δ||_F^2 >= ||y^T A||^2 / ||y||^2 = bound > 0 (A = W1, or W2^T on side W2)."""
    side = field(ob, "side", str, "obstruction")
    require(side in ("W1", "W2"), "obstruction.side must be W1 or W2")
    A, B = (W1, W2) if side == "W1" else (W2.transpose(), W1.transpose())
    m, k, n = A.nrows(), A.ncols(), B.ncols()
    require(k < min(m, n), "obstruction needs k < min(m, n)")
    K = matrix(field(ob, "K", dict, "obstruction"), "obstruction.K")
    M0 = matrix(field(ob, "M0", dict, "obstruction"), "obstruction.M0")
    M1 = matrix(field(ob, "M1", dict, "obstruction"), "obstruction.M1")
    R = matrix(field(ob, "R", dict, "obstruction"), "obstruction.R")
    same_shape(K, m, k, "obstruction.K"); same_shape(M0, k, n, "obstruction.M0")
    same_shape(M1, k, n, "obstruction.M1")
    same_shape(R, W1.nrows(), W2.ncols(), "obstruction.R")  # R is stated for the pair (W1, W2) itself
    s = field(ob, "split", int, "obstruction")
    require(0 <= s <= k, "obstruction.split out of range")
    require(is_zero(sub(M0, range(s, k), range(n))), "obstruction.M0 must vanish below the split")
    require(is_zero(sub(M1, range(s), range(n))), "obstruction.M1 must vanish above the split")
    require(A * B == K * M0, "obstruction: W1 W2 != K M0")
    require((R if side == "W1" else R.transpose()) == K * M1, "obstruction: R != K M1")
    full_column_rank(K, {"rows": field(ob, "K_minor_rows", list, "obstruction"), "cols": list(range(k))},
                     "obstruction.K")
    full_row_rank(M0 + M1, {"rows": list(range(k)), "cols": field(ob, "M_minor_cols", list, "obstruction")},
                  "obstruction.M0+M1")
    # W + Δ = K T  =>  y^T Δ = -y^T W  =>  ||Δ||_F^2 >= ||y^T W||^2 / ||y||^2
    y = matrix(field(ob, "y", dict, "obstruction"), "obstruction.y")
    same_shape(y, m, 1, "obstruction.y")
    require(is_zero(y.transpose() * K), "obstruction: y^T K != 0")
    require(not is_zero(y), "obstruction: y = 0")
    c = fro2(y.transpose() * A) / fro2(y)
    bound = rational(field(ob, "bound", str, "obstruction"), "obstruction.bound")
    require(c == bound, f"obstruction.bound is not ||y^T {side}||^2 / ||y||^2")
    require(c > 0, "obstruction: bound is zero")
    fact(f"obstruction: W1 W2 = K M0, R = K M1 (side {side}), K of full column rank, M0 + δ M1 of full row rank, "
         f"y^T K = 0 and ||y^T {side}||^2 / ||y||^2 = {c} > 0")
    return (f"every preimage of the in-range targets W1 W2 + δR (any δ != 0) moves {side} by "
            f"||Δ||_F^2 >= {c}, a theorem-free obstruction")


@kind("lifting")
def check_lifting(cert: dict) -> str:
    """(W1 + D1)(W2 + D2) = Z, with the stated squared norms."""
    W1, W2 = _pair(cert, ("Z",))
    Z = matrix(field(cert["inputs"], "Z", dict, "inputs"), "inputs.Z")
    res = cert["result"]
    D1 = matrix(field(res, "D1", dict, "result"), "result.D1")
    D2 = matrix(field(res, "D2", dict, "result"), "result.D2")
    same_shape(D1, W1.nrows(), W1.ncols(), "result.D1")
    same_shape(D2, W2.nrows(), W2.ncols(), "result.D2")
    same_shape(Z, W1.nrows(), W2.ncols(), "inputs.Z")
    require((W1 + D1) * (W2 + D2) == Z, "(W1 + D1)(W2 + D2) != Z")
    norms = {}
    for key, val in (("norm2_D1", fro2(D1)), ("norm2_D2", fro2(D2)), ("norm2_target", fro2(Z - W1 * W2))):
        require(rational(field(res, key, str, "result"), "result." + key) == val, f"result.{key} is wrong")
        norms[key] = val
    return (f"(W1 + D1)(W2 + D2) = Z exactly, with |D1|^2 = {norms['norm2_D1']}, |D2|^2 = {norms['norm2_D2']} "
            f"and |Z - W1 W2|^2 = {norms['norm2_target']}")


@kind("perturbation_lower_bound")
def check_perturbation_lower_bound(cert: dict) -> str:
    """u^T W1 = 0, W2 v = 0, u, v != 0 and rank W1W2 < min(m,k,n): every preimage of
    W1W2 + δ u v^T has ||A||_F ||B||_F >= δ |u||v| = distance (so δ(ε) <= ε^2); the pair is
    locally open by a nested openness certificate about the same (W1, W2)."""
    W1, W2 = _pair(cert)
    m, k, n = W1.nrows(), W1.ncols(), W2.ncols()
    ev = cert["evidence"]
    u = matrix(field(ev, "u", dict, "evidence"), "evidence.u")
    v = matrix(field(ev, "v", dict, "evidence"), "evidence.v")
    same_shape(u, m, 1, "evidence.u"); same_shape(v, n, 1, "evidence.v")
    require(not is_zero(u) and not is_zero(v), "u and v must be nonzero")
    require(is_zero(u.transpose() * W1), "u^T W1 != 0")
    require(is_zero(W2 * v), "W2 v != 0")
    rk = field(ev, "rank_W1W2", dict, "evidence")
    r = rank_exactly(W1 * W2, rk, field(rk, "rank", int, "evidence.rank_W1W2"), "evidence.rank_W1W2")
    require(r + 1 <= min(m, k, n), "W1W2 + δ u v^T may leave the range")
    require(field(cert["result"], "exponent", str, "result") == "1/2", "result.exponent must be '1/2'")
    sub = nested(ev, "openness_certificate", "openness", "evidence")
    same_matrix(sub["inputs"]["W1"], W1, "evidence.openness_certificate.inputs.W1")
    same_matrix(sub["inputs"]["W2"], W2, "evidence.openness_certificate.inputs.W2")
    verdict = sub["result"]["verdict"]
    require(field(cert["result"], "openness", str, "result") == verdict,
            "result.openness differs from the nested certificate")
    require(verdict == OPEN, "the rate claim is about locally open pairs")
    return ("at this locally open pair, every preimage of W1 W2 + δ u v^T moves the factors by at least "
            "sqrt(distance): δ = O(ε) fails (exponent 1/2)")


@kind("row_basis_bound")
def check_row_basis_bound(cert: dict) -> str:
    """lem-13: rank V = r < m, V[B^c] = A V[B], V[B] independent, max |A_ij| <= 2^(m-r-1)."""
    V = matrix(field(cert["inputs"], "V", dict, "inputs"), "inputs.V")
    res, ev = cert["result"], cert["evidence"]
    m = V.nrows()
    r = rank_exactly(V, field(ev, "rank_V", dict, "evidence"), field(res, "rank", int, "result"), "evidence.rank_V")
    require(r < m, "lem-13 needs rank < number of rows")
    B = vector_index(field(res, "B", list, "result"), m, "result.B")
    require(len(B) == r, "result.B must have rank-many rows")
    Bc = [i for i in range(m) if i not in set(B)]
    require(field(ev, "complement", list, "evidence") == Bc, "evidence.complement is not the rows outside B")
    A = matrix(field(res, "A", dict, "result"), "result.A")
    same_shape(A, m - r, r, "result.A")
    VB = sub(V, B, range(V.ncols()))
    rank_at_least(VB, {"rows": list(range(r)), "cols": field(ev, "B_minor_cols", list, "evidence")}, "B_minor")
    require(sub(V, Bc, range(V.ncols())) == A * VB, "V[B^c] != A V[B]")
    mabs = max((abs(x) for x in A.entries()), default=fmpq(0))
    require(rational(field(res, "max_abs", str, "result"), "result.max_abs") == mabs, "result.max_abs is wrong")
    bound = fmpz(2) ** (m - r - 1)  # FLINT: its decimal string has no digit limit
    require(field(res, "bound", str, "result") == str(bound), "result.bound must be 2^(m-r-1)")
    require(mabs <= bound, f"max |A_ij| = {mabs} exceeds 2^(m-r-1) = {bound}")
    return (f"lem-13 on this V (rank {r} < {m} rows): the rows B = {B} span the others with coefficients "
            f"A, max |A_ij| = {mabs} <= 2^(m-r-1) = {bound}")


@kind("chain_openness")
def check_chain_openness(cert: dict) -> str:
    """Chains W_h ... W_1 (h != 2): identity (h = 1), lem-10, composition at a split (Lemmas C1,
    C2 of docs/chains.md, with nested pair certificates), a preimage family, the project lemmas C10-C12
    and Theorem C16 (the rank criterion; kernel/chain_lemmas.py), the theorem-free row/column-space
    obstruction (Lemma C3) or a non-open grouping (Lemma C4); otherwise undetermined."""
    for key in cert["inputs"]:
        require(key == "layers", f"inputs.{key}: unknown field")
    layers = field(cert["inputs"], "layers", list, "inputs")
    require(1 <= len(layers) <= BUDGET["layers"], "inputs.layers: 1 to 64 layers")
    Ws = [matrix(L, f"inputs.layers[{i}]") for i, L in enumerate(layers)]
    for i in range(1, len(Ws)):
        require(Ws[i].ncols() == Ws[i - 1].nrows(), f"inputs.layers[{i}] does not chain")
    h = len(Ws)
    dims = [Ws[0].ncols()] + [W.nrows() for W in Ws]
    res, ev = cert["result"], cert["evidence"]
    require(field(res, "widths", list, "result") == dims, "result.widths differ from the layers")
    P = chain(Ws, dims[0])
    r = rank_exactly(P, field(ev, "rank_product", dict, "evidence"), field(res, "rank", int, "result"),
                     "evidence.rank_product")
    e = min(dims)
    verdict = field(res, "verdict", str, "result")
    argument = field(res, "argument", str, "result")
    require(cert["claim_id"] in (None, "chain-openness") or (cert["claim_id"] == "lem-10" and argument == "lem-10"),
            "claim_id must be chain-openness (or lem-10 with the argument lem-10)")
    for key in ev:
        require(key in ("rank_product", "split", "obstruction", "grouping", "rate", "family", "zero_end", "reduce",
                        "rotate"), f"evidence.{key}: unknown field")
    require(("family" in ev) == (argument == "family") and ("zero_end" in ev) == (argument == "zero-end")
            and ("reduce" in ev) == (argument == "reduce") and ("rotate" in ev) == (argument == "rotate")
            and (("preimage_rate" in res) == (argument in ("family", "zero-end", "rotate", "gap-free")) or argument == "reduce"),
            "evidence.family (zero_end) and result.preimage_rate come with the argument family (zero-end), and only "
            "there")
    if r == e or h == 1 or verdict == NOT_OPEN:
        require("rate" not in res and "rate" not in ev,
                "a rate (Lemma C5) is stated only at degenerate chains not proved non-open (rank < min width)")
    if h == 1:
        require(verdict == OPEN and argument == "identity", "h = 1: the map is the identity, locally open")
        return f"the product map of the chain with widths {dims} is the identity (one layer), locally open"
    require(h != 2, "h = 2 is a pair: use an openness certificate")
    if r == e:
        require(verdict == OPEN and argument == "lem-10", "rank of the product = min width: the argument is lem-10")
        rely("lem-10")
        return f"the product map of the chain with widths {dims} is locally open at W (rank {r} = min width, lem-10)"
    head = f"the product map of the chain with widths {dims} (rank of the product {r} < min width {e})"
    if argument == "split":
        require(verdict == OPEN, "the split argument proves local openness")
        node = field(ev, "split", dict, "evidence")
        k = _chain_node(Ws, dims, node, 0, h, False, "evidence.split")
        rely("chain-split")
        rate = _check_chain_rate(Ws, dims, r, res, field(ev, "rate", dict, "evidence"))
        return (f"{head} is locally open at W: at the split k = {k} the pair (W_h...W_{k+1}, W_k...W_1) is "
                f"locally open and both sub-chains are open onto all matrices (composition, Lemmas C1-C2); "
                + rate)
    if argument == "family":
        require(verdict == OPEN, "a preimage family proves local openness")
        p, radius, C, leaves = check_family(Ws, dims, P, field(ev, "family", dict, "evidence"))
        require(field(res, "preimage_rate", str, "result") == f"1/{p}", f"result.preimage_rate must be '1/{p}'")
        rate = _check_chain_rate(Ws, dims, r, res, field(ev, "rate", dict, "evidence"))
        # C δ^(1/p) >= (c δ)^(1/p') for all small δ forces p >= p' (both bounds checked: a guard)
        require(p >= ev["rate"]["p"], f"evidence.family.p = {p} beats Lemma C5's p = {ev['rate']['p']}: the "
                "upper and lower bounds on the needed perturbation contradict each other")
        return (f"{head} is locally open at W: an explicit preimage family ({leaves} cases, checked by polynomial "
                f"identities, theorem-free) gives every target Z with 0 < |Z - W_h...W_1|_max <= {radius} a "
                f"preimage with every layer entry moved by <= {C} |Z - W_h...W_1|_max^(1/{p}); " + rate)
    if argument in ("zero-end", "rotate", "reduce", "gap-free", "rank-criterion"):  # C11, C12, C10, C9, C16
        require(verdict == OPEN, f"the argument {argument} proves local openness")
        text, q = check_chain_lemma(argument, Ws, dims, P, ev, res)
        rate = _check_chain_rate(Ws, dims, r, res, field(ev, "rate", dict, "evidence"))
        # C δ^(1/q) >= (c δ)^(1/p') for all small δ forces q >= p' (both bounds checked: a guard)
        require(q is None or q >= ev["rate"]["p"], f"the upper exponent 1/{q} beats Lemma C5's p = "
                f"{ev['rate']['p']}: the upper and lower bounds on the needed perturbation contradict each other")
        return f"{head} is locally open at W: {text}; " + rate
    if argument == "obstruction":
        require(verdict == NOT_OPEN, "the obstruction proves non-openness")
        ob = field(ev, "obstruction", dict, "evidence")
        return f"{head} is not locally open at W: " + _check_chain_obstruction(Ws, ob)
    if argument == "grouping":
        require(verdict == NOT_OPEN, "the grouping argument proves non-openness")
        g = field(ev, "grouping", dict, "evidence")
        k = field(g, "k", int, "evidence.grouping")
        require(1 <= k < h, "evidence.grouping.k out of range")
        require(min(dims[0], dims[k], dims[h]) == e, "evidence.grouping: the pair's range is not the chain's")
        pc = nested(g, "pair", "openness", "evidence.grouping")
        same_matrix(pc["inputs"]["W1"], chain(Ws[k:], dims[k]), "evidence.grouping.pair.inputs.W1 (W_h...W_{k+1})")
        same_matrix(pc["inputs"]["W2"], chain(Ws[:k], dims[0]), "evidence.grouping.pair.inputs.W2 (W_k...W_1)")
        require(pc["result"]["verdict"] == NOT_OPEN, "evidence.grouping.pair is locally open")
        rely("chain-grouping")
        return (f"{head} is not locally open at W: the pair (W_h...W_{k+1}, W_k...W_1) at k = {k} has the chain's "
                f"range and is not locally open (Lemma C4)")
    require(argument == "none" and verdict == "undetermined", "result.argument must be lem-10, split, family, "
            "zero-end, reduce, rotate, gap-free, rank-criterion, obstruction, grouping or none (verdict undetermined)")
    rate = _check_chain_rate(Ws, dims, r, res, field(ev, "rate", dict, "evidence"))
    return f"{head}: this certificate does not decide local openness (undetermined); " + rate


def _ceil_sqrt(q: fmpq) -> int:
    """The least integer N >= 0 with N^2 >= q (q >= 0), exactly (integer square root)."""
    n = isqrt(int(q.p) // int(q.q))
    while fmpq(n * n) < q:
        n += 1
    return n


def _check_chain_rate(Ws, dims, r: int, res: dict, rt: dict) -> str:
    """Lemma C5 of docs/chains.md (theorem-free).  With E_i = W'_i - W_i, M(W') - M(W) is the sum
    over nonempty S of T_S (W_i replaced by E_i for i in S); <F, T_S> vanishes identically iff a
    gap of S is zero or A^T F B^T = 0 (A = W_h...W_{max S + 1}, B = W_{min S - 1}...W_1).  If that
    holds for every S with |S| < p, then <F, δ E_ab> = <F, M(W') - M(W)> gives
    δ |F_ab| <= N_F Q t^p when every |E_i|_F <= t <= 1."""
    h = len(Ws)
    require(r < min(dims), "Lemma C5 needs rank < min width (the targets stay in the range)")
    p = field(rt, "p", int, "evidence.rate")
    require(1 <= p <= h, f"evidence.rate.p must be in 1..{h}")
    require(field(res, "rate", str, "result") == f"1/{p}", f"result.rate must be '1/{p}' (evidence.rate.p)")
    F = matrix(field(rt, "F", dict, "evidence.rate"), "evidence.rate.F")
    m, n = dims[h], dims[0]
    same_shape(F, m, n, "evidence.rate.F")
    entry = field(rt, "entry", list, "evidence.rate")
    require(len(entry) == 2, "evidence.rate.entry must be [a, b]")
    a = vector_index(entry[:1], m, "evidence.rate.entry[0]")[0]
    b = vector_index(entry[1:], n, "evidence.rate.entry[1]")[0]
    Fab = F[a, b]
    require(Fab != 0, "evidence.rate: F is zero at the entry (a, b)")
    # gap[x][y]: W_y ... W_{x+1} != 0 (x < y), by running products (O(h^2) products, booleans kept)
    gap = []
    for x in range(h + 1):
        row, cur = [], eye(dims[x])
        for y in range(x + 1, h + 1):
            cur = Ws[y - 1] * cur
            row.append(not is_zero(cur))
        gap.append([True] * (x + 1) + row)  # entries y <= x are placeholders (unused)
    pre = [chain(Ws[:i], dims[0]) for i in range(h + 1)]          # pre[i] = W_i ... W_1
    suf = [chain(Ws[j:], dims[j]) for j in range(h + 1)]          # suf[j] = W_h ... W_{j+1}
    # ell[j]: the fewest elements of S with min S = i, max S = j (1 <= i <= j <= h) whose gaps
    # W_{i_{l+1}-1} ... W_{i_l + 1} are all nonzero (an empty gap is the identity)
    checked, ells = 0, {}
    for i in range(1, h + 1):
        ell = {i: 1}
        for j in range(i + 1, h + 1):
            ell[j] = min(ell[x] + 1 for x in range(i, j) if x == j - 1 or gap[x][j - 1])
        for j in range(i, h + 1):
            ells[i, j] = ell[j]
            if ell[j] < p:
                A, B = suf[j], pre[i - 1]
                require(is_zero(A.transpose() * F * B.transpose()),
                        f"evidence.rate: F does not kill the terms with min S = {i}, max S = {j} (a set of "
                        f"{ell[j]} < p = {p} elements with nonzero gaps): A^T F B^T != 0")
                checked += 1
    NF = _ceil_sqrt(fro2(F))
    norms = [_ceil_sqrt(fro2(W)) for W in Ws]
    esym = [1] + [0] * h  # elementary symmetric polynomials of the N_i
    for x in norms:
        for k in range(h, 0, -1):
            esym[k] += esym[k - 1] * x
    Q = sum(esym[h - j] for j in range(p, h + 1))
    c = abs(Fab) / (NF * Q)
    require(rational(field(rt, "constant", str, "evidence.rate"), "evidence.rate.constant") == c,
            "evidence.rate.constant is not |F_ab| / (N_F Q)")
    fact(f"Lemma C5: F (nonzero at ({a}, {b})) kills every term T_S with |S| < {p} ({checked} pairs (min S, max S) "
         f"checked); N_F = {NF}, N_i = {norms}, Q = {Q}, c = {c}")
    # optional: V_{p+1} = 0, by m n equations (A^T F B^T)_{xy} = 0 of pairs with ell <= p whose
    # square system is nonsingular (for p = h it holds without evidence: S = {1..h}, A = B = I)
    maximal = p == h
    labels = optional(rt, "maximal", list, "evidence.rate")
    if labels is not None:
        require(p < h, "evidence.rate.maximal: p = h is maximal without evidence")
        within((m * n) ** 2, "entries", "evidence.rate.maximal: the entries of the square system")
        require(len(labels) == m * n, f"evidence.rate.maximal must name {m * n} equations")
        eqs = []
        for q, lab in enumerate(labels):
            where = f"evidence.rate.maximal[{q}]"
            require(isinstance(lab, list) and len(lab) == 4 and all(type(v) is int for v in lab),
                    f"{where} must be [i, i2, x, y]")
            i, j, x, y = lab
            require(1 <= i <= j <= h and ells[i, j] <= p, f"{where}: no set S of <= {p} elements with min S = i, "
                    "max S = i2 and nonzero gaps")
            require(0 <= x < dims[j] and 0 <= y < dims[i - 1], f"{where}: x or y out of range")
            A, B = suf[j], pre[i - 1]
            eqs.extend(A[u, x] * B[y, v] for u in range(m) for v in range(n))
        require(nonsingular(QM.new(m * n, m * n, eqs)), "evidence.rate.maximal: the equations are dependent")
        fact(f"Lemma C5: {m * n} independent equations of the terms with |S| <= {p} force F = 0 (V_{p + 1} = 0)")
        maximal = True
    best = (f"; no F != 0 kills every term with |S| <= {p}, so {p} is the largest p Lemma C5 gives here"
            if maximal else "")
    return (f"Lemma C5 (theorem-free): every preimage of the in-range targets W_h...W_1 + δ E_ab (E_ab the unit "
            f"matrix at entry ({a}, {b}), from 0; rank <= {r + 1}, distance |δ|) moves some layer by "
            f"|Δ_i|_F >= min(1, (c |δ|)^(1/{p})) with c = {c}: the needed perturbation is at least "
            f"(c distance)^(1/{p})" + best)


def _chain_node(Ws, dims, node: dict, a: int, b: int, full: bool, where: str) -> int:
    """Lemma C2 (full = True: the sub-chain a..b is open onto all d_b x d_a matrices) or Lemma C1
    (the top split).  Returns the split index (or b for leaves)."""
    require(field(node, "a", int, where) == a and field(node, "b", int, where) == b,
            f"{where}: the node must cover layers {a + 1}..{b}")
    how = field(node, "how", str, where)
    if how == "single":
        require(full and b - a == 1, f"{where}: 'single' is a one-layer sub-chain")
        return b
    if how == "lem-10":
        require(full, f"{where}: lem-10 nodes are sub-chains")
        Pab = chain(Ws[a:b], dims[a])
        rk = field(node, "rank", dict, where)
        q = rank_exactly(Pab, rk, field(rk, "rank", int, where + ".rank"), where + ".rank")
        require(q == min(dims[a], dims[b]), f"{where}: the sub-product is not of full rank")
        rely("lem-10")
        fact(f"{where}: W_{b}...W_{a + 1} has full rank {q}, open onto all matrices (lem-10)")
        return b
    if how == "family":
        require(full, f"{where}: family nodes are sub-chains")
        q, _, C, leaves = check_family(Ws[a:b], dims[a:b + 1], chain(Ws[a:b], dims[a]), field(node, "family", dict, where),
                                       where + ".family")
        fact(f"{where}: W_{b}...W_{a + 1} is open onto all matrices (a preimage family, {leaves} cases, theorem-free)")
        return b
    require(how == "split", f"{where}.how must be single, lem-10, family or split")
    k = field(node, "k", int, where)
    require(a < k < b, f"{where}.k out of range")
    if full:
        require(dims[k] >= min(dims[a], dims[b]), f"{where}: inner width below min(ends), the range is not full")
    A, B = chain(Ws[k:b], dims[k]), chain(Ws[a:k], dims[a])
    pc = nested(node, "pair", "openness", where)
    same_matrix(pc["inputs"]["W1"], A, where + ".pair.inputs.W1 (W_b...W_{k+1})")
    same_matrix(pc["inputs"]["W2"], B, where + ".pair.inputs.W2 (W_k...W_{a+1})")
    require(pc["result"]["verdict"] == OPEN, f"{where}.pair is not locally open")
    _chain_node(Ws, dims, field(node, "left", dict, where), k, b, True, where + ".left")
    _chain_node(Ws, dims, field(node, "right", dict, where), a, k, True, where + ".right")
    fact(f"{where}: the pair at k = {k} is locally open and both sides are open onto all matrices")
    return k


def _check_chain_obstruction(Ws, ob: dict) -> str:
    """Lemma C3 (row side; side 'column' is the same on the transposed chain)."""
    side = field(ob, "side", str, "obstruction")
    require(side in ("row", "column"), "obstruction.side must be row or column")
    if side == "column":
        Ws = [W.transpose() for W in reversed(Ws)]
    h = len(Ws)
    dims = [Ws[0].ncols()] + [W.nrows() for W in Ws]
    e = min(dims)
    k = field(ob, "k", int, "obstruction")
    require(1 <= k < h, "obstruction.k out of range")
    eR = min(dims[:k + 1])
    s = eR - e
    n0, nh = dims[0], dims[h]
    Z, B = chain(Ws, n0), chain(Ws[:k], n0)
    K = matrix(field(ob, "K", dict, "obstruction"), "obstruction.K")
    M0 = matrix(field(ob, "M0", dict, "obstruction"), "obstruction.M0")
    M1 = matrix(field(ob, "M1", dict, "obstruction"), "obstruction.M1")
    same_shape(K, nh, e, "obstruction.K"); same_shape(M0, e, n0, "obstruction.M0")
    same_shape(M1, e, n0, "obstruction.M1")
    sp = field(ob, "split", int, "obstruction")
    require(0 <= sp <= e, "obstruction.split out of range")
    require(is_zero(sub(M0, range(sp, e), range(n0))), "obstruction.M0 must vanish below the split")
    require(is_zero(sub(M1, range(sp), range(n0))), "obstruction.M1 must vanish above the split")
    require(K * M0 == Z, "obstruction: K M0 is not the product")
    full_column_rank(K, {"rows": field(ob, "K_minor_rows", list, "obstruction"), "cols": list(range(e))},
                     "obstruction.K")
    G = M0 + M1
    full_row_rank(G, {"rows": list(range(e)), "cols": field(ob, "M_minor_cols", list, "obstruction")},
                  "obstruction.M0+M1")
    T = matrix(field(ob, "T", dict, "obstruction"), "obstruction.T")
    same_shape(T, n0, n0 - e, "obstruction.T")
    require(is_zero(G * T), "obstruction: (M0 + M1) T != 0")
    full_column_rank(T, {"rows": field(ob, "T_minor_rows", list, "obstruction"), "cols": list(range(n0 - e))},
                     "obstruction.T")
    Y = B * T
    mn = field(ob, "minor", dict, "obstruction")
    rows = vector_index(field(mn, "rows", list, "obstruction.minor"), Y.nrows(), "obstruction.minor.rows")
    cols = vector_index(field(mn, "cols", list, "obstruction.minor"), Y.ncols(), "obstruction.minor.cols")
    require(len(rows) == len(cols) == s + 1, f"obstruction.minor must be {s + 1}x{s + 1} (e_R - e + 1)")
    inv = matrix(field(ob, "minor_inverse", dict, "obstruction"), "obstruction.minor_inverse")
    same_shape(inv, s + 1, s + 1, "obstruction.minor_inverse")
    require(sub(Y, rows, cols) * inv == eye(s + 1), "obstruction.minor_inverse is not the inverse of the minor")
    c = 1 / (fro2(inv) * fro2(T))
    require(rational(field(ob, "bound_partial", str, "obstruction"), "obstruction.bound_partial") == c,
            "obstruction.bound_partial is not 1 / (|minor^-1|_F^2 |T|_F^2)")
    norms = field(ob, "norm_bounds", list, "obstruction")
    require(len(norms) == k and all(type(x) is int and x >= 0 for x in norms),
            "obstruction.norm_bounds: one nonnegative integer per layer 1..k")
    for i, x in enumerate(norms):
        require(fmpq(x * x) >= fro2(Ws[i]), f"obstruction.norm_bounds[{i}] is below |W_{i + 1}|_F")
    L = fmpq(1)
    L0 = fmpq(1)
    for x in norms:
        L, L0 = L * (x + 1), L0 * x
    L = L - L0
    gamma = rational(field(ob, "gamma", str, "obstruction"), "obstruction.gamma")
    require(0 < gamma <= 1, "obstruction.gamma must be in (0, 1]")
    require(gamma * gamma * L * L <= c, "obstruction.gamma is too large for the bound")
    fact(f"obstruction ({side} side, k = {k}): Z = K M0, K full column rank e = {e}, M0 + M1 full row rank, "
         f"(M0 + M1) T = 0 with T of full column rank, (W_k...W_1 T) has a nonsingular {s + 1}-minor, "
         f"|B' - B|_F^2 >= {c}, gamma = {gamma}")
    which = "W_k...W_1 and its row space" if side == "row" else "W_h...W_{h-k+1} and its column space"
    return (f"every preimage of the in-image targets Z(δ) = K (M0 + δ M1){'^T' if side == 'column' else ''} "
            f"(rank {e}, any δ != 0, Z(δ) -> W_h...W_1) moves some layer by |Δ|_F >= {gamma} (the partial "
            f"product {which}, k = {k}: a theorem-free obstruction)")


@kind("basis_change")
def check_basis_change(cert: dict) -> str:
    """lem-14/15/17 on one instance: U, V orthogonal, U^T W1 W2 V diagonal, nested openness
    certificates for (W1, W2) and (U^T W1, W2 V) with the stated verdicts, carried witness,
    and lem-17's vanishing rows/columns."""

    W1, W2 = _pair(cert)
    ev, res = cert["evidence"], cert["result"]
    U = matrix(field(ev, "U", dict, "evidence"), "evidence.U")
    V = matrix(field(ev, "V", dict, "evidence"), "evidence.V")
    m, n = W1.nrows(), W2.ncols()
    same_shape(U, m, m, "evidence.U"); same_shape(V, n, n, "evidence.V")
    for Q, name, d in ((U, "U", m), (V, "V", n)):
        require(Q.transpose() * Q == eye(d), f"{name} is not orthogonal")
    A, B = U.transpose() * W1, W2 * V
    S = A * B
    require(all(S[i, j] == 0 for i in range(m) for j in range(n) if i != j), "U^T W1 W2 V is not diagonal")
    orig = nested(ev, "original", "openness", "evidence")
    rot = nested(ev, "rotated", "openness", "evidence")
    same_matrix(orig["inputs"]["W1"], W1, "evidence.original.inputs.W1")
    same_matrix(orig["inputs"]["W2"], W2, "evidence.original.inputs.W2")
    same_matrix(rot["inputs"]["W1"], A, "evidence.rotated.inputs.W1 (U^T W1)")
    same_matrix(rot["inputs"]["W2"], B, "evidence.rotated.inputs.W2 (W2 V)")
    agree = orig["result"]["verdict"] == rot["result"]["verdict"]
    require(field(res, "verdicts_agree", bool, "result") is agree
            and field(res, "verdict", str, "result") == orig["result"]["verdict"],
            "result does not match the nested verdicts")
    notes = [f"verdicts {'agree' if agree else 'DIFFER'}"]
    if "carried_witness_i" in ev:
        require(_witness(ev, "carried_witness_i", W1, W2, "left", "column"), "carried witness invalid")
        notes.append("carried witness valid")
    if "lem17_rank" in res:
        c = rot["result"]["conditions"]
        require(c.get("i") is True and c.get("ii") is True, "lem-17 needs (i) and (ii)")
        r = field(res, "lem17_rank", int, "result")
        rank_at_most(S, {"side": "right", "basis": _unit_basis(n, r), "minor_rows": list(range(r, n))},
                     "lem17_rank")
        require(all(S[i, i] != 0 for i in range(r)), "lem-17: first diagonal entries must be the nonzero ones")
        require(is_zero(sub(A, range(r, m), range(A.ncols()))), "lem-17: rows of U^T W1 beyond the rank do not vanish")
        require(is_zero(sub(B, range(B.nrows()), range(r, n))), "lem-17: columns of W2 V beyond the rank do not vanish")
        notes.append("lem-17 structure holds")
    return "U, V orthogonal with U^T W1 W2 V diagonal; openness of (W1, W2) and (U^T W1, W2 V): " + ", ".join(notes)


def _unit_basis(n: int, r: int) -> dict:
    rows = [["1" if i == j + r else "0" for j in range(n - r)] for i in range(n)]
    return {"shape": [n, n - r], "rows": rows}
