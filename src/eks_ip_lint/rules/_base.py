"""What a rule is: metadata plus a pure function from the capacity model to findings.

Rules keep no state between runs (a module-level ``RULE`` with a plain ``check`` function), so
the CLI, the checkov adapter and the cfn-lint adapter can share them. Everything listed about
rules elsewhere (``--list-rules``, docs/rules/index.md, plugin ID maps) is generated from ``meta``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from eks_ip_lint.capacity.options import Options
from eks_ip_lint.capacity.records import UnitCapacity
from eks_ip_lint.capacity.what_if import WhatIf
from eks_ip_lint.findings import Finding, RelatedLocation, Severity
from eks_ip_lint.span import SourceSpan

# The inputs a rule over the capacity model sees: every kind builds the same model, so a rule's
# findings can come from any of them. A rule that reads one kind's facts names its own.
ALL_INPUTS = ("Terraform", "Terragrunt", "Terraform plan", "CloudFormation", "eksctl")


@dataclass(frozen=True)
class RuleMeta:
    id: str  # EKSIP<nnn>: 0xx input and extraction, 1xx subnet capacity, 2xx CNI configuration
    name: str  # kebab-case, names the flagged pattern
    severity: Severity  # default; configuration may change it
    summary: str  # one sentence, shown by --list-rules and in SARIF
    since: str = "0.1.0"
    inputs: tuple[str, ...] = ALL_INPUTS

    @property
    def docs_path(self) -> str:
        return f"docs/rules/{self.id}.md"


@dataclass(frozen=True)
class RuleContext:
    """What rules get besides the unit: the run's options, and the model's re-analysis service
    for this unit (``capacity.what_if``: a suggested fix is offered once it is verified)."""

    options: Options
    what_if: WhatIf


CheckFn = Callable[[UnitCapacity, RuleContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    meta: RuleMeta
    check: CheckFn

    def finding(
        self,
        message: str,
        span: SourceSpan,
        *,
        address: str | None = None,
        cluster: str | None = None,
        fix: str | None = None,
        related: tuple[RelatedLocation, ...] = (),
    ) -> Finding:
        return Finding(
            self.meta.id, self.meta.severity, message, span, address, cluster, fix, related=related
        )
