"""What the CI reporters (SARIF, GitHub annotations, Markdown) share: paths as the repository
names them, severity totals and one-line finding text."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Sequence

from eks_ip_lint.findings import Finding

SEVERITIES = ("error", "warning", "info")


def repo_path(path: str, cwd: str | None = None) -> str:
    """``path`` as a POSIX path relative to ``cwd`` (default: the current directory) when it is
    inside it, else absolute.

    CI tools name files relative to the checkout, and the linter runs from the checkout's root,
    so a file the user named as ``/home/runner/work/r/r/infra/main.tf`` or ``./infra/main.tf``
    becomes ``infra/main.tf``. A path outside ``cwd`` stays absolute rather than ``../x``, which
    no code-scanning tool could place.
    """
    base = os.path.abspath(cwd if cwd is not None else os.getcwd())
    full = os.path.normpath(os.path.join(base, path))
    try:
        rel = os.path.relpath(full, base)
    except ValueError:  # Windows: another drive
        rel = None
    if rel is None or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return full.replace(os.sep, "/")
    return posixpath.normpath(rel.replace(os.sep, "/"))


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity.value] += 1
    return counts


def message_with_fix(f: Finding) -> str:
    """The finding's message, then its fix when it has one: the whole story in one string, for
    reporters whose consumers show a single message (code scanning alerts, annotations)."""
    return f"{f.message} Fix: {f.fix}" if f.fix else f.message


def findings_to_show(per_unit: Sequence[Sequence[Finding]]) -> list[list[Finding]]:
    """Each unit's findings minus those an earlier unit already shows: a finding every branch of
    a template has is in each branch's unit (for its cluster tables) but is listed once."""
    seen: set[Finding] = set()
    out: list[list[Finding]] = []
    for found in per_unit:
        out.append([f for f in found if f not in seen])
        seen.update(found)
    return out


def unit_title(path: str, branch: str) -> str:
    return f"{path} (branch {branch})" if branch else path
