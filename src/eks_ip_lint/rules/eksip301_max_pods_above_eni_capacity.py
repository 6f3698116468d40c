"""EKSIP301: a node group's explicit max pods is more than its ENIs can give IPs to."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.cni_settings import CniSettings
from eks_ip_lint.capacity.max_pods import eni_max_pods
from eks_ip_lint.capacity.records import NodeGroupCapacity, NodeSizing, UnitCapacity
from eks_ip_lint.capacity.subnets import IPS_PER_PREFIX
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta

META = RuleMeta(
    id="EKSIP301",
    name="max-pods-above-eni-capacity",
    severity=Severity.WARNING,
    summary="A node group sets kubelet max pods above what its ENIs can address, so the extra pods stay in ContainerCreating.",
)


def eni_capacity(group: NodeGroupCapacity, settings: CniSettings) -> int | None:
    """Pods one node can give VPC IPs to, counting the two hostNetwork pods (the "+2").

    Secondary IPs: ENIs x (IPs per ENI - 1) + 2 (eni-max-pods.txt); prefix delegation: each
    secondary slot is a /28, so x 16; custom networking: the primary ENI serves no pods.
    """
    if not isinstance(group.sizing, NodeSizing) or settings.ipv6:
        return None
    limits = group.sizing.limits
    enis = limits.max_enis - (1 if settings.custom_networking else 0)
    if settings.prefix_delegation and limits.prefix_delegation_supported:
        return enis * (limits.ipv4_per_eni - 1) * IPS_PER_PREFIX + 2
    return eni_max_pods(enis, limits.ipv4_per_eni)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster in unit.clusters:
        for g in cluster.node_groups:
            configured = g.fact.max_pods
            if not g.analysed or not isinstance(configured, int):
                continue
            capacity = eni_capacity(g, cluster.cni.settings)
            if capacity is None or configured <= capacity:
                continue
            yield RULE.finding(
                f"node group {g.fact.address}: kubelet max pods is set to {configured}, but a {g.instance_type} "
                f"node's ENIs can address only {capacity} pods ({capacity - 2} pod IPs plus the 2 hostNetwork "
                f"pods); the scheduler places up to {configured} pods per node and the last "
                f"{configured - capacity} stay in ContainerCreating (failed to assign an IP address)",
                g.fact.span,
                address=g.fact.address,
                cluster=cluster.name,
                fix=f"set max pods to {capacity} or less, or enable ENABLE_PREFIX_DELEGATION=true on a Nitro "
                "instance type so each ENI slot holds 16 addresses",
            )


RULE = Rule(META, check)
