"""Writing a proof's blocks (:mod:`exactopen.report.render`) as Markdown, LaTeX or HTML.

* Markdown: GitHub-flavoured, mathematics between ``$...$`` / ``$$...$$``.
* LaTeX: a fragment that compiles inside ``\\documentclass{article}`` with ``amsmath`` and
  ``amssymb`` (``graphicx`` when it shows figures); pure ASCII, every Unicode symbol of the
  checker's statement replaced by its LaTeX command; ``standalone=True`` wraps it in a document.
* HTML: MathML written at render time (:mod:`exactopen.report.mathml`), inline CSS, no script,
  no network.

Long exact numbers (more than :data:`render.LONG` characters) are shown shortened to their first
digits; the exact value is listed under the block (Markdown, LaTeX) or one hover or click away
(HTML).
"""

from __future__ import annotations

import html
import re

from exactopen.report.latex import LONG, Block, corner, elided_note, mat, shape, too_large
from exactopen.report.mathml import GREEK, OPS, short_number, to_mathml

EXACT_SHOWN = 4000  # Markdown and HTML list exact values up to this many characters (LaTeX: TEX_EXACT)
_SEG = re.compile(r"(\$[^$]+\$|`[^`]+`)")
_EOLONG = re.compile(r"\\eolong\{([^{}]*)\}")
_LONGNUM = re.compile(r"-?\d+/\d+|-?\d+")


def segments(text: str) -> list[tuple[str, str]]:
    """Prose with inline ``$math$`` and ```code```: [(kind, text)] with kind text/math/code."""
    out = []
    for part in _SEG.split(text):
        if not part:
            continue
        if part.startswith("$") and part.endswith("$") and len(part) > 1:
            out.append(("math", part[1:-1]))
        elif part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(("code", part[1:-1]))
        else:
            out.append(("text", part))
    return out


def _shorten_math(latex: str, exact: list[str]) -> str:
    """``\\eolong{E}`` -> its short LaTeX form; E is appended to ``exact``."""
    def sub(m):
        exact.append(m.group(1))
        return short_number(m.group(1))[0]
    return _EOLONG.sub(sub, latex)


def _wrap(s: str, width: int = 64) -> list[str]:
    return [s[i:i + width] for i in range(0, len(s), width)] or [""]


# ---------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------

def _md_inline(text: str, exact: list[str]) -> str:
    out = []
    for kind, s in segments(text):
        if kind == "math":
            out.append(f"${_shorten_math(s, exact)}$")
        elif kind == "code":
            out.append(f"`{s}`")
        else:
            out.append(s)
    return "".join(out)


def _md_exact(exact: list[str]) -> list[str]:
    if not exact:
        return []
    lines = ["```text", "exact values:"]
    for e in dict.fromkeys(exact):
        short = short_number(e)[1]
        if len(e) > EXACT_SHOWN:
            lines.append(f"{short} has an exact value of {len(e)} characters, in the certificate")
            continue
        parts = _wrap(e)
        lines.append(f"{short} = {parts[0]}")
        lines += [" " * (len(short) + 3) + p for p in parts[1:]]
    return lines + ["```", ""]


def to_markdown(bs: list[Block]) -> str:
    out, step = [], 0
    for b in bs:
        exact: list[str] = []
        if b.kind == "title":
            out.append(f"# {b.text}\n")
        elif b.kind == "meta":
            out.append(f"*{_md_inline(b.text, exact)}*\n")
        elif b.kind == "statement":
            out.append("**What the checker verified** (its own statement, derived from the numbers):\n")
            out.append("> " + b.text.replace("*", "\\*") + "\n")
        elif b.kind == "h2":
            out.append(f"## {b.text}\n")
        elif b.kind == "p":
            if out and out[-1].startswith("* `"):  # a paragraph after a list of theorems
                out.append("")
            out.append(_md_inline(b.text, exact) + "\n")
        elif b.kind == "step":
            step += 1
            out.append(f"{step}. {_md_inline(b.text, exact)}\n")
        elif b.kind == "matrix":
            tex, note = _matrix(b)
            out.append(f"$$ {_shorten_math(tex, exact)} $$\n")
            if note:
                out.append(_md_inline(note, exact) + "\n")
        elif b.kind == "math":
            out.append(f"$$ {_shorten_math(b.text, exact)} $$\n")
        elif b.kind == "verdict":
            out.append(f"**Verdict.** {_md_inline(b.text, exact)}\n")
        elif b.kind == "theorem":
            out.append(f"* `{b.name}`: {b.text}")
        elif b.kind == "image":
            out.append(f"\n![{b.text}]({b.name})\n")
        elif b.kind == "banner":
            out.append(f"**{b.text}**\n")
        out += _md_exact(exact)
    return "\n".join(out).replace("\n\n\n", "\n\n").rstrip("\n") + "\n"


