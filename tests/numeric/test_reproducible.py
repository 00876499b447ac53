"""Certificates are a deterministic function of their inputs (not of the float kernels).

Floats only *propose* (eigenvectors, least-squares solutions, eigenvalue estimates); what
enters a certificate must be canonical and exact.  This test proves it without touching the
environment: every numpy.linalg routine the generators use is monkeypatched to return equally
valid but different floats -- eigenvectors and singular vectors with flipped signs, bases
rotated inside eigenspaces of repeated eigenvalues, every result perturbed by ~1e-12 (what a
different BLAS kernel, CPU or thread count does) -- and the whole audit is regenerated under
the patch.  Every certificate file must be byte-identical to an unpatched regeneration: the
committed certificates/ (``audit.check``).
"""

from __future__ import annotations

import numpy as np
import pytest

from exactopen.report import audit, figures

REL = 1e-12


class _Perturb:
    """Wrappers around numpy.linalg returning different but equally valid floats."""

    def __init__(self, orig: dict):
        self.orig = orig
        self.calls: dict[str, int] = {}
        self.rng = np.random.default_rng(12345)

    def _count(self, name: str) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1

    def _noise(self, a, rel: float = REL):
        a = np.asarray(a)
        if a.dtype.kind not in "fc" or a.size == 0:
            return a
        scale = float(np.max(np.abs(a))) if np.all(np.isfinite(a)) else 1.0
        return a + rel * max(scale, 1e-300) * self.rng.uniform(-1.0, 1.0, a.shape)

    def _flip(self, k: int):
        """Sign per column: alternately flipped, starting with a flip."""
        return np.where(np.arange(k) % 2 == 0, -1.0, 1.0)

    def _rotate_clusters(self, vals, vecs):
        """Rotate the eigenvector basis inside each cluster of (numerically) repeated
        eigenvalues by a fixed orthogonal matrix; flip signs of all columns."""
        vals = np.asarray(vals)
        vecs = np.array(vecs, dtype=float, copy=True)
        n = vals.shape[-1]
        scale = max(1.0, float(np.max(np.abs(vals)))) if n else 1.0
        i = 0
        while i < n:
            j = i + 1
            while j < n and abs(vals[j] - vals[i]) <= 1e-9 * scale:
                j += 1
            k = j - i
            if k >= 2:
                Q, _ = np.linalg.qr(np.random.default_rng(k).standard_normal((k, k)))
                vecs[:, i:j] = vecs[:, i:j] @ Q
            i = j
        return vecs * self._flip(n)

    # -- wrappers ------------------------------------------------------------------------
    def eigh(self, a, *args, **kw):
        self._count("eigh")
        out = self.orig["eigh"](a, *args, **kw)
        vals, vecs = out
        return type(out)(self._noise(vals), self._noise(self._rotate_clusters(vals, vecs)))

    def eigvalsh(self, a, *args, **kw):
        self._count("eigvalsh")
        return self._noise(self.orig["eigvalsh"](a, *args, **kw))

    def eig(self, a, *args, **kw):
        self._count("eig")
        out = self.orig["eig"](a, *args, **kw)
        vals, vecs = out
        return type(out)(self._noise(vals), self._noise(vecs * self._flip(vecs.shape[-1])))

    def eigvals(self, a, *args, **kw):
        self._count("eigvals")
        return self._noise(self.orig["eigvals"](a, *args, **kw))

    def svd(self, a, *args, **kw):
        self._count("svd")
        out = self.orig["svd"](a, *args, **kw)
        compute_uv = kw.get("compute_uv", args[1] if len(args) > 1 else True)
        if not compute_uv:
            return self._noise(out)
        U, S, Vt = out
        k = S.shape[-1]
        f = self._flip(k)
        U = np.array(U, copy=True)
        Vt = np.array(Vt, copy=True)
        U[..., :, :k] *= f
        Vt[..., :k, :] *= f[:, None]
        return type(out)(self._noise(U), self._noise(S), self._noise(Vt))

    def lstsq(self, a, b, *args, **kw):
        self._count("lstsq")
        x, res, rank, sv = self.orig["lstsq"](a, b, *args, **kw)
        return self._noise(x), res, rank, self._noise(sv)

    def solve(self, a, b, *args, **kw):
        self._count("solve")
        return self._noise(self.orig["solve"](a, b, *args, **kw))

    def pinv(self, a, *args, **kw):
        self._count("pinv")
        return self._noise(self.orig["pinv"](a, *args, **kw))

    def cholesky(self, a, *args, **kw):
        self._count("cholesky")
        return self._noise(self.orig["cholesky"](a, *args, **kw))


