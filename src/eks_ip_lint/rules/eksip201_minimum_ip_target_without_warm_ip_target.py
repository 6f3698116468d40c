"""EKSIP201: MINIMUM_IP_TARGET without WARM_IP_TARGET: pods beyond the minimum never get an IP."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.records import Density, UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta

META = RuleMeta(
    id="EKSIP201",
    name="minimum-ip-target-without-warm-ip-target",
    severity=Severity.WARNING,
    summary="MINIMUM_IP_TARGET is set without WARM_IP_TARGET, so ipamd stops at the minimum and later pods get no IP.",
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster in unit.clusters:
        stop = cluster.cni.minimum_only
        if stop is None:
            continue
        stuck = [
            g for g in cluster.node_groups
            if isinstance(node := g.at[Density.CONFIGURED].node, NodeIps) and node.pods_without_ip > 0
        ]  # fmt: skip
        who = (
            f"; node group {stuck[0].fact.address} expects {stuck[0].at[Density.CONFIGURED].pods} pods per node"
            if stuck
            else ""
        )
        yield RULE.finding(
            f"cluster {cluster.name}: MINIMUM_IP_TARGET={cluster.cni.settings.minimum_ip_target} without "
            f"WARM_IP_TARGET: ipamd allocates {stop.ips} IPs per node and never more, so pod number "
            f"{stop.first_pod_without_ip} on a node fails with 'failed to assign an IP address to container'{who}",
            cluster.cni.span or cluster.span,
            address=cluster.address,
            cluster=cluster.name,
            fix="also set WARM_IP_TARGET (for example WARM_IP_TARGET=2) so ipamd keeps allocating as pods arrive",
        )


RULE = Rule(META, check)
