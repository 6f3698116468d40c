"""Inputs Terraform would reject are errors, not info (issue 13, item 13).

* ``--var nope=1`` where no root module of the run declares ``nope``: exit 2 (Terraform: "Value
  for undeclared variable"). In a run over several root modules a ``--var`` meant for one of them
  is fine: only a name none declares is refused.
* ``--var max=abc`` for a ``number`` variable: exit 2 ("Invalid value for input variable"); the
  same value in a tfvars file is EKSIP000 at its line.
* a local that refers to itself, directly or through other locals: EKSIP000 at its line
  ("Self-referencing local value", "Cycle").
* a local module directory that does not exist: EKSIP000 at the call's ``source`` line
  (terraform init: "Unreadable module directory").

The last test asks the real ``terraform`` the same questions.
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
from eks_ip_lint.terraform.module_source import read_module

from testlib import FIXTURES

FIXTURE = FIXTURES / "terraform" / "rejected-inputs"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any] | None, str]:
    code = main([*args, "--format", "json", "--no-cache", "--no-config"])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if out.out.strip() else None), out.err


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_fixture_reports_what_terraform_refuses(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The self-referencing local and the missing module directory are EKSIP000 errors at their
    lines (so the run exits 1); the node group is still analysed.

    m5.large: 3 ENIs x 10 IPs, max pods 3 x 9 + 2 = 29, a full node 30 IPs, the warm floor 20.
    The /25 has 2^(32-25) - 5 = 123 usable IPs; at max 3 nodes it needs 3 x 30 = 90 (floor 3 x 20 = 60).
    """
    monkeypatch.chdir(FIXTURE)
    code, report, _ = run(capsys, ".")
    assert code == 1 and report is not None
    errors = sorted((f["line"], f["message"]) for f in report["findings"] if f["rule_id"] == "EKSIP000")
    main_tf = FIXTURE / "main.tf"
    assert errors == [
        (
            line_of(main_tf, "tags = merge(local.tags"),
            "local.tags refers to itself (Terraform: Self-referencing local value); "
            "Terraform would refuse this configuration",
        ),
        (
            line_of(main_tf, 'source       = "./modules/addons"'),
            "module addons: the local module directory modules/addons does not exist; "
            "Terraform would refuse this configuration",
        ),
    ]
    assert all(f["severity"] == "error" for f in report["findings"] if f["rule_id"] == "EKSIP000")
    (cluster,) = report["units"][0]["clusters"]
    (group,) = cluster["node_groups"]
    assert (group["max_size"], group["ips_per_node"]) == (3, {"floor": 20, "configured": 30})
    (subnet,) = cluster["subnets"]
    assert subnet["usable_ips"] == 2 ** (32 - 25) - 5
    assert (subnet["demand_at_max_floor"], subnet["demand_at_max_configured"]) == (3 * 20, 3 * 30)


def test_undeclared_var_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURE)
    code, report, err = run(capsys, ".", "--var", "nope=1")
    assert (code, report) == (2, None)
    assert '--var nope: the root module does not declare a variable "nope"' in err


def test_a_number_variable_refuses_abc(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURE)
    code, report, err = run(capsys, ".", "--var", "max=abc")
    assert (code, report) == (2, None)
    assert (
        '--var max: the value of var.max is not of its type number: a number is required, not the string "abc"'
        in err
    )


