"""--format junit and --format gitlab, checked against the shapes their consumers document.

JUnit: no JUnit XSD is installable from PyPI (checked: junit-xml, junitparser, junit2html and
xmlschema ship none), so the test checks the element and attribute shape of Jenkins' junit-10.xsd,
which GitLab's parser reads too: <testsuites> of <testsuite name tests failures errors skipped>
of <testcase name classname time>, each with at most one <failure message type> or <skipped
message>, and totals that add up. GitLab Code Quality: the fields GitLab's documentation lists as
required, with its severity values, as a JSON schema written here from that documentation.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from eks_ip_lint.cli import main

from testlib import SEED

# GitLab's "Code Quality report format" (the documented subset GitLab reads).
CODE_QUALITY_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/]"},  # relative to the repository root
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}

SUITE_ATTRS = {"name", "tests", "failures", "errors", "skipped", "time"}
CASE_ATTRS = {"name", "classname", "time"}


@pytest.fixture
def two_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    shutil.copytree(SEED, tmp_path / "infra" / "prod")
    shutil.copytree(SEED, tmp_path / "infra" / "ok")
    # 18 nodes fit at the floor (48 do) and full (24 do), and during an update too: 6 per AZ + 2
    # new = 8 x 120 = 960 of 1,019 IPs (EKSIP104), so the second module has no finding.
    (tmp_path / "infra" / "ok" / "variables.tf").write_text(
        (SEED / "variables.tf").read_text().replace("default     = 80", "default     = 18")
    )
    main_tf = tmp_path / "infra" / "prod" / "main.tf"
    lines = main_tf.read_text().splitlines(keepends=True)
    lines.insert(41, "  # eks-ip-lint: ignore=EKSIP101 accepted\n")
    main_tf.write_text("".join(lines))
    shutil.copytree(SEED, tmp_path / "infra" / "failing")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["infra", *args])
    return code, capsys.readouterr().out


def test_junit_has_the_documented_shape(two_modules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "--format", "junit")
    assert code == 1
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suites = list(root)
    assert [s.tag for s in suites] == ["testsuite"] * 3
    by_name = {s.get("name"): s for s in suites}
    assert set(by_name) == {"infra/failing", "infra/ok", "infra/prod"}
    for suite in suites:
        assert set(suite.attrib) == SUITE_ATTRS
        cases = list(suite)
        assert cases and all(c.tag == "testcase" and set(c.attrib) == CASE_ATTRS for c in cases)
        for case in cases:
            assert len(case) <= 1 and all(child.tag in ("failure", "skipped", "system-out") for child in case)
        assert int(suite.get("tests", "")) == len(cases)
        assert int(suite.get("failures", "")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("skipped", "")) == sum(1 for c in cases if c.find("skipped") is not None)
    # One failing finding (the seed's EKSIP101), one suppressed (skipped), one clean module.
    failure = by_name["infra/failing"].find("testcase/failure")
    assert failure is not None and failure.get("type") == "error"
    assert (failure.text or "").startswith(
        "infra/failing/main.tf:51: error node group aws_eks_node_group.workers"
    )
    skipped = by_name["infra/prod"].find("testcase/skipped")
    assert skipped is not None and skipped.get("message") == "suppressed: accepted"
    ok_cases = list(by_name["infra/ok"])
    assert len(ok_cases) == 1 and len(ok_cases[0]) == 0  # passed
    assert (root.get("tests"), root.get("failures")) == ("3", "1")


def test_junit_below_fail_on_passes(two_modules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "--format", "junit", "--fail-on", "never")
    assert code == 0
    root = ET.fromstring(out)
    assert root.get("failures") == "0"
    out_text = root.find("testsuite[@name='infra/failing']/testcase/system-out")
    assert out_text is not None
    assert (out_text.text or "").startswith("infra/failing/main.tf:51: error node group")


def test_gitlab_code_quality_has_the_documented_fields(
    two_modules: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, "--format", "gitlab")
    assert code == 1
    issues = json.loads(out)
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    # The suppressed finding is left out; the failing module's finding is in, at its max_size line.
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("EKSIP101", "critical", {"path": "infra/failing/main.tf", "lines": {"begin": 51}})
    ]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    # The fingerprint does not depend on how the path was spelt on the command line.
    main(["./infra", "--format", "gitlab"])
    assert json.loads(capsys.readouterr().out)[0]["fingerprint"] == issues[0]["fingerprint"]
