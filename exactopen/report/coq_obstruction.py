"""Coq export of the thm-5 obstruction "not locally open" (issue 23, kind ``openness``, verdict
``not_locally_open``, ``evidence.obstruction``).

The file states ``not_locally_open_at m k n W1 W2`` of ``coq/Statements.v`` and proves it by
``obs1_sound`` (side W1) or ``obs2_sound`` (side W2) of ``coq/Theory/OpenCheck.v`` with
``vm_compute`` on the data: W1, W2, K, M0, M1, the split s and y copied from the JSON the kernel
accepted, and a left inverse H of K (H K = I) and a right inverse G of M0 + M1 computed here
with exact rationals.  H and G are not trusted: Coq checks H K = I and the two parts of
(M0 + M1) G = I; a wrong number gives a file Coq refuses.  Coq's general lemma covers k <= 3
(the k x k "left inverse is a right inverse" step is proved by explicit algebra).
"""

from __future__ import annotations

from fractions import Fraction

VERDICT = "not_locally_open"
THEOREM = "not_locally_open"
MAX_K = 3


def is_obstruction(cert: dict) -> bool:
    res, ev = cert.get("result"), cert.get("evidence")
    return (cert.get("kind") == "openness" and isinstance(res, dict) and res.get("verdict") == VERDICT
            and isinstance(ev, dict) and isinstance(ev.get("obstruction"), dict))


def exportable(cert: dict) -> bool:
    """Inline W1, W2 with inner dimension k <= 3 (the Coq lemma's range)."""
    inputs = cert.get("inputs") if isinstance(cert.get("inputs"), dict) else {}
    try:
        k = inputs["W2"]["shape"][0]
        return (1 <= k <= MAX_K and all(isinstance(inputs[w].get("rows"), list) for w in ("W1", "W2")))
    except (KeyError, IndexError, TypeError, AttributeError):
        return False


def _fr(rows) -> list[list[Fraction]]:
    return [[Fraction(x) for x in r] for r in rows]


def _inverse(M: list[list[Fraction]]) -> list[list[Fraction]] | None:
    """Gauss-Jordan inverse of a square rational matrix (None if singular)."""
    n = len(M)
    A = [list(r) + [Fraction(int(i == j)) for j in range(n)] for i, r in enumerate(M)]
    for c in range(n):
        p = next((r for r in range(c, n) if A[r][c] != 0), None)
        if p is None:
            return None
        A[c], A[p] = A[p], A[c]
        piv = A[c][c]
        A[c] = [x / piv for x in A[c]]
        for r in range(n):
            if r != c and A[r][c] != 0:
                f = A[r][c]
                A[r] = [x - f * y for x, y in zip(A[r], A[c])]
    return [r[n:] for r in A]


def _mul(A, B):
    return [[sum((a * b for a, b in zip(r, c)), Fraction(0)) for c in zip(*B)] for r in A]


def _t(A):
    return [list(c) for c in zip(*A)]


def _lit(x: Fraction) -> str:
    if x.denominator == 1:
        return f"({x.numerator})" if x < 0 else str(x.numerator)
    return f"({x.numerator} # {x.denominator})"


def _m(A: list[list[Fraction]], ncols: int) -> str:
    if not A:
        return "[]"
    return "[" + ";\n   ".join("[" + "; ".join(_lit(x) for x in r) + "]" for r in A) + "]"


