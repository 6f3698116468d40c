"""One node of each node group: its instance type, its kubelet max pods, and the subnet IPs it holds
at each density.

* **Type**: with several instance types the group is checked with the one whose node holds the
  most IPs at the floor (a mixed-instances group may launch any of them).
* **Max pods**: an explicit value (user data, node configuration); else an EKS managed node group
  without a custom AMI gets max-pods-calculator's value capped at 110 (<= 30 vCPUs) or 250,
  minimum over its types; else nodeadm's E x (L - 1) + 2 (vpc-cni-model.md §2, §8b step 1).
* **Pods per node**: the floor is 1 pod (the warm pool alone); the configured density is
  ``pods_per_node``, default full nodes: max pods - the 2 hostNetwork pods (§2, §8b step 3).
* **Pod capacity**: the most pod IPs the node's ENIs can hold (``cni.pod_ip_capacity``: MAX_ENI,
  the custom-networking primary, the SGP trunk and prefix delegation counted as ipamd counts
  them), + the 2 hostNetwork pods, against max pods (§1.9, §1.10, §2).
* **IPs per node**: ``cni.node_ips`` at those pods, with max pods as ipamd's maxPods stop (§1.3-§1.5,
  §1.11). When max pods cannot be known the floor uses the lower cap (see
  FLOOR_MAX_PODS_WHEN_UNKNOWN) and the configured density is an Unknown.

A group whose subnets cannot be read keeps these numbers (reports show them) but has a
``problem``, and is not placed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eks_ip_lint.capacity import custom_networking, instance_types, max_pods
from eks_ip_lint.capacity.cni import NodeIps, node_ips, pod_ip_capacity
from eks_ip_lint.capacity.cni_settings import CniSettings
from eks_ip_lint.capacity.instance_types import InstanceLimits
from eks_ip_lint.capacity.max_pods_expression import nodeadm_expression_max_pods
from eks_ip_lint.capacity.options import Options
from eks_ip_lint.capacity.records import DENSITIES, Density, EffectiveCni, NodeSizing, PodCapacity
from eks_ip_lint.facts.model import EniConfigFact, Facts, NodeGroupFact, SubnetFact
from eks_ip_lint.values import Cause, Unknown, Value

FLOOR_PODS = 1
# When max pods cannot be known (a .metal type whose vCPU count decides the 110/250 cap), the floor
# is computed with the lower cap: the maxPods stop only ever removes IPs, so this can understate
# the floor but never overstate it, and a floor finding stays certain.
FLOOR_MAX_PODS_WHEN_UNKNOWN = 110


@dataclass(frozen=True)
class SizedGroup:
    """A node group once its subnets and per-node numbers are known, before it is placed."""

    fact: NodeGroupFact
    cluster: str
    subnets: tuple[SubnetFact, ...]
    sizing: NodeSizing | Unknown
    problem: Unknown | None
    pods: Mapping[Density, int | Unknown]
    nodes: Mapping[Density, NodeIps | Unknown]
    pod_subnets: Mapping[str, str | Unknown]


def _choose_type(
    types: Sequence[InstanceLimits], settings: CniSettings, mp: int
) -> tuple[InstanceLimits, str]:
    """With several types, the floor check takes the one whose node holds the most IPs."""
    if len(types) == 1:
        return types[0], ""
    ranked = sorted(types, key=lambda t: node_ips(t, settings, FLOOR_PODS, mp).total_ips, reverse=True)
    chosen = ranked[0]
    return chosen, (
        f"of {', '.join(t.name for t in types)}, {chosen.name} holds the most IPs per node and is used"
    )


def _max_pods(
    group: NodeGroupFact, types: Sequence[InstanceLimits], settings: CniSettings
) -> tuple[int | Unknown, str]:
    # Which setting takes effect was decided with the facts (facts/max_pods_config.as_eks_applies,
    # capacity-beyond-node-groups.md §5): an explicit value, else EKS's rule for its own AMIs,
    # else nodeadm's maxPodsExpression, else nodeadm's default.
    if group.max_pods is not None:
        return group.max_pods, "set explicitly" + (f" ({group.max_pods_note})" if group.max_pods_note else "")
    if group.kind == "managed" and not group.custom_ami:
        value = max_pods.managed_node_group_max_pods(types, settings)
        overridden = (
            f"; the user data's {group.max_pods_overridden} is overridden by EKS (no custom AMI)"
            if group.max_pods_overridden
            else ""
        )
        return (
            value,
            "EKS managed node group rule (max-pods-calculator, capped at 110 below 30 vCPUs, else 250)"
            + overridden,
        )
    chosen = max(types, key=lambda t: t.default_max_pods)
    if group.max_pods_expression is not None:
        return nodeadm_expression_max_pods(group.max_pods_expression, chosen)
    return max_pods.nodeadm_max_pods(chosen), "nodeadm default: ENIs x (IPv4 per ENI - 1) + 2"


def _group_subnets(group: NodeGroupFact, facts: Facts) -> tuple[tuple[SubnetFact, ...], Unknown | None]:
    """The group's declared subnets, and why the group cannot be placed when some are unknown."""
    if isinstance(group.subnet_refs, Unknown):
        refs = group.subnet_refs
        return (), Unknown(f"subnets are unknown: {refs.reason}", cause=refs.cause)
    found = [facts.subnet_for(r) for r in group.subnet_refs]
    declared = tuple(s for s in found if s is not None)
    missing = [r for r, s in zip(group.subnet_refs, found, strict=True) if s is None]
    if not missing:
        return declared, None
    shown = ", ".join(str(m) for m in missing[:3])
    return declared, Unknown(
        f"subnet(s) {shown} are not declared in this configuration, so their CIDRs are unknown",
        cause=_missing_cause(missing),
    )


