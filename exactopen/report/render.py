"""Step-by-step proofs from certificates, in Markdown, LaTeX or HTML.

A certificate is turned into a list of blocks (title, the checker's statement, inputs,
numbered steps, matrices, the verdict in words, what was taken on trust), then emitted by
:mod:`exactopen.report.emit`.  Rendering never decides anything: :func:`render` runs the
checker first and only renders what it accepted; the statement shown is the checker's own
(``kernel.explain``), and each step restates a fact the checker re-derives from the numbers.

Text inside blocks is prose with inline mathematics between ``$...$`` (a LaTeX subset that
:mod:`exactopen.report.mathml` turns into MathML for HTML).
"""

from __future__ import annotations

import re

from exactopen.exact import matrix as mx
from exactopen.report import emit, scalar, validation
from exactopen.report.latex import LONG, VERDICT_WORDS, Block, _m, cells, mat, poly, poly_t, q, shape  # noqa: F401  (re-exported)


def _is_zero(A) -> bool:
    if isinstance(A, list):
        return all(x == "0" for r in A for x in r)
    return mx.is_zero(A)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _idx(idx) -> str:
    """Indices as a reader counts them (from 1)."""
    return ", ".join(str(i + 1) for i in idx)


def _t(name: str) -> str:
    """A matrix name as LaTeX: W1 -> W_1, W~1 -> \\tilde W_1, W2ᵀ -> W_2^\\top."""
    tr = name.endswith("ᵀ")
    name = name.rstrip("ᵀ")
    tilde = "~" in name
    name = name.replace("~", "")
    m = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    out = f"{m.group(1)}_{{{m.group(2)}}}" if m else name
    if tilde:
        out = "\\tilde " + out
    return out + ("^\\top" if tr else "")


# ---------------------------------------------------------------------------------------
# words for kinds and verdicts
# ---------------------------------------------------------------------------------------

def title(cert: dict) -> str:
    k, v = cert["kind"], cert.get("result", {}).get("verdict")
    land = {"higher_order_saddle": "A higher-order saddle of the loss of a deep linear network",
            "strict_saddle": "A strict saddle of the loss of a deep linear network",
            "global_minimum": "A global minimum of the loss of a deep linear network",
            "local_minimum_not_global": "A local minimum that is not global (weighted square loss)",
            "not_critical": "Not a critical point of the loss", "saddle": "A saddle of the loss",
            "undecided": "A critical point of the loss (undecided)"}
    fixed = {
        "openness": f"The product map is {VERDICT_WORDS.get(v, v)} at (W1, W2)",
        "landscape_point": land.get(v, "A point of the loss of a deep linear network"),
        "lifting": "An exact preimage of a nearby target",
        "symbolic_openness": "Local openness of the product map, case by case in the parameters",
        "symbolic_landscape": "A critical point for every value of the parameter: global minimum or saddle",
        "perturbation_lower_bound": "How far the factors must move: a lower bound",
        "row_basis_bound": "A row basis with small coefficients (Lemma 13)",
        "chain_openness": {"locally_open": "The product of the chain is locally open at W",
                           "not_locally_open": "The product of the chain is not locally open at W"}.get(
                               v, "Local openness of the chain's product: undetermined at W"),
        "symbolic_chain_openness": "Local openness of a chain's product, case by case in the parameters",
        "basis_change": "Local openness is unchanged by the orthogonal change of basis",
        "pyramid_openness": "The pyramidal network is locally open at W",
        "pyramid_not_open": "The pyramidal network is not locally open at W",
        "pyramid_global": "Local minima of the pyramidal network's loss are global",
        "scalar_openness": f"A scalar map that is {VERDICT_WORDS.get(v, v)} at a point",
        "polynomial_minimum": "The minimum of a polynomial on an interval",
        "validate_network": "What the checker proves about these (trained) weights",
        "numerical_rank": "Certified numerical rank of a matrix",
        "rank": "The exact rank of a matrix", "nullspace": "A basis of a null space",
        "column_space": "A basis of a column space", "intersection": "The intersection of two subspaces",
        "solve": "An exact solution of a linear system",
    }
    return fixed.get(k, k.replace("_", " ").capitalize())


