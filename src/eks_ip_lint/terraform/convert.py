"""Terraform's type conversions over :data:`~eks_ip_lint.values.Value`.

Terraform numbers are arbitrary-precision decimals; we keep an ``int`` whenever the value is integral
and a ``float`` otherwise, so ``2.0`` and ``2`` are the same value here as they are in Terraform.
Python's ``bool`` is a subclass of ``int``: every check below tests for ``bool`` first, because a
Terraform bool never converts to a number.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.values import Cause, Unknown, Value

Number = int | float

# What Terraform's tonumber() accepts: a decimal literal (Go's big.Float parser in base 10), or
# "Inf"/"inf" with an optional sign. No surrounding spaces, no hex, no underscores.
_DECIMAL_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INFINITY_RE = re.compile(r"[+-]?[Ii]nf")

# Integral decimals are turned into Python ints; past this many digits the int would be both
# useless and slow (and str() refuses ints over 4300 digits), so such numbers are rejected.
_MAX_INTEGER_DIGITS = 4000
# The same bound in bits, checked on every arithmetic result (bit_length is O(1), str() is not).
_MAX_INTEGER_BITS = 13_287  # log2(10**4000) ~ 13287.7


def check_number(n: Number) -> Number:
    """``n`` if Terraform could hold it; EvalError for NaN (Go's big.Float panics on it and
    Terraform reports an error) and for integers too large to print or compute with cheaply."""
    if isinstance(n, float):
        if math.isnan(n):
            raise EvalError("the result is not a number (NaN)")
    elif n.bit_length() > _MAX_INTEGER_BITS:
        raise EvalError(
            f"a number of more than {_MAX_INTEGER_DIGITS} digits is too large for eks-ip-lint to represent",
            cause=Cause.UNSUPPORTED,
        )
    return n


def quote(s: str) -> str:
    """A string in double quotes, for error messages (as Terraform's Go %q shows it)."""
    return json.dumps(s, ensure_ascii=False)


def is_number(v: Value) -> bool:
    """True for a Terraform number (int or float, never bool)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def type_name(v: Value) -> str:
    """The Terraform type name of ``v``, for error messages (a Python list is a tuple literal)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "tuple"
    if isinstance(v, dict):
        return "object"
    return "unknown value"


def normalize_number(n: Number) -> Number:
    """The canonical form of a number: int when integral and finite, float otherwise."""
    if isinstance(n, float) and math.isfinite(n) and n.is_integer():
        return int(n)
    return n


def number_from_decimal(d: Decimal) -> Number:
    """A parsed decimal as an int (exact) when integral, else the nearest float."""
    if d.is_infinite():
        return math.inf if d > 0 else -math.inf
    if d == d.to_integral_value():
        if d.adjusted() > _MAX_INTEGER_DIGITS:
            raise EvalError(
                f"number {d} is too large for eks-ip-lint to represent exactly", cause=Cause.UNSUPPORTED
            )
        return int(d)
    return float(d)


def parse_decimal(s: str) -> Number | None:
    """The number a string spells as Terraform's tonumber() reads it, or None if it is not one."""
    if _INFINITY_RE.fullmatch(s):
        return -math.inf if s.startswith("-") else math.inf
    if not _DECIMAL_RE.fullmatch(s):
        return None
    try:
        return number_from_decimal(Decimal(s))
    except InvalidOperation:
        return None


def to_number(v: Value) -> Number:
    """Convert to a number as Terraform does: numbers and decimal strings only."""
    if is_number(v):
        assert isinstance(v, (int, float))
        return normalize_number(check_number(v))
    if isinstance(v, str):
        n = parse_decimal(v)
        if n is None:
            raise EvalError(
                f"cannot convert {quote(v)} to number; "
                "given string must be a decimal representation of a number"
            )
        return n
    raise EvalError(f"cannot convert {type_name(v)} to number")


def to_integer(v: Value) -> int:
    """Convert to a number and require it to be whole, as Terraform does for counts and indices."""
    n = to_number(v)
    if isinstance(n, float):
        raise EvalError("value must be a whole number")
    return n


def format_number(n: Number) -> str:
    """A number as Terraform prints it: plain decimal notation, no exponent, no trailing zeros."""
    if isinstance(n, int):
        return str(n)
    if math.isinf(n):
        return "+Inf" if n > 0 else "-Inf"
    if n.is_integer():
        return str(int(n))
    # repr() is the shortest decimal that reads back as the same float; Terraform shows the
    # decimal the user wrote, which is that same shortest form for any literal a float can hold.
    return format(Decimal(repr(n)), "f")


def to_string(v: Value) -> str:
    """Convert to a string as Terraform does: strings, numbers and bools only."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return format_number(v)
    raise EvalError(f"cannot convert {type_name(v)} to string")


def to_bool(v: Value) -> bool:
    """Convert to a bool as Terraform does: bools and the strings "true"/"false" only."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        if v in ("true", "false"):
            return v == "true"
        raise EvalError(f'cannot convert {quote(v)} to bool; only the strings "true" or "false" are allowed')
    raise EvalError(f"cannot convert {type_name(v)} to bool")


def strict_equal(a: Value, b: Value) -> bool:
    """Terraform's ``==``: equal values of the same type (unlike Python, ``1 != true``, ``1 != "1"``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) or is_number(b):
        return is_number(a) and is_number(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return False
    return type(a) is type(b) and a == b


def _kind(v: Value) -> str:
    return "list" if isinstance(v, list) else "map" if isinstance(v, dict) else type_name(v)


def unify(values: Sequence[Value], what: str) -> list[Value] | None:
    """Convert values to one element type, as Terraform does when a tuple becomes a list or set.

    Mixed strings, numbers and bools all become strings; a mix of primitives and collections, or of
    lists and maps, is an error. Nested collections are kept as they are (their own elements are
    not unified: a documented simplification). Returns None when a top-level Unknown element could
    change the outcome (its type is not known, and a known number or bool would become a string if
    the unknown turned out to be a string).
    """
    kinds = {_kind(v) for v in values if v is not None and not isinstance(v, Unknown)}
    primitive = kinds & {"string", "number", "bool"}
    collections = kinds - primitive
    if (primitive and collections) or len(collections) > 1:
        raise EvalError(f"cannot convert {what} of any single type")
    if collections:
        return list(values)
    if any(isinstance(v, Unknown) for v in values) and primitive - {"string"}:
        return None
    if len(primitive) <= 1:
        return list(values)
    return [v if v is None or isinstance(v, Unknown) else to_string(v) for v in values]