def _mat(value) -> str:
    return mat(value)


def _matrix(b: Block) -> tuple[str, str | None]:
    """A matrix block: (the display formula ``name = matrix``, None), or for a large matrix
    (:func:`exactopen.report.latex.too_large`) its corner and the sentence with its shape, its
    place in the certificate and the SHA-256 of its exact values."""
    if too_large(b.value):
        return f"{b.name} = {corner(b.value)}", elided_note(b.value, b.name, b.where)
    return f"{b.name} = {_mat(b.value)}", None


# ---------------------------------------------------------------------------------------
# LaTeX
# ---------------------------------------------------------------------------------------

_TEX_ASCII = {"\\": "\\ensuremath{\\backslash}", "{": "\\{", "}": "\\}", "$": "\\$", "&": "\\&", "#": "\\#",
              "^": "\\^{}", "_": "\\_", "%": "\\%", "~": "\\~{}", "<": "\\ensuremath{<}", ">": "\\ensuremath{>}",
              "|": "\\ensuremath{|}"}
_TEX_UNICODE = {c: f"\\ensuremath{{\\{n}}}" for n, c in GREEK.items()}
_TEX_UNICODE.update({c: f"\\ensuremath{{\\{n}}}" for n, c in OPS.items() if len(n) > 1 and n.isalpha()})
_TEX_UNICODE.update({
    "−": "\\ensuremath{-}", "ᵀ": "\\ensuremath{^{\\top}}", "‖": "\\ensuremath{\\|}", "½": "\\ensuremath{\\tfrac12}",
    "“": "``", "”": "''", "‘": "`", "’": "'", "–": "--", "—": "---", "…": "\\ldots{}", "⋯": "\\ensuremath{\\cdots}",
    "ℓ": "\\ensuremath{\\ell}", "ℝ": "\\ensuremath{\\mathbb{R}}", "√": "\\ensuremath{\\surd}", "ᶜ": "\\ensuremath{^{c}}",
    "′": "\\ensuremath{'}", "∑": "\\ensuremath{\\sum}", "·": "\\ensuremath{\\cdot}", "×": "\\ensuremath{\\times}",
    "≤": "\\ensuremath{\\le}", "≥": "\\ensuremath{\\ge}", "≠": "\\ensuremath{\\ne}", "∂": "\\ensuremath{\\partial}",
    "∩": "\\ensuremath{\\cap}", "⊆": "\\ensuremath{\\subseteq}", "∈": "\\ensuremath{\\in}", "→": "\\ensuremath{\\to}",
    "⇒": "\\ensuremath{\\Rightarrow}", "⇔": "\\ensuremath{\\Leftrightarrow}", "∞": "\\ensuremath{\\infty}",
    "ϵ": "\\ensuremath{\\epsilon}", "ε": "\\ensuremath{\\varepsilon}", "≈": "\\ensuremath{\\approx}",
    "±": "\\ensuremath{\\pm}", "∘": "\\ensuremath{\\circ}", "↦": "\\ensuremath{\\mapsto}", "∪": "\\ensuremath{\\cup}",
    "°": "\\ensuremath{^\\circ}", "\u00a0": "~",
})
_TEX_UNICODE.update({c: f"\\ensuremath{{^{{{d}}}}}" for c, d in zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")})
_TEX_UNICODE.update({c: f"\\ensuremath{{_{{{d}}}}}" for c, d in zip("₀₁₂₃₄₅₆₇₈₉", "0123456789")})


def tex_text(s: str) -> str:
    """Plain text (any Unicode) as ASCII LaTeX text; long numbers may break every 10 digits."""
    out = []
    for ch in s:
        if ch in _TEX_ASCII:
            out.append(_TEX_ASCII[ch])
        elif ord(ch) < 128:
            out.append(ch)
        elif ch in _TEX_UNICODE:
            out.append(_TEX_UNICODE[ch])
        else:
            out.append(f"[U+{ord(ch):04X}]")
    text = "".join(out)
    text = re.sub(r"\b[0-9a-f]{32,}\b", lambda m: "\\allowbreak ".join(_wrap(m.group(0), 16)), text)  # digests
    return re.sub(r"\d{12,}", lambda m: "\\allowbreak ".join(_wrap(m.group(0), 10)), text)


def _tex_inline(text: str, exact: list[str]) -> str:
    out = []
    for kind, s in segments(text):
        if kind == "math":
            out.append(f"${_shorten_math(s, exact)}$")
        elif kind == "code":
            long = len(s) > 24 and " " not in s  # a digest or a long path: breakable every 16 characters
            out.append("\\texttt{" + ("\\allowbreak " if long else "").join(
                tex_text(p) for p in (_wrap(s, 16) if long else [s])) + "}")
        else:
            out.append(tex_text(s))
    return "".join(out)


TEX_EXACT = 400  # LaTeX lists exact values up to this many characters; longer ones stay in the certificate


def _tex_exact(exact: list[str]) -> str:
    if not exact:
        return ""
    brk = "\\allowbreak "
    items = [f"${short_number(e)[0]}$ is exactly \\texttt{{{brk.join(_wrap(e, 10))}}}" if len(e) <= TEX_EXACT else
             f"${short_number(e)[0]}$ has an exact value of {len(e)} characters, in the certificate"
             for e in dict.fromkeys(exact)]
    return ("\n  \\begin{sloppypar}\\footnotesize Exact values (the digits shown above are the first digits, cut, "
            "not rounded): " + "; ".join(items) + ".\\end{sloppypar}")


def _max_cols(b: Block) -> int:
    return shape(b.value)[1] if b.kind == "matrix" and not too_large(b.value) else 0


PREAMBLE = ("\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{amssymb}\n\\usepackage{graphicx}\n"
            "\\usepackage[a4paper,margin=2.5cm]{geometry}\n\\setcounter{MaxMatrixCols}{40}\n")


def to_latex(bs: list[Block], standalone: bool = False) -> str:
    """A LaTeX fragment (packages: amsmath, amssymb; graphicx only for figures), or with
    ``standalone`` a whole document."""
    out, in_list, step, cols = [], False, 0, 10
    for b in bs:
        exact: list[str] = []
        if b.kind not in ("step", "matrix", "math") and in_list:
            out.append("\\end{enumerate}")
            in_list = False
        if b.kind == "matrix" and _max_cols(b) > cols:
            cols = _max_cols(b)
            out.append(f"\\setcounter{{MaxMatrixCols}}{{{cols}}}")
        if b.kind == "title":
            out.append(f"\\section*{{{tex_text(b.text)}}}")
        elif b.kind == "meta":
            out.append(f"\\noindent{{\\small {_tex_inline(b.text, exact)}}}\n")
        elif b.kind == "statement":
            out.append("\\paragraph{What the checker verified} (its own statement, derived from the numbers):")
            out.append(f"\\begin{{quote}}\n{tex_text(b.text)}\n\\end{{quote}}\n")
        elif b.kind == "h2":
            out.append(f"\\subsection*{{{tex_text(b.text)}}}")
        elif b.kind == "p":
            out.append(_tex_inline(b.text, exact) + "\n")
        elif b.kind == "verdict":
            out.append(f"\\paragraph{{Verdict.}} {_tex_inline(b.text, exact)}\n")
        elif b.kind == "theorem":
            out.append(f"\\begin{{itemize}}\\item \\texttt{{{tex_text(b.name)}}}: {tex_text(b.text)}\\end{{itemize}}")
        elif b.kind == "banner":
            out.append(f"\\begin{{center}}\\fbox{{\\textbf{{{tex_text(b.text)}}}}}\\end{{center}}")
        elif b.kind == "step":
            if not in_list:
                out.append("\\begin{enumerate}\\setcounter{enumi}{%d}" % step)
                in_list = True
            step += 1
            out.append(f"  \\item {_tex_inline(b.text, exact)}")
        elif b.kind == "matrix":
            tex, note = _matrix(b)
            out.append(f"\\[ {_shorten_math(tex, exact)} \\]")
            if note:
                out.append(f"\\begin{{sloppypar}}\\small {_tex_inline(note, exact)}\\end{{sloppypar}}\n")
        elif b.kind == "math":
            out.append(f"\\[ {_shorten_math(b.text, exact)} \\]")
        elif b.kind == "image":
            out.append(f"\\begin{{center}}\\includegraphics[width=0.7\\linewidth]{{{b.name}}}\\end{{center}}")
        if exact:
            out.append(_tex_exact(exact))
    if in_list:
        out.append("\\end{enumerate}")
    # emergency stretch: a third line-breaking pass rather than an overfull line (long numbers)
    body = "\\begingroup\\setlength{\\emergencystretch}{3em}\n" + "\n".join(out) + "\n\\endgroup\n"
    if not standalone:
        return body
    return PREAMBLE + "\\begin{document}\n" + body + "\\end{document}\n"


# ---------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------

CSS = """
body{font-family:Georgia,'DejaVu Serif',serif;max-width:52em;margin:2em auto;padding:0 1em;line-height:1.55;color:#1d1d1d;background:#fff}
h1{font-size:1.6em;margin:.2em 0 .3em;color:#123}
h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:1px solid #ccd;color:#123}
.meta{color:#555;font-size:.92em;margin-top:0}
.statement{background:#f4f7fb;border-left:4px solid #3a6ea5;margin:1em 0;padding:.6em 1em}
.statement .label{font-weight:bold;color:#3a6ea5;margin:0 0 .3em;font-size:.92em}
.statement .text{margin:0;font-family:'DejaVu Sans Mono',Menlo,monospace;font-size:.88em;overflow-wrap:anywhere}
.eq{margin:.7em 0 .7em 1.5em;overflow-x:auto}
math{font-size:1.08em}
math[display=block]{margin:.4em 0}
mtable.bmatrix mtd{padding:.15em .45em}
ol li{margin:.35em 0}
.verdict{background:#eef7ee;border:1px solid #7bb07b;padding:.5em .8em;border-radius:4px}
.verdict.neg{background:#fbefef;border-color:#c98080}
.theorem{margin:.3em 0 .3em 1.5em;font-size:.95em}
code{background:#f1f1f4;padding:0 .25em;border-radius:3px;font-size:.92em}
.elided{font-size:.88em;color:#444;margin:-.3em 0 .8em 1.5em}
.elided code{overflow-wrap:anywhere;word-break:break-all}
details.exact{font-size:.85em;color:#444;margin:.2em 0 .6em 1.5em}
details.exact code{overflow-wrap:anywhere;word-break:break-all;display:inline}
.long{border-bottom:1px dotted #777;cursor:pointer}
.long .full{display:none}
.long:focus .short{display:none}
.long:focus .full{display:inline;word-break:break-all}
.rejected{background:#b00020;color:#fff;font-weight:bold;padding:.8em 1em;border-radius:4px;font-family:sans-serif}
img{max-width:100%}
table.audit{border-collapse:collapse;font-size:.92em;margin:1em 0}
table.audit th,table.audit td{border:1px solid #ccd;padding:.35em .5em;vertical-align:top;text-align:left}
table.audit th{background:#eef1f6}
.v-certified{color:#1b6e1b;font-weight:bold}.v-refuted{color:#b00020;font-weight:bold}
.v-other{color:#8a5a00;font-weight:bold}
nav{font-family:sans-serif;font-size:.9em;margin-bottom:1em}
nav a{margin-right:1em}
section.proof{border-top:2px solid #dde;margin-top:2em}
"""


def _html_prose(s: str) -> str:
    """Escaped prose; long numbers shortened, exact on hover (title) or click (focus)."""
    def sub(m):
        t = m.group(0)
        if len(t) <= LONG:
            return html.escape(t)
        short = short_number(t)[1]
        return (f'<span class="long" tabindex="0" title="{html.escape(t)}"><span class="short">{short}</span>'
                f'<span class="full">{html.escape(t)}</span></span>')
    out, last = [], 0
    for m in _LONGNUM.finditer(s):
        out.append(html.escape(s[last:m.start()]))
        out.append(sub(m))
        last = m.end()
    out.append(html.escape(s[last:]))
    return "".join(out)


def _collect(latex: str, exact: list[str]) -> str:
    exact += _EOLONG.findall(latex)
    return latex


def _html_inline(text: str, exact: list[str]) -> str:
    out = []
    for kind, s in segments(text):
        if kind == "math":
            out.append(to_mathml(_collect(s, exact)))
        elif kind == "code":
            out.append(f"<code>{html.escape(s)}</code>")
        else:
            out.append(_html_prose(s))
    return "".join(out)


def _html_exact(exact: list[str]) -> str:
    if not exact:
        return ""
    items = "".join(f"<li>{html.escape(short_number(e)[1])} is exactly <code>{html.escape(e)}</code></li>"
                    if len(e) <= EXACT_SHOWN else
                    f"<li>{html.escape(short_number(e)[1])} has an exact value of {len(e)} characters, in the "
                    "certificate</li>" for e in dict.fromkeys(exact))
    return f'<details class="exact"><summary>exact values</summary><ul>{items}</ul></details>'


def to_html(bs: list[Block], standalone: bool = True, title: str = "exactopen proof") -> str:
    """HTML with MathML; ``standalone=False`` gives a fragment that still carries its style (for
    Jupyter and for embedding several proofs in one page)."""
    out, in_list, step = [], False, 0
    for b in bs:
        exact: list[str] = []
        if b.kind not in ("step", "matrix", "math") and in_list:
            out.append("</ol>")
            in_list = False
        if b.kind == "title":
            out.append(f"<h1>{html.escape(b.text)}</h1>")
        elif b.kind == "meta":
            out.append(f'<p class="meta">{_html_inline(b.text, exact)}</p>')
        elif b.kind == "statement":
            out.append('<div class="statement"><p class="label">What the checker verified (its own statement, '
                       f'derived from the numbers)</p><p class="text">{_html_prose(b.text)}</p></div>')
        elif b.kind == "h2":
            out.append(f"<h2>{html.escape(b.text)}</h2>")
        elif b.kind == "p":
            out.append(f"<p>{_html_inline(b.text, exact)}</p>")
        elif b.kind == "verdict":
            neg = " neg" if re.search(r"\bnot\b", b.text) else ""
            out.append(f'<p class="verdict{neg}"><strong>Verdict.</strong> {_html_inline(b.text, exact)}</p>')
        elif b.kind == "theorem":
            out.append(f'<p class="theorem"><code>{html.escape(b.name)}</code>: {html.escape(b.text)}</p>')
        elif b.kind == "banner":
            out.append(f'<div class="rejected">{html.escape(b.text)}</div>')
        elif b.kind == "step":
            if not in_list:
                out.append(f'<ol start="{step + 1}">')
                in_list = True
            step += 1
            out.append(f"<li>{_html_inline(b.text, exact)}{_html_exact(exact)}</li>")
            exact = []
        elif b.kind in ("matrix", "math"):
            tex, note = _matrix(b) if b.kind == "matrix" else (b.text, None)
            out.append(f'<div class="eq">{to_mathml(_collect(tex, exact), display=True)}</div>')
            if note:
                out.append(f'<p class="elided">{_html_inline(note, exact)}</p>')
        elif b.kind == "image":
            out.append(f'<p><img src="{html.escape(b.name)}" alt="{html.escape(b.text)}"></p>')
        if exact:
            out.append(_html_exact(exact))
    if in_list:
        out.append("</ol>")
    body = "\n".join(out)
    if not standalone:
        return f'<div class="exactopen-proof"><style>{scoped_css(".exactopen-proof")}</style>\n{body}\n</div>'
    return page(title, body)


def scoped_css(scope: str) -> str:
    """The stylesheet with every rule limited to ``scope`` (for a fragment inside a notebook)."""
    rules = []
    for rule in CSS.strip().splitlines():
        sel, body = rule.split("{", 1)
        sel = ",".join(scope if s.strip() == "body" else f"{scope} {s.strip()}" for s in sel.split(","))
        rules.append(sel + "{" + body)
    return "".join(rules)


def page(title: str, body: str, nav: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{CSS.strip()}</style></head><body>\n{nav}{body}\n"
            f"</body></html>\n")
