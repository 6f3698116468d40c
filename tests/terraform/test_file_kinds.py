"""Terraform's JSON syntax and OpenTofu's file names (issue 13, item 10).

A module is every ``*.tf``, ``*.tf.json``, ``*.tofu`` and ``*.tofu.json`` file of its directory;
where ``x.tofu`` and ``x.tf`` (or ``x.tofu.json`` and ``x.tf.json``) are both there, only the
``.tofu`` one counts, as OpenTofu reads them. Renaming a failing module's files to ``.tofu`` used
to turn its EKSIP101 into a clean exit 0.

The seed numbers, worked by hand: m5.4xlarge has 8 ENIs of 30 IPv4 addresses (AWS's table). With
WARM_ENI_TARGET=1 a node with one pod holds 2 ENIs = 60 addresses. A /22 has 1,024 - 5 = 1,019
usable addresses, so it holds 1,019 // 60 = 16 nodes and three of them 48. At max 80 nodes spread
over three subnets (27, 27, 26) they need 27 x 60 = 1,620, 1,620 and 26 x 60 = 1,560.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.sources import tf_json
from eks_ip_lint.terraform.module_source import read_module, tf_files

from testlib import FIXTURES, SEED, RunJson

JSON_SEED = FIXTURES / "terraform" / "json-syntax"
TOFU = FIXTURES / "terraform" / "opentofu-files"


def _only_cluster(report: dict[str, Any]) -> dict[str, Any]:
    (unit,) = report["units"]
    (cluster,) = unit["clusters"]
    return dict(cluster)


def test_json_syntax_seed_reports_the_seed_numbers(run_json: RunJson) -> None:
    code, report = run_json(str(JSON_SEED))
    assert code == 1
    cluster = _only_cluster(report)
    assert [s["cidr"] for s in cluster["subnets"]] == ["10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"]
    # Literal AZs from the variable's list default, indexed by count.index.
    assert [s["az"] for s in cluster["subnets"]] == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert [s["usable_ips"] for s in cluster["subnets"]] == [1019, 1019, 1019]
    assert [s["demand_at_max_floor"] for s in cluster["subnets"]] == [1620, 1620, 1560]
    (group,) = cluster["node_groups"]
    assert group["instance_type_used"] == "m5.4xlarge"  # from "${local.node_type}" in a list
    assert group["max_size"] == 80  # "${var.max_size}" keeps the number type
    (finding,) = [f for f in report["findings"] if f["rule_id"] == "EKSIP101"]
    # Located at the max_size property of the JSON file (line 41).
    assert finding["file"].endswith("main.tf.json")
    lines = (JSON_SEED / "main.tf.json").read_text().splitlines()
    assert '"max_size"' in lines[finding["line"] - 1]


def test_json_syntax_matches_the_native_seed(run_json: RunJson) -> None:
    """The same module in both syntaxes gives the same capacity numbers."""
    _, native = run_json(str(SEED))
    _, converted = run_json(str(JSON_SEED))
    keys = ("cidr", "usable_ips", "demand_at_max_floor", "demand_at_max_configured")
    pick = lambda c: [{k: s[k] for k in keys} for s in c["subnets"]]  # noqa: E731
    assert pick(_only_cluster(native)) == pick(_only_cluster(converted))


def test_json_syntax_reading_rules(tmp_path: Path) -> None:
    """Terraform's JSON rules: a variable default is literal, ``${}`` alone keeps its type, ``//``
    is a comment, nested blocks of a resource (single object or array) are blocks, a module's
    object input is an attribute, and each label level may be an array."""
    text = json.dumps(
        {
            "//": "comment",
            "variable": {"v": {"type": "list(number)", "default": ["${x}"]}},
            "locals": {"n": "${1 + 2}", "s": "a-${1 + 2}"},
            "module": {"m": {"source": "./m", "vpc_config": {"subnet_ids": ["a"]}, "count": "${0}"}},
            "resource": [
                {"aws_eks_node_group": {"g": {"scaling_config": [{"max_size": 3}, {"max_size": 4}]}}},
                {"aws_subnet": [{"a": {"tags": {"Name": "x"}}}, {"b": {"//": "c", "vpc_id": "v"}}]},
            ],
        },
        indent=1,
    )
    f = tf_json.parse_file(str(tmp_path / "main.tf.json"), text)
    by_type = {(b.type, b.labels): b for b in f.body.blocks}
    default = by_type[("variable", ("v",))].body.attributes["default"].expr
    assert isinstance(default, ast.TupleExpr)
    assert [i.value for i in default.items if isinstance(i, ast.Lit)] == ["${x}"]
    locals_ = by_type[("locals", ())].body.attributes
    assert isinstance(locals_["n"].expr, ast.BinOp)  # "${1 + 2}" alone is the expression itself
    assert isinstance(locals_["s"].expr, ast.Template)
    module = by_type[("module", ("m",))].body
    assert module.blocks == () and "vpc_config" in module.attributes
    assert module.attributes["source"].expr == ast.Lit("./m", module.attributes["source"].line)
    group = by_type[("resource", ("aws_eks_node_group", "g"))].body
    assert [b.type for b in group.blocks] == ["scaling_config", "scaling_config"]
    assert "tags" in by_type[("resource", ("aws_subnet", "a"))].body.attributes
    assert set(by_type[("resource", ("aws_subnet", "b"))].body.attributes) == {"vpc_id"}


def test_json_syntax_errors_name_file_and_line(tmp_path: Path, run_json: RunJson) -> None:
    (tmp_path / "main.tf.json").write_text(
        '{\n  "resource": {\n    "aws_subnet": {"a": {"cidr_block": "10.0.0.0/24",}}\n  }\n}\n'
    )
    with pytest.raises(InputError) as err:
        tf_json.parse_file(str(tmp_path / "main.tf.json"), (tmp_path / "main.tf.json").read_text())
    assert err.value.line == 3
    _, report = run_json(str(tmp_path))
    (finding,) = report["findings"]
    assert finding["rule_id"] == "EKSIP000"
    assert finding["line"] == 3
    assert "JSON syntax error" in finding["message"]
    (tmp_path / "main.tf.json").write_text('[\n  "not an object"\n]\n')
    with pytest.raises(InputError, match=r"root of a \.tf\.json file must be an object"):
        tf_json.parse_file("x.tf.json", (tmp_path / "main.tf.json").read_text())


def test_opentofu_files_shadow_terraform_files(run_json: RunJson) -> None:
    """main.tofu (max 10) hides main.tf (max 80); legacy.tofu.json hides legacy.tf.json (a node
    group of max 200). 10 nodes over three /22s: at most 4 per subnet x 120 IPs at full density
    (m5.4xlarge, 110 max pods: 4 ENIs of 30) = 480 <= 1,019, so nothing is exhausted."""
    names = sorted(os.path.basename(p) for p in tf_files(str(TOFU)))
    assert names == ["legacy.tofu.json", "main.tofu", "variables.tf"]
    code, report = run_json(str(TOFU))
    cluster = _only_cluster(report)
    assert [g["max_size"] for g in cluster["node_groups"]] == [10]
    assert [s["demand_at_max_configured"] for s in cluster["subnets"]] == [480, 360, 360]
    assert code == 0


def test_seed_renamed_to_tofu_still_fails(tmp_path: Path, run_json: RunJson) -> None:
    for f in SEED.glob("*.tf"):
        shutil.copy(f, tmp_path / (f.stem + ".tofu"))
    code, report = run_json(str(tmp_path))
    assert code == 1
    assert [f["rule_id"] for f in report["findings"]] == ["EKSIP101"]
    # A .tofu file named on the command line stands for its module, as a .tf file does.
    code, report = run_json(str(tmp_path / "main.tofu"))
    assert code == 1 and [f["rule_id"] for f in report["findings"]] == ["EKSIP101"]


def test_read_module_indexes_json_and_native_files_together(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text('variable "x" {\n  default = 1\n}\n')
    (tmp_path / "b.tf.json").write_text('{"locals": {"y": "${var.x + 1}"}}')
    source = read_module(str(tmp_path))
    assert not source.errors
    assert set(source.variables) == {"x"} and set(source.locals) == {"y"}


def test_cross_check_json_rules_with_terraform(tmp_path: Path) -> None:
    """``terraform console`` reads the same JSON: the default stays literal text, "${...}" alone
    keeps the number type, a template interpolates, and locals given as an array merge."""
    exe = shutil.which("terraform")
    if exe is None:
        pytest.skip("terraform not on PATH: cross-check against terraform console skipped")
    doc = {
        "variable": {"literal": {"type": "string", "default": "${not.an.interpolation}"}},
        "locals": [{"n": "${1 + 2}"}, {"s": "a-${1 + 2}", "l": ["${local.n}", 4]}],
    }
    (tmp_path / "main.tf.json").write_text(json.dumps(doc))
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    console = subprocess.run(
        [exe, "console"],
        input="jsonencode([var.literal, local.n, local.s, local.l])\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert console.returncode == 0, console.stderr
    expected = ["${not.an.interpolation}", 3, "a-3", [3, 4]]
    assert json.loads(json.loads(console.stdout.strip())) == expected
    # Ours, on the same file.
    from eks_ip_lint.terraform.module import ModuleEvaluation
    from eks_ip_lint.terraform.variables import VariableInputs, resolve_variables

    source = read_module(str(tmp_path))
    evaluation = ModuleEvaluation(source, resolve_variables(source, VariableInputs()).values)
    got = [
        evaluation.evaluator.eval_or_unknown(hcl_expr, {})
        for hcl_expr in (
            ast.GetAttr(ast.Name("var", 1), "literal", 1),
            ast.GetAttr(ast.Name("local", 1), "n", 1),
            ast.GetAttr(ast.Name("local", 1), "s", 1),
            ast.GetAttr(ast.Name("local", 1), "l", 1),
        )
    ]
    assert got == expected
