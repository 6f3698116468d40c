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

Every other consumer of a subnet's IPs (consumers.py: endpoints, NAT gateways, load balancers,
reservations; and whatever else an analysis places there) is a :class:`Contribution` that
:func:`with_consumers` adds to the demand: the node-count searches then see it as they see the
other groups, and its single addresses count against the free /28 blocks.

Against that demand each group gets its record (group_capacity): per density, the node count
that fits beside every other group at max size (placement.group_supported) and the subnets it
exhausts; and the form in which it joins its cluster's search (cluster_member).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from eks_ip_lint.capacity import placement, subnets
from eks_ip_lint.capacity.cni import IpMode, NodeIps
from eks_ip_lint.capacity.node_groups import SizedGroup
from eks_ip_lint.capacity.placement import charges, spread
from eks_ip_lint.capacity.records import (
    DENSITIES,
    Contribution,
    Density,
    Exhaustion,
    GroupAtDensity,
    NodeGroupCapacity,
    PrefixDemand,
    SubnetCapacity,
)
from eks_ip_lint.capacity.update_surge import update_surge
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
    contributors: Mapping[str, tuple[Contribution, ...]]  # subnet -> who pays there, group by group


def at_max(groups: Sequence[SizedGroup]) -> AtMax:
    """Demand per subnet with every group at max size (the groups that can be placed)."""
    placed: dict[str, dict[str, int]] = {}
    paying: dict[str, tuple[str, ...]] = {}
    own: dict[Density, dict[str, Mapping[str, int] | Unknown]] = {d: {} for d in DENSITIES}
    contributors: dict[str, list[Contribution]] = {}
    for g in groups:
        floor = g.nodes[Density.FLOOR]
        if g.problem is not None or not isinstance(g.fact.max_size, int) or isinstance(floor, Unknown):
            continue
        nodes = spread(g.fact.max_size, g.subnets)
        placed[g.fact.address] = nodes
        # The floor node is always known for a placed group; where it takes IPs is where its
        # nodes take them at any density.
        paying[g.fact.address] = tuple(charges(nodes, floor, g.pod_subnets)[0])
        for addr, contribution in _contributions(g, nodes, floor):
            contributors.setdefault(addr, []).append(contribution)
        for density in DENSITIES:
            node = g.nodes[density]
            own[density][g.fact.address] = (
                charges(nodes, node, g.pod_subnets)[0] if isinstance(node, NodeIps) else node
            )
    demand: dict[Density, dict[str, int | Unknown]] = {}
    for density in DENSITIES:
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
    return AtMax(placed, paying, own, demand, {a: tuple(c) for a, c in contributors.items()})


def with_consumers(at_max: AtMax, extra: Mapping[str, Sequence[Contribution]]) -> AtMax:
    """``at_max`` with other consumers' contributions (subnet -> contributions) added to the
    demand of their subnets and to their contributors, after the node groups'."""
    if not extra:
        return at_max
    demand: dict[Density, dict[str, int | Unknown]] = {d: dict(at_max.demand[d]) for d in DENSITIES}
    contributors = dict(at_max.contributors)
    for addr, added in extra.items():
        contributors[addr] = (*contributors.get(addr, ()), *added)
        for d in DENSITIES:
            total = demand[d].get(addr, 0)
            for c in added:
                if isinstance(total, Unknown):
                    break
                ips = c.ips(d)
                total = ips if isinstance(ips, Unknown) else total + ips
            demand[d][addr] = total
    return replace(at_max, demand=demand, contributors=contributors)


def prefix_ips(groups: Sequence[SizedGroup], at_max: AtMax) -> dict[Density, dict[str, int]]:
    """Per density, subnet -> the IPs groups in prefix mode place there as /28 prefixes at max
    size (known nodes only)."""
    out: dict[Density, dict[str, int]] = {d: {} for d in DENSITIES}
    for g in groups:
        placed = at_max.placed.get(g.fact.address)
        if placed is None:
            continue
        for d in DENSITIES:
            node = g.nodes[d]
            if not isinstance(node, NodeIps) or node.mode is not IpMode.PREFIX or not node.prefixes:
                continue
            for addr, k in placed.items():
                target = g.pod_subnets.get(addr) if node.eniconfig_subnet_ips > 0 else addr
                if isinstance(target, str):
                    out[d][target] = out[d].get(target, 0) + k * node.prefixes * subnets.IPS_PER_PREFIX
    return out


