"""EKSIP002: a value the analysis needs cannot be known statically."""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.analysis import UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.values import Unknown

META = RuleMeta(
    id="EKSIP002",
    name="unresolved-value",
    severity=Severity.INFO,
    summary="A value the capacity check needs cannot be known before apply; that part is not checked.",
)


def how_to_supply(reason: str) -> str:
    """The concrete way to make this value known, by what made it unknown."""
    if "has no default and no value was given" in reason:
        return "give the variable a value: --var NAME=VALUE, a --var-file, or a terraform.tfvars file"
    if "data." in reason:
        return (
            "data sources are read at apply time: declare these subnets as aws_subnet resources in the "
            "analysed configuration, or pass their IDs and CIDRs in through variables"
        )
    if "module" in reason:
        return "module outputs are not evaluated yet: pass the values to the resource directly or through variables"
    if "not declared in this configuration" in reason:
        return "analyse the root module that declares them together with this one (name both paths)"
    return "replace the expression by a value Terraform knows at plan time, or pass it in through a variable"


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    seen: set[tuple[str, int, str]] = set()

    def once(f: Finding) -> Iterator[Finding]:
        key = (f.span.path, f.span.line, f.message)
        if key not in seen:
            seen.add(key)
            yield f

    for u in unit.facts.unresolved:
        yield from once(
            RULE.finding(
                f"{u.what} cannot be known statically: {u.reason}",
                u.span,
                address=u.address,
                fix=how_to_supply(u.reason),
            )
        )
    for cluster in unit.clusters:
        if cluster.cni.unknown is not None and cluster.cni.unknown.span is not None:
            yield from once(
                RULE.finding(
                    f"cluster {cluster.name}: VPC CNI settings cannot be read ({cluster.cni.unknown.reason}); "
                    "the chart defaults are assumed",
                    cluster.cni.unknown.span,
                    cluster=cluster.name,
                    fix=how_to_supply(cluster.cni.unknown.reason),
                )
            )
        for g in cluster.node_groups:
            fact = g.fact
            what: list[tuple[str, Unknown]] = []
            if g.problem is not None:
                what.append(("the node group is not checked", g.problem))
            if isinstance(fact.max_size, Unknown):
                what.append(("max size is unknown", fact.max_size))
            if g.analysed and isinstance(g.max_pods, Unknown):
                what.append(("max pods is unknown, so only the floor is checked", g.max_pods))
            for label, unknown in what:
                yield from once(
                    RULE.finding(
                        f"node group {fact.address}: {label}: {unknown.reason}",
                        fact.span,
                        address=fact.address,
                        cluster=cluster.name,
                        fix=how_to_supply(unknown.reason),
                    )
                )
        for s in cluster.subnets:
            if isinstance(s.usable, Unknown):
                yield from once(
                    RULE.finding(
                        f"subnet {s.fact.address}: {s.usable.reason}",
                        s.fact.span,
                        address=s.fact.address,
                        cluster=cluster.name,
                        fix=how_to_supply(s.usable.reason),
                    )
                )


RULE = Rule(META, check)
