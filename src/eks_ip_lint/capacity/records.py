"""What the capacity analysis finds: frozen records, each built once and complete.

Everything that exists at the two densities is keyed by :class:`Density` rather than kept in
parallel floor/configured fields:

* **floor**: 1 pod per node, the warm pool alone;
* **configured**: the pods per node of the run (default: full nodes, max pods minus the two
  hostNetwork pods, vpc-cni-model.md §2).

A number the analysis cannot give is an :class:`~eks_ip_lint.values.Unknown` saying why, never a
placeholder: a node group that cannot be analysed has its ``problem`` and Unknowns where its
numbers would be.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.cni_settings import CniSettings
from eks_ip_lint.capacity.instance_types import InstanceLimits
from eks_ip_lint.capacity.options import Options
from eks_ip_lint.facts.model import (
    AutoModeFact,
    ClusterFact,
    Facts,
    FargateProfileFact,
    NodeClassFact,
    NodeGroupFact,
    NodePoolFact,
    SubnetFact,
    Unresolved,
)
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Unknown


class _Record:
    """The repr dataclasses would write, written once: a generated ``__repr__`` is the costliest
    part of creating a dataclass, and this module is imported by every run, served from the
    cache or not (stored results are these records)."""

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))  # type: ignore[arg-type]
        return f"{type(self).__qualname__}({shown})"


NODE_GROUP = "node-group"  # Contribution.kind of a node group's nodes


class Density(enum.Enum):
    FLOOR = "floor"  # 1 pod per node: the warm pool alone
    CONFIGURED = "configured"  # the run's pods per node (default: full nodes)

    # Members are singletons compared by identity; Enum's own __hash__ (hash of the name) is a
    # Python call on every lookup of the per-density mappings, a few percent of an analysis.
    __hash__ = object.__hash__


DENSITIES = tuple(Density)  # iterating the enum class goes through a generator each time


@dataclass(frozen=True, repr=False)
class MinimumOnlyStop(_Record):
    """MINIMUM_IP_TARGET without WARM_IP_TARGET: ipamd allocates ``ips`` per node and never more
    (cni.minimum_only_stop), so pod number ``first_pod_without_ip`` on a node gets no IP."""

    ips: int
    first_pod_without_ip: int


@dataclass(frozen=True, repr=False)
class EffectiveCni(_Record):
    """The VPC CNI settings a cluster's nodes run with, and where each came from."""

    settings: CniSettings
    env: Mapping[str, str]
    origins: Mapping[str, str]  # env key -> where its value came from
    notes: tuple[str, ...]
    span: SourceSpan | None  # where to point CNI findings (the last carrier), None = defaults only
    unknown: Unknown | None  # a carrier whose env could not be read
    minimum_only: MinimumOnlyStop | None  # the MINIMUM_IP_TARGET-only trap, when the settings set it
    # Where a fix sets env: the last carrier ("aws_eks_addon.vpc_cni configuration_values"), else
    # the cluster's IaC's own place for it (ClusterFact.cni_settings_where).
    settings_where: str = ""


@dataclass(frozen=True, repr=False)
class PodCapacity(_Record):
    """The pods one node's ENIs can give an IPv4 address, against its kubelet max pods."""

    pod_ips: int  # the most pod IPs the node can hold (cni.pod_ip_capacity)
    pods: int  # pod_ips + the 2 hostNetwork pods, which need none: the max pods the ENIs support
    pods_without_ip: int | Unknown  # max(0, max pods - pods): pods the scheduler places that get no IP


@dataclass(frozen=True, repr=False)
class NodeSizing(_Record):
    """One node of a group: the instance type the numbers are for and its kubelet max pods."""

    limits: InstanceLimits
    types: tuple[InstanceLimits, ...]  # every type of the group found in the table, in its order
    type_choice_note: str  # why this type, when the group has several
    max_pods: int | Unknown
    max_pods_source: str
    pod_capacity: PodCapacity | None  # None in IPv6 mode: pods take IPv6 addresses


