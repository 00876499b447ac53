"""The checker's front door: one checking function per certificate kind, and :func:`check`,
which reads a certificate strictly, dispatches on ``kind``, pins nested certificates, refuses
unread (unchecked) fields and binds the claim sentence to what was checked.

Each kind's function reads the inputs, re-derives every asserted fact from the numbers with
exact arithmetic, and returns the statement it proved (one line).  A certificate is accepted
only if (1) that function returns, (2) it read every key of the certificate (a field the
checker never read was not checked: unknown keys are refused), (3) ``claim`` is exactly the
returned statement, and (4) ``claim_id`` is one of the ids that kind can bear on
(:data:`CLAIM_IDS`); the claim id is a filing label, not a checked statement.

Trusted theorems (the only steps not re-derived from numbers) are listed in
:data:`THEOREMS`; each kind declares the ones it may use (:data:`KIND_THEOREMS`) and records
the ones a given check used, so ``exactopen verify --explain`` can print them.
"""

from __future__ import annotations

import json

from flint import fmpq_mat

from exactopen.kernel.files import clear as clear_inputs
from exactopen.kernel.files import forget_unless_handed_over, provide, statement_suffix
from exactopen.kernel.primitives import (
    _LEDGER,
    BUDGET,
    METER,
    Malformed,
    OverBudget,
    Rejected,
    field,
    mark_read,
    matrix,
    parse,
    require,
    unread_fields,
)

FORMAT = "exactopen-certificate"
VERSIONS = (2,)
KINDS: dict = {}
ENVELOPE = ("format", "version", "kind", "claim", "claim_id", "generator", "inputs", "result", "evidence")

