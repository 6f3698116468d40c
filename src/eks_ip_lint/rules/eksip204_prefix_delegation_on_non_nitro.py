"""EKSIP204: prefix delegation is requested for instance types that cannot use it."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.records import NodeSizing, UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta

META = RuleMeta(
    id="EKSIP204",
    name="prefix-delegation-on-non-nitro",
    severity=Severity.WARNING,
    summary="ENABLE_PREFIX_DELEGATION is on, but a node group's instance type is not Nitro-based, so ipamd silently falls back to secondary IPs.",
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster in unit.clusters:
        if not cluster.cni.settings.prefix_delegation or cluster.cni.settings.ipv6:
            continue
        for g in cluster.node_groups:
            if not isinstance(g.sizing, NodeSizing):
                continue
            bad = [f"{t.name} ({t.hypervisor})" for t in g.sizing.types if not t.prefix_delegation_supported]
            if not bad:
                continue
            yield RULE.finding(
                f"node group {g.fact.address}: ENABLE_PREFIX_DELEGATION=true, but {', '.join(bad)} is not a Nitro "
                "or bare-metal type; ipamd logs a warning and uses secondary IPs, so these nodes keep the "
                "secondary-IP warm pool and the pod density of secondary-IP mode",
                g.fact.instance_types_span,
                address=g.fact.address,
                cluster=cluster.name,
                fix="use a Nitro instance type (for example the m5/m6i/m7i generation) in this node group",
            )


RULE = Rule(META, check)
