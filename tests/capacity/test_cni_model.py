"""Hand-computed cases of the per-node model; the arithmetic is in each comment (S = IPv4 per ENI - 1)."""

from __future__ import annotations

import pytest

from eks_ip_lint.capacity import max_pods
from eks_ip_lint.capacity.cni import IpMode, NodeIps, initial_burst, node_ips, per_node_upper_bound
from eks_ip_lint.capacity.cni_settings import CniSettings
from eks_ip_lint.capacity.instance_types import InstanceLimits, lookup

DEFAULT = CniSettings()


def _type(name: str) -> InstanceLimits:
    limits = lookup(name)
    assert limits is not None, name
    return limits


def _summary(n: NodeIps) -> tuple[int, int, int | None, int, int]:
    return n.enis_total, n.pod_ips, n.prefixes, n.node_subnet_ips, n.eniconfig_subnet_ips


def test_m5_4xlarge_one_pod_holds_60_ips() -> None:
    # E=8, L=30, S=29. n_pod = min(8, ceil(234/29)=9, 1 + ceil(1/29)=2) = 2 ENIs, filled: 2x29 = 58
    # secondary IPs; subnet = 2 ENI primaries (one is the node IP) + 58 = 60.
    n = node_ips(_type("m5.4xlarge"), DEFAULT, 1, 234)
    assert n.mode is IpMode.SECONDARY_IP
    assert (n.pod_enis, *_summary(n)) == (2, 2, 58, None, 60, 0)
    assert n.total_ips == 60
    assert n.notes == ()


def test_m5_large_full_node_holds_30_ips() -> None:
    # E=3, L=10, S=9, MP=29, p=27: n_pod = min(3, ceil(29/9)=4, 1 + ceil(27/9)=4) = 3 -> 27 IPs; 3 + 27 = 30.
    n = node_ips(_type("m5.large"), DEFAULT, 27, 29)
    assert _summary(n) == (3, 27, None, 30, 0)
    assert n.pods_without_ip == 0


def test_m5_4xlarge_managed_node_group_max_pods_stop() -> None:
    # 16 vCPUs -> MNG max pods = min(8x29+2=234, 110) = 110. p = 110-2 = 108:
    # n_pod = min(8, ceil(110/29)=4, 1 + ceil(108/29)=5) = 4 -> 4x29 = 116 IPs (not 232); 4 + 116 = 120.
    limits = _type("m5.4xlarge")
    mp = max_pods.managed_node_group_max_pods([limits], DEFAULT)
    assert mp == 110
    n = node_ips(limits, DEFAULT, 108, 110)
    assert (n.pod_enis, n.pod_ips, n.total_ips) == (4, 116, 120)


def test_custom_networking_m5_large() -> None:
    # slots_ENI = 3 - 1 (primary, unused) = 2. Max pods (calculator) = 2x9+2 = 20.
    settings = CniSettings(custom_networking=True)
    limits = _type("m5.large")
    assert max_pods.calculator_max_pods(limits, custom_networking=True) == 20
    # p=0: n_pod = ceil((0 + 9)/9) = 1 -> 9 IPs. Node subnet: the node IP only. ENIConfig subnet: 1 + 9.
    idle = node_ips(limits, settings, 0, 20)
    assert (idle.pod_enis, *_summary(idle)) == (1, 2, 9, None, 1, 10)
    # p=18: n_pod = min(2, ceil(20/9)=3, ceil((18+9)/9)=3) = 2 -> 18 IPs; ENIs 1 + 2; ENIConfig 2 + 18.
    full = node_ips(limits, settings, 18, 20)
    assert (full.pod_enis, *_summary(full)) == (2, 3, 18, None, 1, 20)
    assert full.total_ips == 21


