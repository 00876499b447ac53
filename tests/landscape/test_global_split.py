"""Issue 21: global minima certified by the Ky Fan bound on invariant blocks (the
``invariant_split`` lower bound, lemma ``invariant-split`` of docs/checker.md), at points built
the generic way (dense rational rotations on both sides, random gauges in every hidden layer,
non-whitened X with more samples than inputs), at points whose spectrum is irrational (blocks
of side 2 proved by characteristic polynomials), and with X of deficient row rank (X = C B).
Cross-checked against the dense ``ky_fan`` form and against float eigenvalues; tampered
evidence is rejected."""

from __future__ import annotations

import copy
import json
import random

import pytest
from flint import fmpq, fmpq_mat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.exact import matrix as mx
from exactopen.exact.floats import to_float
from exactopen.landscape.classify import classify_critical_point
from exactopen.landscape.examples import generic_point, random_invertible, rational_orthogonal
from exactopen.landscape.global_min import ky_fan_certificate
from exactopen.landscape.invariant_split import invariant_split_certificate
from exactopen.landscape.network import Network
from tests.helpers import validate_schema

WIDTHS = (6, 6, 3, 6, 6)


def _generic(seed: int, samples: int | None, widths=WIDTHS) -> Network:
    return generic_point(widths, "global_minimum", random.Random(seed), samples)


def _irrational(seed: int = 0) -> Network:
    """A global minimum whose M has irreducible quadratic factors (irrational eigenvalues),
    rotated by dense rational orthogonal maps on both sides and gauged in the hidden layer:
    Y = U diag(A1, A2) V^T with A1 = [[10, 1], [1, 11]] (eigenvalues (21 +- sqrt 5)/2) and
    A2 = [[1, 1], [1, 2]] ((3 +- sqrt 5)/2); widths (4, 2, 4) route the top block."""
    rng = random.Random(seed)
    Ys = mx.from_rows([[10, 1, 0, 0], [1, 11, 0, 0], [0, 0, 1, 1], [0, 0, 1, 2]])
    U, V = rational_orthogonal(4, rng), rational_orthogonal(4, rng)
    W1 = mx.from_rows([[10, 1, 0, 0], [1, 11, 0, 0]]) * V.transpose()
    W2 = U * mx.from_rows([[1, 0], [0, 1], [0, 0], [0, 0]])
    G = random_invertible(2, rng)
    return Network.build([G * W1, W2 * G.inv()], U * Ys * V.transpose())


def _rank_deficient_x(seed: int = 0) -> Network:
    """A generic-X global minimum with one more input that is always 0: X' = [X; 0] has
    deficient row rank, so the evidence carries X' = C B."""
    net = _generic(seed, 12)
    X = net.X
    Xp = mx.vstack(X, fmpq_mat(1, X.ncols()))
    W1 = net.layers[0]
    W1p = mx.hstack(W1, fmpq_mat(W1.nrows(), 1))
    return Network.build([W1p] + list(net.layers[1:]), net.Y, Xp)


def _check(cert: dict) -> str:
    return kernel.check(json.dumps(cert))


def _restated(cert: dict) -> dict:
    """cert with its claim re-derived by the checker (after an edit that keeps it valid)."""
    cert["claim"] = kernel.statement(cert)
    return cert


def _certificate(net: Network) -> dict:
    c = classify_critical_point(net)
    assert c.verdict == "global_minimum", c.reason
    assert c.certificate["evidence"]["lower_bound"]["method"] == "invariant_split"
    validate_schema(c.certificate)
    return c.certificate


def _float_bound_gap(net: Network) -> float:
    """(|Y|^2 - 2 L) - S_r(M) in floats (about 0 at a global minimum): an independent method."""
    import numpy as np

    X, Y = to_float(net.X), to_float(net.Y)
    P = X.T @ np.linalg.pinv(X @ X.T) @ X
    ev = np.sort(np.linalg.eigvalsh(Y @ P @ Y.T))[::-1]
    target = float(mx.frobenius_sq(net.Y) - 2 * net.loss())
    return (target - float(ev[:net.r].sum())) / max(1.0, abs(target))


@pytest.mark.parametrize("seed,samples", [(0, None), (1, None), (0, 12), (1, 12), (2, 9)])
def test_generic_global_minima_are_split_into_1x1_blocks(seed, samples):
    net = _generic(seed, samples)
    cert = _certificate(net)
    lb = cert["evidence"]["lower_bound"]
    assert lb["top"] == [1] * net.r and lb["bottom"] == [1] * (net.Y.nrows() - net.r)
    assert "B" not in lb and "C" not in lb  # X has full row rank: B = X
    assert "invariant blocks of at most 1 coordinates" in _check(cert)
    assert abs(_float_bound_gap(net)) < 1e-9
    # the dense Ky Fan form (an independent certificate of the same fact) is accepted too
    dense = copy.deepcopy(cert)
    dense["evidence"]["lower_bound"] = ky_fan_certificate(net)
    assert "Ky Fan lower bound" in _check(_restated(dense))


