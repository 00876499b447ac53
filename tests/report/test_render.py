"""Rendering certificates as proofs (md, tex, html), the render command and Certificate."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from exactopen.report.notebook import Certificate
from exactopen.report.render import render
from tests.helpers import ROOT

CERTS = ROOT / "certificates"


def one_per_kind():
    seen = {}
    for p in sorted(CERTS.glob("*.json")):
        if p.name == "schema.json":
            continue
        cert = json.loads(p.read_text())
        seen.setdefault(cert["kind"], cert)
    return seen


def test_every_kind_renders_in_every_format():
    kinds = one_per_kind()
    assert {"openness", "landscape_point", "lifting", "symbolic_openness", "pyramid_openness"} <= set(kinds)
    for kind, cert in kinds.items():
        md = render(cert, "md")
        assert cert["claim"] in md and "Checked by exactopen's independent checker" in md, kind
        tex = render(cert, "tex")
        assert "\\section*" in tex and tex.count("\\begin{enumerate}") == tex.count("\\end{enumerate}"), kind
        html = render(cert, "html")
        assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>"), kind
        assert html.count("<ol") == html.count("</ol>"), kind


def test_openness_proof_names_the_decisive_facts():
    cert = json.loads((CERTS / "rem-1-worked-example.json").read_text())
    md = render(cert, "md")
    assert "rank W1 ≥ 1" in md and "Obstruction" in md and cert["evidence"]["obstruction"]["bound"] in md
    assert "**Conclusion** (thm-5): M is not locally open" in md


def test_descent_proof_shows_the_exact_polynomial():
    cert = json.loads((CERTS / "ex-intro.json").read_text())
    md = render(cert, "md")
    assert "(-1/2)·t^4" in md and "249/512" in md and "figures/" not in md  # images only via the audit
    assert "![" in (CERTS / "ex-intro.md").read_text()


def test_tampered_certificate_is_not_rendered(tmp_path):
    cert = json.loads((CERTS / "rem-1-worked-example.json").read_text())
    cert["result"]["verdict"] = "locally_open"
    with pytest.raises(Exception):
        render(cert, "md")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(cert))
    out = tmp_path / "out.html"
    p = subprocess.run([sys.executable, "-m", "exactopen", "render", str(bad), "--format", "html", "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and not out.exists()
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


def test_certificate_object_for_notebooks():
    c = Certificate.load(str(CERTS / "thm-5-open-1.json"))
    assert c.verdict == "locally_open"
    assert "is locally open at (W1, W2)" in c.verify() == c["claim"]
    assert c._repr_markdown_() == c.render("md")
    assert "<ol" in c._repr_html_() and "<html>" not in c._repr_html_()
    assert "\\begin{pmatrix}" in c._repr_latex_()
