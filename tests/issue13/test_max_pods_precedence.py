"""Issue 13 item 11: max pods as EKS applies it (tests/fixtures/issue13/max-pods-precedence), per
../shared/docs/capacity-beyond-node-groups.md §5 "Max pods precedence":

* managed node group on an EKS AMI (no image_id), AL2/AL2023: EKS's value, the user data's is overridden;
* managed node group on an EKS AMI, Bottlerocket: the user's settings.kubernetes.max-pods wins;
* custom AMI or self-managed: the user data decides; nodeadm's maxPodsExpression is evaluated
  with default_enis = E, ips_per_eni = L, max_pods = E x (L - 1) + 2.

m5.xlarge: 4 ENIs x 15 IPv4; m5.large: 3 x 10 (EC2). Full nodes run max pods - 2 IP-taking pods;
with WARM_ENI_TARGET=1 and ipamd's maxPods stop a node holds
min(E, ceil(max pods / (L - 1)), 1 + ceil(pods / (L - 1))) ENIs of L IPs each (vpc-cni-model.md §1.3)."""

from __future__ import annotations

import base64

import pytest

from eks_ip_lint.capacity.max_pods_expression import evaluate
from eks_ip_lint.capacity.records import Density, NodeGroupCapacity, NodeSizing
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.facts.max_pods_config import as_eks_applies, read_user_data
from eks_ip_lint.values import Cause, Unknown

from testlib import FIXTURES


def _groups() -> dict[str, NodeGroupCapacity]:
    (unit,) = lint(LintRequest(paths=(str(FIXTURES / "issue13" / "max-pods-precedence"),))).units
    assert not [f.rule_id for f in unit.findings]  # in particular no EKSIP301 for maxPods: 110
    (cluster,) = unit.capacity.clusters
    return {g.fact.address: g for g in cluster.node_groups}


def test_each_group_runs_the_max_pods_eks_gives_it() -> None:
    groups = _groups()
    eks_ami = groups["aws_eks_node_group.eks_ami"]
    custom = groups["aws_eks_node_group.custom_ami"]
    bottlerocket = groups["aws_eks_node_group.bottlerocket"]
    self_managed = groups["aws_autoscaling_group.self_managed"]
    # EKS AMI: calculator 4 x (15 - 1) + 2 = 58 (below the 110 cap of a 4-vCPU type); maxPods: 110 ignored.
    assert eks_ami.max_pods == 58
    assert isinstance(eks_ami.sizing, NodeSizing)
    assert "maxPods: 110 is overridden by EKS" in eks_ami.sizing.max_pods_source
    # Custom AMI: "max_pods < 30 ? max_pods : 30" with max_pods = 58 -> 30.
    assert custom.max_pods == 30
    # Bottlerocket, "max-pods" = 20 in quoted-key TOML: the user value.
    assert bottlerocket.max_pods == 20
    assert isinstance(bottlerocket.sizing, NodeSizing)
    assert "Bottlerocket on an EKS AMI" in bottlerocket.sizing.max_pods_source
    # Self-managed m5.large: ((3 - 1) x (10 - 1)) + 2 = 20.
    assert self_managed.max_pods == 20


def test_the_ips_a_full_node_holds_follow_the_effective_max_pods() -> None:
    """eks_ami, 58: 56 pods -> min(4, ceil(58 / 14) = 5, 1 + ceil(56 / 14) = 5) = 4 ENIs = 60 IPs.
    custom_ami, 30: 28 pods -> min(4, ceil(30 / 14) = 3, 1 + 2 = 3) = 3 ENIs = 45 IPs.
    bottlerocket, 20: 18 pods -> min(4, ceil(20 / 14) = 2, 1 + 2 = 3) = 2 ENIs = 30 IPs."""
    groups = _groups()
    ips = {a: g.at[Density.CONFIGURED].node.node_subnet_ips for a, g in groups.items()}
    assert ips["aws_eks_node_group.eks_ami"] == 60
    assert ips["aws_eks_node_group.custom_ami"] == 45
    assert ips["aws_eks_node_group.bottlerocket"] == 30


@pytest.mark.parametrize(
    "toml",
    [
        "[settings.kubernetes]\nmax-pods = 17\n",
        '[settings.kubernetes]\n"max-pods" = 17\n',
        "settings.kubernetes.max-pods = 17\n",
        'settings.kubernetes."max-pods" = 17\n',
        "[settings]\nkubernetes.max-pods = 17\n",
    ],
)
def test_every_bottlerocket_key_form(toml: str) -> None:
    """The TOML key forms of capacity-beyond-node-groups.md §5, plain and base64-encoded."""
    for text in (toml, base64.b64encode(toml.encode()).decode()):
        read = read_user_data(text)
        assert (read.value, read.bottlerocket) == (17, True)


def test_precedence_of_user_data_settings() -> None:
    al2023 = read_user_data(
        'spec:\n  kubelet:\n    config:\n      maxPods: 40\n    maxPodsExpression: "max_pods + 2"\n'
    )
    assert (al2023.value, al2023.expression) == (40, "max_pods + 2")
    flag = read_user_data("/etc/eks/bootstrap.sh c --kubelet-extra-args '--max-pods=40'")
    bottle = read_user_data("[settings.kubernetes]\nmax-pods = 40\n")
    # Managed node group on an EKS AMI: overridden, except Bottlerocket.
    assert as_eks_applies(flag, managed=True, custom_ami=False, bottlerocket_ami=False).value is None
    assert (
        as_eks_applies(flag, managed=True, custom_ami=False, bottlerocket_ami=False).overridden
        == "--max-pods=40"
    )
    assert as_eks_applies(bottle, managed=True, custom_ami=False, bottlerocket_ami=False).value == 40
    # Custom AMI and self-managed nodes: the user data's value.
    assert as_eks_applies(flag, managed=True, custom_ami=True, bottlerocket_ami=False).value == 40
    assert (
        as_eks_applies(al2023, managed=False, custom_ami=True, bottlerocket_ami=False).expression
        == "max_pods + 2"
    )


def test_max_pods_expression_as_nodeadm_evaluates_it() -> None:
    """m5.xlarge: default_enis 4, ips_per_eni 15, max_pods 4 x 14 + 2 = 58 (nodeadm examples.md)."""
    assert evaluate("max_pods + 2", 4, 15) == 60
    assert evaluate("max_pods < 30 ? max_pods : 30", 4, 15) == 30
    assert evaluate("((default_enis - 1) * (ips_per_eni - 1)) + 2", 4, 15) == 3 * 14 + 2 == 44
    assert evaluate("max_pods > 50 && !(default_enis < 4) ? 50 : max_pods", 4, 15) == 50
    assert evaluate("-7 / 2 + 10", 4, 15) == 7  # CEL int division truncates toward zero: -3 + 10
    assert evaluate("-7 % 2 + 10", 4, 15) == 9  # remainder takes the dividend's sign: -1 + 10
    # Errors, non-int and out-of-range results: nodeadm falls back to the standard value (None).
    assert evaluate("max_pods / 0", 4, 15) is None
    assert evaluate("max_pods > 1", 4, 15) is None
    assert evaluate("0 - max_pods", 4, 15) is None
    assert evaluate("max_pods * 100000000", 4, 15) is None  # 5.8e9 > MaxInt32
    # CEL beyond the evaluated subset: unknown, never guessed.
    beyond = evaluate("math.least(max_pods, 30)", 4, 15)
    assert isinstance(beyond, Unknown) and beyond.cause is Cause.UNSUPPORTED
    assert isinstance(evaluate("max_pods + 0.5", 4, 15), Unknown)
