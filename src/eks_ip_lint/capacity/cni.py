"""How many ENIs and IPv4 addresses the VPC CNI (ipamd) holds on one node: the per-node model.

Every formula is the growth-path closed form of vpc-cni-model.md §1 (checked there against a
step-by-step re-implementation of the ipamd loop): pods arrive one at a time, nothing is deleted.
``per_node_upper_bound`` gives the §1.9 bound for what churn can leave behind.

Notation (§1.1): E = ENIs of the default network card, L = IPv4 per ENI, S = L - 1 slots per ENI,
MP = kubelet max pods, p = pods that take an IP from ipamd (not hostNetwork, not SGP branch pods),
slots_ENI = pod ENIs ipamd may hold. Function names refer to ``pkg/ipamd/ipamd.go`` (IPAMContext),
``pkg/ipamd/datastore/data_store.go`` and ``pkg/awsutils/awsutils.go`` of aws/amazon-vpc-cni-k8s.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import NamedTuple

from eks_ip_lint.capacity.cni_settings import CniSettings
from eks_ip_lint.capacity.instance_types import InstanceLimits
from eks_ip_lint.capacity.subnets import IPS_PER_PREFIX


class IpMode(enum.Enum):
    SECONDARY_IP = "secondary-ip"
    PREFIX = "prefix"
    IPV6 = "ipv6"


@dataclass(frozen=True)
class NodeIps:
    """What one node holds (vpc-cni-model.md §1.11).

    ``pod_ips`` are the addresses in ipamd's pool: secondary IPs, or 16 x ``prefixes``; ENI primary
    IPs are not in it. ``node_subnet_ips`` / ``eniconfig_subnet_ips`` are the addresses taken from the
    node's subnet and, with custom networking, from the ENIConfig subnet: ENI primaries (the node IP
    is the primary ENI's), pool addresses, the trunk ENI and one per SGP branch ENI.
    """

    mode: IpMode
    pod_enis: int  # n_pod: ENIs serving pods (not the trunk, not the custom-networking primary)
    enis_total: int  # n_pod + custom-networking primary + trunk
    pod_ips: int
    prefixes: int | None  # /28 prefixes in PREFIX mode, else None
    node_subnet_ips: int
    eniconfig_subnet_ips: int
    notes: tuple[str, ...] = ()
    trunk_eni: bool = False
    branch_enis: int = 0  # SGP pods that got a branch ENI (1 IPv4 each)
    pods_without_ip: int = 0  # of the p pods, those ipamd never gives an IP (max(0, p - pod_ips))

    @property
    def total_ips(self) -> int:
        """All IPv4 addresses this node takes from VPC subnets."""
        return self.node_subnet_ips + self.eniconfig_subnet_ips


def _ceil_div(a: int, b: int) -> int:
    """ceil(a / b) for b > 0, in integers (ipamd's ``datastore.DivCeil``)."""
    return -(-a // b)


def effective_max_eni(max_enis: int, max_eni_setting: int) -> int:
    """maxENI = min(E, MAX_ENI) when MAX_ENI ≥ 1, else E.

    vpc-cni-model.md §1.1, §1.10; ipamd.go ``getMaxENI``.
    """
    return min(max_enis, max_eni_setting) if max_eni_setting >= 1 else max_enis


def slots_eni(max_eni: int, *, unmanaged_enis: int, trunk: bool, custom_networking: bool) -> int:
    """slots_ENI = maxENI - unmanaged - (1 if trunk slot reserved) - (1 if custom networking), floored at 0.

    With custom networking the primary ENI is counted but holds no pod IPs. vpc-cni-model.md §1.1,
    §1.6, §1.7; ipamd.go ``hasRoomForEni``, data_store.go ``GetAllocatableENIs``.
    """
    return max(0, max_eni - unmanaged_enis - int(trunk) - int(custom_networking))


def initial_burst(target: int, stop: int, per_eni: int) -> int:
    """The first allocation at node start: b if b ≤ stop, else min(b, per_eni · ceil(stop / per_eni)).

    The burst is allocated in chunks that never cross an ENI (at most ``per_eni`` each) and growth
    stops once the pool reaches ``stop`` (max pods, in IPs or prefixes), so it overshoots only up
    to the next ENI boundary. vpc-cni-model.md §1.4 (T0) and §1.5 B (P0); ipamd.go
    ``isDatastorePoolTooLow`` (TotalIPs ≥ maxPods), ``tryAssignIPs`` / ``tryAssignPrefixes``.
    """
    if target <= stop:
        return target
    return min(target, per_eni * _ceil_div(stop, per_eni))


def pod_enis_needed(resources: int, per_eni: int, *, custom_networking: bool) -> int:
    """n_pod = max(ceil(resources / per_eni), 1 without custom networking, else 0): ENIs are filled in order.

    vpc-cni-model.md §1.4, §1.5 A/B, §1.6 (the primary ENI always exists; with custom networking
    it is not a pod ENI).
    """
    return max(_ceil_div(resources, per_eni), 0 if custom_networking else 1)


def secondary_ip_warm_eni(
    pods: int,
    *,
    slots_per_eni: int,
    warm_eni_target: int,
    max_pods: int,
    eni_cap: int,
    custom_networking: bool,
) -> int:
    """Pod ENIs in secondary-IP mode with WARM_ENI_TARGET = W (each holds S secondary IPs).

    n_pod = ceil((p + max(S·W, 1)) / S)  (W ≥ 1: W + ceil(p/S); W = 0: floor(p/S) + 1, the upper
    value of a flap), then min(·, ceil(MP/S), slots_ENI), then ≥ 1 (primary) or ≥ 0 (custom).
    vpc-cni-model.md §1.3; ipamd.go ``isDatastorePoolTooLow`` (available < S·W || W == 0 && available == 0),
    ``hasRoomForEni``.
    """
    s = slots_per_eni
    n = _ceil_div(pods + max(s * warm_eni_target, 1), s)
    n = min(n, _ceil_div(max_pods, s), eni_cap)
    return max(n, 0 if custom_networking else 1)


def secondary_ip_targets(
    pods: int, *, slots_per_eni: int, warm_ip_target: int, minimum_ip_target: int, max_pods: int, eni_cap: int
) -> int:
    """Secondary IPs T held with WARM_IP_TARGET = Wi and/or MINIMUM_IP_TARGET = Mi (WARM_ENI_TARGET ignored).

    T_target = max(p + Wi, Mi) when Wi > 0, else Mi (MIN only: ``short`` is 0 once Total ≥ Mi, so
    pods beyond Mi never get an IP); T0 = initial_burst(max(Wi, Mi), MP, S);
    T = min(slots_ENI · S, max(T0, min(T_target, MP))).
    vpc-cni-model.md §1.4; ipamd.go ``datastoreTargetState`` (short = max(Wi - available, Mi - Total, 0)),
    ``tryAssignIPs``.
    """
    target = max(pods + warm_ip_target, minimum_ip_target) if warm_ip_target > 0 else minimum_ip_target
    burst = initial_burst(max(warm_ip_target, minimum_ip_target), max_pods, slots_per_eni)
    return min(eni_cap * slots_per_eni, max(burst, min(target, max_pods)))


def prefix_warm_prefix(
    pods: int, *, slots_per_eni: int, warm_prefix_target: int, max_pods: int, eni_cap: int
) -> int:
    """/28 prefixes P held in PD mode with WARM_PREFIX_TARGET = N (no WARM_IP/MIN).

    P = ceil(p/16) + N (N ≥ 1, packed pods) or floor(p/16) + 1 (N = 0, flaps at multiples of 16);
    P = max(P0, min(P, ceil(MP/16))) with P0 = initial_burst(N, ceil(MP/16), S);
    P = min(P, slots_ENI · S). vpc-cni-model.md §1.5 A (which writes N for P0: the same whenever
    N ≤ ceil(MP/16)); ipamd.go ``isDatastorePoolTooLow``, ``getPrefixesNeeded`` (max(1, N - free
    prefixes)), ``tryAssignPrefixes``.
    """
    n = warm_prefix_target
    grow = _ceil_div(pods, IPS_PER_PREFIX) + n if n >= 1 else pods // IPS_PER_PREFIX + 1
    stop = _ceil_div(max_pods, IPS_PER_PREFIX)
    burst = initial_burst(n, stop, slots_per_eni)
    return min(eni_cap * slots_per_eni, max(burst, min(grow, stop)))


def prefix_targets(
    pods: int, *, slots_per_eni: int, warm_ip_target: int, minimum_ip_target: int, max_pods: int, eni_cap: int
) -> int:
    """/28 prefixes P held in PD mode with WARM_IP_TARGET / MINIMUM_IP_TARGET (overriding WARM_PREFIX_TARGET).

    P_target = max(ceil((p + Wi)/16), ceil(Mi/16)) when Wi > 0, else ceil(Mi/16) (MIN only: growth
    stops there); P0 = initial_burst(ceil(max(Wi, Mi)/16), ceil(MP/16), S);
    P = min(slots_ENI · S, max(P0, min(P_target, ceil(MP/16)))).
    vpc-cni-model.md §1.5 B; ipamd.go ``datastoreTargetState`` (shortPrefix = ceil(short/16)),
    ``getPrefixesNeeded``.
    """
    per = IPS_PER_PREFIX
    min_prefixes = _ceil_div(minimum_ip_target, per)
    target = max(_ceil_div(pods + warm_ip_target, per), min_prefixes) if warm_ip_target > 0 else min_prefixes
    stop = _ceil_div(max_pods, per)
    burst = initial_burst(_ceil_div(max(warm_ip_target, minimum_ip_target), per), stop, slots_per_eni)
    return min(eni_cap * slots_per_eni, max(burst, min(target, stop)))


def minimum_only_stop(settings: CniSettings) -> int | None:
    """The pool size at which ipamd stops for good with MINIMUM_IP_TARGET = Mi and no WARM_IP_TARGET.

    Mi IPs, or with prefix delegation ceil(Mi/16) whole prefixes = 16 x ceil(Mi/16) IPs: ``short``
    is 0 once Total >= Mi, so later pods never get an IP. None when WARM_IP_TARGET is set, Mi is
    unset, or in IPv6 mode. vpc-cni-model.md §1.4 ("Only MINIMUM_IP_TARGET"), §1.5 B; ipamd.go
    ``datastoreTargetState``.
    """
    if settings.ipv6 or not settings.minimum_ip_target or settings.warm_ip_target:
        return None
    if settings.prefix_delegation:
        return _ceil_div(settings.minimum_ip_target, IPS_PER_PREFIX) * IPS_PER_PREFIX
    return settings.minimum_ip_target


def trunk_attached(trunk_reserved: bool, *, max_eni: int, unmanaged_enis: int, other_enis: int) -> bool:
    """The trunk ENI is attached iff SGP reserves it and a slot is free: maxENI - unmanaged - others ≥ 1.

    ``other_enis`` = n_pod (+1 for the custom-networking primary). vpc-cni-model.md §1.7;
    ipamd.go ``tryEnableSecurityGroupsForPods`` (room check), ``hasRoomForEni`` (trunkEni = 1).
    """
    return trunk_reserved and max_eni - unmanaged_enis - other_enis >= 1


def branch_enis(sgp_pods: int, *, trunk: bool, branch_interfaces: int | None, notes: list[str]) -> int:
    """SGP pods that get a branch ENI (1 IPv4 each, outside the ENI limit).

    min(sgp_pods, BranchInterface), or 0 without a trunk ENI. vpc-cni-model.md §1.7;
    vpc-resource-controller ``limits.go`` ``BranchInterface``.
    """
    if sgp_pods == 0:
        return 0
    if not trunk:
        notes.append(
            f"no trunk ENI on this node: its {sgp_pods} security-group-for-pods pod(s) cannot be placed here"
        )
        return 0
    if branch_interfaces is not None and sgp_pods > branch_interfaces:
        notes.append(
            f"{sgp_pods} security-group-for-pods pods exceed the {branch_interfaces} branch ENIs "
            f"of this type: only {branch_interfaces} can run"
        )
        return branch_interfaces
    return sgp_pods


def _validate(
    limits: InstanceLimits, settings: CniSettings, *, pods: int, max_pods: int, sgp_pods: int, unmanaged: int
) -> None:
    """The input contract; ValueError when it is broken.

    0 ≤ p, 1 ≤ MP, p + SGP pods ≤ MP (kubelet runs no more), SGP pods need ENABLE_POD_ENI,
    0 ≤ unmanaged ≤ E - 1 (the primary ENI is always managed).
    """
    if pods < 0:
        raise ValueError(f"pods must be >= 0, got {pods}")
    if max_pods < 1:
        raise ValueError(f"max_pods must be >= 1, got {max_pods}")
    if sgp_pods < 0:
        raise ValueError(f"sgp_pods must be >= 0, got {sgp_pods}")
    if sgp_pods and not settings.pod_eni:
        raise ValueError("sgp_pods > 0 needs ENABLE_POD_ENI (settings.pod_eni)")
    if pods + sgp_pods > max_pods:
        raise ValueError(f"pods ({pods}) + sgp_pods ({sgp_pods}) exceed max_pods ({max_pods})")
    if not 0 <= unmanaged <= limits.max_enis - 1:
        raise ValueError(
            f"unmanaged_enis must be in 0..{limits.max_enis - 1} (the primary is managed), got {unmanaged}"
        )


def _trunk_reserved(limits: InstanceLimits, settings: CniSettings) -> bool:
    """ENABLE_POD_ENI and ``IsTrunkingCompatible()`` (a type missing from the table counts as compatible).

    vpc-cni-model.md §1.7; ipamd.go ``hasRoomForEni`` (trunkEni = 1).
    """
    return settings.pod_eni and limits.trunking_compatible is not False


def _ipv6_node(limits: InstanceLimits, settings: CniSettings, sgp_pods: int, unmanaged: int) -> NodeIps:
    """IPv6: 1 IPv4 per node (the primary ENI's), plus the trunk and one per branch ENI with SGP.

    vpc-cni-model.md §3 (trunk/branch IPv4 **[inferred]**); ipamd.go ``StartNodeIPPoolManager``
    (returns early for IPv6), ``isConfigValid``.
    """
    notes: list[str] = []
    if settings.custom_networking or not settings.prefix_delegation:
        notes.append(
            "ENABLE_IPv6 needs ENABLE_PREFIX_DELEGATION=true and no custom networking: "
            "ipamd refuses this configuration (isConfigValid) and the node does not become Ready"
        )
    elif not limits.prefix_delegation_supported:
        notes.append(
            f"{limits.name} is not Nitro or bare metal: ipamd refuses IPv6 prefix delegation (isConfigValid)"
        )
    reserved = _trunk_reserved(limits, settings)
    if settings.pod_eni and not reserved:
        notes.append(f"{limits.name} is not trunking compatible: ENABLE_POD_ENI attaches no trunk ENI")
    trunk = trunk_attached(reserved, max_eni=limits.max_enis, unmanaged_enis=unmanaged, other_enis=1)
    branches = branch_enis(sgp_pods, trunk=trunk, branch_interfaces=limits.branch_interfaces, notes=notes)
    return NodeIps(
        mode=IpMode.IPV6,
        pod_enis=1,
        enis_total=1 + int(trunk),
        pod_ips=0,
        prefixes=None,
        node_subnet_ips=1 + int(trunk) + branches,
        eniconfig_subnet_ips=0,
        notes=tuple(notes),
        trunk_eni=trunk,
        branch_enis=branches,
    )


@dataclass(frozen=True)
class _Frame:
    """What every IPv4 mode shares: mode after the PD fallback, ENI caps, trunk reservation."""

    mode: IpMode
    max_eni: int
    trunk_reserved: bool
    eni_cap: int  # pod ENIs ipamd can fill: slots_ENI, but ≥ 1 without custom networking (the primary exists)
    notes: tuple[str, ...]


def _frame(limits: InstanceLimits, settings: CniSettings, unmanaged: int) -> _Frame:
    """Mode, maxENI, trunk reservation and the pod-ENI cap, with the notes they raise.

    PD only if the type is Nitro or bare metal, else the secondary-IP fallback (§1.5, ``isConfigValid``);
    maxENI per ``effective_max_eni``; eni_cap = max(slots_ENI, 1 without custom networking): the
    primary ENI exists and ``tryAssignIPs`` fills it even when ``hasRoomForEni`` refuses new ENIs.
    """
    notes: list[str] = []
    mode = IpMode.SECONDARY_IP
    if settings.prefix_delegation:
        if limits.prefix_delegation_supported:
            mode = IpMode.PREFIX
        else:
            notes.append(
                f"ENABLE_PREFIX_DELEGATION is ignored on {limits.name} (hypervisor {limits.hypervisor}, "
                "not bare metal): ipamd falls back to secondary IPs (isConfigValid)"
            )
    max_eni = effective_max_eni(limits.max_enis, settings.max_eni)
    if max_eni < limits.max_enis:
        notes.append(
            f"MAX_ENI={settings.max_eni} caps {limits.name} at {max_eni} of its {limits.max_enis} ENIs; "
            "kubelet max pods is not lowered to match"
        )
    reserved = _trunk_reserved(limits, settings)
    if settings.pod_eni and not reserved:
        notes.append(f"{limits.name} is not trunking compatible: ENABLE_POD_ENI attaches no trunk ENI")
    slots = slots_eni(
        max_eni, unmanaged_enis=unmanaged, trunk=reserved, custom_networking=settings.custom_networking
    )
    if settings.custom_networking and slots == 0:
        notes.append(
            f"custom networking leaves no ENI slot for pods on {limits.name}: no pod gets an IP "
            "and the node does not become Ready"
        )
    eni_cap = max(slots, 0 if settings.custom_networking else 1)
    return _Frame(mode, max_eni, reserved, eni_cap, tuple(notes))


class _Pool(NamedTuple):
    n_pod: int
    pod_ips: int
    prefixes: int | None


def _pool(limits: InstanceLimits, settings: CniSettings, frame: _Frame, pods: int, max_pods: int) -> _Pool:
    """(n_pod, pod_ips, prefixes) for the frame's mode.

    WARM_IP/MIN targets take precedence over WARM_PREFIX_TARGET (PD) or WARM_ENI_TARGET (secondary
    IP). vpc-cni-model.md §1.3-§1.5; ipamd.go ``datastoreTargetState``, ``getPrefixesNeeded``
    ("WARM_IP_TARGET takes precedence").
    """
    s = limits.slots_per_eni
    custom = settings.custom_networking
    if frame.mode is IpMode.PREFIX:
        if settings.warm_ip_targets_set:
            p = prefix_targets(
                pods,
                slots_per_eni=s,
                warm_ip_target=settings.warm_ip_target,
                minimum_ip_target=settings.minimum_ip_target,
                max_pods=max_pods,
                eni_cap=frame.eni_cap,
            )
        else:
            p = prefix_warm_prefix(
                pods,
                slots_per_eni=s,
                warm_prefix_target=settings.warm_prefix_target,
                max_pods=max_pods,
                eni_cap=frame.eni_cap,
            )
        return _Pool(pod_enis_needed(p, s, custom_networking=custom), IPS_PER_PREFIX * p, p)
    if settings.warm_ip_targets_set:
        t = secondary_ip_targets(
            pods,
            slots_per_eni=s,
            warm_ip_target=settings.warm_ip_target,
            minimum_ip_target=settings.minimum_ip_target,
            max_pods=max_pods,
            eni_cap=frame.eni_cap,
        )
        return _Pool(pod_enis_needed(t, s, custom_networking=custom), t, None)
    n = secondary_ip_warm_eni(
        pods,
        slots_per_eni=s,
        warm_eni_target=settings.warm_eni_target,
        max_pods=max_pods,
        eni_cap=frame.eni_cap,
        custom_networking=custom,
    )
    return _Pool(n, s * n, None)


def _mode_notes(
    limits: InstanceLimits, settings: CniSettings, mode: IpMode, *, pods: int, n_pod: int, pod_ips: int
) -> list[str]:
    """Notes for the documented oddities.

    WARM_PREFIX_TARGET=0 and WARM_ENI_TARGET=0 flapping (§1.3, §1.5 A), the MIN-only trap (§1.4),
    and pods the ENI capacity leaves without an IP (max(0, p - pod IPs)).
    """
    notes: list[str] = []
    s = limits.slots_per_eni
    if mode is IpMode.PREFIX and not settings.warm_ip_targets_set and settings.warm_prefix_target == 0:
        notes.append(
            "WARM_PREFIX_TARGET=0 under prefix delegation is documented as not supported: the pool flaps at "
            "multiples of 16 pods (the upper value is counted)"
        )
    if (
        mode is IpMode.SECONDARY_IP
        and not settings.warm_ip_targets_set
        and settings.warm_eni_target == 0
        and pods % s == 0
        and (pods > 0 or settings.custom_networking)
        and n_pod == pods // s + 1
    ):
        notes.append(
            f"WARM_ENI_TARGET=0 with {pods} pods (a multiple of {s}): an empty ENI is freed and re-added "
            "every minute (the upper value is counted)"
        )
    missing = pods - pod_ips
    if missing > 0:
        if settings.warm_ip_targets_set and settings.warm_ip_target == 0:
            notes.append(
                f"MINIMUM_IP_TARGET={settings.minimum_ip_target} without WARM_IP_TARGET: ipamd stops at the "
                f"minimum, so {missing} of {pods} pods never get{'s' if missing == 1 else ''} an IP"
            )
        else:
            notes.append(
                f"the node's ENI capacity holds {pod_ips} pod IPs: {missing} of {pods} pods get no IP"
            )
    return notes


def node_ips(
    limits: InstanceLimits,
    settings: CniSettings,
    pods: int,
    max_pods: int,
    *,
    sgp_pods: int = 0,
    unmanaged_enis: int = 0,
) -> NodeIps:
    """ENIs and subnet IPv4 addresses one node holds with ``pods`` IP-consuming pods (growth path).

    ENIs_total = n_pod + (1 custom-networking primary) + (1 trunk);
    node subnet = n_pod + pod_ips (+ trunk + SGP branches) without custom networking, else 1 (the node IP);
    ENIConfig subnet (custom networking) = n_pod + pod_ips (+ trunk + SGP branches);
    total = ENIs_total + pod_ips + SGP branches.
    Modes: IPv6 (§3), PD if enabled and the type is Nitro or bare metal (§1.5, else the secondary-IP
    fallback with a note), otherwise secondary IPs (§1.3 WARM_ENI_TARGET, §1.4 WARM_IP/MIN targets).
    vpc-cni-model.md §1.11; ipamd.go ``updateIPPoolIfRequired``.

    ``max_pods`` is the kubelet value (the maxPods stop); ``sgp_pods`` are security-group-for-pods
    pods (not in ``pods``); ``unmanaged_enis`` are ENIs tagged no_manage or EFA-only.
    """
    _validate(limits, settings, pods=pods, max_pods=max_pods, sgp_pods=sgp_pods, unmanaged=unmanaged_enis)
    if settings.ipv6:
        return _ipv6_node(limits, settings, sgp_pods, unmanaged_enis)
    frame = _frame(limits, settings, unmanaged_enis)
    pool = _pool(limits, settings, frame, pods, max_pods)
    notes = [
        *frame.notes,
        *_mode_notes(limits, settings, frame.mode, pods=pods, n_pod=pool.n_pod, pod_ips=pool.pod_ips),
    ]
    return _assemble(
        limits, settings, frame, pool, pods=pods, sgp_pods=sgp_pods, unmanaged=unmanaged_enis, notes=notes
    )


def _assemble(
    limits: InstanceLimits,
    settings: CniSettings,
    frame: _Frame,
    pool: _Pool,
    *,
    pods: int,
    sgp_pods: int,
    unmanaged: int,
    notes: list[str],
) -> NodeIps:
    """Subnet accounting of vpc-cni-model.md §1.11 for a computed pool."""
    custom = settings.custom_networking
    n_pod, pod_ips = pool.n_pod, pool.pod_ips
    trunk = trunk_attached(
        frame.trunk_reserved, max_eni=frame.max_eni, unmanaged_enis=unmanaged, other_enis=n_pod + int(custom)
    )
    if frame.trunk_reserved and not trunk:
        notes.append(
            f"no free ENI slot for the trunk ENI on {limits.name}: security groups for pods cannot work here"
        )
    branches = branch_enis(sgp_pods, trunk=trunk, branch_interfaces=limits.branch_interfaces, notes=notes)
    sgp_ips = int(trunk) + branches
    pool_side = n_pod + pod_ips + sgp_ips
    return NodeIps(
        mode=frame.mode,
        pod_enis=n_pod,
        enis_total=n_pod + int(custom) + int(trunk),
        pod_ips=pod_ips,
        prefixes=pool.prefixes,
        node_subnet_ips=1 if custom else pool_side,
        eniconfig_subnet_ips=pool_side if custom else 0,
        notes=tuple(notes),
        trunk_eni=trunk,
        branch_enis=branches,
        pods_without_ip=max(0, pods - pod_ips),
    )


def pod_ip_capacity(limits: InstanceLimits, settings: CniSettings, *, unmanaged_enis: int = 0) -> int:
    """The most pod IPs ipamd can ever hold on one node, whatever kubelet max pods says.

    eni_cap x S secondary IPs, or eni_cap x S prefixes x 16 in PD mode (after the non-Nitro
    fallback), where eni_cap = slots_ENI = maxENI - unmanaged - (1 trunk with ENABLE_POD_ENI) -
    (1 custom-networking primary), at least 1 without custom networking: every pod ENI ipamd may
    hold, full. maxENI honours MAX_ENI. This is the §1.9 upper bound without the maxPods stop;
    max pods above it + 2 leaves pods without an IP (§1.10: MAX_ENI does not lower max pods).
    vpc-cni-model.md §1.1, §1.5 C, §1.6, §1.7, §1.9, §1.10. IPv4 modes only: ValueError in IPv6
    mode, where pods take IPv6 addresses.
    """
    if settings.ipv6:
        raise ValueError("pod_ip_capacity is for IPv4: in IPv6 mode pods take IPv6 addresses")
    frame = _frame(limits, settings, unmanaged_enis)
    per_slot = IPS_PER_PREFIX if frame.mode is IpMode.PREFIX else 1
    return frame.eni_cap * limits.slots_per_eni * per_slot


def per_node_upper_bound(
    limits: InstanceLimits,
    settings: CniSettings,
    max_pods: int,
    *,
    sgp_pods: int = 0,
    unmanaged_enis: int = 0,
) -> NodeIps:
    """The most a node can hold after any churn: every pod ENI up to the maxPods stop, filled.

    Secondary IP: n = min(slots_ENI, ceil(MP/S)), pod IPs = S·n.
    PD: n = min(slots_ENI, ceil(ceil(MP/16)/S)), prefixes = S·n, pod IPs = 16·S·n.
    (n ≥ 1 without custom networking.) ENIs are created only when every ENI is full, and growth
    stops at the maxPods stop, so no pool, burst or churn history exceeds this.
    vpc-cni-model.md §1.9 ("ENIs_total + slots_ENI·S, capped by the maxPods stop"); ipamd.go
    ``isDatastorePoolTooLow``, ``hasRoomForEni``.
    """
    _validate(limits, settings, pods=0, max_pods=max_pods, sgp_pods=sgp_pods, unmanaged=unmanaged_enis)
    if settings.ipv6:
        return _ipv6_node(limits, settings, sgp_pods, unmanaged_enis)
    frame = _frame(limits, settings, unmanaged_enis)
    s = limits.slots_per_eni
    least = 0 if settings.custom_networking else 1
    if frame.mode is IpMode.PREFIX:
        n_pod = max(min(frame.eni_cap, _ceil_div(_ceil_div(max_pods, IPS_PER_PREFIX), s)), least)
        pool = _Pool(n_pod, IPS_PER_PREFIX * s * n_pod, s * n_pod)
    else:
        n_pod = max(min(frame.eni_cap, _ceil_div(max_pods, s)), least)
        pool = _Pool(n_pod, s * n_pod, None)
    notes = [*frame.notes, "upper bound after pod churn (vpc-cni-model.md §1.9)"]
    return _assemble(
        limits, settings, frame, pool, pods=0, sgp_pods=sgp_pods, unmanaged=unmanaged_enis, notes=notes
    )
