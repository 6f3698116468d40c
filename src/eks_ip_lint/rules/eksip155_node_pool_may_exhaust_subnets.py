"""EKSIP155: a NodePool at its limits exhausts its subnets at the configured pod density, or when
its nodes skew to the zone with the least room (Karpenter does not balance zones)."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.analysis import UnitCapacity
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules import _node_pools as pools
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.rules._format import n

META = RuleMeta(
    id="EKSIP155",
    name="node-pool-may-exhaust-subnets",
    severity=Severity.WARNING,
    summary=(
        "A Karpenter or Auto Mode NodePool at its limits exhausts its subnets at the configured pod "
        "density, or when its nodes skew to the zone with the least room."
    ),
    inputs=("Terraform", "Kubernetes manifests"),
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster, pool in pools.bounded_pools(unit):
        floor = pool.at[Density.FLOOR]
        if pools.over(floor, floor.room_total):
            continue  # EKSIP150's finding
        configured = pool.at[Density.CONFIGURED]
        density = Density.CONFIGURED if isinstance(configured.ips_at_ceiling, int) else Density.FLOOR
        at = pool.at[density]
        if pools.over(at, at.room_total):
            message = (
                f"its {pools.subnets_have(pool)} {n(at.room_total)} IPs left beside the "
                f"node groups at max size: they hold {n(at.nodes_supported)} such nodes"
            )
            room, nodes = at.room_total, at.nodes_supported
        elif len(pool.zones) > 1 and pools.over(at, at.worst_zone_room):
            message = (
                f"Karpenter does not balance zones, and zone {at.worst_zone} has {n(at.worst_zone_room)} "
                f"IPs left ({n(at.worst_zone_nodes)} such nodes) if the nodes land there"
            )
            room, nodes = at.worst_zone_room, at.worst_zone_nodes
        else:
            continue
        yield RULE.finding(
            f"{pools.name(pool)}: {pools.ceiling_text(pool, density)}, but {message}",
            pool.fact.limits_span,
            address=pool.fact.address,
            cluster=cluster.name,
            fix=pools.fix(pool, room, nodes, density),
        )


RULE = Rule(META, check)
