"""Text from the scanned files made safe to print: on a terminal, in an Actions log, in a PR comment.

Names, values and paths in a report come from the pull request. Printed raw, an escape sequence in
a Terraform string erases lines, retitles the terminal window or writes the clipboard (OSC 52),
in the log of ``--format github`` as much as on a terminal; a bidi override makes a line read
differently from what it says (Trojan Source); in a PR comment, ``@org/team`` pings a team and
``#123`` or a bare URL becomes a link the bot seems to vouch for.

:func:`escape_controls` spells every C0 control (but newline and tab), DEL, every C1 control,
every bidi control and every lone surrogate as a visible escape (``\\x1b``, ``\\u202e``; a
surrogate that stands for a byte of an undecodable file name as that byte, ``\\xff``).
:func:`neutralise_references` puts a zero-width space (``&#8203;``) after the ``@`` of a mention,
the ``#`` of a reference and the scheme of a URL, so GitHub links none of them; it is for text
outside code spans (in code spans GitHub links nothing).
"""

from __future__ import annotations

import re

# Bidi embeddings, overrides and isolates; the marks LRM, RLM and ALM.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "\ud800-\udfff]",
)
ZWSP = "&#8203;"
# A mention (@user, @org/team), a reference (#12), a URL with a scheme or starting www. (GitHub's
# autolinks): one pattern, so that the entity put into one is not taken for another.
_LINKED = re.compile(r"(?i)(@)(?=[a-z0-9])|(#)(?=\d)|\b(https?|ftp|mailto|file)(?=:)|\b(www)(?=\.)")


def _visible(m: re.Match[str]) -> str:
    c = m.group()
    n = ord(c)
    if 0xDC80 <= n <= 0xDCFF:  # surrogateescape's stand-in for an undecodable byte
        return f"\\x{n - 0xDC00:02x}"
    if n <= 0xFF:
        return f"\\x{n:02x}"
    return f"\\u{n:04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control, bidi control and lone surrogate spelled as an escape."""
    return _CONTROLS.sub(_visible, text)


def neutralise_references(text: str) -> str:
    """Markdown text (outside code spans) in which nothing is a mention, a reference or an
    autolink."""
    return _LINKED.sub(lambda m: m.group() + ZWSP, text)
