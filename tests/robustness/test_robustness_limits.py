"""Hostile inputs hit a clear limit quickly: deep nesting, huge files and lists, runaway
expansions, symlink loops, unreadable, binary and non-UTF-8 files, and paths outside the tree.

Each case runs the real CLI in a subprocess with a wall-clock ``timeout=``: a hang fails the test
instead of the CI job, and a RecursionError would show as exit code 3 with "internal error".
"""

from __future__ import annotations

import builtins
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.facts.cloudformation import load_cloudformation
from eks_ip_lint.values import Unknown

from testlib import SEED

EKSCTL_HEAD = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: x\n"
CFN_HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"


def run(path: Path, *args: str, timeout: float = 30) -> tuple[int, str, str]:
    """The CLI on ``path`` in a subprocess; fails the test if it runs past ``timeout`` seconds."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "eks_ip_lint", str(path), "--fail-on", "never", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "EKS_IP_LINT_DEBUG": "1"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"eks-ip-lint did not finish within {timeout} s on {path}")
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode in (0, 1, 2), proc.stderr[-3000:]
    return proc.returncode, proc.stdout, proc.stderr


def eksip000(out: str, name: str) -> list[str]:
    return [line for line in out.splitlines() if "EKSIP000" in line and name in line]


# --- deep nesting ----------------------------------------------------------------------------------

# Modules that name nothing EKS- or VPC-related are not parsed at all (terraform/module_source.py
# may_hold_capacity_facts); hostile files below start with a subnet so they are parsed.
SUBNET = 'resource "aws_subnet" "s" {}\n'


def test_hcl_expression_10000_brackets_deep(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(SUBNET + "locals {\n  x = " + "[" * 10_000 + "]" * 10_000 + "\n}\n")
    _, out, _ = run(tmp_path, timeout=20)
    (line,) = eksip000(out, "main.tf")
    assert "nested deeper than 200 levels" in line
    assert "main.tf:3:" in line  # line 1 is the subnet, 2 opens the locals block


def test_hcl_blocks_10000_deep(tmp_path: Path) -> None:
    """Regression: nested blocks recursed without a bound (RecursionError in hcl._Converter.body)."""
    (tmp_path / "main.tf").write_text(SUBNET + "a {\n" * 10_000 + "}\n" * 10_000)
    _, out, _ = run(tmp_path, timeout=20)
    (line,) = eksip000(out, "main.tf")
    assert "blocks nested deeper than 200 levels" in line


def test_hcl_object_and_call_nesting(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        SUBNET
        + "locals {\n  a = "
        + "{ k = " * 3000
        + "1"
        + " }" * 3000
        + "\n  b = "
        + "max(" * 3000
        + "1"
        + ")" * 3000
        + "\n}\n"
    )
    _, out, _ = run(tmp_path, timeout=20)
    assert "nested deeper than 200 levels" in out


def test_yaml_10000_brackets_deep_in_an_eksctl_config(tmp_path: Path) -> None:
    """Regression: PyYAML's recursive composer hit the recursion limit (yaml_lines)."""
    (tmp_path / "cluster.yaml").write_text(EKSCTL_HEAD + "vpc: " + "[" * 10_000 + "]" * 10_000 + "\n")
    _, out, _ = run(tmp_path, timeout=20)
    (line,) = eksip000(out, "cluster.yaml")
    assert "nested deeper than 200 levels" in line


def test_yaml_10000_block_mappings_deep(tmp_path: Path) -> None:
    body = "".join(f"{' ' * i}k:\n" for i in range(3000))
    (tmp_path / "cluster.yaml").write_text(EKSCTL_HEAD + "vpc:\n" + body.replace("\n", "\n ", 0))
    _, out, _ = run(tmp_path, timeout=30)
    assert "nested deeper than 200 levels" in out or "EKSIP000" in out


