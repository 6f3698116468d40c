"""Sanity properties of the per-node model over random instance limits, settings and pod counts."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from eks_ip_lint.capacity.cni import IpMode, node_ips, per_node_upper_bound
from eks_ip_lint.capacity.cni_settings import CniSettings
from eks_ip_lint.capacity.instance_types import InstanceLimits


@dataclass(frozen=True)
class Case:
    limits: InstanceLimits
    settings: CniSettings
    max_pods: int
    pods: int
    sgp_pods: int
    unmanaged: int


@st.composite
def cases(draw: st.DrawFn) -> Case:
    limits = InstanceLimits(
        name="x.large",
        max_enis=draw(st.integers(1, 15)),
        ipv4_per_eni=draw(st.integers(2, 50)),
        hypervisor=draw(st.sampled_from(["nitro", "xen", "unknown"])),
        bare_metal=draw(st.booleans()),
        trunking_compatible=draw(st.sampled_from([None, True, False])),
        branch_interfaces=draw(st.one_of(st.none(), st.integers(0, 120))),
    )
    cni = CniSettings(
        warm_eni_target=draw(st.integers(0, 4)),
        warm_ip_target=draw(st.sampled_from([0, 0, 1, 2, 5, 16, 40])),
        minimum_ip_target=draw(st.sampled_from([0, 0, 1, 5, 12, 30, 100, 300])),
        warm_prefix_target=draw(st.integers(0, 12)),
        prefix_delegation=draw(st.booleans()),
        custom_networking=draw(st.booleans()),
        pod_eni=draw(st.booleans()),
        max_eni=draw(st.integers(0, 16)),
        ipv6=draw(st.integers(0, 9)) == 0,
    )
    max_pods = draw(st.integers(1, 800))
    pods = draw(st.integers(0, max_pods - 1))
    sgp = draw(st.integers(0, max_pods - 1 - pods)) if cni.pod_eni else 0
    unmanaged = draw(st.integers(0, limits.max_enis - 1))
    return Case(limits, cni, max_pods, pods, sgp, unmanaged)


def _run(case: Case, pods: int | None = None) -> tuple[int, int, int]:
    n = node_ips(
        case.limits,
        case.settings,
        case.pods if pods is None else pods,
        case.max_pods,
        sgp_pods=case.sgp_pods,
        unmanaged_enis=case.unmanaged,
    )
    return n.enis_total, n.pod_ips, n.total_ips


@settings(max_examples=600, deadline=None)
@given(cases())
def test_node_within_limits_and_upper_bound(case: Case) -> None:
    n = node_ips(
        case.limits,
        case.settings,
        case.pods,
        case.max_pods,
        sgp_pods=case.sgp_pods,
        unmanaged_enis=case.unmanaged,
    )
    ub = per_node_upper_bound(
        case.limits, case.settings, case.max_pods, sgp_pods=case.sgp_pods, unmanaged_enis=case.unmanaged
    )
    assert n.total_ips >= 1
    assert n.enis_total + case.unmanaged <= case.limits.max_enis
    assert n.enis_total <= ub.enis_total
    assert n.pod_ips <= ub.pod_ips
    assert n.total_ips <= ub.total_ips
    assert n.total_ips == n.enis_total + n.pod_ips + n.branch_enis
    assert n.pods_without_ip == (0 if n.mode is IpMode.IPV6 else max(0, case.pods - n.pod_ips))
    if not case.settings.custom_networking:
        assert n.eniconfig_subnet_ips == 0
    if n.mode is IpMode.PREFIX:
        assert n.prefixes is not None
        assert n.pod_ips == 16 * n.prefixes
    else:
        assert n.prefixes is None


@settings(max_examples=600, deadline=None)
@given(cases())
def test_warm_modes_give_every_pod_an_ip_up_to_capacity(case: Case) -> None:
    # WARM_ENI_TARGET (secondary IP) and WARM_PREFIX_TARGET (PD) keep a free pool, so every pod gets
    # an IP until the node's capacity (the upper bound's pool) runs out. WARM_IP/MIN modes may not (MIN only).
    n = node_ips(
        case.limits,
        case.settings,
        case.pods,
        case.max_pods,
        sgp_pods=case.sgp_pods,
        unmanaged_enis=case.unmanaged,
    )
    if n.mode is IpMode.IPV6 or case.settings.warm_ip_targets_set:
        return
    ub = per_node_upper_bound(
        case.limits, case.settings, case.max_pods, sgp_pods=case.sgp_pods, unmanaged_enis=case.unmanaged
    )
    assert n.pod_ips >= min(case.pods, ub.pod_ips)


@settings(max_examples=600, deadline=None)
@given(cases())
def test_monotone_in_pods(case: Case) -> None:
    if case.pods + 1 + case.sgp_pods > case.max_pods:
        return
    before = _run(case)
    after = _run(case, case.pods + 1)
    assert all(a >= b for a, b in zip(after, before, strict=True))