def test_irrational_spectrum_gives_blocks_of_side_two():
    net = _irrational()
    assert net.first_nonzero_gradient() is None
    cert = _certificate(net)
    lb = cert["evidence"]["lower_bound"]
    assert lb["top"] == [2] and lb["bottom"] == [2]
    mu = fmpq(*map(int, lb["mu"].split("/"))) if "/" in lb["mu"] else fmpq(int(lb["mu"]))
    # mu lies between the eigenvalues of M = Y Y^T on the two sides: (3 + sqrt 5)^2 / 4 < mu < (21 - sqrt 5)^2 / 4
    assert 6.85 < float(mu) < 88.0
    assert "invariant blocks of at most 2 coordinates" in _check(cert)


def test_rank_deficient_x_carries_c_and_b():
    net = _rank_deficient_x()
    assert net.first_nonzero_gradient() is None
    cert = _certificate(net)
    lb = cert["evidence"]["lower_bound"]
    assert "B" in lb and "C" in lb
    _check(cert)


def test_not_a_global_minimum_gives_no_split():
    """A strict saddle's output space does not carry the top of the spectrum: no evidence."""
    net = generic_point(WIDTHS, "strict_saddle", random.Random(0), None)
    assert net.first_nonzero_gradient() is None
    assert invariant_split_certificate(net) is None


# ---------------------------------------------------------------------------------------
# tampered evidence
# ---------------------------------------------------------------------------------------

def _with(cert: dict, edit) -> dict:
    bad = copy.deepcopy(cert)
    edit(bad["evidence"]["lower_bound"])
    return bad


def _set_T(lb: dict, f) -> None:
    T = mx.from_json(lb["T"])
    f(T)
    lb["T"] = mx.to_json(T, dyadic=True)


def _edit_entry(T):
    T[2, 1] = T[2, 1] + 1


def _zero_column(T):
    for i in range(T.nrows()):
        T[i, 0] = 0


def _swap_columns(T):  # the first top column with the first bottom column
    k = T.ncols() // 2
    for i in range(T.nrows()):
        T[i, 0], T[i, k] = T[i, k], T[i, 0]


def _bottom_to_top(lb):
    """The last column (the bottom block of the smallest eigenvalue, below mu) read as a top
    block.  (The largest bottom eigenvalue may equal mu: moving that one would still be valid.)"""
    k = sum(lb["top"])

    def move(T):
        last = [T[i, T.ncols() - 1] for i in range(T.nrows())]
        for j in range(T.ncols() - 1, k, -1):
            for i in range(T.nrows()):
                T[i, j] = T[i, j - 1]
        for i in range(T.nrows()):
            T[i, k] = last[i]
    _set_T(lb, move)
    lb.update(top=lb["top"] + [1], bottom=lb["bottom"][1:])


def _scale_column(T):  # still an invariant split: accepted (a block may be scaled)
    for i in range(T.nrows()):
        T[i, 3] = T[i, 3] * 7


TAMPER = {
    "a basis entry": lambda lb: _set_T(lb, _edit_entry),
    "a zero column": lambda lb: _set_T(lb, _zero_column),
    "a top and a bottom column swapped": lambda lb: _set_T(lb, _swap_columns),
    "mu above a top eigenvalue": lambda lb: lb.update(mu=str(10 ** 9)),
    "mu below a bottom eigenvalue": lambda lb: lb.update(mu="-1"),
    "one top block moved to the bottom": lambda lb: lb.update(top=lb["top"][1:], bottom=[1] + lb["bottom"]),
    "one bottom block moved to the top": lambda lb: _bottom_to_top(lb),
    "sizes that do not add up to d_h": lambda lb: lb.update(bottom=lb["bottom"][1:]),
    "a zero block size": lambda lb: lb.update(top=[0] + lb["top"]),
    "blocks that cut across the split": lambda lb: lb.update(top=lb["top"][:-1] + [2], bottom=lb["bottom"][1:]),
    "no bottom": lambda lb: lb.pop("bottom"),
    "an unknown field": lambda lb: lb.update(extra="1"),
    "C without B": lambda lb: lb.update(C={"shape": [6, 6], "rows": [["1" if i == j else "0" for j in range(6)]
                                                                       for i in range(6)]}),
}


@pytest.fixture(scope="module")
def generic_cert() -> dict:
    return _certificate(_generic(0, 12))


@pytest.mark.parametrize("name", sorted(TAMPER))
def test_tampered_split_is_rejected(generic_cert, name):
    bad = _with(generic_cert, TAMPER[name])
    with pytest.raises(kernel.Rejected):
        _check(bad)


def test_scaled_basis_column_is_still_accepted(generic_cert):
    _check(_restated(_with(generic_cert, lambda lb: _set_T(lb, _scale_column))))