def test_json_template_10000_deep(tmp_path: Path) -> None:
    """Regression: a deep JSON template went through the eksctl reader's YAML composer first."""
    (tmp_path / "t.json").write_text(
        '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"S": {"Type": "AWS::EC2::Subnet", '
        '"Properties": {"CidrBlock": ' + "[" * 10_000 + "]" * 10_000 + "}}}}"
    )
    _, out, _ = run(tmp_path, timeout=30)
    (line,) = eksip000(out, "t.json")
    assert "cannot be parsed" in line


def test_deep_intrinsic_functions(tmp_path: Path) -> None:
    for depth in (150, 400):
        d = tmp_path / str(depth)
        d.mkdir()
        expr = '{"Fn::Select": [0, ' * depth + '["10.0.0.0/24"]' + "]}" * depth
        (d / "t.yaml").write_text(
            CFN_HEAD + f"  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: {expr}\n"
        )
        run(d, timeout=30)


def test_find_in_map_that_refers_to_itself(tmp_path: Path) -> None:
    """Regression: a Mappings entry holding the FindInMap that reads it recursed forever."""
    (tmp_path / "t.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Mappings:\n  M:\n    a:\n      b: !FindInMap [M, a, b]\n"
        "Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: !FindInMap [M, a, b]\n"
    )
    run(tmp_path, timeout=20)
    (facts,) = load_cloudformation(str(tmp_path / "t.yaml")) or []
    (subnet,) = facts.subnets
    assert isinstance(subnet.cidr, Unknown)
    assert "nested deeper than 100 levels" in subnet.cidr.reason


# --- huge inputs -------------------------------------------------------------------------------------


def _write_big(path: Path, line: bytes, size: int) -> None:
    with path.open("wb") as fh:
        chunk = line * (1024 * 1024 // len(line))
        written = 0
        while written < size:
            fh.write(chunk)
            written += len(chunk)


@pytest.mark.parametrize("name", ["main.tf", "template.yaml", "cluster.yml", "stack.json"])
def test_50_mb_file_is_skipped_with_a_finding(tmp_path: Path, name: str) -> None:
    line = b"# AWSTemplateFormatVersion eksctl.io/v1alpha5 ClusterConfig padding padding\n"
    _write_big(tmp_path / name, line, 50 * 1024 * 1024)
    _, out, _ = run(tmp_path, timeout=30)
    (finding,) = eksip000(out, name)
    assert "larger than 5 MiB; skipped" in finding


def test_hcl_list_of_100000_elements(tmp_path: Path) -> None:
    """python-hcl2's parser takes a few seconds on 600 kB (see benchmarks/RESULTS.md); it must
    finish, with the list's length known."""
    items = ",".join(str(i) for i in range(100_000))
    (tmp_path / "main.tf").write_text(
        f'locals {{\n  x = [{items}]\n}}\nresource "aws_subnet" "s" {{\n  count = length(local.x) > 3 ? 3 : 0\n'
        '  cidr_block = "10.0.0.0/24"\n}\n'
    )
    _, out, _ = run(tmp_path, timeout=60)
    assert "EKSIP000" not in out, out


def test_yaml_list_of_100000_elements(tmp_path: Path) -> None:
    items = "\n".join(f"  - us-east-1{chr(97 + i % 6)}" for i in range(100_000))
    (tmp_path / "cluster.yaml").write_text(EKSCTL_HEAD + "availabilityZones:\n" + items + "\n")
    run(tmp_path, timeout=60)


def test_for_expression_over_range_of_a_million(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'locals {\n  x = [for i in range(1000000) : i * 2]\n}\nresource "aws_subnet" "s" {\n'
        '  count      = length(local.x)\n  cidr_block = "10.0.0.0/24"\n}\n'
    )
    _, out, _ = run(tmp_path, timeout=20)
    assert "more than 1024 values" in out


def test_nested_for_expressions_hit_a_limit(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        "locals {\n  r = range(1000)\n  x = [for a in local.r : [for b in local.r : [for c in local.r : c]]]\n}\n"
        'resource "aws_subnet" "s" {\n  count      = length(local.x)\n  cidr_block = "10.0.0.0/24"\n}\n'
    )
    run(tmp_path, timeout=5)


def test_yaml_billion_laughs(tmp_path: Path) -> None:
    """Regression: aliases were expanded without a bound (10^12 nodes)."""
    text = EKSCTL_HEAD + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 12):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n"
    (tmp_path / "cluster.yaml").write_text(text)
    _, out, _ = run(tmp_path, timeout=30)
    (line,) = eksip000(out, "cluster.yaml")
    assert "expands to more than 1,000,000 nodes" in line


