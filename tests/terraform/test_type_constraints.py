"""Terraform's type conversion with ``optional(type, default)`` (issue 13, item 2).

``variable "groups" { type = map(object({ create = optional(bool, true), ... })) default = { a = {} } }``
with ``for_each = { for k, v in var.groups : k => v if v.create }`` used to lose the node group
("this object does not have an attribute named create"): Terraform fills in the optional
attributes before anything reads the value. The expectations below are Terraform's documented
behaviour, and the cross-check at the end asks ``terraform console`` the same questions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.cli import main
from eks_ip_lint.sources import hcl
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.evaluator import Evaluator, Resolved
from eks_ip_lint.terraform.type_constraints import conform, parse_type
from eks_ip_lint.terraform.variables import VariableInputs
from eks_ip_lint.values import Cause, Unknown, Value

from terraform_loader import Loader
from testlib import FIXTURES

GROUPS_TYPE = """map(object({
  create         = optional(bool, true)
  instance_types = optional(list(string), ["m5.large"])
  max_size       = optional(number, 3)
  scaling = optional(object({
    min_size = optional(number, 1)
  }), {})
}))"""


class _NoReferences:
    def resolve(self, name: str, line: int) -> Resolved:
        raise EvalError(f"{name}: only literal values here")


LITERALS = Evaluator(_NoReferences())


def hcl_value(text: str) -> Value:
    return LITERALS.eval(hcl.parse_expression(text))


def converted(type_text: str, value: Value) -> Value:
    return conform(value, parse_type(hcl.parse_expression(type_text), LITERALS.eval_or_unknown))


def test_the_issues_map_of_objects_gets_every_default() -> None:
    assert converted(GROUPS_TYPE, {"a": {}}) == {
        "a": {"create": True, "instance_types": ["m5.large"], "max_size": 3, "scaling": {"min_size": 1}}
    }


def test_given_attributes_win_and_are_converted_null_takes_the_default() -> None:
    # "7" is the number 7 (a decimal string converts); null for an optional attribute is its default.
    value = {"b": {"create": False, "max_size": "7", "instance_types": None, "scaling": {"min_size": 2}}}
    assert converted(GROUPS_TYPE, value) == {
        "b": {"create": False, "instance_types": ["m5.large"], "max_size": 7, "scaling": {"min_size": 2}}
    }


def test_attributes_the_type_does_not_declare_are_dropped() -> None:
    assert converted("object({ a = number })", {"a": 1, "extra": "x"}) == {"a": 1}


def test_optional_without_default_is_null() -> None:
    assert converted("object({ a = optional(string) })", {}) == {"a": None}


def test_list_and_object_inside_object() -> None:
    type_text = "list(object({ name = string, node = optional(object({ max = optional(number, 2) }), {}) }))"
    assert converted(type_text, [{"name": "x"}, {"name": "y", "node": {"max": 5}}]) == [
        {"name": "x", "node": {"max": 2}},
        {"name": "y", "node": {"max": 5}},
    ]


def test_sets_drop_duplicates_in_terraform_order_and_tuples_convert_per_element() -> None:
    assert converted("set(string)", ["b", "a", "b"]) == ["a", "b"]
    assert converted("tuple([string, number])", [1, "2"]) == ["1", 2]


def test_unknown_parts_stay_unknown() -> None:
    u = Unknown("apply", "aws_subnet.a.id", cause=Cause.APPLY_TIME)
    assert converted("object({ id = string, n = optional(number, 1) })", {"id": u}) == {"id": u, "n": 1}


@pytest.mark.parametrize(
    ("type_text", "value", "message"),
    [
        ("object({ name = string })", {}, 'attribute "name" is required'),
        (
            "map(object({ n = number }))",
            {"a": {"n": "abc"}},
            'element "a": attribute "n": a number is required, not the string "abc"',
        ),
        ("list(string)", "x", 'a list is required, not the string "x"'),
        ("string", ["x"], "a string is required, not a list"),
        ("tuple([string])", ["a", "b"], "a tuple of 1 elements is required, not 2"),
    ],
)
def test_values_terraform_refuses(type_text: str, value: Value, message: str) -> None:
    with pytest.raises(EvalError) as err:
        converted(type_text, value)
    assert str(err.value) == message


def test_defaults_tfvars_cli_values_and_module_inputs(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": f"""
variable "groups" {{
  type    = {GROUPS_TYPE}
  default = {{ a = {{}} }}
}}
variable "from_tfvars" {{
  type = list(object({{ name = string, max = optional(number, 2) }}))
}}
variable "from_cli" {{
  type = map(object({{ max = optional(number, 4) }}))
}}
variable "keep" {{
  type     = object({{ n = optional(number, 9) }})
  default  = {{ n = 1 }}
  nullable = false
}}
module "child" {{
  source = "./child"
  group  = {{ labels = {{ a = "b" }} }}
}}
locals {{
  created = {{ for k, v in var.groups : k => v.max_size if v.create }}
}}
""",
            "terraform.tfvars": 'from_tfvars = [{ name = "x" }]\n',
            "child/main.tf": """
