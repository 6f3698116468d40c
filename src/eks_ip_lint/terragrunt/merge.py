"""A unit's configuration with its includes merged in, as Terragrunt merges them.

Each ``include`` block names a ``merge_strategy`` (Terragrunt's include documentation):

- ``shallow`` (the default): the child's top-level attributes replace the parent's; ``inputs``
  are merged key by key, the child's keys winning; blocks (``dependency``, ``generate``) are
  merged by label, the child's replacing the parent's;
- ``deep``: as shallow, but maps are merged recursively and lists are concatenated (parent's
  items first);
- ``deep_map_only``: maps merged recursively, any other value (lists too) the child's;
- ``no_merge``: nothing of the parent is merged (it can still be read through ``include.x`` when
  exposed).

``locals`` are never merged: each file's locals are its own. Several includes are merged in the
order they are written, then the child over them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.evaluator import Resolved
from eks_ip_lint.terragrunt import paths
from eks_ip_lint.terragrunt.config import Config
from eks_ip_lint.terragrunt.context import Context, Dependency, Session
from eks_ip_lint.values import Cause, Unknown, Value


@dataclass
class Inputs:
    """The unit's inputs, and where each is written (a parent's input is shown at the include
    block of the unit's file, which is what brings it in)."""

    values: dict[str, Value] = field(default_factory=dict)
    spans: dict[str, SourceSpan] = field(default_factory=dict)
    unknown: Unknown | None = None  # inputs that are not an object as a whole


def _merge(parent: Value, child: Value, strategy: str) -> Value:
    if strategy == "no_merge":
        return child
    if isinstance(parent, dict) and isinstance(child, dict):
        if strategy == "shallow":
            return {**parent, **child}
        out = dict(parent)
        for k, v in child.items():
            out[k] = _merge(out[k], v, strategy) if k in out else v
        return out
    if strategy == "deep" and isinstance(parent, list) and isinstance(child, list):
        return [*parent, *child]
    return child


def merged_inputs(unit: Config) -> Inputs:
    out = Inputs()
    layers: list[tuple[Value, str, SourceSpan | None]] = []
    for inc in unit.includes():
        if inc.merge_strategy == "no_merge":
            continue
        found = unit.included(inc).attribute("inputs")
        if found is not None:
            layers.append((found[0], inc.merge_strategy, SourceSpan(unit.path, inc.line)))
    own = unit.attribute("inputs")
    strategy = next(
        (i.merge_strategy for i in reversed(unit.includes()) if i.merge_strategy != "no_merge"), "shallow"
    )
    if own is not None:
        layers.append((own[0], strategy, None))
    own_lines = _key_lines(own[1].expr) if own is not None else {}
    for value, how, at in layers:
        if isinstance(value, Unknown):
            out.unknown = value
            continue
        if not isinstance(value, dict):
            out.unknown = Unknown("inputs is not an object", cause=Cause.INVALID)
            continue
        for k, v in value.items():
            # shallow: an input's value is replaced whole; deep: merged with the parent's.
            out.values[k] = _merge(out.values[k], v, how) if k in out.values and how != "shallow" else v
            if at is not None:
                out.spans[k] = at
            else:
                line = own_lines.get(k, own[1].line if own is not None else 1)
                out.spans[k] = SourceSpan(unit.path, line)
    return out


def _key_lines(expr: object) -> dict[str, int]:
    from eks_ip_lint.sources import hcl_ast as ast  # noqa: PLC0415

    if not isinstance(expr, ast.ObjectExpr):
        return {}
    out: dict[str, int] = {}
    for k, _ in expr.items:
        if isinstance(k, ast.Lit) and isinstance(k.value, str):
            out[k.value] = k.line
        elif isinstance(k, ast.Name):
            out[k.name] = k.line
    return out


def merged_source(unit: Config) -> tuple[Value, SourceSpan] | None:
    """``terraform { source }``: the unit's own, else the last merged include's."""
    own = unit.terraform_source()
    if own is not None:
        return own[0], SourceSpan(unit.path, own[1])
    for inc in reversed(unit.includes()):
        if inc.merge_strategy == "no_merge":
            continue
        found = unit.included(inc).terraform_source()
        if found is not None:
            return found[0], SourceSpan(unit.path, inc.line)
    return None


def merged_dependencies(unit: Config) -> dict[str, Dependency]:
    return unit.dependencies()


@dataclass(frozen=True)
class Generate:
    name: str
    path: str  # the file name written into the module's folder
    if_exists: str
    contents: Value
    span: SourceSpan  # the contents attribute (its first line)
    file: str  # the configuration that declares it


def merged_generates(unit: Config) -> dict[str, Generate]:
    out: dict[str, Generate] = {}
    configs = [unit.included(i) for i in unit.includes() if i.merge_strategy != "no_merge"]
    for config in [*configs, unit]:
        for block in config.body.blocks_of("generate"):
            if len(block.labels) != 1:
                continue
            attrs = block.body.attributes
            if "path" not in attrs or "contents" not in attrs:
                continue
            path = config.evaluator.eval_or_unknown(attrs["path"].expr)
            if not isinstance(path, str):
                continue
            if_exists = (
                config.evaluator.eval_or_unknown(attrs["if_exists"].expr) if "if_exists" in attrs else "error"
            )
            out[block.labels[0]] = Generate(
                block.labels[0],
                path,
                if_exists if isinstance(if_exists, str) else "error",
                config.evaluator.eval_or_unknown(attrs["contents"].expr),
                SourceSpan(config.path, attrs["contents"].line),
                config.path,
            )
    return out


def merged_object(config: Config) -> dict[str, Value]:
    """What ``read_terragrunt_config`` returns: the file's own locals and attributes, with the
    inputs of its includes merged in."""
    out = config.as_object()
    inputs = merged_inputs(config)
    out["inputs"] = inputs.unknown if inputs.unknown is not None and not inputs.values else inputs.values
    return out


def open_config(config_path: str, session: Session) -> Config:
    """The configuration at ``config_path`` (as shown) as the main file of its own context."""
    ctx = Context(config_path, session)
    config = Config(config_path, ctx)
    ctx.main = config
    return config


def new_session(tree: str, outputs: Callable[[Dependency], Resolved] | None = None) -> Session:
    """A unit's session, whose read_terragrunt_config reads the file in its own folder's context
    with its includes merged."""
    session = Session(tree, outputs=outputs)

    def read(full: str, like: str) -> Value:
        return merged_object(open_config(paths.shown(full, like), session))

    session.read_config = read
    return session
