"""Capacity analysis over facts: AZ spread, shared subnets, supported node counts.

Facts are built directly here (no parser), so these tests pin the arithmetic alone. Per-node
numbers come from the model and are checked against hand computations in each docstring.
"""

from __future__ import annotations

from eks_ip_lint.capacity.analysis import Options, analyse
from eks_ip_lint.capacity.placement import spread
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.facts.model import ClusterFact, CniSource, EniConfigFact, Facts, NodeGroupFact, SubnetFact
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Cause, Unknown

SPAN = SourceSpan("main.tf", 1)


def subnet(i: int, cidr: str, az: str) -> SubnetFact:
    return SubnetFact(
        f"aws_subnet.s[{i}]", (Unknown("", f"aws_subnet.s[{i}].id", cause=Cause.APPLY_TIME),), cidr, az, SPAN
    )


def ref(i: int) -> Unknown:
    return Unknown("", f"aws_subnet.s[{i}].id", cause=Cause.APPLY_TIME)


def group(name: str, types: tuple[str, ...], max_size: int, subnets: tuple[int, ...]) -> NodeGroupFact:
    return NodeGroupFact(
        address=f"aws_eks_node_group.{name}",
        name=name,
        kind="managed",
        cluster_ref="c",
        instance_types=types,
        min_size=1,
        max_size=max_size,
        desired_size=1,
        subnet_refs=tuple(ref(i) for i in subnets),
        span=SPAN,
        max_size_span=SPAN,
        instance_types_span=SPAN,
        subnets_span=SPAN,
    )


def cluster(subnets: tuple[int, ...]) -> ClusterFact:
    return ClusterFact("aws_eks_cluster.c", "c", ("c",), tuple(ref(i) for i in subnets), "ipv4", SPAN)


def test_spread_is_even_over_azs_and_extras_go_to_the_smallest() -> None:
    subnets = [subnet(0, "10.0.0.0/22", "a"), subnet(1, "10.0.4.0/24", "b"), subnet(2, "10.0.8.0/22", "c")]
    placed = spread(80, subnets)
    # 80 = 3 x 26 + 2: the two extra nodes go to the AZs with the least room (b, then a/c by name).
    assert placed == {"aws_subnet.s[1]": 27, "aws_subnet.s[0]": 27, "aws_subnet.s[2]": 26}


def test_spread_splits_an_az_over_its_subnets() -> None:
    subnets = [subnet(0, "10.0.0.0/24", "a"), subnet(1, "10.0.1.0/24", "a"), subnet(2, "10.0.2.0/24", "b")]
    # 9 = 2 x 4 + 1: AZ b (251 usable) has less room than a (2 x 251), so b takes the 5th node.
    assert spread(9, subnets) == {"aws_subnet.s[0]": 2, "aws_subnet.s[1]": 2, "aws_subnet.s[2]": 5}


def test_seed_numbers() -> None:
    """m5.4xlarge floor = 60 IPs (see tests/cli/test_seed_example.py); /22 = 1,019 usable."""
    facts = Facts(unit="u")
    facts.subnets += [subnet(i, f"10.0.{4 * i}.0/22", f"az{i}") for i in range(3)]
    facts.clusters.append(cluster((0, 1, 2)))
    facts.node_groups.append(group("g", ("m5.4xlarge",), 80, (0, 1, 2)))
    (c,) = analyse(facts).clusters
    (g,) = c.node_groups
    assert g.at[Density.FLOOR].node.node_subnet_ips == 60
    assert g.at[Density.FLOOR].supported == 48
    assert [s.demand[Density.FLOOR] for s in c.subnets] == [27 * 60, 27 * 60, 26 * 60]
    # m5.4xlarge has 16 vCPUs, so a managed node group caps max pods at 110; full node = 108 pods:
    # n_pod = min(8, ceil(110/29) = 4, 1 + ceil(108/29) = 5) = 4 ENIs -> 116 IPs + 4 primaries = 120.
    assert g.max_pods == 110
    assert g.at[Density.CONFIGURED].node.node_subnet_ips == 120
    # floor(1019 / 120) = 8 per subnet, 24 in all.
    assert g.at[Density.CONFIGURED].supported == 24
    assert (c.supported[Density.FLOOR], c.supported[Density.CONFIGURED]) == (48, 24)


