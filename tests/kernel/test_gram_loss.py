"""The kernel's loss and gradient through the Gram blocks X X^T, Y X^T (kernel/network.py,
used by validate_network when there are more samples than inputs) equal the direct exact
values, on dense dyadic data with many samples; a validate certificate on such data with a
tampered loss, gradient norm or dual bound is still rejected, fresh and after the hand-over."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from flint import fmpq, fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.exact.floats import to_exact
from exactopen.kernel.network import Grams, gram, loss, loss_gradient, memo_loss
from exactopen.kernel.work import QM
from exactopen.landscape.network import Network
from exactopen.numeric.validate import validate


def _reference(Wq, Xq, Yq):
    """L and the gradient by plain fmpq_mat arithmetic (E formed)."""
    h = len(Wq)
    P = Wq[0]
    for W in Wq[1:]:
        P = W * P
    E = P * Xq - Yq
    L = sum((x * x for x in E.entries()), fmpq(0)) / 2
    G = E * Xq.transpose()
    out = []
    for k in range(h):
        A = fmpq_mat(Wq[-1].nrows(), Wq[-1].nrows(), [int(i == j) for i in range(Wq[-1].nrows())
                                                        for j in range(Wq[-1].nrows())])
        for W in reversed(Wq[k + 1:]):
            A = A * W
        B = fmpq_mat(Xq.nrows(), Xq.nrows(), [int(i == j) for i in range(Xq.nrows()) for j in range(Xq.nrows())])
        for W in Wq[:k]:
            B = W * B
        out.append(A.transpose() * G * B.transpose())
    return L, out


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=5), st.integers(1, 14), st.integers(0, 2 ** 32 - 1))
def test_gram_form_equals_the_direct_exact_values(d, n, seed):
    rng = np.random.default_rng(seed)
    h = len(d) - 1
    # dense float (dyadic) layers and data, entries spread over many binary orders of magnitude
    Ws = [rng.standard_normal((d[k + 1], d[k])) * np.exp2(rng.integers(-30, 4, size=(d[k + 1], d[k])))
          for k in range(h)]
    X = rng.standard_normal((d[0], n)) * np.exp2(rng.integers(-20, 4))
    Y = rng.standard_normal((d[-1], n)).astype(np.float32).astype(float)
    Wq, Xq, Yq = [to_exact(W) for W in Ws], to_exact(X), to_exact(Y)
    L0, G0 = _reference(Wq, Xq, Yq)
    args = [QM.wrap(W) for W in Wq], QM.wrap(Xq), QM.wrap(Yq)
    for grams in (None, gram(args[1], args[2])):  # the direct form (or the cost model's choice) and the Gram form
        L, grads = loss_gradient(*args, None, grams)
        assert L == L0
        assert [fmpq_mat(N.M) * fmpq(1, dd) for N, dd in grads] == G0
    g = Grams(args[1], args[2])
    g.get()
    assert memo_loss(*args, None, None, g) == L0 == loss(*args, None)


def _dense_problem(seed=3, d=(4, 5, 3, 4), n=11):
    """Dense, non-whitened X (n > d_0 samples, B X_0 with B a random integer matrix), dense Y."""
    rng = np.random.default_rng(seed)
    B = rng.integers(-3, 4, size=(d[0], d[0])) + 4 * np.eye(d[0])
    X = B @ rng.standard_normal((d[0], n))
    Y = rng.standard_normal((d[-1], n))
    Ws = [rng.standard_normal((d[k + 1], d[k])) for k in range(len(d) - 1)]
    return Network.build([to_exact(W) for W in Ws], to_exact(Y), to_exact(X))


@pytest.mark.parametrize("field", ["loss", "gradient_norm_sq"])
def test_tampered_values_rejected_fresh_and_after_hand_over(field):
    net = _dense_problem()
    v = validate(net, always_descent=True)
    cert = v.certificate
    assert kernel.check(cert) == cert["claim"]
    bad = copy.deepcopy(cert)
    q = fmpq(*map(int, (bad["result"][field] + "/1").split("/")[:2]))
    bad["result"][field] = str(q + fmpq(1, 2 ** 70)).replace(" ", "")
    with pytest.raises(kernel.Rejected, match=field):
        kernel.check(bad)
    # the generator's hand-over (the kernel's own values, kept under the inputs' digests) does
    # not make a tampered value pass either
    from exactopen.kernel.validate import exact_loss_gradient

    exact_loss_gradient(cert["inputs"])
    with pytest.raises(kernel.Rejected, match=field):
        kernel.check(bad)


def test_tampered_dual_bound_rejected():
    net = _dense_problem(seed=4)
    cert = validate(net).certificate
    if cert["result"]["global"] is None or cert["evidence"]["global"]["method"] != "ky_fan_schur":
        pytest.skip("no dual bound on this point")
    bad = copy.deepcopy(cert)
    bad["evidence"]["global"]["delta"] = "0"
    with pytest.raises(kernel.Rejected):
        kernel.check(bad)
    bad = copy.deepcopy(cert)
    lb = bad["result"]["global"]["lower_bound"]
    bad["result"]["global"]["lower_bound"] = lb + "1" if "/" in lb else lb + "/1"
    with pytest.raises(kernel.Rejected):
        kernel.check(bad)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.booleans(), st.integers(0, 2 ** 32 - 1))
def test_lower_gram_by_blocks_equals_the_product(n, lower, seed):
    """The checker's L L^T by blocks (kernel/validate.py lower_gram) equals the plain product,
    for lower triangular factors and for factors that are not (an entry above the diagonal is
    never skipped)."""
    import random

    from flint import fmpz_mat

    import exactopen.kernel.validate as kv

    rnd = random.Random(seed)
    Z = fmpz_mat(n, n, [rnd.randint(-2 ** 70, 2 ** 70) if (j <= i or not lower) else 0
                        for i in range(n) for j in range(n)])
    if lower and n > 1 and rnd.random() < 0.3:
        Z[rnd.randrange(n // 2), n - 1] = 1  # one entry in the upper right block
    old = kv.LOWER_GRAM_CUTOFF
    kv.LOWER_GRAM_CUTOFF = 4
    try:
        assert kv.lower_gram(Z).M == Z * Z.transpose()
    finally:
        kv.LOWER_GRAM_CUTOFF = old
