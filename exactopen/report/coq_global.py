"""Coq export of a global minimum (issue 23, kind ``landscape_point``, verdict ``global_minimum``).

Lower-bound method ``stationary`` (the kernel's check in exactopen/kernel/landscape.py: the
function-space gradient (P X - Y) X^T is zero, P = W_h ... W_1): the file states
``network dims n X Y W /\\ critical (loss X Y) W /\\ global_min (loss X Y) W`` of
``coq/Statements.v`` and proves it by ``stat_sound`` of ``coq/Theory/Global.v`` (general sizes:
every W' of W's shapes gives W'_h ... W'_1 X = A' X, and |A' X - Y|^2 = |(A' - P) X|^2 + |P X - Y|^2
because <(A' - P) X, P X - Y> = <A' - P, (P X - Y) X^T> = 0) and ``vm_compute`` on X, Y and the
layers, copied from the JSON the kernel accepted.  Nothing else of the certificate is used.

The ``ky_fan`` method (lem-7, lem-11, thm-8) is not exported yet (see docs/coq.md).
"""

from __future__ import annotations

VERDICT = "global_minimum"
THEOREM = "global_minimum"
METHODS = ("stationary",)


def is_global(cert: dict) -> bool:
    res = cert.get("result")
    return cert.get("kind") == "landscape_point" and isinstance(res, dict) and res.get("verdict") == VERDICT


def method(cert: dict) -> str | None:
    ev = cert.get("evidence")
    lb = ev.get("lower_bound") if isinstance(ev, dict) else None
    m = lb.get("method") if isinstance(lb, dict) else None
    return m if isinstance(m, str) else None


def exportable(cert: dict, max_parameters: int) -> bool:
    """Unweighted, inline layers, at most ``max_parameters`` parameters, a method Coq covers."""
    inputs = cert.get("inputs") if isinstance(cert.get("inputs"), dict) else {}
    try:
        params = sum(m["shape"][0] * m["shape"][1] for m in inputs.get("layers") or [])
        inline = all(isinstance(inputs[key].get("rows"), list) for key in ("X", "Y")) and all(
            isinstance(m.get("rows"), list) for m in inputs["layers"])
    except (KeyError, IndexError, TypeError, AttributeError):
        return False
    return (is_global(cert) and method(cert) in METHODS and inputs.get("weights") is None and inline
            and 0 < params <= max_parameters)


def global_text(cert: dict, stem: str, statement: str | None, mod: str, header, data_lines) -> str:
    """The ``.v`` file of one accepted global-minimum certificate.  ``header(text)`` makes a
    comment safe; ``data_lines(cert, stem)`` gives the Coq definitions of dims, n, X, Y, W (the
    saddle exporter's, so that both write the data alike)."""
    from exactopen.report.coq_data import NotExportable

    inputs = cert.get("inputs") or {}
    if inputs.get("weights") is not None:
        raise NotExportable(f"{stem}: a weighted global minimum is not exported to Coq yet")
    how = method(cert)
    if how not in METHODS:
        raise NotExportable(f"{stem}: the Coq export covers global minima by the stationary bound, not {how!r}")
    lines = [
        f"(* {mod}: exported by exactopen from {header(stem)}.json (kind landscape_point, verdict {VERDICT}).",
        f"   The checker's statement: {header(statement or cert.get('claim', ''))}",
        "   The theorem below is stated with the definitions of coq/Statements.v only.",
        "   Lower bound (stationary): (W_h ... W_1 X - Y) X^T = 0, checked by Coq on the data below;",
        "   stat_sound (coq/Theory/Global.v) proves that this makes L(W) <= L(W') for every W'. *)",
        "From Coq Require Import QArith List.",
        "From ExactOpen Require Import Statements Theory.Check Theory.Global.",
        "Import ListNotations.",
        "Open Scope Q_scope.",
        "",
    ] + data_lines(cert, stem) + [
        "",
        f"Theorem {THEOREM} : network dims n X Y W /\\ critical (loss X Y) W /\\ global_min (loss X Y) W.",
        "Proof. apply (stat_sound dims n X Y W). vm_compute. reflexivity. Qed.",
        "",
    ]
    return "\n".join(lines)
