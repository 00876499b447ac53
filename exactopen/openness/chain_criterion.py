"""A rank criterion for local openness of the chain (W_1, ..., W_h) -> W_h ... W_1 (issue 24).

Notation (docs/chains.md, section "A rank criterion"): d_0..d_h the widths, e = min d_i,
a_k = rank W_k...W_1, b_k = rank W_h...W_{k+1}, z = rank W_h...W_1 and
f_k = d_k - a_k - b_k + z.  The criterion (necessary: Lemma C8; sufficient: Theorem C16) reads

    locally open  <=>  for every 0 < k < h:  a_k = b_k = z  or  f_k >= min(d_0 - a_k, d_h - b_k, e - z).

In terms of the interval decomposition (Lemma C6), with n[i, j] the multiplicity of [i, j]:
f_k counts the *interior* summands [i, j], 0 < i <= k <= j < h; d_0 - a_k the summands [0, j]
with j < k; d_h - b_k the summands [i, h] with i > k; and a_k = b_k = z says no summand [0, j]
with k <= j < h and none [i, h] with 0 < i <= k exists.

This module evaluates the criterion from ranks alone (polynomial time: O(h) partial products);
what is proved about it, and for which chains, is stated in docs/chains.md and in
:func:`decide_by_ranks`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CriterionSplit:
    """The criterion's data at one split k."""

    k: int
    a: int   # rank W_k ... W_1
    b: int   # rank W_h ... W_{k+1}
    z: int   # rank W_h ... W_1
    f: int   # d_k - a - b + z
    bound: int  # min(d_0 - a, d_h - b, e - z)

    @property
    def balanced(self) -> bool:
        return self.a == self.b == self.z

    @property
    def holds(self) -> bool:
        return self.balanced or self.f >= self.bound


def _rank(ranks, a: int, b: int, d: list[int]) -> int:
    if a == b:
        return d[a]
    if isinstance(ranks, dict):
        if (a, b) in ranks:
            return ranks[a, b]
        return ranks[f"{a}-{b}"]
    raise TypeError("ranks must be a dict {(a, b): rank} or {'a-b': rank}")


def splits(widths: list[int], ranks) -> list[CriterionSplit]:
    """The criterion's data at every split 0 < k < h.  ``ranks`` maps (a, b) or "a-b" to
    rank W_b ... W_{a+1}; only (0, k), (k, h) and (0, h) are read."""
    d = list(widths)
    h = len(d) - 1
    z = _rank(ranks, 0, h, d)
    e = min(d)
    out = []
    for k in range(1, h):
        a, b = _rank(ranks, 0, k, d), _rank(ranks, k, h, d)
        out.append(CriterionSplit(k, a, b, z, d[k] - a - b + z, min(d[0] - a, d[h] - b, e - z)))
    return out


def candidate(widths: list[int], ranks) -> tuple[bool, list[int]]:
    """The candidate criterion of issue 24: (predicted open?, the splits k where it fails)."""
    bad = [s.k for s in splits(widths, ranks) if not s.holds]
    return not bad, bad


def ranks_of_layers(layers) -> dict:
    """{(a, b): rank W_b ... W_{a+1}} for all 0 <= a < b <= h (exact, python-flint): the class of
    the chain (Lemma C6) and the input of :func:`decide_by_ranks`."""
    from exactopen.openness.chain import product

    h = len(layers)
    return {(a, b): product(layers, a, b).rank() for a in range(h) for b in range(a + 1, h + 1)}


# ---------------------------------------------------------------------------------------
# a decision from ranks alone (every step proved in docs/chains.md)
# ---------------------------------------------------------------------------------------

def pair_open_by_ranks(n: int, k: int, m: int, rank_b: int, rank_a: int, rank_ab: int) -> bool:
    """Local openness of (A, B) -> AB (A: m x k, B: k x n) from ranks alone (claims prop-4, thm-5):
    dim N(A) ∩ C(B) = rank B - rank AB.  k >= min(m, n): open iff that dimension <= k - m or
    n - rank AB <= k - rank A (prop-4 (3)); k < min(m, n): open iff rank A = rank B = rank AB (thm-5)."""
    if k >= min(m, n):
        return rank_b - rank_ab <= k - m or n - rank_ab <= k - rank_a
    return rank_a == rank_b == rank_ab


