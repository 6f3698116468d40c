"""The pre-commit hook, with the real pre-commit program.

pre-commit installs a hook repository from a Git commit, so the tests first commit a snapshot of
this working tree (tracked and untracked, not ignored files) into a throwaway repository: they
test the tree as it is, committed or not. (``pre-commit try-repo`` without ``--ref`` would take
the last commit plus staged and modified tracked files, but not new untracked ones such as a new
``.pre-commit-hooks.yaml``.)

Then a scratch Git repository holding the seed example (which fails with EKSIP101) runs:

- the ``.pre-commit-config.yaml`` snippet of docs/integrations/pre-commit.md, with its ``repo``
  and ``rev`` pointed at the snapshot: it fails; with ``max_nodes = 40`` in terraform.tfvars it
  passes. Both runs share one ``PRE_COMMIT_HOME``, so the hook's environment is built once.
- ``pre-commit try-repo SNAPSHOT eks-ip-lint --ref SHA --all-files``, as the docs suggest for a
  trial: it fails too. try-repo always builds in a fresh temporary store, so this is the second
  and last environment build of the module.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from eks_ip_lint.cli import main

from testlib import REPO, SEED

DOC = REPO / "docs" / "integrations" / "pre-commit.md"
HOOK_ID = "eks-ip-lint"
CFN_HOOK_ID = "eks-ip-lint-cloudformation"
DOCKER_HOOK_ID = "eks-ip-lint-docker"
CFN_SEED = REPO / "tests" / "fixtures" / "cloudformation" / "templates" / "seed-cluster.yaml"
# pre-commit's result line for a hook: "eks-ip-lint (EKS VPC ...)....Failed".
RESULT = re.compile(r"^eks-ip-lint \(EKS VPC IP capacity, Terraform\)\.+(Passed|Failed)$", re.MULTILINE)

requires_pre_commit = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None or shutil.which("git") is None,
    reason="needs the pre-commit package (pip install '.[test]') and git",
)
# The tests that run pre-commit build its hook environment (a pip install of this tree, about a
# minute each): slow, like the checkov plugin's. The manifest and many-files tests stay fast.


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=eks-ip-lint tests", "-c", "user.email=tests@invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _env(pre_commit_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PRE_COMMIT_HOME"] = str(pre_commit_home)
    env["PRE_COMMIT_COLOR"] = "never"
    env.pop("GITHUB_STEP_SUMMARY", None)
    return env


@dataclass(frozen=True)
class HookRepo:
    path: Path
    sha: str
    home: Path  # PRE_COMMIT_HOME shared by the module's config runs


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    """This working tree, committed into a throwaway repository."""
    root = tmp_path_factory.mktemp("hook-repo")
    snapshot = root / "eks-ip-lint"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = REPO / name
        if src.is_file():  # a tracked file deleted in the working tree is left out
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, snapshot / name)
    _git(snapshot, "init", "-q")
    _git(snapshot, "add", "-A")
    _git(snapshot, "commit", "-q", "--no-verify", "-m", "snapshot of the working tree")
    sha = _git(snapshot, "rev-parse", "HEAD").strip()
    return HookRepo(snapshot, sha, root / "pre-commit-home")


def _doc_config() -> dict[str, object]:
    """The YAML block of docs/integrations/pre-commit.md, parsed."""
    blocks = re.findall(r"^```yaml\n(.*?)^```", DOC.read_text(), re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, "docs/integrations/pre-commit.md should hold exactly one yaml block"
    config = yaml.safe_load(blocks[0])
    assert isinstance(config, dict)
    return config


def _scratch_repo(path: Path, tfvars: str | None, config: dict[str, object] | None) -> Path:
    shutil.copytree(SEED, path)
    if tfvars is not None:
        (path / "terraform.tfvars").write_text(tfvars)
    (path / ".terraform" / "modules").mkdir(parents=True)
    # Excluded by the hook: were it analysed, its syntax error would be EKSIP000 and fail the run.
    (path / ".terraform" / "modules" / "broken.tf").write_text("resource {\n")
    if config is not None:
        (path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    _git(path, "init", "-q")
    _git(path, "add", "-A", "-f")
    _git(path, "commit", "-q", "--no-verify", "-m", "fixture")
    return path


def _pre_commit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def doc_config(hook_repo: HookRepo) -> Iterator[dict[str, object]]:
    config = _doc_config()
    (repo,) = config["repos"]  # type: ignore[misc]
    assert [h["id"] for h in repo["hooks"]] == [HOOK_ID]
    assert repo["repo"].startswith("https://")
    repo["repo"] = str(hook_repo.path)
    repo["rev"] = hook_repo.sha
    yield config


def test_manifest_declares_the_terraform_hook() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {HOOK_ID, CFN_HOOK_ID, DOCKER_HOOK_ID}
    hook = hooks[HOOK_ID]
    assert hook["entry"] == "eks-ip-lint"
    assert hook["language"] == "python"
    assert hook["require_serial"] is True
    assert hook["pass_filenames"] is True
    assert hook["verbose"] is True  # warnings pass the hook and must still be seen
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
    for name in (
        "main.tf",
        "infra/prod/terraform.tfvars",
        "a/b.auto.tfvars",
        "x/main.tf.json",
        "terraform.tfvars.json",
        "live/prod/eks/terragrunt.hcl",  # Terragrunt: the unit, and the files units include or read
        "live/root.hcl",
        "live/prod/env.hcl",
    ):
        assert files.search(name) and not exclude.search(name), name
    for name in ("main.tfstate", "x.tf.bak", "notes.md", "variables.json", "main.tf.json.bak", "tf"):
        assert not files.search(name), name
    for name in (
        ".terraform/modules/m/main.tf",
        "infra/.terraform/modules/m/main.tf",
        "live/eks/.terragrunt-cache/a/b/main.tf",
        ".terraform.lock.hcl",
        "infra/.terraform.lock.hcl",
    ):
        assert exclude.search(name), name


def test_many_files_of_one_module_analyse_it_once_with_its_tfvars(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the hook passes: every changed file of a module, .tfvars included."""
    work = tmp_path / "infra"
    shutil.copytree(SEED, work)
    (work / "terraform.tfvars").write_text("max_nodes = 40\n")
    files = [str(work / n) for n in ("main.tf", "variables.tf", "terraform.tfvars")]
    assert main([*files, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [u["path"] for u in report["units"]] == [str(work)]
    assert "EKSIP101" not in [f["rule_id"] for f in report["findings"]]
    assert report["units"][0]["clusters"][0]["node_groups"][0]["max_size"] == 40
    # A .tfvars alone stands for its module too, and finds it failing without the override.
    (work / "terraform.tfvars").unlink()
    assert main([str(work / "variables.tf"), str(work / "main.tf"), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert len(report["units"]) == 1
    assert [f["rule_id"] for f in report["findings"]].count("EKSIP101") == 1


@pytest.mark.slow
@requires_pre_commit
def test_hook_from_the_docs_fails_on_the_seed_and_passes_when_it_fits(
    hook_repo: HookRepo, doc_config: dict[str, object], tmp_path: Path
) -> None:
    start = time.monotonic()
    failing = _scratch_repo(tmp_path / "failing", None, doc_config)
    run = _pre_commit(failing, hook_repo.home, "run", "--all-files", "--color", "never")
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert RESULT.findall(out) == ["Failed"], out
    assert "error EKSIP101" in out and "main.tf:51:" in out, out
    assert "broken.tf" not in out, out  # .terraform/ is excluded
    assert out.count("== .") == 1, out  # three files of one module: analysed once

    passing = _scratch_repo(tmp_path / "passing", "max_nodes = 40\n", doc_config)
    run = _pre_commit(passing, hook_repo.home, "run", "--all-files", "--color", "never")
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert RESULT.findall(out) == ["Passed"], out
    # 40 nodes fit at the floor but not with full nodes: a warning, which passes and is still
    # shown (verbose: true in the manifest; pre-commit hides a passing hook's output otherwise).
    assert "warning EKSIP102" in out, out
    print(f"pre-commit run x2 (one environment build): {time.monotonic() - start:.1f}s")


@pytest.mark.slow
@requires_pre_commit
def test_try_repo_runs_the_hook_of_the_working_tree(hook_repo: HookRepo, tmp_path: Path) -> None:
    start = time.monotonic()
    failing = _scratch_repo(tmp_path / "failing", None, None)
    run = _pre_commit(
        failing,
        tmp_path / "home",
        "try-repo",
        str(hook_repo.path),
        HOOK_ID,
        "--ref",
        hook_repo.sha,
        "--all-files",
        "--color",
        "never",
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert RESULT.findall(out) == ["Failed"], out
    assert "error EKSIP101" in out, out
    print(f"pre-commit try-repo (one environment build): {time.monotonic() - start:.1f}s")


def test_manifest_declares_the_cloudformation_hook() -> None:
    from pre_commit.clientlib import load_manifest

    hook = {h["id"]: h for h in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}[CFN_HOOK_ID]
    assert (hook["entry"], hook["language"], hook["pass_filenames"]) == ("eks-ip-lint", "python", True)
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
    for name in ("eks.yaml", "stacks/vpc.yml", "cdk.out/App.template.json", "cluster.template"):
        assert files.search(name) and not exclude.search(name), name
    for name in (
        "terraform.tfvars.json",
        "x/main.tf.json",
        "node_modules/a/package.json",
        ".terraform/m.json",
    ):
        assert exclude.search(name) or not files.search(name), name


@pytest.mark.slow
@requires_pre_commit
def test_cloudformation_hook_fails_on_the_seed_template_and_skips_other_yaml(
    hook_repo: HookRepo, tmp_path: Path
) -> None:
    work = tmp_path / "cfn"
    work.mkdir()
    shutil.copy(CFN_SEED, work / "eks.yaml")
    (work / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n")
    _git(work, "init", "-q")
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "--no-verify", "-m", "fixture")
    base = ("try-repo", str(hook_repo.path), CFN_HOOK_ID, "--ref", hook_repo.sha, "--color", "never")
    failing = _pre_commit(work, hook_repo.home, *base, "--files", "eks.yaml", "docker-compose.yml")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "EKSIP101" in failing.stdout
    clean = _pre_commit(work, hook_repo.home, *base, "--files", "docker-compose.yml")
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_manifest_declares_the_container_image_hook() -> None:
    """The Terraform hook's files and modes, run from the image (Dockerfile) named eks-ip-lint,
    whose entrypoint is the program."""
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    hook, terraform = hooks[DOCKER_HOOK_ID], hooks[HOOK_ID]
    assert (hook["language"], hook["entry"]) == ("docker_image", "eks-ip-lint")
    for key in ("files", "exclude", "require_serial", "pass_filenames"):
        assert hook[key] == terraform[key], key
    assert 'ENTRYPOINT ["eks-ip-lint"]' in (REPO / "Dockerfile").read_text()
