"""Adversarial certificates against issue 24's new checker code (helper adv24): the arguments
``rank-criterion`` (Theorem C16, ``chain-rank-criterion``) and ``gap-free`` (Lemma C9,
``chain-gap-free``) of ``chain_openness`` (kernel/chain_lemmas.py, kernel/openness.py), nested in
``reduce`` and in ``symbolic_chain_openness`` cells, the cost of the ranks the checker recomputes
(kernel/work.py) and the atlas check (``python -m exactopen.report.chain_atlas --check``).

A forger edits accepted certificates by hand, restates the claim as the checker derives it
(``kernel.statement``), and tries to have a false statement accepted, or to make the check crash or
run far beyond its budget.  Every attack here must end in a one-line rejection.

Holes found and fixed (see the report of branch adv24):
* the exact rank of a rank-deficient dense matrix took FLINT up to 16 times the work it was charged
  (``charpoly_cost``): a 2.5 MB ``rank-criterion`` certificate whose partial products are dense,
  rank-deficient, with ~2,000-bit entries ran 102 s of CPU on 22 s of budget.  ``ZM.rank`` now
  computes the rank modulo 2^61 - 1 first and charges the exact rank as a fraction-free elimination;
* a ``rank-criterion`` / ``gap-free`` certificate could be filed under ``claim_id`` lem-10;
* the atlas check did not compare a row's intervals (the class label of the README tables), its
  constants or its fields with the certificate, and ended in a traceback.
"""

from __future__ import annotations

import copy
import gzip
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flint import fmpq_mat, fmpz_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen import kernel
from exactopen.exact import matrix as mx
from exactopen.kernel.work import METER, RANK_PRIME, ZM, OverBudget
from exactopen.openness.chain import (
    chain_classes,
    class_widths,
    decide_chain,
    rank_profile_of,
    rate_bound,
)
from exactopen.openness.chain_criterion import candidate
from tests.openness.test_chain_gap_free import GAP_FREE, GAPPED
from tests.openness.test_chain_rank_criterion import ONLY_R, dense_class

ROOT = Path(__file__).resolve().parents[2]


def _restate(c: dict) -> dict:
    """The forger's last step: the claim sentence as the checker derives it (if it derives one)."""
    try:
        c["claim"] = kernel.statement(c)
    except kernel.Rejected:
        pass
    return c


def _forge(cert: dict, layers, argument: str, preimage: str | None = None) -> dict:
    """cert (a degenerate chain of h >= 3) restated as 'locally open by <argument>', with a valid
    Lemma C5 rate and the claim sentence restated."""
    c = copy.deepcopy(cert)
    rate = c["evidence"].get("rate") or rate_bound(layers)
    c["evidence"] = {"rank_product": c["evidence"]["rank_product"], "rate": rate}
    res = c["result"]
    res.pop("preimage_rate", None)
    res.update(verdict="locally_open", argument=argument, rate=f"1/{rate['p']}")
    if preimage is not None:
        res["preimage_rate"] = preimage
    c["claim_id"] = "chain-openness"
    return _restate(c)


def _first_failing(h: int, w: int, count: int) -> list:
    """The first ``count`` degenerate classes (z < e) of h layers, widths <= w, where (R) fails."""
    out = []
    for mult in chain_classes(h, w):
        d = class_widths(h, mult)
        ok, bad = candidate(d, rank_profile_of(h, mult))
        if not ok and mult.get((0, h), 0) < min(d):
            out.append((mult, bad))
            if len(out) == count:
                break
    return out