THEOREMS = {
    "behrends": "prop-4 (1) <=> (2): for k >= min(m, n), M(W1, W2) = W1 W2 is locally open at (W1, W2) iff "
                "some W~1 with W~1 W2 = 0 makes W1 + W~1 of full row rank, or some W~2 with W1 W~2 = 0 makes "
                "W2 + W~2 of full column rank (Behrends 2017, Thm 2.5).",
    "behrends-dims": "prop-4 (1) <=> (3): the same openness in terms of dim N(W1) ∩ C(W2), rank W1, rank W2 "
                     "(Behrends 2017; the paper's Prop. 4).",
    "prop-18": "thm-5 sufficiency: for k < min(m, n), rank W1 = rank W2 and dim N(W1) ∩ C(W2) = 0 imply that "
               "M is locally open at (W1, W2) relative to its range (the paper's Prop. 18 construction).",
    "thm-5-necessity": "thm-5 necessity: for k < min(m, n), if M is locally open at (W1, W2) relative to its "
                       "range then rank W1 = rank W2 and dim N(W1) ∩ C(W2) = 0 (Nouiehed & Razaviyayn, arXiv "
                       "1803.02968, Theorem 5; the openness kind proves each instance by a theorem-free "
                       "obstruction instead).",
    "lem-10": "A chain W_h ... W_1 whose product has rank min_i d_i is locally open (the paper's Lemma 10).",
    "chain-split": "docs/chains.md, Lemmas C1 and C2 (composition): if at a split k the pair (W_h...W_{k+1}, "
                   "W_k...W_1) is locally open and both sub-chains are open onto all matrices of their size, the "
                   "chain is locally open; a one-layer chain, a chain whose product has full rank min(ends), and "
                   "recursively such a split with inner width >= min(ends) are open onto all matrices.",
    "chain-grouping": "docs/chains.md, Lemma C4: at a split k with min(d_0, d_k, d_h) = min_i d_i the pair "
                      "(W_h...W_{k+1}, W_k...W_1) has the chain's range, so if the pair is not locally open "
                      "neither is the chain.",
    "chain-full-removal": "docs/chains.md, Lemma C10: if in some coordinates the chain is the direct sum of "
                          "identity paths V_0 -> V_h (full summands) and a chain that is locally open, it is "
                          "locally open (Z = G diag(I, S) H with S the Schur complement of the full block; a "
                          "preimage of S gives one of Z, with the same exponent).",
    "chain-rotation": "docs/chains.md, Lemma C12: if columns x, y of W_1 and rows r, s of W_h are zero and P is "
                      "another row, every target Z̄ + E is moved by orthogonal changes of the coordinates x, y "
                      "and r, s (which fix W and Z̄) to one with E[P, y] = E[r, y] = 0; so a preimage family on "
                      "those targets gives every target a preimage with the family's exponent.",
    "chain-zero-end": "docs/chains.md, Lemma C11: if W_h = 0, W_{h-1}...W_1 = 0, d_{h-1} = min_i d_i >= 2 and "
                      "the sub-chain (W_1, ..., W_{h-1}) gives every target Δ that vanishes at some entries (at "
                      "most min_i d_i - 1, in one row or one column) a preimage moving its layers by <= "
                      "C |Δ|^(1/p), then every target Z of the chain's range has a preimage moving the layers by "
                      "<= C' |Z|^(1/(2p)) (Z = A'B' with balanced factors, B' rotated to vanish there); likewise "
                      "transposed (W_1 = 0).",
    "chain-gap-free": "docs/chains.md, Lemma C9: if for every 0 < k < h rank W_k...W_1 = d_0 or rank "
                      "W_h...W_{k+1} = d_h (no left summand [0, j] and right summand [i, h] with j + 1 < i), "
                      "every target Z near W_h...W_1 has a preimage W' with |W' - W| <= C |Z - W_h...W_1|: "
                      "locally open with a linear modulus.",
    "chain-rank-criterion": "docs/chains.md, Theorem C16 (the rank criterion is exact): a chain W_h ... W_1 "
                            "(h >= 3) with a_k = rank W_k...W_1, b_k = rank W_h...W_{k+1}, z = rank W_h...W_1, "
                            "e = min_i d_i is locally open if f_k = d_k - a_k - b_k + z >= min(d_0 - a_k, d_h - b_k, "
                            "e - z) for every 0 < k < h.",
    "interval-decomposition": "docs/chains.md, Lemma C6: two chains with the same widths whose partial products "
                              "W_b...W_{a+1} have the same ranks for all a < b differ by a change of basis "
                              "W_i -> G_i W_i G_{i-1}^-1 (interval decomposition of type-A quiver "
                              "representations), and such a change of basis preserves local openness.",
    "invariant-split": "docs/checker.md, Lemma S (invariant split): if T^T T and T^T M T are block diagonal "
                       "with the same blocks (M symmetric, every block G_b of T^T T nonsingular), K_b - mu G_b "
                       "is PSD on the top blocks and mu G_b - K_b on the others, then Q = sum over the top "
                       "blocks of T_b G_b^-1 (K_b - mu G_b) G_b^-1 T_b^T is PSD, Q - M + mu I is PSD and "
                       "tr Q = sum over the top blocks of tr(G_b^-1 K_b) - k mu (k the top columns).",
    "spectral": "A real symmetric matrix is diagonalisable with real eigenvalues; its characteristic "
                "polynomial then alternates in sign iff it is positive semidefinite (Descartes), and the "
                "multiplicity of the root 0 is the dimension of its null space.",
    "second-order": "At a critical point of a C^2 function, a Hessian that is positive definite on a "
                    "subspace S makes the point a strict local minimum of the function restricted to the "
                    "affine slice W + S (Taylor's theorem).",
    "inverse-function": "The inverse function theorem (used to show that the gauge orbit of a slice covers a "
                        "neighbourhood of W).",
    "convexity": "A local minimiser of a convex function is a global minimiser (in particular a stationary "
                 "point of a differentiable convex function).",
    "eckart-young": "min over rank Z <= r of |ZX - Y|_F^2 is |Y|^2 minus the sum of the r largest "
                    "eigenvalues of Y P_X Y^T, P_X the projector on the row space of X (Eckart-Young).",
    "ky-fan": "The sum of the r largest eigenvalues of a symmetric M is at most r mu + tr Q whenever "
              "Q is PSD and Q - M + mu I is PSD (Ky Fan's maximum principle).",
    "schur": "A symmetric block matrix [[A, B], [B^T, C]] with A PSD is PSD iff C - B^T A^+ B is PSD and "
             "B lies in the range of A (generalised Schur complement).",
    "courant-fischer": "lambda_k(A^T A) is the max over k-dimensional subspaces of the minimum Rayleigh "
                       "quotient (Courant-Fischer).",
    "gershgorin": "A symmetric, diagonally dominant matrix with a nonnegative diagonal is PSD (Gershgorin).",
    "monotone-activations": "tanh and the logistic function are continuous and strictly increasing "
                            "(their derivatives 1 - tanh^2 and s(1 - s) are positive).",
    "open-maps": "A continuous, strictly increasing function R -> R applied entrywise is a homeomorphism "
                 "onto an open set; surjective linear maps are open; compositions of open maps are open.",
    "ivt": "The intermediate value theorem.",
    "bernstein": "A polynomial of degree d whose Bernstein coefficients on [0, r] are all >= 0 is >= 0 on "
                 "[0, r] (equivalently: (1+u)^d g(r u / (1+u)) has nonnegative coefficients).",
    "sturm": "Sturm's theorem counts the distinct real roots of a polynomial in an interval; a polynomial with "
             "no real root in an interval has constant sign there.",
}

