"""Issue 24, item 4: ``exactopen verify --theorems`` prints the checker's table, published theorems
(with a reference) apart from this project's lemmas (with the docs section proving them)."""

import subprocess
import sys

from exactopen.kernel.__main__ import theorems_text
from tests.helpers import ROOT


def test_verify_theorems_prints_the_two_tables():
    p = subprocess.run([sys.executable, "-m", "exactopen", "verify", "--theorems"], capture_output=True, text=True,
                       timeout=120, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert p.stdout == theorems_text()
    published, lemmas = p.stdout.split("Lemmas of this project")
    assert "| `behrends` |" in published and "Behrends, Where is matrix multiplication locally open?" in published
    for lemma in ("chain-split", "chain-grouping", "interval-decomposition"):
        assert f"| `{lemma}` |" in lemmas and f"| `{lemma}` |" not in published
    assert "docs/chains.md, Lemma C4 |" in lemmas  # the proof column
