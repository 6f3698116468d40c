"""What made a value unknown is said by its cause where the Unknown is made, in the readers of
every input format (Terraform facts, plans, CloudFormation, eksctl), and kept by every wrapper.

The expected cause of each input is known from its shape (an unset parameter, an export of
another stack, a subnet given by ID only), not from the code: EKSIP002 chooses its advice by it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from eks_ip_lint.facts import terraform as tf_facts
from eks_ip_lint.facts.cloudformation import load_cloudformation
from eks_ip_lint.facts.eksctl import load_eksctl
from eks_ip_lint.facts.model import Facts
from eks_ip_lint.facts.plan import load_plan
from eks_ip_lint.terraform.module import ModuleEvaluation
from eks_ip_lint.terraform.module_source import read_module
from eks_ip_lint.terraform.variables import VariableInputs, resolve_variables
from eks_ip_lint.values import Cause, Unknown

from testlib import FIXTURES, REPO

SRC = REPO / "src" / "eks_ip_lint"
# The packages whose Unknowns this check holds to a cause (the terraform and capacity packages
# are checked by their own owners' tests).
CAUSED = ("sources", "cloudformation", "facts")


def _calls(path: Path, names: frozenset[str]) -> list[tuple[int, str, bool]]:
    """(line, callee, passes cause=) of every call of one of ``names`` in a source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
            out.append((node.lineno, node.func.id, any(k.arg == "cause" for k in node.keywords)))
    return out


def test_every_unknown_made_in_these_packages_says_its_cause() -> None:
    files = [f for pkg in CAUSED for f in sorted((SRC / pkg).rglob("*.py"))]
    made = [
        (f.relative_to(REPO), line, name, caused)
        for f in files
        for line, name, caused in _calls(f, frozenset({"Unknown", "JoinedUnknown"}))
    ]
    assert len(made) > 100  # the walk finds them: intrinsics.py alone makes ~55
    assert [m for m in made if not m[3]] == []


def test_every_unresolved_says_its_cause() -> None:
    made = [
        (f.relative_to(REPO), line)
        for f in sorted(SRC.rglob("*.py"))
        for line, _, caused in _calls(f, frozenset({"Unresolved"}))
        if not caused
    ]
    assert made == []


# --- Terraform ----------------------------------------------------------------------------------

CLUSTER_TF = """
resource "aws_subnet" "a" {
  vpc_id            = "vpc-0123456789abcdef0"
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_eks_cluster" "c" {
  name     = "c"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = [aws_subnet.a.id]
  }
}
"""


def _terraform(tmp_path: Path, text: str, cluster: str = CLUSTER_TF) -> Facts:
    (tmp_path / "main.tf").write_text(cluster + text)
    source = read_module(str(tmp_path))
    variables = resolve_variables(source, VariableInputs())
    return tf_facts.extract(ModuleEvaluation(source, variables.values), str(tmp_path))


@pytest.mark.parametrize(
    "launch_template",
    ['id = var.lt_id\n    version = "1"', 'name = "made-elsewhere"\n    version = "$Latest"'],
)
def test_managed_node_group_whose_launch_template_is_not_declared(
    tmp_path: Path, launch_template: str
) -> None:
    facts = _terraform(
        tmp_path,
        f"""
variable "lt_id" {{
  type = string
}}

resource "aws_eks_node_group" "ng" {{
  cluster_name  = aws_eks_cluster.c.name
  node_role_arn = "arn:aws:iam::111122223333:role/node"
  subnet_ids    = [aws_subnet.a.id]
  launch_template {{
    {launch_template}
  }}
  scaling_config {{
    min_size     = 1
    max_size     = 3
    desired_size = 1
  }}
}}
""",
    )
    (group,) = facts.node_groups
    assert isinstance(group.instance_types, Unknown)
    assert group.instance_types.cause is Cause.LAUNCH_TEMPLATE_NOT_DECLARED


