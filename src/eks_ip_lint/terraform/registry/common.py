"""What every registry-module model works with: the call's evaluated inputs and their lines, and
the synthesized result (the provider resources the real module would declare, and its outputs).

A model never reads the module's own code: it knows, per major version, which resources the
module creates from which inputs. The resources it returns are ordinary
:class:`ResourceInstance` records (``module.vpc.aws_subnet.private[0]``...) whose lines point at
the inputs in the caller's file, so the facts layer reads them like hand-written resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.values import Cause, Unknown, Value


@dataclass(frozen=True)
class Note:
    """Something of the call that could not be modelled; becomes an EKSIP002 finding."""

    what: str
    reason: str
    span: SourceSpan
    address: str
    cause: Cause = field(kw_only=True)  # what made it unknown, as for an Unknown


@dataclass
class Synthesized:
    resources: list[ResourceInstance] = field(default_factory=list)
    outputs: dict[str, Value] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    description: str = ""  # "terraform-aws-modules/eks/aws v20 (from version)"


@dataclass(frozen=True)
class CallInputs:
    """A module call's arguments, evaluated in the caller, with where each one is written."""

    address: str  # module.eks (with any parent module prefix)
    values: Mapping[str, Value]
    exprs: Mapping[str, ast.Expr]
    lines: Mapping[str, int]
    span: SourceSpan  # the module block

    def get(self, name: str, default: Value = None) -> Value:
        v = self.values.get(name)
        return default if v is None else v

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def line(self, name: str, *keys: str) -> int:
        """Line of ``name`` (or of ``name.k1.k2`` inside an object literal), else the block's line.

        Follows literal object keys only; a value built by merge() or a variable keeps the line of
        the innermost literal reached, which is where the user would edit it.
        """
        if name not in self.lines:
            return self.span.line
        line = self.lines[name]
        expr: ast.Expr | None = self.exprs.get(name)
        for k in keys:
            if not isinstance(expr, ast.ObjectExpr):
                break
            nxt = None
            for k_expr, v_expr in expr.items:
                if isinstance(k_expr, ast.Lit) and k_expr.value == k:
                    nxt = v_expr
                    line = k_expr.line
                    break
            expr = nxt
        return line

    def at(self, name: str, *keys: str) -> SourceSpan:
        return SourceSpan(self.span.path, self.line(name, *keys))


def note_of(what: str, value: Value, expected: str, call: CallInputs, at: SourceSpan) -> Note:
    """A Note for an input that is unknown (its reason and cause) or not of the ``expected`` kind
    ("a map", "a list"), which the module itself would reject."""
    if isinstance(value, Unknown):
        return Note(what, value.reason, at, call.address, cause=value.cause)
    return Note(what, f"expected {expected}, found {value!r}", at, call.address, cause=Cause.INVALID)


def lookup(obj: Value, key: str) -> Value:
    """``obj[key]`` for a map value, None when absent or when ``obj`` is not a known map."""
    if isinstance(obj, dict):
        return obj.get(key)
    return None


def first_set(*candidates: Value) -> Value:
    """Terraform's ``try(a, b, c)`` over optional map entries: the first that is not null."""
    for c in candidates:
        if c is not None:
            return c
    return None


def computed(address: str, attr: str) -> Unknown:
    """The symbolic value of an attribute the provider computes (an ID, an ARN)."""
    return Unknown(
        f"{address}.{attr} is computed by the provider at apply time",
        f"{address}.{attr}",
        cause=Cause.APPLY_TIME,
    )


def resource(
    type_: str,
    address: str,
    values: dict[str, Value],
    lines: dict[str, int],
    span: SourceSpan,
    *,
    encoded: dict[str, Value] | None = None,
    spelled: dict[str, str] | None = None,
) -> ResourceInstance:
    name = address.rsplit(".", 1)[-1].split("[", 1)[0]
    return ResourceInstance(
        type_, name, address, None, values, lines, span, encoded or {}, spelled=spelled or {}
    )
