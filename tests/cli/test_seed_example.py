"""The issue's acceptance story, end to end on the bundled example.

Independent arithmetic (vpc-cni-model.md §1.3, §4): an m5.4xlarge has 8 ENIs x 30 IPv4
addresses, so S = 29 pod slots per ENI. With WARM_ENI_TARGET=1 and 1 pod, ipamd holds
1 + ceil(1/29) = 2 ENIs, both filled: 2 x 29 = 58 secondary IPs + 2 ENI primary IPs = 60 subnet
IPs. A /22 has 2^10 - 5 = 1,019 usable IPs, so one subnet holds floor(1019 / 60) = 16 nodes and
three subnets 48. At max size 80 the AZs get 27/27/26 nodes: 27 x 60 = 1,620 IPs > 1,019.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from testlib import SEED, RunJson


def _workers(report: dict) -> dict:  # type: ignore[type-arg]
    (unit,) = report["units"]
    (cluster,) = unit["clusters"]
    (group,) = cluster["node_groups"]
    return group  # type: ignore[no-any-return]


def test_seed_reports_eksip101_with_the_numbers(run_json: RunJson) -> None:
    code, report = run_json(str(SEED))
    assert code == 1
    ids = [f["rule_id"] for f in report["findings"]]
    assert "EKSIP101" in ids
    group = _workers(report)
    assert group["ips_per_node"]["floor"] == 60
    assert group["max_nodes_supported"]["floor"] == 48
    assert group["max_size"] == 80
    assert sorted(group["nodes_at_max_size"].values()) == [26, 27, 27]
    cluster = report["units"][0]["clusters"][0]
    assert [s["usable_ips"] for s in cluster["subnets"]] == [1019, 1019, 1019]
    assert [s["cidr"] for s in cluster["subnets"]] == ["10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"]
    finding = next(f for f in report["findings"] if f["rule_id"] == "EKSIP101")
    assert finding["file"].endswith("main.tf")
    assert finding["line"] == 51  # the max_size line of examples/seed-cluster/main.tf
    assert "60 IPs per node" in finding["message"]
    assert "48 nodes" in finding["message"]
    assert "WARM_IP_TARGET=2 and MINIMUM_IP_TARGET=10" in finding["fix"]


def test_the_seeds_fixes_say_what_full_nodes_still_need(run_json: RunJson) -> None:
    """Issue 16 item 2. Full nodes: max pods 110 (16 vCPUs, managed node group cap), 108 IP pods;
    n_pod = min(8, ceil(110/29) = 4, 1 + ceil(108/29) = 5) = 4 ENIs, all filled: 4 x 29 + 4 = 120
    IPs; 27 x 120 = 3,240 IPs in each of the two larger AZs, against 1,019.

    * A /20 (4,096 - 5 = 4,091 usable; a /21 has 2,043) holds 3,240: it fixes both densities.
    * Max size: 1,019 // 120 = 8 full nodes per /22 -> 24 (48 at the floor, 16 per /22).
    * WARM_IP_TARGET=2, MINIMUM_IP_TARGET=10 (capacity-model.md §3.2): the floor T = max(1 + 2, 10) =
      10 IPs on 1 ENI + 1 primary = 11 (1,019 // 11 = 92 per /22, 276 nodes). Full nodes: T = 108 + 2
      = 110 on ceil(110/29) = 4 ENIs + 4 primaries = 114 IPs; 27 x 114 = 3,078 > 1,019 (a /20 again),
      and 1,019 // 114 = 8 per /22 -> 24 such nodes. It fixes the floor only, and says so.
    """
    _, report = run_json(str(SEED))
    [finding] = [f for f in report["findings"] if f["rule_id"] == "EKSIP101"]
    assert [f["rule_id"] for f in report["findings"]] == ["EKSIP101"]  # EKSIP102 folded into it
    first, second, third = finding["fix"].split("; or ")
    # The options that fix both densities lead.
    assert (
        first
        == "give each subnet at least 3,240 usable IPs (a /20 instead of a /22; fits the configured density too)"
    )
    assert second == "lower max_size to 24 (fits the configured density too; 48 fits the floor only)"
    # The floor-only fix states the configured density that still fails, with what it needs.
    assert third.startswith("set WARM_IP_TARGET=2 and MINIMUM_IP_TARGET=10")
    assert "the floor drops to 11 IPs per node and 276 nodes fit, max size 80" in third
    assert (
        "this fits the floor only: at the configured density 108 pods per node take 114 IPs; "
        "aws_subnet.private[0] still needs 3,078 of its 1,019 usable IPs (a /20); these subnets hold 24 such nodes"
    ) in third


def test_the_suggested_fix_removes_the_finding(run_json: RunJson, tmp_path: Path) -> None:
    work = tmp_path / "seed"
    shutil.copytree(SEED, work)
    (work / "cni.tf").write_text(
        """
resource "aws_eks_addon" "vpc_cni" {
  cluster_name = aws_eks_cluster.seed.name
  addon_name   = "vpc-cni"
  configuration_values = jsonencode({
    env = {
      WARM_IP_TARGET    = "2"
      MINIMUM_IP_TARGET = "10"
    }
  })
}
"""
    )
    code, report = run_json(str(work))
    assert "EKSIP101" not in [f["rule_id"] for f in report["findings"]]
    assert code == 0  # what remains is below --fail-on error
    group = _workers(report)
    # WARM_IP_TARGET=2, MINIMUM_IP_TARGET=10, 1 pod: T = max(1 + 2, 10) = 10 IPs on 1 ENI,
    # + 1 ENI primary = 11 subnet IPs; 27 nodes x 11 = 297 <= 1,019.
    assert group["ips_per_node"]["floor"] == 11
    assert group["max_nodes_supported"]["floor"] >= 80
    env = report["units"][0]["clusters"][0]["cni"]["env"]
    assert env["WARM_IP_TARGET"]["value"] == "2"
    assert "aws_eks_addon.vpc_cni" in env["WARM_IP_TARGET"]["source"]


def test_lowering_max_size_to_the_supported_count_also_clears_it(run_json: RunJson) -> None:
    _, report = run_json(str(SEED), "--var", "max_nodes=48")
    assert "EKSIP101" not in [f["rule_id"] for f in report["findings"]]
    _, report = run_json(str(SEED), "--var", "max_nodes=49")
    assert "EKSIP101" in [f["rule_id"] for f in report["findings"]]