def obstruction_text(cert: dict, stem: str, statement: str | None, mod: str, header) -> str:
    """The ``.v`` file of one accepted obstruction certificate.  ``header(text)`` makes a comment
    safe; raises NotExportable (from the caller's module) via ValueError on data outside the
    Coq lemma (k > 2, singular K^T K or M M^T)."""
    from exactopen.report.coq_data import NotExportable, _rows

    inputs = cert.get("inputs") or {}
    ob = cert["evidence"]["obstruction"]
    W1 = _fr(_rows(inputs.get("W1"), "inputs.W1") and inputs["W1"]["rows"])
    W2 = _fr(_rows(inputs.get("W2"), "inputs.W2") and inputs["W2"]["rows"])
    K = _fr(_rows(ob.get("K"), "obstruction.K") and ob["K"]["rows"])
    M0 = _fr(_rows(ob.get("M0"), "obstruction.M0") and ob["M0"]["rows"])
    M1 = _fr(_rows(ob.get("M1"), "obstruction.M1") and ob["M1"]["rows"])
    y = [r[0] for r in _fr(_rows(ob.get("y"), "obstruction.y") and ob["y"]["rows"]) if r]
    side, s = ob.get("side"), ob.get("split")
    if side not in ("W1", "W2") or not isinstance(s, int) or isinstance(s, bool) or s < 0:
        raise NotExportable(f"{stem}: obstruction.side / split malformed")
    m, k = len(W1), len(W2)
    n = len(W2[0]) if W2 else 0
    if not 1 <= k <= MAX_K or not W1 or n == 0:
        raise NotExportable(f"{stem}: the Coq lemma covers inner dimension k = 1, 2 or 3, not {k}")
    kk = len(K[0]) if K else 0
    if kk != k or len(M0) != k or len(M1) != k:
        raise NotExportable(f"{stem}: obstruction shapes do not match k = {k}")
    KtK = _inverse(_mul(_t(K), K))
    M = [[a + b for a, b in zip(r0, r1)] for r0, r1 in zip(M0, M1)]
    MMt = _inverse(_mul(M, _t(M)))
    if KtK is None or MMt is None:
        raise NotExportable(f"{stem}: K or M0 + M1 is rank deficient")
    H = _mul(KtK, _t(K))          # H K = I
    G = _mul(_t(M), MMt)          # M G = I
    sound = "obs1_sound" if side == "W1" else "obs2_sound"
    dims = f"{m}%nat {k}%nat {n}%nat"
    what = "W1" if side == "W1" else "W2"
    lines = [
        f"(* {mod}: exported by exactopen from {header(stem)}.json (kind openness, verdict {VERDICT}).",
        f"   The checker's statement: {header(statement or cert.get('claim', ''))}",
        "   The theorem below is stated with the definitions of coq/Statements.v only.",
        ("   Z(delta) = K (M0 + delta M1) is W1 W2 + delta R; y^T K = 0;" if side == "W1" else
         "   Z(delta)^T = K (M0 + delta M1) is (W1 W2 + delta R)^T = W2^T W1^T + delta R^T; y^T K = 0;"),
        f"   every preimage of Z(delta) moves {what} by |y^T {what}{'^T' if side == 'W2' else ''}|^2 / |y|^2 at least.",
        "   H (H K = I) and G ((M0 + M1) G = I) are computed by the exporter and checked by Coq. *)",
        "From Coq Require Import QArith List.",
        "From ExactOpen Require Import Statements Theory.Fmat Theory.Open Theory.OpenCheck.",
        "Import ListNotations.",
        "Open Scope Q_scope.",
        "",
        f"Definition W1 : mat :=\n  {_m(W1, k)}.",
        f"Definition W2 : mat :=\n  {_m(W2, n)}.",
        f"Definition K : mat :=\n  {_m(K, k)}.",
        f"Definition M0 : mat :=\n  {_m(M0, 0)}.",
        f"Definition M1 : mat :=\n  {_m(M1, 0)}.",
        f"Definition srow : nat := {s}%nat.",
        f"Definition y : list Q := [{'; '.join(_lit(x) for x in y)}].",
        f"Definition H : mat :=\n  {_m(H, 0)}.",
        f"Definition G : mat :=\n  {_m(G, k)}.",
        "",
        f"Theorem {THEOREM} : not_locally_open_at {dims} W1 W2.",
        f"Proof. apply ({sound} {dims} W1 W2 K H M0 M1 G srow y). vm_compute. reflexivity. Qed.",
        "",
    ]
    return "\n".join(lines)
