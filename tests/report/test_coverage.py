"""Coverage is a result (issue 16 item 3): every report says what was checked and what was not, a
node group the tool could not compute shows "?" (never 0) in the tables, and --fail-on-unchecked
(or fail_on_unchecked in the configuration file) exits 1 when anything was not checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from eks_ip_lint.capacity.coverage import short_name
from eks_ip_lint.cli import main

from testlib import REPO, SEED

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def typo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seed with its instance type mistyped (m5.4xlarg), as the current directory."""
    work = tmp_path / "infra"
    shutil.copytree(SEED, work)
    main_tf = work / "main.tf"
    main_tf.write_text(main_tf.read_text().replace('"m5.4xlarge"', '"m5.4xlarg"'))
    (tmp_path / ".git").mkdir()  # the configuration file search stops here
    monkeypatch.chdir(tmp_path)
    return work


NOT_CHECKED = "0 of 1 node group checked; not checked: workers (instance type m5.4xlarg unknown, did you mean m5.4xlarge?)"


def _run(capsys: Capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["infra", "--no-cache", *args])
    return code, capsys.readouterr().out


def test_a_typod_instance_type_is_reported_not_checked_in_every_format(typo: Path, capsys: Capsys) -> None:
    code, text = _run(capsys)
    assert code == 0  # EKSIP001 is a warning: without --fail-on-unchecked the run passes...
    assert f"coverage: {NOT_CHECKED}\n" in text  # ...but says it checked nothing
    # The subnet table: the group's demand is in no total, so "?" and never "need 0".
    # (Named as the user wrote them: private[0] for aws_subnet.private[0], workers for the group.)
    rows = [line for line in text.splitlines() if line.lstrip().startswith("private[")]
    assert len(rows) == 3
    for row in rows:
        # need floor, need conf., headroom, used, use bar: all unknown
        assert row.split()[4:9] == ["?", "?", "?", "?", "?"], row
    group_row = next(line for line in text.splitlines() if line.lstrip().startswith("workers "))
    # type, max 80, the rest (max pods, pods, IPs floor/conf., fit floor/conf.) unknown
    assert group_row.split()[1:] == ["?", "80", "?", "?", "?", "?", "?", "?"]

    _, out = _run(capsys, "--format", "json")
    report = json.loads(out)
    assert report["coverage"]["summary"] == NOT_CHECKED
    assert (report["coverage"]["checked"], report["coverage"]["not_checked"]) == (0, 1)
    [item] = report["coverage"]["items"]
    assert item["kind"] == "node group" and item["name"] == "workers" and item["checked"] is False
    assert item["address"] == "aws_eks_node_group.workers"
    subnet = report["units"][0]["clusters"][0]["subnets"][0]
    assert subnet["not_counted"] == ["aws_eks_node_group.workers"]

    _, out = _run(capsys, "--format", "sarif")
    assert json.loads(out)["runs"][0]["properties"]["coverage"]["summary"] == NOT_CHECKED

    _, out = _run(capsys, "--format", "markdown")
    assert "coverage: 0 of 1 node group checked; not checked: workers" in out
    assert "| ? | ? |" in out  # the subnet rows' needs

    _, out = _run(capsys, "--format", "github")
    assert out.splitlines()[-2] == f"eks-ip-lint: coverage: {NOT_CHECKED}"


def test_fail_on_unchecked_fails_the_run(typo: Path, capsys: Capsys) -> None:
    assert _run(capsys, "--fail-on-unchecked")[0] == 1
    assert _run(capsys, "--fail-on-unchecked", "--fail-on", "never")[0] == 1  # whatever --fail-on says


def test_fail_on_unchecked_from_the_configuration_file(typo: Path, capsys: Capsys) -> None:
    (typo.parent / ".eks-ip-lint.yaml").write_text("fail_on_unchecked: true\n")
    assert _run(capsys)[0] == 1
    (typo.parent / ".eks-ip-lint.yaml").write_text("fail_on_unchecked: false\n")
    assert _run(capsys)[0] == 0


def test_a_fully_checked_run_says_so_and_passes_fail_on_unchecked(
    capsys: Capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    capsys.readouterr()
    assert main(["examples/seed-cluster", "--no-cache", "--fail-on-unchecked", "--fail-on", "never"]) == 0
    assert "coverage: 1 of 1 node group checked\n" in capsys.readouterr().out


def test_a_partly_known_demand_is_a_lower_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capsys
) -> None:
    """A second group (typo'd) in the seed's subnets: the known part stays, marked incomplete.
    workers alone: 80 nodes -> 27 / 27 / 26 per AZ x 60 IPs = 1,620 / 1,620 / 1,560 at the floor."""
    work = tmp_path / "infra"
    shutil.copytree(SEED, work)
    main_tf = work / "main.tf"
    text = main_tf.read_text()
    start = text.index('resource "aws_eks_node_group" "workers"')
    second = text[start:].replace('"workers"', '"batch"', 1).replace('"m5.4xlarge"', '"c5.9xlarg"')
    main_tf.write_text(text + "\n" + second)
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    main(["infra", "--no-cache"])
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.lstrip().startswith("private[")]
    assert [r[4] for r in rows] == ["1,620+?", "1,620+?", "1,560+?"]  # need at the floor
    assert "coverage: 1 of 2 node groups checked; not checked: batch (instance type c5.9xlarg unknown" in out


def test_a_cluster_without_node_groups_is_not_checked(tmp_path: Path, capsys: Capsys) -> None:
    (tmp_path / "main.tf").write_text(
        """resource "aws_eks_cluster" "lonely" {
  name     = "lonely"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-0123456789abcdef0"]
  }
}
"""
    )
    capsys.readouterr()
    assert main([str(tmp_path), "--no-cache", "--no-config", "--fail-on-unchecked"]) == 1
    out = capsys.readouterr().out
    assert (
        "coverage: no node groups found, nothing checked; not checked: cluster lonely (no node groups found"
        in out
    )


@pytest.mark.parametrize(
    ("address", "name"),
    [
        ('module.eks.module.eks_managed_node_group["general"].aws_eks_node_group.this[0]', "general"),
        ("aws_eks_node_group.workers", "workers"),
        ("aws_autoscaling_group.workers[0]", "workers[0]"),
        ("Workers", "Workers"),
        ("managedNodeGroups.pinned", "pinned"),
    ],
)
def test_names_as_users_write_them(address: str, name: str) -> None:
    assert short_name(address) == name