# ----------------------------------------------------------------------------------------------
# 1. the arguments claimed where they do not hold
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("h,w", [(3, 3), (4, 2), (5, 2)])
def test_rank_criterion_and_gap_free_where_R_fails_dense_basis(h, w):
    """Classes failing (R) (not open by Lemma C8), in a dense random basis: both claims refused."""
    for i, (mult, bad) in enumerate(_first_failing(h, w, 3)):
        layers = dense_class(h, mult, 100 + i)
        v, _, cert = decide_chain(layers)
        assert v == "not_locally_open"
        with pytest.raises(kernel.Rejected, match=f"fails at k = {bad[0]}"):
            kernel.check(_forge(cert, layers, "rank-criterion"))
        with pytest.raises(kernel.Rejected, match="not gap-free|rate"):
            kernel.check(_forge(cert, layers, "gap-free", "1/1"))


def test_gap_free_at_a_gapped_open_class_is_rejected():
    """(N, N, N) satisfies (R) (open) but has a gap: gap-free (upper exponent 1) must be refused,
    with the honest C5 rate (p = 2) and with the weakest one (p = 1)."""
    layers = dense_class(3, GAPPED, 7)
    _, _, cert = decide_chain(layers)
    assert cert["result"]["argument"] == "rank-criterion"
    forged = _forge(cert, layers, "gap-free", "1/1")
    with pytest.raises(kernel.Rejected, match="not gap-free at k = 1"):
        kernel.check(forged)
    weak = copy.deepcopy(forged)
    weak["evidence"]["rate"] = {k: v for k, v in weak["evidence"]["rate"].items() if k != "maximal"}
    weak["evidence"]["rate"]["p"] = 1
    weak["result"]["rate"] = "1/1"
    with pytest.raises(kernel.Rejected, match="not gap-free at k = 1"):
        kernel.check(_restate(weak))


def _zero_chain(h: int, n: int, argument: str) -> dict:
    """h layers n x n, all zero except the identity W_2 (so the product is 0, its evidence trivial)."""
    zero = {"shape": [n, n], "rows": [["0"] * n for _ in range(n)]}
    eye = {"shape": [n, n], "rows": [["1" if i == j else "0" for j in range(n)] for i in range(n)]}
    layers = [copy.deepcopy(eye if i == 1 else zero) for i in range(h)]
    res = {"verdict": "locally_open", "widths": [n] * (h + 1), "rank": 0, "argument": argument, "rate": "1/1"}
    if argument == "gap-free":
        res["preimage_rate"] = "1/1"
    return {"format": "exactopen-certificate", "version": 2, "kind": "chain_openness", "claim": "",
            "claim_id": "chain-openness", "generator": {"name": "adv24", "version": "0"},
            "inputs": {"layers": layers}, "result": res,
            "evidence": {"rank_product": {"minor": {"rows": [], "cols": []},
                                          "annihilator": {"side": "right", "basis": eye, "minor_rows": list(range(n))}},
                         "rate": {"p": 1, "F": eye, "entry": [0, 0], "constant": "1"}}}


@pytest.mark.parametrize("argument", ["rank-criterion", "gap-free"])
@pytest.mark.parametrize("h,match", [(1, "h = 1|rate"), (2, "h = 2 is a pair"), (3, "R|gap-free|rate"),
                                     (64, "R|gap-free|rate")])
def test_zero_chains_of_1_2_3_and_64_layers(argument, h, match):
    """Zero chains (not open: (R) fails) of 1, 2, 3 and 64 layers: refused in one line."""
    with pytest.raises(kernel.Rejected, match=match):
        kernel.check(_restate(_zero_chain(h, 2, argument)))


@pytest.mark.parametrize("argument", ["rank-criterion", "gap-free"])
def test_claimed_at_a_non_degenerate_chain(argument):
    """z = e: the argument must be lem-10."""
    layers = dense_class(3, {(0, 3): 2, (1, 3): 1}, 5)
    v, _, cert = decide_chain(layers)
    assert cert["result"]["argument"] == "lem-10"
    c = copy.deepcopy(cert)
    c["result"]["argument"] = argument
    if argument == "gap-free":
        c["result"]["preimage_rate"] = "1/1"
    with pytest.raises(kernel.Rejected, match="lem-10|preimage_rate"):
        kernel.check(_restate(c))


