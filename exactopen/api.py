"""The Python API: one function per question, each returning a checked, picklable result.

    >>> import exactopen
    >>> r = exactopen.classify([[[1, 0]], [[0]], [[1], [0]]], Y=[[0, 0], [0, 1]])
    >>> r.verdict
    'higher_order_saddle'

Every function accepts matrices as nested lists or tuples (ints, Fractions, strings such as
"1/3" or "0.25", floats converted exactly), numpy arrays and tensors (floats converted exactly;
tensors read through ``detach()``), SymPy matrices of rationals, python-flint ``fmpq_mat``, or
paths to .npy/.npz/.pt files; :func:`classify` and :func:`validate` take the layers as the user
holds them too (an ``nn.Sequential`` of bias-free ``nn.Linear``, a ``state_dict``,
``model.parameters()``: :func:`exactopen.models.read_layers`, the reader the CLI uses).
:func:`openness` and :func:`chain` take parameters as strings ("x") or SymPy symbols.  A verdict is returned only after the
independent checker accepted its certificate (otherwise :class:`exactopen.kernel.Rejected`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exactopen import kernel
from exactopen.certificate import checked_statement
from exactopen.errors import InputError
from exactopen.openness.decide import chain, openness
from exactopen.result import Result

if TYPE_CHECKING:
    import os

    from exactopen.hints import LayersLike, MatrixLike

__all__ = ["Result", "openness", "chain", "classify", "validate", "verify"]


def _checked(cert: dict) -> str:
    return checked_statement(cert)


def classify(layers: LayersLike, Y: MatrixLike | None = None, X: MatrixLike | None = None,
             weights: MatrixLike | None = None, *, samples_as_rows: bool = False) -> Result:
    """What kind of point are the layers for L(W) = 1/2 sum w_ij ((W_h ... W_1 X - Y)_ij)^2?

    Parameters: ``layers`` input layer first, in any form :func:`validate` takes (lists, numpy
    arrays, tensors, an ``nn.Sequential`` of bias-free ``nn.Linear``, a ``state_dict``, a path);
    ``Y`` the targets (d_h x n; default: ``Y`` stored beside the layers); ``X`` the inputs
    (d_0 x n; default: stored beside the layers, else the identity); ``weights`` positive
    entry weights w (default all 1); ``samples_as_rows``: X and Y hold one sample per row.

    Returns a :class:`Result` whose verdict is one of not_critical, global_minimum,
    strict_saddle, higher_order_saddle, local_minimum_not_global, undecided (with the reason).
    Raises :class:`exactopen.errors.InputError` (one line) on bad input.

    >>> classify([[[1, 0]], [[0]], [[1], [0]]], Y=[[0, 0], [0, 1]]).verdict
    'higher_order_saddle'
    """
    from exactopen.landscape.classify import classify_critical_point
    from exactopen.landscape.network import Network
    from exactopen.inputs import as_matrix
    from exactopen.models import API_FLAGS, check_shapes, read_layers

    Ws, keys, rest = read_layers(layers)
    Xm, Ym = _data(X, Y, rest)
    if Ym is None:
        raise InputError("no targets: pass Y=")
    if samples_as_rows:
        Xm, Ym = None if Xm is None else Xm.transpose(), Ym.transpose()
        weights = None if weights is None else as_matrix(weights, "weights").transpose()
    check_shapes(Ws, Xm, Ym, keys, API_FLAGS, samples_as_rows)
    net = Network.build(Ws, Ym, Xm, weights)
    cls = classify_critical_point(net)
    summary = {"widths": net.widths, "loss": cls.certificate["result"]["loss"]}
    if cls.reason:
        summary["reason"] = cls.reason
    return Result(cls.verdict, summary, _checked(cls.certificate), cls.certificate)


def _data(X, Y, rest: dict):
    """X and Y as exact matrices (None when absent): given, else stored beside the layers."""
    from exactopen.inputs import as_matrix

    Xm = as_matrix(X, "X") if X is not None else rest.get("X")
    Ym = as_matrix(Y, "Y") if Y is not None else rest.get("Y")
    return Xm, Ym


def validate(layers: LayersLike, Y: MatrixLike | None = None, X: MatrixLike | None = None, *,
             samples_as_rows: bool = False, loss: str = "sum", snap: float | str | None = None,
             snap_den: int | None = None, eps: float | str | None = None, radius: float | None = None,
             descent: bool = False) -> Result:
    """What trained float weights prove about L(W) = 1/2 |W_h ... W_1 X - Y|^2, exactly.

    The network analysed is the *linear* network W_h ... W_1: no bias, no activation (any
    activation in your model's ``forward`` is not seen); ``Result.lines`` starts by saying so,
    and says when X was taken to be the identity.

    Parameters
    ----------
    layers
        The weights, input layer first, as the user holds them: a list of numpy arrays, nested
        lists or tensors; ``model.parameters()`` (tensors with ``requires_grad`` are read through
        ``detach()`` and never modified); an ``nn.Sequential`` of bias-free ``nn.Linear`` layers;
        a ``state_dict``; or a path (str or ``pathlib.Path``) to an ``.npz``/JSON file of arrays
        W1..Wh (which may also hold X and Y) or a ``.pt``/``.pth`` state_dict.  Floats are
        converted exactly (every float is a dyadic rational).
    Y
        Targets, d_h x n (one sample per column); a matrix in any form above or a path to an
        ``.npy``/``.npz``/``.pt`` file.  Default: the array ``Y`` stored beside the layers.
    X
        Inputs, d_0 x n.  Default: the array ``X`` stored beside the layers, else the identity
        (then n = d_0, and ``Result.lines`` says so).
    samples_as_rows
        X and Y hold one sample per row (n x d, the numpy/PyTorch layout).
    loss
        "sum" (L = 1/2 sum of squared errors, the certificate's convention) or "mean" (figures
        reported as PyTorch's ``MSELoss``, sum / (d_h n)).
    snap, snap_den
        Snap every weight to the simplest rational within ``snap`` (or with denominator at most
        ``snap_den``) and classify that exact point.
    eps
        Gap below which the point counts as epsilon-global (default 1e-6 |Y|^2 / 2).
    radius
        Look for a lower point within this distance (default 0.1 max(1, |W|_F)).
    descent
        Always look for a lower nearby point.

    Returns
    -------
    Result
        ``verdict`` is one of exact_global_minimum, exact_saddle, exact_critical_point,
        near_global_minimum, near_saddle, near_critical, not_near_critical; ``summary`` the
        figures (``summary["assumed"]``: the model and data lines); ``extra["escape"]`` the lower
        point as float64 arrays, when one was found.  Returned only after the independent checker
        accepted the certificate.

    Raises
    ------
    exactopen.errors.InputError
        One line naming the problem: a bias, an activation module, a custom module whose layer
        order cannot be seen, shapes that do not fit (naming the matrix and the keyword).
    exactopen.kernel.Rejected
        The checker rejected the generated certificate (a bug: please report it).

    Example
    -------
    >>> import numpy as np, exactopen
    >>> r = exactopen.validate([np.array([[1.0, 0]]), np.array([[1e-9]]), np.array([[1.0], [0]])],
    ...                        Y=np.array([[0, 0], [0, 1.0]]))
    >>> r.verdict
    'near_saddle'
    >>> print(r.lines[1])
    data: X = I, the 2x2 identity (no X= given: each input is a sample); Y is 2x2 (2 samples, one per column)
    """
    from exactopen.models import API_FLAGS, build_network, read_layers
    from exactopen.numeric.validate import validate as run

    Ws, keys, rest = read_layers(layers)
    Xm, Ym = _data(X, Y, rest)
    src = None if Xm is None else ("given as X=" if X is not None else "stored beside the layers")
    net, assumed = build_network(Ws, Xm, Ym, keys, API_FLAGS, samples_as_rows, src)
    v = run(net, snap_tol=_tolerance(snap), snap_den=snap_den, eps_global=None if eps is None else float(eps),
            radius=None if radius is None else float(radius), always_descent=descent, loss=loss)
    summary = {**v.summary, "assumed": assumed}
    return Result(v.summary["verdict"], summary, _checked(v.certificate), v.certificate, assumed + list(v.lines),
                  {"escape": v.escape})


def _tolerance(snap: float | str | None):
    """A snapping tolerance from a number or a string, read as its decimal text (0.01 is 1/100)."""
    if snap is None:
        return None
    from exactopen.exact.snap import parse_tolerance

    return parse_tolerance(snap if isinstance(snap, str) else repr(snap), "snap")


def verify(cert: dict | str | os.PathLike) -> dict:
    """Check a certificate (a dict, a :class:`exactopen.Certificate`, its JSON text, or a file
    path).  Returns {statement, kind, claim_id, facts, theorems}; raises
    :class:`exactopen.kernel.Rejected` (:class:`~exactopen.kernel.Malformed` if unreadable).

    >>> r = classify([[[1, 0]], [[0]], [[1], [0]]], Y=[[0, 0], [0, 1]])
    >>> verify(r.certificate)["kind"], verify(r.certificate)["statement"] == r.statement
    ('landscape_point', True)
    """
    import os

    if isinstance(cert, (str, os.PathLike)) and not str(cert).lstrip().startswith("{"):
        cert = kernel.read_file(os.fspath(cert))
    return kernel.explain(dict(cert) if isinstance(cert, dict) else cert)
