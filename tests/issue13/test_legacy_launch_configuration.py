"""Issue 13 item 5: the legacy splat aws_launch_configuration.workers.*.id[count.index] links each
Auto Scaling group to its launch configuration (tests/fixtures/issue13/legacy-launch-configuration).

Self-managed nodes: max pods is nodeadm's E x (L - 1) + 2, no cap (vpc-cni-model.md §2).
m5.large: 3 ENIs x 10 IPv4 -> 29; c5.xlarge: 4 x 15 -> 4 x 14 + 2 = 58 (EC2). WARM_ENI_TARGET=1:
at 1 pod the primary ENI and one warm ENI; full: 27 pods on ceil(27 / 9) = 3 ENIs (m5.large),
56 pods on ceil(56 / 14) = 4 ENIs (c5.xlarge). A /24 has 251 usable IPs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eks_ip_lint.capacity.records import Density
from eks_ip_lint.cli import main
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.rules.eksip002_unresolved_value import ADVICE
from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.sources.hcl import parse_expression
from eks_ip_lint.values import Cause

from testlib import FIXTURES

FIXTURE = FIXTURES / "issue13" / "legacy-launch-configuration"


def test_each_group_gets_the_type_of_its_own_launch_configuration() -> None:
    """workers[0] m5.large: 2 x 10 = 20 IPs at 1 pod, 3 x 10 = 30 full; floor(251 / 20) = 12,
    floor(251 / 30) = 8 nodes. workers[1] c5.xlarge: 2 x 15 = 30, 4 x 15 = 60; floor(251 / 30)
    = 8 < max 10 (EKSIP101: 10 x 30 = 300 > 251), floor(251 / 60) = 4."""
    (unit,) = lint(LintRequest(paths=(str(FIXTURE),))).units
    (cluster,) = unit.capacity.clusters
    groups = {g.fact.address: g for g in cluster.node_groups}
    w0, w1 = groups["aws_autoscaling_group.workers[0]"], groups["aws_autoscaling_group.workers[1]"]
    assert (w0.instance_type, w0.max_pods) == ("m5.large", 29)
    assert (w1.instance_type, w1.max_pods) == ("c5.xlarge", 58)
    assert w0.fact.instance_types_source == "aws_launch_configuration.workers[0] instance_type"
    assert [w0.at[d].node.node_subnet_ips for d in (Density.FLOOR, Density.CONFIGURED)] == [20, 30]
    assert [w1.at[d].node.node_subnet_ips for d in (Density.FLOOR, Density.CONFIGURED)] == [30, 60]
    assert (w0.at[Density.FLOOR].supported, w0.at[Density.CONFIGURED].supported) == (12, 8)
    assert (w1.at[Density.FLOOR].supported, w1.at[Density.CONFIGURED].supported) == (8, 4)
    assert [f.address for f in unit.findings if f.rule_id == "EKSIP101"] == [
        "aws_autoscaling_group.workers[1]"
    ]


def test_an_undeclared_launch_configuration_is_named_as_one(capsys: pytest.CaptureFixture[str]) -> None:
    main([str(FIXTURE), "--format", "json", "--no-cache", "--no-config"])
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    (note,) = [f for f in report["findings"] if f["address"] == "aws_autoscaling_group.imported"]
    assert "its launch configuration is not declared" in note["message"]
    assert "launch template" not in note["message"]
    assert note["fix"] == ADVICE[Cause.LAUNCH_CONFIGURATION_NOT_DECLARED]
    assert "aws_launch_configuration" in note["fix"] and "subnet" not in note["fix"]


def test_the_attribute_only_splat_ends_at_the_first_index() -> None:
    """HCL: a.*.id[0] is (a.*.id)[0]; a[*].id[0] applies [0] to each element's id."""
    legacy = parse_expression("aws_launch_configuration.workers.*.id[count.index]")
    full = parse_expression("aws_launch_configuration.workers[*].id[0]")
    assert isinstance(legacy, ast.Index) and isinstance(legacy.obj, ast.Splat)
    assert isinstance(full, ast.Splat) and isinstance(full.ops[-1], ast.SplatIndex)