@dataclass(frozen=True, repr=False)
class GroupAtDensity(_Record):
    pods: int | Unknown  # IP-taking pods per node
    node: NodeIps | Unknown  # what one node holds
    supported: int | Unknown  # largest node count the subnets hold beside the other groups at max size
    exhaustion: Exhaustion | None  # the subnets of its nodes that run out at max size, if any


@dataclass(frozen=True, repr=False)
class Exhaustion(_Record):
    """Subnets a group's nodes take IPs from whose demand at max size exceeds their room."""

    subnets: tuple[SubnetCapacity, ...]  # in the cluster's subnet order
    largest_demand: int  # the most IPs any of them is asked for
    prefixlen_for_largest: int  # the smallest subnet that holds that many (subnets.smallest_prefix_for)


@dataclass(frozen=True, repr=False)
class SurgeShortfall(_Record):
    """A subnet that runs out while a managed node group is updated: ``need`` IPs of ``usable``."""

    subnet: str
    need: int
    usable: int


@dataclass(frozen=True, repr=False)
class UpdateSurge(_Record):
    """The nodes EKS adds to a managed node group during an update, and whether they fit
    (update_surge.py; capacity-beyond-node-groups.md §6)."""

    strategy: str  # DEFAULT (launch first) or MINIMAL (terminate first: no surge)
    max_unavailable: int | Unknown
    max_unavailable_source: str
    azs: int  # AZs of the group's declared subnets
    surge: int | Unknown  # max(2 x azs, max unavailable); 0 with MINIMAL
    per_az: int | Unknown  # the most of them one AZ can get
    span: SourceSpan | None  # the update settings, if the group declares them
    # Per density: the subnets that run out with the group at max size plus the surge (empty: it
    # fits), and the largest max size whose update fits.
    short: Mapping[Density, tuple[SurgeShortfall, ...] | Unknown]
    largest_max_size: Mapping[Density, int | Unknown]


@dataclass(frozen=True, repr=False)
class NodeGroupCapacity(_Record):
    fact: NodeGroupFact
    cluster: str
    subnets: tuple[SubnetFact, ...]  # the declared ones among the group's subnet references
    sizing: NodeSizing | Unknown  # Unknown: no instance type of the group is known
    problem: Unknown | None  # why the group cannot be placed on its subnets, if it cannot
    # Custom networking: node subnet address -> the ENIConfig subnet paying for its nodes' pod IPs
    # (an Unknown when no ENIConfig for that AZ is known). Empty without custom networking.
    pod_subnets: Mapping[str, str | Unknown]
    # Nodes at max size per subnet: in their own subnet, and (custom networking) the nodes whose pod
    # IPs an ENIConfig subnet pays for. Empty when the group is not placed.
    nodes_at_max: Mapping[str, int]
    at: Mapping[Density, GroupAtDensity]
    update_surge: UpdateSurge | None = None  # managed node groups that can be placed

    @property
    def analysed(self) -> bool:
        return self.problem is None

    @property
    def max_size(self) -> int | Unknown:
        return self.fact.max_size

    @property
    def max_pods(self) -> int | Unknown:
        return self.sizing.max_pods if isinstance(self.sizing, NodeSizing) else self.sizing

    @property
    def instance_type(self) -> str | None:
        """The type the numbers are for; None when no type of the group is known."""
        return self.sizing.limits.name if isinstance(self.sizing, NodeSizing) else None


@dataclass(frozen=True, repr=False)
class Contribution(_Record):
    """One consumer of a subnet's IPs and what it takes there.

    For a node group: its nodes that the subnet pays for (in it, or with custom networking as the
    ENIConfig subnet of their AZ) and the IPs each takes. Anything else that takes IPs from the
    subnet is a contribution too, with its ``kind`` (consumers.py: interface endpoints, NAT
    gateways, load balancers...; other node-like kinds from other analyses): ``nodes`` counts its
    units there (1 for a resource) and ``ips_per_node`` what each takes. Every contribution adds
    ``nodes * ips_per_node`` to the subnet's demand (demand.with_consumers).
    """

    group: str  # the consumer's address (node group, endpoint, NAT gateway...)
    nodes: int  # at max size (1 for a declared resource)
    ips_per_node: Mapping[Density, int | Unknown]
    kind: str = NODE_GROUP  # NODE_GROUP, or a facts.model.ConsumerKind, or another analysis' kind
    span: SourceSpan | None = None  # where it is declared (node groups: see NodeGroupCapacity)
    basis: str = ""  # the rule its cost comes from, and the source
    # Its IPs are single addresses outside any /28 prefix: they break free blocks for prefix
    # delegation (PrefixDemand.singles). Node groups' singles are counted from their nodes.
    singles: bool = False

    def ips(self, density: Density) -> int | Unknown:
        per = self.ips_per_node[density]
        return per if isinstance(per, Unknown) else self.nodes * per


