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
    """The concrete way to make this value known, chosen by what made it unknown."""
    hints = (
        ("has no default and no value was given", "give the variable a value: --var NAME=VALUE, a --var-file, or a terraform.tfvars file"),
        ("(--parameter", "give the parameter a value: --parameter NAME=VALUE or --parameters-file FILE"),
        ("pass it as a parameter", "give it with --parameter (pseudo parameters too: --parameter AWS::Region=eu-west-1)"),
        ("Fn::ImportValue", "pass the exported value to this template as a parameter, or analyse the exporting stack with it"),
        ("--nested-template", "give the nested stack's template from disk: --nested-template STACK=PATH (its logical ID or TemplateURL), so it is analysed with its parent"),
        ("includes itself through nested stacks", "point TemplateURL at the intended template: this one nests itself, which CloudFormation cannot create"),
        ("does not exist)", "fix TemplateURL: a local path is relative to the template that declares the stack"),
        ("nested stack", "analyse the nested template's file on its own, or pass the value in as a parameter"),
        ("is not on disk", "run terraform init so the module is under .terraform/modules, or pass its outputs in through variables"),
        ("data.", "eks-ip-lint runs without provider credentials, so data sources are unknown to it: write the value (or a variable holding it) in place of the data source where the capacity depends on it"),
        ("not declared in this", "these subnets are created outside this configuration, so their CIDRs cannot be read from it: declare them here as aws_subnet resources to have this node group checked"),
        ("ENIConfig", "declare that AZ's ENIConfig (and its subnet) in the analysed configuration, or check ENI_CONFIG_LABEL_DEF: ENIConfigs are matched to AZs by name"),
        ("eksctl", "set the value explicitly in the ClusterConfig (for example vpc.subnets with cidr and az)"),
    )  # fmt: skip
    for needle, hint in hints:
        if needle in reason:
            return hint
    return (
        "replace the expression by a value known before deployment, or pass it in as a variable or parameter"
    )


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
            # An unknown instance type is EKSIP001's finding, with its own fix; not repeated here.
            unknown_types = {ng.address for ng, _, _ in unit.unknown_instance_types}
            if g.problem is not None and fact.address not in unknown_types:
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
        if cluster.fact is not None and isinstance(cluster.fact.subnet_refs, Unknown):
            yield from once(
                RULE.finding(
                    f"cluster {cluster.name}: its subnets are unknown ({cluster.fact.subnet_refs.reason}), "
                    "so the room left for the control plane's ENIs (EKSIP103) is not checked",
                    cluster.fact.subnets_span or cluster.span,
                    address=cluster.address,
                    cluster=cluster.name,
                    fix=how_to_supply(cluster.fact.subnet_refs.reason),
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
