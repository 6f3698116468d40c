"""Custom networking: which subnet pays for the pod IPs of a group's nodes, AZ by AZ.

With ``AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true`` every pod ENI, its primary IP and its pod IPs or
prefixes come from the subnet of the node's ENIConfig; the node subnet keeps only the node IP
(vpc-cni-model.md §1.6, §1.11). ipamd picks the ENIConfig named by the node's
``ENI_CONFIG_LABEL_DEF`` label; with ``topology.kubernetes.io/zone`` (the usual convention) that
is the ENIConfig named after the node's AZ, matched here by name or by symbolic key. Any other
label, an AZ without a known ENIConfig, or an ENIConfig whose subnet is not declared leaves the
paying subnet an Unknown (an EKSIP002 finding), never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from eks_ip_lint.capacity import subnets
from eks_ip_lint.capacity.records import EffectiveCni
from eks_ip_lint.facts.model import EniConfigFact, Facts, NodeGroupFact, SubnetFact, Unresolved, same_ref
from eks_ip_lint.values import Cause, Unknown

# ENI_CONFIG_LABEL_DEF values under which ipamd picks the ENIConfig named after the node's AZ.
ZONE_LABELS = frozenset({"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"})


def pod_subnets(
    group_subnets: Sequence[SubnetFact],
    cni: EffectiveCni,
    eniconfigs: Sequence[EniConfigFact],
    facts: Facts,
) -> dict[str, str | Unknown]:
    """For each node subnet of a custom-networking group: the ENIConfig subnet of its AZ."""
    label_def = cni.env.get("ENI_CONFIG_LABEL_DEF")
    out: dict[str, str | Unknown] = {}
    for s in group_subnets:
        az = subnets.az_label(s)
        if label_def is not None and label_def not in ZONE_LABELS:
            out[s.address] = Unknown(
                f"ENI_CONFIG_LABEL_DEF={label_def}: nodes pick their ENIConfig by that label, not by AZ, so "
                f"the ENIConfig subnet of nodes in {s.address} (AZ {az}) cannot be told",
                cause=Cause.ENICONFIG_MISSING,
            )
            continue
        named = [e for e in eniconfigs if same_ref(e.name, s.az)]
        if not named:
            out[s.address] = Unknown(
                f"custom networking is on but no ENIConfig for AZ {az} is known, so the ENIConfig subnet is "
                f"unknown and the pod IPs of nodes in {s.address} cannot be charged",
                cause=Cause.ENICONFIG_MISSING,
            )
            continue
        chosen = named[-1]  # applied last, as kubectl apply of the same name would leave it
        target = facts.subnet_for(chosen.subnet_ref)
        if target is None:
            out[s.address] = Unknown(
                f"ENIConfig {chosen.address} for AZ {az} names subnet {chosen.subnet_ref}, which is not "
                "declared in this configuration, so the CIDR paying for those pod IPs is unknown",
                cause=Cause.NOT_DECLARED,
            )
            continue
        out[s.address] = target.address
    return out


def unresolved_pod_subnets(
    group: NodeGroupFact, group_subnets: Sequence[SubnetFact], pod_subnets: Mapping[str, str | Unknown]
) -> list[Unresolved]:
    """An Unresolved (EKSIP002) for every node subnet whose nodes' pod IPs have no known subnet."""
    out: list[Unresolved] = []
    for s in group_subnets:
        target = pod_subnets.get(s.address)
        if isinstance(target, Unknown):
            out.append(
                Unresolved(
                    what=f"the subnet paying for pod IPs of node group {group.address} in AZ {subnets.az_label(s)}",
                    reason=target.reason,
                    span=group.subnets_span,
                    address=group.address,
                    cluster_ref=group.cluster_ref,
                    cause=target.cause,
                )
            )
    return out
