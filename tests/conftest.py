from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from eks_ip_lint.cli import main

from testlib import RunJson


@pytest.fixture(scope="session", autouse=True)
def private_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests (and the CLI subprocesses they start) cache parse results in a directory of their own,
    never in the user's ~/.cache."""
    before = os.environ.get("EKS_IP_LINT_CACHE_DIR")
    os.environ["EKS_IP_LINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("parse-cache"))
    yield
    if before is None:
        os.environ.pop("EKS_IP_LINT_CACHE_DIR", None)
    else:
        os.environ["EKS_IP_LINT_CACHE_DIR"] = before


@pytest.fixture
def run_json(capsys: pytest.CaptureFixture[str]) -> RunJson:
    """Run the CLI in-process with --format json; returns (exit code, parsed report)."""

    def run(*args: str) -> tuple[int, dict[str, Any]]:
        code = main([*args, "--format", "json"])
        out = capsys.readouterr().out
        return code, json.loads(out)

    return run
