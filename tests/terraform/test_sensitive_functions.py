"""sensitive() and nonsensitive() return their argument: a node-group map that uses them is read
(aws-ia/terraform-aws-eks-blueprints patterns/ml-container-cache lost its only node group to
"no function named nonsensitive")."""

from __future__ import annotations

from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.terraform.functions import call_function
from eks_ip_lint.values import Cause, Unknown

from testlib import FIXTURES


def test_they_return_their_argument() -> None:
    assert call_function("sensitive", [20]) == 20
    assert call_function("nonsensitive", [{"a": ["x", 1]}]) == {"a": ["x", 1]}
    unknown = Unknown("read at plan time", cause=Cause.DATA_SOURCE)
    assert call_function("nonsensitive", [[unknown, "y"]]) == [unknown, "y"]


def test_a_node_group_with_wrapped_inputs_is_checked() -> None:
    """m5.large: 3 ENIs x 10 IPv4 (EC2). WARM_ENI_TARGET=1: 2 ENIs = 20 IPs at 1 pod per node;
    full: EKS max pods 3 x 9 + 2 = 29 -> 27 pods + 3 primary IPs = 30 IPs on 3 ENIs.
    max_size sensitive(20) over 2 subnets = 10 nodes each: 10 x 20 = 200 and 10 x 30 = 300 IPs
    per /24 (251 usable)."""
    (unit,) = lint(LintRequest(paths=(str(FIXTURES / "terraform" / "sensitive-wrapped-inputs"),))).units
    (cluster,) = unit.capacity.clusters
    (group,) = cluster.node_groups
    assert (group.fact.name, group.instance_type, group.fact.max_size, group.max_pods) == (
        "cached",
        "m5.large",
        20,
        29,
    )
    assert [s.demand[Density.FLOOR] for s in cluster.subnets] == [200, 200]
    assert [s.demand[Density.CONFIGURED] for s in cluster.subnets] == [300, 300]
