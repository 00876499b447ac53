"""Lemma C10 certificates (argument ``reduce`` of chain_openness: full summands in coordinates,
removed; the rest's nested certificate): the atlas class (N, N, N) + [0, 3] is accepted, and every
hand edit below is rejected."""

from __future__ import annotations

import copy
import json

import pytest

from exactopen import kernel
from exactopen.openness.chain import decide_chain, representative

C = {(0, 0): 1, (0, 1): 1, (0, 3): 1, (1, 2): 1, (2, 3): 1, (3, 3): 1}


def _base():
    verdict, _, cert = decide_chain(representative(3, C))
    assert verdict == "locally_open" and cert["result"]["argument"] == "reduce"
    return cert


def _rejected(cert, match=None):
    with pytest.raises(kernel.Rejected, match=match):
        kernel.statement(json.dumps(cert))


def test_accepted_with_the_reduced_exponent():
    cert = _base()
    text = kernel.statement(json.dumps(cert))
    assert "Lemma C10" in text
    assert cert["result"]["preimage_rate"] == "1/3"  # the (N, N, N) family's, carried
    ids = {t["id"] for t in kernel.explain(cert)["theorems"]}
    assert ids == {"chain-full-removal"}  # the nested (N, N, N) certificate is a family: theorem-free


def test_wrong_coordinates():
    cert = _base()
    path = cert["evidence"]["reduce"]["full"][0]
    path[1] = (path[1] + 1) % 3
    _rejected(cert)


def test_coordinate_path_through_a_moved_row():
    """The full copy's row of W_2 also reads another coordinate: no direct sum (the rank evidence
    redone for the edited chain, so only the structure check can refuse it)."""
    from flint import fmpq_mat

    from exactopen.certificate import rank_evidence
    from exactopen.exact import linalg
    from exactopen.exact import matrix as mx

    cert = _base()
    L = cert["inputs"]["layers"][1]
    r, c = cert["evidence"]["reduce"]["full"][0][2], cert["evidence"]["reduce"]["full"][0][1]
    other = next(x for x in range(len(L["rows"][r])) if x != c)
    L["rows"][r][other] = "1"
    Ws = [mx.from_json(x) for x in cert["inputs"]["layers"]]
    cert["evidence"]["rank_product"] = rank_evidence(linalg.rank_evidence(Ws[2] * Ws[1] * Ws[0]))
    assert isinstance(Ws[0], fmpq_mat)
    _rejected(cert, "not the unit row")


def test_reduced_chain_differs():
    """A valid certificate of another chain of the same class (bases of V_1 swapped) as the
    reduced one: its layers are not the outer chain's reduced layers."""
    from flint import fmpq_mat

    from exactopen.exact import matrix as mx

    cert = _base()
    sub = cert["evidence"]["reduce"]["reduced"]
    Ws = [mx.from_json(x) for x in sub["inputs"]["layers"]]
    S = fmpq_mat([[0, 1], [1, 0]])
    other = decide_chain([S * Ws[0], Ws[1] * S, Ws[2]])[2]
    assert other["result"]["verdict"] == "locally_open"
    cert["evidence"]["reduce"]["reduced"] = other
    _rejected(cert, "not the outer certificate's matrix")


def test_reduced_certificate_of_another_kind_or_verdict():
    cert = _base()
    cert["evidence"]["reduce"]["reduced"]["kind"] = "openness"
    _rejected(cert, "chain_openness")
    cert = _base()
    sub = cert["evidence"]["reduce"]["reduced"]
    sub["result"]["verdict"] = "undetermined"
    _rejected(cert)


def test_preimage_rate_must_be_the_reduced_one():
    cert = _base()
    cert["result"]["preimage_rate"] = "1/1"
    _rejected(cert, "preimage_rate")
    cert = _base()
    del cert["result"]["preimage_rate"]
    _rejected(cert, "preimage_rate")


def test_extra_fields_and_all_coordinates():
    cert = _base()
    cert["evidence"]["reduce"]["note"] = 1
    _rejected(cert, "exactly the fields")
    cert = _base()
    cert["evidence"]["reduce"]["full"] = copy.deepcopy(cert["evidence"]["reduce"]["full"]) * 2
    _rejected(cert)
