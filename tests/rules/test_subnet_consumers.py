"""Other consumers of a subnet's IPs (issue 14 item 5): interface endpoints, NAT gateways, load
balancers, EFS mount targets, DB instances, Lambda ENIs, transit gateway attachments and CIDR
reservations join the subnet's demand at max size, with the costs of
shared/docs/capacity-beyond-node-groups.md §7.

Node arithmetic as in test_exhaustion_rules.py: m5.large (3 ENIs x 10 IPv4), S = 9, managed node
group max pods 29. Floor: 2 ENIs -> 2 x 9 + 2 = 20 IPs; full (27 pods): 3 ENIs -> 27 + 3 = 30 IPs.
A /24 has 256 - 5 = 251 usable IPs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _lint import findings, lint, node_group, numbers, rule_ids, subnet, terraform

from eks_ip_lint.cli import main

Capsys = pytest.CaptureFixture[str]


def _endpoints(n: int) -> str:
    return f"""
resource "aws_vpc_endpoint" "e" {{
  count             = {n}
  vpc_id            = "vpc-0123456789abcdef0"
  service_name      = "com.amazonaws.eu-west-1.svc${{count.index}}"
  vpc_endpoint_type = "Interface"
  subnet_ids        = aws_subnet.s[*].id
}}
"""


@pytest.mark.parametrize(("endpoints", "fires"), [(11, False), (12, True)])
def test_twelve_interface_endpoints_push_a_fitting_group_over_the_edge(
    tmp_path: Path, capsys: Capsys, endpoints: int, fires: bool
) -> None:
    # 8 full nodes x 30 = 240 of 251: fits alone (test_exhaustion_rules: the largest max size).
    # 11 endpoints x 1 IP = 11: 240 + 11 = 251 = usable, still fits.
    # 12 endpoints: 240 + 12 = 252 > 251: EKSIP102; the subnet holds (251 - 12) // 30 = 7 full nodes.
    tf = terraform(max_size=8) + _endpoints(endpoints)
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    s = subnet(report, "aws_subnet.s[0]")
    assert s["demand_at_max_configured"] == 240 + endpoints
    assert s["demand_at_max_floor"] == 8 * 20 + endpoints
    assert len(s["consumers"]) == endpoints
    assert {c["kind"] for c in s["consumers"]} == {"interface-endpoint"}
    assert all(c["ips"] == {"floor": 1, "configured": 1} for c in s["consumers"])
    assert "EKSIP101" not in rule_ids(report)  # 160 + 12 = 172 <= 251 at 1 pod per node
    assert len(findings(report, "EKSIP102")) == fires
    assert node_group(report)["max_nodes_supported"]["configured"] == (251 - endpoints) // 30
    if fires:
        [f] = findings(report, "EKSIP102")
        assert "needs 252" in f["message"]
        assert "12 interface endpoints (12 IPs)" in f["message"]


def test_gateway_endpoints_take_nothing(tmp_path: Path, capsys: Capsys) -> None:
    # vpc_endpoint_type left out: the provider's default is Gateway, a route-table target.
    tf = (
        terraform(max_size=8)
        + """
resource "aws_vpc_endpoint" "s3" {
  vpc_id       = "vpc-0123456789abcdef0"
  service_name = "com.amazonaws.eu-west-1.s3"
}
"""
    )
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert subnet(report, "aws_subnet.s[0]")["consumers"] == []
    assert subnet(report, "aws_subnet.s[0]")["demand_at_max_configured"] == 240


def test_each_kind_costs_what_the_reference_gives(tmp_path: Path, capsys: Capsys) -> None:
    # One node at max size: 30 IPs configured. Then, in aws_subnet.s[0]:
    # NAT gateway 1 + 2 secondary = 3; ALB 8; NLB 1; EFS 1; DB instance 1 (its subnet group names
    # s[0]); transit gateway attachment 1; two Lambda functions with the same security groups
    # share 1 ENI, a third with other groups takes its own: 2. Total 3 + 8 + 1 + 1 + 1 + 1 + 2 = 17.
    tf = (
        terraform(max_size=1)
        + """
