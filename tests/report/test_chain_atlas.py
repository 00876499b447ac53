"""The committed chain atlas (certificates/chains/): every certificate accepted, every row equal to
its certificate's result and class; regeneration is byte for byte (slow)."""

from __future__ import annotations

import gzip
import json
import shutil

import pytest

from exactopen import kernel
from exactopen.report.chain_atlas import ATLASES, EXTENDED, check, write
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


def test_no_undetermined_class_at_h4_widths_2():
    rows = [json.loads(line) for line in (ATLAS / "h4-w2.jsonl").read_text().splitlines()]
    assert len(rows) == 1194 and not [r for r in rows if r["verdict"] == "undetermined"]
    fam = [r for r in rows if r["argument"] == "family"]
    assert fam and all(r["preimage_rate"] for r in fam)
    # the upper exponent never beats Lemma C5's lower one (1/q <= 1/p)
    assert all(int(r["preimage_rate"][2:]) >= int(r["rate"][2:]) for r in fam)


def test_no_undetermined_class_at_h3_widths_3():
    """Issue 24: every class of h = 3, widths <= 3 decided (the last 14 by Lemmas C10-C12 and
    staircase families), every open one with an upper exponent where a family or C11/C12 applies."""
    rows = [json.loads(line) for line in (ATLAS / "h3-w3.jsonl").read_text().splitlines()]
    assert len(rows) == 2144 and not [r for r in rows if r["verdict"] == "undetermined"]
    new = {r["argument"] for r in rows} - {"lem-10", "split", "family", "obstruction", "grouping"}
    assert new == {"zero-end", "reduce", "rotate", "gap-free"}
    # Lemma C9: the gap-free classes are exactly those with Lemma C5's p = 1, and every one states 1/1
    assert all(r["preimage_rate"] == r["rate"] == "1/1" for r in rows if r["argument"] == "gap-free")
    assert not [r for r in rows if r["argument"] == "split" and r["rate"] == "1/1"]
    assert all(int(r["preimage_rate"][2:]) >= int(r["rate"][2:]) for r in rows if r.get("preimage_rate"))


@pytest.mark.slow
def test_extended_atlases_are_reverified():
    present = tuple((h, w) for h, w in EXTENDED if (ATLAS / f"h{h}-w{w}.certificates.jsonl.gz").exists())
    counts = check(str(ATLAS), which=present)
    assert all(n > 0 for n in counts.values())


@pytest.mark.slow
def test_regeneration_is_byte_for_byte(tmp_path):
    for f in ATLAS.iterdir():  # the extended atlases are copied (their rows feed the README), the others regenerated
        if not any(f.name.startswith(f"h{h}-w{w}.") for h, w in ATLASES):
            shutil.copy(f, tmp_path / f.name)
    write(str(tmp_path))
    for f in ATLAS.iterdir():
        assert (tmp_path / f.name).read_bytes() == f.read_bytes(), f.name