def verdict_sentence(cert: dict) -> str | None:
    k, res = cert["kind"], cert.get("result", {})
    v = res.get("verdict")
    if k == "openness":
        return (f"The product map $M(W_1, W_2) = W_1 W_2$ is {VERDICT_WORDS[v]} at $(W_1, W_2)$ "
                f"(by `{res['theorem']}`{'' if v == 'locally_open' else ' and a theorem-free obstruction'}).")
    if k == "landscape_point":
        extra = {"higher_order_saddle": ": not a local minimum, although no straight line through $W$ shows "
                                        "descent to second order",
                 "strict_saddle": ": the loss decreases along a straight line with negative curvature",
                 "global_minimum": "", "local_minimum_not_global": ""}.get(v, "")
        return f"$W$ is {VERDICT_WORDS.get(v, v.replace('_', ' '))}{extra}."
    if k == "chain_openness":
        if v == "locally_open":
            out = "The product map of the chain is locally open at $W$."
        elif v == "not_locally_open":
            out = "The product map of the chain is not locally open at $W$."
        else:
            out = "Lemma 10 does not apply here; no verdict on local openness is claimed."
        if res.get("rate"):
            p = res["rate"].split("/")[-1]
            out += (f" Lemma C5: reaching targets at distance $\\delta$ moves some layer by at least "
                    f"$\\min(1, (c\\,\\delta)^{{1/{p}}})$.")
        if res.get("preimage_rate"):
            q = res["preimage_rate"].split("/")[-1]
            out += (f" An explicit preimage family reaches every target at distance $\\delta \\le 1$ moving each "
                    f"entry by at most $C\\,\\delta^{{1/{q}}}$.")
        return out
    if k in ("pyramid_openness", "pyramid_not_open", "scalar_openness") and v:
        return f"The map is {VERDICT_WORDS.get(v, v)} at the given point."
    return None


# ---------------------------------------------------------------------------------------
# the checker's facts, in words
# ---------------------------------------------------------------------------------------

_NAMES = {"rank_W1": "$W_1$", "rank_W2": "$W_2$", "rank_V": "$V$", "X_rank": "$X$", "X_minor": "$X$",
          "rank_product": "the product $W_h \\cdots W_1$", "rank_W1W2": "$W_1 W_2$", "B_minor": "the rows $B$",
          "intersection": "$N(W_1) \\cap C(W_2)$", "intersection_T": "$N(W_2^\\top) \\cap C(W_1^\\top)$",
          "hessian_minor": "the Hessian", "W1_minor": "$W_1$", "W2_minor": "$W_2$", "rank": "the matrix",
          "original": "the pair $(W_1, W_2)$", "rotated": "the pair $(U^\\top W_1, W_2 V)$",
          "openness_certificate": "the pair $(W_1, W_2)$", "snap": "the snapped point",
          "carried_witness_i": "the carried witness of (i)", "carried_witness_ii": "the carried witness of (ii)"}


def _subject(path: str) -> str:
    parts = [p for p in re.split(r"\.", path) if p and p not in ("evidence", "result", "morse_bott")]
    m = re.match(r"layers\[(\d+)\]", parts[0]) if parts else None
    if m:
        return f"$W_{{{int(m.group(1)) + 1}}}$"
    m = re.match(r"singular_value_bounds\[(\d+)\]", parts[0]) if parts else None
    if m:
        return f"the bound on the {int(m.group(1)) + 1}. singular value"
    for p in parts:
        if p in _NAMES:
            return _NAMES[p]
    return "a matrix of the evidence"


def fact_text(f: str) -> str | None:
    """One of the checker's facts (``kernel.explain``) as a plain sentence, or None when it is
    only bookkeeping (an empty minor)."""
    m = re.match(r"^([\w.\[\]]+)(?: \((?:[^()]*)\))?: (.*)$", f)
    path, body = (m.group(1), m.group(2)) if m else ("", f)
    who = _subject(path) if path else "the matrix"
    mn = re.match(r"the (\d+)x\d+ minor on rows \[([\d, ]*)\], columns \[([\d, ]*)\] is nonsingular, "
                  r"so rank >= (\d+)$", body)
    if mn:
        size = int(mn.group(1))
        if size == 0:
            return None
        rows = [int(x) for x in mn.group(2).split(",")]
        cols = [int(x) for x in mn.group(3).split(",")]
        return (f"The ${size}\\times {size}$ minor of {who} on {'row' if size == 1 else 'rows'} {_idx(rows)} and "
                f"{'column' if size == 1 else 'columns'} {_idx(cols)} is nonzero, so its rank is at least "
                f"${mn.group(4)}$.")
    an = re.match(r"(\d+) independent vectors annihilate the matrix \((left|right)\), so rank <= (\d+)$", body)
    if an:
        n = int(an.group(1))
        if n == 0:
            return f"{who[0].upper() + who[1:]} has only ${an.group(3)}$ columns or rows, so its rank is at most ${an.group(3)}$."
        side = "from the right" if an.group(2) == "right" else "from the left"
        return (f"{plural(n, 'independent vector')} annihilate {who} {side}, so its rank is at most "
                f"${an.group(3)}$.")
    nested = re.match(r"^([\w.\[\]]+) \(nested (\w+) certificate\): (.*)$", f)
    if nested:
        return (f"A nested {nested.group(2).replace('_', ' ')} certificate about {_subject(nested.group(1))}, "
                f"checked in full, states: “{nested.group(3)}”.")
    body = re.sub(r"^(evidence|result)\.[\w.\[\]]+: ", "", f)
    return _ascii_math_words(body[0].upper() + body[1:]) + ("" if body.endswith(".") else ".")


