"""Issue 18 item 2: nothing outside the scanned tree is read, whatever in the tree points there.

A "secret" directory beside the repository holds files with a token in them (a Terraform
credentials file, a template, a module, a .tf file). The repository (a Git work tree: the scanned
tree is the repository of the path linted) points at them every way the issue lists: symlinked
.tf/.tfvars/.tfvars.json/.yaml files, a local module source with ../../.., a committed
.terraform/modules/modules.json whose Dir leaves the tree, nested-stack TemplateURLs (absolute,
file://, ../) and Terragrunt include/dependency/read_terragrunt_config paths.

Each run is the real command line in a subprocess, bounded (``bounded_run``), under an audit hook
that records every open() of a path in the secret directory: the test fails if one happens, if the
token appears in any output format, or if the reference is not reported by its path. Then
``--allow-outside`` makes the same file readable.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

import bounded_run
from testlib import FIXTURES, SEED

TOKEN = "SECRET-TOKEN-4f2a9c"
FORMATS = ("text", "json", "sarif", "github", "markdown")
# Runs the CLI with an audit hook that reports opens of anything under $SECRET_DIR.
PROBE = """
import os, sys
secret = os.path.realpath(os.environ["SECRET_DIR"])
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        p = os.path.realpath(os.fsdecode(args[0]))
        if p == secret or p.startswith(secret + os.sep):
            sys.stderr.write("OPENED-OUTSIDE " + p + "\\n")
sys.addaudithook(hook)
from eks_ip_lint.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    d = tmp_path / "secret"
    d.mkdir()
    creds = {"credentials": {"app.terraform.io": {"token": TOKEN}}}
    (d / "credentials.tfrc.json").write_text(json.dumps(creds))
    (d / "secret.tfvars").write_text(f'max_nodes = "{TOKEN}"\n')
    (d / "secret.tf").write_text(f'locals {{\n  token = "{TOKEN}"\n  broken = \n}}\n')
    (d / "mod").mkdir()
    (d / "mod" / "main.tf").write_text(f'output "token" {{\n  value = "{TOKEN}"\n}}\nresource {{\n')
    (d / "child.yaml").write_text(f"Resources:\n  {TOKEN}: [\n")
    (d / "cluster.yaml").write_text(
        f"apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: {TOKEN}\n"
    )
    (d / "root.hcl").write_text(f'inputs = {{ token = "{TOKEN}" }}\nbroken = \n')
    return d


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    r.mkdir()
    (r / ".git").mkdir()  # a Git work tree's marker: the scanned tree is the repository
    return r


def lint(target: Path, secret: Path, *args: str) -> dict[str, bounded_run.Bounded]:
    env = {**os.environ, "SECRET_DIR": str(secret), "EKS_IP_LINT_NO_CACHE": "1"}
    out = {}
    for fmt in FORMATS:
        result = bounded_run.run(
            ["--format", fmt, *args, "--", str(target)],
            cwd=target.parent,
            env=env,
            argv0=[sys.executable, "-c", PROBE],
        )
        out[fmt] = bounded_run.ok(result)
    return out


def assert_contained(results: dict[str, bounded_run.Bounded], named: str) -> None:
    for fmt, r in results.items():
        assert "OPENED-OUTSIDE" not in r.stderr, (fmt, r.stderr)
        assert TOKEN not in r.stdout + r.stderr, (fmt, r.stdout)
    text = results["text"].stdout
    assert named in text and "outside the scanned tree" in text, text


def _seed(repo: Path, name: str) -> Path:
    module = repo / name
    shutil.copytree(SEED, module)
    return module


def test_a_symlinked_auto_tfvars_json_to_credentials_is_not_read(repo: Path, secret: Path) -> None:
    module = _seed(repo, "infra")
    (module / "creds.auto.tfvars.json").symlink_to(secret / "credentials.tfrc.json")
    assert_contained(lint(module, secret), "creds.auto.tfvars.json")


def test_a_symlinked_tfvars_is_not_read(repo: Path, secret: Path) -> None:
    module = _seed(repo, "infra")
    (module / "terraform.tfvars").symlink_to(secret / "secret.tfvars")
    assert_contained(lint(module, secret), "terraform.tfvars")