variable "group" {
  type = object({ max_size = optional(number, 5), labels = optional(map(string), {}) })
}
output "group" {
  value = var.group
}
""",
        },
        VariableInputs(vars=(("from_cli", '{ a = {}, b = { max = "6" } }'), ("keep", "null"))),
    )
    assert m.variables["groups"] == {
        "a": {"create": True, "instance_types": ["m5.large"], "max_size": 3, "scaling": {"min_size": 1}}
    }
    assert m.evaluator.eval_or_unknown(m.source.locals["created"][1].expr) == {"a": 3}
    assert m.variables["from_tfvars"] == [{"name": "x", "max": 2}]
    assert m.variables["from_cli"] == {"a": {"max": 4}, "b": {"max": 6}}
    # nullable = false: null given on the command line means the default, { n = 1 }.
    assert m.variables["keep"] == {"n": 1}
    (child,) = m.called_module("child").instances
    assert child.output("group") == {"max_size": 5, "labels": {"a": "b"}}


def test_a_module_input_of_the_wrong_type_is_unknown_as_invalid(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": 'module "child" {\n  source = "./child"\n  group  = { max_size = "lots" }\n}\n',
            "child/main.tf": 'variable "group" {\n  type = object({ max_size = number })\n}\n'
            'output "max" {\n  value = var.group.max_size\n}\n',
        }
    )
    (child,) = m.called_module("child").instances
    value = child.output("max")
    assert isinstance(value, Unknown) and value.cause is Cause.INVALID
    assert 'attribute "max_size": a number is required, not the string "lots"' in value.reason


def _report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main([*args, "--format", "json", "--no-cache", "--no-config", "--fail-on", "never"])
    return code, json.loads(capsys.readouterr().out)


def test_fixture_node_groups_come_from_optional_defaults(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/fixtures/terraform/optional-attributes: every node group exists only through defaults.

    * this["a"]: the issue's reproduction, m5.large (default), max 3 (default). m5.large has 3 ENIs
      of 10 IPv4 addresses (AWS table): max pods 3 x (10 - 1) + 2 = 29, 29 - 2 host-network pods
      = 27 pods, ceil(27 / 9) = 3 ENIs = 30 IPs per full node; at the warm floor
      (WARM_ENI_TARGET=1) 2 ENIs = 20 IPs. 3 nodes over subnets a and b: 2 in a, 1 in b.
    * extra["x"]: from terraform.tfvars, create = true given, max 2 (default); "y" has create =
      false (default), so no group. c5.large: also 3 ENIs x 10 IPs, so 29 max pods, 30 IPs.
    * module.workers: the module's variable type gives m5.xlarge and max 4 to a caller passing
      only labels. m5.xlarge: 4 ENIs x 15 IPs, max pods 4 x 14 + 2 = 58, 56 pods = 4 ENIs = 60 IPs.
    * subnet b (/24: 2^(32-24) - 5 = 251 usable IPs) at max size: 1 x 30 + 4 x 60 = 270 > 251,
      so EKSIP102; subnet a: 2 x 30 + 2 x 30 = 120.
    """
    monkeypatch.chdir(FIXTURES / "terraform" / "optional-attributes")
    _, report = _report(capsys, ".")
    (cluster,) = report["units"][0]["clusters"]
    groups = {g["address"]: g for g in cluster["node_groups"]}
    assert sorted(groups) == [
        'aws_eks_node_group.extra["x"]',
        'aws_eks_node_group.this["a"]',
        "module.workers.aws_eks_node_group.this",
    ]
    a = groups['aws_eks_node_group.this["a"]']
    assert (a["instance_type_used"], a["max_size"], a["min_size"]) == ("m5.large", 3, 1)
    assert a["max_pods"] == 3 * (10 - 1) + 2
    assert a["ips_per_node"] == {"floor": 2 * 10, "configured": 3 * 10}
    assert a["nodes_at_max_size"] == {"aws_subnet.a": 2, "aws_subnet.b": 1}
    x = groups['aws_eks_node_group.extra["x"]']
    assert (x["instance_type_used"], x["max_size"]) == ("c5.large", 2)
    w = groups["module.workers.aws_eks_node_group.this"]
    assert (w["instance_type_used"], w["max_size"], w["max_pods"]) == ("m5.xlarge", 4, 4 * (15 - 1) + 2)
    assert w["ips_per_node"]["configured"] == 4 * 15
    subnets = {s["address"]: s for s in cluster["subnets"]}
    assert subnets["aws_subnet.b"]["usable_ips"] == 2 ** (32 - 24) - 5
    assert subnets["aws_subnet.b"]["demand_at_max_configured"] == 1 * 30 + 4 * 60
    assert subnets["aws_subnet.a"]["demand_at_max_configured"] == 2 * 30 + 2 * 30
    # Two groups run out in subnet b: one EKSIP102 finding for the cluster, relating both.
    [f102] = [f for f in report["findings"] if f["rule_id"] == "EKSIP102"]
    assert {r["address"] for r in f102["related"]} >= {
        'aws_eks_node_group.this["a"]',
        "module.workers.aws_eks_node_group.this",
    }
    assert not [f for f in report["findings"] if f["rule_id"] in ("EKSIP000", "EKSIP002")]


