"""Export accepted certificates to Coq: one ``.v`` file per certificate (issue 23).

A ``landscape_point`` certificate whose verdict is ``higher_order_saddle`` or ``strict_saddle``
(claims ex-intro, ex-3layer, thm-12: the paper's refuted "non-global local minima") becomes the
theorem ``network dims n X Y W /\\ critical (loss X Y) W /\\ not_local_min (loss X Y) W`` of
``coq/Statements.v``, proved by ``saddle_sound`` of ``coq/Theory/Check.v`` and ``vm_compute`` on
the data (``wloss Wt X Y`` and ``wsaddle_sound`` for the weighted loss); a higher-order saddle
also gets ``hessian_psd (loss X Y) W`` (``psd_sound`` of
``coq/Theory/Hessian.v``, with an exact L D L^T of Hessian/2 computed here and checked by Coq).  Everything in the file (X, Y, the layers W, the curve) is written from the
JSON the kernel accepted, never from the generator: a tampered certificate gives a file whose
``vm_compute`` step does not reduce to ``true``, so ``coqc`` refuses it.  Global minima
(ex-3, lem-7, lem-11, thm-8) are written by :mod:`exactopen.report.coq_global`, thm-5
obstructions by :mod:`exactopen.report.coq_obstruction`.

The Coq library (``coq/``) is compiled with ``coqc -Q coq ExactOpen``; the instances import it
as ``ExactOpen``.  :func:`compile_all` compiles the library and a set of instance files in a
temporary copy (no ``.vo`` files are left in the repository).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time

from exactopen.errors import InputError
from exactopen.report.coq_data import NotExportable, _q, _qlit, _rows, _sum_of_squares, inline_rows  # noqa: F401 (re-exported)

EXPORTABLE = {"landscape_point": ("higher_order_saddle", "strict_saddle")}
LIBRARY = ("Statements.v", "Theory/Poly.v", "Theory/Lift.v", "Theory/Check.v", "Theory/Jet.v", "Theory/Hessian.v",
           "Theory/Fmat.v", "Theory/Open.v", "Theory/OpenCheck.v", "Theory/Ortho.v", "Theory/KyFan.v",
           "Theory/Global.v")
THEOREM = "refutation"
PSD_THEOREM = "second_order"
MAX_PARAMETERS = 400   # the dense jet Hessian in Coq is N x N; the audit's largest N is 49
MAX_DATA = 20000


def library_dir() -> str:
    """The ``coq/`` folder of the repository (beside the package)."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "coq")