# ----------------------------------------------------------------------------------------------
# 2. hand edits of honest certificates
# ----------------------------------------------------------------------------------------------

def _honest(mult, seed, argument):
    v, _, cert = decide_chain(dense_class(3, mult, seed))
    assert v == "locally_open" and cert["result"]["argument"] == argument
    kernel.check(cert)
    return cert


RC = _honest(ONLY_R, 3, "rank-criterion")
GF = _honest(GAP_FREE, 5, "gap-free")


@pytest.mark.parametrize("value", ["1/01", " 1/1", "1/1 ", "2/2", "1", "01/1", "+1/1", "1/1.0", "1/1\u0000", 1, None,
                                   ["1/1"], "1/2"])
def test_gap_free_preimage_rate_formats(value):
    c = copy.deepcopy(GF)
    c["result"]["preimage_rate"] = value
    with pytest.raises(kernel.Rejected, match="preimage_rate"):
        kernel.check(_restate(c))


@pytest.mark.parametrize("edit,match", [
    (lambda c: c["result"].pop("preimage_rate"), "preimage_rate"),
    (lambda c: c["result"].update(rate="1/2"), "rate"),
    (lambda c: c["result"].update(rank=0), "rank"),
    (lambda c: c["result"].update(rank="1"), "rank"),
    (lambda c: c["result"].update(argument="rank-criterion"), "preimage_rate"),
    (lambda c: c["evidence"].pop("rate"), "rate"),
    (lambda c: c["evidence"].update(gap_free={"k": 1}), "unknown field"),
    (lambda c: c["evidence"].update(split={}), "does not read"),
    (lambda c: c["evidence"].update(family={}), "family"),
    (lambda c: c["result"].update(upper_rate="1/1"), "does not read"),
    (lambda c: c.update(claim_id="lem-10"), "claim_id"),
])
def test_gap_free_tampered(edit, match):
    c = copy.deepcopy(GF)
    edit(c)
    with pytest.raises(kernel.Rejected, match=match):
        kernel.check(_restate(c))


def test_gap_free_with_a_rate_of_p_2_from_another_chain_is_rejected():
    """A C5 rate saying p >= 2 at a gap-free chain (it would contradict the upper exponent 1)."""
    layers = dense_class(3, GAPPED, 7)
    _, _, other = decide_chain(layers)
    c = copy.deepcopy(GF)
    c["evidence"]["rate"] = copy.deepcopy(other["evidence"]["rate"])
    c["result"]["rate"] = "1/2"
    with pytest.raises(kernel.Rejected, match="rate"):
        kernel.check(_restate(c))


@pytest.mark.parametrize("edit,match", [
    (lambda c: c["result"].update(preimage_rate="1/1"), "preimage_rate"),
    (lambda c: c["result"].update(preimage_rate="1/2"), "preimage_rate"),
    (lambda c: c["result"].update(rank=1), "rank"),
    (lambda c: c["result"].update(rank=True), "rank"),
    (lambda c: c["result"].update(widths=[2, 3, 3, 3]), "widths"),
    (lambda c: c["result"].update(argument="Rank-criterion"), "argument"),
    (lambda c: c["result"].update(argument="rank-criterion "), "argument"),
    (lambda c: c["result"].update(verdict="piecewise"), "proves local openness"),
    (lambda c: c["evidence"].update(ranks={"a": [1, 0]}), "unknown field"),
    (lambda c: c["evidence"].update(reduce={}), "reduce|preimage_rate"),
    (lambda c: c["result"].update(a_k=[1, 0]), "does not read"),
    (lambda c: c.update(claim_id="lem-10"), "claim_id"),
    (lambda c: c.update(claim_id="chain-rank-criterion"), "claim_id"),
])
def test_rank_criterion_tampered(edit, match):
    c = copy.deepcopy(RC)
    edit(c)
    with pytest.raises(kernel.Rejected, match=match):
        kernel.check(_restate(c))


