"""``exactopen.openness(W1, W2)``: local openness of W1 W2 for the Python API, with a checked
certificate (prop-4, thm-5; piecewise over parameters when entries name them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from exactopen.certificate import checked_statement
from exactopen.result import Result

if TYPE_CHECKING:
    from exactopen.hints import LayersLike, ParametricMatrix


def _checked(cert: dict) -> str:
    return checked_statement(cert)


def _rows(W, what: str) -> list:
    """Rows for the parametric readers: a matrix naming parameters as it is, any other matrix
    (numpy, fmpq_mat, ...) read exactly and written as "p/q" texts."""
    from exactopen.inputs import as_matrix
    from exactopen.openness.parametric import names_parameters

    if names_parameters(W):
        return [list(r) for r in W]
    return [[str(x) for x in r] for r in as_matrix(W, what).tolist()]


def openness(W1: ParametricMatrix, W2: ParametricMatrix) -> Result:
    """Is M(W1, W2) = W1 W2 locally open at (W1, W2)?  (prop-4 for k >= min(m, n), thm-5
    otherwise, with witnesses or a theorem-free obstruction.)

    ``W1`` (m x k) and ``W2`` (k x n): matrices in any form :func:`exactopen.inputs.as_matrix`
    reads.  Entries that name parameters -- strings ("x", "a - 1") or SymPy symbols and
    polynomials with rational coefficients -- give a ``piecewise`` answer over parameter space.
    Returns a :class:`Result` (verdict ``locally_open``, ``not_locally_open`` or ``piecewise``)
    after the checker accepted its certificate; raises :class:`exactopen.errors.InputError`.

    >>> openness([[1], [1]], [[0, 0]]).verdict
    'not_locally_open'
    """
    from exactopen.inputs import parameter_texts
    from exactopen.openness.parametric import names_parameters

    W1, W2 = parameter_texts(W1, "W1"), parameter_texts(W2, "W2")

    if names_parameters(W1) or names_parameters(W2):
        from exactopen.openness.parametric import stratify_pair, summary

        res = stratify_pair(_rows(W1, "W1"), _rows(W2, "W2"))
        s = summary(res)
        return Result(s.pop("verdict"), s, _checked(res.certificate), res.certificate)
    from exactopen.inputs import as_matrix
    from exactopen.openness.pair import decide_pair

    D = decide_pair(as_matrix(W1, "W1"), as_matrix(W2, "W2"))
    return Result(D.verdict, {"theorem": D.theorem, "reason": D.reason}, _checked(D.certificate), D.certificate)


def chain(layers: LayersLike) -> Result:
    """Is (W_1, ..., W_h) -> W_h ... W_1 locally open at the given layers (input layer first)?
    ``locally_open``, ``not_locally_open`` or ``undetermined`` (docs/chains.md: lem-10, composition
    at a split, a theorem-free obstruction, a non-open grouping); the summary names the argument.

    ``layers``: matrices input layer first, or a model, ``state_dict``, parameters or path as
    :func:`exactopen.validate` takes them.  Entries that name parameters (strings such as "x", or
    SymPy symbols) give a ``piecewise`` answer (two layers: the pair's).  Returns a
    :class:`Result` after the checker accepted its certificate; raises
    :class:`exactopen.errors.InputError`.

    >>> chain([[[1, 0]], [[0]], [[1], [0]]]).summary["argument"]
    'obstruction'
    """
    from exactopen.inputs import parameter_texts
    from exactopen.openness.parametric import names_parameters

    if isinstance(layers, (list, tuple)):
        layers = [parameter_texts(W, f"layer {i + 1}") for i, W in enumerate(layers)]
    if isinstance(layers, list) and any(names_parameters(W) for W in layers):
        if len(layers) == 2:
            return openness(layers[1], layers[0])
        from exactopen.openness.chain_parametric import stratify_chain, summary

        res = stratify_chain([_rows(W, f"layer {i + 1}") for i, W in enumerate(layers)])
        s = summary(res)
        return Result(s.pop("verdict"), s, _checked(res.certificate), res.certificate)
    from exactopen.models import read_layers
    from exactopen.openness.chain import decide_chain

    verdict, reason, cert = decide_chain(read_layers(layers)[0])
    res = cert["result"]
    summary = {k: res[k] for k in ("widths", "rank", "argument", "rate", "theorem") if k in res}
    summary["reason"] = reason
    return Result(verdict, summary, _checked(cert), cert)
