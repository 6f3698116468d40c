"""The command line: exit codes, bad input without tracebacks, formats, --list-rules, --version."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from eks_ip_lint import __version__
from eks_ip_lint.cli import main
from eks_ip_lint.rules import ALL_RULES

from testlib import REPO, SEED, RunJson

SCHEMA = json.loads((REPO / "docs" / "schema" / "report-v1.schema.json").read_text())

CLUSTER = """
resource "aws_subnet" "a" {
  cidr_block        = "10.0.0.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_eks_cluster" "c" {
  name = "c"
  vpc_config { subnet_ids = [aws_subnet.a.id] }
}
resource "aws_eks_node_group" "ng" {
  cluster_name   = aws_eks_cluster.c.name
  subnet_ids     = [aws_subnet.a.id]
  instance_types = [var.type]
  scaling_config {
    min_size     = 1
    max_size     = 2
    desired_size = 1
  }
}
variable "type" { default = "m5.large" }
"""


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_json_report_validates_against_the_published_schema(run_json: RunJson) -> None:
    _, report = run_json(str(SEED))
    jsonschema.validate(report, SCHEMA)


def test_clean_module_exits_zero(run_json: RunJson, tmp_path: Path) -> None:
    code, report = run_json(str(write(tmp_path, {"main.tf": CLUSTER})))
    assert code == 0
    assert report["summary"] == {"error": 0, "warning": 0, "info": 0, "suppressed": 0}
    jsonschema.validate(report, SCHEMA)


def test_fail_on_thresholds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(SEED), "--fail-on", "never"]) == 0
    assert main([str(SEED), "--fail-on", "error"]) == 1
    assert main([str(SEED), "--fail-on", "info"]) == 1
    capsys.readouterr()


def test_syntax_error_is_eksip000_with_file_and_line(run_json: RunJson, tmp_path: Path) -> None:
    d = write(tmp_path, {"main.tf": CLUSTER, "broken.tf": 'resource "x" "y" {\n  a = = 1\n}\n'})
    code, report = run_json(str(d))
    assert code == 1
    (f,) = [f for f in report["findings"] if f["rule_id"] == "EKSIP000"]
    assert f["file"].endswith("broken.tf")
    assert f["line"] == 2
    assert "syntax error" in f["message"]


def test_binary_and_non_utf8_files_are_reported_not_fatal(run_json: RunJson, tmp_path: Path) -> None:
    d = write(tmp_path, {"main.tf": CLUSTER})
    (d / "blob.tf").write_bytes(b"\x00\x01\x02")
    (d / "latin.tf").write_bytes(b'locals {\n  x = "caf\xe9"\n}\n')
    _, report = run_json(str(d))
    by_file = {Path(f["file"]).name: f for f in report["findings"] if f["rule_id"] == "EKSIP000"}
    assert "binary" in by_file["blob.tf"]["message"]
    assert "UTF-8" in by_file["latin.tf"]["message"]
    assert by_file["latin.tf"]["line"] == 2
    # The rest of the module is still analysed.
    assert report["units"][0]["clusters"][0]["node_groups"][0]["ips_per_node"]["floor"] == 20


def test_unknown_instance_type_is_eksip001_with_a_suggestion(run_json: RunJson, tmp_path: Path) -> None:
    d = write(tmp_path, {"main.tf": CLUSTER})
    _, report = run_json(str(d), "--var", "type=m5.4xlage")
    (f,) = [f for f in report["findings"] if f["rule_id"] == "EKSIP001"]
    assert "m5.4xlarge" in f["message"]
    assert f["line"] == 13


def test_unresolved_values_are_eksip002_info(run_json: RunJson, tmp_path: Path) -> None:
    text = (
        CLUSTER.replace('cidr_block        = "10.0.0.0/24"', "cidr_block        = var.cidr")
        + 'variable "cidr" {}\n'
    )
    code, report = run_json(str(write(tmp_path, {"main.tf": text})))
    assert code == 0
    infos = [f for f in report["findings"] if f["rule_id"] == "EKSIP002"]
    assert infos and all(f["severity"] == "info" for f in infos)
    assert any("--var cidr=" in f["message"] for f in infos)
    subnet = report["units"][0]["clusters"][0]["subnets"][0]
    assert subnet["usable_ips"] is None and "usable_ips" in subnet["unknown"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--format", "xml"],
        ["--fail-on", "sometimes"],
        ["--pods-per-node", "many"],
        ["does/not/exist"],
        ["--var", "novalue"],
        ["--var-file", "missing.tfvars"],
        ["simulate", "m5.4xlage"],
        ["simulate", "m5.large", "--pods", "9..3"],
        ["simulate", "m5.large", "--env", "WARM_IP_TARGET"],
        ["simulate", "m5.large", "--pods", "30"],  # above m5.large's 29 max pods
        ["--pods-per-node", "0"],  # below the 1-pod floor
    ],
    ids=" ".join,
)
def test_usage_errors_exit_2_with_a_message(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("eks-ip-lint") and "Traceback" not in err
    assert err.count("eks-ip-lint") == 1, err  # the prefix once, not "error: eks-ip-lint: argument"


def test_usage_error_of_a_subcommand_names_it_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--fail-on", "sometimes"]) == 2
    assert capsys.readouterr().err.startswith("eks-ip-lint: error: argument --fail-on: invalid choice")
    assert main(["simulate", "m5.large", "--pods"]) == 2
    assert capsys.readouterr().err == "eks-ip-lint: error: simulate: argument --pods: expected one argument\n"


def test_list_rules_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-rules"]) == 0
    out = capsys.readouterr().out
    for rule in ALL_RULES:
        assert rule.meta.id in out and rule.meta.name in out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"eks-ip-lint {__version__}"


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    assert main([str(SEED), "--format", "json", "--output", str(out), "--fail-on", "never"]) == 0
    assert json.loads(out.read_text())["schema_version"] == 1
    assert capsys.readouterr().out == ""


def test_text_report_shows_the_tables_and_fix(capsys: pytest.CaptureFixture[str]) -> None:
    main([str(SEED)])
    out = capsys.readouterr().out
    assert "private[0]  10.0.0.0/22" in out  # the name the user wrote, aws_subnet.private[0]
    assert "error EKSIP101" in out
    assert "fix: give each subnet at least 3,240 usable IPs" in out
    assert "or set WARM_IP_TARGET=2 and MINIMUM_IP_TARGET=10" in out


def test_installed_console_script_and_module_entry_point() -> None:
    for cmd in (["eks-ip-lint"], [sys.executable, "-m", "eks_ip_lint"]):
        exe = cmd if cmd[0] != "eks-ip-lint" else [str(Path(sys.executable).parent / "eks-ip-lint")]
        proc = subprocess.run([*exe, "--version"], capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == f"eks-ip-lint {__version__}"


def test_local_modules_are_not_analysed_as_roots(run_json: RunJson, tmp_path: Path) -> None:
    (tmp_path / "modules" / "ng").mkdir(parents=True)
    (tmp_path / "modules" / "ng" / "main.tf").write_text('variable "x" {}\n')
    (tmp_path / "main.tf").write_text('module "ng" {\n  source = "./modules/ng"\n  x = 1\n}\n')
    (tmp_path / ".terraform").mkdir()
    (tmp_path / ".terraform" / "junk.tf").write_text("not hcl at all {{{")
    _, report = run_json(str(tmp_path))
    assert [Path(u["path"]).resolve() for u in report["units"]] == [tmp_path.resolve()]


def test_minimum_ip_target_trap_under_prefix_delegation_counts_whole_prefixes(
    run_json: RunJson, tmp_path: Path
) -> None:
    """MINIMUM_IP_TARGET=10 with PD: ipamd stops at ceil(10/16) = 1 prefix = 16 IPs, so pod 17 is
    the first without an IP (vpc-cni-model.md §1.5 B), not pod 11."""
    addon = """
resource "aws_eks_addon" "cni" {
  cluster_name = aws_eks_cluster.c.name
  addon_name   = "vpc-cni"
  configuration_values = jsonencode({ env = { ENABLE_PREFIX_DELEGATION = "true", MINIMUM_IP_TARGET = "10" } })
}
"""
    _, report = run_json(str(write(tmp_path, {"main.tf": CLUSTER + addon})))
    (f,) = [f for f in report["findings"] if f["rule_id"] == "EKSIP201"]
    assert "allocates 16 IPs per node" in f["message"] and "pod number 17" in f["message"]
