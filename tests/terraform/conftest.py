from __future__ import annotations

from pathlib import Path

import pytest

from eks_ip_lint.terraform.module import ModuleEvaluation
from eks_ip_lint.terraform.module_source import read_module
from eks_ip_lint.terraform.variables import VariableInputs, resolve_variables

from terraform_loader import Loader


@pytest.fixture
def load_module(tmp_path: Path) -> Loader:
    """Write files into a temporary module directory and evaluate it."""

    def load(
        files: dict[str, str], inputs: VariableInputs | None = None, workspace: str = "default"
    ) -> ModuleEvaluation:
        for name, text in files.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(text)
        source = read_module(str(tmp_path))
        assert not source.errors, source.errors
        variables = resolve_variables(source, inputs or VariableInputs())
        return ModuleEvaluation(source, variables.values, workspace=workspace)

    return load
