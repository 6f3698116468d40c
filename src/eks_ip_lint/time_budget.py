"""A wall-clock budget for one unit's analysis: past it the unit ends as an EKSIP000 naming the
budget, never a hang of the pull request's check.

Every input is bounded by a size, node or instance budget (docs/security.md); this is the last
resort for what those do not catch (a pure-Python parse of a large file is slow but bounded).
It uses ``SIGALRM`` and so works only in the main thread of a Unix process; elsewhere (a thread,
Windows) there is no time budget, and the other bounds still hold.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

# Seconds one directory unit may take to have its files read, and again to have its facts computed.
UNIT_SECONDS = 120.0


class TimeBudgetExceeded(Exception):
    """Raised inside the budgeted code when its time is up."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:g} s, the time budget of one unit")
        self.seconds = seconds


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise TimeBudgetExceeded in the block once ``seconds`` have passed (main thread only; a
    budget already running, an outer one, is left alone)."""
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeBudgetExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
