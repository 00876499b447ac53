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
