"""The value every question of the Python API returns (see :mod:`exactopen.api`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Result:
    """A checked answer: ``verdict`` (a word), ``summary`` (the figures), ``statement`` (what the
    checker verified, in words) and ``certificate`` (plain JSON data).  Picklable."""

    verdict: str
    summary: dict
    statement: str
    certificate: dict
    lines: list = field(default_factory=list, repr=False)  # the CLI's human lines
    extra: dict = field(default_factory=dict, repr=False)  # e.g. validate's escape point (numpy arrays)

    def to_json(self) -> dict:
        """The CLI's ``--json`` shape."""
        return {"verdict": self.verdict, "summary": self.summary, "statement": self.statement,
                "certificate": self.certificate}

    def __str__(self) -> str:
        return f"{self.verdict}: {self.statement}"
