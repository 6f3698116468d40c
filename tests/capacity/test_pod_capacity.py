"""Pod capacity: the most pods one node's ENIs can give an IPv4 address, against max pods; and
EKSIP301, which reads it. Every number is worked out by hand from the instance table:
m5.xlarge = 4 ENIs x 15 IPv4 (S = 14 slots per ENI), trunking compatible."""

from __future__ import annotations

import dataclasses

import pytest

from capacity.test_analysis import SPAN, cluster, group, subnet
from eks_ip_lint.capacity.analysis import analyse
from eks_ip_lint.capacity.cni import NodeIps, per_node_upper_bound, pod_ip_capacity
from eks_ip_lint.capacity.cni_settings import CniSettings
from eks_ip_lint.capacity.instance_types import lookup
from eks_ip_lint.capacity.options import Options
from eks_ip_lint.capacity.records import Density, NodeSizing
from eks_ip_lint.facts.model import CniSource, Facts
from eks_ip_lint.rules.runner import run_rules

M5_XLARGE = lookup("m5.xlarge")


@pytest.mark.parametrize(
    ("settings", "pod_ips"),
    [
        (CniSettings(), 4 * 14),  # every ENI, 14 secondary IPs each
        (CniSettings(max_eni=2), 2 * 14),  # MAX_ENI=2: maxENI = min(4, 2)
        (CniSettings(max_eni=9), 4 * 14),  # MAX_ENI above the limit changes nothing
        (CniSettings(pod_eni=True), 3 * 14),  # the trunk ENI takes a slot
        (CniSettings(custom_networking=True), 3 * 14),  # the primary ENI serves no pods
        (CniSettings(custom_networking=True, max_eni=1), 0),  # no pod ENI left at all
        (CniSettings(max_eni=1, pod_eni=True), 14),  # the primary ENI exists and is filled
        (CniSettings(prefix_delegation=True), 4 * 14 * 16),  # every slot a /28
        (CniSettings(prefix_delegation=True, max_eni=2), 2 * 14 * 16),
    ],
)
def test_pod_ip_capacity(settings: CniSettings, pod_ips: int) -> None:
    assert M5_XLARGE is not None
    assert pod_ip_capacity(M5_XLARGE, settings) == pod_ips


def test_pod_ip_capacity_is_the_churn_bound_without_the_max_pods_stop() -> None:
    """vpc-cni-model.md §1.9: after any churn a node holds at most every pod ENI filled, capped by
    the maxPods stop; with a stop no node reaches, that bound is the pod IP capacity."""
    assert M5_XLARGE is not None
    for settings in (
        CniSettings(),
        CniSettings(max_eni=2),
        CniSettings(pod_eni=True),
        CniSettings(custom_networking=True),
        CniSettings(prefix_delegation=True, max_eni=3),
    ):
        bound = per_node_upper_bound(M5_XLARGE, settings, 100_000)
        assert bound.pod_ips == pod_ip_capacity(M5_XLARGE, settings), settings


def _unit(env: dict[str, str], max_pods: int | None) -> Facts:
    facts = Facts(unit="u")
    facts.subnets.append(subnet(0, "10.0.0.0/20", "a"))
    facts.clusters.append(cluster((0,)))
    g = group("g", ("m5.xlarge",), 3, (0,))
    facts.node_groups.append(dataclasses.replace(g, max_pods=max_pods))
    if env:
        facts.cni_sources.append(CniSource("aws_eks_addon.cni", "c", env, SPAN, "add-on"))
    return facts


def test_max_eni_caps_what_a_node_addresses_and_eksip301_says_so() -> None:
    """MAX_ENI=2, explicit max pods 40: 2 ENIs x (15 - 1) = 28 pod IPs, + 2 hostNetwork pods = 30
    pods; the last 40 - 30 = 10 get no IP. The model's full node agrees: 40 - 2 = 38 pods want an
    IP, 28 get one, 10 do not. (Without MAX_ENI: 4 x 14 + 2 = 58 >= 40, nothing to report.)"""
    capacity = analyse(_unit({"MAX_ENI": "2"}, 40), Options())
    (g,) = capacity.clusters[0].node_groups
    assert isinstance(g.sizing, NodeSizing) and g.sizing.pod_capacity is not None
    cap = g.sizing.pod_capacity
    assert (cap.pod_ips, cap.pods, cap.pods_without_ip) == (28, 30, 10)
    node = g.at[Density.CONFIGURED].node
    assert isinstance(node, NodeIps) and (node.pod_ips, node.pods_without_ip) == (28, 10)

    (finding,) = [f for f in run_rules(capacity, Options()) if f.rule_id == "EKSIP301"]
    assert "kubelet max pods is set to 40" in finding.message
    assert "can address only 30 pods (28 pod IPs plus the 2 hostNetwork pods)" in finding.message
    assert "the last 10 stay in ContainerCreating" in finding.message
    assert finding.fix is not None and finding.fix.startswith("set max pods to 30 or less")

    quiet = analyse(_unit({}, 40), Options())
    assert not [f for f in run_rules(quiet, Options()) if f.rule_id == "EKSIP301"]


def test_security_groups_for_pods_trunk_counts() -> None:
    """ENABLE_POD_ENI=true: the trunk takes one of the 4 slots, 3 x 14 = 42 pod IPs + 2 = 44 pods;
    max pods 50 leaves 6 without an IP."""
    capacity = analyse(_unit({"ENABLE_POD_ENI": "true"}, 50), Options())
    (g,) = capacity.clusters[0].node_groups
    assert isinstance(g.sizing, NodeSizing) and g.sizing.pod_capacity is not None
    assert (g.sizing.pod_capacity.pods, g.sizing.pod_capacity.pods_without_ip) == (44, 6)
    (finding,) = [f for f in run_rules(capacity, Options()) if f.rule_id == "EKSIP301"]
    assert "the last 6 stay in ContainerCreating" in finding.message


def test_a_default_max_pods_is_not_eksip301s() -> None:
    """Without an explicit max pods the managed node group rule already follows MAX_ENI
    (--cni-max-eni): min(110, 2 x 14 + 2) = 30, nothing left over."""
    capacity = analyse(_unit({"MAX_ENI": "2"}, None), Options())
    (g,) = capacity.clusters[0].node_groups
    assert isinstance(g.sizing, NodeSizing) and g.sizing.pod_capacity is not None
    assert (g.max_pods, g.sizing.pod_capacity.pods_without_ip) == (30, 0)
    assert not [f for f in run_rules(capacity, Options()) if f.rule_id == "EKSIP301"]
