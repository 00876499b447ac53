"""The trusted checker: re-verifies an exactopen certificate from its JSON alone.

This package imports nothing from the rest of exactopen (a test enforces it); it uses the
standard library and python-flint.  Read it in this order:

* ``primitives``: strict reading, budgets, exact rationals and matrices, rank facts, PSD;
* ``core``: the front door (:func:`check`, :func:`explain`), unread-field refusal, the claim
  sentence, nested certificates, the tables of trusted theorems and claim ids;
* one module per family of kinds, each a reduction to the primitives: ``linalg``,
  ``openness``, ``network`` (the deep linear network model) with ``landscape`` and
  ``validate``, ``polynomials`` (the polynomial grammar and its work budget) with ``symbolic``
  and ``symbolic_landscape``, ``pyramid``.

Run it alone: ``python -m exactopen.kernel [--explain] FILE...``.
"""

from exactopen.kernel import (  # noqa: F401,E402  (register kinds, and the binary matrix forms)
    encodings,
    landscape,
    linalg,
    openness,
    pyramid,
    symbolic,
    symbolic_landscape,
    validate,
)
from exactopen.kernel.core import (
    CLAIM_IDS,
    KIND_THEOREMS,
    KINDS,
    LEMMAS,
    REFERENCES,
    THEOREMS,
    check,
    check_file,
    check_text,
    explain,
    read_file,
    statement,
)
from exactopen.kernel.primitives import BUDGET, Malformed, Rejected, parse

__all__ = ["Rejected", "Malformed", "KINDS", "BUDGET", "THEOREMS", "LEMMAS", "REFERENCES", "KIND_THEOREMS", "CLAIM_IDS", "check",
           "check_file", "check_text", "explain", "read_file", "statement", "parse"]
