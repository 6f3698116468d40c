"""EKSIP000 (a file that cannot be read or parsed), EKSIP001 (unknown instance type) and EKSIP002
(a value that cannot be known statically): firing and silent cases at the edge."""

from __future__ import annotations

from pathlib import Path

import pytest
from _lint import findings, line_of, lint, node_group, rule_ids, subnet, terraform

Capsys = pytest.CaptureFixture[str]

VPC = 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
MAX_FILE_BYTES = 5 * 1024 * 1024  # docs/rules/EKSIP000.md: "larger than 5 MiB"


# --- EKSIP000 ------------------------------------------------------------------------------------


def test_eksip000_syntax_error_line_and_the_rest_of_the_module(tmp_path: Path, capsys: Capsys) -> None:
    broken = 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16",\n}\n'  # a JSON-style comma
    code, report = lint(tmp_path, capsys, {"broken.tf": broken, "main.tf": terraform(max_size=1)})
    [f] = findings(report, "EKSIP000")
    assert code == 1  # an error fails the run with the default --fail-on error
    assert f["severity"] == "error"
    assert f["file"].endswith("broken.tf")
    assert f["line"] == 2
    assert "unexpected ','" in f["message"]
    assert f["message"].endswith("this file was not analysed")
    # main.tf is still analysed: 1 m5.large at 1 pod = 20 IPs (docs/capacity-model.md §3.1).
    assert node_group(report)["ips_per_node"]["floor"] == 20


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        (VPC.encode() + b"# caf\xe9\n", 4, "not UTF-8 text"),  # Latin-1 on line 4
        (VPC.encode() + b"\x00\n", 1, "contains NUL bytes"),
    ],
)
def test_eksip000_unreadable_text(
    tmp_path: Path, capsys: Capsys, content: bytes, line: int, reason: str
) -> None:
    _, report = lint(tmp_path, capsys, {"main.tf": content})
    [f] = findings(report, "EKSIP000")
    assert f["line"] == line
    assert reason in f["message"]


def test_eksip000_byte_order_mark_is_accepted(tmp_path: Path, capsys: Capsys) -> None:
    code, report = lint(tmp_path, capsys, {"main.tf": b"\xef\xbb\xbf" + terraform().encode()})
    assert (code, report["findings"]) == (0, [])
    assert node_group(report)["ips_per_node"]["floor"] == 20


@pytest.mark.parametrize(("extra", "fires"), [(0, False), (1, True)])
def test_eksip000_size_limit_edge(tmp_path: Path, capsys: Capsys, extra: int, fires: bool) -> None:
    # Exactly 5 MiB is parsed; one byte more is skipped. The padding is one long comment.
    head = VPC.encode() + b"# "
    content = head + b"x" * (MAX_FILE_BYTES - len(head) - 1 + extra) + b"\n"
    assert len(content) == MAX_FILE_BYTES + extra
    _, report = lint(tmp_path, capsys, {"main.tf": content})
    found = findings(report, "EKSIP000")
    assert len(found) == fires
    if fires:
        assert "larger than 5 MiB" in found[0]["message"]


def test_eksip000_variable_file_and_eksctl(tmp_path: Path, capsys: Capsys) -> None:
    # terraform.tfvars.json is loaded by Terraform on its own, so it is parsed (and reported) too;
    # an eksctl ClusterConfig with an unclosed flow list fails at its last line.
    eksctl = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: broken\n"
    eksctl += "managedNodeGroups:\n  - name: ng\n    instanceType: [m5.large\n"
    files = {
        "tf/main.tf": VPC,
        "tf/terraform.tfvars.json": '{\n  "x": "a",\n}\n',
        "eksctl/cluster.yaml": eksctl,
    }
    _, report = lint(tmp_path, capsys, files)
    where = sorted((Path(f["file"]).name, f["line"]) for f in findings(report, "EKSIP000"))
    assert where == [("cluster.yaml", 7), ("terraform.tfvars.json", 3)]


# --- EKSIP001 ------------------------------------------------------------------------------------


def test_eksip001_typo_with_suggestions(tmp_path: Path, capsys: Capsys) -> None:
    tf = terraform(instance_types=("m5.4xlage",))
    code, report = lint(tmp_path, capsys, {"main.tf": tf})
    [f] = findings(report, "EKSIP001")
    assert code == 0  # a warning
    assert f["line"] == line_of(tf, "instance_types")
    # The table: 1,391 VPC CNI types + 29 only in Karpenter = 1,420 (docs/capacity-model.md §1).
    assert "instance type 'm5.4xlage' is not in the instance limits table (1,420 types" in f["message"]
    assert f["message"].endswith("did you mean m5.4xlarge or m5n.4xlarge or m5d.4xlarge?")
    assert f["fix"] == "use a valid EC2 instance type such as m5.4xlarge"
    assert node_group(report)["ips_per_node"]["floor"] is None  # the group is not checked


def test_eksip001_no_close_match(tmp_path: Path, capsys: Capsys) -> None:
    _, report = lint(tmp_path, capsys, {"main.tf": terraform(instance_types=("quantum.huge",))})
    [f] = findings(report, "EKSIP001")
    assert "did you mean" not in f["message"]
    assert f["fix"] == "use a valid EC2 instance type"


@pytest.mark.parametrize(
    ("types", "unknown"),
    [
        ((" M5.Large ",), []),  # compared without case and surrounding spaces
        (("m5.large", "m5.larg"), ["m5.larg"]),  # one unknown type: the group is checked with the other
    ],
)
def test_eksip001_known_types_are_checked(
    tmp_path: Path, capsys: Capsys, types: tuple[str, ...], unknown: list[str]
) -> None:
    _, report = lint(tmp_path, capsys, {"main.tf": terraform(instance_types=types)})
    assert [f["message"].split("'")[1] for f in findings(report, "EKSIP001")] == unknown
    assert node_group(report)["ips_per_node"]["floor"] == 20  # m5.large at 1 pod (§3.1)


# --- EKSIP002 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "usable"), [((), None), (("--var", "cidr=10.0.0.0/24"), 251)])
def test_eksip002_cidr_from_a_variable(
    tmp_path: Path, capsys: Capsys, args: tuple[str, ...], usable: int | None
) -> None:
    tf = 'variable "cidr" {\n  type = string\n}\n\n' + terraform().replace(
        '["10.0.0.0/24"][count.index]', "var.cidr"
    )
    code, report = lint(tmp_path, capsys, {"main.tf": tf}, *args)
    assert subnet(report, "aws_subnet.s[0]")["usable_ips"] == usable  # null, never 0, when unknown
    found = findings(report, "EKSIP002")
    assert len(found) == (usable is None)
    assert code == 0  # info
    if found:
        assert found[0]["severity"] == "info"
        assert found[0]["line"] == line_of(tf, "cidr_block")  # where the unknown CIDR is set
        assert 'variable "cidr" has no default and no value was given' in found[0]["message"]
        assert "EKSIP101" not in rule_ids(report)
