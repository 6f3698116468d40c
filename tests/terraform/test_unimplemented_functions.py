"""A Terraform function eks-ip-lint does not implement makes only its own call unknown.

Seen in a real repository: one such call inside ``eks_managed_node_groups`` raised an evaluation
error, which made the whole map (every node group) unknown. Terraform evaluates these functions,
so only the value they produce is unknown here; a name that is no Terraform function is still the
error Terraform gives ("Call to unknown function").
"""

from __future__ import annotations

from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.terraform.functions import FUNCTIONS, TERRAFORM_BUILTINS
from eks_ip_lint.values import Cause, Unknown

from terraform_loader import Loader


def test_one_unimplemented_call_leaves_the_rest_of_the_map_known(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
locals {
  groups = {
    general = { instance_types = ["m5.large"], max_size = 3, description = strrev("abc") }
    gpu     = { instance_types = ["g5.xlarge"], max_size = 2 }
  }
  typo = chompp("x")
}
output "groups" { value = local.groups }
output "typo" { value = local.typo }
"""
        }
    )
    groups = m.evaluator.eval_or_unknown(ast.GetAttr(ast.Name("local", 1), "groups", 1), {})
    assert isinstance(groups, dict)
    assert groups["gpu"] == {"instance_types": ["g5.xlarge"], "max_size": 2}
    assert groups["general"]["max_size"] == 3  # type: ignore[index]
    description = groups["general"]["description"]  # type: ignore[index]
    assert isinstance(description, Unknown) and description.cause is Cause.UNSUPPORTED
    typo = m.evaluator.eval_or_unknown(ast.GetAttr(ast.Name("local", 1), "typo", 1), {})
    assert isinstance(typo, Unknown) and "no function named" in typo.reason


def test_every_implemented_function_is_a_terraform_builtin() -> None:
    assert set(FUNCTIONS) <= TERRAFORM_BUILTINS
