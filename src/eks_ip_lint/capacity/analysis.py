"""Facts -> capacity: IPs per node, demand per subnet at max size, and the node counts that fit.

For every node group: pick its instance type(s), its kubelet max pods and the cluster's effective
VPC CNI settings, and compute the subnet IPs one node holds (``cni.node_ips``) at two densities:

* **floor**: 1 pod per node, i.e. the warm pool alone;
* **configured**: ``pods_per_node`` pods (default: full nodes, max pods minus the two
  hostNetwork pods aws-node and kube-proxy, vpc-cni-model.md §2).

Nodes are spread evenly over the AZs of the group's subnets (an Auto Scaling group keeps AZs within
one node of each other); the AZs that get the extra node are the ones with the least room, so the
check is the worst case the ASG can produce. Demand of all node groups in a subnet adds up, across
clusters. A subnet holds ``usable_ips`` = 2^(32-prefix) - 5 (§4).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from eks_ip_lint.capacity import instance_types, max_pods, subnets
from eks_ip_lint.capacity.cni import NodeIps, node_ips
from eks_ip_lint.capacity.cni_settings import CniSettings, parse_env
from eks_ip_lint.capacity.instance_types import InstanceLimits
from eks_ip_lint.facts.model import (
    ClusterFact,
    CniSource,
    Facts,
    NodeGroupFact,
    SubnetFact,
    Unresolved,
    same_ref,
)
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Unknown, Value

# The two hostNetwork pods every EKS node runs (aws-node, kube-proxy): they count towards max
# pods but take no IP from ipamd (vpc-cni-model.md §2, the "+2" of the max-pods formula).
HOST_NETWORK_PODS = 2
FLOOR_PODS = 1
# When max pods cannot be known (a .metal type whose vCPU count decides the 110/250 cap), the floor
# is computed with the lower cap: the maxPods stop only ever removes IPs, so this can understate
# the floor but never overstate it, and a floor finding stays certain.
FLOOR_MAX_PODS_WHEN_UNKNOWN = 110
# A scan bound far above any real node group; stops a pathological input from looping long.
MAX_SCAN_NODES = 100_000

# Settings shipped by the aws-vpc-cni chart / manifest / add-on (vpc-cni-model.md §6).
CHART_DEFAULTS: Mapping[str, str] = {
    "WARM_ENI_TARGET": "1",
    "WARM_PREFIX_TARGET": "1",
    "ENABLE_PREFIX_DELEGATION": "false",
    "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "false",
    "ENABLE_POD_ENI": "false",
}


@dataclass(frozen=True)
class Options:
    pods_per_node: int | None = None  # None: full nodes
    # Extra env per cluster name, applied after the configuration (used to test a suggested fix).
    env_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class EffectiveCni:
    settings: CniSettings
    env: dict[str, str]
    origins: dict[str, str]  # env key -> where its value came from
    notes: tuple[str, ...]
    span: SourceSpan | None  # where to point CNI findings (the last carrier), None = defaults only
    unknown: Unknown | None = None  # a carrier whose env could not be read


# Unknown is frozen, so one shared instance is a safe dataclass default.
NOT_COMPUTED = Unknown("not computed")


@dataclass(frozen=True)
class NodeGroupCapacity:
    fact: NodeGroupFact
    cluster: str
    instance_type: str | None = None
    limits: InstanceLimits | None = None
    type_choice_note: str = ""
    max_pods: int | Unknown = NOT_COMPUTED
    max_pods_source: str = ""
    pods_configured: int | Unknown = NOT_COMPUTED
    floor: NodeIps | None = None
    configured: NodeIps | None = None
    subnets: tuple[SubnetFact, ...] = ()
    max_size: int | Unknown = NOT_COMPUTED
    nodes_at_max: dict[str, int] = field(default_factory=dict)
    supported_floor: int | Unknown = NOT_COMPUTED
    supported_configured: int | Unknown = NOT_COMPUTED
    problem: Unknown | None = None  # why this group cannot be analysed, if it cannot

    @property
    def analysed(self) -> bool:
        return self.problem is None and self.floor is not None


@dataclass(frozen=True)
class SubnetCapacity:
    fact: SubnetFact
    az: str
    prefixlen: int | None
    usable: int | Unknown
    demand_floor: int
    demand_configured: int | Unknown
    # (node group address, nodes at max size, subnet IPs per node at floor, ... configured)
    contributors: tuple[tuple[str, int, int, int | Unknown], ...]
    cluster_subnet: bool

    @property
    def free_floor(self) -> int | Unknown:
        return self.usable if isinstance(self.usable, Unknown) else self.usable - self.demand_floor


@dataclass(frozen=True)
class ClusterCapacity:
    name: str
    address: str | None
    span: SourceSpan
    ip_family: str | Unknown
    cni: EffectiveCni
    subnets: tuple[SubnetCapacity, ...]
    node_groups: tuple[NodeGroupCapacity, ...]
    unresolved: tuple[Unresolved, ...]
    fact: ClusterFact | None = None
    # Largest total node count with all the cluster's groups scaled together (see _cluster_supported).
    supported_floor: int | Unknown = NOT_COMPUTED
    supported_configured: int | Unknown = NOT_COMPUTED

    @property
    def total_max_nodes(self) -> int | Unknown:
        total = 0
        for g in self.node_groups:
            if isinstance(g.max_size, Unknown):
                return g.max_size
            total += g.max_size
        return total


@dataclass(frozen=True)
class UnitCapacity:
    facts: Facts
    clusters: tuple[ClusterCapacity, ...]
    unknown_instance_types: tuple[tuple[NodeGroupFact, str, tuple[str, ...]], ...]


# --- CNI settings -------------------------------------------------------------------------------


def effective_cni(
    sources: Sequence[CniSource], ip_family: str | Unknown, override: Mapping[str, str]
) -> EffectiveCni:
    """Chart defaults, then each carrier in order (later ones win), then ``override``."""
    env = dict(CHART_DEFAULTS)
    origins = dict.fromkeys(env, "aws-vpc-cni default")
    notes: list[str] = []
    span: SourceSpan | None = None
    unknown: Unknown | None = None
    for src in sources:
        span = src.span
        if isinstance(src.env, Unknown):
            unknown = Unknown(f"{src.description}: {src.env.reason}", src.env.key, src.span)
            continue
        for key, value in src.env.items():
            if key in env and origins[key] != "aws-vpc-cni default" and env[key] != value:
                notes.append(
                    f"{key}={value} from {src.description} overrides {key}={env[key]} from {origins[key]}"
                )
            env[key] = value
            origins[key] = f"{src.description} ({src.span})"
    for key, value in override.items():
        env[key] = value
        origins[key] = "suggested fix"
    if ip_family == "ipv6":
        # EKS sets ENABLE_IPv6 (and PD) on aws-node for IPv6 clusters (vpc-cni-model.md §3).
        env["ENABLE_IPv6"] = "true"
        env["ENABLE_PREFIX_DELEGATION"] = "true"
        origins["ENABLE_IPv6"] = "cluster ip_family ipv6"
    settings, parse_notes = parse_env(env)
    return EffectiveCni(settings, env, origins, tuple(notes + list(parse_notes)), span, unknown)


# --- node groups --------------------------------------------------------------------------------


def _choose_type(
    types: Sequence[InstanceLimits], settings: CniSettings, mp: int
) -> tuple[InstanceLimits, str]:
    """With several types, the floor check takes the one whose node holds the most IPs."""
    if len(types) == 1:
        return types[0], ""
    ranked = sorted(types, key=lambda t: node_ips(t, settings, FLOOR_PODS, mp).node_subnet_ips, reverse=True)
    chosen = ranked[0]
    return chosen, (
        f"of {', '.join(t.name for t in types)}, {chosen.name} holds the most IPs per node and is used"
    )


def _max_pods(
    group: NodeGroupFact, types: Sequence[InstanceLimits], settings: CniSettings
) -> tuple[int | Unknown, str]:
    if group.max_pods is not None:
        return group.max_pods, "set explicitly"
    if group.kind == "managed" and not group.custom_ami:
        value = max_pods.managed_node_group_max_pods(types, settings)
        return (
            value,
            "EKS managed node group rule (max-pods-calculator, capped at 110 below 30 vCPUs, else 250)",
        )
    chosen = max(types, key=lambda t: t.default_max_pods)
    return max_pods.nodeadm_max_pods(chosen), "nodeadm default: ENIs x (IPv4 per ENI - 1) + 2"


def _analyse_group(
    group: NodeGroupFact, cluster: str, cni: EffectiveCni, facts: Facts, options: Options
) -> tuple[NodeGroupCapacity, list[str]]:
    """Per-node numbers for one group; returns the group and any instance types not in our table."""
    base = NodeGroupCapacity(fact=group, cluster=cluster, max_size=group.max_size)
    if isinstance(group.subnet_refs, Unknown):
        base = replace(base, problem=Unknown(f"subnets are unknown: {group.subnet_refs.reason}"))
    else:
        found = [facts.subnet_for(r) for r in group.subnet_refs]
        missing = [r for r, s in zip(group.subnet_refs, found, strict=True) if s is None]
        if missing:
            shown = ", ".join(str(m) for m in missing[:3])
            base = replace(
                base,
                problem=Unknown(
                    f"subnet(s) {shown} are not declared in this configuration, so their CIDRs are unknown"
                ),
            )
        base = replace(base, subnets=tuple(s for s in found if s is not None))
    if isinstance(group.instance_types, Unknown):
        return replace(
            base,
            problem=base.problem or Unknown(f"instance types are unknown: {group.instance_types.reason}"),
        ), []
    limits = [instance_types.lookup(t) for t in group.instance_types]
    unknown_types = [t for t, lim in zip(group.instance_types, limits, strict=True) if lim is None]
    known = [lim for lim in limits if lim is not None]
    if not known:
        return replace(
            base, problem=base.problem or Unknown("no instance type of this node group is known")
        ), unknown_types
    settings = cni.settings
    mp, mp_source = _max_pods(group, known, settings)
    mp_for_floor = mp if isinstance(mp, int) else FLOOR_MAX_PODS_WHEN_UNKNOWN
    chosen, note = _choose_type(known, settings, mp_for_floor)
    floor = node_ips(chosen, settings, FLOOR_PODS, mp_for_floor)
    configured: NodeIps | None = None
    pods: int | Unknown
    if isinstance(mp, Unknown):
        pods = Unknown(f"max pods is unknown: {mp.reason}")
    else:
        full = max(mp - HOST_NETWORK_PODS, 0)
        pods = full if options.pods_per_node is None else min(options.pods_per_node, full)
        configured = node_ips(chosen, settings, pods, mp)
    return (
        replace(
            base,
            instance_type=chosen.name,
            limits=chosen,
            type_choice_note=note,
            max_pods=mp,
            max_pods_source=mp_source,
            pods_configured=pods,
            floor=floor,
            configured=configured,
        ),
        unknown_types,
    )


# --- spreading nodes over subnets ---------------------------------------------------------------


def az_label(subnet: SubnetFact) -> str:
    if isinstance(subnet.az, str):
        return subnet.az
    return subnet.az.key or f"az-of-{subnet.address}"


def prefixlen(subnet: SubnetFact) -> int | None:
    if isinstance(subnet.cidr, Unknown):
        return None
    try:
        net = ipaddress.ip_network(subnet.cidr, strict=False)
    except ValueError:
        return None
    return net.prefixlen if net.version == 4 else None


def _usable(subnet: SubnetFact) -> int | Unknown:
    if isinstance(subnet.cidr, Unknown):
        return Unknown(
            f"CIDR of {subnet.address} is unknown: {subnet.cidr.reason}", subnet.cidr.key, subnet.span
        )
    p = prefixlen(subnet)
    if p is None:
        return Unknown(f"{subnet.cidr!r} is not an IPv4 CIDR", None, subnet.span)
    return subnets.usable_ips(p)


def spread(n: int, group_subnets: Sequence[SubnetFact]) -> dict[str, int]:
    """Nodes per subnet for ``n`` nodes spread evenly over the subnets' AZs (worst case).

    The ``n % k`` AZs that get one node more are those with the least usable space; within an AZ
    nodes split evenly over its subnets, the smaller subnets taking the remainder.
    """
    by_az: dict[str, list[SubnetFact]] = {}
    for s in group_subnets:
        by_az.setdefault(az_label(s), []).append(s)
    if not by_az:
        return {}

    def room(s: SubnetFact) -> int:
        u = _usable(s)
        return u if isinstance(u, int) else 1 << 32

    azs = sorted(by_az, key=lambda a: (sum(room(s) for s in by_az[a]), a))
    k = len(azs)
    out: dict[str, int] = {}
    for i, az in enumerate(azs):
        in_az = n // k + (1 if i < n % k else 0)
        members = sorted(by_az[az], key=lambda s: (room(s), s.address))
        m = len(members)
        for j, s in enumerate(members):
            out[s.address] = out.get(s.address, 0) + in_az // m + (1 if j < in_az % m else 0)
    return out


def _ips(n: NodeIps | None) -> int:
    return n.node_subnet_ips if n is not None else 0


def _supported(
    group: NodeGroupCapacity,
    per_node: int,
    other_demand: Mapping[str, int],
    usable: Mapping[str, int | Unknown],
) -> int | Unknown:
    """Largest node count of ``group`` that fits beside the other groups' demand at max size."""
    checkable = [s for s in group.subnets if isinstance(usable[s.address], int)]
    if not checkable:
        return Unknown("none of the node group's subnets has a known CIDR")

    def fits(n: int) -> bool:
        placed = spread(n, group.subnets)
        return all(
            other_demand.get(s.address, 0) + placed.get(s.address, 0) * per_node <= usable[s.address]  # type: ignore[operator]
            for s in checkable
        )

    n = 0
    while n < MAX_SCAN_NODES and fits(n + 1):
        n += 1
    if n == 0 and not fits(0):
        return 0
    return n


