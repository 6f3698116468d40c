"""Terraform's format and formatlist: Go-style verbs over Terraform values.

Supported, as in Terraform: ``%%``, ``%v`` (numbers as the shortest ``%g``; ``%#v`` is JSON),
``%t``, ``%s``, ``%q`` (a JSON string), ``%d %b %o %x %X`` (integers), ``%e %E %f %g %G``
(decimals), the flags ``-+# 0``, width, precision and explicit argument indexes (``%[2]s``). Numbers are formatted from their exact value
(Terraform formats its arbitrary-precision numbers, not float64s). A verb applied to null makes the
whole result unknown: that is what Terraform does.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_EVEN, Context, Decimal

from eks_ip_lint.terraform.convert import Number, is_number, to_bool, to_number, to_string
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.functions_common import Function, FunctionError, arg_string, unknown_of
from eks_ip_lint.terraform.functions_encoding import json_encode, json_string
from eks_ip_lint.values import Cause, Unknown, Value, first_unknown

_SPEC_RE = re.compile(r"([-+# 0]*)(?:\[(\d+)\])?(\d*)(?:\.(\d*))?")
_INTEGER_VERBS = {"d": "d", "b": "b", "o": "o", "x": "x", "X": "X"}
_INTEGER_PREFIXES = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}
_DECIMAL_VERBS = frozenset("eEfFgG")
_VERBS = frozenset("vtsq") | frozenset(_INTEGER_VERBS) | _DECIMAL_VERBS
_DEFAULT_PRECISION = 6
_SHORTEST_EXPONENT_LIMIT = 6  # %g without precision switches to exponent form from 1e+06
_MAX_WIDTH = 10_000  # a larger width or precision is refused rather than allocated


class _NullArgument(Exception):
    """A verb met a null argument: Terraform's format result is then unknown."""


def _pad(text: str, width: int | None, flags: str, lead: str = "", zero_ok: bool = True) -> str:
    """Pad to ``width``: left-justified with "-", zero-filled after ``lead`` (sign, prefix) with "0"."""
    whole = lead + text
    if width is None or len(whole) >= width:
        return whole
    if "-" in flags:
        return whole.ljust(width)
    if "0" in flags and zero_ok:
        return lead + text.rjust(width - len(lead), "0")
    return whole.rjust(width)


def _sign(negative: bool, flags: str) -> str:
    return "-" if negative else "+" if "+" in flags else " " if " " in flags else ""


def _format_g(value: Decimal, shortest: Decimal, precision: int | None) -> str:
    """Go's %g: the shortest (or ``precision``-digit) form, in exponent notation when large or tiny."""
    if precision is None:
        digits, limit = shortest, _SHORTEST_EXPONENT_LIMIT
    else:
        limit = max(precision, 1)
        digits = Context(prec=limit, rounding=ROUND_HALF_EVEN).plus(value)
    digits = digits.normalize()
    if digits == 0:
        return "0"
    exponent = digits.adjusted()
    if -4 <= exponent < limit:
        return format(digits, "f")
    text = "".join(str(d) for d in digits.as_tuple().digits)
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    return f"{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _format_decimal(n: Number, verb: str, precision: int | None) -> str:
    """The unsigned body of a %e/%f/%g conversion of ``n``."""
    exact = Decimal(abs(n))
    lower = verb.lower()
    if lower == "g":
        shortest = Decimal(repr(abs(n))) if isinstance(n, float) else exact
        body = _format_g(exact, shortest, precision)
    else:
        places = _DEFAULT_PRECISION if precision is None else precision
        body = format(exact, f".{places}{lower}")
        if lower == "e":  # Python writes "e+4"; Go writes at least two exponent digits
            mantissa, _, exponent = body.partition("e")
            body = f"{mantissa}e{exponent[0]}{abs(int(exponent)):02d}"
    return body.upper() if verb.isupper() else body


