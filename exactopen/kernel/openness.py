"""Checker for openness certificates (kinds registered with @kind)."""

from exactopen.kernel.checks import kind  # noqa: F401