def test_security_groups_for_pods_trunk() -> None:
    # m5.large, ENABLE_POD_ENI: the trunk reserves a slot -> slots_ENI = 3 - 1 = 2.
    # p=10: n_pod = min(2, 4, 1 + ceil(10/9)=3) = 2 -> 18 IPs; trunk in the third slot (3 - 2 = 1 free).
    # 2 SGP pods: 1 branch ENI IP each. Node subnet = 2 + 18 + 1 trunk + 2 branches = 23.
    n = node_ips(_type("m5.large"), CniSettings(pod_eni=True), 10, 29, sgp_pods=2)
    assert n.trunk_eni
    assert n.branch_enis == 2
    assert _summary(n) == (3, 18, None, 23, 0)


def test_sgp_branch_limit_and_incompatible_type() -> None:
    # m5.large has 9 branch ENIs: 12 SGP pods -> 9 branches, 3 cannot run.
    n = node_ips(_type("m5.large"), CniSettings(pod_eni=True), 0, 29, sgp_pods=12)
    assert n.branch_enis == 9
    assert any("exceed the 9 branch ENIs" in note for note in n.notes)
    # c4.large is not trunking compatible: no trunk, no reserved slot (slots_ENI = 3), SGP pods cost nothing.
    c4 = node_ips(_type("c4.large"), CniSettings(pod_eni=True), 27, 29, sgp_pods=1)
    assert not c4.trunk_eni
    assert (c4.enis_total, c4.pod_ips, c4.branch_enis) == (3, 27, 0)
    assert any("not trunking compatible" in note for note in c4.notes)


def test_sgp_with_custom_networking_charges_the_eniconfig_subnet() -> None:
    # m5.large: slots_ENI = 3 - 1 trunk - 1 primary = 1. p=5: n_pod = min(1, .., 2) = 1 -> 9 IPs.
    # ENIs: primary + 1 + trunk = 3. ENIConfig subnet: 1 + 9 + 1 trunk + 1 branch = 12; node subnet 1.
    n = node_ips(_type("m5.large"), CniSettings(pod_eni=True, custom_networking=True), 5, 20, sgp_pods=1)
    assert _summary(n) == (3, 9, None, 1, 12)


def test_max_eni_caps_enis() -> None:
    # m5.4xlarge with MAX_ENI=2: n_pod = min(2, 9, 1 + ceil(100/29)=5) = 2 -> 58 IPs; 42 of 100 pods get none.
    n = node_ips(_type("m5.4xlarge"), CniSettings(max_eni=2), 100, 234)
    assert (n.enis_total, n.pod_ips, n.total_ips, n.pods_without_ip) == (2, 58, 60, 42)
    assert any("MAX_ENI=2 caps m5.4xlarge at 2 of its 8 ENIs" in note for note in n.notes)
    # MAX_ENI above the instance limit changes nothing.
    assert node_ips(_type("m5.large"), CniSettings(max_eni=10), 27, 29) == node_ips(
        _type("m5.large"), DEFAULT, 27, 29
    )


def test_ipv6_takes_one_ipv4() -> None:
    n = node_ips(_type("m5.large"), CniSettings(ipv6=True, prefix_delegation=True), 100, 110)
    assert n.mode is IpMode.IPV6
    assert (n.enis_total, n.pod_ips, n.total_ips) == (1, 0, 1)
    assert n.notes == ()
    # With SGP: + the trunk's primary IPv4 + one per branch ENI (inferred, vpc-cni-model.md §3): 1 + 1 + 3.
    sgp = node_ips(
        _type("m5.large"), CniSettings(ipv6=True, prefix_delegation=True, pod_eni=True), 50, 110, sgp_pods=3
    )
    assert (sgp.enis_total, sgp.total_ips) == (2, 5)


def test_ipv6_without_prefix_delegation_is_flagged() -> None:
    n = node_ips(_type("m5.large"), CniSettings(ipv6=True), 10, 110)
    assert n.total_ips == 1
    assert any("isConfigValid" in note for note in n.notes)


def test_prefix_delegation_on_xen_falls_back() -> None:
    # m4.large is xen: PD is ignored, secondary IPs with WARM_ENI_TARGET=1. E=2, S=9, MP=20 (2x9+2), p=5:
    # n_pod = min(2, ceil(20/9)=3, 1 + 1) = 2 -> 18 IPs.
    n = node_ips(_type("m4.large"), CniSettings(prefix_delegation=True), 5, 20)
    assert n.mode is IpMode.SECONDARY_IP
    assert _summary(n) == (2, 18, None, 20, 0)
    assert any("falls back to secondary IPs" in note for note in n.notes)


