"""What the CI reporters (SARIF, GitHub annotations, Markdown) share: paths as the repository
names them, severity totals and one-line finding text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from eks_ip_lint.findings import Finding
from eks_ip_lint.repo_paths import repo_path
from eks_ip_lint.sources.not_read import NotRead

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


# Paths named per sort of file not read; the rest is counted.
NOT_READ_EXAMPLES = 3


def not_read_lines(not_read: Sequence[NotRead], checked: int) -> list[str]:
    """What the run saw and did not analyse, one line per sort: "not read: 12 Kubernetes manifest(s)
    declaring nothing eks-ip-lint reads (k8s/a.yaml, k8s/b.yaml, k8s/c.yaml, ...)". With
    nothing checked at all, a first line says so: a green run that read nothing is not a pass."""
    lines = []
    if checked == 0:
        lines.append(
            "nothing was checked: no Terraform or OpenTofu module, Terragrunt unit, CloudFormation "
            "template, eksctl config or Terraform plan was found"
        )
    for n in not_read:
        shown = ", ".join(repo_path(p) for p in n.paths[:NOT_READ_EXAMPLES])
        more = ", ..." if len(n.paths) > NOT_READ_EXAMPLES else ""
        lines.append(f"not read: {len(n.paths)} {n.what} ({shown}{more})")
    return lines
