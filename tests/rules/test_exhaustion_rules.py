"""EKSIP101 (warm pool at 1 pod), EKSIP102 (configured density), EKSIP103 (control-plane ENIs),
each at the edge: the largest max_size that fits and one more, or a subnet one prefix larger.

Hand arithmetic follows docs/capacity-model.md (§3.1 secondary IPs, §3.6 IPv6, §3.7 accounting,
§5 max pods, §6 usable = 2^(32 - len) - 5) and vpc-cni-model.md §1.3. Instance limits from
instance_limits.csv: m5.large 3 ENIs x 10 IPv4, m5.xlarge 4 x 15, t3.small 3 x 4.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _lint import findings, line_of, lint, node_group, rule_ids, subnet, terraform

Capsys = pytest.CaptureFixture[str]

# m5.large, S = 9, managed node group max pods 3 x 9 + 2 = 29 (2 vCPUs, under the 110 cap).
# Floor (p = 1): n_pod = min(3, ceil(29/9) = 4, 1 + ceil(1/9) = 2) = 2 -> 2 x 9 + 2 primaries = 20 IPs.
# Full (p = 27): n_pod = min(3, 4, 1 + 3 = 4) = 3 -> 27 + 3 = 30 IPs.
# /24: 256 - 5 = 251 usable -> 251 // 20 = 12 nodes at the floor, 251 // 30 = 8 full nodes.


def test_eksip101_largest_max_size_that_fits(tmp_path: Path, capsys: Capsys) -> None:
    code, report = lint(tmp_path, capsys, {"main.tf": terraform(max_size=12)})
    assert rule_ids(report) == {"EKSIP102"}  # 12 x 30 = 360 > 251 full, but only a warning
    assert node_group(report)["ips_per_node"]["floor"] == 20
    assert node_group(report)["max_nodes_supported"]["floor"] == 12
    assert subnet(report, "aws_subnet.s[0]")["demand_at_max_floor"] == 240  # 12 x 20 <= 251
    assert code == 0


def test_eksip101_one_node_more_fires(tmp_path: Path, capsys: Capsys) -> None:
    tf = terraform(max_size=13)
    code, report = lint(tmp_path, capsys, {"main.tf": tf})
    [f] = findings(report, "EKSIP101")
    assert code == 1  # an error with the default --fail-on error
    assert f["severity"] == "error"
    assert f["address"] == "aws_eks_node_group.ng"
    assert f["line"] == line_of(tf, "max_size")
    # 20 IPs per node at 1 pod; 13 x 20 = 260 needed of 251 usable; the /24 holds 12 nodes.
    assert "holds 20 IPs per node at 1 pod" in f["message"]
    assert "251 usable IPs) needs 260" in f["message"]
    assert f["message"].endswith("these subnets hold only 12 nodes")
    # The options that fix full nodes too (27 pods, 30 IPs) lead: 13 x 30 = 390 IPs -> a /23 (507
    # usable; a /24 has 251); or max_size 251 // 30 = 8 (12 fits the floor only).
    # Then, re-analysed with WARM_IP_TARGET=2, MINIMUM_IP_TARGET=10 (§3.2, p = 1): T = max(1 + 2, 10)
    # = 10 on ceil(10/9) = 2 ENIs -> 12 IPs; 251 // 12 = 20 nodes; but full nodes still take every
    # slot of their 3 ENIs (27 + 3 = 30 IPs), 390 of the /24's 251, and the /24 holds 8 of them.
    options = f["fix"].split("; or ")
    assert (
        options[0]
        == "give each subnet at least 390 usable IPs (a /23 instead of a /24; fits the configured density too)"
    )
    assert options[1] == "lower max_size to 8 (fits the configured density too; 12 fits the floor only)"
    assert options[2].startswith(
        "set WARM_IP_TARGET=2 and MINIMUM_IP_TARGET=10 in the vpc-cni add-on env (the floor drops to 12 IPs "
        "per node and 20 nodes fit, max size 13; this fits the floor only: at the configured density 27 pods "
        "per node take 30 IPs; aws_subnet.s[0] still needs 390 of its 251 usable IPs (a /23); these subnets "
        "hold 8 such nodes)"
    )
    # One finding per cause: EKSIP102 stays quiet for a group that already fails at the floor.
    assert "EKSIP102" not in rule_ids(report)


def test_eksip101_subnet_one_prefix_larger(tmp_path: Path, capsys: Capsys) -> None:
    # /23: 512 - 5 = 507 usable >= 13 x 20 = 260.
    _, report = lint(tmp_path, capsys, {"main.tf": terraform(cidrs=("10.0.0.0/23",), max_size=13)})
    assert "EKSIP101" not in rule_ids(report)
    assert subnet(report, "aws_subnet.s[0]")["usable_ips"] == 507


@pytest.mark.parametrize(("max_size", "fires"), [(16, False), (17, True)])
def test_eksip101_spread_over_two_azs(tmp_path: Path, capsys: Capsys, max_size: int, fires: bool) -> None:
    # docs/rules/EKSIP101.md: m5.xlarge, S = 14, max pods 4 x 14 + 2 = 58;
    # n_pod = min(4, ceil(58/14) = 5, 1 + 1 = 2) = 2 -> 28 + 2 = 30 IPs. Each /24 holds 251 // 30 = 8.
    # 16 nodes: 8 + 8 -> 240 each. 17 nodes: 9 + 8 -> 270 > 251 in one subnet.
    tf = terraform(cidrs=("10.0.0.0/24", "10.0.1.0/24"), instance_types=("m5.xlarge",), max_size=max_size)
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert node_group(report)["ips_per_node"]["floor"] == 30
    assert node_group(report)["max_nodes_supported"]["floor"] == 16
    found = findings(report, "EKSIP101")
    assert len(found) == fires
    if fires:
        assert "needs 270" in found[0]["message"]
        assert "hold only 16 nodes" in found[0]["message"]


def test_eksip102_largest_max_size_that_fits(tmp_path: Path, capsys: Capsys) -> None:
    _, report = lint(tmp_path, capsys, {"main.tf": terraform(max_size=8)})
    assert node_group(report)["ips_per_node"]["configured"] == 30
    assert node_group(report)["pods_per_node_configured"] == 27  # 29 max pods - 2 hostNetwork
    assert subnet(report, "aws_subnet.s[0]")["demand_at_max_configured"] == 240  # 8 x 30 <= 251
    # It fits at max size; only an update's 2 more nodes in the AZ (10 x 30 = 300) do not: EKSIP104.
    assert rule_ids(report) == {"EKSIP104"}


def test_eksip102_one_node_more_fires(tmp_path: Path, capsys: Capsys) -> None:
    tf = terraform(max_size=9)
    code, report = lint(tmp_path, capsys, {"main.tf": tf})
    [f] = findings(report, "EKSIP102")
    assert code == 0  # a warning
    assert f["severity"] == "warning"
    assert f["line"] == line_of(tf, "max_size")
    # 9 x 20 = 180 fits at the floor, so EKSIP101 is silent; full: 9 x 30 = 270 > 251, 8 fit.
    assert "EKSIP101" not in rule_ids(report)
    assert "with 27 pods per node (full nodes; max pods 29) a node holds 30 IPs" in f["message"]
    assert "needs 270" in f["message"]
    assert "hold 8 such nodes" in f["message"]
    # WARM_IP_TARGET=2/MINIMUM_IP_TARGET=10 at p = 27: T = max(27 + 2, 10) capped at 3 x 9 = 27,
    # still 30 IPs: the re-analysis finds no relief, so the env change is not offered.
    assert "WARM_IP_TARGET" not in f["fix"]
    assert "lower max_size to 8" in f["fix"]
    assert "at least 270 usable IPs (a /23 instead of a /24)" in f["fix"]


@pytest.mark.parametrize(("pods", "ips", "fires"), [("9", 20, False), ("10", 30, True)])
def test_eksip102_pods_per_node_edge(
    tmp_path: Path, capsys: Capsys, pods: str, ips: int, fires: bool
) -> None:
    # p = 9: n_pod = 1 + ceil(9/9) = 2 -> 20 IPs, 9 x 20 = 180 fits. p = 10: the 10th pod leaves
    # fewer than 9 free, so a third ENI: n_pod = 1 + ceil(10/9) = 3 -> 30 IPs, 9 x 30 = 270 > 251.
    _, report = lint(tmp_path, capsys, {"main.tf": terraform(max_size=9)}, "--pods-per-node", pods)
    assert node_group(report)["ips_per_node"]["configured"] == ips
    found = findings(report, "EKSIP102")
    assert len(found) == fires
    if fires:
        msg = found[0]["message"]
        assert f"with 10 pods per node (--pods-per-node 10; max pods 29) a node holds {ips} IPs" in msg


# EKSIP103, IPv6 (§3.6): a node takes 1 IPv4 address. /27: 32 - 5 = 27 usable; EKS needs 6 free.
@pytest.mark.parametrize(
    ("max_size", "free", "rules"),
    [
        (42, [6, 6], set()),  # 21 + 21 nodes: 27 - 21 = 6 free in each: enough
        (43, [5, 6], {"EKSIP103"}),  # 22 + 21: one subnet keeps 5 (sorted: [5, 6])
        # 27 + 27: 0 free, the nodes still fit; an update's 2 more per AZ (29 > 27) do not.
        (54, [0, 0], {"EKSIP103", "EKSIP104"}),
        (56, [-1, -1], {"EKSIP101"}),  # 28 + 28 > 27: over-committed is EKSIP101's, not EKSIP103's
    ],
)
def test_eksip103_ipv6_free_addresses_edge(
    tmp_path: Path, capsys: Capsys, max_size: int, free: list[int], rules: set[str]
) -> None:
    tf = terraform(cidrs=("10.0.0.0/27", "10.0.0.32/27"), max_size=max_size, ipv6=True)
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert node_group(report)["ips_per_node"]["floor"] == 1
    left = [27 - subnet(report, f"aws_subnet.s[{i}]")["demand_at_max_floor"] for i in (0, 1)]
    assert sorted(left) == free  # which AZ takes the odd node is the spread's choice, not checked here
    assert rule_ids(report) == rules
    found = findings(report, "EKSIP103")
    expected = [
        f"subnet aws_subnet.s[{i}] (27 usable IPs) has {x} free" for i, x in enumerate(left) if 0 <= x < 6
    ]
    assert len(found) == len(expected)  # one finding per subnet short of 6
    for f, text in zip(found, expected, strict=True):
        assert text in f["message"]
        assert f["address"] == "aws_eks_cluster.c"
        assert f["line"] == line_of(tf, "subnet_ids", after='"aws_eks_cluster"')


@pytest.mark.parametrize(("max_size", "fires"), [(6, False), (7, True)])
def test_eksip103_ipv4_small_nodes(tmp_path: Path, capsys: Capsys, max_size: int, fires: bool) -> None:
    # t3.small: S = 3, max pods 3 x 3 + 2 = 11; floor n_pod = min(3, ceil(11/3) = 4, 1 + 1 = 2) = 2
    # -> 6 + 2 = 8 IPs. /26: 64 - 5 = 59 usable. 6 nodes: 48, 11 free. 7 nodes: 56, 3 free.
    tf = terraform(cidrs=("10.0.0.0/26",), instance_types=("t3.small",), max_size=max_size)
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert node_group(report)["ips_per_node"]["floor"] == 8
    found = findings(report, "EKSIP103")
    assert len(found) == fires
    if fires:
        assert "subnet aws_subnet.s[0] (59 usable IPs) has 3 free" in found[0]["message"]
