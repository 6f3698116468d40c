"""Facts -> capacity: IPs per node, demand per subnet at max size, and the node counts that fit.

For every node group: pick its instance type(s), its kubelet max pods and the cluster's effective
VPC CNI settings, and compute the subnet IPs one node holds (``cni.node_ips``) at each
:class:`Density`:

* **floor**: 1 pod per node, i.e. the warm pool alone;
* **configured**: ``pods_per_node`` pods (default: full nodes, max pods minus the two
  hostNetwork pods aws-node and kube-proxy, vpc-cni-model.md §2).

Nodes are spread evenly over the AZs of the group's subnets (an Auto Scaling group keeps AZs within
one node of each other); the AZs that get the extra node are the ones with the least room, so the
check is the worst case the ASG can produce. Demand of all node groups in a subnet adds up, across
clusters. A subnet holds ``usable_ips`` = 2^(32-prefix) - 5 (§4).

With custom networking (``AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true``, §1.6, §1.11) a node charges
its ``node_subnet_ips`` (the node IP) to its own subnet and its ``eniconfig_subnet_ips`` (pod ENIs
and pod IPs) to the subnet of the ENIConfig named after its AZ (the
``ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone`` convention; AZs match by name or by symbolic
key). An AZ without a known ENIConfig (or whose ENIConfig subnet is not declared) is an Unresolved
(EKSIP002): those pod IPs are not charged anywhere, and the node counts that depend on them are
unknown rather than computed without them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from eks_ip_lint.capacity import custom_networking, instance_types, node_groups, placement, subnets
from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.effective_cni import effective_cni
from eks_ip_lint.capacity.node_groups import SizedGroup
from eks_ip_lint.capacity.options import Options
from eks_ip_lint.capacity.records import (
    ClusterCapacity,
    Contribution,
    Density,
    EffectiveCni,
    GroupAtDensity,
    NodeGroupCapacity,
    SubnetCapacity,
    UnitCapacity,
)
from eks_ip_lint.facts.model import (
    ClusterFact,
    Facts,
    NodeGroupFact,
    SubnetFact,
    Unresolved,
    same_ref,
)
from eks_ip_lint.values import Unknown, Value

__all__ = [
    "ClusterCapacity",
    "Density",
    "EffectiveCni",
    "NodeGroupCapacity",
    "Options",
    "SubnetCapacity",
    "UnitCapacity",
    "analyse",
]

# --- demand at max size -------------------------------------------------------------------------


@dataclass(frozen=True)
class _AtMax:
    """Every placeable group at its max size: where its nodes are and what they take."""

    placed: Mapping[str, Mapping[str, int]]  # group -> node subnet -> nodes
    # group -> the subnets it takes IPs from (its node subnets, and its ENIConfig subnets)
    paying: Mapping[str, tuple[str, ...]]
    own: Mapping[Density, Mapping[str, Mapping[str, int] | Unknown]]  # group -> subnet -> IPs
    demand: Mapping[Density, Mapping[str, int | Unknown]]  # subnet -> IPs of every group


def _at_max(groups: Sequence[SizedGroup]) -> _AtMax:
    """Demand per subnet with every group at max size (the groups that can be placed)."""
    placed: dict[str, dict[str, int]] = {}
    paying: dict[str, tuple[str, ...]] = {}
    own: dict[Density, dict[str, Mapping[str, int] | Unknown]] = {d: {} for d in Density}
    for g in groups:
        floor = g.nodes[Density.FLOOR]
        if g.problem is not None or not isinstance(g.fact.max_size, int) or isinstance(floor, Unknown):
            continue
        at_max = placement.spread(g.fact.max_size, g.subnets)
        placed[g.fact.address] = at_max
        # The floor node is always known for a placed group; where it takes IPs is where its
        # nodes take them at any density.
        paying[g.fact.address] = tuple(placement.charges(at_max, floor, g.pod_subnets)[0])
        for density in Density:
            node = g.nodes[density]
            own[density][g.fact.address] = (
                placement.charges(at_max, node, g.pod_subnets)[0] if isinstance(node, NodeIps) else node
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
    return _AtMax(placed, paying, own, demand)


def _contributions(g: SizedGroup, addr: str, at_max: _AtMax) -> list[Contribution]:
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


def _nodes_at_max(g: SizedGroup, at_max: _AtMax) -> dict[str, int]:
    placed = at_max.placed.get(g.fact.address, {})
    out = dict(placed)
    floor = g.nodes[Density.FLOOR]
    for addr, k in placed.items():
        target = g.pod_subnets.get(addr)
        if isinstance(target, str) and isinstance(floor, NodeIps) and floor.eniconfig_subnet_ips > 0:
            out[target] = out.get(target, 0) + k
    return out


def _supported(
    g: SizedGroup, density: Density, at_max: _AtMax, usable: Mapping[str, int | Unknown]
) -> int | Unknown:
    """Largest node count of ``g`` at ``density`` beside every other group at max size."""
    if g.problem is not None:
        return g.problem
    node = g.nodes[density]
    if isinstance(node, Unknown):
        return Unknown(f"{density.value} density unknown", cause=node.cause)
    demand = at_max.demand[density]
    mine = at_max.own[density].get(g.fact.address) or {}
    assert not isinstance(mine, Unknown)  # the node is known, so are its charges
    others: dict[str, int] = {}
    for a in usable:
        d = demand.get(a, 0)
        if isinstance(d, Unknown):
            return Unknown(f"{density.value} density unknown", cause=d.cause)
        others[a] = d - mine.get(a, 0)
    return placement.group_supported(g.subnets, g.pod_subnets, node, others, usable)


def _member(g: SizedGroup, density: Density) -> placement.Member | Unknown:
    node = g.nodes[density]
    if g.problem is not None or isinstance(node, Unknown) or not isinstance(g.fact.max_size, int):
        return Unknown(f"node group {g.fact.address} cannot be analysed")
    return placement.Member(g.fact.address, g.subnets, g.pod_subnets, node, g.fact.max_size)


# --- the whole unit -----------------------------------------------------------------------------


def analyse(facts: Facts, options: Options | None = None) -> UnitCapacity:
    options = options or Options()
    clusters = _cluster_keys(facts)
    groups: list[SizedGroup] = []
    cnis: dict[str, EffectiveCni] = {}
    unknown_types: list[tuple[NodeGroupFact, str, tuple[str, ...]]] = []
    notes: list[Unresolved] = []
    for name, fact, members in clusters:
        cni_sources = [c for c in facts.cni_sources if _belongs(c.cluster_ref, name, fact)]
        ip_family = fact.ip_family if fact is not None else "ipv4"
        cnis[name] = effective_cni(cni_sources, ip_family, options.env_overrides.get(name, {}))
        eniconfigs = [e for e in facts.eniconfigs if _belongs(e.cluster_ref, name, fact)]
        for member in members:
            sized, missing = node_groups.size_group(
                member, name, cnis[name], eniconfigs=eniconfigs, facts=facts, options=options
            )
            notes.extend(
                n
                for n in custom_networking.unresolved_pod_subnets(
                    sized.fact, sized.subnets, sized.pod_subnets
                )
                if n not in notes
            )
            groups.append(sized)
            unknown_types.extend((member, t, tuple(instance_types.suggest(t))) for t in missing)
    if any(n not in facts.unresolved for n in notes):
        # A copy: the caller's facts stay as extracted, and re-analysis does not repeat the notes.
        facts = replace(
            facts, unresolved=[*facts.unresolved, *(n for n in notes if n not in facts.unresolved)]
        )

    all_subnets = {s.address: s for s in facts.subnets}
    usable = {a: subnets.room(s, options.reserved_ips_per_subnet) for a, s in all_subnets.items()}
    at_max = _at_max(groups)

    out: list[ClusterCapacity] = []
    for name, fact, members in clusters:
        member_addrs = {m.address for m in members}
        mine = [g for g in groups if g.fact.address in member_addrs]
        cluster_subnets = _cluster_subnets(fact, facts)
        caps = tuple(
            _subnet(all_subnets[addr], usable[addr], groups, at_max, addr in cluster_subnets)
            for addr in _subnet_order(mine, cluster_subnets)
        )
        group_caps = tuple(
            NodeGroupCapacity(
                fact=g.fact,
                cluster=g.cluster,
                subnets=g.subnets,
                sizing=g.sizing,
                problem=g.problem,
                pod_subnets=g.pod_subnets,
                nodes_at_max=_nodes_at_max(g, at_max),
                at={
                    d: GroupAtDensity(g.pods[d], g.nodes[d], _supported(g, d, at_max, usable))
                    for d in Density
                },
            )
            for g in mine
        )
        unresolved = tuple(
            u for u in facts.unresolved if _belongs(u.cluster_ref, name, fact) or u.cluster_ref is None
        )
        out.append(
            ClusterCapacity(
                name=name,
                address=fact.address if fact is not None else None,
                span=fact.span if fact is not None else members[0].span,
                ip_family=fact.ip_family if fact is not None else "ipv4",
                cni=cnis[name],
                subnets=caps,
                node_groups=group_caps,
                unresolved=unresolved,
                fact=fact,
                supported={
                    d: placement.cluster_supported([_member(g, d) for g in mine], at_max.demand[d], usable)
                    for d in Density
                },
            )
        )
    return UnitCapacity(facts=facts, clusters=tuple(out), unknown_instance_types=tuple(unknown_types))


def _subnet(
    s: SubnetFact, usable: int | Unknown, groups: Sequence[SizedGroup], at_max: _AtMax, cluster_subnet: bool
) -> SubnetCapacity:
    demand = {d: at_max.demand[d].get(s.address, 0) for d in Density}
    free: dict[Density, int | Unknown] = {}
    for d, need in demand.items():
        free[d] = (
            usable if isinstance(usable, Unknown) else need if isinstance(need, Unknown) else usable - need
        )
    return SubnetCapacity(
        fact=s,
        az=subnets.az_label(s),
        prefixlen=subnets.prefixlen(s),
        usable=usable,
        demand=demand,
        free=free,
        contributors=tuple(c for g in groups for c in _contributions(g, s.address, at_max)),
        cluster_subnet=cluster_subnet,
    )


def _cluster_subnets(fact: ClusterFact | None, facts: Facts) -> list[str]:
    """The subnets the cluster itself is given (its control plane's ENIs go there)."""
    out: list[str] = []
    if fact is not None and not isinstance(fact.subnet_refs, Unknown):
        for r in fact.subnet_refs:
            s = facts.subnet_for(r)
            if s is not None and s.address not in out:
                out.append(s.address)
    return out


def _subnet_order(groups: Sequence[SizedGroup], cluster_subnets: Sequence[str]) -> list[str]:
    """The cluster's subnets as reports list them: each group's node subnets, its ENIConfig
    subnets, then the cluster's own."""
    out: list[str] = []
    for g in groups:
        out.extend(s.address for s in g.subnets if s.address not in out)
        out.extend(t for t in g.pod_subnets.values() if isinstance(t, str) and t not in out)
    out.extend(a for a in cluster_subnets if a not in out)
    return out


def _belongs(ref: Value, name: str, fact: ClusterFact | None) -> bool:
    if fact is not None:
        return any(same_ref(ref, r) for r in fact.refs)
    return _ref_label(ref) == name


def _ref_label(ref: Value) -> str:
    if isinstance(ref, str):
        return ref
    if isinstance(ref, Unknown):
        return ref.key or "(unknown cluster)"
    return "(unknown cluster)"


def _cluster_keys(facts: Facts) -> list[tuple[str, ClusterFact | None, list[NodeGroupFact]]]:
    """Clusters with their node groups; node groups of a cluster declared elsewhere form their own entry."""
    out: list[tuple[str, ClusterFact | None, list[NodeGroupFact]]] = []
    claimed: set[str] = set()
    for c in facts.clusters:
        name = c.name if isinstance(c.name, str) else c.address
        members = [g for g in facts.node_groups if any(same_ref(g.cluster_ref, r) for r in c.refs)]
        claimed.update(g.address for g in members)
        out.append((name, c, members))
    orphans: dict[str, list[NodeGroupFact]] = {}
    for g in facts.node_groups:
        if g.address not in claimed:
            orphans.setdefault(_ref_label(g.cluster_ref), []).append(g)
    out.extend((label, None, members) for label, members in orphans.items())
    return out
