"""One Terragrunt configuration file evaluated as Terragrunt evaluates it.

A :class:`Config` is a parsed ``terragrunt.hcl`` (or ``root.hcl``, ``env.hcl``...) with a
:class:`Context`: the unit it is evaluated for. Terragrunt evaluates an included parent in the
context of its child (``get_terragrunt_dir()`` in ``root.hcl`` is the child's folder,
``find_in_parent_folders`` searches from the child), while a file read with
``read_terragrunt_config`` is evaluated in its own context. Names resolve lazily, in any order:
``local.x`` evaluates that local only, ``include.root`` (when ``expose = true``) the included
file's locals and inputs, ``dependency.vpc.outputs`` the other unit (through the session's
``outputs`` callback, :mod:`eks_ip_lint.terragrunt.unit`). The merge of includes into a unit's
inputs, source, dependencies and generate blocks is :mod:`eks_ip_lint.terragrunt.merge`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import fs, hcl
from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.sources.parse_cache import cached_parse
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform import convert
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.evaluator import Evaluator, Lazy, Resolved
from eks_ip_lint.terraform.module_source import read_text
from eks_ip_lint.terragrunt import paths
from eks_ip_lint.terragrunt.context import MERGE_STRATEGIES, Context, Dependency, Include, Session
from eks_ip_lint.terragrunt.functions import TerragruntEvaluator
from eks_ip_lint.values import Cause, Unknown, Value


def load(path: str, session: Session) -> ast.HclFile:
    """Parse one configuration (a syntax error is a problem of the unit and an empty file)."""
    session.files.add(os.path.abspath(path))
    try:
        return cached_parse(path, read_text(path), hcl.parse_file)
    except InputError as exc:
        session.problems.append(exc)
        return ast.HclFile(path=path, body=ast.Body())


class Config:
    """One configuration file, evaluated in ``ctx``. ``path`` is as shown in spans."""

    def __init__(self, path: str, ctx: Context, *, follow_includes: bool = True) -> None:
        self.path = path
        self.abspath = os.path.abspath(path)
        self.ctx = ctx
        self.follow_includes = follow_includes
        self.file = load(path, ctx.session)
        self.body = self.file.body
        self.locals_attrs: dict[str, ast.Attribute] = {}
        for block in self.body.blocks_of("locals"):
            self.locals_attrs.update(block.body.attributes)
        self.evaluator: Evaluator = TerragruntEvaluator(self)
        self._locals: dict[str, Value] = {}
        self._in_progress: set[str] = set()
        self._includes: list[Include] | None = None
        self._included: dict[str, Config] = {}
        self._dependencies: dict[str, Dependency] | None = None

    # --- where relative paths start ------------------------------------------------------------

    @property
    def file_roots(self) -> tuple[str, tuple[str, ...]]:
        """file() in a Terragrunt configuration reads relative to the file's own folder, inside the
        repository only (see terraform/files.py)."""
        return os.path.dirname(self.abspath), (self.ctx.session.tree,)

    def relative_to_unit(self, path: str) -> str:
        """A path argument as Terragrunt resolves it: relative to the unit's folder."""
        return os.path.normpath(path if os.path.isabs(path) else os.path.join(self.ctx.terragrunt_dir, path))

    # --- Scope ---------------------------------------------------------------------------------

    def resolve(self, name: str, line: int) -> Resolved:
        if name == "local":
            return _Namespace(self.local, "local")
        if name == "include":
            return _Namespace(self._exposed_include, "include")
        if name == "dependency":
            return _Namespace(self._dependency_object, "dependency")
        if name == "feature":
            return _Namespace(self._feature, "feature")
        raise EvalError(f'"{name}" is not defined in a Terragrunt configuration')

    def local(self, name: str) -> Resolved:
        if name in self._locals:
            return self._locals[name]
        attr = self.locals_attrs.get(name)
        if attr is None:
            raise EvalError(f'reference to undeclared local value "{name}" in {self.path}')
        guard = f"local.{name}"
        if guard in self._in_progress:
            raise EvalError(f"local.{name} refers to itself")
        self._in_progress.add(guard)
        try:
            value = self.evaluator.eval_or_unknown(attr.expr)
        finally:
            self._in_progress.discard(guard)
        if isinstance(value, Unknown) and value.span is None:
            value = Unknown(value.reason, value.key, SourceSpan(self.path, attr.line), cause=value.cause)
        self._locals[name] = value
        return value

    def locals_value(self) -> dict[str, Value]:
        return {n: _materialize(self.local(n)) for n in self.locals_attrs}

    def _feature(self, name: str) -> Resolved:
        for block in self.body.blocks_of("feature"):
            if block.labels == (name,) and "default" in block.body.attributes:
                return {"value": self.evaluator.eval_or_unknown(block.body.attributes["default"].expr)}
        raise EvalError(f'reference to undeclared feature "{name}"')

    # --- include -------------------------------------------------------------------------------

    def includes(self) -> list[Include]:
        """The include blocks of this file, in order (an included file's own includes are not
        followed: Terragrunt allows one level)."""
        if self._includes is not None:
            return self._includes
        out: list[Include] = []
        self._includes = out  # an include path that calls path_relative_to_include sees none yet
        if not self.follow_includes:
            return out
        for block in self.body.blocks_of("include"):
            attrs = block.body.attributes
            label = block.labels[0] if block.labels else ""
            if "path" not in attrs:
                continue
            target = self.evaluator.eval_or_unknown(attrs["path"].expr)
            if not isinstance(target, str):
                reason = target.reason if isinstance(target, Unknown) else "not a string"
                self.ctx.session.problems.append(
                    InputError(
                        f"include {label!r}: the path is unknown ({reason}); not included",
                        self.path,
                        block.line,
                    )
                )
                continue
            expose = self._literal_bool(attrs.get("expose"), False)
            strategy = "shallow"
            if "merge_strategy" in attrs:
                s = self.evaluator.eval_or_unknown(attrs["merge_strategy"].expr)
                strategy = s if isinstance(s, str) and s in MERGE_STRATEGIES else "shallow"
            full = self.relative_to_unit(target)
            if not fs.isfile(full):
                self.ctx.session.problems.append(
                    InputError(f"include {label!r}: no file at {target}; not included", self.path, block.line)
                )
                continue
            out.append(Include(label, full, expose, strategy, block.line))
        return out

    def included(self, inc: Include) -> Config:
        """The included file, evaluated in this unit's context."""
        if inc.path not in self._included:
            shown = paths.shown(inc.path, self.path)
            self._included[inc.path] = Config(shown, self.ctx, follow_includes=False)
        return self._included[inc.path]

    def _exposed_include(self, label: str) -> Resolved:
        for inc in self.includes():
            if inc.label == label:
                if not inc.expose:
                    raise EvalError(
                        f'include "{label}" is not exposed: set expose = true to read include.{label}'
                    )
                return _ConfigObject(self.included(inc))
        raise EvalError(f'reference to undeclared include "{label}"')

    def _literal_bool(self, attr: ast.Attribute | None, default: bool) -> bool:
        if attr is None:
            return default
        v = self.evaluator.eval_or_unknown(attr.expr)
        try:
            return convert.to_bool(v) if not isinstance(v, Unknown) else default
        except EvalError:
            return default

    # --- dependency ----------------------------------------------------------------------------

    def own_dependencies(self) -> dict[str, Dependency]:
        out: dict[str, Dependency] = {}
        for block in self.body.blocks_of("dependency"):
            if len(block.labels) != 1:
                continue
            attrs = block.body.attributes
            span = SourceSpan(self.path, block.line, block.end_line)
            written = ""
            where: str | Unknown = Unknown(
                f'dependency "{block.labels[0]}" has no config_path', span=span, cause=Cause.INVALID
            )
            if "config_path" in attrs:
                v = self.evaluator.eval_or_unknown(attrs["config_path"].expr)
                if isinstance(v, str):
                    written = v
                    where = self.relative_to_unit(v)
                elif isinstance(v, Unknown):
                    where = v
            out[block.labels[0]] = Dependency(
                block.labels[0],
                where,
                written,
                "mock_outputs" in attrs,
                self._literal_bool(attrs.get("skip_outputs"), False),
                span,
            )
        return out

    def dependencies(self) -> dict[str, Dependency]:
        """The unit's dependencies: its includes' (not no_merge) overridden by its own, by name."""
        if self._dependencies is None:
            merged: dict[str, Dependency] = {}
            for inc in self.includes():
                if inc.merge_strategy != "no_merge":
                    merged.update(self.included(inc).own_dependencies())
            merged.update(self.own_dependencies())
            self._dependencies = merged
        return self._dependencies

    def _dependency_object(self, name: str) -> Resolved:
        main = self.ctx.main or self
        dep = main.dependencies().get(name)
        if dep is None:
            raise EvalError(f'reference to undeclared dependency "{name}"')
        outputs = self.ctx.session.outputs
        if outputs is None:
            return Unknown(
                f"dependency.{name} is not followed here",
                f"dependency.{name}",
                cause=Cause.DEPENDENCY_NOT_READ,
            )
        return _DependencyObject(dep, lambda: outputs(dep))

    # --- attributes ----------------------------------------------------------------------------

    def read_other(self, full: str) -> Value:
        """read_terragrunt_config of the file at ``full`` (absolute)."""
        read = self.ctx.session.read_config
        if read is None:
            return Unknown(f"read_terragrunt_config({full}) is not read here", cause=Cause.UNSUPPORTED)
        return read(full, self.path)

    def attribute(self, name: str) -> tuple[Value, ast.Attribute] | None:
        """A top-level attribute's value. An object written out (``inputs = { a = ..., b = ... }``)
        is evaluated key by key, so one input that cannot be known leaves the others known."""
        attr = self.body.attributes.get(name)
        if attr is None:
            return None
        expr = attr.expr
        keys = [_literal_key(k) for k, _ in expr.items] if isinstance(expr, ast.ObjectExpr) else []
        if isinstance(expr, ast.ObjectExpr) and all(k is not None for k in keys):
            out: dict[str, Value] = {}
            for key, (k, v) in zip(keys, expr.items, strict=True):
                assert key is not None
                value = self.evaluator.eval_or_unknown(v)
                if isinstance(value, Unknown) and value.span is None:
                    value = Unknown(value.reason, value.key, SourceSpan(self.path, k.line), cause=value.cause)
                out[key] = value
            return out, attr
        return self.evaluator.eval_or_unknown(expr), attr

    def terraform_source(self) -> tuple[Value, int] | None:
        for block in self.body.blocks_of("terraform"):
            attr = block.body.attributes.get("source")
            if attr is not None:
                return self.evaluator.eval_or_unknown(attr.expr), attr.line
        return None

    def as_object(self) -> dict[str, Value]:
        """What read_terragrunt_config (and an exposed include) gives: locals, inputs, other
        top-level attributes, and the terraform block's attributes."""
        out: dict[str, Value] = {"locals": self.locals_value()}
        for name, attr in self.body.attributes.items():
            out[name] = self.evaluator.eval_or_unknown(attr.expr)
        out.setdefault("inputs", {})
        for block in self.body.blocks_of("terraform"):
            out["terraform"] = {
                n: self.evaluator.eval_or_unknown(a.expr) for n, a in block.body.attributes.items()
            }
        return out