def _ascii_math_words(s: str) -> str:
    return s.replace(">=", "≥").replace("<=", "≤").replace("!=", "≠")


# ---------------------------------------------------------------------------------------
# the proof of each kind
# ---------------------------------------------------------------------------------------

def _input(name: str, val: dict, where: str) -> Block:
    """A matrix of the inputs, or (inputs referred to by digest) a sentence naming its file."""
    f = val.get("file")
    if isinstance(f, dict):
        m, n = val["shape"]
        return Block("p", f"${name}$ is a ${m} \\times {n}$ matrix, not embedded in the certificate: the array "
                          f"`{f.get('array')}` of the input file with SHA-256 `{f.get('sha256')}`"
                          + (", transposed" if f.get("transpose") else "") + ", read by the checker.")
    return Block("matrix", name=name, value=_m(val), where=where)


def _inputs(cert: dict) -> list[Block]:
    blocks = []
    for key, val in cert.get("inputs", {}).items():
        if isinstance(val, dict) and "shape" in val:
            blocks.append(_input(_t(key), val, f"inputs.{key}"))
        elif isinstance(val, list) and val and isinstance(val[0], dict) and "shape" in val[0]:
            for i, v in enumerate(val):
                label = f"W_{{{i + 1}}}" if key == "layers" else f"{key}_{{{i + 1}}}"
                blocks.append(_input(label, v, f"inputs.{key}[{i}]"))
    return blocks


def _rank_steps(ev: dict, name: str, r: int) -> list[Block]:
    out, t = [], _t(name)
    mn = ev.get("minor") or {}
    if mn.get("rows"):
        s = len(mn["rows"])
        out.append(Block("step", f"The ${s}\\times {s}$ minor of ${t}$ on {'row' if s == 1 else 'rows'} "
                         f"{_idx(mn['rows'])} and {'column' if s == 1 else 'columns'} {_idx(mn['cols'])} is "
                         f"nonzero, so $\\operatorname{{rank}} {t} \\ge {r}$."))
    elif r == 0:
        out.append(Block("step", f"${t} = 0$, so $\\operatorname{{rank}} {t} = 0$."))
    ann = ev.get("annihilator")
    if ann:
        N = _m(ann["basis"])
        right = ann["side"] == "right"
        if shape(N)[1] == 0:
            if r:
                out.append(Block("step", f"$\\operatorname{{rank}} {t} \\le {r}$ because ${t}$ has only "
                                 f"{plural(r, 'column' if right else 'row')}."))
            return out
        n = shape(N)[1]
        nm = f"N_{{{name[1:]}}}" if re.fullmatch(r"W\d", name) else "N"
        prod = f"{t} {nm} = 0" if right else f"{nm}^\\top {t} = 0"
        rows = ann["minor_rows"]
        block = (f"row {_idx(rows)} of ${nm}$ is nonzero" if len(rows) == 1 else
                 f"rows {_idx(rows)} of ${nm}$ form a nonsingular block")
        subj = (f"The column of the matrix ${nm}$ below satisfies ${prod}$ and is nonzero ({block})" if n == 1 else
                f"The {n} columns of the matrix ${nm}$ below satisfy ${prod}$ and are independent ({block})")
        out.append(Block("step", f"{subj}, so $\\operatorname{{rank}} {t} \\le {r}$."))
        out.append(Block("matrix", name=nm, value=N))
    return out