def test_a_symlinked_tf_file_is_not_read(repo: Path, secret: Path) -> None:
    module = _seed(repo, "infra")
    (module / "extra.tf").symlink_to(secret / "secret.tf")
    assert_contained(lint(module, secret), "extra.tf")


def test_a_symlinked_yaml_document_is_not_read(repo: Path, secret: Path) -> None:
    (repo / "cluster.yaml").symlink_to(secret / "cluster.yaml")
    assert_contained(lint(repo, secret), "cluster.yaml")


def test_a_local_module_source_leaving_the_tree_is_not_read(repo: Path, secret: Path) -> None:
    module = _seed(repo, "infra")
    (module / "escape.tf").write_text('module "escape" {\n  source = "../../secret/mod"\n}\n')
    results = lint(module, secret)
    assert_contained(results, "../../secret/mod")
    # The EKSIP000 says what it means for the analysis, not that Terraform would refuse it.
    (line,) = [x for x in results["text"].stdout.splitlines() if "EKSIP000" in x and "escape" in x]
    assert line.endswith("what the module declares is not checked"), line
    assert "Terraform would refuse" not in line


def test_a_modules_json_dir_leaving_the_tree_is_not_read(repo: Path, secret: Path) -> None:
    module = _seed(repo, "infra")
    (module / "escape.tf").write_text('module "escape" {\n  source = "example.com/acme/escape/aws"\n}\n')
    manifest = module / ".terraform" / "modules"
    manifest.mkdir(parents=True)
    entries = [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "escape", "Source": "x", "Dir": "../../secret/mod"},
    ]
    (manifest / "modules.json").write_text(json.dumps({"Modules": entries}))
    assert_contained(lint(module, secret), "modules.json")


@pytest.mark.parametrize("style", ["absolute", "file-url", "relative"])
def test_a_nested_stack_template_url_leaving_the_tree_is_not_read(
    repo: Path, secret: Path, style: str
) -> None:
    child = secret / "child.yaml"
    url = {"absolute": str(child), "file-url": f"file://{child}", "relative": "../secret/child.yaml"}[style]
    template = (FIXTURES / "cloudformation" / "templates" / "seed-cluster.yaml").read_text()
    template = template.replace(
        "Resources:\n",
        f"Resources:\n  Nested:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: {url}\n",
        1,
    )
    (repo / "parent.yaml").write_text(template)
    assert_contained(lint(repo / "parent.yaml", secret), url)


def test_terragrunt_includes_and_dependencies_leaving_the_tree_are_not_read(repo: Path, secret: Path) -> None:
    unit = repo / "live" / "eks"
    unit.mkdir(parents=True)
    (unit / "terragrunt.hcl").write_text(
        f'include "root" {{\n  path = "{secret / "root.hcl"}"\n}}\n'
        f'dependency "vpc" {{\n  config_path = "{secret}"\n}}\n'
        f'locals {{\n  other = read_terragrunt_config("{secret / "root.hcl"}")\n}}\n'
        'terraform {\n  source = "../../../secret/mod"\n}\n'
    )
    results = lint(unit, secret)
    for fmt, r in results.items():
        assert "OPENED-OUTSIDE" not in r.stderr, (fmt, r.stderr)
        assert TOKEN not in r.stdout + r.stderr, (fmt, r.stdout)


def test_allow_outside_reads_what_it_names(repo: Path, secret: Path) -> None:
    module = _seed(repo, "infra")
    (module / "terraform.tfvars").symlink_to(secret / "secret.tfvars")
    env = {**os.environ, "SECRET_DIR": str(secret), "EKS_IP_LINT_NO_CACHE": "1"}
    allowed = bounded_run.ok(
        bounded_run.run(
            ["--allow-outside", str(secret), "--", str(module)],
            cwd=repo,
            env=env,
            argv0=[sys.executable, "-c", PROBE],
        )
    )
    assert "OPENED-OUTSIDE" in allowed.stderr  # read, as asked
    assert "outside the scanned tree" not in allowed.stdout
