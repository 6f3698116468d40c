"""What made a Terraform value unknown (``Unknown.cause``), set where the Unknown is created.

EKSIP002 chooses its advice by cause, so each case below is the cause a user would need to act on:
an unset variable wants ``--var``, a data source wants its value written in, a module that is not
on disk wants ``terraform init``... An expression built on an unknown keeps the cause of the
unknown it was built from (``var.size * 2`` is unknown because the variable is unset).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import eks_ip_lint.terraform
from eks_ip_lint.terraform.module import ModuleEvaluation
from eks_ip_lint.values import Cause, Unknown, Value

from terraform_loader import Loader

ROOT = """
variable "size" {
  type = number
}
data "aws_ssm_parameter" "p" {
  name = "/platform/size"
}
resource "aws_subnet" "a" {
  vpc_id     = "vpc-1"
  cidr_block = "10.0.0.0/24"
}
module "remote" {
  source = "git::https://git.example.com/platform/net.git"
}
module "gone" {
  source = "./not-checked-out"
}
module "vpc" {
  source          = "terraform-aws-modules/vpc/aws"
  cidr            = "10.0.0.0/16"
  azs             = ["us-east-1a"]
  private_subnets = ["10.0.1.0/24"]
}
module "child" {
  source = "./child"
}
module "maybe" {
  source = "./child"
  count  = data.aws_ssm_parameter.p.value
}
module "off" {
  source = "./child"
  count  = 0
}
locals {
  unset       = var.size
  doubled     = var.size * 2
  template    = "${var.size}-nodes"
  data        = data.aws_ssm_parameter.p.value
  condition   = data.aws_ssm_parameter.p.value == "1" ? 1 : 2
  computed    = aws_subnet.a.id
  computed_in = [for s in [aws_subnet.a] : s.id]
  remote      = module.remote.subnet_ids
  gone        = module.gone.subnet_ids
  vpc_subnet  = module.vpc.private_subnets[0]
  vpc_arn     = module.vpc.vpc_arn
  required    = module.child.echo
  maybe       = module.maybe
  off         = module.off[0].echo
  outside     = file("/etc/hostname")
  fileset     = fileset("/etc", "*")
  bad_index   = ["a"][3]
  no_function = no_such_function(1)
  all_failed  = try(["a"][3], {}.missing)
  null_format = format("%s", null)
}
"""

CHILD = """
variable "name" {}
output "echo" {
  value = var.name
}
"""


@pytest.fixture
def root(load_module: Loader) -> ModuleEvaluation:
    return load_module({"main.tf": ROOT, "child/main.tf": CHILD})


def local(m: ModuleEvaluation, name: str) -> Value:
    return m.evaluator.eval_or_unknown(m.source.locals[name][1].expr)


@pytest.mark.parametrize(
    ("name", "cause"),
    [
        ("unset", Cause.VARIABLE_UNSET),  # no default, no --var
        ("doubled", Cause.VARIABLE_UNSET),  # arithmetic keeps the cause of its operand
        ("template", Cause.VARIABLE_UNSET),  # so does a string template
        ("data", Cause.DATA_SOURCE),  # read from the cloud account at plan
        ("condition", Cause.DATA_SOURCE),  # a condition on it: unknown for the same reason
        ("computed", Cause.APPLY_TIME),  # aws_subnet.a.id: the provider computes it
        ("computed_in", Cause.APPLY_TIME),
        ("remote", Cause.MODULE_NOT_ON_DISK),  # not downloaded and not a modelled registry module
        ("gone", Cause.MODULE_NOT_ON_DISK),  # a local source whose directory is not there
        ("vpc_subnet", Cause.APPLY_TIME),  # the registry model's subnet IDs are computed
        ("vpc_arn", Cause.UNSUPPORTED),  # an output the registry model does not cover
        ("required", Cause.INVALID),  # Terraform refuses the call: required input "name" not set
        ("maybe", Cause.DATA_SOURCE),  # count from a data source: the instances are unknown
        ("off", Cause.INVALID),  # count = 0: module.off[0] does not exist ("Invalid index")
        ("outside", Cause.FILE_NOT_READ),  # outside the module's directory: not read
        ("fileset", Cause.FILE_NOT_READ),
        ("bad_index", Cause.INVALID),  # Terraform: "Invalid index"
        ("no_function", Cause.UNSUPPORTED),  # a function eks-ip-lint does not implement
        ("all_failed", Cause.INVALID),  # every argument of try() is an error Terraform raises too
        ("null_format", Cause.APPLY_TIME),  # terraform console shows "(known after apply)"
    ],
)
def test_cause_of_each_unknown(root: ModuleEvaluation, name: str, cause: Cause) -> None:
    value = local(root, name)
    if isinstance(value, list):  # computed_in, vpc_subnet lists: the element is the unknown
        (value,) = value
    assert isinstance(value, Unknown), value
    assert value.cause is cause, value


def test_notes_of_module_calls_carry_the_cause(root: ModuleEvaluation) -> None:
    """Notes become EKSIP002 findings, so they carry the cause of what could not be modelled."""
    causes = {n.address: n.cause for c in root.called_modules() for n in c.notes}
    assert causes == {
        "module.remote": Cause.MODULE_NOT_ON_DISK,
        "module.maybe": Cause.DATA_SOURCE,
    }
    # A local source directory that does not exist is an error (terraform init refuses it), not
    # a note: EKSIP000 at the call's source line (tests/terraform/test_rejected_inputs.py).
    errors = [e.message for c in root.called_modules() for e in c.errors]
    assert len(errors) == 1 and errors[0].startswith("module gone: the local module directory ")


def test_resource_arguments_keep_the_cause(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
variable "max" {}
resource "aws_eks_node_group" "ng" {
  subnet_ids = [aws_subnet.a.id]
  scaling_config {
    max_size = var.max + 1
  }
}
resource "aws_subnet" "a" {
  cidr_block = "10.0.0.0/24"
}
data "aws_ssm_parameter" "n" {
  name = "/n"
}
resource "aws_subnet" "by_data" {
  count      = data.aws_ssm_parameter.n.value
  cidr_block = "10.0.1.0/24"
}
resource "aws_route_table_association" "by_id" {
  for_each  = toset([aws_subnet.a.id])
  subnet_id = each.key
}
"""
        }
    )
    found = m.instances("aws_eks_node_group", "ng")
    assert not isinstance(found, Unknown)
    (ng,) = found
    subnet_ids, scaling = ng.values["subnet_ids"], ng.values["scaling_config"]
    assert isinstance(subnet_ids, list) and isinstance(scaling, list) and isinstance(scaling[0], dict)
    (subnet_id,) = subnet_ids
    assert isinstance(subnet_id, Unknown) and subnet_id.cause is Cause.APPLY_TIME
    max_size = scaling[0]["max_size"]
    assert isinstance(max_size, Unknown) and max_size.cause is Cause.VARIABLE_UNSET
    by_data = m.instances("aws_subnet", "by_data")
    assert isinstance(by_data, Unknown) and by_data.cause is Cause.DATA_SOURCE
    # for_each keys known only after apply: Terraform refuses them ("Invalid for_each argument").
    by_id = m.instances("aws_route_table_association", "by_id")
    assert isinstance(by_id, Unknown) and by_id.cause is Cause.APPLY_TIME


def test_every_unknown_made_in_terraform_names_its_cause() -> None:
    """Every ``Unknown(...)``, ``SymbolicMap(...)`` and ``Note(...)`` built in terraform/ passes
    ``cause=``: the default (UNSUPPORTED) would otherwise hide what made the value unknown."""
    package = Path(eks_ip_lint.terraform.__file__).parent
    missing = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("Unknown", "SymbolicMap", "Note")
                and not any(k.arg == "cause" for k in node.keywords)
            ):
                missing.append(f"{path.relative_to(package)}:{node.lineno}")
    assert not missing, missing
