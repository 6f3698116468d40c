"""The project's public address: the one place to change it.

Everything that names where eks-ip-lint lives is derived from :data:`PROJECT_URL`: the SARIF
rules' ``helpUri`` (report/sarif.py), the cfn-lint rules' ``source_url``
(integrations/cfnlint.py), and the install lines of the docs, README, RELEASING.md and
examples, which ``scripts/gen_project_url.py`` rewrites from this constant (``--check`` in CI,
tests/test_project_url.py checks every occurrence). To move the project: change the constant,
run ``python scripts/gen_project_url.py``.

The address is a GitHub repository; the docs are its ``docs/`` directory on the default branch.
"""

from __future__ import annotations

PROJECT_URL = "https://github.com/eks-ip-lint/eks-ip-lint"
# The branch whose docs/ the rule pages are linked from.
DEFAULT_BRANCH = "main"
# Where the repository's files are shown on the web: PROJECT_URL/blob/main/docs/rules/EKSIP101.md.
DOCS_BASE_URL = f"{PROJECT_URL}/blob/{DEFAULT_BRANCH}/"
# The Action's name in `uses:` (OWNER/REPO), from the same address.
ACTION_NAME = PROJECT_URL.removeprefix("https://github.com/")
# Where release images are pushed (RELEASING.md): the GitHub container registry of the same owner.
IMAGE = f"ghcr.io/{ACTION_NAME}"


def file_url(path: str) -> str:
    """The web page of a repository file (``docs/rules/EKSIP101.md``) on the default branch."""
    return DOCS_BASE_URL + path.lstrip("/")


def pip_requirement(rev: str) -> str:
    """A pip requirement that installs eks-ip-lint from git at ``rev`` (a commit, later a tag)."""
    return f"eks-ip-lint @ git+{PROJECT_URL}@{rev}"
