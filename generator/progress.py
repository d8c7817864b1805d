"""Progress on an interactive terminal: stage and count, redrawn on one line. Silent otherwise (CI, pipes)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, label: str = "", stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.stage_name = ""
        self.total = 0
        self.done = 0
        self._last = 0.0

    def stage(self, name: str, total: int = 0) -> None:
        self.stage_name, self.total, self.done = name, total, 0
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._draw()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        count = f" {self.done}/{self.total}" if self.total else ""
        self.stream.write(f"\r\x1b[K{self.label}: {self.stage_name}{count}")
        self.stream.flush()


SILENT = Progress(enabled=False)
