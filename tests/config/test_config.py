"""Configuration: .eks-ip-lint.yaml / [tool.eks-ip-lint], validated against the shipped schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from eks_ip_lint.cli import main
from eks_ip_lint.config import Config, filter_paths, find_config, is_excluded, load_config, schema
from eks_ip_lint.findings import Severity

from testlib import SEED, RunJson


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root (with .git) holding the seed example under infra/, as the cwd."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(SEED, tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_schema_is_shipped_in_the_package_and_valid() -> None:
    doc = schema()
    jsonschema.Draft202012Validator.check_schema(doc)
    assert set(doc["properties"]) == {
        "pods_per_node",
        "reserved_ips_per_subnet",
        "fail_on_unchecked",
        "fargate_pods",
        "rules",
        "exclude",
    }


def test_no_file_gives_the_defaults(project: Path) -> None:
    assert find_config() is None
    assert load_config(None) == Config()


def test_yaml_in_a_parent_directory_is_found_and_wins_over_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.eks-ip-lint]\npods_per_node = 20\n")
    (project / ".eks-ip-lint.yaml").write_text("pods_per_node: 30\n")
    sub = project / "infra"
    assert find_config(str(sub)) == str(project / ".eks-ip-lint.yaml")
    (project / ".eks-ip-lint.yaml").unlink()
    assert find_config(str(sub)) == str(project / "pyproject.toml")
    assert load_config(find_config(str(sub))).pods_per_node == 20


def test_a_pyproject_without_the_table_does_not_count(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    assert find_config() is None


def test_the_search_stops_at_the_repository_root(project: Path, tmp_path: Path) -> None:
    # A config above the .git directory is not this repository's.
    outer = tmp_path / "outer"
    inner = outer / "repo"
    (inner / ".git").mkdir(parents=True)
    (outer / ".eks-ip-lint.yaml").write_text("pods_per_node: 5\n")
    assert find_config(str(inner)) is None


def test_pods_per_node_from_config_and_the_option_wins(project: Path, run_json: RunJson) -> None:
    (project / ".eks-ip-lint.yaml").write_text("pods_per_node: 30\n")
    _, report = run_json("infra")
    assert report["options"]["pods_per_node"] == 30
    _, report = run_json("infra", "--pods-per-node", "10")
    assert report["options"]["pods_per_node"] == 10
    _, report = run_json("infra", "--no-config")
    assert report["options"]["pods_per_node"] is None


def test_rule_severity_override_changes_the_verdict(project: Path, run_json: RunJson) -> None:
    (project / ".eks-ip-lint.yaml").write_text("rules:\n  EKSIP101:\n    severity: warning\n")
    code, report = run_json("infra")
    assert code == 0
    assert [(f["rule_id"], f["severity"]) for f in report["findings"]] == [("EKSIP101", "warning")]
    assert report["summary"] == {"error": 0, "warning": 1, "info": 0, "suppressed": 0}
    code, _ = run_json("infra", "--fail-on", "warning")
    assert code == 1


def test_a_disabled_rule_reports_nothing(project: Path, run_json: RunJson) -> None:
    (project / "pyproject.toml").write_text("[tool.eks-ip-lint.rules.EKSIP101]\nenabled = false\n")
    code, report = run_json("infra")
    assert (code, report["findings"]) == (0, [])


def test_explicit_config_file(project: Path, run_json: RunJson) -> None:
    conf = project / "ci.yaml"
    conf.write_text("rules: {EKSIP101: {enabled: false}}\n")
    code, report = run_json("infra", "--config", str(conf))
    assert (code, report["findings"]) == (0, [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pods_per_node: 0\n", ".eks-ip-lint.yaml:1: pods_per_node: 0 is less than the minimum of 1"),
        (
            "rules:\n  EKSIP101:\n    severity: fatal\n",
            ".eks-ip-lint.yaml:3: rules.EKSIP101.severity: 'fatal' is not one of ['error', 'warning', 'info']",
        ),
        (
            "exclude: [ok]\npod_per_node: 3\n",
            ".eks-ip-lint.yaml:2: pod_per_node: unknown key (did you mean 'pods_per_node'?)",
        ),
        ("rules:\n  EKSIP999: {enabled: false}\n", ".eks-ip-lint.yaml:2: rules.EKSIP999: no such rule"),
        (
            "rules:\n  eksip101: {enabled: false}\n",
            ".eks-ip-lint.yaml:2: rules.eksip101: no such rule (did you mean 'EKSIP101'?)",
        ),
        ("exclude: legacy\n", ".eks-ip-lint.yaml:1: exclude: 'legacy' is not of type 'array'"),
        ("pods_per_node: [\n", ".eks-ip-lint.yaml:2: invalid YAML"),
    ],
)
def test_invalid_yaml_config_names_file_line_and_key(
    project: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    (project / ".eks-ip-lint.yaml").write_text(text)
    assert main(["infra"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"eks-ip-lint: error: config {project / message.split(':', 1)[0]}")
    assert message.split(":", 1)[1] in err


def test_invalid_pyproject_config_names_the_table_key(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text('[tool.eks-ip-lint]\nexclude = "x"\n')
    assert main(["infra"]) == 2
    err = capsys.readouterr().err
    assert f"config {project / 'pyproject.toml'}: tool.eks-ip-lint.exclude: 'x' is not of type 'array'" in err


def test_missing_explicit_config_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["infra", "--config", "nope.yaml"]) == 2
    assert "config nope.yaml: no such file" in capsys.readouterr().err


def test_rule_config_is_built(project: Path) -> None:
    (project / ".eks-ip-lint.yaml").write_text(
        "rules:\n  EKSIP101: {severity: info}\n  EKSIP203: {enabled: false}\nexclude: ['legacy/*']\n"
    )
    cfg = load_config(find_config())
    assert cfg.rules["EKSIP101"].severity is Severity.INFO and cfg.rules["EKSIP101"].enabled
    assert not cfg.rules["EKSIP203"].enabled
    assert cfg.exclude == ("legacy/*",)
    assert cfg.base_dir == str(project)


def test_exclude_globs(tmp_path: Path) -> None:
    base = str(tmp_path)
    assert is_excluded(str(tmp_path / "a" / "sandbox" / "main.tf"), ["sandbox"], base)
    assert not is_excluded(str(tmp_path / "a" / "sandboxes" / "main.tf"), ["sandbox"], base)
    assert is_excluded(str(tmp_path / "envs" / "dev" / "x.tf"), ["envs/dev"], base)
    assert not is_excluded(str(tmp_path / "other" / "envs" / "dev"), ["envs/dev"], base)
    assert is_excluded(str(tmp_path / "cdk.out" / "Stack.template.json"), ["*.template.json"], base)


def test_excluded_directories_are_not_discovered(project: Path, run_json: RunJson) -> None:
    shutil.copytree(SEED, project / "infra" / "legacy")
    _, report = run_json("infra")
    assert sorted(u["path"] for u in report["units"]) == ["infra", "infra/legacy"]
    (project / ".eks-ip-lint.yaml").write_text("exclude: [infra/legacy]\n")
    _, report = run_json("infra")
    assert [u["path"] for u in report["units"]] == ["infra"]
    assert {f["file"] for f in report["findings"]} == {"infra/main.tf"}
    _, report = run_json(".")
    assert [u["path"] for u in report["units"]] == ["./infra"]
    (project / ".eks-ip-lint.yaml").write_text("exclude: [infra]\n")
    code, report = run_json(".")
    assert (code, report["units"]) == (0, [])


def test_filter_paths_keeps_untouched_paths_as_given(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.tf").write_text("")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "stack.yaml").write_text("")
    (tmp_path / "b" / "skip.yaml").write_text("")
    base = str(tmp_path)
    assert filter_paths([str(tmp_path / "a")], ["skip.yaml"], base) == [str(tmp_path / "a")]
    assert filter_paths([str(tmp_path)], ["skip.yaml"], base) == [
        str(tmp_path / "a"),
        str(tmp_path / "b" / "stack.yaml"),
    ]


def test_config_json_report_still_validates(project: Path, run_json: RunJson) -> None:
    from testlib import REPO

    (project / ".eks-ip-lint.yaml").write_text("rules: {EKSIP101: {severity: warning}}\n")
    _, report = run_json("infra")
    schema_doc = json.loads((REPO / "docs" / "schema" / "report-v1.schema.json").read_text())
    jsonschema.Draft202012Validator(schema_doc).validate(report)


def test_reserved_ips_per_subnet_shrinks_what_nodes_may_use(project: Path, run_json: RunJson) -> None:
    """Seed: 1,019 usable per /22; reserving 100 leaves 919 = 15 nodes of 60 IPs per subnet, 45 in
    all (48 without the reservation)."""
    (project / ".eks-ip-lint.yaml").write_text("reserved_ips_per_subnet: 100\n")
    _, report = run_json("infra")
    cluster = report["units"][0]["clusters"][0]
    assert [s["usable_ips"] for s in cluster["subnets"]] == [919, 919, 919]
    assert cluster["node_groups"][0]["max_nodes_supported"]["floor"] == 45
    _, report = run_json("infra", "--no-config")
    assert report["units"][0]["clusters"][0]["node_groups"][0]["max_nodes_supported"]["floor"] == 48