def module_name(stem: str) -> str:
    """A Coq module name for a certificate file stem: ``thm-12-d-2-1-1-2`` -> ``thm_12_d_2_1_1_2``."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", stem)
    return name if name[:1].isalpha() else "c_" + name


def _mat(rows: list[list[str]], indent: str = "  ") -> str:
    return "[" + (";\n" + indent + " ").join("[" + "; ".join(r) + "]" for r in rows) + "]"


def _poly(coeffs: list[str]) -> str:
    while len(coeffs) > 1 and coeffs[-1] == "0":
        coeffs = coeffs[:-1]
    return "[" + "; ".join(coeffs) + "]"


def _safe_comment(text: str) -> str:
    """Free text for a Coq comment: only characters that cannot end it or open a string."""
    return re.sub(r"[^A-Za-z0-9 ,.:;=<>+/^_|()\[\]{}-]", " ", text)[:600]


def _curve(W: list[list[list[str]]], terms, where: str) -> list[list[list[list[str]]]]:
    """The polynomial curve W + sum_j t^j C_j as a polynomial matrix per layer (entry = its
    coefficients, lowest power first).  Built from the certificate's terms as they stand; Coq
    checks the shapes, that the curve passes through W, and the descent."""
    if not isinstance(terms, list) or not terms:
        raise NotExportable(f"{where}: the curve must be a nonempty list of terms")
    top = 0
    parsed = []
    for i, term in enumerate(terms):
        if not isinstance(term, dict) or not isinstance(term.get("power"), int) or not isinstance(term.get("layers"), list):
            raise NotExportable(f"{where}[{i}]: a term needs an integer power and layers")
        p = term["power"]
        if not 1 <= p <= 64:
            raise NotExportable(f"{where}[{i}].power must be between 1 and 64")
        top = max(top, p)
        parsed.append((p, [_rows(m, f"{where}[{i}].layers[{k}]") for k, m in enumerate(term["layers"])]))
    curve = []
    for k, A in enumerate(W):
        layer = []
        for i, row in enumerate(A):
            prow = []
            for j, w in enumerate(row):
                coeffs = [w] + ["0"] * top
                for p, Cs in parsed:
                    try:
                        c = Cs[k][i][j]
                    except IndexError:
                        raise NotExportable(f"{where}: a term of power {p} does not have the shape of W") from None
                    if coeffs[p] != "0":
                        raise NotExportable(f"{where}: two terms of power {p}")
                    coeffs[p] = c
                prow.append(_poly(coeffs))
            layer.append(prow)
        curve.append(layer)
    return curve


def _pmat(layer) -> str:
    return "[" + ";\n   ".join("[" + "; ".join(r) + "]" for r in layer) + "]"


def _half_hessian(W, X, Y):
    """K = H/2, H the exact Hessian of L at W in the coordinates of W flattened (layer by
    layer, row by row), computed with second-order jets c + (g.v) t + (v^T K v) t^2 as in
    coq/Theory/Jet.v (python-flint; the exporter is not trusted: Coq checks K = sum d_i l_i l_i^T)."""
    from flint import fmpq, fmpq_mat

    N = sum(len(A) * len(A[0]) for A in W)
    zero_g, zero_H = fmpq_mat(1, N), fmpq_mat(N, N)

    def const(x):
        return (x, zero_g, zero_H)

    def add(a, b):
        return (a[0] + b[0], a[1] + b[1], a[2] + b[2])

    def mul(a, b):
        outer = a[1].transpose() * b[1]
        return (a[0] * b[0], a[1] * b[0] + b[1] * a[0], a[2] * b[0] + b[2] * a[0] + (outer + outer.transpose()) / 2)

    def matmul(A, B):
        out = []
        for row in A:
            out.append([])
            for j in range(len(B[0])):
                acc = const(fmpq(0))
                for k, x in enumerate(row):
                    acc = add(acc, mul(x, B[k][j]))
                out[-1].append(acc)
        return out

    a, JW = 0, []
    for A in W:
        layer = []
        for row in A:
            layer.append([])
            for x in row:
                g = fmpq_mat(1, N)
                g[0, a] = 1
                layer[-1].append((x, g, zero_H))
                a += 1
        JW.append(layer)
    P = [[const(x) for x in row] for row in X]
    for layer in JW:
        P = matmul(layer, P)
    total = const(fmpq(0))
    for prow, yrow in zip(P, Y):
        for e, y in zip(prow, yrow):
            d = add(e, const(-y))
            total = add(total, mul(d, d))
    return total[2] / 2


def psd_witness(cert: dict) -> list | None:
    """The sum of squares for Hessian/2 at the certificate's point, as (d, l) pairs of Q literals
    (trailing zeros of l dropped), or None if the Hessian is not PSD."""
    from fractions import Fraction as F

    from flint import fmpq

    def mat(obj):
        return [[fmpq(F(x).numerator, F(x).denominator) for x in r] for r in inline_rows(obj)["rows"]]

    inputs = cert["inputs"]
    K = _half_hessian([mat(m) for m in inputs["layers"]], mat(inputs["X"]), mat(inputs["Y"]))
    terms = _sum_of_squares(K)
    if terms is None:
        return None
    out = []
    for d, l in terms:
        lits = [_qlit(x) for x in l]
        while lits and lits[-1] == "0":
            lits.pop()
        out.append((_qlit(d), lits))
    return out


def data_lines(cert: dict, stem: str) -> list[str]:
    """The Coq definitions of a landscape point's data, copied from the certificate's JSON:
    ``dims``, ``n``, ``X``, ``Y``, ``Wt`` (weighted loss only) and the layers ``W``.  Raises
    NotExportable for digest inputs, empty data or data beyond the export's bounds."""
    inputs = cert.get("inputs") or {}
    weighted = inputs.get("weights") is not None
    if not isinstance(inputs.get("layers"), list):
        raise NotExportable(f"{stem}: inputs.layers must be a list of inline matrices")
    W = [_rows(m, f"inputs.layers[{k}]") for k, m in enumerate(inputs["layers"])]
    X = _rows(inputs.get("X"), "inputs.X")
    Y = _rows(inputs.get("Y"), "inputs.Y")
    Wt = _rows(inputs["weights"], "inputs.weights") if weighted else None
    if not X or not W:
        raise NotExportable(f"{stem}: empty data")
    dims = [len(X)] + [len(A) for A in W]
    n = len(X[0])
    params = sum(len(A) * len(A[0]) if A else 0 for A in W)
    if params > MAX_PARAMETERS or len(X) * n + len(Y) * n > MAX_DATA:
        raise NotExportable(f"{stem}: {params} parameters and {len(X) * n + len(Y) * n} data entries exceed the Coq "
                            f"export's bounds ({MAX_PARAMETERS} parameters, {MAX_DATA} data entries)")
    return [
        f"Definition dims : list nat := [{'; '.join(map(str, dims))}]%nat.",
        f"Definition n : nat := {n}%nat.",
        f"Definition X : mat :=\n  {_mat(X)}.",
        f"Definition Y : mat :=\n  {_mat(Y)}.",
    ] + ([f"Definition Wt : mat :=\n  {_mat(Wt)}."] if weighted else []) + [
        "Definition W : list mat := [",
        ";\n".join("  " + _mat(A, "  ") for A in W),
        "].",
    ]