# Where each trusted theorem comes from: a published result (its reference), or a lemma of this
# project (the docs section with its proof).  ``python -m exactopen.kernel --theorems`` and
# docs/checker.md list the two apart.
LEMMAS = {
    "chain-split": "docs/chains.md, Lemmas C1 and C2",
    "chain-grouping": "docs/chains.md, Lemma C4",
    "chain-zero-end": "docs/chains.md, Lemma C11",
    "chain-full-removal": "docs/chains.md, Lemma C10",
    "chain-rotation": "docs/chains.md, Lemma C12",
    "chain-gap-free": "docs/chains.md, Lemma C9",
    "chain-rank-criterion": "docs/chains.md, Theorem C16",
    "interval-decomposition": "docs/chains.md, Lemma C6 (with Gabriel's theorem, Gabriel 1972)",
    "invariant-split": "docs/checker.md, Lemma S",
}
REFERENCES = {
    "behrends": "E. Behrends, Where is matrix multiplication locally open?, Linear Algebra Appl. 517 (2017) "
                "167-176, Thm 2.5",
    "behrends-dims": "Behrends 2017 (as above), Thm 2.5, rephrased as Prop. 4 of Nouiehed & Razaviyayn, "
                     "arXiv 1803.02968",
    "prop-18": "Nouiehed & Razaviyayn, arXiv 1803.02968, Prop. 18 (Appendix B)",
    "thm-5-necessity": "Nouiehed & Razaviyayn, arXiv 1803.02968, Thm 5",
    "lem-10": "Nouiehed & Razaviyayn, arXiv 1803.02968, Lemma 10",
    "spectral": "the spectral theorem for real symmetric matrices and Descartes' rule of signs (Horn & "
                "Johnson, Matrix Analysis, 2nd ed., ch. 4)",
    "second-order": "second-order sufficient conditions (Nocedal & Wright, Numerical Optimization, 2nd ed., "
                    "Thm 2.4)",
    "inverse-function": "the inverse function theorem (Rudin, Principles of Mathematical Analysis, 3rd ed., "
                        "Thm 9.24)",
    "convexity": "Boyd & Vandenberghe, Convex Optimization (2004), Sec. 4.2.2",
    "eckart-young": "Eckart & Young, Psychometrika 1 (1936), applied to Y P_X",
    "ky-fan": "Ky Fan, PNAS 35 (1949); the dual form: Overton & Womersley, Math. Programming 62 (1993)",
    "schur": "A. Albert, SIAM J. Appl. Math. 17 (1969)",
    "courant-fischer": "Horn & Johnson, Matrix Analysis, 2nd ed., Sec. 4.2",
    "gershgorin": "Horn & Johnson, Matrix Analysis, 2nd ed., Sec. 6.1",
    "monotone-activations": "elementary calculus (a positive derivative, the mean value theorem)",
    "open-maps": "elementary topology and linear algebra (open mapping for surjective linear maps of "
                 "finite-dimensional spaces)",
    "ivt": "Rudin, Principles of Mathematical Analysis, 3rd ed., Thm 4.23",
    "bernstein": "R. Farouki, The Bernstein polynomial basis: a centennial retrospective, CAGD 29 (2012)",
    "sturm": "Sturm 1835; Basu, Pollack & Roy, Algorithms in Real Algebraic Geometry, ch. 2",
}
KIND_THEOREMS = {
    "rank": (), "nullspace": (), "column_space": (), "intersection": (), "solve": (), "lifting": (),
    "row_basis_bound": (), "perturbation_lower_bound": ("behrends", "prop-18"),
    "openness": ("behrends", "prop-18"),
    "chain_openness": ("lem-10", "chain-split", "chain-grouping", "chain-zero-end", "chain-full-removal",
                       "chain-rotation", "chain-gap-free", "chain-rank-criterion", "behrends", "prop-18"),
    "basis_change": ("behrends", "prop-18"),
    "pyramid_openness": ("monotone-activations", "open-maps"),
    "pyramid_global": ("monotone-activations", "open-maps", "convexity"),
    "pyramid_not_open": ("monotone-activations",),
    "scalar_openness": ("ivt", "bernstein", "sturm"),
    "polynomial_minimum": ("sturm",),
    "symbolic_openness": ("behrends-dims", "prop-18", "thm-5-necessity"),
    "symbolic_chain_openness": ("interval-decomposition", "lem-10", "chain-split", "chain-grouping", "chain-zero-end",
                                "chain-full-removal", "chain-rotation", "chain-gap-free", "chain-rank-criterion", "behrends", "prop-18"),
    "symbolic_landscape": (),
    "landscape_point": ("spectral", "second-order", "inverse-function", "convexity", "eckart-young", "ky-fan",
                        "invariant-split"),
    "numerical_rank": ("spectral", "gershgorin", "courant-fischer"),
    "validate_network": ("spectral", "gershgorin", "eckart-young", "ky-fan", "schur",
                         "second-order", "inverse-function", "convexity", "invariant-split"),  # the last four: a nested snap
}

