"""report/controls.py: what each kind of dangerous character becomes (values from the Unicode
and ECMA-48 tables, written out by hand)."""

from __future__ import annotations

import pytest

from eks_ip_lint.report.controls import escape_controls, neutralise_references


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[2Kb", "a\\x1b[2Kb"),  # ESC (C0): erase line
        ("\x1b]52;c;SGk=\x07", "\\x1b]52;c;SGk=\\x07"),  # OSC 52 clipboard write, ended by BEL
        ("\x9b2K", "\\x9b2K"),  # CSI as one C1 byte
        ("\x7f", "\\x7f"),  # DEL
        ("x\ry", "x\\x0dy"),  # CR: would overwrite the line on a terminal
        ("abc\u202edef", "abc\\u202edef"),  # RIGHT-TO-LEFT OVERRIDE
        ("\u2066\u2069", "\\u2066\\u2069"),  # LEFT-TO-RIGHT ISOLATE, POP DIRECTIONAL ISOLATE
        ("mod\udcff", "mod\\xff"),  # surrogateescape's stand-in for byte 0xff
        ("\ud800", "\\ud800"),  # a lone surrogate from a JSON escape
        ("line\n\tnext", "line\n\tnext"),  # newline and tab stay
        ("plain ü € 漢", "plain ü € 漢"),  # printable text beyond ASCII stays
    ],
)
def test_escape_controls(raw: str, shown: str) -> None:
    assert escape_controls(raw) == shown


def test_neutralise_references() -> None:
    z = "&#8203;"
    assert neutralise_references("ping @acme/admins") == f"ping @{z}acme/admins"
    assert neutralise_references("see #12") == f"see #{z}12"
    assert neutralise_references("go https://x.example") == f"go https{z}://x.example"
    assert neutralise_references("www.x.example") == f"www{z}.x.example"
    # Not a mention, a reference or a link: unchanged.
    assert neutralise_references("a @ b, ## heading, #x, http") == "a @ b, ## heading, #x, http"
    # The entity put after one is not taken for another ("#8203" is not a reference).
    assert neutralise_references("@a") == f"@{z}a"
