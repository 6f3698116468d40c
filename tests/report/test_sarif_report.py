"""--format sarif: valid SARIF 2.1.0 (the official schema, tests/fixtures/sarif/), with what GitHub
code scanning reads, and fingerprints that survive line moves."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from eks_ip_lint.capacity.analysis import Options, UnitCapacity
from eks_ip_lint.cli import main
from eks_ip_lint.engine import LintRequest, LintResult, UnitResult, lint
from eks_ip_lint.facts.model import Facts
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.project import PROJECT_URL
from eks_ip_lint.report.sarif import artifact_uri, docs_url, render_sarif, sarif_log
from eks_ip_lint.rules import ALL_RULES, BY_ID
from eks_ip_lint.span import SourceSpan

from testlib import FIXTURES, REPO, SEED

SCHEMA = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _lint(*paths: str | Path, **kw: Any) -> LintResult:
    return lint(LintRequest(paths=tuple(str(p) for p in paths), **kw))


def _sarif(result: LintResult, cwd: str | Path | None = None) -> dict[str, Any]:
    doc = json.loads(render_sarif(result, str(cwd) if cwd is not None else None))
    assert isinstance(doc, dict)
    return doc


# jsonschema checks "format": "uri" / "uri-reference" only with optional packages, so the URIs
# are checked here: RFC 3986 characters only (unreserved, reserved and %-escapes).
URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
URI_KEYS = {"$schema", "uri", "helpUri", "informationUri"}


def _uris(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k in URI_KEYS and isinstance(v, str)] + [
            u for v in node.values() for u in _uris(v)
        ]
    if isinstance(node, list):
        return [u for v in node for u in _uris(v)]
    return []


def _validate(doc: dict[str, Any]) -> None:
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    for uri in _uris(doc):
        assert URI_CHARS.match(uri), f"not a URI reference: {uri!r}"


def _one_result(findings: list[Finding], unit: str = "infra") -> LintResult:
    capacity = UnitCapacity(Facts(unit), (), ())
    return LintResult((UnitResult("terraform", unit, capacity, tuple(findings)),))


def test_the_bundled_schema_is_the_oasis_sarif_2_1_0_schema() -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]
    # It is strict enough to catch a mistake: an unknown property in a result is refused.
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "oops": 1}]}]}  # fmt: skip
    assert list(VALIDATOR.iter_errors(bad))


def test_seed_sarif_validates_against_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    doc = _sarif(_lint("examples/seed-cluster"))
    _validate(doc)
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].startswith("https://")
    (run,) = doc["runs"]
    assert run["tool"]["driver"]["name"] == "eks-ip-lint"
    assert [r["ruleId"] for r in run["results"]] == ["EKSIP101"]


def test_clean_module_is_valid_sarif_with_no_results(tmp_path: Path) -> None:
    work = tmp_path / "seed"
    shutil.copytree(SEED, work)
    (work / "terraform.tfvars").write_text("max_nodes = 10\n")
    doc = _sarif(_lint(work, options=Options(pods_per_node=1)))
    _validate(doc)
    assert doc["runs"][0]["results"] == []
    assert len(doc["runs"][0]["tool"]["driver"]["rules"]) == len(ALL_RULES)


def test_rules_come_from_the_registry_with_what_github_reads() -> None:
    doc = _sarif(_lint(SEED))
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.meta.id for r in ALL_RULES]
    for rule, descriptor in zip(ALL_RULES, rules, strict=True):
        m = rule.meta
        assert descriptor["name"] == m.name
        assert descriptor["shortDescription"]["text"] == m.summary
        assert descriptor["fullDescription"]["text"].startswith(m.summary)
        assert m.docs_path in descriptor["help"]["text"]
        # The page on the project's one public address (eks_ip_lint.project.PROJECT_URL).
        url = f"{PROJECT_URL}/blob/main/{m.docs_path}"
        assert f"[{m.docs_path}]({url})" in descriptor["help"]["markdown"]
        # The help is the rule's page itself (shipped in the package), without its header.
        page = (REPO / m.docs_path).read_text(encoding="utf-8")
        why = page.split("## Why is this bad?", 1)[1].split("\n## ", 1)[0].strip()
        assert why and why in descriptor["help"]["markdown"] and why in descriptor["help"]["text"]
        assert "<!-- header -->" not in descriptor["help"]["markdown"]
        level = {"error": "error", "warning": "warning", "info": "note"}[m.severity.value]
        assert descriptor["defaultConfiguration"]["level"] == level
        problem = {"error": "error", "warning": "warning", "info": "recommendation"}[m.severity.value]
        assert descriptor["properties"]["problem.severity"] == problem
        assert "security-severity" not in descriptor["properties"]  # not a security alert
        assert "eks" in descriptor["properties"]["tags"]
        assert descriptor["helpUri"] == url


def test_docs_url_only_for_an_absolute_http_base() -> None:
    meta = BY_ID["EKSIP101"].meta
    assert docs_url(meta, "https://example.org/eks-ip-lint/blob/v1/") == (
        "https://example.org/eks-ip-lint/blob/v1/docs/rules/EKSIP101.md"
    )
    assert docs_url(meta, "docs/") is None
    assert docs_url(meta, "file:///srv/docs") is None
    assert docs_url(meta, "https:/no-host") is None


def test_result_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = _lint("examples/seed-cluster")
    (finding,) = result.findings
    (run,) = _sarif(result)["runs"]
    (r,) = run["results"]
    assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] == "EKSIP101"
    assert r["level"] == "error"
    assert r["message"]["text"] == f"{finding.message} Fix: {finding.fix}"
    (loc,) = r["locations"]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "examples/seed-cluster/main.tf"
    assert loc["physicalLocation"]["region"]["startLine"] == 51
    assert loc["logicalLocations"] == [
        {"fullyQualifiedName": "aws_eks_node_group.workers", "kind": "resource"}
    ]
    assert r["partialFingerprints"]["primaryLocationLineHash"] == f"{finding.fingerprint}:1"
    assert r["properties"] == {"address": "aws_eks_node_group.workers", "cluster": "seed"}
    assert "suppressions" not in r  # nothing can be suppressed yet


def test_paths_are_relative_to_the_working_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # An absolute path inside the working directory, as a CI job may pass it.
    monkeypatch.chdir(REPO)
    (r,) = _sarif(_lint(SEED))["runs"][0]["results"]
    assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "examples/seed-cluster/main.tf"
    # From elsewhere: outside the working directory, an absolute file URI.
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    (r,) = _sarif(_lint(SEED))["runs"][0]["results"]
    assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (SEED / "main.tf").as_uri()


def test_artifact_uri_encodes_and_normalises(tmp_path: Path) -> None:
    cwd = str(tmp_path)
    assert artifact_uri("./infra/prod env/main.tf", cwd) == "infra/prod%20env/main.tf"
    assert artifact_uri(str(tmp_path / "a" / ".." / "b#1" / "main.tf"), cwd) == "b%231/main.tf"
    assert artifact_uri("../other/main.tf", cwd) == (tmp_path.parent / "other" / "main.tf").as_uri()


def test_fingerprint_survives_line_moves_and_number_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "infra"
    shutil.copytree(SEED, work)
    monkeypatch.chdir(tmp_path)

    def result_of() -> dict[str, Any]:
        (r,) = [r for r in _sarif(_lint("infra"))["runs"][0]["results"] if r["ruleId"] == "EKSIP101"]
        return r  # type: ignore[no-any-return]

    before = result_of()
    main_tf = work / "main.tf"
    main_tf.write_text("# a comment\n\n# moves every block down by three lines\n" + main_tf.read_text())
    (work / "terraform.tfvars").write_text("max_nodes = 70\n")
    after = result_of()
    start = lambda r: r["locations"][0]["physicalLocation"]["region"]["startLine"]  # noqa: E731
    assert start(after) == start(before) + 3
    assert after["message"]["text"] != before["message"]["text"]  # "max 70 nodes"
    assert after["partialFingerprints"] == before["partialFingerprints"]
    # Another file or resource is another alert.
    (work / "main.tf").rename(work / "cluster.tf")
    assert result_of()["partialFingerprints"] != before["partialFingerprints"]


def test_equal_fingerprints_are_numbered() -> None:
    def finding(line: int, what: str) -> Finding:
        return Finding("EKSIP002", Severity.INFO, f"{what} is unknown", SourceSpan("infra/main.tf", line), "aws_eks_node_group.ng", "c")  # fmt: skip

    result = _one_result([finding(10, "max_size"), finding(12, "instance_types"), finding(20, "subnet_ids")])
    hashes = [
        r["partialFingerprints"]["primaryLocationLineHash"] for r in sarif_log(result)["runs"][0]["results"]
    ]
    fp = result.findings[0].fingerprint
    assert hashes == [f"{fp}:1", f"{fp}:2", f"{fp}:3"]


def test_levels_and_messages_without_fix() -> None:
    result = _one_result(
        [
            Finding("EKSIP001", Severity.WARNING, "unknown type x9.huge", SourceSpan("infra/main.tf", 3)),
            Finding("EKSIP002", Severity.INFO, "max_size is unknown", SourceSpan("infra/main.tf", 4)),
        ]
    )
    doc = sarif_log(result)
    _validate(doc)
    rs = doc["runs"][0]["results"]
    assert [r["level"] for r in rs] == ["warning", "note"]
    assert [r["message"]["text"] for r in rs] == ["unknown type x9.huge", "max_size is unknown"]
    assert all("logicalLocations" not in r["locations"][0] and "properties" not in r for r in rs)


def test_cli_writes_sarif_and_keeps_the_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "eks-ip-lint.sarif"
    assert main([str(SEED), "--format", "sarif", "--output", str(out)]) == 1
    assert capsys.readouterr().out == ""
    _validate(json.loads(out.read_text(encoding="utf-8")))
    assert main([str(SEED), "--format", "sarif", "--fail-on", "never"]) == 0
    _validate(json.loads(capsys.readouterr().out))


def test_file_names_that_need_escaping_still_give_valid_sarif(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "prod env #1"
    shutil.copytree(SEED, work)
    monkeypatch.chdir(tmp_path)
    doc = _sarif(_lint("prod env #1"))
    _validate(doc)
    (r,) = doc["runs"][0]["results"]
    assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "prod%20env%20%231/main.tf"


def test_fingerprint_does_not_depend_on_how_the_path_was_spelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(SEED, tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    prints = []
    for spelling in ("infra", "./infra", str(tmp_path / "infra"), ".", "infra/main.tf"):
        (r,) = _sarif(_lint(spelling))["runs"][0]["results"]
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/main.tf", spelling
        prints.append(r["partialFingerprints"])
    assert all(p == prints[0] for p in prints), prints
