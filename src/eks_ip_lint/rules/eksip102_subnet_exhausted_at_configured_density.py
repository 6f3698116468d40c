"""EKSIP102: at max size and the configured pod density, a node group's subnet is exhausted."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity import plans
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
        # A group whose floor already exhausts a subnet is EKSIP101's; one finding per cause.
        groups = exhausting(cluster, Density.CONFIGURED)
        if not groups:
            continue
        fix = suggest_fix(ctx, cluster, groups, Density.CONFIGURED)
        if len(groups) == 1:
            [g] = groups
            at = g.at[Density.CONFIGURED]
            assert at.exhaustion is not None
            message = (
                f"node group {g.fact.address} ({g.instance_type}, max {n(g.max_size)} nodes): with "
                f"{n(at.pods)} pods per node ({density}; max pods {n(g.max_pods)}) a node holds "
                f"{per_node(node_of(g, Density.CONFIGURED))}, so at max size "
                f"{describe_subnets(at.exhaustion, Density.CONFIGURED)}; these subnets hold {n(at.supported)} "
                "such nodes"
            )
            yield exhaustion_finding(RULE, cluster, groups, message, fix)
            continue
        members = "; ".join(
            f"{g.fact.address} ({g.instance_type}, max {n(g.max_size)}, {n(g.at[Density.CONFIGURED].pods)} "
            f"pods per node of max pods {n(g.max_pods)}: {per_node(node_of(g, Density.CONFIGURED))})"
            for g in groups
        )
        bad = exhausted_subnets(cluster, groups, Density.CONFIGURED)
        message = (
            f"cluster {cluster.name}: {len(groups)} node groups share subnets that run out at their max sizes "
            f"with the configured pods per node ({density}): {members}. At max size "
            f"{describe_subnets(bad, Density.CONFIGURED)}; grown together in proportion to their max sizes, "
            f"these groups fit {n(plans.scaled_total(cluster, groups, Density.CONFIGURED))} such nodes of the "
            f"{n(sum_max(groups))} they may scale to"
        )
        yield exhaustion_finding(RULE, cluster, groups, message, fix)


RULE = Rule(META, check)