def test_shared_subnets_add_demand_up() -> None:
    """Two m5.large groups (floor 20 IPs: 2 ENIs x 9 + 2 primaries) in one /24 (251 usable)."""
    facts = Facts(unit="u")
    facts.subnets.append(subnet(0, "10.0.0.0/24", "a"))
    facts.clusters.append(cluster((0,)))
    facts.node_groups += [group("a", ("m5.large",), 8, (0,)), group("b", ("m5.large",), 6, (0,))]
    (c,) = analyse(facts).clusters
    (s,) = c.subnets
    assert s.demand[Density.FLOOR] == (8 + 6) * 20
    a, b = c.node_groups
    # Beside group b at 6 nodes (120 IPs), group a fits floor((251 - 120) / 20) = 6 nodes, and
    # beside a at 8 (160 IPs), b fits floor(91 / 20) = 4.
    assert (a.at[Density.FLOOR].supported, b.at[Density.FLOOR].supported) == (6, 4)


def test_pods_per_node_option_sets_the_configured_density() -> None:
    """m5.large, 10 pods, WARM_ENI_TARGET=1: 1 + ceil(10/9) = 3 ENIs -> 27 + 3 = 30 IPs."""
    facts = Facts(unit="u")
    facts.subnets.append(subnet(0, "10.0.0.0/24", "a"))
    facts.clusters.append(cluster((0,)))
    facts.node_groups.append(group("a", ("m5.large",), 3, (0,)))
    (c,) = analyse(facts, Options(pods_per_node=10)).clusters
    (g,) = c.node_groups
    assert g.at[Density.CONFIGURED].pods == 10
    assert g.at[Density.CONFIGURED].node.node_subnet_ips == 30


def test_mixed_instance_types_use_the_hungriest_for_the_floor() -> None:
    """m5.large floor 20 IPs, m5.4xlarge floor 60: the check takes m5.4xlarge and says so."""
    facts = Facts(unit="u")
    facts.subnets.append(subnet(0, "10.0.0.0/22", "a"))
    facts.clusters.append(cluster((0,)))
    facts.node_groups.append(group("a", ("m5.large", "m5.4xlarge"), 3, (0,)))
    (g,) = analyse(facts).clusters[0].node_groups
    assert g.instance_type == "m5.4xlarge"
    assert "m5.4xlarge holds the most IPs" in g.sizing.type_choice_note
    # The managed node group rule takes the minimum over types: m5.large's 29.
    assert g.max_pods == 29


def test_undeclared_subnet_makes_the_group_unresolved_not_wrong() -> None:
    facts = Facts(unit="u")
    facts.subnets.append(subnet(0, "10.0.0.0/24", "a"))
    facts.clusters.append(cluster((0,)))
    g = group("a", ("m5.large",), 3, (0,))
    facts.node_groups.append(
        NodeGroupFact(**{**g.__dict__, "subnet_refs": (ref(0), "subnet-0123456789abcdef0")})
    )
    (cap,) = analyse(facts).clusters[0].node_groups
    assert cap.problem is not None and "subnet-0123456789abcdef0" in cap.problem.reason


def test_ipv6_cluster_takes_one_ipv4_per_node() -> None:
    facts = Facts(unit="u")
    facts.subnets.append(subnet(0, "10.0.0.0/24", "a"))
    facts.clusters.append(ClusterFact("aws_eks_cluster.c", "c", ("c",), (ref(0),), "ipv6", SPAN))
    facts.node_groups.append(group("a", ("m5.4xlarge",), 200, (0,)))
    (g,) = analyse(facts).clusters[0].node_groups
    assert g.at[Density.FLOOR].node.node_subnet_ips == 1
    assert g.at[Density.FLOOR].supported == 251


