"""Demand at max size: with every node group at its max size, the IPs each subnet pays for.

demand[subnet] = sum over the groups that can be placed of charges(spread(max size), node) at the
subnet (placement.py): node subnets pay ``node_subnet_ips`` per node placed in them, and with
custom networking the ENIConfig subnet of each AZ pays ``eniconfig_subnet_ips`` for the nodes of
that AZ (vpc-cni-model.md §1.11, §8b step 4). Groups of every cluster add up in a shared subnet.
A subnet's free IPs are its room less that demand (§4, §8b step 5). At a density where some
group's node cannot be known, the subnets that group takes IPs from have an Unknown demand.

With prefix delegation a subnet must also supply aligned /28 blocks (§1.5, §4): per node in PD
mode, ``prefixes`` blocks go to the subnet holding its pod ENIs (its own, or the ENIConfig subnet
with custom networking), and every other address it takes there is a single /32 (node IP, ENI
primaries). The blocks needed are compared with ``subnets.prefixes_available(prefix, singles)``,
the most that can stay free; each group counts at the configured density, or at the floor when
that is unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from eks_ip_lint.capacity import subnets
from eks_ip_lint.capacity.cni import IpMode, NodeIps
from eks_ip_lint.capacity.node_groups import SizedGroup
from eks_ip_lint.capacity.placement import charges, spread
from eks_ip_lint.capacity.records import Contribution, Density, Exhaustion, PrefixDemand, SubnetCapacity
from eks_ip_lint.facts.model import SubnetFact
from eks_ip_lint.values import Unknown


@dataclass(frozen=True)
class AtMax:
    """Every placeable group at its max size: where its nodes are and what they take."""

    placed: Mapping[str, Mapping[str, int]]  # group -> node subnet -> nodes
    # group -> the subnets it takes IPs from (its node subnets, and its ENIConfig subnets)
    paying: Mapping[str, tuple[str, ...]]
    own: Mapping[Density, Mapping[str, Mapping[str, int] | Unknown]]  # group -> subnet -> IPs
    demand: Mapping[Density, Mapping[str, int | Unknown]]  # subnet -> IPs of every group


def at_max(groups: Sequence[SizedGroup]) -> AtMax:
    """Demand per subnet with every group at max size (the groups that can be placed)."""
    placed: dict[str, dict[str, int]] = {}
    paying: dict[str, tuple[str, ...]] = {}
    own: dict[Density, dict[str, Mapping[str, int] | Unknown]] = {d: {} for d in Density}
    for g in groups:
        floor = g.nodes[Density.FLOOR]
        if g.problem is not None or not isinstance(g.fact.max_size, int) or isinstance(floor, Unknown):
            continue
        at_max = spread(g.fact.max_size, g.subnets)
        placed[g.fact.address] = at_max
        # The floor node is always known for a placed group; where it takes IPs is where its
        # nodes take them at any density.
        paying[g.fact.address] = tuple(charges(at_max, floor, g.pod_subnets)[0])
        for density in Density:
            node = g.nodes[density]
            own[density][g.fact.address] = (
                charges(at_max, node, g.pod_subnets)[0] if isinstance(node, NodeIps) else node
            )
    demand: dict[Density, dict[str, int | Unknown]] = {}
    for density in Density:
        total: dict[str, int | Unknown] = {}
        for address, ips in own[density].items():
            for addr in paying[address]:
                prev = total.get(addr, 0)
                if isinstance(prev, Unknown):
                    continue
                total[addr] = (
                    Unknown(f"{density.value} density unknown", cause=ips.cause)
                    if isinstance(ips, Unknown)
                    else prev + ips.get(addr, 0)
                )
        demand[density] = total
    return AtMax(placed, paying, own, demand)


def contributions(g: SizedGroup, addr: str, at_max: AtMax) -> list[Contribution]:
    """What ``addr`` pays for of group ``g``: its nodes in it, and (custom networking) the nodes
    whose pod IPs it pays for as an ENIConfig subnet."""
    placed = at_max.placed.get(g.fact.address)
    floor = g.nodes[Density.FLOOR]
    if placed is None or isinstance(floor, Unknown):
        return []

    def per_node(part: Callable[[NodeIps], int]) -> dict[Density, int | Unknown]:
        out: dict[Density, int | Unknown] = {}
        for density in Density:
            node = g.nodes[density]
            out[density] = (
                part(node)
                if isinstance(node, NodeIps)
                else Unknown(f"{density.value} density unknown", cause=node.cause)
            )
        return out

    out: list[Contribution] = []
    here = placed.get(addr, 0)
    if here > 0:
        out.append(Contribution(g.fact.address, here, per_node(lambda n: n.node_subnet_ips)))
    pods = sum(k for a, k in placed.items() if g.pod_subnets.get(a) == addr)
    if pods > 0 and floor.eniconfig_subnet_ips > 0:
        out.append(Contribution(g.fact.address, pods, per_node(lambda n: n.eniconfig_subnet_ips)))
    return out


def nodes_at_max(g: SizedGroup, at_max: AtMax) -> dict[str, int]:
    placed = at_max.placed.get(g.fact.address, {})
    out = dict(placed)
    floor = g.nodes[Density.FLOOR]
    for addr, k in placed.items():
        target = g.pod_subnets.get(addr)
        if isinstance(target, str) and isinstance(floor, NodeIps) and floor.eniconfig_subnet_ips > 0:
            out[target] = out.get(target, 0) + k
    return out


def subnet_capacity(
    s: SubnetFact,
    usable: int | Unknown,
    groups: Sequence[SizedGroup],
    at_max: AtMax,
    *,
    cluster_subnet: bool,
) -> SubnetCapacity:
    """A subnet at max size: its room, what every group takes from it, and who takes it."""
    contributors = tuple(c for g in groups for c in contributions(g, s.address, at_max))
    need = {d: at_max.demand[d].get(s.address, 0) for d in Density}
    free: dict[Density, int | Unknown] = {}
    for d, ips in need.items():
        free[d] = usable if isinstance(usable, Unknown) else ips if isinstance(ips, Unknown) else usable - ips
    return SubnetCapacity(
        fact=s,
        az=subnets.az_label(s),
        prefixlen=subnets.prefixlen(s),
        usable=usable,
        demand=need,
        free=free,
        contributors=contributors,
        cluster_subnet=cluster_subnet,
        prefix_demand=prefix_demand(s, groups, at_max) if contributors else None,
    )


def _prefix_charges(g: SizedGroup, addr: str, at_max: AtMax) -> tuple[int, int, bool]:
    """(/28 prefixes, single /32s, counted at the floor) that group ``g`` at max size puts into
    subnet ``addr``: its nodes placed there, and with custom networking the pod ENIs of the nodes
    whose ENIConfig subnet it is."""
    placed = at_max.placed.get(g.fact.address)
    configured = g.nodes[Density.CONFIGURED]
    node = configured if isinstance(configured, NodeIps) else g.nodes[Density.FLOOR]
    at_floor = isinstance(configured, Unknown)
    if placed is None or isinstance(node, Unknown) or node.mode is not IpMode.PREFIX or node.prefixes is None:
        return 0, 0, at_floor
    prefix_ips = subnets.IPS_PER_PREFIX * node.prefixes
    here = placed.get(addr, 0)
    if node.eniconfig_subnet_ips > 0:  # custom networking: the prefixes live in the ENIConfig subnet
        pods_here = sum(k for a, k in placed.items() if g.pod_subnets.get(a) == addr)
        singles = here * node.node_subnet_ips + pods_here * (node.eniconfig_subnet_ips - prefix_ips)
        return pods_here * node.prefixes, singles, at_floor
    return here * node.prefixes, here * (node.node_subnet_ips - prefix_ips), at_floor


def prefix_demand(s: SubnetFact, groups: Sequence[SizedGroup], at_max: AtMax) -> PrefixDemand | None:
    """The /28 prefixes the groups at max size need in ``s``; None when its CIDR is unknown or no
    group places prefixes in it."""
    p = subnets.prefixlen(s)
    if p is None:
        return None
    prefixes = singles = 0
    culprits: list[SizedGroup] = []
    at_floor = False
    for g in groups:
        blocks, single, floor = _prefix_charges(g, s.address, at_max)
        prefixes += blocks
        singles += single
        if blocks > 0:
            culprits.append(g)
            at_floor = at_floor or floor
    if not culprits:
        return None
    # The blocks, plus room for the /32s and the reserved addresses.
    need_ips = prefixes * subnets.IPS_PER_PREFIX + singles + subnets.IPS_PER_PREFIX
    return PrefixDemand(
        groups=tuple(g.fact for g in culprits),
        prefixes=prefixes,
        singles=singles,
        blocks=subnets.prefix_blocks(p),
        available=subnets.prefixes_available(p, singles),
        at_floor=at_floor,
        prefixlen_for_all=subnets.smallest_prefix_for(need_ips),
    )


def exhaustion(
    nodes_at_max: Mapping[str, int], cluster_subnets: Sequence[SubnetCapacity], density: Density
) -> Exhaustion | None:
    """The subnets among ``cluster_subnets`` that a group with ``nodes_at_max`` takes IPs from and
    whose demand at ``density`` exceeds their room (both known); None when there are none."""
    bad = []
    for s in cluster_subnets:
        need = s.demand[density]
        if nodes_at_max.get(s.fact.address, 0) <= 0 or isinstance(s.usable, Unknown):
            continue
        if isinstance(need, int) and need > s.usable:
            bad.append((s, need))
    if not bad:
        return None
    largest = max(need for _, need in bad)
    return Exhaustion(tuple(s for s, _ in bad), largest, subnets.smallest_prefix_for(largest))
