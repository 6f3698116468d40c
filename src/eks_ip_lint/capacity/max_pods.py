"""Kubelet max pods as AWS tooling computes it (vpc-cni-model.md §2).

* ``eni_max_pods``: the eni-max-pods.txt formula, E x (L - 1) + 2.
* ``nodeadm_max_pods``: AL2023 nodeadm's default, the same formula with no cap.
* ``calculator_max_pods``: amazon-eks-ami ``max-pods-calculator.sh`` (al2023 copy @ a92d9fdeadcc).
* ``managed_node_group_max_pods``: EKS managed node groups without a custom AMI, which run that
  calculation and cap it at 110 (≤ 30 vCPUs) or 250, taking the minimum over the group's types.
"""

from __future__ import annotations

from collections.abc import Sequence

from eks_ip_lint.capacity.cni_settings import CniSettings
from eks_ip_lint.capacity.instance_types import InstanceLimits
from eks_ip_lint.capacity.subnets import IPS_PER_PREFIX
from eks_ip_lint.values import Cause, Unknown

# The calculator's ceilings: MAX_POD_CEILING_FOR_LOW_CPU / _HIGH_CPU, chosen by "CPU_COUNT -gt 30".
MNG_CAP_LOW = 110
MNG_CAP_HIGH = 250
MNG_VCPU_THRESHOLD = 30
# The two hostNetwork pods every EKS node runs (aws-node, kube-proxy): they count towards max
# pods but take no IP from ipamd (the "+2" of the max-pods formula).
HOST_NETWORK_PODS = 2


def eni_max_pods(max_enis: int, ipv4_per_eni: int) -> int:
    """E x (L - 1) + 2.

    vpc-cni-model.md §2; amazon-vpc-cni-k8s ``scripts/gen_vpc_ip_limits.go`` ``printPodLimit`` and
    ``misc/eni-max-pods.txt``; amazon-eks-ami nodeadm ``calculateStandardMaxPods``.
    """
    if max_enis < 0 or ipv4_per_eni < 1:
        raise ValueError(f"need max_enis >= 0 and ipv4_per_eni >= 1, got {max_enis}, {ipv4_per_eni}")
    return max_enis * (ipv4_per_eni - 1) + HOST_NETWORK_PODS


def nodeadm_max_pods(limits: InstanceLimits) -> int:
    """AL2023 nodeadm's default max pods: E x (L - 1) + 2 on the default network card, no 110/250 cap.

    vpc-cni-model.md §2 ("Where eni-max-pods.txt lives now"); amazon-eks-ami
    ``nodeadm/internal/kubelet/eni_max_pods.go`` ``calculateStandardMaxPods``.
    """
    return eni_max_pods(limits.max_enis, limits.ipv4_per_eni)


def _calculator_raw(
    limits: InstanceLimits, custom_networking: bool, prefix_delegation: bool, cni_max_eni: int | None
) -> int:
    """The calculator's uncapped value (what ``--show-max-allowed`` prints)."""
    enis = limits.max_enis if cni_max_eni is None else min(cni_max_eni, limits.max_enis)
    if custom_networking:
        enis -= 1
    slots = limits.ipv4_per_eni - 1
    # "IS_NITRO" is the hypervisor string only: bare metal with an empty hypervisor does not count.
    if limits.nitro_per_calculator and prefix_delegation:
        return enis * (slots * IPS_PER_PREFIX) + HOST_NETWORK_PODS
    return enis * slots + HOST_NETWORK_PODS


def _calculator_range(
    limits: InstanceLimits, custom_networking: bool, prefix_delegation: bool, cni_max_eni: int | None
) -> tuple[int, int]:
    """(lowest, highest) value the calculator can print given what we know of the vCPUs."""
    raw = _calculator_raw(limits, custom_networking, prefix_delegation, cni_max_eni)
    vcpus = limits.vcpus
    if vcpus is None:
        return min(raw, MNG_CAP_LOW), min(raw, MNG_CAP_HIGH)
    value = min(raw, MNG_CAP_HIGH if vcpus > MNG_VCPU_THRESHOLD else MNG_CAP_LOW)
    return value, value


def calculator_max_pods(
    limits: InstanceLimits,
    *,
    custom_networking: bool = False,
    prefix_delegation: bool = False,
    cni_max_eni: int | None = None,
    show_max_allowed: bool = False,
) -> int | Unknown:
    """max-pods-calculator.sh for a CNI version > 1.8.

    enis = min(--cni-max-eni, E) (E if not given), minus 1 with custom networking;
    max = enis x ((L - 1) x 16) + 2 if the hypervisor is "nitro" and PD is on, else enis x (L - 1) + 2;
    printed as is with --show-max-allowed, else min(max, 250) if vCPUs > 30, else min(max, 110).
    Returns Unknown when the vCPU count is unknown (plain ``.metal``) and the cap decides.
    vpc-cni-model.md §2 "max-pods-calculator.sh"; amazon-eks-ami
    ``templates/al2023/runtime/max-pods-calculator.sh``.
    """
    if cni_max_eni is not None and cni_max_eni < 0:
        raise ValueError(f"cni_max_eni must be >= 0, got {cni_max_eni}")
    if show_max_allowed:
        return _calculator_raw(limits, custom_networking, prefix_delegation, cni_max_eni)
    low, high = _calculator_range(limits, custom_networking, prefix_delegation, cni_max_eni)
    if low == high:
        return low
    return Unknown(
        f"max pods of {limits.name} is {low} or {high}: the calculator caps at {MNG_CAP_HIGH} above "
        f"{MNG_VCPU_THRESHOLD} vCPUs, else {MNG_CAP_LOW}, and the vCPU count of a plain .metal type "
        "is not known",
        cause=Cause.MAX_PODS_UNDECIDED,
    )


def managed_node_group_max_pods(types: Sequence[InstanceLimits], settings: CniSettings) -> int | Unknown:
    """EKS managed node group max pods: min over the group's types of the calculator value, capped 110/250.

    The calculator runs with the settings' custom networking, prefix delegation and MAX_ENI (as
    --cni-max-eni, when set). Unknown only when some type's vCPUs are unknown and that changes the minimum.
    vpc-cni-model.md §2 "Managed node groups" (EKS UG ``create-managed-node-group.adoc``,
    ``eks-networking-add-ons.adoc``).
    """
    if not types:
        raise ValueError("a managed node group has at least one instance type")
    cni_max_eni = settings.max_eni if settings.max_eni >= 1 else None
    ranges = [
        _calculator_range(t, settings.custom_networking, settings.prefix_delegation, cni_max_eni)
        for t in types
    ]
    low = min(r[0] for r in ranges)
    high = min(r[1] for r in ranges)
    if low == high:
        return low
    undecided = ", ".join(t.name for t, r in zip(types, ranges, strict=True) if r[0] != r[1])
    return Unknown(
        f"managed node group max pods is between {low} and {high}: the vCPU count of {undecided} "
        "is not known, "
        f"and it decides between the {MNG_CAP_LOW} and {MNG_CAP_HIGH} caps",
        cause=Cause.MAX_PODS_UNDECIDED,
    )
