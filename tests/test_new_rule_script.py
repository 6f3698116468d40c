"""scripts/new_rule.py: a new rule is one module + its tests + its page, found by the registry."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from testlib import REPO


def test_scaffold_writes_a_module_the_registry_finds_and_a_page_with_the_sections(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "docs" / "rules", root / "docs" / "rules")
    shutil.copytree(REPO / "scripts", root / "scripts")
    (root / "tests" / "rules").mkdir(parents=True)
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "new_rule.py"),
            "EKSIP299",
            "spare-prefix-check",
            "--severity",
            "warning",
            "--summary",
            'A "quoted" summary.',
            "--inputs",
            "Terraform, eksctl",
            "--root",
            str(root),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    module = root / "src" / "eks_ip_lint" / "rules" / "eksip299_spare_prefix_check.py"
    test = root / "tests" / "rules" / "test_eksip299_spare_prefix_check.py"
    page = root / "docs" / "rules" / "EKSIP299.md"
    assert module.exists() and test.exists() and page.exists()
    # The registry of the copied tree finds the new rule with no other edit.
    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from eks_ip_lint.rules import BY_ID; m = BY_ID['EKSIP299'].meta; "
            "print(m.name, m.severity.value, m.inputs, m.summary)",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(root / "src")},
    ).stdout
    assert listed == "spare-prefix-check warning ('Terraform', 'eksctl') A \"quoted\" summary.\n"
    text = page.read_text()
    assert text.startswith("# EKSIP299 · spare-prefix-check\n")
    assert "Severity: warning · Since: v0.1.0 · Inputs: Terraform, eksctl" in text
    assert "rules/eksip299_spare_prefix_check.py" in text
    assert (
        "| [EKSIP299](EKSIP299.md) | spare-prefix-check | warning |"
        in (root / "docs/rules/index.md").read_text()
    )
    # A start, not a rule: the tests fail until written.
    assert "pytest.fail(" in test.read_text()


def test_scaffold_refuses_to_overwrite(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "new_rule.py"),
            "EKSIP101",
            "warm-pool-exhausts-subnet",
            "--severity",
            "error",
            "--summary",
            "x",
            "--root",
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0 and "already exists" in proc.stderr


def test_the_scripts_default_inputs_are_the_rules() -> None:
    """scripts/new_rule.py runs without importing the package, so it keeps its own copy."""
    import runpy

    from eks_ip_lint.rules._base import ALL_INPUTS

    assert runpy.run_path(str(REPO / "scripts" / "new_rule.py"))["ALL_INPUTS"] == ALL_INPUTS
