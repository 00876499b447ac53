"""The value every question of the Python API returns (see :mod:`exactopen.api`).

In Jupyter a :class:`Result` displays as its verdict, the checked statement, the lines the CLI
prints and a collapsible certificate (``<details>``) of bounded size: matrices beyond a few
entries are elided to their shape, a few entries and the SHA-256 of their JSON value (the exact
values stay in ``Result.certificate``), long numbers are shortened.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

#: beyond these sizes the displayed certificate elides (the data itself is untouched)
SHOW_MATRIX_CHARS = 400
SHOW_TEXT_CHARS = 48
SHOW_LIST_ITEMS = 12
SHOW_TOTAL_CHARS = 60_000


@dataclass
class Result:
    """A checked answer: ``verdict`` (a word), ``summary`` (the figures), ``statement`` (what the
    checker verified, in words) and ``certificate`` (plain JSON data).  Picklable.

    ``lines``: the human lines the CLI prints (``validate``: first the model analysed and the
    data, then the verdict); ``extra``: objects outside the certificate (``validate``: the escape
    point as numpy arrays).  ``render(fmt)`` gives the step-by-step proof; in Jupyter the result
    displays with a collapsible certificate (:meth:`_repr_html_`)."""

    verdict: str
    summary: dict
    statement: str
    certificate: dict
    lines: list = field(default_factory=list, repr=False)  # the CLI's human lines
    extra: dict = field(default_factory=dict, repr=False)  # e.g. validate's escape point (numpy arrays)

    def to_json(self) -> dict:
        """The CLI's ``--json`` shape."""
        return {"verdict": self.verdict, "summary": self.summary, "statement": self.statement,
                "certificate": self.certificate}

    def render(self, fmt: str = "md", standalone: bool = False) -> str:
        """The certificate's step-by-step proof as ``fmt`` ("md", "tex", "html")."""
        from exactopen.report.render import render

        return render(self.certificate, fmt, standalone=standalone)

    def __str__(self) -> str:
        return f"{self.verdict}: {self.statement}"

    def __repr__(self) -> str:
        kind = self.certificate.get("kind", "?") if isinstance(self.certificate, dict) else "?"
        return f"<Result {self.verdict}: {_short(self.statement, 100)} [certificate {kind}, checked]>"

    # -- notebooks ------------------------------------------------------------------------
    def _text_lines(self) -> list[str]:
        return [str(x) for x in self.lines] if self.lines else [f"verdict: {self.verdict.replace('_', ' ')}"]

    def _repr_markdown_(self) -> str:
        body = "\n".join(self._text_lines())
        return (f"**{_md(self.verdict.replace('_', ' '))}** (checked by the independent checker)\n\n"
                f"{_md(self.statement)}\n\n```text\n{body.replace('```', '` ` `')}\n```\n")

    def _repr_html_(self) -> str:
        cert = self.certificate if isinstance(self.certificate, dict) else {}
        try:
            size = f"{len(json.dumps(cert, separators=(',', ':'), default=str)) / 1024:.1f} KB of JSON"
        except (RecursionError, ValueError):
            size = "nested too deeply to measure"
        shown = json.dumps(elide(cert), indent=1, ensure_ascii=False, default=str)
        if len(shown) > SHOW_TOTAL_CHARS:
            shown = shown[:SHOW_TOTAL_CHARS] + f"\n... ({len(shown) - SHOW_TOTAL_CHARS} more characters elided)"
        lines = "\n".join(self._text_lines())
        e = html.escape
        return (f'<div class="exactopen-result"><p><b>{e(self.verdict.replace("_", " "))}</b> '
                f"(checked by the independent checker)</p>"
                f"<p>{e(self.statement)}</p>"
                f'<pre style="white-space: pre-wrap">{e(lines)}</pre>'
                f"<details><summary>certificate ({e(str(cert.get('kind', '?')))}, {size}; "
                f"large matrices elided here, exact in <code>.certificate</code>)</summary>"
                f'<pre style="white-space: pre-wrap">{e(shown)}</pre></details></div>')


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md(text: str) -> str:
    out = str(text)
    for ch in "\\`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out


def _sha(value) -> str:
    import hashlib

    return hashlib.sha256(json.dumps(value, separators=(",", ":"), sort_keys=True,
                                     default=str).encode()).hexdigest()


def _matrix_sha(obj: dict) -> str:
    """The SHA-256 that rendered proofs show for an elided matrix (of its exact values in the
    canonical text of docs/rendering.md); a matrix the display cannot decode (an input file
    referred to by digest, malformed data) shows the file's digest or its JSON's."""
    f = obj.get("file")
    if isinstance(f, dict) and isinstance(f.get("sha256"), str):
        return f"in the file with sha256 {f['sha256']}"
    try:
        from exactopen.exact.matrix import from_json
        from exactopen.report.latex import digest

        return f"sha256 of its exact values {digest(from_json(obj))}"
    except Exception:  # display only: whatever the JSON holds, the display does not fail
        return f"sha256 of its JSON {_sha(obj)}"


def _number_text(s: str) -> str:
    """A long rational "p/q" (or integer) as a decimal with its digit count; other long text cut."""
    import re

    if re.fullmatch(r"-?\d+(/\d+)?", s):
        from fractions import Fraction

        q = Fraction(s)
        try:
            approx = f"{float(q):.6g}"
        except OverflowError:
            approx = f"~1e{len(str(abs(q.numerator))) - len(str(q.denominator))}"
        return f"{approx} (exact: {len(s)} characters)"
    return s[:SHOW_TEXT_CHARS] + f"… ({len(s)} characters)"


def elide(obj: Any, depth: int = 0, budget: list | None = None) -> Any:
    """A copy of JSON data for display: a matrix ({"shape", ...}) whose JSON exceeds
    SHOW_MATRIX_CHARS becomes its shape, its first entries (when stored as rows) and the
    SHA-256 of its JSON value; long strings and long lists are shortened; beyond 12 levels of
    nesting or about SHOW_TOTAL_CHARS characters in all, what is left shows as "…"."""
    budget = [SHOW_TOTAL_CHARS] if budget is None else budget
    if depth > 12 or budget[0] <= 0:
        return "…"
    if isinstance(obj, dict):
        shape = obj.get("shape")
        if isinstance(shape, list) and len(shape) == 2 and all(isinstance(d, int) for d in shape):
            size = len(json.dumps(obj, separators=(",", ":"), default=str))
            if size > SHOW_MATRIX_CHARS:
                out: dict = {"shape": shape}
                rows = obj.get("rows")
                if isinstance(rows, list) and rows and isinstance(rows[0], list):
                    out["first entries"] = [elide(x, depth + 1, budget) for x in rows[0][:4]]
                out["elided"] = f"{size} characters of JSON, {_matrix_sha(obj)}"
                budget[0] -= 150
                return out
        return {k: elide(v, depth + 1, budget) for k, v in obj.items()}
    if isinstance(obj, list):
        if len(obj) > SHOW_LIST_ITEMS:
            head = [elide(x, depth + 1, budget) for x in obj[: SHOW_LIST_ITEMS // 2]]
            return head + [f"… {len(obj) - SHOW_LIST_ITEMS // 2} more items (sha256 {_sha(obj)[:16]}…)"]
        return [elide(x, depth + 1, budget) for x in obj]
    if isinstance(obj, str) and len(obj) > SHOW_TEXT_CHARS:
        obj = _number_text(obj)
    budget[0] -= len(str(obj)) + 4
    return obj
