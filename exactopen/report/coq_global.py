"""Coq export of a global minimum (issue 23, kind ``landscape_point``, verdict ``global_minimum``).

Lower-bound method ``stationary`` (the kernel's check in exactopen/kernel/landscape.py: the
function-space gradient (P X - Y) X^T is zero, P = W_h ... W_1): the file states
``network dims n X Y W /\\ critical (loss X Y) W /\\ global_min (loss X Y) W`` of
``coq/Statements.v`` and proves it by ``stat_sound`` of ``coq/Theory/Global.v`` (general sizes:
every W' of W's shapes gives W'_h ... W'_1 X = A' X, and |A' X - Y|^2 = |(A' - P) X|^2 + |P X - Y|^2
because <(A' - P) X, P X - Y> = <A' - P, (P X - Y) X^T> = 0) and ``vm_compute`` on X, Y and the
layers, copied from the JSON the kernel accepted.  Nothing else of the certificate is used.

Lower-bound method ``ky_fan`` (lem-7, lem-11, thm-8; the kernel's ``_ky_fan``): the same
theorem, proved by ``kf_sound`` of ``coq/Theory/Global.v`` with the certificate's C, B, mu and Q,
and three things computed here from the accepted JSON with exact rationals, none trusted:
S = Y B^T (B B^T)^-1 (Coq checks (S B - Y) B^T = 0), and exact L D L^T decompositions of Q and of
Q + mu I - (S B)(S B)^T (Coq checks both identities entry by entry and D >= 0).  Coq recomputes
the bound |S B|^2 + |S B - Y|^2 - r mu - tr Q (= |Y|^2 - r mu - tr Q) and compares it with 2 L(W);
r is the narrowest width of the network (Coq checks that it is one of the widths).  A tampered
Q or mu either breaks one of these identities or the comparison: coqc refuses the file.
"""

from __future__ import annotations

VERDICT = "global_minimum"
THEOREM = "global_minimum"
METHODS = ("stationary", "ky_fan")


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
    if method(cert) == "ky_fan":
        lb = cert["evidence"]["lower_bound"]
        inline = inline and all(isinstance(lb.get(key), dict) and isinstance(lb[key].get("rows"), list)
                                for key in ("C", "B", "Q")) and isinstance(lb.get("mu"), str)
    return (is_global(cert) and method(cert) in METHODS and inputs.get("weights") is None and inline
            and 0 < params <= max_parameters)


