"""Step-by-step proofs from certificates, in Markdown, LaTeX or HTML.

A certificate is turned into a list of blocks (headings, paragraphs, typeset matrices, and
numbered steps that name the fact the checker verified and the claim id), then emitted in
the requested format.  Rendering never decides anything: run the checker first
(:func:`render` does, and states the checker's summary at the end).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from exactopen.exact import matrix as mx


@dataclass
class Block:
    kind: str  # "h", "p", "step", "matrix", "image"
    text: str = ""
    name: str = ""
    value: object = None


def _m(obj) -> object:
    """A rational matrix, or (entries that are polynomials in parameters) its rows of text."""
    try:
        return mx.from_json(obj)
    except (ValueError, TypeError):
        return [list(map(str, r)) for r in obj["rows"]]


def _cells(A) -> list[list[str]]:
    if isinstance(A, list):
        return A
    return [[mx.rational_str(x) for x in r] for r in A.tolist()]


def _one(idx) -> list[int]:
    """Indices as a reader counts them (from 1)."""
    return [i + 1 for i in idx]


def _rank_steps(ev: dict, name: str, r: int) -> list[Block]:
    out = []
    mn = ev.get("minor") or {}
    if mn.get("rows"):
        out.append(Block("step", f"The {len(mn['rows'])}×{len(mn['rows'])} submatrix of {name} on rows "
                         f"{_one(mn['rows'])} and columns {_one(mn['cols'])} has a nonzero determinant, "
                         f"so rank {name} ≥ {r}."))
    ann = ev.get("annihilator")
    if ann:
        N = _m(ann["basis"])
        if N.ncols() == 0:
            out.append(Block("step", f"rank {name} ≤ {r} because {name} has only {r} "
                             f"{'columns' if ann['side'] == 'right' else 'rows'}."))
            return out
        side = "N(" + name + ")" if ann["side"] == "right" else "N(" + name + "ᵀ)"
        prod = f"{name}·N = 0" if ann["side"] == "right" else f"Nᵀ·{name} = 0"
        out.append(Block("step", f"The {N.ncols()} columns of N lie in {side} ({prod}) and are independent "
                         f"(rows {_one(ann['minor_rows'])} of N form a nonsingular block), so rank {name} ≤ {r}."))
        out.append(Block("matrix", name="N", value=N))
    return out


def _inputs(cert: dict) -> list[Block]:
    blocks = []
    for key, val in cert.get("inputs", {}).items():
        if isinstance(val, dict) and "shape" in val:
            blocks.append(Block("matrix", name=key, value=_m(val)))
        elif isinstance(val, list) and val and isinstance(val[0], dict) and "shape" in val[0]:
            for i, v in enumerate(val):
                label = f"W{i + 1}" if key == "layers" else f"{key}[{i + 1}]"
                blocks.append(Block("matrix", name=label, value=_m(v)))
    return blocks


def _steps_openness(cert: dict) -> list[Block]:
    res, ev = cert["result"], cert["evidence"]
    W1, W2 = _m(cert["inputs"]["W1"]), _m(cert["inputs"]["W2"])
    m, k, n = W1.nrows(), W1.ncols(), W2.ncols()
    out = [Block("p", f"Here m = {m}, k = {k}, n = {n}, so {res['regime']} and the relevant result is "
                      f"`{res['theorem']}`.")]
    out += _rank_steps(ev["rank_W1"], "W1", ev["rank_W1"]["rank"])
    out += _rank_steps(ev["rank_W2"], "W2", ev["rank_W2"]["rank"])
    for key, A, B in (("intersection", "W1", "W2"), ("intersection_T", "W2ᵀ", "W1ᵀ")):
        I = ev[key]
        text = (f"dim(N({A}) ∩ C({B})) = {I['dim']}: it is at most rank {B} − rank({A}{B}) (an annihilator of {B} "
                f"and a nonsingular minor of {A}{B} on rows {_one(I['AB_minor']['rows'])}, columns "
                f"{_one(I['AB_minor']['cols'])})")
        if I["dim"]:
            text += f", and the {I['dim']} basis vectors below are {B}·(preimage), lie in N({A}) and are independent."
        else:
            text += "."
        out.append(Block("step", text))
        if I["dim"]:
            out.append(Block("matrix", name=f"basis of N({A}) ∩ C({B})", value=_m(I["basis"])))
    names = {"witness_2a": ("W̃1", "W̃1·W2 = 0 and W1 + W̃1 has full row rank", "(2a)"),
             "witness_2b": ("W̃2", "W1·W̃2 = 0 and W2 + W̃2 has full column rank", "(2b)"),
             "witness_i": ("W̃1", "W̃1·W2 = 0 and W1 + W̃1 has full column rank", "(i)"),
             "witness_ii": ("W̃2", "W1·W̃2 = 0 and W2 + W̃2 has full row rank", "(ii)")}
    for key, (sym, fact, cond) in names.items():
        if key in ev:
            w = ev[key]
            out.append(Block("step", f"Condition {cond} holds with the witness {sym} below: {fact} (nonsingular "
                             f"minor on rows {_one(w['minor']['rows'])}, columns {_one(w['minor']['cols'])})."))
            out.append(Block("matrix", name=sym, value=_m(w["matrix"])))
    cond = res["conditions"]
    why = {
        "equal_ranks": "rank W1 ≠ rank W2",
        "iii": "N(W1) ∩ C(W2) ≠ 0", "iv": "N(W2ᵀ) ∩ C(W1ᵀ) ≠ 0", "3a": "dim N(W1) ∩ C(W2) > k − m",
        "3b": "n − (rank W2 − dim N(W1) ∩ C(W2)) > k − rank W1",
        "i": "a nonzero x = W2c in N(W1) gives (W1 + W̃1)x = W1x + W̃1W2c = 0 for every admissible W̃1",
        "ii": "a nonzero y = W1ᵀc in N(W2ᵀ) gives (W2 + W̃2)ᵀy = 0 for every admissible W̃2",
        "2a": "rank(W1 + W̃1) ≤ k − dim N(W1) ∩ C(W2) < m for every W̃1 with W̃1W2 = 0",
        "2b": "rank(W2 + W̃2) ≤ rank W2 + k − rank W1 − dim N(W1) ∩ C(W2) < n for every W̃2 with W1W̃2 = 0",
    }
    for c, v in cond.items():
        if v is False:
            out.append(Block("step", f"Condition {c} fails: {why.get(c, 'see the evidence')}."))
    ob = ev.get("obstruction")
    if ob:
        out.append(Block("step", f"Obstruction (no theorem needed): for every δ ≠ 0 the target W1W2 + δR = K(M0 + "
                         f"δM1) has rank k and column space C(K); any preimage has {ob['side']} + Δ = K·T, and the "
                         f"vector y (yᵀK = 0) gives ‖Δ‖²_F ≥ ‖yᵀ{ob['side']}‖²/‖y‖² = {ob['bound']}. So targets "
                         "arbitrarily close to W1W2 need perturbations that do not shrink: not locally open."))
        out.append(Block("matrix", name="R", value=_m(ob["R"])))
        out.append(Block("matrix", name="K", value=_m(ob["K"])))
    verdict = res["verdict"].replace("_", " ")
    out.append(Block("p", f"**Conclusion** ({res['theorem']}): M is {verdict} at (W1, W2)."))
    return out


def _steps_lifting(cert: dict) -> list[Block]:
    r = cert["result"]
    return [Block("matrix", name="D1", value=_m(r["D1"])), Block("matrix", name="D2", value=_m(r["D2"])),
            Block("step", "Multiplying out, (W1 + D1)(W2 + D2) = Z exactly."),
            Block("step", f"‖D1‖²_F = {r['norm2_D1']}, ‖D2‖²_F = {r['norm2_D2']}, ‖Z − W1W2‖²_F = "
                  f"{r['norm2_target']}.")]


def _poly_text(coeffs) -> str:
    from exactopen.exact.numbers import rational_str

    terms = []
    for j, c in enumerate(coeffs):
        if c == 0:
            continue
        cs = rational_str(c)
        terms.append(f"({cs})·t^{j}" if j else cs)
    return " + ".join(terms) if terms else "0"


def _steps_landscape(cert: dict) -> list[Block]:
    from exactopen.landscape.network import Network

    res, ev, inp = cert["result"], cert["evidence"], cert["inputs"]
    layers = [_m(L) for L in inp["layers"]]
    net = Network.build(layers, _m(inp["Y"]), _m(inp["X"]), _m(inp["weights"]) if inp.get("weights") else None)
    v = res["verdict"]
    loss = "½Σ w_ij (·)²_ij" if inp.get("weights") else "½‖W_h⋯W_1X − Y‖²_F"
    out = [Block("p", f"The loss is L(W) = {loss}; at the given point L(W) = {res['loss']} (recomputed exactly).")]
    if v == "not_critical":
        g = ev["gradient_entry"]
        out.append(Block("step", f"The partial derivative ∂L/∂W{g['layer']} at entry ({g['row'] + 1}, "
                         f"{g['col'] + 1}) is {res.get('gradient_value', 'nonzero')} ≠ 0: W is not a critical point."))
        return out
    out.append(Block("step", "Every partial derivative ∂L/∂W_k, computed exactly, is zero: W is a critical point."))
    if v == "global_minimum":
        lb = ev["lower_bound"]
        if lb["method"] == "stationary":
            out.append(Block("step", "The gradient of the convex loss with respect to the product Z = W_h⋯W_1 "
                             "vanishes, so Z minimises the loss over all matrices; hence W is a global minimum."))
        else:
            out.append(Block("step", f"Ky Fan bound (lem-7): X = C·B with B Bᵀ invertible; with M = Y Bᵀ(BBᵀ)⁻¹B Yᵀ, "
                             f"the matrices Q and Q − M + μI (μ = {lb['mu']}) are PSD (exact LDLᵀ), so the sum of the "
                             f"r largest eigenvalues of M is at most rμ + tr Q; hence min L ≥ ½(‖Y‖² − rμ − tr Q), "
                             "a value this point attains: W is a global minimum."))
        return out
    curve = [(c["power"], [_m(L) for L in c["layers"]]) for c in ev.get("curve", [])]
    if curve:
        out.append(Block("p", "Consider the polynomial curve γ(t) = W + Σ_j t^j C_j with"))
        for j, Cs in curve:
            for k, C in enumerate(Cs):
                if not mx.is_zero(C):
                    out.append(Block("matrix", name=f"C_{j} (layer {k + 1})", value=C))
        p = net.curve_polynomial(curve)
        out.append(Block("step", f"Exactly, L(γ(t)) − L(W) = {_poly_text(p)}. Its lowest nonzero coefficient, of "
                         f"t^{res.get('descent_order')}, is {res.get('descent_coefficient')} < 0, so the loss drops "
                         "below L(W) for all small t ≠ 0 of the right sign: W is not a local minimum."))
        out.append(Block("step", f"At t = {ev['witness_t']} the rational point γ(t) has loss {res.get('witness_loss')}"
                         f" < {res['loss']}: W is not a global minimum either."))
    if res.get("hessian_psd") and v == "higher_order_saddle":
        out.append(Block("step", "The exact Hessian is positive semidefinite (LDLᵀ): no straight line W + tD has "
                         "negative curvature, which is why tests along straight lines miss this descent."))
    if v == "local_minimum_not_global":
        out.append(Block("step", f"W1 has full row rank and W2 full column rank, so the gauge directions "
                         f"(C·W1, −W2·C) span an r²-dimensional space T; the exact Hessian is PSD, annihilates T and "
                         f"has rank {res.get('hessian_rank')} = N − r², so its null space is exactly T."))
        out.append(Block("step", "Slice argument: near W every point is G·(W + s) with s in a complement of T, and "
                         "L(G·(W + s)) = L(W + s) ≥ L(W) because the Hessian is positive definite on that complement: "
                         "W is a local minimum."))
        out.append(Block("step", f"The rational point in the evidence has loss {res.get('witness_loss')} < "
                         f"{res['loss']}: W is not a global minimum."))
    if v == "undecided":
        out.append(Block("p", f"Undecided: {ev.get('reason', '')}"))
    out.append(Block("p", f"**Conclusion:** W is a {v.replace('_', ' ')}."))
    return out


def _steps_generic(cert: dict) -> list[Block]:
    out = []
    for key, val in cert.get("result", {}).items():
        if isinstance(val, dict) and "shape" in val:
            out.append(Block("matrix", name=key, value=_m(val)))
        elif not isinstance(val, (dict, list)) or (isinstance(val, list) and len(str(val)) < 120):
            out.append(Block("step", f"{key} = {val}"))
    for key, val in cert.get("evidence", {}).items():
        if isinstance(val, dict) and "shape" in val:
            out.append(Block("matrix", name=key, value=_m(val)))
        else:
            out.append(Block("step", f"The checker verifies the evidence `{key}`."))
    return out


def _steps_symbolic(cert: dict) -> list[Block]:
    res = cert["result"]
    out = [Block("p", f"Parameter space is split by a binary tree of cases p = 0 / p ≠ 0; on each leaf the ranks "
                      f"of W1, W2 and W1W2 are constant and certified by minors that are nonzero there and "
                      f"annihilators whose products vanish modulo the leaf's equations; `{res['theorem']}` then "
                      f"gives the verdict. Empty branches carry a Rabinowitsch (or sum-of-squares) certificate.")]
    for c in res["cells"]:
        cond = [f"{e} = 0" for e in c["equations"]] + [f"{q} ≠ 0" for q in c["inequations"]]
        out.append(Block("step", f"{' and '.join(cond) or 'everywhere'}: {c['verdict'].replace('_', ' ')}."))
    out.append(Block("p", "*Domain.* The parameters are real; the cases cover the whole parameter space, and a "
                     "case may hold no real point."))
    return out


def _steps_symbolic_landscape(cert: dict) -> list[Block]:
    res, ev = cert["result"], cert["evidence"]
    y = cert["inputs"]["parameters"][0]
    out = [Block("p", f"The entries of Y are polynomials in {y}; the layers and X are rational. Every expansion "
                      f"below is exact, with {y} kept symbolic; {y} ranges over the reals.")]
    out.append(Block("step", f"Each gradient entry (W_h⋯W_(k+1))ᵀ E (W_(k−1)⋯W_1 X)ᵀ, E = W_h⋯W_1 X − Y, is the "
                     f"zero polynomial in {y}: W is a critical point for every {y}. Its loss is L(W; {y}) = "
                     f"{res['loss']}."))
    out.append(Block("step", f"Case split on {ev['split']}: the cells {ev['split']} = 0 and {ev['split']} ≠ 0 "
                     "cover the real line."))
    for c, key in zip(res["cells"], ("zero", "nonzero")):
        node = ev[key]
        cond = " and ".join([f"{e} = 0" for e in c["equations"]] + [f"{q} ≠ 0" for q in c["inequations"]])
        if node["verdict"] == "global_minimum":
            out.append(Block("step", f"Cell {cond}: substituting, L(W) = 0, and L ≥ 0 everywhere (a sum of "
                             "squares): W is a global minimum."))
            continue
        out.append(Block("p", f"Cell {cond}: the polynomial curve γ(t) = W + Σ_j t^j C_j with"))
        for term in node["curve"]:
            for k, C in enumerate(term["layers"]):
                if any(x != "0" for r in C["rows"] for x in r):
                    out.append(Block("matrix", name=f"C_{term['power']} (layer {k + 1})", value=_m(C)))
        m = node["descent_order"]
        out.append(Block("step", f"Exactly, p(t; {y}) = L(γ(t)) − L(W) has lowest nonzero coefficient "
                         f"({node['descent_coefficient']})·t^{m}, a negative multiple of an even power of {y}: "
                         f"negative for every {y} ≠ 0, so W is not a local minimum on this cell."))
        out.append(Block("step", f"At t = {node['witness_t']}, L(γ(t)) − L(W) = {node['witness_gap']} < 0 for every "
                         f"{y} ≠ 0: W is not a global minimum either (a saddle)."))
    verdicts = {c["verdict"] for c in res["cells"]}
    if verdicts == {"global_minimum", "saddle"}:
        out.append(Block("p", f"**Conclusion:** W is a global minimum iff {y} = 0, and a saddle for every {y} ≠ 0."))
    return out


STEPS = {"symbolic_landscape": _steps_symbolic_landscape, "symbolic_openness": _steps_symbolic, "openness": _steps_openness, "lifting": _steps_lifting, "landscape_point": _steps_landscape}


def blocks(cert: dict, checked=None) -> list[Block]:
    """The proof's blocks; ``checked`` is the checker's report (:func:`exactopen.kernel.explain`)
    or its statement: the closing paragraph states exactly what the checker verified and the
    theorems it took on trust."""
    cid = cert.get("claim_id")
    out = [Block("h", f"{cert['kind']} certificate"), Block("p", f"**Claim.** {cert['claim']}")]
    if cid:
        out.append(Block("p", f"*Filed under claim `{cid}` of the paper (a label, not itself checked).*"))
    out.append(Block("p", "**Inputs.**"))
    out += _inputs(cert)
    out.append(Block("p", "**Proof.**"))
    out += STEPS.get(cert["kind"], _steps_generic)(cert)
    if checked:
        report = checked if isinstance(checked, dict) else {"statement": checked, "theorems": None}
        out.append(Block("p", f"*Checked by exactopen's independent checker:* {report['statement']}."))
        if report["theorems"] is not None:
            ts = ", ".join(f"`{t['id']}`" for t in report["theorems"])
            out.append(Block("p", f"*Trusted theorems used:* {ts or 'none (every step re-derived from the numbers)'}."))
    return out


def _latex_matrix(A) -> str:
    rows = _cells(A)
    if not rows or not rows[0]:
        return "\\text{(empty)}"

    def cell(s):
        if "/" in s and all(ch.isdigit() or ch in "-/" for ch in s):
            p, q = s.split("/")
            sign = "-" if p.startswith("-") else ""
            return f"{sign}\\tfrac{{{p.lstrip('-')}}}{{{q}}}"
        return s
    body = " \\\\ ".join(" & ".join(cell(x) for x in r) for r in rows)
    return "\\begin{pmatrix} " + body + " \\end{pmatrix}"


def to_markdown(bs: list[Block]) -> str:
    out, step = [], 0
    for b in bs:
        if b.kind == "h":
            out.append(f"# {b.text}\n")
        elif b.kind == "p":
            out.append(b.text + "\n")
        elif b.kind == "step":
            step += 1
            out.append(f"{step}. {b.text}\n")
        elif b.kind == "matrix":
            out.append(f"$$ {b.name} = {_latex_matrix(b.value)} $$\n")
        elif b.kind == "image":
            out.append(f"![{b.text}]({b.name})\n")
    return "\n".join(out)


def to_latex(bs: list[Block]) -> str:
    """A LaTeX fragment (UTF-8 symbols: compile with lualatex or xelatex)."""
    out, in_list, step = [], False, 0
    esc = lambda s: s.replace("_", "\\_").replace("&", "\\&").replace("#", "\\#").replace("**", "")  # noqa: E731
    for b in bs:
        if b.kind not in ("step", "matrix") and in_list:
            out.append("\\end{enumerate}")
            in_list = False
        if b.kind == "h":
            out.append(f"\\section*{{{esc(b.text).replace('`', '')}}}")
        elif b.kind == "p":
            out.append(esc(b.text).replace("`", "") + "\n")
        elif b.kind == "step":
            if not in_list:
                out.append("\\begin{enumerate}\\setcounter{enumi}{%d}" % step)
                in_list = True
            step += 1
            out.append(f"  \\item {esc(b.text).replace('`', '')}")
        elif b.kind == "matrix":
            out.append(f"\\[ \\text{{{esc(b.name)}}} = {_latex_matrix(b.value)} \\]")
        elif b.kind == "image":
            out.append(f"\\includegraphics[width=0.7\\linewidth]{{{b.name}}}")
    if in_list:
        out.append("\\end{enumerate}")
    return "\n".join(out) + "\n"


def _html_matrix(A) -> str:
    cells = _cells(A)
    if not cells or not cells[0]:
        return "<em>(empty)</em>"
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in r) + "</tr>" for r in cells)
    return f'<table class="matrix">{rows}</table>'


def _inline_html(s: str) -> str:
    import re

    s = html.escape(s)
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    s = re.sub(r"\*(.+?)\*", r"<em>\1</em>", s)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", s)


def to_html(bs: list[Block], standalone: bool = True) -> str:
    out, in_list, step = [], False, 0
    for b in bs:
        if b.kind != "step" and b.kind != "matrix" and in_list:
            out.append("</ol>")
            in_list = False
        if b.kind == "h":
            out.append(f"<h1>{_inline_html(b.text)}</h1>")
        elif b.kind == "p":
            out.append(f"<p>{_inline_html(b.text)}</p>")
        elif b.kind == "step":
            if not in_list:
                out.append(f'<ol start="{step + 1}">')
                in_list = True
            step += 1
            out.append(f"<li>{_inline_html(b.text)}</li>")
        elif b.kind == "matrix":
            out.append(f'<div class="eq"><span>{html.escape(b.name)} =</span> {_html_matrix(b.value)}</div>')
        elif b.kind == "image":
            out.append(f'<p><img src="{html.escape(b.name)}" alt="{html.escape(b.text)}" width="560"></p>')
    if in_list:
        out.append("</ol>")
    body = "\n".join(out)
    if not standalone:
        return body
    css = ("body{font-family:Georgia,serif;max-width:820px;margin:2em auto;line-height:1.5;color:#222}"
           "table.matrix{display:inline-table;border-left:2px solid #333;border-right:2px solid #333;"
           "border-collapse:collapse;vertical-align:middle;margin:.3em}"
           "table.matrix td{padding:.15em .6em;text-align:right;font-family:monospace}"
           ".eq{margin:.6em 0 .6em 2em}.eq span{font-style:italic}code{background:#f3f3f3;padding:0 .2em}")
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>exactopen certificate</title>"
            f"<style>{css}</style></head><body>\n{body}\n</body></html>\n")


def render(cert: dict, fmt: str = "md", images: list[tuple[str, str]] | None = None) -> str:
    """Check the certificate, then render its proof in ``fmt`` ("md", "tex" or "html")."""
    from exactopen import kernel

    bs = blocks(cert, kernel.explain(cert))
    for alt, path in images or []:
        bs.append(Block("image", text=alt, name=path))
    return {"md": to_markdown, "tex": to_latex, "html": to_html}[fmt](bs)
