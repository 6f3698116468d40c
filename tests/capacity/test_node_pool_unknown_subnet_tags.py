"""A NodeClass whose selector may pick subnets with unknown tags is "cannot be told", not "no
subnet matches" (tests/fixtures/karpenter/unknown-subnet-tags: the shape of aws-ia/
terraform-aws-eks-blueprints patterns/eks-automode, tags Name="<cluster>-private*" against the VPC
module's Name "<name>-private-<az>" over data-source AZs)."""

from __future__ import annotations

from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.values import Cause, Unknown

from testlib import FIXTURES


def test_unknown_tags_are_not_a_mismatch() -> None:
    units = lint(LintRequest(paths=(str(FIXTURES / "karpenter" / "unknown-subnet-tags"),))).units
    (pool,) = [
        p
        for u in units
        for c in u.capacity.clusters
        if c.fact is not None and c.fact.address == "module.eks.aws_eks_cluster.this[0]"
        for p in c.node_pools
    ]
    # limits.cpu 100 / 2 vCPUs per m5.large (EC2) = 50 nodes: the ceiling is still worked out.
    assert pool.ceiling == 50
    assert isinstance(pool.problem, Unknown)
    reason = pool.problem.reason
    assert "no subnet declared in the scan matches" not in reason
    assert reason.startswith("whether EC2NodeClass default (kubectl_manifest.karpenter document 1)")
    assert "selects module.vpc.aws_subnet.private[0], module.vpc.aws_subnet.private[1]" in reason
    assert reason.endswith("cannot be told: their tags are unknown")
    # The Name tag is unknown because the AZs come from data.aws_availability_zones.
    assert pool.problem.cause is Cause.DATA_SOURCE
