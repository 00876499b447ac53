"""``exactopen audit --html DIR``: the audit as a static site that works from ``file://``.

Pages: ``index.html`` (the verdict table), ``claim-<id>.html`` (one per claim: what the paper
says, the verdict, its figures and its proofs), ``<certificate>.html`` (one per certificate),
``errata.html`` and ``counterexamples.html``.  Everything is read from a certificates folder
written by the audit (``AUDIT.md``, ``ERRATA.md``, ``COUNTEREXAMPLES.md``, the ``.json`` files and
``figures/``); every certificate is re-checked before it is rendered.  No script, no web font,
no network: CSS is inline, mathematics is MathML, figures are copied next to the pages.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil

from exactopen.certificate import write_atomic
from exactopen.report import emit
from exactopen.report.render import Block

EMBED = 6  # proofs shown in full on a claim's page; the others are linked


def _inline_md(s: str) -> str:
    """Markdown inline markup (code, bold, links to .md pages) as HTML."""
    parts = re.split(r"(`[^`]+`)", s)
    out = []
    for p in parts:
        if p.startswith("`") and p.endswith("`") and len(p) > 1:
            out.append(f"<code>{html.escape(p[1:-1])}</code>")
            continue
        t = html.escape(p, quote=False).replace("\\|", "|")
        t = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", t)
        t = re.sub(r"\[([^\]]+)\]\(([^)\s]+?)\.md\)", r'<a href="\2.html">\1</a>', t)
        t = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r'<a href="\2">\1</a>', t)
        out.append(t)
    return "".join(out)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def markdown_html(text: str) -> str:
    """The small Markdown of AUDIT/ERRATA/COUNTEREXAMPLES (headings, paragraphs, tables) as HTML."""
    out, para, lines, i = [], [], text.splitlines(), 0

    def flush():
        if para:
            out.append(f"<p>{_inline_md(' '.join(para))}</p>")
            para.clear()
    while i < len(lines):
        ln = lines[i]
        if ln.startswith("#"):
            flush()
            level = len(ln) - len(ln.lstrip("#"))
            out.append(f"<h{level}>{_inline_md(ln[level:].strip())}</h{level}>")
        elif ln.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            head, body = rows[0], [r for r in rows[1:] if not all(set(c) <= set("-: ") for c in r)]
            out.append('<table class="audit"><tr>' + "".join(f"<th>{_inline_md(c)}</th>" for c in head) + "</tr>"
                       + "".join("<tr>" + "".join(f"<td>{_inline_md(c)}</td>" for c in r) + "</tr>" for r in body)
                       + "</table>")
            continue
        elif not ln.strip():
            flush()
        else:
            para.append(ln.strip())
        i += 1
    flush()
    return "\n".join(out)


def audit_rows(text: str) -> list[dict]:
    """The rows of AUDIT.md: id, paper, verdict, note, files, checker."""
    from exactopen.report import markdown
    from exactopen.report.claims import VERDICTS

    alts = "|".join(re.escape(v) for v in VERDICTS)
    row = re.compile(rf"^\| `([a-z0-9-]+)` \| (.*?) \| \*\*({alts})\*\*: ?(.*) \| (-|(?:\[[^\]]*\]\([^)]*\)(?:, )?)+) \| (.*?)(?: \| (-|\[\d+ certificates?\]\(coq/README\.md\)))? \|$")
    rows = []
    for cid, line in markdown.table_rows(text).items():
        m = row.match(line)
        if not m:
            continue
        rows.append({"id": cid, "paper": m.group(2), "verdict": m.group(3), "note": m.group(4),
                     "files": [f + ".json" for f in re.findall(r"\]\(([^)/]+)\.md\)", m.group(5))],
                     "checker": m.group(6), "coq": int(re.match(r"\[(\d+)", m.group(7)).group(1))
                     if m.group(7) and m.group(7) != "-" else 0})
    return rows


def _coq_note(n: int) -> str:
    """A claim page's paragraph on its certificates proved again in Coq (docs/coq.md)."""
    if not n:
        return ""
    return (f"<p><strong>Proved again in Coq:</strong> {n} certificate{'s' if n > 1 else ''} of this claim "
            "exported to Coq 8.16 (<code>certificates/coq/</code>), each a theorem on the certificate's numbers "
            "stated with the plain definitions of <code>coq/Statements.v</code>: for a saddle "
            "<code>network dims n X Y W /\\ critical (loss X Y) W /\\ not_local_min (loss X Y) W</code> (W is a critical "
            "point of L(W) = ½‖W<sub>h</sub>⋯W<sub>1</sub>X − Y‖²<sub>F</sub> and not a local minimum), and for a "
            "higher-order saddle also <code>hessian_psd (loss X Y) W</code> (the Hessian is positive semidefinite); "
            "for a global minimum <code>global_min (loss X Y) W</code> (no W′ of W's shapes has a smaller loss); "
            "for a thm-5 obstruction <code>not_locally_open_at m k n W1 W2</code>; "
            "proved by general lemmas and <code>vm_compute</code> on the data, with no axiom.</p>")


def _nav() -> str:
    return ('<nav><a href="index.html">verdicts</a><a href="errata.html">errata</a>'
            '<a href="counterexamples.html">counterexamples</a></nav>')


def _verdict_class(v: str) -> str:
    return "v-certified" if v == "certified" else "v-refuted" if v == "refuted" else "v-other"


