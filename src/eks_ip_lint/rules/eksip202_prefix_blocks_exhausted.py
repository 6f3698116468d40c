"""EKSIP202: with prefix delegation, a subnet lacks the free aligned /28 blocks its nodes need."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity import subnets
from eks_ip_lint.capacity.cni import IpMode, NodeIps
from eks_ip_lint.capacity.placement import spread
from eks_ip_lint.capacity.records import Density, NodeGroupCapacity, UnitCapacity
from eks_ip_lint.capacity.subnets import IPS_PER_PREFIX, smallest_prefix_for
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.rules._format import n
from eks_ip_lint.values import Unknown

META = RuleMeta(
    id="EKSIP202",
    name="prefix-blocks-exhausted",
    severity=Severity.WARNING,
    summary="With prefix delegation, a subnet cannot supply the aligned /28 prefixes its nodes need at max size.",
)


def _charges(g: NodeGroupCapacity, addr: str) -> tuple[int, int]:
    """(/28 prefixes, individually assigned /32s) that group ``g`` at max size puts into subnet
    ``addr``: its nodes placed there, and, with custom networking, the pod ENIs of the nodes whose
    ENIConfig subnet it is. Every subnet IP that is not inside a prefix is a /32 (node IPs, ENI
    primaries)."""
    configured = g.at[Density.CONFIGURED].node
    node = configured if isinstance(configured, NodeIps) else g.at[Density.FLOOR].node
    if (
        isinstance(node, Unknown)
        or node.mode is not IpMode.PREFIX
        or node.prefixes is None
        or not isinstance(g.max_size, int)
    ):
        return 0, 0
    placed = spread(g.max_size, g.subnets)
    prefix_ips = IPS_PER_PREFIX * node.prefixes
    if node.eniconfig_subnet_ips > 0:  # custom networking: the prefixes live in the ENIConfig subnet
        own = placed.get(addr, 0)
        pods_here = sum(k for a, k in placed.items() if g.pod_subnets.get(a) == addr)
        return pods_here * node.prefixes, own * node.node_subnet_ips + pods_here * (
            node.eniconfig_subnet_ips - prefix_ips
        )
    here = placed.get(addr, 0)
    return here * node.prefixes, here * (node.node_subnet_ips - prefix_ips)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    every_group = [g for c in unit.clusters for g in c.node_groups if g.analysed]
    groups = {g.fact.address: g for g in every_group}
    for cluster in unit.clusters:
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
            for g in every_group:
                p, single = _charges(g, s.fact.address)
                if p == 0 and single == 0:
                    continue
                prefixes += p
                singles += single
                if p > 0:
                    culprits.append(g.fact.address)
                    use_floor = use_floor or isinstance(g.at[Density.CONFIGURED].node, Unknown)
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