def _steps_openness(cert: dict) -> list[Block]:
    res, ev = cert["result"], cert["evidence"]
    W1, W2 = _m(cert["inputs"]["W1"]), _m(cert["inputs"]["W2"])
    m, k, n = W1.nrows(), W1.ncols(), W2.ncols()
    regime = ("$k \\ge \\min(m, n)$" if k >= min(m, n) else "$k < \\min(m, n)$")
    out = [Block("p", f"Here $m = {m}$, $k = {k}$, $n = {n}$, so {regime} and the relevant result of the paper "
                      f"is `{res['theorem']}`.")]
    out += _rank_steps(ev["rank_W1"], "W1", ev["rank_W1"]["rank"])
    out += _rank_steps(ev["rank_W2"], "W2", ev["rank_W2"]["rank"])
    for key, A, B, S in (("intersection", "W_1", "W_2", "S"), ("intersection_T", "W_2^\\top", "W_1^\\top", "S'")):
        I = ev[key]
        sp = f"N({A}) \\cap C({B})"
        ab = I["AB_minor"]
        minor = (f"a nonzero minor of ${A} {B}$ on rows {_idx(ab['rows'])} and columns {_idx(ab['cols'])}"
                 if ab["rows"] else f"${A} {B} = 0$")
        text = (f"$\\dim {sp} = {I['dim']}$. It is at most $\\operatorname{{rank}} {B} - "
                f"\\operatorname{{rank}} {A} {B}$ (by an annihilator of ${B}$ and {minor})")
        if I["dim"]:
            text += (f"; the column of the basis ${S}$ below is of the form ${B}\\,c$, lies in $N({A})$ and is "
                     "nonzero." if I["dim"] == 1 else
                     f"; the {I['dim']} columns of the basis ${S}$ below are of the form ${B}\\,c$, lie in "
                     f"$N({A})$ and are independent.")
        else:
            text += "."
        out.append(Block("step", text))
        if I["dim"]:
            out.append(Block("matrix", name=S, value=_m(I["basis"])))
    names = {"witness_2a": ("W~1", "\\tilde W_1 W_2 = 0", "W_1 + \\tilde W_1", "row", "(2a)"),
             "witness_2b": ("W~2", "W_1 \\tilde W_2 = 0", "W_2 + \\tilde W_2", "column", "(2b)"),
             "witness_i": ("W~1", "\\tilde W_1 W_2 = 0", "W_1 + \\tilde W_1", "column", "(i)"),
             "witness_ii": ("W~2", "W_1 \\tilde W_2 = 0", "W_2 + \\tilde W_2", "row", "(ii)")}
    for key, (sym, eq, total, rk, cond) in names.items():
        if key in ev:
            w = ev[key]
            s = len(w["minor"]["rows"])
            out.append(Block("step", f"Condition {cond} of `{res['theorem']}` holds with the witness ${_t(sym)}$ "
                             f"below: ${eq}$, and ${total}$ has full {rk} rank (its ${s}\\times {s}$ minor on rows "
                             f"{_idx(w['minor']['rows'])} and columns {_idx(w['minor']['cols'])} is nonzero)."))
            out.append(Block("matrix", name=_t(sym), value=_m(w["matrix"])))
    why = {
        "equal_ranks": "the ranks of $W_1$ and $W_2$ differ",
        "iii": "$N(W_1) \\cap C(W_2) \\ne 0$", "iv": "$N(W_2^\\top) \\cap C(W_1^\\top) \\ne 0$",
        "3a": "$\\dim N(W_1) \\cap C(W_2) > k - m$",
        "3b": "$n - (\\operatorname{rank} W_2 - \\dim N(W_1) \\cap C(W_2)) > k - \\operatorname{rank} W_1$",
        "i": "a nonzero $x = W_2 c$ in $N(W_1)$ gives $(W_1 + \\tilde W_1) x = W_1 x + \\tilde W_1 W_2 c = 0$ for every "
             "$\\tilde W_1$ with $\\tilde W_1 W_2 = 0$",
        "ii": "a nonzero $y = W_1^\\top c$ in $N(W_2^\\top)$ gives $(W_2 + \\tilde W_2)^\\top y = 0$ for every "
              "$\\tilde W_2$ with $W_1 \\tilde W_2 = 0$",
        "2a": "$\\operatorname{rank}(W_1 + \\tilde W_1) \\le k - \\dim N(W_1) \\cap C(W_2) < m$ for every $\\tilde W_1$ "
              "with $\\tilde W_1 W_2 = 0$",
        "2b": "$\\operatorname{rank}(W_2 + \\tilde W_2) \\le \\operatorname{rank} W_2 + k - \\operatorname{rank} W_1 - "
              "\\dim N(W_1) \\cap C(W_2) < n$ for every $\\tilde W_2$ with $W_1 \\tilde W_2 = 0$",
    }
    label = {"equal_ranks": "“equal ranks”", "i": "(i)", "ii": "(ii)", "iii": "(iii)", "iv": "(iv)",
             "2a": "(2a)", "2b": "(2b)", "3a": "(3a)", "3b": "(3b)"}
    for c, v in res["conditions"].items():
        if v is False:
            out.append(Block("step", f"Condition {label.get(c, c)} of `{res['theorem']}` fails: {why.get(c, '')}."))
    ob = ev.get("obstruction")
    if ob:
        side = _t(ob["side"])
        rr = "R" if ob["side"] == "W1" else "R^\\top"
        out.append(Block("step", "An obstruction that needs no theorem. With the matrices $R$, $K$, $M_0$, $M_1$, "
                         "$y$ below, the checker verifies $W_1 W_2 = K M_0$ and "
                         f"${rr} = K M_1$, that $K$ has full column rank, "
                         "that $M_0 + \\delta M_1$ has full row rank, and $y^\\top K = 0$."))
        for nm in ("R", "K", "M0", "M1", "y"):
            if nm in ob:
                out.append(Block("matrix", name=_t(nm), value=_m(ob[nm])))
        out.append(Block("step", f"So for every $\\delta \\ne 0$ the target $W_1 W_2 + \\delta R = K(M_0 + \\delta M_1)$ "
                         "lies in the range and has column space $C(K)$. Any preimage has "
                         f"${side} + \\Delta = K T$ for some $T$, hence $y^\\top \\Delta = -y^\\top {side}$ and "
                         f"$\\|\\Delta\\|_F^2 \\ge \\|y^\\top {side}\\|^2 / \\|y\\|^2 = {q(ob['bound'])}$. Targets "
                         "arbitrarily close to $W_1 W_2$ need perturbations that do not shrink: the map is not "
                         "locally open there."))
    return out