def _cluster_supported(
    groups: Sequence[NodeGroupCapacity],
    node_of: Callable[[NodeGroupCapacity], NodeIps | None],
    demand: Mapping[str, int | Unknown],
    usable: Mapping[str, int | Unknown],
) -> int | Unknown:
    """Largest total node count of a cluster whose groups grow together in proportion to their
    max sizes (largest-remainder shares, each group spread over its AZs), beside every node group
    of other clusters at its max size."""
    if not groups:
        return 0
    nodes: list[NodeIps] = []
    maxes: list[int] = []
    for g in groups:
        node = node_of(g)
        if not g.analysed or node is None or not isinstance(g.max_size, int):
            return Unknown(f"node group {g.fact.address} cannot be analysed")
        nodes.append(node)
        maxes.append(g.max_size)
    others: dict[str, int] = {}
    for addr, d in demand.items():
        if isinstance(d, Unknown):
            return Unknown("another node group's demand in a shared subnet is unknown")
        own = sum(g.nodes_at_max.get(addr, 0) * n.node_subnet_ips for g, n in zip(groups, nodes, strict=True))
        others[addr] = d - own
    total_max = sum(maxes)
    if total_max == 0:
        return 0

    def shares(total: int) -> list[int]:
        exact = [total * m / total_max for m in maxes]
        out = [int(x) for x in exact]
        by_remainder = sorted(range(len(maxes)), key=lambda i: (out[i] - exact[i], i))
        for i in by_remainder[: total - sum(out)]:
            out[i] += 1
        return out

    def fits(total: int) -> bool:
        need = dict(others)
        for g, n, count in zip(groups, nodes, shares(total), strict=True):
            for addr, k in spread(count, g.subnets).items():
                need[addr] = need.get(addr, 0) + k * n.node_subnet_ips
        for addr, needed in need.items():
            room = usable.get(addr)
            if isinstance(room, int) and needed > room:  # unknown CIDRs are EKSIP002's, not a failure
                return False
        return True

    total = 0
    while total < MAX_SCAN_NODES and fits(total + 1):
        total += 1
    return total


