"""``exactopen schema``: print the JSON Schema of certificates (shipped inside the package)."""

from __future__ import annotations

import sys


def schema_text() -> str:
    """The JSON Schema of exactopen certificates (``exactopen/schema.json``; the same file as
    ``certificates/schema.json`` in the repository)."""
    from importlib.resources import files

    return files("exactopen").joinpath("schema.json").read_text(encoding="utf-8")


def register(sub) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of certificates",
                       description="Print the JSON Schema (draft 2020-12) that every certificate matches. The "
                                   "schema checks structure only; the checker (exactopen verify) decides proofs.")
    p.set_defaults(func=run)


def run(args) -> int:
    sys.stdout.write(schema_text())
    return 0
