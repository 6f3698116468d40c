"""Other consumers of a subnet's IPs declared in CloudFormation (issue 14 item 5): the same costs
as in Terraform (test_subnet_consumers.py, capacity-beyond-node-groups.md §7).

m5.large managed node group at max 8 in one /24: 8 x 30 = 240 of 251 usable IPs full.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eks_ip_lint.cli import main

Capsys = pytest.CaptureFixture[str]

BASE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Sub:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-1
      CidrBlock: 10.0.0.0/24
      AvailabilityZone: eu-west-1a
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: c
      RoleArn: arn:aws:iam::111122223333:role/eks
      ResourcesVpcConfig:
        SubnetIds: [!Ref Sub]
  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Cluster
      NodeRole: arn:aws:iam::111122223333:role/node
      Subnets: [!Ref Sub]
      InstanceTypes: [m5.large]
      ScalingConfig: {MinSize: 1, MaxSize: 8, DesiredSize: 1}
      UpdateConfig: {UpdateStrategy: MINIMAL}
"""


def _endpoint(i: int) -> str:
    return f"""  Endpoint{i}:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: vpc-1
      ServiceName: com.amazonaws.eu-west-1.svc{i}
      VpcEndpointType: Interface
      SubnetIds: [!Ref Sub]
"""


def _lint(tmp_path: Path, capsys: Capsys, template: str) -> dict[str, object]:
    (tmp_path / "t.yaml").write_text(template, encoding="utf-8")
    capsys.readouterr()
    main([str(tmp_path), "--format", "json", "--no-cache", "--no-config"])
    report: dict[str, object] = json.loads(capsys.readouterr().out)
    return report


def test_twelve_interface_endpoints_in_cloudformation(tmp_path: Path, capsys: Capsys) -> None:
    # 240 + 12 x 1 = 252 > 251: EKSIP102. MINIMAL keeps the update surge out of the picture.
    report = _lint(tmp_path, capsys, BASE + "".join(_endpoint(i) for i in range(12)))
    [subnet] = report["units"][0]["clusters"][0]["subnets"]  # type: ignore[index]
    assert subnet["demand_at_max_configured"] == 252
    assert len(subnet["consumers"]) == 12
    [f] = [f for f in report["findings"] if f["rule_id"] == "EKSIP102"]  # type: ignore[attr-defined]
    assert "12 interface endpoints (12 IPs)" in f["message"]


def test_each_cloudformation_kind(tmp_path: Path, capsys: Capsys) -> None:
    # NAT 1 + 2 = 3, ALB 8, EFS 1, DB instance 1 (through its subnet group), explicit reservation of
    # a /28 in the middle of the subnet 16: 29 beside the nodes' 240.
    extra = """  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref Sub
      ConnectivityType: private
      SecondaryPrivateIpAddressCount: 2
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [!Ref Sub]
  Mount:
    Type: AWS::EFS::MountTarget
    Properties:
      FileSystemId: fs-1
      SubnetId: !Ref Sub
      SecurityGroups: [sg-1]
  DbGroup:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: db
      SubnetIds: [!Ref Sub]
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceClass: db.t3.micro
      Engine: postgres
      DBSubnetGroupName: !Ref DbGroup
  Reserved:
    Type: AWS::EC2::SubnetCidrReservation
    Properties:
      SubnetId: !Ref Sub
      Cidr: 10.0.0.128/28
      ReservationType: explicit
"""
    report = _lint(tmp_path, capsys, BASE + extra)
    [subnet] = report["units"][0]["clusters"][0]["subnets"]  # type: ignore[index]
    by_address = {c["address"]: c["ips"]["configured"] for c in subnet["consumers"]}
    assert by_address == {"Nat": 3, "Alb": 8, "Mount": 1, "Db": 1, "Reserved": 16}
    assert subnet["demand_at_max_configured"] == 240 + 29
