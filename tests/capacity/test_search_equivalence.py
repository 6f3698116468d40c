"""The node-count searches give exactly the answers of the plain scans they replaced.

``placement.group_supported`` bisects and ``placement.cluster_supported`` bisects on ceiling shares and
then scans (see their comments for why that is exact). The reference implementations below are
the original node-by-node scans, kept verbatim: both are run through ``analyse`` on random
clusters (shared subnets, several AZs, several node groups, custom networking) and every supported
count must agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capacity.test_analysis import SPAN, cluster, group, ref, subnet
from eks_ip_lint.capacity import placement
from eks_ip_lint.capacity.analysis import analyse
from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.placement import (
    MAX_SCAN_NODES,
    Member,
    SpreadPlan,
    charges,
    largest_true,
    node_bound,
    spread,
    unchargeable,
)
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.facts.model import CniSource, EniConfigFact, Facts, SubnetFact
from eks_ip_lint.values import Cause, Unknown


def scan_supported(
    group_subnets: Sequence[SubnetFact],
    pod_subnets: Mapping[str, str | Unknown],
    node: NodeIps,
    other_demand: Mapping[str, int],
    usable: Mapping[str, int | Unknown],
) -> int | Unknown:
    checkable = [s for s in group_subnets if isinstance(usable[s.address], int)]
    if not checkable:
        return Unknown("none of the node group's subnets has a known CIDR", cause=Cause.UNSUPPORTED)
    missing = unchargeable(group_subnets, pod_subnets, node)
    if missing is not None:
        return missing

    def fits(n: int) -> bool:
        need, _ = charges(spread(n, group_subnets), node, pod_subnets)
        for addr, ips in need.items():
            room = usable.get(addr)
            if isinstance(room, int) and other_demand.get(addr, 0) + ips > room:
                return False
        return True

    n = 0
    while n < MAX_SCAN_NODES and fits(n + 1):
        n += 1
    if n == 0 and not fits(0):
        return 0
    return n


def scan_cluster_supported(
    members: Sequence[Member | Unknown],
    demand: Mapping[str, int | Unknown],
    usable: Mapping[str, int | Unknown],
) -> int | Unknown:
    if not members:
        return 0
    groups: list[Member] = []
    nodes: list[NodeIps] = []
    maxes: list[int] = []
    for g in members:
        if isinstance(g, Unknown):
            return g
        missing = unchargeable(g.subnets, g.pod_subnets, g.node)
        if missing is not None:
            return Unknown(f"node group {g.address}: {missing.reason}", cause=Cause.UNSUPPORTED)
        groups.append(g)
        nodes.append(g.node)
        maxes.append(g.max_size)
    own: dict[str, int] = {}
    for g, n, m in zip(groups, nodes, maxes, strict=True):
        for addr, ips in charges(spread(m, g.subnets), n, g.pod_subnets)[0].items():
            own[addr] = own.get(addr, 0) + ips
    others: dict[str, int] = {}
    for addr, d in demand.items():
        if isinstance(d, Unknown):
            return Unknown(
                "another node group's demand in a shared subnet is unknown", cause=Cause.UNSUPPORTED
            )
        others[addr] = d - own.get(addr, 0)
    total_max = sum(maxes)
    if total_max == 0:
        return 0

    def shares(total: int) -> list[int]:
        exact = [total * m / total_max for m in maxes]
        out = [int(x) for x in exact]
        by_remainder = sorted(range(len(maxes)), key=lambda i: (out[i] - exact[i], i))
        for i in by_remainder[: total - sum(out)]:
            out[i] += 1
        return out

    def fits(total: int) -> bool:
        need = dict(others)
        for g, n, count in zip(groups, nodes, shares(total), strict=True):
            for addr, ips in charges(spread(count, g.subnets), n, g.pod_subnets)[0].items():
                need[addr] = need.get(addr, 0) + ips
        for addr, needed in need.items():
            room = usable.get(addr)
            if isinstance(room, int) and needed > room:
                return False
        return True

    total = 0
    while total < MAX_SCAN_NODES and fits(total + 1):
        total += 1
    return total


TYPES = ("m5.large", "m5.4xlarge", "t3.medium", "c5.9xlarge", "m6i.32xlarge", "t3.small")
PREFIXES = (22, 23, 24, 25, 26, 27, 28)


@st.composite
def cluster_facts(draw: st.DrawFn) -> Facts:
    n_subnets = draw(st.integers(1, 6))
    facts = Facts(unit="u")
    for i in range(n_subnets):
        prefix = draw(st.sampled_from(PREFIXES))
        facts.subnets.append(subnet(i, f"10.{i}.0.0/{prefix}", draw(st.sampled_from(("a", "b", "c")))))
    facts.clusters.append(cluster(tuple(range(n_subnets))))
    for k in range(draw(st.integers(1, 4))):
        members = draw(st.lists(st.integers(0, n_subnets - 1), min_size=1, max_size=n_subnets, unique=True))
        types = (draw(st.sampled_from(TYPES)),)
        facts.node_groups.append(group(f"g{k}", types, draw(st.integers(0, 120)), tuple(members)))
    env: dict[str, str] = {}
    if draw(st.booleans()):
        env["WARM_IP_TARGET"] = str(draw(st.integers(1, 20)))
    if draw(st.booleans()):
        env["ENABLE_PREFIX_DELEGATION"] = "true"
    if draw(st.booleans()) and n_subnets > 1:
        # Custom networking: ENIConfigs naming subnet 0 for every AZ, so pod IPs of all groups
        # pile up in one subnet the node IPs also use.
        env["AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG"] = "true"
        for az in ("a", "b", "c"):
            facts.eniconfigs.append(EniConfigFact(f"eniconfig.{az}", az, ref(0), "c", SPAN))
    if env:
        facts.cni_sources.append(CniSource("aws_eks_addon.cni", "c", env, SPAN, "add-on"))
    return facts


def supported_counts(facts: Facts) -> list[object]:
    out: list[object] = []
    for c in analyse(facts).clusters:
        out += [c.supported[Density.FLOOR], c.supported[Density.CONFIGURED]]
        out += [(g.at[Density.FLOOR].supported, g.at[Density.CONFIGURED].supported) for g in c.node_groups]
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cluster_facts())
def test_searches_match_the_plain_scans(facts: Facts) -> None:
    fast = supported_counts(facts)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(placement, "group_supported", scan_supported)
        mp.setattr(placement, "cluster_supported", scan_cluster_supported)
        slow = supported_counts(facts)
    assert fast == slow


def test_alabama_paradox_case_is_scanned_not_bisected() -> None:
    """Largest-remainder shares are not monotone (Hamilton apportionment). Hand case: max sizes
    (6, 6, 2); total 10 -> exact 4.29/4.29/1.43 -> 4/4/2; total 11 -> 4.71/4.71/1.57 -> 5/5/1:
    the third group loses a node when the total grows."""
    facts = Facts(unit="u")
    facts.subnets += [subnet(0, "10.0.0.0/26", "a"), subnet(1, "10.0.1.0/28", "b")]
    facts.clusters.append(cluster((0, 1)))
    facts.node_groups += [
        group("g0", ("m5.large",), 6, (0,)),
        group("g1", ("m5.large",), 6, (0,)),
        group("g2", ("m5.large",), 2, (1,)),
    ]
    fast = supported_counts(facts)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(placement, "cluster_supported", scan_cluster_supported)
        slow = supported_counts(facts)
    assert fast == slow
    # The third group lives in a /28 (11 usable) and m5.large holds 20 IPs at the floor
    # (2 ENIs x 10 with WARM_ENI_TARGET=1, vpc-cni-model.md), so not even one of its nodes fits:
    # the cluster cannot grow past the totals that give it none, i.e. total <= 2 (shares 1/1/0).
    assert fast[0] == 2


def test_largest_true_is_a_bisection() -> None:
    calls: list[int] = []

    def pred(n: int) -> bool:
        calls.append(n)
        return n <= 737

    assert largest_true(pred, 0, MAX_SCAN_NODES) == 737
    assert len(calls) <= 18  # log2(100,000) + 1
    assert largest_true(lambda n: True, 0, 50) == 50
    assert largest_true(lambda n: n == 0, 0, 50) == 0


def test_node_bound_is_the_summed_room_over_ips_per_node() -> None:
    # The seed: three /22 (1,019 usable each) and an m5.4xlarge holding 60 IPs at the floor.
    # 3,057 // 60 = 50 bounds the search; the answer, 16 nodes per subnet, is 48 (17 x 60 = 1,020).
    assert node_bound([1019, 1019, 1019], 60) == 50
    facts = Facts(unit="u")
    facts.subnets += [subnet(i, f"10.0.{4 * i}.0/22", az) for i, az in enumerate("abc")]
    facts.clusters.append(cluster((0, 1, 2)))
    facts.node_groups.append(group("g0", ("m5.4xlarge",), 80, (0, 1, 2)))
    (c,) = analyse(facts).clusters
    assert (c.supported[Density.FLOOR], c.node_groups[0].at[Density.FLOOR].supported) == (48, 48)
    # Room taken by others counts against it; unknown room or no IPs per node give no bound.
    assert node_bound([1019, 1019 - 600, 1019], 60) == 40
    assert node_bound([1019, None], 60) == MAX_SCAN_NODES
    assert node_bound([1019], 0) == MAX_SCAN_NODES
    assert node_bound([-5, 10], 60) == 0


def test_spread_plan_is_monotone() -> None:
    subnets = [subnet(0, "10.0.0.0/22", "a"), subnet(1, "10.0.4.0/24", "a"), subnet(2, "10.0.8.0/26", "b")]
    plan = SpreadPlan(subnets)
    previous = plan.place(0)
    for n in range(1, 200):
        now = plan.place(n)
        assert sum(now.values()) == n
        assert all(now[a] >= previous.get(a, 0) for a in now)
        assert now == spread(n, subnets)
        previous = now
    assert SpreadPlan([]).place(5) == {}
