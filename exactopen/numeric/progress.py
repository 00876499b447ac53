"""A one-line progress bar on stderr for long CLI commands (``exactopen validate``).

Display only: it writes nothing to stdout and nothing that enters a certificate."""

from __future__ import annotations

import sys
import time


class Progress:
    """A one-line progress bar on stderr (only when enabled; default: stderr is a terminal)."""

    def __init__(self, total: int, enabled: bool | None = None, label: str = "validate"):
        self.total, self.done, self.label = total, 0, label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.t0 = time.perf_counter()

    def step(self, what: str) -> None:
        self.done += 1
        if self.enabled:
            n = 24
            fill = n * min(self.done, self.total) // max(self.total, 1)
            sys.stderr.write(f"\r[{self.label}] [{'#' * fill}{'.' * (n - fill)}] {self.done}/{self.total} "
                             f"{what:<34.34} {time.perf_counter() - self.t0:6.1f}s")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()
