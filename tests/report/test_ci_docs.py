"""docs/integrations/ci.md: its GitHub Actions and GitLab CI blocks are valid YAML, and every
eks-ip-lint command in them does what the page says when run by a shell on the seed example
(checked out as ``infra/``), with GitHub's ``GITHUB_STEP_SUMMARY`` set as the runner sets it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from testlib import FIXTURES, REPO, SEED

DOC = REPO / "docs" / "integrations" / "ci.md"
SARIF_SCHEMA = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
REPORT_SCHEMA = json.loads((REPO / "docs" / "schema" / "report-v1.schema.json").read_text(encoding="utf-8"))


def _blocks() -> list[dict[str, Any]]:
    texts = re.findall(r"^```yaml\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
    return [yaml.safe_load(t) for t in texts]


def _workspace(tmp_path: Path) -> Path:
    shutil.copytree(SEED, tmp_path / "infra")
    return tmp_path


def _shell(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert command.startswith("eks-ip-lint "), command
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    # The eks-ip-lint of the environment running the tests.
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def blocks() -> list[dict[str, Any]]:
    found = _blocks()
    assert len(found) == 2, "ci.md should hold the GitHub Actions and the GitLab CI block"
    return found


def test_github_actions_workflow(blocks: list[dict[str, Any]], tmp_path: Path) -> None:
    if shutil.which("eks-ip-lint", path=os.path.dirname(sys.executable)) is None:
        pytest.skip("eks-ip-lint is not installed next to this Python")
    workflow = blocks[0]
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses == ["actions/checkout", "actions/setup-python", "github/codeql-action/upload-sarif"]
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    runs = [s["run"] for s in steps if "run" in s]
    assert runs[0].startswith("pip install ") and "eks-ip-lint" in runs[0]

    work = _workspace(tmp_path)
    summary = tmp_path / "step_summary"
    summary.touch()
    env = _env(GITHUB_STEP_SUMMARY=str(summary), GITHUB_ACTIONS="true")
    results = [_shell(cmd, work, env) for cmd in runs[1:]]

    sarif_run, summary_run, annotations_run = results
    assert sarif_run.returncode == 0, sarif_run.stderr  # --fail-on never: report only
    sarif = json.loads((work / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    (result,) = sarif["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/main.tf"

    assert summary_run.returncode == 0, summary_run.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.count("<!-- eks-ip-lint -->") == 1  # appended once, not twice
    assert "| `aws_eks_node_group.workers` | m5.4xlarge | 80 | 60 | 120 | **48** | **24** |" in text

    assert annotations_run.returncode == 1  # the step that fails the job
    assert annotations_run.stdout.startswith("::error file=infra/main.tf,line=51,endLine=53,title=EKSIP101::")


def test_gitlab_ci_job(blocks: list[dict[str, Any]], tmp_path: Path) -> None:
    if shutil.which("eks-ip-lint", path=os.path.dirname(sys.executable)) is None:
        pytest.skip("eks-ip-lint is not installed next to this Python")
    (job,) = blocks[1].values()
    script = job["script"]
    assert script[0].startswith("pip install ") and "eks-ip-lint" in script[0]
    work = _workspace(tmp_path)
    results = [_shell(cmd, work, _env()) for cmd in script[1:]]
    assert [r.returncode for r in results] == [0, 0, 0, 0, 0, 1]
    for name in [*job["artifacts"]["paths"], *job["artifacts"]["reports"].values()]:
        assert (work / name).is_file(), name
    quality = json.loads((work / job["artifacts"]["reports"]["codequality"]).read_text(encoding="utf-8"))
    assert [(i["check_name"], i["location"]["path"]) for i in quality] == [("EKSIP101", "infra/main.tf")]
    jsonschema.validate(json.loads((work / "eks-ip-lint.json").read_text(encoding="utf-8")), REPORT_SCHEMA)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(
        json.loads((work / "eks-ip-lint.sarif").read_text(encoding="utf-8"))
    )
    assert (work / "eks-ip-lint.md").read_text(encoding="utf-8").startswith("<!-- eks-ip-lint -->\n")
    assert "error EKSIP101" in results[-1].stdout
