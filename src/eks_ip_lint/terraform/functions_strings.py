"""Terraform's string functions (format and the regular expression functions have their own modules).

Terraform counts and slices strings by grapheme cluster ("🇺🇸" has length 1) and changes case one
code point at a time (Go's simple case mapping: upper("ß") is "ß"); both are reproduced here.
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Callable

from eks_ip_lint.terraform.functions_common import Function, FunctionError, arg_int, arg_list, arg_string
from eks_ip_lint.values import Value

# Go's unicode.IsSpace (Python's str.isspace also counts U+001C..U+001F, which Go does not).
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_ZWJ = "\u200d"
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)
_EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)


def _extends(ch: str) -> bool:
    """True when ``ch`` never starts a grapheme cluster (combining marks, ZWJ, emoji modifiers)."""
    return unicodedata.category(ch) in ("Mn", "Me", "Mc") or ch == _ZWJ or ord(ch) in _EMOJI_MODIFIERS


def graphemes(s: str) -> list[str]:
    """Split ``s`` into extended grapheme clusters, as Terraform's length and substr count.

    Covers the rules that occur in practice (CR LF, combining marks, emoji ZWJ sequences and
    modifiers, flag pairs); Hangul jamo sequences and prepended marks are counted per code point.
    """
    clusters: list[str] = []
    for ch in s:
        if clusters:
            last = clusters[-1]
            joins = (
                (last[-1] == "\r" and ch == "\n")
                or (_extends(ch) and last[-1] not in "\r\n")
                or (last[-1] == _ZWJ and unicodedata.category(ch) == "So")
                or (ord(ch) in _REGIONAL_INDICATORS and len(last) == 1 and ord(last) in _REGIONAL_INDICATORS)
            )
            if joins:
                clusters[-1] = last + ch
                continue
        clusters.append(ch)
    return clusters


def _simple_case(s: str, convert: str) -> str:
    """Map each code point alone (str.upper would turn "ß" into "SS"; Go keeps "ß")."""
    out = []
    for ch in s:
        mapped = getattr(ch, convert)()
        out.append(mapped if len(mapped) == 1 else ch)
    return "".join(out)


def _is_title_separator(ch: str) -> bool:
    """Go's strings.Title rule for which characters start a new word."""
    if ch.isascii():
        return not (ch.isalnum() or ch == "_")
    if ch.isalpha() or unicodedata.category(ch) == "Nd":
        return False
    return ch in _GO_SPACE


def _title(args: list[Value]) -> Value:
    """title(str)."""
    s = arg_string(args[0], "str")
    out = []
    previous = " "
    for ch in s:
        out.append(_simple_case(ch, "title") if _is_title_separator(previous) else ch)
        previous = ch
    return "".join(out)


def _substr(args: list[Value]) -> Value:
    """substr(str, offset, length): negative offset counts from the end, negative length means all."""
    clusters = graphemes(arg_string(args[0], "str"))
    offset = arg_int(args[1], "offset")
    length = arg_int(args[2], "length")
    if offset < 0:
        offset = max(offset + len(clusters), 0)
    rest = clusters[offset:]
    return "".join(rest if length < 0 else rest[:length])


def _join(args: list[Value]) -> Value:
    """join(separator, lists...)."""
    separator = arg_string(args[0], "separator")
    if len(args) < 2:
        raise FunctionError("at least one list is required")
    parts: list[str] = []
    for seq in args[1:]:
        for i, v in enumerate(arg_list(seq, "lists")):
            if v is None:
                raise FunctionError(f"element {i} is null; cannot concatenate null values", "lists")
            parts.append(arg_string(v, "lists"))
    return separator.join(parts)


def _split(args: list[Value]) -> Value:
    """split(separator, str): an empty separator splits into code points, as Go does."""
    separator = arg_string(args[0], "separator")
    s = arg_string(args[1], "str")
    parts: list[Value] = list(s) if separator == "" else list(s.split(separator))
    return parts


def _basename(args: list[Value]) -> Value:
    """basename(path): Go's filepath.Base ("foo/bar/" is "bar", "" is ".")."""
    path = arg_string(args[0], "path")
    if path == "":
        return "."
    stripped = path.rstrip("/")
    return stripped.rsplit("/", 1)[-1] if stripped else "/"


def _go_clean(path: str) -> str:
    """Go's filepath.Clean (posixpath.normpath keeps a leading "//", Go collapses it)."""
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def _dirname(args: list[Value]) -> Value:
    """dirname(path): Go's filepath.Dir."""
    path = arg_string(args[0], "path")
    return _go_clean(path[: path.rfind("/") + 1])


def _lower(args: list[Value]) -> Value:
    """lower(str)."""
    return _simple_case(arg_string(args[0], "str"), "lower")


def _upper(args: list[Value]) -> Value:
    """upper(str)."""
    return _simple_case(arg_string(args[0], "str"), "upper")


def _trimspace(args: list[Value]) -> Value:
    """trimspace(str)."""
    return arg_string(args[0], "str").strip(_GO_SPACE)


def _on_two_strings(second: str, op: Callable[[str, str], Value]) -> Function:
    """A function of ("str", ``second``), both strings: trim, prefix and containment tests."""
    return Function(("str", second), lambda args: op(arg_string(args[0], "str"), arg_string(args[1], second)))


FUNCTIONS: dict[str, Function] = {
    "lower": Function(("str",), _lower),
    "upper": Function(("str",), _upper),
    "trimspace": Function(("str",), _trimspace),
    "title": Function(("str",), _title),
    "substr": Function(("str", "offset", "length"), _substr),
    "join": Function(("separator",), _join, variadic="lists"),
    "split": Function(("separator", "str"), _split),
    "basename": Function(("path",), _basename),
    "dirname": Function(("path",), _dirname),
    "trim": _on_two_strings("cutset", lambda s, cutset: s.strip(cutset)),
    "trimprefix": _on_two_strings("prefix", lambda s, prefix: s.removeprefix(prefix)),
    "trimsuffix": _on_two_strings("suffix", lambda s, suffix: s.removesuffix(suffix)),
    "startswith": _on_two_strings("prefix", lambda s, prefix: s.startswith(prefix)),
    "endswith": _on_two_strings("suffix", lambda s, suffix: s.endswith(suffix)),
    "strcontains": _on_two_strings("substr", lambda s, sub: sub in s),
}
