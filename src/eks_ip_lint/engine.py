"""The single wiring point: discover -> parse/evaluate -> facts -> capacity -> rules -> findings.

Nothing here knows a file format or a formula; each stage is called once per unit. A crash inside
one rule becomes a finding for that rule instead of stopping the run (the others still report).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from eks_ip_lint import prefetch
from eks_ip_lint.branches import qualify, unique
from eks_ip_lint.capacity.analysis import Options, UnitCapacity, analyse
from eks_ip_lint.facts import terraform as tf_facts
from eks_ip_lint.facts.cloudformation import load_cloudformation, text_may_be_template
from eks_ip_lint.facts.eksctl import load_eksctl
from eks_ip_lint.facts.model import Facts, InputProblem, Unresolved, same_ref
from eks_ip_lint.facts.plan import load_plan
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.progress import Progress
from eks_ip_lint.rules import ALL_RULES, RuleContext
from eks_ip_lint.sources import discover
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.module import (
    ModuleEvaluation,
    ModuleSource,
    may_hold_capacity_facts,
    read_module,
    tf_files,
)
from eks_ip_lint.terraform.variables import VariableInputs, resolve_variables


@dataclass(frozen=True)
class LintRequest:
    paths: tuple[str, ...]
    variables: VariableInputs = field(default_factory=VariableInputs)
    options: Options = field(default_factory=Options)
    workspace: str = "default"
    # CloudFormation parameter values (--parameter, --parameters-file), pseudo parameters included.
    parameters: Mapping[str, str] = field(default_factory=dict)
    # Processes that parse a cold run's files ahead of the engine (prefetch.warm); 1 = none.
    jobs: int = 1
    # --nested-template: a nested stack's logical ID (or TemplateURL) -> its local template file.
    nested_templates: Mapping[str, str] = field(default_factory=dict)


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
        # Each branch of a template keeps the findings common to all branches (its cluster tables
        # need them); the run lists them once.
        return unique([f for u in self.units for f in u.findings])


def lint(request: LintRequest) -> LintResult:
    found = discover.scan(request.paths)
    dirs, documents = found.dirs, found.documents
    to_parse = {d for d in dirs if may_hold_capacity_facts(d)}
    if prefetch.wanted(request.jobs):  # listing the files to parse ahead costs reads of its own
        prefetch.warm(
            [f for d in dirs if d in to_parse for f in tf_files(d)],
            [p for p in documents if text_may_be_template(p)],
            request.jobs,
        )
    sources: dict[str, ModuleSource] = {}
    with Progress(total=len(dirs)) as progress:
        for d in dirs:
            sources[d] = read_module(d) if d in to_parse else ModuleSource(dir=d)
            progress.step(d)
    called = _local_module_targets(sources)
    units: list[tuple[str, str, Facts]] = []
    for unit in discover.root_units(dirs, called):
        units.append((unit.kind, unit.path, _terraform_facts(sources[unit.path], request)))
    for path in documents:
        kind, doc_facts = _document_facts(path, request)
        # None: YAML/JSON that is neither a plan, a template nor a ClusterConfig, so not ours.
        units.extend((kind, path, facts) for facts in doc_facts or [])
    # A template followed as another's nested stack is analysed as part of it, not on its own
    # (alone, the parameters its parent passes are missing).
    included = {os.path.realpath(p) for _, _, facts in units for p in facts.included}
    units = [u for u in units if u[0] != "cloudformation" or os.path.realpath(u[1]) not in included]
    link_across_units([facts for kind, _, facts in units if kind in TERRAFORM_KINDS])
    results: list[UnitResult] = []
    for kind, path, facts in units:
        capacity = analyse(facts, request.options)
        results.append(UnitResult(kind, path, capacity, tuple(run_rules(capacity, request.options))))
    return LintResult(tuple(_qualify_branches(results)))


def _qualify_branches(results: list[UnitResult]) -> list[UnitResult]:
    """Say which branch each branch-only finding of a template occurs in (branches.qualify)."""
    by_path: dict[str, list[int]] = {}
    for i, r in enumerate(results):
        if r.capacity.facts.branch:
            by_path.setdefault(r.path, []).append(i)
    out = list(results)
    for indexes in by_path.values():
        qualified = qualify([(results[i].capacity.facts.branch, results[i].findings) for i in indexes])
        for i, found in zip(indexes, qualified, strict=True):
            out[i] = replace(results[i], findings=tuple(found))
    return out


# Units whose CNI add-ons may configure a cluster of another unit of the same run.
TERRAFORM_KINDS = frozenset({"terraform", "plan"})


def link_across_units(units: Sequence[Facts]) -> None:
    """Apply a CNI add-on of one root module to the cluster another root module declares.

    Repositories split the cluster and its add-ons into separate root modules
    (``network/``, ``eks/``, ``addons/``); an ``aws_eks_addon`` "vpc-cni" in ``addons/`` names
    its cluster by a value known statically (a literal, a variable default,
    ``data.aws_eks_cluster.x.name`` with a literal ``name``). A CNI source whose cluster reference
    matches no cluster of its own unit is applied to the cluster of another unit with that known
    name, after that cluster's own carriers (the add-on's root module is applied once the cluster
    exists), and the report names the file it came from. A name declared by clusters in several
    other units is ambiguous: an Unresolved says so instead of picking one. Unknown references
    (remote state outputs) and Kubernetes-side carriers (which name no cluster) are not linked.
    """
    for facts in units:
        for src in facts.cni_sources:
            ref = src.cluster_ref
            if not isinstance(ref, str) or not ref:
                continue
            if any(same_ref(ref, r) for c in facts.clusters for r in c.refs):
                continue
            targets = [
                other for other in units if other is not facts and any(c.name == ref for c in other.clusters)
            ]
            if len(targets) == 1:
                targets[0].cni_sources.append(
                    replace(src, description=f"{src.description} (from {src.span.path}, another root module)")
                )
            elif len(targets) > 1:
                facts.unresolved.append(
                    Unresolved(
                        f"the cluster that {src.address} configures",
                        f"cluster {ref} is declared in {len(targets)} root modules "
                        f"({', '.join(t.unit for t in targets)}), so this add-on is applied to none of them",
                        src.span,
                        src.address,
                    )
                )


def _document_facts(path: str, request: LintRequest) -> tuple[str, list[Facts] | None]:
    # A plan is JSON with format_version and planned_values: decided before CloudFormation, whose
    # loader would otherwise report it as a template it cannot read.
    plan = load_plan(path)
    if plan is not None:
        return "plan", [plan]
    facts = load_eksctl(path)
    if facts is not None:
        return "eksctl", [facts]
    return "cloudformation", load_cloudformation(path, request.parameters, request.nested_templates)


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
