"""What the text and markdown reports show of Karpenter and EKS Auto Mode node pools: one row per
pool, and the lines that say what the numbers assume."""

from __future__ import annotations

from eks_ip_lint.capacity.records import ClusterCapacity, Density, NodePoolCapacity
from eks_ip_lint.values import Unknown

HEADERS = [
    "node pool",
    "types",
    "max nodes",
    "IPs/node floor",
    "IPs/node conf.",
    "IPs at max conf.",
    "room left",
    "nodes fit conf.",
    "worst zone (fit)",
]
ZONE_ASSUMPTION = (
    "node pools: Karpenter does not balance zones, so each pool is also checked with all its nodes "
    "in its zone with the least room (worst zone); pools are checked one at a time beside the node "
    "groups and other consumers at max size"
)


def _n(v: int | Unknown | None) -> str:
    if v is None:
        return "-"
    return "?" if isinstance(v, Unknown) else f"{v:,}"


def name(p: NodePoolCapacity) -> str:
    kind = "auto-mode" if p.auto_mode else "karpenter"
    shown = p.fact.name if isinstance(p.fact.name, str) else p.fact.address
    return f"{shown} ({kind}{', built-in' if p.fact.built_in else ''})"


def row(p: NodePoolCapacity) -> list[str]:
    at = p.at[Density.CONFIGURED]
    floor = p.at[Density.FLOOR]
    worst = f"{at.worst_zone} ({_n(at.worst_zone_nodes)})" if at.worst_zone else "-"
    return [
        name(p),
        str(p.types_allowed),
        "unbounded" if p.ceiling is None else _n(p.ceiling),
        _n(floor.ips_per_node),
        _n(at.ips_per_node),
        _n(at.ips_at_ceiling),
        _n(at.room_total),
        _n(at.nodes_supported),
        worst,
    ]


def notes(c: ClusterCapacity) -> list[str]:
    """The lines under the table: Auto Mode, each pool's subnets and bound, what is not known."""
    out: list[str] = []
    if c.auto_mode is not None:
        pools = c.auto_mode.fact.node_pools
        shown = ", ".join(pools) if not isinstance(pools, Unknown) else "?"
        out.append(f"EKS Auto Mode ({c.auto_mode.fact.source}): built-in pools {shown or 'none'}")
        out.extend(c.auto_mode.notes)
    if c.node_pools:
        out.append(ZONE_ASSUMPTION)
    for p in c.node_pools:
        if p.problem is not None:
            out.append(f"{name(p)}: not checked: {p.problem.reason}")
            continue
        bound = "unbounded" if p.ceiling is None else p.ceiling_source
        out.append(f"{name(p)}: {bound}; subnets from {p.subnets_source}; max pods {p.max_pods_source}")
    return out
