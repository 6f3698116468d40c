"""--format github: workflow annotation lines, exactly, and GitHub's escaping.

The runner's decoding is written out here (``_parse``), from GitHub's workflow-commands docs and
the actions toolkit: split ``::name props::data`` at the first ``::`` after the properties,
split the properties at ``,`` and each at its first ``=``, then decode ``%0D``, ``%0A``, ``%3A``,
``%2C`` and finally ``%25``. Every finding must come back from it unchanged, on one line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eks_ip_lint.capacity.analysis import UnitCapacity
from eks_ip_lint.cli import main
from eks_ip_lint.engine import LintResult, UnitResult
from eks_ip_lint.facts.model import Facts
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.report.controls import escape_controls
from eks_ip_lint.report.github import annotation, escape_data, escape_property, render_github
from eks_ip_lint.span import SourceSpan

from testlib import REPO, SEED

SEED_MESSAGE = (
    "node group aws_eks_node_group.workers (m5.4xlarge, max 80 nodes): the warm pool alone holds 60 IPs "
    "per node at 1 pod (WARM_ENI_TARGET=1), so at max size aws_subnet.private[0] (10.0.0.0/22, 1,019 usable "
    "IPs) needs 1,620; aws_subnet.private[1] (10.0.4.0/22, 1,019 usable IPs) needs 1,620; "
    "aws_subnet.private[2] (10.0.8.0/22, 1,019 usable IPs) needs 1,560; these subnets hold only 48 nodes"
)


def _decode(text: str, prop: bool) -> str:
    if prop:
        text = text.replace("%3A", ":").replace("%2C", ",")
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    assert line.startswith("::") and "\n" not in line and "\r" not in line
    head, sep, data = line[2:].partition("::")
    assert sep
    name, _, props_text = head.partition(" ")
    props = {}
    for item in filter(None, props_text.split(",")):
        key, eq, value = item.partition("=")
        assert eq, item
        props[key] = _decode(value, prop=True)
    return name, props, _decode(data, prop=False)


def _result(findings: list[Finding]) -> LintResult:
    return LintResult(
        (UnitResult("terraform", "infra", UnitCapacity(Facts("infra"), (), ()), tuple(findings)),)
    )


def test_seed_annotation_exactly(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO)
    assert main(["examples/seed-cluster", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    # tests/cli/test_seed_example.py works these numbers out by hand.
    fix = (
        "give each subnet at least 3,240 usable IPs (a /20 instead of a /22; fits the configured density "
        "too); or lower max_size to 24 (fits the configured density too; 48 fits the floor only); or set "
        "WARM_IP_TARGET=2 and MINIMUM_IP_TARGET=10 in the vpc-cni add-on env (the floor drops to 11 IPs per "
        "node and 276 nodes fit, max size 80; this fits the floor only: at the configured density 108 pods "
        "per node take 114 IPs; aws_subnet.private[0] still needs 3,078 of its 1,019 usable IPs (a /20); "
        "these subnets hold 24 such nodes)"
    )
    assert lines == [
        "::error file=examples/seed-cluster/main.tf,line=51,endLine=53,title=EKSIP101::"
        f"{SEED_MESSAGE} Fix: {fix}",
        "eks-ip-lint: coverage: 1 of 1 node group checked",
        "eks-ip-lint: 1 module checked: 1 error(s), 0 warning(s), 0 info",
    ]


def test_absolute_paths_inside_the_workspace_become_relative(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    main([str(SEED / "main.tf"), "--format", "github"])
    assert capsys.readouterr().out.startswith("::error file=examples/seed-cluster/main.tf,line=51,")


def test_severity_commands_and_escaping() -> None:
    findings = [
        Finding("EKSIP001", Severity.WARNING, "type x9: unknown, skipped", SourceSpan("a,b:c/main.tf", 7)),
        Finding(
            "EKSIP002",
            Severity.INFO,
            "100% of\r\nthe value is unknown",
            SourceSpan("infra/main.tf", 9, 9),
            fix="set it",
        ),
    ]
    out = render_github(_result(findings), cwd="/nonexistent-root").splitlines()
    assert out[0] == "::warning file=a%2Cb%3Ac/main.tf,line=7,title=EKSIP001::type x9: unknown, skipped"
    assert (
        out[1]
        == "::notice file=infra/main.tf,line=9,title=EKSIP002::100%25 of%0D%0Athe value is unknown Fix: set it"
    )
    assert out[2] == "eks-ip-lint: coverage: no node groups found, nothing checked"
    assert out[3] == "eks-ip-lint: 1 module checked: 0 error(s), 1 warning(s), 1 info"


def test_relative_paths(tmp_path: Path) -> None:
    f = Finding("EKSIP001", Severity.WARNING, "m", SourceSpan(str(tmp_path / "infra" / "main.tf"), 3))
    assert annotation(f, cwd=str(tmp_path)) == "::warning file=infra/main.tf,line=3,title=EKSIP001::m"


def test_escape_functions() -> None:
    assert escape_data("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad:e,f"
    assert escape_property("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad%3Ae%2Cf"
    # "%" first: an escape sequence already in the text is not decoded into something else.
    assert escape_data("%0A") == "%250A"
    assert escape_property("%3A") == "%253A"


@given(
    message=st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    path=st.text(alphabet="ab/.,:%=\r\n _-", min_size=1, max_size=30),
    fix=st.none() | st.text(max_size=20),
)
def test_every_finding_round_trips_through_the_runner_decoding(
    message: str, path: str, fix: str | None
) -> None:
    f = Finding("EKSIP101", Severity.ERROR, message, SourceSpan(path, 5), fix=fix)
    name, props, data = _parse(annotation(f, cwd="/w"))
    assert name == "error"
    assert props["line"] == "5"
    assert props["title"] == "EKSIP101"
    # Controls from the input arrive spelled out (report/controls.py); CR and LF are the runner's
    # own escapes and arrive as themselves.
    text = f"{message} Fix: {fix}" if fix else message
    assert data == "\r".join(escape_controls(part) for part in text.split("\r"))
    file = props["file"]
    assert file.startswith("/") or not (file == ".." or file.startswith("../"))  # inside /w, or absolute


def test_a_command_in_a_terraform_string_stays_inside_the_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "infra"
    shutil.copytree(SEED, work)
    # An unknown instance type whose name carries a newline and a workflow command.
    main_tf = work / "main.tf"
    main_tf.write_text(main_tf.read_text().replace('["m5.4xlarge"]', '["m5.4x\\n::add-mask::x"]'))
    main([str(work), "--format", "github", "--fail-on", "never"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("eks-ip-lint: 1 module checked: ")
    # The coverage line quotes the type too, escaped so that it stays one plain line.
    assert (
        lines[-2].startswith("eks-ip-lint: coverage: 0 of 1 node group checked")
        and "%0A::add-mask" in lines[-2]
    )
    parsed = [_parse(line) for line in lines[:-2]]  # each line is one whole command
    assert not any(name == "add-mask" for name, _, _ in parsed)
    assert any("m5.4x" in data and "::add-mask::x" in data for _, _, data in parsed), lines


def test_suppressed_findings_get_no_annotation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "seed"
    shutil.copytree(SEED, work)
    main_tf = work / "main.tf"
    text = main_tf.read_text()
    marker = 'node_group_name = "workers"'
    main_tf.write_text(text.replace(marker, marker + "\n  # eks-ip-lint: ignore=EKSIP101 capacity reviewed"))
    assert main([str(work), "--format", "github"]) == 0
    out = capsys.readouterr().out
    assert "::error" not in out
    assert out.rstrip().endswith(", 1 suppressed")