# ----------------------------------------------------------------------------------------------
# 3. nested: reduce (Lemma C10) over a rank-criterion / gap-free chain, symbolic chain cells
# ----------------------------------------------------------------------------------------------

def _plus_identity(layers):
    """The chain plus one full summand (the identity path on a last coordinate of every node)."""
    out = []
    for W in layers:
        m, n = W.nrows(), W.ncols()
        M = fmpq_mat(m + 1, n + 1)
        for i in range(m):
            for j in range(n):
                M[i, j] = W[i, j]
        M[m, n] = 1
        out.append(M)
    return out


def _reduce_cert(mult, seed):
    red_layers = dense_class(3, mult, seed)
    _, _, red = decide_chain(red_layers)
    _, _, full = decide_chain(_plus_identity(red_layers))
    c = copy.deepcopy(full)
    c["result"]["argument"] = "reduce"
    c["result"].pop("preimage_rate", None)
    if "preimage_rate" in red["result"]:
        c["result"]["preimage_rate"] = red["result"]["preimage_rate"]
    c["evidence"] = {"rank_product": c["evidence"]["rank_product"], "rate": c["evidence"]["rate"],
                     "reduce": {"full": [[d - 1 for d in c["result"]["widths"]]], "reduced": red}}
    return _restate(c), red


@pytest.mark.parametrize("mult,seed,theorem", [(ONLY_R, 3, "chain-rank-criterion"), (GAP_FREE, 5, "chain-gap-free")])
def test_reduce_over_the_new_arguments(mult, seed, theorem):
    c, red = _reduce_cert(mult, seed)
    assert {t["id"] for t in kernel.explain(c)["theorems"]} == {theorem, "chain-full-removal"}
    wrong = "1/2" if "preimage_rate" in red["result"] else "1/1"
    for edit in (lambda x: x["result"].update(preimage_rate=wrong),
                 lambda x: x["result"].pop("preimage_rate", None) if "preimage_rate" in red["result"] else
                 x["result"].update(preimage_rate="1/1")):
        bad = copy.deepcopy(c)
        edit(bad)
        with pytest.raises(kernel.Rejected, match="preimage_rate"):
            kernel.check(_restate(bad))
    other, _ = _reduce_cert(GAP_FREE if mult is ONLY_R else ONLY_R, 11)
    bad = copy.deepcopy(c)
    bad["evidence"]["reduce"]["reduced"] = other["evidence"]["reduce"]["reduced"]
    with pytest.raises(kernel.Rejected, match="not the outer certificate's matrix"):
        kernel.check(_restate(bad))
    bad = copy.deepcopy(c)
    sub = bad["evidence"]["reduce"]["reduced"]
    if sub["result"]["argument"] == "rank-criterion":
        sub["result"].update(argument="gap-free", preimage_rate="1/1")
        bad["result"]["preimage_rate"] = "1/1"
    else:
        sub["result"]["argument"] = "rank-criterion"
        sub["result"].pop("preimage_rate")
        bad["result"].pop("preimage_rate")
    _restate(sub)
    if sub["result"]["argument"] == "gap-free":  # the reduced ONLY_R chain has a gap
        with pytest.raises(kernel.Rejected, match="not gap-free"):
            kernel.check(_restate(bad))
    else:  # a true statement ((R) holds at a gap-free class): accepted, and no upper rate carried
        kernel.check(_restate(bad))
        assert "chain-rank-criterion" in {t["id"] for t in kernel.explain(bad)["theorems"]}


def _symbolic():
    from exactopen.openness.chain_parametric import stratify_chain

    return stratify_chain([[["0", "0"], ["x", "0"]], [["0", "0"], ["1", "y"]], [["0", "0"], ["1", "0"]]]).certificate


def _leaves(t, out):
    if "class_certificate" in t:
        out.append(t)
    for k, v in t.items():
        if isinstance(v, dict) and k != "class_certificate":
            _leaves(v, out)
    return out


