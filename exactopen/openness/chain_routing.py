"""Lemma C15 of docs/chains.md (Theorem C16, claim ``chain-openness``): an explicit preimage
W = W̄ + Δ ≈ W̄ of each target D_τ = Σ_t s^{ν_t} x_{ρ_t,h} x_{ℓ_t,0}ᵀ at a chain in interval normal
form without full summands, built exactly as in the proof (carriers by the greedy with the stay
rule, moves, reuses and their corrections, orders θ_m = ε·3^{h−m}).

Generator-side cross-check, not trusted (nothing in ``exactopen/kernel`` uses it).  Elements of the
field are finite sums of monomials c·s^q with rational c and q (:class:`Pu`); everything is exact.
:func:`routing_preimage` builds the layers, and :func:`check_routing` verifies M(W) = D_τ, that every
entry of W − W̄ is a sum of monomials of positive order, and the proof's intermediate claims (the
signal held by a reused copy, the orders of arrivals and corrections).
"""

from __future__ import annotations

from fractions import Fraction


class RoutingError(ValueError):
    """The greedy of Lemma C15 found no free interior copy (the count g_k(τ) ≤ f_k fails)."""


class Pu:
    """A finite sum of monomials c·s^q (c, q rational): an element of the Puiseux field K."""

    __slots__ = ("t",)

    def __init__(self, terms=None):
        self.t = {Fraction(q): Fraction(c) for q, c in (terms or {}).items() if c != 0}

    @classmethod
    def mono(cls, c=1, q=0):
        return cls({Fraction(q): Fraction(c)})

    def __add__(self, o):
        out = dict(self.t)
        for q, c in o.t.items():
            out[q] = out.get(q, 0) + c
        return Pu(out)

    def __neg__(self):
        return Pu({q: -c for q, c in self.t.items()})

    def __sub__(self, o):
        return self + (-o)

    def __mul__(self, o):
        out: dict = {}
        for q, c in self.t.items():
            for p, d in o.t.items():
                out[q + p] = out.get(q + p, 0) + c * d
        return Pu(out)

    def div_mono(self, o):
        """Division by a monomial."""
        if len(o.t) != 1:
            raise ValueError("division by a non-monomial")
        ((p, d),) = o.t.items()
        return Pu({q - p: c / d for q, c in self.t.items()})

    def __eq__(self, o):
        return isinstance(o, Pu) and self.t == o.t

    def __hash__(self):
        return hash(frozenset(self.t.items()))

    def is_zero(self):
        return not self.t

    def order(self):
        """v(x): the lowest exponent (None for 0)."""
        return min(self.t) if self.t else None

    def __repr__(self):
        return " + ".join(f"{c}*s^{q}" for q, c in sorted(self.t.items())) or "0"


ZERO = Pu()
ONE = Pu.mono(1, 0)


