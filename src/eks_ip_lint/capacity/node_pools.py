"""Karpenter NodePools and EKS Auto Mode pools: node ceiling, IPs per node, and their subnets' room.

capacity-beyond-node-groups.md §2.3, §2.4, §3 (the formulas, with their sources, are in
docs/capacity-model.md "Node pools"):

* **Types** T: the instance types the requirements allow (pool_types.allowed); Auto Mode also
  drops types with 1 vCPU and nano/micro/small sizes (§3.2).
* **Ceiling** N = min(limits.nodes, floor(limits.cpu / min vCPU over T),
  floor(limits.memory / min memory capacity over T)); memory capacity is Karpenter's: MiB (less 64
  on arm64) less ceil(7.5 %) VM overhead (types.go:512-522). No cpu, memory or nodes limit: the
  pool is **unbounded** (None).
* **IPs per node**: the VPC CNI model (cni.node_ips) with Karpenter's max pods, the NodeClass (v1)
  or NodePool (v1beta1) ``kubelet.maxPods``, else E x (L - 1) + 2 with no 110/250 cap (§2.4); the
  type whose node holds the most IPs is used. Auto Mode: the VPC CNI settings do not apply; one
  /28 prefix per 16 pods on the node's ENIs, max pods min(110, E x (L - 1)) (§3.3, §3.5).
* **IPs at the ceiling**: min(N x IPs of the heaviest type, limits.cpu x max over T of IPs/vCPU,
  the same for memory): the limits also bound a mix of types (fractional knapsack, §2.3).
* **Room**: the selected subnets' usable IPs less every node group's demand at max size (demand.py),
  per zone. Karpenter does not balance zones (§2.3): the report gives both the room of all zones
  together (the nodes spread as well as they can) and of the zone with the least room (all nodes
  there), and nodes are counted per subnet (a node's IPs come from one subnet).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

from eks_ip_lint.capacity import instance_types, pool_types, subnets
from eks_ip_lint.capacity.cni import node_ips
from eks_ip_lint.capacity.instance_types import InstanceLimits
from eks_ip_lint.capacity.max_pods import HOST_NETWORK_PODS
from eks_ip_lint.capacity.options import Options
from eks_ip_lint.capacity.records import (
    DENSITIES,
    AutoModeCapacity,
    Density,
    EffectiveCni,
    NodePoolCapacity,
    PoolAtDensity,
    ZoneRoom,
)
from eks_ip_lint.facts.model import (
    AutoModeFact,
    ClusterFact,
    Facts,
    NodeClassFact,
    NodePoolFact,
    Requirement,
    SubnetFact,
)
from eks_ip_lint.facts.selector_terms import describe, select
from eks_ip_lint.values import Cause, Unknown

# Karpenter's --vm-memory-overhead-percent default (options.go:66).
VM_MEMORY_OVERHEAD = Fraction(75, 1000)
# Graviton reserves 64 MiB of CMA memory Karpenter does not count (types.go:512-522).
ARM64_RESERVED_MIB = 64
MIB = 2**20
# Auto Mode: pods per /28 prefix, and its 110 max-pods cap (UG choosing-instance-type).
IPS_PER_PREFIX = subnets.IPS_PER_PREFIX
AUTO_MODE_MAX_PODS_CAP = 110
AUTO_MODE_TINY_SIZES = frozenset({"nano", "micro", "small"})

# The built-in pools (UG set-builtin-node-pools @ 01c16ed8): C/M/R, generation 5 or later,
# on-demand; general-purpose amd64 only, system amd64 and arm64 (with a CriticalAddonsOnly taint).
_BUILT_IN_COMMON = (
    Requirement("eks.amazonaws.com/instance-category", "In", ("c", "m", "r")),
    Requirement("eks.amazonaws.com/instance-generation", "Gt", ("4",)),
    Requirement("karpenter.sh/capacity-type", "In", ("on-demand",)),
)
BUILT_IN_POOLS: dict[str, tuple[Requirement, ...]] = {
    "general-purpose": (*_BUILT_IN_COMMON, Requirement("kubernetes.io/arch", "In", ("amd64",))),
    "system": (*_BUILT_IN_COMMON, Requirement("kubernetes.io/arch", "In", ("amd64", "arm64"))),
}
AUTO_MODE_NOTES = (
    "EKS Auto Mode: the VPC CNI settings (WARM_*, MINIMUM_IP_TARGET, prefix delegation, custom "
    "networking) do not apply to its nodes; they take /28 prefixes on the primary ENI, falling back "
    "to secondary IPs when no prefix is free (UG auto-networking)",
    "EKS Auto Mode keeps a warm pool of prefixes whose size AWS does not publish: the IPs per node "
    "shown are a lower bound",
    "EKS Auto Mode max pods: min(110, ENIs x (IPv4 per ENI - 1)) (UG choosing-instance-type)",
    "the built-in pools (general-purpose, system) have no documented limits: they are unbounded, and "
    "their nodes use the cluster's subnets (the default NodeClass)",
)


def auto_mode_record(fact: AutoModeFact | None) -> AutoModeCapacity | None:
    if fact is None:
        return None
    if fact.enabled is not True:
        why = fact.enabled.reason if isinstance(fact.enabled, Unknown) else "enabled = false"
        return AutoModeCapacity(fact, (f"EKS Auto Mode is not on ({why})",))
    return AutoModeCapacity(fact, AUTO_MODE_NOTES)


def built_in_pools(cluster: ClusterFact | None) -> list[NodePoolFact]:
    """Auto Mode's built-in pools the cluster enables, as pools of the default NodeClass."""
    auto = cluster.auto_mode if cluster is not None else None
    if cluster is None or auto is None or auto.enabled is not True or isinstance(auto.node_pools, Unknown):
        return []
    out = []
    for name in auto.node_pools:
        requirements = BUILT_IN_POOLS.get(name)
        out.append(
            NodePoolFact(
                address=f"{cluster.address} {auto.source} node pool {name}",
                name=name,
                api_version="karpenter.sh/v1",
                node_class="default",
                node_class_kind="NodeClass",
                requirements=(
                    requirements
                    if requirements is not None
                    else Unknown(f"{name} is not a built-in node pool EKS documents", cause=Cause.INVALID)
                ),
                limits=(),
                span=auto.span,
                limits_span=auto.span,
                cluster_ref=cluster.refs[0] if cluster.refs else None,
                built_in=True,
            )
        )
    return out


