"""What a worker does with one instance (plain data in, plain data out).

:func:`run_batch` is the function Dask ships to the workers.  For each instance it rebuilds the
matrices from rows of strings, decides (classify a network point, decide a pair), has the
trusted checker accept the certificate, writes it atomically to
``<out_dir>/certificates/<id>.json`` and returns the result line (a dict of JSON values).
Whatever an instance raises becomes *its* error line; the other instances go on.
"""

from __future__ import annotations

import os

from exactopen.errors import InputError


def _matrix(obj, where: str):
    """A matrix from {"shape": [m, n], "rows": [...]} or a list of rows; entries are integers
    or "p/q"/decimal strings."""
    from flint import fmpq_mat

    from exactopen.exact.numbers import parse_rational

    if isinstance(obj, dict):
        shape, rows = obj.get("shape"), obj.get("rows")
        if not (isinstance(shape, list) and len(shape) == 2 and all(isinstance(s, int) and s >= 0 for s in shape)):
            raise InputError(f"{where}: shape must be [rows, columns]")
        m, n = shape
    else:
        rows = obj
        m = len(rows) if isinstance(rows, list) else -1
        n = len(rows[0]) if m > 0 and isinstance(rows[0], list) else 0
    if not isinstance(rows, list) or len(rows) != m or any(not isinstance(r, list) or len(r) != n for r in rows):
        raise InputError(f"{where}: expected a list of {m} rows of equal length")
    return fmpq_mat(m, n, [parse_rational(x, f"{where}[{i}][{j}]") for i, r in enumerate(rows)
                          for j, x in enumerate(r)])


def _network(data: dict):
    from exactopen.landscape.network import Network

    layers = data.get("layers")
    if not isinstance(layers, list) or not layers:
        raise InputError("layers: expected a non-empty list of matrices")
    Ws = [_matrix(W, f"layers[{i}]") for i, W in enumerate(layers)]
    X = _matrix(data["X"], "X") if data.get("X") is not None else None
    w = _matrix(data["weights"], "weights") if data.get("weights") is not None else None
    return Network.build(Ws, _matrix(data["Y"], "Y"), X, w)


def decide(inst: dict) -> tuple[str, dict, dict]:
    """(verdict, summary figures, certificate) for one instance, nothing written."""
    kind, data = inst["kind"], inst["data"]
    if kind == "pair":
        from exactopen.openness.pair import decide_pair

        W1, W2 = _matrix(data["W1"], "W1"), _matrix(data["W2"], "W2")
        if W1.ncols() != W2.nrows():
            raise InputError(f"shape mismatch: W1 is {W1.nrows()}x{W1.ncols()}, W2 is {W2.nrows()}x{W2.ncols()}")
        D = decide_pair(W1, W2)
        F = D.facts
        summary = {"m": F.m, "k": F.k, "n": F.n, "rank_W1": F.r1, "rank_W2": F.r2,
                   "dim_N_W1_cap_C_W2": F.inter.dim, "theorem": D.theorem}
        return D.verdict, summary, D.certificate
    from exactopen.landscape.classify import classify_critical_point

    claim_id = None
    if kind == "thm12":
        from exactopen.landscape.architectures import thm12_construction

        widths = data.get("widths")
        if not isinstance(widths, list):
            raise InputError("widths: expected a list of positive integers")
        net, claim_id = thm12_construction(widths), "thm-12"
    elif kind == "network":
        net = _network(data)
    else:
        raise InputError(f"unknown instance kind {kind!r}")
    cls = classify_critical_point(net, claim_id=claim_id)
    res = cls.certificate["result"]
    summary = {"widths": net.widths, "nparams": net.nparams}
    for key in ("loss", "min_value", "descent_order", "witness_loss"):
        if key in res:
            summary[key] = res[key]
    return cls.verdict, summary, cls.certificate


def certificate_path(inst_id: str) -> str:
    """The certificate's path relative to the sweep directory."""
    return f"certificates/{inst_id}.json"


def run_instance(inst: dict, out_dir: str) -> dict:
    """Decide, check, write; the result line (an error line if anything raised)."""
    line = {"id": inst["id"], "family": inst["family"], "params": inst["params"]}
    try:
        from exactopen import kernel
        from exactopen.certificate import write_certificate

        verdict, summary, cert = decide(inst)
        kernel.check(cert)  # raises kernel.Rejected: nothing unchecked is written or recorded
        rel = certificate_path(inst["id"])
        write_certificate(os.path.join(out_dir, rel), cert)
        line.update({"verdict": verdict, "summary": summary, "certificate": rel})
    except Exception as exc:  # noqa: BLE001 - one instance's failure is data, not the sweep's end
        line.update({"verdict": "error", "error": error_text(exc)})
    return line


def error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."


def run_batch(instances: list, out_dir: str) -> list:
    """:func:`run_instance` on each instance of a batch (one Dask task)."""
    return [run_instance(inst, out_dir) for inst in instances]
