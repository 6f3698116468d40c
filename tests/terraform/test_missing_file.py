"""file()/templatefile() of a file that is not there (issue 13, item 7).

Terraform fails on such a call, but in a checkout the file is often written by a CI step before
plan, or ignored by git. The call used to raise, which made the whole expression around it
unknown: a ``locals { node_groups = { a = { user_data = file(...) } } }`` map, and with it every
node group iterated over it. Now only the call's value is unknown (cause file-not-read), and
inside ``try()``/``can()`` it is the error Terraform's ``try`` catches.
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
from eks_ip_lint.rules.eksip002_unresolved_value import ADVICE
from eks_ip_lint.values import Cause, Unknown

from terraform_loader import Loader
from testlib import FIXTURES


def test_only_the_call_is_unknown(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
locals {
  groups = {
    a = { max = 3, user_data = file("${path.module}/missing.sh") }
    b = { max = 2, user_data = templatefile("${path.module}/missing.tpl", { x = 1 }) }
  }
  fallback = try(file("${path.module}/missing.sh"), "none")
  readable = can(file("${path.module}/missing.sh"))
  present  = file("${path.module}/present.txt")
}
""",
            "present.txt": "here",
        }
    )

    def local(name: str) -> object:
        return m.evaluator.eval_or_unknown(m.source.locals[name][1].expr)

    groups = local("groups")
    assert isinstance(groups, dict) and [g["max"] for g in groups.values()] == [3, 2]  # type: ignore[index]
    for group, call in (("a", "file"), ("b", "templatefile")):
        user_data = groups[group]["user_data"]  # type: ignore[index]
        assert isinstance(user_data, Unknown) and user_data.cause is Cause.FILE_NOT_READ
        assert user_data.reason.startswith(f'{call}(): no file exists at "./missing.')
    assert local("fallback") == "none"
    assert local("readable") is False
    assert local("present") == "here"


def _report(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    main([".", "--format", "json", "--no-cache", "--no-config", "--fail-on", "never"])
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def test_fixture_keeps_every_node_group(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/fixtures/terraform/missing-file: three node groups iterate a map whose entries read
    files that are not in the checkout. All three are analysed; only "spot"'s max size is unknown.

    * general: m5.large (3 ENIs x 10 IPs): max pods 3 x (10 - 1) + 2 = 29; a full node
      27 pods -> 3 ENIs = 30 IPs, the warm floor 2 ENIs = 20 IPs. Max 4 over two subnets: 2 + 2.
    * batch: c5.xlarge (4 ENIs x 15 IPs): max pods 4 x 14 + 2 = 58, full 56 pods -> 4 ENIs = 60
      IPs, floor 2 x 15 = 30. Max 2: 1 + 1. Its try(file(...), "") fell back to "".
    * spot: max size unknown (its sizes file is missing): EKSIP002 with the file-not-read advice.
    * each /22 subnet: 2^(32-22) - 5 = 1019 usable; configured demand 2 x 30 + 1 x 60 = 120,
      floor 2 x 20 + 1 x 30 = 70 (spot's unknown size adds nothing it could count).
    """
    monkeypatch.chdir(FIXTURES / "terraform" / "missing-file")
    report = _report(capsys)
    (cluster,) = report["units"][0]["clusters"]
    groups = {g["name"]: g for g in cluster["node_groups"]}
    assert sorted(groups) == ["batch", "general", "spot"]
    assert (groups["general"]["instance_type_used"], groups["general"]["max_size"]) == ("m5.large", 4)
    assert groups["general"]["max_pods"] == 3 * (10 - 1) + 2
    assert groups["general"]["ips_per_node"] == {"floor": 2 * 10, "configured": 3 * 10}
    assert (groups["batch"]["instance_type_used"], groups["batch"]["max_size"]) == ("c5.xlarge", 2)
    assert groups["batch"]["max_pods"] == 4 * (15 - 1) + 2
    assert groups["spot"]["instance_type_used"] == "m5.large" and groups["spot"]["max_size"] is None
    assert "no file exists" in groups["spot"]["unknown"]["max_size"]
    for subnet in cluster["subnets"]:
        assert subnet["usable_ips"] == 2 ** (32 - 22) - 5
        assert subnet["demand_at_max_configured"] == 2 * 30 + 1 * 60
        assert subnet["demand_at_max_floor"] == 2 * 20 + 1 * 30
    (finding,) = report["findings"]
    assert finding["rule_id"] == "EKSIP002" and finding["address"] == 'aws_eks_node_group.ng["spot"]'
    assert 'no file exists at "./sizes/spot.json"' in finding["message"]
    assert finding["fix"] == ADVICE[Cause.FILE_NOT_READ]


def test_terraform_try_and_can_catch_a_missing_file(tmp_path: Path) -> None:
    exe = shutil.which("terraform")
    if exe is None:
        pytest.skip("terraform not on PATH: cross-check against terraform console skipped")
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    console = subprocess.run(
        [exe, "console"],
        input='jsonencode([try(file("missing.sh"), "none"), can(file("missing.sh"))])\n',
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert console.returncode == 0, console.stderr
    assert json.loads(json.loads(console.stdout.strip())) == ["none", False]
