"""The proofs of the one-variable kinds, ``polynomial_minimum`` and ``scalar_openness`` (the
paper's scalar examples), as blocks for :mod:`exactopen.report.render`."""

from __future__ import annotations

from exactopen.report.latex import Block, poly_t, q


def _upoly(coeffs, var: str = "w") -> str:
    from flint import fmpq

    return poly_t([fmpq(*map(int, (c.split("/") + ["1"])[:2])) for c in coeffs], var)


def _factored(nn: dict, var: str = "w") -> str:
    lc = q(nn["lc"])
    fs = " ".join(f"({_upoly(f['poly'], var)})" + (f"^{{{f['exp']}}}" if f["exp"] != 1 else "") for f in nn["factors"])
    return (("" if lc == "1" else lc + " ") + fs) or lc


def steps_polynomial_minimum(cert: dict) -> list[Block]:
    inp, res, ev = cert["inputs"], cert["result"], cert["evidence"]
    dom = f"[{q(inp['lower'])}, \\infty)" if inp.get("lower") is not None else "\\mathbb{R}"
    out = [Block("p", f"The objective is $L(w) = {_upoly(inp['objective'])}$ on $w \\in {dom}$.")]
    out.append(Block("step", "Exactly,"))
    out.append(Block("math", f"L(w) - ({q(res['value'])}) = {_factored(ev['nonnegativity'])},"))
    out.append(Block("p", f"a product that is nonnegative on ${dom}$, so $L \\ge {q(res['value'])}$ there."))
    ws = ", ".join(q(w) for w in res["minimisers"])
    out.append(Block("step", f"$L$ takes the value ${q(res['value'])}$ at $w = {ws}$, so this is the minimum."))
    if inp.get("map"):
        pre = ", ".join(q(w) for w in res.get("preimages", []))
        out.append(Block("step", f"Under $F(w) = {_upoly(inp['map'])}$ each of $w = {pre}$ maps to a minimiser, and "
                         f"$L(F(w)) = {_upoly(res['composition'])}$."))
    return out


def steps_scalar_openness(cert: dict) -> list[Block]:
    inp, res, ev = cert["inputs"], cert["result"], cert["evidence"]
    out = [Block("p", f"The map is $F(w) = {_upoly(inp['F'])}$ at $w_0 = {q(inp['w0'])}$, with "
                      f"$F(w_0) = {q(res['F_w0'])}$.")]
    for d in res.get("delta", []):
        side = "right" if d["side"] == "right" else "left"
        c = "" if d["c"] == "1" else q(d["c"]) + "\\,"
        out.append(Block("step", f"On the {side} of $w_0$: from the lowest-order term of $F(w_0 "
                         f"{'+' if side == 'right' else '-'} s) - F(w_0)$ and the intermediate value theorem, "
                         f"$\\delta(\\varepsilon) = {c}\\varepsilon^{{{d['k']}}}$ works on this side."))
    if ev.get("global"):
        out.append(Block("step", "Exactly,"))
        out.append(Block("math", f"F(w) - F(w_0) = {_factored(ev['global'])},"))
        out.append(Block("p", "which is never negative: $F(w_0)$ is the global minimum of $F$, so the range lies on "
                              "one side of $F(w_0)$ and openness is relative to the range."))
    return out
