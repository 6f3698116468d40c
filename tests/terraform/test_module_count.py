"""Module calls with ``count``/``for_each`` that create no instance (issue 13, item 1).

``count = var.enabled ? 1 : 0`` is how most real repositories switch a module off. Terraform makes
such a call an empty tuple (count = 0) or an empty object (for_each = {} or toset([])): the module
declares nothing, ``length(module.m)`` is 0, and ``module.m[0]`` is an error ("Invalid index: the
collection has no elements"). A count or for_each that is unknown (from a data source) leaves the
module's instances unknown, reported as EKSIP002, never a crash (the run used to exit 3 for every
module of the repository).

The CLI tests run ``eks_ip_lint.cli.main`` on Terraform written into tmp_path; the cross-check at
the end asks the real ``terraform console`` what these calls evaluate to (local modules only, so
``terraform init`` needs no provider and no network).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.cli import main
from eks_ip_lint.values import Cause, Unknown

from terraform_loader import Loader

# A cluster and its node group, in a module the root calls. m5.large: 3 ENIs x 10 IPv4 addresses.
# At max 2 nodes the warm pool floor (WARM_ENI_TARGET=1: 2 ENIs x 10 = 20 IPs per node) needs
# 2 x 20 = 40 of the /24's 251 usable IPs, and even full nodes (3 ENIs, 30 IPs) need 60: no finding.
EKS_MODULE = """
variable "subnet_ids" {
  type = list(string)
}
resource "aws_eks_cluster" "this" {
  name     = "switchable"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = var.subnet_ids
  }
}
resource "aws_eks_node_group" "this" {
  cluster_name   = aws_eks_cluster.this.name
  node_role_arn  = "arn:aws:iam::111122223333:role/node"
  subnet_ids     = var.subnet_ids
  instance_types = ["m5.large"]
  scaling_config {
    min_size     = 1
    max_size     = 2
    desired_size = 1
  }
}
output "cluster_name" {
  value = aws_eks_cluster.this.name
}
"""

SUBNET = """
resource "aws_subnet" "a" {
  vpc_id            = "vpc-1"
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code = main([str(root), *args, "--format", "json", "--no-cache", "--no-config"])
    return code, json.loads(capsys.readouterr().out)


def node_groups(report: dict[str, Any]) -> list[str]:
    return [g["address"] for u in report["units"] for c in u["clusters"] for g in c["node_groups"]]


def test_count_zero_module_is_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's reproduction: it exited 3 (zip() of no keys against no instances)."""
    root = write(
        tmp_path,
        {
            "main.tf": 'module "m" {\n  source = "./m"\n  count  = 0\n}\n',
            "m/main.tf": 'variable "x" {\n  default = 1\n}\n',
        },
    )
    code, report = run(capsys, root)
    assert code == 0
    # One unit (the root; ./m is a called module, not a unit of its own), declaring nothing.
    assert [(u["path"], u["clusters"]) for u in report["units"]] == [(str(root), [])]
    assert report["findings"] == []


@pytest.mark.parametrize(
    ("enabled", "expected"),
    [
        # enabled = false: count = 0, the module declares nothing, so there is no cluster at all.
        ("false", []),
        # enabled = true: count = 1, one instance, module.eks[0], with its cluster and node group.
        ("true", ["module.eks[0].aws_eks_node_group.this"]),
    ],
)
def test_count_from_a_switch_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], enabled: str, expected: list[str]
) -> None:
    root = write(
        tmp_path,
        {
            "main.tf": SUBNET
            + """
variable "enabled" {
  type = bool
}
module "eks" {
  source     = "./eks"
  count      = var.enabled ? 1 : 0
  subnet_ids = [aws_subnet.a.id]
}
""",
            "eks/main.tf": EKS_MODULE,
        },
    )
    code, report = run(capsys, root, "--var", f"enabled={enabled}")
    assert code == 0
    assert node_groups(report) == expected
    clusters = [c["name"] for u in report["units"] for c in u["clusters"]]
    assert clusters == (["switchable"] if expected else [])
    assert report["findings"] == []


@pytest.mark.parametrize("for_each", ["{}", "toset([])", "{ for k in [] : k => k }"])
def test_empty_for_each_declares_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], for_each: str
) -> None:
    """An empty map or set: no instance, so no cluster and no node group (and no finding)."""
    root = write(
        tmp_path,
        {
            "main.tf": SUBNET
            + f"""
module "eks" {{
  source     = "./eks"
  for_each   = {for_each}
  subnet_ids = [aws_subnet.a.id]
}}
""",
            "eks/main.tf": EKS_MODULE,
        },
    )
    code, report = run(capsys, root)
    assert code == 0
    assert node_groups(report) == [] and report["units"][0]["clusters"] == []
    assert report["findings"] == []


def test_unknown_count_leaves_the_module_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A count read from a data source is known only at plan: the module's instances are unknown.
    That is an EKSIP002 (info) naming the call, not a guess of 0 or 1 and not a crash."""
    main_tf = (
        SUBNET
        + """
