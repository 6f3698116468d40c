"""Module calls: registry models (version from version/ref/input names), local modules, unknowns."""

from __future__ import annotations

from eks_ip_lint.terraform.registry import match
from eks_ip_lint.values import Unknown

from terraform_loader import Loader


def test_eks_generation_from_version_ref_and_input_names() -> None:
    assert match("terraform-aws-modules/eks/aws", "~> 20.0", []).description.startswith(  # type: ignore[union-attr]
        "terraform-aws-modules/eks/aws v18-v20"
    )
    git = "git::https://github.com/terraform-aws-modules/terraform-aws-eks.git?ref=v17.24.0"
    assert "v17" in match(git, None, []).description  # type: ignore[union-attr]
    assert "v21" in match("terraform-aws-modules/eks/aws", None, ["name", "addons"]).description  # type: ignore[union-attr]
    assert "v17" in match("terraform-aws-modules/eks/aws", None, ["worker_groups"]).description  # type: ignore[union-attr]
    assert match("git::https://example.com/eks.git", None, []) is None


def test_vpc_outputs_keep_order_and_wrap_azs(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
module "vpc" {
  source          = "terraform-aws-modules/vpc/aws"
  cidr            = "10.0.0.0/16"
  azs             = ["a1", "b1"]
  private_subnets = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]
}
locals {
  second = module.vpc.private_subnets[1]
  two    = slice(module.vpc.private_subnets, 0, 2)
  cidrs  = module.vpc.private_subnets_cidr_blocks
  arn    = module.vpc.vpc_arn
}
"""
        }
    )
    second = m.evaluator.eval(m.source.locals["second"][1].expr)
    assert isinstance(second, Unknown) and second.key == "module.vpc.aws_subnet.private[1].id"
    two = m.evaluator.eval(m.source.locals["two"][1].expr)
    assert isinstance(two, list) and [u.key for u in two if isinstance(u, Unknown)] == [
        "module.vpc.aws_subnet.private[0].id",
        "module.vpc.aws_subnet.private[1].id",
    ]
    assert m.evaluator.eval(m.source.locals["cidrs"][1].expr) == ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]
    arn = m.evaluator.eval(m.source.locals["arn"][1].expr)
    assert isinstance(arn, Unknown) and arn.key == "module.vpc.vpc_arn"
    synthesized = m.called_module("vpc").instances[0].synthesized
    assert synthesized is not None
    subnets = [r for r in synthesized.resources if r.type == "aws_subnet"]
    # subnet i lands in azs[i % 2]: a1, b1, a1 ("a1" is not an AZ name, so it is an AZ ID)
    assert [s.values["availability_zone_id"] for s in subnets] == ["a1", "b1", "a1"]


def test_create_false_declares_nothing_and_cluster_name_output(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
module "off" {
  source = "terraform-aws-modules/eks/aws"
  create = false
  name   = "off"
}
module "on" {
  source       = "terraform-aws-modules/eks/aws"
  version      = "19.21.0"
  cluster_name = "on"
  subnet_ids   = ["subnet-1"]
  eks_managed_node_groups = {
    a = {}
  }
}
locals {
  name = module.on.cluster_name
}
"""
        }
    )
    off = m.called_module("off").instances[0].synthesized
    assert off is not None and off.resources == []
    assert m.evaluator.eval(m.source.locals["name"][1].expr) == "on"
    on = m.called_module("on").instances[0].synthesized
    assert on is not None
    (ng,) = [r for r in on.resources if r.type == "aws_eks_node_group"]
    # v18-v20 defaults when a group sets nothing: min 1, max 3, desired 1, instance_types null.
    assert ng.values["scaling_config"] == [{"min_size": 1, "max_size": 3, "desired_size": 1}]
    assert ng.values["instance_types"] is None
    assert ng.address == 'module.on.module.eks_managed_node_group["a"].aws_eks_node_group.this[0]'
    assert ng.span.line == 13  # the line of `a = {}` in the caller (line 1 is the blank first line)


def test_local_module_outputs_and_remote_module_unknown(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
module "net" {
  source = "./net"
  base   = "10.9.0.0/16"
}
module "remote" {
  source = "git::https://example.com/x.git"
}
locals {
  cidr  = module.net.cidr
  other = module.remote.thing
}
""",
            "net/main.tf": """
variable "base" { type = string }
output "cidr" { value = cidrsubnet(var.base, 8, 3) }
""",
        }
    )
    assert m.evaluator.eval(m.source.locals["cidr"][1].expr) == "10.9.3.0/24"
    other = m.evaluator.eval(m.source.locals["other"][1].expr)
    assert isinstance(other, Unknown) and other.key == "module.remote.thing"
    assert "not on disk" in other.reason
    assert m.called_module("net").kind == "local"
