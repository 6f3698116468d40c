"""The markdown delta report (``--format markdown --compare-to REF``), a pull-request comment in
the style reviewers know from cost tools:

1. the hidden marker (the same as the markdown report's, so a bot updates one comment);
2. the verdict, one sentence in bold;
3. per changed cluster a before/after table (max size, node ceiling at both densities), the
   findings the change adds and fixes, and its subnets and node groups collapsed in
   ``<details>``; a cluster the change does not touch is one line;
4. the working tree's full markdown report, collapsed.

A pull-request comment holds at most 65,536 characters: when the whole does not fit
``MAX_COMMENT_CHARS``, the full report is left out with a note (the job summary has it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_ip_lint.report import ReportContext
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
from eks_ip_lint.report.markdown import MARKER, code, escape

# GitHub's limit for an issue or pull-request comment body is 65,536 characters.
MAX_COMMENT_CHARS = 65_000
ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}  # noqa: RUF001


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], align: str, rows: list[list[str]]) -> list[str]:
    return [
        _row(header),
        "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|",
        *(_row(r) for r in rows),
    ]


def _arrows(cells: list[str]) -> list[str]:
    return [escape(c.replace(" -> ", " → ")) for c in cells]


def _finding(state: str, f: Mapping[str, Any]) -> str:
    icon = "✅" if state == "fixed" else ICON.get(f["severity"], "")
    where_ = code(f"{f['file']}:{f['line']}")
    out = f"- {icon} **{state}** **{f['rule_id']}** {f['severity']} at {where_}: {escape(f['message'])}"
    if f.get("suppression"):
        out += f" *(suppressed: {escape(f['suppression'].get('justification', ''))})*"
    elif state != "fixed" and f.get("fix"):
        out += f"\n  - **Fix:** {escape(f['fix'])}"
    return out


def _cluster(c: Mapping[str, Any], ctx: ReportContext, base: str) -> list[str]:
    title = f"Cluster {code(c['name'])} in {code(where(c))}"
    if c["status"] == "unchanged":
        return [f"- {title}: {escape(unchanged_line(c))}."]
    lines = [f"#### {title} ({escape(c['status'])})", ""]
    rows = [
        [
            escape(label),
            _bold_if_short(label, p, c, "before"),
            _bold_if_short(label, p, c, "after"),
            signed(p),
        ]
        for label, p in cluster_rows(c, ctx)
    ]
    lines += _table(["", f"before ({code(base)})", "after", "change"], "lrrr", rows)
    found = c["findings"]
    if found["new"] or found["fixed"]:
        lines.append("")
        lines += [_finding("new", f) for f in found["new"]] + [_finding("fixed", f) for f in found["fixed"]]
    if found["unchanged"]:
        lines += ["", f"{len(found['unchanged'])} finding(s) unchanged (in the full report below)."]
    subnets = [s for s in c["subnets"] if s["status"] != "unchanged"]
    groups = [g for g in c["node_groups"] if g["status"] != "unchanged"]
    if subnets or groups:
        lines += ["", "<details><summary>Subnets and node groups this change touches</summary>", ""]
        if subnets:
            srows = [[code(s["address"], in_table=True), *_arrows(subnet_row(s))] for s in subnets]
            lines += [*_table(subnet_header(ctx), "lrrrrr", srows), ""]
        if groups:
            grows = [[code(g["address"], in_table=True), *_arrows(node_group_row(g))] for g in groups]
            lines += [*_table(node_group_header(ctx), "llrrr", grows), ""]
        lines.append("</details>")
    return [*lines, ""]


def _bold_if_short(label: str, p: Mapping[str, Any], c: Mapping[str, Any], side: str) -> str:
    """A node ceiling below that side's max size is bold, as in the markdown report."""
    value, size = p[side], c["total_max_nodes"][side]
    text = num(value)
    if label.startswith("node ceiling") and isinstance(value, int) and isinstance(size, int) and value < size:
        return f"**{text}**"
    return text


def render_delta_markdown(delta: Mapping[str, Any], full_report: str, ctx: ReportContext) -> str:
    base = delta["base_commit"][:12]
    lines = [
        MARKER,
        f"## eks-ip-lint: IP capacity of this change (compared with {code(delta['compare_to'])}, {code(base)})",
        "",
        f"**{escape(delta['verdict'])}**",
        "",
    ]
    changed = [c for c in delta["clusters"] if c["status"] != "unchanged"]
    unchanged = [c for c in delta["clusters"] if c["status"] == "unchanged"]
    for c in changed:
        lines += _cluster(c, ctx, base)
    if unchanged:
        lines += [line for c in unchanged for line in _cluster(c, ctx, base)] + [""]
    other = delta["other_findings"]
    if other["new"] or other["fixed"]:
        lines += ["Outside any cluster:", ""]
        lines += [_finding("new", f) for f in other["new"]] + [_finding("fixed", f) for f in other["fixed"]]
        lines.append("")
    head = "\n".join(lines)
    body = full_report.removeprefix(MARKER).lstrip("\n")
    details = f"\n<details><summary>Full report of this change's tree</summary>\n\n{body}\n</details>\n"
    if len(head) + len(details) > MAX_COMMENT_CHARS:
        details = "\n*The full report does not fit a comment: see the job summary or the SARIF upload.*\n"
    return head + details
