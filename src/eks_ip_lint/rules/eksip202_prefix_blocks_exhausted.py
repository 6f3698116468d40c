"""EKSIP202: with prefix delegation, a subnet lacks the free aligned /28 blocks its nodes need."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.records import UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.rules._format import n

META = RuleMeta(
    id="EKSIP202",
    name="prefix-blocks-exhausted",
    severity=Severity.WARNING,
    summary="With prefix delegation, a subnet cannot supply the aligned /28 prefixes its nodes need at max size.",
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    configured = (
        "full nodes" if ctx.options.pods_per_node is None else f"{ctx.options.pods_per_node} pods per node"
    )
    for cluster in unit.clusters:
        for s in cluster.subnets:
            need = s.prefix_demand
            if need is None or not need.short:
                continue
            density = "1 pod per node" if need.at_floor else configured
            first = need.groups[0]
            yield RULE.finding(
                f"subnet {s.fact.address} ({s.fact.cidr}, {n(need.blocks)} assignable /28 blocks): at max size "
                f"({density}) node group(s) {', '.join(g.address for g in need.groups)} need {n(need.prefixes)} "
                f"/28 prefixes, but at best {n(need.available)} aligned blocks stay free once {n(need.singles)} "
                "node and ENI IPs are placed; prefix allocation then fails with InsufficientCidrBlocks",
                first.subnets_span,
                address=first.address,
                cluster=cluster.name,
                fix=(
                    f"use a /{need.prefixlen_for_all} or larger subnet for these nodes, or lower "
                    f"{first.max_size_key}; "
                    "in the new subnet a prefix-type aws_ec2_subnet_cidr_reservation keeps node and ENI IPs "
                    "from fragmenting the /28 space"
                ),
            )


RULE = Rule(META, check)
