"""What is a template, what is not, and parameter inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eks_ip_lint.cloudformation.parameters import parse_assignments, read_parameter_file
from eks_ip_lint.errors import UsageError
from eks_ip_lint.facts.cloudformation import load_cloudformation

from testlib import FIXTURES

ROOT = FIXTURES / "cloudformation"


@pytest.mark.parametrize("path", sorted((ROOT / "not-templates").iterdir()), ids=lambda p: p.name)
def test_other_yaml_and_json_are_skipped_silently(path: Path) -> None:
    assert load_cloudformation(str(path)) is None


def test_eksctl_config_is_not_a_template() -> None:
    assert load_cloudformation(str(FIXTURES / "eksctl" / "configs" / "seed-cluster.yaml")) is None


@pytest.mark.parametrize(
    ("name", "line", "text"),
    [
        ("malformed-duplicate-key.yaml", 3, "Duplicate found 'Subnet'"),
        ("malformed-broken-yaml.yaml", 7, "expected ',' or ']'"),
    ],
)
def test_malformed_template_is_an_input_problem(name: str, line: int, text: str) -> None:
    path = str(ROOT / "templates" / name)
    (facts,) = load_cloudformation(path) or []
    (problem,) = facts.problems
    assert (problem.span.path, problem.span.line) == (path, line)
    assert text in problem.message


def test_template_without_version_but_with_aws_types(tmp_path: Path) -> None:
    p = tmp_path / "t.json"
    p.write_text(
        json.dumps(
            {"Resources": {"S": {"Type": "AWS::EC2::Subnet", "Properties": {"CidrBlock": "10.0.0.0/24"}}}}
        )
    )
    (facts,) = load_cloudformation(str(p)) or []
    assert [s.cidr for s in facts.subnets] == ["10.0.0.0/24"]


def test_parameter_values_override_defaults() -> None:
    path = str(ROOT / "templates" / "parameters-mappings-conditions.yaml")
    (facts,) = load_cloudformation(path, {"Env": "prod", "SubnetCidrs": "10.0.8.0/22,10.0.12.0/22"}) or []
    assert [g.max_size for g in facts.node_groups] == [60]
    assert sorted(str(s.cidr) for s in facts.subnets) == ["10.0.12.0/22", "10.0.8.0/22", "100.64.0.0/20"]
    assert facts.vpcs[0].cidrs == ("10.0.0.0/16", "100.64.0.0/16")


@pytest.mark.parametrize(
    "content",
    [
        [
            {"ParameterKey": "Env", "ParameterValue": "prod"},
            {"ParameterKey": "Zones", "ParameterValue": ["a", "b"]},
        ],
        {"Parameters": {"Env": "prod", "Zones": "a,b"}},
        {"Env": "prod", "Zones": "a,b"},
    ],
)
def test_parameter_file_formats(tmp_path: Path, content: object) -> None:
    p = tmp_path / "params.json"
    p.write_text(json.dumps(content))
    assert read_parameter_file(str(p)) == {"Env": "prod", "Zones": "a,b"}


@pytest.mark.parametrize("content", ["not json", '[{"Key": "x"}]', '"a string"', '{"Env": {"nested": 1}}'])
def test_bad_parameter_file_is_a_usage_error(tmp_path: Path, content: str) -> None:
    p = tmp_path / "params.json"
    p.write_text(content)
    with pytest.raises(UsageError, match="--parameters-file"):
        read_parameter_file(str(p))


def test_missing_parameter_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        read_parameter_file(str(tmp_path / "missing.json"))


def test_parameter_assignments() -> None:
    assert parse_assignments(["A=1", "Subnets=a,b", "X=y=z"]) == {"A": "1", "Subnets": "a,b", "X": "y=z"}
    with pytest.raises(UsageError):
        parse_assignments(["novalue"])