class RankChain:
    """A chain class given by its widths and the ranks r(a, b) of all partial products."""

    def __init__(self, widths: list[int], ranks):
        self.d = list(widths)
        self.h = len(self.d) - 1
        self.ranks = ranks
        self._full: dict = {}

    def r(self, a: int, b: int) -> int:
        return _rank(self.ranks, a, b, self.d)

    def gap_free(self, a: int, b: int) -> bool:
        """Lemma C9's hypothesis on the sub-chain V_a -> V_b: for every a < k < b, rank P_{a,k} = d_a
        or rank P_{k,b} = d_b (no summand [x, y] with x <= a <= y < k meets one [x', y'] with
        k < x' <= b <= y': no gapped left/right pair)."""
        return all(self.r(a, k) == self.d[a] or self.r(k, b) == self.d[b] for k in range(a + 1, b))

    def split_open(self, a: int, k: int, b: int) -> bool:
        d = self.d
        return (self.full(a, k) is not None and self.full(k, b) is not None
                and pair_open_by_ranks(d[a], d[k], d[b], self.r(a, k), self.r(k, b), self.r(a, b)))

    def full(self, a: int, b: int) -> str | None:
        """Why the sub-chain W_b...W_{a+1} is open onto all d_b x d_a matrices (Lemma C2, C9), or None."""
        if (a, b) in self._full:
            return self._full[a, b]
        d = self.d
        how = None
        if b - a == 1:
            how = "single"
        elif self.r(a, b) == min(d[a], d[b]):
            how = "lem-10"
        elif self.gap_free(a, b):
            how = "gap-free"
        else:
            for k in range(a + 1, b):
                if d[k] >= min(d[a], d[b]) and self.split_open(a, k, b):
                    how = f"split at {k}"
                    break
        self._full[a, b] = how
        return how


def decide_by_ranks(widths: list[int], ranks) -> tuple[str, str, str]:
    """Local openness of a chain class (claim ``chain-openness``) from its widths and the ranks of
    all partial products (``ranks[(a, b)]`` or ``ranks["a-b"]`` = rank W_b...W_{a+1},
    0 <= a < b <= h), in polynomial time (O(h^3) rank look-ups).  Returns (verdict, argument, reason); every verdict
    is proved in docs/chains.md ("A rank criterion"):

    * ``lem-10``: rank W_h...W_1 = min d_i (the paper's Lemma 10);
    * ``rank-count`` (Lemma C8, theorem-free): some k has f_k < min(d_0 - a_k, d_h - b_k, e - z):
      not locally open (``decide_chain`` then certifies it by Lemma C3 or C4, docs/chains.md);
    * ``gap-free`` (Lemma C9): d_0 - a_k = 0 or d_h - b_k = 0 for every k: open onto all matrices
      (explicit preimages of size O(distance));
    * ``split`` (Lemmas C1, C2 with C9 for the sub-chains): a split whose pair is open (prop-4 /
      thm-5 from ranks) between two sub-chains open onto all matrices;
    * otherwise ``rank-criterion`` (Theorem C16, ``chain-rank-criterion``): (R) holds, locally open.

    So every class is decided (``undetermined`` is never returned).
    """
    C = RankChain(widths, ranks)
    d, h = C.d, C.h
    if h < 1:
        raise ValueError("a chain needs at least one layer")
    e, z = min(d), C.r(0, h)
    if h == 1:
        return "locally_open", "identity", "h = 1"
    if z == e:
        return "locally_open", "lem-10", f"rank W_h...W_1 = {z} = min_i d_i"
    for s in splits(d, ranks):
        if s.f < s.bound:
            return ("not_locally_open", "rank-count",
                    f"at k = {s.k}: f_k = {s.f} < min(d_0 - a_k, d_h - b_k, e - z) = {s.bound} (Lemma C8)")
    if C.gap_free(0, h):
        return "locally_open", "gap-free", "rank W_k...W_1 = d_0 or rank W_h...W_{k+1} = d_h at every k (Lemma C9)"
    for k in range(1, h):
        if C.split_open(0, k, h):
            return ("locally_open", "split",
                    f"at k = {k} the pair is open and both sub-chains are open onto all matrices "
                    f"({C.full(0, k)}; {C.full(k, h)}) (Lemmas C1, C2, C9)")
    return ("locally_open", "rank-criterion",
            "the rank criterion (R) holds at every split; no split or gap-free construction applies (Theorem C16)")


