"""EKSIP104 update-surge-exhausts-subnet: a managed node group that fits at max size but not with
the nodes EKS adds during an update, at the edge and one step before it.

Surge (capacity-beyond-node-groups.md §6, EKS User Guide managed-node-update-behavior): the larger
of 2 x AZs and max unavailable (default 1); up to 2 new nodes per AZ when max unavailable <= 2 x
AZs, else (conservatively) the whole surge in one AZ. MINIMAL adds none.

m5.large (3 ENIs x 10 IPv4): 20 IPs per node at 1 pod, 30 full (test_exhaustion_rules.py). Three
/24s, one per AZ, 251 usable IPs each: 8 full nodes fit per subnet (240), 12 at the floor (240).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _lint import findings, line_of, lint, rule_ids, terraform

Capsys = pytest.CaptureFixture[str]
CIDRS = ("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24")


def _group(max_size: int, update_config: str = "") -> str:
    tf = terraform(cidrs=CIDRS, max_size=max_size)
    if update_config:
        tf = tf.replace(
            "  scaling_config {", f"  update_config {{\n    {update_config}\n  }}\n  scaling_config {{"
        )
    return tf


def test_fits_at_max_size_but_not_during_an_update(tmp_path: Path, capsys: Capsys) -> None:
    # max 24 over 3 AZs = 8 per AZ: 8 x 30 = 240 <= 251 fits (no EKSIP102).
    # Update: max unavailable 1 (EKS default), surge = max(2 x 3, 1) = 6, 2 per AZ:
    # (8 + 2) x 30 = 300 > 251. At 1 pod per node (8 + 2) x 20 = 200 fits, so the configured
    # density is reported. Largest max size whose update fits: 6 per AZ + 2 = 8 -> 18.
    tf = _group(24)
    code, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert rule_ids(report) == {"EKSIP104"}
    [f] = findings(report, "EKSIP104")
    assert f["severity"] == "warning" and code == 0
    assert f["line"] == line_of(tf, "max_size")
    assert "at the configured density" in f["message"]
    assert "adds up to 6 nodes (the larger of 2 x 3 AZs and max unavailable 1: EKS's default)" in f["message"]
    assert "up to 2 in each AZ" in f["message"]
    assert "aws_subnet.s[0] (10.0.0.0/24, 251 usable IPs) needs 300" in f["message"]
    assert "lower max_size to 18" in f["fix"]
    assert "MINIMAL" in f["fix"]
    assert "at least 300 usable IPs" in f["fix"]


def test_one_step_before_the_edge(tmp_path: Path, capsys: Capsys) -> None:
    # max 18 = 6 per AZ: during an update (6 + 2) x 30 = 240 <= 251.
    _, report = lint(tmp_path, capsys, {"main.tf": _group(18)})
    assert "EKSIP104" not in rule_ids(report)


def test_minimal_strategy_adds_no_surge(tmp_path: Path, capsys: Capsys) -> None:
    _, report = lint(tmp_path, capsys, {"main.tf": _group(24, 'update_strategy = "MINIMAL"')})
    assert "EKSIP104" not in rule_ids(report)


def test_max_unavailable_above_twice_the_azs(tmp_path: Path, capsys: Capsys) -> None:
    # max_unavailable 7 > 2 x 3: surge 7, counted whole in one AZ (where the replaced nodes are is
    # not known). max 15 = 5 per AZ: 5 x 30 = 150 fits; (5 + 7) x 20 = 240 <= 251 at the floor;
    # (5 + 7) x 30 = 360 > 251 full. Largest fitting: per AZ base b with (b + 7) x 30 <= 251 -> b = 1
    # -> max 3.
    _, report = lint(tmp_path, capsys, {"main.tf": _group(15, "max_unavailable = 7")})
    [f] = findings(report, "EKSIP104")
    assert "adds up to 7 nodes" in f["message"] and "counted as up to 7 in one AZ" in f["message"]
    assert "needs 360" in f["message"]
    assert "lower max_size to 3" in f["fix"]


def test_percentage_of_max_size_rounded_up(tmp_path: Path, capsys: Capsys) -> None:
    # 50 % of 15 = 7.5 -> 8 > 6: surge 8 in one AZ. Floor: (5 + 8) x 20 = 260 > 251, while
    # 5 x 20 = 100 fits at max size: reported at 1 pod per node, with 13 x 20 = 260.
    _, report = lint(tmp_path, capsys, {"main.tf": _group(15, "max_unavailable_percentage = 50")})
    [f] = findings(report, "EKSIP104")
    assert "at 1 pod per node" in f["message"]
    assert "adds up to 8 nodes" in f["message"]
    assert "needs 260" in f["message"]


def test_terraform_aws_eks_default_is_a_third_of_the_group(tmp_path: Path, capsys: Capsys) -> None:
    # terraform-aws-eks sets update_config = { max_unavailable_percentage = 33 } by default
    # (modules/eks-managed-node-group/variables.tf, v21.19.0). max 21: ceil(0.33 x 21 = 6.93) = 7
    # > 2 x 3 AZs, so the surge is 7, counted in one AZ. 7 per AZ at max size: 7 x 30 = 210 fits
    # full; during an update (7 + 7) x 20 = 280 > 251 already at 1 pod per node.
    tf = """
resource "aws_subnet" "s" {
  count             = 3
  vpc_id            = "vpc-0123456789abcdef0"
  cidr_block        = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"][count.index]
  availability_zone = ["eu-west-1a", "eu-west-1b", "eu-west-1c"][count.index]
}

module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  version      = "20.31.0"
  cluster_name = "c"
  subnet_ids   = aws_subnet.s[*].id
  eks_managed_node_groups = {
    a = {
      instance_types = ["m5.large"]
      min_size       = 1
      max_size       = 21
      desired_size   = 1
    }
  }
}
"""
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    [f] = findings(report, "EKSIP104")
    assert (
        "max unavailable 7: 33 % of max size 21, rounded up; terraform-aws-eks's default update_config"
        in f["message"]
    )
    assert "at 1 pod per node" in f["message"] and "needs 280" in f["message"]
    assert not findings(report, "EKSIP101") and not findings(report, "EKSIP102")
