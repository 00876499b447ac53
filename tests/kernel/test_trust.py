"""Accepted means true: regression tests for the four ways the checker could be fooled
(nested kinds not pinned, unchecked fields, hostile files, floats leaking into certificates)
and for the claim sentence, the claim-id label and ``verify --explain``.

The broad attack is tests/kernel/test_fuzz.py; these are the named findings, one by one.
"""

from __future__ import annotations

import copy
import json

import pytest

from exactopen import kernel
from exactopen.cli import main
from exactopen.kernel import Malformed, Rejected
from tests.helpers import ROOT

CERTS = ROOT / "certificates"


def load(name: str) -> dict:
    return json.loads((CERTS / f"{name}.json").read_text(encoding="utf-8"))


def rejected(cert, words: str = "") -> str:
    with pytest.raises(Rejected) as info:
        kernel.check(cert)
    assert words in str(info.value), str(info.value)
    return str(info.value)


def mat(rows) -> dict:
    return {"shape": [len(rows), len(rows[0]) if rows else 0], "rows": [[str(x) for x in r] for r in rows]}


# ---------------------------------------------------------------------------------------
# finding 1: nested certificates are pinned to their kind and to the outer matrices
# ---------------------------------------------------------------------------------------

def test_the_reported_false_verdict_is_refused():
    """A chain_openness certificate with extra W1, W2 keys nested in a perturbation_lower_bound
    made the old checker accept "locally open" at W1 = [[1,0],[0,0],[0,0]], W2 = 0."""
    from flint import fmpq_mat

    from exactopen.openness.pair import decide_pair

    W1, W2 = fmpq_mat(3, 2, [1, 0, 0, 0, 0, 0]), fmpq_mat(2, 3)
    assert not decide_pair(W1, W2).is_open  # the truth, certified by exactopen openness
    base = load("thm-5-delta-zero-pair-sqrt-rate")
    chain = load("lem-10-non-degenerate")
    forged = copy.deepcopy(base)
    forged["inputs"] = {"W1": mat([[1, 0], [0, 0], [0, 0]]), "W2": mat([[0, 0, 0], [0, 0, 0]])}
    forged["evidence"]["u"] = mat([[0], [1], [0]])  # u^T W1 = 0 for the new W1
    chain["inputs"]["W1"], chain["inputs"]["W2"] = forged["inputs"]["W1"], forged["inputs"]["W2"]
    forged["evidence"]["openness_certificate"] = chain
    rejected(forged, "must be a openness certificate")
    # with the true openness certificate of this pair nested, the rate claim is refused too
    truth = decide_pair(W1, W2).certificate
    forged["evidence"]["openness_certificate"] = truth
    rejected(forged, "differs from the nested certificate")
    forged["result"]["openness"] = "not_locally_open"
    rejected(forged, "locally open pairs")


@pytest.mark.parametrize("donor", ["lem-10-non-degenerate", "rem-1-worked-example", "ex-intro", "lem-13-instance-1",
                                   "thm-5-open-1", "prop-4-not-open-1"])
def test_every_nested_swap_is_refused(donor):
    base = load("thm-5-delta-zero-pair-sqrt-rate")
    cert = copy.deepcopy(base)
    cert["evidence"]["openness_certificate"] = load(donor)
    rejected(cert)


def test_nested_certificate_about_other_matrices_is_refused():
    base = load("thm-5-delta-zero-pair-sqrt-rate")
    other = load("thm-5-open-1")  # a valid, accepted openness certificate about other matrices
    kernel.check(other)
    cert = copy.deepcopy(base)
    cert["evidence"]["openness_certificate"] = other
    rejected(cert)


# ---------------------------------------------------------------------------------------
# finding 2: every field is checked or gone; unknown and duplicate keys; the claim sentence
# ---------------------------------------------------------------------------------------

def _set(cert, path, value):
    obj = cert
    for p in path[:-1]:
        obj = obj[p]
    obj[path[-1]] = value
    return cert


FIELD_LIES = [
    ("ex-intro", ("result", "descent_order"), 6),
    ("ex-intro", ("result", "descent_coefficient"), "-1"),
    ("ex-intro", ("result", "witness_loss"), "1/4"),
    ("ex-intro", ("result", "hessian_psd"), False),
    ("ex-intro", ("result", "non_global"), False),
    ("thm-5-open-1", ("result", "regime"), "k >= min(m,n)"),
    ("thm-5-open-1", ("result", "conditions", "v"), True),
    ("ex-2-w2-open-at-0", ("result", "delta", 0, "side"), "left"),
    ("ex-2-minima-of-loss", ("result", "preimages"), ["1"]),
    ("thm-5-open-1", ("claim_id",), "lem-6"),
    ("thm-5-open-1", ("claim_id",), "prop-4"),
]


