"""EKSIP150: a NodePool at its limits needs more IPs than its subnets have left, even at 1 pod per
node and with its nodes spread over every zone."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.analysis import UnitCapacity
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules import _node_pools as pools
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.rules._format import n

META = RuleMeta(
    id="EKSIP150",
    name="node-pool-exhausts-subnets",
    severity=Severity.ERROR,
    summary=(
        "A Karpenter or Auto Mode NodePool at its limits needs more IPs than its subnets have left, "
        "even at 1 pod per node and spread over every zone."
    ),
    inputs=("Terraform", "Kubernetes manifests"),
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster, pool in pools.bounded_pools(unit):
        at = pool.at[Density.FLOOR]
        if not pools.over(at, at.room_total):
            continue
        yield RULE.finding(
            f"{pools.name(pool)}: {pools.ceiling_text(pool, Density.FLOOR)}, but its "
            f"{pools.subnets_have(pool)} {n(at.room_total)} IPs left beside the node "
            f"groups at max size: they hold {n(at.nodes_supported)} such nodes even spread over "
            f"every zone",
            pool.fact.limits_span,
            address=pool.fact.address,
            cluster=cluster.name,
            fix=pools.fix(pool, at.room_total, at.nodes_supported, Density.FLOOR),
        )


RULE = Rule(META, check)
