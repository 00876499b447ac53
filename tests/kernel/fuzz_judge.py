"""Independent judge for accepted mutants: is what the certificate STATES true?

Never imports ``exactopen.kernel`` (nor any other exactopen module): everything is re-derived
with Python Fractions (own Gaussian elimination), SymPy (polynomials, PSD tests) and mpmath
(Eckart-Young eigenvalues, compared with a 1e-25 tolerance).

statement(cert) = (kind, canonical inputs, canonical result, claim).  Rules, in order:
  1. first-wins and last-wins JSON parses give different statements   -> FALSE (ambiguous)
  2. the statement equals that of an accepted original                 -> TRUE
  3. (kind, inputs, result) equal an original's but the claim differs  -> FALSE (claim not derived)
  4. per-kind judge on the statement (every result field, unknown result keys are false);
     if it says TRUE but the claim sentence belongs to another original  -> FALSE
  5. no judge for the kind / field                                      -> None (unjudged)
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

RAT = re.compile(r"-?[0-9]+(/[0-9]+)?")
OPEN, NOT_OPEN = "locally_open", "not_locally_open"


class Bad(Exception):
    """The statement is malformed or false: the message says why."""


def need(cond, why):
    if not cond:
        raise Bad(why)


# =====================================================================================
# canonical forms
# =====================================================================================

def canon(x):
    if isinstance(x, bool):
        return ("B", x)
    if isinstance(x, int):
        return ("I", x)
    if isinstance(x, float):
        return ("F", repr(x))
    if x is None:
        return ("N",)
    if isinstance(x, str):
        if RAT.fullmatch(x):
            p, _, q = x.partition("/")
            if q and int(q) == 0:
                return ("S", x)
            return ("Q", Fraction(int(p), int(q) if q else 1))
        return ("S", x)
    if isinstance(x, list):
        return ("L", tuple(canon(v) for v in x))
    if isinstance(x, dict):
        return ("D", tuple(sorted((k, canon(v)) for k, v in x.items())))
    return ("?", repr(x))


def statement(cert):
    if not isinstance(cert, dict):
        return ("not-an-object",)
    return (canon(cert.get("kind")), canon(cert.get("inputs")), canon(cert.get("result")), canon(cert.get("claim")))


# =====================================================================================
# exact linear algebra on Fractions
# =====================================================================================

def Q(s, where="value"):
    need(isinstance(s, str) and RAT.fullmatch(s) is not None, f"{where}: {s!r} is not a rational string")
    p, _, q = s.partition("/")
    need(not q or int(q) != 0, f"{where}: zero denominator")
    return Fraction(int(p), int(q) if q else 1)


def M(obj, where="matrix"):
    need(isinstance(obj, dict) and set(obj) == {"shape", "rows"}, f"{where}: not a matrix object")
    shape, rows = obj["shape"], obj["rows"]
    need(isinstance(shape, list) and len(shape) == 2 and all(type(d) is int and d >= 0 for d in shape),
         f"{where}: bad shape")
    need(isinstance(rows, list) and len(rows) == shape[0] and all(isinstance(r, list) and len(r) == shape[1]
                                                                   for r in rows), f"{where}: rows/shape mismatch")
    return Mat([[Q(x, where) for x in r] for r in rows], shape[0], shape[1])


class Mat:
    __slots__ = ("a", "m", "n")

    def __init__(self, a, m=None, n=None):
        self.a = a
        self.m = len(a) if m is None else m
        self.n = (len(a[0]) if a else 0) if n is None else n

    @staticmethod
    def zeros(m, n):
        return Mat([[Fraction(0)] * n for _ in range(m)], m, n)

    @staticmethod
    def eye(n):
        return Mat([[Fraction(int(i == j)) for j in range(n)] for i in range(n)], n, n)

    def __mul__(self, o):
        if not isinstance(o, Mat):
            return Mat([[x * o for x in r] for r in self.a], self.m, self.n)
        need(self.n == o.m, "shape mismatch in a product")
        ot = list(zip(*o.a)) if o.m else [() for _ in range(o.n)]
        return Mat([[sum((x * y for x, y in zip(r, c)), Fraction(0)) for c in ot] for r in self.a], self.m, o.n)

    def __add__(self, o):
        need(self.m == o.m and self.n == o.n, "shape mismatch in a sum")
        return Mat([[x + y for x, y in zip(r, s)] for r, s in zip(self.a, o.a)], self.m, self.n)

    def __sub__(self, o):
        return self + o * Fraction(-1)

    def __eq__(self, o):
        return isinstance(o, Mat) and self.m == o.m and self.n == o.n and self.a == o.a

    def __hash__(self):
        return hash((self.m, self.n, tuple(map(tuple, self.a))))

    @property
    def T(self):
        return Mat([list(c) for c in zip(*self.a)] if self.m else [[] for _ in range(self.n)], self.n, self.m)

    def is_zero(self):
        return all(x == 0 for r in self.a for x in r)

    def rank(self):
        return rank(self)

    def entries(self):
        return [x for r in self.a for x in r]

    def hadamard(self, w):
        if w is None:
            return self
        return Mat([[x * y for x, y in zip(r, s)] for r, s in zip(self.a, w.a)], self.m, self.n)


def rref_pivots(A: Mat):
    a = [list(r) for r in A.a]
    piv, row = [], 0
    for col in range(A.n):
        p = next((i for i in range(row, A.m) if a[i][col] != 0), None)
        if p is None:
            continue
        a[row], a[p] = a[p], a[row]
        pv = a[row][col]
        a[row] = [x / pv for x in a[row]]
        for i in range(A.m):
            if i != row and a[i][col] != 0:
                f = a[i][col]
                a[i] = [x - f * y for x, y in zip(a[i], a[row])]
        piv.append(col)
        row += 1
        if row == A.m:
            break
    return a, piv


def rank(A: Mat) -> int:
    return len(rref_pivots(A)[1])


def fro2(A: Mat):
    return sum((x * x for x in A.entries()), Fraction(0))


def is_psd(A: Mat) -> bool:
    import sympy

    S = sympy.Matrix([[sympy.Rational(x.numerator, x.denominator) for x in r] for r in A.a])
    if S != S.T:
        return False
    return bool(S.is_positive_semidefinite)


def row_space_projector(X: Mat) -> Mat:
    """P (n x n) projecting row vectors onto the row space of X (exactly)."""
    _, piv = rref_pivots(X.T)  # independent columns of X^T = independent rows of X
    B = Mat([X.a[i] for i in piv], len(piv), X.n)
    if not piv:
        return Mat.zeros(X.n, X.n)
    G = B * B.T
    Ginv = inverse(G)
    return B.T * Ginv * B


def inverse(A: Mat) -> Mat:
    n = A.m
    aug = Mat([list(r) + [Fraction(int(i == j)) for j in range(n)] for i, r in enumerate(A.a)], n, 2 * n)
    a, piv = rref_pivots(aug)
    need(piv[:n] == list(range(n)), "singular matrix")
    return Mat([r[n:] for r in a], n, n)


# =====================================================================================
# openness of a pair (prop-4 / thm-5), re-derived
# =====================================================================================

def pair_facts(W1: Mat, W2: Mat) -> dict:
    need(W1.n == W2.m, "W1.cols != W2.rows")
    m, k, n = W1.m, W1.n, W2.n
    r1, r2, r12 = rank(W1), rank(W2), rank(W1 * W2)
    d = r2 - r12           # dim N(W1) ∩ C(W2)
    dt = r1 - r12          # dim N(W2^T) ∩ C(W1^T)
    if k >= min(m, n):
        c3a, c3b = d <= k - m, n - (r2 - d) <= k - r1
        verdict = OPEN if (c3a or c3b) else NOT_OPEN
        cond = {"2a": c3a, "2b": c3b, "3a": c3a, "3b": c3b}
        return {"verdict": verdict, "theorem": "prop-4", "regime": "k >= min(m,n)", "conditions": cond,
                "r1": r1, "r2": r2, "r12": r12, "m": m, "k": k, "n": n}
    cond = {"equal_ranks": r1 == r2, "i": d == 0, "ii": dt == 0, "iii": d == 0, "iv": dt == 0}
    verdict = OPEN if (r1 == r2 and d == 0) else NOT_OPEN
    return {"verdict": verdict, "theorem": "thm-5", "regime": "k < min(m,n)", "conditions": cond,
            "r1": r1, "r2": r2, "r12": r12, "m": m, "k": k, "n": n}


def exact_keys(obj, allowed, where):
    need(isinstance(obj, dict), f"{where} is not an object")
    extra = set(obj) - set(allowed)
    need(not extra, f"{where} has unverified field(s) {sorted(extra)}")


# =====================================================================================
# per-kind judges: raise Bad(reason) if false, return a reason if true, None if unjudged
# =====================================================================================

def j_openness(c, orig):
    inp, res = c["inputs"], c["result"]
    exact_keys(inp, {"W1", "W2"}, "inputs")
    f = pair_facts(M(inp["W1"], "W1"), M(inp["W2"], "W2"))
    exact_keys(res, {"verdict", "theorem", "regime", "conditions"}, "result")
    need(res.get("verdict") == f["verdict"], f"verdict is {f['verdict']}, certificate says {res.get('verdict')!r}")
    if "theorem" in res:
        need(res["theorem"] == f["theorem"], f"theorem should be {f['theorem']}")
    if "regime" in res:
        need(res["regime"] == f["regime"], f"regime should be {f['regime']!r}, says {res['regime']!r}")
    if "conditions" in res:
        cond = res["conditions"]
        exact_keys(cond, f["conditions"], "result.conditions")
        for key, val in cond.items():
            need(val is f["conditions"][key], f"condition {key} is {f['conditions'][key]}, says {val!r}")
    return "openness re-derived (ranks)"


def j_basis_change(c, orig):
    inp, res, ev = c["inputs"], c["result"], c["evidence"]
    exact_keys(inp, {"W1", "W2"}, "inputs")
    W1, W2 = M(inp["W1"]), M(inp["W2"])
    f = pair_facts(W1, W2)
    exact_keys(res, {"verdict", "verdicts_agree", "lem17_rank"}, "result")
    need(res.get("verdict") == f["verdict"], f"verdict is {f['verdict']}")
    U, V = M(ev["U"]), M(ev["V"])
    need(U.T * U == Mat.eye(U.m) and V.T * V == Mat.eye(V.m), "U or V not orthogonal")
    A, B = U.T * W1, W2 * V
    agree = pair_facts(A, B)["verdict"] == f["verdict"]
    need(res.get("verdicts_agree") is agree, f"verdicts_agree should be {agree}")
    if "lem17_rank" in res:
        r = res["lem17_rank"]
        need(type(r) is int and r == f["r12"], f"lem17_rank should be rank W1W2 = {f['r12']}")
        S = A * B
        need(all(S.a[i][j] == 0 for i in range(S.m) for j in range(S.n) if i != j), "not diagonal")
        need(all(S.a[i][i] != 0 for i in range(r)), "lem-17: leading diagonal not nonzero")
        need(all(x == 0 for i in range(r, A.m) for x in A.a[i]), "lem-17 rows do not vanish")
        need(all(B.a[i][j] == 0 for i in range(B.m) for j in range(r, B.n)), "lem-17 columns do not vanish")
        need(f["conditions"].get("i", True) and f["conditions"].get("ii", True) or f["theorem"] == "prop-4",
             "lem-17 needs (i) and (ii)")
    return "basis change re-derived"


def j_lifting(c, orig):
    inp, res = c["inputs"], c["result"]
    exact_keys(inp, {"W1", "W2", "Z"}, "inputs")
    exact_keys(res, {"D1", "D2", "norm2_D1", "norm2_D2", "norm2_target"}, "result")
    W1, W2, Z = M(inp["W1"]), M(inp["W2"]), M(inp["Z"])
    D1, D2 = M(res["D1"]), M(res["D2"])
    need((D1.m, D1.n) == (W1.m, W1.n) and (D2.m, D2.n) == (W2.m, W2.n), "D shapes")
    need((W1 + D1) * (W2 + D2) == Z, "(W1 + D1)(W2 + D2) != Z")
    for key, val in (("norm2_D1", fro2(D1)), ("norm2_D2", fro2(D2)), ("norm2_target", fro2(Z - W1 * W2))):
        if key in res:
            need(Q(res[key]) == val, f"{key} is {val}")
    return "lifting re-derived"


def j_perturbation(c, orig):
    inp, res = c["inputs"], c["result"]
    exact_keys(inp, {"W1", "W2"}, "inputs")
    exact_keys(res, {"exponent", "openness"}, "result")
    W1, W2 = M(inp["W1"]), M(inp["W2"])
    f = pair_facts(W1, W2)
    need(res.get("exponent") == "1/2", "exponent must be 1/2")
    need(res.get("openness") == f["verdict"] == OPEN, f"the pair is {f['verdict']}")
    need(f["r1"] < f["m"] and f["r2"] < f["n"], "no u with u^T W1 = 0 or no v with W2 v = 0")
    need(f["r12"] + 1 <= min(f["m"], f["k"], f["n"]), "rank W1W2 + 1 > min(m, k, n)")
    return "sqrt-rate hypotheses re-derived"


def j_chain(c, orig):
    inp, res = c["inputs"], c["result"]
    exact_keys(inp, {"layers"}, "inputs")
    exact_keys(res, {"verdict", "widths", "rank", "argument", "rate", "preimage_rate"}, "result")
    arg = res.get("argument")
    need(("preimage_rate" in res) <= (arg in ("family", "zero-end", "reduce", "rotate", "gap-free")),
         "preimage_rate comes only with an argument that builds preimages (family, zero-end, reduce, rotate, gap-free)")
    need(arg not in ("family", "zero-end", "rotate", "gap-free") or "preimage_rate" in res,
         f"the argument {arg} states an upper rate (preimage_rate)")
    Ws = [M(L) for L in inp["layers"]]
    need(Ws, "no layers")
    for i in range(1, len(Ws)):
        need(Ws[i].n == Ws[i - 1].m, "layers do not chain")
    dims = [Ws[0].n] + [W.m for W in Ws]
    P = Ws[0]
    for W in Ws[1:]:
        P = W * P
    r = rank(P)
    need(res.get("widths") == dims, f"widths are {dims}")
    need(res.get("rank") == r and type(res.get("rank")) is int, f"rank is {r}")
    rate_why = _j_chain_rate(c, Ws, dims, r)
    if rate_why is None:
        return None
    if r == min(dims) or len(Ws) == 1:
        need(res.get("verdict") == OPEN, "verdict does not follow from lem-10")
        return "chain re-derived"
    if res.get("verdict") == "undetermined" and res.get("argument") == "none":
        return "chain re-derived (an undetermined certificate states only the rank facts)"
    if res.get("argument") == "gap-free":  # Lemma C9: no gap, from the judge's own ranks
        h = len(Ws)
        need(h >= 3, "the gap-free argument is used at h >= 3")
        for k in range(1, h):
            need(rank(_chain_prod(Ws, dims, 0, k)) == dims[0] or rank(_chain_prod(Ws, dims, k, h)) == dims[h],
                 f"a gap at k = {k}")
        need(res.get("verdict") == OPEN and res.get("preimage_rate") == "1/1", "gap-free: locally open, upper rate 1/1")
    if res.get("argument") == "rank-criterion":  # Theorem C16: (R) from the judge's own ranks
        h, e = len(Ws), min(dims)
        need(h >= 3, "the rank criterion is used at h >= 3")
        for k in range(1, h):
            a, b = rank(_chain_prod(Ws, dims, 0, k)), rank(_chain_prod(Ws, dims, k, h))
            need(dims[k] - a - b + r >= min(dims[0] - a, dims[h] - b, e - r), f"(R) fails at k = {k}")
        need(res.get("verdict") == OPEN and "preimage_rate" not in res, "rank-criterion: locally open, no upper rate")
    # degenerate: the generator's decision (independent of the kernel) must agree
    from flint import fmpq, fmpq_mat

    from exactopen.openness.chain import decide_chain
    layers = [fmpq_mat(W.m, W.n, [fmpq(x.numerator, x.denominator) for row in W.a for x in row]) for W in Ws]
    need(len(Ws) != 2, "h = 2 is a pair")
    verdict, _, cert = decide_chain(layers)
    need(res.get("verdict") == verdict and res.get("argument") == cert["result"]["argument"],
         f"verdict is {verdict} by {cert['result']['argument']}")
    need(res.get("preimage_rate") == cert["result"].get("preimage_rate"),
         f"the family's exponent is {cert['result'].get('preimage_rate')}")
    return "chain re-derived"


def _ceil_sqrt(q: Fraction) -> int:
    import math
    n = math.isqrt(q.numerator // q.denominator)
    while n * n < q:
        n += 1
    return n


def _chain_prod(Ws, dims, a, b):
    """W_b ... W_{a+1} (identity if a == b), layers Ws[0] = W_1."""
    P = Mat.eye(dims[a])
    for W in Ws[a:b]:
        P = W * P
    return P


def _j_chain_rate(c, Ws, dims, r):
    """Lemma C5 (docs/chains.md), judged with Fractions by enumerating the sets S themselves
    (the checker uses a shortest-path recursion over (min S, max S) instead).  Returns a reason
    if true / absent, None if undecidable here; raises Bad if false."""
    import itertools
    import math
    res = c["result"]
    if "rate" not in res:
        return "no rate stated"
    h, e = len(Ws), min(dims)
    need(h >= 3 and r < e, "a rate (Lemma C5) is stated only at degenerate chains (rank < min width), h >= 3")
    need(res.get("verdict") != NOT_OPEN, "a rate is not stated at chains proved not locally open")
    m = re.fullmatch(r"1/([0-9]+)", res["rate"]) if isinstance(res["rate"], str) else None
    need(m is not None, "result.rate is not '1/p'")
    p = int(m.group(1))
    need(1 <= p <= h, "p out of range 1..h")
    claim = c.get("claim") or ""
    mc = re.search(r"entry \(([0-9]+), ([0-9]+)\), from 0; rank <= ([0-9]+), distance \|δ\|\) moves some layer by "
                   r"\|Δ_i\|_F >= min\(1, \(c \|δ\|\)\^\(1/([0-9]+)\)\) with c = (-?[0-9]+(?:/[0-9]+)?):", claim)
    need(mc is not None, "the claim does not state the Lemma C5 bound")
    a, b, rk, pc = (int(mc.group(i)) for i in range(1, 5))
    cc = Q(mc.group(5), "claim constant")
    need(pc == p, "the claim's exponent differs from result.rate")
    need(rk == r + 1, "the targets' rank bound is r + 1")
    need(a < dims[h] and b < dims[0], "entry out of range")
    if h > 12:
        return None
    mm, nn = dims[h], dims[0]

    def equations(q):
        """A_S^T F B_S^T = 0 for every S with 1 <= |S| < q and all gaps nonzero (F flattened)."""
        conds = set()
        for j in range(1, q):
            for S in itertools.combinations(range(1, h + 1), j):
                if all(not _chain_prod(Ws, dims, S[l], S[l + 1] - 1).is_zero() for l in range(j - 1)):
                    conds.add((S[0], S[-1]))
        eqs = []
        for (i, i2) in sorted(conds):
            A, B = _chain_prod(Ws, dims, i2, h), _chain_prod(Ws, dims, 0, i - 1)
            for x in range(A.n):
                for y in range(B.m):
                    eqs.append([A.a[u][x] * B.a[y][v] for u in range(mm) for v in range(nn)])
        return conds, eqs

    conds, eqs = equations(p)
    dimV = mm * nn - (rank(Mat(eqs, len(eqs), mm * nn)) if eqs else 0)
    need(dimV > 0, f"no F != 0 kills every term with |S| < {p}: the bound 1/{p} is not supported")
    tail = claim[mc.end():]
    if f"so {p} is the largest p Lemma C5 gives here" in tail:
        eqs1 = equations(p + 1)[1]
        need(rank(Mat(eqs1, len(eqs1), mm * nn)) == mm * nn if eqs1 else False,
             f"some F != 0 kills every term with |S| <= {p}: p is not the largest")
    else:
        need("largest p" not in tail, "an unrecognised maximality sentence")
    try:
        F = M(c["evidence"]["rate"]["F"])
    except (Bad, KeyError, TypeError):
        return None
    if not (F.m == mm and F.n == nn and F.a[a][b] != 0):
        return None
    f = [x for row in F.a for x in row]
    if any(sum((q * x for q, x in zip(eq, f)), Fraction(0)) != 0 for eq in eqs):
        return None
    norms = [_ceil_sqrt(fro2(W)) for W in Ws]
    Qs = sum(math.prod(norms[i - 1] for i in range(1, h + 1) if i not in S)
             for j in range(p, h + 1) for S in itertools.combinations(range(1, h + 1), j))
    need(0 < cc <= abs(F.a[a][b]) / (_ceil_sqrt(fro2(F)) * Qs), "the constant c exceeds |F_ab| / (N_F Q)")
    return f"Lemma C5 re-derived with Fractions (p = {p}, {len(conds)} (min S, max S) conditions)"


def j_row_basis(c, orig):
    inp, res = c["inputs"], c["result"]
    exact_keys(inp, {"V"}, "inputs")
    exact_keys(res, {"rank", "B", "A", "max_abs", "bound"}, "result")
    V = M(inp["V"])
    r = rank(V)
    need(res.get("rank") == r and type(res["rank"]) is int, f"rank V is {r}")
    need(r < V.m, "rank V = m")
    B = res["B"]
    need(isinstance(B, list) and all(type(i) is int and 0 <= i < V.m for i in B) and len(set(B)) == len(B) == r,
         "B is not r distinct row indices")
    VB = Mat([V.a[i] for i in B], r, V.n)
    need(rank(VB) == r, "rows B are dependent")
    Bc = [i for i in range(V.m) if i not in B]
    A = M(res["A"])
    need((A.m, A.n) == (V.m - r, r), "A shape")
    need(Mat([V.a[i] for i in Bc], len(Bc), V.n) == A * VB, "V[B^c] != A V[B]")
    mabs = max((abs(x) for x in A.entries()), default=Fraction(0))
    need(Q(res["max_abs"]) == mabs, f"max_abs is {mabs}")
    need(res["bound"] == str(2 ** (V.m - r - 1)), "bound is not 2^(m-r-1)")
    need(mabs <= 2 ** (V.m - r - 1), "max |A_ij| exceeds the bound")
    return "row basis re-derived"


# --- pyramid ---------------------------------------------------------------------------

def activation(a):
    need(isinstance(a, dict) and isinstance(a.get("name"), str), "activation without a name")
    name = a["name"]
    if name in ("tanh", "logistic", "identity"):
        exact_keys(a, {"name"}, "activation")
        return {"linear_slope": Fraction(1) if name == "identity" else None, "pwl": name == "identity"}
    if name == "leaky_relu":
        exact_keys(a, {"name", "slope"}, "activation")
        s = Q(a["slope"])
        need(s > 0, "leaky slope <= 0: not strictly increasing")
        return {"linear_slope": Fraction(1) if s == 1 else None, "pwl": True}
    if name == "pwl":
        exact_keys(a, {"name", "breakpoints", "slopes", "point", "value"}, "activation")
        bps = [Q(x) for x in a["breakpoints"]]
        sl = [Q(x) for x in a["slopes"]]
        need(len(sl) == len(bps) + 1 and all(x < y for x, y in zip(bps, bps[1:])) and all(s > 0 for s in sl),
             "pwl activation is not strictly increasing / malformed")
        p, v = Q(a["point"]), Q(a["value"])
        lin = None
        if len(set(sl)) == 1 and v - sl[0] * p == 0:
            lin = sl[0]
        return {"linear_slope": lin, "pwl": True}
    raise Bad(f"unknown activation {name!r}")


def _network(inp, need_x):
    exact_keys(inp, {"layers", "activations", "X"}, "inputs")
    Ws = [M(w) for w in inp["layers"]]
    need(Ws, "no layers")
    acts = [activation(a) for a in inp["activations"]]
    need(len(acts) == len(Ws), "one activation per layer")
    for i in range(1, len(Ws)):
        need(Ws[i].n == Ws[i - 1].m, "layers do not chain")
    X = inp.get("X")
    if X is not None:
        X = M(X)
        need(X.m == Ws[0].n, "X does not chain")
    need(X is not None or not need_x, "X required")
    return Ws, acts, X


def _fails(Ws, X):
    return [i for i, W in enumerate(Ws) if rank(W) < W.m], (X is not None and rank(X) < X.n)


def j_pyr_open(c, orig):
    Ws, acts, X = _network(c["inputs"], False)
    res = c["result"]
    exact_keys(res, {"verdict", "route"}, "result")
    wf, xf = _fails(Ws, X)
    hidden_linear = all(a["linear_slope"] is not None for a in acts[:-1])
    if res.get("verdict") == "undecided":
        need(wf or xf, "every hypothesis holds: lem-6 applies")
        need(wf or not hidden_linear, "only X fails but the linear_hidden_layers route applies")
        return "a lem-6 hypothesis fails"
    need(res.get("verdict") == OPEN, "bad verdict")
    need(not wf, "a layer is not of full row rank")
    route = res.get("route")
    if route == "X_full_column_rank":
        need(X is not None and not xf, "X is not of full column rank")
    elif route == "every_full_column_rank_X":
        need(X is None, "X is given")
    elif route == "linear_hidden_layers":
        need(hidden_linear, "a hidden activation is not linear")
    else:
        raise Bad(f"unknown route {route!r}")
    return "lem-6 hypotheses re-derived"


def j_pyr_global(c, orig):
    Ws, acts, X = _network(c["inputs"], True)
    res = c["result"]
    exact_keys(res, {"verdict", "conclusion"}, "result")
    wf, xf = _fails(Ws, X)
    if res.get("verdict") == "undecided":
        need(wf or xf, "every hypothesis holds")
        return "a sec-4 hypothesis fails"
    need(res.get("verdict") == "local_min_is_global", "bad verdict")
    need(not wf and not xf, "a rank hypothesis fails")
    widths = [X.m] + [W.m for W in Ws]
    need(X.m >= X.n and all(widths[i] <= widths[i - 1] for i in range(1, len(widths))), "widths increase")
    if "conclusion" in res:
        need(res["conclusion"] == orig["result"].get("conclusion"), "conclusion text is not the derived one")
    return "sec-4 hypotheses re-derived"


# --- univariate polynomials --------------------------------------------------------------

def _poly(coeffs, where):
    import sympy

    need(isinstance(coeffs, list), f"{where} is not a list")
    x = sympy.Symbol("x")
    return sympy.Poly(sum((sympy.Rational(Q(cf).numerator, Q(cf).denominator) * x ** i
                           for i, cf in enumerate(coeffs)), sympy.Integer(0)), x, domain="QQ"), x


def nonneg_on(g, lo, hi) -> bool:
    """g >= 0 on [lo, hi] (None = infinite); g a sympy Poly over QQ."""
    import sympy

    if g.is_zero:
        return True
    ivs = sorted((Fraction(str(a)), Fraction(str(b))) for (a, b), _ in g.intervals()) if g.degree() > 0 else []
    samples = []
    if lo is not None:
        samples.append(lo)
    if hi is not None:
        samples.append(hi)
    if ivs:
        samples.append(ivs[0][0] - 1)
        samples.append(ivs[-1][1] + 1)
        for (a0, b0), (a1, b1) in zip(ivs, ivs[1:]):
            samples.append((b0 + a1) / 2)
    else:
        samples.append(Fraction(0))
    if lo is not None and hi is not None:
        samples.append((lo + hi) / 2)
    ok = [s for s in samples if (lo is None or s >= lo) and (hi is None or s <= hi)]
    if not ok:
        ok = [lo if lo is not None else (hi if hi is not None else Fraction(0))]
    return all(g.eval(sympy.Rational(s.numerator, s.denominator)) >= 0 for s in ok)


def j_scalar(c, orig):
    import sympy

    inp, res = c["inputs"], c["result"]
    exact_keys(inp, {"F", "w0"}, "inputs")
    exact_keys(res, {"verdict", "relative_to", "F_w0", "delta"}, "result")
    F, x = _poly(inp["F"], "F")
    w0f = Q(inp["w0"])
    w0 = sympy.Rational(w0f.numerator, w0f.denominator)
    Fw0 = F.eval(w0)
    need(sympy.Rational(Q(res["F_w0"]).numerator, Q(res["F_w0"]).denominator) == Fw0, "F_w0 != F(w0)")
    verdict, rel = res.get("verdict"), res.get("relative_to")
    need(rel in ("R", "range"), "relative_to must be R or range")
    if F.degree() <= 0:
        need(verdict == OPEN and rel == "range", "a constant map is locally open (only) in its range")
        return "constant map"
    D = sympy.Poly(F.as_expr().subs(x, w0 + x) - Fw0, x, domain="QQ")
    co = D.all_coeffs()[::-1]
    j = next(i for i, a in enumerate(co) if a != 0)
    s = 1 if co[j] > 0 else -1
    open_R = j % 2 == 1
    G = sympy.Poly((F.as_expr() - Fw0) * s, x, domain="QQ")
    open_range = open_R or nonneg_on(G, None, None)
    truth = open_R if rel == "R" else open_range
    if verdict == OPEN:
        need(truth, f"not locally open relative to {rel}")
    else:
        need(verdict == NOT_OPEN and not truth, f"locally open relative to {rel}")
    if "delta" in res:
        need(verdict == OPEN, "delta for a non-open point")
        d = res["delta"]
        need(isinstance(d, list) and len(d) == 2, "delta lists two sides")
        for item, side, sgn in zip(d, ("right", "left"), (1, -1)):
            exact_keys(item, {"side", "c", "k", "r"}, "delta item")
            need(item.get("side") == side, "delta sides out of order")
            cc, k, r = Q(item["c"]), item["k"], item.get("r")
            need(type(k) is int and 1 <= k <= 1000 and cc > 0, "delta: need c > 0 and k >= 1")
            r = None if r is None else Q(r)
            need(r is None or r > 0, "r <= 0")
            Ds = sympy.Poly(D.as_expr().subs(x, sgn * x), x, domain="QQ")
            cs = Ds.all_coeffs()[::-1]
            js = next(i for i, a in enumerate(cs) if a != 0)
            ss = 1 if cs[js] > 0 else -1
            g = sympy.Poly(Ds.as_expr() * ss - sympy.Rational(cc.numerator, cc.denominator) * x ** k, x, domain="QQ")
            need(nonneg_on(g, Fraction(0), r), f"delta ({side}): |F(w0 +- rho) - F(w0)| >= c rho^k fails on [0, r]")
    return "scalar openness re-derived"


def j_polymin(c, orig):
    import sympy

    inp, res = c["inputs"], c["result"]
    exact_keys(inp, {"objective", "lower", "map"}, "inputs")
    allowed = {"value", "minimisers"} | ({"preimages", "composition"} if "map" in inp else set())
    exact_keys(res, allowed, "result")
    L, x = _poly(inp["objective"], "objective")
    lower = inp.get("lower")
    lower = None if lower is None else Q(lower)
    v = Q(res["value"])
    vs = sympy.Rational(v.numerator, v.denominator)
    mins = [Q(p) for p in res["minimisers"]]
    need(mins, "no minimiser")
    for p in mins:
        need(lower is None or p >= lower, "minimiser outside the domain")
        need(L.eval(sympy.Rational(p.numerator, p.denominator)) == vs, f"L({p}) != value")
    need(nonneg_on(L - sympy.Poly(vs, x, domain="QQ"), lower, None), "L - value is negative somewhere on the domain")
    if "map" in inp:
        F, _ = _poly(inp["map"], "map")
        for w in res.get("preimages", []):
            wq = Q(w)
            need(Fraction(str(F.eval(sympy.Rational(wq.numerator, wq.denominator)))) in mins, "F(w) not a minimiser")
        if "composition" in res:
            comp, _ = _poly(res["composition"], "composition")
            need(comp == sympy.Poly(L.as_expr().subs(x, F.as_expr()), x, domain="QQ"), "composition != L(F)")
            need(len(res["composition"]) == 0 or res["composition"][-1] not in ("0", "-0") or comp.is_zero,
                 "composition has trailing zeros")
    return "polynomial minimum re-derived"


# --- landscape --------------------------------------------------------------------------

def _problem(inp):
    exact_keys(inp, {"layers", "X", "Y", "weights"}, "inputs")
    Ws = [M(L) for L in inp["layers"]]
    need(Ws, "no layers")
    for i in range(1, len(Ws)):
        need(Ws[i].n == Ws[i - 1].m, "layers do not chain")
    X, Y = M(inp["X"]), M(inp["Y"])
    need(X.m == Ws[0].n and Y.m == Ws[-1].m and Y.n == X.n, "X, Y shapes")
    w = inp.get("weights")
    if w is not None:
        w = M(w)
        need((w.m, w.n) == (Y.m, Y.n) and all(x > 0 for x in w.entries()), "weights")
    return Ws, X, Y, w


def prod(mats, n):
    P = Mat.eye(n)
    for A in mats:
        P = A * P
    return P


def loss(Ws, X, Y, w):
    E = prod(Ws, X.m) * X - Y
    return sum((a * b for a, b in zip(E.entries(), E.hadamard(w).entries())), Fraction(0)) / 2


def gradient(Ws, X, Y, w):
    G = (prod(Ws, X.m) * X - Y).hadamard(w) * X.T
    return [prod(Ws[k + 1:], Ws[k].m).T * G * prod(Ws[:k], X.m).T for k in range(len(Ws))]


class Dual:
    """Matrix a + eps b (eps^2 = 0)."""

    def __init__(self, a, b):
        self.a, self.b = a, b

    def __mul__(self, o):
        return Dual(self.a * o.a, self.a * o.b + self.b * o.a)

    def __sub__(self, o):
        return Dual(self.a - o.a, self.b - o.b)

    @property
    def T(self):
        return Dual(self.a.T, self.b.T)


def hessian(Ws, X, Y, w):
    """Exact Hessian: column j = d/deps of the gradient at W + eps e_j."""
    shapes = [(W.m, W.n) for W in Ws]
    N = sum(m * n for m, n in shapes)
    need(N <= 200, "Hessian too large for the judge")
    cols = []
    for k, (m, n) in enumerate(shapes):
        for a in range(m):
            for b in range(n):
                D = []
                for l, W in enumerate(Ws):
                    Z = Mat.zeros(W.m, W.n)
                    if l == k:
                        Z.a[a][b] = Fraction(1)
                    D.append(Dual(W, Z))
                Xd, Yd = Dual(X, Mat.zeros(X.m, X.n)), Dual(Y, Mat.zeros(Y.m, Y.n))
                P = Dual(Mat.eye(X.m), Mat.zeros(X.m, X.m))
                for L in D:
                    P = L * P
                E = P * Xd - Yd
                E = Dual(E.a.hadamard(w), E.b.hadamard(w))
                G = E * Xd.T
                col = []
                for kk in range(len(D)):
                    A = Dual(Mat.eye(D[kk].a.m), Mat.zeros(D[kk].a.m, D[kk].a.m))
                    for L in D[kk + 1:]:
                        A = L * A
                    B = Dual(Mat.eye(X.m), Mat.zeros(X.m, X.m))
                    for L in D[:kk]:
                        B = L * B
                    col.extend((A.T * G * B.T).b.entries())
                cols.append(col)
    return Mat([list(r) for r in zip(*cols)], N, N)


def global_min_unweighted(Ws, X, Y):
    """min over the network of 1/2|PX - Y|^2 (Eckart-Young after projecting on row(X)), as mpf."""
    import mpmath

    mpmath.mp.dps = 60
    r = min([Ws[0].n] + [W.m for W in Ws])
    Yp = Y * row_space_projector(X)
    base = fro2(Y - Yp) / 2
    S = Yp * Yp.T
    A = mpmath.matrix([[mpmath.mpf(x.numerator) / x.denominator for x in row] for row in S.a])
    ev = sorted((float(e) if False else e for e in mpmath.eigsy(A)[0]), reverse=True) if S.m else []
    tail = sum(ev[r:], mpmath.mpf(0))
    return mpmath.mpf(base.numerator) / base.denominator + tail / 2


def close(a_frac, b_mpf):
    import mpmath

    a = mpmath.mpf(a_frac.numerator) / a_frac.denominator
    return abs(a - b_mpf) <= mpmath.mpf(10) ** -25 * max(1, abs(a))


def curve_poly(Ws, X, Y, w, curve):
    """Coefficients of p(t) = L(W + sum t^j C_j) - L(W) (list of Fractions)."""
    need(isinstance(curve, list) and curve, "empty curve")
    polys = [[W] for W in Ws]
    for term in curve:
        j = term["power"]
        need(type(j) is int and 1 <= j <= 64, "curve power")
        Cs = [M(L) for L in term["layers"]]
        need(len(Cs) == len(Ws), "curve layers")
        for k, C in enumerate(Cs):
            need((C.m, C.n) == (Ws[k].m, Ws[k].n), "curve shapes")
            while len(polys[k]) <= j:
                polys[k].append(Mat.zeros(Ws[k].m, Ws[k].n))
            polys[k][j] = polys[k][j] + C
    F = [X]
    for layer in polys:
        G = [Mat.zeros(layer[0].m, X.n) for _ in range(len(F) + len(layer) - 1)]
        for a, L in enumerate(layer):
            if not L.is_zero():
                for b, Mm in enumerate(F):
                    G[a + b] = G[a + b] + L * Mm
        F = G
    F[0] = F[0] - Y
    p = [Fraction(0)] * (2 * len(F) - 1)
    for a in range(len(F)):
        for b in range(len(F)):
            if a + b:
                p[a + b] += sum((x * y for x, y in zip(F[a].entries(), F[b].hadamard(w).entries())), Fraction(0)) / 2
    return p


def point_on_curve(Ws, curve, t):
    out = list(Ws)
    for term in curve:
        Cs = [M(L) for L in term["layers"]]
        out = [W + C * (t ** term["power"]) for W, C in zip(out, Cs)]
    return out


class LandscapeFacts:
    def __init__(self, Ws, X, Y, w):
        self.Ws, self.X, self.Y, self.w = Ws, X, Y, w
        self.L = loss(Ws, X, Y, w)
        self.critical = all(G.is_zero() for G in gradient(Ws, X, Y, w))
        self._H = None
        self._gmin = "unset"

    @property
    def H(self):
        if self._H is None:
            self._H = hessian(self.Ws, self.X, self.Y, self.w)
        return self._H

    def psd(self):
        return is_psd(self.H)

    def is_global_min(self):
        """True / False / None (unknown: weighted loss, not stationary in function space)."""
        if not self.critical:
            return False
        Gf = (prod(self.Ws, self.X.m) * self.X - self.Y).hadamard(self.w) * self.X.T
        if Gf.is_zero():
            return True          # convex in Z, stationary: global
        if self.w is not None:
            return None
        if self._gmin == "unset":
            self._gmin = global_min_unweighted(self.Ws, self.X, self.Y)
        return close(self.L, self._gmin)


_FACTS = {}


def landscape_facts(inp):
    key = json.dumps(canon(inp), default=str)
    if key not in _FACTS:
        _FACTS[key] = LandscapeFacts(*_problem(inp))
    return _FACTS[key]


def j_landscape(c, orig):
    inp, res, ev = c["inputs"], c["result"], c["evidence"]
    f = landscape_facts(inp)
    v = res.get("verdict")
    allowed = {"verdict", "loss"} | {
        "not_critical": set(), "global_minimum": {"min_value"},
        "strict_saddle": {"descent_order", "descent_coefficient", "witness_loss", "non_global"},
        "higher_order_saddle": {"descent_order", "descent_coefficient", "witness_loss", "non_global", "hessian_psd"},
        "local_minimum_not_global": {"hessian_psd", "hessian_rank", "witness_loss", "non_global"},
        "undecided": {"hessian_psd", "descent_order", "descent_coefficient", "witness_loss", "non_global"},
    }.get(v, set())
    exact_keys(res, allowed, "result")
    need(Q(res.get("loss")) == f.L, f"loss is {f.L}")
    if v == "not_critical":
        need(not f.critical, "the gradient is zero")
        return "not critical (gradient re-derived)"
    need(f.critical, "the gradient is not zero")
    if v == "global_minimum":
        g = f.is_global_min()
        if "min_value" in res:
            need(Q(res["min_value"]) == f.L, "min_value != loss")
        if g is None:
            return None
        need(g, "not a global minimum (Eckart-Young)")
        return "global minimum re-derived"
    witness = None
    if v in ("strict_saddle", "higher_order_saddle", "undecided") and "curve" in ev:
        p = curve_poly(f.Ws, f.X, f.Y, f.w, ev["curve"])
        m = next((i for i, cf in enumerate(p) if cf != 0), None)
        need(m is not None and p[m] < 0, "the curve does not descend")
        if "descent_order" in res:
            need(res["descent_order"] == m and type(res["descent_order"]) is int, f"descent_order is {m}")
        if "descent_coefficient" in res:
            need(Q(res["descent_coefficient"]) == p[m], f"descent_coefficient is {p[m]}")
        t0 = Q(ev["witness_t"])
        witness = loss(point_on_curve(f.Ws, ev["curve"], t0), f.X, f.Y, f.w)
    elif v == "local_minimum_not_global" and "witness" in ev:
        wit = [M(L) for L in ev["witness"]]
        need(len(wit) == len(f.Ws) and all((a.m, a.n) == (b.m, b.n) for a, b in zip(wit, f.Ws)), "witness shapes")
        witness = loss(wit, f.X, f.Y, f.w)
    elif any(k in res for k in ("descent_order", "descent_coefficient")):
        raise Bad("descent fields without a curve")
    if "witness_loss" in res:
        need(witness is not None and Q(res["witness_loss"]) == witness, f"witness_loss is {witness}")
    if "non_global" in res:
        need(res["non_global"] is True and witness is not None and witness < f.L, "non_global not shown")
    if "hessian_psd" in res:
        need(type(res["hessian_psd"]) is bool, "hessian_psd not a bool")
        if res["hessian_psd"] or v != "undecided":
            need(res["hessian_psd"] == f.psd(), f"hessian_psd is {f.psd()}")
    if v == "strict_saddle":
        need(not f.psd(), "Hessian is PSD: not a strict saddle")
        return "strict saddle re-derived"
    if v == "higher_order_saddle":
        need(f.psd(), "Hessian not PSD")
        need(witness is not None, "no descent curve")
        return "higher-order saddle re-derived (Hessian PSD, descending curve)"
    if v == "local_minimum_not_global":
        need(len(f.Ws) == 2, "two layers")
        W1, W2 = f.Ws
        r = W1.m
        need(rank(W1) == W1.m and rank(W2) == W2.n, "W1 full row rank, W2 full column rank")
        need(f.psd(), "Hessian not PSD")
        hr = rank(f.H)
        need(hr == f.H.m - r * r, f"rank H = {hr}, not N - r^2")
        if "hessian_rank" in res:
            need(res["hessian_rank"] == hr and type(res["hessian_rank"]) is int, f"hessian_rank is {hr}")
        need(witness is not None and witness < f.L, "no lower witness")
        return "local min (Morse-Bott) re-derived"
    need(v == "undecided", f"unknown verdict {v!r}")
    return "undecided critical point"


# --- symbolic: only cell reorderings are judged --------------------------------------------

_SAFE = re.compile(r"[0-9A-Za-z ()+\-*/^]*")


def _sym(text):
    """A polynomial string of the input grammar, expanded by SymPy (None if unsafe / too big)."""
    import sympy

    if not isinstance(text, str) or len(text) > 300 or not _SAFE.fullmatch(text) or re.search(r"\^\s*\d{3,}", text) \
            or "__" in text:
        return None
    try:
        return sympy.expand(sympy.sympify(text.replace("^", "**"), rational=True))
    except Exception:  # noqa: BLE001
        return None


def _sym_matrix(obj, where):
    exact_keys(obj, {"shape", "rows"}, where)
    need(isinstance(obj["rows"], list) and all(isinstance(r, list) for r in obj["rows"]), f"{where} rows")
    need(obj["shape"] == [len(obj["rows"]), len(obj["rows"][0]) if obj["rows"] else obj["shape"][1]], f"{where} shape")
    return [[_sym(x) for x in r] for r in obj["rows"]]


def _same_symbolic_inputs(a, b):
    """True if the two inputs objects denote the same matrices / parameters (SymPy-expanded)."""
    exact_keys(a, set(b), "inputs")
    for key in b:
        need(key in a, f"inputs.{key} missing")
        if isinstance(b[key], dict) and "rows" in b[key]:
            A, B = _sym_matrix(a[key], key), _sym_matrix(b[key], key)
            if any(x is None for r in A for x in r) or len(A) != len(B) or any(len(r) != len(s) for r, s in zip(A, B)):
                return False
            if any(sympy_ne(x, y) for r, s in zip(A, B) for x, y in zip(r, s)):
                return False
        elif isinstance(b[key], list) and b[key] and isinstance(b[key][0], dict):
            if not isinstance(a[key], list) or len(a[key]) != len(b[key]):
                return False
            for x, y in zip(a[key], b[key]):
                A, B = _sym_matrix(x, key), _sym_matrix(y, key)
                if any(v is None for r in A for v in r) or len(A) != len(B) or \
                        any(len(r) != len(s) for r, s in zip(A, B)) or \
                        any(sympy_ne(u, v) for r, s in zip(A, B) for u, v in zip(r, s)):
                    return False
        elif canon(a[key]) != canon(b[key]):
            return False
    return True


def sympy_ne(x, y):
    return x is None or y is None or (x - y) != 0


def j_symbolic(c, orig):
    if not _same_symbolic_inputs(c["inputs"], orig["inputs"]):
        return None
    res, ores = c["result"], orig["result"]
    exact_keys(res, set(ores), "result")
    for key in res:
        if key == "cells":
            a = sorted(json.dumps(x, sort_keys=True) for x in res["cells"]) if isinstance(res["cells"], list) else None
            b = sorted(json.dumps(x, sort_keys=True) for x in ores["cells"])
            if a != b:
                return None
        elif key == "loss" and isinstance(res[key], str):
            a, b = _sym(res[key]), _sym(ores[key])
            need(a is not None and b is not None and a - b == 0, "result.loss is not the derived polynomial")
        else:
            need(canon(res[key]) == canon(ores[key]), f"result.{key} differs from the derived value")
    return "same cells"


def j_pyr_not_open(c, orig):
    _network(c["inputs"], True)
    exact_keys(c["result"], {"verdict"}, "result")
    if canon(c["inputs"]) != canon(orig["inputs"]):
        return None
    need(c["result"].get("verdict") == NOT_OPEN, "verdict")
    return "same inputs"


JUDGES = {
    "pyramid_not_open": j_pyr_not_open,
    "openness": j_openness, "basis_change": j_basis_change, "lifting": j_lifting,
    "perturbation_lower_bound": j_perturbation, "chain_openness": j_chain, "row_basis_bound": j_row_basis,
    "pyramid_openness": j_pyr_open, "pyramid_global": j_pyr_global, "scalar_openness": j_scalar,
    "polynomial_minimum": j_polymin, "landscape_point": j_landscape, "symbolic_openness": j_symbolic,
    "symbolic_landscape": j_symbolic, "symbolic_chain_openness": j_symbolic,
}


# =====================================================================================
# the judge
# =====================================================================================

def _first_wins(pairs):
    d = {}
    for k, v in pairs:
        d.setdefault(k, v)
    return d


class Judge:
    def __init__(self, corpus):
        self.by_name = {name: cert for name, _, cert in corpus}
        self.statements = {statement(c) for _, _, c in corpus}
        self.kir_claims = {}
        for _, _, c in corpus:
            self.kir_claims.setdefault(statement(c)[:3], set()).add(c.get("claim"))
        self.claims_all = {c.get("claim") for _, _, c in corpus}
        self.cache = {}

    def judge(self, text, seed_name, summary=None):
        """(True | False | None, reason) for an accepted mutant text."""
        try:
            last = json.loads(text)
            first = json.loads(text, object_pairs_hook=_first_wins)
        except Exception as exc:  # noqa: BLE001
            return False, f"accepted text is not strict JSON for the judge: {exc}"
        st = statement(last)
        if statement(first) != st:
            return False, "duplicate key: a first-wins JSON reader sees a different statement than the checker"
        key = (st, json.dumps(canon(last.get("evidence")), default=str)[:100000], seed_name)
        if key in self.cache:
            return self.cache[key]
        out = self._judge(last, st, seed_name)
        self.cache[key] = out
        return out

    def _judge(self, c, st, seed_name):
        if st in self.statements:
            return True, "statement of an accepted original (only evidence changed)"
        claims = self.kir_claims.get(st[:3])
        if claims is not None:
            return False, f"claim sentence {str(c.get('claim'))[:80]!r} is not the one derived for these inputs/result"
        orig = self.by_name[seed_name]
        fn = JUDGES.get(c.get("kind"))
        if fn is None:
            return None, f"no judge for kind {c.get('kind')!r}"
        try:
            if c.get("kind") != orig.get("kind"):
                orig = next((o for o in self.by_name.values() if o.get("kind") == c.get("kind")), orig)
            why = fn(c, orig)
        except Bad as exc:
            return False, str(exc)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, ZeroDivisionError) as exc:
            return False, f"statement malformed for the judge ({type(exc).__name__}: {exc})"
        if why is None:
            return None, "changed statement the judge cannot decide"
        if c.get("claim") != orig.get("claim") and c.get("claim") in self.claims_all:
            return False, "claim sentence belongs to another certificate"
        if c.get("claim") != orig.get("claim"):
            return False, "claim sentence changed (not derivable)"
        return True, why + " (claim text not re-derived)"
