"""Node groups sharing subnets: one EKSIP101/102 finding per cluster and density, at the cluster,
with every group's max-size line related, and one combined plan whose options were re-analysed.

Four managed node groups over three /22s (one per AZ, eu-west-1a/b/c), default VPC CNI
(WARM_ENI_TARGET=1). Instance limits (instance_limits.csv): m5.large 3 ENIs x 10 IPv4 (S = 9),
m5.xlarge 4 x 15 (S = 14). Managed node group max pods: m5.large 3 x 9 + 2 = 29, m5.xlarge
4 x 14 + 2 = 58 (vpc-cni-model.md §1.3, §5).

Per node (docs/capacity-model.md §3.1), floor (1 pod) and configured (full: max pods - 2):
  m5.large  floor: 1 + ceil(1/9) = 2 ENIs x 9 + 2 primaries = 20; full 27 pods: min(3, ceil(29/9)=4)
            = 3 ENIs -> 27 + 3 = 30
  m5.xlarge floor: 2 ENIs x 14 + 2 = 30; full 56 pods: min(4, ceil(58/14)=5) = 4 ENIs -> 56 + 4 = 60
A /22 holds 2^10 - 5 = 1,019 usable IPs.

Max sizes: system 6 (m5.large), general 60, batch 30, spot 30 (m5.xlarge): 126 nodes, spread
evenly: 2 / 20 / 10 / 10 per AZ.
  floor demand per subnet:  2 x 20 + (20 + 10 + 10) x 30 = 40 + 1,200 = 1,240 > 1,019
  full demand per subnet:   2 x 30 + 40 x 60 = 60 + 2,400 = 2,460
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _lint import findings, line_of, lint

Capsys = pytest.CaptureFixture[str]

GROUPS = {
    "system": ("m5.large", 6),
    "general": ("m5.xlarge", 60),
    "batch": ("m5.xlarge", 30),
    "spot": ("m5.xlarge", 30),
}


def _module(env: dict[str, str] | None = None, groups: dict[str, tuple[str, int]] = GROUPS) -> str:
    blocks = [
        """resource "aws_subnet" "private" {
  count             = 3
  vpc_id            = "vpc-0123456789abcdef0"
  cidr_block        = ["10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"][count.index]
  availability_zone = ["eu-west-1a", "eu-west-1b", "eu-west-1c"][count.index]
}

resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = aws_subnet.private[*].id
  }
}
"""
    ]
    if env:
        pairs = ", ".join(f'{k} = "{v}"' for k, v in env.items())
        blocks.append(
            f"""resource "aws_eks_addon" "vpc_cni" {{
  cluster_name         = aws_eks_cluster.main.name
  addon_name           = "vpc-cni"
  configuration_values = jsonencode({{ env = {{ {pairs} }} }})
}}
"""
        )
    for name, (itype, max_size) in groups.items():
        blocks.append(
            f"""resource "aws_eks_node_group" "{name}" {{
  cluster_name   = aws_eks_cluster.main.name
  node_role_arn  = "arn:aws:iam::111122223333:role/node"
  subnet_ids     = aws_subnet.private[*].id
  instance_types = ["{itype}"]
  scaling_config {{
    min_size     = 1
    max_size     = {max_size}
    desired_size = 1
  }}
}}
"""
        )
    return "\n".join(blocks)


def test_four_groups_sharing_three_subnets_get_one_finding_with_a_combined_plan(
    tmp_path: Path, capsys: Capsys
) -> None:
    tf = _module()
    code, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert code == 1
    [f] = findings(report, "EKSIP101")  # one finding for the cluster, not one per group
    assert findings(report, "EKSIP102") == []  # the floor finding carries the configured density
    assert f["line"] == line_of(tf, 'resource "aws_eks_cluster"')
    assert f["address"] == "aws_eks_cluster.main"
    # Every group's max-size line is a related location.
    assert [(r["address"], r["line"]) for r in f["related"]] == [
        (f"aws_eks_node_group.{g}", line_of(tf, "max_size", after=f'"aws_eks_node_group" "{g}"'))
        for g in GROUPS
    ]
    for g in GROUPS:
        assert f"aws_eks_node_group.{g} (" in f["message"]
    for i in range(3):
        assert (
            f"aws_subnet.private[{i}] (10.0.{4 * i}.0/22, 1,019 usable IPs, shared by 4 node groups) needs 1,240"
            in f["message"]
        )
    # Grown together in proportion to max sizes 6 : 60 : 30 : 30 (largest remainder):
    #   101 nodes -> 5 / 48 / 24 / 24 (exact 4.81 / 48.10 / 24.05 / 24.05, the 1 left to system);
    #   per AZ system 2, 2, 1 and 16, 8, 8 of the others: AZ a = 2 x 20 + 32 x 30 = 40 + 960 = 1,000 <= 1,019.
    #   102 nodes -> 5 / 49 / 24 / 24: AZ a = 40 + (17 + 8 + 8) x 30 = 1,030 > 1,019.
    assert "these groups fit 101 nodes of the 126 they may scale to" in f["message"]
    options = f["fix"].split("; or ")
    # Full nodes: 51 nodes -> 3 / 24 / 12 / 12 (exact 2.43 / 24.29 / 12.14 / 12.14, the 1 left to
    #   system): per AZ 1 x 30 + (8 + 4 + 4) x 60 = 30 + 960 = 990 <= 1,019;
    #   52 -> 3 / 25 / 12 / 12: AZ a = 30 + 17 x 60 = 1,050 > 1,019.
    # The subnet that fits full nodes: 2,460 usable IPs -> a /20 (4,091; a /21 has 2,043).
    # Both fix the floor (at most the full demand) too, so they lead.
    assert options[0] == (
        "give each of aws_subnet.private[0], aws_subnet.private[1], aws_subnet.private[2] at least 2,460 usable "
        "IPs (a /20 instead of a /22; fits the configured density too)"
    )
    assert options[1].startswith(
        "run these node groups at 51 nodes in total, max sizes now total 126: for example"
    )
    assert (
        "max sizes aws_eks_node_group.system 3, aws_eks_node_group.general 24, aws_eks_node_group.batch 12, "
        "aws_eks_node_group.spot 12" in options[1]
    )
    assert options[1].endswith("(fits the configured density too; 101 in total fits the floor only)")
    # WARM_IP_TARGET=2, MINIMUM_IP_TARGET=10 at 1 pod: T = max(1 + 2, 10) = 10 IPs:
    #   m5.large ceil(10/9) = 2 ENIs -> 10 + 2 = 12; m5.xlarge 1 ENI -> 10 + 1 = 11.
    #   Per subnet 2 x 12 + 40 x 11 = 464 <= 1,019. Full nodes still take 30 and 60 IPs (every slot
    #   of the ENIs the max pods allow), so the configured density still needs 2,460 per subnet.
    assert options[2].startswith("set WARM_IP_TARGET=2 and MINIMUM_IP_TARGET=10")
    assert "the floor drops to aws_eks_node_group.system 12, aws_eks_node_group.general 11" in options[2]
    assert "this fits the floor only" in options[2]
    assert "still needs 2,460 of its 1,019 usable IPs (a /20)" in options[2]
    assert "these subnets hold 51 such nodes in all" in options[2]
    assert len(options) == 3
    assert "max_size to 0" not in f["fix"] and " 0," not in f["fix"]


def test_applying_the_plan_clears_the_finding(tmp_path: Path, capsys: Capsys) -> None:
    # The split the plan offers, applied by hand: 3 / 24 / 12 / 12 fits full nodes (990 <= 1,019).
    split = {"system": 3, "general": 24, "batch": 12, "spot": 12}
    groups = {g: (itype, split[g]) for g, (itype, _) in GROUPS.items()}
    code, report = lint(tmp_path, capsys, {"main.tf": _module(groups=groups)})
    assert findings(report, "EKSIP101") == [] and findings(report, "EKSIP102") == []
    assert code == 0


def test_a_floor_fix_applied_leaves_one_configured_finding(tmp_path: Path, capsys: Capsys) -> None:
    code, report = lint(
        tmp_path, capsys, {"main.tf": _module({"WARM_IP_TARGET": "2", "MINIMUM_IP_TARGET": "10"})}
    )
    assert findings(report, "EKSIP101") == []
    [f] = findings(report, "EKSIP102")  # still one per cluster
    assert len(f["related"]) == 4
    assert "needs 2,460" in f["message"]
    assert "these groups fit 51 such nodes of the 126" in f["message"]
    assert "max_size to 0" not in f["fix"]
    assert code == 0  # a warning


def test_sarif_relates_every_groups_max_size_line(tmp_path: Path, capsys: Capsys) -> None:
    import json

    from eks_ip_lint.cli import main

    tf = _module()
    (tmp_path / "main.tf").write_text(tf, encoding="utf-8")
    capsys.readouterr()
    assert main([str(tmp_path), "--format", "sarif", "--no-cache", "--no-config"]) == 1
    [result] = [
        r for r in json.loads(capsys.readouterr().out)["runs"][0]["results"] if r["ruleId"] == "EKSIP101"
    ]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == line_of(
        tf, '"aws_eks_cluster"'
    )
    related = result["relatedLocations"]
    assert [r["physicalLocation"]["region"]["startLine"] for r in related] == [
        line_of(tf, "max_size", after=f'"aws_eks_node_group" "{g}"') for g in GROUPS
    ]
    assert [r["id"] for r in related] == [0, 1, 2, 3]
    assert related[0]["message"]["text"] == "node group aws_eks_node_group.system: max size 6"
