"""A certificate as an object for notebooks and scripts: load, save, verify, render.

In Jupyter a :class:`Certificate` displays as its rendered proof (after the checker accepted it).
"""

from __future__ import annotations

import json

from exactopen import kernel
from exactopen.certificate import write_certificate
from exactopen.report.render import blocks, render, to_html


class Certificate(dict):
    """A certificate (a plain dict) with conveniences for notebooks and scripts.

    ``verify()`` runs the independent checker; ``render(fmt)`` gives the step-by-step proof
    ("md", "tex", "html"); in Jupyter the object displays as its rendered proof.
    """

    @classmethod
    def load(cls, path: str) -> "Certificate":
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh))

    def save(self, path: str) -> None:
        write_certificate(path, dict(self))

    def verify(self) -> str:
        return kernel.check(dict(self))

    def render(self, fmt: str = "md") -> str:
        return render(dict(self), fmt)

    @property
    def verdict(self):
        return self.get("result", {}).get("verdict")

    def _repr_markdown_(self) -> str:
        return self.render("md")

    def _repr_latex_(self) -> str:
        return self.render("tex")

    def _repr_html_(self) -> str:
        return to_html(blocks(dict(self), kernel.explain(dict(self))), standalone=False)
