from __future__ import annotations

import json
from typing import Any

import pytest

from eks_ip_lint.cli import main

from testlib import RunJson


@pytest.fixture
def run_json(capsys: pytest.CaptureFixture[str]) -> RunJson:
    """Run the CLI in-process with --format json; returns (exit code, parsed report)."""

    def run(*args: str) -> tuple[int, dict[str, Any]]:
        code = main([*args, "--format", "json"])
        out = capsys.readouterr().out
        return code, json.loads(out)

    return run
