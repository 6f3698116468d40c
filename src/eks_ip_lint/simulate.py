"""The what-if calculator behind ``eks-ip-lint simulate``: the model's public face.

For one instance type and a set of CNI env values, the ENIs, secondary IPs or prefixes and subnet
IPs a node holds at each pod count. Consecutive pod counts with the same numbers are folded into
one row, so the table shows exactly where the warm pool steps up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from eks_ip_lint.capacity import instance_types, max_pods
from eks_ip_lint.capacity.cni import NodeIps, node_ips
from eks_ip_lint.capacity.cni_settings import CniSettings, parse_env
from eks_ip_lint.capacity.effective_cni import CHART_DEFAULTS
from eks_ip_lint.capacity.instance_types import InstanceLimits
from eks_ip_lint.capacity.max_pods import HOST_NETWORK_PODS
from eks_ip_lint.errors import UsageError
from eks_ip_lint.report._table import render
from eks_ip_lint.values import Unknown


@dataclass(frozen=True)
class Row:
    pods_from: int
    pods_to: int
    node: NodeIps


@dataclass(frozen=True)
class Simulation:
    limits: InstanceLimits
    settings: CniSettings
    env: dict[str, str]
    notes: tuple[str, ...]
    max_pods: int
    max_pods_source: str
    mng_max_pods: int | Unknown
    rows: tuple[Row, ...]


def parse_pods(text: str) -> tuple[int, int]:
    """``N`` or ``A..B`` (inclusive)."""
    a, sep, b = text.partition("..")
    try:
        lo = int(a)
        hi = int(b) if sep else lo
    except ValueError:
        raise UsageError(f"--pods expects N or A..B, got {text!r}") from None
    if lo < 0 or hi < lo:
        raise UsageError(f"--pods range {text!r} is empty or negative")
    return lo, hi


def simulate(
    instance_type: str, env: Mapping[str, str], pods: tuple[int, int] | None, explicit_max_pods: int | None
) -> Simulation:
    limits = instance_types.lookup(instance_type)
    if limits is None:
        hints = instance_types.suggest(instance_type)
        hint = f"; did you mean {', '.join(hints[:3])}?" if hints else ""
        raise UsageError(f"unknown instance type {instance_type!r}{hint}")
    full_env = {**CHART_DEFAULTS, **env}
    settings, notes = parse_env(full_env)
    mng = max_pods.managed_node_group_max_pods([limits], settings)
    if explicit_max_pods is not None:
        if explicit_max_pods < 1:
            raise UsageError("--max-pods must be at least 1")
        mp, source = explicit_max_pods, "--max-pods"
    else:
        mp, source = max_pods.nodeadm_max_pods(limits), "ENIs x (IPv4 per ENI - 1) + 2"
    lo, hi = pods if pods is not None else (0, max(mp - HOST_NETWORK_PODS, 0))
    if hi > mp:
        raise UsageError(
            f"--pods {hi} is above max pods {mp}: the kubelet admits at most {mp} pods on a "
            f"{limits.name} ({source}); pass --max-pods to simulate a higher setting"
        )
    rows: list[Row] = []
    for p in range(lo, hi + 1):
        node = node_ips(limits, settings, p, mp)
        if rows and rows[-1].node == node:
            rows[-1] = Row(rows[-1].pods_from, p, node)
        else:
            rows.append(Row(p, p, node))
    return Simulation(limits, settings, full_env, tuple(notes), mp, source, mng, tuple(rows))


def render_simulation_text(sim: Simulation) -> str:
    lim = sim.limits
    mng = "?" if isinstance(sim.mng_max_pods, Unknown) else str(sim.mng_max_pods)
    lines = [
        f"{lim.name}: {lim.max_enis} ENIs x {lim.ipv4_per_eni} IPv4 addresses "
        f"(hypervisor {lim.hypervisor}{', bare metal' if lim.bare_metal else ''}); "
        f"default max pods {lim.default_max_pods}, managed node group max pods {mng}",
        f"max pods used: {sim.max_pods} ({sim.max_pods_source})",
        "settings: " + ", ".join(f"{k}={v}" for k, v in sorted(sim.env.items())),
    ]
    lines += [f"note: {n}" for n in sim.notes]
    rows = []
    for r in sim.rows:
        pods = str(r.pods_from) if r.pods_from == r.pods_to else f"{r.pods_from}..{r.pods_to}"
        rows.append(
            [
                pods,
                str(r.node.enis_total),
                str(r.node.pod_ips),
                "-" if r.node.prefixes is None else str(r.node.prefixes),
                str(r.node.node_subnet_ips),
                str(r.node.eniconfig_subnet_ips),
                str(r.node.total_ips),
            ]
        )
    lines.append("")
    lines += render(
        ["pods", "ENIs", "pod IPs", "prefixes", "node subnet IPs", "ENIConfig subnet IPs", "total IPs"],
        rows,
        "",
    )
    notes = list(dict.fromkeys(n for r in sim.rows for n in r.node.notes))  # first-seen order, by pod count
    lines += ["", *(f"note: {n}" for n in notes)] if notes else []
    return "\n".join(lines) + "\n"


def render_simulation_json(sim: Simulation) -> str:
    lim = sim.limits
    doc = {
        "instance_type": lim.name,
        "limits": {
            "max_enis": lim.max_enis,
            "ipv4_per_eni": lim.ipv4_per_eni,
            "hypervisor": lim.hypervisor,
            "bare_metal": lim.bare_metal,
            "prefix_delegation_supported": lim.prefix_delegation_supported,
            "default_max_pods": lim.default_max_pods,
            "managed_node_group_max_pods": None
            if isinstance(sim.mng_max_pods, Unknown)
            else sim.mng_max_pods,
        },
        "env": sim.env,
        "max_pods": sim.max_pods,
        "notes": list(sim.notes),
        "rows": [
            {
                "pods_from": r.pods_from,
                "pods_to": r.pods_to,
                "mode": r.node.mode.value,
                "enis": r.node.enis_total,
                "pod_ips": r.node.pod_ips,
                "prefixes": r.node.prefixes,
                "node_subnet_ips": r.node.node_subnet_ips,
                "eniconfig_subnet_ips": r.node.eniconfig_subnet_ips,
                "total_ips": r.node.total_ips,
                "notes": list(r.node.notes),
            }
            for r in sim.rows
        ],
    }
    return json.dumps(doc, indent=2) + "\n"
