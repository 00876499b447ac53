"""The trusted checker: re-verifies an exactopen certificate from its JSON alone.

This package imports nothing from the rest of exactopen (a test enforces it).  It uses the
standard library and python-flint's exact rational matrices (``fmpq_mat``) for products and
determinants.  Entry points: :func:`check` (a parsed certificate) and :func:`check_file`.
Each kind of certificate has one small function: linear algebra in ``checks``, the other
families in ``openness``, ``pyramid`` and ``landscape`` (importing them registers them).
"""

from exactopen.kernel.base import BUDGET, Malformed, Rejected, parse
from exactopen.kernel.checks import (
    CLAIM_IDS, KIND_THEOREMS, KINDS, THEOREMS, check, check_file, check_text, explain, read_file, statement,
)
from exactopen.kernel import openness, pyramid, landscape, symbolic, symbolic_landscape, validate  # noqa: F401,E402  (register kinds)

__all__ = ["Rejected", "Malformed", "KINDS", "BUDGET", "THEOREMS", "KIND_THEOREMS", "CLAIM_IDS", "check",
           "check_file", "check_text", "explain", "read_file", "statement", "parse"]
