"""EKSIP203: WARM_ENI_TARGET=0 or WARM_PREFIX_TARGET=0 makes ipamd attach and detach in a loop."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.records import UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta

META = RuleMeta(
    id="EKSIP203",
    name="warm-target-zero-flaps",
    severity=Severity.WARNING,
    summary="WARM_ENI_TARGET=0 or WARM_PREFIX_TARGET=0 without IP targets makes ipamd free and re-attach ENIs or prefixes in a loop.",
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    for cluster in unit.clusters:
        s = cluster.cni.settings
        if s.ipv6 or s.warm_ip_target or s.minimum_ip_target:
            continue
        if s.prefix_delegation and s.warm_prefix_target == 0:
            message = (
                f"cluster {cluster.name}: WARM_PREFIX_TARGET=0 with no WARM_IP_TARGET/MINIMUM_IP_TARGET: each "
                "time the pods fill the last /28 prefix, ipamd assigns one more, releases it when a pod leaves "
                "and assigns it again, so pods wait for an EC2 call at every scale-up; the CNI documents "
                "WARM_PREFIX_TARGET=0 as not supported (docs/prefix-and-ip-target.md)"
            )
            fix = "set WARM_PREFIX_TARGET=1 (the default), or WARM_IP_TARGET and MINIMUM_IP_TARGET"
        elif not s.prefix_delegation and s.warm_eni_target == 0:
            message = (
                f"cluster {cluster.name}: WARM_ENI_TARGET=0 with no WARM_IP_TARGET/MINIMUM_IP_TARGET: when the "
                "pods fill a whole ENI exactly, ipamd attaches a spare one, detaches it after its one-minute "
                "minimum age and attaches it again (vpc-cni-model.md §1.3), and pods wait for an EC2 call at "
                "every scale-up"
            )
            fix = "set WARM_IP_TARGET and MINIMUM_IP_TARGET instead (for example 2 and 10) to cut idle IPs"
        else:
            continue
        yield RULE.finding(
            message,
            cluster.cni.span or cluster.span,
            address=cluster.address,
            cluster=cluster.name,
            fix=fix,
        )


RULE = Rule(META, check)
