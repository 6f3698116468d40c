"""What every Terraform function implementation shares: its signature and argument checking.

Implementations raise :class:`FunctionError`; :func:`eks_ip_lint.terraform.functions.call_function`
turns it into an :class:`EvalError` that names the function, as Terraform's diagnostics do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eks_ip_lint.terraform.convert import Number, to_integer, to_number, to_string, type_name
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.values import Unknown, Value

Impl = Callable[[list[Value]], Value]


class FunctionError(EvalError):
    """A failed call, blamed on one parameter when ``param`` is set."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


@dataclass(frozen=True)
class Function:
    """A Terraform function: parameter names (for arity checks and messages) and implementation.

    ``structural`` functions receive Unknown arguments themselves because the shape of their result
    can be known when some inputs are not (``length`` of a list of unknown subnet IDs); all others
    never see an Unknown: the registry answers Unknown for them.
    """

    params: tuple[str, ...]
    impl: Impl
    variadic: str | None = None
    structural: bool = False


def unknown_of(name: str, u: Unknown) -> Unknown:
    """The result of function ``name`` when its input ``u`` is unknown."""
    return Unknown(f"{name}() of an unknown value: {u.reason}", span=u.span, cause=u.cause)


def unknown_element(u: Unknown, index: int) -> Unknown:
    """Element ``index`` of the unknown list ``u``: same identity as ``u[index]``."""
    key = f"{u.key}[{index}]" if u.key is not None else None
    return Unknown(f"element {index} of {u.reason}", key=key, span=u.span, cause=u.cause)


def _not_null(v: Value, param: str) -> Value:
    if v is None:
        raise FunctionError("argument must not be null", param)
    return v


def arg_string(v: Value, param: str) -> str:
    """A string parameter (numbers and bools convert, as Terraform converts them)."""
    try:
        return to_string(_not_null(v, param))
    except FunctionError:
        raise
    except EvalError as err:
        raise FunctionError("string required", param) from err


def utf8(text: str, param: str) -> bytes:
    """``text`` as UTF-8; a lone surrogate (from a JSON ``\\ud800`` escape or an undecodable byte)
    is not a Unicode string Terraform could hold, so it is an error, not a crash."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise FunctionError(
            f"the string is not valid Unicode (a lone surrogate at {err.start})", param
        ) from err


def arg_number(v: Value, param: str) -> Number:
    """A number parameter (decimal strings convert)."""
    try:
        return to_number(_not_null(v, param))
    except FunctionError:
        raise
    except EvalError as err:
        # a string that is no decimal, or a number Terraform cannot hold (NaN), says which
        raise FunctionError(
            str(err) if isinstance(v, (str, float, int)) else "number required", param
        ) from err


def arg_int(v: Value, param: str) -> int:
    """A whole-number parameter."""
    n = arg_number(v, param)
    try:
        return to_integer(n)
    except EvalError as err:
        raise FunctionError(str(err), param) from err


def arg_list(v: Value, param: str) -> list[Value]:
    """A list, set or tuple parameter."""
    if isinstance(v, list):
        return v
    _not_null(v, param)
    raise FunctionError(f"a list, set, or tuple is required, not {type_name(v)}", param)


def arg_map(v: Value, param: str) -> dict[str, Value]:
    """A map or object parameter."""
    if isinstance(v, dict):
        return v
    _not_null(v, param)
    raise FunctionError(f"a map or object is required, not {type_name(v)}", param)
