"""Issue 18 item 4: small inputs stay within a budget of time and memory. Each hostile input runs
through the CLI under a time and address-space cap (capped.py), and the limit it hits is named.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from capped import run_capped

from eks_ip_lint.facts.model import Facts, SubnetFact
from eks_ip_lint.sources.plan_json import PlanDocument
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform import budgets
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.functions import call_function
from eks_ip_lint.terraform.module import ModuleEvaluation
from eks_ip_lint.terraform.module_source import read_module
from eks_ip_lint.terraform.variables import VariableInputs, resolve_variables
from eks_ip_lint.values import Cause, Unknown


def evaluate(directory: Path) -> ModuleEvaluation:
    source = read_module(str(directory))
    assert not source.errors, source.errors
    return ModuleEvaluation(source, resolve_variables(source, VariableInputs()).values)


def doubling_locals(tmp_path: Path) -> Path:
    # s0 has 16 characters and each line doubles the one before: s40 would be 16 x 2^40 characters.
    lines = ['  s0 = "aaaaaaaaaaaaaaaa"'] + [
        f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"' for i in range(1, 41)
    ]
    (tmp_path / "main.tf").write_text(
        "locals {\n" + "\n".join(lines) + '\n}\nresource "aws_subnet" "s" {\n  vpc_id = "v"\n'
        "  cidr_block = local.s40\n}\n"
    )
    return tmp_path


def test_forty_lines_of_string_doubling_stop_at_the_value_budget(tmp_path: Path) -> None:
    run_capped(doubling_locals(tmp_path))  # used to take 4.2 GB
    m = evaluate(tmp_path)
    (subnet,) = m.instances("aws_subnet", "s")  # type: ignore[misc]
    cidr = subnet.values["cidr_block"]
    assert isinstance(cidr, Unknown)
    assert cidr.cause is Cause.UNSUPPORTED
    # 16 x 2^18 = 4,194,304 = MAX_VALUE_SIZE is still allowed; s19 (8,388,608) is the first refused.
    assert "(8,388,608)" in cidr.reason
    assert "4,194,304 characters and elements" in cidr.reason


def test_list_doubling_through_concat_stops_at_the_argument_budget(tmp_path: Path) -> None:
    lines = ['  l0 = ["a", "b"]'] + [f"  l{i} = concat(local.l{i - 1}, local.l{i - 1})" for i in range(1, 41)]
    (tmp_path / "main.tf").write_text(
        "locals {\n" + "\n".join(lines) + '\n}\nresource "aws_subnet" "s" {\n  count = length(local.l40)\n}\n'
    )
    run_capped(tmp_path)
    got = evaluate(tmp_path).instances("aws_subnet", "s")
    assert isinstance(got, Unknown)
    assert 'The arguments of function "concat"' in got.reason


def test_replace_that_would_multiply_a_string_is_refused() -> None:
    # 2,000 "a"s, each replaced by 4,000 characters: 8,000,000 > 4,194,304.
    with pytest.raises(EvalError, match="The result of replace"):
        call_function("replace", ["a" * 2000, "a", "b" * 4000])
    # 1,000 x 4,000 = 4,000,000 is within the budget
    assert len(call_function("replace", ["a" * 1000, "a", "b" * 4000])) == 4_000_000  # type: ignore[arg-type]


def test_value_size_counts_shared_references_each_time() -> None:
    big = "x" * 1000
    assert budgets.value_size([big, big]) == 1 + 2 * 1001  # the list, and each string with its element
    assert budgets.value_size([big] * 10_000) == budgets.MAX_VALUE_SIZE + 1  # stops at the limit


def test_catastrophic_regex_is_linear_under_re2(tmp_path: Path) -> None:
    """``^(a|a)*$`` doubles a backtracking engine's work per character: 40 "a"s and a "b" would take
    hours in Python's re. RE2 answers at once: no match, so regex() fails as Terraform's does."""
    # A venv made before google-re2 became a dependency falls back to re, which would hang here.
    pytest.importorskip("re2")
    with pytest.raises(EvalError, match="did not match"):
        call_function("regex", ["^(a|a)*$", "a" * 40 + "b"])
    # one match of the whole string; its one group holds the last repetition, "a"
    assert call_function("regexall", ["^(a|a)*$", "a" * 100_000]) == [["a"]]
    (tmp_path / "main.tf").write_text(
        'resource "aws_subnet" "s" {\n  vpc_id = "v"\n  cidr_block = regex("^(a|a)*$", "'
        + "a" * 40
        + 'b")\n}\n'
    )
    run_capped(tmp_path, timeout=10)


def test_re2_syntax_that_python_re_lacked() -> None:
    pytest.importorskip("re2")
    # \pL (a Unicode letter class) and \z are RE2/Go syntax Python's re does not have.
    assert call_function("regexall", ["\\pL+", "ab1é"]) == ["ab", "é"]
    assert call_function("regex", ["b\\z", "ab"]) == "b"


def test_count_10000_subnets_is_indexed_not_scanned(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        """resource "aws_subnet" "s" {
  count             = 10000
  vpc_id            = "vpc-1"
  cidr_block        = cidrsubnet("10.0.0.0/8", 16, count.index)
  availability_zone = "us-east-1a"
}
resource "aws_eks_cluster" "c" {
  name     = "c"
  role_arn = "r"
  vpc_config {
    subnet_ids = aws_subnet.s[*].id
  }
}
resource "aws_eks_node_group" "n" {
  cluster_name    = aws_eks_cluster.c.name
  node_group_name = "n"
  node_role_arn   = "r"
  subnet_ids      = [aws_subnet.s[9999].id]
  instance_types  = ["m5.large"]
  scaling_config {
    desired_size = 1
    max_size     = 3
    min_size     = 1
  }
}
"""
    )
    _, out, _ = run_capped(tmp_path, "--format", "json", timeout=60)  # was 109 s
    report = json.loads(out)
    (cluster,) = report["units"][0]["clusters"]
    # cidrsubnet("10.0.0.0/8", 16, 9999): 9999 = 39 x 256 + 15, so 10.39.15.0/24
    assert [s["cidr"] for s in cluster["subnets"] if s["address"] == "aws_subnet.s[9999]"] == [
        "10.39.15.0/24"
    ]
    assert len(cluster["subnets"]) == 10_000  # every subnet the cluster names was found by its key


def test_subnet_for_keeps_the_first_subnet_a_reference_denotes() -> None:
    span = SourceSpan("main.tf", 1)
    key = Unknown("id", "aws_subnet.a.id", cause=Cause.DATA_SOURCE)
    first = SubnetFact("aws_subnet.a", (key, "subnet-1"), "10.0.0.0/24", "us-east-1a", span)
    second = SubnetFact("aws_subnet.b", ("subnet-1",), "10.0.1.0/24", "us-east-1a", span)
    facts = Facts("u", subnets=[first, second])
    assert facts.subnet_for("subnet-1") is first
    assert facts.subnet_for(Unknown("id", "aws_subnet.a.id", cause=Cause.DATA_SOURCE)) is first
    assert facts.subnet_for(Unknown("no key", cause=Cause.DATA_SOURCE)) is None
    assert facts.subnet_for(None) is None
    third = SubnetFact("aws_subnet.c", ("subnet-3",), "10.0.2.0/24", "us-east-1a", span)
    facts.subnets.append(third)  # the index follows the list
    assert facts.subnet_for("subnet-3") is third


def test_module_fan_out_stops_at_the_instance_budget(tmp_path: Path) -> None:
    # count = 15 at four levels: 15 + 225 + 3,375 + 50,625 instances.
    for level in range(4):
        d = tmp_path.joinpath(*[f"l{i}" for i in range(1, level + 1)])
        d.mkdir(parents=True, exist_ok=True)
        body = (
            f'module "m" {{\n  source = "./l{level + 1}"\n  count  = 15\n}}\n'
            if level < 3
            else 'resource "aws_subnet" "s" {\n  vpc_id = "v"\n  cidr_block = "10.0.0.0/24"\n}\n'
        )
        (d / "main.tf").write_text(body)
    _, out, _ = run_capped(tmp_path, timeout=30)  # was 20 s
    assert "the root module already has 2,000 module instances" in out


def test_plan_lines_come_from_one_pass() -> None:
    text = '{\n  "a": [\n    {"address": "aws_subnet.s[0]"},\n    {"address" : "aws_subnet.s[\\"k\\"]"}\n  ]\n}\n'
    doc = PlanDocument("tfplan.json", text, json.loads(text))
    assert doc.line_of_address("aws_subnet.s[0]") == 3
    assert doc.line_of_address('aws_subnet.s["k"]') == 4  # the escaped quotes decoded
    assert doc.line_of_address("missing") == 1


def test_thirteen_megabyte_plan(tmp_path: Path) -> None:
    resources = [
        {
            "address": f"aws_subnet.s[{i}]",
            "mode": "managed",
            "type": "aws_subnet",
            "name": "s",
            "index": i,
            "values": {
                "cidr_block": f"10.{i // 256}.{i % 256}.0/24",
                "vpc_id": "vpc-1",
                "tags": {"Name": "x" * 400},
            },
        }
        for i in range(12_000)
    ]
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.6.0",
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": [{"address": r["address"], "change": {"after": r["values"]}} for r in resources],
    }
    (tmp_path / "tfplan.json").write_text(json.dumps(plan, indent=1))
    assert (tmp_path / "tfplan.json").stat().st_size > 12_000_000
    run_capped(tmp_path, timeout=60)  # was 108 s


def test_a_unit_past_its_time_budget_is_an_eksip000(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last resort behind the size budgets: a module whose parse takes longer than the unit's
    time budget (lowered here to 0.2 s; 120 s by default) is reported, the rest of the run goes on."""
    from eks_ip_lint import engine

    slow = tmp_path / "slow"
    slow.mkdir()
    items = ",".join(str(i) for i in range(60_000))  # about 400 kB: a few seconds of lark
    (slow / "main.tf").write_text(
        f'locals {{\n  x = [{items}]\n}}\nresource "aws_subnet" "s" {{\n  vpc_id = "v"\n}}\n'
    )
    quick = tmp_path / "quick"
    quick.mkdir()
    (quick / "main.tf").write_text(
        'resource "aws_subnet" "s" {\n  vpc_id = "v"\n  cidr_block = "10.0.0.0/24"\n}\n'
    )
    monkeypatch.setattr(engine, "UNIT_SECONDS", 0.2)
    result = engine.lint(engine.LintRequest(paths=(str(tmp_path),), use_cache=False))
    (finding,) = [f for f in result.findings if f.rule_id == "EKSIP000"]
    assert "stopped after 0.2 s, the time budget of one unit" in finding.message
    assert finding.span.path.endswith("slow")
    assert {u.path.rsplit("/", 1)[-1] for u in result.units} == {"slow", "quick"}
