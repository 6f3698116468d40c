"""Module evaluation: locals, variables, count/for_each, splats, dynamic blocks, Unknown handling."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from eks_ip_lint.terraform.evaluator import ResourceObject
from eks_ip_lint.terraform.module import ModuleEvaluation
from eks_ip_lint.terraform.module_source import read_module
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.terraform.variables import VariableInputs
from eks_ip_lint.values import Unknown

from terraform_loader import Loader


def only(found: list[ResourceInstance] | Unknown) -> list[ResourceInstance]:
    assert not isinstance(found, Unknown), found
    return found


def test_count_cidrsubnet_over_sliced_data_source_azs(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
locals {
  vpc_cidr = "10.0.0.0/16"
  azs      = slice(data.aws_availability_zones.available.names, 0, 3)
}
data "aws_availability_zones" "available" {}
resource "aws_subnet" "private" {
  count             = length(local.azs)
  cidr_block        = cidrsubnet(local.vpc_cidr, 4, count.index)
  availability_zone = local.azs[count.index]
}
"""
        }
    )
    subnets = only(m.instances("aws_subnet", "private"))
    # cidrsubnet("10.0.0.0/16", 4, i) = 10.0.(16*i).0/20 (Terraform docs' cidrsubnet examples)
    assert [s.values["cidr_block"] for s in subnets] == ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]
    assert [s.address for s in subnets] == [f"aws_subnet.private[{i}]" for i in range(3)]
    azs = [s.values["availability_zone"] for s in subnets]
    assert all(isinstance(a, Unknown) for a in azs)
    # Three distinct symbolic AZs, so an even spread over them is still computable.
    assert len({a.key for a in azs if isinstance(a, Unknown)}) == 3
    assert subnets[1].lines["cidr_block"] == 9


def test_for_expression_subnets_like_the_registry_examples(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
locals {
  vpc_cidr        = "10.0.0.0/16"
  azs             = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  private_subnets = [for k, v in local.azs : cidrsubnet(local.vpc_cidr, 4, k)]
  intra_subnets   = [for k, v in local.azs : cidrsubnet(local.vpc_cidr, 8, k + 52)]
}
resource "aws_subnet" "intra" {
  for_each          = zipmap(local.azs, local.intra_subnets)
  cidr_block        = each.value
  availability_zone = each.key
}
"""
        }
    )
    intra = only(m.instances("aws_subnet", "intra"))
    assert {s.values["availability_zone"]: s.values["cidr_block"] for s in intra} == {
        "eu-west-1a": "10.0.52.0/24",
        "eu-west-1b": "10.0.53.0/24",
        "eu-west-1c": "10.0.54.0/24",
    }
    assert intra[0].address == 'aws_subnet.intra["eu-west-1a"]'


def test_references_between_resources_and_splats(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
resource "aws_vpc" "main" { cidr_block = "10.1.0.0/16" }
resource "aws_subnet" "a" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
}
resource "aws_eks_cluster" "c" {
  name = "demo-${terraform.workspace}"
  vpc_config { subnet_ids = aws_subnet.a[*].id }
}
resource "aws_eks_node_group" "ng" {
  cluster_name = aws_eks_cluster.c.name
  subnet_ids   = [aws_subnet.a[0].id, aws_subnet.a[1].id]
  scaling_config {
    min_size = 1
    max_size = 3 * 4
  }
}
""",
        },
        workspace="prod",
    )
    (cluster,) = only(m.instances("aws_eks_cluster", "c"))
    assert cluster.values["name"] == "demo-prod"
    ids = cluster.values["vpc_config"][0]["subnet_ids"]  # type: ignore[index]
    assert [u.key for u in ids] == ["aws_subnet.a[0].id", "aws_subnet.a[1].id"]  # type: ignore[union-attr]
    (ng,) = only(m.instances("aws_eks_node_group", "ng"))
    assert ng.values["cluster_name"] == "demo-prod"
    assert ng.values["scaling_config"] == [{"min_size": 1, "max_size": 12}]
    assert ng.lines["scaling_config.max_size"] == 17
    subnets = only(m.instances("aws_subnet", "a"))
    assert [s.values["cidr_block"] for s in subnets] == ["10.1.0.0/24", "10.1.1.0/24"]
    assert isinstance(subnets[0].values["vpc_id"], Unknown)
    assert subnets[0].values["vpc_id"].key == "aws_vpc.main.id"  # type: ignore[union-attr]


