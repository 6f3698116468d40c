"""The project's public address is one constant (eks_ip_lint.project.PROJECT_URL): every doc,
example and manifest that names it names that one, no placeholder is left, and what is generated
from it (SARIF helpUri, cfn-lint source URLs) follows it."""

from __future__ import annotations

import re
import subprocess
import sys

from eks_ip_lint import project
from eks_ip_lint.integrations.cfnlint import RULE_CLASSES
from eks_ip_lint.report.sarif import docs_url
from eks_ip_lint.rules import BY_ID

from testlib import REPO

ANY_ADDRESS = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/eks-ip-lint(?![A-Za-z0-9_-])")


def test_gen_project_url_check_passes() -> None:
    """scripts/gen_project_url.py --check: no file names another address or a placeholder."""
    run = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_project_url.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_docs_show_the_constant() -> None:
    for doc in [*(REPO / "docs" / "integrations").glob("*.md"), REPO / "RELEASING.md"]:
        found = set(ANY_ADDRESS.findall(doc.read_text(encoding="utf-8")))
        assert found <= {project.PROJECT_URL}, (doc, found)
    ci = (REPO / "docs" / "integrations" / "ci.md").read_text(encoding="utf-8")
    assert f'pip install "eks-ip-lint @ git+{project.PROJECT_URL}@<commit>"' in ci
    assert f"uses: {project.ACTION_NAME}@<commit>" in ci


def test_no_placeholder_address_anywhere() -> None:
    placeholder = "YOUR" + "-ORG"  # spelled in two parts so this file does not hold it
    listed = subprocess.run(
        ["git", "grep", "-l", "-I", placeholder, "--", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.stdout == ""


def test_generated_urls_follow_the_constant() -> None:
    meta = BY_ID["EKSIP101"].meta
    assert docs_url(meta) == f"{project.PROJECT_URL}/blob/main/docs/rules/EKSIP101.md"
    assert RULE_CLASSES["E9101"].source_url == docs_url(meta)