# --- the whole unit -----------------------------------------------------------------------------


def analyse(facts: Facts, options: Options | None = None) -> UnitCapacity:
    options = options or Options()
    clusters = _cluster_keys(facts)
    groups: list[NodeGroupCapacity] = []
    cnis: dict[str, EffectiveCni] = {}
    unknown_types: list[tuple[NodeGroupFact, str, tuple[str, ...]]] = []
    for name, fact, members in clusters:
        cni_sources = [c for c in facts.cni_sources if _belongs(c.cluster_ref, name, fact)]
        ip_family = fact.ip_family if fact is not None else "ipv4"
        cnis[name] = effective_cni(cni_sources, ip_family, options.env_overrides.get(name, {}))
        for member in members:
            cap, missing = _analyse_group(member, name, cnis[name], facts, options)
            groups.append(cap)
            unknown_types.extend((member, t, tuple(instance_types.suggest(t))) for t in missing)

    # Demand per subnet with every group at max size.
    all_subnets = {s.address: s for s in facts.subnets}
    usable = {a: _usable(s) for a, s in all_subnets.items()}
    placed: dict[str, dict[str, int]] = {}
    for g in groups:
        if g.analysed and isinstance(g.max_size, int):
            placed[g.fact.address] = spread(g.max_size, g.subnets)
    demand_floor: dict[str, int] = {}
    demand_conf: dict[str, int | Unknown] = {}
    for g in groups:
        for addr, n in placed.get(g.fact.address, {}).items():
            demand_floor[addr] = demand_floor.get(addr, 0) + n * _ips(g.floor)
            prev = demand_conf.get(addr, 0)
            if g.configured is None or isinstance(prev, Unknown):
                demand_conf[addr] = (
                    prev if isinstance(prev, Unknown) else Unknown("configured density unknown")
                )
            else:
                demand_conf[addr] = prev + n * _ips(g.configured)

    finished: list[NodeGroupCapacity] = []
    for g in groups:
        if not g.analysed:
            finished.append(g)
            continue
        mine = placed.get(g.fact.address, {})
        others_floor = {a: demand_floor.get(a, 0) - mine.get(a, 0) * _ips(g.floor) for a in usable}
        sup_floor = _supported(g, _ips(g.floor), others_floor, usable)
        sup_conf: int | Unknown = Unknown("configured density unknown")
        if g.configured is not None:
            others_conf: dict[str, int] = {}
            conf_known = True
            for a in usable:
                d = demand_conf.get(a, 0)
                if isinstance(d, Unknown):
                    conf_known = False
                    break
                others_conf[a] = d - mine.get(a, 0) * _ips(g.configured)
            if conf_known:
                sup_conf = _supported(g, _ips(g.configured), others_conf, usable)
        finished.append(
            replace(g, nodes_at_max=mine, supported_floor=sup_floor, supported_configured=sup_conf)
        )

    out: list[ClusterCapacity] = []
    for name, fact, members in clusters:
        member_addrs = {m.address for m in members}
        mine_groups = tuple(g for g in finished if g.fact.address in member_addrs)
        subnet_addrs: list[str] = []
        for g in mine_groups:
            subnet_addrs.extend(s.address for s in g.subnets if s.address not in subnet_addrs)
        cluster_subnets: list[str] = []
        if fact is not None and not isinstance(fact.subnet_refs, Unknown):
            for r in fact.subnet_refs:
                s = facts.subnet_for(r)
                if s is not None and s.address not in cluster_subnets:
                    cluster_subnets.append(s.address)
        subnet_addrs.extend(a for a in cluster_subnets if a not in subnet_addrs)
        caps = []
        for addr in subnet_addrs:
            s = all_subnets[addr]
            contributors = tuple(
                (g.fact.address, placed[g.fact.address].get(addr, 0), _ips(g.floor),
                 _ips(g.configured) if g.configured is not None else Unknown("configured density unknown"))
                for g in finished
                if g.fact.address in placed and placed[g.fact.address].get(addr, 0) > 0
            )  # fmt: skip
            caps.append(
                SubnetCapacity(
                    fact=s,
                    az=az_label(s),
                    prefixlen=prefixlen(s),
                    usable=usable[addr],
                    demand_floor=demand_floor.get(addr, 0),
                    demand_configured=demand_conf.get(addr, 0),
                    contributors=contributors,
                    cluster_subnet=addr in cluster_subnets,
                )
            )
        unresolved = tuple(
            u for u in facts.unresolved if _belongs(u.cluster_ref, name, fact) or u.cluster_ref is None
        )
        sup_floor = _cluster_supported(mine_groups, lambda g: g.floor, demand_floor, usable)
        sup_conf = _cluster_supported(mine_groups, lambda g: g.configured, demand_conf, usable)
        out.append(
            ClusterCapacity(
                name=name,
                address=fact.address if fact is not None else None,
                span=fact.span if fact is not None else members[0].span,
                ip_family=fact.ip_family if fact is not None else "ipv4",
                cni=cnis[name],
                subnets=tuple(caps),
                node_groups=mine_groups,
                unresolved=unresolved,
                fact=fact,
                supported_floor=sup_floor,
                supported_configured=sup_conf,
            )
        )
    return UnitCapacity(facts=facts, clusters=tuple(out), unknown_instance_types=tuple(unknown_types))


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
