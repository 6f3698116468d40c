"""Issue 13 item 11 for CloudFormation and eksctl: the max pods precedence of Terraform's node
groups (../shared/docs/capacity-beyond-node-groups.md §5), from the same code
(facts/max_pods_config.as_eks_applies), on tests/fixtures/issue13/max-pods-precedence-cfn and
max-pods-precedence-eksctl.

Every group is an m5.xlarge: 4 ENIs x 15 IPv4, so EKS's value (and nodeadm's default) is
4 x (15 - 1) + 2 = 58, the figure AWS's eni-max-pods.txt gives ("m5.xlarge 58"), below the 110 cap
of a 4-vCPU type. nodeadm's "max_pods < 30 ? max_pods : 30" with max_pods = 58 is 30."""

from __future__ import annotations

from eks_ip_lint.capacity.records import NodeGroupCapacity, NodeSizing
from eks_ip_lint.engine import LintRequest, lint

from testlib import FIXTURES


def _groups(fixture: str) -> dict[str, NodeGroupCapacity]:
    (unit,) = lint(LintRequest(paths=(str(FIXTURES / "issue13" / fixture),))).units
    assert not [f.rule_id for f in unit.findings]  # /20 subnets, max pods within what ENIs address
    (cluster,) = unit.capacity.clusters
    return {g.fact.address: g for g in cluster.node_groups}


def _source(group: NodeGroupCapacity) -> str:
    assert isinstance(group.sizing, NodeSizing)
    return group.sizing.max_pods_source


def test_cloudformation_node_groups_run_the_max_pods_eks_gives_them() -> None:
    groups = {a.split(".")[-1]: g for a, g in _groups("max-pods-precedence-cfn").items()}
    # No ImageId, AmiType AL2023: EKS's 58; the NodeConfig maxPods: 110 is overridden.
    assert groups["EksAmi"].max_pods == 58
    assert "maxPods: 110 is overridden by EKS" in _source(groups["EksAmi"])
    # ImageId: the user data's maxPodsExpression, 58 >= 30 -> 30.
    assert groups["CustomAmi"].max_pods == 30
    # AmiType BOTTLEROCKET_x86_64 without ImageId: the user's "max-pods" = 20, with the note.
    assert groups["Bottlerocket"].max_pods == 20
    assert "Bottlerocket on an EKS AMI" in _source(groups["Bottlerocket"])


def test_eksctl_node_groups_run_the_max_pods_eks_gives_them() -> None:
    groups = {a.split(".")[-1]: g for a, g in _groups("max-pods-precedence-eksctl").items()}
    # amiFamily left out on 1.31 = AmazonLinux2023, EKS AMI: 58, maxPodsPerNode 40 overridden.
    assert groups["al2023"].max_pods == 58
    assert "maxPodsPerNode: 40 is overridden by EKS" in _source(groups["al2023"])
    # Bottlerocket: maxPodsPerNode becomes settings.kubernetes.max-pods, which EKS keeps: 20.
    assert groups["bottlerocket"].max_pods == 20
    assert "Bottlerocket on an EKS AMI" in _source(groups["bottlerocket"])
    # AmazonLinux2: eksctl's --max-pods=30 comes after EKS's flag: 30, and the source says it is inferred.
    assert groups["al2"].max_pods == 30
    assert "inferred" in _source(groups["al2"])
    # Custom AMI: its NodeConfig's maxPodsExpression, min(58, 30) = 30.
    assert groups["custom"].max_pods == 30
    # Self-managed: maxPodsPerNode 40 as written.
    assert groups["selfmanaged"].max_pods == 40
