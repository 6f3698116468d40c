"""EKSIP201 (MINIMUM_IP_TARGET alone), EKSIP202 (/28 prefix blocks), EKSIP203 (warm target 0),
EKSIP204 (prefix delegation on a non-Nitro type): firing and silent cases at the edge.

Hand arithmetic follows docs/capacity-model.md §2 (parsing), §3.1-§3.4 (IPs per node), §5 (max
pods), §6 (/28 blocks) and vpc-cni-model.md §1.3-§1.5. m5.large: 3 ENIs x 10 IPv4, Nitro;
m4.large: 2 x 10, Xen; m5.metal: bare metal (instance_limits.csv).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _lint import findings, line_of, lint, node_group, rule_ids, terraform

Capsys = pytest.CaptureFixture[str]
PD = {"ENABLE_PREFIX_DELEGATION": "true"}


# --- EKSIP201 ------------------------------------------------------------------------------------


def test_eksip201_minimum_alone_is_a_ceiling(tmp_path: Path, capsys: Capsys) -> None:
    tf = terraform(env={"MINIMUM_IP_TARGET": "10"})
    code, report = lint(tmp_path, capsys, {"main.tf": tf})
    [f] = findings(report, "EKSIP201")
    assert code == 0
    assert f["address"] == "aws_eks_cluster.c"
    assert f["line"] == line_of(tf, "configuration_values")
    # §3.2 with only Mi = 10: T = 10 secondary IPs on ceil(10/9) = 2 ENIs -> 10 + 2 = 12 subnet IPs,
    # at 1 pod and full alike; the 11th pod gets no IP. Full m5.large: 29 - 2 = 27 pods expected.
    assert "allocates 10 IPs per node and never more, so pod number 11 on a node fails" in f["message"]
    assert "node group aws_eks_node_group.ng expects 27 pods per node" in f["message"]
    assert node_group(report)["ips_per_node"] == {"floor": 12, "configured": 12}


@pytest.mark.parametrize(("warm", "fires"), [("0", True), ("1", False)])
def test_eksip201_warm_ip_target_zero_is_unset(
    tmp_path: Path, capsys: Capsys, warm: str, fires: bool
) -> None:
    # WARM_IP_TARGET=0 counts as unset (§2). With Wi = 1: T = max(27 + 1, 10) = 28, capped at
    # 3 ENIs x 9 = 27 -> 3 ENIs, 27 + 3 = 30 IPs at full nodes: the pool follows the pods.
    tf = terraform(env={"MINIMUM_IP_TARGET": "10", "WARM_IP_TARGET": warm})
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert len(findings(report, "EKSIP201")) == fires
    assert node_group(report)["ips_per_node"]["configured"] == (12 if fires else 30)


@pytest.mark.parametrize(("pods", "named"), [("10", False), ("11", True)])
def test_eksip201_names_the_group_past_the_minimum(
    tmp_path: Path, capsys: Capsys, pods: str, named: bool
) -> None:
    # 10 pods fit in the 10 IPs of the minimum; the 11th does not.
    tf = terraform(env={"MINIMUM_IP_TARGET": "10"})
    _, report = lint(tmp_path, capsys, {"main.tf": tf}, "--pods-per-node", pods)
    [f] = findings(report, "EKSIP201")
    assert ("node group aws_eks_node_group.ng expects 11 pods per node" in f["message"]) == named
    assert ("expects" in f["message"]) == named


def test_eksip201_prefix_delegation_rounds_up_to_a_prefix(tmp_path: Path, capsys: Capsys) -> None:
    # §3.4: ipamd stops at ceil(20/16) = 2 prefixes = 32 IPs, so pod number 33 fails.
    _, report = lint(tmp_path, capsys, {"main.tf": terraform(env={**PD, "MINIMUM_IP_TARGET": "20"})})
    [f] = findings(report, "EKSIP201")
    assert "allocates 32 IPs per node and never more, so pod number 33" in f["message"]
    # max pods with PD: min(3 x 9 x 16 + 2 = 434, 110) = 110 (§5); full node 108 pods.
    assert "expects 108 pods per node" in f["message"]


def test_eksip201_silent_in_ipv6(tmp_path: Path, capsys: Capsys) -> None:
    tf = terraform(env={**PD, "ENABLE_IPv6": "true", "MINIMUM_IP_TARGET": "10"}, ipv6=True)
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert node_group(report)["ips_per_node"]["floor"] == 1  # §3.6: the node IP only
    assert "EKSIP201" not in rule_ids(report)


# --- EKSIP202 ------------------------------------------------------------------------------------
# m5.large with PD, managed node group max pods 110. Full node p = 108 (§3.3, N = 1):
# P = min(ceil(108/16) + 1 = 8, ceil(110/16) = 7) = 7 prefixes on ceil(7/9) = 1 ENI -> 1 single /32.
# /22: 2^(28-22) - 2 = 62 assignable /28 blocks; up to 27 singles fit in the two edge blocks (§6).


@pytest.mark.parametrize(("max_size", "fires"), [(8, False), (9, True)])
def test_eksip202_full_nodes_edge(tmp_path: Path, capsys: Capsys, max_size: int, fires: bool) -> None:
    tf = terraform(cidrs=("10.0.0.0/22",), max_size=max_size, env=PD)
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert node_group(report)["node"]["configured"]["prefixes"] == 7
    assert node_group(report)["ips_per_node"]["configured"] == 113  # 7 x 16 + 1
    # As plain addresses 9 x 113 = 1,017 <= 1,019 usable: only the /28 count fails.
    assert "EKSIP102" not in rule_ids(report)
    found = findings(report, "EKSIP202")
    assert len(found) == fires
    if fires:
        f = found[0]
        assert f["line"] == line_of(tf, "subnet_ids", after='"aws_eks_node_group"')
        # 8 x 7 = 56 <= 62; 9 x 7 = 63 > 62 (9 singles, all in the edge blocks).
        assert "(10.0.0.0/22, 62 assignable /28 blocks)" in f["message"]
        assert "need 63 /28 prefixes, but at best 62 aligned blocks stay free once 9 node" in f["message"]
        # 63 x 16 + 9 + 16 = 1,033 IPs > 1,019 of a /22 -> a /21.
        assert f["fix"].startswith("use a /21 or larger subnet")


def test_eksip202_subnet_one_prefix_larger(tmp_path: Path, capsys: Capsys) -> None:
    # /21: 2^7 - 2 = 126 blocks >= 63.
    tf = terraform(cidrs=("10.0.0.0/21",), max_size=9, env=PD)
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert "EKSIP202" not in rule_ids(report)


@pytest.mark.parametrize(("max_size", "fires"), [(30, False), (31, True)])
def test_eksip202_single_addresses_break_blocks(
    tmp_path: Path, capsys: Capsys, max_size: int, fires: bool
) -> None:
    # 1 pod per node: P = min(ceil(1/16) + 1, 7) = 2 prefixes, 1 ENI. 30 nodes: 60 prefixes, 30
    # singles -> 62 - ceil((30 - 27)/16) = 61 free blocks, fits. 31 nodes: 62 prefixes, 31 singles
    # -> 62 - ceil(4/16) = 61 free < 62, although 62 blocks exist.
    tf = terraform(cidrs=("10.0.0.0/22",), max_size=max_size, env=PD)
    _, report = lint(tmp_path, capsys, {"main.tf": tf}, "--pods-per-node", "1")
    assert node_group(report)["node"]["configured"]["prefixes"] == 2
    found = findings(report, "EKSIP202")
    assert len(found) == fires
    if fires:
        msg = found[0]["message"]
        assert "need 62 /28 prefixes, but at best 61 aligned blocks stay free once 31 node and ENI IPs" in msg


# --- EKSIP203 ------------------------------------------------------------------------------------


def test_eksip203_warm_eni_target_zero(tmp_path: Path, capsys: Capsys) -> None:
    tf = terraform(env={"WARM_ENI_TARGET": "0"})
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    [f] = findings(report, "EKSIP203")
    assert f["message"].startswith("cluster c: WARM_ENI_TARGET=0 with no WARM_IP_TARGET/MINIMUM_IP_TARGET")
    assert f["line"] == line_of(tf, "configuration_values")
    # §3.1, W = 0: 1 pod -> floor(1/9) + 1 = 1 ENI, 9 + 1 = 10 IPs (20 with the default W = 1).
    assert node_group(report)["ips_per_node"]["floor"] == 10


@pytest.mark.parametrize(
    "env",
    [
        {"WARM_ENI_TARGET": "1"},  # the default
        {"WARM_ENI_TARGET": "0", "WARM_IP_TARGET": "2"},  # IP targets override the ENI target
        {**PD, "WARM_ENI_TARGET": "0"},  # prefix mode does not use WARM_ENI_TARGET
        {**PD, "WARM_PREFIX_TARGET": "1"},
    ],
)
def test_eksip203_silent(tmp_path: Path, capsys: Capsys, env: dict[str, str]) -> None:
    _, report = lint(tmp_path, capsys, {"main.tf": terraform(env=env)})
    assert "EKSIP203" not in rule_ids(report)


@pytest.mark.parametrize("value", ["0", "-1"])
def test_eksip203_warm_prefix_target_zero(tmp_path: Path, capsys: Capsys, value: str) -> None:
    # A negative WARM_PREFIX_TARGET is ipamd's code default 0, not the manifest's 1 (§2).
    _, report = lint(tmp_path, capsys, {"main.tf": terraform(env={**PD, "WARM_PREFIX_TARGET": value})})
    [f] = findings(report, "EKSIP203")
    assert "WARM_PREFIX_TARGET=0" in f["message"]
    assert report["units"][0]["clusters"][0]["cni"]["settings"]["warm_prefix_target"] == 0


# --- EKSIP204 ------------------------------------------------------------------------------------


def test_eksip204_xen_type_with_prefix_delegation(tmp_path: Path, capsys: Capsys) -> None:
    tf = terraform(instance_types=("m4.large",), env=PD)
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    [f] = findings(report, "EKSIP204")
    assert "but m4.large (xen) is not a Nitro or bare-metal type" in f["message"]
    assert f["line"] == line_of(tf, "instance_types")
    # Secondary-IP fallback: max pods 2 x 9 + 2 = 20 (the calculator's Nitro test fails, §5), and
    # at 1 pod n_pod = min(2, ceil(20/9) = 3, 2) = 2 -> 18 + 2 = 20 IPs, not 2 prefixes.
    g = node_group(report)
    assert (g["max_pods"], g["ips_per_node"]["floor"], g["node"]["floor"]["mode"]) == (20, 20, "secondary-ip")


@pytest.mark.parametrize(
    ("types", "env", "named"),
    [
        (("m5.large",), PD, []),  # Nitro
        (("m5.metal",), PD, []),  # bare metal: ipamd allows prefixes whatever the hypervisor
        (("m4.large",), {}, []),  # prefix delegation off
        (("m5.large", "m4.large"), PD, ["m4.large (xen)"]),  # only the non-Nitro type is named
    ],
)
def test_eksip204_which_types(
    tmp_path: Path, capsys: Capsys, types: tuple[str, ...], env: dict[str, str], named: list[str]
) -> None:
    _, report = lint(tmp_path, capsys, {"main.tf": terraform(instance_types=types, env=env)})
    found = findings(report, "EKSIP204")
    assert len(found) == len(named)
    for f, name in zip(found, named, strict=True):
        assert f"but {name} is not" in f["message"]
        assert "m5.large" not in f["message"]


def test_eksip204_nitro_gets_prefixes(tmp_path: Path, capsys: Capsys) -> None:
    # The other side of the fallback: m5.large with PD, max pods min(434, 110) = 110; 1 pod ->
    # P = ceil(1/16) + 1 = 2 prefixes on 1 ENI -> 32 + 1 = 33 IPs.
    _, report = lint(tmp_path, capsys, {"main.tf": terraform(env=PD)})
    g = node_group(report)
    assert (g["max_pods"], g["ips_per_node"]["floor"], g["node"]["floor"]["prefixes"]) == (110, 33, 2)
