"""Every fixture at once, as one repository (issue 13, "Done when").

Real repositories mix everything the fixtures hold: broken files, nested stacks that nest each
other, modules switched off with count = 0, JSON syntax, OpenTofu files, Terragrunt, manifests.
One run over the whole tree must end in a report (exit 0 or 1 under --fail-on never: 0), never an
internal error (exit 3), and no node group that references a declared cluster may end up under
the phantom "(unknown cluster)".
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from eks_ip_lint.cli import main

from testlib import FIXTURES, REPO

SCHEMA = json.loads((REPO / "docs" / "schema" / "report-v1.schema.json").read_text())


def test_the_whole_fixture_tree_runs_to_a_report(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [str(FIXTURES), str(REPO / "examples"), "--format", "json", "--fail-on", "never", "--no-cache"]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "internal error" not in captured.err and "Traceback" not in captured.err
    report = json.loads(captured.out)
    jsonschema.validate(report, SCHEMA)
    clusters = [c for u in report["units"] for c in u["clusters"]]
    # Every scenario's cluster is found (dozens of units), and none is the phantom.
    assert len(report["units"]) >= 50
    assert not [c for c in clusters if c["name"] in (None, "(unknown cluster)")]
    # Each cluster keeps its node groups: no group is left without a cluster row.
    assert sum(len(c["node_groups"]) for c in clusters) >= 50


def test_the_schema_names_every_unit_kind() -> None:
    """The report schema's unit kinds are the registry's (a Terragrunt unit's report failed
    validation until this test was written)."""
    from eks_ip_lint.kinds import BY_NAME

    kinds = SCHEMA["properties"]["units"]["items"]["properties"]["kind"]["enum"]
    assert sorted(kinds) == sorted(BY_NAME)
