"""Write small Terragrunt trees into tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

Tree = Callable[[dict[str, str]], Path]


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """``tree({"live/a/terragrunt.hcl": "..."})`` writes the files (dedented) under a repository
    root (a ``.git`` folder) and returns that root."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)

    def write(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        return root

    return write
