"""The data behind the pictures, shared by the HTML report, the Markdown report's mermaid chart
and ``simulate --chart``: a subnet's use at max size at both densities, and the IPs one node holds
at each pod count (the step function of the warm pool, vpc-cni-model.md §1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eks_ip_lint.capacity.cni import node_ips
from eks_ip_lint.capacity.cni_settings import CniSettings
from eks_ip_lint.capacity.instance_types import InstanceLimits
from eks_ip_lint.capacity.max_pods import HOST_NETWORK_PODS
from eks_ip_lint.capacity.records import ClusterCapacity, Density, NodeSizing, SubnetCapacity
from eks_ip_lint.values import Unknown


@dataclass(frozen=True)
class SubnetUse:
    name: str
    usable: int
    floor: int | None  # IPs needed at max size; None: unknown
    configured: int | None

    @property
    def headroom(self) -> int | None:
        return None if self.configured is None else self.usable - self.configured


def subnet_uses(c: ClusterCapacity, names: dict[str, str]) -> list[SubnetUse]:
    """The cluster's subnets whose usable size is known, with their needs at max size."""
    out = []
    for sc in c.subnets:
        if isinstance(sc.usable, Unknown):
            continue
        out.append(
            SubnetUse(
                names.get(sc.fact.address, sc.fact.address),
                sc.usable,
                _int(sc, Density.FLOOR),
                _int(sc, Density.CONFIGURED),
            )
        )
    return out


def _int(sc: SubnetCapacity, density: Density) -> int | None:
    v = sc.demand[density]
    return None if isinstance(v, Unknown) else v


@dataclass(frozen=True)
class StepSeries:
    """Subnet IPs one node holds at 0..``full`` IP-taking pods."""

    instance_type: str
    max_pods: int
    points: tuple[tuple[int, int], ...]  # (pods, IPs)

    def steps(self) -> list[tuple[int, int, int]]:
        """(first pods, last pods, IPs): the runs of equal IPs."""
        runs: list[tuple[int, int, int]] = []
        for pods, ips in self.points:
            if runs and runs[-1][2] == ips:
                runs[-1] = (runs[-1][0], pods, ips)
            else:
                runs.append((pods, pods, ips))
        return runs


def step_series(limits: InstanceLimits, settings: CniSettings, mp: int) -> StepSeries:
    full = max(mp - HOST_NETWORK_PODS, 0)
    points = tuple((p, node_ips(limits, settings, p, mp).node_subnet_ips) for p in range(full + 1))
    return StepSeries(limits.name, mp, points)


def cluster_series(c: ClusterCapacity) -> list[StepSeries]:
    """One series per instance type the cluster's groups run (first group's max pods wins)."""
    seen: dict[str, StepSeries] = {}
    for g in c.node_groups:
        s = g.sizing
        if isinstance(s, NodeSizing) and isinstance(s.max_pods, int) and s.limits.name not in seen:
            seen[s.limits.name] = step_series(s.limits, c.cni.settings, s.max_pods)
    return list(seen.values())


def text_step_chart(series: StepSeries, width: int = 60, height: int = 12) -> list[str]:
    """The step function drawn in characters: IPs up, pods across; ``█`` under the line."""
    points = series.points
    if not points:
        return []
    top = max(ips for _, ips in points) or 1
    cols = min(width, len(points))
    # Column i shows the largest IP count among the pod counts it covers.
    per = len(points) / cols
    heights = []
    for i in range(cols):
        chunk = points[int(i * per) : max(int((i + 1) * per), int(i * per) + 1)]
        heights.append(max(ips for _, ips in chunk))
    label = len(f"{top:,}")
    lines = []
    for row in range(height, 0, -1):
        level = top * row / height
        cells = "".join("█" if h >= level - 1e-9 else " " for h in heights)
        axis = f"{round(level):,}".rjust(label) if row in (height, (height + 1) // 2) else " " * label
        lines.append(f"{axis} ┤{cells}")
    lines.append(" " * label + " └" + "─" * cols)
    last = points[-1][0]
    lines.append(" " * label + "  0" + f"{last} pods".rjust(cols - 1))
    return lines


def mermaid_subnet_chart(cluster: str, uses: Sequence[SubnetUse]) -> list[str]:
    """A mermaid ``xychart-beta`` (GitHub renders it): per subnet, the IPs needed at max size at
    the configured density and at the floor as bars, its usable IPs as a line; the headroom in
    each label. Subnets whose need is unknown are left out."""
    known = [u for u in uses if u.configured is not None and u.floor is not None]
    if not known:
        return []
    top = max(max(u.configured or 0, u.usable) for u in known)
    labels = ", ".join(f'"{_mermaid_text(u.name)} ({u.usable - (u.configured or 0):+,})"' for u in known)
    return [
        "```mermaid",
        "xychart-beta",
        f'    title "{_mermaid_text(cluster)}: IPs at max size per subnet (headroom in brackets)"',
        f"    x-axis [{labels}]",
        f'    y-axis "IPs" 0 --> {top}',
        f"    bar [{', '.join(str(u.configured) for u in known)}]",
        f"    bar [{', '.join(str(u.floor) for u in known)}]",
        f"    line [{', '.join(str(u.usable) for u in known)}]",
        "```",
        "",
        "Bars: IPs needed at max size at the configured density (taller) and at the floor; line: the "
        "subnet's usable IPs. A bar above the line runs out.",
    ]


def _mermaid_text(text: str) -> str:
    """Names from the scanned files: every control spelled out (report/controls.py), no quote."""
    from eks_ip_lint.report.controls import escape_controls  # noqa: PLC0415

    return escape_controls(text).replace('"', "'")
