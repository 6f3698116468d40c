"""``azs = data.aws_availability_zones.available.names`` unsliced (issue 13, item 8).

The list holds distinct AZs, N of them, N known only at plan. Terraform places ``element(azs, i)``
and ``azs[i % length(azs)]`` in AZ i mod N. eks-ip-lint takes N to be at least the number of
positions the configuration places in the list, so position i is ``names[i]``, and says so in an
EKSIP002 note at the data block (cause data-source). Subnets at the same position share an AZ;
``azs[i % 3]`` with a known 3 puts i and i + 3 in the same AZ, as Terraform does.
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

NAMES = "data.aws_availability_zones.available.names"


def test_positions_in_the_unsliced_list(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
data "aws_availability_zones" "available" {}
locals {
  azs      = data.aws_availability_zones.available.names
  by_elem  = [for i in range(4) : element(local.azs, i)]
  by_mod   = [for i in range(4) : local.azs[i % length(local.azs)]]
  by_three = [for i in range(6) : local.azs[i % 3]]
  elem_mod = element(local.azs, 5 % length(local.azs))
  count    = length(local.azs)
}
"""
        }
    )

    def keys(name: str) -> list[str | None]:
        value = m.evaluator.eval_or_unknown(m.source.locals[name][1].expr)
        assert isinstance(value, list), value
        return [v.key if isinstance(v, Unknown) else None for v in value]

    assert keys("by_elem") == [f"{NAMES}[{i}]" for i in range(4)]
    assert keys("by_mod") == [f"{NAMES}[{i}]" for i in range(4)]
    # A known modulus: i and i + 3 are the same AZ, as in Terraform.
    assert keys("by_three") == [f"{NAMES}[{i % 3}]" for i in range(6)]
    elem_mod = m.evaluator.eval_or_unknown(m.source.locals["elem_mod"][1].expr)
    assert isinstance(elem_mod, Unknown) and elem_mod.key == f"{NAMES}[5]"
    count = m.evaluator.eval_or_unknown(m.source.locals["count"][1].expr)
    assert isinstance(count, Unknown) and count.cause is Cause.DATA_SOURCE  # the length itself stays unknown
    # Positions 0..5 were used: the AZ count is assumed to be at least 6.
    assert m.positions == {NAMES: 5}


def _report(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    main([".", "--format", "json", "--no-cache", "--no-config", "--fail-on", "never"])
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def test_fixture_places_subnets_as_terraform_would(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/fixtures/terraform/unsliced-azs.

    private[i] (element(azs, i)) and pods[i] (azs[i % length(azs)]) are at position i: the same
    AZ, names[i], i = 0..2. edge[i] is at position i % 3: edge[0] and edge[3] share names[0].
    Node group main (6 subnets, 3 AZs) max 6: 6 / 3 = 2 per AZ, one in each of its 2 subnets
    there; edge likewise 2 per AZ, one in each edge subnet. m5.large: 30 IPs per full node
    (3 ENIs x 10), 20 at the warm floor, so each subnet needs 1 x 30 = 30 (floor 20); an edge /26
    has 2^(32-26) - 5 = 59 usable IPs, a /24 251.
    """
    monkeypatch.chdir(FIXTURES / "terraform" / "unsliced-azs")
    report = _report(capsys)
    (cluster,) = report["units"][0]["clusters"]
    azs = {s["address"]: s["az"] for s in cluster["subnets"]}
    for i in range(3):
        assert azs[f"aws_subnet.private[{i}]"] == azs[f"aws_subnet.pods[{i}]"] == f"{NAMES}[{i}]"
    for i in range(6):
        assert azs[f"aws_subnet.edge[{i}]"] == f"{NAMES}[{i % 3}]"
    groups = {g["address"]: g for g in cluster["node_groups"]}
    assert groups["aws_eks_node_group.main"]["nodes_at_max_size"] == {
        **{f"aws_subnet.private[{i}]": 1 for i in range(3)},
        **{f"aws_subnet.pods[{i}]": 1 for i in range(3)},
    }
    assert groups["aws_eks_node_group.edge"]["nodes_at_max_size"] == {
        f"aws_subnet.edge[{i}]": 1 for i in range(6)
    }
    for s in cluster["subnets"]:
        prefix = int(s["cidr"].split("/")[1])
        assert s["usable_ips"] == 2 ** (32 - prefix) - 5
        assert (s["demand_at_max_floor"], s["demand_at_max_configured"]) == (20, 30)
    (note,) = [f for f in report["findings"] if f["rule_id"] == "EKSIP002"]
    main_tf = FIXTURES / "terraform" / "unsliced-azs" / "main.tf"
    data_line = next(
        i for i, line in enumerate(main_tf.read_text().splitlines(), 1) if line.startswith("data ")
    )
    assert (note["rule_id"], note["severity"], note["line"]) == ("EKSIP002", "info", data_line)
    assert note["address"] == "data.aws_availability_zones.available"
    assert "assumed to have at least 3 AZs" in note["message"]
    assert "positions i and i + N in the same AZ" in note["message"]
    assert note["fix"] == ADVICE[Cause.DATA_SOURCE]


def test_terraform_wraps_positions_at_the_list_length(tmp_path: Path) -> None:
    """What the assumption stands for: with a list of N = 3 AZs, element(azs, i) and
    azs[i % length(azs)] are the AZ i mod 3, so positions i and i + 3 share an AZ."""
    exe = shutil.which("terraform")
    if exe is None:
        pytest.skip("terraform not on PATH: cross-check against terraform console skipped")
    (tmp_path / "main.tf").write_text('locals {\n  azs = ["az-a", "az-b", "az-c"]\n}\n')
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    console = subprocess.run(
        [exe, "console"],
        input="jsonencode([[for i in range(6) : element(local.azs, i)], "
        "[for i in range(6) : local.azs[i % length(local.azs)]]])\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert console.returncode == 0, console.stderr
    expected = ["az-a", "az-b", "az-c", "az-a", "az-b", "az-c"]
    assert json.loads(json.loads(console.stdout.strip())) == [expected, expected]
