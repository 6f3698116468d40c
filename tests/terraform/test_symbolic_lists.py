"""Symbolic identities through list functions (issue 13, item 3).

A subnet ID is known only at apply, but ``aws_subnet.a[0].id`` is one string, never null or empty,
and two such IDs are the same value exactly when their keys are. So ``flatten``, ``distinct``,
``compact``, ``sort``, ``setunion``, ``zipmap(ids, cidrs)`` filtered in a ``for``, and
``keys()``/``values()`` of such maps keep the IDs, and a node group's ``subnet_ids`` still links
to its subnets. What is not known is the order of values sorted by an unknown: ``sort()``,
``keys()`` of a map keyed by IDs and sets give an :class:`Unordered` list, whose membership is
exact and whose elements at a position are unknown. ``fileset()`` lists the module's files.
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
from eks_ip_lint.terraform.functions import call_function
from eks_ip_lint.terraform.symbolic import SymbolicMap, Unordered
from eks_ip_lint.values import Cause, Unknown, Value

from terraform_loader import Loader
from testlib import FIXTURES


def subnet(group: str, i: int) -> Unknown:
    return Unknown("computed at apply", f"aws_subnet.{group}[{i}].id", cause=Cause.APPLY_TIME)


A0, A1, B0, B1 = subnet("a", 0), subnet("a", 1), subnet("b", 0), subnet("b", 1)
NO_KEY = Unknown("an unset variable", cause=Cause.VARIABLE_UNSET)


def keys_of(value: Value) -> list[str | None]:
    assert isinstance(value, list), value
    return [v.key if isinstance(v, Unknown) else repr(v) for v in value]


def test_flatten_keeps_single_values_as_elements() -> None:
    assert call_function("flatten", [[[A0, A1], [B0, B1]]]) == [A0, A1, B0, B1]
    # A list-valued unknown (a data source's ids) could hold anything: still unknown.
    ids = Unknown("read at plan", "data.aws_subnets.x.ids", cause=Cause.DATA_SOURCE)
    assert isinstance(call_function("flatten", [[[A0], ids]]), Unknown)


def test_distinct_by_identity() -> None:
    assert call_function("distinct", [[A0, A1, A0, "subnet-1", "subnet-1"]]) == [A0, A1, "subnet-1"]
    assert isinstance(call_function("distinct", [[A0, NO_KEY]]), Unknown)


def test_compact_keeps_ids_and_drops_empty() -> None:
    assert call_function("compact", [[A0, "", None, "subnet-1"]]) == [A0, "subnet-1"]


def test_sort_keeps_the_elements_but_not_an_order() -> None:
    result = call_function("sort", [[B0, "subnet-9", A0]])
    assert isinstance(result, Unordered) and keys_of(result) == ["'subnet-9'", B0.key, A0.key]
    # Which ID sorts first is known only at apply, so an index into the result is unknown.
    first = call_function("element", [result, 0])
    assert isinstance(first, Unknown) and first.cause is Cause.APPLY_TIME
    assert call_function("length", [result]) == 3
    assert call_function("sort", [[A0]]) == [A0]  # one element: its position is known


def test_setunion_one_element_per_identity() -> None:
    result = call_function("setunion", [[B0, B1], [B1, "subnet-1"]])
    assert isinstance(result, Unordered) and keys_of(result) == ["'subnet-1'", B0.key, B1.key]
    assert call_function("setunion", [["b", "a"], ["a"]]) == ["a", "b"]


def test_zipmap_of_ids_in_a_for_keys_and_values(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
resource "aws_subnet" "p" {
  count      = 3
  cidr_block = "10.0.${count.index}.0/24"
}
locals {
  by_id   = zipmap(aws_subnet.p[*].id, aws_subnet.p[*].cidr_block)
  kept    = { for id, cidr in local.by_id : id => cidr if cidr != "10.0.1.0/24" }
  ids     = keys(local.kept)
  cidrs   = values(local.kept)
  listed  = [for id, cidr in local.kept : id]
}
resource "null_resource" "per_subnet" {
  for_each = local.kept
}
"""
        }
    )

    def local(name: str) -> Value:
        return m.evaluator.eval_or_unknown(m.source.locals[name][1].expr)

    kept = local("kept")
    assert isinstance(kept, SymbolicMap) and not kept.for_each_ok
    assert keys_of(local("ids")) == ["aws_subnet.p[0].id", "aws_subnet.p[2].id"]
    assert isinstance(local("ids"), Unordered)
    assert local("cidrs") == ["10.0.0.0/24", "10.0.2.0/24"]
    assert keys_of(local("listed")) == ["aws_subnet.p[0].id", "aws_subnet.p[2].id"]
    # for_each over keys known only after apply: Terraform refuses it ("Invalid for_each argument").
    found = m.instances("null_resource", "per_subnet")
    assert isinstance(found, Unknown) and "known only after apply" in found.reason


def test_fileset_lists_the_modules_files(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": 'locals {\n  yaml = fileset(path.module, "groups/*.yaml")\n'
            '  deep = fileset("${path.module}/groups", "**/*.yaml")\n}\n',
            "groups/b.yaml": "x: 1\n",
            "groups/a.yaml": "x: 1\n",
            "groups/README.md": "docs\n",
            "groups/extra/c.yaml": "x: 1\n",
        }
    )
    assert m.evaluator.eval_or_unknown(m.source.locals["yaml"][1].expr) == ["groups/a.yaml", "groups/b.yaml"]
    assert m.evaluator.eval_or_unknown(m.source.locals["deep"][1].expr) == [
        "a.yaml",
        "b.yaml",
        "extra/c.yaml",
    ]