class NormalChain:
    """A chain in interval normal form without full summands (Lemma C10): copies c with intervals
    [i_c, j_c]; V_m has the basis (x_{c,m})_{c ∈ at[m]} in the order of
    :func:`exactopen.openness.chain.representative`."""

    def __init__(self, h: int, mult: dict):
        from exactopen.openness.chain import intervals

        if h < 2:
            raise ValueError("Lemma C15 is stated for h >= 2")
        if mult.get((0, h), 0):
            raise ValueError("full summand [0, h]: remove it first (Lemma C10)")
        self.h = h
        self.mult = {k: v for k, v in mult.items() if v}
        self.copies = [(a, b) for (a, b) in intervals(h) for _ in range(mult.get((a, b), 0))]
        self.at = [[c for c, (a, b) in enumerate(self.copies) if a <= m <= b] for m in range(h + 1)]
        self.left = [c for c, (a, b) in enumerate(self.copies) if a == 0 and b < h]
        self.right = [c for c, (a, b) in enumerate(self.copies) if a > 0 and b == h]
        self.interior = [c for c, (a, b) in enumerate(self.copies) if 0 < a and b < h]
        self.e = min(len(x) for x in self.at)

    def i(self, c):
        return self.copies[c][0]

    def j(self, c):
        return self.copies[c][1]

    def alive(self, c, m):
        a, b = self.copies[c]
        return a <= m <= b

    def f(self, k):
        """f_k: interior copies alive at k."""
        return sum(1 for c in self.interior if self.alive(c, k))

    def g(self, tau, k):
        """g_k(τ): pairs that cross node k through interior copies (j_ℓ < k < i_ρ)."""
        return sum(1 for (l, r, _) in tau if self.j(l) < k < self.i(r))

    def t_bound(self, k):
        """t_k = min(d_0 − a_k, d_h − b_k, e) (no full summands: z = 0)."""
        return min(sum(1 for c in self.left if self.j(c) < k),
                   sum(1 for c in self.right if self.i(c) > k), self.e)

    def criterion(self):
        """(R): f_k ≥ t_k at every inner node."""
        return all(self.f(k) >= self.t_bound(k) for k in range(1, self.h))

    def count_ok(self, tau):
        return all(self.g(tau, k) <= self.f(k) for k in range(1, self.h))

    def check_type(self, tau):
        ls, rs = [p[0] for p in tau], [p[1] for p in tau]
        if len(set(ls)) != len(ls) or len(set(rs)) != len(rs):
            raise ValueError("a type needs distinct left and distinct right copies")
        if not (set(ls) <= set(self.left) and set(rs) <= set(self.right)):
            raise ValueError("a type pairs left copies with right copies")
        if any(Fraction(nu) <= 0 for (_, _, nu) in tau):
            raise ValueError("a type needs ν > 0")

    def layers_bar(self):
        """W̄ as lists of rows over Pu (bases at[m] x at[m−1])."""
        out = []
        for m in range(1, self.h + 1):
            out.append([[ONE if c == c2 else ZERO for c2 in self.at[m - 1]] for c in self.at[m]])
        return out


def carriers(ch: NormalChain, tau, rng=None, prefer_old: bool = False):
    """κ_t(m) for every pair t and node 0 ≤ m ≤ h: the greedy of Lemma C15 with the stay rule.
    ``rng`` (a random.Random) picks among the free interior copies (any choice is allowed by the
    proof); without it the first free copy is taken.  ``prefer_old``: take a copy already alive at
    k − 1 when one is free (forces reuses).  Raises RoutingError if none is free."""
    h = ch.h
    kap = [[None] * (h + 1) for _ in tau]
    for t, (l, r, _) in enumerate(tau):
        for m in range(h + 1):
            if m <= min(ch.j(l), ch.i(r) - 1):
                kap[t][m] = l
            elif m >= ch.i(r):
                kap[t][m] = r
    for k in range(1, h):
        crossing = [t for t, (l, r, _) in enumerate(tau) if ch.j(l) < k < ch.i(r)]
        used: set = set()
        rest = []
        for t in crossing:
            l, r, _ = tau[t]
            if ch.j(l) < k - 1 and ch.alive(kap[t][k - 1], k):   # k−1, k ∈ Γ_t: stay
                kap[t][k] = kap[t][k - 1]
                if kap[t][k] in used:
                    raise AssertionError("two pairs stay in one copy")
                used.add(kap[t][k])
            else:
                rest.append(t)
        for t in rest:
            free = [c for c in ch.interior if ch.alive(c, k) and c not in used]
            if not free:
                raise RoutingError(f"no free interior copy at node {k}: g_k = {len(crossing)} > f_k = {ch.f(k)}")
            if prefer_old and any(ch.i(c) < k for c in free):
                free = [c for c in free if ch.i(c) < k]
            c = rng.choice(free) if rng is not None else free[0]
            kap[t][k] = c
            used.add(c)
    for m in range(h + 1):   # every pair has a live carrier; distinct pairs distinct carriers
        cs = [kap[t][m] for t in range(len(tau))]
        assert all(c is not None and ch.alive(c, m) for c in cs), (m, cs)
        assert len(set(cs)) == len(cs), (m, cs)
    return kap


