"""Rendering certificates as proofs (md, tex, html), the render command and Certificate."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from exactopen import kernel
from exactopen.report import emit
from exactopen.report.mathml import to_mathml
from exactopen.report.notebook import Certificate
from exactopen.report.render import blocks, render
from tests.helpers import ROOT

CERTS = ROOT / "certificates"
INTERNAL = re.compile(r"equal_ranks|result\.|evidence\.|rows \[\]|columns \[\]|\b1 columns\b|\b1 rows\b|"
                      r"verifies the evidence|_certificate\b|not_locally_open|higher_order")


def one_per_kind():
    """One certificate per (kind, verdict) of the committed certificates."""
    seen = {}
    for p in sorted(CERTS.glob("*.json")):
        if p.name == "schema.json":
            continue
        cert = json.loads(p.read_text())
        res = cert.get("result")
        seen.setdefault((cert["kind"], res.get("verdict") if isinstance(res, dict) else None), cert)
    return seen


def test_every_kind_renders_in_every_format():
    kinds = one_per_kind()
    assert {"openness", "landscape_point", "lifting", "symbolic_openness", "pyramid_openness"} <= {k for k, _ in kinds}
    for key, cert in kinds.items():
        bs = blocks(cert, kernel.explain(cert))
        md = emit.to_markdown(bs)
        assert cert["claim"].replace("*", "\\*") in md and "What the checker verified" in md, key
        tex = emit.to_latex(bs)
        assert "\\section*" in tex and tex.count("\\begin{enumerate}") == tex.count("\\end{enumerate}"), key
        assert tex.isascii() and "[U+" not in tex and "**" not in tex, key
        html = emit.to_html(bs)  # raises if a formula leaves the MathML subset
        assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>"), key
        assert html.count("<ol") == html.count("</ol>") and "<math" in html and "<style>" in html, key
        assert "http://" not in html.replace('xmlns="http://www.w3.org', "") and "https://" not in html, key
        prose = "\n".join(b.text for b in bs if b.kind in ("p", "step", "verdict", "title", "meta"))
        assert not INTERNAL.search(prose), (key, INTERNAL.search(prose))
        for eq in re.findall(r"^\$\$ (.*) \$\$$", md, flags=re.M):  # no prose in display math
            assert not re.search(r"(?<![\\{])\b[a-z]{4,} [a-z]{4,}\b", re.sub(r"\\text\{[^}]*\}", "", eq)), (key, eq)


def test_openness_proof_names_the_decisive_facts_and_shows_every_matrix():
    cert = json.loads((CERTS / "rem-1-worked-example.json").read_text())
    md = render(cert, "md")
    assert "so $\\operatorname{rank} W_{1} \\ge 1$" in md and "An obstruction that needs no theorem" in md
    assert "has only 1 column." in md and "rows [], columns []" not in md
    for name in ("R", "K", "M_{0}", "M_{1}", "y"):
        assert f"$$ {name} = \\begin{{bmatrix}}" in md, name
    assert "The product map is not locally open at (W1, W2)" in md
    assert "**Verdict.** The product map $M(W_1, W_2) = W_1 W_2$ is not locally open" in md


def test_descent_proof_shows_the_exact_polynomial():
    cert = json.loads((CERTS / "ex-intro.json").read_text())
    md = render(cert, "md")
    assert "L(\\gamma(t)) - L(W) = -\\tfrac{1}{2} t^{4} + t^{6} + \\tfrac{1}{2} t^{8}" in md
    assert "\\tfrac{249}{512}" in md and "higher-order saddle" in md and "figures/" not in md
    assert "![" in (CERTS / "ex-intro.md").read_text()  # images only via the audit
    html = render(cert, "html")
    assert "<mtable" in html and '<mo fence="true" stretchy="true">[</mo>' in html


def test_long_numbers_are_shortened_with_the_exact_value_beside():
    cert = json.loads((CERTS / "prop-18-lift-1.json").read_text())
    exact = cert["result"]["norm2_D1"]
    html = render(cert, "html")
    assert f'title="exact value: {exact}"' in html and f"<code>{exact}</code>" in html and "<details" in html
    md = render(cert, "md")
    assert "exact values:" in md and max(len(ln) for ln in md.splitlines() if not ln.startswith(("$$", ">"))) < 400
    tex = render(cert, "tex")
    assert "Exact values" in tex and "\\allowbreak" in tex


def test_mathml_subset():
    m = to_mathml("\\tfrac{1}{2} \\|W\\|_F^2 \\ne \\begin{bmatrix} 1 & -2 \\\\ 3 & \\tilde W_1^\\top \\end{bmatrix}",
                  display=True)
    assert m.startswith('<math display="block"') and "<mfrac>" in m and "<mtable" in m and "≠" in m
    with pytest.raises(ValueError):
        to_mathml("\\unknowncommand{x}")


def test_tampered_certificate_is_not_rendered(tmp_path):
    cert = json.loads((CERTS / "rem-1-worked-example.json").read_text())
    cert["result"]["verdict"] = "locally_open"
    with pytest.raises(kernel.Rejected):
        render(cert, "md")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(cert))
    out = tmp_path / "out.html"
    p = subprocess.run([sys.executable, "-m", "exactopen", "render", str(bad), "--format", "html", "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and not out.exists()
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


def test_render_out_is_world_readable(tmp_path):
    out = tmp_path / "p.tex"
    p = subprocess.run([sys.executable, "-m", "exactopen", "render", str(CERTS / "ex-intro.json"), "--format", "tex",
                        "--standalone", "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert out.stat().st_mode & 0o777 == 0o644
    text = out.read_text()
    assert text.startswith("\\documentclass{article}") and text.rstrip().endswith("\\end{document}")


def test_certificate_object_for_notebooks():
    import exactopen

    assert exactopen.Certificate is Certificate
    c = Certificate.load(str(CERTS / "thm-5-open-1.json"))
    assert c.verdict == "locally_open"
    assert "is locally open at (W1, W2)" in c.verify() == c["claim"]
    assert c._repr_markdown_() == c.render("md")
    h = c._repr_html_()
    assert "<ol" in h and "<html>" not in h and "<style>" in h and "<math" in h
    assert "\\begin{bmatrix}" in c._repr_latex_()


def test_rejected_certificate_displays_one_banner_in_every_format():
    c = Certificate.load(str(CERTS / "rem-1-worked-example.json"))
    c["result"]["verdict"] = "locally_open"
    for out in (c._repr_html_(), c._repr_markdown_(), c._repr_latex_()):
        assert out.count("REJECTED: ") == 1 and "Traceback" not in out
    junk = Certificate({"kind": "openness"})
    assert "REJECTED: " in junk._repr_html_() and "REJECTED: " in junk._repr_markdown_()
