"""EKSIP202: with prefix delegation, a subnet lacks the free aligned /28 blocks its nodes need."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity import subnets
from eks_ip_lint.capacity.analysis import UnitCapacity
from eks_ip_lint.capacity.cni import IpMode
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.rules._format import n, smallest_prefix_for

META = RuleMeta(
    id="EKSIP202",
    name="prefix-blocks-exhausted",
    severity=Severity.WARNING,
    summary="With prefix delegation, a subnet cannot supply the aligned /28 prefixes its nodes need at max size.",
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster in unit.clusters:
        groups = {g.fact.address: g for g in cluster.node_groups}
        for s in cluster.subnets:
            if s.prefixlen is None or not s.contributors:
                continue
            prefixes = 0
            singles = 0  # /32s assigned one by one: node IPs and ENI primaries
            density = (
                "full nodes"
                if ctx.options.pods_per_node is None
                else f"{ctx.options.pods_per_node} pods per node"
            )
            use_floor = False
            culprits = []
            for addr, nodes, _, _ in s.contributors:
                g = groups.get(addr)
                if g is None:
                    continue
                node = g.configured if g.configured is not None else g.floor
                if g.configured is None:
                    use_floor = True
                if node is None or node.mode is not IpMode.PREFIX or node.prefixes is None:
                    continue
                prefixes += nodes * node.prefixes
                singles += nodes * node.enis_total
                culprits.append(addr)
            if not culprits:
                continue
            available = subnets.prefixes_available(s.prefixlen, singles)
            if prefixes <= available:
                continue
            if use_floor:
                density = "1 pod per node"
            first = groups[culprits[0]]
            need_ips = prefixes * 16 + singles + 16  # the blocks plus room for the /32s and reserved IPs
            yield RULE.finding(
                f"subnet {s.fact.address} ({s.fact.cidr}, {n(subnets.prefix_blocks(s.prefixlen))} assignable /28 "
                f"blocks): at max size ({density}) node group(s) {', '.join(culprits)} need {n(prefixes)} /28 "
                f"prefixes, but at best {n(available)} aligned blocks stay free once {n(singles)} node and ENI "
                "IPs are placed; prefix allocation then fails with InsufficientCidrBlocks",
                first.fact.subnets_span,
                address=first.fact.address,
                cluster=cluster.name,
                fix=(
                    f"use a /{smallest_prefix_for(need_ips)} or larger subnet for these nodes, or lower max_size; "
                    "in the new subnet a prefix-type aws_ec2_subnet_cidr_reservation keeps node and ENI IPs "
                    "from fragmenting the /28 space"
                ),
            )


RULE = Rule(META, check)
