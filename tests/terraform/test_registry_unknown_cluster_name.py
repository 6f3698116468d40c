"""terraform-aws-eks with an unknown cluster name ("education-eks-${random_string.suffix.result}",
hashicorp/learn-terraform-provision-eks-cluster): its node groups belong to its cluster, never to
"(unknown cluster)" (tests/fixtures/issue13/module-random-name)."""

from __future__ import annotations

from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintRequest, lint

from testlib import FIXTURES


def test_the_node_group_stays_with_its_cluster() -> None:
    """t3.small: 3 ENIs x 4 IPv4 (EC2). WARM_ENI_TARGET=1 floor: 2 ENIs x 4 = 8 IPs per node;
    full: EKS max pods 3 x (4 - 1) + 2 = 11 -> 9 pods on 3 ENIs = 12 IPs. max 4 over 2 subnets =
    2 nodes each: 2 x 8 = 16 and 2 x 12 = 24 IPs per subnet."""
    (unit,) = lint(LintRequest(paths=(str(FIXTURES / "issue13" / "module-random-name"),))).units
    (cluster,) = unit.capacity.clusters
    assert cluster.fact is not None
    assert cluster.fact.address == "module.eks.aws_eks_cluster.this[0]"
    (group,) = cluster.node_groups
    assert (group.fact.name, group.instance_type, group.fact.max_size, group.max_pods) == (
        "one",
        "t3.small",
        4,
        11,
    )
    assert [s.demand[Density.FLOOR] for s in cluster.subnets] == [16, 16]
    assert [s.demand[Density.CONFIGURED] for s in cluster.subnets] == [24, 24]
