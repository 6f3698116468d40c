"""Terraform's regular expression functions: regex, regexall, and replace's /pattern/ form.

Terraform uses Go's RE2 engine, and so do we: google-re2 (the RE2 library's own Python binding)
matches in time linear in the input, so a hostile ``regex("^(a|a)*$", ...)`` that makes a
backtracking engine double its work per character ends at once. RE2 also brings Go's syntax
(``\\pL``, ``\\z``, ``(?U)``, Unicode case folding). Kept from the translation to Python's ``re``
the package used before: Go 1.22's ``(?<name>...)`` is rewritten to ``(?P<name>...)``, Perl
features RE2 rejects (lookaround, backreferences) get Go's messages, and repeated matching skips
an empty match right after a previous match, as Go does. Where the binding cannot be imported
(a platform without its wheel), Python's ``re`` is the fallback, without the linear-time bound.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from eks_ip_lint.terraform import budgets
from eks_ip_lint.terraform.functions_common import Function, FunctionError, arg_string, utf8
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


class Match(Protocol):
    """What re.Match and re2's match objects share, and all this module uses."""

    def start(self) -> int: ...
    def end(self) -> int: ...
    def group(self, group: int | str = 0) -> str | None: ...
    def groups(self) -> tuple[str | None, ...]: ...
    def groupdict(self) -> dict[str, str | None]: ...


class Pattern(Protocol):
    """What re.Pattern and re2's compiled patterns share."""

    @property
    def groups(self) -> int: ...
    @property
    def groupindex(self) -> Mapping[str, int]: ...
    def search(self, string: str, pos: int = 0) -> Match | None: ...


@functools.cache
def _re2() -> Any:
    """google-re2 and its options (errors not logged to stderr), or None without the binding."""
    try:
        module = importlib.import_module("re2")
    except ImportError:  # pragma: no cover - the binding is a dependency; see the docstring
        return None
    options = module.Options()
    options.log_errors = False
    return module, options


@functools.lru_cache(maxsize=256)
def compile_re2(pattern: str) -> Pattern:
    """Compile a Terraform (RE2) pattern."""
    utf8(pattern, "pattern")  # RE2 reads UTF-8: a lone surrogate is an error, not a crash
    translated = _translate(pattern)
    engine = _re2()
    if engine is None:  # pragma: no cover
        try:
            fallback: Any = re.compile(translated, re.ASCII)  # typeshed's Match is not the Protocol
            return fallback  # type: ignore[no-any-return]
        except re.error as err:
            raise FunctionError(f"invalid regexp pattern: {err}", "pattern") from err
    module, options = engine
    try:
        compiled: Pattern = module.compile(translated, options)
    except module.error as err:
        message = (
            err.args[0].decode("utf-8", "replace") if err.args and isinstance(err.args[0], bytes) else err
        )
        raise FunctionError(f"invalid regexp pattern: {message}", "pattern") from err
    return compiled


def go_matches(rx: Pattern, s: str) -> Iterator[Match]:
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


def _expand(template: str, m: Match) -> str:
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
    # Every occurrence (every position, for an empty or regex pattern) may grow by the replacement.
    occurrences = s.count(substr) if substr and not substr.startswith("/") else len(s) + 1
    if len(s) + occurrences * len(replacement) > budgets.MAX_VALUE_SIZE:
        raise budgets.too_large("The result of replace()")
    if len(substr) > 1 and substr.startswith("/") and substr.endswith("/"):
        utf8(s, "str")
        return regex_replace(s, substr[1:-1], replacement)
    return s.replace(substr, replacement)


def _text(v: Value, param: str) -> str:
    """A string RE2 can search: valid Unicode (no lone surrogate)."""
    text = arg_string(v, param)
    utf8(text, param)
    return text


def _match_value(rx: Pattern, m: Match) -> Value:
    """A match as Terraform returns it: the text, a list of groups, or an object of named groups."""
    if rx.groups == 0:
        return m.group(0)
    if rx.groupindex:
        return dict(m.groupdict())
    return list(m.groups())


def _compile_for_match(pattern: str) -> Pattern:
    rx = compile_re2(pattern)
    if rx.groupindex and len(rx.groupindex) != rx.groups:
        raise FunctionError(
            "invalid regexp pattern: cannot mix both named and unnamed capture groups", "pattern"
        )
    return rx


def _regex(args: list[Value]) -> Value:
    """regex(pattern, string)."""
    rx = _compile_for_match(arg_string(args[0], "pattern"))
    m = rx.search(_text(args[1], "string"))
    if m is None:
        raise FunctionError("pattern did not match any part of the given string")
    return _match_value(rx, m)


def _regexall(args: list[Value]) -> Value:
    """regexall(pattern, string)."""
    rx = _compile_for_match(arg_string(args[0], "pattern"))
    return [_match_value(rx, m) for m in go_matches(rx, _text(args[1], "string"))]


FUNCTIONS: dict[str, Function] = {
    "regex": Function(("pattern", "string"), _regex),
    "regexall": Function(("pattern", "string"), _regexall),
    "replace": Function(("str", "substr", "replace"), _replace),
}