def _literal_key(k: ast.Expr) -> str | None:
    if isinstance(k, ast.Name):
        return k.name
    if isinstance(k, ast.Lit) and k.value is not None:
        return convert.to_string(k.value)
    return None


def _materialize(v: Resolved) -> Value:
    return v.materialize() if isinstance(v, Lazy) else v


class _Namespace(Lazy):
    def __init__(self, getter: Callable[[str], Resolved], label: str) -> None:
        self._get = getter
        self.label = label

    def attr(self, name: str, line: int) -> Resolved:
        return self._get(name)

    def index(self, key: Value, line: int) -> Resolved:
        raise EvalError(f'"{self.label}" cannot be indexed')

    def materialize(self) -> Value:
        raise EvalError(f'"{self.label}" cannot be used as a value by itself')


class _ConfigObject(Lazy):
    """An exposed include: ``include.root.locals.x`` evaluates that local only."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def attr(self, name: str, line: int) -> Resolved:
        if name == "locals":
            return _Namespace(self.config.local, "locals")
        if name == "inputs":
            found = self.config.attribute("inputs")
            return found[0] if found is not None else {}
        whole = self.config.as_object()
        if name in whole:
            return whole[name]
        raise EvalError(f'the included configuration has no attribute "{name}"')

    def index(self, key: Value, line: int) -> Resolved:
        return self.attr(convert.to_string(key), line)

    def materialize(self) -> Value:
        return self.config.as_object()


class _DependencyObject(Lazy):
    """``dependency.vpc``: ``outputs`` is the other unit's outputs, never its mock_outputs."""

    def __init__(self, dep: Dependency, outputs: Callable[[], Resolved]) -> None:
        self.dep = dep
        self._outputs = outputs

    def attr(self, name: str, line: int) -> Resolved:
        if name == "outputs":
            return self._outputs()
        if name == "config_path":
            return self.dep.written
        if name == "mock_outputs":
            return Unknown(
                f"dependency.{self.dep.name}.mock_outputs are placeholders for plan; eks-ip-lint does not use them",
                f"dependency.{self.dep.name}.mock_outputs",
                self.dep.span,
                cause=Cause.UNSUPPORTED,
            )
        raise EvalError(f'dependency "{self.dep.name}" has no attribute "{name}"')

    def index(self, key: Value, line: int) -> Resolved:
        raise EvalError(f'dependency "{self.dep.name}" cannot be indexed')

    def materialize(self) -> Value:
        return {"outputs": _materialize(self._outputs()), "config_path": self.dep.written}


def evaluate_mapping(value: Value, what: str, span: SourceSpan) -> Mapping[str, Value] | Unknown:
    """``inputs`` and similar must be an object; anything else is unknown."""
    if isinstance(value, dict):
        return value
    if isinstance(value, Unknown):
        return value
    return Unknown(f"{what} is not an object", span=span, cause=Cause.INVALID)
