"""Shared test helpers: JSON Schema validation of certificates.

Import as ``from helpers import validate_schema`` (tests/ is on sys.path under pytest).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "certificates" / "schema.json"


@functools.lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(cert) -> list[str]:
    """Every violation of certificates/schema.json, as 'path: message' lines (empty if valid)."""
    errors = sorted(_validator().iter_errors(cert), key=lambda e: [str(p) for p in e.absolute_path])
    return ["/".join(str(p) for p in e.absolute_path) + f": {e.message}" for e in errors]


def validate_schema(cert: dict) -> None:
    """Raise AssertionError (listing the violations) unless ``cert`` matches the schema."""
    errs = schema_errors(cert)
    if errs:
        raise AssertionError("certificate does not match certificates/schema.json:\n  " + "\n  ".join(errs[:20]))
