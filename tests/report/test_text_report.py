"""The text report for a terminal (issue 16 item 4): names as users write them, a legend, headroom,
% used and use bars with the first subnet to run out marked, colour, wrapping, compact output.

Numbers are worked out by hand beside each assertion (docs/capacity-model.md)."""

from __future__ import annotations

import os
import re

import pytest

from eks_ip_lint.cli import main
from eks_ip_lint.report._names import short_name, short_names
from eks_ip_lint.report._style import use_color
from eks_ip_lint.report.text import bar

from testlib import FIXTURES, REPO

SEED = "examples/seed-cluster"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Every kind of input the fixtures hold, at once: long paths, branch titles, CloudFormation logical
# IDs, Terragrunt dependency addresses.
ALL_FIXTURES = [str(FIXTURES / d) for d in ("terraform", "cloudformation", "eksctl", "terragrunt")]


@pytest.fixture(autouse=True)
def _at_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)


def _text(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    main(["--no-cache", *args])
    return capsys.readouterr().out


def test_seed_subnet_rows_show_headroom_use_and_the_first_to_run_out(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = _text(capsys, SEED)
    # A /22 holds 1,024 addresses, AWS keeps 5: 1,019 usable. 80 m5.4xlarge nodes over 3 AZs:
    # 27, 27, 26. Full nodes (110 max pods - 2 = 108 pods) hold 120 IPs (WARM_ENI_TARGET=1: 4 ENIs
    # of 30 for 108 pods, vpc-cni-model.md); the floor holds 2 ENIs = 60.
    # private[0]: floor 27 x 60 = 1,620; configured 27 x 120 = 3,240; headroom 1,019 - 3,240 =
    # -2,221; used 3,240 / 1,019 = 318%. private[2]: 26 x 120 = 3,120, -2,101, 306%.
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith("  private[")}
    assert rows["private[0]"][:8] == [
        "private[0]",
        "10.0.0.0/22",
        "?",
        "1,019",
        "1,620",
        "3,240",
        "-2,221",
        "318%",
    ]
    assert rows["private[2]"][:8] == [
        "private[2]",
        "10.0.8.0/22",
        "?",
        "1,019",
        "1,560",
        "3,120",
        "-2,101",
        "306%",
    ]
    # The first to run out: private[0] (private[1] is as full; the first in order is marked).
    assert rows["private[0]"][-1] == "◀" and rows["private[1]"][-1] != "◀"
    assert "  ◀ first to run out: private[0], 318% used at max size" in out
    # The node group by the name the user wrote (aws_eks_node_group.workers), with its pods per node.
    group = next(line.split() for line in out.splitlines() if line.startswith("  workers "))
    assert group == ["workers", "m5.4xlarge", "80", "110", "108", "60", "120", "48", "24"]
    # The configured density's pods per node in the cluster line; the legend, one line per term.
    assert "24 at the configured density (108 pods per node), all groups scaled together" in out
    for term in ("floor", "configured", "fit", "headroom", "az ?"):
        assert re.search(rf"^  {re.escape(term)} +\S", out, re.M), term
    assert "(names[" not in out  # the AZ known only at apply time is "?", explained in the legend


def test_bar_shows_floor_configured_and_overflow() -> None:
    # 30% at the floor, 60% configured, on 10 cells: 3 full, 3 more, 4 free.
    assert bar(0.3, 0.6) == "[███▒▒▒····]"
    assert bar(0.3, 0.6, unicode=False) == "[###===....]"
    assert bar(1.59, 3.18) == "[██████████]>"  # past 100%: full, and marked
    assert bar(None, None) == "?"


@pytest.mark.parametrize("width", [80, 100])
def test_every_line_fits_the_terminal(
    width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    out = _text(capsys, *ALL_FIXTURES, SEED)
    assert out.count("\n") > 500  # the whole corpus, not an early error
    too_long = [line for line in out.splitlines() if len(line) > width]
    assert too_long == []
    assert "…" not in out  # no name is cut: a name too long goes on a line of its own
    assert "(names[" not in out


def test_no_wrapping_without_a_terminal_or_columns(capsys: pytest.CaptureFixture[str]) -> None:
    out = _text(capsys, SEED)
    finding = next(line for line in out.splitlines() if " error EKSIP101 " in line)
    assert finding.endswith("these subnets hold only 48 nodes")  # the whole message on its line


def test_colour_always_never_and_no_color(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    coloured = _text(capsys, SEED, "--color", "always")
    assert "\x1b[31;1merror\x1b[0m EKSIP101" in coloured
    assert ANSI.sub("", coloured) == _text(capsys, SEED, "--color", "never")  # colour adds nothing else
    assert not ANSI.search(_text(capsys, SEED))  # auto, not a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(_text(capsys, SEED, "--color", "auto"))


def test_auto_colours_a_real_terminal_unless_no_color() -> None:
    leader, follower = os.openpty()
    with os.fdopen(follower, "w") as tty:
        assert use_color("auto", tty, env={}) is True
        assert use_color("auto", tty, env={"NO_COLOR": "1"}) is False
        assert use_color("auto", tty, env={"TERM": "dumb"}) is False
        assert use_color("always", tty, env={"NO_COLOR": "1"}) is True  # asked for explicitly
    os.close(leader)


def test_compact_is_findings_only_one_line_each(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    for flag in ("--compact", "-q", "--quiet"):
        lines = _text(capsys, str(FIXTURES / "terraform" / "tam-v20-vpc-eks"), flag).splitlines()
        # One EKSIP101 finding for the cluster (its two groups share the subnets): one line, not
        # wrapped at 80 columns, no tables, no fix, no legend.
        assert len(lines) == 1
        assert re.match(
            r"\S+/main\.tf:41: error EKSIP101 cluster ex-tam: 2 node groups share subnets", lines[0]
        )
        assert len(lines[0]) > 80


def test_names_as_users_write_them_and_full_with_verbose(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    tam = str(FIXTURES / "terraform" / "tam-v20-vpc-eks")
    out = _text(capsys, tam)
    assert re.search(r"^  workers +m5\.4xlarge", out, re.M) and re.search(r"^  system +m5\.large", out, re.M)
    assert re.search(r"^  private\[0\] +10\.0\.0\.0/22", out, re.M)
    full = _text(capsys, tam, "-v")
    assert re.search(
        r'^  module\.eks\.module\.eks_managed_node_group\["workers"\]\.aws_eks_node_group\.this\[0\] +m5',
        full,
        re.M,
    )
    assert re.search(r"^  module\.vpc\.aws_subnet\.private\[0\] +10\.0\.0\.0/22", full, re.M)


def test_short_names() -> None:
    assert (
        short_name(
            'module.eks.module.eks_managed_node_group["general"].aws_eks_node_group.this[0]', by_key=True
        )
        == "general"
    )
    assert short_name("aws_eks_node_group.workers", by_key=True) == "workers"
    assert short_name("module.vpc.aws_subnet.private[0]", by_key=False) == "private[0]"
    assert short_name('aws_subnet.private["eu-central-1a"]', by_key=False) == 'private["eu-central-1a"]'
    assert short_name("dependency.vpc.aws_subnet.private[1]", by_key=False) == "private[1]"
    assert short_name("ManagedNodeGroup", by_key=True) == "ManagedNodeGroup"  # CloudFormation: as written
    # Two groups that would share a short name keep their full addresses.
    assert short_names(["module.a.aws_eks_node_group.x", "module.b.aws_eks_node_group.x"], by_key=True) == {
        "module.a.aws_eks_node_group.x": "module.a.aws_eks_node_group.x",
        "module.b.aws_eks_node_group.x": "module.b.aws_eks_node_group.x",
    }


def test_debug_is_verbose(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("EKS_IP_LINT_DEBUG", raising=False)
    out = _text(capsys, str(FIXTURES / "terraform" / "tam-v20-vpc-eks"), "--debug")
    assert 'module.eks.module.eks_managed_node_group["workers"]' in out.split("\n\n", 3)[2]
    assert os.environ.get("EKS_IP_LINT_DEBUG") == "1"
    monkeypatch.delenv("EKS_IP_LINT_DEBUG")


@pytest.mark.parametrize("width", [80, 200])
def test_reading_the_report_shows_todays_output(
    width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/reading-the-report.md's views were captured from tmux at 80 and 200 columns; a
    terminal that wide shows exactly the report (no line is longer, so none is re-wrapped)."""
    doc = (REPO / "docs" / "reading-the-report.md").read_text(encoding="utf-8")
    heading = {80: "## On an 80-column terminal", 200: "## On a 200-column terminal"}[width]
    section = doc.split(heading, 1)[1]
    block = re.search(r"```text\n(.*?)```\n", section, re.S)
    assert block is not None
    monkeypatch.setenv("COLUMNS", str(width))
    out = _text(capsys, "tests/fixtures/terraform/tam-v20-vpc-eks")
    assert out == block.group(1), (
        f"refresh the {width}-column view: tmux new-session -x {width}, "
        "eks-ip-lint tests/fixtures/terraform/tam-v20-vpc-eks, tmux capture-pane -p"
    )


def test_findings_name_groups_and_subnets_as_users_write_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tam = str(FIXTURES / "terraform" / "tam-v20-vpc-eks")
    out = _text(capsys, tam, "--compact")
    assert "2 node groups share subnets" in out and "workers (m5.4xlarge, max 80" in out
    assert "private[0] (10.0.0.0/22, 1,019 usable IPs" in out
    assert "module.eks.module.eks_managed_node_group" not in out
    full = _text(capsys, tam, "--compact", "-v")
    assert (
        'module.eks.module.eks_managed_node_group["workers"].aws_eks_node_group.this[0] (m5.4xlarge' in full
    )
    # JSON keeps the rules' text with full addresses.
    main(["--no-cache", tam, "--format", "json"])
    assert "module.vpc.aws_subnet.private[0] (10.0.0.0/22" in capsys.readouterr().out


def test_colour_codes_survive_control_escaping_and_hostile_ones_do_not() -> None:
    from eks_ip_lint.report._style import Style, restore_sgr
    from eks_ip_lint.report.controls import escape_controls

    hostile = "\x1b]0;title\x07\x1b[2J"  # set the window title, erase the screen
    text = escape_controls(Style(True)("error", "red", "bold") + " " + hostile)
    assert restore_sgr(text) == "\x1b[31;1merror\x1b[0m \\x1b]0;title\\x07\\x1b[2J"