NAMES = ("eigh", "eigvalsh", "eig", "eigvals", "svd", "lstsq", "solve", "pinv", "cholesky")


@pytest.fixture
def no_figures(monkeypatch):
    # figures are images, not certificates (and the .md links do not depend on them)
    monkeypatch.setattr(figures, "available", lambda: False)


def test_patch_changes_the_floats(monkeypatch):
    """Sanity check of the harness itself: the wrappers really return different floats."""
    orig = {n: getattr(np.linalg, n) for n in NAMES}
    p = _Perturb(orig)
    for n in NAMES:
        monkeypatch.setattr(np.linalg, n, getattr(p, n))
    A = np.array([[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 3.0]])  # eigenvalue 3 is repeated
    vals, vecs = np.linalg.eigh(A)
    v0, V0 = orig["eigh"](A)
    assert np.allclose(vals, v0, rtol=1e-10) and not np.array_equal(vals, v0)
    assert np.allclose(vecs.T @ A @ vecs, np.diag(v0), atol=1e-9)  # still an eigenbasis
    assert np.abs(vecs - V0).max() > 0.1  # but a different one
    U, S, Vt = np.linalg.svd(A)
    assert np.allclose((U * S) @ Vt, A, atol=1e-9) and np.abs(U - orig["svd"](A)[0]).max() > 0.1
    assert p.calls["eigh"] == 1 and p.calls["svd"] == 1


def test_audit_certificates_do_not_depend_on_float_kernels(monkeypatch, no_figures):
    """``exactopen audit --check`` under the patch: the regeneration with perturbed floats is
    byte-identical to the committed certificates/ (generated with the real ones), the Coq exports
    too, none is stale and every one is accepted.  This is also the default run's audit check
    (tests/report/test_audit.py runs it with the real floats under -m slow): one regeneration
    of the audit instead of three."""
    from tests.helpers import ROOT

    orig = {n: getattr(np.linalg, n) for n in NAMES}
    p = _Perturb(orig)
    audit.COUNTEREXAMPLE_ROWS.clear()
    with monkeypatch.context() as m:
        for n in NAMES:
            m.setattr(np.linalg, n, getattr(p, n))
        problems = audit.check(str(ROOT / "certificates"))

    # the patch took effect: the generators called the perturbed routines
    for n in ("eigh", "lstsq", "solve"):
        assert p.calls.get(n, 0) > 0, (n, p.calls)
    assert not problems, ("certificates/ is stale or the certificates depend on the float kernels "
                          "(exactopen audit --check, with the real floats, tells which):\n" + "\n".join(problems[:40]))


def test_canonical_eigendirections_ignore_sign_and_rotation():
    """The numeric helper's output depends on the eigenspace only, not on the basis."""
    from exactopen.landscape.descent import canonical_eigendirections

    rng = np.random.default_rng(7)
    Q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    vals = np.array([-2.0, -2.0, -0.5, 0.0, 1.0, 3.0])   # a repeated negative eigenvalue
    R, _ = np.linalg.qr(rng.standard_normal((2, 2)))
    V2 = Q.copy()
    V2[:, :2] = Q[:, :2] @ R
    V2[:, 2] *= -1
    a = canonical_eigendirections(vals, Q)
    b = canonical_eigendirections(vals + 1e-13, V2 + 1e-13 * rng.standard_normal((6, 6)))
    assert len(a) == len(b) == 2
    for x, y in zip(a, b):
        assert np.max(np.abs(x)) == 1.0 and np.allclose(x, y, atol=1e-10)


def test_simplest_by_oracle_matches_simplest_in_interval():
    import random
    from fractions import Fraction

    from flint import fmpq

    from exactopen.exact.snap import simplest_in_interval
    from exactopen.exact.simplest import simplest_by_oracle

    rnd = random.Random(3)
    for _ in range(300):
        a = Fraction(rnd.randint(-500, 500), rnd.randint(1, 60))
        b = a + (0 if rnd.random() < 0.1 else Fraction(rnd.randint(1, 500), rnd.randint(1, 900)))
        A, B = fmpq(a.numerator, a.denominator), fmpq(b.numerator, b.denominator)
        got = simplest_by_oracle(lambda q: 0 if A <= q <= B else (-1 if q < A else 1))
        want = simplest_in_interval(a, b)
        assert got == fmpq(want.numerator, want.denominator)
    # an empty interval (the oracle reports it) and an irrational point (sqrt 2): no answer
    assert simplest_by_oracle(lambda q: None if 2 < q < 3 else (-1 if q <= 2 else 1)) is None
    assert simplest_by_oracle(lambda q: -1 if q * q < 2 else 1, max_calls=200) is None
