"""EKSIP104: a managed node group fits its subnets at max size, but not with the nodes EKS adds
during an update (the model's ``NodeGroupCapacity.update_surge``, capacity/update_surge.py)."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.records import (
    ClusterCapacity,
    Density,
    NodeGroupCapacity,
    UnitCapacity,
    UpdateSurge,
)
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.rules._format import n
from eks_ip_lint.values import Unknown

META = RuleMeta(
    id="EKSIP104",
    name="update-surge-exhausts-subnet",
    severity=Severity.WARNING,
    summary="A managed node group fits its subnets at max size, but not with the nodes EKS adds during an update.",
    since="0.1.0",
    inputs=("Terraform", "CloudFormation", "eksctl"),
)

_WORDS = {Density.FLOOR: "at 1 pod per node", Density.CONFIGURED: "at the configured density"}


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster in unit.clusters:
        for g in cluster.node_groups:
            surge = g.update_surge
            if surge is None or not isinstance(surge.surge, int) or surge.surge == 0:
                continue
            # A group that does not fit at max size is EKSIP101's or EKSIP102's: one finding per
            # cause. For one that fits, the first density at which its update does not.
            if any(g.at[d].exhaustion is not None for d in Density):
                continue
            for d in (Density.FLOOR, Density.CONFIGURED):
                short = surge.short[d]
                if isinstance(short, Unknown) or not short:
                    continue
                yield RULE.finding(
                    _message(cluster, g, surge, d),
                    g.fact.max_size_span,
                    address=g.fact.address,
                    cluster=cluster.name,
                    fix=_fix(g, surge, d),
                )
                break


def _message(cluster: ClusterCapacity, g: NodeGroupCapacity, surge: UpdateSurge, d: Density) -> str:
    short = surge.short[d]
    assert not isinstance(short, Unknown)
    cidrs = {s.fact.address: s.fact.cidr for s in cluster.subnets}
    subnets = "; ".join(
        f"{s.subnet} ({cidrs.get(s.subnet) if isinstance(cidrs.get(s.subnet), str) else 'unknown CIDR'}, "
        f"{s.usable:,} usable IPs) needs {s.need:,}"
        for s in short
    )
    where = "up to 2 in each AZ" if surge.per_az == 2 else f"counted as up to {n(surge.per_az)} in one AZ"
    return (
        f"node group {g.fact.address} ({g.instance_type}, max {n(g.max_size)} nodes) fits its subnets at max "
        f"size {_WORDS[d]}, but an update adds up to {n(surge.surge)} nodes (the larger of 2 x {surge.azs} AZs "
        f"and max unavailable {n(surge.max_unavailable)}: {surge.max_unavailable_source}), {where}: "
        f"{subnets}"
    )


def _fix(g: NodeGroupCapacity, surge: UpdateSurge, d: Density) -> str:
    fixes = []
    largest = surge.largest_max_size[d]
    if isinstance(largest, int) and largest > 0:
        fixes.append(f"lower {g.fact.max_size_key} to {largest:,}, which leaves room for the update")
    if g.fact.max_size_key != "maxSize":  # eksctl's updateConfig has no strategy
        fixes.append(
            "update with update_strategy MINIMAL (old nodes are terminated before new ones launch: no "
            "surge, less capacity during the update)"
        )
    short = surge.short[d]
    if not isinstance(short, Unknown) and short:
        worst = max(s.need for s in short)
        fixes.append(f"give each subnet at least {worst:,} usable IPs")
    return "; or ".join(fixes)


RULE = Rule(META, check)
