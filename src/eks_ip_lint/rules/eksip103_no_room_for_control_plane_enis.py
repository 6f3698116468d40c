"""EKSIP103: a cluster subnet has no room left for the EKS control plane's network interfaces."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.records import Density, UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.rules._format import n

META = RuleMeta(
    id="EKSIP103",
    name="no-room-for-control-plane-enis",
    severity=Severity.WARNING,
    summary="A cluster subnet keeps fewer than 6 free IPs at max size, the minimum EKS needs for its control-plane ENIs.",
)

# EKS User Guide network-reqs: "The subnets must each have at least six IP addresses for use by
# Amazon EKS. However, we recommend at least 16 IP addresses." (vpc-cni-model.md §4)
MINIMUM_FREE = 6
RECOMMENDED_FREE = 16


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster in unit.clusters:
        for s in cluster.subnets:
            free = s.free[Density.FLOOR]
            # A subnet already over-committed is EKSIP101/102's finding; this rule is about the
            # subnet that fits the nodes but leaves the control plane nothing.
            if not s.cluster_subnet or not isinstance(free, int) or not 0 <= free < MINIMUM_FREE:
                continue
            span = cluster.fact.subnets_span if cluster.fact and cluster.fact.subnets_span else cluster.span
            yield RULE.finding(
                f"cluster {cluster.name}: subnet {s.fact.address} ({n(s.usable)} usable IPs) has {n(free)} "
                f"free at max size even at 1 pod per node; EKS needs at least {MINIMUM_FREE} "
                f"({RECOMMENDED_FREE} recommended) for the control plane's ENIs, and up to 5 more during a "
                "version upgrade",
                span,
                address=cluster.address,
                cluster=cluster.name,
                fix=(
                    "give the cluster dedicated control-plane subnets (a /28 each is enough: "
                    "control_plane_subnet_ids / vpc_config.subnet_ids) or leave room in these subnets"
                ),
            )


RULE = Rule(META, check)