def _proof(path: str, figure: str | None) -> tuple[str, str]:
    """(title, HTML fragment) of one certificate, or a REJECTED banner."""
    from exactopen import kernel
    from exactopen.report.render import blocks, rejected_blocks, title

    try:
        with open(path, encoding="utf-8") as fh:
            cert = json.load(fh)
        bs = blocks(cert, kernel.explain(cert))
        head = title(cert)
    except (kernel.Rejected, kernel.Malformed, ValueError, KeyError) as exc:
        bs, head = rejected_blocks(str(exc)), "REJECTED"
    if figure:
        bs.append(Block("image", text="loss along the descent curve and along straight lines", name=figure))
    return head, emit.to_html(bs, standalone=True).split("<body>\n", 1)[1].rsplit("\n</body>", 1)[0]


def build(cert_dir: str, out_dir: str) -> list[str]:
    """Write the site for the audit in ``cert_dir`` into ``out_dir``; return the pages written."""
    from exactopen.report.audit_claims import CLAIMS

    with open(os.path.join(cert_dir, "AUDIT.md"), encoding="utf-8") as fh:
        rows = audit_rows(fh.read())
    claims = {c.id: c for c in CLAIMS}
    os.makedirs(out_dir, exist_ok=True)
    figs = os.path.join(cert_dir, "figures")
    have = set(os.listdir(figs)) if os.path.isdir(figs) else set()
    if have:
        os.makedirs(os.path.join(out_dir, "figures"), exist_ok=True)
        for f in sorted(have):
            if f.endswith((".png", ".svg")):
                shutil.copyfile(os.path.join(figs, f), os.path.join(out_dir, "figures", f))
                os.chmod(os.path.join(out_dir, "figures", f), 0o644)
    written = []

    def write(name: str, title: str, body: str) -> None:
        write_atomic(os.path.join(out_dir, name), emit.page(title, body, _nav()))
        written.append(name)

    # index
    trs = []
    for r in rows:
        trs.append(f'<tr><td><a href="claim-{r["id"]}.html"><code>{r["id"]}</code></a></td>'
                   f'<td>{_inline_md(r["paper"])}</td><td class="{_verdict_class(r["verdict"])}">{r["verdict"]}</td>'
                   f'<td>{_inline_md(r["note"])}</td><td>{len(r["files"])}</td><td>{html.escape(r["checker"])}</td>'
                   f'<td>{r.get("coq") or "-"}</td></tr>')
    write("index.html", "exactopen: audit of the paper",
          "<h1>Learning Deep Models: Critical Points and Local Openness — the audit</h1>"
          "<p>Every claim of the paper (Nouiehed &amp; Razaviyayn, arXiv 1803.02968), restated and given an id, "
          "with exactopen's verdict. Each verdict rests on certificates that exactopen's small independent checker "
          "re-verified from the numbers alone, in exact rational arithmetic. Follow a claim for its proofs.</p>"
          '<table class="audit"><tr><th>claim</th><th>the paper says</th><th>verdict</th><th>why</th>'
          "<th>certificates</th><th>checker</th><th>in Coq</th></tr>" + "".join(trs) + "</table>"
          '<p>Also: <a href="errata.html">errata</a> (the claims refuted, with what fails) and '
          '<a href="counterexamples.html">the paper\'s counterexamples side by side</a>.</p>'
          "<p>To teach it: four Jupyter notebooks a lecturer runs in class, in <code>examples/notebooks/</code> of "
          "the exactopen repository (local openness of W<sub>1</sub>W<sub>2</sub>, the introduction's saddle that "
          "every straight line misses, validating a PyTorch model, chains).</p>")
    # certificates and claims
    for r in rows:
        sections, links = [], []
        for i, f in enumerate(r["files"]):
            stem = f[:-5]
            fig = f"figures/descent-{stem}.png" if f"descent-{stem}.png" in have else None
            head, frag = _proof(os.path.join(cert_dir, f), fig)
            write(f"{stem}.html", head, frag)
            links.append(f'<li><a href="{stem}.html">{html.escape(head)}</a> (<code>{stem}</code>)</li>')
            if i < EMBED:
                sections.append(f'<section class="proof" id="{stem}"><p class="meta">Certificate '
                                f'<a href="{stem}.html"><code>{stem}</code></a></p>{frag}</section>')
        claim = claims.get(r["id"])
        stems = claim.figure_stems if claim else []
        figures = "".join(f'<p><img src="figures/{s}.png" alt="figure for {r["id"]}"></p>' for s in stems
                          if f"{s}.png" in have)
        more = "" if len(r["files"]) <= EMBED else f"<p>The first {EMBED} proofs are shown below.</p>"
        body = (f'<h1>Claim <code>{r["id"]}</code></h1><p><strong>The paper says:</strong> {_inline_md(r["paper"])}</p>'
                f'<p class="verdict{" neg" if r["verdict"] == "refuted" else ""}"><strong>Verdict: '
                f'<span class="{_verdict_class(r["verdict"])}">{r["verdict"]}</span>.</strong> {_inline_md(r["note"])}</p>'
                f"<p>Checker: {html.escape(r['checker'])}.</p>{_coq_note(r.get('coq') or 0)}{figures}"
                + (f"<h2>Certificates ({len(r['files'])})</h2>{more}<ul>{''.join(links)}</ul>" if links else
                   "<p>No certificate: this claim is not decidable by exact computation here.</p>")
                + "".join(sections))
        write(f"claim-{r['id']}.html", f"claim {r['id']}", body)
    for src, name, title in (("ERRATA.md", "errata.html", "errata"),
                             ("COUNTEREXAMPLES.md", "counterexamples.html", "counterexamples")):
        path = os.path.join(cert_dir, src)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                write(name, title, markdown_html(fh.read()))
    return written
