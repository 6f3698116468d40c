"""Terraform type constraints (``variable { type = ... }``) and the conversion Terraform applies
to a value given for them: variable defaults, tfvars and ``--var`` values, module inputs.

The rules (Terraform docs "Type Constraints" and "Conversion of Primitive Types", go-cty's
``convert`` package), as checked against ``terraform console`` in
tests/terraform/test_type_constraints.py:

* ``null`` converts to any type and stays null, except an attribute ``optional(T, default)`` of an
  object: absent or null, it takes the default, itself converted to ``T`` (so the defaults of a
  nested ``optional(object({...}), {})`` apply too). ``optional(T)`` without a default is null.
* ``object({...})`` from an object or map: every attribute that is not optional must be present
  ("attribute "x" is required"); attributes the type does not declare are dropped.
* ``map(T)``, ``list(T)``, ``set(T)``: each element converted to ``T``; a set drops duplicates
  and orders known primitive elements as Terraform does. ``tuple([...])`` needs the same length.
* ``string``, ``number``, ``bool``: :mod:`convert`'s primitive conversions ("5" is 5; a list is
  never a string).
* ``any`` keeps the value as given (a ``list(any)`` is not unified to one element type: a
  documented simplification; Terraform would, for example, make ``[1, "a"]`` ``["1", "a"]``).
* an Unknown stays unknown: its type is not known here, so it is not checked.

A type expression this module does not understand is ``any``: a value is then kept, never refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.terraform import convert
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.evaluator import ResourceObject
from eks_ip_lint.terraform.functions_collections import set_of
from eks_ip_lint.values import Unknown, Value


@dataclass(frozen=True)
class Primitive:
    name: str  # "string", "number" or "bool"


@dataclass(frozen=True)
class AnyType:
    pass


@dataclass(frozen=True)
class Collection:
    kind: str  # "list", "set" or "map"
    element: Type


@dataclass(frozen=True)
class TupleType:
    elements: tuple[Type, ...]


@dataclass(frozen=True)
class Attribute:
    type: Type
    optional: bool = False
    default: Value = None  # only for optional attributes; already a value, converted on use


@dataclass(frozen=True)
class ObjectType:
    attributes: tuple[tuple[str, Attribute], ...]


Type = Primitive | AnyType | Collection | TupleType | ObjectType

ANY = AnyType()

# Evaluates an optional attribute's default (a literal expression, as Terraform requires).
DefaultEvaluator = Callable[[ast.Expr], Value]


def parse_type(expr: ast.Expr, eval_default: DefaultEvaluator) -> Type:
    """The type a ``type = ...`` expression declares; ``any`` for what is not understood."""
    if isinstance(expr, ast.Name):
        if expr.name in ("string", "number", "bool"):
            return Primitive(expr.name)
        return ANY
    if not isinstance(expr, ast.Call) or len(expr.args) != 1:
        return ANY
    (arg,) = expr.args
    if expr.name in ("list", "set", "map"):
        return Collection(expr.name, parse_type(arg, eval_default))
    if expr.name == "tuple" and isinstance(arg, ast.TupleExpr):
        return TupleType(tuple(parse_type(e, eval_default) for e in arg.items))
    if expr.name == "object" and isinstance(arg, ast.ObjectExpr):
        attributes: list[tuple[str, Attribute]] = []
        for key, value in arg.items:
            name = key.value if isinstance(key, ast.Lit) else key.name if isinstance(key, ast.Name) else None
            if not isinstance(name, str):
                return ANY
            attributes.append((name, _attribute(value, eval_default)))
        return ObjectType(tuple(attributes))
    return ANY


def _attribute(expr: ast.Expr, eval_default: DefaultEvaluator) -> Attribute:
    if isinstance(expr, ast.Call) and expr.name == "optional" and len(expr.args) in (1, 2):
        default = eval_default(expr.args[1]) if len(expr.args) == 2 else None
        return Attribute(parse_type(expr.args[0], eval_default), optional=True, default=default)
    return Attribute(parse_type(expr, eval_default))


def conform(value: Value, type_: Type) -> Value:
    """``value`` converted to ``type_`` as Terraform converts it; EvalError when Terraform would
    refuse it, with the path to the offending part (``attribute "max_size": a number is required``)."""
    if value is None or isinstance(value, Unknown) or isinstance(type_, AnyType):
        return value
    if isinstance(type_, Primitive):
        return _primitive(value, type_.name)
    if isinstance(type_, ObjectType):
        return _object(value, type_)
    if isinstance(type_, TupleType):
        if not isinstance(value, list):
            raise EvalError(f"a tuple is required, not {_shown(value)}")
        if len(value) != len(type_.elements):
            raise EvalError(f"a tuple of {len(type_.elements)} elements is required, not {len(value)}")
        pairs = zip(value, type_.elements, strict=True)
        return [_at(f"element {i}", conform, v, t) for i, (v, t) in enumerate(pairs)]
    if type_.kind == "map":
        if not isinstance(value, dict):
            raise EvalError(f"a map is required, not {_shown(value)}")
        return {k: _at(f"element {convert.quote(k)}", conform, v, type_.element) for k, v in value.items()}
    if not isinstance(value, list):
        raise EvalError(f"a {type_.kind} is required, not {_shown(value)}")
    items = [_at(f"element {i}", conform, v, type_.element) for i, v in enumerate(value)]
    if type_.kind == "set" and all(v is not None and not isinstance(v, (Unknown, list, dict)) for v in items):
        return set_of(items)
    return items


def _primitive(value: Value, name: str) -> Value:
    if isinstance(value, (list, dict)):
        raise EvalError(f"a {name} is required, not {_shown(value)}")
    if name == "number":
        try:
            return convert.to_number(value)
        except EvalError:
            raise EvalError(f"a number is required, not {_shown(value)}") from None
    if name == "bool":
        try:
            return convert.to_bool(value)
        except EvalError:
            raise EvalError(f"a bool is required, not {_shown(value)}") from None
    return convert.to_string(value)


def _object(value: Value, type_: ObjectType) -> Value:
    if not isinstance(value, dict):
        raise EvalError(f"an object is required, not {_shown(value)}")
    out: dict[str, Value] = {}
    for name, attribute in type_.attributes:
        given: Value
        if name in value:
            given = value[name]
        elif isinstance(value, ResourceObject):
            given = value.unknown_attribute(name)  # computed by the provider: unknown, not absent
        elif attribute.optional:
            given = None
        else:
            raise EvalError(f"attribute {convert.quote(name)} is required")
        if given is None and attribute.optional:
            given = attribute.default
        out[name] = _at(f"attribute {convert.quote(name)}", conform, given, attribute.type)
    return out


def _at(where: str, fn: Callable[[Value, Type], Value], value: Value, type_: Type) -> Value:
    """``fn(value, type_)``, an error prefixed with where in the value it happened."""
    try:
        return fn(value, type_)
    except EvalError as exc:
        raise EvalError(f"{where}: {exc}", cause=exc.cause) from None


def _shown(value: Value) -> str:
    if isinstance(value, str):
        return f"the string {convert.quote(value)}"
    name = convert.type_name(value)
    return {"tuple": "a list", "object": "an object"}.get(name, f"a {name}")


def describe(type_: Type) -> str:
    """The type written as Terraform writes it, for messages."""
    if isinstance(type_, Primitive):
        return type_.name
    if isinstance(type_, AnyType):
        return "any"
    if isinstance(type_, Collection):
        return f"{type_.kind}({describe(type_.element)})"
    if isinstance(type_, TupleType):
        return f"tuple([{', '.join(describe(t) for t in type_.elements)}])"
    return "object({...})"


def is_primitive(type_: Type) -> bool:
    return isinstance(type_, Primitive)
