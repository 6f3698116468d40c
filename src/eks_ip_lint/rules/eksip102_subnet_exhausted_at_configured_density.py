"""EKSIP102: at max size and the configured pod density, a node group's subnet is exhausted."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.records import Density, UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.rules._exhaustion import describe_subnets, suggest_fix
from eks_ip_lint.rules._format import n, per_node
from eks_ip_lint.values import Unknown

META = RuleMeta(
    id="EKSIP102",
    name="subnet-exhausted-at-configured-density",
    severity=Severity.WARNING,
    summary="At the node groups' max size and the configured pods per node, a subnet runs out of IPs.",
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    density = (
        "full nodes" if ctx.options.pods_per_node is None else f"--pods-per-node {ctx.options.pods_per_node}"
    )
    for cluster in unit.clusters:
        for g in cluster.node_groups:
            at = g.at[Density.CONFIGURED]
            # A group whose floor already exhausts a subnet is EKSIP101's; one finding per cause.
            if (
                at.exhaustion is None
                or isinstance(at.node, Unknown)
                or g.at[Density.FLOOR].exhaustion is not None
            ):
                continue
            message = (
                f"node group {g.fact.address} ({g.instance_type}, max {n(g.max_size)} nodes): with "
                f"{n(at.pods)} pods per node ({density}; max pods {n(g.max_pods)}) a node holds "
                f"{per_node(at.node)}, so at max size {describe_subnets(at.exhaustion, Density.CONFIGURED)}; "
                f"these subnets hold {n(at.supported)} such nodes"
            )
            fix = suggest_fix(ctx, cluster, g, Density.CONFIGURED)
            yield RULE.finding(
                message, g.fact.max_size_span, address=g.fact.address, cluster=cluster.name, fix=fix
            )


RULE = Rule(META, check)
