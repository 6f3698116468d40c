"""Shared by EKSIP101 (floor) and EKSIP102 (configured density): which subnets a node group
exhausts at max size, and the concrete change that removes the problem, verified by re-analysis."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.records import (
    ClusterCapacity,
    Density,
    NodeGroupCapacity,
    SubnetCapacity,
    UnitCapacity,
)
from eks_ip_lint.capacity.subnets import smallest_prefix_for
from eks_ip_lint.rules._base import RuleContext
from eks_ip_lint.rules._format import n
from eks_ip_lint.values import Unknown

# A low-waste warm pool: 2 spare IPs, never fewer than 10 allocated. WARM_IP_TARGET avoids the
# MINIMUM-only trap (EKSIP201); 10 keeps small bursts served without an EC2 call
# (aws/amazon-vpc-cni-k8s docs/eni-and-ip-target.md discusses exactly these two knobs).
SUGGESTED_ENV = {"WARM_IP_TARGET": "2", "MINIMUM_IP_TARGET": "10"}


@dataclass(frozen=True)
class Exhaustion:
    cluster: ClusterCapacity
    group: NodeGroupCapacity
    subnets: tuple[SubnetCapacity, ...]  # subnets this group uses whose demand exceeds supply
    node: NodeIps
    supported: int | Unknown


def node_at(group: NodeGroupCapacity, density: Density) -> NodeIps | None:
    node = group.at[density].node
    return node if isinstance(node, NodeIps) else None


def _demand(s: SubnetCapacity, density: Density) -> int | Unknown:
    return s.demand[density]


def exhaustions(unit: UnitCapacity, density: Density) -> Iterator[Exhaustion]:
    for cluster in unit.clusters:
        for g in cluster.node_groups:
            node = node_at(g, density)
            if not g.analysed or node is None or not isinstance(g.max_size, int):
                continue
            bad = []
            for s in cluster.subnets:
                if g.nodes_at_max.get(s.fact.address, 0) <= 0 or isinstance(s.usable, Unknown):
                    continue
                d = _demand(s, density)
                if isinstance(d, int) and d > s.usable:
                    bad.append(s)
            if bad:
                yield Exhaustion(cluster, g, tuple(bad), node, g.at[density].supported)


def _still_exhausted(
    again: UnitCapacity, ex: Exhaustion, density: Density
) -> tuple[bool, NodeGroupCapacity | None]:
    for e in exhaustions(again, density):
        if e.group.fact.address == ex.group.fact.address:
            return True, e.group
    for c in again.clusters:
        for g in c.node_groups:
            if g.fact.address == ex.group.fact.address:
                return False, g
    return False, None


def suggest_fix(unit: UnitCapacity, ex: Exhaustion, density: Density, ctx: RuleContext) -> str:
    """The first change that makes the finding go away (checked by re-running the analysis),
    followed by the always-valid alternatives: a smaller max size, or bigger subnets."""
    fixes: list[str] = []
    env = ex.cluster.cni.env
    already = all(env.get(k) == v for k, v in SUGGESTED_ENV.items())
    if not already and ex.cluster.ip_family != "ipv6":
        again = unit.what_if.with_env(ex.cluster.name, SUGGESTED_ENV)
        exhausted, after = _still_exhausted(again, ex, density)
        if not exhausted and after is not None:
            new_node = node_at(after, density)
            per_node = new_node.total_ips if new_node is not None else 0
            supported = after.at[density].supported
            where = (
                "the vpc-cni add-on's configuration_values env"
                if ex.cluster.cni.span
                else "the vpc-cni add-on env"
            )
            fixes.append(
                f"set WARM_IP_TARGET=2 and MINIMUM_IP_TARGET=10 in {where}: the {density.value} drops to "
                f"{n(per_node)} IPs per node and {n(supported)} nodes fit (max size {n(ex.group.max_size)})"
            )
    if isinstance(ex.supported, int):
        fixes.append(f"lower {ex.group.fact.max_size_key} to {ex.supported:,}")
    worst = max((_demand(s, density) for s in ex.subnets), key=lambda d: d if isinstance(d, int) else 0)
    if isinstance(worst, int):
        p = smallest_prefix_for(worst)
        fixes.append(
            f"give each subnet at least {worst:,} usable IPs (a /{p} instead of a /{ex.subnets[0].prefixlen})"
        )
    return "; or ".join(fixes)


def describe_subnets(ex: Exhaustion, density: Density) -> str:
    parts = []
    for s in ex.subnets:
        d = _demand(s, density)
        cidr = s.fact.cidr if isinstance(s.fact.cidr, str) else "unknown CIDR"
        shared = "" if len(s.contributors) <= 1 else f", shared by {len(s.contributors)} node groups"
        parts.append(f"{s.fact.address} ({cidr}, {n(s.usable)} usable IPs{shared}) needs {n(d)}")
    return "; ".join(parts)
