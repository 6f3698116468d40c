"""The cfn-lint set-up most users have, docs/integrations/cfn-lint.md (2): cfn-lint installed with
pipx, then ``pipx inject cfn-lint eks-ip-lint``. Real pipx, cfn-lint from the package index, this
working tree injected (set-up 1, eks-ip-lint's own cfn-lint, is test_cfn_lint_plugin.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from testlib import FIXTURES, REPO

pytestmark = pytest.mark.slow

CFN_SEED = FIXTURES / "cloudformation" / "templates" / "seed-cluster.yaml"


def test_pipx_cfn_lint_with_eks_ip_lint_injected(tmp_path: Path) -> None:
    tools = tmp_path / "pipx-venv"
    subprocess.run([sys.executable, "-m", "venv", str(tools)], check=True)
    subprocess.run(
        [str(tools / "bin" / "pip"), "install", "--quiet", "pipx"], check=True, capture_output=True
    )
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update({"PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "bin")})
    env["PATH"] = str(tmp_path / "bin") + os.pathsep + env["PATH"]
    pipx = str(tools / "bin" / "pipx")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), env=env, capture_output=True, text=True, timeout=900, check=False)

    installed = run(pipx, "install", "cfn-lint>=1,<2")
    assert installed.returncode == 0, installed.stderr
    cfn_lint = str(tmp_path / "bin" / "cfn-lint")
    command = [
        cfn_lint,
        "-t",
        str(CFN_SEED),
        "--append-rules",
        "eks_ip_lint.integrations.cfnlint",
        "-f",
        "json",
    ]

    # Before the injection: the failure the docs describe.
    before = run(*command)
    assert before.returncode != 0
    assert "No module named 'eks_ip_lint'" in before.stderr + before.stdout

    injected = run(pipx, "inject", "cfn-lint", str(REPO))
    assert injected.returncode == 0, injected.stderr
    after = run(*command)
    matches = json.loads(after.stdout)
    ours = [(m["Rule"]["Id"], m["Location"]["Path"]) for m in matches if m["Rule"]["Id"].startswith("E9")]
    assert ours == [("E9101", ["Resources", "Workers"])]
    assert after.returncode == 2
    (rule,) = [m["Rule"] for m in matches if m["Rule"]["Id"] == "E9101"]
    assert rule["Source"] == "https://github.com/eks-ip-lint/eks-ip-lint/blob/main/docs/rules/EKSIP101.md"