def test_prefix_delegation_on_bare_metal_is_used() -> None:
    # m5.metal: hypervisor "unknown" but bare metal -> ipamd uses PD. WARM_PREFIX=1, p=20:
    # P = ceil(20/16) + 1 = 3 prefixes on the primary ENI (S=49): 48 IPs; subnet 1 + 48.
    n = node_ips(_type("m5.metal"), CniSettings(prefix_delegation=True), 20, 250)
    assert n.mode is IpMode.PREFIX
    assert _summary(n) == (1, 48, 3, 49, 0)


def test_warm_ip_target_only() -> None:
    # m5.large WARM_IP_TARGET=3, p=10: T = max(p + 3, 0) = 13 (under MP=29); n_pod = ceil(13/9) = 2; 2 + 13.
    n = node_ips(_type("m5.large"), CniSettings(warm_ip_target=3), 10, 29)
    assert (n.pod_enis, n.pod_ips, n.total_ips) == (2, 13, 15)


def test_minimum_ip_target_only_starves_pods() -> None:
    # m5.large MINIMUM_IP_TARGET=5, WARM_IP unset: T = 5 whatever p is -> pods 6..10 never get an IP.
    n = node_ips(_type("m5.large"), CniSettings(minimum_ip_target=5), 10, 29)
    assert (n.pod_enis, n.pod_ips, n.total_ips, n.pods_without_ip) == (1, 5, 6, 5)
    assert any("MINIMUM_IP_TARGET=5 without WARM_IP_TARGET" in note for note in n.notes)


def test_warm_ip_burst_overshoots_to_the_eni_boundary() -> None:
    # m5.large MINIMUM_IP_TARGET=40 > MP=29: the burst goes in ENI-sized chunks,
    # T0 = min(40, 9 x ceil(29/9)) = 36,
    # but only 3 ENIs exist: T = min(3 x 9, max(36, min(40, 29))) = 27.
    n = node_ips(_type("m5.large"), CniSettings(minimum_ip_target=40), 0, 29)
    assert n.pod_ips == 27
    # m5.4xlarge MIN=100, MP=50: chunks of 29 -> 29, 58 (>= 50, stop): T0 = min(100, 29 x ceil(50/29)) = 58.
    assert initial_burst(100, 50, 29) == 58
    assert node_ips(_type("m5.4xlarge"), CniSettings(minimum_ip_target=100), 0, 50).pod_ips == 58


def test_warm_eni_target_zero() -> None:
    # m5.large WARM_ENI_TARGET=0: n_pod = floor(p/9) + 1.
    # p=8 -> 1 ENI / 9 IPs; p=9 -> 2 / 18 (flaps: the upper value).
    settings = CniSettings(warm_eni_target=0)
    below = node_ips(_type("m5.large"), settings, 8, 29)
    assert (below.pod_ips, below.notes) == (9, ())
    at = node_ips(_type("m5.large"), settings, 9, 29)
    assert at.pod_ips == 18
    assert any("WARM_ENI_TARGET=0" in note for note in at.notes)


def test_warm_eni_target_two() -> None:
    # m5.large WARM_ENI_TARGET=2, p=0: n_pod = 2 + ceil(0/9) = 2 -> 18 IPs (the primary counts as one).
    assert node_ips(_type("m5.large"), CniSettings(warm_eni_target=2), 0, 29).pod_ips == 18


def test_warm_prefix_target_zero() -> None:
    # PD, WARM_PREFIX_TARGET=0, p=16: P = floor(16/16) + 1 = 2 prefixes (flaps at multiples of 16).
    n = node_ips(_type("m5.large"), CniSettings(prefix_delegation=True, warm_prefix_target=0), 16, 110)
    assert (n.prefixes, n.pod_ips) == (2, 32)
    assert any("WARM_PREFIX_TARGET=0" in note for note in n.notes)