def test_self_managed_group_whose_launch_template_is_not_declared(tmp_path: Path) -> None:
    facts = _terraform(
        tmp_path,
        """
resource "aws_autoscaling_group" "nodes" {
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = [aws_subnet.a.id]
  launch_template {
    name = "made-elsewhere"
  }
  tag {
    key                 = "kubernetes.io/cluster/c"
    value               = "owned"
    propagate_at_launch = true
  }
}
""",
    )
    (group,) = facts.node_groups
    assert isinstance(group.instance_types, Unknown)
    assert group.instance_types.cause is Cause.LAUNCH_TEMPLATE_NOT_DECLARED


def test_subnet_without_availability_zone_is_one_aws_chooses(tmp_path: Path) -> None:
    facts = _terraform(tmp_path, "", CLUSTER_TF.replace('availability_zone = "us-east-1a"', ""))
    (subnet,) = facts.subnets
    assert isinstance(subnet.az, Unknown) and subnet.az.cause is Cause.AWS_CHOOSES


def test_subnet_whose_cidr_an_ipam_pool_assigns(tmp_path: Path) -> None:
    ipam = 'ipv4_ipam_pool_id   = "ipam-pool-0123456789abcdef0"\n  ipv4_netmask_length = 24'
    facts = _terraform(tmp_path, "", CLUSTER_TF.replace('cidr_block        = "10.0.1.0/24"', ipam))
    (subnet,) = facts.subnets
    assert isinstance(subnet.cidr, Unknown) and subnet.cidr.cause is Cause.AWS_CHOOSES


def test_helm_release_in_a_unit_of_two_clusters_is_ambiguous(tmp_path: Path) -> None:
    second = CLUSTER_TF.replace('"aws_eks_cluster" "c"', '"aws_eks_cluster" "d"').replace('"c"', '"d"')
    second = second.replace('resource "aws_subnet" "a"', 'resource "aws_subnet" "b"').replace(
        "aws_subnet.a.id", "aws_subnet.b.id"
    )
    facts = _terraform(
        tmp_path,
        second
        + """
resource "helm_release" "cni" {
  name  = "aws-vpc-cni"
  chart = "aws-vpc-cni"
}
""",
    )
    assert len(facts.clusters) == 2
    (note,) = facts.unresolved
    assert note.cause is Cause.CLUSTER_AMBIGUOUS


def test_plan_value_known_after_apply() -> None:
    facts = load_plan(str(FIXTURES / "plan" / "unknown-after-apply" / "tfplan.json"))
    assert facts is not None
    unknown_cidrs = [s.cidr for s in facts.subnets if isinstance(s.cidr, Unknown)]
    assert unknown_cidrs, "the fixture has a subnet whose CIDR an IPAM pool assigns at apply"
    assert {u.cause for u in unknown_cidrs} == {Cause.APPLY_TIME}


# --- CloudFormation -----------------------------------------------------------------------------

CFN_CLUSTER = """
AWSTemplateFormatVersion: "2010-09-09"
{parameters}
Resources:
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: c
      RoleArn: arn:aws:iam::111122223333:role/eks
      ResourcesVpcConfig:
        SubnetIds: {subnets}
  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Cluster
      NodeRole: arn:aws:iam::111122223333:role/nodes
      Subnets: {subnets}
      InstanceTypes: [m5.large]
      ScalingConfig:
        MinSize: 1
        DesiredSize: 1
        MaxSize: {max_size}
"""


def _template(
    tmp_path: Path, *, parameters: str = "", subnets: str = "[subnet-0a]", max_size: str = "3"
) -> Facts:
    path = tmp_path / "template.yaml"
    path.write_text(CFN_CLUSTER.format(parameters=parameters, subnets=subnets, max_size=max_size))
    (facts,) = load_cloudformation(str(path)) or []
    return facts


