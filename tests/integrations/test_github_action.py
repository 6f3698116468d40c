"""The GitHub Action's script run as the runner would: a git repository, a pull_request event
payload, INPUT_* variables and $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from testlib import REPO, SEED

SCRIPT = REPO / "scripts" / "github_action.py"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _pr_repo(tmp_path: Path, change: str) -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    shutil.copytree(SEED, repo / "infra")
    (repo / "README.md").write_text("# infra\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    base = _git(repo, "rev-parse", "HEAD")
    target = repo / change
    target.write_text(target.read_text() + "\n# touched\n")
    _git(repo, "commit", "-q", "-am", "change")
    head = _git(repo, "rev-parse", "HEAD")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}))
    return repo, event


def _run(repo: Path, event: Path, summary: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env.update({"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)})
    env["GITHUB_STEP_SUMMARY"] = str(summary)
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    return subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=repo, env=env, capture_output=True, text=True, check=False
    )


def test_pull_request_changing_a_module_is_linted_with_annotations_summary_and_sarif(tmp_path: Path) -> None:
    repo, event = _pr_repo(tmp_path, "infra/variables.tf")
    summary = tmp_path / "summary.md"
    run = _run(repo, event, summary, sarif_file="eks.sarif", fail_on="error")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "::error file=infra/main.tf,line=51" in run.stdout
    assert "EKSIP101" in summary.read_text()
    sarif = json.loads((repo / "eks.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "EKSIP101"


def test_pull_request_changing_nothing_lintable_passes(tmp_path: Path) -> None:
    repo, event = _pr_repo(tmp_path, "README.md")
    run = _run(repo, event, tmp_path / "summary.md")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "changes no Terraform" in run.stdout


def test_fail_on_never_and_explicit_path(tmp_path: Path) -> None:
    repo, event = _pr_repo(tmp_path, "README.md")
    run = _run(repo, event, tmp_path / "summary.md", path="infra", fail_on="never")
    assert run.returncode == 0
    assert "::error" in run.stdout  # annotated, but not failing


def test_action_manifest_passes_every_input_to_the_script() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    lint = next(s for s in action["runs"]["steps"] if s.get("name") == "Lint")
    for name in action["inputs"]:
        if name != "python-version":
            assert f"inputs.{name}" in lint["env"][f"INPUT_{name.upper().replace('-', '_')}"]
