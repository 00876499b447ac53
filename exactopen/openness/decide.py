"""``exactopen.openness(W1, W2)``: local openness of W1 W2 for the Python API, with a checked
certificate (prop-4, thm-5; piecewise over parameters when entries name them)."""

from __future__ import annotations

from exactopen.certificate import checked_statement
from exactopen.result import Result


def _checked(cert: dict) -> str:
    return checked_statement(cert)


def openness(W1, W2) -> Result:
    """Is M(W1, W2) = W1 W2 locally open at (W1, W2)?  (prop-4 for k >= min(m, n), thm-5
    otherwise, with witnesses or a theorem-free obstruction.)  Entries that name parameters
    ("x", "a - 1") give a piecewise answer over parameter space."""
    from exactopen.openness.parametric import names_parameters

    if names_parameters(W1) or names_parameters(W2):
        from exactopen.openness.parametric import stratify_pair, summary

        res = stratify_pair([list(r) for r in W1], [list(r) for r in W2])
        s = summary(res)
        return Result(s.pop("verdict"), s, _checked(res.certificate), res.certificate)
    from exactopen.inputs import as_matrix
    from exactopen.openness.pair import decide_pair

    D = decide_pair(as_matrix(W1, "W1"), as_matrix(W2, "W2"))
    return Result(D.verdict, {"theorem": D.theorem, "reason": D.reason}, _checked(D.certificate), D.certificate)


def chain(layers) -> Result:
    """Is (W_1, ..., W_h) -> W_h ... W_1 locally open at the given layers (input layer first)?
    ``locally_open``, ``not_locally_open`` or ``undetermined`` (docs/chains.md: lem-10, composition
    at a split, a theorem-free obstruction, a non-open grouping); the summary names the argument.
    Entries that name parameters give a ``piecewise`` answer (two layers: the pair's)."""
    from exactopen.openness.parametric import names_parameters

    layers = list(layers)
    if any(names_parameters(W) for W in layers):
        if len(layers) == 2:
            return openness(layers[1], layers[0])
        from exactopen.openness.chain_parametric import stratify_chain, summary

        res = stratify_chain([[list(r) for r in W] for W in layers])
        s = summary(res)
        return Result(s.pop("verdict"), s, _checked(res.certificate), res.certificate)
    from exactopen.inputs import as_matrix
    from exactopen.openness.chain import decide_chain

    verdict, reason, cert = decide_chain([as_matrix(W, f"layer {i + 1}") for i, W in enumerate(layers)])
    res = cert["result"]
    summary = {k: res[k] for k in ("widths", "rank", "argument", "rate", "theorem") if k in res}
    summary["reason"] = reason
    return Result(verdict, summary, _checked(cert), cert)
