"""The terraform-aws-modules shape and its plain-resource equivalent give the same analysis.

tests/fixtures/terraform/tam-v20-vpc-eks (vpc + eks modules, cidrsubnet over sliced data-source
AZs, module.vpc.private_subnets) and tam-v20-plain-equivalent (aws_subnet/aws_eks_node_group)
describe one cluster. Hand computation for both: private subnets 10.0.{0,4,8}.0/22 (1,019 usable
each); workers m5.4xlarge max 80 spread 27/27/26, 60 IPs per node at the floor (2 ENIs x 30);
system m5.large max 5 spread 2/2/1, 20 IPs per node (2 ENIs x 10) -> demand 1,660/1,660/1,580.
"""

from __future__ import annotations

from typing import Any

from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.values import Unknown

from testlib import FIXTURES

TF = FIXTURES / "terraform"


def _ips(node: NodeIps | Unknown) -> int | None:
    return None if isinstance(node, Unknown) else node.node_subnet_ips


def numbers(path: str) -> dict[str, Any]:
    result = lint(LintRequest(paths=(path,)))
    (unit,) = result.units
    (cluster,) = unit.capacity.clusters
    groups = {
        g.fact.name: (
            g.instance_type,
            g.max_size,
            g.fact.min_size,
            g.fact.desired_size,
            g.max_pods,
            _ips(g.at[Density.FLOOR].node),
            _ips(g.at[Density.CONFIGURED].node),
            g.at[Density.FLOOR].supported,
            g.at[Density.CONFIGURED].supported,
            sorted(g.nodes_at_max.values()),
        )
        for g in cluster.node_groups
    }
    subnets = sorted(
        (s.fact.cidr, s.az, s.usable, s.demand[Density.FLOOR], s.demand[Density.CONFIGURED])
        for s in cluster.subnets
    )
    verdict = sorted((f.rule_id, f.severity.value) for f in result.findings)
    return {
        "name": cluster.name,
        "env": cluster.cni.env,
        "supported": (cluster.supported[Density.FLOOR], cluster.supported[Density.CONFIGURED]),
        "groups": groups,
        "subnets": subnets,
        "verdict": verdict,
    }


def test_registry_modules_match_plain_resources() -> None:
    modules = numbers(str(TF / "tam-v20-vpc-eks"))
    plain = numbers(str(TF / "tam-v20-plain-equivalent"))
    assert modules == plain
    # And the shared numbers are the hand-computed ones.
    assert modules["groups"]["workers"][:6] == ("m5.4xlarge", 80, 3, 3, 110, 60)
    assert modules["groups"]["system"][:6] == ("m5.large", 5, 1, 1, 29, 20)
    private = [s for s in modules["subnets"] if s[0].endswith("/22")]
    assert [s[0] for s in private] == ["10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"]
    assert sorted(s[3] for s in private) == [1580, 1660, 1660]
    assert len({s[1] for s in private}) == 3  # three distinct symbolic AZs
    assert ("EKSIP101", "error") in modules["verdict"]
    assert modules["env"]["WARM_ENI_TARGET"] == "1"
