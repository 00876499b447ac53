"""Attack round on the checker of preimage families (kernel/chain_family.py, the ``family``
argument of chain_openness; docs/chains.md "Preimage families").

Budget (found): every term and every Laurent key carried a dense exponent vector of m n entries,
built, hashed and compared in Python but charged as one entry: a 38 KB certificate (three dense
40x40 layers, one leaf with no terms) took 14 s to reject, a 1 MB one (a 300x300 zero product,
1,000 terms) 34 s and 740 MB.  Fixed: a family's target has at most FAMILY["entries"] = 256
entries, and keys, comparisons and term bounds are charged per exponent entry.

Soundness (nothing found; the forgeries tried are kept as tests): a family for the 1x1 chain
(0, 0, 0) with p = 1 (Lemma C5 proves p >= 3 is needed) made of constant layers justified by a
test that only holds at t = 1; division by a variable that a passed test does not make nonzero;
multipliers that make c' negative; a raw (non-scale) entry divided by t; a test naming a raw
entry; an impossible leaf refuting |u|^2 or u_1 u_2 instead of |u|; and the guard p >= p'
(Lemma C5) that the kernel now states explicitly.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest
from flint import fmpq, fmpq_mat

from exactopen import kernel
from exactopen.certificate import matrix_json, rank_evidence
from exactopen.exact import linalg
from exactopen.kernel import chain_family, openness
from exactopen.kernel.work import METER

ROOT = Path(__file__).resolve().parents[2]
BASE = json.loads((ROOT / "certificates" / "chain-openness-family.json").read_text())  # chain (1, 1, 0), p = 1


def _rejected(cert, match=None):
    with pytest.raises(kernel.Rejected, match=match):
        kernel.statement(json.dumps(cert))


def _cert(Ws, fam, rate=None):
    """A chain_openness certificate with the argument family (the rate: a placeholder unless given)."""
    dims = [Ws[0].ncols()] + [W.nrows() for W in Ws]
    P = Ws[0]
    for W in Ws[1:]:
        P = W * P
    ev = linalg.rank_evidence(P)
    rate = rate or {"p": 1, "F": matrix_json(fmpq_mat(dims[-1], dims[0])), "entry": [0, 0], "constant": "0"}
    return {"format": "exactopen-certificate", "version": 2, "kind": "chain_openness", "claim": "x",
            "claim_id": "chain-openness", "generator": {"name": "exactopen", "version": "0.1.0"},
            "inputs": {"layers": [matrix_json(W) for W in Ws]},
            "result": {"verdict": "locally_open", "widths": dims, "rank": ev.rank, "argument": "family",
                       "preimage_rate": f"1/{fam['p']}", "rate": f"1/{rate['p']}"},
            "evidence": {"rank_product": rank_evidence(ev), "family": fam, "rate": rate}}


def _leaf(*layers):
    return {"leaf": {"layers": list(layers)}}


def _fam(tree, p=1, constant="1", **extra):
    return {"p": p, "radius": "1", "constant": constant, "tree": tree, **extra}


# ---------------------------------------------------------------------------------------
# bounded work
# ---------------------------------------------------------------------------------------

def _dense_chain(N, seed=1):
    """Three dense random N x N layers, W_1 with a zero row (rank N - 1 < N: degenerate)."""
    rnd = random.Random(seed)
    Ws = []
    for i in range(3):
        M = [[rnd.randint(-3, 3) for _ in range(N)] for _ in range(N)]
        if i == 0:
            M[0] = [0] * N
        Ws.append(fmpq_mat(M))
    return Ws


def test_wide_target_refused_by_the_entries_budget():
    # before: 14 s for N = 40 (38 KB), 1.6 s for N = 20; now refused before any Laurent product
    c = _cert(_dense_chain(17), _fam(_leaf([], [], [])))
    _rejected(c, "256 target entries")


def test_wide_target_in_a_family_node_refused():
    # the budget is in check_family, which also checks the family nodes of splits
    Ws = _dense_chain(17)
    with pytest.raises(kernel.Rejected, match="256 target entries"):
        chain_family.check_family(Ws, [17] * 4, Ws[2] * Ws[1] * Ws[0], _fam(_leaf([], [], [])))


def test_family_node_only_below_the_top_split():
    # (N, N, N, A): a split whose sub-chain (N, N, N) is open onto all matrices by a family;
    # the top node is the pair's split (Lemma C1): a family there is refused
    from exactopen.openness.chain import decide_chain

    N, A = fmpq_mat([[0, 0], [1, 0]]), fmpq_mat([[2, -1], [3, 5]])
    c = decide_chain([N, N, N, A])[2]
    assert kernel.statement(json.dumps(c))
    text = json.dumps(c["evidence"]["split"])
    assert '"how": "family"' in text

    def find(node):
        if node.get("how") == "family":
            return node
        for v in node.values():
            if isinstance(v, dict) and (f := find(v)) is not None:
                return f
        return None

    fam_node = find(c["evidence"]["split"])
    bad = copy.deepcopy(c)
    bad["evidence"]["split"] = {**fam_node, "a": 0, "b": 4}
    _rejected(bad, "sub-chains")


def test_laurent_keys_charged_per_exponent_entry():
    # the largest target allowed (16 x 16, 256 exponents per key): the product of the layers makes
    # 2 * 16^3 products of Laurent polynomials, each charged for its key of 256 exponents
    N = 16
    c = _cert(_dense_chain(N), _fam(_leaf([], [], [])))
    _rejected(c, "differs from the target")
    assert METER.work >= 2 * N ** 3 * N * N * chain_family.KEY


def test_term_bounds_charged_per_exponent_entry():
    # widths [16, 1, 1, 16] (product 0), 16 x 64 terms in W_1: each term's exponent vector and
    # bound run over 256 entries
    N, T = 16, 64
    Ws = [fmpq_mat(1, N), fmpq_mat(1, 1), fmpq_mat(N, 1)]
    ent = [[0, c, [["1", 1, [[s % N, (s // N + c) % N, 1]], []] for s in range(T)]] for c in range(N)]
    _rejected(_cert(Ws, _fam(_leaf(ent, [], []))), "differs from the target")
    assert METER.work >= N * T * N * N * 800


# ---------------------------------------------------------------------------------------
# soundness: forgeries
# ---------------------------------------------------------------------------------------

def test_base_accepted_with_a_test_and_an_impossible_leaf():
    c = copy.deepcopy(BASE)
    leaf = c["evidence"]["family"]["tree"]
    test = {"A": [[0, 0, 1]], "B": [], "beta": "1", "k": 0}  # |u| >= 1, else every |u| < 1: impossible
    c["evidence"]["family"]["tree"] = {"test": test, "yes": leaf, "no": {"impossible": True}}
    assert "locally open" in kernel.statement(json.dumps(c))
    for key, value in [("A", [[0, 0, 2]]), ("beta", "2"), ("k", -1)]:  # |u|^2 < 1 is not read as |u| < 1
        bad = copy.deepcopy(c)
        bad["evidence"]["family"]["tree"]["test"][key] = value
        _rejected(bad, "not impossible")
    bad = copy.deepcopy(c)
    bad["evidence"]["family"]["tree"]["yes"] = {"impossible": True}  # the passed branch refutes nothing
    _rejected(bad, "not impossible")


C5_ROW = {"p": 1, "F": {"shape": [1, 2], "rows": [["1", "0"]]}, "entry": [0, 0], "constant": "1/4",
          "maximal": [[1, 1, 0, 0], [1, 1, 0, 1]]}


def test_impossible_leaf_needs_a_single_variable_test():
    # target 1 x 2: a failed test |u_00 u_01| < 1 does not make both |u_0j| < 1
    Ws = [fmpq_mat([[0, 0]]), fmpq_mat([[1]]), fmpq_mat([[1]])]
    test = {"A": [[0, 0, 1], [0, 1, 1]], "B": [], "beta": "1", "k": 0}
    leaf = _leaf([[0, 0, [["1", 1, [[0, 0, 1]], []]]], [0, 1, [["1", 1, [[0, 1, 1]], []]]]], [], [])
    assert "locally open" in kernel.statement(json.dumps(_cert(Ws, _fam(leaf), C5_ROW)))
    _rejected(_cert(Ws, _fam({"test": test, "yes": leaf, "no": {"impossible": True}}), C5_ROW), "not impossible")
    one = {"A": [[0, 0, 1]], "B": [], "beta": "1", "k": 0}  # |u_00| < 1 alone does not refute max |u| = 1
    _rejected(_cert(Ws, _fam({"test": one, "yes": leaf, "no": {"impossible": True}}), C5_ROW), "not impossible")
    two = {"A": [[0, 1, 1]], "B": [], "beta": "1", "k": 0}  # |u_00| < 1 and |u_01| < 1 do
    tree = {"test": one, "yes": leaf, "no": {"test": two, "yes": leaf, "no": {"impossible": True}}}
    assert "locally open" in kernel.statement(json.dumps(_cert(Ws, _fam(tree), C5_ROW)))


def _zero3():
    return [fmpq_mat([[0]]) for _ in range(3)]


C5_ZERO3 = {"p": 3, "F": {"shape": [1, 1], "rows": [["1"]]}, "entry": [0, 0], "constant": "1"}


def test_rate_below_lemma_c5_refused():
    # (0, 0, 0): Lemma C5 proves every preimage of δ moves a layer by >= δ^(1/3).  A forged p = 1
    # family: D_1 = t u and D_2 = D_3 = 1, the constants bounded by a test 1 >= t^(-1) (t = 1);
    # the other branch (t < 1) cannot bound them
    one = [[0, 0, [["1", 0, [], [[0, 1]]]]]]
    yes = _leaf([[0, 0, [["1", 1, [[0, 0, 1]], []]]]], one, one)
    test = {"A": [], "B": [], "beta": "1", "k": -1}
    for no in (yes, _leaf([[0, 0, [["1", 1, [[0, 0, 1]], []]]]], [[0, 0, [["1", 0, [], []]]]],
                          [[0, 0, [["1", 0, [], []]]]]), {"impossible": True}):
        c = _cert(_zero3(), _fam({"test": test, "yes": yes, "no": no}), C5_ZERO3)
        _rejected(c)


def test_family_rate_beating_lemma_c5_is_a_contradiction(monkeypatch):
    # the guard p >= p' (a family with p < p' would contradict Lemma C5): unreachable by honest
    # checks, so the family check is replaced by one that answers p = 1
    monkeypatch.setattr(openness, "check_family", lambda *a, **k: (1, fmpq(1), fmpq(1), 1))
    c = _cert(_zero3(), {"p": 1}, C5_ZERO3)
    c["result"]["preimage_rate"] = "1/1"
    _rejected(c, "beats Lemma C5")


def _row3():
    """Widths [3, 1, 1, 1], W_1 = [1, 0, 0], W_2 = 1, W_3 = 0: product 0 (1 x 3)."""
    return [fmpq_mat([[1, 0, 0]]), fmpq_mat([[1]]), fmpq_mat([[0]])]


def test_division_by_a_variable_that_can_be_zero_refused():
    # |u_00| >= |u_01| holds at u = (0, 0, 1), where D_1 = [0, t u_01/u_00, t u_02/u_00] is undefined
    test = {"A": [[0, 0, 1]], "B": [[0, 1, 1]], "beta": "1", "k": 0}
    D1 = [[0, 1, [["1", 1, [[0, 1, 1], [0, 0, -1]], [[0, 1]]]]], [0, 2, [["1", 1, [[0, 2, 1], [0, 0, -1]], [[0, 1]]]]]]
    D3 = [[0, 0, [["1", 1, [[0, 0, 1]], []]]]]
    c = _cert(_row3(), _fam({"test": test, "yes": _leaf(D1, [], D3), "no": {"impossible": True}}, p=2))
    _rejected(c, "not known to be nonzero")


def test_multipliers_making_the_remainder_negative_refused():
    # D_3 = t u_00 "bounded" by the test |u_01| <= |u_00|: X - Y = u_01 - u_00, c' = 2 u_00 - u_01
    test = {"A": [[0, 1, 1]], "B": [], "beta": "1", "k": 0}
    D3 = [[0, 0, [["1", 1, [[0, 0, 1]], [[0, 1]]]]]]
    c = _cert(_row3(), _fam({"test": test, "yes": _leaf([], [], D3), "no": _leaf([], [], D3)}))
    _rejected(c, "do not bound the monomial")


def test_scale_block_forgeries_refused():
    # widths [2, 1, 1, 1], W_1 = [0, 0]: t = |e_00| (scale block {(0, 0)}), e_01 raw
    Ws = [fmpq_mat([[0, 0]]), fmpq_mat([[1]]), fmpq_mat([[1]])]
    raw = [0, 1, [["1", 0, [[0, 1, 1]], []]]]
    good = _leaf([[0, 0, [["1", 1, [[0, 0, 1]], []]]], raw], [], [])
    zero = _leaf([raw], [], [])["leaf"]  # the zero-block leaf: {"layers": ...}
    assert "locally open" in kernel.statement(json.dumps(_cert(Ws, _fam(good, scale=[[0, 0]], zero=zero), C5_ROW)))
    # the raw entry divided by t (unbounded where |e_00| << |e_01|), compensated in W_2
    bad = _leaf([[0, 0, [["1", 1, [[0, 0, 1]], []]]], [0, 1, [["1", -1, [[0, 1, 1]], []]]]],
                [[0, 0, [["1", 1, [], []]]]], [])
    _rejected(_cert(Ws, _fam(bad, scale=[[0, 0]], zero=zero), C5_ROW))
    test = {"A": [[0, 1, 1]], "B": [], "beta": "1", "k": 0}  # a test on a raw entry
    fam = _fam({"test": test, "yes": good, "no": good}, scale=[[0, 0]], zero=zero)
    _rejected(_cert(Ws, fam, C5_ROW), "scale block")
    fam = _fam(good, scale=[[0, 0]], zero=good["leaf"])  # t and u_00 in the zero-block leaf
    _rejected(_cert(Ws, fam, C5_ROW), "zero-block leaf")
    fam = _fam(good, scale=[[0, 0]], zero=_leaf([], [], [])["leaf"])  # the zero-block leaf misses e_01
    _rejected(_cert(Ws, fam, C5_ROW), "differs from the target")
    fam = _fam(good, scale=[[0, 0], [0, 1]], zero=zero)  # a scale block of every entry
    _rejected(_cert(Ws, fam, C5_ROW), "some but not all")
