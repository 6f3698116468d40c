"""The seed cluster written several ways gives the same numbers and the same verdict.

examples/seed-cluster (Terraform), tests/fixtures/cloudformation/templates/seed-cluster.yaml
(subnets from ``!Select [i, !Cidr [!GetAtt VPC.CidrBlock, 3, 10]]``, AZs from ``!GetAZs``), its
CDK-synthesized JSON twin, the same split into a parent and a nested network stack
(nested-stacks/seed-parent.yaml), and tests/fixtures/eksctl/configs/seed-cluster.yaml. By hand: an
m5.4xlarge (8 ENIs x 30 IPs) with one pod holds 2 ENIs = 60 IPs (WARM_ENI_TARGET=1); a /22 has
1,024 - 5 = 1,019 usable, so 16 nodes per subnet (16 x 60 = 960 <= 1,019), 48 over three AZs,
below the max size 80: EKSIP101.
"""

from __future__ import annotations

from eks_ip_lint.capacity.analysis import Options, UnitCapacity, analyse
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.facts.cloudformation import load_cloudformation
from eks_ip_lint.facts.eksctl import load_eksctl
from eks_ip_lint.findings import Finding
from eks_ip_lint.rules.runner import run_rules

from testlib import FIXTURES, SEED


def _numbers(capacity: UnitCapacity, findings: list[Finding]) -> dict[str, object]:
    (cluster,) = capacity.clusters
    (group,) = cluster.node_groups
    return {
        "instance_type": group.instance_type,
        "max_size": group.max_size,
        "max_pods": group.max_pods,
        "ips_per_node_floor": group.at[Density.FLOOR].node.node_subnet_ips,
        "ips_per_node_configured": group.at[Density.CONFIGURED].node.node_subnet_ips,
        "supported_floor": group.at[Density.FLOOR].supported,
        "supported_configured": group.at[Density.CONFIGURED].supported,
        "cluster_supported_floor": cluster.supported[Density.FLOOR],
        "subnets": sorted((s.fact.cidr, s.usable, s.demand[Density.FLOOR]) for s in cluster.subnets),  # type: ignore[arg-type]
        "rules": sorted(f.rule_id for f in findings),
    }


def test_terraform_cloudformation_cdk_and_eksctl_agree() -> None:
    result = lint(LintRequest(paths=(str(SEED),)))
    (unit,) = result.units
    terraform = _numbers(unit.capacity, list(unit.findings))
    assert terraform["ips_per_node_floor"] == 60
    assert terraform["supported_floor"] == 48
    assert terraform["max_size"] == 80
    assert "EKSIP101" in terraform["rules"]  # type: ignore[operator]

    cfn = FIXTURES / "cloudformation" / "templates"
    (template,) = load_cloudformation(str(cfn / "seed-cluster.yaml")) or []
    (cdk,) = load_cloudformation(str(cfn / "cdk.out" / "SeedStack.template.json")) or []
    # The network in a nested stack with a local TemplateURL, its subnets back through Outputs.
    (nested,) = load_cloudformation(str(cfn / "nested-stacks" / "seed-parent.yaml")) or []
    eksctl = load_eksctl(str(FIXTURES / "eksctl" / "configs" / "seed-cluster.yaml"))
    for facts in (template, cdk, nested, eksctl):
        assert facts is not None
        capacity = analyse(facts, Options())
        assert _numbers(capacity, run_rules(capacity, Options())) == terraform, facts.unit


def test_findings_point_at_the_max_size_line() -> None:
    template = FIXTURES / "cloudformation" / "templates" / "seed-cluster.yaml"
    (facts,) = load_cloudformation(str(template)) or []
    (finding,) = [f for f in run_rules(analyse(facts), Options()) if f.rule_id == "EKSIP101"]
    lines = template.read_text().splitlines()
    assert lines[finding.span.line - 1].strip() == "MaxSize: !Ref MaxNodes"
    assert finding.address == "Workers"


def test_the_fix_names_the_max_size_setting_as_each_format_spells_it() -> None:
    # Same fix, same numbers (24 full nodes fit, 48 at the floor), in the key the finding's line points at.
    cfn = FIXTURES / "cloudformation" / "templates"
    (template,) = load_cloudformation(str(cfn / "seed-cluster.yaml")) or []
    eksctl = load_eksctl(str(FIXTURES / "eksctl" / "configs" / "seed-cluster.yaml"))
    assert eksctl is not None
    (unit,) = lint(LintRequest(paths=(str(SEED),))).units
    fixes = {
        kind: next(f.fix for f in findings if f.rule_id == "EKSIP101")
        for kind, findings in (
            ("terraform", unit.findings),
            ("cloudformation", run_rules(analyse(template), Options())),
            ("eksctl", run_rules(analyse(eksctl), Options())),
        )
    }
    assert (
        "; or lower max_size to 24 (fits the configured density too; 48 fits the floor only); or "
        in fixes["terraform"]
    )
    assert (
        "; or lower MaxSize to 24 (fits the configured density too; 48 fits the floor only); or "
        in fixes["cloudformation"]
    )
    assert (
        "; or lower maxSize to 24 (fits the configured density too; 48 fits the floor only); or "
        in fixes["eksctl"]
    )
