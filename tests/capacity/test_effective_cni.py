"""The VPC CNI settings a cluster runs with: defaults, carriers, overrides, and what follows."""

from __future__ import annotations

from eks_ip_lint.capacity.effective_cni import effective_cni
from eks_ip_lint.facts.model import CniSource
from eks_ip_lint.span import SourceSpan

SPAN = SourceSpan("main.tf", 1)


def test_minimum_only_stop() -> None:
    """MINIMUM_IP_TARGET=10 alone: ipamd stops at 10 IPs, pod 11 gets none (vpc-cni-model.md §1.4);
    with prefix delegation at ceil(10 / 16) = 1 prefix = 16 IPs, pod 17 (§1.5 B)."""
    cni = effective_cni([CniSource("a", "c", {"MINIMUM_IP_TARGET": "10"}, SPAN, "add-on")], "ipv4", {})
    assert cni.minimum_only is not None
    assert (cni.minimum_only.ips, cni.minimum_only.first_pod_without_ip) == (10, 11)
    pd = {"MINIMUM_IP_TARGET": "10", "ENABLE_PREFIX_DELEGATION": "true"}
    cni = effective_cni([CniSource("a", "c", pd, SPAN, "add-on")], "ipv4", {})
    assert cni.minimum_only is not None
    assert (cni.minimum_only.ips, cni.minimum_only.first_pod_without_ip) == (16, 17)
    # WARM_IP_TARGET keeps ipamd allocating; IPv6 has no IPv4 pool; neither has the trap.
    both = {"MINIMUM_IP_TARGET": "10", "WARM_IP_TARGET": "2"}
    assert effective_cni([CniSource("a", "c", both, SPAN, "add-on")], "ipv4", {}).minimum_only is None
    only = {"MINIMUM_IP_TARGET": "10"}
    assert effective_cni([CniSource("a", "c", only, SPAN, "add-on")], "ipv6", {}).minimum_only is None
    assert effective_cni([], "ipv4", {}).minimum_only is None


def test_later_carriers_and_overrides_win() -> None:
    first = CniSource("aws_eks_addon.cni", "c", {"WARM_ENI_TARGET": "2"}, SPAN, "add-on")
    second = CniSource("helm_release.cni", "c", {"WARM_ENI_TARGET": "3"}, SourceSpan("helm.tf", 4), "Helm")
    cni = effective_cni([first, second], "ipv4", {"WARM_IP_TARGET": "2"})
    assert cni.settings.warm_eni_target == 3 and cni.settings.warm_ip_target == 2
    assert cni.origins["WARM_IP_TARGET"] == "suggested fix"
    assert cni.span == SourceSpan("helm.tf", 4)
    assert any("WARM_ENI_TARGET=3 from Helm overrides WARM_ENI_TARGET=2" in n for n in cni.notes)
