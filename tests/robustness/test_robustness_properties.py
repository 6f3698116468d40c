"""Property-based tests: mutated and random HCL, CloudFormation, eksctl and intrinsic-function
trees never produce a traceback, and malformed files become EKSIP000 findings with a file and a
line inside it.

Budget: every test here has a fixed ``max_examples`` and no per-example deadline (a cold parser
import would trip one); the whole file runs in about 25 s. Scale it with
``EKSIP_FUZZ_SCALE=10 pytest tests/robustness`` or run ``python benchmarks/fuzz.py --seconds 600``
for a long campaign (not run in CI).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fuzzlib import (
    CLOUDFORMATION_SEEDS,
    EKSCTL_SEEDS,
    TERRAFORM_SEEDS,
    line_count,
    lint_files,
    mutated,
    random_bytes,
    run_cli,
    scratch_dir,
    token_soup,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_ip_lint.cloudformation.intrinsics import Evaluator, cidr
from eks_ip_lint.facts.cloudformation import load_cloudformation
from eks_ip_lint.facts.eksctl import load_eksctl
from eks_ip_lint.values import Unknown

SCALE = int(os.environ.get("EKSIP_FUZZ_SCALE", "1"))
COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "derandomize": SCALE == 1,  # CI: the same examples on every run; scaled runs explore
}


def _examples(n: int) -> int:
    return n * SCALE


# --- (a) HCL through the engine -----------------------------------------------------------------


@settings(max_examples=_examples(120), **COMMON)
@given(mutated(TERRAFORM_SEEDS))
def test_mutated_terraform_never_crashes_the_engine(data: bytes) -> None:
    lint_files({"main.tf": data})


@settings(max_examples=_examples(40), **COMMON)
@given(random_bytes | token_soup)
def test_random_bytes_as_terraform(data: bytes) -> None:
    lint_files({"main.tf": data})


@settings(max_examples=_examples(40), **COMMON)
@given(mutated(TERRAFORM_SEEDS), mutated(TERRAFORM_SEEDS), st.sampled_from(TERRAFORM_SEEDS))
def test_mutated_module_with_several_files(a: bytes, b: bytes, intact: bytes) -> None:
    """A broken file does not stop its siblings from being read, and each error names its file."""
    lint_files({"a.tf": a, "b.tf": b, "c.tf": intact, "terraform.tfvars": b[:200]})


# --- (b) CloudFormation --------------------------------------------------------------------------


def _load_cfn(data: bytes, suffix: str) -> None:
    with scratch_dir() as d:
        path = d / f"template{suffix}"
        path.write_bytes(data)
        for problem in [p for facts in load_cloudformation(str(path)) or [] for p in facts.problems]:
            assert problem.span.path == str(path)
            assert 1 <= problem.span.line <= line_count(data), (problem.span, problem.message)


@settings(max_examples=_examples(100), **COMMON)
@given(mutated(CLOUDFORMATION_SEEDS), st.sampled_from((".yaml", ".json", ".template")))
def test_mutated_cloudformation_loads_or_reports(data: bytes, suffix: str) -> None:
    _load_cfn(data, suffix)


@settings(max_examples=_examples(40), **COMMON)
@given(random_bytes | token_soup)
def test_random_bytes_as_cloudformation(data: bytes) -> None:
    _load_cfn(b"AWSTemplateFormatVersion: '2010-09-09'\n" + data, ".yaml")


# Intrinsic-function trees: every function name with arguments of every shape.
_FUNCTIONS = (
    "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::GetAZs", "Fn::Cidr",
    "Fn::FindInMap", "Fn::If", "Fn::Base64", "Fn::ToJsonString", "Fn::Length", "Fn::ImportValue",
    "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition", "Fn::Unknown",
)  # fmt: skip
_NAMES = st.sampled_from(
    ("VPC", "Sub1", "Env", "Map", "IsProd", "AWS::Region", "AWS::NoValue", "X.Y", "", "²")
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=12)
    | _NAMES
    | st.sampled_from(("10.0.0.0/16", "${VPC.CidrBlock}", "${Env}-x", "${!Lit}", "${", "0", "3", "8", "-1"))
)
intrinsic_trees = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(_FUNCTIONS), children, min_size=1, max_size=1)
        | st.dictionaries(st.text(max_size=5) | _NAMES, children, max_size=3)
    ),
    max_leaves=25,
)


def _template(tree: object) -> dict[str, object]:
    return {
        "Parameters": {"Env": {"Type": "String", "Default": "prod"}, "Sub1": {"Type": "CommaDelimitedList"}},
        "Mappings": {"Map": {"prod": {"size": tree}}},
        "Conditions": {"IsProd": tree, "Loop": {"Condition": "Loop"}},
        "Resources": {"VPC": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": tree}}},
    }


@settings(max_examples=_examples(300), **COMMON)
@given(intrinsic_trees, intrinsic_trees, st.dictionaries(_NAMES, st.text(max_size=8), max_size=3))
def test_intrinsic_trees_evaluate_to_a_value_or_unknown(
    template_tree: object, node: object, given: Any
) -> None:
    ev = Evaluator(_template(template_tree), given)
    ev.value(node)
    assert isinstance(ev.text(node), str | Unknown)
    assert ev.condition("IsProd") in (True, False, None)
    assert ev.condition("Loop") is None


@settings(max_examples=_examples(200), **COMMON)
@given(st.text(max_size=20), st.integers(-(2**40), 2**40), st.integers(-(2**40), 2**40))
def test_fn_cidr_never_raises(block: str, count: int, bits: int) -> None:
    cidr(block, count, bits)


# --- (c) eksctl -----------------------------------------------------------------------------------


def _load_eksctl(data: bytes) -> None:
    with scratch_dir() as d:
        path = d / "cluster.yaml"
        path.write_bytes(data)
        facts = load_eksctl(str(path))
        if facts is None:
            return
        for problem in facts.problems:
            assert problem.span.path == str(path)
            assert 1 <= problem.span.line <= line_count(data), (problem.span, problem.message)


@settings(max_examples=_examples(120), **COMMON)
@given(mutated(EKSCTL_SEEDS))
def test_mutated_eksctl_loads_or_reports(data: bytes) -> None:
    _load_eksctl(data)


_YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats() | st.text(max_size=10),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=10,
)
_EKSCTL_KEYS = (
    "metadata", "vpc", "managedNodeGroups", "nodeGroups", "addons", "availabilityZones", "kubernetesNetworkConfig",
)  # fmt: skip


@settings(max_examples=_examples(150), **COMMON)
@given(st.dictionaries(st.sampled_from(_EKSCTL_KEYS), _YAML_VALUES, max_size=5))
def test_well_formed_eksctl_with_random_values(sections: dict[str, object]) -> None:
    """Valid YAML with the right apiVersion/kind and random shapes under every section."""
    import json

    doc = {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", **sections}
    _load_eksctl(json.dumps(doc, allow_nan=True).encode())


@settings(max_examples=_examples(60), **COMMON)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"name": st.text(max_size=6)},
            optional={
                "instanceType": st.sampled_from(("m5.large", "t3.small", "zz.nope", "")) | _YAML_VALUES,
                "instanceTypes": _YAML_VALUES,
                "minSize": _YAML_VALUES,
                "maxSize": st.integers(-5, 10**12) | _YAML_VALUES,
                "desiredCapacity": _YAML_VALUES,
                "subnets": _YAML_VALUES,
                "availabilityZones": _YAML_VALUES,
                "privateNetworking": _YAML_VALUES,
                "maxPodsPerNode": _YAML_VALUES,
                "overrideBootstrapCommand": st.text(max_size=30),
            },
        ),
        max_size=3,
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "cidr": st.sampled_from(("10.0.0.0/16", "10.0.0.0/30", "::/0", "x")) | _YAML_VALUES,
            "subnets": _YAML_VALUES,
        },
    ),
)
def test_eksctl_node_groups_with_odd_values(groups: list[object], vpc: dict[str, object]) -> None:
    import json

    doc = {
        "apiVersion": "eksctl.io/v1alpha5",
        "kind": "ClusterConfig",
        "metadata": {"name": "x", "region": "eu-west-1"},
        "vpc": vpc,
        "managedNodeGroups": groups,
        "nodeGroups": groups,
    }
    _load_eksctl(json.dumps(doc).encode())


# --- (d) the CLI -------------------------------------------------------------------------------------


@settings(max_examples=_examples(40), **COMMON)
@given(
    mutated(TERRAFORM_SEEDS),
    mutated(CLOUDFORMATION_SEEDS),
    mutated(EKSCTL_SEEDS),
    st.sampled_from(("text", "json", "sarif", "markdown", "github")),
)
def test_cli_on_a_mutated_tree(tf: bytes, cfn: bytes, eksctl: bytes, fmt: str) -> None:
    files = {"infra/main.tf": tf, "stacks/template.yaml": cfn, "eksctl/cluster.yaml": eksctl}
    run_cli(files, "--format", fmt, "--fail-on", "info")


def test_seed_corpora_are_not_empty() -> None:
    assert len(TERRAFORM_SEEDS) >= 10
    assert len(CLOUDFORMATION_SEEDS) >= 5
    assert len(EKSCTL_SEEDS) >= 3
    assert all(isinstance(s, bytes) for s in TERRAFORM_SEEDS)
    assert Path(__file__).parent.name == "robustness"