def _missing_cause(missing: list[Value]) -> Cause:
    """Why a referenced subnet has no fact: what made its reference unknown (an imported export, a
    parameter, a data source), else that it is not declared here. A resource's id known only after
    apply names a subnet created elsewhere, so that is "not declared" too."""
    for ref in missing:
        if isinstance(ref, Unknown) and ref.cause not in (Cause.APPLY_TIME, Cause.UNSUPPORTED):
            return ref.cause
    return Cause.NOT_DECLARED


def _sizing(group: NodeGroupFact, settings: CniSettings) -> tuple[NodeSizing | Unknown, list[str]]:
    """The type the numbers are for and its max pods; also the group's types not in our table."""
    if isinstance(group.instance_types, Unknown):
        types = group.instance_types
        return Unknown(f"instance types are unknown: {types.reason}", cause=types.cause), []
    limits = [instance_types.lookup(t) for t in group.instance_types]
    unknown_types = [t for t, lim in zip(group.instance_types, limits, strict=True) if lim is None]
    known = [lim for lim in limits if lim is not None]
    if not known:
        return Unknown("no instance type of this node group is known", cause=Cause.INVALID), unknown_types
    mp, mp_source = _max_pods(group, known, settings)
    chosen, note = _choose_type(known, settings, mp if isinstance(mp, int) else FLOOR_MAX_PODS_WHEN_UNKNOWN)
    capacity = None if settings.ipv6 else _pod_capacity(chosen, settings, mp)
    return NodeSizing(chosen, tuple(known), note, mp, mp_source, capacity), unknown_types


def _with_efa(group: NodeGroupFact, sizing: NodeSizing, node: NodeIps) -> NodeIps:
    """eksctl ``efaEnabled``: the launch template gets an EFA interface on every network card
    (eksctl pkg/cfn/builder ``buildNetworkInterfaces``: the primary at card 0, device 0, then one
    per further card at device 1; the count is the smallest ``MaximumNetworkCards`` of the group's
    types). Each holds a primary IPv4 address of the node's subnet; ipamd manages only the default
    card's ENIs, so the cards beyond the first add exactly one address each and no pod IPs."""
    if not group.efa_interfaces:
        return node
    extra = min(t.network_cards for t in sizing.types) - 1
    if extra <= 0:
        return node
    note = f"{extra} EFA interface(s) on the other network cards (efaEnabled) hold {extra} more IP(s)"
    return dataclasses.replace(node, node_subnet_ips=node.node_subnet_ips + extra, notes=(*node.notes, note))


def _pod_capacity(limits: InstanceLimits, settings: CniSettings, mp: int | Unknown) -> PodCapacity:
    pod_ips = pod_ip_capacity(limits, settings)
    pods = pod_ips + max_pods.HOST_NETWORK_PODS
    without: int | Unknown = (
        max(0, mp - pods)
        if isinstance(mp, int)
        else Unknown(f"max pods is unknown: {mp.reason}", cause=mp.cause)
    )
    return PodCapacity(pod_ips, pods, without)


def _pods(density: Density, mp: int | Unknown, options: Options) -> tuple[int, int] | Unknown:
    """(IP-taking pods per node, the max pods that stops ipamd) at ``density``."""
    if density is Density.FLOOR:
        return FLOOR_PODS, mp if isinstance(mp, int) else FLOOR_MAX_PODS_WHEN_UNKNOWN
    if isinstance(mp, Unknown):
        return Unknown(f"max pods is unknown: {mp.reason}", cause=mp.cause)
    full = max(mp - max_pods.HOST_NETWORK_PODS, 0)
    return (full if options.pods_per_node is None else min(options.pods_per_node, full)), mp


def size_group(
    group: NodeGroupFact,
    cluster: str,
    cni: EffectiveCni,
    *,
    eniconfigs: Sequence[EniConfigFact],
    facts: Facts,
    options: Options,
) -> tuple[SizedGroup, list[str]]:
    """Per-node numbers for one group; returns the group and any instance types not in our table."""
    group_subnets, problem = _group_subnets(group, facts)
    sizing, unknown_types = _sizing(group, cni.settings)
    pods: dict[Density, int | Unknown] = {}
    nodes: dict[Density, NodeIps | Unknown] = {}
    for density in DENSITIES:
        if isinstance(sizing, Unknown):
            pods[density] = nodes[density] = sizing
            continue
        at = _pods(density, sizing.max_pods, options)
        if isinstance(at, Unknown):
            pods[density] = nodes[density] = at
        else:
            pods[density] = at[0]
            nodes[density] = _with_efa(group, sizing, node_ips(sizing.limits, cni.settings, *at))
    problem = problem or (sizing if isinstance(sizing, Unknown) else None)
    pod_subnets: Mapping[str, str | Unknown] = {}
    if problem is None and cni.settings.custom_networking:
        pod_subnets = custom_networking.pod_subnets(group_subnets, cni, eniconfigs, facts)
    return SizedGroup(group, cluster, group_subnets, sizing, problem, pods, nodes, pod_subnets), unknown_types


# --- spreading nodes over subnets ---------------------------------------------------------------
