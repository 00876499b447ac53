"""Critical points of deep linear networks built by construction (for tests and benchmarks).

Y = U diag(sigma) V^T with rational orthogonal U, V (Cayley transforms) and distinct rational
sigma; the point routes the components ``S`` of Y through the layers, so its product is
sum_{i in S} sigma_i u_i v_i^T.  It is critical for every S; it is a global minimum iff S
holds the min(r, rank Y) largest components (r = min_i d_i).  Optional: random rational
invertible changes of basis between layers (same product, messier numbers), and a general
X = B X0 (B invertible, X0 with orthonormal rational rows, n >= d_0) with
Y = Ytilde X0 + Z (I - X0^T X0), which has the same critical points.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from flint import fmpq, fmpq_mat

from exactopen.exact import matrix as mx
from exactopen.landscape.network import Network


def rational_orthogonal(n: int, rng: random.Random, size: int = 3) -> fmpq_mat:
    """Cayley transform (I - K)(I + K)^{-1} of a random skew-symmetric rational K."""
    K = fmpq_mat(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            v = fmpq(rng.randint(-size, size), rng.randint(1, 3))
            K[i, j], K[j, i] = v, -v
    I = mx.identity(n)
    return (I - K) * (I + K).inv()


def random_invertible(n: int, rng: random.Random, size: int = 3) -> fmpq_mat:
    while True:
        A = fmpq_mat(n, n, [fmpq(rng.randint(-size, size), rng.randint(1, 2)) for _ in range(n * n)])
        if A.det() != 0:
            return A


@dataclass
class Constructed:
    net: Network
    is_global: bool
    degenerate: bool
    description: str


def constructed_point(widths, subset, rng: random.Random, sigmas=None, change_basis: bool = False,
                      n_samples: int | None = None, rank_Y: int | None = None) -> Constructed:
    """A critical point whose product is sum_{i in subset} sigma_i u_i v_i^T (see module doc)."""
    d = list(widths)
    h = len(d) - 1
    d0, dh = d[0], d[-1]
    q = min(d0, dh) if rank_Y is None else rank_Y
    if sigmas is None:
        sigmas = sorted({fmpq(rng.randint(1, 40), rng.randint(1, 4)) for _ in range(4 * q)}, reverse=True)[:q]
        while len(sigmas) < q:
            sigmas.append(sigmas[-1] / 2)
    U, V = rational_orthogonal(dh, rng), rational_orthogonal(d0, rng)
    S = list(subset)
    s = len(S)
    r = min(d)
    assert s <= r and all(0 <= i < q for i in S)
    Yt = mx.zeros(dh, d0)
    for i in range(q):
        Yt = Yt + mx.submatrix(U, None, [i]) * mx.submatrix(V, None, [i]).transpose() * sigmas[i]
    E = [mx.unit_columns(d[k], list(range(s))) for k in range(h + 1)]
    US = mx.submatrix(U, None, S) if s else mx.zeros(dh, 0)
    VS = mx.submatrix(V, None, S) if s else mx.zeros(d0, 0)
    Sig = mx.zeros(s, s)
    for a, i in enumerate(S):
        Sig[a, a] = sigmas[i]
    layers = []
    for k in range(1, h + 1):
        left = US * Sig if k == h else E[k]
        right = VS.transpose() if k == 1 else E[k - 1].transpose()
        if h == 1:
            left, right = US * Sig, VS.transpose()
        layers.append(left * right)
    if change_basis:
        for k in range(h - 1):
            T = random_invertible(d[k + 1], rng)
            layers[k] = T * layers[k]
            layers[k + 1] = layers[k + 1] * T.inv()
    X = None
    Y = Yt
    if n_samples is not None:
        n = n_samples
        Q = rational_orthogonal(n, rng)
        X0 = mx.submatrix(Q, list(range(d0)), None)
        B = random_invertible(d0, rng)
        Z = fmpq_mat(dh, n, [fmpq(rng.randint(-3, 3)) for _ in range(dh * n)])
        X = B * X0
        Y = Yt * X0 + Z * (mx.identity(n) - X0.transpose() * X0)
        layers[0] = layers[0] * B.inv()
    top = list(range(min(r, q)))
    is_global = sorted(S) == top
    return Constructed(Network.build(layers, Y, X), is_global, s < r,
                       f"widths {d}, components {S} of {q}, change_basis={change_basis}, n={n_samples}")


def higher_order_saddle_point(widths, keep: int, rng: random.Random, gauge: bool = True) -> Network:
    """A non-strict (higher-order) saddle like the issue-12 example, at any size.

    X = I, Y = diag(y_1 > y_2 > ...) (rational), layers "diagonal": the first ``keep``
    coordinates carry 1 (the last layer y_i), so the product holds the ``keep`` largest
    components of Y (keep < min_i d_i: not global); beyond ``keep`` the first and last layers
    are zero and, for h >= 4, one hidden layer (the second) may carry scattered nonzeros, so
    every missing component meets at least three zero layers (h >= 3: PSD Hessian, descent of
    order >= 3; two zero layers would give a strict saddle).  With ``gauge`` random rational invertible changes of basis between the layers
    (:func:`random_invertible`) hide the structure (same product, same kind of point).
    """
    d = list(widths)
    h = len(d) - 1
    q = min(d[0], d[-1])
    ys = sorted({fmpq(rng.randint(10, 400), rng.randint(1, 3)) for _ in range(4 * q)}, reverse=True)
    while len(ys) < q:
        ys.append(ys[-1] / 2)
    Y = fmpq_mat(d[-1], d[0])
    for i in range(q):
        Y[i, i] = ys[i]
    Ws = []
    for k in range(1, h + 1):
        W = fmpq_mat(d[k], d[k - 1])
        for i in range(min(d[k], d[k - 1])):
            if i < keep:
                W[i, i] = ys[i] if k == h else 1
            elif k == 2 and h >= 4 and rng.random() < 0.5:
                W[i, i] = fmpq(rng.randint(1, 5), rng.randint(1, 3))
        Ws.append(W)
    if gauge:
        S = [None] + [random_invertible(d[k], rng) for k in range(1, h)] + [None]
        for k in range(1, h + 1):
            W = Ws[k - 1]
            if S[k] is not None:
                W = S[k] * W
            if S[k - 1] is not None:
                W = W * S[k - 1].inv()
            Ws[k - 1] = W
    return Network.build(Ws, Y, mx.identity(d[0]))


GENERIC_KINDS = ("non_strict_saddle", "strict_saddle", "global_minimum")


def generic_point(widths, kind: str, rng: random.Random, samples: int | None = None) -> Network:
    """A critical point of a given kind built the generic way (issue 21), not aligned with the
    coordinates: a structured point (X = I, Y = diag(y_1 > y_2 > ...), layers routing some
    components through 0/1 partial identities) seen through dense rational rotations on both
    sides (Y = U diag(y) V^T, U and V Cayley transforms) and random rational gauge changes in
    every hidden layer; with ``samples`` = n > d_0, the data are not whitened either:
    X = B X_0 (B a random small-integer invertible matrix, X_0 with orthonormal rational rows,
    so X X^T = B B^T is dense) and Y = U diag(y) V^T X_0 + Z (I - X_0^T X_0) (a part no network
    reaches).  The loss is the structured one composed with an invertible linear change of the
    layers, so the kind is the structured point's:

    * ``non_strict_saddle``: the top 3/8 of the r = min_i d_i components routed; every other
      component meets three zero layers (h >= 4: the first, third and last; the second may
      carry it): PSD Hessian, descent of order >= 3;
    * ``strict_saddle``: components 1..3r/8 routed, the top one (0) carried by the hidden
      layers only: it meets two zero layers (the first and the last), negative curvature;
    * ``global_minimum``: the top r components routed.
    """
    assert kind in GENERIC_KINDS and len(widths) >= 5
    d = list(widths)
    h = len(d) - 1
    d0, dh = d[0], d[-1]
    q = min(d0, dh)
    r = min(d)
    ys = sorted({fmpq(rng.randint(10, 400), rng.randint(1, 3)) for _ in range(4 * q)}, reverse=True)
    while len(ys) < q:
        ys.append(ys[-1] / 2)
    ys = ys[:q]
    keep = r if kind == "global_minimum" else max(1, (3 * r) // 8)
    routed = set(range(1, keep + 1)) if kind == "strict_saddle" else set(range(keep))
    Ws = []
    for k in range(1, h + 1):
        W = fmpq_mat(d[k], d[k - 1])
        for i in range(min(d[k], d[k - 1])):
            if i in routed and i < r:
                W[i, i] = ys[i] if k == h else 1
            elif kind == "strict_saddle" and i == 0 and 1 < k < h:
                W[i, i] = 1
            elif kind == "non_strict_saddle" and k == 2 and rng.random() < 0.5:
                W[i, i] = fmpq(rng.randint(1, 5), rng.randint(1, 3))
        Ws.append(W)
    U, V = rational_orthogonal(dh, rng), rational_orthogonal(d0, rng)
    Ys = fmpq_mat(dh, d0)
    for i in range(q):
        Ys[i, i] = ys[i]
    Y = U * Ys * V.transpose()
    Ws[-1] = U * Ws[-1]
    Ws[0] = Ws[0] * V.transpose()
    X = mx.identity(d0)
    if samples is not None:
        n = samples
        assert n > d0
        X0 = mx.submatrix(rational_orthogonal(n, rng), list(range(d0)), None)
        B = random_invertible(d0, rng)
        Z = fmpq_mat(dh, n, [fmpq(rng.randint(-3, 3)) for _ in range(dh * n)])
        X = B * X0
        Y = Y * X0 + Z * (mx.identity(n) - X0.transpose() * X0)
        Ws[0] = Ws[0] * B.inv()
    S = [None] + [random_invertible(d[k], rng) for k in range(1, h)] + [None]
    for k in range(1, h + 1):
        W = Ws[k - 1]
        if S[k] is not None:
            W = S[k] * W
        if S[k - 1] is not None:
            W = W * S[k - 1].inv()
        Ws[k - 1] = W
    return Network.build(Ws, Y, X)
