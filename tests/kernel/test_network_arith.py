"""The checker's integer-form arithmetic for networks (shared partial products, common
denominators) agrees with the textbook rational formulas on random rational data, weighted and
unweighted, and so do the dual matrix, the factor test and |A - B|^2."""

from __future__ import annotations

import random

from flint import fmpq, fmpq_mat

from exactopen.kernel.network import (
    gradient,
    gradient_norm_sq,
    hadamard,
    inner,
    loss,
    loss_gradient,
)
from exactopen.kernel.primitives import dist2, eye, fro2
from exactopen.kernel.validate import diagonally_dominant, dual_matrix, factor_certifies


def chain(mats, n):
    P = eye(n)
    for M in mats:
        P = M * P
    return P


def rand(rng, m, n):
    return fmpq_mat(m, n, [fmpq(rng.randint(-9, 9), rng.randint(1, 12)) for _ in range(m * n)])


def test_loss_and_gradient():
    rng = random.Random(11)
    for h in range(1, 6):
        for _ in range(6):
            d = [rng.randint(1, 4) for _ in range(h + 1)]
            n = rng.randint(1, 5)
            Ws = [rand(rng, d[k + 1], d[k]) for k in range(h)]
            X, Y = rand(rng, d[0], n), rand(rng, d[h], n)
            w = None if rng.random() < 0.5 else fmpq_mat(d[h], n, [fmpq(rng.randint(1, 9), rng.randint(1, 3))
                                                                  for _ in range(d[h] * n)])
            E = chain(Ws, d[0]) * X - Y
            G = hadamard(E, w) * X.transpose()
            want = [chain(Ws[k + 1:], d[k + 1]).transpose() * G * chain(Ws[:k], d[0]).transpose() for k in range(h)]
            L, grads = loss_gradient(Ws, X, Y, w)
            assert L == loss(Ws, X, Y, w) == inner(E, hadamard(E, w)) / 2
            assert gradient(Ws, X, Y, w) == want
            assert gradient_norm_sq(grads) == sum((fro2(g) for g in want), fmpq(0))


def test_dual_matrix_factor_and_distance():
    rng = random.Random(12)
    for _ in range(100):
        b, n, dh, r = rng.randint(0, 4), rng.randint(0, 4), rng.randint(1, 4), rng.randint(0, 3)
        B, Y, F = rand(rng, b, n), rand(rng, dh, n), rand(rng, dh, r)
        delta, mu = fmpq(rng.randint(0, 5), rng.randint(1, 9)), fmpq(rng.randint(-5, 5), rng.randint(1, 9))
        Z, D = dual_matrix(B, Y, F, delta, mu)
        K = fmpq_mat(Z) * fmpq(1, D)
        S, N = B * B.transpose(), B * Y.transpose()
        C = F * F.transpose() + eye(dh) * (delta + mu)
        for i in range(b + dh):
            for j in range(b + dh):
                want = (S[i, j] if j < b else N[i, j - b]) if i < b else (N[j, i - b] if j < b else C[i - b, j - b])
                assert K[i, j] == want
        L = rand(rng, b + dh, rng.randint(0, 3))
        assert factor_certifies(K, L) == factor_certifies(Z, L, D) == diagonally_dominant(K - L * L.transpose())
        P = K + L * L.transpose() + eye(b + dh) * (b + dh) * 100  # certainly dominant after removing L L^T
        if diagonally_dominant(P - L * L.transpose()):
            assert factor_certifies(P, L)
        A1, A2 = rand(rng, 3, 2), rand(rng, 3, 2)
        assert dist2(A1, A2) == fro2(A1 - A2)
