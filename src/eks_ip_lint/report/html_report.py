"""``--format html``: one self-contained page per run (inline CSS and SVG, no script, no external
asset), for people who would rather look than read.

Per cluster, an SVG of each subnet's use at max size at both densities (a bar per density against
the subnet's usable IPs, the 100% line marked) and, per instance type its groups run, an SVG step
chart of the subnet IPs one node holds against its pod count; then the findings. Names as users
write them (report/_names.py); the numbers are the text report's.
"""

from __future__ import annotations

import html

from eks_ip_lint import __version__
from eks_ip_lint.capacity.records import ClusterCapacity, Density
from eks_ip_lint.engine import LintResult
from eks_ip_lint.findings import Finding
from eks_ip_lint.report._charts import StepSeries, SubnetUse, cluster_series, subnet_uses
from eks_ip_lint.report._common import findings_to_show, message_with_fix, repo_path, unit_title
from eks_ip_lint.report._names import short_names
from eks_ip_lint.report.controls import escape_controls
from eks_ip_lint.values import Unknown

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1f2328;max-width:1100px}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
h3{font-size:1.05rem}.summary{font-weight:600}
svg{display:block;margin:.5rem 0 1rem;font-size:12px}
svg text{fill:#1f2328}.floor{fill:#0969da}.configured{fill:#8250df}.over{stroke:#cf222e;stroke-width:2}
.full{stroke:#cf222e;stroke-dasharray:4 3}.axis{stroke:#57606a}.step{fill:none;stroke:#0969da;stroke-width:2}
.grid{stroke:#d0d7de}
li.error{color:#cf222e}li.warning{color:#9a6700}li.info{color:#0969da}li span{color:#1f2328}
code{font-size:.9em}
"""

ROW = 40  # pixels per subnet: two bars of 14 and a gap
LABEL = 170  # the subnet names' column
BARS = 460  # the bars' width at the chart's largest use
WIDTH = LABEL + BARS + 280


def _e(text: object) -> str:
    # Controls from the scanned files spelled out (report/controls.py), then HTML-escaped.
    return html.escape(escape_controls(str(text)), quote=True)


def _n(v: int | None) -> str:
    return "?" if v is None else f"{v:,}"


def subnet_svg(cluster: str, uses: list[SubnetUse]) -> str:
    """Bars of need/usable at the floor and the configured density; the dashed line is 100%."""
    top = max([1.0, *[(u.configured or u.floor or 0) / u.usable for u in uses if u.usable > 0]])
    scale = BARS / top
    height = 30 + ROW * len(uses) + 20
    x100 = LABEL + scale
    out = [
        f'<svg class="subnet-use" data-cluster="{_e(cluster)}" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">',
        f"<title>{_e(cluster)}: subnet use at max size, floor and configured density</title>",
        f'<rect class="floor" x="{LABEL}" y="6" width="12" height="10"/><text x="{LABEL + 16}" y="15">floor (1 pod per node)</text>',
        f'<rect class="configured" x="{LABEL + 170}" y="6" width="12" height="10"/>'
        f'<text x="{LABEL + 186}" y="15">configured density</text>',
    ]
    for i, u in enumerate(uses):
        y = 30 + i * ROW
        out.append(f'<text x="0" y="{y + 18}">{_e(u.name)}</text>')
        for j, (cls, need) in enumerate((("floor", u.floor), ("configured", u.configured))):
            if need is None or u.usable <= 0:
                continue
            w = max(need / u.usable * scale, 1)
            over = " over" if need > u.usable else ""
            out.append(
                f'<rect class="bar {cls}{over}" data-subnet="{_e(u.name)}" data-need="{need}" data-usable="{u.usable}" '
                f'x="{LABEL}" y="{y + j * 16}" width="{w:.1f}" height="14"><title>{_e(u.name)} {cls}: '
                f"{need:,} of {u.usable:,} usable IPs</title></rect>"
            )
        share = f"{u.configured / u.usable:.0%}" if u.configured is not None and u.usable else "?"
        out.append(
            f'<text x="{LABEL + BARS + 8}" y="{y + 18}">{_n(u.configured)} / {u.usable:,} ({share}), '
            f"headroom {_n(u.headroom)}</text>"
        )
    out.append(f'<line class="full" x1="{x100:.1f}" y1="24" x2="{x100:.1f}" y2="{height - 18}"/>')
    out.append(f'<text x="{x100 - 14:.1f}" y="{height - 4}">100%</text>')
    out.append("</svg>")
    return "\n".join(out)


def step_svg(series: StepSeries) -> str:
    """IPs one node holds (up) against IP-taking pods (across): a step at each ENI or prefix."""
    w, h, left, bottom, top_pad = 640, 240, 56, 30, 12
    last_pods = max(series.points[-1][0], 1)
    top_ips = max(ips for _, ips in series.points) or 1
    sx = (w - left - 10) / last_pods
    sy = (h - bottom - top_pad) / top_ips

    def x(p: float) -> float:
        return left + p * sx

    def y(v: float) -> float:
        return h - bottom - v * sy

    d = [f"M{x(0):.1f},{y(series.points[0][1]):.1f}"]
    for pods, ips in series.points[1:]:
        d.append(f"H{x(pods):.1f}V{y(ips):.1f}")
    d.append(f"H{x(last_pods):.1f}")
    out = [
        f'<svg class="step-chart" data-instance-type="{_e(series.instance_type)}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
        f"<title>{_e(series.instance_type)}: subnet IPs per node against pods (max pods {series.max_pods})</title>",
        f'<line class="axis" x1="{left}" y1="{y(0):.1f}" x2="{w - 10}" y2="{y(0):.1f}"/>',
        f'<line class="axis" x1="{left}" y1="{top_pad}" x2="{left}" y2="{y(0):.1f}"/>',
    ]
    for first, _last, ips in series.steps():
        out.append(
            f'<line class="grid" x1="{left}" y1="{y(ips):.1f}" x2="{x(first):.1f}" y2="{y(ips):.1f}"/>'
        )
    levels = sorted({ips for _, _, ips in series.steps()})
    for ips in levels[:: max(len(levels) // 6, 1)] + ([levels[-1]] if levels else []):
        out.append(f'<text x="{left - 6}" y="{y(ips) + 4:.1f}" text-anchor="end">{ips:,}</text>')
    out.append(f'<path class="step" data-steps="{len(series.steps())}" d="{"".join(d)}"/>')
    out.append(f'<text x="{left}" y="{h - 8}">0</text>')
    out.append(f'<text x="{w - 10}" y="{h - 8}" text-anchor="end">{last_pods} pods</text>')
    out.append(f'<text x="{left + 6}" y="{top_pad + 10}">IPs per node</text>')
    out.append("</svg>")
    return "\n".join(out)


def _cluster(c: ClusterCapacity) -> list[str]:
    names = short_names((sc.fact.address for sc in c.subnets), by_key=False)
    out = [f"<h3>cluster {_e(c.name)}</h3>"]
    supported = c.supported
    out.append(
        f"<p>nodes: max {_e(_v(c.total_max_nodes))}; the subnets hold {_e(_v(supported[Density.FLOOR]))} at the "
        f"floor, {_e(_v(supported[Density.CONFIGURED]))} at the configured density, all groups scaled together.</p>"
    )
    uses = subnet_uses(c, names)
    if uses:
        out.append(subnet_svg(c.name, uses))
    for series in cluster_series(c):
        out.append(f"<h4>{_e(series.instance_type)}: IPs per node against pods</h4>")
        out.append(step_svg(series))
    return out


def _v(v: int | Unknown) -> str:
    return "?" if isinstance(v, Unknown) else f"{v:,}"


def _finding(f: Finding) -> str:
    where = f"{repo_path(f.span.path)}:{f.span.line}"
    mark = f" [suppressed: {f.suppressed}]" if f.suppressed is not None else ""
    return (
        f'<li class="{f.severity.value}">{_e(f.severity.value)} <b>{_e(f.rule_id)}</b>{_e(mark)} '
        f"<span><code>{_e(where)}</code>: {_e(message_with_fix(f))}</span></li>"
    )


def render_html(result: LintResult) -> str:
    counts = dict.fromkeys(("error", "warning", "info"), 0)
    for f in result.findings:
        if f.suppressed is None:
            counts[f.severity.value] += 1
    body = [
        "<h1>eks-ip-lint report</h1>",
        f'<p class="summary">{len(result.units)} module(s) checked: {counts["error"]} error(s), '
        f"{counts['warning']} warning(s), {counts['info']} info</p>",
    ]
    shown = findings_to_show([u.findings for u in result.units])
    for unit, findings in zip(result.units, shown, strict=True):
        if not unit.capacity.clusters and not findings:
            continue
        body.append(f"<h2>{_e(unit_title(repo_path(unit.path), unit.capacity.facts.branch))}</h2>")
        for c in unit.capacity.clusters:
            body += _cluster(c)
        if findings:
            body.append('<ul class="findings">' + "".join(_finding(f) for f in findings) + "</ul>")
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="generator" content="eks-ip-lint {_e(__version__)}">\n'
        "<title>eks-ip-lint report</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
