"""Adapters for host linters: checkov external checks and cfn-lint rules (docs/integrations/).

The checkov checks live in the repository's top-level ``rules/checkov/`` and are copied into the
wheel as ``eks_ip_lint/integrations/checkov_checks/`` (pyproject.toml, hatch ``force-include``),
so there is one copy in the source tree and an installed tool can print its path.
"""

from __future__ import annotations

from pathlib import Path

from eks_ip_lint.errors import UsageError

CHECKOV_PACKAGE_DIR = "checkov_checks"


def checkov_checks_dir() -> str:
    """The directory to give checkov's ``--external-checks-dir``.

    In an installed wheel it is ``eks_ip_lint/integrations/checkov_checks``; in an editable
    install (a checkout, where hatch's force-include does not apply) it is the checkout's
    ``rules/checkov``.
    """
    here = Path(__file__).resolve().parent
    packaged = here / CHECKOV_PACKAGE_DIR
    if (packaged / "__init__.py").is_file():
        return str(packaged)
    checkout = here.parents[2] / "rules" / "checkov"
    if (checkout / "__init__.py").is_file():
        return str(checkout)
    raise UsageError(f"the checkov checks are missing from this installation (looked in {packaged})")
