"""The Python API: one function per question, each returning a checked, picklable result.

    >>> import exactopen
    >>> r = exactopen.classify([[[1, 0]], [[0]], [[1], [0]]], Y=[[0, 0], [0, 1]])
    >>> r.verdict
    'higher_order_saddle'

Every function accepts matrices as nested lists or tuples (ints, Fractions, strings such as
"1/3" or "0.25", floats converted exactly), numpy arrays (floats converted exactly), SymPy
matrices of rationals, or python-flint ``fmpq_mat``.  A verdict is returned only after the
independent checker accepted its certificate (otherwise :class:`exactopen.kernel.Rejected`).
"""

from __future__ import annotations

from exactopen import kernel
from exactopen.certificate import checked_statement
from exactopen.openness.decide import chain, openness
from exactopen.result import Result

__all__ = ["Result", "openness", "chain", "classify", "validate", "verify"]


def _checked(cert: dict) -> str:
    return checked_statement(cert)


def classify(layers, Y, X=None, weights=None) -> Result:
    """What kind of point are the layers (input layer first) for L(W) = 1/2 sum w_ij ((W_h ...
    W_1 X - Y)_ij)^2?  Verdicts: not_critical, global_minimum, strict_saddle,
    higher_order_saddle, local_minimum_not_global, undecided (with the reason)."""
    from exactopen.landscape.classify import classify_critical_point
    from exactopen.landscape.network import Network

    net = Network.build(list(layers), Y, X, weights)
    cls = classify_critical_point(net)
    summary = {"widths": net.widths, "loss": cls.certificate["result"]["loss"]}
    if cls.reason:
        summary["reason"] = cls.reason
    return Result(cls.verdict, summary, _checked(cls.certificate), cls.certificate)


def validate(layers, Y, X=None, *, samples_as_rows: bool = False, loss: str = "sum", snap=None,
             snap_den: int | None = None, eps=None, radius=None, descent: bool = False) -> Result:
    """What float weights (numpy arrays, nested lists) prove about L(W) = 1/2 |W_h...W_1 X - Y|^2:
    the headline ``verdict`` (exact_global_minimum, exact_saddle, near_global_minimum,
    near_saddle, near_critical, not_near_critical, ...) with its figures; ``extra["escape"]`` holds
    a lower-loss point (float arrays) when one was found.  ``loss="mean"`` reports figures as
    PyTorch's mean squared error; ``samples_as_rows`` takes X and Y as n x d (the ML layout)."""
    from exactopen.landscape.network import Network
    from exactopen.numeric.validate import validate as run

    if samples_as_rows:
        from exactopen.inputs import as_matrix

        X = None if X is None else as_matrix(X, "X").transpose()
        Y = as_matrix(Y, "Y").transpose()
    net = Network.build(list(layers), Y, X)
    v = run(net, snap_tol=_tolerance(snap), snap_den=snap_den, eps_global=None if eps is None else float(eps),
            radius=None if radius is None else float(radius), always_descent=descent, loss=loss)
    return Result(v.summary["verdict"], v.summary, _checked(v.certificate), v.certificate, v.lines,
                  {"escape": v.escape})


def _tolerance(snap):
    """A snapping tolerance from a number or a string, read as its decimal text (0.01 is 1/100)."""
    if snap is None:
        return None
    from exactopen.exact.snap import parse_tolerance

    return parse_tolerance(snap if isinstance(snap, str) else repr(snap), "snap")


def verify(cert) -> dict:
    """Check a certificate (a dict, a :class:`exactopen.Certificate`, its JSON text, or a file
    path).  Returns {statement, kind, claim_id, facts, theorems}; raises
    :class:`exactopen.kernel.Rejected` (:class:`~exactopen.kernel.Malformed` if unreadable)."""
    import os


    if isinstance(cert, (str, os.PathLike)) and not str(cert).lstrip().startswith("{"):
        cert = kernel.read_file(os.fspath(cert))
    return kernel.explain(dict(cert) if isinstance(cert, dict) else cert)
