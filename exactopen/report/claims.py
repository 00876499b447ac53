"""The claims catalogue (``claims.md`` beside this module) and the types of the paper audit.

:func:`catalogue` reads the catalogue shipped with the package: claim id -> :class:`ClaimText`
(title, one-line summary, full statement), in the catalogue's order.  :class:`Claim` pairs a
catalogue id with the function that builds its certificates; the registry itself is
:data:`exactopen.report.audit_claims.CLAIMS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Callable, NamedTuple

CERTIFIED, REFUTED, UNDECIDABLE = "certified", "refuted", "not decidable here"
VERDICTS = (CERTIFIED, REFUTED, UNDECIDABLE)

_HEADING = re.compile(r"^## `([a-z0-9-]+)` — (.+)$")


class ClaimText(NamedTuple):
    title: str      # e.g. "Theorem 5 (Section 3)"
    short: str      # the one-line summary (the audit table's "the paper says" column)
    statement: str  # the full statement, in this project's words


def catalogue_text() -> str:
    """The catalogue file's text (``exactopen/report/claims.md``, shipped as package data)."""
    return resources.files("exactopen.report").joinpath("claims.md").read_text(encoding="utf-8")


def parse_catalogue(text: str) -> dict[str, ClaimText]:
    """id -> ClaimText from the catalogue's Markdown: a ``## `id` — title`` heading, a quoted
    one-line summary, then the statement (paragraphs up to the next heading)."""
    out: dict[str, ClaimText] = {}
    current = None
    body: list[str] = []

    def flush():
        if current is None:
            return
        cid, title = current
        short = [ln[2:].strip() for ln in body if ln.startswith("> ")]
        if len(short) != 1:
            raise ValueError(f"claims catalogue: `{cid}` needs exactly one '> ' summary line")
        paras = "\n".join(ln for ln in body if not ln.startswith(">")).strip().split("\n\n")
        statement = "\n\n".join(" ".join(p.split()) for p in paras if p.strip())
        if not statement:
            raise ValueError(f"claims catalogue: `{cid}` has no statement")
        if cid in out:
            raise ValueError(f"claims catalogue: `{cid}` appears twice")
        out[cid] = ClaimText(title.strip(), short[0], statement)

    for line in text.splitlines():
        m = _HEADING.match(line)
        if m or line.startswith("#"):
            flush()
            current, body = ((m.group(1), m.group(2)) if m else None), []
        elif current is not None:
            body.append(line)
    flush()
    return out


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, ClaimText]:
    return parse_catalogue(catalogue_text())


def catalogue() -> dict[str, ClaimText]:
    """Claim id -> ClaimText, in the catalogue's order."""
    return dict(_catalogue())


@dataclass
class ClaimResult:
    verdict: str
    note: str
    certs: list[tuple[str, dict]] = field(default_factory=list)


@dataclass
class Claim:
    id: str
    build: Callable[[], ClaimResult]
    figures: Callable[[str], list[str]] | None = None  # folder -> written files
    figure_stems: tuple[str, ...] = ()  # the files it writes (linked even when plotting is unavailable)

    @property
    def paper(self) -> str:
        """The catalogue's one-line summary of the claim."""
        return _catalogue()[self.id].short
