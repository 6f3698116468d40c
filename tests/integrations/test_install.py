"""docs/integrations/ci.md#install: ``pip install "eks-ip-lint @ git+URL@<commit>"`` in a fresh
virtual environment, from a git repository holding this working tree (the same file:// stand-in
for the public address as tests/integrations/test_pre_commit.py), then a run on the seed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testlib import REPO, SEED

pytestmark = pytest.mark.slow


def _snapshot(path: Path) -> str:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, path / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@invalid"]
    subprocess.run([*git, "init", "-q"], cwd=path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=path, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "snapshot"], cwd=path, check=True)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=path, check=True, capture_output=True, text=True
    ).stdout.strip()


def test_pip_install_from_a_git_url_pinned_to_a_commit(tmp_path: Path) -> None:
    sha = _snapshot(tmp_path / "eks-ip-lint")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # pip before 23.3 rejects git+file:/// URLs (the stand-in here; https ones always worked).
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        check=True,
        capture_output=True,
    )
    requirement = f"eks-ip-lint @ git+file://{tmp_path / 'eks-ip-lint'}@{sha}"
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", requirement],
        capture_output=True,
        text=True,
        check=False,
    )
    assert pip.returncode == 0, pip.stderr
    run = subprocess.run(
        [str(venv / "bin" / "eks-ip-lint"), str(SEED), "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert "error EKSIP101" in run.stdout
    checks = subprocess.run(
        [str(venv / "bin" / "eks-ip-lint"), "checkov-dir"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert (Path(checks) / "eksip_rules.json").is_file()
    # The rule pages are package data: explain and the SARIF help work without a checkout.
    explain = subprocess.run(
        [str(venv / "bin" / "eks-ip-lint"), "explain", "EKSIP101"], capture_output=True, text=True, check=True
    ).stdout
    assert (
        "rule_docs"
        in subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-c",
                "from eks_ip_lint.rules.pages import pages_dir; print(pages_dir())",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert "## Why is this bad?" in explain
