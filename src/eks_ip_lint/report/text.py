"""Human-readable report: per cluster, the subnets and node groups with their numbers, then findings."""

from __future__ import annotations

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
from eks_ip_lint.report._table import render
from eks_ip_lint.values import Unknown


def _n(v: int | Unknown | None) -> str:
    if v is None or isinstance(v, Unknown):
        return "?"
    return f"{v:,}"


def _ips(n: NodeIps | Unknown) -> str:
    return _n(n) if isinstance(n, Unknown) else _n(n.node_subnet_ips)


def _az(sc: SubnetCapacity) -> str:
    """A real AZ name, or a short symbol for one known only at apply time ((names[0]), in
    parentheses); the JSON report keeps the full symbolic key."""
    if isinstance(sc.fact.az, str):
        return sc.fact.az
    return f"({sc.az.rsplit('.', 1)[-1]})"


def _cluster(c: ClusterCapacity) -> list[str]:
    s = c.cni.settings
    family = c.ip_family if isinstance(c.ip_family, str) else "unknown"
    where = c.address or "declared elsewhere"
    lines = [f"cluster {c.name} ({where}, {c.span}), IP family {family}"]
    # Only the settings in force: WARM_IP/MINIMUM_IP targets override WARM_ENI_TARGET and
    # WARM_PREFIX_TARGET (vpc-cni-model.md §1.4, §1.5 B), so those are not shown then.
    mode = [s.describe()]
    if s.custom_networking:
        mode.append("custom networking")
    if s.pod_eni:
        mode.append("security groups for pods")
    source = f" (from {c.cni.span})" if c.cni.span else " (aws-vpc-cni defaults)"
    lines.append(f"  VPC CNI: {', '.join(mode)}{source}")
    if c.node_groups:
        lines.append(
            f"  nodes: max {_n(c.total_max_nodes)}; the subnets hold {_n(c.supported[Density.FLOOR])} at 1 pod per node, "
            f"{_n(c.supported[Density.CONFIGURED])} at the configured density"
        )
    if c.subnets:
        rows = []
        for sc in c.subnets:
            cidr = sc.fact.cidr if isinstance(sc.fact.cidr, str) else "?"
            rows.append(
                [
                    sc.fact.address,
                    cidr,
                    _az(sc),
                    _n(sc.usable),
                    need_cell(sc.demand[Density.FLOOR], uncounted_groups(c, sc.fact.address)),
                    need_cell(sc.demand[Density.CONFIGURED], uncounted_groups(c, sc.fact.address)),
                ]
            )
        lines.append("")
        lines += render(["subnet", "cidr", "az", "usable", "need@max floor", "need@max configured"], rows)
        lines += _others(c)
    if c.node_groups:
        rows = []
        for g in c.node_groups:
            rows.append(
                [
                    g.fact.address,
                    g.instance_type or "?",
                    _n(g.max_size),
                    _n(g.max_pods),
                    _ips(g.at[Density.FLOOR].node),
                    _ips(g.at[Density.CONFIGURED].node),
                    _n(g.at[Density.FLOOR].supported),
                    _n(g.at[Density.CONFIGURED].supported),
                ]
            )
        lines.append("")
        lines += render(
            [
                "node group",
                "type",
                "max",
                "max pods",
                "IPs/node floor",
                "IPs/node conf.",
                "fit floor",
                "fit conf.",
            ],
            rows,
        )
    if c.node_pools or c.auto_mode is not None:
        if c.node_pools:
            lines.append("")
            lines += render(_pools.HEADERS, [_pools.row(p) for p in c.node_pools])
        lines += [f"  {line}" for line in _pools.notes(c)]
    return lines


def _others(c: ClusterCapacity) -> list[str]:
    """The consumers besides node groups counted in each subnet's need (endpoints, NAT...)."""
    return [
        f"  {sc.fact.address} also gives {consumers.summary(sc.others, Density.CONFIGURED)}"
        for sc in c.subnets
        if sc.others
    ]


def _finding(f: Finding) -> list[str]:
    mark = f"[suppressed: {f.suppressed}] " if f.suppressed is not None else ""
    out = [f"{f.span}: {f.severity.value} {f.rule_id} {mark}{f.message}"]
    if f.related:
        out.append("  see: " + ", ".join(f"{r.span} ({r.message})" for r in f.related))
    if f.fix:
        out.append(f"  fix: {f.fix}")
    return out


def render_text(result: LintResult) -> str:
    lines: list[str] = []
    shown = findings_to_show([u.findings for u in result.units])
    for unit, findings in zip(result.units, shown, strict=True):
        if not unit.capacity.clusters and not findings:
            continue
        lines.append(f"== {unit_title(unit.path, unit.capacity.facts.branch)}")
        for c in unit.capacity.clusters:
            lines += _cluster(c)
            lines.append("")
        for f in findings:
            lines += _finding(f)
        lines.append("")
    counts = dict.fromkeys(("error", "warning", "info", "suppressed"), 0)
    for f in result.findings:
        counts["suppressed" if f.suppressed is not None else f.severity.value] += 1
    units = len(result.units)
    if units:  # with nothing checked at all, not_read_lines says so
        lines.append(f"coverage: {coverage_sentence(coverage(result))}")
    lines.append(
        f"{units} module{'s' if units != 1 else ''} checked: {counts['error']} error(s), "
        f"{counts['warning']} warning(s), {counts['info']} info"
        + (f", {counts['suppressed']} suppressed" if counts["suppressed"] else "")
    )
    lines += not_read_lines(result.not_read, units)
    return "\n".join(lines) + "\n"
