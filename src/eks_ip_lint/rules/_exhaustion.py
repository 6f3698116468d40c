"""Shared by EKSIP101 (floor) and EKSIP102 (configured density): the words for the subnets a node
group exhausts at max size (``GroupAtDensity.exhaustion``), and the concrete change that removes
the problem, offered only when the model's re-analysis (``RuleContext.what_if``) confirms it."""

from __future__ import annotations

from eks_ip_lint.capacity import consumers
from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.records import ClusterCapacity, Density, Exhaustion, NodeGroupCapacity
from eks_ip_lint.rules._base import RuleContext
from eks_ip_lint.rules._format import n

# A low-waste warm pool: 2 spare IPs, never fewer than 10 allocated. WARM_IP_TARGET avoids the
# MINIMUM-only trap (EKSIP201); 10 keeps small bursts served without an EC2 call
# (aws/amazon-vpc-cni-k8s docs/eni-and-ip-target.md discusses exactly these two knobs).
SUGGESTED_ENV = {"WARM_IP_TARGET": "2", "MINIMUM_IP_TARGET": "10"}


def suggest_fix(
    ctx: RuleContext, cluster: ClusterCapacity, group: NodeGroupCapacity, density: Density
) -> str:
    """The first change that makes the finding go away (checked by re-running the analysis),
    followed by the always-valid alternatives: a smaller max size, or bigger subnets."""
    at = group.at[density]
    assert at.exhaustion is not None
    fixes: list[str] = []
    already = all(cluster.cni.env.get(k) == v for k, v in SUGGESTED_ENV.items())
    if not already and cluster.ip_family != "ipv6":
        after = ctx.what_if.with_env(cluster.name, SUGGESTED_ENV).node_group(group.fact.address)
        if after is not None and after.at[density].exhaustion is None:
            node = after.at[density].node
            if isinstance(node, NodeIps):
                where = cluster.cni.settings_where or "the vpc-cni add-on env"
                fixes.append(
                    f"set WARM_IP_TARGET=2 and MINIMUM_IP_TARGET=10 in {where}: the {density.value} drops to "
                    f"{n(node.total_ips)} IPs per node and {n(after.at[density].supported)} nodes fit "
                    f"(max size {n(group.max_size)})"
                )
    if isinstance(at.supported, int):
        fixes.append(f"lower {group.fact.max_size_key} to {at.supported:,}")
    ex = at.exhaustion
    fixes.append(
        f"give each subnet at least {ex.largest_demand:,} usable IPs "
        f"(a /{ex.prefixlen_for_largest} instead of a /{ex.subnets[0].prefixlen})"
    )
    return "; or ".join(fixes)


def describe_subnets(ex: Exhaustion, density: Density) -> str:
    parts = []
    for s in ex.subnets:
        cidr = s.fact.cidr if isinstance(s.fact.cidr, str) else "unknown CIDR"
        groups = len(s.node_groups)
        shared = "" if groups <= 1 else f", shared by {groups} node groups"
        # Other consumers (endpoints, NAT gateways...) are part of the demand: say what they take.
        others = f", of which {consumers.summary(s.others, density)}" if s.others else ""
        parts.append(
            f"{s.fact.address} ({cidr}, {n(s.usable)} usable IPs{shared}) needs {n(s.demand[density])}{others}"
        )
    return "; ".join(parts)
