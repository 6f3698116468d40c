"""What EKSIP150 and EKSIP155 share: the node pools whose ceiling the model could check, and how
their numbers read in a message."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.records import (
    ClusterCapacity,
    Density,
    NodePoolCapacity,
    PoolAtDensity,
    UnitCapacity,
)
from eks_ip_lint.rules._format import n, plural
from eks_ip_lint.values import Unknown


def bounded_pools(unit: UnitCapacity) -> Iterator[tuple[ClusterCapacity, NodePoolCapacity]]:
    """Pools with a known ceiling and subnets the model could check."""
    for cluster in unit.clusters:
        for pool in cluster.node_pools:
            if pool.problem is None and isinstance(pool.ceiling, int):
                yield cluster, pool


def over(at: PoolAtDensity, room: int | Unknown) -> bool:
    return isinstance(at.ips_at_ceiling, int) and isinstance(room, int) and at.ips_at_ceiling > room


def name(pool: NodePoolCapacity) -> str:
    kind = "EKS Auto Mode node pool" if pool.auto_mode else "Karpenter NodePool"
    shown = pool.fact.name if isinstance(pool.fact.name, str) else pool.fact.address
    return f"{kind} {shown}"


def ceiling_text(pool: NodePoolCapacity, density: Density) -> str:
    at = pool.at[density]
    pods = "1 pod per node" if density is Density.FLOOR else "the configured pod density"
    return (
        f"at its ceiling of {n(pool.ceiling) if pool.ceiling is not None else 'no'} nodes "
        f"({pool.ceiling_source}) it holds up to {n(at.ips_at_ceiling or 0)} IPs at {pods} "
        f"({at.heaviest_type}: {n(at.ips_per_node)} IPs per node)"
    )


def fix(pool: NodePoolCapacity, room: int | Unknown, nodes: int | Unknown, density: Density) -> str:
    at = pool.at[density]
    return (
        f"lower the pool's spec.limits so that it stays within {n(room)} IPs (about "
        f"{n(nodes)} nodes of {at.heaviest_type}), narrow its requirements to types "
        "that hold fewer IPs, or select larger subnets in its NodeClass (subnetSelectorTerms)"
    )


def subnets_have(pool: NodePoolCapacity) -> str:
    count = len(pool.subnets)
    return f"{plural(count, 'subnet')} {'has' if count == 1 else 'have'}"
