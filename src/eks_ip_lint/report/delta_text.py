"""The text delta report (``--compare-to REF``, default format): the verdict, then per cluster
a before/after table, or one line when the change does not touch it, then the findings the
change adds and fixes. The working tree's full text report follows it (compare.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_ip_lint.report import ReportContext
from eks_ip_lint.report import _table as table
from eks_ip_lint.report.delta_common import (
    cluster_rows,
    node_group_header,
    node_group_row,
    num,
    signed,
    subnet_header,
    subnet_row,
    unchanged_line,
    where,
)


def _finding(state: str, f: Mapping[str, Any]) -> str:
    note = f" (suppressed: {f['suppression'].get('justification', '')})" if f.get("suppression") else ""
    return f"  {state}: {f['file']}:{f['line']}: {f['severity']} {f['rule_id']} {f['message']}{note}"


def _cluster(c: Mapping[str, Any], ctx: ReportContext) -> list[str]:
    head = f"cluster {c['name']} ({where(c)})"
    if c["status"] == "unchanged":
        return [f"{head}: {unchanged_line(c)}"]
    lines = [f"{head}: {c['status']}"]
    rows = [[label, num(p["before"]), num(p["after"]), signed(p)] for label, p in cluster_rows(c, ctx)]
    lines += table.render(["", "before", "after", "change"], rows)
    subnets = [s for s in c["subnets"] if s["status"] != "unchanged"]
    if subnets:
        lines.append("")
        lines += table.render(subnet_header(ctx), [[s["address"], *subnet_row(s)] for s in subnets])
    groups = [g for g in c["node_groups"] if g["status"] != "unchanged"]
    if groups:
        lines.append("")
        lines += table.render(node_group_header(ctx), [[g["address"], *node_group_row(g)] for g in groups])
    found = c["findings"]
    if found["new"] or found["fixed"]:
        lines.append("")
    lines += [_finding("new", f) for f in found["new"]]
    lines += [_finding("fixed", f) for f in found["fixed"]]
    if found["unchanged"]:
        lines.append(f"  {len(found['unchanged'])} finding(s) unchanged")
    return lines


def render_delta_text(delta: Mapping[str, Any], ctx: ReportContext) -> str:
    lines = [
        f"eks-ip-lint: compared with {delta['compare_to']} ({delta['base_commit'][:12]})",
        delta["verdict"],
        "",
    ]
    for c in delta["clusters"]:
        lines += _cluster(c, ctx)
        lines.append("")
    other = delta["other_findings"]
    lines += [_finding("new", f) for f in other["new"]] + [_finding("fixed", f) for f in other["fixed"]]
    s = delta["summary"]
    lines.append(
        f"findings: {sum(s['new'][k] for k in ('error', 'warning', 'info'))} new, "
        f"{sum(s['fixed'][k] for k in ('error', 'warning', 'info'))} fixed, "
        f"{sum(s['unchanged'][k] for k in ('error', 'warning', 'info'))} unchanged"
    )
    return "\n".join(lines) + "\n"
