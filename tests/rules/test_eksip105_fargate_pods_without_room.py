"""Fargate profiles (issue 14 item 3) and EKSIP105 fargate-pods-without-room.

Each Fargate pod takes 1 IPv4 from its profile's subnets (capacity-beyond-node-groups.md §4).
Setup: two /24s (251 usable each), m5.large node group at max 8 = 4 nodes per subnet: 4 x 30 = 120
IPs full, 4 x 20 = 80 at 1 pod per node (test_exhaustion_rules.py). Room for Fargate pods per
subnet: 251 - 120 = 131 at the configured density, 251 - 80 = 171 at the floor; 262 in all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _lint import terraform

from eks_ip_lint.cli import main

Capsys = pytest.CaptureFixture[str]
CIDRS = ("10.0.0.0/24", "10.0.1.0/24")
PROFILE = """
resource "aws_eks_fargate_profile" "fp" {
  cluster_name           = aws_eks_cluster.c.name
  fargate_profile_name   = "apps"
  pod_execution_role_arn = "arn:aws:iam::111122223333:role/fargate"
  subnet_ids             = aws_subnet.s[*].id
  selector {
    namespace = "apps"
  }
}
"""


def _run(tmp_path: Path, capsys: Capsys, tf: str, config: str | None = None, fmt: str = "json") -> Any:
    (tmp_path / "main.tf").write_text(tf, encoding="utf-8")
    args = [str(tmp_path), "--format", fmt, "--no-cache"]
    if config is None:
        args.append("--no-config")
    else:
        (tmp_path / "cfg.yaml").write_text(config, encoding="utf-8")
        args += ["--config", str(tmp_path / "cfg.yaml")]
    capsys.readouterr()
    main(args)
    out = capsys.readouterr().out
    return json.loads(out) if fmt == "json" else out


def _profile(report: dict[str, Any]) -> dict[str, Any]:
    [p] = report["units"][0]["clusters"][0]["fargate_profiles"]
    return dict(p)


def _ids(report: dict[str, Any]) -> list[str]:
    return sorted(f["rule_id"] for f in report["findings"])


def test_room_left_for_fargate_pods_at_max_node_counts(tmp_path: Path, capsys: Capsys) -> None:
    report = _run(tmp_path, capsys, terraform(cidrs=CIDRS, max_size=8) + PROFILE)
    p = _profile(report)
    assert p["name"] == "apps" and p["planned_pods"] is None
    assert p["room"] == {"floor": 171 * 2, "configured": 131 * 2}
    assert [s["room"]["configured"] for s in p["subnets"]] == [131, 131]
    assert "EKSIP105" not in _ids(report)


@pytest.mark.parametrize(("pods", "fires"), [(262, False), (263, True)])
def test_planned_pods_checked_against_the_room(
    tmp_path: Path, capsys: Capsys, pods: int, fires: bool
) -> None:
    # 262 pods: 131 + 131 fills both subnets exactly (120 + 131 = 251). 263: 132 in one subnet
    # (the remainder goes to the first of two equal ones) > 131: EKSIP105, and that subnet's demand
    # 120 + 132 = 252 > 251 makes the node group short too (EKSIP102).
    config = f"fargate_pods:\n  apps: {pods}\n"
    report = _run(tmp_path, capsys, terraform(cidrs=CIDRS, max_size=8) + PROFILE, config)
    p = _profile(report)
    assert p["planned_pods"] == pods
    assert sorted(s["planned_pods"] for s in p["subnets"]) == sorted([pods // 2, pods - pods // 2])
    # The room excludes the profile's own pods: still 131 per subnet.
    assert [s["room"]["configured"] for s in p["subnets"]] == [131, 131]
    subnets = report["units"][0]["clusters"][0]["subnets"]
    assert sorted(s["demand_at_max_configured"] for s in subnets) == sorted(
        120 + x for x in (pods // 2, pods - pods // 2)
    )
    assert ("EKSIP105" in _ids(report)) == fires
    assert ("EKSIP102" in _ids(report)) == fires
    if fires:
        [f] = [f for f in report["findings"] if f["rule_id"] == "EKSIP105"]
        assert "263 planned pods" in f["message"]
        assert "gets 132 of them and has room for 131" in f["message"]


def test_no_room_at_all_without_a_plan(tmp_path: Path, capsys: Capsys) -> None:
    # One /27 (27 usable), 1 node at max size: 30 IPs full > 27: no IP left for any Fargate pod.
    tf = terraform(cidrs=("10.0.0.0/27",), max_size=1) + PROFILE
    report = _run(tmp_path, capsys, tf)
    assert _profile(report)["room"]["configured"] == 0
    [f] = [f for f in report["findings"] if f["rule_id"] == "EKSIP105"]
    assert "no Fargate pod can start" in f["message"]


def test_text_report_shows_the_room(tmp_path: Path, capsys: Capsys) -> None:
    out = _run(
        tmp_path, capsys, terraform(cidrs=CIDRS, max_size=8) + PROFILE, "fargate_pods:\n  apps: 10\n", "text"
    )
    line = "Fargate profile aws_eks_fargate_profile.fp: room for 262 pods at the configured density"
    assert f"{line} (aws_subnet.s[0] 131, aws_subnet.s[1] 131); planned 10" in out


def test_module_fargate_profiles_default_to_the_module_subnets(tmp_path: Path, capsys: Capsys) -> None:
    # terraform-aws-eks fargate_profiles without subnet_ids take the module's subnet_ids
    # (node_groups.tf:244). No node group: the room is the subnets' 251 usable IPs each.
    tf = """