def test_merging_two_top_blocks_is_still_accepted(generic_cert):
    """Two 1x1 blocks read as one 2x2 block: still block diagonal, its PSD proof a charpoly."""
    cert = _with(generic_cert, lambda lb: lb.update(top=[2] + lb["top"][2:]))
    assert "at most 2 coordinates" in _check(_restated(cert))


def test_tampered_irrational_block_is_rejected():
    cert = _certificate(_irrational())
    lb = cert["evidence"]["lower_bound"]
    mu = fmpq(*map(int, lb["mu"].split("/"))) if "/" in lb["mu"] else fmpq(int(lb["mu"]))
    for bad_mu in ("7", "89", str(mu.p * 1000)):  # mu in [6.854, 88.02]: 7 must pass
        bad = _with(cert, lambda b, m=bad_mu: b.update(mu=m))
        if bad_mu == "7":
            _check(_restated(bad))
        else:
            with pytest.raises(kernel.Rejected):
                _check(bad)
    with pytest.raises(kernel.Rejected):  # the blocks split 1 + 1: not block diagonal
        _check(_with(cert, lambda b: b.update(top=[1, 1])))
    with pytest.raises(kernel.Rejected):  # top and bottom exchanged
        _check(_with(cert, lambda b: _set_T(b, lambda T: _swap_columns(T) or _swap_columns_1(T))))


def _swap_columns_1(T):
    for i in range(T.nrows()):
        T[i, 1], T[i, 3] = T[i, 3], T[i, 1]


# ---------------------------------------------------------------------------------------
# property test
# ---------------------------------------------------------------------------------------

@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10 ** 6), w=st.sampled_from([4, 6, 8]), whitened=st.booleans(),
       kind=st.sampled_from(["global_minimum", "strict_saddle"]))
def test_split_is_issued_exactly_at_global_minima(seed, w, whitened, kind):
    """Random dense rotations, gauges and (non-)whitened X: the evidence exists exactly at the
    global minima, the checker accepts it, and the float spectrum agrees."""
    net = generic_point((w, w, w // 2, w, w), kind, random.Random(seed), None if whitened else 2 * w)
    ev = invariant_split_certificate(net)
    if kind == "strict_saddle":
        assert ev is None
        return
    assert ev is not None
    cert = _certificate(net)
    _check(cert)
    assert abs(_float_bound_gap(net)) < 1e-9


@pytest.mark.parametrize("samples", [None, 12])
def test_float_proposals_do_not_change_the_certificate(monkeypatch, samples):
    """The evidence is a function of the exact input: proposing the rational eigenvalues from
    floats, or factoring the characteristic polynomial, gives the same T, blocks and mu."""
    from exactopen.landscape import invariant_split

    net = _generic(3, samples, (8, 8, 4, 8, 8))
    monkeypatch.setattr(invariant_split, "FLOAT_FROM", 0)
    fast = invariant_split_certificate(net)
    monkeypatch.setattr(invariant_split, "_rational_spaces", lambda M, N: None)
    assert invariant_split_certificate(net) == fast


def test_repeated_eigenvalue_split_between_the_sides():
    """Y = U diag(5, 5, 3, 3, 1, 1) V^T (dense rotations) with r = 3: the point routes one of the
    two directions of singular value 3, so the eigenspace of 9 is cut by the output space (one
    vector on each side) and mu = 9 exactly, both sides touching it."""
    rng = random.Random(5)
    U, V = rational_orthogonal(6, rng), rational_orthogonal(6, rng)
    D = fmpq_mat(6, 6)
    for i, y in enumerate((5, 5, 3, 3, 1, 1)):
        D[i, i] = y
    W1 = mx.submatrix(D, [0, 1, 2], None) * V.transpose()
    W2 = mx.submatrix(U, None, [0, 1, 2])
    G = random_invertible(3, rng)
    net = Network.build([G * W1, W2 * G.inv()], U * D * V.transpose())
    assert net.first_nonzero_gradient() is None
    cert = _certificate(net)
    lb = cert["evidence"]["lower_bound"]
    assert lb["mu"] == "9" and lb["top"] == [1, 1, 1] and lb["bottom"] == [1, 1, 1]
    _check(cert)
    with pytest.raises(kernel.Rejected):  # the bound then exceeds what the point attains
        _check(_with(cert, lambda b: b.update(mu="10")))


def test_split_certificate_renders(generic_cert):
    """The rendered proof names the invariant blocks and mu (markdown, LaTeX and HTML)."""
    from exactopen.report import emit
    from exactopen.report.render import blocks

    bs = blocks(generic_cert, kernel.explain(generic_cert))
    md = emit.to_markdown(bs)
    assert "invariant blocks" in md and generic_cert["evidence"]["lower_bound"]["mu"] in md
    tex = emit.to_latex(bs)
    assert tex.isascii() and tex.count("\\begin{enumerate}") == tex.count("\\end{enumerate}")
    assert emit.to_html(bs).rstrip().endswith("</html>")
