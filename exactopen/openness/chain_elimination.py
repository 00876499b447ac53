"""Lemma C14 of docs/chains.md (Theorem C16, claim ``chain-openness``): the elimination of a target
Z ≈ 0 to a monomial D_τ by allowed operations, the end moves ḡ_m, and the end-to-end "if"
construction Z → (τ, g_0, g_h) → Lemma C15's preimage of D_τ → a preimage W' ≈ W̄ of Z.

Generator-side cross-check, not trusted.  The field is Q(t) (:class:`Rat`, exact rational
functions, python-flint fmpq_poly): valuation = order at t = 0, O = no pole at 0, residue = value
at 0.  The end-to-end check substitutes t = u^N (N a common denominator of the exponents of the
C15 preimage, s = t) and verifies M(W') = Z and W' ≈ W̄ exactly in Q(u).
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

from flint import fmpq, fmpq_mat, fmpq_poly

from exactopen.openness.chain_routing import NormalChain, check_routing, routing_preimage


def _low(p: fmpq_poly) -> int:
    for i, c in enumerate(p.coeffs()):
        if c != 0:
            return i
    raise ValueError("zero polynomial")


class Rat:
    """An element n/d of Q(x), reduced, d monic."""

    __slots__ = ("n", "d")

    def __init__(self, n, d=None):
        n = n if isinstance(n, fmpq_poly) else fmpq_poly([fmpq(n)])
        d = fmpq_poly([1]) if d is None else (d if isinstance(d, fmpq_poly) else fmpq_poly([fmpq(d)]))
        if d == 0:
            raise ZeroDivisionError("Rat with zero denominator")
        if n == 0:
            self.n, self.d = fmpq_poly([]), fmpq_poly([1])
            return
        g = n.gcd(d)
        n, d = n // g, d // g
        lc = d.coeffs()[-1]
        self.n, self.d = n / lc, d / lc

    @classmethod
    def mono(cls, c, k: int):
        """c·x^k (k ≥ 0 or < 0)."""
        if k >= 0:
            return cls(fmpq_poly([0] * k + [fmpq(c)]))
        return cls(fmpq_poly([fmpq(c)]), fmpq_poly([0] * (-k) + [1]))

    def __add__(self, o):
        o = o if isinstance(o, Rat) else Rat(o)
        return Rat(self.n * o.d + o.n * self.d, self.d * o.d)

    __radd__ = __add__

    def __neg__(self):
        return Rat(-self.n, self.d)

    def __sub__(self, o):
        return self + (-(o if isinstance(o, Rat) else Rat(o)))

    def __mul__(self, o):
        o = o if isinstance(o, Rat) else Rat(o)
        return Rat(self.n * o.n, self.d * o.d)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = o if isinstance(o, Rat) else Rat(o)
        if o.is_zero():
            raise ZeroDivisionError("division by 0 in Q(t)")
        return Rat(self.n * o.d, self.d * o.n)

    def __eq__(self, o):
        o = o if isinstance(o, Rat) else Rat(o)
        return self.n == o.n and self.d == o.d

    def __hash__(self):
        return hash((str(self.n), str(self.d)))

    def is_zero(self):
        return self.n == 0

    def val(self):
        """The order at 0 (None for 0)."""
        return None if self.is_zero() else _low(self.n) - _low(self.d)

    def residue(self) -> fmpq:
        v = self.val()
        if v is None or v > 0:
            return fmpq(0)
        if v < 0:
            raise ValueError("residue of an element with a pole at 0")
        return self.n.coeffs()[_low(self.n)] / self.d.coeffs()[_low(self.d)]

    def subs_pow(self, N: int):
        """x -> x^N."""
        def sp(p):
            out = [fmpq(0)] * (N * max(p.degree(), 0) + 1)
            for i, c in enumerate(p.coeffs()):
                out[N * i] = c
            return fmpq_poly(out)
        return Rat(sp(self.n), sp(self.d))

    def __repr__(self):
        return f"({self.n})/({self.d})"


def mat_mul(A, B):
    if not B or not B[0]:
        raise ValueError("mat_mul needs B with at least one row and column")
    return [[sum((A[r][x] * B[x][c] for x in range(len(B))), Rat(0)) for c in range(len(B[0]))]
            for r in range(len(A))]


def mat_id(n):
    return [[Rat(1 if r == c else 0) for c in range(n)] for r in range(n)]


def mat_inv(A):
    """Gauss–Jordan over Q(t)."""
    n = len(A)
    M = [list(A[r]) + [Rat(1 if r == c else 0) for c in range(n)] for r in range(n)]
    for c in range(n):
        p = next((r for r in range(c, n) if not M[r][c].is_zero()), None)
        if p is None:
            raise ZeroDivisionError("singular matrix over Q(t)")
        M[c], M[p] = M[p], M[c]
        iv = Rat(1) / M[c][c]
        M[c] = [x * iv for x in M[c]]
        for r in range(n):
            if r != c and not M[r][c].is_zero():
                f = M[r][c]
                M[r] = [x - f * y for x, y in zip(M[r], M[c])]
    return [row[n:] for row in M]


def in_PL(ch: NormalChain, g) -> bool:
    """g (fmpq_mat on the left copies at[0]) ∈ P_L: invertible, g[ℓ', ℓ] = 0 when j_ℓ' > j_ℓ."""
    L = ch.at[0]
    return g.det() != 0 and all(g[a, b] == 0 for a, lp in enumerate(L) for b, lq in enumerate(L)
                                if ch.j(lp) > ch.j(lq))


def in_PR(ch: NormalChain, g) -> bool:
    """g (on the right copies at[h]) ∈ P_R: invertible, g[ρ', ρ] = 0 when i_ρ' > i_ρ."""
    R = ch.at[ch.h]
    return g.det() != 0 and all(g[a, b] == 0 for a, rp in enumerate(R) for b, rq in enumerate(R)
                                if ch.i(rp) > ch.i(rq))


def residue_mat(A) -> fmpq_mat:
    return fmpq_mat([[x.residue() for x in row] for row in A]) if A else fmpq_mat(0, 0)


class Elimination:
    """Lemma C14 (b) on Z (rows: right copies at[h], columns: left copies at[0]; entries Rat, all
    of positive order).  After :meth:`run`: ``tau`` (ℓ, ρ, ν) with copy indices, and g_h, g_0 (and
    their inverses) in GL(O) with g_h Z g_0⁻¹ = D_τ (s = t).  Every operation is checked allowed."""

    def __init__(self, ch: NormalChain, Z):
        self.ch = ch
        self.R, self.L = ch.at[ch.h], ch.at[0]
        self.Z0 = [list(r) for r in Z]
        self.Z = [list(r) for r in Z]
        nr, nc = len(self.R), len(self.L)
        if any(not x.is_zero() and x.val() <= 0 for row in Z for x in row):
            raise ValueError("Z is not ≈ 0")
        self.gh, self.ghinv = mat_id(nr), mat_id(nr)
        self.g0, self.g0inv = mat_id(nc), mat_id(nc)
        self.tau: list = []
        self.ops = {"row": 0, "col": 0, "row_unit": 0, "col_unit": 0, "scale": 0}

    def row_op(self, tgt: int, src: int, lam: Rat):
        """row tgt += λ row src (left multiplication by I + λE_{tgt,src})."""
        v = lam.val()
        assert v is not None and v >= 0, "λ not in O"
        if v == 0:
            assert self.ch.i(self.R[tgt]) <= self.ch.i(self.R[src]), "row operation not allowed"
            self.ops["row_unit"] += 1
        self.ops["row"] += 1
        for M in (self.Z, self.gh):
            M[tgt] = [x + lam * y for x, y in zip(M[tgt], M[src])]
        for row in self.ghinv:   # ghinv <- ghinv (I − λE_{tgt,src})
            row[src] = row[src] - row[tgt] * lam

    def col_op(self, tgt: int, src: int, lam: Rat):
        """column tgt += λ column src (right multiplication by g⁻¹ = I + λE_{src,tgt})."""
        v = lam.val()
        assert v is not None and v >= 0, "λ not in O"
        if v == 0:
            assert self.ch.j(self.L[src]) <= self.ch.j(self.L[tgt]), "column operation not allowed"
            self.ops["col_unit"] += 1
        self.ops["col"] += 1
        for M in (self.Z, self.g0inv):
            for row in M:
                row[tgt] = row[tgt] + lam * row[src]
        self.g0[src] = [x - lam * y for x, y in zip(self.g0[src], self.g0[tgt])]

    def scale(self, r: int, unit: Rat):
        assert unit.val() == 0, "not a unit"
        self.ops["scale"] += 1
        iv = Rat(1) / unit
        for M in (self.Z, self.gh):
            M[r] = [x * iv for x in M[r]]
        for row in self.ghinv:
            row[r] = row[r] * unit

    def run(self):
        ch, Z = self.ch, self.Z
        rows, cols = set(range(len(self.R))), set(range(len(self.L)))
        while True:
            ent = [(r, c) for r in rows for c in cols if not Z[r][c].is_zero()]
            if not ent:
                break
            nu = min(Z[r][c].val() for r, c in ent)
            assert nu > 0
            c_star = min((c for r, c in ent if Z[r][c].val() == nu), key=lambda c: (ch.j(self.L[c]), c))
            r_star = max((r for r in rows if not Z[r][c_star].is_zero() and Z[r][c_star].val() == nu),
                         key=lambda r: (ch.i(self.R[r]), -r))
            p = Z[r_star][c_star]
            for r in sorted(rows - {r_star}):
                if not Z[r][c_star].is_zero():
                    self.row_op(r, r_star, -(Z[r][c_star] / p))
            for c in sorted(cols - {c_star}):
                if not Z[r_star][c].is_zero():
                    self.col_op(c, c_star, -(Z[r_star][c] / p))
            self.scale(r_star, p / Rat.mono(1, nu))
            assert all(Z[r][c_star].is_zero() for r in rows - {r_star})
            assert all(Z[r_star][c].is_zero() for c in cols - {c_star})
            self.tau.append((self.L[c_star], self.R[r_star], nu))
            rows.discard(r_star)
            cols.discard(c_star)
        return self

    def check(self):
        """g_h Z g_0⁻¹ = D_τ exactly, g_0 g_0⁻¹ = 1, g_h g_h⁻¹ = 1, entries in O, residues in P_L, P_R."""
        ch = self.ch
        D = [[Rat(0) for _ in self.L] for _ in self.R]
        for (l, r, nu) in self.tau:
            D[self.R.index(r)][self.L.index(l)] = Rat.mono(1, nu)
        assert self.Z == D
        assert mat_mul(mat_mul(self.gh, self.Z0), self.g0inv) == D
        assert mat_mul(self.g0, self.g0inv) == mat_id(len(self.L))
        assert mat_mul(self.gh, self.ghinv) == mat_id(len(self.R))
        for M in (self.gh, self.g0, self.ghinv, self.g0inv):
            assert all(x.is_zero() or x.val() >= 0 for row in M for x in row), "entry not in O"
        assert in_PR(ch, residue_mat(self.gh)), "residue of g_h not in P_R"
        assert in_PL(ch, residue_mat(self.g0)), "residue of g_0 not in P_L"
        return True


def gbar(ch: NormalChain, g0bar: fmpq_mat, ghbar: fmpq_mat, m: int) -> fmpq_mat:
    """Lemma C14 (a): ḡ_m on V_m (basis at[m]): x_{ℓ,m} ↦ Σ_{ℓ' alive at m} ḡ_0[ℓ', ℓ] x_{ℓ',m},
    x_{ρ,m} ↦ Σ_{ρ' alive at m} ḡ_h[ρ', ρ] x_{ρ',m}, the identity on interior copies."""
    at, L, R = ch.at[m], ch.at[0], ch.at[ch.h]
    G = fmpq_mat(len(at), len(at))
    for b, c in enumerate(at):
        if c in L:
            for a, c2 in enumerate(at):
                if c2 in L:
                    G[a, b] = g0bar[L.index(c2), L.index(c)]
        elif c in R:
            for a, c2 in enumerate(at):
                if c2 in R:
                    G[a, b] = ghbar[R.index(c2), R.index(c)]
        else:
            G[b, b] = 1
    return G


def _rat_mat(M: fmpq_mat):
    return [[Rat(M[r, c]) for c in range(M.ncols())] for r in range(M.nrows())]


def end_to_end(ch: NormalChain, Z, rng=None, prefer_old: bool = False) -> dict:
    """The whole "if" direction on one target Z ≈ 0 (rows at[h], columns at[0], entries Rat in t,
    rank ≤ e): elimination, Lemma C15's preimage of D_τ (s = t), end moves; checks M(W') = Z and
    W' ≈ W̄ exactly in Q(u), t = u^N.  Returns counts."""
    from exactopen.openness.chain import representative

    h = ch.h
    el = Elimination(ch, Z).run()
    el.check()
    assert len(el.tau) <= ch.e, "rank Z > e"
    assert ch.count_ok(el.tau), "a type of rank ≤ e violates g_k ≤ f_k under (R)"
    W, data = routing_preimage(ch, el.tau, rng=rng, prefer_old=prefer_old)
    counts = check_routing(ch, el.tau, W, data)
    N = 1
    for Wm in W:
        for x in Wm.values():
            for q in x.t:
                N = lcm(N, Fraction(q).denominator)
    Wu = []
    for m in range(1, h + 1):
        rows = []
        for c in ch.at[m]:
            row = []
            for c2 in ch.at[m - 1]:
                x = W[m - 1].get((c, c2))
                acc = Rat(0)
                for q, coef in (x.t.items() if x is not None else ()):
                    k = q * N
                    assert k.denominator == 1 and k >= 0
                    acc = acc + Rat.mono(fmpq(coef.numerator, coef.denominator), int(k))
                row.append(acc)
            rows.append(row)
        Wu.append(rows)
    g0bar, ghbar = residue_mat(el.g0), residue_mat(el.gh)
    bars = representative(h, ch.mult)
    G = [gbar(ch, g0bar, ghbar, m) for m in range(h + 1)]
    for m in range(1, h + 1):   # ḡ_m W̄_m = W̄_m ḡ_{m−1}
        assert G[m] * bars[m - 1] == bars[m - 1] * G[m - 1], ("end moves do not commute", m)
    assert G[0] == g0bar and G[h] == ghbar
    g0u = [[x.subs_pow(N) for x in row] for row in el.g0]
    ghinvu = [[x.subs_pow(N) for x in row] for row in el.ghinv]
    Wp = []
    for m in range(1, h + 1):
        left = ghinvu if m == h else _rat_mat(G[m].inv())
        right = g0u if m == 1 else _rat_mat(G[m - 1])
        Wp.append(mat_mul(mat_mul(left, Wu[m - 1]), right))
    P = Wp[0]
    for Wm in Wp[1:]:
        P = mat_mul(Wm, P)
    Zu = [[x.subs_pow(N) for x in row] for row in Z]
    assert P == Zu, "M(W') != Z"
    for m in range(h):
        for r, row in enumerate(Wp[m]):
            for c, x in enumerate(row):
                d = x - Rat(bars[m][r, c])
                assert d.is_zero() or d.val() > 0, ("W' is not ≈ W̄", m + 1, r, c)
    counts.update(rank=len(el.tau), N=N, **{k: v for k, v in el.ops.items()})
    return counts


# ---------------------------------------------------------------------------------------
# random data for the tests
# ---------------------------------------------------------------------------------------

def _rpoly(rng, deg: int, low: int = 0):
    return fmpq_poly([0] * low + [fmpq(rng.randint(-5, 5), rng.randint(1, 4)) for _ in range(deg + 1)])


def random_target(rng, ch: NormalChain, rank: int):
    """A random Z ≈ 0 of rank ≤ ``rank`` over Q(t): t·diag(t^a) A B diag(t^b) / q(t), A, B random
    polynomial matrices (some constant terms 0), q(0) ≠ 0."""
    nr, nc = len(ch.at[ch.h]), len(ch.at[0])

    def ent():
        if rng.random() < 0.15:
            return Rat(0)
        return Rat(_rpoly(rng, rng.randint(0, 2), rng.choice([0, 0, 0, 1, 2])))

    A = [[ent() for _ in range(rank)] for _ in range(nr)]
    B = [[ent() for _ in range(nc)] for _ in range(rank)]
    Z = mat_mul(A, B) if rank else [[Rat(0)] * nc for _ in range(nr)]
    q = fmpq_poly([1] + [fmpq(rng.randint(-3, 3), rng.randint(1, 3)) for _ in range(rng.randint(0, 2))])
    a = [rng.randint(0, 2) for _ in range(nr)]
    b = [rng.randint(0, 2) for _ in range(nc)]
    return [[Z[r][c] * Rat.mono(1, 1 + a[r] + b[c]) / Rat(q) for c in range(nc)] for r in range(nr)]


def random_parabolic(rng, ch: NormalChain, side: str):
    """A random element of GL(O) over Q(t) with residue in P_L (side 'L') or P_R ('R'): a random
    dense matrix on the allowed pattern (invertible residue) plus t·(random polynomial matrix)."""
    cs = ch.at[0] if side == "L" else ch.at[ch.h]
    key = ch.j if side == "L" else ch.i
    n = len(cs)
    while True:
        g = fmpq_mat(n, n)
        for a, x in enumerate(cs):
            for b, y in enumerate(cs):
                if key(x) <= key(y) and rng.random() < 0.8:   # zero when key(x) > key(y)
                    g[a, b] = fmpq(rng.randint(-4, 4), rng.randint(1, 3))
        if g.det() != 0:
            break
    return [[Rat(g[a, b]) + Rat(_rpoly(rng, rng.randint(0, 1), 1)) for b in range(n)] for a in range(n)], g


def target_of_type(rng, ch: NormalChain, tau):
    """Z = g_h⁻¹ D_τ g_0 (s = t, integer ν) for random g_0, g_h in GL(O) with residues in P_L, P_R."""
    g0, _ = random_parabolic(rng, ch, "L")
    gh, _ = random_parabolic(rng, ch, "R")
    D = [[Rat(0) for _ in ch.at[0]] for _ in ch.at[ch.h]]
    for (l, r, nu) in tau:
        D[ch.at[ch.h].index(r)][ch.at[0].index(l)] = Rat.mono(1, int(nu))
    return mat_mul(mat_mul(mat_inv(gh), D), g0)


def reduced_classes(h: int, wmax: int) -> list[dict]:
    """The classes with h layers and widths ≤ wmax with their full summands removed (Lemma C10),
    deduplicated, that satisfy (R) and have e > 0 and a left and a right copy."""
    from exactopen.openness.chain import chain_classes

    seen, out = set(), []
    for mult in chain_classes(h, wmax):
        m = {k: v for k, v in mult.items() if v and k != (0, h)}
        key = tuple(sorted(m.items()))
        if not m or key in seen:
            continue
        seen.add(key)
        ch = NormalChain(h, m)
        if ch.criterion() and ch.e > 0 and ch.left and ch.right:
            out.append(m)
    return out


def sweep(h: int, wmax: int, reps: int = 1) -> dict:
    """End to end on every reduced class with (R) at h layers, widths ≤ wmax: ``reps`` targets each
    (even: Z = g_h⁻¹ D_τ g_0 for a maximal type of rank ≤ e; odd: a random Z of rank ≤ e).
    Returns the number of classes and targets and the summed counts."""
    import random
    from collections import Counter

    from exactopen.openness.chain_routing import random_type

    tot: Counter = Counter()
    classes = reduced_classes(h, wmax)
    for m in classes:
        ch = NormalChain(h, m)
        for rep in range(reps):
            rng = random.Random(hash((h, tuple(sorted(m.items())), rep)))
            if rep % 2:
                Z = random_target(rng, ch, rng.randint(1, ch.e))
            else:
                Z = target_of_type(rng, ch, random_type(rng, ch, maximal=True, rmax=ch.e))
            tot.update(end_to_end(ch, Z, rng=rng if rep % 3 else None))
            tot["targets"] += 1
    tot["classes"] = len(classes)
    tot.pop("N", None)
    return dict(tot)
