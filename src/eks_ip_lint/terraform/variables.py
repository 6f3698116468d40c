"""Input variable values for a root module, in Terraform's precedence order.

Later sources win (Terraform docs, "Variable Definition Precedence"): declared defaults, then
``terraform.tfvars``, ``terraform.tfvars.json``, ``*.auto.tfvars``/``*.auto.tfvars.json`` in
lexical order, then ``--var-file`` and ``--var`` in command-line order. Values are converted to the
declared type as Terraform converts them (:mod:`type_constraints`): ``max_size = "5"`` in a tfvars
file is the number 5, and an object's ``optional(type, default)`` attributes get their defaults.
A value Terraform would refuse for the type is an error: exit 2 for ``--var``, EKSIP000 at the
default or tfvars line otherwise.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from eks_ip_lint.errors import InputError, UsageError
from eks_ip_lint.sources import fs, hcl
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.evaluator import Evaluator, Resolved
from eks_ip_lint.terraform.module_source import ModuleSource, PlacedBlock, read_text
from eks_ip_lint.terraform.type_constraints import Primitive, Type, conform, describe, parse_type
from eks_ip_lint.terraform.variable_inputs import VariableInputs, parse_cli_vars
from eks_ip_lint.values import Cause, Unknown, Value

__all__ = ["VariableInputs", "parse_cli_vars", "resolve_variables"]


@dataclass
class ResolvedVariables:
    values: dict[str, Value] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # name -> "default" / file path / "--var"
    errors: list[InputError] = field(default_factory=list)
    # --var names the module does not declare: Terraform refuses them ("Value for undeclared
    # variable"); the engine does when no root module of the run declares them.
    undeclared: tuple[str, ...] = ()


class _NoScope:
    """tfvars files and defaults may not reference anything."""

    def resolve(self, name: str, line: int) -> Resolved:
        raise EvalError(f'variables may not refer to "{name}" here: only literal values are allowed')


_LITERAL_EVALUATOR = Evaluator(_NoScope())


def auto_var_files(directory: str) -> list[str]:
    try:
        names = fs.listdir(directory)
    except OSError:
        return []
    picked: list[str] = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
    picked += [n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    return [os.path.join(directory, n) for n in picked]


def resolve_variables(source: ModuleSource, inputs: VariableInputs) -> ResolvedVariables:
    out = ResolvedVariables()
    types: dict[str, Type | None] = {}
    # Where each variable's current value came from, to blame a value Terraform would refuse:
    # (path, line) of a default or tfvars assignment, None for --var.
    given_at: dict[str, tuple[str, int] | None] = {}
    for name, placed in source.variables.items():
        attrs = placed.block.body.attributes
        types[name] = declared_type(placed)
        if "default" in attrs:
            out.values[name] = _LITERAL_EVALUATOR.eval_or_unknown(attrs["default"].expr)
            out.origins[name] = f"default ({placed.path}:{attrs['default'].line})"
            given_at[name] = (placed.path, attrs["default"].line)
        else:
            out.values[name] = Unknown(
                f'variable "{name}" has no default and no value was given; '
                f"pass --var {name}=VALUE or a --var-file",
                f"var.{name}",
                SourceSpan(placed.path, placed.block.line),
                cause=Cause.VARIABLE_UNSET,
            )
            out.origins[name] = "unset"
    files = auto_var_files(source.dir) + list(inputs.var_files)
    for path in files:
        try:
            assignments = _read_var_file(path)
        except InputError as exc:
            if path in inputs.var_files:
                raise UsageError(f"--var-file {path}: {exc.message} (line {exc.line})") from None
            out.errors.append(exc)
            continue
        for name, (value, line) in assignments.items():
            if name in source.variables:  # Terraform warns about undeclared ones; we ignore them
                out.values[name] = value
                out.origins[name] = f"{path}:{line}"
                given_at[name] = (path, line)
    out.undeclared = tuple(dict.fromkeys(n for n, _ in inputs.vars if n not in source.variables))
    for name, raw in inputs.vars:
        if name not in source.variables:
            continue
        out.values[name] = _cli_value(raw, types.get(name))
        out.origins[name] = "--var"
        given_at[name] = None
    for name, type_ in types.items():
        placed = source.variables[name]
        value = _non_null(out.values[name], placed)
        if type_ is None:
            out.values[name] = value
            continue
        try:
            out.values[name] = conform(value, type_)
        except EvalError as exc:
            where = given_at.get(name)
            message = f"the value of var.{name} is not of its type {describe(type_)}: {exc}"
            if where is None:
                raise UsageError(f"--var {name}: {message}") from None
            out.errors.append(InputError(message, *where, skipped=False))
            out.values[name] = Unknown(message, f"var.{name}", SourceSpan(*where), cause=Cause.INVALID)
    return out


def declared_type(placed: PlacedBlock) -> Type | None:
    """A variable block's ``type``, None when it declares none (any value is kept as given)."""
    attr = placed.block.body.attributes.get("type")
    return None if attr is None else parse_type(attr.expr, _LITERAL_EVALUATOR.eval_or_unknown)