@dataclass(frozen=True, repr=False)
class SubnetCapacity(_Record):
    fact: SubnetFact
    az: str
    prefixlen: int | None
    usable: int | Unknown  # usable addresses less the IPs reserved for other tenants
    demand: Mapping[Density, int | Unknown]  # IPs every node group takes from it at max size
    free: Mapping[Density, int | Unknown]  # usable - demand (negative: over-committed)
    contributors: tuple[Contribution, ...]  # node groups and every other consumer, in that order
    cluster_subnet: bool
    prefix_demand: PrefixDemand | None  # groups in prefix-delegation mode place /28 prefixes here

    @property
    def node_groups(self) -> tuple[Contribution, ...]:
        return tuple(c for c in self.contributors if c.kind == NODE_GROUP)

    @property
    def others(self) -> tuple[Contribution, ...]:
        """Every consumer that is not a node group (endpoints, NAT gateways, node pools...)."""
        return tuple(c for c in self.contributors if c.kind != NODE_GROUP)

    def others_ips(self, density: Density) -> int | Unknown:
        """IPs the consumers that are not node groups take from it, at ``density``."""
        total = 0
        for c in self.others:
            ips = c.ips(density)
            if isinstance(ips, Unknown):
                return ips
            total += ips
        return total


@dataclass(frozen=True, repr=False)
class PrefixDemand(_Record):
    """With prefix delegation: the /28 prefixes the groups at max size need in one subnet, against
    the aligned blocks that can stay free (vpc-cni-model.md §1.5, §4)."""

    groups: tuple[NodeGroupFact, ...]  # the groups whose prefixes land here
    prefixes: int
    singles: int  # addresses assigned one by one: node IPs and ENI primaries
    blocks: int  # assignable /28 blocks of the empty subnet (subnets.prefix_blocks)
    available: int  # blocks that stay free, at best, once the singles are placed (subnets.prefixes_available)
    at_floor: bool  # some group's configured density is unknown, so its floor is counted
    prefixlen_for_all: int  # the smallest subnet holding the blocks, the singles and its reserved IPs

    @property
    def short(self) -> bool:
        return self.prefixes > self.available


@dataclass(frozen=True, repr=False)
class ZoneRoom(_Record):
    """One zone of a node pool: its selected subnets and the room they have left."""

    az: str
    subnets: tuple[str, ...]  # addresses, in declaration order
    # Per subnet: usable IPs less every node group's demand at max size (a node's IPs all come
    # from one subnet, so nodes are counted per subnet).
    room: Mapping[Density, Mapping[str, int | Unknown]]

    def total(self, density: Density) -> int | Unknown:
        out = 0
        for r in self.room[density].values():
            if isinstance(r, Unknown):
                return r
            out += r
        return out


@dataclass(frozen=True, repr=False)
class PoolAtDensity(_Record):
    """A node pool at one density: its IP-heaviest node, the IPs at its ceiling, what fits."""

    ips_per_node: int | Unknown  # of the allowed type whose node holds the most IPs
    heaviest_type: str | None
    # IPs the pool holds at its node ceiling: min(ceiling x ips_per_node, the limits' per-resource
    # bound); None for an unbounded pool.
    ips_at_ceiling: int | Unknown | None
    # Nodes of the heaviest type the selected subnets hold beside the node groups at max size:
    # filling every zone, and in the zone with the least room (nodes all in one zone).
    nodes_supported: int | Unknown
    worst_zone: str | None
    worst_zone_nodes: int | Unknown
    room_total: int | Unknown  # the selected subnets' room left, all zones
    worst_zone_room: int | Unknown


