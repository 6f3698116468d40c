"""Issue 13 item 6: data "aws_subnet" / "aws_subnets" resolved against the subnets the scan
declares (tests/fixtures/issue13/data-subnets, data-subnet-same-module).

m5.large: 3 ENIs x 10 IPv4; m5.xlarge: 4 x 15 (EC2). WARM_ENI_TARGET=1 (chart default): at 1 pod a
node holds its primary ENI and one warm ENI, full: max pods (EKS: E x (L - 1) + 2, 29 for m5.large,
4 x 14 + 2 = 58 for m5.xlarge) - 2 hostNetwork pods on ceil(pods / (L - 1)) ENIs. Usable IPs:
/24 = 256 - 5 = 251, /23 = 512 - 5 = 507."""

from __future__ import annotations

from pathlib import Path

from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.values import Cause

from testlib import FIXTURES

ISSUE = FIXTURES / "issue13"


def test_filters_select_subnets_of_another_root_module_and_show_the_exhaustion() -> None:
    """general: tag:Tier = private -> private_a and private_b, both /24. m5.xlarge at 1 pod: 2 ENIs
    x 15 = 30 IPs; full (56 pods on ceil(56 / 14) = 4 ENIs): 60. Max 44 = 22 per subnet:
    22 x 30 = 660 IPs needed in a /24 of 251 (EKSIP101); floor(251 / 30) = 8 per subnet = 16 nodes,
    floor(251 / 60) = 4 per subnet = 8 nodes.
    batch: cidrBlock = 10.20.3.0/24 -> the batch subnet. m5.large max 5: 5 x 20 = 100 and
    5 x 30 = 150 IPs; floor(251 / 20) = 12, floor(251 / 30) = 8 nodes."""
    units = {Path(u.path).name: u for u in lint(LintRequest(paths=(str(ISSUE / "data-subnets"),))).units}
    (cluster,) = units["eks"].capacity.clusters
    groups = {g.fact.address: g for g in cluster.node_groups}
    general, batch = groups["aws_eks_node_group.general"], groups["aws_eks_node_group.batch"]
    assert [(s.address, s.cidr, s.az) for s in general.subnets] == [
        ("aws_subnet.private_a (../network)", "10.20.1.0/24", "us-east-1a"),
        ("aws_subnet.private_b (../network)", "10.20.2.0/24", "us-east-1b"),
    ]
    assert [(s.cidr, s.az) for s in batch.subnets] == [("10.20.3.0/24", "us-east-1c")]
    demand = {s.fact.address: s.demand for s in cluster.subnets}
    assert demand["aws_subnet.private_a (../network)"][Density.FLOOR] == 22 * 30 == 660
    assert demand["aws_subnet.batch (../network)"][Density.CONFIGURED] == 5 * 30
    assert (general.at[Density.FLOOR].supported, general.at[Density.CONFIGURED].supported) == (16, 8)
    assert (batch.at[Density.FLOOR].supported, batch.at[Density.CONFIGURED].supported) == (12, 8)
    found = [(f.rule_id, f.message) for f in units["eks"].findings]
    assert any(r == "EKSIP101" and "aws_eks_node_group.general" in m for r, m in found)


def test_several_or_no_matches_stay_unknown_with_the_candidates_named() -> None:
    units = {Path(u.path).name: u for u in lint(LintRequest(paths=(str(ISSUE / "data-subnets"),))).units}
    (cluster,) = units["eks"].capacity.clusters
    edge = next(g for g in cluster.node_groups if g.fact.address == "aws_eks_node_group.edge")
    assert not edge.analysed
    notes = {u.address: u for u in units["eks"].capacity.facts.unresolved}
    assert (
        "2 declared subnets may match (aws_subnet.private_a 10.20.1.0/24, aws_subnet.public_a 10.20.101.0/24)"
        in notes["data.aws_subnet.edge"].reason
    )
    assert "none of the 4 declared subnet(s) of the scan matches" in notes["data.aws_subnet.gone"].reason
    assert notes["data.aws_subnet.gone"].cause is Cause.NOT_DECLARED


