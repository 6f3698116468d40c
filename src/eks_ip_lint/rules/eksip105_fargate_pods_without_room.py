"""EKSIP105: a Fargate profile's subnets cannot hold its pods with every node group at max size
(the model's ``ClusterCapacity.fargate``, capacity/fargate.py).

With ``fargate_pods`` planned for the profile in the configuration file: some subnet's share of
them exceeds its room at the configured density. Without: its subnets have no room left at all,
so no Fargate pod can get an IP once the node groups are at max size."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.records import Density, FargateCapacity, UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.rules._format import n
from eks_ip_lint.values import Unknown

META = RuleMeta(
    id="EKSIP105",
    name="fargate-pods-without-room",
    severity=Severity.WARNING,
    summary="A Fargate profile's subnets have no room for its planned pods, or for any pod, with the node groups at max size.",
    since="0.1.0",
    inputs=("Terraform", "CloudFormation", "eksctl"),
)

D = Density.CONFIGURED


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster in unit.clusters:
        for p in cluster.fargate:
            if p.problem is not None or not p.subnets:
                continue
            room = p.room(D)
            if isinstance(room, Unknown):
                continue
            if p.planned is not None:
                short = p.short(D)
                if not short:
                    continue
                parts = "; ".join(
                    f"{s.subnet} gets {s.planned:,} of them and has room for {max(0, _int(s.room[D])):,}"
                    for s in short
                )
                message = (
                    f"Fargate profile {p.fact.address}: {p.planned:,} planned pods (fargate_pods), 1 IP each, "
                    f"spread over {len(p.subnets)} subnet(s); with the node groups at max size at the "
                    f"configured density {parts}"
                )
            elif room <= 0:
                message = (
                    f"Fargate profile {p.fact.address}: with the node groups at max size at the configured "
                    f"density its subnets ({_subnets(p)}) have no IP left, so no Fargate pod can start"
                )
            else:
                continue
            yield RULE.finding(
                message, p.fact.span, address=p.fact.address, cluster=cluster.name, fix=_fix(p)
            )


def _int(v: int | Unknown) -> int:
    return v if isinstance(v, int) else 0


def _subnets(p: FargateCapacity) -> str:
    return ", ".join(f"{s.subnet}: {n(max(0, _int(s.room[D])))} left" for s in p.subnets)


def _fix(p: FargateCapacity) -> str:
    need = max((s.planned - _int(s.room[D]) for s in p.subnets), default=0)
    fixes = ["give the profile larger subnets or more of them (a secondary VPC CIDR works for Fargate)"]
    if need > 0:
        fixes.append(
            f"or free at least {need:,} IPs in each of its subnets (lower the node groups' max size)"
        )
    else:
        fixes.append("or lower the max size of the node groups that share its subnets")
    return "; ".join(fixes)


RULE = Rule(META, check)
