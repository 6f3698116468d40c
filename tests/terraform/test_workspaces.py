"""terraform.workspace and tfvars in subfolders pick the environment (fixture terraform/workspaces)."""

from __future__ import annotations

import pytest

from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.terraform.variables import VariableInputs

from testlib import FIXTURES

SCENARIO = FIXTURES / "terraform" / "workspaces"


def _run(workspace: str, var_file: str) -> dict[str, object]:
    request = LintRequest(paths=(".",), variables=VariableInputs(var_files=(var_file,)), workspace=workspace)
    (unit,) = lint(request).units
    (cluster,) = unit.capacity.clusters
    return {
        "name": cluster.name,
        "cidrs": [s.fact.cidr for s in cluster.subnets],
        "groups": {g.fact.address: (g.max_size, g.at[Density.FLOOR].supported) for g in cluster.node_groups},
    }


def test_prod_workspace_and_prod_tfvars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SCENARIO)
    # lookup(local.vpc_cidrs, "prod", ...) = 10.30.0.0/16; var.env == "prod" adds batch with
    # max_size "10" from envs/prod/prod.tfvars (converted to a number). Beside base (2 x 20 = 40 per
    # /24), batch fits floor(211 / 60) = 3 per subnet = 6; beside batch (5 x 60 = 300 > 251) base fits 0.
    assert _run("prod", "envs/prod/prod.tfvars") == {
        "name": "ws-prod",
        "cidrs": ["10.30.0.0/24", "10.30.1.0/24"],
        "groups": {'aws_eks_node_group.this["base"]': (4, 0), 'aws_eks_node_group.this["batch"]': (10, 6)},
    }


def test_default_workspace_and_dev_tfvars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SCENARIO)
    # lookup falls back to map["default"]; no batch group; base alone: floor(251 / 20) = 12 per subnet.
    assert _run("default", "envs/dev/dev.tfvars") == {
        "name": "ws-default",
        "cidrs": ["10.10.0.0/24", "10.10.1.0/24"],
        "groups": {'aws_eks_node_group.this["base"]': (4, 24)},
    }