@dataclass(frozen=True, repr=False)
class NodePoolCapacity(_Record):
    """A Karpenter NodePool (or an EKS Auto Mode pool): its node ceiling and its subnets' room."""

    fact: NodePoolFact
    node_class: NodeClassFact | None  # None: not found, or Auto Mode's default NodeClass
    auto_mode: bool
    subnets: tuple[SubnetFact, ...]  # where its nodes take IPs (selected, or the cluster's)
    subnets_source: str  # how they were chosen: the NodeClass selector, the cluster's subnets
    types_allowed: int  # instance types of the table its requirements allow
    ignored_requirements: tuple[str, ...]  # keys not applied (they can only narrow the set)
    # None: no limit bounds it (unbounded); else the node ceiling, and how it was derived.
    ceiling: int | Unknown | None
    ceiling_source: str
    max_pods_source: str
    zones: tuple[ZoneRoom, ...]
    at: Mapping[Density, PoolAtDensity]
    problem: Unknown | None  # why the pool cannot be checked against its subnets
    notes: tuple[str, ...]

    @property
    def unbounded(self) -> bool:
        return self.ceiling is None


@dataclass(frozen=True, repr=False)
class AutoModeCapacity(_Record):
    """EKS Auto Mode as the cluster declares it, with the networking defaults it implies."""

    fact: AutoModeFact
    notes: tuple[str, ...]  # the networking defaults and what is not verified


@dataclass(frozen=True, repr=False)
class FargateRoom(_Record):
    """One subnet of a Fargate profile: the planned pods counted in it, and the IPs left for
    Fargate pods beside everything else at max size (this profile's planned pods not counted)."""

    subnet: str
    planned: int
    room: Mapping[Density, int | Unknown]


@dataclass(frozen=True, repr=False)
class FargateCapacity(_Record):
    """A Fargate profile (fargate.py): 1 IP per pod from its subnets."""

    fact: FargateProfileFact
    planned: int | None  # the configuration file's fargate_pods for it, if any
    subnets: tuple[FargateRoom, ...]  # its declared subnets
    problem: Unknown | None  # why its subnets cannot be told, if they cannot

    def room(self, density: Density) -> int | Unknown:
        """Fargate pods its subnets hold beside everything else at max size (0 for a subnet
        already over-committed)."""
        total = 0
        for s in self.subnets:
            r = s.room[density]
            if isinstance(r, Unknown):
                return r
            total += max(0, r)
        return total

    def short(self, density: Density) -> tuple[FargateRoom, ...]:
        """The subnets whose planned pods exceed their room at ``density``."""
        return tuple(s for s in self.subnets if isinstance(r := s.room[density], int) and s.planned > r)


@dataclass(frozen=True, repr=False)
class ClusterCapacity(_Record):
    name: str
    address: str | None
    span: SourceSpan
    ip_family: str | Unknown
    cni: EffectiveCni
    subnets: tuple[SubnetCapacity, ...]
    node_groups: tuple[NodeGroupCapacity, ...]
    unresolved: tuple[Unresolved, ...]
    fact: ClusterFact | None
    # Largest total node count with all the cluster's groups scaled together (placement.py).
    supported: Mapping[Density, int | Unknown]
    node_pools: tuple[NodePoolCapacity, ...] = ()  # Karpenter and Auto Mode pools (node_pools.py)
    auto_mode: AutoModeCapacity | None = None
    fargate: tuple[FargateCapacity, ...] = ()

    @property
    def total_max_nodes(self) -> int | Unknown:
        total = 0
        for g in self.node_groups:
            if isinstance(g.max_size, Unknown):
                return g.max_size
            total += g.max_size
        return total


@dataclass(frozen=True, repr=False)
class UnitCapacity(_Record):
    facts: Facts
    clusters: tuple[ClusterCapacity, ...]
    unknown_instance_types: tuple[tuple[NodeGroupFact, str, tuple[str, ...]], ...]
    options: Options = field(default_factory=Options)  # what the unit was analysed with

    def node_group(self, address: str) -> NodeGroupCapacity | None:
        for c in self.clusters:
            for g in c.node_groups:
                if g.fact.address == address:
                    return g
        return None
