"""Progress on stderr for long runs: ``[ 120/2000] infra/payments/eks`` on one rewritten line.

Only when the stream is a terminal: in CI logs, pre-commit output and pipes a run stays silent
(the report is the only output). Redraws are throttled, so a run of thousands of small modules
does not spend its time writing to the terminal, and nothing is drawn at all for runs that finish
within ``delay`` seconds. ``done()`` erases the line, leaving the terminal as it was.

    progress = Progress(len(units))
    for unit in units:
        progress.step(unit.path)
        ...
    progress.done()

or ``with Progress(n) as progress: ...`` (``done()`` runs on exit, errors included). It is the
CLI's :class:`~eks_ip_lint.results.ProgressSink`: the engine calls ``start(total)`` once it
knows the number of units, then ``step`` and ``done``.
"""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import TextIO

ENV_DISABLE = "EKS_IP_LINT_NO_PROGRESS"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):  # closed or not a real file
        return False


class Progress:
    """Modules done / total on ``stream`` (default stderr), when it is a terminal."""

    def __init__(
        self,
        total: int = 0,
        stream: TextIO | None = None,
        *,
        enabled: bool | None = None,
        delay: float = 0.5,
        interval: float = 0.1,
    ) -> None:
        self.total = max(0, total)
        self.stream = sys.stderr if stream is None else stream
        if enabled is None:
            enabled = _is_terminal(self.stream) and not os.environ.get(ENV_DISABLE)
        self.enabled = enabled
        self.count = 0
        self._delay = delay
        self._interval = interval
        self._start = time.monotonic()
        self._last_draw = -1.0
        self._drawn = False

    def start(self, total: int) -> None:
        """The run knows how many steps it has: count them from now."""
        self.total = max(0, total)
        self.count = 0
        self._start = time.monotonic()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.done()

    def step(self, label: str = "") -> None:
        """One more unit is being worked on (``label``: its path)."""
        self.count += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._start < self._delay:
            return
        if self._drawn and now - self._last_draw < self._interval and self.count < self.total:
            return
        self._draw(label)
        self._last_draw = now

    def _draw(self, label: str) -> None:
        width = len(str(self.total))
        head = f"[{self.count:>{width}}/{self.total}] "
        import shutil  # noqa: PLC0415 -- 3 ms, only when drawing on a terminal

        columns = shutil.get_terminal_size((80, 24)).columns
        room = max(0, columns - len(head) - 1)
        if len(label) > room:
            label = "..." + label[-(room - 3) :] if room > 3 else ""
        try:
            self.stream.write(f"\r{head}{label}\x1b[K")
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: stop drawing, keep running
            self.enabled = False
            return
        self._drawn = True

    def done(self) -> None:
        """Erase the progress line (if one was drawn)."""
        if self._drawn:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
        self._drawn = False
        self.enabled = False