def routing_preimage(ch: NormalChain, tau, eps=None, rng=None, prefer_old: bool = False, theta=None):
    """Lemma C15's layers W = W̄ + pieces for the type τ = [(ℓ, ρ, ν), ...] (ℓ, ρ copy indices).
    Returns (W, data): W[m−1] the layer W_m as a dict {(c, c'): Pu} (coefficient of x_{c,m} in
    W_m x_{c',m−1}); data holds the carriers, moves, reuses and corrections (for the checks).
    ``theta`` ({m: θ_m}) replaces the proof's orders ε·3^{h−m} (e.g. the hand choice of the
    (N, N, N) example); then only the positivity of the orders is checked, not the proof's bounds."""
    ch.check_type(tau)
    h = ch.h
    tau = [(l, r, Fraction(nu)) for (l, r, nu) in tau]
    kap = carriers(ch, tau, rng, prefer_old)
    numin = min((nu for (_, _, nu) in tau), default=Fraction(1))
    if theta is not None:
        eps, theta = None, {m: Fraction(theta[m]) for m in range(1, h + 1)}
    else:
        eps = Fraction(eps) if eps is not None else numin / (3 ** h + 1)
        if not 0 < eps < numin / 3 ** h:
            raise ValueError("need 0 < ε < min ν / 3^h")
        theta = {m: eps * 3 ** (h - m) for m in range(1, h + 1)}
    W = [dict() for _ in range(h)]
    for m in range(1, h + 1):
        for c in ch.at[m - 1]:
            if ch.alive(c, m):
                W[m - 1][(c, c)] = ONE
    alpha: list[dict] = []
    for t, (l, r, nu) in enumerate(tau):
        moves = [m for m in range(1, h + 1) if kap[t][m] != kap[t][m - 1]]
        assert moves and moves[-1] == ch.i(r) and kap[t][moves[-1]] == r, (t, moves)
        a = {m: Pu.mono(1, theta[m]) for m in moves[:-1]}
        a[moves[-1]] = Pu.mono(1, nu - sum(theta[m] for m in moves[:-1]))
        alpha.append(a)
        for m, x in a.items():
            key = (kap[t][m], kap[t][m - 1])
            assert key not in W[m - 1], ("a move lands on a used entry", t, m, key)
            W[m - 1][key] = x

    def a_u(u, m):
        return alpha[u].get(m, ONE)

    reuses, corrections = [], []
    for u in range(len(tau)):
        for k in sorted(alpha[u]):
            w = kap[u][k]
            if w not in ch.interior or not ch.alive(w, k - 1):
                continue
            occ = [(t, mt) for t in range(len(tau)) for mt in alpha[t]
                   if kap[t][mt] == w and ch.i(w) <= mt <= k - 1]
            assert all(t != u for t, _ in occ), "a pair is its own previous occupant"
            reuses.append((u, k, w, occ))
            for t, mt in occ:
                ct = kap[t][mt - 1]
                den = ONE
                for m in range(mt + 1, k + 1):
                    den = den * a_u(u, m)
                beta = -(alpha[t][mt].div_mono(den))
                key = (kap[u][mt], ct)
                W[mt - 1][key] = W[mt - 1].get(key, ZERO) + beta
                corrections.append((u, k, w, t, mt, key, beta))
    data = {"carriers": kap, "alpha": alpha, "reuses": reuses, "corrections": corrections,
            "eps": eps, "theta": theta, "tau": tau}
    return W, data


def as_rows(ch: NormalChain, W):
    """The dict layers as lists of rows over Pu in the bases at[m] x at[m−1]."""
    out = []
    for m in range(1, ch.h + 1):
        out.append([[W[m - 1].get((c, c2), ZERO) for c2 in ch.at[m - 1]] for c in ch.at[m]])
    return out


def matmul(A, B, ncols: int):
    """A·B over Pu (``ncols`` = columns of B, given since B may have no rows)."""
    n = len(B)
    return [[sum((A[r][x] * B[x][c] for x in range(n)), ZERO) for c in range(ncols)]
            for r in range(len(A))]