def _contributions(
    g: SizedGroup, placed: Mapping[str, int], floor: NodeIps
) -> list[tuple[str, Contribution]]:
    """(subnet, what it pays for of group ``g``): its nodes in each node subnet, then (custom
    networking) the nodes whose pod IPs each ENIConfig subnet pays for."""

    def per_node(part: Callable[[NodeIps], int]) -> dict[Density, int | Unknown]:
        out: dict[Density, int | Unknown] = {}
        for density in DENSITIES:
            node = g.nodes[density]
            out[density] = (
                part(node)
                if isinstance(node, NodeIps)
                else Unknown(f"{density.value} density unknown", cause=node.cause)
            )
        return out

    out: list[tuple[str, Contribution]] = []
    own = per_node(lambda n: n.node_subnet_ips)
    out.extend((addr, Contribution(g.fact.address, k, own)) for addr, k in placed.items() if k > 0)
    if floor.eniconfig_subnet_ips > 0:
        pods: dict[str, int] = {}
        for addr, k in placed.items():
            target = g.pod_subnets.get(addr)
            if isinstance(target, str):
                pods[target] = pods.get(target, 0) + k
        eniconfig = per_node(lambda n: n.eniconfig_subnet_ips)
        out.extend((addr, Contribution(g.fact.address, k, eniconfig)) for addr, k in pods.items() if k > 0)
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
    contributors = at_max.contributors.get(s.address, ())
    need = {d: at_max.demand[d].get(s.address, 0) for d in DENSITIES}
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
    # Other consumers' addresses are single /32s too (endpoints, NAT gateways, explicit
    # reservations); a prefix reservation is blocks the prefixes use first, not singles.
    for c in at_max.contributors.get(s.address, ()):
        ips = c.ips(Density.CONFIGURED)
        if c.singles and isinstance(ips, int):
            singles += ips
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
    nodes: Mapping[str, int], cluster_subnets: Sequence[SubnetCapacity], density: Density
) -> Exhaustion | None:
    """The subnets among ``cluster_subnets`` that a group takes IPs from (``nodes``: its nodes at
    max size per subnet, nodes_at_max) whose demand at ``density`` exceeds their room (both
    known); None when there are none."""
    bad = []
    for s in cluster_subnets:
        need = s.demand[density]
        if nodes.get(s.fact.address, 0) <= 0 or isinstance(s.usable, Unknown):
            continue
        if isinstance(need, int) and need > s.usable:
            bad.append((s, need))
    if not bad:
        return None
    largest = max(need for _, need in bad)
    return Exhaustion(tuple(s for s, _ in bad), largest, subnets.smallest_prefix_for(largest))


# --- each group against the demand --------------------------------------------------------------


def supported_beside_others(
    g: SizedGroup, density: Density, at_max: AtMax, usable: Mapping[str, int | Unknown]
) -> int | Unknown:
    """Largest node count of ``g`` at ``density`` beside every other group at max size."""
    if g.problem is not None:
        return g.problem
    node = g.nodes[density]
    if isinstance(node, Unknown):
        return Unknown(f"{density.value} density unknown", cause=node.cause)
    total = at_max.demand[density]
    mine = at_max.own[density].get(g.fact.address) or {}
    assert not isinstance(mine, Unknown)  # the node is known, so are its charges
    others: dict[str, int] = {}
    for a in usable:
        d = total.get(a, 0)
        if isinstance(d, Unknown):
            return Unknown(f"{density.value} density unknown", cause=d.cause)
        others[a] = d - mine.get(a, 0)
    return placement.group_supported(g.subnets, g.pod_subnets, node, others, usable)


def group_capacity(
    g: SizedGroup, at_max: AtMax, usable: Mapping[str, int | Unknown], caps: Sequence[SubnetCapacity]
) -> NodeGroupCapacity:
    """The group's record: its node, and against the demand at max size, the node counts that
    fit and the subnets it exhausts, at each density."""
    at_max_nodes = nodes_at_max(g, at_max)
    at: dict[Density, GroupAtDensity] = {}
    for d in DENSITIES:
        node = g.nodes[d]
        # A group whose node cannot be known at d puts no known demand anywhere at d.
        exhausted = exhaustion(at_max_nodes, caps, d) if isinstance(node, NodeIps) else None
        at[d] = GroupAtDensity(g.pods[d], node, supported_beside_others(g, d, at_max, usable), exhausted)
    return NodeGroupCapacity(
        fact=g.fact,
        cluster=g.cluster,
        subnets=g.subnets,
        sizing=g.sizing,
        problem=g.problem,
        pod_subnets=g.pod_subnets,
        nodes_at_max=at_max_nodes,
        at=at,
        update_surge=update_surge(g, at_max.demand, at_max.own, usable),
    )


def cluster_member(g: SizedGroup, density: Density) -> placement.Member | Unknown:
    """The group as the cluster search sees it at ``density``, or why it cannot take part."""
    node = g.nodes[density]
    why = g.problem or (node if isinstance(node, Unknown) else None)
    if why is None and isinstance(g.fact.max_size, Unknown):
        why = Unknown(f"max size is unknown: {g.fact.max_size.reason}", cause=g.fact.max_size.cause)
    if why is not None:
        return Unknown(f"node group {g.fact.address} cannot be analysed: {why.reason}", cause=why.cause)
    assert isinstance(node, NodeIps) and isinstance(g.fact.max_size, int)
    return placement.Member(g.fact.address, g.subnets, g.pod_subnets, node, g.fact.max_size)