def _ky_fan_data(cert: dict, stem: str) -> list[str]:
    """The Coq definitions C, B, S, r, mu, Qm, sos1, sos2 of a ky_fan certificate."""
    from flint import fmpq, fmpq_mat

    from exactopen.report.coq_data import NotExportable, _qlit, _rows, _sum_of_squares
    from exactopen.report.coq_obstruction import _inverse, _mul, _t

    lb = cert["evidence"]["lower_bound"]
    inputs = cert["inputs"]

    def fr(obj, where):
        _rows(obj, where)   # inline, rationals (raises NotExportable otherwise)
        from fractions import Fraction
        return [[Fraction(x) for x in r] for r in obj["rows"]]

    C, B, Q = fr(lb.get("C"), "lower_bound.C"), fr(lb.get("B"), "lower_bound.B"), fr(lb.get("Q"), "lower_bound.Q")
    Y = fr(inputs.get("Y"), "inputs.Y")
    mu = _rows({"rows": [[lb.get("mu")]]}, "lower_bound.mu")[0][0]
    from fractions import Fraction
    muf = Fraction(lb["mu"])
    if not B or not B[0] or not Q or len(Q) != len(Y) or any(len(r) != len(Q) for r in Q):
        raise NotExportable(f"{stem}: lower_bound.B or Q malformed")
    G = _inverse(_mul(B, _t(B)))
    if G is None:
        raise NotExportable(f"{stem}: B is not of full row rank")
    S = _mul(_mul(Y, _t(B)), G)
    Yh = _mul(S, B)
    h = len(Q)
    N = [[Q[a][b] + (muf if a == b else 0) - sum((Yh[a][c] * Yh[b][c] for c in range(len(Yh[0]))), Fraction(0))
          for b in range(h)] for a in range(h)]

    def sos(A):
        terms = _sum_of_squares(fmpq_mat([[fmpq(x.numerator, x.denominator) for x in r] for r in A]))
        out = []
        for d, vec in terms or []:   # None (not PSD: a certificate the kernel rejected): Coq refuses []
            lits = [_qlit(x) for x in vec]
            while lits and lits[-1] == "0":
                lits.pop()
            out.append(f"  ({_qlit(d)}, [{'; '.join(lits)}])")
        return "[\n" + ";\n".join(out) + "\n]" if out else "[]"

    def lit(x):
        return _qlit(fmpq(x.numerator, x.denominator))

    def mat(A):
        return "[" + ";\n   ".join("[" + "; ".join(lit(x) for x in r) + "]" for r in A) + "]"

    r = min([len(inputs["X"]["rows"])] + [len(m["rows"]) for m in inputs["layers"]])
    return [
        f"Definition C : mat :=\n  {mat(C)}.",
        f"Definition B : mat :=\n  {mat(B)}.",
        "(* Sm = Y B^T (B B^T)^-1, computed by the exporter; Coq checks (Sm B - Y) B^T = 0. *)",
        f"Definition Sm : mat :=\n  {mat(S)}.",
        f"Definition r : nat := {r}%nat.",
        f"Definition mu : Q := {mu}.",
        f"Definition Qm : mat :=\n  {mat(Q)}.",
        "(* Qm = sum_k d_k l_k l_k^T and Qm + mu I - (Sm B)(Sm B)^T = sum_k e_k m_k m_k^T (exact L D L^T,",
        "   computed by the exporter, checked by Coq with d_k, e_k >= 0). *)",
        f"Definition sos1 : list (Q * list Q) := {sos(Q)}.",
        f"Definition sos2 : list (Q * list Q) := {sos(N)}.",
    ]


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
        raise NotExportable(f"{stem}: the Coq export covers global minima by the stationary or ky_fan bound, not {how!r}")
    if how == "stationary":
        why = ["   Lower bound (stationary): (W_h ... W_1 X - Y) X^T = 0, checked by Coq on the data below;",
               "   stat_sound (coq/Theory/Global.v) proves that this makes L(W) <= L(W') for every W'. *)"]
        extra, proof = [], "Proof. apply (stat_sound dims n X Y W). vm_compute. reflexivity. Qed."
    else:
        why = ["   Lower bound (Ky Fan): 2 L(W') >= |Y|^2 - r mu - tr Q for every W' (kf_sound, coq/Theory/Global.v),",
               "   and 2 L(W) is at most this bound, checked by Coq on the data below. *)"]
        extra = [""] + _ky_fan_data(cert, stem)
        proof = "Proof. apply (kf_sound dims n X Y W C B Sm r mu Qm sos1 sos2). vm_compute. reflexivity. Qed."
    lines = [
        f"(* {mod}: exported by exactopen from {header(stem)}.json (kind landscape_point, verdict {VERDICT}).",
        f"   The checker's statement: {header(statement or cert.get('claim', ''))}",
        "   The theorem below is stated with the definitions of coq/Statements.v only.",
    ] + why + [
        "From Coq Require Import QArith List.",
        "From ExactOpen Require Import Statements Theory.Check Theory.Global.",
        "Import ListNotations.",
        "Open Scope Q_scope.",
        "",
    ] + data_lines(cert, stem) + extra + [
        "",
        f"Theorem {THEOREM} : network dims n X Y W /\\ critical (loss X Y) W /\\ global_min (loss X Y) W.",
        proof,
        "",
    ]
    return "\n".join(lines)
