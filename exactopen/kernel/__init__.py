"""The trusted checker: re-verifies an exactopen certificate from its JSON alone.

This package imports nothing from the rest of exactopen (a test enforces it).  It uses the
standard library and python-flint's exact rational matrices (``fmpq_mat``) for products and
determinants.  Entry points: :func:`check` (a parsed certificate) and :func:`check_file`.
Each kind of certificate has one small function in :mod:`exactopen.kernel.checks`.
"""

from exactopen.kernel.base import Rejected
from exactopen.kernel.checks import KINDS, Malformed, check, check_file, check_text

__all__ = ["Rejected", "Malformed", "KINDS", "check", "check_file", "check_text"]
