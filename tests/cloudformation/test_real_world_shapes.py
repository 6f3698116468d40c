"""CloudFormation and eksctl shapes seen in real repositories (issue 13, item 12).

- ``!Equals [!Ref SomeResource, ""]`` is decided: a resource's Ref is never empty.
- A third-party type that declares a cluster or node group (``AWSQS::EKS::Cluster``, the AWS
  Quick Start's registry type) is named in a note, not dropped in silence.
- Messages show values as JSON-like text, never a Python repr (``Unknown(reason=...)``).
- Fix texts use the IaC's own names: CloudFormation's ``MaxSize``/``ConfigurationValues``,
  eksctl's ``maxSize``/``configurationValues``.

The seed numbers, worked by hand (README): m5.4xlarge, 8 ENIs x 30 IPv4 addresses; the warm pool
floor (WARM_ENI_TARGET=1) holds 2 ENIs = 60 addresses per node; a /22 has 1,024 - 5 = 1,019
usable, so 16 nodes per subnet and 48 in three; max 80 nodes, so "lower MaxSize to 48".
"""

from __future__ import annotations

from pathlib import Path

from eks_ip_lint.values import Cause, Unknown, describe

from testlib import FIXTURES, RunJson

QUICKSTART = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Types:
    Type: CommaDelimitedList
Conditions:
  VpcCreated: !Not [!Equals [!Ref Vpc, ""]]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Subnet:
    Type: AWS::EC2::Subnet
    Condition: VpcCreated
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
      AvailabilityZone: us-east-1a
  EksCluster:
    Type: AWSQS::EKS::Cluster
    Properties:
      Name: quickstart
  Group:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: quickstart
      NodeRole: arn:aws:iam::111122223333:role/node
      Subnets: [!Ref Subnet]
      InstanceTypes: [m5.large]
      ScalingConfig:
        MaxSize: [!Ref Types]
"""


def test_resource_ref_equals_empty_is_decided_and_third_party_types_are_named(
    tmp_path: Path, run_json: RunJson
) -> None:
    (tmp_path / "stack.yaml").write_text(QUICKSTART)
    _, report = run_json(str(tmp_path))
    (unit,) = report["units"]
    # Decided: one analysis, no "(in the branch where ...)" split on VpcCreated.
    assert "branch" not in unit or not unit["branch"]
    messages = [f["message"] for f in report["findings"]]
    (note,) = [m for m in messages if "AWSQS::EKS::Cluster" in m]
    assert "EksCluster" in note and "not checked" in note
    # The list given where a number is needed is shown as data, not as Python objects.
    (size,) = [m for m in messages if "max size is unknown" in m]
    assert "expected a whole number, found [<unknown: Parameters.Types>]" in size
    assert not any("Unknown(" in m or "span=" in m for m in messages)


def test_describe_renders_values_for_people() -> None:
    unknown = Unknown("no default", "Parameters.Types", cause=Cause.PARAMETER_UNSET)
    assert describe(["m5.large", 3, None, True]) == '["m5.large", 3, null, true]'
    assert describe({"MaxSize": unknown}) == '{"MaxSize": <unknown: Parameters.Types>}'
    assert describe("x" * 500).endswith("…") and len(describe("x" * 500)) == 120
    deep: object = 1
    for _ in range(10_000):
        deep = [deep]
    assert describe(deep).startswith("[[[[") and "…" in describe(deep)  # no RecursionError


def test_fix_texts_use_each_iac_s_own_names(run_json: RunJson) -> None:
    _, cfn = run_json(str(FIXTURES / "cloudformation" / "templates" / "seed-cluster.yaml"))
    (cfn_finding,) = [f for f in cfn["findings"] if f["rule_id"] == "EKSIP101"]
    assert "ConfigurationValues" in cfn_finding["fix"]
    # 3 x (1,019 // 120) = 24 full nodes; 3 x (1,019 // 60) = 48 at the floor.
    assert (
        "lower MaxSize to 24 (fits the configured density too; 48 fits the floor only)" in cfn_finding["fix"]
    )
    assert "max_size" not in cfn_finding["fix"] and "configuration_values" not in cfn_finding["fix"]
    _, eksctl = run_json(str(FIXTURES / "eksctl" / "configs" / "seed-cluster.yaml"))
    (eksctl_finding,) = [f for f in eksctl["findings"] if f["rule_id"] == "EKSIP101"]
    assert "configurationValues" in eksctl_finding["fix"]
    assert (
        "lower maxSize to 24 (fits the configured density too; 48 fits the floor only)"
        in eksctl_finding["fix"]
    )
    assert "max_size" not in eksctl_finding["fix"] and "MaxSize" not in eksctl_finding["fix"]
