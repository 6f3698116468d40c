"""The single wiring point: discover -> parse/evaluate -> facts -> capacity -> rules -> findings.

Nothing here knows a file format or a formula; each stage is called once per unit. A crash inside
one rule becomes a finding for that rule instead of stopping the run (the others still report).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from eks_ip_lint.capacity.analysis import Options, UnitCapacity, analyse
from eks_ip_lint.facts import terraform as tf_facts
from eks_ip_lint.facts.cloudformation import load_cloudformation
from eks_ip_lint.facts.eksctl import load_eksctl
from eks_ip_lint.facts.model import Facts, InputProblem
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules import ALL_RULES, RuleContext
from eks_ip_lint.sources import discover
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.module import ModuleEvaluation, ModuleSource, read_module
from eks_ip_lint.terraform.variables import VariableInputs, resolve_variables


@dataclass(frozen=True)
class LintRequest:
    paths: tuple[str, ...]
    variables: VariableInputs = field(default_factory=VariableInputs)
    options: Options = field(default_factory=Options)
    workspace: str = "default"
    # CloudFormation parameter values (--parameter, --parameters-file), pseudo parameters included.
    parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitResult:
    kind: str
    path: str
    capacity: UnitCapacity
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class LintResult:
    units: tuple[UnitResult, ...]

    @property
    def findings(self) -> list[Finding]:
        return [f for u in self.units for f in u.findings]


def lint(request: LintRequest) -> LintResult:
    dirs = discover.module_dirs(request.paths)
    sources = {d: read_module(d) for d in dirs}
    called = _local_module_targets(sources)
    results = []
    for unit in discover.root_units(dirs, called):
        facts = _terraform_facts(sources[unit.path], request)
        capacity = analyse(facts, request.options)
        results.append(
            UnitResult(unit.kind, unit.path, capacity, tuple(run_rules(capacity, request.options)))
        )
    for path in discover.document_files(request.paths):
        kind, doc_facts = _document_facts(path, request.parameters)
        if doc_facts is None:
            continue  # YAML/JSON that is neither a template nor a ClusterConfig: not ours
        capacity = analyse(doc_facts, request.options)
        results.append(UnitResult(kind, path, capacity, tuple(run_rules(capacity, request.options))))
    return LintResult(tuple(results))


def _document_facts(path: str, parameters: Mapping[str, str]) -> tuple[str, Facts | None]:
    facts = load_eksctl(path)
    if facts is not None:
        return "eksctl", facts
    return "cloudformation", load_cloudformation(path, parameters)


def _local_module_targets(sources: dict[str, ModuleSource]) -> set[str]:
    called: set[str] = set()
    for d, src in sources.items():
        for placed in src.module_calls.values():
            attr = placed.block.body.attributes.get("source")
            value = getattr(attr.expr, "value", None) if attr is not None else None
            if isinstance(value, str) and value.startswith(("./", "../")):
                called.add(os.path.realpath(os.path.join(d, value)))
    return called


def _terraform_facts(source: ModuleSource, request: LintRequest) -> Facts:
    variables = resolve_variables(source, request.variables)
    evaluation = ModuleEvaluation(source, variables.values, workspace=request.workspace)
    facts = tf_facts.extract(evaluation, source.dir)
    for err in [*source.errors, *variables.errors]:
        facts.problems.append(InputProblem(err.message, SourceSpan(err.path, err.line)))
    return facts


def run_rules(capacity: UnitCapacity, options: Options) -> list[Finding]:
    ctx = RuleContext(options)
    out: list[Finding] = []
    for rule in ALL_RULES:
        try:
            out.extend(rule.check(capacity, ctx))
        except Exception as exc:
            out.append(
                Finding(
                    rule.meta.id,
                    Severity.ERROR,
                    f"internal error in rule {rule.meta.id} ({type(exc).__name__}: {exc}); please report it",
                    SourceSpan(capacity.facts.unit, 1),
                )
            )
    return sorted(out, key=lambda f: (f.span.path, f.span.line, f.rule_id, f.message))


def lint_paths(paths: Sequence[str], **kwargs: object) -> LintResult:
    """Library entry point: ``lint_paths(["infra/"])``."""
    return lint(LintRequest(paths=tuple(paths), **kwargs))  # type: ignore[arg-type]
