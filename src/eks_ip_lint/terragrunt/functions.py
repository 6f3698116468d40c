"""Terragrunt's built-in functions, on top of Terraform's (:mod:`eks_ip_lint.terraform.functions`).

Each is evaluated as Terragrunt evaluates it for the unit being read (:class:`config.Context`):

- ``find_in_parent_folders(name = "terragrunt.hcl", fallback)``: the first ``name`` in a folder
  above the unit's folder (absolute); the fallback, or an error, when there is none;
- ``get_terragrunt_dir()``, ``get_original_terragrunt_dir()``: the unit's folder;
  ``get_parent_terragrunt_dir(label)``: the folder of the included file (the unit's when none);
- ``path_relative_to_include(label)`` / ``path_relative_from_include(label)``: the unit's folder
  relative to the included file's folder, and back (``"."`` without an include);
- ``get_repo_root()``, ``get_path_from_repo_root()``, ``get_path_to_repo_root()``: from the nearest
  ``.git``;
- ``get_env(NAME, default)``: the default. The linter does not read its own environment: CI and a
  laptop would analyse different values. Without a default the value is unknown;
- ``read_terragrunt_config(path, default)``: the other file's locals, inputs and attributes,
  evaluated in its own folder's context;
- ``read_tfvars_file(path)``: the file's assignments as a JSON string (Terragrunt's contract);
- ``mark_as_read(path)``: the path;
- ``run_cmd``, ``sops_decrypt_file`` and the AWS identity functions: unknown, never run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Protocol

from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import fs, hcl
from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.terraform import convert
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.evaluator import Evaluator, Resolved, Scope
from eks_ip_lint.terraform.module_source import read_text
from eks_ip_lint.terragrunt import paths
from eks_ip_lint.terragrunt.context import MAX_NESTING, Context
from eks_ip_lint.values import Cause, Unknown, Value, first_unknown

# Known only when Terragrunt runs (a shell, the caller's AWS identity, the command line).
RUN_TIME = frozenset(
    {
        "run_cmd", "sops_decrypt_file", "get_aws_account_id", "get_aws_account_alias",
        "get_aws_caller_identity_arn", "get_aws_caller_identity_user_id", "get_terraform_command",
        "get_terraform_cli_args", "get_platform", "get_working_dir", "get_default_retryable_errors",
        "get_terraform_commands_that_need_vars", "get_terraform_commands_that_need_input",
        "get_terraform_commands_that_need_locking", "get_terraform_commands_that_need_parallelism",
        "local_exec",
    }
)  # fmt: skip


class Config(Scope, Protocol):
    """The configuration file a function is called in (:class:`config.Config`)."""

    path: str
    ctx: Context

    def relative_to_unit(self, path: str) -> str: ...

    def read_other(self, full: str) -> Value: ...


class TerragruntEvaluator(Evaluator):
    """Terraform's expression language with Terragrunt's functions, for one configuration file."""

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.config = config

    def _call(self, e: ast.Call, env: Mapping[str, Value]) -> Value:
        if e.name in RUN_TIME:
            return Unknown(
                f"{e.name}() is known only when Terragrunt runs; eks-ip-lint never runs it",
                f"{e.name}()",
                cause=Cause.UNSUPPORTED,
            )
        handler = _FUNCTIONS.get(e.name)
        if handler is None:
            return super()._call(e, env)
        args = [self.eval(a, env) for a in e.args]
        if e.name not in ("read_terragrunt_config", "find_in_parent_folders", "get_env"):
            u = first_unknown(args)
            if u is not None:
                return Unknown(f"{e.name}() of an unknown value: {u.reason}", cause=u.cause)
        return handler(self.config, args)


def _strings(name: str, args: list[Value], most: int) -> list[str]:
    if len(args) > most:
        raise EvalError(f'Too many function arguments: function "{name}" expects at most {most} argument(s).')
    return [convert.to_string(a) for a in args]


def _find_in_parent_folders(config: Config, args: list[Value]) -> Value:
    if len(args) > 2:
        raise EvalError('function "find_in_parent_folders" expects at most 2 argument(s).')
    name = args[0] if args else paths.CONFIG_NAME
    if isinstance(name, Unknown):
        return Unknown(f"find_in_parent_folders() of an unknown name: {name.reason}", cause=name.cause)
    found = paths.find_in_parent_folders(config.ctx.config_path, convert.to_string(name))
    if found is not None:
        return found
    if len(args) == 2:
        return args[1]
    raise EvalError(
        f"find_in_parent_folders: no {convert.to_string(name)} in a folder above {config.ctx.terragrunt_dir}"
    )


def _include(config: Config, label: str | None) -> str | None:
    """The folder of the include named ``label`` (the only or first one when None)."""
    includes = config.ctx.includes()
    for inc in includes:
        if label is None or inc.label == label:
            return os.path.dirname(inc.path)
    if label is not None and includes:
        raise EvalError(f'no include named "{label}"')
    return None


def _relative_to_include(config: Config, args: list[Value]) -> Value:
    labels = _strings("path_relative_to_include", args, 1)
    parent = _include(config, labels[0] if labels else None)
    if parent is None:
        return "."
    return os.path.relpath(config.ctx.terragrunt_dir, parent).replace(os.sep, "/")


def _relative_from_include(config: Config, args: list[Value]) -> Value:
    labels = _strings("path_relative_from_include", args, 1)
    parent = _include(config, labels[0] if labels else None)
    if parent is None:
        return "."
    return os.path.relpath(parent, config.ctx.terragrunt_dir).replace(os.sep, "/")


def _terragrunt_dir(config: Config, args: list[Value]) -> Value:
    _strings("get_terragrunt_dir", args, 0)
    return config.ctx.terragrunt_dir


def _parent_terragrunt_dir(config: Config, args: list[Value]) -> Value:
    labels = _strings("get_parent_terragrunt_dir", args, 1)
    parent = _include(config, labels[0] if labels else None)
    return parent if parent is not None else config.ctx.terragrunt_dir


def _repo_root(config: Config) -> str | Unknown:
    root = paths.repo_root(config.ctx.terragrunt_dir)
    if root is None:
        return Unknown("get_repo_root(): the unit is not in a git repository", cause=Cause.UNSUPPORTED)
    return root


def _get_repo_root(config: Config, args: list[Value]) -> Value:
    _strings("get_repo_root", args, 0)
    return _repo_root(config)


def _path_from_repo_root(config: Config, args: list[Value]) -> Value:
    _strings("get_path_from_repo_root", args, 0)
    root = _repo_root(config)
    return (
        root
        if isinstance(root, Unknown)
        else os.path.relpath(config.ctx.terragrunt_dir, root).replace(os.sep, "/")
    )


def _path_to_repo_root(config: Config, args: list[Value]) -> Value:
    _strings("get_path_to_repo_root", args, 0)
    root = _repo_root(config)
    return (
        root
        if isinstance(root, Unknown)
        else os.path.relpath(root, config.ctx.terragrunt_dir).replace(os.sep, "/")
    )


def _get_env(config: Config, args: list[Value]) -> Value:
    if not args or len(args) > 2:
        raise EvalError('function "get_env" expects 1 or 2 argument(s).')
    name = args[0]
    if len(args) == 2:
        return args[1]  # the value in CI may differ from the laptop's: the written default is used
    shown = name if isinstance(name, str) else "?"
    return Unknown(
        f'get_env("{shown}") has no default: the environment variable is read when Terragrunt runs',
        f"env.{shown}",
        cause=Cause.VARIABLE_UNSET,
    )


def _read_terragrunt_config(config: Config, args: list[Value]) -> Value:
    if not args or len(args) > 2:
        raise EvalError('function "read_terragrunt_config" expects 1 or 2 argument(s).')
    target = args[0]
    if isinstance(target, Unknown):
        return (
            args[1]
            if len(args) == 2
            else Unknown(f"read_terragrunt_config() of an unknown path: {target.reason}", cause=target.cause)
        )
    full = config.relative_to_unit(convert.to_string(target))
    session = config.ctx.session
    if not paths.inside(full, session.tree):
        return Unknown(
            f"read_terragrunt_config: {target} is outside the repository; not read", cause=Cause.FILE_NOT_READ
        )
    if not fs.isfile(full):
        if len(args) == 2:
            return args[1]
        raise EvalError(f"read_terragrunt_config: no file at {target}")
    if full in session.stack or len(session.stack) >= MAX_NESTING:
        raise EvalError(f"read_terragrunt_config: {target} reads itself")
    session.stack = (*session.stack, full)
    try:
        return config.read_other(full)
    finally:
        session.stack = session.stack[:-1]


def _read_tfvars_file(config: Config, args: list[Value]) -> Value:
    (target,) = _strings("read_tfvars_file", args, 1) or [""]
    full = config.relative_to_unit(target)
    session = config.ctx.session
    if not paths.inside(full, session.tree):
        return Unknown(
            f"read_tfvars_file: {target} is outside the repository; not read", cause=Cause.FILE_NOT_READ
        )
    session.files.add(full)
    try:
        text = read_text(paths.shown(full, config.path))
        if full.endswith(".json"):
            return json.dumps(json.loads(text))
        parsed = hcl.parse_file(full, text)
    except (InputError, ValueError) as exc:
        raise EvalError(f"read_tfvars_file: {target}: {exc}") from None
    values = {n: _LITERAL.eval_or_unknown(a.expr) for n, a in parsed.body.attributes.items()}
    u = first_unknown(values)
    if u is not None:
        return Unknown(f"read_tfvars_file: {target}: {u.reason}", cause=u.cause)
    return json.dumps(values, separators=(",", ":"))


class _NoScope:
    """A tfvars file holds literal values only."""

    def resolve(self, name: str, line: int) -> Resolved:
        raise EvalError(f'a tfvars file may not refer to "{name}"')


_LITERAL = Evaluator(_NoScope())


def _mark_as_read(config: Config, args: list[Value]) -> Value:
    (target,) = _strings("mark_as_read", args, 1) or [""]
    return target


_FUNCTIONS: dict[str, Callable[[Config, list[Value]], Value]] = {
    "find_in_parent_folders": _find_in_parent_folders,
    "path_relative_to_include": _relative_to_include,
    "path_relative_from_include": _relative_from_include,
    "get_terragrunt_dir": _terragrunt_dir,
    "get_original_terragrunt_dir": _terragrunt_dir,
    "get_parent_terragrunt_dir": _parent_terragrunt_dir,
    "get_repo_root": _get_repo_root,
    "get_path_from_repo_root": _path_from_repo_root,
    "get_path_to_repo_root": _path_to_repo_root,
    "get_env": _get_env,
    "read_terragrunt_config": _read_terragrunt_config,
    "read_tfvars_file": _read_tfvars_file,
    "mark_as_read": _mark_as_read,
}

__all__ = ["RUN_TIME", "Resolved", "TerragruntEvaluator"]
