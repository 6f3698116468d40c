"""AL2023 nodeadm ``kubelet.maxPodsExpression``: a CEL program over three int variables.

../shared/docs/capacity-beyond-node-groups.md §5 "maxPodsExpression evaluation" (amazon-eks-ami
``nodeadm/internal/kubelet/eni_max_pods.go``): the variables are ``default_enis`` (E),
``ips_per_eni`` (L) and ``max_pods`` (E x (L - 1) + 2); the result must be an int with
0 < result <= MaxInt32, and a compile error, a non-int result or an out-of-range one makes nodeadm
fall back to the standard value E x (L - 1) + 2.

The subset evaluated here is the one those examples use: int literals, the three variables,
parentheses, unary ``-`` and ``!``, ``* / %``, ``+ -``, comparisons, ``&&``, ``||`` and ``?:``,
with CEL's precedence and its int semantics (division truncates toward zero, the remainder takes
the dividend's sign, division by zero is an error). Anything else (function calls, doubles,
strings) is not evaluated: the max pods is then unknown, never guessed. A full CEL runtime is not
a dependency for this: the three-variable integer programs nodeadm documents need ~100 lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eks_ip_lint.capacity.instance_types import InstanceLimits
from eks_ip_lint.capacity.max_pods import nodeadm_max_pods
from eks_ip_lint.values import Cause, Unknown

MAX_INT32 = 2**31 - 1
_TOKEN = re.compile(r"\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(&&|\|\||==|!=|<=|>=|[-+*/%()<>!?:]))")


class _Unsupported(Exception):
    """The expression uses CEL beyond the subset evaluated here."""


class _EvalError(Exception):
    """CEL would fail at run time (division by zero, a type error): nodeadm falls back."""


@dataclass
class _Parser:
    tokens: list[str]
    env: dict[str, int]
    pos: int = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, want: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (want is not None and tok != want):
            raise _Unsupported(f"expected {want or 'a value'} at token {self.pos + 1}")
        self.pos += 1
        return tok

    # CEL precedence, lowest first: ?:, ||, &&, relations, + -, * / %, unary.
    def conditional(self) -> int | bool:
        cond = self.or_()
        if self.peek() != "?":
            return cond
        self.take("?")
        yes = self.conditional()
        self.take(":")
        no = self.conditional()
        if not isinstance(cond, bool):
            raise _EvalError("the condition of ?: is not a bool")
        return yes if cond else no

    def or_(self) -> int | bool:
        left = self.and_()
        while self.peek() == "||":
            self.take()
            right = self.and_()
            left = _bool(left) or _bool(right)
        return left

    def and_(self) -> int | bool:
        left = self.relation()
        while self.peek() == "&&":
            self.take()
            right = self.relation()
            left = _bool(left) and _bool(right)
        return left

    def relation(self) -> int | bool:
        left = self.sum()
        while self.peek() in ("==", "!=", "<", "<=", ">", ">="):
            op = self.take()
            right = self.sum()
            if isinstance(left, bool) != isinstance(right, bool):
                raise _EvalError("comparison of a bool with an int")
            a, b = int(left), int(right)
            left = {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        return left

    def sum(self) -> int | bool:
        left = self.product()
        while self.peek() in ("+", "-"):
            op = self.take()
            right = _int(self.product())
            left = _int(left) + right if op == "+" else _int(left) - right
        return left

    def product(self) -> int | bool:
        left = self.unary()
        while self.peek() in ("*", "/", "%"):
            op = self.take()
            a, b = _int(left), _int(self.unary())
            if op == "*":
                left = a * b
                continue
            if b == 0:
                raise _EvalError("division by zero")
            quotient = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)  # truncates toward zero
            left = quotient if op == "/" else a - b * quotient
        return left

    def unary(self) -> int | bool:
        tok = self.peek()
        if tok == "-":
            self.take()
            return -_int(self.unary())
        if tok == "!":
            self.take()
            return not _bool(self.unary())
        return self.primary()

    def primary(self) -> int | bool:
        tok = self.take()
        if tok == "(":
            value = self.conditional()
            self.take(")")
            return value
        if tok.isdigit():
            return int(tok)
        if tok in ("true", "false"):
            return tok == "true"
        if tok in self.env:
            if self.peek() in ("(", "."):
                raise _Unsupported(f"{tok} followed by {self.peek()}")
            return self.env[tok]
        raise _Unsupported(f"{tok!r} is not evaluated")


def _int(v: int | bool) -> int:
    if isinstance(v, bool):
        raise _EvalError("arithmetic on a bool")
    return v


def _bool(v: int | bool) -> bool:
    if not isinstance(v, bool):
        raise _EvalError("a logical operator on an int")
    return v


def _tokens(expression: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = expression.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise _Unsupported(f"character {text[pos:].strip()[:1]!r}")
        out.append(next(g for g in m.groups() if g is not None))
        pos = m.end()
    return out


def evaluate(expression: str, default_enis: int, ips_per_eni: int) -> int | Unknown | None:
    """The max pods ``expression`` gives; None when nodeadm falls back to the standard value
    (a run-time error, a non-int or out-of-range result); an Unknown for CEL not evaluated here."""
    env = {
        "default_enis": default_enis,
        "ips_per_eni": ips_per_eni,
        "max_pods": default_enis * (ips_per_eni - 1) + 2,
    }
    try:
        parser = _Parser(_tokens(expression), env)
        value = parser.conditional()
        if parser.peek() is not None:
            raise _Unsupported(f"unexpected {parser.peek()!r}")
    except _Unsupported as exc:
        return Unknown(
            f"maxPodsExpression {expression!r} is not evaluated ({exc}): eks-ip-lint evaluates "
            "integer arithmetic, comparisons, ?:, &&, || and ! over default_enis, ips_per_eni and max_pods",
            cause=Cause.UNSUPPORTED,
        )
    except _EvalError:
        return None
    if isinstance(value, bool) or not 0 < value <= MAX_INT32:
        return None
    return value


def nodeadm_expression_max_pods(expression: str, limits: InstanceLimits) -> tuple[int | Unknown, str]:
    """nodeadm's max pods for ``limits`` with ``expression``, and where the number comes from."""
    value = evaluate(expression, limits.max_enis, limits.ipv4_per_eni)
    if value is None:
        return nodeadm_max_pods(limits), (
            f"nodeadm default: maxPodsExpression {expression!r} gives no valid max pods on {limits.name}, "
            "so nodeadm falls back to ENIs x (IPv4 per ENI - 1) + 2"
        )
    return value, f"nodeadm maxPodsExpression {expression!r} on {limits.name}"
