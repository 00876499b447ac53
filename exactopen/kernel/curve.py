"""The polynomial of a curve, p(t) = L(W + sum_j t^j C_j) - L(W), exactly (claims thm-8, lem-10:
the descent curves of the ``landscape_point`` kind).

The layers of the curve are polynomial matrices L_k(t) = W_k + sum_j t^j C_{k,j}; their product
P(t) = L_h(t)..L_1(t) = sum_a t^a P_a is formed first (d_h x d_0 coefficients, the data come
last), and then, for the square loss with at least as many samples as inputs, in the Gram form
with S = X X^T and N = Y X^T (the blocks the gradient uses, shared through ``grams``):

    |P(t) X - Y|^2 = sum_{a,b} t^(a+b) <P_a S, P_b> - 2 sum_a t^a <P_a, N> + |Y|^2,

so p_m = 1/2 sum_{a+b=m} <P_a S, P_b> - <P_m, N> for m >= 1; and <P_a S, P_b> = <P_b S, P_a>
(S is symmetric), so each unordered pair is one inner product.  Otherwise (weights, or fewer
samples than inputs) F_a = P_a X (F_0 = P_0 X - Y) and p_m = 1/2 sum_{a+b=m} <F_a, w o F_b>,
again one inner product per unordered pair.  Every matrix's entries are read once.

Descent curves are sparse: the terms C_{k,j} the generator finds are rank-one matrices on a few
rows and columns.  Each coefficient is held as a :class:`Block`: its nonzero rows and columns
(found by reading its entries once) and the dense matrix on them, so a product with it is a
dense product of the blocks (A B = A[:, I] B[I, :] with I the columns of A that are rows of
B); sums of blocks are placed on the union of their rows and columns.  The supports only ever
over-approximate (a product's rows are its left factor's, its columns its right factor's), so
no nonzero entry is dropped.  Every step is charged (products, reads, placements) before it
runs.
"""

from __future__ import annotations

from flint import fmpq, fmpz

from exactopen.kernel.primitives import BUDGET, METER, PY, QM, ZM, field, require, same_shape
from exactopen.kernel.work import entry_cost, limbs, zop

# a coefficient on at most this fraction of its rows (or columns) is held on them alone
SPARSE = 0.5


class Block:
    """An m x n matrix that is zero outside the rows ``rows`` and the columns ``cols`` (sorted
    tuples; None: all), held as the dense QM ``M`` of the entries on them."""

    __slots__ = ("M", "rows", "cols", "m", "n", "_e")

    def __init__(self, M: QM, rows, cols, m: int, n: int):
        self.M, self.rows, self.cols, self.m, self.n, self._e = M, rows, cols, m, n, None

    def entries(self) -> list:
        """The entries of the integer numerator of ``M`` (read once, charged)."""
        if self._e is None:
            self._e = ZM.wrap(self.M.numer_denom()[0]).entries()
        return self._e

    def full(self) -> QM:
        """The m x n matrix."""
        return self.M if self.rows is None and self.cols is None else self.placed(None, None).M

    def placed(self, rows, cols) -> Block:
        """The same matrix held on the rows ``rows`` and columns ``cols`` (supersets of its own;
        None: all)."""
        if rows == self.rows and cols == self.cols:
            return self
        R = range(self.m) if rows is None else rows
        K = range(self.n) if cols is None else cols
        ri = {r: i for i, r in enumerate(R)}
        ci = {c: j for j, c in enumerate(K)}
        N, d = self.M.numer_denom()
        nb = ZM.wrap(N).nb
        src = self.entries()
        cr = range(self.n) if self.cols is None else self.cols
        rr = range(self.m) if self.rows is None else self.rows
        w = len(K)
        what = f"a {len(rr)}x{len(cr)} block placed in a {len(R)}x{w} one"
        METER.charge(len(R) * w * 8 + len(src) * (PY + zop(nb)), what)
        out = [fmpz(0)] * (len(R) * w)
        pos = [ci[c] for c in cr]
        t = 0
        for r in rr:
            base = ri[r] * w
            for p in pos:
                out[base + p] = src[t]
                t += 1
        Z = ZM.new(len(R), w, out, nb, what)
        return Block(QM.integer(Z, d, what), rows, cols, self.m, self.n)

    def sub(self, rows, cols) -> QM:
        """The dense matrix of the entries on ``rows`` x ``cols`` (subsets of its own supports;
        None: all of its own)."""
        if rows is None and cols is None:
            return self.M
        own_r = range(self.m) if self.rows is None else self.rows
        own_c = range(self.n) if self.cols is None else self.cols
        ri = {r: i for i, r in enumerate(own_r)}
        ci = {c: j for j, c in enumerate(own_c)}
        rp = list(range(len(own_r))) if rows is None else [ri[r] for r in rows]
        cp = list(range(len(own_c))) if cols is None else [ci[c] for c in cols]
        N, d = self.M.numer_denom()
        nb = ZM.wrap(N).nb
        src, w = self.entries(), len(own_c)
        what = f"a {len(rp)}x{len(cp)} part of a {len(own_r)}x{w} block"
        METER.charge(len(rp) * len(cp) * (PY + zop(nb)), what)
        Z = ZM.new(len(rp), len(cp), [src[i * w + j] for i in rp for j in cp], nb, what)
        return QM.integer(Z, d, what)