def signals(ch: NormalChain, W):
    """σ_m(c) for every node m and copy c alive at m: a row over the left copies (L = at[0])."""
    L = ch.at[0]
    sig = [{c: [ONE if c2 == c else ZERO for c2 in L] for c in L}]
    for m in range(1, ch.h + 1):
        cur = {}
        for c in ch.at[m]:
            row = [ZERO] * len(L)
            for c2 in ch.at[m - 1]:
                x = W[m - 1].get((c, c2))
                if x is not None:
                    row = [y + x * z for y, z in zip(row, sig[m - 1][c2])]
            cur[c] = row
        sig.append(cur)
    return sig


def target(ch: NormalChain, tau):
    """D_τ as rows (at[h]) x columns (at[0]) over Pu."""
    h = ch.h
    D = [[ZERO] * len(ch.at[0]) for _ in ch.at[h]]
    for (l, r, nu) in tau:
        D[ch.at[h].index(r)][ch.at[0].index(l)] = Pu.mono(1, nu)
    return D


def check_routing(ch: NormalChain, tau, W, data) -> dict:
    """Verify exactly: M(W) = D_τ; every entry of W − W̄ a sum of monomials of positive order; at
    each reuse (u, k, w) the signal σ_{k−1}(w) = Σ_t α_{t,m_t} σ_{m_t−1}(c_t) over the previous
    occupants; arrivals of order > ν − ε·3^h/2 and corrections of order ≥ θ_{m_t}/2.  Raises
    AssertionError on the first failure; returns counts."""
    h = ch.h
    rows = as_rows(ch, W)
    P = rows[0]
    for Wm in rows[1:]:
        P = matmul(Wm, P, len(ch.at[0]))
    D = target(ch, data["tau"])
    assert P == D, "M(W) != D_tau"
    bar = ch.layers_bar()
    for m in range(h):
        for r_, row in enumerate(rows[m]):
            for c_, x in enumerate(row):
                d = x - bar[m][r_][c_]
                assert all(q > 0 for q in d.t), ("W - W̄ has an entry of order <= 0", m + 1, d)
    sig = signals(ch, W)
    kap, alpha = data["carriers"], data["alpha"]
    for (u, k, w, occ) in data["reuses"]:
        want = [ZERO] * len(ch.at[0])
        for t, mt in occ:
            ct = kap[t][mt - 1]
            want = [y + alpha[t][mt] * z for y, z in zip(want, sig[mt - 1][ct])]
        assert sig[k - 1][w] == want, ("the reused copy's signal is not its occupants' sum", u, k, w)
    for u, (l, r, nu) in enumerate(data["tau"]):   # the induction: σ_h(ρ_u) = s^ν e_ℓ
        assert sig[h][r] == [Pu.mono(1, nu) if c == l else ZERO for c in ch.at[0]]
    eps, theta = data["eps"], data["theta"]
    for u, (l, r, nu) in enumerate(data["tau"]):
        assert alpha[u][ch.i(r)].order() > (nu - eps * 3 ** h / 2 if eps is not None else 0)
    for (u, k, w, t, mt, key, beta) in data["corrections"]:
        assert beta.order() >= (theta[mt] / 2 if eps is not None else 0)
    keys = [(x[4], x[5]) for x in data["corrections"]]
    occupants = {(t, mt) for x in data["reuses"] for (t, mt) in x[3]}
    return {"reuses": len(data["reuses"]),
            "occupied_reuses": sum(1 for x in data["reuses"] if x[3]),
            "multi_occupant_reuses": sum(1 for x in data["reuses"] if len(x[3]) > 1),
            "corrections": len(data["corrections"]),
            "corrections_on_identity": sum(1 for (mt, (a, b)) in keys if a == b),
            "corrections_sharing_entry": len(keys) - len(set(keys)),
            # an occupant that itself entered the reused copy by a reuse (corrections in a chain)
            "chained_reuses": sum(1 for x in data["reuses"] if (x[0], x[1]) in occupants),
            "moves": sum(len(a) for a in alpha)}


# ---------------------------------------------------------------------------------------
# random data for the tests and the sweep
# ---------------------------------------------------------------------------------------