def test_symbolic_chain_cells():
    """A not-open cell's class certificate forged as rank-criterion, or replaced by the (N, N, N)
    rank-criterion certificate, or two cells' certificates swapped: refused.  The (N, N, N) cell's
    certificate replaced by a dense-basis (N, N, N) rank-criterion certificate: accepted (same class,
    Lemma C6)."""
    sym = _symbolic()
    kernel.check(sym)
    cells = [c["verdict"] for c in sym["result"]["cells"]]
    leaves = _leaves(sym["evidence"]["tree"], [])
    closed = [i for i, t in enumerate(leaves) if t["class_certificate"]["result"]["verdict"] == "not_locally_open"]
    assert closed and "not_locally_open" in cells
    layers = dense_class(3, GAPPED, 7)
    _, _, nnn = decide_chain(layers)

    c = copy.deepcopy(sym)
    cc = _leaves(c["evidence"]["tree"], [])[closed[0]]["class_certificate"]
    vs = [mx.from_json(L) for L in cc["inputs"]["layers"]]
    cc.update(_forge(cc | {"evidence": {"rank_product": cc["evidence"]["rank_product"]}}, vs, "rank-criterion"))
    for cell in c["result"]["cells"]:
        cell["verdict"] = "locally_open"
    with pytest.raises(kernel.Rejected, match="fails at k"):
        kernel.check(_restate(c))

    c = copy.deepcopy(sym)
    leaf = _leaves(c["evidence"]["tree"], [])[closed[0]]
    leaf["class_certificate"] = copy.deepcopy(nnn)
    with pytest.raises(kernel.Rejected, match="another rank|cells differ"):
        kernel.check(_restate(c))

    c = copy.deepcopy(sym)
    ls = _leaves(c["evidence"]["tree"], [])
    ls[0]["class_certificate"], ls[-1]["class_certificate"] = ls[-1]["class_certificate"], ls[0]["class_certificate"]
    with pytest.raises(kernel.Rejected, match="another rank|other widths"):
        kernel.check(_restate(c))

    c = copy.deepcopy(sym)
    ls = _leaves(c["evidence"]["tree"], [])
    nnn_cell = [i for i, t in enumerate(ls) if t["class_certificate"]["result"]["verdict"] == "locally_open"
                and [mx.from_json(L).rank() for L in t["class_certificate"]["inputs"]["layers"]] == [1, 1, 1]]
    if nnn_cell:
        ls[nnn_cell[0]]["class_certificate"] = copy.deepcopy(nnn)
        try:
            kernel.check(_restate(c))
        except kernel.Rejected as exc:  # another class with ranks [1, 1, 1]: then it must be the ranks
            assert "another rank" in str(exc)


# ----------------------------------------------------------------------------------------------
# 4. bounded work: the ranks of dense rank-deficient partial products
# ----------------------------------------------------------------------------------------------

def _deficient_chain(n: int, r: int, bits: int, seed: int = 1) -> dict:
    """h = 3: W_1 = 0, W_2 dense with entries of ``bits`` bits, W_3 = A B of rank r (small entries):
    the product is 0 (trivial rank evidence) and rank W_3 W_2 = r is a dense rank-deficient matrix
    with entries of about ``bits`` bits, which the checker recomputes for (R)."""
    rng = random.Random(seed)
    A = [[rng.randint(-3, 3) for _ in range(r)] for _ in range(n)]
    B = [[rng.randint(-3, 3) for _ in range(n)] for _ in range(r)]
    W3 = [[str(sum(A[i][t] * B[t][j] for t in range(r))) for j in range(n)] for i in range(n)]
    W2 = [[str(rng.getrandbits(bits) - (1 << (bits - 1))) for _ in range(n)] for _ in range(n)]
    c = _zero_chain(3, n, "rank-criterion")
    c["inputs"]["layers"][1] = {"shape": [n, n], "rows": W2}
    c["inputs"]["layers"][2] = {"shape": [n, n], "rows": W3}
    return c


