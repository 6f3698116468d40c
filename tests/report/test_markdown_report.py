"""--format markdown: the PR comment / job summary, its escaping, its size limit and
$GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eks_ip_lint.capacity.analysis import UnitCapacity
from eks_ip_lint.cli import main
from eks_ip_lint.engine import LintRequest, LintResult, UnitResult, lint
from eks_ip_lint.facts.model import Facts
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.report.markdown import MARKER, MAX_BYTES, code, escape, render_markdown
from eks_ip_lint.span import SourceSpan

from testlib import REPO, SEED


def _seed_markdown(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(REPO)
    return render_markdown(lint(LintRequest(paths=("examples/seed-cluster",))))


def _result(findings: list[Finding], unit: str = "infra") -> LintResult:
    return LintResult((UnitResult("terraform", unit, UnitCapacity(Facts(unit), (), ()), tuple(findings)),))


def test_seed_report(monkeypatch: pytest.MonkeyPatch) -> None:
    md = _seed_markdown(monkeypatch)
    lines = md.splitlines()
    assert lines[0] == MARKER == "<!-- eks-ip-lint -->"
    assert lines[1] == "## ❌ eks-ip-lint: 1 error(s), 0 warning(s), 0 info"
    assert "### Cluster `seed` in `examples/seed-cluster`" in lines
    assert (
        "`aws_eks_cluster.seed`, `examples/seed-cluster/main.tf:32`, IP family ipv4; VPC CNI WARM_ENI_TARGET=1 "
        "(aws-vpc-cni defaults). At max size the node groups reach 80 nodes; the subnets hold **48** at 1 pod "
        "per node (floor) and **24** at the configured density."
    ) in lines
    i = lines.index(
        "| node group | type | max | IPs/node floor | IPs/node configured | fit floor | fit configured |"
    )
    assert lines[i + 1] == "|---|---|---:|---:|---:|---:|---:|"
    assert lines[i + 2] == "| `aws_eks_node_group.workers` | m5.4xlarge | 80 | 60 | 120 | **48** | **24** |"
    i = lines.index("| subnet | CIDR | usable IPs | need at max, floor | need at max, configured |")
    assert lines[i + 2 : i + 5] == [
        "| `aws_subnet.private[0]` | 10.0.0.0/22 | 1,019 | **1,620** | **3,240** |",
        "| `aws_subnet.private[1]` | 10.0.4.0/22 | 1,019 | **1,620** | **3,240** |",
        "| `aws_subnet.private[2]` | 10.0.8.0/22 | 1,019 | **1,560** | **3,120** |",
    ]
    (finding,) = [ln for ln in lines if ln.startswith("- ")]
    assert finding.startswith(
        "- ❌ **EKSIP101** error at `examples/seed-cluster/main.tf:51`: node group aws_eks_node_group.workers "
        "(m5.4xlarge, max 80 nodes): the warm pool alone holds 60 IPs per node"
    )
    assert "aws_subnet.private\\[0\\]" in finding  # no accidental link syntax
    fix = lines[lines.index(finding) + 1]
    assert fix.startswith("  - **Fix:** give each subnet at least 3,240 usable IPs (a /20 instead of a /22")
    assert "or set WARM_IP_TARGET=2 and MINIMUM_IP_TARGET=10 in the vpc-cni add-on env" in fix


def test_clean_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "infra"
    shutil.copytree(SEED, work)
    # 18, not 20: at 20 (7 nodes in an AZ) an update's 2 more nodes per AZ need 9 x 120 = 1,080 of
    # 1,019 IPs (EKSIP104); 6 + 2 = 8 x 120 = 960 fits.
    (work / "terraform.tfvars").write_text("max_nodes = 18\n")
    monkeypatch.chdir(tmp_path)
    md = render_markdown(lint(LintRequest(paths=("infra",))))
    assert md.splitlines()[1] == "## ✅ eks-ip-lint: no findings"
    assert "| `aws_eks_node_group.workers` | m5.4xlarge | 18 | 60 | 120 | 48 | 24 |" in md
    assert "**" not in md  # nothing is short of room, so nothing is bold


def test_findings_outside_clusters_are_listed_per_module() -> None:
    md = render_markdown(
        _result(
            [Finding("EKSIP000", Severity.ERROR, "syntax error: unexpected `=`", SourceSpan("infra/x.tf", 2))]
        )
    )
    assert "### Findings in `infra`" in md
    assert "- ❌ **EKSIP000** error at `infra/x.tf:2`: syntax error: unexpected \\`=\\`" in md


def test_escape_keeps_terraform_text_literal() -> None:
    assert escape("WARM_IP_TARGET") == "WARM_IP_TARGET"  # intraword _ is not emphasis in GFM
    assert escape("_x_ *b* [l](u) <img> a|b ~s~ `c` \\ &amp;") == (
        "\\_x\\_ \\*b\\* \\[l\\](u) \\<img\\> a\\|b \\~s\\~ \\`c\\` \\\\ &amp;amp;"
    )
    assert escape("two\nlines\r\nhere") == "two lines here"


def test_code_spans() -> None:
    assert code("aws_subnet.a") == "`aws_subnet.a`"
    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"
    assert code("a|b", in_table=True) == "`a\\|b`"
    assert code("a|b") == "`a|b`"


def test_truncation_keeps_the_report_under_the_limit_and_says_so() -> None:
    big = "x" * 1000
    findings = [
        Finding("EKSIP002", Severity.INFO, f"{i} {big}", SourceSpan("infra/main.tf", i), fix="f")
        for i in range(2000)
    ]
    md = render_markdown(_result(findings))
    assert len(md.encode()) <= MAX_BYTES < 1024 * 1024
    shown = md.count("\n- ")
    assert 900 < shown < 2000
    assert f"{2000 - shown} more finding(s) not shown" in md
    small = render_markdown(_result(findings), max_bytes=5000)
    assert len(small.encode()) <= 5000
    assert small.startswith(MARKER)


def test_summary_is_appended_for_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step output\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(REPO)
    assert main(["examples/seed-cluster", "--format", "markdown"]) == 1
    printed = capsys.readouterr().out
    assert printed.startswith(MARKER)
    assert summary.read_text() == "earlier step output\n" + printed
    # Other formats leave the summary alone.
    assert main(["examples/seed-cluster", "--format", "text"]) == 1
    assert main(["examples/seed-cluster", "--format", "github"]) == 1
    assert summary.read_text() == "earlier step output\n" + printed


def test_summary_is_not_doubled_when_the_report_goes_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step_summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(REPO)
    assert main(["examples/seed-cluster", "--format", "markdown", "--output", str(summary)]) == 1
    once = summary.read_text()
    assert once.count(MARKER) == 1
    # The documented shell form: eks-ip-lint --format markdown >> "$GITHUB_STEP_SUMMARY"
    summary.write_text("")
    with summary.open("a") as fh:
        run = subprocess.run(
            [sys.executable, "-m", "eks_ip_lint", "examples/seed-cluster", "--format", "markdown"],
            stdout=fh,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)},
            check=False,
        )
    assert run.returncode == 1, run.stderr
    assert summary.read_text() == once


def test_unwritable_summary_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no-such-dir" / "summary.md"))
    assert main([str(SEED), "--format", "markdown"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(MARKER)
    assert "warning: cannot append to GITHUB_STEP_SUMMARY" in captured.err
