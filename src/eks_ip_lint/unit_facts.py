"""The facts of one source: a Terraform module directory or a YAML/JSON document.

What the engine runs for a source the unit cache has no valid result for. Kept apart from
``engine`` so that a run served from the cache never imports the evaluator, the readers and the
rules (about half of a warm run's imports).
"""

from __future__ import annotations

from eks_ip_lint.capacity.analysis import Options, UnitCapacity
from eks_ip_lint.facts import terraform as tf_facts
from eks_ip_lint.facts.cloudformation import load_cloudformation, text_may_be_template
from eks_ip_lint.facts.eksctl import load_eksctl
from eks_ip_lint.facts.model import Facts, InputProblem
from eks_ip_lint.facts.plan import load_plan
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules import ALL_RULES, RuleContext
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.module import ModuleEvaluation
from eks_ip_lint.terraform.module_source import ModuleSource, may_hold_capacity_facts, read_module, tf_files
from eks_ip_lint.terraform.variable_inputs import VariableInputs
from eks_ip_lint.terraform.variables import resolve_variables

# Also what the engine's parse-ahead needs to pick files, so it imports them from here.
__all__ = ["may_hold_capacity_facts", "text_may_be_template", "tf_files"]


def read_source(directory: str) -> ModuleSource:
    """The parsed module, or an empty one when no file of it can hold capacity facts (the
    prefilter: such a module is never parsed)."""
    return read_module(directory) if may_hold_capacity_facts(directory) else ModuleSource(dir=directory)


def local_calls(source: ModuleSource) -> tuple[str, ...]:
    """The literal local sources (``./x``, ``../x``) of the module's calls, as written."""
    out: list[str] = []
    for placed in source.module_calls.values():
        attr = placed.block.body.attributes.get("source")
        value = getattr(attr.expr, "value", None) if attr is not None else None
        if isinstance(value, str) and value.startswith(("./", "../")):
            out.append(value)
    return tuple(out)


def terraform_facts(source: ModuleSource, variables_in: VariableInputs, workspace: str) -> Facts:
    variables = resolve_variables(source, variables_in)
    evaluation = ModuleEvaluation(source, variables.values, workspace=workspace)
    facts = tf_facts.extract(evaluation, source.dir)
    for err in [*source.errors, *variables.errors]:
        facts.problems.append(InputProblem(err.message, SourceSpan(err.path, err.line)))
    return facts


def document_facts(
    path: str, parameters: dict[str, str], nested_templates: dict[str, str]
) -> tuple[str, list[Facts] | None]:
    """The kind of document and its facts; None when it is neither a plan, a template nor a
    ClusterConfig (YAML/JSON that is not ours)."""
    # A plan is JSON with format_version and planned_values: decided before CloudFormation, whose
    # loader would otherwise report it as a template it cannot read.
    plan = load_plan(path)
    if plan is not None:
        return "plan", [plan]
    facts = load_eksctl(path)
    if facts is not None:
        return "eksctl", [facts]
    return "cloudformation", load_cloudformation(path, parameters, nested_templates)


def run_rules(capacity: UnitCapacity, options: Options) -> list[Finding]:
    """Every rule over one analysed unit; a crash in one rule is a finding of that rule, and the
    others still report."""
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
