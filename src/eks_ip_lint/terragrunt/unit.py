"""A Terragrunt unit evaluated with the values Terragrunt would pass its module.

A unit is a folder with a ``terragrunt.hcl``. Its includes are merged (:mod:`merge`), its
``terraform { source }`` leads to a module (:mod:`module_source`), and the module is evaluated by
:mod:`eks_ip_lint.terraform` with the unit's ``inputs`` as its variables:

- **Inputs are TF_VAR_ values.** Terragrunt passes each input as the environment variable
  ``TF_VAR_<name>`` (a string as it is, anything else as JSON). So an input no variable declares
  is ignored; a variable declared with a primitive type (or none) reads the text, converted to the
  type (``"5"`` is 5 for a ``number``); one with a complex type (or ``any``) reads the JSON as a
  value, converted to the type; a variable with no type reads a list or map input as its JSON
  *text*, as Terraform does. Environment variables come first in Terraform's precedence, so a
  ``terraform.tfvars`` or ``*.auto.tfvars`` of the module, then ``--var-file`` and ``--var``, win
  over inputs.
- **Generate blocks** whose ``path`` is a ``.tf`` file add their ``contents`` to the module, as
  Terragrunt writes them into its working folder (``if_exists = "skip"`` keeps a file of that name
  already in the module; the other values replace it). The ``.tf`` files of the unit's folder are
  copied there too, so they are part of the module as well.
- **Dependencies** are the other units' evaluations: ``dependency.vpc.outputs.private_subnets`` is
  the vpc unit's output, its subnets keyed ``dependency.vpc.<address>``, and the subnets (and VPCs)
  the dependency declares are facts of this unit too, so a node group's subnets are checked against
  their CIDRs. ``mock_outputs`` are placeholders for ``plan`` and are never used: a dependency that
  cannot be followed (outside the repository, no ``terragrunt.hcl``, ``skip_outputs``) has unknown
  outputs, with the reason named.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from eks_ip_lint.errors import InputError
from eks_ip_lint.facts.model import Facts, InputProblem, Unresolved
from eks_ip_lint.sources import fs, hcl
from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.evaluator import Lazy, Resolved
from eks_ip_lint.terraform.module import ModuleEvaluation
from eks_ip_lint.terraform.module_source import (
    ModuleSource,
    PlacedBlock,
    index_file,
    parse_config_file,
    read_text,
    tf_files,
)
from eks_ip_lint.terraform.variable_inputs import VariableInputs
from eks_ip_lint.terragrunt import module_source, paths
from eks_ip_lint.terragrunt.config import Config
from eks_ip_lint.terragrunt.context import MAX_NESTING, Dependency, Session
from eks_ip_lint.terragrunt.merge import (
    Generate,
    Inputs,
    merged_generates,
    merged_inputs,
    merged_source,
    new_session,
    open_config,
)
from eks_ip_lint.values import Cause, Unknown, Value, first_unknown

# Arguments of a module block that are not the module's inputs.
_CALL_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
_PRIMITIVE = frozenset({"string", "number", "bool"})


@dataclass
class EvaluatedUnit:
    directory: str  # as named
    config_path: str  # its terragrunt.hcl, as shown
    facts: Facts
    module: module_source.ModuleRef
    session: Session
    evaluation: ModuleEvaluation | None = None
    call_name: str = ""  # the synthetic module call of a registry-modelled unit
    inputs: Inputs = field(default_factory=Inputs)

    def output(self, name: str) -> Value:
        ev = self.evaluation
        if ev is None:
            return Unknown(
                f"the module of {self.directory} is not read ({self.module.reason})",
                cause=Cause.MODULE_NOT_ON_DISK,
            )
        if self.call_name:
            call = ev.called_module(self.call_name)
            if not call.instances:
                return Unknown(f"the module of {self.directory} has no instance", cause=Cause.INVALID)
            return call.instances[0].output(name)
        placed = ev.source.outputs.get(name)
        if placed is None:
            raise KeyError(name)
        attr = placed.block.body.attributes.get("value")
        if attr is None:
            return None
        value = ev.evaluator.eval_or_unknown(attr.expr)
        if isinstance(value, Unknown) and value.span is None:
            value = Unknown(value.reason, value.key, SourceSpan(placed.path, attr.line), cause=value.cause)
        return value

    def output_names(self) -> list[str]:
        ev = self.evaluation
        if ev is None:
            return []
        if self.call_name:
            call = ev.called_module(self.call_name)
            return list(call.instances[0].as_object()) if call.instances else []
        return list(ev.source.outputs)


def config_of(directory: str) -> str:
    return os.path.join(directory, paths.CONFIG_NAME)


def tree_of(directory: str) -> str:
    """The repository holding the unit (its dependencies and read files must be inside it); the
    whole file system when the unit is in no repository."""
    return paths.repo_root(directory) or os.path.abspath(os.sep)


def open_unit(directory: str, session: Session) -> Config:
    return open_config(config_of(directory), session)


class UnitEvaluator:
    """Evaluates the unit in ``directory`` (as named) and, on demand, the units it depends on."""

    def __init__(
        self,
        directory: str,
        variables: VariableInputs,
        workspace: str = "default",
        *,
        prefix: str = "",
        stack: tuple[str, ...] = (),
    ) -> None:
        self.directory = directory
        self.variables = variables
        self.workspace = workspace
        self.prefix = prefix
        self.stack = (*stack, os.path.abspath(directory))
        self.dependencies: dict[str, EvaluatedUnit] = {}

    def evaluate(self) -> EvaluatedUnit:
        session = new_session(tree_of(self.directory), outputs=self._outputs)
        config = open_unit(self.directory, session)
        inputs = merged_inputs(config)
        found = merged_source(config)
        source_value, source_span = found if found is not None else (None, SourceSpan(config.path, 1))
        unit_abs = os.path.abspath(self.directory)
        ref = module_source.resolve(source_value, unit_abs, inputs.values)
        unit = EvaluatedUnit(
            self.directory, config.path, Facts(unit=self.directory), ref, session, inputs=inputs
        )
        if ref.kind == "unknown":
            unit.facts.unresolved.append(
                Unresolved(
                    f"the Terraform module of the Terragrunt unit {self.directory}",
                    ref.reason,
                    source_span,
                    cause=ref.cause,
                )
            )
        elif ref.kind == "registry":
            self._registry(unit, config)
        else:
            self._module(unit, config)
        if unit.evaluation is not None:
            from eks_ip_lint.facts import terraform as tf_facts  # noqa: PLC0415

            extracted = tf_facts.extract(unit.evaluation, self.directory)
            extracted.unresolved[:0] = unit.facts.unresolved
            extracted.problems[:0] = unit.facts.problems
            unit.facts = extracted
        if inputs.unknown is not None and not inputs.values:
            unit.facts.unresolved.append(
                Unresolved(
                    f"the inputs of {self.directory}",
                    inputs.unknown.reason,
                    SourceSpan(config.path, 1),
                    cause=inputs.unknown.cause,
                )
            )
        for dep in self.dependencies.values():
            # The dependency's subnets and VPCs are what this unit's node groups are placed in.
            unit.facts.subnets += dep.facts.subnets
            unit.facts.vpcs += dep.facts.vpcs
        for err in session.problems:
            unit.facts.problems.append(InputProblem.of(err))
        return unit

    # --- the module ----------------------------------------------------------------------------

    def _module(self, unit: EvaluatedUnit, config: Config) -> None:
        """A module whose code is on disk: local, the unit's own folder, or downloaded."""
        from eks_ip_lint.terraform.variables import module_input_values, resolve_variables  # noqa: PLC0415

        shown_dir = paths.shown(unit.module.directory, self.directory)
        source = ModuleSource(dir=shown_dir)
        generates = merged_generates(config)
        _read_files(source, shown_dir, self.directory, generates, unit)
        if not source.files and not source.errors:
            return  # no Terraform here: a parent configuration, or nothing to evaluate
        resolved = resolve_variables(source, self.variables)
        unit.facts.undeclared_vars = resolved.undeclared
        given: dict[str, Value] = {}
        for name, value in unit.inputs.values.items():
            placed = source.variables.get(name)
            if placed is None:
                continue  # Terraform ignores a TF_VAR_ no variable declares
            origin = resolved.origins.get(name, "")
            if origin == "unset" or origin.startswith("default"):
                type_attr = placed.block.body.attributes.get("type")
                given[name] = as_tf_var(name, value, type_attr.expr if type_attr else None)
        values = dict(resolved.values)
        if given:
            converted = module_input_values(source, given, f"the Terragrunt unit {self.directory}")
            values.update({n: converted[n] for n in given})
        unit.evaluation = ModuleEvaluation(
            source, values, workspace=self.workspace, address_prefix=self.prefix
        )
        for err in [*source.errors, *resolved.errors]:
            unit.facts.problems.append(InputProblem.of(err))

    def _registry(self, unit: EvaluatedUnit, config: Config) -> None:
        """A registry module eks-ip-lint models: a module block with the unit's inputs as its
        arguments, in a module of its own whose variables hold the input values."""
        name = _call_name(self.directory)
        line = 1
        found = merged_source(config)
        if found is not None:
            line = found[1].line
        attrs: dict[str, ast.Attribute] = {
            "source": ast.Attribute("source", ast.Lit(unit.module.registry_source, line), line)
        }
        if unit.module.version:
            attrs["version"] = ast.Attribute("version", ast.Lit(unit.module.version, line), line)
        for key in unit.inputs.values:
            if key in _CALL_META:
                continue
            at = unit.inputs.spans.get(key, SourceSpan(config.path, line)).line
            attrs[key] = ast.Attribute(key, ast.GetAttr(ast.Name("var", at), key, at), at)
        block = ast.Block("module", (name,), ast.Body(attributes=attrs), line, line)
        wrapper = ModuleSource(dir=self.directory, module_calls={name: PlacedBlock(config.path, block)})
        unit.evaluation = ModuleEvaluation(
            wrapper, dict(unit.inputs.values), workspace=self.workspace, address_prefix=self.prefix
        )
        unit.call_name = name

    # --- dependencies --------------------------------------------------------------------------

    def _outputs(self, dep: Dependency) -> Resolved:
        mocks = (
            " (its mock_outputs are placeholders for plan; eks-ip-lint does not use them)"
            if dep.has_mocks
            else ""
        )
        where = dep.written or "?"
        if isinstance(dep.config_path, Unknown):
            return Unknown(
                f"dependency {dep.name}: config_path is unknown ({dep.config_path.reason}){mocks}",
                span=dep.span,
                cause=dep.config_path.cause,
            )
        if dep.skip_outputs:
            return Unknown(
                f"dependency {dep.name} sets skip_outputs, so its outputs are not read{mocks}",
                span=dep.span,
                cause=Cause.DEPENDENCY_NOT_READ,
            )
        target = dep.config_path
        directory = os.path.dirname(target) if target.endswith(".hcl") else target
        tree = tree_of(self.directory)
        if not paths.inside(directory, tree):
            return Unknown(
                f"dependency {dep.name}: {where} is outside the repository ({tree}), so its outputs are unknown{mocks}",
                f"dependency.{dep.name}.outputs",
                dep.span,
                cause=Cause.NOT_DECLARED,
            )
        if not fs.isfile(config_of(directory)):
            return Unknown(
                f"dependency {dep.name}: {where} holds no {paths.CONFIG_NAME}, so its outputs are unknown{mocks}",
                f"dependency.{dep.name}.outputs",
                dep.span,
                cause=Cause.NOT_DECLARED,
            )
        if os.path.abspath(directory) in self.stack or len(self.stack) >= MAX_NESTING:
            return Unknown(
                f"dependency {dep.name}: {where} depends on this unit (a cycle){mocks}",
                span=dep.span,
                cause=Cause.INVALID,
            )
        if dep.name not in self.dependencies:
            other = UnitEvaluator(
                paths.shown(directory, self.directory),
                self.variables,
                self.workspace,
                prefix=f"{self.prefix}dependency.{dep.name}.",
                stack=self.stack,
            )
            self.dependencies[dep.name] = other.evaluate()
        return _Outputs(dep, self.dependencies[dep.name], mocks)