def _non_null(value: Value, placed: PlacedBlock) -> Value:
    """``nullable = false``: a null value is replaced by the default (Terraform 1.1+)."""
    attrs = placed.block.body.attributes
    if value is not None or "nullable" not in attrs or "default" not in attrs:
        return value
    if _LITERAL_EVALUATOR.eval_or_unknown(attrs["nullable"].expr) is not False:
        return value
    return _LITERAL_EVALUATOR.eval_or_unknown(attrs["default"].expr)


def module_input_values(source: ModuleSource, given: Mapping[str, Value], caller: str) -> dict[str, Value]:
    """Input variables of a called module: the caller's arguments over the declared defaults,
    converted to the declared types with their optional attributes' defaults (type_constraints);
    a required input the caller omits, or a value Terraform would refuse for the type, is
    Unknown (Terraform would refuse the call)."""
    out: dict[str, Value] = {}
    for name, placed in source.variables.items():
        attrs = placed.block.body.attributes
        if name in given:
            value = given[name]
        elif "default" in attrs:
            value = _LITERAL_EVALUATOR.eval_or_unknown(attrs["default"].expr)
        else:
            value = Unknown(
                f'{caller} does not set the required input "{name}"',
                None,
                SourceSpan(placed.path, placed.block.line),
                cause=Cause.INVALID,  # Terraform refuses a call without a required input
            )
        value = _non_null(value, placed)
        type_ = declared_type(placed)
        if type_ is None:
            out[name] = value
            continue
        try:
            out[name] = conform(value, type_)
        except EvalError as exc:
            out[name] = Unknown(
                f"{caller}: the value of input {name!r} is not of its type {describe(type_)}: {exc}",
                None,
                SourceSpan(placed.path, placed.block.line),
                cause=Cause.INVALID,
            )
    return out


def _read_var_file(path: str) -> dict[str, tuple[Value, int]]:
    text = read_text(path)
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", path, exc.lineno) from None
        if not isinstance(data, dict):
            raise InputError("a .tfvars.json file must hold a JSON object", path)
        return {str(k): (v, 1) for k, v in data.items()}
    parsed = hcl.parse_file(path, text)
    return {
        name: (_LITERAL_EVALUATOR.eval_or_unknown(attr.expr), attr.line)
        for name, attr in parsed.body.attributes.items()
    }


def _cli_value(raw: str, type_: Type | None) -> Value:
    # Terraform reads -var values of primitive type (or of no type) as raw strings and others as
    # HCL expressions.
    if type_ is None or isinstance(type_, Primitive):
        return raw
    try:
        return _LITERAL_EVALUATOR.eval(hcl.parse_expression(raw, "--var"))
    except (InputError, EvalError) as exc:
        raise UsageError(f"--var value {raw!r} is not a valid HCL expression: {exc}") from None
