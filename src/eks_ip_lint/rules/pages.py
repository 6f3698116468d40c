"""The rule pages (docs/rules/<ID>.md) as the installed package has them.

The wheel carries docs/rules/ inside the package as ``eks_ip_lint/rule_docs/`` (pyproject.toml,
hatch ``force-include``), so ``eks-ip-lint explain EKSIP101`` and the SARIF rules' ``help`` work
for a pip user who has no checkout. In an editable install (a checkout, where force-include does
not apply) the checkout's docs/rules/ is read: one copy of every page either way.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE_DIR = "rule_docs"

# The generated header block (severity, since, inputs, a link to the source in the repository):
# a repository-relative link means nothing in an installed package or a SARIF viewer.
_HEADER = re.compile(r"<!-- header -->.*?<!-- end header -->\n*", re.DOTALL)


def pages_dir() -> Path | None:
    """Where the pages are: the package's copy, else the checkout's docs/rules; None if neither."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / PACKAGE_DIR, here.parents[1] / "docs" / "rules"):
        if (candidate / "index.md").is_file():
            return candidate
    return None


def page(rule_id: str) -> str | None:
    """The page of ``rule_id`` as written, or None when this installation has none."""
    where = pages_dir()
    if where is None:
        return None
    path = where / f"{rule_id}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def page_body(rule_id: str) -> str | None:
    """The page without its generated header: what a reader of the rule needs, self-contained."""
    text = page(rule_id)
    return None if text is None else _HEADER.sub("", text, count=1)
