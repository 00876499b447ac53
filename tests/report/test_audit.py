"""The paper audit: every claim id of the catalogue has a verdict, the committed certificates
are accepted, valid against the schema and byte-identical to a fresh regeneration."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from exactopen import kernel
from exactopen.report import audit, markdown
from exactopen.report.claims import VERDICTS, catalogue, parse_catalogue
from tests.helpers import ROOT, validate_schema

CERTS = ROOT / "certificates"


def committed():
    return sorted(p for p in CERTS.glob("*.json") if p.name != "schema.json")


def test_every_claim_of_the_catalogue_is_in_the_audit():
    ids = list(catalogue())
    assert len(ids) == 25
    assert ids == [c.id for c in audit.CLAIMS]  # same ids, same order


def test_catalogue_entries_are_complete():
    for cid, text in catalogue().items():
        assert text.title and text.short and len(text.statement) > 40, cid
        assert "\n" not in text.short


def test_catalogue_parser_refuses_malformed_entries():
    with pytest.raises(ValueError):
        parse_catalogue("## `a-1` — title\n\nno summary line\n")
    with pytest.raises(ValueError):
        parse_catalogue("## `a-1` — t\n\n> one\n\nbody\n\n## `a-1` — t\n\n> two\n\nbody\n")
    assert parse_catalogue("# x\n\n## `a-1` — T\n\n> s\n\nline one\nline two\n")["a-1"].statement == \
        "line one line two"


def test_audit_rows_use_the_catalogue_summaries():
    cat = catalogue()
    rows = markdown.table_rows((CERTS / "AUDIT.md").read_text())
    assert list(rows) == list(cat)
    for cid, line in rows.items():
        assert line.startswith(f"| `{cid}` | {cat[cid].short} | **")


def test_committed_certificates_accepted_and_schema_valid():
    files = committed()
    assert len(files) > 100
    ids = set(catalogue())
    for p in files:
        cert = json.loads(p.read_text())
        assert kernel.check(cert)
        validate_schema(cert)
        assert cert["claim_id"] is None or cert["claim_id"] in ids


def readme_rows():
    verdicts = markdown.verdicts((CERTS / "AUDIT.md").read_text())
    assert set(verdicts.values()) <= set(VERDICTS)
    return [{"id": cid, "paper": text.short, "verdict": verdicts[cid]} for cid, text in catalogue().items()]


def test_audit_table_in_readme_matches():
    readme = (ROOT / "README.md").read_text()
    block = readme.split(markdown.README_START)[1].split(markdown.README_END)[0]
    assert block.strip() == markdown.readme_block(readme_rows()).strip()


def test_update_readme_rewrites_only_the_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"head\n{markdown.README_START}\nold\n{markdown.README_END}\ntail\n")
    assert markdown.update_readme(str(readme), readme_rows())
    text = readme.read_text()
    assert text.startswith("head\n") and text.endswith("tail\n") and "old" not in text
    assert "| `thm-12` |" in text
    (tmp_path / "plain.md").write_text("no markers\n")
    assert not markdown.update_readme(str(tmp_path / "plain.md"), readme_rows())


@pytest.mark.slow
def test_audit_check_reproduces_committed_files(monkeypatch):
    # slow: the default run's audit check is tests/numeric/test_reproducible.py's
    # test_audit_certificates_do_not_depend_on_float_kernels (the same check with every float
    # kernel perturbed, so the real ones can only differ from it by a float dependence).
    # Without the figures: ``check`` compares the .json and .md files only (the .md files link
    # the figures whether or not they are drawn), and drawing the 170 figures was 40% of this
    # test's time; test_audit_figures_are_drawn draws one of each kind
    from exactopen.report import figures

    monkeypatch.setattr(figures, "available", lambda: False)
    problems = audit.check(str(CERTS))
    assert problems == []


def test_audit_figures_are_drawn(tmp_path):
    """The audit's figures (paper figures 2 and 3, and one descent figure in both formats) are
    written, non-empty, under the stems the rendered proofs link."""
    pytest.importorskip("matplotlib")
    from exactopen.report import figures

    assert figures.available()
    out = tmp_path / "figures"
    for claim in audit.CLAIMS:
        if claim.figures is not None:
            claim.figures(str(out))
            for stem in claim.figure_stems:
                assert (out / f"{stem}.png").stat().st_size > 0, stem
    cert = json.loads((CERTS / "ex-intro.json").read_text())
    assert figures.is_descent_certificate(cert)
    assert not figures.is_descent_certificate(json.loads((CERTS / "lem-13-instance-1.json").read_text()))
    paths = figures.certificate_descent_figure(cert, str(out), "descent-ex-intro", ("png", "svg"))
    assert [os.path.basename(p) for p in paths] == ["descent-ex-intro.png", "descent-ex-intro.svg"]
    assert all(os.path.getsize(p) > 0 for p in paths)
    assert "figures/descent-ex-intro.png" in (CERTS / "ex-intro.md").read_text()


def test_refuted_claims_have_errata():
    text = (CERTS / "ERRATA.md").read_text()
    refuted = [cid for cid, v in markdown.verdicts((CERTS / "AUDIT.md").read_text()).items() if v == "refuted"]
    assert refuted
    for cid in refuted:
        assert f"## `{cid}`" in text


def test_merge_table_keeps_other_rows():
    committed_table = (CERTS / "AUDIT.md").read_text()
    order = [c.id for c in audit.CLAIMS]
    rows = markdown.table_rows(committed_table)
    # a changed row for one claim replaces only that row
    fake = {"id": "lem-13", "paper": "P", "verdict": "certified", "note": "N", "files": [], "checker": "-"}
    merged = markdown.merge_table(committed_table, [fake], order)
    new_rows = markdown.table_rows(merged)
    assert list(new_rows) == order
    assert new_rows["lem-13"] == markdown.table_row(fake)
    assert all(new_rows[c] == rows[c] for c in order if c != "lem-13")
    # without an existing table, just the regenerated rows
    assert list(markdown.table_rows(markdown.merge_table(None, [fake], order))) == ["lem-13"]


def test_audit_only_keeps_the_other_rows_of_audit_md(tmp_path):
    dst = tmp_path / "certs"
    shutil.copytree(CERTS, dst)
    p = subprocess.run([sys.executable, "-m", "exactopen", "audit", "--only", "thm-5", "--dir", str(dst)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert (dst / "AUDIT.md").read_text() == (CERTS / "AUDIT.md").read_text()
    assert (dst / "ERRATA.md").read_text() == (CERTS / "ERRATA.md").read_text()


def test_audit_cli_check_detects_tampering(tmp_path):
    dst = tmp_path / "certs"
    shutil.copytree(CERTS, dst)
    victim = dst / "rem-1-worked-example.json"
    obj = json.loads(victim.read_text())
    obj["result"]["verdict"] = "locally_open"
    victim.write_text(json.dumps(obj, indent=1) + "\n")
    p = subprocess.run([sys.executable, "-m", "exactopen", "audit", "--check", "--dir", str(dst),
                        "--only", "rem-1"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 1
    assert "rem-1-worked-example.json" in p.stdout
    assert os.path.exists(victim)


def test_audit_check_only_compares_the_rows(tmp_path):
    dst = tmp_path / "certs"
    shutil.copytree(CERTS, dst)
    table = (dst / "AUDIT.md").read_text()
    (dst / "AUDIT.md").write_text(re.sub(r"(\| `lem-13` \| [^\n]*?\*\*)certified", r"\1refuted", table))
    assert any("`lem-13`" in p for p in audit.check(str(dst), ["lem-13"]))
