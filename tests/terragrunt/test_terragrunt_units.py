"""Terragrunt units end to end: module sources, inputs as TF_VAR_ values, dependencies, generate
blocks, parent configurations, and which units a changed file concerns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.sources import hcl
from eks_ip_lint.terraform.variable_inputs import VariableInputs
from eks_ip_lint.terragrunt.changed import units_for_changed_files
from eks_ip_lint.terragrunt.module_source import split_subdir
from eks_ip_lint.terragrunt.unit import UnitEvaluator, as_tf_var
from eks_ip_lint.values import Cause, Unknown

Tree = Callable[[dict[str, str]], Path]  # the tree fixture (conftest.py)

# A cluster of m5.large nodes (3 ENIs x 10) in one /24 the unit is given: 251 usable IPs; at the
# floor (WARM_ENI_TARGET=1) 20 IPs per node, so floor(251 / 20) = 12 nodes fit.
CLUSTER = """
variable "subnet_cidr" {
  type = string
}
variable "max_size" {
  type = number
}
variable "labels" {
}
resource "aws_subnet" "a" {
  vpc_id            = "vpc-1"
  cidr_block        = var.subnet_cidr
  availability_zone = "eu-west-1a"
}
resource "aws_eks_cluster" "this" {
  name = "c"
  vpc_config {
    subnet_ids = [aws_subnet.a.id]
  }
}
resource "aws_eks_node_group" "ng" {
  cluster_name   = aws_eks_cluster.this.name
  subnet_ids     = [aws_subnet.a.id]
  instance_types = ["m5.large"]
  scaling_config {
    min_size     = 1
    max_size     = var.max_size
    desired_size = 1
  }
}
output "subnet_ids" {
  value = [aws_subnet.a.id]
}
"""


def _lint(*paths: Path, variables: VariableInputs | None = None) -> list:  # type: ignore[type-arg]
    request = LintRequest(
        paths=tuple(str(p) for p in paths), use_cache=False, variables=variables or VariableInputs()
    )
    return list(lint(request).units)


def test_split_subdir_as_go_getter() -> None:
    assert split_subdir("../../modules//eks") == ("../../modules", "eks")
    assert split_subdir("git::https://github.com/org/repo.git//modules/eks?ref=v1") == (
        "git::https://github.com/org/repo.git?ref=v1",
        "modules/eks",
    )
    assert split_subdir("tfr:///terraform-aws-modules/eks/aws?version=20.8.4") == (
        "tfr:///terraform-aws-modules/eks/aws?version=20.8.4",
        "",
    )


def test_inputs_reach_terraform_as_tf_var_text() -> None:
    number = hcl.parse_expression("number")
    untyped = None
    assert as_tf_var("n", 5, number) == "5"  # then converted to 5 by the variable's type
    assert as_tf_var("l", ["a", "b"], untyped) == '["a","b"]'  # an untyped variable reads the text
    assert as_tf_var("l", ["a"], hcl.parse_expression("list(string)")) == ["a"]  # HCL: the value
    assert isinstance(as_tf_var("l", [Unknown("x", cause=Cause.UNSUPPORTED)], untyped), Unknown)


def test_input_precedence_and_type_conversion(tree: Tree) -> None:
    """An input no variable declares is ignored; "40" becomes 40 for a number; the module's
    terraform.tfvars beats the input (environment variables come first in Terraform's order), and
    --var beats both. An untyped variable gets a list input as JSON text."""
    root = tree(
        {
            "modules/c/main.tf": CLUSTER,
            "modules/c/terraform.tfvars": 'subnet_cidr = "10.0.9.0/24"\n',
            "live/c/terragrunt.hcl": """
                terraform {
                  source = "../../modules//c"
                }
                inputs = {
                  subnet_cidr = "10.0.1.0/24"
                  max_size    = "40"
                  labels      = ["a", "b"]
                  undeclared  = 1
                }
            """,
        }
    )
    unit = UnitEvaluator(str(root / "live/c"), VariableInputs()).evaluate()
    assert unit.evaluation is not None
    assert unit.evaluation.variables["subnet_cidr"] == "10.0.9.0/24"
    assert unit.evaluation.variables["max_size"] == 40
    assert unit.evaluation.variables["labels"] == '["a","b"]'
    assert "undeclared" not in unit.evaluation.variables
    cli = VariableInputs(vars=(("max_size", "7"), ("subnet_cidr", "10.0.2.0/24")))
    unit = UnitEvaluator(str(root / "live/c"), cli).evaluate()
    assert unit.evaluation is not None
    assert (unit.evaluation.variables["max_size"], unit.evaluation.variables["subnet_cidr"]) == (
        7,
        "10.0.2.0/24",
    )


def test_git_registry_source_maps_to_the_registry_tables(tree: Tree) -> None:
    root = tree(
        {
            "live/eks/terragrunt.hcl": """
                terraform {
                  source = "git::https://github.com/terraform-aws-modules/terraform-aws-eks.git?ref=v20.8.4"
                }
                inputs = {
                  cluster_name = "git-eks"
                  subnet_ids   = []
                }
            """
        }
    )
    (unit,) = [u for u in _lint(root) if u.capacity.clusters]
    assert [c.name for c in unit.capacity.clusters] == ["git-eks"]


def test_unknown_source_is_an_eksip002_naming_it(tree: Tree) -> None:
    root = tree(
        {
            "live/x/terragrunt.hcl": 'terraform {\n  source = "git::https://example.com/mods.git//eks?ref=v1"\n}\n'
        }
    )
    (unit,) = _lint(root)
    (finding,) = [f for f in unit.findings if f.rule_id == "EKSIP002"]
    assert "git::https://example.com/mods.git//eks?ref=v1" in finding.message
    assert finding.span.line == 2


def test_module_downloaded_under_terragrunt_cache_is_used(tree: Tree) -> None:
    root = tree(
        {
            "live/c/.terragrunt-cache/abc/def/modules/c/main.tf": CLUSTER,
            "live/c/terragrunt.hcl": """
                terraform {
                  source = "git::https://example.com/mods.git//modules/c?ref=v1"
                }
                inputs = {
                  subnet_cidr = "10.0.1.0/24"
                  max_size    = 40
                  labels      = []
                }
            """,
        }
    )
    (unit,) = _lint(root / "live")
    (cluster,) = unit.capacity.clusters
    (group,) = cluster.node_groups
    assert group.at[Density.FLOOR].supported == 251 // 20  # 12
    assert [f.rule_id for f in unit.findings] == ["EKSIP101"]


VPC = {
    "modules/vpc/main.tf": """
        resource "aws_subnet" "a" {
          vpc_id            = "vpc-1"
          cidr_block        = "10.0.1.0/24"
          availability_zone = "eu-west-1a"
        }
        output "subnet_ids" {
          value = [aws_subnet.a.id]
        }
    """,
    "live/vpc/terragrunt.hcl": 'terraform {\n  source = "../../modules//vpc"\n}\n',
    "modules/eks/main.tf": """
        variable "subnet_ids" {
          type = list(string)
        }
        resource "aws_eks_cluster" "this" {
          name = "c"
          vpc_config {
            subnet_ids = var.subnet_ids
          }
        }
        resource "aws_eks_node_group" "ng" {
          cluster_name   = aws_eks_cluster.this.name
          subnet_ids     = var.subnet_ids
          instance_types = ["m5.large"]
          scaling_config {
            min_size     = 1
            max_size     = 10
            desired_size = 1
          }
        }
    """,
}


def _eks_unit(config_path: str, output: str = "subnet_ids") -> str:
    return f"""
        terraform {{
          source = "../../modules//eks"
        }}
        dependency "vpc" {{
          config_path  = "{config_path}"
          mock_outputs = {{ subnet_ids = ["subnet-mock"] }}
        }}
        inputs = {{
          subnet_ids = dependency.vpc.outputs.{output}
        }}
    """


def test_dependency_outputs_carry_the_other_unit_s_subnets(tree: Tree) -> None:
    """10 m5.large nodes in one /24: 10 x 20 = 200 <= 251 at the floor, no error."""
    root = tree({**VPC, "live/eks/terragrunt.hcl": _eks_unit("../vpc")})
    (unit,) = [u for u in _lint(root / "live" / "eks") if u.capacity.clusters]
    (cluster,) = unit.capacity.clusters
    assert [(s.fact.address, s.fact.cidr, s.demand[Density.FLOOR]) for s in cluster.subnets] == [
        ("dependency.vpc.aws_subnet.a", "10.0.1.0/24", 10 * 20)
    ]


@pytest.mark.parametrize(
    ("config_path", "output", "said"),
    [
        ("../../../elsewhere/vpc", "subnet_ids", "is outside the repository"),
        ("../missing", "subnet_ids", "holds no terragrunt.hcl"),
        ("../vpc", "private_subnets", "has no output private_subnets"),
    ],
)
def test_dependency_not_followed_is_unknown_and_mocks_are_not_used(
    tree: Tree, config_path: str, output: str, said: str
) -> None:
    root = tree({**VPC, "live/eks/terragrunt.hcl": _eks_unit(config_path, output)})
    (unit,) = [u for u in _lint(root / "live" / "eks") if u.capacity.clusters]
    (cluster,) = unit.capacity.clusters
    assert not cluster.subnets  # never the mock subnet
    messages = " ".join(f.message for f in unit.findings if f.rule_id == "EKSIP002")
    assert said in messages and "mock_outputs are placeholders for plan" in messages
    assert "subnet-mock" not in messages.replace("mock_outputs", "")


def test_generate_if_exists_skip_keeps_the_module_s_file(tree: Tree) -> None:
    root = tree(
        {
            "modules/c/main.tf": CLUSTER.replace('variable "max_size" {\n  type = number\n}\n', ""),
            "modules/c/sizes.tf": 'variable "max_size" {\n  type    = number\n  default = 5\n}\n',
            "live/c/terragrunt.hcl": """
                terraform {
                  source = "../../modules//c"
                }
                generate "sizes" {
                  path      = "sizes.tf"
                  if_exists = "SKIP"
                  contents  = "variable \\"max_size\\" {\\n  default = 99\\n}\\n"
                }
                inputs = { subnet_cidr = "10.0.1.0/24", labels = [] }
            """,
        }
    )
    for if_exists, expected in (("skip", 5), ("overwrite", 99)):
        config = root / "live/c/terragrunt.hcl"
        config.write_text(
            config.read_text().replace('"SKIP"', f'"{if_exists}"').replace('"skip"', f'"{if_exists}"')
        )
        unit = UnitEvaluator(str(root / "live/c"), VariableInputs()).evaluate()
        assert unit.evaluation is not None and unit.evaluation.variables["max_size"] == expected


def test_parent_terragrunt_hcl_is_not_a_unit(tree: Tree) -> None:
    root = tree(
        {
            "live/terragrunt.hcl": 'inputs = { subnet_cidr = "10.0.1.0/24", max_size = 40, labels = [] }\n',
            "modules/c/main.tf": CLUSTER,
            "live/c/terragrunt.hcl": """
                include {
                  path = find_in_parent_folders()
                }
                terraform {
                  source = "../../modules//c"
                }
            """,
        }
    )
    units = _lint(root / "live")
    assert [Path(u.path).name for u in units] == ["c"]
    assert [f.rule_id for f in units[0].findings] == ["EKSIP101"]


def test_units_for_changed_files(tree: Tree) -> None:
    root = tree(
        {
            **VPC,
            "live/eks/terragrunt.hcl": _eks_unit("../vpc"),
            "live/root.hcl": "",
            "live/other/terragrunt.hcl": 'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n',
            "live/other/main.tf": "",
        }
    )
    live = root / "live"
    assert units_for_changed_files([str(live / "root.hcl")]) == [str(live / "other")]
    # The vpc module: the vpc unit, and the eks unit that reads its outputs.
    assert units_for_changed_files([str(root / "modules/vpc/main.tf")]) == [
        str(live / "eks"),
        str(live / "vpc"),
    ]
    assert units_for_changed_files([str(root / "modules/eks/main.tf")]) == [str(live / "eks")]
    assert units_for_changed_files([str(live / "vpc/terragrunt.hcl")]) == [
        str(live / "eks"),
        str(live / "vpc"),
    ]
    assert units_for_changed_files([str(root / "README.md")]) == []
