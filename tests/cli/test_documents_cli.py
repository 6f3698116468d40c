"""CloudFormation templates and eksctl configs through the CLI: discovery, parameters, output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from eks_ip_lint.cli import main

from testlib import FIXTURES, REPO, RunJson

SCHEMA = json.loads((REPO / "docs" / "schema" / "report-v1.schema.json").read_text())
CFN_SEED = FIXTURES / "cloudformation" / "templates" / "seed-cluster.yaml"
EKSCTL_SEED = FIXTURES / "eksctl" / "configs" / "seed-cluster.yaml"


def _group(report: dict) -> dict:  # type: ignore[type-arg]
    (unit,) = report["units"]
    return unit["clusters"][0]["node_groups"][0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("path", "kind"), [(CFN_SEED, "cloudformation"), (EKSCTL_SEED, "eksctl")], ids=["cfn", "eksctl"]
)
def test_seed_documents_report_like_the_terraform_seed(run_json: RunJson, path: Path, kind: str) -> None:
    code, report = run_json(str(path))
    jsonschema.validate(report, SCHEMA)
    assert code == 1
    assert report["units"][0]["kind"] == kind
    group = _group(report)
    assert (group["ips_per_node"]["floor"], group["max_nodes_supported"]["floor"]) == (60, 48)
    assert any(f["rule_id"] == "EKSIP101" and f["file"] == str(path) for f in report["findings"])


def test_parameter_overrides_the_default(run_json: RunJson) -> None:
    # MaxNodes=48 is exactly what three /22s hold at 60 IPs per node: EKSIP101 goes away.
    _, report = run_json(str(CFN_SEED), "--parameter", "MaxNodes=48")
    assert _group(report)["max_size"] == 48
    assert "EKSIP101" not in [f["rule_id"] for f in report["findings"]]


def test_parameters_file(run_json: RunJson, tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text(json.dumps([{"ParameterKey": "MaxNodes", "ParameterValue": "49"}]))
    _, report = run_json(str(CFN_SEED), "--parameters-file", str(params))
    assert _group(report)["max_size"] == 49
    assert "EKSIP101" in [f["rule_id"] for f in report["findings"]]


def test_bad_parameters_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "params.json"
    bad.write_text("{not json")
    assert main([str(CFN_SEED), "--parameters-file", str(bad)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_directory_scan_skips_yaml_that_is_not_ours(run_json: RunJson, tmp_path: Path) -> None:
    shutil.copy(CFN_SEED, tmp_path / "eks.yaml")
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n")
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.0.0"}\n')
    (tmp_path / "terraform.tfvars.json").write_text('{"a": 1}\n')
    _, report = run_json(str(tmp_path))
    assert [(Path(u["path"]).name, u["kind"]) for u in report["units"]] == [("eks.yaml", "cloudformation")]
