"""``exactopen audit --html DIR``: a static site built from certificates/ that needs no network."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

import pytest

from exactopen.report import site
from tests.helpers import ROOT

CERTS = ROOT / "certificates"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    site.build(str(CERTS), str(out))
    return out


def test_site_pages_links_and_modes(built):
    for name in ("index.html", "errata.html", "counterexamples.html", "claim-ex-intro.html", "ex-intro.html",
                 "claim-prop-4.html", "prop-4-parametric-diagonal.html"):
        assert (built / name).exists(), name
    index = (built / "index.html").read_text()
    assert index.count('href="claim-') >= 24 and "refuted" in index
    for page in built.glob("*.html"):
        text = page.read_text()
        assert "<script" not in text and not re.search(r"(src|href)=\"(https?:)?//", text), page.name
        for target in re.findall(r'(?:src|href)="([^"#]+)"', text):
            assert (built / target).exists(), (page.name, target)
        assert page.stat().st_mode & 0o777 == 0o644
    assert "<math" in (built / "ex-intro.html").read_text()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_pages_are_not_blank_in_a_browser(built, tmp_path):
    for name in ("index.html", "ex-intro.html", "prop-4-parametric-diagonal.html"):
        png = tmp_path / (name + ".png")
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run",
                        f"--user-data-dir={tempfile.mkdtemp()}", f"--screenshot={png}", "--window-size=1280,1600",
                        (built / name).as_uri()], capture_output=True, timeout=120)
        # a blank 1280x1600 page compresses to a few kB; a page of text and formulas to far more
        assert png.exists() and png.stat().st_size > 40_000, (name, png.stat().st_size if png.exists() else None)


def test_index_points_to_the_notebooks(built):
    """issue 22: the audit site names the teaching notebooks a lecturer runs."""
    assert "examples/notebooks/" in (built / "index.html").read_text(encoding="utf-8")
