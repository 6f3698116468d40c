"""Issue 13 item 4: a node group belongs to the cluster it references, not to a cluster whose name
string matches (tests/fixtures/issue13/cluster-by-reference, module-two-regions).

m5.large: 3 ENIs x 10 IPv4 (EC2). EKS managed node group max pods: 3 x (10 - 1) + 2 = 29, so full
nodes run 27 pods and hold all 3 ENIs = 30 IPs. A /24 has 256 - 5 = 251 usable IPs."""

from __future__ import annotations

from eks_ip_lint.capacity.records import ClusterCapacity, Density
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.facts.cluster_binding import module_path

from testlib import FIXTURES

ISSUE = FIXTURES / "issue13"


def _clusters(name: str) -> list[ClusterCapacity]:
    (unit,) = lint(LintRequest(paths=(str(ISSUE / name),))).units
    return list(unit.capacity.clusters)


def test_a_cluster_with_an_unknown_name_keeps_the_node_group_that_references_it() -> None:
    """var.name unset and random_string.suffix.result: both names unknown, both links by reference.

    WARM_ENI_TARGET=1 floor: 2 ENIs x 10 = 20 IPs per node -> floor(251 / 20) = 12 nodes per /24;
    full nodes: 30 IPs -> floor(251 / 30) = 8."""
    clusters = {c.address: c for c in _clusters("cluster-by-reference")}
    assert sorted(clusters) == ["aws_eks_cluster.education", "aws_eks_cluster.named"]
    assert all(c.fact is not None for c in clusters.values())  # no "(unknown cluster)"
    named, education = clusters["aws_eks_cluster.named"], clusters["aws_eks_cluster.education"]
    assert [g.fact.address for g in named.node_groups] == ["aws_eks_node_group.named"]
    assert [g.fact.address for g in education.node_groups] == ["aws_eks_node_group.education"]
    for cluster in (named, education):
        (group,) = cluster.node_groups
        assert group.at[Density.FLOOR].node.node_subnet_ips == 20
        assert group.at[Density.CONFIGURED].node.node_subnet_ips == 30
        assert (group.at[Density.FLOOR].supported, group.at[Density.CONFIGURED].supported) == (12, 8)


def test_one_module_called_for_two_regions_gives_two_clusters() -> None:
    """Both instances name their cluster "app". east: max 10, WARM_IP_TARGET=5; west: max 30,
    WARM_IP_TARGET=2; two /24s each.

    east floor: 1 pod + 5 warm = 6 secondary IPs + the ENI's primary = 7 per node ->
    floor(251 / 7) = 35 per subnet, 70 nodes; full: 30 IPs -> 8 per subnet, 16 nodes.
    west floor: 1 + 2 + 1 = 4 per node -> floor(251 / 4) = 62 per subnet, 124 nodes; full: 16.
    Each cluster is limited by its own subnets only (west's 30 nodes do not fit; east's 10 do)."""
    clusters = _clusters("module-two-regions")
    assert [c.name for c in clusters] == ["app (module.east)", "app (module.west)"]
    east, west = clusters
    assert [g.fact.address for g in east.node_groups] == ["module.east.aws_eks_node_group.default"]
    assert [g.fact.address for g in west.node_groups] == ["module.west.aws_eks_node_group.default"]
    assert east.cni.env["WARM_IP_TARGET"] == "5" and west.cni.env["WARM_IP_TARGET"] == "2"
    assert [s.fact.address for s in east.subnets] == [
        "module.east.aws_subnet.private[0]",
        "module.east.aws_subnet.private[1]",
    ]
    assert (east.supported[Density.FLOOR], east.supported[Density.CONFIGURED]) == (70, 16)
    assert (west.supported[Density.FLOOR], west.supported[Density.CONFIGURED]) == (124, 16)


def test_module_path_of_an_address() -> None:
    assert module_path('module.a["x.y"].module.b[0].aws_eks_node_group.g') == (
        'module.a["x.y"]',
        "module.b[0]",
    )
    assert module_path("aws_eks_cluster.c") == ()
