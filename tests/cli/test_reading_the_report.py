"""docs/reading-the-report.md quotes the report: the quoted lines are what the tool prints today."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from eks_ip_lint.cli import main

from testlib import REPO, SEED

PAGE = (REPO / "docs" / "reading-the-report.md").read_text(encoding="utf-8")


def _blocks() -> list[str]:
    return re.findall(r"```text\n(.*?)```\n", PAGE, re.S)


def test_the_coverage_lines_are_a_typod_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "examples" / "seed-cluster"
    shutil.copytree(SEED, work)
    main_tf = work / "main.tf"
    main_tf.write_text(main_tf.read_text().replace('"m5.4xlarge"', '"m5.4xlarg"'))
    monkeypatch.chdir(tmp_path)
    main(["examples/seed-cluster", "--no-cache", "--no-config"])
    out = capsys.readouterr().out
    coverage = next(b for b in _blocks() if b.startswith("coverage:"))
    assert coverage in out
