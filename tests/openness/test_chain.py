"""Degenerate chains (issue 16): every argument accepted, tampered certificates rejected."""

import copy

import pytest

from exactopen import kernel
from exactopen.openness.chain import chain_classes, decide_chain, representative


def _by_argument():
    out = {}
    for mult in chain_classes(3, 2):
        v, _, cert = decide_chain(representative(3, mult))
        out.setdefault(cert["result"]["argument"], cert)
    # a class only the rank criterion decides (h = 3, widths [2, 3, 3, 4], Theorem C16), and the same
    # chain restated as undetermined (decide_chain never answers that: a hand-made, true certificate)
    cert = decide_chain(representative(3, {(0, 0): 1, (0, 1): 1, (1, 2): 2, (2, 3): 1, (3, 3): 3}))[2]
    out["rank-criterion"] = cert
    none = copy.deepcopy(cert)
    none["result"].update(verdict="undetermined", argument="none")
    none["claim"] = kernel.statement(none)
    out["none"] = none
    return out


CERTS = _by_argument()


@pytest.mark.parametrize("arg", ["lem-10", "split", "obstruction", "grouping", "family", "rank-criterion", "none"])
def test_every_argument_accepted(arg):
    assert kernel.check(CERTS[arg])


@pytest.mark.parametrize("arg,path,value", [
    ("obstruction", ["evidence", "obstruction", "gamma"], "2"),
    ("obstruction", ["evidence", "obstruction", "bound_partial"], "1"),
    ("obstruction", ["evidence", "obstruction", "k"], 2),
    ("obstruction", ["result", "verdict"], "locally_open"),
    ("split", ["result", "verdict"], "not_locally_open"),
    ("split", ["evidence", "split", "k"], 2),
    ("grouping", ["evidence", "grouping", "k"], 2),
    ("none", ["result", "verdict"], "locally_open"),
    ("none", ["result", "argument"], "split"),
    ("rank-criterion", ["result", "verdict"], "undetermined"),
    ("rank-criterion", ["result", "argument"], "split"),
])
def test_tampered_rejected(arg, path, value):
    c = copy.deepcopy(CERTS[arg])
    obj = c
    for key in path[:-1]:
        obj = obj[key]
    if obj.get(path[-1]) == value:
        pytest.skip("no change")
    obj[path[-1]] = value
    with pytest.raises(kernel.Rejected):
        kernel.check(c)
