"""Run the CLI on files written to a temporary directory and read its JSON report.

The rule tests go through ``eks-ip-lint --format json`` only: the report's schema
(docs/json-output.md) is stable while the Python API is being reworked. ``terraform()`` writes the
smallest module the rules need: one cluster, its subnets, one managed node group and, when asked,
a vpc-cni add-on env and a launch template that sets kubelet max pods.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.cli import main

Report = dict[str, Any]


def lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: Mapping[str, str | bytes], *args: str
) -> tuple[int, Report]:
    """Write ``files`` (name -> text or bytes) into ``tmp_path``, lint it; (exit code, report)."""
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    capsys.readouterr()  # drop anything printed before this run
    code = main([str(tmp_path), "--format", "json", "--no-cache", "--no-config", *args])
    return code, json.loads(capsys.readouterr().out)


def findings(report: Report, rule_id: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule_id"] == rule_id]


def rule_ids(report: Report) -> set[str]:
    return {f["rule_id"] for f in report["findings"]}


def numbers(message: str) -> list[int]:
    """Every integer in a message, thousands separators removed: '1,019 usable' -> [1019]."""
    return [int(m.replace(",", "")) for m in re.findall(r"\d[\d,]*\d|\d", message)]


def line_of(text: str, needle: str, after: str = "") -> int:
    """1-based line of the first line holding ``needle`` at or below the first one holding ``after``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i + 1 for i in range(start, len(lines)) if needle in lines[i])


def node_group(report: Report, address: str = "aws_eks_node_group.ng") -> dict[str, Any]:
    for unit in report["units"]:
        for cluster in unit["clusters"]:
            for g in cluster["node_groups"]:
                if g["address"] == address:
                    return dict(g)
    raise AssertionError(f"no node group {address} in the report")


def subnet(report: Report, address: str) -> dict[str, Any]:
    for unit in report["units"]:
        for cluster in unit["clusters"]:
            for s in cluster["subnets"]:
                if s["address"] == address:
                    return dict(s)
    raise AssertionError(f"no subnet {address} in the report")


def terraform(
    *,
    cidrs: tuple[str, ...] = ("10.0.0.0/24",),
    instance_types: tuple[str, ...] = ("m5.large",),
    max_size: int = 1,
    env: dict[str, str] | None = None,
    max_pods: int | None = None,
    ipv6: bool = False,
) -> str:
    """One cluster over ``aws_subnet.s[i]`` (one per CIDR, each in its own AZ), and a managed node
    group ``aws_eks_node_group.ng`` in all of them."""
    azs = ", ".join(f'"eu-west-1{chr(ord("a") + i)}"' for i in range(len(cidrs)))
    family = '  kubernetes_network_config {\n    ip_family = "ipv6"\n  }\n' if ipv6 else ""
    blocks = [
        f"""resource "aws_subnet" "s" {{
  count             = {len(cidrs)}
  vpc_id            = "vpc-0123456789abcdef0"
  cidr_block        = [{", ".join(f'"{c}"' for c in cidrs)}][count.index]
  availability_zone = [{azs}][count.index]
}}

resource "aws_eks_cluster" "c" {{
  name     = "c"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {{
    subnet_ids = aws_subnet.s[*].id
  }}
{family}}}
"""
    ]
    if env is not None:
        pairs = ", ".join(f"{k} = {json.dumps(v)}" for k, v in env.items())
        blocks.append(
            f"""resource "aws_eks_addon" "vpc_cni" {{
  cluster_name         = aws_eks_cluster.c.name
  addon_name           = "vpc-cni"
  configuration_values = jsonencode({{ env = {{ {pairs} }} }})
}}
"""
        )
    template = ""
    if max_pods is not None:
        # A custom AMI (image_id): only then does the user data's --max-pods take effect on a
        # managed node group; with an EKS AMI, EKS overrides it (capacity-beyond-node-groups.md §5).
        blocks.append(
            f"""resource "aws_launch_template" "nodes" {{
  name      = "nodes"
  image_id  = "ami-0123456789abcdef0"
  user_data = base64encode("export KUBELET_EXTRA_ARGS=\\"--max-pods={max_pods}\\"")
}}
"""
        )
        template = """  launch_template {
    id      = aws_launch_template.nodes.id
    version = "$Latest"
  }
"""
    blocks.append(
        f"""resource "aws_eks_node_group" "ng" {{
  cluster_name   = aws_eks_cluster.c.name
  node_role_arn  = "arn:aws:iam::111122223333:role/node"
  subnet_ids     = aws_subnet.s[*].id
  instance_types = [{", ".join(f'"{t}"' for t in instance_types)}]
{template}  scaling_config {{
    min_size     = 1
    max_size     = {max_size}
    desired_size = 1
  }}
}}
"""
    )
    return "\n".join(blocks)
