"""The square loss of a deep linear network and its gradient, exactly, for the kinds that
evaluate them at large points (``validate_network``; the ``landscape_point`` kind through
:mod:`exactopen.kernel.network`, which re-exports these names): L(W) = 1/2 sum_ij w_ij
((W_h ... W_1 X - Y)_ij)^2, computed on integer forms (N, d) with the fewest bits the
products allow -- the Gram form with many samples (2 L = <P, G - N> + |Y|^2, G = P S - N,
S = X X^T, N = Y X^T), partial products shared (docs/validate.md) -- and the memo of the
values this kernel computed for the same exact problem within one process.
"""

from __future__ import annotations

from flint import fmpq, fmpq_mat, fmpz

from exactopen.kernel.files import MEMO, memo_key
from exactopen.kernel.primitives import METER, QM, ZM, entry_cost, inner, limbs
from exactopen.kernel.work import bounds_of, reduced


def hadamard(A: QM, w) -> QM:
    """The entrywise product A o w (A when w is None); bounds: numerators and denominators multiply."""
    if w is None:
        return A
    A, w = QM.wrap(A), QM.wrap(w)
    (na, da, ta), (nw, dw, tw) = A.bounds(), w.bounds()
    METER.charge(A.nrows() * A.ncols() * entry_cost(na + da + nw + dw), "an entrywise product")
    return QM.of(fmpq_mat(A.nrows(), A.ncols(), [a * b for a, b in zip(A.entries(), w.entries())]),
                 na + nw, da + dw, ta and tw, "an entrywise product")




# Integer forms: an exact matrix A is handled as (N, d), A = N / d with N = A.numer_denom()
# an integer matrix and d its common denominator; products multiply numerators and
# denominators (no entry is reduced), which keeps the large products fast.

def _times(a, b):
    return a[0] * b[0], a[1] * b[1]


def _lowest(a):
    """The integer form over its least common denominator (:func:`work.reduced`, charged).
    Products of integer forms multiply denominators that often share factors (gauges cancel
    in W_2 W_1, the error P X - Y of a critical point is much smaller than P X), so this keeps
    the next products small.  Denominators that are powers of two (dyadic data: floats) are
    left alone: there the common factor is almost always 1 and the pass would cost."""
    d = int(a[1])
    return a if d & (d - 1) == 0 else reduced(ZM.wrap(a[0]), a[1])