def _auto_mode_floor(t: InstanceLimits) -> bool:
    cpu = pool_types.vcpus(t)
    return cpu is not None and cpu > 1 and t.name.partition(".")[2] not in AUTO_MODE_TINY_SIZES


def _memory_capacity_mib(t: InstanceLimits) -> Fraction | None:
    if t.memory_mib is None:
        return None
    m = t.memory_mib - (ARM64_RESERVED_MIB if pool_types.arch(t) == "arm64" else 0)
    return Fraction(m - math.ceil(m * VM_MEMORY_OVERHEAD))


# --- max pods and IPs per node ------------------------------------------------------------------


def _auto_mode_node_ips(t: InstanceLimits, pods: int, *, pod_subnets: bool) -> int:
    """Auto Mode node: node IP + one /28 per 16 pods (at least one), + the primary IP of each
    further ENI the prefixes need (L - 1 prefixes per ENI). Lower bound: the warm pool is unknown.
    With pod subnets (podSubnetSelectorTerms) only the prefixes are taken from them."""
    prefixes = max(1, -(-pods // IPS_PER_PREFIX))
    enis = min(t.max_enis, -(-prefixes // t.slots_per_eni))
    return IPS_PER_PREFIX * prefixes + (0 if pod_subnets else enis)


def _max_pods(t: InstanceLimits, explicit: int | None, auto: bool) -> int:
    if explicit is not None:
        return explicit
    if auto:
        return min(AUTO_MODE_MAX_PODS_CAP, t.max_enis * t.slots_per_eni)
    return t.default_max_pods  # E x (L - 1) + 2, no cap (types.go:641-661)


def _node_ips(
    t: InstanceLimits,
    cni: EffectiveCni,
    mp: int,
    *,
    density: Density,
    options: Options,
    auto: bool,
    pod_subnets: bool = False,
) -> int:
    full = max(mp - HOST_NETWORK_PODS, 0)
    pods = (
        1
        if density is Density.FLOOR
        else full
        if options.pods_per_node is None
        else min(options.pods_per_node, full)
    )
    if auto:
        return _auto_mode_node_ips(t, pods, pod_subnets=pod_subnets)
    return node_ips(t, cni.settings, pods, mp).node_subnet_ips


# --- the analysis ---------------------------------------------------------------------------------


class _Pool:
    """One pool's inputs once resolved: types, max pods, subnets."""

    def __init__(
        self,
        pool: NodePoolFact,
        node_class: NodeClassFact | None,
        cluster: ClusterFact | None,
        facts: Facts,
    ) -> None:
        self.pool = pool
        self.node_class = node_class
        self.auto = pool.node_class_kind == "NodeClass"
        self.notes: list[str] = []
        self.problem: Unknown | None = None
        self.subnets: tuple[SubnetFact, ...] = ()
        self.subnets_source = ""
        self.pod_subnets = False  # Auto Mode podSubnetSelectorTerms: the subnets hold pod IPs only
        self._subnets(cluster, facts)

    def _subnets(self, cluster: ClusterFact | None, facts: Facts) -> None:
        nc = self.node_class
        if nc is None and self.auto and self.pool.node_class == "default":
            self._cluster_subnets(cluster, facts)
            return
        if nc is None:
            name = self.pool.node_class
            shown = name if isinstance(name, str) else "(unknown)"
            self.problem = Unknown(
                f"its {self.pool.node_class_kind} {shown} is not declared in the scan, so its subnets are unknown",
                cause=Cause.NOT_DECLARED,
            )
            return
        terms = nc.pod_subnet_terms if self.auto and nc.pod_subnet_terms is not None else nc.subnet_terms
        which = "podSubnetSelectorTerms" if terms is nc.pod_subnet_terms else "subnetSelectorTerms"
        if which == "podSubnetSelectorTerms":
            self.pod_subnets = True
            self.notes.append(
                "pod IPs come from the podSubnetSelectorTerms subnets, checked here; the node IPs and "
                "ENI primaries stay in the subnetSelectorTerms subnets (not checked)"
            )
        if isinstance(terms, Unknown):
            self.problem = Unknown(f"{nc.address} {which}: {terms.reason}", cause=terms.cause)
            return
        chosen = select(terms, facts.subnets)
        self.subnets = chosen.matched
        self.subnets_source = f"{nc.address} {which} ({describe(terms)})"
        if chosen.possible:
            self.notes.append(
                "the tags of "
                + ", ".join(s.address for s in chosen.possible[:3])
                + " are unknown, so whether the selector picks them cannot be told"
            )
        if not chosen.matched and chosen.possible:
            # Unknown tags (a VPC module's Name tag over data-source AZs) are not a mismatch:
            # "no subnet matches" would send the user looking for a subnet that is declared.
            self.problem = Unknown(
                f"whether {nc.address} {which} ({describe(terms)}) selects "
                + ", ".join(s.address for s in chosen.possible[:3])
                + " cannot be told: their tags are unknown",
                cause=_tags_cause(chosen.possible),
            )
        elif not chosen.matched:
            self.problem = Unknown(
                f"no subnet declared in the scan matches {nc.address} {which} ({describe(terms)})",
                cause=Cause.NOT_DECLARED,
            )

    def _cluster_subnets(self, cluster: ClusterFact | None, facts: Facts) -> None:
        self.subnets_source = "the cluster's subnets (Auto Mode's default NodeClass)"
        if cluster is None or isinstance(cluster.subnet_refs, Unknown):
            why = (
                cluster.subnet_refs.reason
                if cluster is not None and isinstance(cluster.subnet_refs, Unknown)
                else ""
            )
            self.problem = Unknown(
                f"the cluster's subnets are unknown {why}".strip(), cause=Cause.NOT_DECLARED
            )
            return
        found = [facts.subnet_for(r) for r in cluster.subnet_refs]
        self.subnets = tuple(s for s in found if s is not None)
        if not self.subnets:
            self.problem = Unknown(
                "none of the cluster's subnets is declared in the scan", cause=Cause.NOT_DECLARED
            )

    @property
    def explicit_max_pods(self) -> int | Unknown | None:
        if self.node_class is not None and self.node_class.max_pods is not None:
            return self.node_class.max_pods
        return self.pool.max_pods

    def max_pods_source(self) -> str:
        explicit = self.explicit_max_pods
        if isinstance(explicit, int):
            where = (
                self.node_class.address if self.node_class and self.node_class.max_pods else self.pool.address
            )
            return f"kubelet.maxPods {explicit} ({where})"
        if self.auto:
            return "EKS Auto Mode: min(110, ENIs x (IPv4 per ENI - 1))"
        return "Karpenter default: ENIs x (IPv4 per ENI - 1) + 2, no 110/250 cap"


def analyse_pools(
    pools: Sequence[NodePoolFact],
    classes: Sequence[NodeClassFact],
    *,
    cluster: ClusterFact | None,
    facts: Facts,
    cni: EffectiveCni,
    demand: Mapping[Density, Mapping[str, int | Unknown]],
    usable: Mapping[str, int | Unknown],
    options: Options,
) -> tuple[NodePoolCapacity, ...]:
    out = []
    for pool in pools:
        node_class = next(
            (c for c in classes if c.kind == pool.node_class_kind and c.name == pool.node_class), None
        )
        out.append(_analyse(_Pool(pool, node_class, cluster, facts), cni, demand, usable, options))
    return tuple(out)


def _analyse(
    p: _Pool,
    cni: EffectiveCni,
    demand: Mapping[Density, Mapping[str, int | Unknown]],
    usable: Mapping[str, int | Unknown],
    options: Options,
) -> NodePoolCapacity:
    pool = p.pool
    notes = list(p.notes)
    problem = p.problem
    requirements = pool.requirements
    if isinstance(requirements, Unknown):
        problem = problem or requirements
        requirements = ()
    types = pool_types.allowed(
        requirements, instance_types.all_types(), _auto_mode_floor if p.auto else lambda t: True
    )
    if types.ignored_keys:
        notes.append(
            "requirements not applied (they can only narrow the types, so the numbers are upper bounds): "
            + ", ".join(types.ignored_keys)
        )
    if not types.types and problem is None:
        problem = Unknown("its requirements allow no instance type of the table", cause=Cause.INVALID)
    explicit = p.explicit_max_pods
    if isinstance(explicit, Unknown):
        problem = problem or explicit
        explicit = None
    if p.auto and cni.span is not None:  # a carrier sets env (not the defaults alone)
        notes.append("the cluster's VPC CNI settings are not applied to EKS Auto Mode nodes")
    ceiling, ceiling_source, per_resource = _ceiling(pool, types.types)
    if isinstance(ceiling, Unknown):
        problem = problem or ceiling
    at: dict[Density, PoolAtDensity] = {}
    zones = _zones(p.subnets, types.zones, demand, usable)
    for d in DENSITIES:
        at[d] = _at_density(types.types, explicit, ceiling, per_resource, zones, d, cni, options, p)
    if ceiling is None:
        notes.append("no cpu, memory or nodes limit: the pool is unbounded (only EC2 quotas stop it)")
    elif isinstance(ceiling, int):
        notes.append(
            "Karpenter checks limits eventually: a rapid scale-out can overshoot the ceiling "
            "(nodepools.md:444-446), and disruption adds replacement nodes before removing old ones"
        )
    return NodePoolCapacity(
        fact=pool,
        node_class=p.node_class,
        auto_mode=p.auto,
        subnets=p.subnets,
        subnets_source=p.subnets_source,
        types_allowed=len(types.types),
        ignored_requirements=types.ignored_keys,
        ceiling=ceiling,
        ceiling_source=ceiling_source,
        max_pods_source=p.max_pods_source(),
        zones=zones,
        at=at,
        problem=problem,
        notes=tuple(notes),
    )


# (resource, limit, per-type amount): the limits that bound IPs per unit of resource.
_PerResource = list[tuple[str, Fraction, dict[str, Fraction]]]


def _tags_cause(possible: Sequence[SubnetFact]) -> Cause:
    """The cause of the first unknown tag among subnets a selector may pick."""
    for s in possible:
        tags = s.tags
        if isinstance(tags, Unknown):
            return tags.cause
        for v in (tags or {}).values():
            if isinstance(v, Unknown):
                return v.cause
    return Cause.UNSUPPORTED  # the reader of these subnets does not read tags


def _ceiling(
    pool: NodePoolFact, types: Sequence[InstanceLimits]
) -> tuple[int | Unknown | None, str, _PerResource]:
    """(node ceiling or None when unbounded, how it was derived, the cpu/memory limits per type)."""
    if isinstance(pool.limits, Unknown):
        return Unknown(f"spec.limits is unknown: {pool.limits.reason}", cause=pool.limits.cause), "", []
    bounds: list[tuple[int, str]] = []
    per_resource: _PerResource = []
    for key, raw in pool.limits:
        if isinstance(raw, Unknown):
            return Unknown(f"limits.{key} is unknown: {raw.reason}", cause=raw.cause), "", []
        q = pool_types.quantity(raw)
        if q is None:
            return Unknown(f"limits.{key} {raw!r} is not a Kubernetes quantity", cause=Cause.INVALID), "", []
        if key == "nodes":
            bounds.append((int(q), f"limits.nodes {raw}"))
            continue
        if key == "cpu":
            amounts = {t.name: Fraction(c) for t in types if (c := pool_types.vcpus(t)) is not None}
            unit = "vCPUs"
        elif key == "memory":
            amounts = {t.name: m * MIB for t in types if (m := _memory_capacity_mib(t)) is not None}
            unit = "bytes"
        else:
            continue  # nvidia.com/gpu...: types without the resource are not bounded by it
        if not amounts:
            continue
        smallest = min(amounts, key=lambda n: (amounts[n], n))
        n = math.floor(q / amounts[smallest])
        shown = (
            f"{amounts[smallest]} vCPUs" if unit == "vCPUs" else f"{amounts[smallest] / MIB:.0f} MiB capacity"
        )
        bounds.append((n, f"limits.{key} {raw} / {shown} ({smallest})"))
        per_resource.append((key, q, amounts))
    if not bounds:
        return None, "no cpu, memory or nodes limit", []
    n, source = min(bounds)
    return n, source, per_resource


def _zones(
    selected: Sequence[SubnetFact],
    allowed_zones: tuple[str, ...] | None,
    demand: Mapping[Density, Mapping[str, int | Unknown]],
    usable: Mapping[str, int | Unknown],
) -> tuple[ZoneRoom, ...]:
    by_az: dict[str, list[SubnetFact]] = {}
    for s in selected:
        if allowed_zones is not None and isinstance(s.az, str) and s.az not in allowed_zones:
            continue  # topology.kubernetes.io/zone keeps the pool out of this zone
        by_az.setdefault(subnets.az_label(s), []).append(s)
    out = []
    for az, members in by_az.items():
        room: dict[Density, dict[str, int | Unknown]] = {}
        for d in DENSITIES:
            per: dict[str, int | Unknown] = {}
            for s in members:
                u = usable.get(s.address, Unknown("not analysed", cause=Cause.NOT_DECLARED))
                taken = demand[d].get(s.address, 0)
                per[s.address] = (
                    u if isinstance(u, Unknown) else taken if isinstance(taken, Unknown) else u - taken
                )
            room[d] = per
        out.append(ZoneRoom(az, tuple(s.address for s in members), room))
    return tuple(out)


def _at_density(  # noqa: PLR0917 -- one call site, the pool's resolved inputs
    types: Sequence[InstanceLimits],
    explicit: int | None,
    ceiling: int | Unknown | None,
    per_resource: _PerResource,
    zones: Sequence[ZoneRoom],
    d: Density,
    cni: EffectiveCni,
    options: Options,
    p: _Pool,
) -> PoolAtDensity:
    if not types:
        none = Unknown("no instance type allowed", cause=Cause.INVALID)
        return PoolAtDensity(none, None, none, none, None, none, none, none)
    ips = {
        t.name: _node_ips(
            t,
            cni,
            _max_pods(t, explicit, p.auto),
            density=d,
            options=options,
            auto=p.auto,
            pod_subnets=p.pod_subnets,
        )
        for t in types
    }
    heaviest = max(ips, key=lambda n: (ips[n], n))
    per_node = ips[heaviest]
    at_ceiling: int | Unknown | None
    if ceiling is None or isinstance(ceiling, Unknown):
        at_ceiling = ceiling
    else:
        at_ceiling = ceiling * per_node
        for _key, limit, amounts in per_resource:
            ratio = max(Fraction(ips[n]) / a for n, a in amounts.items() if a > 0)
            at_ceiling = min(at_ceiling, math.floor(limit * ratio))
    totals = {z.az: z.total(d) for z in zones}
    unknown = next((t for t in totals.values() if isinstance(t, Unknown)), None)
    if not zones:
        none = Unknown("no subnet selected", cause=Cause.NOT_DECLARED)
        return PoolAtDensity(per_node, heaviest, at_ceiling, none, None, none, none, none)
    if unknown is not None:
        why = Unknown(f"the room of a selected subnet is unknown: {unknown.reason}", cause=unknown.cause)
        return PoolAtDensity(per_node, heaviest, at_ceiling, why, None, why, why, why)
    known = {az: t for az, t in totals.items() if isinstance(t, int)}
    worst = min(known, key=lambda az: (known[az], az))

    def nodes_in(z: ZoneRoom) -> int:
        return sum(max(0, r) // per_node for r in z.room[d].values() if isinstance(r, int))

    return PoolAtDensity(
        ips_per_node=per_node,
        heaviest_type=heaviest,
        ips_at_ceiling=at_ceiling,
        nodes_supported=sum(nodes_in(z) for z in zones),
        worst_zone=worst,
        worst_zone_nodes=nodes_in(next(z for z in zones if z.az == worst)),
        room_total=sum(max(0, t) for t in known.values()),
        worst_zone_room=max(0, known[worst]),
    )
