"""EKSIP301: kubelet max pods set above what the node's ENIs can give an IP.

The pods a node can address are its pod IPs plus the 2 hostNetwork pods (aws-node, kube-proxy),
docs/capacity-model.md §5: E x (L - 1) + 2, with maxENI = min(E, MAX_ENI) in place of E (§1,
vpc-cni-model.md §1.1 getMaxENI, §1.10). m5.xlarge: 4 ENIs x 15 IPv4 (instance_limits.csv, and 58
in eni-max-pods.txt). Max pods is set explicitly through a launch template's user data
(KUBELET_EXTRA_ARGS), or eksctl's maxPodsPerNode.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _lint import findings, line_of, lint, node_group, numbers, terraform

Capsys = pytest.CaptureFixture[str]


@pytest.mark.parametrize(("max_pods", "fires"), [(58, False), (59, True)])
def test_eksip301_edge_at_eni_max_pods(tmp_path: Path, capsys: Capsys, max_pods: int, fires: bool) -> None:
    # m5.xlarge: 4 x (15 - 1) = 56 pod IPs + 2 = 58 pods. 59 leaves 1 pod without an IP.
    tf = terraform(instance_types=("m5.xlarge",), max_pods=max_pods)
    code, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert node_group(report)["max_pods"] == max_pods
    assert node_group(report)["max_pods_source"] == "set explicitly"
    found = findings(report, "EKSIP301")
    assert len(found) == fires
    assert code == 0  # a warning
    if fires:
        f = found[0]
        assert f["address"] == "aws_eks_node_group.ng"
        assert f["line"] == line_of(tf, 'resource "aws_eks_node_group"')
        msg = f["message"]
        assert "kubelet max pods is set to 59, but a m5.xlarge node's ENIs can address only 58 pods" in msg
        assert "(56 pod IPs plus the 2 hostNetwork pods)" in msg
        assert "the last 1 stay in ContainerCreating" in msg
        assert f["fix"].startswith("set max pods to 58 or less")


@pytest.mark.parametrize(("instance_type", "fires"), [("m5.large", False), ("m4.large", True)])
def test_eksip301_prefix_delegation_only_on_nitro(
    tmp_path: Path, capsys: Capsys, instance_type: str, fires: bool
) -> None:
    # With PD a Nitro m5.large addresses 3 x 9 x 16 + 2 = 434 pods, so 110 is fine. The Xen m4.large
    # falls back to secondary IPs: 2 x 9 + 2 = 20 pods, and 21 is one too many.
    max_pods = 110 if instance_type == "m5.large" else 21
    pd = {"ENABLE_PREFIX_DELEGATION": "true"}
    tf = terraform(instance_types=(instance_type,), max_pods=max_pods, env=pd)
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    found = findings(report, "EKSIP301")
    assert len(found) == fires
    if fires:
        assert "can address only 20 pods (18 pod IPs plus the 2 hostNetwork pods)" in found[0]["message"]


def test_eksip301_eksctl_max_pods_per_node(tmp_path: Path, capsys: Capsys) -> None:
    # m5.large: 3 x 9 + 2 = 29 pods; maxPodsPerNode 30 leaves 1 without an IP, 29 is fine. A custom
    # AMI, so that maxPodsPerNode applies (on EKS's AL2023 AMI EKS overrides it: §5 of
    # capacity-beyond-node-groups.md).
    config = """apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c, region: eu-west-1}
vpc:
  subnets:
    private:
      eu-west-1a: {cidr: 10.0.0.0/24}
managedNodeGroups:
  - {name: over, instanceType: m5.large, maxSize: 1, privateNetworking: true, maxPodsPerNode: 30,
     amiFamily: AmazonLinux2023, ami: ami-0123456789abcdef0}
  - {name: fits, instanceType: m5.large, maxSize: 1, privateNetworking: true, maxPodsPerNode: 29,
     amiFamily: AmazonLinux2023, ami: ami-0123456789abcdef0}
"""
    _, report = lint(tmp_path, capsys, {"cluster.yaml": config})
    [f] = findings(report, "EKSIP301")
    assert f["address"] == "managedNodeGroups.over"
    assert "set to 30, but a m5.large node's ENIs can address only 29 pods" in f["message"]
    assert "the last 1 stay" in f["message"]


# --- MAX_ENI -------------------------------------------------------------------------------------
# m5.xlarge with MAX_ENI=2 and --max-pods=40: maxENI = min(4, 2) = 2 -> 2 x 14 = 28 pod IPs, so the
# node addresses 28 + 2 = 30 pods. A full node runs 40 - 2 = 38 pods that need an IP: 38 - 28 = 10
# get none (= 40 - 30). (The "12 of 40" counts the 2 hostNetwork pods as wanting IPs.)
MAX_ENI_2 = {"MAX_ENI": "2"}


def test_max_eni_model_holds_28_pod_ips(tmp_path: Path, capsys: Capsys) -> None:
    # The capacity model already applies MAX_ENI (§3.1: n_pod = min(slots_ENI = 2, ceil(40/14) = 3,
    # 1 + ceil(38/14) = 4) = 2), and says how many pods go without.
    tf = terraform(instance_types=("m5.xlarge",), max_pods=40, env=MAX_ENI_2)
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    full = node_group(report)["node"]["configured"]
    assert (full["enis"], full["pod_ips"], full["node_subnet_ips"]) == (2, 28, 30)
    assert any("holds 28 pod IPs: 10 of 38 pods get no IP" in note for note in full["notes"])


def test_eksip301_max_eni_caps_the_pods_addressed(tmp_path: Path, capsys: Capsys) -> None:
    tf = terraform(instance_types=("m5.xlarge",), max_pods=40, env=MAX_ENI_2)
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    # Today the rule counts all 4 ENIs (4 x 14 + 2 = 58 >= 40) and reports nothing.
    [f] = findings(report, "EKSIP301")
    # Numbers, not wording: set to 40, addresses 30 pods = 28 pod IPs + 2, the last 10 get no IP.
    assert {40, 30, 28, 2, 10} <= set(numbers(f["message"]))
    assert 58 not in numbers(f["message"])
    assert 30 in numbers(f["fix"])


def test_eksip301_max_eni_at_capacity_is_silent(tmp_path: Path, capsys: Capsys) -> None:
    # --max-pods=30 is exactly what 2 ENIs address (2 x 14 + 2): silent before and after the fix.
    tf = terraform(instance_types=("m5.xlarge",), max_pods=30, env=MAX_ENI_2)
    _, report = lint(tmp_path, capsys, {"main.tf": tf})
    assert node_group(report)["node"]["configured"]["pod_ips"] == 28  # 30 - 2 pods need IPs: all fit
    assert not findings(report, "EKSIP301")
