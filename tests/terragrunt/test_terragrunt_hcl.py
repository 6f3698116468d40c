"""Terragrunt's HCL as Terragrunt evaluates it: includes and merge strategies, locals, functions.

Each case evaluates a unit whose module echoes what it received: ``variable "x"`` declared with the
type under test, and the inputs read back from the evaluation's variables.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from eks_ip_lint.terraform.variable_inputs import VariableInputs
from eks_ip_lint.terragrunt.unit import EvaluatedUnit, UnitEvaluator
from eks_ip_lint.values import Unknown

Tree = Callable[[dict[str, str]], Path]  # the tree fixture (conftest.py)

ECHO = """
variable "a" {
  type = any
}
variable "b" {
  type = any
  default = null
}
variable "s" {
  type    = string
  default = null
}
"""


def _unit(root: Path, unit: str, variables: VariableInputs | None = None) -> EvaluatedUnit:
    return UnitEvaluator(str(root / unit), variables or VariableInputs()).evaluate()


def _vars(root: Path, unit: str, variables: VariableInputs | None = None) -> dict[str, object]:
    evaluated = _unit(root, unit, variables)
    assert evaluated.evaluation is not None, evaluated.facts
    return dict(evaluated.evaluation.variables)


def test_find_in_parent_folders_with_and_without_a_name(tree: Tree) -> None:
    root = tree(
        {
            "terragrunt.hcl": "",  # the old-style parent: found by find_in_parent_folders()
            "live/env.hcl": "",
            "live/prod/app/main.tf": ECHO,
            "live/prod/app/terragrunt.hcl": """
                inputs = {
                  a = [find_in_parent_folders(), find_in_parent_folders("env.hcl"),
                       find_in_parent_folders("nowhere.hcl", "fallback")]
                }
            """,
        }
    )
    got = _vars(root, "live/prod/app")["a"]
    assert got == [str(root / "terragrunt.hcl"), str(root / "live" / "env.hcl"), "fallback"]


def test_find_in_parent_folders_without_a_match_or_fallback_is_an_error(tree: Tree) -> None:
    root = tree(
        {"app/main.tf": ECHO, "app/terragrunt.hcl": 'inputs = { a = find_in_parent_folders("x.hcl") }'}
    )
    got = _vars(root, "app")["a"]
    assert isinstance(got, Unknown) and "no x.hcl in a folder above" in got.reason


ROOT = """
locals {
  region = "eu-west-1"
}
inputs = {
  a = { tags = { team = "platform", env = "root" }, list = [1] }
  b = "from root"
  s = path_relative_to_include()
}
"""


@pytest.mark.parametrize(
    ("strategy", "a", "b"),
    [
        # shallow: the child's top-level input replaces the parent's whole.
        ("shallow", {"tags": {"env": "prod"}, "list": [2]}, "from root"),
        # deep: maps merged recursively, lists concatenated (parent first).
        ("deep", {"tags": {"team": "platform", "env": "prod"}, "list": [1, 2]}, "from root"),
        # deep_map_only: maps merged recursively, lists the child's.
        ("deep_map_only", {"tags": {"team": "platform", "env": "prod"}, "list": [2]}, "from root"),
        # no_merge: nothing of the parent.
        ("no_merge", {"tags": {"env": "prod"}, "list": [2]}, None),
    ],
)
def test_include_merge_strategies(tree: Tree, strategy: str, a: object, b: object) -> None:
    root = tree(
        {
            "live/root.hcl": ROOT,
            "live/prod/app/main.tf": ECHO,
            "live/prod/app/terragrunt.hcl": f"""
                include "root" {{
                  path           = find_in_parent_folders("root.hcl")
                  merge_strategy = "{strategy}"
                }}
                inputs = {{
                  a = {{ tags = {{ env = "prod" }}, list = [2] }}
                }}
            """,
        }
    )
    got = _vars(root, "live/prod/app")
    assert (got["a"], got["b"]) == (a, b)


def test_included_file_is_evaluated_in_the_unit_s_context(tree: Tree) -> None:
    root = tree(
        {
            "live/root.hcl": """
                inputs = {
                  a = [get_terragrunt_dir(), get_parent_terragrunt_dir(), path_relative_to_include(),
                       path_relative_from_include()]
                }
            """,
            "live/prod/app/main.tf": ECHO,
            "live/prod/app/terragrunt.hcl": 'include "root" {\n path = find_in_parent_folders("root.hcl")\n}\n',
        }
    )
    got = _vars(root, "live/prod/app")["a"]
    assert got == [str(root / "live/prod/app"), str(root / "live"), "prod/app", "../.."]


def test_exposed_include_and_unexposed_include(tree: Tree) -> None:
    root = tree(
        {
            "live/root.hcl": ROOT,
            "live/app/main.tf": ECHO,
            "live/app/terragrunt.hcl": """
                include "root" {
                  path   = find_in_parent_folders("root.hcl")
                  expose = true
                }
                include "other" {
                  path = find_in_parent_folders("root.hcl")
                }
                inputs = {
                  a = [include.root.locals.region, include.root.inputs.b]
                  b = include.other.locals.region
                }
            """,
        }
    )
    got = _vars(root, "live/app")
    assert got["a"] == ["eu-west-1", "from root"]
    assert isinstance(got["b"], Unknown) and "expose = true" in got["b"].reason


def test_read_terragrunt_config_is_evaluated_in_its_own_folder(tree: Tree) -> None:
    root = tree(
        {
            "live/prod/env.hcl": """
                locals {
                  environment = basename(get_terragrunt_dir())
                }
                inputs = { size = 3 }
            """,
            "live/prod/app/main.tf": ECHO,
            "live/prod/app/terragrunt.hcl": """
                locals {
                  env = read_terragrunt_config(find_in_parent_folders("env.hcl"))
                }
                inputs = {
                  a = [local.env.locals.environment, local.env.inputs.size,
                       read_terragrunt_config("missing.hcl", { fallback = true })]
                }
            """,
        }
    )
    assert _vars(root, "live/prod/app")["a"] == ["prod", 3, {"fallback": True}]


def test_get_env_run_cmd_and_read_tfvars_file(tree: Tree) -> None:
    root = tree(
        {
            "app/main.tf": ECHO,
            "app/common.tfvars": 'max_size = 5\nsubnets = ["a", "b"]\n',
            "app/terragrunt.hcl": """
                inputs = {
                  a = [get_env("CLUSTER_SIZE", "3"), jsondecode(read_tfvars_file("common.tfvars"))]
                  b = run_cmd("aws", "sts", "get-caller-identity")
                  s = get_env("NO_DEFAULT")
                }
            """,
        }
    )
    got = _vars(root, "app")
    assert got["a"] == ["3", {"max_size": 5, "subnets": ["a", "b"]}]
    assert isinstance(got["b"], Unknown) and "never runs it" in got["b"].reason
    assert isinstance(got["s"], Unknown) and "NO_DEFAULT" in got["s"].reason


def test_terraform_functions_work_in_terragrunt_files(tree: Tree) -> None:
    root = tree(
        {
            "app/main.tf": ECHO,
            "app/terragrunt.hcl": 'inputs = { a = [cidrsubnet("10.0.0.0/16", 4, 2), upper("x")] }',
        }
    )
    assert _vars(root, "app")["a"] == ["10.0.32.0/20", "X"]
