"""The LaTeX of every certificate kind compiles with pdflatex inside a plain article with the
packages docs/rendering.md names (amsmath, amssymb; graphicx for figures).  CI installs
pdflatex (.ci/run), so this test runs there rather than skipping."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from exactopen import kernel
from exactopen.report import emit
from exactopen.report.render import blocks
from tests.report.test_render import one_per_kind

FRAGMENT_PREAMBLE = "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{amssymb}\n"


@pytest.mark.skipif(shutil.which("pdflatex") is None and not os.environ.get("CI"),
                    reason="pdflatex is not installed (apt-get install texlive-latex-base texlive-latex-recommended)")
def test_latex_of_every_kind_compiles(tmp_path):
    kinds = one_per_kind()
    body = "".join(emit.to_latex(blocks(c, kernel.explain(c))) + "\\clearpage\n" for c in kinds.values())
    (tmp_path / "all.tex").write_text(FRAGMENT_PREAMBLE + "\\begin{document}\n" + body + "\\end{document}\n")
    standalone = emit.to_latex(blocks(kinds[("landscape_point", "higher_order_saddle")], None), standalone=True)
    (tmp_path / "one.tex").write_text(standalone)
    for name in ("all.tex", "one.tex"):
        p = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stdout[-3000:]
        assert (tmp_path / name.replace(".tex", ".pdf")).stat().st_size > 1000