def test_cluster_total_scales_its_groups_together_beside_other_clusters() -> None:
    """Cluster x: groups a (max 10, subnets 0+1) and b (max 4, subnet 0); cluster y: group c
    (max 10, subnets 0+1) at max holds 5 x 20 = 100 IPs in each /24 (251 usable). m5.large floor 20.

    11 nodes = shares 10/14 and 4/14 of 11 -> 8 and 3: subnet 0 needs 100 + 4 x 20 + 3 x 20 = 240.
    12 nodes -> 9 and 3: a puts 5 in subnet 0 -> 100 + 100 + 60 = 260 > 251. So 11.
    """
    facts = Facts(unit="u")
    facts.subnets += [subnet(0, "10.0.0.0/24", "a"), subnet(1, "10.0.1.0/24", "b")]
    facts.clusters.append(cluster((0, 1)))
    facts.clusters.append(ClusterFact("aws_eks_cluster.y", "y", ("y",), (ref(0), ref(1)), "ipv4", SPAN))
    facts.node_groups += [group("a", ("m5.large",), 10, (0, 1)), group("b", ("m5.large",), 4, (0,))]
    other = group("c", ("m5.large",), 10, (0, 1))
    facts.node_groups.append(NodeGroupFact(**{**other.__dict__, "cluster_ref": "y"}))
    x, y = analyse(facts).clusters
    assert x.supported[Density.FLOOR] == 11
    assert x.total_max_nodes == 14
    # y beside x at max (subnet 0: 100 + 80 = 180 taken, 71 left): 6 nodes = 3 + 3 fit, the 7th
    # lands in subnet 0 (equal room, first AZ by name) and would need 80.
    assert y.supported[Density.FLOOR] == 6


