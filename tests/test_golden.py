"""End to end: every scenario under tests/fixtures/terraform/ against its reviewed golden report.

Regenerate after an intended change with

    UPDATE_GOLDENS=1 python -m pytest tests/test_golden.py

and review the diff of the expected.json files like code: every changed number must be explained.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from eks_ip_lint.cli import main

from testlib import FIXTURES, REPO

SCHEMA = json.loads((REPO / "docs" / "schema" / "report-v1.schema.json").read_text())
SCENARIOS = sorted(p for p in (FIXTURES / "terraform").iterdir() if p.is_dir())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_golden(scenario: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(scenario)
    args = (scenario / "args.txt").read_text().split() if (scenario / "args.txt").exists() else []
    main([".", "--format", "json", "--fail-on", "never", *args])
    report = json.loads(capsys.readouterr().out)
    jsonschema.validate(report, SCHEMA)
    report["tool"]["version"] = "(any)"
    expected_path = scenario / "expected.json"
    if os.environ.get("UPDATE_GOLDENS"):
        expected_path.write_text(json.dumps(report, indent=2) + "\n")
    assert expected_path.exists(), f"no golden for {scenario.name}: run with UPDATE_GOLDENS=1"
    assert report == json.loads(expected_path.read_text())


def test_every_rule_with_a_scenario_fires_somewhere() -> None:
    """The scenarios exercise each capacity and configuration rule at least once."""
    fired = set()
    for scenario in SCENARIOS:
        doc = json.loads((scenario / "expected.json").read_text())
        fired.update(f["rule_id"] for f in doc["findings"])
    assert {
        "EKSIP002",
        "EKSIP101",
        "EKSIP102",
        "EKSIP103",
        "EKSIP201",
        "EKSIP202",
        "EKSIP203",
        "EKSIP204",
    } <= fired
