"""What the text and markdown delta reports share: the rows of a cluster's before/after tables,
read from the ``delta`` section (eks_ip_lint.delta, docs/json-output.md#delta)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_ip_lint.report import ReportContext


def num(v: Any) -> str:
    return f"{v:,}" if isinstance(v, int) else "?"


def signed(p: Mapping[str, Any]) -> str:
    """The change of a before/after pair: +40, -15, 0, or ? when a side is unknown or absent."""
    b, a = p["before"], p["after"]
    if not isinstance(a, int) or not isinstance(b, int):
        return "?"
    return f"{a - b:+,}" if a != b else "0"


def cell(p: Mapping[str, Any]) -> str:
    """One value when both sides agree, else ``before -> after`` (a side that is absent: -)."""
    b, a = p["before"], p["after"]
    if b == a:
        return num(a)
    return f"{'-' if b is None else num(b)} -> {'-' if a is None else num(a)}"


def configured_label(ctx: ReportContext) -> str:
    n = ctx.pods_per_node
    return f"{n} pod{'s' if n != 1 else ''} per node" if n is not None else "full nodes"


def cluster_rows(c: Mapping[str, Any], ctx: ReportContext) -> list[tuple[str, Mapping[str, Any]]]:
    """(label, before/after pair) for the cluster's summary table."""
    return [
        ("max size (nodes)", c["total_max_nodes"]),
        ("node ceiling, 1 pod per node", c["max_nodes_supported"]["floor"]),
        (f"node ceiling, {configured_label(ctx)}", c["max_nodes_supported"]["configured"]),
    ]


def subnet_header(ctx: ReportContext) -> list[str]:
    conf = configured_label(ctx)
    return [
        "subnet",
        "usable IPs",
        "need at max, 1 pod/node",
        "headroom, 1 pod/node",
        f"need at max, {conf}",
        f"headroom, {conf}",
    ]


def subnet_row(s: Mapping[str, Any]) -> list[str]:
    return [
        cell(s["usable_ips"]),
        cell(s["demand_at_max_floor"]),
        cell(s["headroom_floor"]),
        cell(s["demand_at_max_configured"]),
        cell(s["headroom_configured"]),
    ]


def node_group_header(ctx: ReportContext) -> list[str]:
    return ["node group", "type", "max size", "fit, 1 pod/node", f"fit, {configured_label(ctx)}"]


def node_group_row(g: Mapping[str, Any]) -> list[str]:
    t = g["instance_type"]
    kind = t["after"] if t["before"] == t["after"] else f"{t['before'] or '-'} -> {t['after'] or '-'}"
    return [
        str(kind or "?"),
        cell(g["max_size"]),
        cell(g["max_nodes_supported"]["floor"]),
        cell(g["max_nodes_supported"]["configured"]),
    ]


def unchanged_line(c: Mapping[str, Any]) -> str:
    """The one line of a cluster the change does not touch."""
    size, ceiling = c["total_max_nodes"]["after"], c["max_nodes_supported"]["floor"]["after"]
    return f"unchanged: max size {num(size)}, its subnets hold {num(ceiling)} nodes at 1 pod per node"


def where(c: Mapping[str, Any]) -> str:
    unit = c["unit"]
    return str(unit["path"]) + (f", branch {unit['branch']}" if unit.get("branch") else "")