def test_variable_precedence_defaults_tfvars_auto_tfvars_var_file_and_var(
    load_module: Loader, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path / "env" / "prod.tfvars"
    m = load_module(
        {
            "variables.tf": """
variable "a" { default = 1 }
variable "b" {
  type    = number
  default = 1
}
variable "c" { default = 1 }
variable "d" { default = 1 }
variable "e" { type = list(number) }
variable "unset" {}
""",
            "terraform.tfvars": 'b = "2"\nc = 2\nd = 2\ne = ["1", 2]\n',
            "x.auto.tfvars": "c = 3\nd = 3\n",
            "env/prod.tfvars": "d = 4\n",
            "main.tf": "locals { all = [var.a, var.b, var.c, var.d, var.e] }\n",
        },
        inputs=VariableInputs(var_files=(str(extra),), vars=(("a", "9"),)),
    )
    # -var for an untyped variable is a string, as in Terraform; tfvars strings become numbers
    # for number-typed variables.
    assert m.evaluator.eval(_parse("local.all")) == ["9", 2, 3, 4, [1, 2]]
    unset = m.evaluator.eval(_parse("var.unset"))
    assert isinstance(unset, Unknown) and "--var unset=" in unset.reason


def test_dynamic_blocks_expand(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
variable "scaling" { default = [{ min = 1, max = 9 }] }
resource "aws_eks_node_group" "ng" {
  dynamic "scaling_config" {
    for_each = var.scaling
    content {
      min_size = scaling_config.value.min
      max_size = scaling_config.value.max
    }
  }
}
"""
        }
    )
    (ng,) = only(m.instances("aws_eks_node_group", "ng"))
    assert ng.values["scaling_config"] == [{"min_size": 1, "max_size": 9}]


def test_unknown_count_is_unknown_not_zero(load_module: Loader) -> None:
    m = load_module({"main.tf": 'resource "aws_subnet" "s" {\n  count = length(data.aws_subnets.x.ids)\n}\n'})
    found = m.instances("aws_subnet", "s")
    assert isinstance(found, Unknown)
    assert "count is unknown" in found.reason


def test_errors_become_unknowns_with_their_message(load_module: Loader) -> None:
    m = load_module(
        {"main.tf": 'resource "aws_subnet" "s" {\n  cidr_block = cidrsubnet("10.0.0.0/30", 8, 0)\n}\n'}
    )
    (s,) = only(m.instances("aws_subnet", "s"))
    v = s.values["cidr_block"]
    assert isinstance(v, Unknown)
    assert v.span is not None and v.span.line == 2


def test_self_reference_is_caught(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("locals {\n  a = local.b\n  b = local.a\n}\n")
    source = read_module(str(tmp_path))
    # Terraform refuses the module (a cycle): an error at local a's line (tests/terraform/test_rejected_inputs.py).
    assert [(e.message, e.line) for e in source.errors] == [
        ("locals refer to each other in a cycle: local.a -> local.b -> local.a", 2)
    ]
    m = ModuleEvaluation(source, {})
    v = m.evaluator.eval(_parse("local.a"))
    assert isinstance(v, Unknown) and "itself" in v.reason


def test_resource_object_has_computed_attributes_as_keyed_unknowns(load_module: Loader) -> None:
    m = load_module({"main.tf": 'resource "aws_launch_template" "lt" {\n  instance_type = "m5.large"\n}\n'})
    v = m.evaluator.eval(_parse("aws_launch_template.lt"))
    assert isinstance(v, ResourceObject)
    lt_id = m.evaluator.eval(_parse("aws_launch_template.lt.id"))
    assert isinstance(lt_id, Unknown) and lt_id.key == "aws_launch_template.lt.id"
    assert m.evaluator.eval(_parse("aws_launch_template.lt.instance_type")) == "m5.large"


def _parse(text: str):  # type: ignore[no-untyped-def]
    from eks_ip_lint.sources.hcl import parse_expression

    return parse_expression(text)


def test_modules_naming_nothing_eks_or_vpc_related_are_not_parsed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from eks_ip_lint.terraform.module_source import may_hold_capacity_facts

    (tmp_path / "s3").mkdir()
    (tmp_path / "s3" / "main.tf").write_text('resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n')
    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "main.tf").write_text(
        'resource "aws_subnet" "a" {\n  cidr_block = "10.0.0.0/24"\n}\n'
    )
    (tmp_path / "wrap").mkdir()
    (tmp_path / "wrap" / "main.tf").write_text('module "x" {\n  source = "git::https://example.com/x"\n}\n')
    assert not may_hold_capacity_facts(str(tmp_path / "s3"))
    assert may_hold_capacity_facts(str(tmp_path / "net"))
    assert may_hold_capacity_facts(str(tmp_path / "wrap"))  # a module call may hide a cluster


# The prefilter's specification as one readable regex; names_capacity_facts must agree with it.
_PREFILTER_SPEC = (
    r"eks|aws_subnet|aws_vpc|aws_autoscaling_group|aws_launch_|helm_release|kubernetes_|kubectl_|"
    r"null_resource|terraform_data|\bmodule\s"
)


_PREFILTER_PIECES = [
    *[
        "eks",
        "ek",
        "aws_subnet",
        "aws_sub",
        "aws_vpc",
        "aws_autoscaling_group",
        "aws_launch_",
        "helm_release",
    ],
    *[
        "kubernetes_",
        "kubectl_",
        "null_resource",
        "terraform_data",
        "module",
        "modules",
        "xmodule",
        "resource",
    ],
    *[" ", "\n", "\t", "_", "a", "é", '"', "{", "}", "="],
]


@given(st.lists(st.sampled_from(_PREFILTER_PIECES), max_size=12).map("".join))
def test_prefilter_agrees_with_its_regex_specification(text: str) -> None:
    import re

    from eks_ip_lint.terraform.module_source import names_capacity_facts

    assert names_capacity_facts(text) == bool(re.search(_PREFILTER_SPEC, text))