def _steps_lifting(cert: dict) -> list[Block]:
    r = cert["result"]
    return [Block("p", "The perturbations $D_1$ and $D_2$ of the factors:"),
            Block("matrix", name="D_1", value=_m(r["D1"])), Block("matrix", name="D_2", value=_m(r["D2"])),
            Block("step", "Multiplying out exactly, $(W_1 + D_1)(W_2 + D_2) = Z$."),
            Block("step", f"$\\|D_1\\|_F^2 = {q(r['norm2_D1'])}$, $\\|D_2\\|_F^2 = {q(r['norm2_D2'])}$ and "
                  f"$\\|Z - W_1 W_2\\|_F^2 = {q(r['norm2_target'])}$.")]


def _curve_blocks(curve: list, var: str = "t") -> list[Block]:
    out, zero = [], 0
    for j, Cs in curve:
        for k, C in enumerate(Cs):
            if _is_zero(C):
                zero += 1
            else:
                out.append(Block("matrix", name=f"C_{{{j}}}^{{({k + 1})}}", value=C))
    lead = Block("p", f"Consider the polynomial curve $\\gamma({var}) = W + \\sum_j {var}^j C_j$, where "
                      f"$C_j^{{(k)}}$, the coefficient of ${var}^j$ in layer $k$, is"
                      + (" (all the others are zero):" if zero else ":"))
    return [lead] + out