def test_dense_rank_deficient_products_are_refused_by_the_meter(tmp_path):
    """Before the fix this file (2.8 MB) was within budget (about 3.4e9 units charged for the rank of
    W_3 W_2, 96 x 96 of rank 48 with ~1,000-bit entries) and FLINT took about 32 s of CPU on it;
    now the rank is charged as a fraction-free elimination and refused before it runs, in one line."""
    path = tmp_path / "deficient.json"
    path.write_text(json.dumps(_deficient_chain(96, 48, 1000), separators=(",", ":")))
    out = subprocess.run([sys.executable, "-m", "exactopen.kernel", str(path)], capture_output=True, text=True,
                         cwd=ROOT, timeout=600)
    assert out.returncode == 1 and out.stderr == ""
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1 and "REJECTED" in lines[0] and "fraction-free elimination" in lines[0] and "budget" in lines[0]


def test_small_deficient_products_are_still_checked():
    """The same construction at a small size is checked to the end: the ranks are computed
    (b_k = rank W_3 W_2 = rank W_3 = 3), (R) holds (W_2 is invertible), and with its Lemma C5 rate
    the certificate is accepted."""
    c = _deficient_chain(6, 3, 40)
    layers = [mx.from_json(L) for L in c["inputs"]["layers"]]
    rate = rate_bound(layers)
    c["evidence"]["rate"] = rate
    c["result"]["rate"] = f"1/{rate['p']}"
    text = kernel.check(_restate(c))
    assert "a_k = [0, 0], b_k = [3, 3]" in text and "Theorem C16" in text


@st.composite
def _integer_matrices(draw):
    m, n = draw(st.integers(0, 6)), draw(st.integers(0, 6))
    kind = draw(st.sampled_from(["dense", "product", "multiple_of_p", "mixed"]))
    big = st.integers(-(2 ** 130), 2 ** 130) | st.integers(-3, 3)
    if kind == "product" and m and n:
        r = draw(st.integers(1, min(m, n)))
        A = fmpz_mat(m, r, draw(st.lists(big, min_size=m * r, max_size=m * r)))
        B = fmpz_mat(r, n, draw(st.lists(big, min_size=r * n, max_size=r * n)))
        return A * B
    xs = draw(st.lists(big, min_size=m * n, max_size=m * n))
    if kind == "multiple_of_p":  # rank 0 modulo the prime, any rank over Q
        xs = [x * RANK_PRIME for x in xs]
    elif kind == "mixed" and xs:  # one row off the prime's multiples
        xs = [x * RANK_PRIME if i >= n else x for i, x in enumerate(xs)]
    return fmpz_mat(m, n, xs)


@settings(max_examples=150, deadline=None)
@given(_integer_matrices())
def test_rank_modulo_the_prime_then_exact_equals_flint(M):
    """ZM.rank (modulo 2^61 - 1 first, then exact) is FLINT's exact rank, also for matrices whose
    rank drops modulo that prime (the shortcut is taken only at full rank)."""
    assert ZM.wrap(M).rank() == M.rank()


def test_rank_charge_refuses_a_deficient_matrix_beyond_the_budget():
    rng = random.Random(3)
    n, r = 80, 40
    A = fmpz_mat(n, r, [rng.randint(-3, 3) for _ in range(n * r)])
    B = fmpz_mat(r, n, [rng.getrandbits(1200) for _ in range(n * r)])
    Z = ZM.wrap(A * B)
    METER.start(1, 10 ** 9, 10 ** 10)
    try:
        with pytest.raises(OverBudget, match="fraction-free elimination"):
            Z.rank()
    finally:
        METER.stop()
    full = ZM.wrap(fmpz_mat(n, n, [rng.getrandbits(1200) for _ in range(n * n)]))
    METER.start(1, 10 ** 9, 10 ** 10)
    try:
        assert full.rank() == n  # full rank modulo the prime: no elimination charged
    finally:
        METER.stop()