def test_cloudformation_billion_laughs(tmp_path: Path) -> None:
    text = (
        CFN_HEAD
        + "  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      A0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    )
    for i in range(1, 12):
        text += f"      A{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n"
    (tmp_path / "t.yaml").write_text(text)
    _, out, _ = run(tmp_path, timeout=30)
    assert eksip000(out, "t.yaml") or "EKSIP000" not in out


def test_yaml_alias_that_contains_itself(tmp_path: Path) -> None:
    (tmp_path / "cluster.yaml").write_text(EKSCTL_HEAD + "vpc: &a [1, *a]\n")
    _, out, _ = run(tmp_path, timeout=20)
    (line,) = eksip000(out, "cluster.yaml")
    assert "a YAML alias refers to itself" in line


# --- odd files -----------------------------------------------------------------------------------------


def test_binary_and_non_utf8_files_are_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text((SEED / "main.tf").read_text())
    (tmp_path / "blob.tf").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
    (tmp_path / "latin1.tf").write_bytes(b'locals {\n  x = "caf\xe9"\n}\n')
    (tmp_path / "t.yaml").write_bytes(CFN_HEAD.encode() + b"  S:\n    Type: AWS::EC2::Subnet # caf\xe9\n")
    (tmp_path / "bin.yaml").write_bytes(CFN_HEAD.encode() + b"\x00\x01\x02")
    (tmp_path / "escape.yaml").write_bytes(EKSCTL_HEAD.encode() + b"  region: a\x1b\n")
    _, out, _ = run(tmp_path)
    assert "binary file (contains NUL bytes); skipped" in eksip000(out, "blob.tf")[0]
    assert "not UTF-8 text" in eksip000(out, "latin1.tf:2:")[0]
    assert "not UTF-8 text" in eksip000(out, "t.yaml:4:")[0]
    assert "binary file" in eksip000(out, "bin.yaml")[0]
    # Regression: PyYAML rejects control characters when the loader is created, outside the try.
    assert "special characters are not allowed" in eksip000(out, "escape.yaml:5:")[0]
    assert re.search(
        r"^  workers +m5\.4xlarge", out, re.M
    )  # the readable module is still analysed (its group by name)


def test_symlinked_directory_loop_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.tf").write_text((SEED / "main.tf").read_text())
    (tmp_path / "mod" / "up").symlink_to("..")
    (tmp_path / "mod" / "self").symlink_to(".")
    _, out, _ = run(tmp_path, timeout=20)
    assert "1 module checked" in out


@pytest.mark.parametrize("suffix", [".tf", ".yaml"])
def test_symlinked_file_loop_is_reported_and_skipped(tmp_path: Path, suffix: str) -> None:
    (tmp_path / "main.tf").write_text((SEED / "main.tf").read_text())
    (tmp_path / f"a{suffix}").symlink_to(f"b{suffix}")
    (tmp_path / f"b{suffix}").symlink_to(f"a{suffix}")
    code, out, err = run(tmp_path, timeout=20)
    # Each looping link is an EKSIP000 naming it (a .yaml link is its own unit), the module is
    # still analysed, and nothing is an internal error.
    assert code == 0 and "Traceback" not in err and "internal error" not in err  # --fail-on never
    assert out.count("Too many levels of symbolic links") == 2
    assert "cluster seed" in out


def test_unreadable_file_is_reported_and_skipped(tmp_path: Path) -> None:
    secret = tmp_path / "secret.tf"
    secret.write_text('locals {\n  x = "y"\n}\n')
    secret.chmod(0)
    try:
        readable = os.access(secret, os.R_OK)
        if readable:
            pytest.skip(
                "chmod 000 does not stop this user from reading (running as root or with CAP_DAC_OVERRIDE); "
                "unreadable files cannot be simulated here"
            )
        (tmp_path / "main.tf").write_text((SEED / "main.tf").read_text())
        _, out, _ = run(tmp_path)
        (line,) = eksip000(out, "secret.tf")
        assert "cannot read file" in line
    finally:
        secret.chmod(0o644)


# --- file() / templatefile() never read outside the scanned tree ---------------------------------------

OUTSIDE_TF = """\
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.v.id
  cidr_block = templatefile("/etc/passwd", {})
}
resource "aws_eks_cluster" "c" {
  name = "c"
  vpc_config {
    subnet_ids = [aws_subnet.s.id]
  }
}
resource "aws_eks_node_group" "ng" {
  cluster_name   = aws_eks_cluster.c.name
  subnet_ids     = [aws_subnet.s.id]
  instance_types = [file("${path.module}/../../../../../../../etc/hostname")]
  scaling_config {
    min_size     = 1
    max_size     = 3
    desired_size = 1
  }
}
"""


def test_file_functions_never_read_outside_the_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """/etc/passwd by absolute path, /etc/hostname through ../.., and /etc/passwd through a symlink
    inside the module: none is opened, and each value is an Unknown whose finding says why."""
    (tmp_path / "main.tf").write_text(
        OUTSIDE_TF.replace('name = "c"', 'name = file("${path.module}/link.txt")')
    )
    (tmp_path / "link.txt").symlink_to("/etc/passwd")
    monkeypatch.setenv("EKS_IP_LINT_NO_CACHE", "1")  # the parse cache lives outside the tree, by design
    opened: list[str] = []
    real_open: Callable[..., Any] = builtins.open
    real_io_open: Callable[..., Any] = io.open
    real_os_open: Callable[..., int] = os.open

    def spy(real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(file: Any, *args: Any, **kwargs: Any) -> Any:
            opened.append(
                os.path.realpath(os.fsdecode(file)) if isinstance(file, str | bytes | os.PathLike) else ""
            )
            return real(file, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(builtins, "open", spy(real_open))
    monkeypatch.setattr(io, "open", spy(real_io_open))
    monkeypatch.setattr(os, "open", spy(real_os_open))
    result = lint(LintRequest(paths=(str(tmp_path),)))
    monkeypatch.undo()

    tree = os.path.realpath(tmp_path)
    package = os.path.realpath(Path(__import__("eks_ip_lint").__file__).parent)
    outside = [p for p in opened if p and not p.startswith((tree, package, sys.prefix, sys.base_prefix))]
    assert "/etc/passwd" not in opened and "/etc/hostname" not in opened
    assert outside == [], outside

    (unit,) = result.units
    subnet = next(s for s in unit.capacity.facts.subnets if s.address == "aws_subnet.s")
    assert isinstance(subnet.cidr, Unknown)
    assert "'/etc/passwd' is outside the module's directory" in subnet.cidr.reason
    messages = [f.message for f in result.findings if f.rule_id == "EKSIP002"]
    assert any("'/etc/passwd' is outside the module's directory" in m for m in messages), messages
    assert any("etc/hostname' is outside the module's directory" in m for m in messages), messages
    clusters = [c.name for c in unit.capacity.facts.clusters]
    assert all(isinstance(n, Unknown) and "link.txt' is outside" in n.reason for n in clusters), clusters