def test_warm_prefix_burst_stops_at_max_pods() -> None:
    # m5.large PD, WARM_PREFIX_TARGET=10, MP=29: the first chunk is min(S=9, 10) = 9 prefixes on the
    # primary ENI (144 IPs >= 29): growth stops there. P0 = min(10, 9 x ceil(ceil(29/16)/9)) = 9, not 10.
    n = node_ips(_type("m5.large"), CniSettings(prefix_delegation=True, warm_prefix_target=10), 0, 29)
    assert (n.enis_total, n.prefixes, n.total_ips) == (1, 9, 145)


def test_prefix_delegation_full_node() -> None:
    # m5.large PD, WARM_PREFIX=1, MP=110, p=108: P = min(ceil(108/16) + 1 = 8, ceil(110/16) = 7) = 7;
    # n_pod = ceil(7/9) = 1 -> 112 IPs; subnet 1 + 112 = 113.
    n = node_ips(_type("m5.large"), CniSettings(prefix_delegation=True), 108, 110)
    assert _summary(n) == (1, 112, 7, 113, 0)


def test_unmanaged_enis_reduce_slots() -> None:
    # m5.large with one no_manage ENI: slots_ENI = 3 - 1 = 2 -> 18 IPs for 27 pods.
    n = node_ips(_type("m5.large"), DEFAULT, 27, 29, unmanaged_enis=1)
    assert (n.enis_total, n.pod_ips, n.pods_without_ip) == (2, 18, 9)


def test_single_eni_type_cannot_host_a_trunk() -> None:
    # hpc6id.32xlarge has 1 ENI: the primary takes it, no slot is ever free for the trunk.
    n = node_ips(_type("hpc6id.32xlarge"), CniSettings(pod_eni=True), 10, 51)
    assert not n.trunk_eni
    assert (n.enis_total, n.pod_ips) == (1, 49)
    assert any("no free ENI slot for the trunk" in note for note in n.notes)


def test_custom_networking_without_pod_slots() -> None:
    # a1.medium (2 ENIs) with custom networking + SGP: 2 - 1 primary - 1 trunk = 0 pod ENIs.
    n = node_ips(_type("a1.medium"), CniSettings(custom_networking=True, pod_eni=True), 1, 8)
    assert (n.pod_enis, n.pod_ips, n.pods_without_ip, n.trunk_eni) == (0, 0, 1, True)
    assert (n.node_subnet_ips, n.eniconfig_subnet_ips) == (1, 1)
    assert any("no ENI slot for pods" in note for note in n.notes)


def test_upper_bound() -> None:
    # m5.4xlarge, MP=234: every one of the 8 ENIs filled: 8 x 29 = 232 IPs, 240 subnet IPs.
    ub = per_node_upper_bound(_type("m5.4xlarge"), DEFAULT, 234)
    assert (ub.enis_total, ub.pod_ips, ub.total_ips) == (8, 232, 240)
    # PD m5.large MP=110: ceil(ceil(110/16)/9) = 1 ENI, 9 prefixes = 144 IPs, 145 subnet IPs.
    pd = per_node_upper_bound(_type("m5.large"), CniSettings(prefix_delegation=True), 110)
    assert (pd.enis_total, pd.prefixes, pd.total_ips) == (1, 9, 145)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pods": -1, "max_pods": 29}, "pods must be >= 0"),
        ({"pods": 0, "max_pods": 0}, "max_pods must be >= 1"),
        ({"pods": 30, "max_pods": 29}, "exceed max_pods"),
        ({"pods": 0, "max_pods": 29, "sgp_pods": 1}, "ENABLE_POD_ENI"),
        ({"pods": 0, "max_pods": 29, "sgp_pods": -1}, "sgp_pods must be >= 0"),
        ({"pods": 0, "max_pods": 29, "unmanaged_enis": 3}, "unmanaged_enis"),
    ],
)
def test_invalid_inputs(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        node_ips(_type("m5.large"), DEFAULT, **kwargs)