@pytest.mark.parametrize(
    ("parameters", "subnets", "cause"),
    [
        (
            "Parameters:\n  SubnetIds:\n    Type: List<AWS::EC2::Subnet::Id>",
            "!Ref SubnetIds",
            Cause.PARAMETER_UNSET,
        ),
        ("", '!Split [",", !ImportValue network-private-subnets]', Cause.IMPORT_VALUE),
        # Fn::Select of Fn::Split of an export: each wrapper keeps the cause.
        ("", '[!Select [0, !Split [",", !ImportValue network-private-subnets]]]', None),
    ],
)
def test_cluster_subnets_from_outside_the_template(
    tmp_path: Path, parameters: str, subnets: str, cause: Cause | None
) -> None:
    cluster = _template(tmp_path, parameters=parameters, subnets=subnets).clusters[0]
    if cause is None:
        assert isinstance(cluster.subnet_refs, tuple)
        (ref,) = cluster.subnet_refs
        assert isinstance(ref, Unknown) and ref.cause is Cause.IMPORT_VALUE
    else:
        assert isinstance(cluster.subnet_refs, Unknown) and cluster.subnet_refs.cause is cause


def test_mapping_keyed_by_a_pseudo_parameter(tmp_path: Path) -> None:
    parameters = "Mappings:\n  Sizes:\n    eu-west-1:\n      Max: 6"
    group = _template(tmp_path, parameters=parameters, max_size='!FindInMap [Sizes, !Ref "AWS::Region", Max]')
    max_size = group.node_groups[0].max_size
    assert isinstance(max_size, Unknown) and max_size.cause is Cause.PSEUDO_PARAMETER


def test_node_group_launch_template_not_in_the_template(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    text = CFN_CLUSTER.format(parameters="", subnets="[subnet-0a]", max_size="3")
    path.write_text(
        text.replace(
            "      InstanceTypes: [m5.large]\n", "      LaunchTemplate:\n        Name: made-elsewhere\n"
        )
    )
    (facts,) = load_cloudformation(str(path)) or []
    types = facts.node_groups[0].instance_types
    assert isinstance(types, Unknown) and types.cause is Cause.LAUNCH_TEMPLATE_NOT_DECLARED


def test_nested_stacks_that_cannot_be_followed() -> None:
    remote = load_cloudformation(str(FIXTURES / "cloudformation/templates/imports-and-nested-stack.yaml"))
    assert remote is not None
    assert {u.cause for u in remote[0].unresolved} == {Cause.NESTED_TEMPLATE_NOT_GIVEN}
    unreachable = load_cloudformation(
        str(FIXTURES / "cloudformation/templates/nested-stacks/unreachable.yaml")
    )
    assert unreachable is not None
    by_stack = {u.address: u.cause for u in unreachable[0].unresolved}
    assert by_stack["Missing"] is Cause.NESTED_TEMPLATE_MISSING
    assert by_stack["Itself"] is Cause.NESTED_TEMPLATE_CYCLE
    assert by_stack["Remote"] is Cause.NESTED_TEMPLATE_NOT_GIVEN


# --- eksctl -------------------------------------------------------------------------------------


def test_eksctl_subnet_given_by_id_only() -> None:
    facts = load_eksctl(str(FIXTURES / "eksctl/configs/named-subnets-bootstrap-addon.yaml"))
    assert facts is not None
    (legacy,) = [s for s in facts.subnets if s.address.endswith(".legacy")]
    assert isinstance(legacy.cidr, Unknown) and legacy.cidr.cause is Cause.EKSCTL_CREATE_TIME
    assert isinstance(legacy.az, Unknown) and legacy.az.cause is Cause.EKSCTL_CREATE_TIME


def test_eksctl_existing_vpc_without_subnets(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c\n  region: eu-west-1\n"
        "vpc:\n  id: vpc-0123456789abcdef0\nmanagedNodeGroups:\n  - name: ng\n    instanceType: m5.large\n"
    )
    facts = load_eksctl(str(path))
    assert facts is not None
    refs = facts.clusters[0].subnet_refs
    assert isinstance(refs, Unknown) and refs.cause is Cause.EKSCTL_CREATE_TIME
    group_refs = facts.node_groups[0].subnet_refs
    assert isinstance(group_refs, Unknown) and group_refs.cause is Cause.EKSCTL_CREATE_TIME