data "aws_ssm_parameter" "eks_enabled" {
  name = "/platform/eks-enabled"
}
module "eks" {
  source     = "./eks"
  count      = data.aws_ssm_parameter.eks_enabled.value == "true" ? 1 : 0
  subnet_ids = [aws_subnet.a.id]
}
"""
    )
    root = write(tmp_path, {"main.tf": main_tf, "eks/main.tf": EKS_MODULE})
    count_line = next(i for i, line in enumerate(main_tf.splitlines(), 1) if "count" in line)
    code, report = run(capsys, root)
    assert code == 0  # an info finding does not fail the run (--fail-on error)
    assert node_groups(report) == []
    (note,) = report["findings"]
    assert (note["rule_id"], note["severity"], note["address"]) == ("EKSIP002", "info", "module.eks")
    assert "count is unknown" in note["message"]
    assert note["line"] == count_line


def test_outputs_of_a_count_zero_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``length(module.net)`` is 0 and ``module.net[0].subnet_id`` does not exist.

    The node group's max_size is 2 + length(module.net) = 2 + 0 = 2, so 2 is read. Its subnet_ids
    name module.net[0], which Terraform rejects (Invalid index): the subnets are unresolved (an
    EKSIP002 whose reason says why), and the run goes on."""
    root = write(
        tmp_path,
        {
            "main.tf": """
module "net" {
  source = "./net"
  count  = 0
}
resource "aws_eks_cluster" "this" {
  name     = "c"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}
resource "aws_eks_node_group" "ng" {
  cluster_name   = aws_eks_cluster.this.name
  node_role_arn  = "arn:aws:iam::111122223333:role/node"
  subnet_ids     = [module.net[0].subnet_id]
  instance_types = ["m5.large"]
  scaling_config {
    min_size     = 1
    max_size     = 2 + length(module.net)
    desired_size = 1
  }
}
""",
            "net/main.tf": 'output "subnet_id" {\n  value = "subnet-2"\n}\n',
        },
    )
    code, report = run(capsys, root, "--fail-on", "never")
    assert code == 0
    (cluster,) = report["units"][0]["clusters"]
    (group,) = cluster["node_groups"]
    assert group["address"] == "aws_eks_node_group.ng" and group["max_size"] == 2
    reasons = [f["message"] for f in report["findings"] if f["rule_id"] == "EKSIP002"]
    assert any("module.net[0] does not exist" in r for r in reasons), reasons


def test_references_to_calls_without_instances(load_module: Loader) -> None:
    """What ``module.x`` evaluates to, as ``terraform console`` shows (see the cross-check below):
    [] for count = 0, {} for an empty for_each; an index into either is an error with its reason."""
    m = load_module(
        {
            "main.tf": """
module "off" {
  source = "./m"
  count  = 0
}
module "none" {
  source   = "./m"
  for_each = {}
}
data "aws_ssm_parameter" "p" {
  name = "/n"
}
module "maybe" {
  source = "./m"
  count  = data.aws_ssm_parameter.p.value
}
locals {
  off     = module.off
  none    = module.none
  n       = length(module.off)
  first   = module.off[0].x
  fallback = try(module.off[0].x, "none")
  keyed   = module.none["a"].x
  maybe   = module.maybe
}
""",
            "m/main.tf": 'variable "x" {\n  default = 1\n}\noutput "x" {\n  value = var.x\n}\n',
        }
    )

    def local(name: str) -> object:
        return m.evaluator.eval_or_unknown(m.source.locals[name][1].expr)

    assert local("off") == [] and local("none") == {} and local("n") == 0
    assert local("fallback") == "none"
    first = local("first")
    assert isinstance(first, Unknown) and first.cause is Cause.INVALID  # Terraform: "Invalid index"
    assert "module.off[0] does not exist" in first.reason and "count is 0" in first.reason
    keyed = local("keyed")
    assert isinstance(keyed, Unknown) and 'module.none["a"] does not exist' in keyed.reason
    maybe = local("maybe")
    assert isinstance(maybe, Unknown) and maybe.cause is Cause.DATA_SOURCE
    assert [c.instances for c in m.called_modules()] == [[], [], []]


def test_terraform_agrees_on_calls_without_instances(tmp_path: Path) -> None:
    """``terraform console`` on the same calls: [] for count = 0, {} for for_each = {} and
    toset([]), length 0, and try() falls back because module.m[0] is an error."""
    exe = shutil.which("terraform")
    if exe is None:
        pytest.skip("terraform not on PATH: cross-check against terraform console skipped")
    write(
        tmp_path,
        {
            "main.tf": """
module "off" {
  source = "./m"
  count  = 0
}
module "none" {
  source   = "./m"
  for_each = {}
}
module "empty_set" {
  source   = "./m"
  for_each = toset([])
}
""",
            "m/main.tf": 'variable "x" {\n  default = 1\n}\noutput "x" {\n  value = var.x\n}\n',
        },
    )
    # Local modules only: init installs nothing from the network. No update check either.
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    init = subprocess.run(
        [exe, "init", "-backend=false", "-input=false", "-no-color"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    console = subprocess.run(
        [exe, "console"],
        input='jsonencode([module.off, module.none, module.empty_set, length(module.off), try(module.off[0].x, "none")])\n',
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert console.returncode == 0, console.stderr
    assert json.loads(json.loads(console.stdout.strip())) == [[], {}, {}, 0, "none"]