CLAIM_IDS = {
    "rank": (), "nullspace": (), "column_space": (), "intersection": (), "solve": (),
    "openness": ("prop-4", "thm-5", "rem-1", "lem-16", "ex-3"),
    "lifting": ("prop-18", "prop-4", "thm-5", "rem-1"),
    "perturbation_lower_bound": ("thm-5-delta",),
    "row_basis_bound": ("lem-13",),
    "chain_openness": ("lem-10", "chain-openness"),
    "basis_change": ("lem-14", "lem-15", "lem-17"),
    "pyramid_openness": ("lem-6",), "pyramid_global": ("sec-4",), "pyramid_not_open": ("lem-6",),
    "scalar_openness": ("ex-2",), "polynomial_minimum": ("ex-2",),
    "symbolic_openness": ("prop-4", "thm-5", "rem-1"),
    "symbolic_chain_openness": ("chain-openness",),
    "symbolic_landscape": ("thm-12",),
    "landscape_point": ("lem-7", "thm-8", "cor-9", "lem-11", "lem-19", "thm-12", "ex-intro", "ex-3layer", "ex-3"),
    "numerical_rank": (), "validate_network": ("lem-7", "thm-8"),
}


def rely(theorem: str) -> None:
    """Record that the current check used a trusted theorem (it must be declared for the kind)."""
    top = _LEDGER.stack[-1]
    require(theorem in KIND_THEOREMS[top["kind"]],
            f"the check of a {top['kind']} certificate used the theorem {theorem}, which this kind may not rely on")
    if theorem not in top["theorems"]:
        top["theorems"].append(theorem)


def kind(name):
    def deco(fn):
        KINDS[name] = fn
        return fn
    return deco


def _derive(cert) -> tuple[str, dict]:
    """Check everything but the claim sentence; return the statement and the ledger."""
    if not isinstance(cert, dict) or cert.get("format") != FORMAT:
        raise Malformed("not an exactopen certificate (no 'format': 'exactopen-certificate')")
    version = cert.get("version")
    require(type(version) is int and version in VERSIONS,
            f"unsupported format version {version!r} (this checker reads version {VERSIONS[-1]}; "
            "regenerate the certificate)")
    for key in cert:
        require(key in ENVELOPE, f"certificate.{key}: unknown field")
    k = field(cert, "kind", str, "certificate")
    require(k in KINDS, f"unknown certificate kind {k[:40]!r}")
    field(cert, "claim", str, "certificate")
    for key in ("inputs", "result", "evidence", "generator"):
        field(cert, key, dict, "certificate")
    gen = cert["generator"]
    require(set(gen) == {"name", "version"} and all(isinstance(v, str) and len(v) < 100 for v in gen.values()),
            "certificate.generator must be {name, version} (short strings)")
    mark_read(gen)
    require("claim_id" in cert, "certificate has no 'claim_id'")
    cid = cert["claim_id"]
    require(cid is None or cid in CLAIM_IDS[k],
            f"claim_id {str(cid)[:40]!r} is not one a {k} certificate can bear on (allowed: "
            f"{', '.join(CLAIM_IDS[k]) or 'none'})")
    if len(_LEDGER.stack) > BUDGET["nesting"]:
        raise Rejected(f"certificates nested beyond the budget nesting = {BUDGET['nesting']}")
    _LEDGER.push(k)
    try:
        try:
            statement = KINDS[k](cert)
        except Rejected:
            raise
        except OverBudget as exc:
            raise Rejected(str(exc)) from None
        except MemoryError:
            raise Rejected("the check ran out of memory (a step the work budget did not foresee)") from None
        except RecursionError:
            raise Rejected("the evidence is nested too deeply") from None
        except (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, AttributeError,
                OverflowError) as exc:
            raise Rejected(f"malformed evidence ({type(exc).__name__}: {str(exc)[:200]})") from None
    finally:
        ledger = _LEDGER.pop()
    if not _LEDGER.stack:  # the top-level statement names the input files it read
        statement += statement_suffix()
    unread = [p for p in unread_fields(cert) if p != "certificate.claim"]
    if unread:
        raise Rejected(f"{unread[0]}: a field the checker does not read (unknown, or not checked)"
                       + (f"; {len(unread) - 1} more" if len(unread) > 1 else ""))
    return statement, ledger


