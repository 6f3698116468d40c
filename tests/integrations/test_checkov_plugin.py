"""The checkov plugin with the real checkov, installed as docs/integrations/checkov.md says.

Two fresh virtual environments, built once per test session (a few minutes; CI runs it):

- checkov's: ``pip install 'checkov==3.*'``, nothing of ours in it (so its bc-python-hcl2
  ``hcl2`` module stays intact);
- eks-ip-lint's own: ``pip install`` of this working tree (a real wheel build, so the checks
  directory is the one hatch puts into the package).

Then ``checkov -d DIR --external-checks-dir "$(eks-ip-lint checkov-dir)"`` runs with a PATH that
does not hold eks-ip-lint: the checks find the program from their own installed location.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from testlib import FIXTURES, REPO, SEED

pytestmark = pytest.mark.slow

CFN_SEED = FIXTURES / "cloudformation" / "templates" / "seed-cluster.yaml"
# terraform-aws-modules/vpc + eks (registry modules checkov does not download): the EKS module's
# "workers" group (m5.4xlarge, max 80) and "system" group (m5.large, max 5) both fail EKSIP101,
# at lines 71 and 76, inside the module "eks" block (lines 37-79).
TAM = FIXTURES / "terraform" / "tam-v20-vpc-eks"
SKIP_COMMENT = "  # checkov:skip=CKV_EKSIP_101:accepted until the /21 subnets land"


@dataclass(frozen=True)
class Envs:
    checkov: Path
    checks_dir: str


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def _venv(path: Path, *requirements: str) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    subprocess.run(
        [
            str(_bin(path, "python")),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *requirements,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return path


@pytest.fixture(scope="session")
def envs(tmp_path_factory: pytest.TempPathFactory) -> Envs:
    root = tmp_path_factory.mktemp("checkov-envs")
    checkov = _venv(root / "checkov", "checkov==3.*")
    ours = _venv(root / "eks-ip-lint", str(REPO))
    checks_dir = subprocess.run(
        [str(_bin(ours, "eks-ip-lint")), "checkov-dir"], check=True, capture_output=True, text=True
    ).stdout.strip()
    return Envs(checkov, checks_dir)


def _checkov(
    envs: Envs, target: Path, *extra: str, networkx: bool = False, program: str | None = None
) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "EKS_IP_LINT", "PYTHONPATH")}
    if program is not None:
        env["EKS_IP_LINT"] = program
    env["PATH"] = os.defpath  # eks-ip-lint is not on PATH: the checks find their own environment's
    env["BC_SKIP_MAPPING"] = "TRUE"
    env.pop("CHECKOV_GRAPH_FRAMEWORK", None)
    if networkx:
        env["CHECKOV_GRAPH_FRAMEWORK"] = "NETWORKX"
    proc = subprocess.run(
        [
            str(_bin(envs.checkov, "checkov")),
            "-d",
            str(target),
            "--external-checks-dir",
            envs.checks_dir,
            "-o",
            "json",
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=target,
        timeout=600,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    doc = json.loads(proc.stdout)
    reports = doc if isinstance(doc, list) else [doc]
    merged: dict[str, list[dict[str, Any]]] = {"failed_checks": [], "passed_checks": [], "skipped_checks": []}
    for report in reports:
        for key in merged:
            merged[key] += report["results"][key]
    return merged


def _ours(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((r["check_id"], r["resource"]) for r in records if r["check_id"].startswith("CKV_EKSIP_"))


def test_checks_dir_is_inside_the_installed_package(envs: Envs) -> None:
    assert Path(envs.checks_dir).as_posix().endswith("site-packages/eks_ip_lint/integrations/checkov_checks")
    assert sorted(p.name for p in Path(envs.checks_dir).glob("*.py")) == [
        "__init__.py",
        "eksip_checkov_cloudformation.py",
        "eksip_checkov_support.py",
        "eksip_checkov_terraform.py",
    ]
    assert (Path(envs.checks_dir) / "eksip_rules.json").is_file()  # the fallback rule list


def test_checkovs_environment_keeps_its_own_hcl2(envs: Envs) -> None:
    python = str(_bin(envs.checkov, "python"))
    proc = subprocess.run(
        [
            python,
            "-c",
            "import hcl2; from hcl2 import START_LINE; import importlib.util as u; "
            "print(u.find_spec('eks_ip_lint') is None)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.strip() == "True"


@pytest.mark.parametrize("networkx", [False, True], ids=["rustworkx", "networkx"])
def test_seed_fails_ckv_eksip_101_and_builtin_checks_still_run(
    envs: Envs, tmp_path: Path, networkx: bool
) -> None:
    target = tmp_path / "seed"
    shutil.copytree(SEED, target)
    results = _checkov(envs, target, networkx=networkx)
    assert _ours(results["failed_checks"]) == [("CKV_EKSIP_101", "aws_eks_node_group.workers")]
    (failed,) = [r for r in results["failed_checks"] if r["check_id"] == "CKV_EKSIP_101"]
    assert failed["severity"] == "HIGH"
    assert failed["check_name"].startswith(
        "EKSIP101 warm-pool-exhausts-subnet: node group aws_eks_node_group.workers (m5.4xlarge, max 80 nodes)"
    )
    assert len(failed["details"]) == 1
    assert "holds 60 IPs per node" in failed["details"][0]
    assert "these subnets hold only 48 nodes" in failed["details"][0]
    assert "Fix: give each subnet at least 3,240 usable IPs" in failed["details"][0]
    assert "or set WARM_IP_TARGET=2" in failed["details"][0]
    assert failed["file_line_range"] == [41, 53]
    builtin = {r["check_id"] for r in results["passed_checks"] + results["failed_checks"]}
    assert any(c.startswith("CKV_AWS_") for c in builtin), builtin
    # Every rule is a check, and the other resources pass it.
    assert ("CKV_EKSIP_102", "aws_eks_node_group.workers") in _ours(results["passed_checks"])


def test_checkov_skip_comment_inside_the_block_suppresses(envs: Envs, tmp_path: Path) -> None:
    target = tmp_path / "seed"
    shutil.copytree(SEED, target)
    main_tf = target / "main.tf"
    lines = main_tf.read_text().splitlines(keepends=True)
    lines.insert(41, SKIP_COMMENT + "\n")  # the first line inside resource "aws_eks_node_group" "workers"
    main_tf.write_text("".join(lines))
    results = _checkov(envs, target)
    assert _ours(results["failed_checks"]) == []
    (skipped,) = [r for r in results["skipped_checks"] if r["check_id"] == "CKV_EKSIP_101"]
    assert skipped["resource"] == "aws_eks_node_group.workers"
    assert skipped["check_result"]["suppress_comment"] == "accepted until the /21 subnets land"


def test_cloudformation_template_fails_on_the_node_group(envs: Envs, tmp_path: Path) -> None:
    target = tmp_path / "cfn"
    target.mkdir()
    shutil.copy(CFN_SEED, target / "eks.yaml")
    results = _checkov(envs, target, "--framework", "cloudformation")
    assert _ours(results["failed_checks"]) == [("CKV_EKSIP_101", "AWS::EKS::Nodegroup.Workers")]


def test_terraform_aws_modules_module_block_fails(envs: Envs, tmp_path: Path) -> None:
    """checkov 3.x gives module checks an empty entity_type; the block is still located and the
    findings inside it fail the module block."""
    target = tmp_path / "tam"
    shutil.copytree(TAM, target)
    results = _checkov(envs, target, "--check", "CKV_EKSIP_*")
    assert _ours(results["failed_checks"]) == [("CKV_EKSIP_101", "eks")]
    (failed,) = results["failed_checks"]
    assert failed["file_line_range"] == [37, 79]
    # The workers and the system group share the subnets: one finding for the cluster names both.
    (detail,) = failed["details"]
    assert "2 node groups share subnets" in detail and "max 80" in detail and "max 5" in detail
    assert ("CKV_EKSIP_101", "vpc") in _ours(results["passed_checks"])


def test_a_failing_program_fails_every_check_with_its_error(envs: Envs, tmp_path: Path) -> None:
    """eks-ip-lint crashes on the directory (exit 3): every CKV_EKSIP check FAILS with the error,
    none is UNKNOWN (which checkov hides)."""
    target = tmp_path / "seed"
    shutil.copytree(SEED, target)
    real = str(Path(envs.checks_dir).parents[5] / "bin" / "eks-ip-lint")
    wrapper = tmp_path / "broken-eks-ip-lint"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'for a in "$@"; do [ "$a" = --list-rules ] && exec "{real}" "$@"; done\n'
        'echo "eks-ip-lint: internal error: KeyError: boom" >&2\nexit 3\n'
    )
    wrapper.chmod(0o755)
    results = _checkov(envs, target, "--check", "CKV_EKSIP_101,CKV_EKSIP_102", program=str(wrapper))
    ours = [r for r in results["failed_checks"] if r["check_id"].startswith("CKV_EKSIP_")]
    assert {(r["check_id"], r["resource"]) for r in ours} >= {
        ("CKV_EKSIP_101", "aws_eks_node_group.workers"),
        ("CKV_EKSIP_102", "aws_eks_node_group.workers"),
        ("CKV_EKSIP_101", "aws_subnet.private"),
        ("CKV_EKSIP_101", "aws_vpc.main"),
    }
    assert all("exited 3" in r["details"][0] and "KeyError: boom" in r["details"][0] for r in ours)
    assert _ours(results["passed_checks"]) == []


def test_a_missing_program_fails_every_check(envs: Envs, tmp_path: Path) -> None:
    target = tmp_path / "seed"
    shutil.copytree(SEED, target)
    results = _checkov(envs, target, "--check", "CKV_EKSIP_101", program=str(tmp_path / "nowhere"))
    ours = [r for r in results["failed_checks"] if r["check_id"] == "CKV_EKSIP_101"]
    assert ("CKV_EKSIP_101", "aws_eks_node_group.workers") in {(r["check_id"], r["resource"]) for r in ours}
    assert all("could not be run" in r["details"][0] for r in ours)
