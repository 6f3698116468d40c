"""EKSIP101: at max size, the warm pool alone (1 pod per node) exhausts a node group's subnet.

One finding per cluster: at the group's max-size line when one group does it, at the cluster
(each group's max-size line a related location) when several do (rules/_exhaustion.py)."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity import plans
from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.records import Density, UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.rules._exhaustion import (
    describe_subnets,
    exhausted_subnets,
    exhausting,
    exhaustion_finding,
    node_of,
    suggest_fix,
    sum_max,
)
from eks_ip_lint.rules._format import n, per_node

META = RuleMeta(
    id="EKSIP101",
    name="warm-pool-exhausts-subnet",
    severity=Severity.ERROR,
    summary="At the node groups' max size, the VPC CNI warm pool alone (1 pod per node) exhausts a subnet.",
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster in unit.clusters:
        groups = exhausting(cluster, Density.FLOOR)
        if not groups:
            continue
        fix = suggest_fix(ctx, cluster, groups, Density.FLOOR)
        if len(groups) == 1:
            [g] = groups
            at = g.at[Density.FLOOR]
            assert at.exhaustion is not None and isinstance(at.node, NodeIps)
            message = (
                f"node group {g.fact.address} ({g.instance_type}, max {n(g.max_size)} nodes): the warm pool "
                f"alone holds {per_node(at.node, 'IPs per node')} at 1 pod ({cluster.cni.settings.describe()}), "
                f"so at max size {describe_subnets(at.exhaustion, Density.FLOOR)}; these subnets hold only "
                f"{n(at.supported)} nodes"
            )
            yield exhaustion_finding(RULE, cluster, groups, message, fix)
            continue
        members = "; ".join(
            f"{g.fact.address} ({g.instance_type}, max {n(g.max_size)}, "
            f"{per_node(node_of(g, Density.FLOOR), 'IPs per node')})"
            for g in groups
        )
        bad = exhausted_subnets(cluster, groups, Density.FLOOR)
        message = (
            f"cluster {cluster.name}: {len(groups)} node groups share subnets that the warm pool alone "
            f"(1 pod per node, {cluster.cni.settings.describe()}) exhausts at their max sizes: {members}. "
            f"At max size {describe_subnets(bad, Density.FLOOR)}; grown together in proportion to their max "
            f"sizes, these groups fit {n(plans.scaled_total(cluster, groups, Density.FLOOR))} nodes of the "
            f"{n(sum_max(groups))} they may scale to"
        )
        yield exhaustion_finding(RULE, cluster, groups, message, fix)


RULE = Rule(META, check)