def test_a_number_variable_takes_5(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """max=5: 5 x 30 = 150 IPs at max size, more than the /25's 123."""
    monkeypatch.chdir(FIXTURE)
    code, report, _ = run(capsys, ".", "--var", "max=5", "--fail-on", "never")
    assert code == 0 and report is not None
    (cluster,) = report["units"][0]["clusters"]
    assert cluster["node_groups"][0]["max_size"] == 5
    assert cluster["subnets"][0]["demand_at_max_configured"] == 5 * 30 > 2 ** (32 - 25) - 5


def test_a_var_for_one_of_several_root_modules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "network").mkdir()
    (tmp_path / "network" / "main.tf").write_text(
        'variable "cidr" {\n  type = string\n}\nresource "aws_vpc" "v" {\n  cidr_block = var.cidr\n}\n'
    )
    (tmp_path / "eks").mkdir()
    (tmp_path / "eks" / "main.tf").write_text('resource "aws_eks_cluster" "c" {\n  name = "x"\n}\n')
    code, _, _ = run(capsys, str(tmp_path), "--var", "cidr=10.0.0.0/16", "--fail-on", "never")
    assert code == 0  # declared by network/, not by eks/: meant for network/
    code, report, err = run(capsys, str(tmp_path), "--var", "cidr=10.0.0.0/16", "--var", "nope=1")
    assert (code, report) == (2, None)
    assert '--var nope: none of the 2 root modules declare a variable "nope"' in err


def test_a_tfvars_value_of_the_wrong_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text('variable "max" {\n  type = number\n}\nresource "aws_vpc" "v" {}\n')
    (tmp_path / "terraform.tfvars").write_text('# sizes\nmax = "abc"\n')
    code, report, _ = run(capsys, str(tmp_path))
    assert code == 1 and report is not None
    (finding,) = report["findings"]
    assert (finding["rule_id"], finding["file"].endswith("terraform.tfvars"), finding["line"]) == (
        "EKSIP000",
        True,
        2,
    )
    assert 'a number is required, not the string "abc"' in finding["message"]


@pytest.mark.parametrize(
    ("locals_text", "expected"),
    [
        ("a = local.a + 1", [("local.a refers to itself (Terraform: Self-referencing local value)", 2)]),
        # Terraform's graph holds every reference written, taken branch or not.
        (
            "a = true ? 1 : local.a",
            [("local.a refers to itself (Terraform: Self-referencing local value)", 2)],
        ),
        (
            "x = 1\n  a = [local.b]\n  b = { v = local.c }\n  c = local.a",
            [("locals refer to each other in a cycle: local.a -> local.b -> local.c -> local.a", 3)],
        ),
        ("a = local.b\n  b = 2", []),
    ],
)
def test_local_cycles(tmp_path: Path, locals_text: str, expected: list[tuple[str, int]]) -> None:
    (tmp_path / "main.tf").write_text(f"locals {{\n  {locals_text}\n}}\n")
    assert [(e.message, e.line) for e in read_module(str(tmp_path)).errors] == expected


def _tf(exe: str, cwd: Path, *args: str, stdin: str = "") -> str:
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    proc = subprocess.run(
        [exe, *args, "-no-color"],
        input=stdin,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return proc.stdout + proc.stderr


def test_terraform_refuses_the_same(tmp_path: Path) -> None:
    exe = shutil.which("terraform")
    if exe is None:
        pytest.skip("terraform not on PATH: cross-check against terraform skipped")
    (tmp_path / "main.tf").write_text('variable "max" {\n  type    = number\n  default = 3\n}\n')
    assert "Error" not in _tf(exe, tmp_path, "init", "-backend=false", "-input=false")
    assert "Error: Value for undeclared variable" in _tf(
        exe, tmp_path, "console", "-var", "nope=1", stdin="var.max\n"
    )
    assert "Error: Invalid value for input variable" in _tf(
        exe, tmp_path, "console", "-var", "max=abc", stdin="var.max\n"
    )
    (tmp_path / "locals.tf").write_text('locals {\n  tags = merge(local.tags, { team = "platform" })\n}\n')
    assert "Error: Self-referencing local value" in _tf(exe, tmp_path, "console", stdin="local.tags\n")
    (tmp_path / "locals.tf").unlink()
    (tmp_path / "addons.tf").write_text('module "addons" {\n  source = "./modules/addons"\n}\n')
    assert "Error: Unreadable module directory" in _tf(
        exe, tmp_path, "init", "-backend=false", "-input=false"
    )
