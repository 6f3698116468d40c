"""EKSIP101: at max size, the warm pool alone (1 pod per node) exhausts a node group's subnet."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.records import Density, UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.rules._exhaustion import describe_subnets, suggest_fix
from eks_ip_lint.rules._format import n, per_node
from eks_ip_lint.values import Unknown

META = RuleMeta(
    id="EKSIP101",
    name="warm-pool-exhausts-subnet",
    severity=Severity.ERROR,
    summary="At the node groups' max size, the VPC CNI warm pool alone (1 pod per node) exhausts a subnet.",
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster in unit.clusters:
        for g in cluster.node_groups:
            at = g.at[Density.FLOOR]
            if at.exhaustion is None or isinstance(at.node, Unknown):
                continue
            message = (
                f"node group {g.fact.address} ({g.instance_type}, max {n(g.max_size)} nodes): the warm pool "
                f"alone holds {per_node(at.node, 'IPs per node')} at 1 pod ({cluster.cni.settings.describe()}), "
                f"so at max size {describe_subnets(at.exhaustion, Density.FLOOR)}; these subnets hold only "
                f"{n(at.supported)} nodes"
            )
            fix = suggest_fix(ctx, cluster, g, Density.FLOOR)
            yield RULE.finding(
                message, g.fact.max_size_span, address=g.fact.address, cluster=cluster.name, fix=fix
            )


RULE = Rule(META, check)