def _union(a, b):
    if a is None or b is None:
        return None
    return tuple(sorted(set(a) | set(b)))


def _meet(a, b):
    if a is None:
        return b
    if b is None:
        return a
    s = set(b)
    return tuple(x for x in a if x in s)


def block(M: QM) -> Block | None:
    """M as a Block on its nonzero rows and columns (None if M = 0); a coefficient with more
    than ``SPARSE`` of its rows and columns nonzero is kept whole."""
    M = QM.wrap(M)
    m, n = M.nrows(), M.ncols()
    B = Block(M, None, None, m, n)
    e = B.entries()
    rows, cols = set(), set()
    for idx, x in enumerate(e):
        if x != 0:
            rows.add(idx // n)
            cols.add(idx % n)
    if not rows:
        return None
    R = tuple(sorted(rows)) if len(rows) <= SPARSE * m else None
    K = tuple(sorted(cols)) if len(cols) <= SPARSE * n else None
    if R is None and K is None:
        return B
    out = Block(B.sub(R, K), R, K, m, n)
    return out


def times(A: Block, B: Block) -> Block | None:
    """A B as a Block (None if the supports make it zero)."""
    inner = _meet(A.cols, B.rows)
    if inner is not None and not inner:
        return None
    left = A.M if inner == A.cols else A.sub(None, inner)
    right = B.M if inner == B.rows else B.sub(inner, None)
    return Block(left * right, A.rows, B.cols, A.m, B.n)


def plus(A: Block | None, B: Block | None) -> Block | None:
    if A is None or B is None:
        return A if B is None else B
    rows, cols = _union(A.rows, B.rows), _union(A.cols, B.cols)
    return Block(A.placed(rows, cols).M + B.placed(rows, cols).M, rows, cols, A.m, A.n)


def _dot(ea: list, ba: int, eb: list, bb: int) -> fmpz:
    """sum_i ea[i] eb[i] of two lists of integers of at most ``ba`` and ``bb`` bits."""
    METER.charge(len(ea) * (PY + zop(ba + bb) + 2 * limbs(ba) * limbs(bb)), "an inner product of matrices")
    return sum((x * y for x, y in zip(ea, eb)), fmpz(0))


def _form(M: QM) -> tuple:
    """(entries of the numerator, its bits, the denominator) of M, read once."""
    N, d = M.numer_denom()
    N = ZM.wrap(N)
    return N.entries(), N.nb, d


def curve_layers(Ws, curve, where: str) -> list:
    """polys[k][j]: the coefficient of t^j in layer k + 1 of the curve (polys[k][0] = W_k)."""
    from exactopen.kernel.network import layers

    require(isinstance(curve, list) and curve, f"{where} must be a non-empty list of terms")
    require(len(curve) <= BUDGET["curve_power"], f"{where}: more than {BUDGET['curve_power']} terms")
    polys = [[W] for W in Ws]
    for i, term in enumerate(curve):
        j = field(term, "power", int, f"{where}[{i}]")
        require(1 <= j <= BUDGET["curve_power"], f"{where}[{i}].power must be in 1..{BUDGET['curve_power']}")
        Cs = layers(field(term, "layers", list, f"{where}[{i}]"), f"{where}[{i}].layers")
        require(len(Cs) == len(Ws), f"{where}[{i}] has {len(Cs)} layers, the network has {len(Ws)}")
        for k, C in enumerate(Cs):
            same_shape(C, Ws[k].nrows(), Ws[k].ncols(), f"{where}[{i}].layers[{k}]")
            while len(polys[k]) <= j:
                polys[k].append(None)
            polys[k][j] = C if polys[k][j] is None else polys[k][j] + C
    return polys


def curve_polynomial(Ws, X, Y, w, curve, where: str, grams=None) -> list:
    """Coefficients of p(t) = L(W + sum_j t^j C_j) - L(W), exactly (a list, p[0] = 0); ``grams``:
    the problem's Gram blocks (a :class:`loss.Grams`), used for the square loss when n >= d_0."""
    from exactopen.kernel.loss import Grams, hadamard

    polys = curve_layers(Ws, curve, where)
    P = None  # P[a]: coefficient of t^a of L_k(t)..L_1(t), a Block or None (zero)
    for layer in polys:
        lay = [block(C) if C is not None else None for C in layer]
        if P is None:
            P = lay
            continue
        out: list = [None] * (len(P) + len(lay) - 1)
        for a, L in enumerate(lay):
            if L is not None:
                for b, M in enumerate(P):
                    if M is not None:
                        out[a + b] = plus(out[a + b], times(L, M))
        P = out
    deg = len(P) - 1
    p = [fmpq(0)] * (2 * deg + 1)
    d0, n = X.nrows(), X.ncols()
    if w is None and n >= d0:
        S, Nm = (grams or Grams(X, Y)).get()
        SB = Block(QM.integer(ZM.wrap(S[0]), S[1]), None, None, d0, d0)
        N = QM.integer(ZM.wrap(Nm[0]), Nm[1])
        Pf = [None if M is None else _form(M.full()) for M in P]
        PS = [None if M is None else _form(times(M, SB).full()) for M in P]
        ne = _form(N)
        for a in range(deg + 1):
            if Pf[a] is None:
                continue
            if a > 0:
                p[a] -= fmpq(_dot(Pf[a][0], Pf[a][1], ne[0], ne[1]), Pf[a][2] * ne[2])
            for b in range(a, deg + 1):
                if a + b > 0 and Pf[b] is not None:
                    v = fmpq(_dot(PS[a][0], PS[a][1], Pf[b][0], Pf[b][1]), PS[a][2] * Pf[b][2])
                    p[a + b] += v if a < b else v / 2
        return p
    XB = Block(QM.wrap(X), None, None, d0, n)
    F = [None if M is None else times(M, XB).full() for M in P]
    F[0] = F[0] - Y if F[0] is not None else -QM.wrap(Y)
    Ff = [None if M is None else _form(M) for M in F]
    wF = Ff if w is None else [None if M is None else _form(QM.wrap(hadamard(M, w))) for M in F]
    for a in range(deg + 1):
        for b in range(a, deg + 1):
            if a + b > 0 and Ff[a] is not None and Ff[b] is not None:
                v = fmpq(_dot(Ff[a][0], Ff[a][1], wF[b][0], wF[b][1]), Ff[a][2] * wF[b][2])
                p[a + b] += v if a < b else v / 2
    return p


def polynomial_value(p: list, t) -> fmpq:
    """p(t) = sum_i p[i] t^i exactly (Horner), charged by a bound on the bits of the partial sums
    (they add at most the bits of every coefficient and of t per step)."""
    t = fmpq(t)
    tb = t.p.bit_length() + t.q.bit_length()
    bits = sum(c.p.bit_length() + c.q.bit_length() for c in p) + len(p) * tb
    METER.need(2 * bits // 8 + 128, "the value of a polynomial")
    METER.charge(len(p) * (PY + entry_cost(bits)), "the value of a polynomial")
    v = fmpq(0)
    for c in reversed(p):
        v = v * t + c
    return v