def export_text(cert: dict, stem: str, statement: str | None = None) -> str:
    """The ``.v`` file of one certificate (a parsed JSON object).  It is only called on
    certificates the kernel accepted (:func:`export_files`); ``statement`` is the checker's
    sentence, copied into a comment."""
    from exactopen.report import coq_global, coq_obstruction

    if coq_obstruction.is_obstruction(cert):   # thm-5 "not locally open"
        return coq_obstruction.obstruction_text(cert, stem, statement, module_name(stem), _safe_comment)
    if coq_global.is_global(cert):   # global minimum (lower bound proved in coq/Theory/Global.v)
        return coq_global.global_text(cert, stem, statement, module_name(stem), _safe_comment, data_lines)
    kind = cert.get("kind")
    verdict = (cert.get("result") or {}).get("verdict") if isinstance(cert.get("result"), dict) else None
    if kind not in EXPORTABLE or verdict not in EXPORTABLE[kind]:
        raise NotExportable(f"{stem}: Coq export covers landscape_point saddles "
                            f"(higher_order_saddle, strict_saddle) and global minima, not {kind} / {verdict}")
    inputs = cert.get("inputs") or {}
    weighted = inputs.get("weights") is not None
    if weighted and verdict == "higher_order_saddle":
        raise NotExportable(f"{stem}: the Hessian of the weighted loss is not exported to Coq yet")
    data = data_lines(cert, stem)
    W = [_rows(m, f"inputs.layers[{k}]") for k, m in enumerate(inputs["layers"])]
    curve = _curve(W, (cert.get("evidence") or {}).get("curve"), "evidence.curve")
    mod = module_name(stem)
    lines = [
        f"(* {mod}: exported by exactopen from {_safe_comment(stem)}.json (kind {kind}, verdict {verdict}).",
        f"   The checker's statement: {_safe_comment(statement or cert.get('claim', ''))}",
        "   The theorem below is stated with the definitions of coq/Statements.v only. *)",
        "From Coq Require Import QArith List.",
        "From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet Theory.Hessian.",
        "Import ListNotations.",
        "Open Scope Q_scope.",
        "",
    ] + data + [
        "(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:",
        "   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)",
        "Definition curve : list pmat := [",
        ";\n".join("  " + _pmat(layer) for layer in curve),
        "].",
        "",
    ] + ([
        f"Theorem {THEOREM} : network dims n X Y W /\\ is_shape Wt (last dims 0%nat) n /\\",
        "  critical (wloss Wt X Y) W /\\ not_local_min (wloss Wt X Y) W.",
        "Proof. apply (wsaddle_sound dims n Wt X Y W curve). vm_compute. reflexivity. Qed.",
    ] if weighted else [
        f"Theorem {THEOREM} : network dims n X Y W /\\ critical (loss X Y) W /\\ not_local_min (loss X Y) W.",
        "Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.",
    ]) + [
        "",
    ]
    if verdict == "higher_order_saddle":
        # None: the Hessian is not PSD (only for a certificate the kernel did not accept, exported
        # with check=False); the empty sum of squares then gives a PSD theorem Coq refuses
        sos = psd_witness(cert) or []
        lines += [
            "(* Hessian / 2 = sum_i d_i l_i l_i^T, d_i >= 0 (an L D L^T decomposition, written by the exporter",
            "   and checked here): the second-order test of every straight line through W passes. *)",
            "Definition sos : list (Q * list Q) := [",
            ";\n".join(f"  ({d}, [{'; '.join(lits)}])" for d, lits in sos),
            "].",
            "",
            f"Theorem {PSD_THEOREM} : hessian_psd (loss X Y) W.",
            "Proof. apply (psd_sound X Y W sos). vm_compute. reflexivity. Qed.",
            "",
        ]
    return "\n".join(lines)