def _convert_verb(verb: str, flags: str, width: int | None, precision: int | None, arg: Value) -> str:
    if arg is None:
        raise _NullArgument
    if verb == "v":
        if "#" in flags or isinstance(arg, (list, dict)):
            return _pad(json_encode(arg), width, flags)
        if is_number(arg):  # %v shows a number as the shortest %g does ("1.234567e+06")
            n = to_number(arg)
            if isinstance(n, float) and math.isinf(n):
                return _pad("+Inf" if n > 0 else "-Inf", width, flags)
            return _pad(_format_decimal(n, "g", None), width, flags, lead=_sign(n < 0, flags))
        return _pad(to_string(arg), width, flags)
    if verb == "t":
        return _pad("true" if to_bool(arg) else "false", width, flags)
    if verb in "sq" and isinstance(arg, (list, dict)):
        raise EvalError("string required")
    if verb == "s":
        text = to_string(arg)
        return _pad(text if precision is None else text[:precision], width, flags)
    if verb == "q":
        return _pad(json_string(to_string(arg)), width, flags)
    n = to_number(arg)
    if verb in _INTEGER_VERBS:
        if isinstance(n, float):
            raise EvalError("an integer is required")
        digits = format(abs(n), _INTEGER_VERBS[verb])
        if precision is not None:
            digits = "" if precision == 0 and n == 0 else digits.rjust(precision, "0")
        prefix = _INTEGER_PREFIXES.get(verb, "") if "#" in flags else ""
        lead = _sign(n < 0, flags) + prefix
        return _pad(digits, width, flags, lead=lead, zero_ok=precision is None)
    if isinstance(n, float) and math.isinf(n):  # Go's big.Float always signs infinities, whatever the flags
        return _pad("+Inf" if n > 0 else "-Inf", width, flags, zero_ok=False)
    return _pad(_format_decimal(n, verb, precision), width, flags, lead=_sign(n < 0, flags))


def format_string(fmt: str, args: list[Value]) -> str | None:
    """Terraform's format() of known arguments; None when a verb consumed a null (result unknown)."""
    out: list[str] = []
    i = 0
    cursor = 0
    used = 0
    while i < len(fmt):
        if fmt[i] != "%":
            out.append(fmt[i])
            i += 1
            continue
        if fmt.startswith("%%", i):
            out.append("%")
            i += 2
            continue
        spec = _SPEC_RE.match(fmt, i + 1)
        assert spec is not None  # every part of the pattern is optional
        flags, index, width, precision = spec.groups()
        end = spec.end()
        if end >= len(fmt):
            raise FunctionError(f"invalid format string starting at offset {end}")
        verb = fmt[end]
        text = fmt[i : end + 1]
        if not verb.isalpha():
            raise FunctionError(f"unrecognized format character {verb!r} at offset {end}")
        if verb not in _VERBS:
            raise FunctionError(f'unsupported format verb {verb!r} in "{text}" at offset {i}')
        # (length first: int() of a very long digit string is itself slow, or refused)
        if any(
            len(size) > len(str(_MAX_WIDTH)) or int(size) > _MAX_WIDTH for size in (width, precision) if size
        ):
            raise FunctionError(f"width or precision in {text!r} is too large for eks-ip-lint")
        if index is not None:
            cursor = int(index) - 1
        if not 0 <= cursor < len(args):
            raise FunctionError(
                f'not enough arguments for "{text}" at {i}: '
                f"need index {cursor + 1} but have {len(args)} total"
            )
        try:
            out.append(
                _convert_verb(
                    verb,
                    flags,
                    int(width) if width else None,
                    None if precision is None else int(precision or "0"),
                    args[cursor],
                )
            )
        except _NullArgument:
            return None
        except FunctionError:
            raise
        except EvalError as err:
            raise FunctionError(f'unsupported value for "{text}" at {i}: {err}') from err
        cursor += 1
        used = max(used, cursor)
        i = end + 1
    if used < len(args):
        raise FunctionError(f"too many arguments; only {used} used by format string", "args")
    return "".join(out)


def _null_result(name: str) -> Unknown:
    # terraform console shows format("%s", null) as "(known after apply)".
    return Unknown(
        f"{name}() of a null argument: Terraform leaves the result unknown", cause=Cause.APPLY_TIME
    )


def _format(args: list[Value]) -> Value:
    """format(format, args...)."""
    result = format_string(arg_string(args[0], "format"), args[1:])
    return _null_result("format") if result is None else result


def _formatlist(args: list[Value]) -> Value:
    """formatlist(format, args...): one string per element; an unknown element only blanks its row."""
    fmt_value, rest = args[0], args[1:]
    for v in (fmt_value, *rest):
        if isinstance(v, Unknown):  # an unknown argument may be a list: the length is unknown
            return unknown_of("formatlist", v)
    fmt = arg_string(fmt_value, "format")
    length: int | None = None
    first = 0
    for position, v in enumerate(rest, start=1):
        if isinstance(v, list):
            if length is None:
                length, first = len(v), position
            elif len(v) != length:
                raise FunctionError(
                    f"argument {position} has length {len(v)}, which is inconsistent with "
                    f"argument {first} of length {length}",
                    "args",
                )
    rows: list[Value] = []
    for r in range(1 if length is None else length):
        row = [v[r] if isinstance(v, list) else v for v in rest]
        u = first_unknown(row)
        if u is not None:
            rows.append(unknown_of("formatlist", u))
            continue
        text = format_string(fmt, row)
        rows.append(_null_result("formatlist") if text is None else text)
    return rows


FUNCTIONS: dict[str, Function] = {
    "format": Function(("format",), _format, variadic="args"),
    "formatlist": Function(("format",), _formatlist, variadic="args", structural=True),
}
