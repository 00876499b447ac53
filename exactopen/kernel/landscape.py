"""Checker for landscape certificates (kinds registered with @kind)."""

from exactopen.kernel.checks import kind  # noqa: F401
