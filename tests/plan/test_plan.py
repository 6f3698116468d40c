"""Terraform plan JSON (``terraform show -json``): detection, planned values, unknown-after-apply
values linked through the configuration's references, lines of resource addresses, bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.capacity.analysis import Options, analyse
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.facts.plan import load_plan
from eks_ip_lint.rules.runner import run_rules
from eks_ip_lint.values import Unknown
from golden_facts import check_golden, snapshot

from testlib import FIXTURES, SEED

PLANS = FIXTURES / "plan"


def _line(path: Path, needle: str) -> int:
    text = path.read_text()
    return text[: text.index(needle)].count("\n") + 1


def test_seed_plan_gives_the_seed_verdict() -> None:
    """As examples/seed-cluster: m5.4xlarge floor 2 ENIs x 30 = 60 IPs; floor(1019 / 60) = 16 per
    /22, 48 in all, max 80: EKSIP101 at the node group's address in the plan."""
    path = PLANS / "seed" / "tfplan.json"
    result = lint(LintRequest(paths=(str(path),)))
    (unit,) = result.units
    assert unit.kind == "plan"
    (cluster,) = unit.capacity.clusters
    (group,) = cluster.node_groups
    assert group.at[Density.FLOOR].node.node_subnet_ips == 60
    assert (group.at[Density.FLOOR].supported, group.max_size) == (48, 80)
    # subnet_ids is unknown after apply; the references ["aws_subnet.private"] link all three.
    assert [s.fact.address for s in cluster.subnets] == [f"aws_subnet.private[{i}]" for i in range(3)]
    assert all(s.cluster_subnet for s in cluster.subnets)
    (f101,) = [f for f in unit.findings if f.rule_id == "EKSIP101"]
    assert f101.span.path == str(path)
    assert f101.span.line == _line(path, '"address": "aws_eks_node_group.workers"')
    # Same numbers as the HCL example.
    (hcl,) = lint(LintRequest(paths=(str(SEED),))).units
    (hcl_group,) = hcl.capacity.clusters[0].node_groups
    assert (hcl_group.at[Density.FLOOR].node, hcl_group.at[Density.CONFIGURED].node) == (
        group.at[Density.FLOOR].node,
        group.at[Density.CONFIGURED].node,
    )
    assert [f.rule_id for f in hcl.findings] == [f.rule_id for f in unit.findings]


def test_unknown_after_apply_values_link_through_references() -> None:
    path = PLANS / "unknown-after-apply" / "tfplan.json"
    facts = load_plan(str(path))
    assert facts is not None and not facts.problems
    groups = {g.address: g for g in facts.node_groups}
    # module.vpc.private_subnets -> the module's output references ["aws_subnet.private"] -> ids.
    refs = groups["aws_eks_node_group.apps"].subnet_refs
    assert isinstance(refs, tuple) and all(isinstance(r, Unknown) for r in refs)
    assert [r.key for r in refs if isinstance(r, Unknown)] == [
        f"module.vpc.aws_subnet.private[{i}].id" for i in range(2)
    ]
    # An existing subnet (no-op in the plan) links by its real ID.
    legacy = facts.subnet_for("subnet-0123456789abcdef0")
    assert legacy is not None and legacy.address == "aws_subnet.legacy"
    # A CIDR computed at apply (IPAM) stays unknown, keyed by its address.
    ipam = next(s for s in facts.subnets if s.address == "aws_subnet.ipam")
    assert isinstance(ipam.cidr, Unknown) and ipam.cidr.key == "aws_subnet.ipam.cidr_block"
    (addon,) = facts.cni_sources
    assert isinstance(addon.env, Unknown) and "random_integer.warm.result" in addon.env.reason

    capacity = analyse(facts)
    by_addr = {g.fact.address: g for g in capacity.clusters[0].node_groups}
    # m5.large floor 20 (2 ENIs x 9 + 2), 20 nodes = 10 + 10 per /24 (251): 200 each; full nodes
    # (27 pods, 3 ENIs) 30 IPs -> 300 > 251, floor(251 / 30) = 8 per subnet: 16.
    apps = by_addr["aws_eks_node_group.apps"]
    assert (apps.at[Density.FLOOR].supported, apps.at[Density.CONFIGURED].supported) == (24, 16)
    # t3.medium floor: 2 ENIs x 5 + 2 = 12; 10 nodes in a /26 (59): 120; floor(59 / 12) = 4.
    assert by_addr["aws_eks_node_group.legacy"].at[Density.FLOOR].supported == 4
    rules = sorted(f.rule_id for f in run_rules(capacity, Options()))
    assert rules == ["EKSIP002", "EKSIP002", "EKSIP101", "EKSIP102"]


