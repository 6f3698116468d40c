"""Where a fact came from: every fact and finding carries one, so findings are located by construction."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class SourceSpan:
    """A place in a user's file. Lines are 1-based; ``path`` is as the user named it (relative if they did)."""

    path: str
    line: int
    end_line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"