resource "aws_nat_gateway" "n" {
  subnet_id                          = aws_subnet.s[0].id
  connectivity_type                  = "private"
  secondary_private_ip_address_count = 2
}
resource "aws_lb" "alb" {
  subnets = [aws_subnet.s[0].id]
}
resource "aws_lb" "nlb" {
  load_balancer_type = "network"
  subnet_mapping {
    subnet_id = aws_subnet.s[0].id
  }
}
resource "aws_efs_mount_target" "m" {
  file_system_id = "fs-1"
  subnet_id      = aws_subnet.s[0].id
}
resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = [aws_subnet.s[0].id]
}
resource "aws_db_instance" "db" {
  instance_class       = "db.t3.micro"
  db_subnet_group_name = aws_db_subnet_group.db.name
}
resource "aws_ec2_transit_gateway_vpc_attachment" "t" {
  transit_gateway_id = "tgw-1"
  vpc_id             = "vpc-0123456789abcdef0"
  subnet_ids         = [aws_subnet.s[0].id]
}
resource "aws_lambda_function" "f" {
  for_each      = toset(["a", "b"])
  function_name = each.key
  role          = "r"
  vpc_config {
    subnet_ids         = [aws_subnet.s[0].id]
    security_group_ids = ["sg-1", "sg-2"]
  }
}
resource "aws_lambda_function" "other" {
  function_name = "other"
  role          = "r"
  vpc_config {
    subnet_ids         = [aws_subnet.s[0].id]
    security_group_ids = ["sg-3"]
  }
}
"""
    )
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    s = subnet(report, "aws_subnet.s[0]")
    by_address = {c["address"]: c["ips"]["configured"] for c in s["consumers"]}
    assert by_address == {
        "aws_nat_gateway.n": 3,
        "aws_lb.alb": 8,
        "aws_lb.nlb": 1,
        "aws_efs_mount_target.m": 1,
        "aws_db_instance.db": 1,
        "aws_ec2_transit_gateway_vpc_attachment.t": 1,
        'aws_lambda_function.f["a"]': 1,
        'aws_lambda_function.f["b"]': 0,
        "aws_lambda_function.other": 1,
    }
    assert s["demand_at_max_configured"] == 30 + 17


@pytest.mark.parametrize(
    ("cidr", "reserved"),
    [
        # A /26 in the middle of the /24: all 64 addresses are usable ones.
        ("10.0.0.64/26", 64),
        # The first /28 holds the 4 addresses AWS reserves anyway: 16 - 4 = 12 more are taken.
        ("10.0.0.0/28", 12),
    ],
)
def test_explicit_cidr_reservation_takes_its_block(
    tmp_path: Path, capsys: Capsys, cidr: str, reserved: int
) -> None:
    tf = (
        terraform(max_size=1)
        + f"""
resource "aws_ec2_subnet_cidr_reservation" "r" {{
  subnet_id        = aws_subnet.s[0].id
  cidr_block       = "{cidr}"
  reservation_type = "explicit"
}}
"""
    )
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    s = subnet(report, "aws_subnet.s[0]")
    assert s["demand_at_max_configured"] == 30 + reserved
    # The node group fits (251 - reserved) // 30 nodes beside it: 187 // 30 = 6, 239 // 30 = 7.
    assert node_group(report)["max_nodes_supported"]["configured"] == (251 - reserved) // 30


def test_prefix_reservation_is_used_by_prefixes_first(tmp_path: Path, capsys: Capsys) -> None:
    # Prefix delegation, m5.large, 1 pod per node: one /28 in use plus WARM_PREFIX_TARGET=1 (the
    # default) spare = 2 prefixes on the primary ENI, 2 x 16 + 1 node IP = 33 IPs per node
    # (vpc-cni-model.md §1.5). One node places 32 prefix IPs in s[0]; a /26 prefix reservation
    # (64 addresses) is taken by them first, so it costs the other users 64 - 32 = 32 more.
    tf = (
        terraform(max_size=1, env={"ENABLE_PREFIX_DELEGATION": "true"})
        + """
resource "aws_ec2_subnet_cidr_reservation" "r" {
  subnet_id        = aws_subnet.s[0].id
  cidr_block       = "10.0.0.64/26"
  reservation_type = "prefix"
}
"""
    )
    _, report = lint(tmp_path, capsys, {"main.tf": tf}, "--pods-per-node", "1")
    s = subnet(report, "aws_subnet.s[0]")
    assert node_group(report)["ips_per_node"]["floor"] == 33
    [r] = s["consumers"]
    assert r["ips"]["floor"] == 64 - 32
    assert s["demand_at_max_floor"] == 33 + 32


def test_undeclared_subnets_are_not_charged(tmp_path: Path, capsys: Capsys) -> None:
    tf = (
        terraform(max_size=1)
        + """
resource "aws_efs_mount_target" "m" {
  file_system_id = "fs-1"
  subnet_id      = "subnet-0abc"
}
"""
    )
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert subnet(report, "aws_subnet.s[0]")["consumers"] == []
    assert numbers(str(subnet(report, "aws_subnet.s[0]")["demand_at_max_configured"])) == [30]


@pytest.mark.parametrize(
    ("fmt", "line"),
    [
        ("text", "s[0] also gives 12 interface endpoints (12 IPs)"),  # aws_subnet.s[0], by its name
        ("markdown", "`aws_subnet.s[0]` also gives 12 interface endpoints (12 IPs) (counted in its need)"),
    ],
)
def test_text_and_markdown_show_the_other_consumers(
    tmp_path: Path, capsys: Capsys, fmt: str, line: str
) -> None:
    (tmp_path / "main.tf").write_text(terraform(max_size=8) + _endpoints(12), encoding="utf-8")
    capsys.readouterr()
    main([str(tmp_path), "--format", fmt, "--no-cache", "--no-config"])
    assert line in capsys.readouterr().out


def test_sarif_message_names_the_other_consumers(tmp_path: Path, capsys: Capsys) -> None:
    (tmp_path / "main.tf").write_text(terraform(max_size=8) + _endpoints(12), encoding="utf-8")
    capsys.readouterr()
    main([str(tmp_path), "--format", "sarif", "--no-cache", "--no-config"])
    sarif = json.loads(capsys.readouterr().out)
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "EKSIP102"]
    # 240 IPs of 8 full nodes + 12 endpoints = 252 > 251.
    assert "needs 252, of which 12 interface endpoints (12 IPs)" in result["message"]["text"]
