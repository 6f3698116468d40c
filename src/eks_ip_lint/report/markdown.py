"""GitHub-flavoured Markdown for a pull-request comment or a job summary (``--format markdown``).

A heading with the totals, then per cluster one line on its VPC CNI settings, a node-group table
(IPs one node holds and nodes that fit, at the floor and configured densities) and a subnet table
(usable IPs and the demand at max size), then the cluster's findings with their fixes. Numbers
that do not fit are bold. The first line is the hidden marker ``<!-- eks-ip-lint -->``, so a bot
can find and update its own comment instead of adding one per push.

GitHub refuses a step summary over 1 MiB: the report stops before ``MAX_BYTES`` with a note
saying how many findings it left out (the SARIF upload and the annotations carry them all). Text from the user's Terraform is escaped, so a name cannot break a
table or inject markup.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from eks_ip_lint.capacity import consumers
from eks_ip_lint.capacity.analysis import ClusterCapacity
from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.coverage import uncounted_groups
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintResult, UnitResult
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.report import _pools
from eks_ip_lint.report._charts import mermaid_subnet_chart, subnet_uses
from eks_ip_lint.report._common import (
    coverage,
    coverage_sentence,
    findings_to_show,
    need_cell,
    not_read_lines,
    repo_path,
    severity_counts,
)
from eks_ip_lint.report._names import short_names
from eks_ip_lint.report.controls import escape_controls, neutralise_references
from eks_ip_lint.values import Unknown

MARKER = "<!-- eks-ip-lint -->"
# GitHub's limit for one step's summary is 1 MiB; stay clearly below it.
MAX_BYTES = 1_000_000
ICON = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.INFO: "ℹ️"}  # noqa: RUF001
_ESCAPE = {c: "\\" + c for c in "\\`*[]<>|~"}
_ESCAPE["&"] = "&amp;"


def escape(text: str) -> str:
    """Literal text inside Markdown: no emphasis, links, HTML or table breaks, on one line; no
    control characters, mentions, references or autolinks (:mod:`.controls`).

    ``_`` inside a word (``WARM_IP_TARGET``) is never emphasis in GFM and stays as it is, so the
    raw comment stays readable; other ``_`` are escaped.
    """
    one_line = " ".join(text.splitlines())
    out = []
    for i, c in enumerate(one_line):
        if c == "_":
            inside = 0 < i < len(one_line) - 1 and one_line[i - 1].isalnum() and one_line[i + 1].isalnum()
            out.append(c if inside else "\\_")
        else:
            out.append(_ESCAPE.get(c, c))
    return neutralise_references(escape_controls("".join(out)))


def code(text: str, *, in_table: bool = False) -> str:
    """``text`` as an inline code span (a longer fence when it holds backticks), its control
    characters escaped (GitHub links nothing inside a code span)."""
    one_line = escape_controls(" ".join(text.splitlines()))
    run = longest = 0
    for c in one_line:
        run = run + 1 if c == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    if in_table:  # GFM splits cells on "|" even inside code spans; "\|" is the documented escape
        one_line = one_line.replace("|", "\\|")
    return f"{fence}{pad}{one_line}{pad}{fence}"


def _n(v: int | Unknown | None) -> str:
    return "?" if v is None or isinstance(v, Unknown) else f"{v:,}"


def _ips(n: NodeIps | Unknown) -> str:
    return _n(n) if isinstance(n, Unknown) else _n(n.node_subnet_ips)


def _fits(supported: int | Unknown, needed: int | Unknown) -> str:
    """Nodes that fit, bold when fewer than the max size needs."""
    text = _n(supported)
    if isinstance(supported, int) and isinstance(needed, int) and supported < needed:
        return f"**{text}**"
    return text


def _demand(demand: int | Unknown, usable: int | Unknown, uncounted: Sequence[str]) -> str:
    text = need_cell(demand, uncounted)
    if isinstance(demand, int) and isinstance(usable, int) and demand > usable:
        return f"**{text}**"
    return text


def _table(header: Sequence[str], align: str, rows: Sequence[Sequence[str]]) -> list[str]:
    """align: one letter per column, l or r."""
    out = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|",
    ]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _cni(c: ClusterCapacity) -> str:
    s = c.cni.settings
    if s.ipv6:
        mode = ["IPv6 (1 IPv4 per node)"]
    elif s.prefix_delegation:
        mode = [f"prefix delegation, WARM_PREFIX_TARGET={s.warm_prefix_target}"]
    else:
        mode = [f"WARM_ENI_TARGET={s.warm_eni_target}"]
    if s.warm_ip_target:
        mode.append(f"WARM_IP_TARGET={s.warm_ip_target}")
    if s.minimum_ip_target:
        mode.append(f"MINIMUM_IP_TARGET={s.minimum_ip_target}")
    if s.custom_networking:
        mode.append("custom networking")
    if s.pod_eni:
        mode.append("security groups for pods")
    source = (
        f"from {code(f'{repo_path(c.cni.span.path)}:{c.cni.span.line}')}"
        if c.cni.span
        else "aws-vpc-cni defaults"
    )
    return f"VPC CNI {escape(', '.join(mode))} ({source})"


def _unit_name(unit: UnitResult) -> str:
    branch = unit.capacity.facts.branch
    return code(repo_path(unit.path)) + (f" (branch {escape(branch)})" if branch else "")


def _cluster_block(unit: UnitResult, c: ClusterCapacity) -> str:
    family = c.ip_family if isinstance(c.ip_family, str) else "unknown"
    where = f"{code(c.address)}, " if c.address else ""
    lines = [
        f"### Cluster {code(c.name)} in {_unit_name(unit)}",
        "",
        f"{where}{code(f'{repo_path(c.span.path)}:{c.span.line}')}, IP family {escape(family)}; {_cni(c)}.",
    ]
    if c.node_groups:
        lines[-1] += (
            f" At max size the node groups reach {_n(c.total_max_nodes)} nodes; the subnets hold "
            f"{_fits(c.supported[Density.FLOOR], c.total_max_nodes)} at 1 pod per node (floor) and "
            f"{_fits(c.supported[Density.CONFIGURED], c.total_max_nodes)} at the configured density."
        )
        rows = [
            [
                code(g.fact.address, in_table=True),
                escape(g.instance_type or "?"),
                _n(g.max_size),
                _ips(g.at[Density.FLOOR].node),
                _ips(g.at[Density.CONFIGURED].node),
                _fits(g.at[Density.FLOOR].supported, g.max_size),
                _fits(g.at[Density.CONFIGURED].supported, g.max_size),
            ]
            for g in c.node_groups
        ]
        header = [
            "node group",
            "type",
            "max",
            "IPs/node floor",
            "IPs/node configured",
            "fit floor",
            "fit configured",
        ]
        lines += ["", *_table(header, "llrrrrr", rows)]
    if c.subnets:
        rows = [
            [
                code(sc.fact.address, in_table=True),
                escape(sc.fact.cidr if isinstance(sc.fact.cidr, str) else "?"),
                _n(sc.usable),
                _demand(sc.demand[Density.FLOOR], sc.usable, uncounted_groups(c, sc.fact.address)),
                _demand(sc.demand[Density.CONFIGURED], sc.usable, uncounted_groups(c, sc.fact.address)),
            ]
            for sc in c.subnets
        ]
        header = ["subnet", "CIDR", "usable IPs", "need at max, floor", "need at max, configured"]
        lines += ["", *_table(header, "llrrr", rows)]
        # A picture of the same numbers (GitHub renders mermaid), subnets by their short names.
        names = short_names((sc.fact.address for sc in c.subnets), by_key=False)
        chart = mermaid_subnet_chart(c.name, subnet_uses(c, names))
        if chart:
            lines += ["", *chart]
        others = [sc for sc in c.subnets if sc.others]
        if others:
            lines.append("")
            lines += [
                f"- {code(sc.fact.address)} also gives "
                f"{escape(consumers.summary(sc.others, Density.CONFIGURED))} (counted in its need)"
                for sc in others
            ]
        if c.fargate:
            lines.append("")
        for p in c.fargate:
            per = ", ".join(f"{code(r.subnet)} {_n(r.room[Density.CONFIGURED])}" for r in p.subnets)
            planned = f"; planned {p.planned:,}" if p.planned is not None else ""
            lines.append(
                f"- Fargate profile {code(p.fact.address)}: room for {_n(p.room(Density.CONFIGURED))} pods "
                f"at the configured density ({per}){planned}"
            )
    if c.node_pools:
        rows = [[escape(cell) for cell in _pools.row(p)] for p in c.node_pools]
        lines += ["", *_table(_pools.HEADERS, "lrrrrrrrl", rows)]
    notes = _pools.notes(c)
    if notes:
        lines += ["", *(f"- {escape(note)}" for note in notes)]
    return "\n".join(lines) + "\n"


def _finding_block(f: Finding) -> str:
    where = code(f"{repo_path(f.span.path)}:{f.span.line}")
    if f.suppressed is not None:
        return (
            f"- 🔕 **{f.rule_id}** {f.severity.value} at {where}, *suppressed* "
            f"({escape(f.suppressed)}): {escape(f.message)}\n"
        )
    out = f"- {ICON[f.severity]} **{f.rule_id}** {f.severity.value} at {where}: {escape(f.message)}\n"
    if f.fix:
        out += f"  - **Fix:** {escape(f.fix)}\n"
    return out


def _blocks(result: LintResult) -> list[tuple[str, int]]:
    """The report after its heading, as (markdown, findings in it) pieces, in order."""
    blocks: list[tuple[str, int]] = []
    shown = findings_to_show([u.findings for u in result.units])
    for unit, findings in zip(result.units, shown, strict=True):
        placed: set[int] = set()
        for c in unit.capacity.clusters:
            blocks.append(("\n" + _cluster_block(unit, c), 0))
            mine = [(i, f) for i, f in enumerate(findings) if f.cluster == c.name and i not in placed]
            if mine:
                blocks.append(("\n", 0))
            for i, f in mine:
                placed.add(i)
                blocks.append((_finding_block(f), 1))
        rest = [f for i, f in enumerate(findings) if i not in placed]
        if rest:
            title = "Other findings" if unit.capacity.clusters else "Findings"
            blocks.append((f"\n### {title} in {_unit_name(unit)}\n\n", 0))
            blocks += [(_finding_block(f), 1) for f in rest]
    return blocks


def _heading(result: LintResult) -> str:
    live = [f for f in result.findings if f.suppressed is None]
    counts = severity_counts(live)
    suppressed = len(result.findings) - len(live)
    units = len(result.units)
    clusters = sum(len(u.capacity.clusters) for u in result.units)
    if counts["error"]:
        icon = ICON[Severity.ERROR]
    elif counts["warning"]:
        icon = ICON[Severity.WARNING]
    else:
        icon = "✅"
    if live:
        totals = f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
    else:
        totals = "no findings"
    if suppressed:
        totals += f", {suppressed} suppressed"
    return (
        f"{MARKER}\n## {icon} eks-ip-lint: {totals}\n\n"
        f"{units} module{'s' if units != 1 else ''} and {clusters} "
        f"cluster{'s' if clusters != 1 else ''} read; coverage: "
        f"{escape(coverage_sentence(coverage(result)))}."
        + (
            " *Floor*: one pod per node, the VPC CNI's warm pool alone; *configured*: the configured "
            "pods per node (`--pods-per-node`, default full nodes).\n"
            if clusters
            else "\n"
        )
        + "".join(f"\n> {line}\n" for line in not_read_lines(result.not_read, units))
    )


def render_markdown(result: LintResult, *, max_bytes: int = MAX_BYTES) -> str:
    out = [_heading(result)]
    size = len(out[0].encode("utf-8", "surrogatepass"))
    blocks = _blocks(result)
    reserve = 300  # room for the truncation note
    for i, (text, _) in enumerate(blocks):
        n = len(text.encode("utf-8", "surrogatepass"))
        if size + n > max_bytes - reserve:
            left = sum(k for _, k in blocks[i:])
            out.append(
                f"\n> [!WARNING]\n> Truncated at {max_bytes:,} bytes (GitHub's summary limit is 1 MiB): "
                f"{left} more finding(s) not shown. The SARIF upload, the annotations "
                "(`--format github`) and `--format text` have them all.\n"
            )
            break
        out.append(text)
        size += n
    return "".join(out)


def append_step_summary(text: str, report_file: str | None) -> None:
    """Append ``text`` to ``$GITHUB_STEP_SUMMARY`` when it is set, unless the report itself
    already went there (``--output "$GITHUB_STEP_SUMMARY"`` or ``>> "$GITHUB_STEP_SUMMARY"``),
    so that no set-up shows the summary twice. A summary that cannot be written is a warning on
    stderr: the report itself was written, and the exit code stays the findings' verdict."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    if _same_file(path, report_file):
        return
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        print(f"eks-ip-lint: warning: cannot append to GITHUB_STEP_SUMMARY {path}: {exc}", file=sys.stderr)


def _same_file(path: str, report_file: str | None) -> bool:
    try:
        summary = os.stat(path)
        if report_file is not None:
            target = os.stat(report_file)
        else:
            sys.stdout.flush()
            target = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no such file yet; stdout without a descriptor
        return False
    return (summary.st_dev, summary.st_ino) == (target.st_dev, target.st_ino)
