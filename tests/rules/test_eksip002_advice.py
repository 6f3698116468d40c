"""EKSIP002's fix is chosen by what made the value unknown (its Cause), never by the reason's words.

The expected cause of each input is known from the input's shape: an unset variable is
VARIABLE_UNSET whatever the reason text says. The CLI runs on real files in tmp_path.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.cli import main
from eks_ip_lint.rules.eksip002_unresolved_value import ADVICE
from eks_ip_lint.values import Cause

# Sentences several causes share on purpose: a value the cloud computes when the resource is
# created (Terraform apply, CloudFormation deploy) or an expression eks-ip-lint does not evaluate
# is made known the same way, by writing a known value (or an input) in its place.
SHARED = {frozenset({Cause.APPLY_TIME, Cause.DEPLOY_TIME, Cause.UNSUPPORTED})}


def test_every_cause_has_advice() -> None:
    assert set(ADVICE) == set(Cause)
    assert all(ADVICE[c].strip() for c in Cause)


def test_causes_share_a_sentence_only_on_purpose() -> None:
    by_sentence: dict[str, set[Cause]] = defaultdict(set)
    for cause, sentence in ADVICE.items():
        by_sentence[sentence].add(cause)
    shared = {frozenset(causes) for causes in by_sentence.values() if len(causes) > 1}
    assert shared == SHARED


def eksip002(
    tmp_path: Path, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> list[dict[str, Any]]:
    """The EKSIP002 findings of one run of the CLI on ``files`` written to tmp_path."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    main([str(tmp_path), "--format", "json", "--no-cache", "--no-config"])
    report = json.loads(capsys.readouterr().out)
    return [f for f in report["findings"] if f["rule_id"] == "EKSIP002"]


# --- Terraform inputs ---------------------------------------------------------------------------

SUBNET = """
resource "aws_subnet" "a" {
  vpc_id            = "vpc-0123456789abcdef0"
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}
"""


def cluster_tf(subnet_ids: str) -> str:
    return f"""
resource "aws_eks_cluster" "c" {{
  name     = "c"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {{
    subnet_ids = {subnet_ids}
  }}
}}
"""


def node_group_tf(subnet_ids: str, types: str = 'instance_types = ["m5.large"]') -> str:
    return f"""
resource "aws_eks_node_group" "ng" {{
  cluster_name  = aws_eks_cluster.c.name
  node_role_arn = "arn:aws:iam::111122223333:role/node"
  subnet_ids    = {subnet_ids}
  {types}
  scaling_config {{
    min_size     = 1
    max_size     = 3
    desired_size = 1
  }}
}}
"""


@pytest.mark.parametrize(
    "launch_template",
    ['id      = var.lt_id\n    version = "1"', 'name    = "made-elsewhere"\n    version = "$Latest"'],
)
def test_undeclared_launch_template_gets_launch_template_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], launch_template: str
) -> None:
    """Before causes, the reason's "not declared in this configuration" chose the advice for
    subnets created outside the configuration."""
    text = (
        'variable "lt_id" {\n  type = string\n}\n'
        + SUBNET
        + cluster_tf("[aws_subnet.a.id]")
        + node_group_tf("[aws_subnet.a.id]", f"launch_template {{\n    {launch_template}\n  }}")
    )
    findings = [
        f for f in eksip002(tmp_path, {"main.tf": text}, capsys) if f["address"] == "aws_eks_node_group.ng"
    ]
    assert findings, "the node group is not checked, and EKSIP002 says so"
    assert {f["fix"] for f in findings} == {ADVICE[Cause.LAUNCH_TEMPLATE_NOT_DECLARED]}
    assert "launch template" in ADVICE[Cause.LAUNCH_TEMPLATE_NOT_DECLARED]


# Each input, and the one cause that makes its values unknown: every EKSIP002 finding of the run
# must carry that cause's advice.
CASES: dict[str, tuple[dict[str, str], Cause]] = {
    "terraform variable without a value": (
        {
            "main.tf": 'variable "cidr" {\n  type = string\n}\n'
            + SUBNET.replace('"10.0.1.0/24"', "var.cidr")
            + cluster_tf("[aws_subnet.a.id]")
            + node_group_tf("[aws_subnet.a.id]")
        },
        Cause.VARIABLE_UNSET,
    ),
    "terraform data source": (
        {
            "main.tf": 'data "aws_subnets" "private" {\n  tags = { Tier = "private" }\n}\n'
            + cluster_tf("data.aws_subnets.private.ids")
            + node_group_tf("data.aws_subnets.private.ids")
        },
        Cause.DATA_SOURCE,
    ),
    "terraform module neither local nor downloaded": (
        {
            "main.tf": 'module "network" {\n  source = "git::https://git.example.com/network.git?ref=v1"\n}\n'
            + cluster_tf("module.network.private_subnet_ids")
            + node_group_tf("module.network.private_subnet_ids")
        },
        Cause.MODULE_NOT_ON_DISK,
    ),
    "terraform subnet not declared": (
        {
            "main.tf": cluster_tf('["subnet-0123456789abcdef0"]')
            + node_group_tf('["subnet-0123456789abcdef0"]')
        },
        Cause.NOT_DECLARED,
    ),
    "cloudformation parameter without default": (
        {
            "template.yaml": """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SubnetIds:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: c
      RoleArn: arn:aws:iam::111122223333:role/eks
      ResourcesVpcConfig:
        SubnetIds: !Ref SubnetIds
  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Cluster
      NodeRole: arn:aws:iam::111122223333:role/nodes
      Subnets: !Ref SubnetIds
      InstanceTypes: [m5.large]
      ScalingConfig: {MinSize: 1, DesiredSize: 1, MaxSize: 3}
"""
        },
        Cause.PARAMETER_UNSET,
    ),
    "cloudformation Fn::ImportValue": (
        {
            "template.yaml": """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: c
      RoleArn: arn:aws:iam::111122223333:role/eks
      ResourcesVpcConfig:
        SubnetIds: !Split [",", !ImportValue network-private-subnets]
  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Cluster
      NodeRole: arn:aws:iam::111122223333:role/nodes
      Subnets: !Split [",", !ImportValue network-private-subnets]
      InstanceTypes: [m5.large]
      ScalingConfig: {MinSize: 1, DesiredSize: 1, MaxSize: 3}
"""
        },
        Cause.IMPORT_VALUE,
    ),
    "eksctl subnet given by id only": (
        {
            "cluster.yaml": """
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: c
  region: eu-central-1
vpc:
  id: vpc-0123456789abcdef0
  subnets:
    private:
      legacy: { id: subnet-0ccc }
managedNodeGroups:
  - name: ng
    instanceType: m5.large
    maxSize: 3
    privateNetworking: true
    subnets: [legacy]
"""
        },
        Cause.EKSCTL_CREATE_TIME,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_fix_is_the_advice_of_the_inputs_cause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    files, cause = CASES[case]
    findings = eksip002(tmp_path, files, capsys)
    assert findings, f"{case}: some value is unknown, and EKSIP002 says so"
    wrong = [(f["message"], f["fix"]) for f in findings if f["fix"] != ADVICE[cause]]
    assert wrong == [], f"{case}: expected the advice for {cause.name}"