class _Outputs(Lazy):
    """``dependency.vpc.outputs``: the other unit's outputs, one at a time."""

    def __init__(self, dep: Dependency, unit: EvaluatedUnit, mocks: str) -> None:
        self.dep = dep
        self.unit = unit
        self.mocks = mocks

    def attr(self, name: str, line: int) -> Resolved:
        try:
            return self.unit.output(name)
        except KeyError:
            return Unknown(
                f"dependency {self.dep.name} ({self.unit.directory}) has no output {name}{self.mocks}",
                f"dependency.{self.dep.name}.outputs.{name}",
                self.dep.span,
                cause=Cause.NOT_DECLARED,
            )

    def index(self, key: Value, line: int) -> Resolved:
        return self.attr(str(key), line)

    def materialize(self) -> Value:
        return {n: self.unit.output(n) for n in self.unit.output_names()}


def as_tf_var(name: str, value: Value, type_expr: ast.Expr | None) -> Value:
    """What Terraform reads from ``TF_VAR_<name>`` that Terragrunt set to ``value``, before the
    conversion to the variable's type (see the module docstring)."""
    literal = type_expr is None or (isinstance(type_expr, ast.Name) and type_expr.name in _PRIMITIVE)
    if not literal or isinstance(value, str | Unknown) or value is None:
        return value
    u = first_unknown(value)
    if u is not None:
        return Unknown(
            f"input {name} reaches Terraform as the text of TF_VAR_{name}, and a value in it is unknown: {u.reason}",
            u.key if isinstance(value, Unknown) else None,
            cause=u.cause,
        )
    return json.dumps(value, separators=(",", ":"))


