"""EKSIP301: a node group's explicit max pods is more than its ENIs can give IPs to."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.records import NodeSizing, UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta

META = RuleMeta(
    id="EKSIP301",
    name="max-pods-above-eni-capacity",
    severity=Severity.WARNING,
    summary="A node group sets kubelet max pods above what its ENIs can address, so the extra pods stay in ContainerCreating.",
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster in unit.clusters:
        for g in cluster.node_groups:
            configured = g.fact.max_pods  # only a max pods the group sets itself
            if not g.analysed or not isinstance(configured, int) or not isinstance(g.sizing, NodeSizing):
                continue
            capacity = g.sizing.pod_capacity  # None: IPv6, not checked
            if (
                capacity is None
                or not isinstance(capacity.pods_without_ip, int)
                or capacity.pods_without_ip == 0
            ):
                continue
            yield RULE.finding(
                f"node group {g.fact.address}: kubelet max pods is set to {configured}, but a {g.instance_type} "
                f"node's ENIs can address only {capacity.pods} pods ({capacity.pod_ips} pod IPs plus the 2 "
                f"hostNetwork pods); the scheduler places up to {configured} pods per node and the last "
                f"{capacity.pods_without_ip} stay in ContainerCreating (failed to assign an IP address)",
                g.fact.span,
                address=g.fact.address,
                cluster=cluster.name,
                fix=f"set max pods to {capacity.pods} or less, or enable ENABLE_PREFIX_DELEGATION=true on a Nitro "
                "instance type so each ENI slot holds 16 addresses",
            )


RULE = Rule(META, check)