def random_class(rng, h: int, wmax: int, tries: int = 40) -> dict:
    """A random interval multiset with h layers, widths ≤ wmax, no full summand, at least one
    left and one right copy."""
    from exactopen.openness.chain import intervals

    ivs = [iv for iv in intervals(h) if iv != (0, h)]
    while True:
        mult: dict = {}
        d = [0] * (h + 1)
        for _ in range(tries):
            a, b = rng.choice(ivs)
            if all(d[m] < wmax for m in range(a, b + 1)):
                mult[(a, b)] = mult.get((a, b), 0) + 1
                for m in range(a, b + 1):
                    d[m] += 1
        if any(a == 0 for (a, b) in mult) and any(b == h for (a, b) in mult):
            return mult


def random_type(rng, ch: NormalChain, maximal: bool = False, nus=None, rmax=None) -> list:
    """A random type with g_k(τ) ≤ f_k at every inner node: pairs (ℓ, ρ) tried in random order and
    kept while the count holds (``maximal``: until no pair can be added; else a random size).
    ``nus``: a function rng -> ν (default: integers 1..5)."""
    cands = [(l, r) for l in ch.left for r in ch.right]
    rng.shuffle(cands)
    cap = len(cands) if maximal else rng.randint(0, min(len(ch.left), len(ch.right)))
    if rmax is not None:
        cap = min(cap, rmax)
    tau: list = []
    for (l, r) in cands:
        if len(tau) >= cap:
            break
        if any(l == x[0] or r == x[1] for x in tau):
            continue
        trial = tau + [(l, r, 1)]
        if ch.count_ok(trial):
            tau = trial
    nus = nus or (lambda g: g.randint(1, 5))
    return [(l, r, Fraction(nus(rng))) for (l, r, _) in tau]


def random_busy_class(rng, h: int, wmax: int) -> dict:
    """A random class made to exercise reuses: a few left and right copies, then as many
    interior copies of random lengths as the widths ≤ wmax allow (no full summand)."""
    mult: dict = {}
    d = [0] * (h + 1)

    def add(a, b):
        if (a, b) != (0, h) and all(d[m] < wmax for m in range(a, b + 1)):
            mult[(a, b)] = mult.get((a, b), 0) + 1
            for m in range(a, b + 1):
                d[m] += 1

    for _ in range(rng.randint(1, wmax)):
        add(0, rng.randint(0, min(2, h - 1)))
    for _ in range(rng.randint(1, wmax)):
        add(rng.randint(2, h), h)
    for _ in range(60):
        a = rng.randint(1, h - 1)
        add(a, min(h - 1, a + rng.randint(0, h)))
    return mult


def routing_sweep(samples: int, hmax: int = 6, wmax: int = 4, seed: int = 0) -> dict:
    """Lemma C15 on ``samples`` random (class, type) pairs, h ≤ hmax, widths ≤ wmax: half plain
    random classes, half 'busy' ones (many interior copies); maximal and random types; ν integers,
    fractions or equal; random, first-free or prefer-old greedy choices.  Every case is checked by
    :func:`check_routing`; returns the summed counts."""
    import random
    from collections import Counter

    nus = [None, lambda g: Fraction(g.randint(1, 12), g.randint(1, 4)), lambda g: 2,
           lambda g: g.randint(1, 2)]
    tot: Counter = Counter()
    for s in range(seed, seed + samples):
        rng = random.Random(s)
        h = rng.randint(2, hmax)
        w = rng.randint(1, wmax)
        mult = random_busy_class(rng, h, w) if s % 2 and h > 2 else random_class(rng, h, w)
        ch = NormalChain(h, mult)
        tau = random_type(rng, ch, maximal=s % 3 != 0, nus=nus[s % 4])
        W, data = routing_preimage(ch, tau, rng=rng if s % 5 else None, prefer_old=s % 7 < 3)
        tot.update(check_routing(ch, tau, W, data))
        tot["cases"] += 1
        tot["pairs"] += len(tau)
        tot["max_h_with_reuse"] = max(tot["max_h_with_reuse"], h if data["reuses"] else 0)
    return dict(tot)
