"""Shared test helpers: the repository root and JSON Schema validation of certificates.

Import as ``from tests.helpers import ROOT, validate_schema`` (tests/ is a package).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "exactopen" / "schema.json"  # shipped in the package; certificates/schema.json is a copy


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


_BLOCKED = r"""
import importlib.abc, json, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.startswith("exactopen.") and not name.startswith("exactopen.kernel"):
            raise ImportError("generator module blocked: " + name)
        if name.split(".")[0] in ("sympy", "numpy", "mpmath"):
            raise ImportError("blocked: " + name)
        return None

sys.meta_path.insert(0, Block())
from exactopen import kernel
results = []
for text in json.load(sys.stdin):
    try:
        results.append(["accepted", kernel.check_text(text)])
    except kernel.Rejected as exc:
        results.append(["rejected", str(exc)])
print(json.dumps(results))
"""


def check_with_generator_blocked(texts: list[str]) -> list[str]:
    """Run the checker on certificate texts in a fresh interpreter where the generator,
    numpy, SymPy and mpmath cannot be imported; return "accepted"/"rejected" per text."""
    import json
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-c", _BLOCKED], input=json.dumps(texts), capture_output=True,
                       text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    return [v for v, _ in json.loads(r.stdout)]