# ----------------------------------------------------------------------------------------------
# 5. cross-check on the atlases; the atlas check
# ----------------------------------------------------------------------------------------------

def _atlas(name: str):
    folder = ROOT / "certificates" / "chains"
    plain = folder / f"{name}.jsonl"
    text = plain.read_text() if plain.exists() else gzip.decompress((folder / f"{name}.jsonl.gz").read_bytes()).decode()
    rows = [json.loads(x) for x in text.splitlines()]
    with gzip.open(ROOT / "certificates" / "chains" / f"{name}.certificates.jsonl.gz", "rt", encoding="utf-8") as f:
        certs = [json.loads(x) for x in f.read().splitlines()]
    return list(zip(rows, certs))


@pytest.mark.parametrize("name", ["h3-w3", "h4-w2", pytest.param("h3-w4", marks=pytest.mark.slow),
                                  pytest.param("h4-w3", marks=pytest.mark.slow),
                                  pytest.param("h5-w2", marks=pytest.mark.slow)])
def test_atlas_no_theorem_free_non_openness_is_contradicted(name):
    """At every class certified not open theorem-free (C3 obstruction / C4 grouping), the forged
    rank-criterion and gap-free claims are refused; at every gap-free row, the forged rank-criterion
    claim is accepted (gap-free => open => (R), Lemma C8): the trusted steps agree with the
    theorem-free ones on the whole atlas."""
    closed = gapfree = 0
    for row, cert in _atlas(name):
        if row["argument"] in ("obstruction", "grouping"):
            layers = [mx.from_json(L) for L in cert["inputs"]["layers"]]
            if rate_bound(layers) is None:
                continue
            for arg, pre in (("rank-criterion", None), ("gap-free", "1/1")):
                with pytest.raises(kernel.Rejected):
                    kernel.check(_forge(cert, layers, arg, pre))
            closed += 1
        elif row["argument"] == "gap-free":
            layers = [mx.from_json(L) for L in cert["inputs"]["layers"]]
            assert "Theorem C16" in kernel.check(_forge(cert, layers, "rank-criterion"))
            gapfree += 1
    assert closed > 200 and gapfree > 0


def test_atlas_check_compares_intervals_and_constants(tmp_path):
    from exactopen.report import chain_atlas

    src = ROOT / "certificates" / "chains"
    for f in ("h4-w2.jsonl", "h4-w2.certificates.jsonl.gz"):
        shutil.copy(src / f, tmp_path / f)
    rows = (tmp_path / "h4-w2.jsonl").read_text().splitlines()
    i = next(k for k, x in enumerate(rows) if json.loads(x)["argument"] == "gap-free")
    clean = rows[:]
    for key, value in (("intervals", None), ("rate_constant", "1000"), ("preimage_constant", "1/7"), ("extra", 1),
                       ("h", 3)):
        rows = clean[:]
        row = json.loads(rows[i])
        if key == "intervals":  # another class: move a summand, keep the widths
            iv = dict(row["intervals"])
            k0 = next(iter(iv))
            iv[k0] -= 1
            if iv[k0] == 0:
                del iv[k0]
            iv["9-9"] = 1
            row["intervals"] = iv
        else:
            row[key] = value
        rows[i] = json.dumps(row)
        (tmp_path / "h4-w2.jsonl").write_text("\n".join(rows) + "\n")
        with pytest.raises(AssertionError):
            chain_atlas.check(str(tmp_path), limit=i + 1, which=((4, 2),))
    out = subprocess.run([sys.executable, "-m", "exactopen.report.chain_atlas", "--check", "--only=h4-w2", str(tmp_path)],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 1 and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    (tmp_path / "h4-w2.jsonl").write_text("\n".join(clean) + "\n")
    assert chain_atlas.check(str(tmp_path), limit=i + 1, which=((4, 2),)) == {"h4-w2": i + 1}
