"""Terraform's numeric functions, the primitive conversions tonumber, tostring, tobool, and
sensitive/nonsensitive, which change only a mark this linter does not track."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from eks_ip_lint.terraform.convert import (
    Number,
    check_number,
    normalize_number,
    number_from_decimal,
    quote,
    to_bool,
    to_number,
    to_string,
    type_name,
)
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.functions_common import (
    Function,
    FunctionError,
    arg_int,
    arg_list,
    arg_number,
)
from eks_ip_lint.values import Value

_RANGE_LIMIT = 1024  # Terraform refuses to build longer ranges
_MAX_BASE = 62
# Base 2 needs this many digits to reach the 4,000-decimal-digit bound of convert.check_number.
_MAX_PARSEINT_DIGITS = 13_300
# parseint digits: base <= 36 is case-insensitive; above, lowercase letters come before uppercase.
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _abs(args: list[Value]) -> Value:
    """abs(num)."""
    return abs(arg_number(args[0], "num"))


def _ceil(args: list[Value]) -> Value:
    """ceil(num)."""
    n = arg_number(args[0], "num")
    return n if isinstance(n, int) or math.isinf(n) else math.ceil(n)  # isinf(huge int) overflows


def _floor(args: list[Value]) -> Value:
    """floor(num)."""
    n = arg_number(args[0], "num")
    return n if isinstance(n, int) or math.isinf(n) else math.floor(n)


def _pow(args: list[Value]) -> Value:
    """pow(num, power): float64 arithmetic, as Terraform uses math.Pow."""
    try:
        base = float(arg_number(args[0], "num"))
        power = float(arg_number(args[1], "power"))
    except OverflowError as err:  # an integer past float64, which Terraform's math.Pow takes
        raise FunctionError("number too large for a float64 power") from err
    try:
        result = math.pow(base, power)
    except OverflowError:
        result = math.inf if base > 0 or power % 2 == 0 else -math.inf
    except ValueError as err:
        if base == 0 and power < 0:  # Go's math.Pow(0, negative) is +Inf
            return math.inf
        raise FunctionError("the result is not a number") from err
    return normalize_number(result)


def _signum(args: list[Value]) -> Value:
    """signum(num): Terraform requires a whole number here."""
    n = arg_int(args[0], "num")
    return (n > 0) - (n < 0)


def _parseint(args: list[Value]) -> Value:
    """parseint(number, base): the digits of ``base`` (2 to 62) with an optional sign."""
    if not isinstance(args[0], str):
        raise FunctionError(f"first argument must be a string, not {type_name(args[0])}", "number")
    text = args[0]
    base = arg_int(args[1], "base")
    if not 2 <= base <= _MAX_BASE:
        raise FunctionError("base must be a whole number between 2 and 62 inclusive", "base")
    digits = _DIGITS[:base] if base > 36 else _DIGITS[:base] + _DIGITS[10:base].upper()
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or any(ch not in digits for ch in body):
        raise FunctionError(f"cannot parse {quote(text)} as a base {base} integer", "number")
    if len(body) > _MAX_PARSEINT_DIGITS:  # the loop below is quadratic in the digits
        raise FunctionError(f"more than {_MAX_PARSEINT_DIGITS} digits: too large for eks-ip-lint", "number")
    value = 0
    for ch in body:
        value = value * base + (_DIGITS.index(ch) if base > 36 else _DIGITS.index(ch.lower()))
    try:
        check_number(value)
    except EvalError as err:
        raise FunctionError(str(err), "number") from err
    return -value if text.startswith("-") else value


def _numbers(args: list[Value]) -> list[Number]:
    if not args:
        raise FunctionError("must pass at least one number")
    return [arg_number(v, "numbers") for v in args]


def _sum(args: list[Value]) -> Value:
    """sum(list): elements convert to numbers; an empty list is an error."""
    items = arg_list(args[0], "list")
    if not items:
        raise FunctionError("cannot sum an empty list", "list")
    # Decimal keeps 0.1 + 0.2 == 0.3 as Terraform's decimal arithmetic does.
    try:
        total = sum((_decimal(arg_number(v, "list")) for v in items), Decimal(0))
    except InvalidOperation as err:  # +Inf + -Inf: Terraform fails on it too
        raise FunctionError("cannot sum infinities of opposite signs", "list") from err
    return number_from_decimal(total)


def _decimal(n: Number) -> Decimal:
    return Decimal(repr(n)) if isinstance(n, float) and math.isfinite(n) else Decimal(n)


def _range(args: list[Value]) -> Value:
    """range(limit) / range(start, limit) / range(start, limit, step); at most 1024 elements."""
    if not 1 <= len(args) <= 3:
        raise FunctionError("must have one, two, or three arguments", "params")
    numbers = [_decimal(arg_number(v, "params")) for v in args]
    if not all(n.is_finite() for n in numbers):
        raise FunctionError("range arguments must be finite numbers", "params")
    if len(numbers) == 1:
        start, limit = Decimal(0), numbers[0]
    else:
        start, limit = numbers[0], numbers[1]
    step = numbers[2] if len(numbers) == 3 else Decimal(1 if limit >= start else -1)
    if step == 0:
        raise FunctionError("step must not be zero", "params")
    if step < 0 and limit > start:
        raise FunctionError("end must be less than start when step is negative", "params")
    if step > 0 and limit < start:
        raise FunctionError("end must be greater than start when step is positive", "params")
    result: list[Value] = []
    v = start
    while (v < limit) if step > 0 else (v > limit):
        if len(result) >= _RANGE_LIMIT:
            raise FunctionError(
                f"more than {_RANGE_LIMIT} values were generated; either decrease the difference "
                "between start and end or use a smaller step"
            )
        result.append(number_from_decimal(v))
        v += step
    return result


def _converter(convert: Callable[[Value], Value]) -> Function:
    """tostring/tonumber/tobool: null stays null; anything else converts or fails."""

    def conversion(args: list[Value]) -> Value:
        if args[0] is None:
            return None
        try:
            return convert(args[0])
        except EvalError as err:
            raise FunctionError(str(err), "v") from err

    return Function(("v",), conversion)


FUNCTIONS: dict[str, Function] = {
    "abs": Function(("num",), _abs),
    "ceil": Function(("num",), _ceil),
    "floor": Function(("num",), _floor),
    "pow": Function(("num", "power"), _pow),
    "signum": Function(("num",), _signum),
    "parseint": Function(("number", "base"), _parseint),
    "min": Function((), lambda args: min(_numbers(args)), variadic="numbers"),
    "max": Function((), lambda args: max(_numbers(args)), variadic="numbers"),
    "sum": Function(("list",), _sum),
    "range": Function((), _range, variadic="params"),
    "tostring": _converter(to_string),
    "tonumber": _converter(to_number),
    "tobool": _converter(to_bool),
    # Sensitivity only hides a value in Terraform's output; the value is the same. Real code wraps
    # node-group inputs in them (nonsensitive(data.aws_ssm_parameter.x.value)), and an unknown
    # function would lose the whole node-group map. Structural: an Unknown inside passes through.
    "sensitive": Function(("value",), lambda args: args[0], structural=True),
    "nonsensitive": Function(("value",), lambda args: args[0], structural=True),
}