AUDIT_DIR = "coq"   # certificates/coq/: the audit's exports


def exportable(cert: dict) -> bool:
    """Whether :func:`export_text` covers this certificate (kind, verdict, size, inline data;
    weighted only for strict saddles; thm-5 obstructions with k <= 3; unweighted global minima
    by the stationary or ky_fan bound)."""
    from exactopen.report import coq_global, coq_obstruction

    if coq_obstruction.is_obstruction(cert):
        return coq_obstruction.exportable(cert)
    if coq_global.is_global(cert):
        return coq_global.exportable(cert, MAX_PARAMETERS)
    res = cert.get("result")
    inputs = cert.get("inputs") if isinstance(cert.get("inputs"), dict) else {}
    try:
        params = sum(m["shape"][0] * m["shape"][1] for m in inputs.get("layers") or [])
    except (KeyError, IndexError, TypeError):
        return False
    return (cert.get("kind") in EXPORTABLE and isinstance(res, dict) and params <= MAX_PARAMETERS
            and res.get("verdict") in EXPORTABLE[cert["kind"]]
            and (inputs.get("weights") is None or res.get("verdict") == "strict_saddle")
            and isinstance(inputs.get("layers"), list) and all(isinstance(m, dict) and "rows" in m
                                                               for m in inputs["layers"]))


def write_instance(out_dir: str, cert: dict, stem: str) -> int:
    """The audit's export of one certificate it has just had accepted: writes
    ``out_dir/<module>.v`` from the certificate's JSON text (as written) if it is exportable;
    returns the number of files written (0 or 1)."""
    import json

    from exactopen import kernel
    from exactopen.certificate import dumps, write_atomic

    if not exportable(cert):
        return 0
    text = dumps(cert)
    said = kernel.check(text)  # the JSON as written, accepted once more
    os.makedirs(out_dir, exist_ok=True)
    write_atomic(os.path.join(out_dir, module_name(stem) + ".v"), export_text(json.loads(text), stem, said))
    return 1


_HEADER = re.compile(r"^\(\* (\S+): exported by exactopen from (\S+)\.json \(kind (\S+), verdict (\S+)\)\.")


