"""Issue 24, item 4: a rendered proof lists this project's lemmas apart from published theorems."""

import json

from exactopen.report.render import render
from tests.helpers import ROOT


def test_rendered_chain_proof_separates_lemmas_from_published_theorems():
    cert = json.loads((ROOT / "certificates" / "chain-openness-grouping.json").read_text())
    md = render(cert, "md")
    published, lemmas = md.split("Lemmas of this project it took on trust")
    assert "Published theorems it took on trust" in published
    assert "`behrends`" in published and "`chain-grouping`" not in published
    assert "`chain-grouping`" in lemmas and "`behrends`" not in lemmas
    assert "\n\nLemmas of this project" in md  # a paragraph, not a continuation of the list
