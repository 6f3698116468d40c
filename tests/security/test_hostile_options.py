"""Issue 18 item 3: file names are never read as options.

The pre-commit tests run the real pre-commit over a real Git repository whose committed files
have option-shaped names. The hooks are the manifest's own (.pre-commit-hooks.yaml: entry, args,
files, exclude, serial, pass_filenames), declared as ``repo: local`` hooks with
``language: system`` so that the eks-ip-lint of this test run is the one executed (building the
hook's own environment takes minutes: tests/integrations/test_pre_commit.py does that, marked
slow). Every run is bounded in time and memory (``bounded_run``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import bounded_run
from testlib import REPO, SEED

MANIFEST = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
TFVARS = "max_nodes = 80\n"  # the seed at 80 nodes: EKSIP101 (48 fit), so the hook must fail

requires_tools = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def _local_hook(hook_id: str, args: list[str] | None = None) -> dict[str, Any]:
    hook = MANIFEST[hook_id]
    keys = ("id", "name", "entry", "files", "exclude", "require_serial", "pass_filenames", "args")
    local = {k: hook[k] for k in keys if k in hook}
    local["language"] = "system"
    if args is not None:
        local["args"] = args
    return local


def _repo(path: Path, hooks: list[dict[str, Any]], files: dict[str, str]) -> Path:
    shutil.copytree(SEED, path)
    for name, text in files.items():
        (path / name).write_text(text)
    config = {"repos": [{"repo": "local", "hooks": hooks}]}
    (path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    _git(path, "init", "-q")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "--no-verify", "-m", "fixture")
    return path


def _pre_commit(repo: Path, tmp_path: Path) -> bounded_run.Bounded:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env["PRE_COMMIT_COLOR"] = "never"
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    result = bounded_run.run(
        ["run", "--all-files"], cwd=repo, env=env, argv0=[sys.executable, "-m", "pre_commit"]
    )
    assert not result.timed_out
    return result


def _snapshot(repo: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(repo)): p.read_bytes()
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.parts
    }


@requires_tools
def test_a_committed_write_baseline_file_neither_passes_the_hook_nor_rewrites_anything(
    tmp_path: Path,
) -> None:
    repo = _repo(
        tmp_path / "repo",
        [_local_hook("eks-ip-lint")],
        {"terraform.tfvars": TFVARS, "--write-baseline=terraform.tfvars": ""},
    )
    before = _snapshot(repo)
    result = _pre_commit(repo, tmp_path)
    assert result.returncode == 1, result.stdout
    assert "Failed" in result.stdout and "EKSIP101" in result.stdout
    assert _snapshot(repo) == before


@requires_tools
def test_a_committed_output_file_does_not_overwrite_anything_through_the_template_hook(
    tmp_path: Path,
) -> None:
    template = (
        REPO / "tests" / "fixtures" / "cloudformation" / "templates" / "seed-cluster.yaml"
    ).read_text()
    repo = _repo(
        tmp_path / "repo",
        [_local_hook("eks-ip-lint-cloudformation")],
        {"README.json": '{"keep": true}\n', "--output=README.json": "", "cluster.yaml": template},
    )
    before = _snapshot(repo)
    result = _pre_commit(repo, tmp_path)
    assert result.returncode == 1, result.stdout
    assert "EKSIP101" in result.stdout
    assert _snapshot(repo) == before


@requires_tools
def test_hook_args_without_the_separator_are_refused_under_pre_commit(tmp_path: Path) -> None:
    # A user's args replace the hook's ["--"]; without it the file names would follow options
    # again, so the run refuses (exit 2, the hook fails) instead of reading one as an option.
    repo = _repo(
        tmp_path / "repo",
        [_local_hook("eks-ip-lint", args=["--fail-on", "error"])],
        {"terraform.tfvars": TFVARS, "--write-baseline=terraform.tfvars": ""},
    )
    before = _snapshot(repo)
    result = _pre_commit(repo, tmp_path)
    assert result.returncode == 1
    assert "file names must follow '--'" in result.stdout
    assert _snapshot(repo) == before


def test_a_path_that_looks_like_a_negative_number_must_follow_the_separator(tmp_path: Path) -> None:
    # argparse takes "-5" for a path (it looks like a number, not an option): refused before "--".
    shutil.copytree(SEED, tmp_path / "-5")
    refused = bounded_run.ok(bounded_run.run(["-5"], cwd=tmp_path))
    assert refused.returncode == 2
    assert "put it after '--'" in refused.stderr
    linted = bounded_run.ok(bounded_run.run(["--", "-5"], cwd=tmp_path))
    assert linted.returncode == 1 and "EKSIP101" in linted.stdout
