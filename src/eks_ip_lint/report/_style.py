"""Colour for the text report: ANSI SGR codes when asked for, nothing otherwise.

The CLI decides (``--color auto|always|never``; ``auto`` colours a terminal unless ``NO_COLOR``
is set, as https://no-color.org asks); the report only applies what it is given.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

_CODES = {"red": "31", "yellow": "33", "cyan": "36", "green": "32", "bold": "1", "dim": "2"}
SEVERITY_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}


@dataclass(frozen=True)
class Style:
    color: bool = False

    def __call__(self, text: str, *names: str) -> str:
        if not self.color or not names or not text:
            return text
        codes = ";".join(_CODES[n] for n in names)
        return f"\x1b[{codes}m{text}\x1b[0m"


def use_color(choice: str, stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """``always``/``never`` as said; ``auto``: a terminal, and ``NO_COLOR`` not set (to anything
    non-empty) and ``TERM`` not ``dumb``."""
    env = os.environ if env is None else env
    if choice == "always":
        return True
    if choice == "never":
        return False
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


_SGR_ALLOWED = frozenset({"0", *_CODES.values()})
_ESCAPED_SGR = re.compile(r"\\x1b\[([0-9;]+)m")


def restore_sgr(text: str) -> str:
    """After ``controls.escape_controls`` spelled every ESC out (``\\x1b``): the colour codes this
    module writes made live again. Only select-graphic-rendition codes of :data:`_CODES` and the
    reset; a sequence that could move the cursor, erase or set a title stays spelled out."""

    def live(m: re.Match[str]) -> str:
        parts = m.group(1).split(";")
        return f"\x1b[{m.group(1)}m" if all(p in _SGR_ALLOWED for p in parts) else m.group()

    return _ESCAPED_SGR.sub(live, text)
