"""What the CI reporters (SARIF, GitHub annotations, Markdown) share: paths as the repository
names them, severity totals and one-line finding text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from eks_ip_lint.findings import Finding
from eks_ip_lint.repo_paths import repo_path

__all__ = ["findings_to_show", "message_with_fix", "repo_path", "severity_counts", "unit_title"]

SEVERITIES = ("error", "warning", "info")


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
