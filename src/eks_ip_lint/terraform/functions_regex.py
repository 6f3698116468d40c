"""Terraform's regular expression functions: regex, regexall, and replace's /pattern/ form.

Terraform uses Go's RE2 syntax; we use Python's ``re``, which agrees on the common syntax. The
differences we handle: RE2-only ``(?<name>...)`` groups are rewritten to ``(?P<name>...)``; Perl
features RE2 rejects (lookaround, backreferences, atomic and possessive forms, conditionals) are
rejected here too; ``\\d``, ``\\w``, ``\\s``, ``\\b`` are ASCII-only as in RE2; and repeated
matching skips an empty match right after a previous match, as Go does. Not handled: Unicode
classes such as ``\\pL`` (an error here, valid in RE2), RE2's ``\\z`` and ``(?U)``, and ``(?i)``
folding of non-ASCII letters (RE2 folds them, ``re.ASCII`` does not).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from eks_ip_lint.terraform.functions_common import Function, FunctionError, arg_string
from eks_ip_lint.values import Value

# After "(?": what RE2 accepts and Python would read differently or not at all.
_PERL_ONLY_GROUPS = ("=", "!", "<=", "<!", "P=", ">", "#", "(")
_GO_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _translate(pattern: str) -> str:
    """RE2 pattern text as the equivalent Python pattern, or FunctionError if RE2 rejects it."""
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            escaped = pattern[i + 1 : i + 2]
            if not in_class and escaped in tuple("123456789"):
                raise FunctionError(
                    f"invalid regexp pattern: invalid escape sequence in \\{escaped}", "pattern"
                )
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            # a "]" right after "[" or "[^" is a literal member, not the end of the class
            skip = 2 if pattern.startswith("[^", i) else 1
            if pattern[i + skip : i + skip + 1] == "]":
                out.append(pattern[i : i + skip + 1])
                i += skip + 1
                continue
        elif pattern.startswith("(?", i):
            rest = pattern[i + 2 :]
            if rest.startswith(_PERL_ONLY_GROUPS):
                raise FunctionError(
                    f"invalid regexp pattern: invalid or unsupported Perl syntax in {pattern[i : i + 3]}",
                    "pattern",
                )
            if rest.startswith("<"):  # Go 1.22's (?<name>...) is Python's (?P<name>...)
                out.append("(?P")
                i += 2
                continue
        elif ch == "+" and i > 0 and pattern[i - 1] in "*+?}":
            raise FunctionError("invalid regexp pattern: invalid nested repetition operator", "pattern")
        out.append(ch)
        i += 1
    return "".join(out)


def compile_re2(pattern: str) -> re.Pattern[str]:
    """Compile a Terraform (RE2) pattern."""
    try:
        return re.compile(_translate(pattern), re.ASCII)
    except re.error as err:
        raise FunctionError(f"invalid regexp pattern: {err}", "pattern") from err


def go_matches(rx: re.Pattern[str], s: str) -> Iterator[re.Match[str]]:
    """Successive matches as Go finds them: an empty match right after a match is skipped."""
    pos = 0
    previous_end = -1
    while pos <= len(s):
        m = rx.search(s, pos)
        if m is None:
            return
        accept = True
        if m.end() == m.start():
            accept = m.start() != previous_end
            pos = m.end() + 1
        else:
            pos = m.end()
        previous_end = m.end()
        if accept:
            yield m


def _group_name(template: str, start: int) -> tuple[str, int] | None:
    """The group reference after a "$" (``name`` or ``{name}``) and where it ends, as Go reads it."""
    braced = template.startswith("{", start)
    i = start + 1 if braced else start
    end = i
    while end < len(template) and template[end] in _GO_NAME_CHARS:
        end += 1
    name = template[i:end]
    if not name:
        return None
    if braced:
        if not template.startswith("}", end):
            return None
        end += 1
    return name, end


def _expand(template: str, m: re.Match[str]) -> str:
    """Go's Regexp.Expand: ``$1``, ``${1}``, ``$name``, ``${name}``, ``$$``; unknown groups are empty."""
    out: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch != "$":
            out.append(ch)
            i += 1
            continue
        if template.startswith("$", i + 1):
            out.append("$")
            i += 2
            continue
        found = _group_name(template, i + 1)
        if found is None:
            out.append("$")
            i += 1
            continue
        name, i = found
        group: str | int = name
        if name.isdigit() and not (name.startswith("0") and len(name) > 1):
            group = int(name)
        try:
            value = m.group(group)
        except IndexError:  # no such group: Go expands it to nothing
            value = None
        out.append(value or "")
    return "".join(out)


def regex_replace(s: str, pattern: str, replacement: str) -> str:
    """Go's ReplaceAllString."""
    rx = compile_re2(pattern)
    out: list[str] = []
    last = 0
    for m in go_matches(rx, s):
        out.append(s[last : m.start()])
        out.append(_expand(replacement, m))
        last = m.end()
    out.append(s[last:])
    return "".join(out)


def _replace(args: list[Value]) -> Value:
    """replace(str, substr, replace): a substr in slashes is a regular expression."""
    s = arg_string(args[0], "str")
    substr = arg_string(args[1], "substr")
    replacement = arg_string(args[2], "replace")
    if len(substr) > 1 and substr.startswith("/") and substr.endswith("/"):
        return regex_replace(s, substr[1:-1], replacement)
    return s.replace(substr, replacement)


def _match_value(rx: re.Pattern[str], m: re.Match[str]) -> Value:
    """A match as Terraform returns it: the text, a list of groups, or an object of named groups."""
    if rx.groups == 0:
        return m.group(0)
    if rx.groupindex:
        return dict(m.groupdict())
    return list(m.groups())


def _compile_for_match(pattern: str) -> re.Pattern[str]:
    rx = compile_re2(pattern)
    if rx.groupindex and len(rx.groupindex) != rx.groups:
        raise FunctionError(
            "invalid regexp pattern: cannot mix both named and unnamed capture groups", "pattern"
        )
    return rx


def _regex(args: list[Value]) -> Value:
    """regex(pattern, string)."""
    rx = _compile_for_match(arg_string(args[0], "pattern"))
    m = rx.search(arg_string(args[1], "string"))
    if m is None:
        raise FunctionError("pattern did not match any part of the given string")
    return _match_value(rx, m)


def _regexall(args: list[Value]) -> Value:
    """regexall(pattern, string)."""
    rx = _compile_for_match(arg_string(args[0], "pattern"))
    return [_match_value(rx, m) for m in go_matches(rx, arg_string(args[1], "string"))]


FUNCTIONS: dict[str, Function] = {
    "regex": Function(("pattern", "string"), _regex),
    "regexall": Function(("pattern", "string"), _regexall),
    "replace": Function(("str", "substr", "replace"), _replace),
}