def _report(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    main([".", "--format", "json", "--no-cache", "--no-config", "--fail-on", "never"])
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def test_fixture_every_node_group_links_to_its_subnets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/fixtures/terraform/symbolic-lists.

    m5.large: 3 ENIs x 10 IPs, 30 IPs per full node (27 pods), 20 at the warm floor;
    c5.xlarge: 4 ENIs x 15 IPs, 60 per full node (56 pods), 30 at the floor.
    EKS spreads a group's nodes over its AZs (us-west-2a, us-west-2b) evenly:

    * flat (flatten of a[*] and b[*]: 4 subnets), max 4: 1 per subnet;
    * distinct (a[0], a[1], a[0] again: 2 subnets), max 2: 1 each;
    * union (setunion of b[*] and b[1]: 2 subnets), max 2: 1 each;
    * side (keys of the registry VPC's private subnets without 10.50.20.0/22: 1 subnet), max 3;
    * from_file: one per nodegroups/*.yaml (README.md is not one): batch c5.xlarge max 2, general
      m5.large max 6, both on b[*] (values of a map), so 1 + 1 and 3 + 3.

    Demand at max size, configured: a[0] = 1 x 30 (flat) + 1 x 30 (distinct) = 60; b[0] =
    1 x 30 (flat) + 1 x 30 (union) + 1 x 60 (batch) + 3 x 30 (general) = 210; at the floor
    b[0] = 20 + 20 + 30 + 3 x 20 = 130. private[0] (/22: 2^10 - 5 = 1019) 3 x 30 = 90.
    """
    monkeypatch.chdir(FIXTURES / "terraform" / "symbolic-lists")
    report = _report(capsys)
    (cluster,) = report["units"][0]["clusters"]
    groups = {g["address"]: g for g in cluster["node_groups"]}
    placed = {a: g["nodes_at_max_size"] for a, g in groups.items()}
    flat = placed["aws_eks_node_group.flat"]
    assert flat == {"aws_subnet.a[0]": 1, "aws_subnet.a[1]": 1, "aws_subnet.b[0]": 1, "aws_subnet.b[1]": 1}
    assert placed["aws_eks_node_group.distinct"] == {"aws_subnet.a[0]": 1, "aws_subnet.a[1]": 1}
    assert placed["aws_eks_node_group.union"] == {"aws_subnet.b[0]": 1, "aws_subnet.b[1]": 1}
    assert placed["aws_eks_node_group.side"] == {"module.vpc.aws_subnet.private[0]": 3}
    assert placed['aws_eks_node_group.from_file["batch"]'] == {"aws_subnet.b[0]": 1, "aws_subnet.b[1]": 1}
    assert placed['aws_eks_node_group.from_file["general"]'] == {"aws_subnet.b[0]": 3, "aws_subnet.b[1]": 3}
    assert groups['aws_eks_node_group.from_file["batch"]']["instance_type_used"] == "c5.xlarge"
    subnets = {s["address"]: s for s in cluster["subnets"]}
    assert subnets["aws_subnet.a[0]"]["demand_at_max_configured"] == 1 * 30 + 1 * 30
    assert subnets["aws_subnet.b[0]"]["demand_at_max_configured"] == 1 * 30 + 1 * 30 + 1 * 60 + 3 * 30
    assert subnets["aws_subnet.b[0]"]["demand_at_max_floor"] == 20 + 20 + 30 + 3 * 20
    side = subnets["module.vpc.aws_subnet.private[0]"]
    assert (side["usable_ips"], side["demand_at_max_configured"]) == (2 ** (32 - 22) - 5, 3 * 30)
    # The cluster's subnet_ids went through sort(compact(concat(...))): still the 4 subnets.
    assert sorted(a for a, s in subnets.items() if s["cluster_subnet"]) == sorted(flat)
    assert [f for f in report["findings"] if f["rule_id"] == "EKSIP002"] == []


FILESET_PATTERNS = ["*.yaml", "**/*.yaml", "groups/?.yaml", "{a,ab}.yaml", "[ab].yaml", "groups/**"]


def test_fileset_agrees_with_terraform(tmp_path: Path, load_module: Loader) -> None:
    exe = shutil.which("terraform")
    if exe is None:
        pytest.skip("terraform not on PATH: cross-check against terraform console skipped")
    files = {
        "main.tf": "locals {\n"
        + "".join(f'  p{i} = fileset(path.module, "{p}")\n' for i, p in enumerate(FILESET_PATTERNS))
        + "}\n",
        "a.yaml": "",
        "b.yaml": "",
        "ab.yaml": "",
        "groups/b.yaml": "",
        "groups/cd.yaml": "",
        "groups/deep/e.yaml": "",
        "groups/notes.md": "",
    }
    m = load_module(files)
    ours = [
        m.evaluator.eval_or_unknown(m.source.locals[f"p{i}"][1].expr) for i in range(len(FILESET_PATTERNS))
    ]
    workdir = tmp_path / "tf"
    workdir.mkdir()
    for name, text in files.items():
        (workdir / name).parent.mkdir(parents=True, exist_ok=True)
        (workdir / name).write_text(text)
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    names = ", ".join(f"local.p{i}" for i in range(len(FILESET_PATTERNS)))
    console = subprocess.run(
        [exe, "console"],
        input=f"jsonencode([{names}])\n",
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert console.returncode == 0, console.stderr
    assert ours == json.loads(json.loads(console.stdout.strip()))