resource "aws_subnet" "s" {
  count             = 2
  vpc_id            = "vpc-0123456789abcdef0"
  cidr_block        = ["10.0.0.0/24", "10.0.1.0/24"][count.index]
  availability_zone = ["eu-west-1a", "eu-west-1b"][count.index]
}

module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  version      = "20.31.0"
  cluster_name = "c"
  subnet_ids   = aws_subnet.s[*].id
  fargate_profiles = {
    kube_system = {
      selectors = [{ namespace = "kube-system" }]
    }
  }
}
"""
    report = _run(tmp_path, capsys, tf)
    p = _profile(report)
    assert p["name"] == "kube_system"
    assert p["room"]["configured"] == 251 * 2


def test_eksctl_profile_without_subnets_takes_the_private_ones(tmp_path: Path, capsys: Capsys) -> None:
    # No vpc section: eksctl splits 192.168.0.0/16 into /19s for 3 AZs; the private ones are
    # .96.0/19, .128.0/19, .160.0/19, 2^13 - 5 = 8,187 usable each, and no node group uses them.
    (tmp_path / "cluster.yaml").write_text(
        """apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: f
  region: eu-west-1
availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]
fargateProfiles:
  - name: fp-default
    selectors:
      - namespace: default
""",
        encoding="utf-8",
    )
    capsys.readouterr()
    main([str(tmp_path), "--format", "json", "--no-cache", "--no-config"])
    p = _profile(json.loads(capsys.readouterr().out))
    assert p["address"] == "fargateProfiles.fp-default"
    assert len(p["subnets"]) == 3
    assert p["room"]["configured"] == 3 * 8187


def test_cloudformation_profile(tmp_path: Path, capsys: Capsys) -> None:
    # One /25 subnet: 128 - 5 = 123 usable, nothing else in it.
    (tmp_path / "t.yaml").write_text(
        """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Sub:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-1
      CidrBlock: 10.0.0.0/25
      AvailabilityZone: eu-west-1a
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: c
      RoleArn: arn:aws:iam::111122223333:role/eks
      ResourcesVpcConfig:
        SubnetIds: [!Ref Sub]
  Profile:
    Type: AWS::EKS::FargateProfile
    Properties:
      ClusterName: !Ref Cluster
      FargateProfileName: apps
      PodExecutionRoleArn: arn:aws:iam::111122223333:role/fargate
      Subnets: [!Ref Sub]
      Selectors:
        - Namespace: apps
""",
        encoding="utf-8",
    )
    capsys.readouterr()
    main([str(tmp_path), "--format", "json", "--no-cache", "--no-config"])
    p = _profile(json.loads(capsys.readouterr().out))
    assert p["name"] == "apps" and p["room"]["configured"] == 123
