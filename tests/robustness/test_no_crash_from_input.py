"""Issue 18 item 5: no input makes the run exit 3. Every value a Terraform function, an operator, a
decoder or a reporter can be handed ends as an evaluation error (an Unknown, EKSIP002) or an
EKSIP000 with file and line.

The function cases run in-process (each a call that used to raise a Python exception out of the
library); the end-to-end cases run the CLI under a time and address-space cap (capped.py).
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest
from capped import run_capped

from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.functions import call_function
from eks_ip_lint.terraform.module import ModuleEvaluation
from eks_ip_lint.terraform.module_source import read_module
from eks_ip_lint.terraform.variables import VariableInputs, resolve_variables
from eks_ip_lint.values import Unknown, Value

from terraform_loader import Loader

NAN = float("nan")
LONE = "\ud800"  # what a JSON or YAML "\ud800" escape decodes to: not a Unicode scalar value
DIGITS_5000 = "1" * 5000


@pytest.mark.parametrize(
    ("name", "args", "fragment"),
    [
        ("sha256", [LONE], "lone surrogate"),
        ("sha1", ["ok" + LONE], "lone surrogate at 2"),
        ("md5", [LONE], "lone surrogate"),
        ("sha512", [LONE], "lone surrogate"),
        ("base64sha256", [LONE], "lone surrogate"),
        ("base64sha512", [LONE], "lone surrogate"),
        ("base64encode", [LONE], "lone surrogate"),
        ("floor", [NAN], "NaN"),
        ("ceil", [NAN], "NaN"),
        ("abs", [NAN], "NaN"),
        ("format", ["%e", NAN], "NaN"),
        ("formatlist", ["%e", [NAN]], "NaN"),
        ("parseint", [DIGITS_5000, 10], "more than 4000 digits"),
        ("parseint", ["1" * 20_000, 2], "more than 13300 digits"),
        ("pow", [10, 10**400], "too large"),
        ("cidrsubnets", ["10.0.0.0/8", -(10**30)], "at least one bit"),
        ("cidrsubnets", ["10.0.0.0/8", 10**30], "more than 32 bits"),
        ("cidrsubnets", ["10.0.0.0/8", 8, -(10**30)], "at least one bit"),
        ("cidrsubnet", ["10.0.0.0/8", 8, 10**40], "does not accommodate a subnet numbered"),
        ("yamldecode", ["a: \x00"], "invalid YAML"),
        ("yamldecode", ["\x00"], "invalid YAML"),
    ],
)
def test_function_inputs_that_used_to_raise_are_evaluation_errors(
    name: str, args: list[Value], fragment: str
) -> None:
    with pytest.raises(EvalError) as info:
        call_function(name, args)
    assert fragment in str(info.value)


def alias_bomb() -> str:
    """Nine levels of ten aliases each: 10^9 scalars once expanded, from 332 bytes."""
    names = "abcdefghi"
    doc = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [" + ",".join([f"*{p}"] * 10) + "]\n" for p, n in itertools.pairwise(names)
    )
    assert len(doc) <= 340  # the 340-byte bomb
    return doc


def test_a_yamldecode_alias_bomb_is_refused_by_its_node_budget() -> None:
    doc = alias_bomb()
    with pytest.raises(EvalError, match="expands to more than 1,000,000 nodes"):
        call_function("yamldecode", [doc])


@pytest.fixture
def load_module(tmp_path: Path) -> Loader:
    """The module written into tmp_path/module, evaluated (as tests/terraform/conftest.py does)."""

    def load(files: dict[str, str]) -> ModuleEvaluation:
        root = tmp_path / "module"
        root.mkdir(exist_ok=True)
        for name, text in files.items():
            (root / name).write_text(text)
        # file() reads relative to the module: the test's other files are beside it
        for extra in tmp_path.iterdir():
            if extra.is_file():
                (root / extra.name).write_bytes(extra.read_bytes())
        source = read_module(str(root))
        assert not source.errors, source.errors
        return ModuleEvaluation(source, resolve_variables(source, VariableInputs()).values)

    return load


def _locals(load_module: Loader, body: str) -> dict[str, Value]:
    m = load_module({"main.tf": "locals {\n" + body + "\n}\n"})
    names = [line.split("=")[0].strip() for line in body.strip().splitlines()]
    scope = m.resolve("local", 1)
    out: dict[str, Value] = {}
    for name in names:
        v = scope.attr(name, 1)  # type: ignore[union-attr]
        out[name] = v.materialize() if hasattr(v, "materialize") else v
    return out


def test_arithmetic_on_huge_and_infinite_numbers(load_module: Loader) -> None:
    nines = "9" * 3000
    got = _locals(
        load_module,
        f"""
        mod_exact = {nines} % 7
        neg_mod = -7 % 2
        div_big = {nines} / 7
        inf_minus_inf = tonumber("inf") - tonumber("inf")
        zero_times_inf = 0 * tonumber("inf")
        inf_mod = tonumber("inf") % 2
        too_big = {nines} * {nines}
        """,
    )
    # 10^3000 = (10^6)^500 and 10^6 = 1 (mod 7) (Fermat: 10^6 = 1 mod 7), so 10^3000 - 1 = 0 (mod 7).
    assert got["mod_exact"] == 0
    assert got["neg_mod"] == -1  # Terraform truncates toward zero, as Go does: -7 = -3 * 2 - 1
    for name, fragment in (
        ("div_big", "arithmetic / failed"),
        ("inf_minus_inf", "NaN"),
        ("zero_times_inf", "NaN"),
        ("inf_mod", "arithmetic % failed"),
        ("too_big", "more than 4000 digits"),
    ):
        value = got[name]
        assert isinstance(value, Unknown), (name, value)
        assert fragment in value.reason, (name, value.reason)


def test_count_of_nan_or_1e300_is_unknown_not_a_crash(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": """
resource "aws_subnet" "nan" {
  count      = tonumber("inf") - tonumber("inf")
  cidr_block = "10.0.0.0/24"
}
resource "aws_subnet" "huge" {
  count      = 1e300
  cidr_block = "10.0.0.0/24"
}
resource "aws_subnet" "half" {
  count      = 2.5
  cidr_block = "10.0.0.0/24"
}
resource "aws_subnet" "negative" {
  count      = -1
  cidr_block = "10.0.0.0/24"
}
"""
        }
    )
    for name, fragment in (
        ("nan", "NaN"),
        ("huge", "about 10^300 is more than the 10,000 instances"),
        ("half", "whole number"),
        ("negative", "must not be negative"),
    ):
        got = m.instances("aws_subnet", name)
        assert isinstance(got, Unknown), name
        assert fragment in got.reason, (name, got.reason)


# --- end to end: the CLI under a cap -------------------------------------------------------------

CLUSTER = """resource "aws_eks_cluster" "c" {
  name     = "c"
  role_arn = "r"
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}
"""


def test_configuration_values_nested_20000_deep(tmp_path: Path) -> None:
    deep = "[" * 20_000 + "]" * 20_000
    document = json.dumps({"env": "PLACEHOLDER"}).replace('"PLACEHOLDER"', deep)
    (tmp_path / "main.tf").write_text(
        CLUSTER + 'resource "aws_eks_addon" "cni" {\n  cluster_name = aws_eks_cluster.c.name\n'
        '  addon_name = "vpc-cni"\n  configuration_values = ' + json.dumps(document) + "\n}\n"
    )
    _, out, _ = run_capped(tmp_path)
    assert "configuration_values is nested too deeply to read" in out
    assert "main.tf:11" in out  # the configuration_values line


def test_configuration_values_alias_bomb(tmp_path: Path) -> None:
    bomb = alias_bomb()
    (tmp_path / "values.yaml").write_text(bomb + "env:\n  WARM_IP_TARGET: '5'\n")
    (tmp_path / "main.tf").write_text(
        CLUSTER + 'resource "aws_eks_addon" "cni" {\n  cluster_name = aws_eks_cluster.c.name\n'
        '  addon_name = "vpc-cni"\n  configuration_values = file("values.yaml")\n}\n'
    )
    _, out, _ = run_capped(tmp_path, timeout=15)
    assert "expands to more than 1,000,000 nodes" in out


def test_nul_in_yamldecode_of_a_file(tmp_path: Path, load_module: Loader) -> None:
    (tmp_path / "x.yaml").write_bytes(b"a: b\x00")
    main = 'resource "aws_subnet" "s" {\n  vpc_id = "v"\n  cidr_block = yamldecode(file("x.yaml"))["a"]\n}\n'
    (tmp_path / "main.tf").write_text(main)
    run_capped(tmp_path)  # used to exit 3 with PyYAML's ReaderError
    instances = load_module({"main.tf": main}).instances("aws_subnet", "s")
    assert isinstance(instances, list)
    (subnet,) = instances
    cidr = subnet.values["cidr_block"]
    assert isinstance(cidr, Unknown)
    assert "special characters are not allowed" in cidr.reason


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "markdown", "github"])
def test_lone_surrogates_in_names_reach_every_report_escaped(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "c.yaml").write_text(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n"
        '  name: "x\\ud800"\n  region: us-east-1\nmanagedNodeGroups:\n'
        '  - name: "n\\udc00"\n    instanceType: "m5.large\\ud800"\n    desiredCapacity: 3\n'
    )
    _, out, _ = run_capped(tmp_path, "--format", fmt)
    if fmt in ("json", "sarif"):
        text = json.dumps(json.loads(out))  # valid JSON, the surrogate as a \ud800 escape
        assert "\\ud800" in text or "\\udc00" in text
    else:
        assert "\\ud800" in out or "\\udc00" in out  # backslash-escaped, never a crash


def test_nan_reaches_no_integer(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'locals {\n  nan = tonumber("-inf") + tonumber("inf")\n}\n'
        'resource "aws_subnet" "s" {\n  count = floor(local.nan)\n  vpc_id = "v"\n'
        '  cidr_block = format("%e", local.nan)\n}\n'
    )
    _, out, _ = run_capped(tmp_path)
    assert "NaN" in out
    assert math.isnan(NAN)  # the constant above is the value Terraform refuses
