"""The conventions of the linters users already run: rule selection and excludes on the command
line, explain, --help's exit codes and environment, configuration errors all at once, a baseline
run that says what it wrote, a FIFO named *.tf, --pods-per-node above max pods."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eks_ip_lint.cli import main
from eks_ip_lint.rules import ALL_RULES

from testlib import SEED, RunJson


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # the repository root: no configuration above it applies
    shutil.copytree(SEED, tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _rules(report: dict[str, object]) -> set[str]:
    return {f["rule_id"] for f in report["findings"]}  # type: ignore[attr-defined,index]


def test_rule_and_skip_rule_select_what_runs(project: Path, run_json: RunJson) -> None:
    code, report = run_json("infra")
    assert (code, _rules(report)) == (1, {"EKSIP101"})  # the seed: one error
    code, report = run_json("infra", "--skip-rule", "EKSIP101")
    assert (code, _rules(report)) == (0, set())
    code, report = run_json("infra", "--rule", "eksip203,EKSIP102")  # none of these fires on the seed
    assert (code, _rules(report)) == (0, set())
    code, report = run_json("infra", "--rule", "EKSIP203", "--rule", "EKSIP101")
    assert (code, _rules(report)) == (1, {"EKSIP101"})


def test_rule_ids_are_checked_all_at_once_with_a_suggestion(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["infra", "--skip-rule", "EKSIP1O1,warm-pool"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "eks-ip-lint: error: --skip-rule: EKSIP1O1: no such rule (did you mean EKSIP101?); "
        "WARM-POOL: no such rule (eks-ip-lint --list-rules lists them)\n"
    )


def test_command_line_exclude_leaves_a_module_out(project: Path, run_json: RunJson) -> None:
    shutil.copytree(project / "infra", project / "sandbox")
    _, report = run_json(".")
    assert len(report["findings"]) == 2  # infra and sandbox each have the seed's error
    _, report = run_json(".", "--exclude", "sandbox")
    assert [Path(f["file"]).parts[-2:] for f in report["findings"]] == [("infra", "main.tf")]
    assert main(["infra", "--exclude", "infra"]) == 2  # nothing left to check: said, not green


def test_explain_prints_the_shipped_page(capsys: pytest.CaptureFixture[str]) -> None:
    for rule in ALL_RULES:
        assert main(["explain", rule.meta.id.lower()]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"Severity: {rule.meta.severity.value} (default)")
        assert f"# {rule.meta.id} · {rule.meta.name}" in out
        assert "<!-- header -->" not in out  # the repository-relative source link is left out
    assert main(["explain", "EKSIP1O1"]) == 2
    assert "did you mean EKSIP101?" in capsys.readouterr().err


def test_help_lists_exit_codes_examples_and_environment(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for needle in (
        "exit codes:",
        "130  interrupted",
        "examples:",
        "eks-ip-lint explain EKSIP101",
        "EKS_IP_LINT_NO_PROGRESS",
        "EKS_IP_LINT_CACHE_DIR",
        "NO_COLOR",
        "COLUMNS",
        "--rule",
        "--skip-rule",
        "--exclude",
        "junit",
        "gitlab",
    ):
        assert needle in out, needle


def test_checkov_dir_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checkov-dir", "--help"]) == 0
    assert "--external-checks-dir" in capsys.readouterr().out
    assert main(["checkov-dir", "extra"]) == 2


def test_usage_errors_name_the_program_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--fail-on", "bad"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("eks-ip-lint: error: argument --fail-on: invalid choice")
    assert err.count("eks-ip-lint") == 1
    assert main(["simulate"]) == 2
    assert capsys.readouterr().err.startswith("eks-ip-lint: error: simulate: the following arguments")


def test_configuration_errors_are_reported_all_at_once(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / ".eks-ip-lint.yaml"
    config.write_text(
        "pod_per_node: 3\nrules:\n  EKSIP1O1: {enabled: false}\n  EKSIP102:\n    severity: eror\n"
    )
    assert main(["infra"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"eks-ip-lint: error: config {config}: 3 problems:\n"
        f"  config {config}:1: pod_per_node: unknown key (did you mean 'pods_per_node'?) "
        "(allowed: exclude, fail_on_unchecked, fargate_pods, pods_per_node, reserved_ips_per_subnet, rules)\n"
        f"  config {config}:3: rules.EKSIP1O1: no such rule (did you mean 'EKSIP101'?)\n"
        f"  config {config}:5: rules.EKSIP102.severity: 'eror' is not one of ['error', 'warning', 'info'] "
        "(did you mean 'error'?)\n"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_named_tf_is_reported_not_waited_on(project: Path) -> None:
    os.mkfifo(project / "infra" / "pipe.tf")
    # A subprocess, so a regression hangs this test's child (killed by the timeout), not pytest.
    run = subprocess.run(
        [sys.executable, "-m", "eks_ip_lint", "--no-cache", "--format", "json", "infra"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert '"rule_id": "EKSIP000"' in run.stdout
    assert "not a regular file (a FIFO)" in run.stdout
    assert '"rule_id": "EKSIP101"' in run.stdout  # the module's regular files are still analysed


def test_pods_per_node_above_max_pods_is_stated(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The seed's m5.4xlarge group runs max pods 110 (the ENI formula: 8 ENIs x (30 - 1) + 2 = 234,
    # capped at 110 by EKS for < 30 vCPUs): full nodes are 110 - 2 hostNetwork pods = 108.
    main(["infra", "--pods-per-node", "500"])
    err = capsys.readouterr().err
    assert "note: pods per node 500 is more than a node of 1 node group(s) can run" in err
    assert "aws_eks_node_group.workers (108, max pods 110)" in err
    main(["infra", "--pods-per-node", "108"])
    assert "note:" not in capsys.readouterr().err
