"""EKSIP001: a node group names an instance type that is not in the VPC CNI's limits table."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity import instance_types
from eks_ip_lint.capacity.records import UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta

META = RuleMeta(
    id="EKSIP001",
    name="unknown-instance-type",
    severity=Severity.WARNING,
    summary="A node group uses an instance type whose ENI and IP limits are unknown, so it is not checked.",
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for group, type_name, suggestions in unit.unknown_instance_types:
        hint = f"; did you mean {' or '.join(suggestions[:3])}?" if suggestions else ""
        yield RULE.finding(
            f"node group {group.address}: instance type {type_name!r} is not in the instance limits table "
            f"({len(instance_types.all_types()):,} types from the VPC CNI and Karpenter){hint}",
            group.instance_types_span,
            address=group.address,
            fix=f"use a valid EC2 instance type{' such as ' + suggestions[0] if suggestions else ''}",
        )


RULE = Rule(META, check)
