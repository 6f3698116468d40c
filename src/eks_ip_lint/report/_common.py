"""What the CI reporters (SARIF, GitHub annotations, Markdown) share: paths as the repository
names them, severity totals and one-line finding text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from eks_ip_lint.capacity.coverage import CLUSTER, CheckedItem, unit_coverage
from eks_ip_lint.findings import Finding
from eks_ip_lint.repo_paths import repo_path
from eks_ip_lint.results import LintResult
from eks_ip_lint.sources.not_read import NotRead
from eks_ip_lint.values import Unknown

__all__ = [
    "coverage",
    "coverage_json",
    "coverage_sentence",
    "findings_to_show",
    "message_with_fix",
    "need_cell",
    "not_read_lines",
    "repo_path",
    "severity_counts",
    "unit_title",
]

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


def coverage(result: LintResult) -> list[CheckedItem]:
    """Every checked item of the run, each once (a CloudFormation template analysed per branch
    has its node groups in every branch's unit: the same item, with the same answer, is listed
    once; a group checked in one branch and not in another is listed with each answer)."""
    seen: set[CheckedItem] = set()
    out: list[CheckedItem] = []
    for u in result.units:
        for item in unit_coverage(u.capacity):
            if item not in seen:
                seen.add(item)
                out.append(item)
    return out


def _plural(kind: str, count: int) -> str:
    return kind if count == 1 else f"{kind}s"


def coverage_sentence(items: Sequence[CheckedItem]) -> str:
    """'3 of 5 node groups checked; not checked: workers (instance type m5.4xlarg unknown), ...'.

    Counted per kind of item (node groups, and node pools or Fargate profiles when those report);
    a cluster with no items at all is listed among what was not checked."""
    kinds: dict[str, list[CheckedItem]] = {}
    for item in items:
        if item.kind != CLUSTER:
            kinds.setdefault(item.kind, []).append(item)
    counted = [
        f"{sum(i.checked for i in group)} of {len(group)} {_plural(kind, len(group))}"
        for kind, group in kinds.items()
    ]
    head = (" and ".join(counted) + " checked") if counted else "no node groups found, nothing checked"
    missing = [i for i in items if not i.checked]
    if not missing:
        return head
    named = ", ".join(f"{'cluster ' if i.kind == CLUSTER else ''}{i.name} ({i.not_checked})" for i in missing)
    return f"{head}; not checked: {named}"


def need_cell(v: int | Unknown, uncounted: Sequence[str]) -> str:
    """A subnet's demand in a table. With a node group that could not be computed the number is a
    lower bound: "?" in place of a demand of 0, "1,620+?" for a partial one, never the number
    alone; "?" for an unknown demand."""
    if isinstance(v, Unknown):
        return "?"
    if not uncounted:
        return f"{v:,}"
    return "?" if v == 0 else f"{v:,}+?"


def coverage_json(result: LintResult) -> dict[str, Any]:
    """What the run checked and what it did not (docs/json-output.md#coverage)."""
    items = coverage(result)
    return {
        "summary": coverage_sentence(items),
        "checked": sum(i.checked for i in items),
        "not_checked": sum(not i.checked for i in items),
        "items": [
            {
                "kind": i.kind,
                "name": i.name,
                "address": i.address,
                "cluster": i.cluster,
                "file": i.span.path,
                "line": i.span.line,
                "checked": i.checked,
                "reason": i.not_checked,
            }
            for i in items
        ],
    }
