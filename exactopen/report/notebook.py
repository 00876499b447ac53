"""A certificate as an object for notebooks and scripts: load, save, verify, render.

In Jupyter a :class:`Certificate` displays as its rendered proof, after the checker accepted it;
a certificate the checker rejects (or cannot read) displays one banner "REJECTED: <reason>"
in every format, never a traceback.
"""

from __future__ import annotations

import json

from exactopen import kernel
from exactopen.certificate import write_certificate
from exactopen.report import emit
from exactopen.report.render import blocks, rejected_blocks, render


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

    def render(self, fmt: str = "md", standalone: bool = False) -> str:
        return render(dict(self), fmt, standalone=standalone)

    @property
    def verdict(self):
        res = self.get("result")
        return res.get("verdict") if isinstance(res, dict) else None

    def _blocks(self):
        """The proof's blocks, or the rejection banner (any failure of the checker or of reading)."""
        try:
            return blocks(dict(self), kernel.explain(dict(self)))
        except (kernel.Rejected, kernel.Malformed) as exc:
            return rejected_blocks(str(exc) or type(exc).__name__)
        except Exception as exc:  # noqa: BLE001 - a display must never print a traceback
            return rejected_blocks(f"unreadable certificate ({type(exc).__name__}: {str(exc)[:200]})")

    def _repr_markdown_(self) -> str:
        return emit.to_markdown(self._blocks())

    def _repr_latex_(self) -> str:
        return emit.to_latex(self._blocks())

    def _repr_html_(self) -> str:
        return emit.to_html(self._blocks(), standalone=False)


def result_html(result) -> str:
    """A :class:`exactopen.result.Result` for Jupyter (``Result._repr_html_`` can return this):
    the verdict, the checker's statement, the summary's figures and the rendered proof of the
    certificate, collapsed in a ``<details>``.  The certificate is checked again first; if the
    checker does not accept it, only the rejection banner is shown (no verdict)."""
    import html

    cert = Certificate(result.certificate)
    bs = cert._blocks()
    if bs and bs[0].kind == "banner":
        return emit.to_html(bs, standalone=False)
    figures = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_figure(v))}</td></tr>"
                      for k, v in (result.summary or {}).items() if not isinstance(v, (dict, list)) and k != "text")
    proof = emit.to_html(bs, standalone=False)
    return (f'<div class="exactopen-result"><p><strong>{html.escape(str(result.verdict).replace("_", " "))}</strong>'
            f" (accepted by exactopen's checker)</p>"
            f'<p style="font-family:monospace;font-size:.9em;overflow-wrap:anywhere">{html.escape(result.statement)}</p>'
            + (f'<table style="font-size:.9em">{figures}</table>' if figures else "")
            + f"<details><summary>the certificate, as a step-by-step proof</summary>{proof}</details></div>")


def _figure(v) -> str:
    return f"{v:.6g}" if isinstance(v, float) else str(v)
