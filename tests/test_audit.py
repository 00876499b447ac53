"""The paper audit: every claim id has a verdict, the committed certificates are accepted,
valid against the schema and byte-identical to a fresh regeneration."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from exactopen import kernel
from exactopen.report import audit
from tests.helpers import validate_schema

ROOT = Path(__file__).resolve().parent.parent
CERTS = ROOT / "certificates"
CLAIMS_MD = ROOT.parent / "shared" / "paper" / "CLAIMS.md"


def committed():
    return sorted(p for p in CERTS.glob("*.json") if p.name != "schema.json")


def test_every_claim_of_claims_md_is_in_the_audit():
    if not CLAIMS_MD.exists():
        pytest.skip("shared/paper/CLAIMS.md is not beside this checkout")
    ids = set(re.findall(r"^- `([a-z0-9-]+)`", CLAIMS_MD.read_text(), re.M))
    assert ids, "no claim ids parsed from CLAIMS.md"
    assert ids == {c.id for c in audit.CLAIMS}


def test_committed_certificates_accepted_and_schema_valid():
    files = committed()
    assert len(files) > 100
    for p in files:
        cert = json.loads(p.read_text())
        assert kernel.check(cert)
        validate_schema(cert)
        assert cert["claim_id"] is None or cert["claim_id"] in {c.id for c in audit.CLAIMS}


def test_audit_table_in_readme_matches():
    table = (CERTS / "AUDIT.md").read_text()
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- audit-table:start -->")[1].split("<!-- audit-table:end -->")[0]
    assert block.strip() == audit.readme_block(table).strip()


def test_audit_check_reproduces_committed_files():
    problems = audit.check(str(CERTS))
    assert problems == []


def test_refuted_claims_have_errata():
    text = (CERTS / "ERRATA.md").read_text()
    for row in (CERTS / "AUDIT.md").read_text().splitlines():
        m = re.match(r"\| `([a-z0-9-]+)` .*\*\*refuted\*\*", row)
        if m:
            assert f"## `{m.group(1)}`" in text


def test_audit_cli_check_detects_tampering(tmp_path):
    import shutil
    import subprocess
    import sys

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