@pytest.mark.parametrize("name,path,value", FIELD_LIES, ids=[f"{n}:{'.'.join(map(str, p))}" for n, p, _ in FIELD_LIES])
def test_a_false_field_is_refused(name, path, value):
    cert = load(name)
    kernel.check(cert)
    rejected(_set(copy.deepcopy(cert), path, value))


@pytest.mark.parametrize("where", [(), ("result",), ("evidence",), ("inputs",), ("generator",)])
def test_an_unknown_key_is_refused(where):
    cert = load("thm-5-open-1")
    obj = cert
    for p in where:
        obj = obj[p]
    obj["note"] = "trust me"
    rejected(cert)


def test_duplicate_keys_are_refused():
    text = (CERTS / "thm-5-open-1.json").read_text(encoding="utf-8")
    forged = text.replace('"verdict": "locally_open"', '"verdict": "not_locally_open", "verdict": "locally_open"', 1)
    assert forged != text
    with pytest.raises(Malformed, match="duplicate key"):
        kernel.check_text(forged)


def test_the_claim_sentence_is_the_checkers_statement():
    cert = load("ex-intro")
    assert kernel.check(cert) == cert["claim"]
    cert["claim"] = cert["claim"].replace("higher-order saddle", "local minimum")
    rejected(cert, "claim sentence")


def test_thm5_non_openness_needs_its_obstruction():
    cert = load("rem-1-worked-example")
    assert cert["result"]["verdict"] == "not_locally_open"
    del cert["evidence"]["obstruction"]
    rejected(cert, "obstruction")


def test_explain_lists_facts_and_theorems():
    rep = kernel.explain(load("thm-5-open-1"))
    assert [t["id"] for t in rep["theorems"]] == ["prop-18"]
    assert any("nonsingular" in f for f in rep["facts"])
    rep = kernel.explain(load("rem-1-worked-example"))
    assert rep["theorems"] == []  # non-openness by the obstruction: nothing trusted
    assert any(f.startswith("obstruction") for f in rep["facts"])


def test_every_kind_declares_its_theorems_and_claim_ids():
    assert set(kernel.KIND_THEOREMS) == set(kernel.KINDS) == set(kernel.CLAIM_IDS)
    for ts in kernel.KIND_THEOREMS.values():
        assert set(ts) <= set(kernel.THEOREMS)


def test_committed_certificates_use_only_declared_theorems():
    for f in sorted(CERTS.glob("*.json")):
        if f.name == "schema.json":
            continue
        rep = kernel.explain(json.loads(f.read_text(encoding="utf-8")))
        allowed = set(kernel.KIND_THEOREMS[rep["kind"]])
        nested_ok = {"behrends", "prop-18", "spectral", "second-order", "inverse-function", "convexity",
                     "eckart-young", "ky-fan"}
        assert {t["id"] for t in rep["theorems"]} <= allowed | nested_ok, f.name


def test_verify_explain_cli(capsys):
    code = main(["verify", "--explain", str(CERTS / "ex-intro.json")])
    out = capsys.readouterr().out
    assert code == 0
    assert "accepted: " in out and "trusted theorems:" in out and "spectral" in out
    assert "a label, not a checked statement" in out


# ---------------------------------------------------------------------------------------
# finding 3: hostile numbers never reach float()
# ---------------------------------------------------------------------------------------

def test_huge_rationals_are_stated_without_float():
    """A consistent numerical_rank certificate whose numbers exceed the float range (A = [[10^200]],
    distance^2 = 10^400): the checker states it with an exact-arithmetic approximation."""
    from exactopen.exact import matrix as mx
    from exactopen.numeric.rank import numerical_rank_certificate

    cert, _, _ = numerical_rank_certificate(mx.from_rows([[2]]), [0])
    cert["inputs"]["A"]["rows"] = [["1" + "0" * 200]]
    cert["result"]["approximations"][0]["distance_sq"] = "1" + "0" * 400
    cert["claim"] = kernel.statement(cert)
    assert "1.0e+400" in kernel.check(cert)
    assert kernel.primitives.approx(kernel.primitives.fmpq(-2, 3)) == "-0.6667"
