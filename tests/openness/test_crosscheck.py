"""Cross-check: the exact, certified verdict of exactopen.openness.pair.decide_pair against the
independent numerical probe exactopen.numeric.probe.

Random small instances with integer entries in [-2, 2] and controlled ranks (seeded), in
both regimes (k >= min(m, n): prop-4; k < min(m, n): thm-5), with zero factors, rank
mismatches and non-trivial intersections N(W1) ∩ C(W2).  For every instance:

* the certificate of the exact verdict must be accepted by the trusted checker;
* the probe's verdict must not contradict it (an "inconclusive" probe skips the instance,
  but inconclusive instances must stay rare);
* where the certificate carries a concrete obstruction (targets W1W2 + δR that every
  preimage reaches only by moving a factor by at least sqrt(bound)), no preimage the probe
  finds for those targets may be smaller -- one would refute the certificate.

The default run covers 40 instances; ``-m slow`` runs 300 more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq_mat, fmpz_mat

from exactopen.numeric.probe import probe_openness

KINDS = ("big", "small", "small-equal", "zero", "mismatch", "intersect", "small-equal-meet",
         "big-meet")
MAX_INCONCLUSIVE = 0.2


# --------------------------------------------------------------------------------------
# instances


def _ints(rng, a, b, lo=-2, hi=2):
    return rng.integers(lo, hi + 1, size=(a, b))


def _low_rank(rng, a, b, r):
    """An a x b integer matrix of rank <= r (a product through r dimensions)."""
    if r == 0:
        return np.zeros((a, b), dtype=np.int64)
    return _ints(rng, a, r) @ _ints(rng, r, b)


def _exact_rank(r, a, b, rng):
    """Like _low_rank but retried until the rank is exactly r (fmpz arithmetic)."""
    for _ in range(50):
        M = _low_rank(rng, a, b, r)
        if _rank(M) == r:
            return M
    return M


def _rank(M) -> int:
    return fmpz_mat([[int(v) for v in row] for row in M]).rank() if M.size else 0


def _nullspace(W) -> np.ndarray:
    """Integer basis (columns) of N(W), via flint (independent of exactopen.exact.linalg)."""
    X, nullity = fmpz_mat([[int(v) for v in row] for row in W]).nullspace()
    cols = [[int(X[i, j]) for i in range(W.shape[1])] for j in range(nullity)]
    return np.array(cols, dtype=np.int64).T if cols else np.zeros((W.shape[1], 0), np.int64)


def _shape(rng, regime):
    if regime == "small":                                # k < min(m, n)
        k = int(rng.integers(1, 3))
        return int(rng.integers(k + 1, 5)), k, int(rng.integers(k + 1, 5))
    m, n = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    return m, int(rng.integers(min(m, n), 5)), n          # k >= min(m, n)


def make_instance(rng, kind):
    regime = {"big": "big", "small": "small", "small-equal": "small", "small-equal-meet": "small",
              "big-meet": "big"}.get(kind, "small" if rng.random() < 0.5 else "big")
    m, k, n = _shape(rng, regime)
    if kind == "big-meet":                  # k >= min(m,n) and N(W1)∩C(W2) != 0 (prop-4 (3))
        while True:
            W1, W2 = make_instance(rng, "intersect")
            if facts(W1, W2).regime == "k>=min":
                return W1, W2
    if kind == "small-equal-meet":          # k < min(m,n), rank W1 = rank W2, N(W1)∩C(W2) != 0
        while True:
            W1, W2 = make_instance(rng, "intersect")
            f = facts(W1, W2)
            if f.r1 == f.r2 and f.regime == "k<min":
                return W1, W2
    if kind == "small-equal":                            # equal ranks: thm-5 (iii) decides
        r = int(rng.integers(0, k + 1))
        return _exact_rank(r, m, k, rng), _exact_rank(r, k, n, rng)
    if kind == "zero":
        W1 = _low_rank(rng, m, k, int(rng.integers(0, min(m, k) + 1)))
        W2 = _low_rank(rng, k, n, int(rng.integers(0, min(k, n) + 1)))
        u = rng.random()
        return (0 * W1, W2) if u < 0.4 else (W1, 0 * W2) if u < 0.8 else (0 * W1, 0 * W2)
    if kind == "mismatch":                               # rank W1 != rank W2
        pairs = [(a, b) for a in range(min(m, k) + 1) for b in range(min(k, n) + 1) if a != b]
        r1, r2 = pairs[int(rng.integers(len(pairs)))]
        return _exact_rank(r1, m, k, rng), _exact_rank(r2, k, n, rng)
    if kind == "intersect":                              # N(W1) ∩ C(W2) != 0
        while True:
            m, k, n = _shape(rng, regime)
            W1 = _low_rank(rng, m, k, int(rng.integers(0, min(m, k))))
            N = _nullspace(W1)
            s = int(rng.integers(1, N.shape[1] + 1))
            W2 = N[:, :s] @ _ints(rng, s, n, -1, 1)
            if rng.random() < 0.5:
                W2 = W2 + _low_rank(rng, k, n, 1)
            if facts(W1, W2).inter > 0:
                return W1, W2
    W1 = _low_rank(rng, m, k, int(rng.integers(0, min(m, k) + 1)))
    W2 = _low_rank(rng, k, n, int(rng.integers(0, min(k, n) + 1)))
    return W1, W2


def _fmpq(W) -> fmpq_mat:
    return fmpq_mat(W.shape[0], W.shape[1], [int(v) for v in W.ravel()])


@dataclass
class Facts:
    m: int
    k: int
    n: int
    r1: int
    r2: int
    inter: int          # dim N(W1) ∩ C(W2) = rank W2 - rank W1W2

    @property
    def regime(self):
        return "k>=min" if self.k >= min(self.m, self.n) else "k<min"


def facts(W1, W2) -> Facts:
    r2 = _rank(W2)
    return Facts(W1.shape[0], W1.shape[1], W2.shape[1], _rank(W1), r2, r2 - _rank(W1 @ W2))


# --------------------------------------------------------------------------------------
# the cross-check


@dataclass
class Record:
    i: int
    kind: str
    W1: np.ndarray
    W2: np.ndarray
    facts: Facts
    exact: str
    probe: str
    summary: str
    seconds: float
    bound_violation: str | None = None

    def describe(self):
        return (f"#{self.i} [{self.kind}, {self.facts}] exact={self.exact} probe={self.probe}\n"
                f"  W1={self.W1.tolist()}\n  W2={self.W2.tolist()}\n  {self.summary}")


def _obstruction(cert):
    ob = cert.get("evidence", {}).get("obstruction")
    if not ob:
        return None
    R = np.array([[float(Fraction(v)) for v in row] for row in ob["R"]["rows"]], dtype=float)
    return R, float(Fraction(ob["bound"]))


def run_crosscheck(count: int, seed: int) -> list[Record]:
    from exactopen.kernel import check
    from exactopen.openness.pair import decide_pair

    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        W1, W2 = make_instance(rng, kind)
        res = decide_pair(_fmpq(W1), _fmpq(W2))
        assert res.verdict in ("locally_open", "not_locally_open"), res.verdict
        check(res.certificate)                    # raises if the checker rejects it
        ob = _obstruction(res.certificate)
        directions = [ob[0]] if ob is not None else []
        pr = probe_openness(W1, W2, seed=seed * 100003 + i, directions=directions)
        rec = Record(i, kind, W1, W2, facts(W1, W2), res.verdict, pr.verdict, pr.summary(),
                     pr.seconds)
        if ob is not None:
            floor = math.sqrt(ob[1])
            for t in pr.targets:
                if t.kind == "given" and min(t.eps) < floor * (1 - 1e-6):
                    rec.bound_violation = (f"probe reached W1W2 + dR with max(|A|,|B|) = "
                                           f"{min(t.eps):.6g} < sqrt(bound) = {floor:.6g}")
        out.append(rec)
    return out


def _assert_consistent(records: list[Record]):
    disagree = [r for r in records if r.probe not in ("inconclusive", r.exact)]
    inconclusive = [r for r in records if r.probe == "inconclusive"]
    violations = [r for r in records if r.bound_violation]
    assert not disagree, "exact verdict and probe disagree:\n" + "\n".join(
        r.describe() for r in disagree)
    assert not violations, "a certified obstruction bound is beaten by the probe:\n" + "\n".join(
        r.describe() + "\n  " + r.bound_violation for r in violations)
    assert len(inconclusive) <= MAX_INCONCLUSIVE * len(records), (
        f"{len(inconclusive)}/{len(records)} inconclusive:\n"
        + "\n".join(r.describe() for r in inconclusive))


def _assert_coverage(records: list[Record]):
    F = [r.facts for r in records]
    verdict = {r.exact for r in records}
    assert verdict == {"locally_open", "not_locally_open"}
    for regime in ("k>=min", "k<min"):
        for v in ("locally_open", "not_locally_open"):
            count = sum(r.facts.regime == regime and r.exact == v for r in records)
            assert count >= 0.05 * len(records), (regime, v, count)
    assert any(f.r1 == 0 or f.r2 == 0 for f in F)                         # zero factors
    assert any(f.r1 == 0 and f.r2 == 0 for f in F)                        # both zero
    assert any(f.r1 != f.r2 and f.regime == "k<min" for f in F)           # thm-5 mismatch
    assert any(f.r1 != f.r2 and f.regime == "k>=min" for f in F)
    for regime in ("k>=min", "k<min"):                                    # N(W1)∩C(W2) != 0
        assert any(f.inter > 0 and f.regime == regime for f in F), regime
    assert any(f.inter > 0 and f.r1 == f.r2 and f.regime == "k<min" for f in F)


def test_crosscheck_default():
    records = run_crosscheck(40, seed=2024)
    _assert_coverage(records)
    _assert_consistent(records)


@pytest.mark.slow
def test_crosscheck_slow():
    records = run_crosscheck(300, seed=7)
    _assert_coverage(records)
    _assert_consistent(records)


def test_generator_is_seeded_and_controls_ranks():
    a = [make_instance(np.random.default_rng(5), kd) for kd in KINDS]
    b = [make_instance(np.random.default_rng(5), kd) for kd in KINDS]
    assert all((x[0] == y[0]).all() and (x[1] == y[1]).all() for x, y in zip(a, b))
    rng = np.random.default_rng(11)
    for _ in range(20):
        W1, W2 = make_instance(rng, "mismatch")
        assert _rank(W1) != _rank(W2)
        W1, W2 = make_instance(rng, "intersect")
        assert facts(W1, W2).inter > 0
        W1, W2 = make_instance(rng, "small-equal")
        f = facts(W1, W2)
        assert f.r1 == f.r2 and f.regime == "k<min"
        W1, W2 = make_instance(rng, "small-equal-meet")
        f = facts(W1, W2)
        assert f.r1 == f.r2 and f.inter > 0 and f.regime == "k<min"
        W1, W2 = make_instance(rng, "big-meet")
        f = facts(W1, W2)
        assert f.inter > 0 and f.regime == "k>=min"
