"""The committed chain atlas (certificates/chains/): every certificate accepted, every row equal to
its certificate's result and class; regeneration is byte for byte (slow)."""

from __future__ import annotations

import gzip
import json
import shutil

import pytest

from exactopen import kernel
from exactopen.report.chain_atlas import check, write
from tests.helpers import ROOT

ATLAS = ROOT / "certificates" / "chains"


def test_every_committed_class_is_reverified():
    assert check(str(ATLAS)) == {"h3-w3": 2144, "h4-w2": 1194}


def test_an_edited_row_is_caught(tmp_path):
    folder = tmp_path / "chains"
    shutil.copytree(ATLAS, folder)
    rows = (folder / "h3-w3.jsonl").read_text().splitlines()
    i = next(k for k, r in enumerate(rows) if json.loads(r)["verdict"] == "not_locally_open")
    row = json.loads(rows[i])
    row["verdict"] = "locally_open"
    rows[i] = json.dumps(row, ensure_ascii=False)
    (folder / "h3-w3.jsonl").write_text("\n".join(rows) + "\n")
    with pytest.raises(AssertionError, match="verdict"):
        check(str(folder), limit=i + 1)


def test_an_edited_certificate_is_rejected(tmp_path):
    folder = tmp_path / "chains"
    shutil.copytree(ATLAS, folder)
    path = folder / "h3-w3.certificates.jsonl.gz"
    texts = gzip.open(path, "rt", encoding="utf-8").read().splitlines()
    cert = json.loads(texts[5])
    cert["result"]["rank"] += 1
    texts[5] = json.dumps(cert)
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n")
    with pytest.raises(kernel.Rejected):
        check(str(folder), limit=6)


@pytest.mark.slow
def test_regeneration_is_byte_for_byte(tmp_path):
    write(str(tmp_path))
    for f in ATLAS.iterdir():
        assert (tmp_path / f.name).read_bytes() == f.read_bytes(), f.name