@pytest.mark.parametrize("name", ["seed", "unknown-after-apply", "broken"])
def test_plan_goldens(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PLANS / name)
    facts = load_plan("tfplan.json")
    assert facts is not None
    check_golden(snapshot(facts), PLANS / name / "expected.json")


def test_broken_plan_is_eksip000_at_the_syntax_error() -> None:
    path = PLANS / "broken" / "tfplan.json"
    (unit,) = lint(LintRequest(paths=(str(path),))).units
    (f,) = unit.findings
    assert (f.rule_id, f.span.path, f.span.line) == ("EKSIP000", str(path), 6)


def _write(tmp_path: Path, doc: Any) -> str:
    p = tmp_path / "tfplan.json"
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2))
    return str(p)


def test_json_that_is_not_a_plan_is_left_to_the_other_loaders(tmp_path: Path) -> None:
    assert load_plan(_write(tmp_path, {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}})) is None
    assert load_plan(_write(tmp_path, "{ not json")) is None  # no plan keys: CloudFormation's to report
    assert load_plan(str(tmp_path / "x.yaml")) is None


def test_unsupported_format_version_is_reported(tmp_path: Path) -> None:
    facts = load_plan(_write(tmp_path, {"format_version": "2.0", "planned_values": {}}))
    assert facts is not None
    (p,) = facts.problems
    assert "format_version '2.0' is not supported" in p.message and p.span.line == 2


@pytest.mark.parametrize(
    "doc",
    [
        {"format_version": "1.2", "planned_values": []},
        {"format_version": "1.2", "planned_values": {"root_module": {"resources": {"a": 1}}}},
        {
            "format_version": "1.2",
            "planned_values": {"root_module": {"resources": [1, None, {"address": 3}]}},
        },
        {
            "format_version": "1.2",
            "planned_values": {"root_module": {"resources": [], "child_modules": [7]}},
            "resource_changes": {"x": 1},
            "configuration": [],
        },
        {"format_version": 1, "terraform_version": "1.5.7"},
        {
            "format_version": "1.2",
            "planned_values": {
                "root_module": {
                    "resources": [
                        {
                            "address": "aws_eks_node_group.x",
                            "type": "aws_eks_node_group",
                            "name": "x",
                            "values": {
                                "scaling_config": "oops",
                                "subnet_ids": [None, 3],
                                "instance_types": "m5.large",
                            },
                        }
                    ]
                }
            },
            "resource_changes": [
                {
                    "address": "aws_eks_node_group.x",
                    "change": {
                        "after_unknown": {
                            "scaling_config": [{"max_size": True}],
                            "subnet_ids": [True, {"a": True}],
                        }
                    },
                }
            ],
        },
    ],
)
def test_malformed_plans_never_raise(tmp_path: Path, doc: dict[str, Any]) -> None:
    (unit,) = lint(LintRequest(paths=(_write(tmp_path, doc),))).units
    assert unit.kind == "plan"
    assert all(f.rule_id in {"EKSIP000", "EKSIP001", "EKSIP002"} for f in unit.findings)


def test_plan_is_found_in_a_directory_and_routed_before_cloudformation(tmp_path: Path) -> None:
    target = tmp_path / "ci"
    target.mkdir()
    (target / "tfplan.json").write_text((PLANS / "seed" / "tfplan.json").read_text())
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        (unit,) = lint(LintRequest(paths=("ci",))).units
    finally:
        os.chdir(cwd)
    assert (unit.kind, unit.path) == ("plan", os.path.join("ci", "tfplan.json"))
    assert [f.rule_id for f in unit.findings] == ["EKSIP101"]
