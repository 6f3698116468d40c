"""One in-process regression test per crash the fuzzers found (the subprocess versions with
wall-clock bounds are in test_robustness_limits.py)."""

from __future__ import annotations

from pathlib import Path

from eks_ip_lint.cloudformation.intrinsics import Evaluator
from eks_ip_lint.errors import InputError
from eks_ip_lint.facts.cloudformation import load_cloudformation
from eks_ip_lint.facts.eksctl import load_eksctl
from eks_ip_lint.sources import hcl, yaml_lines
from eks_ip_lint.sources.lined import DecodeProblem, clamp_line
from eks_ip_lint.values import Unknown

EKSCTL_HEAD = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n"


def test_deeply_nested_blocks_are_an_input_error_not_a_recursion_error() -> None:
    try:
        hcl.parse_file("t.tf", "a {\n" * 2000 + "}\n" * 2000)
    except InputError as exc:
        assert "blocks nested deeper than 200 levels" in exc.message
        assert exc.line == 200
    else:
        raise AssertionError("expected an InputError")


def test_yaml_nesting_is_bounded(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(EKSCTL_HEAD + "vpc: " + "[" * 5000 + "]" * 5000 + "\n")
    doc = yaml_lines.load(str(p))
    assert isinstance(doc, DecodeProblem)
    assert "nested deeper than 200 levels" in doc.message
    assert doc.line == 3


def test_yaml_control_character_is_a_decode_problem(tmp_path: Path) -> None:
    """Found by fuzzing: PyYAML's reader raises ReaderError while the loader is constructed."""
    p = tmp_path / "c.yaml"
    p.write_bytes(EKSCTL_HEAD.encode() + b"metadata:\n  name: a\x1b\n")
    facts = load_eksctl(str(p))
    assert facts is not None
    (problem,) = facts.problems
    assert "special characters are not allowed" in problem.message
    assert problem.span.line == 4


def test_yaml_alias_bombs_are_bounded(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    text = EKSCTL_HEAD + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 10):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n"
    p.write_text(text)
    doc = yaml_lines.load(str(p))
    assert isinstance(doc, DecodeProblem)
    assert "more than 1,000,000 nodes" in doc.message


def test_decode_error_at_end_of_input_points_inside_the_file(tmp_path: Path) -> None:
    """Found by fuzzing: cfn-lint reports an unterminated flow mapping on the line after the last."""
    p = tmp_path / "t.yaml"
    p.write_text(
        '{\n "AWSTemplateFormatVersion": "2010-09-09",\n "Resources": {\n  "A": {\n   "Type": "AWS::S3::Bucket"'
    )
    (facts,) = load_cloudformation(str(p)) or []
    (problem,) = facts.problems
    assert problem.span.line == 5


def test_clamp_line() -> None:
    assert clamp_line(0, "a\n") == 1
    assert clamp_line(3, "a\nb\n") == 2
    assert clamp_line(3, "a\nb") == 2
    assert clamp_line(2, "") == 1


def test_find_in_map_cycle_is_unknown() -> None:
    ev = Evaluator({"Mappings": {"M": {"a": {"b": {"Fn::FindInMap": ["M", "a", "b"]}}}}})
    v = ev.value({"Fn::FindInMap": ["M", "a", "b"]})
    assert isinstance(v, Unknown)
    assert "nested deeper than 100 levels" in v.reason


def test_to_json_string_of_no_value_is_unknown() -> None:
    """Found by fuzzing: json.dumps(AWS::NoValue) raised TypeError."""
    v = Evaluator({}).value({"Fn::ToJsonString": {"Ref": "AWS::NoValue"}})
    assert isinstance(v, Unknown)


def test_select_with_a_non_decimal_digit_index_is_unknown() -> None:
    """Found by fuzzing: "²".isdigit() is true but int("²") raises ValueError."""
    v = Evaluator({}).value({"Fn::Select": ["²", ["a"]]})
    assert isinstance(v, Unknown)


def test_deep_condition_trees_are_undecided() -> None:
    cond: object = {"Fn::Equals": ["a", "a"]}
    for _ in range(300):
        cond = {"Fn::Not": [cond]}
    assert Evaluator({"Conditions": {"C": cond}}).condition("C") is None


def test_non_template_documents_are_not_decoded(tmp_path: Path) -> None:
    p = tmp_path / "deploy.yaml"
    p.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x\n")  # broken, but not ours
    assert load_cloudformation(str(p)) is None
    assert load_eksctl(str(p)) is None