def write_index(out_dir: str) -> None:
    """``out_dir/README.md``: every exported theorem with its certificate and kind, counted per
    verdict (read from the .v files present, so that ``audit --only`` keeps it whole), and
    ``_CoqProject`` for ``coq_makefile``."""
    from exactopen.certificate import write_atomic

    if not os.path.isdir(out_dir):
        return
    entries = []
    for f in sorted(os.listdir(out_dir)):
        if f.endswith(".v"):
            with open(os.path.join(out_dir, f), encoding="utf-8") as fh:
                m = _HEADER.match(fh.readline())
            if m:
                entries.append((f, m.group(2), m.group(4)))
    counts: dict[str, int] = {}
    for _f, _stem, verdict in entries:
        counts[verdict] = counts.get(verdict, 0) + 1
    lines = ["# The paper's refutations, proved again in Coq", "",
             "Written by `exactopen audit` from the certificates the checker accepted "
             "(`exactopen export coq` writes the same files). Each file proves",
             "",
             "    Theorem refutation : network dims n X Y W /\\ critical (loss X Y) W /\\ not_local_min (loss X Y) W.",
             "",
             "(for the weighted square loss, `wloss Wt X Y` in place of `loss X Y`, with `is_shape Wt (last dims 0%nat) n`)",
             "",
             "and, for a higher-order saddle, also",
             "",
             "    Theorem second_order : hessian_psd (loss X Y) W.",
             "",
             "(the Hessian of L at W is positive semidefinite: every straight line through W passes the "
             "second-order test); a thm-5 obstruction (verdict not_locally_open) proves",
             "",
             "    Theorem not_locally_open : not_locally_open_at m k n W1 W2.",
             "",
             "(the product map is not locally open at (W1, W2) relative to its range); a global minimum "
             "(verdict global_minimum) proves",
             "",
             "    Theorem global_minimum : network dims n X Y W /\\ critical (loss X Y) W /\\ global_min (loss X Y) W.",
             "",
             "(no W' of W's shapes has a smaller loss), "
             "with the definitions of [coq/Statements.v](../../coq/Statements.v) (the one page to trust) "
             "and the lemmas of `coq/Theory/`, by `vm_compute` on the data. How to compile and what is "
             "trusted: [docs/coq.md](../../docs/coq.md).", "",
             "| verdict | files |", "|---|---|"]
    lines += [f"| {v} | {c} |" for v, c in sorted(counts.items())]
    lines += [f"| total | {len(entries)} |", "", "| Coq file | certificate | verdict |", "|---|---|---|"]
    lines += [f"| [{f}]({f}) | [{stem}](../{stem}.md) | {verdict} |" for f, stem, verdict in entries]
    write_atomic(os.path.join(out_dir, "README.md"), "\n".join(lines) + "\n")
    write_atomic(os.path.join(out_dir, "_CoqProject"),
                 "-Q ../../coq ExactOpen\n" + "".join(f"../../coq/{f}\n" for f in LIBRARY)
                 + "".join(f"{f}\n" for f, _s, _v in entries))


def accepted_tree(path: str) -> tuple[dict, str]:
    """The certificate at ``path`` after the kernel accepted it: (parsed JSON, statement).
    Raises kernel.Rejected / kernel.Malformed otherwise."""
    from exactopen import kernel

    rep = kernel.explain(kernel.read_file(path))
    return rep["tree"], rep["statement"]


def export_files(paths: list[str], out_dir: str, check: bool = True) -> list[str]:
    """Write one ``.v`` per certificate into ``out_dir``; return the written paths.

    ``check=False`` skips the kernel (tests only: it shows that Coq alone refuses a tampered
    certificate)."""
    import json

    from exactopen.certificate import write_atomic

    os.makedirs(out_dir, exist_ok=True)
    written = []
    for path in paths:
        stem = os.path.splitext(os.path.basename(path))[0]
        if check:
            tree, said = accepted_tree(path)
        else:
            with open(path, encoding="utf-8") as fh:
                tree, said = json.load(fh), None
        target = os.path.join(out_dir, module_name(stem) + ".v")
        write_atomic(target, export_text(tree, stem, said))
        written.append(target)
    return written


