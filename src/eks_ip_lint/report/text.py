"""Human-readable report: per cluster, the subnets and node groups with their numbers, a legend,
then findings.

Laid out for a terminal (docs/reading-the-report.md): names as users write them (the node group
key; full addresses with ``-v``), headroom, % used and a use bar per subnet with the first to run
out marked, and, given a width, tables and findings fitted to it. ``compact``: findings only, one
line each, as tflint's and checkov's compact outputs. A library call without options gets every
column and unwrapped lines.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eks_ip_lint.capacity import consumers
from eks_ip_lint.capacity.analysis import ClusterCapacity, SubnetCapacity
from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.coverage import uncounted_groups
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintResult
from eks_ip_lint.findings import Finding
from eks_ip_lint.report import _pools
from eks_ip_lint.report._common import (
    coverage,
    coverage_sentence,
    findings_to_show,
    need_cell,
    not_read_lines,
    unit_title,
)
from eks_ip_lint.report._names import short_names
from eks_ip_lint.report._style import SEVERITY_COLOUR, Style
from eks_ip_lint.report._table import render
from eks_ip_lint.values import Unknown

BAR_WIDTH = 10


@dataclass(frozen=True)
class TextOptions:
    width: int | None = None  # wrap and fit to this many columns; None: no wrapping
    color: bool = False
    verbose: bool = False  # full addresses
    compact: bool = False  # findings only, one line each
    unicode: bool = True  # bars drawn with block characters; ASCII otherwise
    # Findings name node groups and subnets by their short names too (the CLI, unless -v); a
    # library call keeps the rules' text as it is.
    short_messages: bool = False


def _n(v: int | Unknown | None) -> str:
    if v is None or isinstance(v, Unknown):
        return "?"
    return f"{v:,}"


def _ips(n: NodeIps | Unknown) -> str:
    return _n(n) if isinstance(n, Unknown) else _n(n.node_subnet_ips)


def _az(sc: SubnetCapacity) -> str:
    """A real AZ name, or ``?`` for one known only at apply time (a data source's
    ``names[0]``); the JSON report keeps the full symbolic key."""
    return sc.fact.az if isinstance(sc.fact.az, str) else "?"


def _used(sc: SubnetCapacity, density: Density) -> float | None:
    need, usable = sc.demand[density], sc.usable
    if isinstance(need, Unknown) or isinstance(usable, Unknown) or usable <= 0:
        return None
    return need / usable


def bar(floor: float | None, configured: float | None, unicode: bool = True, width: int = BAR_WIDTH) -> str:
    """``[███▒▒·····]``: the floor's share of the subnet, then what full nodes add, then what is
    free; past 100% the bar is full and ends in ``>``. ``?`` when the use is unknown."""
    if configured is None and floor is None:
        return "?"
    full_ch, more_ch, free_ch = ("█", "▒", "·") if unicode else ("#", "=", ".")
    conf = configured if configured is not None else floor or 0.0
    base = min(floor if floor is not None else conf, conf)
    cells_conf = min(round(conf * width), width)
    cells_floor = min(round(base * width), cells_conf)
    text = full_ch * cells_floor + more_ch * (cells_conf - cells_floor) + free_ch * (width - cells_conf)
    return f"[{text}]" + (">" if conf > 1 else "")


def _first_out(c: ClusterCapacity) -> SubnetCapacity | None:
    """The subnet that fills first as the groups grow: the highest share used at the configured
    density (at the floor when that is unknown)."""
    best: tuple[float, SubnetCapacity] | None = None
    for sc in c.subnets:
        used = _used(sc, Density.CONFIGURED)
        used = used if used is not None else _used(sc, Density.FLOOR)
        if used is not None and (best is None or used > best[0]):
            best = (used, sc)
    return best[1] if best else None


def _pods_configured(c: ClusterCapacity) -> str:
    pods = sorted({p for g in c.node_groups if isinstance(p := g.at[Density.CONFIGURED].pods, int)})
    if not pods:
        return "pods per node unknown"
    return f"{pods[0]} pods per node" if len(pods) == 1 else f"{pods[0]}-{pods[-1]} pods per node"


def _cluster(c: ClusterCapacity, o: TextOptions, style: Style) -> list[str]:
    s = c.cni.settings
    family = c.ip_family if isinstance(c.ip_family, str) else "unknown"
    where = c.address or "declared elsewhere"
    lines = _wrap(f"cluster {c.name} ({where}, {c.span}), IP family {family}", o.width, "", "    ")
    lines[0] = lines[0].replace(f"cluster {c.name}", style(f"cluster {c.name}", "bold"), 1)
    # Only the settings in force: WARM_IP/MINIMUM_IP targets override WARM_ENI_TARGET and
    # WARM_PREFIX_TARGET (vpc-cni-model.md §1.4, §1.5 B), so those are not shown then.
    mode = [s.describe()]
    if s.custom_networking:
        mode.append("custom networking")
    if s.pod_eni:
        mode.append("security groups for pods")
    source = f" (from {c.cni.span})" if c.cni.span else " (aws-vpc-cni defaults)"
    lines += _wrap(f"VPC CNI: {', '.join(mode)}{source}", o.width, "  ", "    ")
    if c.node_groups:
        lines += _wrap(
            f"nodes: max {_n(c.total_max_nodes)}; the subnets hold {_n(c.supported[Density.FLOOR])} at the floor, "
            f"{_n(c.supported[Density.CONFIGURED])} at the configured density ({_pods_configured(c)}), "
            "all groups scaled together",
            o.width,
            "  ",
            "    ",
        )
    if c.subnets:
        lines.append("")
        lines += _subnets(c, o, style)
        lines += [
            line
            for sc in c.subnets
            if sc.others
            for line in _wrap(
                f"{_subnet_names(c, o)[sc.fact.address]} also gives "
                f"{consumers.summary(sc.others, Density.CONFIGURED)}",
                o.width,
                "  ",
                "    ",
            )
        ]
        lines += [line for text in _fargate(c) for line in _wrap(text, o.width, "  ", "    ")]
    if c.node_groups:
        lines.append("")
        lines += _groups(c, o)
    if c.node_pools or c.auto_mode is not None:
        if c.node_pools:
            lines.append("")
            lines += render(_pools.HEADERS, [_pools.row(p) for p in c.node_pools], width=o.width)
        lines += [line for note in _pools.notes(c) for line in _wrap(note, o.width, "  ", "    ")]
    return lines


def _fargate(c: ClusterCapacity) -> list[str]:
    """Per Fargate profile: the pods (1 IP each) its subnets hold beside the node groups at max size."""
    lines = []
    for p in c.fargate:
        per = ", ".join(f"{r.subnet} {_n(r.room[Density.CONFIGURED])}" for r in p.subnets)
        planned = f"; planned {p.planned:,}" if p.planned is not None else ""
        lines.append(
            f"Fargate profile {p.fact.address}: room for {_n(p.room(Density.CONFIGURED))} pods at the "
            f"configured density ({per or 'no declared subnet'}){planned}"
        )
    return lines


def _subnet_names(c: ClusterCapacity, o: TextOptions) -> dict[str, str]:
    return short_names((sc.fact.address for sc in c.subnets), by_key=False, full=o.verbose)


def _subnets(c: ClusterCapacity, o: TextOptions, style: Style) -> list[str]:
    names = _subnet_names(c, o)
    first = _first_out(c)
    marker = _marker(o)
    rows = []
    for sc in c.subnets:
        cidr = sc.fact.cidr if isinstance(sc.fact.cidr, str) else "?"
        # A group that could not be computed takes an unknown share: its need is "1,620+?", and
        # the headroom and % used are not known.
        uncounted = uncounted_groups(c, sc.fact.address)
        used = None if uncounted else _used(sc, Density.CONFIGURED)
        rows.append(
            [
                names[sc.fact.address],
                cidr,
                _az(sc),
                _n(sc.usable),
                need_cell(sc.demand[Density.FLOOR], uncounted),
                need_cell(sc.demand[Density.CONFIGURED], uncounted),
                "?" if uncounted else _n(sc.free[Density.CONFIGURED]),
                "?" if used is None else f"{used:.0%}",
                (bar(_used(sc, Density.FLOOR), used, o.unicode) if not uncounted else "?")
                + (f" {marker}" if sc is first else ""),
            ]
        )
    header = ["subnet", "cidr", "az", "usable", "need floor", "need conf.", "headroom", "used", "use at max"]
    # Left out first when the terminal is narrow: the cidr and AZ (the JSON report has them), the
    # floor's need (the bar still shows it), the percentage (the bar and headroom show it).
    lines = render(header, rows, width=o.width, optional=(1, 2, 4, 7))
    if first is not None:
        free = first.free[Density.CONFIGURED]
        over = isinstance(free, int) and free < 0
        used = _used(first, Density.CONFIGURED)
        share = f", {used:.0%} used at max size" if used is not None else ""
        note = f"{marker} first to run out: {names[first.fact.address]}{share}"
        lines += [style(line, "red" if over else "yellow") for line in _wrap(note, o.width, "  ", "    ")]
    return lines


def _marker(o: TextOptions) -> str:
    return "◀" if o.unicode else "<"


def _groups(c: ClusterCapacity, o: TextOptions) -> list[str]:
    names = short_names((g.fact.address for g in c.node_groups), by_key=True, full=o.verbose)
    rows = []
    for g in c.node_groups:
        rows.append(
            [
                names[g.fact.address],
                g.instance_type or "?",
                _n(g.max_size),
                _n(g.max_pods),
                _n(g.at[Density.CONFIGURED].pods),
                _ips(g.at[Density.FLOOR].node),
                _ips(g.at[Density.CONFIGURED].node),
                _n(g.at[Density.FLOOR].supported),
                _n(g.at[Density.CONFIGURED].supported),
            ]
        )
    header = [
        "node group",
        "type",
        "max",
        "max pods",
        "pods",
        "IPs floor",
        "IPs conf.",
        "fit floor",
        "fit conf.",
    ]
    return render(header, rows, width=o.width, optional=(3,))


# Each fits one 80-column line after the labels.
LEGEND = (
    ("floor", "IPs per node with 1 pod: the warm pool alone, the least it takes"),
    ("configured", "IPs per node with the 'pods' column's pods (default max pods - 2)"),
    ("fit", "nodes of a group that fit, every other group at its max size"),
    ("headroom", "usable IPs left at max size, configured density (< 0: short)"),
)
AZ_UNKNOWN = ("az ?", "known only at apply time (a data source); JSON has its key")


def _legend(clusters: list[ClusterCapacity], o: TextOptions, style: Style) -> list[str]:
    """One line per term used in the tables, once per report."""
    entries = list(LEGEND)
    if any(_az(sc) == "?" for c in clusters for sc in c.subnets):
        entries.append(AZ_UNKNOWN)
    label = max(len(k) for k, _ in entries)
    out = []
    for k, text in entries:
        wrapped = _wrap(f"{k.ljust(label)}  {text}", o.width, "  ", "  " + " " * (label + 2))
        wrapped[0] = wrapped[0].replace(k, style(k, "bold"), 1)
        out += wrapped
    return out


def _wrap(text: str, width: int | None, first: str, rest: str) -> list[str]:
    if width is None:
        return [first + text]
    return textwrap.wrap(
        text, width=max(width, 40), initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    ) or [first]


def unit_names(clusters: Sequence[ClusterCapacity]) -> dict[str, str]:
    """Full address -> short name for the node groups and subnets of one unit, those only whose
    short name is unique among all of them (a group and a subnet could share one)."""
    groups = short_names((g.fact.address for c in clusters for g in c.node_groups), by_key=True)
    subnets = short_names((sc.fact.address for c in clusters for sc in c.subnets), by_key=False)
    both = {**subnets, **groups}
    taken = Counter(both.values())
    return {a: n for a, n in both.items() if n != a and taken[n] == 1}


def shorten(text: str, names: Mapping[str, str]) -> str:
    """``text`` with every whole address in ``names`` replaced by its short name."""
    if not names:
        return text
    pattern = re.compile(
        r"(?<![\w.\]\[\"])("
        + "|".join(re.escape(a) for a in sorted(names, key=len, reverse=True))
        + r")(?![\w\[.])"
    )
    return pattern.sub(lambda m: names[m.group(1)], text)


def _short_finding(f: Finding, names: Mapping[str, str]) -> Finding:
    return dataclasses.replace(
        f,
        message=shorten(f.message, names),
        fix=shorten(f.fix, names) if f.fix else f.fix,
        related=tuple(dataclasses.replace(r, message=shorten(r.message, names)) for r in f.related),
    )


def _finding(f: Finding, o: TextOptions, style: Style) -> list[str]:
    mark = f"[suppressed: {f.suppressed}] " if f.suppressed is not None else ""
    severity = style(f.severity.value, SEVERITY_COLOUR[f.severity.value], "bold")
    head = f"{f.span}: {severity} {f.rule_id} {mark}"
    see = "see: " + ", ".join(f"{r.span} ({r.message})" for r in f.related) if f.related else None
    if o.compact:
        return [head + f.message]
    if o.width is None:
        out = [head + f.message]
        if see:
            out.append(f"  {see}")
        if f.fix:
            out.append(f"  fix: {f.fix}")
        return out
    # Wrapped on the text without colour codes, so the codes do not count as width.
    plain = f"{f.span}: {f.severity.value} {f.rule_id} {mark}{f.message}"
    out = _wrap(plain, o.width, "", "    ")
    out[0] = out[0].replace(f"{f.span}: {f.severity.value} ", f"{f.span}: {severity} ", 1)
    if see:
        out += _wrap(see, o.width, "  ", "       ")
    if f.fix:
        fix = _wrap(f"fix: {f.fix}", o.width, "  ", "       ")
        fix[0] = fix[0].replace("fix:", style("fix:", "green", "bold"), 1)
        out += fix
    return out


def _summary(result: LintResult) -> str:
    counts = dict.fromkeys(("error", "warning", "info", "suppressed"), 0)
    for f in result.findings:
        counts["suppressed" if f.suppressed is not None else f.severity.value] += 1
    units = len(result.units)
    return (
        f"{units} module{'s' if units != 1 else ''} checked: {counts['error']} error(s), "
        f"{counts['warning']} warning(s), {counts['info']} info"
        + (f", {counts['suppressed']} suppressed" if counts["suppressed"] else "")
    )


def render_text(result: LintResult, options: TextOptions | None = None) -> str:
    o = options or TextOptions()
    style = Style(o.color)
    lines: list[str] = []
    shown = findings_to_show([u.findings for u in result.units])
    if o.compact:
        for unit, found in zip(result.units, shown, strict=True):
            names = unit_names(unit.capacity.clusters) if o.short_messages and not o.verbose else {}
            for f in found:
                lines += _finding(_short_finding(f, names) if names else f, o, style)
        return "".join(f"{line}\n" for line in lines)
    clusters: list[ClusterCapacity] = []
    for unit, findings in zip(result.units, shown, strict=True):
        if not unit.capacity.clusters and not findings:
            continue
        title = _wrap(f"== {unit_title(unit.path, unit.capacity.facts.branch)}", o.width, "", "   ")
        lines += [style(line, "bold") for line in title]
        for c in unit.capacity.clusters:
            lines += _cluster(c, o, style)
            lines.append("")
            clusters.append(c)
        names = unit_names(unit.capacity.clusters) if o.short_messages and not o.verbose else {}
        for f in findings:
            lines += _finding(_short_finding(f, names) if names else f, o, style)
        lines.append("")
    if clusters:
        lines += [*_legend(clusters, o, style), ""]
    if result.units:  # with nothing checked at all, not_read_lines says so
        lines += _wrap(f"coverage: {coverage_sentence(coverage(result))}", o.width, "", "    ")
    lines.append(_summary(result))
    for line in not_read_lines(result.not_read, len(result.units)):
        lines += _wrap(line, o.width, "", "    ")
    return "\n".join(lines) + "\n"