def _check_tree(cert) -> tuple[str, dict]:
    statement, ledger = _derive(cert)
    require(cert["claim"] == statement,
            f"the claim sentence is not the statement the checker derived: {statement[:300]!r}")
    return statement, ledger


def nested(obj: dict, key: str, expected_kind: str, where: str) -> dict:
    """The certificate obj[key], checked in full and required to be of ``expected_kind``.
    Its facts join the outer ledger; the caller compares its inputs with the outer ones."""
    sub = field(obj, key, dict, where)
    require(sub.get("kind") == expected_kind,
            f"{where}.{key} must be a {expected_kind} certificate, is {str(sub.get('kind'))[:40]!r}")
    statement, ledger = _check_tree(sub)
    if _LEDGER.stack:
        top = _LEDGER.stack[-1]
        top["facts"].append(f"{where}.{key} (nested {expected_kind} certificate): {statement}")
        for t in ledger["theorems"]:
            rely(t)  # the outer kind must be allowed every theorem its nested certificates use
    return sub


def same_matrix(obj, M: fmpq_mat, where: str) -> None:
    """The nested certificate's matrix obj equals the outer matrix M (compared as matrices)."""
    require(matrix(obj, where) == M, f"{where} is not the outer certificate's matrix")


def _tree(cert, inputs=None):
    """A fresh, strictly parsed certificate tree: from JSON text, or from Python objects (API
    use; also a tree read before, whose record of read keys must not carry over).  ``inputs``:
    paths of the input files the certificate may refer to by digest (kernel/files.py), read
    first (their size joins the file's for the budgets).  Arms the meter for the check of
    this file (every caller stops it, and forgets the inputs, in a ``finally``)."""
    forget_unless_handed_over()
    try:
        provide(inputs, BUDGET["input_bytes"])
    except ValueError as exc:
        raise Malformed(str(exc)) from None
    if isinstance(cert, str):
        return parse(cert, check=True)
    try:
        text = json.dumps(cert, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise Malformed(f"not a JSON certificate ({str(exc)[:200]})") from None
    return parse(text, check=True)


def _done() -> None:
    METER.stop()
    clear_inputs()


def check(cert, inputs=None) -> str:
    """Verify a certificate (Python objects, or its JSON text); return the statement it proves
    or raise Rejected / Malformed.  ``inputs``: paths of the input files it refers to by digest."""
    try:
        return _check_tree(_tree(cert, inputs))[0]
    finally:
        _done()


def statement(cert, inputs=None) -> str:
    """The statement a certificate proves, derived by checking everything but its claim
    sentence (the generator fills ``claim`` with it)."""
    try:
        return _derive(_tree(cert, inputs))[0]
    finally:
        _done()


def explain(cert, inputs=None) -> dict:
    """Verify (Python objects or JSON text), and return {statement, kind, claim_id, facts,
    theorems, work, tree} (theorems with their text; work: the meter's account of the check;
    tree: the certificate as read, for callers that compare it with other records)."""
    try:
        tree = _tree(cert, inputs)
        statement, ledger = _check_tree(tree)
        work = METER.report()
    finally:
        _done()
    return {"statement": statement, "kind": tree["kind"], "claim_id": tree["claim_id"],
            "facts": ledger["facts"], "work": work, "tree": tree,
            "theorems": [{"id": t, "statement": THEOREMS[t]} for t in ledger["theorems"]]}


def check_text(text: str, inputs=None) -> str:
    return check(text, inputs)


def read_file(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read(BUDGET["file_bytes"] + 1)
    except OSError as exc:
        raise Malformed(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > BUDGET["file_bytes"]:
        raise Malformed(f"the file is larger than the budget file_bytes = {BUDGET['file_bytes']}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Malformed(f"not UTF-8 text (byte {exc.start})") from None


def check_file(path: str, inputs=None) -> str:
    return check_text(read_file(path), inputs)