def _call_name(directory: str) -> str:
    base = os.path.basename(os.path.normpath(os.path.abspath(directory)))
    name = re.sub(r"[^A-Za-z0-9_-]", "_", base)
    return name if name and not name[0].isdigit() else f"unit_{name}"


def _read_files(
    source: ModuleSource,
    module_dir: str,
    unit_dir: str,
    generates: Mapping[str, Generate],
    unit: EvaluatedUnit,
) -> None:
    """The module's .tf files as Terragrunt's working folder holds them: the module's, then the
    unit folder's (copied over it), then generated files."""
    files: dict[str, str] = {os.path.basename(p): p for p in tf_files(module_dir)}
    if os.path.abspath(unit_dir) != os.path.abspath(module_dir):
        files.update({os.path.basename(p): p for p in tf_files(unit_dir)})
    generated: list[tuple[Generate, str]] = []
    for gen in generates.values():
        if not gen.path.endswith(".tf") or os.path.dirname(gen.path):
            continue
        if gen.path in files and gen.if_exists in ("skip", "error"):
            continue
        if isinstance(gen.contents, Unknown) or not isinstance(gen.contents, str):
            reason, cause = (
                (gen.contents.reason, gen.contents.cause)
                if isinstance(gen.contents, Unknown)
                else ("contents is not a string", Cause.INVALID)
            )
            unit.facts.unresolved.append(
                Unresolved(
                    f'the generated file {gen.path} (generate "{gen.name}")', reason, gen.span, cause=cause
                )
            )
            continue
        files.pop(gen.path, None)
        generated.append((gen, gen.contents))
    for path in files.values():
        try:
            parsed = parse_config_file(path, read_text(path))
        except InputError as exc:
            source.errors.append(exc)
            continue
        _index(source, parsed)
    for gen, text in generated:
        # Parsed at the lines of the heredoc that holds it, so findings point into the config.
        try:
            parsed = hcl.parse_file(gen.file, "\n" * gen.span.line + text)
        except InputError as exc:
            source.errors.append(exc)
            continue
        _index(source, parsed)


def _index(src: ModuleSource, f: ast.HclFile) -> None:
    src.files.append(f)
    index_file(src, f)