def test_the_eks_root_module_alone_cannot_resolve_them() -> None:
    (unit,) = lint(LintRequest(paths=(str(ISSUE / "data-subnets" / "eks"),))).units
    (cluster,) = unit.capacity.clusters
    assert not any(g.analysed for g in cluster.node_groups)
    assert "EKSIP101" not in [f.rule_id for f in unit.findings]


def test_lookups_of_the_same_module_use_the_declared_subnet_itself() -> None:
    """one: tag:Name = app-a and vpc_id = aws_vpc.main.id -> aws_subnet.a; both: vpc-id filter ->
    a and b. Subnet a carries one's 20 nodes and half of both's 10: floor (20 + 5) x 20 = 500,
    full (20 + 5) x 30 = 750 of 507. Beside both's 5 x 20 = 100, one fits floor((507 - 100) / 20)
    = 20 nodes; beside 5 x 30 = 150 at full density, floor((507 - 150) / 30) = 11."""
    (unit,) = lint(LintRequest(paths=(str(ISSUE / "data-subnet-same-module"),))).units
    (cluster,) = unit.capacity.clusters
    assert [s.fact.address for s in cluster.subnets] == ["aws_subnet.a", "aws_subnet.b"]
    a = cluster.subnets[0]
    assert (a.demand[Density.FLOOR], a.demand[Density.CONFIGURED]) == (500, 750)
    one = next(g for g in cluster.node_groups if g.fact.address == "aws_eks_node_group.one")
    assert (one.at[Density.FLOOR].supported, one.at[Density.CONFIGURED].supported) == (20, 11)
    assert not unit.capacity.facts.unresolved


def test_the_vpc_modules_subnets_are_selected_by_the_tags_it_writes() -> None:
    """tags Tier = shop-nodes (private_subnet_tags) and vpc-id = module.vpc.vpc_id -> the two private
    /24s, not the public ones; tag:Name = "shop-private-*b" -> shop-private-us-east-1b only.
    general: m5.large max 30 = 15 per subnet x 20 IPs = 300 at the floor; zone_b adds 2 x 20 = 40
    in private[1]: 340. Full nodes: 15 x 30 = 450 and 450 + 2 x 30 = 510 (of 251)."""
    (unit,) = lint(LintRequest(paths=(str(ISSUE / "data-subnets-vpc-module"),))).units
    (cluster,) = unit.capacity.clusters
    assert [s.fact.address for s in cluster.subnets] == [
        "module.vpc.aws_subnet.private[0]",
        "module.vpc.aws_subnet.private[1]",
    ]
    assert [s.demand[Density.FLOOR] for s in cluster.subnets] == [300, 340]
    assert [s.demand[Density.CONFIGURED] for s in cluster.subnets] == [450, 510]
    zone_b = next(g for g in cluster.node_groups if g.fact.address == "aws_eks_node_group.zone_b")
    assert [(s.address, s.tags) for s in zone_b.subnets] == [
        ("module.vpc.aws_subnet.private[1]", {"Name": "shop-private-us-east-1b", "Tier": "shop-nodes"})
    ]
    assert not unit.capacity.facts.unresolved


def test_every_issue13_fixture_at_once() -> None:
    """All the issue's fixtures in one scan (9 root modules): the literal filters of data-subnets
    still select their own subnets only, and the lookups that refer to objects of their own module
    (vpc_id = aws_vpc.main.id, module.vpc.vpc_id) are not confused with another module's subnets
    of the same address. Same numbers as the tests above."""
    units = {Path(u.path).name: u for u in lint(LintRequest(paths=(str(ISSUE),))).units}
    for name, address, floor in (
        ("eks", "aws_subnet.private_a (../network)", 660),
        ("data-subnet-same-module", "aws_subnet.a", 500),
        ("data-subnets-vpc-module", "module.vpc.aws_subnet.private[1]", 340),
    ):
        subnets = {s.fact.address: s for c in units[name].capacity.clusters for s in c.subnets}
        assert subnets[address].demand[Density.FLOOR] == floor, name
    assert not any(c.fact is None for u in units.values() for c in u.capacity.clusters)
