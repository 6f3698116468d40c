"""Input variable values for a root module, in Terraform's precedence order.

Later sources win (Terraform docs, "Variable Definition Precedence"): declared defaults, then
``terraform.tfvars``, ``terraform.tfvars.json``, ``*.auto.tfvars``/``*.auto.tfvars.json`` in
lexical order, then ``--var-file`` and ``--var`` in command-line order. Values are converted to the
declared type where it is a primitive or a collection of primitives, so ``max_size = "5"`` in a
tfvars file is the number 5, as Terraform makes it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from eks_ip_lint.errors import InputError, UsageError
from eks_ip_lint.sources import fs, hcl
from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform import convert
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.evaluator import Evaluator, Resolved
from eks_ip_lint.terraform.module_source import ModuleSource, read_text
from eks_ip_lint.terraform.variable_inputs import VariableInputs, parse_cli_vars
from eks_ip_lint.values import Cause, Unknown, Value

__all__ = ["VariableInputs", "parse_cli_vars", "resolve_variables"]


@dataclass
class ResolvedVariables:
    values: dict[str, Value] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # name -> "default" / file path / "--var"
    errors: list[InputError] = field(default_factory=list)


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
    types: dict[str, ast.Expr | None] = {}
    for name, placed in source.variables.items():
        attrs = placed.block.body.attributes
        types[name] = attrs["type"].expr if "type" in attrs else None
        if "default" in attrs:
            out.values[name] = _LITERAL_EVALUATOR.eval_or_unknown(attrs["default"].expr)
            out.origins[name] = f"default ({placed.path}:{attrs['default'].line})"
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
    for name, raw in inputs.vars:
        if name not in source.variables:
            continue
        out.values[name] = _cli_value(raw, types.get(name))
        out.origins[name] = "--var"
    for name, type_expr in types.items():
        out.values[name] = _convert(out.values[name], type_expr)
    return out


def module_input_values(source: ModuleSource, given: Mapping[str, Value], caller: str) -> dict[str, Value]:
    """Input variables of a called module: the caller's arguments over the declared defaults,
    converted to the declared types; a required input the caller omits is Unknown (Terraform
    would refuse the call)."""
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
        out[name] = _convert(value, attrs["type"].expr if "type" in attrs else None)
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


def _cli_value(raw: str, type_expr: ast.Expr | None) -> Value:
    # Terraform reads -var values of primitive type as raw strings and others as HCL expressions.
    if type_expr is None or _primitive(type_expr):
        return raw
    try:
        return _LITERAL_EVALUATOR.eval(hcl.parse_expression(raw, "--var"))
    except (InputError, EvalError) as exc:
        raise UsageError(f"--var value {raw!r} is not a valid HCL expression: {exc}") from None


def _primitive(type_expr: ast.Expr) -> bool:
    return isinstance(type_expr, ast.Name) and type_expr.name in ("string", "number", "bool")


def _convert(value: Value, type_expr: ast.Expr | None) -> Value:
    """Convert to a declared type where Terraform would; leave anything else as it is."""
    if type_expr is None or isinstance(value, Unknown) or value is None:
        return value
    try:
        if isinstance(type_expr, ast.Name):
            if type_expr.name == "number":
                return convert.to_number(value)
            if type_expr.name == "string" and not isinstance(value, list | dict):
                return convert.to_string(value)
            if type_expr.name == "bool":
                return convert.to_bool(value)
            return value
        if isinstance(type_expr, ast.Call) and len(type_expr.args) == 1:
            inner = type_expr.args[0]
            if type_expr.name in ("list", "set") and isinstance(value, list):
                return [_convert(v, inner) for v in value]
            if type_expr.name == "map" and isinstance(value, dict):
                return {k: _convert(v, inner) for k, v in value.items()}
    except EvalError as exc:
        return Unknown(f"value does not match the declared type: {exc}", cause=exc.cause)
    return value