def test_a_cli_value_overrides_the_map(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--var groups={b={max_size=5},c={create=false}}: b takes m5.large by default, c is not created."""
    monkeypatch.chdir(FIXTURES / "terraform" / "optional-attributes")
    _, report = _report(capsys, ".", "--var", "groups={b={max_size=5},c={create=false}}")
    (cluster,) = report["units"][0]["clusters"]
    groups = {g["address"]: g for g in cluster["node_groups"] if ".this[" in g["address"]}
    assert list(groups) == ['aws_eks_node_group.this["b"]']
    assert (
        groups['aws_eks_node_group.this["b"]']["instance_type_used"],
        groups['aws_eks_node_group.this["b"]']["max_size"],
    ) == ("m5.large", 5)


# --- cross-check against terraform console --------------------------------------------------

CROSS_CHECK: list[tuple[str, str]] = [
    (GROUPS_TYPE, '{ a = {}, b = { create = false, max_size = "7", extra = 1, instance_types = null } }'),
    ("list(object({ name = string, node = optional(object({ max = optional(number, 2) }), {}) }))",
     '[{ name = "x" }, { name = "y", node = { max = 5 } }]'),
    ("object({ a = optional(string), b = optional(list(number), [1]) })", "{ b = null }"),
    ("set(string)", '["b", "a", "b"]'),
    ("tuple([string, number, bool])", '[1, "2", "true"]'),
    ("map(number)", '{ a = "1.5", b = 2 }'),
]  # fmt: skip


def _terraform(exe: str, cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    return subprocess.run(
        [exe, *args], input=stdin, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_terraform_console_agrees(tmp_path: Path) -> None:
    exe = shutil.which("terraform")
    if exe is None:
        pytest.skip("terraform not on PATH: cross-check against terraform console skipped")
    (tmp_path / "main.tf").write_text(
        "".join(
            f'variable "v{i}" {{\n  type = {t}\n  default = {v}\n}}\n' for i, (t, v) in enumerate(CROSS_CHECK)
        )
    )
    assert _terraform(exe, tmp_path, "init", "-backend=false", "-input=false", "-no-color").returncode == 0
    names = ", ".join(f"var.v{i}" for i in range(len(CROSS_CHECK)))
    console = _terraform(exe, tmp_path, "console", stdin=f"jsonencode([{names}])\n")
    assert console.returncode == 0, console.stderr
    theirs = json.loads(json.loads(console.stdout.strip()))
    ours = [converted(t, hcl_value(v)) for t, v in CROSS_CHECK]
    assert ours == theirs


@pytest.mark.parametrize(
    ("type_text", "value"),
    [("object({ name = string })", "{}"), ("map(object({ n = number }))", '{ a = { n = "abc" } }')],
)
def test_terraform_refuses_what_we_refuse(tmp_path: Path, type_text: str, value: str) -> None:
    exe = shutil.which("terraform")
    if exe is None:
        pytest.skip("terraform not on PATH: cross-check against terraform console skipped")
    with pytest.raises(EvalError):
        converted(type_text, hcl_value(value))
    (tmp_path / "main.tf").write_text(f'variable "v" {{\n  type = {type_text}\n  default = {value}\n}}\n')
    init = _terraform(exe, tmp_path, "init", "-backend=false", "-input=false", "-no-color")
    console = _terraform(exe, tmp_path, "console", "-no-color", stdin="var.v\n")
    assert init.returncode != 0 or console.returncode != 0
    assert "Invalid default value for variable" in init.stderr + console.stderr