def _steps_landscape(cert: dict) -> list[Block]:
    from exactopen.landscape.network import Network

    res, ev, inp = cert["result"], cert["evidence"], cert["inputs"]
    layers = [_m(L) for L in inp["layers"]]
    net = Network.build(layers, _m(inp["Y"]), _m(inp["X"]), _m(inp["weights"]) if inp.get("weights") else None)
    v = res["verdict"]
    loss = ("\\tfrac{1}{2} \\sum_{ij} w_{ij} (W_h \\cdots W_1 X - Y)_{ij}^2" if inp.get("weights") else
            "\\tfrac{1}{2} \\|W_h \\cdots W_1 X - Y\\|_F^2")
    out = [Block("p", f"The loss is $L(W) = {loss}$; at the given point $L(W) = {q(res['loss'])}$ (recomputed "
                      "exactly).")]
    if v == "not_critical":
        g = ev["gradient_entry"]
        val = res.get("gradient_value")
        out.append(Block("step", f"The partial derivative of $L$ with respect to entry $({g['row'] + 1}, {g['col'] + 1})$ "
                         f"of $W_{{{g['layer']}}}$ is {f'${q(val)}$, not zero' if val else 'not zero'}: $W$ is not a "
                         "critical point."))
        return out
    out.append(Block("step", "Every partial derivative $\\partial L / \\partial W_k$, computed exactly, is zero: "
                             "$W$ is a critical point."))
    if v == "global_minimum":
        lb = ev["lower_bound"]
        if lb["method"] == "stationary":
            out.append(Block("step", "The loss is a convex function of the product $Z = W_h \\cdots W_1$, and its "
                             "gradient with respect to $Z$ vanishes, so $Z$ minimises the loss over all matrices; "
                             "hence $W$ is a global minimum."))
        elif lb["method"] == "invariant_split":
            blocks = len(lb["top"]) + len(lb["bottom"])
            out.append(Block("step", f"Ky Fan bound (`lem-7`) on invariant blocks: $X = C B$ with $B B^\\top$ "
                             "invertible (without $C$, $B = X$); with $M = Y B^\\top (B B^\\top)^{-1} B Y^\\top$, the "
                             f"products $T^\\top T$ and $T^\\top M T$ are block diagonal ({blocks} blocks), the top "
                             f"blocks have their eigenvalues $\\ge \\mu = {q(lb['mu'])}$ and the others $\\le \\mu$ "
                             "(a sign for a $1\\times 1$ block, else the characteristic polynomial), so (Lemma S of "
                             "docs/checker.md, then Ky Fan) the sum of the $r$ largest eigenvalues of $M$ is at most "
                             "the top blocks' traces plus $(r - k)\\mu$. Hence $\\min L$ is at least a value this "
                             "point attains: $W$ is a global minimum."))
        else:
            out.append(Block("step", f"Ky Fan bound (`lem-7`): $X = C B$ with $B B^\\top$ invertible; with "
                             f"$M = Y B^\\top (B B^\\top)^{{-1}} B Y^\\top$, the matrices $Q$ and $Q - M + \\mu I$ "
                             f"($\\mu = {q(lb['mu'])}$) are positive semidefinite (exact $LDL^\\top$), so the sum of "
                             "the $r$ largest eigenvalues of $M$ is at most $r\\mu + \\operatorname{tr} Q$. Hence "
                             "$\\min L \\ge \\tfrac{1}{2}(\\|Y\\|_F^2 - r\\mu - \\operatorname{tr} Q)$, a value this "
                             "point attains: $W$ is a global minimum."))
        return out
    curve = [(c["power"], [_m(L) for L in c["layers"]]) for c in ev.get("curve", [])]
    if curve:
        out += _curve_blocks(curve)
        p = net.curve_polynomial(curve)
        order = res.get("descent_order")
        out.append(Block("step", "Expanding exactly,"))
        out.append(Block("math", f"L(\\gamma(t)) - L(W) = {poly_t(p)}."))
        out.append(Block("p", f"Its lowest nonzero coefficient, of $t^{{{order}}}$, is "
                              f"${q(res.get('descent_coefficient'))} < 0$, so the loss drops below $L(W)$ for all "
                              f"small $t \\ne 0${'' if order % 2 == 0 else ' of the right sign'}: $W$ is not a local "
                              "minimum."))
        out.append(Block("step", f"At $t = {q(ev['witness_t'])}$ the rational point $\\gamma(t)$ has loss "
                         f"${q(res.get('witness_loss'))} < {q(res['loss'])}$: $W$ is not a global minimum either."))
    if res.get("hessian_psd") and v == "higher_order_saddle":
        out.append(Block("step", "The exact Hessian of $L$ at $W$ is positive semidefinite (signs of its "
                         "characteristic polynomial): no straight line $W + tD$ has negative curvature, which is why "
                         "tests along straight lines miss this descent."))
    if v == "local_minimum_not_global":
        out.append(Block("step", "$W_1$ has full row rank and $W_2$ full column rank (nonzero minors), so the gauge "
                         "directions $(C W_1, -W_2 C)$ span an $r^2$-dimensional space $T$; the exact Hessian is "
                         f"positive semidefinite, annihilates $T$ and has rank ${res.get('hessian_rank')} = N - r^2$, "
                         "so its null space is exactly $T$."))
        out.append(Block("step", "Near $W$ every point is $G \\cdot (W + s)$ with $s$ in a complement of $T$ and "
                         "$L(G \\cdot (W + s)) = L(W + s) \\ge L(W)$, because the Hessian is positive definite on "
                         "that complement: $W$ is a local minimum."))
        out.append(Block("step", f"A rational point given in the certificate has loss ${q(res.get('witness_loss'))} < "
                         f"{q(res['loss'])}$: $W$ is not a global minimum."))
    if v == "undecided":
        out.append(Block("p", f"Undecided: {ev.get('reason', '')}"))
    return out


