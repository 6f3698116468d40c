"""EKSIP000: a file that cannot be read or parsed."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.records import UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta

META = RuleMeta(
    id="EKSIP000",
    name="unparseable-file",
    severity=Severity.ERROR,
    summary="A file cannot be read or parsed, so the clusters it declares are not checked.",
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for problem in unit.facts.problems:
        if problem.consequence:
            yield RULE.finding(f"{problem.message}; {problem.consequence}", problem.span)
        elif problem.skipped:
            yield RULE.finding(f"{problem.message}; this file was not analysed", problem.span)
        else:  # read, but Terraform would refuse it: what depends on it is unknown
            yield RULE.finding(f"{problem.message}; Terraform would refuse this configuration", problem.span)


RULE = Rule(META, check)
