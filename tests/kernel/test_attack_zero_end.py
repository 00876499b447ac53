"""Hostile edits of Lemma C11 certificates (argument ``zero-end`` of chain_openness, a family on
the targets vanishing at ``absent`` entries; docs/chains.md, Lemma C11): each must be rejected.

Base: the atlas class {0-0, 0-1 x2, 1-2, 2-2, 3-3 x3} (widths [3, 3, 2, 3], W_3 = 0, range the
rank <= 2 matrices of 3x3) and its transpose {0-0 x3, 1-1, 1-2, 2-3 x2, 3-3} (W_1 = 0)."""

from __future__ import annotations

import copy
import json

import pytest
from flint import fmpq_mat

from exactopen import kernel
from exactopen.certificate import matrix_json
from exactopen.openness.chain import decide_chain, representative

END = {(0, 0): 1, (0, 1): 2, (1, 2): 1, (2, 2): 1, (3, 3): 3}
START = {(0, 0): 3, (1, 1): 1, (1, 2): 1, (2, 3): 2, (3, 3): 1}


def _base(mult=END):
    verdict, _, cert = decide_chain(representative(3, mult))
    assert verdict == "locally_open" and cert["result"]["argument"] == "zero-end"
    return cert


def _rejected(cert, match=None):
    with pytest.raises(kernel.Rejected, match=match):
        kernel.statement(json.dumps(cert))


@pytest.mark.parametrize("mult,side", [(END, "end"), (START, "start")])
def test_both_sides_accepted_with_exact_exponent(mult, side):
    cert = _base(mult)
    text = kernel.statement(json.dumps(cert))
    assert "Lemma C11" in text and "^(1/2)" in text
    assert cert["evidence"]["zero_end"]["side"] == side
    assert cert["result"]["preimage_rate"] == cert["result"]["rate"] == "1/2"  # C5's p = 2: exponent exact
    assert [t["id"] for t in kernel.explain(cert)["theorems"]] == ["chain-zero-end"]


def _layer(cert, i):
    return cert["inputs"]["layers"][i]


def test_nonzero_end_layer():
    cert = _base()
    _layer(cert, 2)["rows"][0][0] = "1/1000"  # W_3 != 0 (the product stays 0: W_2 W_1 = 0)
    _rejected(cert, "W_h is not zero")


def test_wrong_side():
    cert = _base()
    cert["evidence"]["zero_end"]["side"] = "start"
    _rejected(cert)


def test_sub_chain_product_nonzero():
    cert = _base()
    W1 = _layer(cert, 0)
    W1["rows"][2][0] = "1"  # the 1-2 copy now starts at V_0: W_2 W_1 != 0, W_3 W_2 W_1 still 0
    _rejected(cert)


def test_middle_node_not_narrowest():
    """W_3 = 0 but d_2 = 3 > min width 2: the rotation argument needs d_(h-1) = e."""
    from exactopen.certificate import rank_evidence
    from exactopen.exact import linalg

    W1 = fmpq_mat([[0, 1], [0, 0]])
    W2 = fmpq_mat([[1, 0], [0, 0], [0, 3]])
    W3 = fmpq_mat(3, 3)
    cert = _base()
    cert["inputs"]["layers"] = [matrix_json(W) for W in (W1, W2, W3)]
    cert["result"]["widths"] = [2, 2, 3, 3]
    cert["evidence"]["rank_product"] = rank_evidence(linalg.rank_evidence(W3 * W2 * W1))
    _rejected(cert, "not the min width")


def test_family_wrong_at_one_entry():
    cert = _base()
    leaf = cert["evidence"]["zero_end"]["family"]["tree"]["leaf"]["layers"]
    leaf[1][0][2][0][0] = "2"  # one coefficient doubled: the product misses the target there
    _rejected(cert, "differs from the target")


def test_absent_entry_used_as_variable():
    cert = _base()
    fam = cert["evidence"]["zero_end"]["family"]
    i, j = fam["absent"][0]
    fam["tree"]["leaf"]["layers"][1][0][2][0][2] = [[i, j, 1]]
    _rejected(cert, "absent target entry")


def test_absent_entry_dropped_claims_all_targets():
    """Without its absent entry the family would claim the entry it cannot reach."""
    cert = _base()
    cert["evidence"]["zero_end"]["family"]["absent"] = []
    _rejected(cert, "differs from the target")


def _drop(fam, entry):
    """Absent one more target entry: remove the layer entries whose terms name it (the identity
    then holds on the smaller target set)."""
    for layer in fam["tree"]["leaf"]["layers"]:
        layer[:] = [e for e in layer if not any(m[:2] == entry for t in e[2] for m in t[2])]
    fam["absent"].append(entry)


@pytest.mark.parametrize("mult,extra", [(END, [1, 1]), (START, [0, 1])])
def test_too_many_absent_entries(mult, extra):
    """Two absent entries at min width 2 (at most e - 1 = 1, in one row or column): a rotation
    of the balanced factors cannot zero both, so the sub-family covers too few targets."""
    cert = _base(mult)
    fam = cert["evidence"]["zero_end"]["family"]
    _drop(fam, extra)
    _rejected(cert, "at most 1 entries")


def test_absent_in_top_level_family_is_unknown():
    """A family on a subspace of targets does not prove openness: refused as argument family."""
    from exactopen.openness.chain import rate_bound

    cert = _base()
    fam = cert["evidence"].pop("zero_end")["family"]
    cert["evidence"]["family"] = fam
    cert["result"]["argument"] = "family"
    cert["result"]["preimage_rate"] = "1/1"
    cert["evidence"]["rate"] = rate_bound(representative(3, END))
    _rejected(cert)


def test_unknown_keys():
    cert = _base()
    cert["evidence"]["zero_end"]["extra"] = 1
    _rejected(cert, "exactly the fields")
    cert = _base()
    cert["evidence"]["zero_end"]["family"]["note"] = "x"
    _rejected(cert, "unknown field")
    cert = _base()
    cert["evidence"]["zero_end"]["family"]["tree"]["leaf"]["extra"] = []
    _rejected(cert, "exactly the field layers")


def test_zero_leaf_without_scale_block():
    cert = _base()
    cert["evidence"]["zero_end"]["family"]["zero"] = {"layers": [[], []]}
    _rejected(cert, "zero leaf")


def test_wrong_preimage_rate_and_guard():
    cert = _base()
    cert["result"]["preimage_rate"] = "1/1"
    _rejected(cert, "preimage_rate")
    cert = _base()
    del cert["result"]["preimage_rate"]
    _rejected(cert)


def test_not_open_verdict_refused():
    cert = _base()
    cert["result"]["verdict"] = "not_locally_open"
    _rejected(cert)


def test_zero_end_evidence_under_other_argument():
    cert = copy.deepcopy(_base())
    cert["result"]["argument"] = "none"
    cert["result"]["verdict"] = "undetermined"
    del cert["result"]["preimage_rate"]
    _rejected(cert, "zero_end")