def coqc() -> str | None:
    return shutil.which("coqc")


def build_library(tmp: str, timeout: float = 600.0) -> str:
    """Copy ``coq/`` into ``tmp/lib`` and compile it there; return that folder."""
    exe = coqc()
    if exe is None:
        raise InputError("coqc is not installed (apt-get install coq)")
    lib = os.path.join(tmp, "lib")
    shutil.copytree(library_dir(), lib, ignore=shutil.ignore_patterns("*.vo", "*.vok", "*.vos", "*.glob", ".*"))
    for rel in LIBRARY:
        r = subprocess.run([exe, "-Q", lib, "ExactOpen", os.path.join(lib, rel)], cwd=tmp,
                           capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise InputError(f"coq/{rel} does not compile: {_first_error(r)}")
    return lib


def compile_one(lib: str, path: str, timeout: float = 600.0, extra: str = "") -> tuple[str | None, str]:
    """Compile one instance file against the compiled library ``lib`` in a fresh folder (with
    ``extra`` Coq text appended); return (first error line or None, coqc's output)."""
    work = tempfile.mkdtemp(prefix="inst-", dir=os.path.dirname(lib))
    target = os.path.join(work, os.path.basename(path))
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    with open(target, "w", encoding="utf-8") as fh:
        fh.write(text + extra)
    try:
        r = subprocess.run([coqc() or "coqc", "-Q", lib, "ExactOpen", target], cwd=work,
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout:.0f} s", ""
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return (None if r.returncode == 0 else _first_error(r)), r.stdout + r.stderr


def theorems_of(text: str) -> list[str]:
    """The names of the theorems a ``.v`` file states (``Theorem name :`` at a line start)."""
    return re.findall(r"^Theorem (\w+) :", text, re.M)


def compile_checked(lib: str, path: str, timeout: float = 600.0) -> str | None:
    """Compile ``path`` against ``lib`` with ``Print Assumptions`` of each of its theorems
    appended; None if coqc accepts it and every theorem is closed under the global context (no
    axiom, no admitted step), else the reason."""
    with open(path, encoding="utf-8") as fh:
        names = theorems_of(fh.read())
    if not names:
        return "no theorem"
    err, out = compile_one(lib, path, timeout, "\n" + "".join(f"Print Assumptions {t}.\n" for t in names))
    if err is not None:
        return err
    closed = out.count("Closed under the global context")
    return None if closed == len(names) else f"{len(names) - closed} theorem(s) rest on an axiom or admitted step"


def compile_all(files: list[str], jobs: int = 2, timeout: float = 600.0) -> dict:
    """Compile the library and ``files`` with coqc in a temporary copy, each with ``Print
    Assumptions`` of its theorems (:func:`compile_checked`); return {seconds (wall), cpu_seconds
    (coqc's user + system time), failed: {file: reason}, compiled: count}.  Raises InputError
    without coqc."""
    import resource
    from concurrent.futures import ThreadPoolExecutor

    start, cpu0 = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    failed = {}
    with tempfile.TemporaryDirectory(prefix="exactopen-coq-") as tmp:
        lib = build_library(tmp, timeout)
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for path, err in zip(files, pool.map(lambda p: compile_checked(lib, p, timeout), files)):
                if err is not None:
                    failed[path] = err
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
    return {"seconds": time.monotonic() - start, "cpu_seconds": cpu, "failed": failed,
            "compiled": len(files) - len(failed)}


def _first_error(r) -> str:
    text = (r.stderr or r.stdout or "").strip().splitlines()
    errs = [ln for ln in text if "Error" in ln]
    return (errs[0] if errs else (text[-1] if text else f"exit {r.returncode}"))[:300]