def _minus(a, b):
    """a - b for integer forms over the least common denominator (for dyadic inputs a power of
    two: only the operand with the smaller denominator is shifted, no bits are wasted)."""
    (A, p), (B, q) = a, b
    D = p * q // fmpz(p).gcd(fmpz(q))
    return (A * (D // p) if D != p else A) - (B * (D // q) if D != q else B), D


def _sq(a) -> fmpq:
    """|N / d|_F^2 of an integer form (N, d)."""
    N = ZM.wrap(a[0])
    METER.charge(N.nrows() * N.ncols() * 2 * limbs(N.nb) ** 2, "a sum of squares of entries")
    return fmpq(sum((x * x for x in N.entries()), fmpz(0)), a[1] * a[1])


def _inner(a, b) -> fmpq:
    """<A, B> = sum_ij A_ij B_ij of two integer forms of the same shape."""
    NA, NB = ZM.wrap(a[0]), ZM.wrap(b[0])
    METER.charge(NA.nrows() * NA.ncols() * 2 * limbs(NA.nb) * limbs(NB.nb), "an inner product of matrices")
    return fmpq(sum((x * y for x, y in zip(NA.entries(), NB.entries())), fmpz(0)), a[1] * b[1])


def _below(Ws) -> list:
    """below[k] = W_k..W_1 as integer forms (below[0] None: the identity), left to right."""
    below = [None]
    for k, W in enumerate(Ws):
        below.append(W.numer_denom() if k == 0 else _lowest(_times(W.numer_denom(), below[k])))
    return below


def _error(Ws, X, Y):
    """(E, below): E = W_h..W_1 X - Y and below[k] = W_k..W_1 (below[0] None: the identity), as
    integer forms; the layers are multiplied first, then X."""
    below = _below(Ws)
    return _lowest(_minus(_times(below[-1], X.numer_denom()), Y.numer_denom())), below


def gram(X, Y) -> tuple:
    """(S, N) = (X X^T, Y X^T) as integer forms: the data's Gram blocks, shared by the loss, the
    gradient and the dual matrix of ``validate_network``."""
    (NX, x), (NY, y) = X.numer_denom(), Y.numer_denom()
    NXt = NX.transpose()
    return (NX * NXt, x * x), (NY * NXt, y * x)


def _use_gram(Ws, X) -> bool:
    """The Gram form costs less: products weighted by the bits of their operands (FLINT's
    multimodular products cost about the bits of their results), d_h d_0 n (b_P + b_X) +
    d_h n d_0 (b_E + b_X) directly against d_0 n d_0 2 b_X + d_h n d_0 (b_Y + b_X) + d_h d_0 d_0
    (b_P + 2 b_X) (b_Y about b_X, b_E about b_P + b_X)."""
    d0, n, dh = X.nrows(), X.ncols(), Ws[-1].nrows()
    bx = bounds_of(X)[0] + 1
    bp = sum(bounds_of(W)[0] for W in Ws) + 1
    direct = dh * d0 * n * (bp + bx) + dh * n * d0 * (bp + 2 * bx)
    via = d0 * n * d0 * 2 * bx + dh * n * d0 * 2 * bx + dh * d0 * d0 * (bp + 2 * bx)
    return via < direct


def loss(Ws, X, Y, w) -> fmpq:
    E, _ = _error(Ws, X, Y)
    if w is None:
        return _sq(E) / 2
    Eq = QM.wrap(E[0]) * fmpq(1, E[1])
    return inner(Eq, hadamard(Eq, w)) / 2


def loss_gradient(Ws, X, Y, w, grams=None) -> tuple:
    """(L, [dL/dW_1, ..., dL/dW_h] as integer forms (N, d)): dL/dW_k = A_k^T G B_k^T with
    A_k = W_h..W_{k+1}, B_k = W_{k-1}..W_1 and G = (w o E) X^T, E = W_h..W_1 X - Y.

    Square loss (w None) with many samples: G = P S - N with P = W_h..W_1 and the Gram blocks
    (S, N) = (X X^T, Y X^T) of :func:`gram` (``grams``: those, if computed already), and
    2 L = |E|^2 = tr(P S P^T) - 2 <P, N> + |Y|^2 = <P, G - N> + |Y|^2, so E itself (d_h x n,
    the widest matrix) is never formed.  B_k is formed left to right; H_k = A_k^T G right to
    left (H_{k-1} = W_k^T H_k), each gradient H_k B_k^T: every partial product once."""
    h = len(Ws)
    below = _below(Ws)
    if w is None and (grams is not None or _use_gram(Ws, X)):
        S, N = grams if grams is not None else gram(X, Y)
        G = _lowest(_minus(_times(below[-1], S), N))
        L = (_inner(below[-1], _minus(G, N)) + _sq(Y.numer_denom())) / 2
    elif w is None:
        NX, x = X.numer_denom()
        E = _lowest(_minus(_times(below[-1], (NX, x)), Y.numer_denom()))
        L = _sq(E) / 2
        G = _lowest(_times(E, (NX.transpose(), x)))
        del E
    else:
        E = _minus(_times(below[-1], X.numer_denom()), Y.numer_denom())
        Eq = QM.wrap(E[0]) * fmpq(1, E[1])
        R = hadamard(Eq, w)
        L = inner(Eq, R) / 2
        G = (R * X.transpose()).numer_denom()
        del E, Eq, R
    out = [None] * h
    H = G  # H = A_k^T G for k = h - 1, h - 2, ... (A_{h-1}: the identity)
    for k in range(h - 1, -1, -1):
        out[k] = H if below[k] is None else (H[0] * below[k][0].transpose(), H[1] * below[k][1])
        if k:
            NW, d = Ws[k].numer_denom()
            H = _lowest((NW.transpose() * H[0], d * H[1]))
    return L, out


# Results this kernel computed, kept for the same exact problem within one process: the key
# names every matrix by the SHA-256 of its encoding (files.memo_key), so a hit is the value
# this code computed for exactly these matrices.  (The generator of ``exactopen validate``
# asks the kernel for the loss and gradient of the user's point; the check of its
# certificate then need not multiply the matrices again.)


def problem_key(inputs, point=None):
    """A key for the exact problem ``inputs`` encodes (after :func:`problem` read it), or, with
    ``point`` (matrix objects, read), for the loss at that point with the data of ``inputs``;
    None when some matrix is not in a digest-named form (rows) or the loss is weighted."""
    if inputs.get("weights") is not None:
        return None
    mats = (list(inputs["layers"]) if point is None else list(point)) + [inputs["X"], inputs["Y"]]
    keys = [memo_key(obj, *obj["shape"]) for obj in mats]
    return None if None in keys else ("problem" if point is None else "loss", *keys)


class Grams:
    """The Gram blocks (X X^T, Y X^T) of one problem (:func:`gram`), formed when first asked
    for, or taken from what the generator handed over under ``key`` (None: not remembered);
    the loss, the gradient and the dual matrix of one check share them."""

    def __init__(self, X, Y, key=None):
        self.X, self.Y, self.key, self.value = X, Y, key, None

    def get(self) -> tuple:
        if self.value is None:
            hit = MEMO.get(self.key) if self.key is not None else None
            self.value = hit if hit is not None else gram(self.X, self.Y)
            if self.key is not None and hit is None:
                remember(self.key, self.value)
        return self.value

    def ready(self) -> bool:
        return self.value is not None or (self.key is not None and self.key in MEMO)


def gram_key(inputs):
    """A key for the Gram blocks of the data of ``inputs`` (None: not digest-named)."""
    keys = [memo_key(inputs[k], *inputs[k]["shape"]) for k in ("X", "Y")]
    return None if None in keys else ("gram", *keys)


def memo_loss_gradient(Ws, X, Y, w, key, grams: Grams | None = None) -> tuple:
    """(L, |grad L|^2, gradient as integer forms) of :func:`loss_gradient`; L and |grad L|^2 are
    remembered under ``key`` (None: not remembered), and a hit gives no gradient (None).
    ``grams``: the problem's Gram blocks, used (and formed) when the Gram form costs less."""
    hit = MEMO.get(key) if key is not None else None
    if hit is not None:
        return (*hit, None)
    use = grams is not None and w is None and (grams.ready() or _use_gram(Ws, X))
    L, grads = loss_gradient(Ws, X, Y, w, grams.get() if use else None)
    g2 = gradient_norm_sq(grads)
    if key is not None:
        remember(key, (L, g2))
    return L, g2, grads


def remember(key, value) -> None:
    while len(MEMO) >= 6:
        MEMO.pop(next(iter(MEMO)))
    MEMO[key] = value


def memo_loss(Ws, X, Y, w, key, grams: Grams | None = None) -> fmpq:
    """:func:`loss`, remembered under ``key`` (None: not remembered); with the problem's Gram
    blocks already formed (``grams``), 2 L = <P, P S - 2 N> + |Y|^2 (:func:`loss_gradient`)."""
    hit = MEMO.get(key) if key is not None else None
    if hit is None:
        if w is None and grams is not None and grams.ready():
            S, N = grams.get()
            P = _below(Ws)[-1]
            hit = (_inner(P, _minus(_times(P, S), _times(N, (fmpz(2), fmpz(1))))) + _sq(Y.numer_denom())) / 2
        else:
            hit = loss(Ws, X, Y, w)
        if key is not None:
            remember(key, hit)
    return hit


def gradient(Ws, X, Y, w) -> list:
    """dL/dW_k = (W_h..W_{k+1})^T G (W_{k-1}..W_1)^T with G = (w o (PX - Y)) X^T."""
    return [QM.wrap(N) * fmpq(1, d) for N, d in loss_gradient(Ws, X, Y, w)[1]]


def gradient_norm_sq(grads: list) -> fmpq:
    """|grad L|^2 from the integer forms of :func:`loss_gradient`."""
    return sum((_sq(g) for g in grads), fmpq(0))
