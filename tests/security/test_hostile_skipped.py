"""Issue 18 item 6: nothing in the tree is silently checked as nothing (exit 0, no finding).

Each input is one the issue lists; each run is the real command line in a subprocess, bounded in
time and memory (``bounded_run``). The seed cluster (80 nodes, 48 fit: EKSIP101, worked out in
tests/security/test_hostile_cache.py) is the finding that must not disappear.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import bounded_run
from testlib import FIXTURES, SEED

CFN_SEED = FIXTURES / "cloudformation" / "templates" / "seed-cluster.yaml"
EKSCTL_SEED = FIXTURES / "eksctl" / "configs" / "seed-cluster.yaml"


def lint(cwd: Path, *paths: str) -> bounded_run.Bounded:
    env = {**os.environ, "EKS_IP_LINT_NO_CACHE": "1"}
    return bounded_run.ok(bounded_run.run(["--", *paths], cwd=cwd, env=env))


def test_a_module_that_calls_itself_is_analysed_once_and_reported(tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "infra")
    (tmp_path / "infra" / "self.tf").write_text('module "me" {\n  source = "./"\n}\n')
    result = lint(tmp_path, "infra")
    assert result.returncode == 1
    assert result.stdout.count("EKSIP101") == 1, result.stdout
    assert (
        "infra/self.tf:2: error EKSIP000 module me: ./ is the module itself or one that calls it"
        in result.stdout
    )
    assert "1 module checked" in result.stdout


def test_two_modules_calling_each_other_are_analysed_once_and_reported(tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "x")
    (tmp_path / "x" / "call.tf").write_text('module "y" {\n  source = "../y"\n}\n')
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "main.tf").write_text('module "x" {\n  source = "../x"\n}\n')
    result = lint(tmp_path, ".")
    assert result.returncode == 1
    assert result.stdout.count("EKSIP101") == 1, result.stdout
    assert "module x: ../x is the module itself or one that calls it" in result.stdout


def test_templates_nesting_each_other_are_analysed_once_and_reported(tmp_path: Path) -> None:
    nested = "Resources:\n  Other:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./b.yaml\n"
    (tmp_path / "a.yaml").write_text(CFN_SEED.read_text().replace("Resources:\n", nested, 1))
    (tmp_path / "b.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Back:\n"
        "    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./a.yaml\n"
    )
    result = lint(tmp_path, ".")
    assert result.returncode == 1
    assert result.stdout.count("error EKSIP101") == 1, result.stdout
    assert "includes itself through nested stacks" in result.stdout


def test_duplicate_keys_in_an_eksctl_config_are_eksip000(tmp_path: Path) -> None:
    text = EKSCTL_SEED.read_text()
    lines = text.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith("metadata:"))
    # A second top-level "metadata:" later in the file: PyYAML kept the last one silently.
    (tmp_path / "cluster.yaml").write_text(text + "metadata:\n  name: other\n")
    result = lint(tmp_path, "cluster.yaml")
    assert result.returncode == 1
    dup_line = len(lines) + 1
    assert f"cluster.yaml:{dup_line}: error EKSIP000" in result.stdout, result.stdout
    assert f"duplicate key 'metadata' (first on line {first + 1})" in result.stdout


def test_duplicate_locals_are_eksip000(tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "infra")
    (tmp_path / "infra" / "dup.tf").write_text("locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n")
    result = lint(tmp_path, "infra")
    assert result.returncode == 1
    assert (
        'infra/dup.tf:5: error EKSIP000 duplicate local value "a": already defined at infra/dup.tf:2'
        in result.stdout
    )


def test_utf16_template_and_config_are_decoded(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_bytes(CFN_SEED.read_text().encode("utf-16"))  # with a BOM
    (tmp_path / "cluster.yaml").write_bytes(EKSCTL_SEED.read_text().encode("utf-16-be"))  # without
    result = lint(tmp_path, ".")
    assert result.returncode == 1
    assert "template.yaml" in result.stdout and "cluster.yaml" in result.stdout
    assert result.stdout.count("error EKSIP101") == 2, result.stdout


def test_a_directory_that_cannot_be_listed_is_reported(tmp_path: Path) -> None:
    # Simulated without chmod (root reads everything): a directory whose path is longer than
    # PATH_MAX (4,096 bytes) cannot be listed by anyone, made with paths relative to a descriptor.
    shutil.copytree(SEED, tmp_path / "repo" / "seed")
    fd = os.open(tmp_path / "repo", os.O_RDONLY)
    for _ in range(20):  # 20 x 251 bytes
        os.mkdir("d" * 250, dir_fd=fd)
        inner = os.open("d" * 250, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)
    result = lint(tmp_path, "repo")
    assert "EKSIP101" in result.stdout
    assert "not read: 1 director(ies) that cannot be listed" in result.stdout, result.stdout[-1500:]
