"""EKSIP002: a value the analysis needs cannot be known statically."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from eks_ip_lint.capacity.analysis import UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta
from eks_ip_lint.values import Cause, Unknown

META = RuleMeta(
    id="EKSIP002",
    name="unresolved-value",
    severity=Severity.INFO,
    summary="A value the capacity check needs cannot be known before apply; that part is not checked.",
)


# What to do about a value that cannot be known statically, by what made it unknown (Cause).
# One entry per member (tests/rules/test_eksip002_advice.py checks that).
_REPLACE_EXPRESSION = (
    "replace the expression by a value known before deployment, or pass it in as a variable or parameter"
)
ADVICE: Mapping[Cause, str] = {
    Cause.VARIABLE_UNSET: "give the variable a value: --var NAME=VALUE, a --var-file, or a terraform.tfvars file",
    Cause.APPLY_TIME: _REPLACE_EXPRESSION,
    Cause.DATA_SOURCE: "eks-ip-lint runs without provider credentials, so data sources are unknown to it: write the value (or a variable holding it) in place of the data source where the capacity depends on it",
    Cause.MODULE_NOT_ON_DISK: "run terraform init so the module is under .terraform/modules, or pass its outputs in through variables",
    Cause.UNSUPPORTED: _REPLACE_EXPRESSION,
    Cause.FILE_NOT_READ: "keep the file in the module's directory, readable and under 1 MiB, so eks-ip-lint reads it, or write its content in place of the file() call",
    Cause.OUTSIDE_TREE: "keep it inside the repository being linted, or, if reading it is intended, pass --allow-outside PATH (docs/security.md)",
    Cause.PARAMETER_UNSET: "give the parameter a value: --parameter NAME=VALUE or --parameters-file FILE",
    Cause.PSEUDO_PARAMETER: "give it with --parameter (pseudo parameters too: --parameter AWS::Region=eu-west-1)",
    Cause.DEPLOY_TIME: _REPLACE_EXPRESSION,
    Cause.IMPORT_VALUE: "pass the exported value to this template as a parameter, or analyse the exporting stack with it",
    Cause.NESTED_TEMPLATE_NOT_GIVEN: "give the nested stack's template from disk: --nested-template STACK=PATH (its logical ID or TemplateURL), so it is analysed with its parent",
    Cause.NESTED_TEMPLATE_CYCLE: "point TemplateURL at the intended template: this one nests itself, which CloudFormation cannot create",
    Cause.NESTED_TEMPLATE_MISSING: "fix TemplateURL: a local path is relative to the template that declares the stack",
    Cause.NESTED_TOO_DEEP: "analyse the nested template's file on its own, or pass the value in as a parameter",
    Cause.EKSCTL_CREATE_TIME: "set the value explicitly in the ClusterConfig (for example vpc.subnets with cidr and az)",
    Cause.NOT_DECLARED: "these subnets are created outside this configuration, so their CIDRs cannot be read from it: declare them here (aws_subnet, AWS::EC2::Subnet, or vpc.subnets with a cidr) to have this node group checked",
    Cause.LAUNCH_TEMPLATE_NOT_DECLARED: "declare the launch template in the analysed configuration (aws_launch_template, AWS::EC2::LaunchTemplate), or name the instance types on the node group itself, so its instance type can be read",
    Cause.LAUNCH_CONFIGURATION_NOT_DECLARED: "declare the launch configuration in the analysed configuration (aws_launch_configuration, AWS::AutoScaling::LaunchConfiguration) with its instance_type, so the Auto Scaling group's instance type can be read",
    Cause.ENICONFIG_MISSING: "declare that AZ's ENIConfig (and its subnet) in the analysed configuration, or check ENI_CONFIG_LABEL_DEF: ENIConfigs are matched to AZs by name",
    Cause.INVALID: "correct the value: as written, the deployment would reject it (the reason says why), so nothing that depends on it can be checked",
    Cause.AWS_CHOOSES: "set it explicitly: left out, AWS chooses it when the resource is created, so it cannot be read before",
    Cause.MAX_PODS_UNDECIDED: "set kubelet max pods explicitly (maxPods in the node's user data or the launch template), so the IPs a full node holds are known",
    Cause.DEPENDENCY_NOT_READ: "analyse the dependency's unit in the same run (point eks-ip-lint at a folder holding both units) without skip_outputs, or pass the value as an input",
    Cause.CLUSTER_AMBIGUOUS: "make the cluster explicit: a kubernetes.io/cluster/NAME tag on self-managed nodes, one cluster per root module (or template) for Kubernetes-side CNI settings, and cluster names that no other analysed root module reuses",
}  # fmt: skip


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
                fix=ADVICE[u.cause],
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
                    fix=ADVICE[cluster.cni.unknown.cause],
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
                        fix=ADVICE[unknown.cause],
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
                    fix=ADVICE[cluster.fact.subnet_refs.cause],
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
                        fix=ADVICE[s.usable.cause],
                    )
                )


RULE = Rule(META, check)