def _custom_networking_unit(eniconfig_azs: tuple[str, ...]) -> Facts:
    """Nodes in s0 (az a) and s1 (az b), /24s; ENIConfig subnets s2 (a) and s3 (b), /24s (251)."""
    facts = Facts(unit="u")
    facts.subnets += [
        subnet(0, "10.0.0.0/24", "a"),
        subnet(1, "10.0.1.0/24", "b"),
        subnet(2, "100.64.0.0/24", "a"),
        subnet(3, "100.64.1.0/24", "b"),
    ]
    facts.clusters.append(cluster((0, 1)))
    facts.node_groups.append(group("g", ("m5.large",), 30, (0, 1)))
    facts.cni_sources.append(
        CniSource("aws_eks_addon.cni", "c", {"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "true"}, SPAN, "addon")
    )
    for az in eniconfig_azs:
        facts.eniconfigs.append(EniConfigFact(f"eni[{az}]", az, ref(2 if az == "a" else 3), "c", SPAN))
    return facts


def test_custom_networking_charges_pod_ips_to_the_eniconfig_subnet_of_the_az() -> None:
    """m5.large, custom networking, floor: slots_ENI = 3 - 1 = 2, n_pod = min(2, 1 + ceil(1/9)) = 2
    -> 18 pod IPs; the ENIConfig subnet pays 2 + 18 = 20 per node, the node subnet 1 (node IP).
    Max 30 = 15 + 15: node subnets 15 each, ENIConfig subnets 15 x 20 = 300 > 251.
    floor(251 / 20) = 12 nodes per AZ fit: 24."""
    (c,) = analyse(_custom_networking_unit(("a", "b"))).clusters
    (g,) = c.node_groups
    assert (g.at[Density.FLOOR].node.node_subnet_ips, g.at[Density.FLOOR].node.eniconfig_subnet_ips) == (
        1,
        20,
    )
    demand = {s.fact.address: s.demand[Density.FLOOR] for s in c.subnets}
    assert demand == {
        "aws_subnet.s[0]": 15,
        "aws_subnet.s[1]": 15,
        "aws_subnet.s[2]": 300,
        "aws_subnet.s[3]": 300,
    }
    assert g.pod_subnets == {"aws_subnet.s[0]": "aws_subnet.s[2]", "aws_subnet.s[1]": "aws_subnet.s[3]"}
    # 15 nodes in each node subnet; each ENIConfig subnet pays for the 15 nodes of its AZ.
    assert g.nodes_at_max == {
        "aws_subnet.s[0]": 15,
        "aws_subnet.s[1]": 15,
        "aws_subnet.s[2]": 15,
        "aws_subnet.s[3]": 15,
    }
    assert (g.at[Density.FLOOR].supported, c.supported[Density.FLOOR]) == (24, 24)
    pods_a = next(s for s in c.subnets if s.fact.address == "aws_subnet.s[2]")
    assert [
        (c.group, c.nodes, c.ips_per_node[Density.FLOOR], c.ips_per_node[Density.CONFIGURED])
        for c in pods_a.contributors
    ] == [("aws_eks_node_group.g", 15, 20, 20)]
    assert not pods_a.cluster_subnet


def test_custom_networking_without_an_eniconfig_for_an_az_is_unresolved_not_dropped() -> None:
    """AZ b has no ENIConfig: its nodes' pod IPs are charged nowhere, an EKSIP002 says so, and the
    node counts that depend on them are unknown (AZ a still gets its 15 x 20 = 300)."""
    capacity = analyse(_custom_networking_unit(("a",)))
    (c,) = capacity.clusters
    (g,) = c.node_groups
    assert isinstance(g.pod_subnets["aws_subnet.s[1]"], Unknown)
    demand = {s.fact.address: s.demand[Density.FLOOR] for s in c.subnets}
    assert demand == {"aws_subnet.s[0]": 15, "aws_subnet.s[1]": 15, "aws_subnet.s[2]": 300}
    assert isinstance(g.at[Density.FLOOR].supported, Unknown) and isinstance(
        c.supported[Density.FLOOR], Unknown
    )
    (note,) = [u for u in capacity.facts.unresolved if "ENIConfig" in u.reason]
    assert "no ENIConfig for AZ b is known" in note.reason and "cannot be charged" in note.reason
    assert note.address == "aws_eks_node_group.g"
    assert note in c.unresolved


def test_custom_networking_matches_symbolic_azs_by_key() -> None:
    """A data-source AZ (keyed Unknown) matches an ENIConfig whose name is the same keyed Unknown."""
    facts = _custom_networking_unit(())
    az0 = Unknown("", "data.aws_availability_zones.available.names[0]", cause=Cause.DATA_SOURCE)
    facts.subnets[0] = SubnetFact("aws_subnet.s[0]", (ref(0),), "10.0.0.0/24", az0, SPAN)
    facts.subnets[1] = SubnetFact("aws_subnet.s[1]", (ref(1),), "10.0.1.0/24", az0, SPAN)
    facts.eniconfigs.append(
        EniConfigFact("eni[0]", Unknown("x", az0.key, cause=Cause.UNSUPPORTED), ref(2), "c", SPAN)
    )
    (g,) = analyse(facts).clusters[0].node_groups
    assert g.pod_subnets == {"aws_subnet.s[0]": "aws_subnet.s[2]", "aws_subnet.s[1]": "aws_subnet.s[2]"}
    # 30 nodes in one AZ: 30 x 20 = 600 IPs in s2 (251): floor(251 / 20) = 12 fit.
    assert g.at[Density.FLOOR].supported == 12


def test_custom_networking_with_another_eniconfig_label_is_unresolved() -> None:
    facts = _custom_networking_unit(("a", "b"))
    facts.cni_sources.append(CniSource("x", "c", {"ENI_CONFIG_LABEL_DEF": "team"}, SPAN, "x"))
    (g,) = analyse(facts).clusters[0].node_groups
    assert all(
        isinstance(t, Unknown) and "ENI_CONFIG_LABEL_DEF=team" in t.reason for t in g.pod_subnets.values()
    )


def test_exhaustion_names_the_subnets_a_group_overruns() -> None:
    """Seed: 80 m5.4xlarge at the floor (60 IPs) spread 27/27/26 over three /22 (1,019 usable):
    27 x 60 = 1,620 and 26 x 60 = 1,560 both exceed 1,019. The largest, 1,620, needs a /21
    (2,043 usable; a /22 holds 1,019). Full nodes (120 IPs) exhaust them too; 8 nodes of a
    group that fits (8 x 60 = 480) exhaust nothing."""
    facts = Facts(unit="u")
    facts.subnets += [subnet(i, f"10.0.{4 * i}.0/22", f"az{i}") for i in range(3)]
    facts.clusters.append(cluster((0, 1, 2)))
    facts.node_groups.append(group("g", ("m5.4xlarge",), 80, (0, 1, 2)))
    (g,) = analyse(facts).clusters[0].node_groups
    ex = g.at[Density.FLOOR].exhaustion
    assert ex is not None
    assert [s.fact.address for s in ex.subnets] == [f"aws_subnet.s[{i}]" for i in range(3)]
    assert (ex.largest_demand, ex.prefixlen_for_largest) == (1620, 21)
    assert g.at[Density.CONFIGURED].exhaustion is not None

    facts.node_groups[0] = group("g", ("m5.4xlarge",), 8, (0, 1, 2))
    (g,) = analyse(facts).clusters[0].node_groups
    assert g.at[Density.FLOOR].exhaustion is None


def _pd_unit(max_size: int) -> Facts:
    facts = Facts(unit="u")
    facts.subnets.append(subnet(0, "10.0.0.0/24", "a"))
    facts.clusters.append(cluster((0,)))
    facts.node_groups.append(group("g", ("m5.large",), max_size, (0,)))
    facts.cni_sources.append(
        CniSource("aws_eks_addon.cni", "c", {"ENABLE_PREFIX_DELEGATION": "true"}, SPAN, "add-on")
    )
    return facts


def test_prefix_demand_counts_blocks_and_single_addresses() -> None:
    """m5.large (3 ENIs x 10, S = 9), PD, WARM_PREFIX_TARGET=1; managed max pods = min(110,
    3 x 9 x 16 + 2) = 110, full node 108 pods: P = min(ceil(108/16) + 1 = 8, ceil(110/16) = 7) = 7
    prefixes on 1 ENI: 112 pod IPs + 1 primary = 113 IPs, 1 of them a single /32.
    3 nodes in a /24: 21 prefixes, 3 singles; 2^(28-24) - 2 = 14 blocks, and 3 singles fit in the
    27 addresses of the two edge blocks, so 14 stay free: 21 > 14. The subnet for all of them:
    21 x 16 + 3 + 16 = 355 addresses -> a /23 (507 usable)."""
    (c,) = analyse(_pd_unit(3)).clusters
    (s,) = c.subnets
    need = s.prefix_demand
    assert need is not None
    assert [g.address for g in need.groups] == ["aws_eks_node_group.g"]
    assert (need.prefixes, need.singles, need.blocks, need.available) == (21, 3, 14, 14)
    assert need.short and not need.at_floor
    assert need.prefixlen_for_all == 23
    # 2 nodes: 14 prefixes in 14 blocks.
    need2 = analyse(_pd_unit(2)).clusters[0].subnets[0].prefix_demand
    assert need2 is not None and (need2.prefixes, need2.short) == (14, False)
    # Without prefix delegation there is no prefix demand.
    facts = _pd_unit(3)
    facts.cni_sources.clear()
    assert analyse(facts).clusters[0].subnets[0].prefix_demand is None