# ---------------------------------------------------------------------------------------
# Lemma C9: the explicit preimage at a gap-free chain (normal form)
# ---------------------------------------------------------------------------------------

def gap_free_preimage(h: int, mult: dict, Z):
    """Lemma C9's construction: layers W' with W'_h ... W'_1 = Z exactly, at the normal form
    ``representative(h, mult)`` of a gap-free class (every summand [0, j] and every [i, h] with
    0 < i have i <= j + 1), for any d_h x d_0 target Z whose block on the full summands [0, h] is
    invertible (true near Z̄).  ‖W' - W̄‖ = O(‖Z - Z̄‖) (docs/chains.md, Lemma C9).

    Z = G_h diag(I, S) H_0 in the bases (full, right) x (full, left), with S the Schur complement
    of the full block; the layer i_ρ gets S[ρ, ℓ] from the copy of ℓ at i_ρ - 1 to the copy of ρ
    at i_ρ; G_h and H_0 are absorbed into the last and first layers."""
    from flint import fmpq_mat

    from exactopen.openness.chain import intervals, representative

    if h < 2:
        raise ValueError("Lemma C9 is stated for h >= 2")
    copies = [(a, b) for (a, b) in intervals(h) for _ in range(mult.get((a, b), 0))]
    at = [[c for c, (a, b) in enumerate(copies) if a <= i <= b] for i in range(h + 1)]
    layers = representative(h, mult)
    full = [c for c, (a, b) in enumerate(copies) if a == 0 and b == h]
    left = [c for c, (a, b) in enumerate(copies) if a == 0 and b < h]
    right = [c for c, (a, b) in enumerate(copies) if a > 0 and b == h]
    for r in right:
        for ell in left:
            if copies[r][0] > copies[ell][1] + 1:
                raise ValueError(f"not gap-free: the summands {copies[ell]} and {copies[r]} leave a gap")
    col = {c: at[0].index(c) for c in at[0]}
    row = {c: at[h].index(c) for c in at[h]}
    z = len(full)

    def block(rows, cols):
        return fmpq_mat([[Z[row[r], col[c]] for c in cols] for r in rows]) if rows and cols else fmpq_mat(
            len(rows), len(cols))

    ZFF, ZFl, ZrF, Zrl = block(full, full), block(full, left), block(right, full), block(right, left)
    X = ZrF * ZFF.inv() if z else fmpq_mat(len(right), 0)
    S = Zrl - X * ZFl if z else Zrl
    new = [fmpq_mat(W) for W in layers]
    for i, r in enumerate(right):
        m = copies[r][0]
        for j, ell in enumerate(left):
            new[m - 1][at[m].index(r), at[m - 1].index(ell)] += S[i, j]
    d0, dh = len(at[0]), len(at[h])
    H0 = fmpq_mat(d0, d0)
    for c in at[0]:
        H0[col[c], col[c]] = 1
    for i, f in enumerate(full):  # rows of the full copies: (Z_FF, Z_Fl)
        for j, f2 in enumerate(full):
            H0[col[f], col[f2]] = ZFF[i, j]
        for j, ell in enumerate(left):
            H0[col[f], col[ell]] = ZFl[i, j]
    Gh = fmpq_mat(dh, dh)
    for c in at[h]:
        Gh[row[c], row[c]] = 1
    for i, r in enumerate(right):
        for j, f in enumerate(full):
            Gh[row[r], row[f]] = X[i, j]
    new[0] = new[0] * H0
    new[-1] = Gh * new[-1]
    return new
