"""EKSIP101: at max size, the warm pool alone (1 pod per node) exhausts a node group's subnet."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.records import Density, UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.rules._exhaustion import describe_subnets, exhaustions, suggest_fix
from eks_ip_lint.rules._format import n, per_node

META = RuleMeta(
    id="EKSIP101",
    name="warm-pool-exhausts-subnet",
    severity=Severity.ERROR,
    summary="At the node groups' max size, the VPC CNI warm pool alone (1 pod per node) exhausts a subnet.",
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for ex in exhaustions(unit, Density.FLOOR):
        g = ex.group
        message = (
            f"node group {g.fact.address} ({g.instance_type}, max {n(g.max_size)} nodes): the warm pool "
            f"alone holds {per_node(ex.node, 'IPs per node')} at 1 pod ({ex.cluster.cni.settings.describe()}), "
            f"so at max size {describe_subnets(ex, Density.FLOOR)}; these subnets hold only {n(ex.supported)} nodes"
        )
        fix = suggest_fix(unit, ex, Density.FLOOR, ctx)
        yield RULE.finding(
            message, g.fact.max_size_span, address=g.fact.address, cluster=ex.cluster.name, fix=fix
        )


RULE = Rule(META, check)