def _steps_symbolic(cert: dict) -> list[Block]:
    res = cert["result"]
    if cert["kind"] == "symbolic_chain_openness":
        what = ("the ranks of all partial products $W_b \\cdots W_{a+1}$ are constant, certified by minors that are "
                "nonzero there and by annihilators whose products vanish modulo the case's equations; these ranks fix "
                "the chain up to a change of basis (interval decomposition), and a nested certificate about a chain "
                "with the same ranks gives the verdict")
    else:
        what = ("the ranks of $W_1$, $W_2$ and $W_1 W_2$ are constant, certified by minors that are nonzero "
                "there and by annihilators whose products vanish modulo the case's equations; "
                f"`{res['theorem']}` then gives the verdict")
    out = [Block("p", "The parameter space is split by a binary tree of cases $p = 0$ or $p \\ne 0$. On each case "
                      f"{what}. Cases with no point carry a certificate that they "
                      "are empty (Rabinowitsch, or a sum of squares). The parameters are real; the cases cover the "
                      "whole parameter space, and a case may hold no real point.")]
    for c in res["cells"]:
        cond = [f"{poly(e)} = 0" for e in c["equations"]] + [f"{poly(e)} \\ne 0" for e in c["inequations"]]
        where = " and ".join(f"${x}$" for x in cond) or "Everywhere"
        out.append(Block("step", f"{where[0].upper() + where[1:] if not where.startswith('$') else where}: "
                         f"{VERDICT_WORDS.get(c['verdict'], c['verdict'].replace('_', ' '))}."))
    return out


def _steps_symbolic_landscape(cert: dict) -> list[Block]:
    res, ev = cert["result"], cert["evidence"]
    y = cert["inputs"]["parameters"][0]
    out = [Block("p", f"The entries of $Y$ are polynomials in ${y}$; the layers and $X$ are rational. Every "
                      f"expansion below is exact, with ${y}$ kept symbolic; ${y}$ ranges over the real numbers.")]
    out.append(Block("step", f"Each gradient entry $(W_h \\cdots W_{{k+1}})^\\top E (W_{{k-1}} \\cdots W_1 X)^\\top$, "
                     f"with $E = W_h \\cdots W_1 X - Y$, is the zero polynomial in ${y}$: $W$ is a critical point for "
                     f"every ${y}$. Its loss is $L(W; {y}) = {poly(res['loss'])}$."))
    sp = poly(ev["split"])
    out.append(Block("step", f"Split into the cases ${sp} = 0$ and ${sp} \\ne 0$, which cover the real line."))
    for c, key in zip(res["cells"], ("zero", "nonzero")):
        node = ev[key]
        cond = " and ".join([f"${poly(e)} = 0$" for e in c["equations"]] +
                            [f"${poly(e)} \\ne 0$" for e in c["inequations"]])
        if node["verdict"] == "global_minimum":
            out.append(Block("step", f"Case {cond}: substituting, $L(W) = 0$, and $L \\ge 0$ everywhere (a sum of "
                             "squares): $W$ is a global minimum."))
            continue
        curve = [(term["power"], [_m(C) for C in term["layers"]]) for term in node["curve"]]
        out.append(Block("p", f"Case {cond}:"))
        out += _curve_blocks(curve)
        m = node["descent_order"]
        out.append(Block("step", f"Exactly, $p(t; {y}) = L(\\gamma(t)) - L(W)$ has lowest nonzero term "
                         f"$({poly(node['descent_coefficient'])})\\, t^{{{m}}}$, a negative multiple of an even power "
                         f"of ${y}$: it is negative for every ${y} \\ne 0$, so $W$ is not a local minimum in this case."))
        out.append(Block("step", f"At $t = {q(node['witness_t'])}$, $L(\\gamma(t)) - L(W) = "
                         f"{poly(node['witness_gap'])} < 0$ for every ${y} \\ne 0$: $W$ is not a global minimum "
                         "either (a saddle)."))
    verdicts = {c["verdict"] for c in res["cells"]}
    if verdicts == {"global_minimum", "saddle"}:
        out.append(Block("verdict", f"$W$ is a global minimum if ${y} = 0$, and a saddle for every ${y} \\ne 0$."))
    return out


def _matrices_of(obj, where: str = "") -> list[Block]:
    """The matrices of a result or evidence part, named for a reader (nested certificates skipped)."""
    out = []
    if not isinstance(obj, dict) or "kind" in obj:
        return out
    for key, val in obj.items():
        if isinstance(val, dict) and "shape" in val:
            name = key if re.fullmatch(r"[A-Za-z]\w?|[A-Za-z]\d+", key) else None
            label = _t(name) if name else f"\\text{{{key.replace('_', ' ')}}}"
            out.append(Block("matrix", name=label, value=_m(val), where=f"{where}.{key}" if where else ""))
        elif isinstance(val, dict):
            out += _matrices_of(val, f"{where}.{key}" if where else "")
    return out


