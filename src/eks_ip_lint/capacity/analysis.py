"""Facts -> capacity: the orchestrator. ``analyse(facts, options) -> UnitCapacity``.

For each cluster (and the node groups of clusters declared elsewhere), in order:

1. its VPC CNI settings (effective_cni.py);
2. each node group's node at each :class:`Density` (node_groups.py) and, with custom networking,
   the subnets paying for its pod IPs (custom_networking.py);
3. the demand of every placeable group at max size, per subnet, across clusters, and of every
   other consumer of the subnets declared in the unit (demand.py, consumers.py);
4. per group and per cluster, the node counts the subnets hold beside that demand (placement.py);

then the frozen records (records.py), each built once. vpc-cni-model.md §8b is the outline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from eks_ip_lint.capacity.options import Options
from eks_ip_lint.capacity.records import (
    DENSITIES,
    ClusterCapacity,
    Density,
    EffectiveCni,
    NodeGroupCapacity,
    NodePoolCapacity,
    SubnetCapacity,
    UnitCapacity,
)
from eks_ip_lint.capacity.what_if import WhatIf
from eks_ip_lint.facts.cluster_binding import module_path
from eks_ip_lint.facts.model import (
    ClusterFact,
    Facts,
    NodeGroupFact,
    NodePoolFact,
    Unresolved,
    same_ref,
)
from eks_ip_lint.values import Unknown, Value

if TYPE_CHECKING:
    from eks_ip_lint.capacity.node_groups import SizedGroup

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


def analyse(facts: Facts, options: Options | None = None) -> UnitCapacity:
    """The capacity of every cluster of one unit (see the module docstring for the phases)."""
    # The phases are imported here rather than at the top: the engine imports this module on
    # every run, and a run served from the unit cache reads stored records but analyses nothing
    # (the phases are about 3 ms of imports).
    from eks_ip_lint.capacity import (  # noqa: PLC0415
        consumers,
        custom_networking,
        demand,
        fargate,
        instance_types,
        node_groups,
        node_pools,
        placement,
        subnets,
    )
    from eks_ip_lint.capacity.effective_cni import effective_cni  # noqa: PLC0415

    options = options or Options()
    clusters = _cluster_keys(facts)
    groups: list[SizedGroup] = []
    cnis: dict[str, EffectiveCni] = {}
    unknown_types: list[tuple[NodeGroupFact, str, tuple[str, ...]]] = []
    notes: list[Unresolved] = []
    for name, fact, members in clusters:
        cni_sources = [c for c in facts.cni_sources if _belongs(c.cluster_ref, name, fact)]
        ip_family = fact.ip_family if fact is not None else "ipv4"
        where = fact.cni_settings_where if fact is not None else ""
        cnis[name] = effective_cni(cni_sources, ip_family, options.env_overrides.get(name, {}), where)
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
    at_max = demand.at_max(groups)
    # Every other consumer of the subnets (endpoints, NAT gateways, load balancers, reservations)
    # joins the demand at max size beside the node groups (consumers.py).
    others = consumers.contributions(
        facts.consumers, all_subnets, facts.subnet_for, demand.prefix_ips(groups, at_max)
    )
    at_max = demand.with_consumers(at_max, others)
    # Planned Fargate pods (configuration file) join the demand of their profiles' subnets.
    at_max = demand.with_consumers(
        at_max, fargate.contributions(facts.fargate_profiles, facts.subnet_for, usable, options)
    )

    out: list[ClusterCapacity] = []
    pools_of = _pools_by_cluster(facts, clusters)
    if pools_of.get(None):
        # Pools of no cluster of this unit (a manifests file linked to none): analysed on their own.
        cnis[_NO_CLUSTER] = effective_cni([], "ipv4", {})
        clusters = [*clusters, (_NO_CLUSTER, None, [])]
    for name, fact, members in clusters:
        member_addrs = {m.address for m in members}
        mine = [g for g in groups if g.fact.address in member_addrs]
        cluster_subnets = _cluster_subnets(fact, facts)
        pools = node_pools.analyse_pools(
            pools_of[None]
            if name == _NO_CLUSTER
            else [*pools_of.get(name, []), *node_pools.built_in_pools(fact)],
            facts.node_classes,
            cluster=fact,
            facts=facts,
            cni=cnis[name],
            demand=at_max.demand,
            usable=usable,
            options=options,
        )
        profiles = tuple(
            fargate.capacity(p, facts.subnet_for, at_max.demand, usable, options)
            for p in facts.fargate_profiles
            if _belongs(p.cluster_ref, name, fact)
        )
        fargate_subnets = [r.subnet for p in profiles for r in p.subnets]
        caps = tuple(
            demand.subnet_capacity(
                all_subnets[addr], usable[addr], groups, at_max, cluster_subnet=addr in cluster_subnets
            )
            for addr in _subnet_order(mine, [*fargate_subnets, *cluster_subnets], pools)
        )
        group_caps = tuple(demand.group_capacity(g, at_max, usable, caps) for g in mine)
        unresolved = tuple(
            u for u in facts.unresolved if _belongs(u.cluster_ref, name, fact) or u.cluster_ref is None
        )
        out.append(
            ClusterCapacity(
                name=name,
                address=fact.address if fact is not None else None,
                span=fact.span if fact is not None else members[0].span if members else pools[0].fact.span,
                ip_family=fact.ip_family if fact is not None else "ipv4",
                cni=cnis[name],
                subnets=caps,
                node_groups=group_caps,
                unresolved=unresolved,
                fact=fact,
                supported={
                    d: placement.cluster_supported(
                        [demand.cluster_member(g, d) for g in mine], at_max.demand[d], usable
                    )
                    for d in DENSITIES
                },
                node_pools=pools,
                auto_mode=node_pools.auto_mode_record(fact.auto_mode if fact is not None else None),
                fargate=profiles,
            )
        )
    return UnitCapacity(
        facts=facts, clusters=tuple(out), unknown_instance_types=tuple(unknown_types), options=options
    )


def _cluster_subnets(fact: ClusterFact | None, facts: Facts) -> list[str]:
    """The subnets the cluster itself is given (its control plane's ENIs go there)."""
    out: dict[str, None] = {}  # ordered and O(1) membership: 10,000 subnets are not quadratic
    if fact is not None and not isinstance(fact.subnet_refs, Unknown):
        for r in fact.subnet_refs:
            s = facts.subnet_for(r)
            if s is not None:
                out.setdefault(s.address)
    return list(out)


def _subnet_order(
    groups: Sequence[SizedGroup], cluster_subnets: Sequence[str], pools: Sequence[NodePoolCapacity] = ()
) -> list[str]:
    """The cluster's subnets as reports list them: each group's node subnets, its ENIConfig
    subnets, then ``cluster_subnets`` (its Fargate profiles' and its own), then those its node
    pools select."""
    out: dict[str, None] = {}  # insertion-ordered set
    for g in groups:
        out.update((s.address, None) for s in g.subnets)
        out.update((t, None) for t in g.pod_subnets.values() if isinstance(t, str))
    out.update((a, None) for a in cluster_subnets)
    for p in pools:
        out.update((s.address, None) for s in p.subnets)
    return list(out)


# The entry of node pools that belong to no cluster of the unit (a manifests file on its own).
_NO_CLUSTER = "(node pools of no declared cluster)"


def _pools_by_cluster(
    facts: Facts, clusters: Sequence[tuple[str, ClusterFact | None, list[NodeGroupFact]]]
) -> dict[str | None, list[NodePoolFact]]:
    """Each pool under the name of its cluster's entry: the cluster its manifest names, else the
    unit's only cluster; None for pools of no cluster of the unit."""
    out: dict[str | None, list[NodePoolFact]] = {}
    declared = [(name, fact) for name, fact, _ in clusters if fact is not None]
    for p in facts.node_pools:
        owner = next((name for name, fact in declared if _belongs(p.cluster_ref, name, fact)), None)
        if owner is None and p.cluster_ref is None and len(declared) == 1:
            owner = declared[0][0]
        out.setdefault(owner, []).append(p)
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
    names = [c.name if isinstance(c.name, str) else c.address for c in facts.clusters]
    for c, plain in zip(facts.clusters, names, strict=True):
        # The same name in two module instances (two regions): each is named by its instance.
        name = (
            f"{plain} ({'.'.join(module_path(c.address)) or c.address})" if names.count(plain) > 1 else plain
        )
        members = [g for g in facts.node_groups if any(same_ref(g.cluster_ref, r) for r in c.refs)]
        claimed.update(g.address for g in members)
        out.append((name, c, members))
    orphans: dict[str, list[NodeGroupFact]] = {}
    for g in facts.node_groups:
        if g.address not in claimed:
            orphans.setdefault(_ref_label(g.cluster_ref), []).append(g)
    out.extend((label, None, members) for label, members in orphans.items())
    return out


def what_if(unit: UnitCapacity) -> WhatIf:
    """The unit analysed again with changed VPC CNI settings, each change once (what_if.py)."""
    return WhatIf(unit.facts, unit.options, analyse)