def _steps_generic(cert: dict, report: dict | None) -> list[Block]:
    """Kinds without a dedicated proof: the facts the checker verified, in words, and the
    matrices of the result and the evidence."""
    out = []
    facts = (report or {}).get("facts") or []
    for f in facts:
        t = fact_text(f)
        if t:
            out.append(Block("step", t))
    mats = _matrices_of(cert.get("result", {}), "result") + _matrices_of(cert.get("evidence", {}), "evidence")
    if mats:
        out.append(Block("p", "The matrices of the certificate used by these steps:" if out else
                              "The matrices of the certificate:"))
        out += mats
    if not out:
        out.append(Block("p", "The checker re-derives the statement above from the numbers of the certificate."))
    return out


STEPS = {"symbolic_landscape": _steps_symbolic_landscape, "symbolic_openness": _steps_symbolic,
         "symbolic_chain_openness": _steps_symbolic,
         "openness": _steps_openness, "lifting": _steps_lifting, "landscape_point": _steps_landscape,
         "validate_network": validation.steps_validate, "numerical_rank": validation.steps_numerical_rank,
         "polynomial_minimum": scalar.steps_polynomial_minimum, "scalar_openness": scalar.steps_scalar_openness}


def blocks(cert: dict, checked=None) -> list[Block]:
    """The proof's blocks; ``checked`` is the checker's report (:func:`exactopen.kernel.explain`)
    or its statement.  The statement shown is the checker's; the claim id is only a label."""
    report = checked if isinstance(checked, dict) else ({"statement": checked} if checked else None)
    cid = cert.get("claim_id")
    statement = report["statement"] if report else cert["claim"]
    meta = f"Certificate kind `{cert['kind']}`"
    if cid:
        meta += f", filed under claim `{cid}` of the paper (a filing label: the checker does not prove the claim " \
                "as the paper states it, only the statement below)"
    out = [Block("title", title(cert)), Block("meta", meta + "."),
           Block("statement", statement)]
    ins = _inputs(cert)
    if ins:
        out.append(Block("h2", "Data"))
        out += ins
    out.append(Block("h2", "Proof"))
    fn = STEPS.get(cert["kind"])
    out += fn(cert) if fn else _steps_generic(cert, report)
    vs = verdict_sentence(cert)
    if vs and not any(b.kind == "verdict" for b in out):
        out.append(Block("verdict", vs))
    if report:
        out.append(Block("h2", "Checked"))
        out.append(Block("p", "exactopen's independent checker re-derived every step above from the numbers of the "
                              "certificate and accepted it; the statement at the top is its own conclusion."))
        ths = report.get("theorems")
        if ths is not None:
            if ths:
                from exactopen.kernel import LEMMAS

                published = [t for t in ths if t["id"] not in LEMMAS]
                lemmas = [t for t in ths if t["id"] in LEMMAS]
                if published:
                    out.append(Block("p", "Published theorems it took on trust:"))
                    out += [Block("theorem", t.get("statement", ""), name=t["id"]) for t in published]
                if lemmas:
                    out.append(Block("p", "Lemmas of this project it took on trust (not published; each is "
                                          "proved in the docs section it names):"))
                    out += [Block("theorem", t.get("statement", ""), name=t["id"]) for t in lemmas]
            else:
                out.append(Block("p", "No published theorem was taken on trust: every step is re-derived from the "
                                      "numbers."))
    return out


def rejected_blocks(reason: str) -> list[Block]:
    return [Block("banner", f"REJECTED: {reason}")]


def render(cert: dict, fmt: str = "md", images: list[tuple[str, str]] | None = None,
           standalone: bool = False, inputs: list[str] | None = None) -> str:
    """Check the certificate, then render its proof in ``fmt`` ("md", "tex" or "html").
    ``standalone``: a whole LaTeX document or HTML page (HTML is always a whole page unless
    :func:`exactopen.report.emit.to_html` is called with ``standalone=False``).  ``inputs``:
    the input files a certificate refers to by digest (``validate --inputs-by-digest``)."""
    from exactopen import kernel

    bs = blocks(cert, kernel.explain(cert, inputs))
    for alt, path in images or []:
        bs.append(Block("image", text=alt, name=path))
    if fmt == "md":
        return emit.to_markdown(bs)
    if fmt == "tex":
        return emit.to_latex(bs, standalone=standalone)
    return emit.to_html(bs, standalone=True, title=title(cert))
