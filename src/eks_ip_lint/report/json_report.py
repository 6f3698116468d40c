"""Machine-readable report, schema version 1 (docs/json-output.md, docs/schema/report-v1.schema.json).

Every number the text report shows is here, per cluster, with where each CNI setting came from.
A value that cannot be known statically is ``null``, and its reason is in the object's ``unknown``
map under the same field name, so consumers never mistake "unknown" for "zero".
"""

from __future__ import annotations

import json
from typing import Any

from eks_ip_lint import __version__
from eks_ip_lint.capacity.analysis import ClusterCapacity, NodeGroupCapacity, SubnetCapacity
from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.coverage import uncounted_groups
from eks_ip_lint.capacity.records import (
    AutoModeCapacity,
    Contribution,
    Density,
    FargateCapacity,
    NodePoolCapacity,
    NodeSizing,
    PoolAtDensity,
)
from eks_ip_lint.engine import LintResult, UnitResult
from eks_ip_lint.findings import Finding
from eks_ip_lint.report._common import coverage_json
from eks_ip_lint.values import Unknown

SCHEMA_VERSION = 1


class _Obj:
    """Builds one JSON object, sending Unknowns to ``null`` + ``unknown[field] = reason``."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.unknown: dict[str, str] = {}

    def put(self, key: str, value: object) -> _Obj:
        if isinstance(value, Unknown):
            self.data[key] = None
            self.unknown[key] = value.reason
        else:
            self.data[key] = value
        return self

    def done(self) -> dict[str, Any]:
        self.data["unknown"] = self.unknown
        return self.data


def finding_json(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule_id": f.rule_id,
        "severity": f.severity.value,
        "message": f.message,
        "fix": f.fix,
        "file": f.span.path,
        "line": f.span.line,
        "address": f.address,
        "cluster": f.cluster,
        "fingerprint": f.fingerprint,
        "suppression": (
            None
            if f.suppressed is None
            else {"kind": f.suppression_kind or "inSource", "justification": f.suppressed}
        ),
    }
    if f.branch:
        out["branch"] = f.branch
    if f.related:
        out["related"] = [
            {"file": r.span.path, "line": r.span.line, "address": r.address, "message": r.message}
            for r in f.related
        ]
    return out


def _node(n: NodeIps | Unknown) -> dict[str, Any] | None:
    if isinstance(n, Unknown):
        return None
    return {
        "mode": n.mode.value,
        "enis": n.enis_total,
        "pod_ips": n.pod_ips,
        "prefixes": n.prefixes,
        "node_subnet_ips": n.node_subnet_ips,
        "eniconfig_subnet_ips": n.eniconfig_subnet_ips,
        "notes": list(n.notes),
    }


def _ips(n: NodeIps | Unknown) -> int | None:
    return None if isinstance(n, Unknown) else n.node_subnet_ips


def _count(n: int | Unknown) -> int | None:
    return None if isinstance(n, Unknown) else n


def _supported_reasons(o: _Obj, supported: dict[Density, int | Unknown]) -> None:
    for d, count in supported.items():
        if isinstance(count, Unknown):
            o.unknown[f"max_nodes_supported.{d.value}"] = count.reason


def _group(g: NodeGroupCapacity) -> dict[str, Any]:
    f = g.fact
    o = _Obj()
    o.put("address", f.address).put("name", f.name).put("kind", f.kind)
    o.put("file", f.span.path).put("line", f.span.line)
    o.put(
        "instance_types",
        list(f.instance_types) if not isinstance(f.instance_types, Unknown) else f.instance_types,
    )
    o.put("instance_type_used", g.instance_type)
    o.put("min_size", f.min_size).put("max_size", f.max_size).put("desired_size", f.desired_size)
    o.put("max_pods", g.max_pods)
    o.put("max_pods_source", g.sizing.max_pods_source if isinstance(g.sizing, NodeSizing) else "")
    o.put("pods_per_node_configured", g.at[Density.CONFIGURED].pods)
    o.put("ips_per_node", {d.value: _ips(g.at[d].node) for d in Density})
    o.put("node", {d.value: _node(g.at[d].node) for d in Density})
    o.put("max_nodes_supported", {d.value: _count(g.at[d].supported) for d in Density})
    o.put("nodes_at_max_size", dict(g.nodes_at_max))
    if g.problem is not None:
        o.unknown["analysis"] = g.problem.reason  # says why for every count of the group
    else:
        _supported_reasons(o, {d: g.at[d].supported for d in Density})
    return o.done()


def _subnet(s: SubnetCapacity, c: ClusterCapacity) -> dict[str, Any]:
    o = _Obj()
    o.put("address", s.fact.address).put("cidr", s.fact.cidr).put("az", s.az)
    o.put("file", s.fact.span.path).put("line", s.fact.span.line)
    o.put("usable_ips", s.usable).put("demand_at_max_floor", s.demand[Density.FLOOR])
    o.put("demand_at_max_configured", s.demand[Density.CONFIGURED])
    o.put("cluster_subnet", s.cluster_subnet)
    o.put("consumers", [_consumer(x) for x in s.others])
    uncounted = uncounted_groups(c, s.fact.address)
    if uncounted:
        # Node groups meant to be here whose demand could not be computed: the demands above are
        # then lower bounds (docs/json-output.md#coverage).
        o.put("not_counted", list(uncounted))
    return o.done()


def _fargate(p: FargateCapacity) -> dict[str, Any]:
    """A Fargate profile: the room its subnets have left for Fargate pods (1 IP each)."""
    o = _Obj()
    o.put("address", p.fact.address).put("name", p.fact.name)
    o.put("file", p.fact.span.path).put("line", p.fact.span.line)
    o.put("planned_pods", p.planned)
    o.put("room", {d.value: _count(p.room(d)) for d in Density})
    for d in Density:
        room = p.room(d)
        if isinstance(room, Unknown):
            o.unknown[f"room.{d.value}"] = room.reason
    if p.problem is not None:
        o.unknown["subnets"] = p.problem.reason
    o.put(
        "subnets",
        [
            {
                "address": r.subnet,
                "planned_pods": r.planned,
                "room": {d.value: _count(r.room[d]) for d in Density},
            }
            for r in p.subnets
        ],
    )
    return o.done()


def _consumer(c: Contribution) -> dict[str, Any]:
    """Another consumer of the subnet's IPs than a node group (an endpoint, a NAT gateway...)."""
    o = _Obj()
    o.put("kind", c.kind).put("address", c.group)
    o.put("file", c.span.path if c.span else None).put("line", c.span.line if c.span else None)
    o.put("count", c.nodes)
    o.put("ips", {d.value: _count(c.ips(d)) for d in Density})
    for d in Density:
        ips = c.ips(d)
        if isinstance(ips, Unknown):
            o.unknown[f"ips.{d.value}"] = ips.reason
    o.put("basis", c.basis)
    return o.done()


def _pool_at(o: _Obj, prefix: str, at: PoolAtDensity) -> dict[str, Any]:
    """One density of a node pool; its Unknowns' reasons go to the pool's ``unknown`` map."""
    fields = {
        "ips_per_node": at.ips_per_node,
        "heaviest_type": at.heaviest_type,
        "ips_at_max_nodes": at.ips_at_ceiling,
        "nodes_supported": at.nodes_supported,
        "room_left": at.room_total,
        "worst_zone": at.worst_zone,
        "worst_zone_room_left": at.worst_zone_room,
        "worst_zone_nodes_supported": at.worst_zone_nodes,
    }
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, Unknown):
            o.unknown[f"{prefix}.{key}"] = value.reason
            out[key] = None
        else:
            out[key] = value
    return out


def _pool(p: NodePoolCapacity) -> dict[str, Any]:
    f = p.fact
    o = _Obj()
    o.put("name", f.name).put("address", f.address).put("file", f.span.path).put("line", f.span.line)
    o.put("auto_mode", p.auto_mode).put("built_in", f.built_in)
    o.put("node_class", p.node_class.address if p.node_class is not None else None)
    o.put("subnets", [s.address for s in p.subnets]).put("subnets_source", p.subnets_source)
    o.put("zones", [{"az": z.az, "subnets": list(z.subnets)} for z in p.zones])
    o.put("instance_types_allowed", p.types_allowed)
    o.put("requirements_not_applied", list(p.ignored_requirements))
    o.put("unbounded", p.ceiling is None)
    o.put("max_nodes", p.ceiling).put("max_nodes_source", p.ceiling_source)
    o.put("max_pods_source", p.max_pods_source)
    o.put("at", {d.value: _pool_at(o, f"at.{d.value}", p.at[d]) for d in Density})
    o.put("notes", list(p.notes))
    if p.problem is not None:
        o.unknown["analysis"] = p.problem.reason
    return o.done()


def _auto_mode(a: AutoModeCapacity) -> dict[str, Any]:
    f = a.fact
    o = _Obj()
    o.put("enabled", f.enabled)
    o.put("node_pools", list(f.node_pools) if not isinstance(f.node_pools, Unknown) else f.node_pools)
    o.put("source", f.source).put("file", f.span.path).put("line", f.span.line)
    o.put("notes", list(a.notes))
    return o.done()


def _cluster(c: ClusterCapacity, findings: list[Finding]) -> dict[str, Any]:
    s = c.cni.settings
    o = _Obj()
    o.put("name", c.name).put("address", c.address).put("file", c.span.path).put("line", c.span.line)
    o.put("ip_family", c.ip_family)
    o.put(
        "cni",
        {
            "settings": {
                "warm_eni_target": s.warm_eni_target,
                "warm_ip_target": s.warm_ip_target,
                "minimum_ip_target": s.minimum_ip_target,
                "warm_prefix_target": s.warm_prefix_target,
                "prefix_delegation": s.prefix_delegation,
                "custom_networking": s.custom_networking,
                "security_groups_for_pods": s.pod_eni,
                "max_eni": s.max_eni,
                "ipv6": s.ipv6,
            },
            "env": {
                k: {"value": v, "source": c.cni.origins.get(k, "")} for k, v in sorted(c.cni.env.items())
            },
            "notes": list(c.cni.notes),
        },
    )
    o.put("total_max_nodes", c.total_max_nodes)
    o.put("max_nodes_supported", {d.value: _count(c.supported[d]) for d in Density})
    _supported_reasons(o, dict(c.supported))
    o.put("subnets", [_subnet(x, c) for x in c.subnets])
    o.put("node_groups", [_group(g) for g in c.node_groups])
    o.put("fargate_profiles", [_fargate(p) for p in c.fargate])
    if c.node_pools:  # present when the cluster has Karpenter or Auto Mode pools
        o.put("node_pools", [_pool(p) for p in c.node_pools])
    if c.auto_mode is not None:  # present when the cluster declares Auto Mode
        o.put("auto_mode", _auto_mode(c.auto_mode))
    o.put("findings", [finding_json(f) for f in findings if f.cluster == c.name])
    return o.done()


def _unit(u: UnitResult) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": u.kind, "path": u.path}
    if u.capacity.facts.branch:
        out["branch"] = u.capacity.facts.branch
    out["clusters"] = [_cluster(c, list(u.findings)) for c in u.capacity.clusters]
    return out


def render_json(result: LintResult, *, fail_on: str, pods_per_node: int | None) -> str:
    counts = {"error": 0, "warning": 0, "info": 0, "suppressed": 0}
    for f in result.findings:
        counts["suppressed" if f.suppressed is not None else f.severity.value] += 1
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "eks-ip-lint", "version": __version__},
        "options": {"fail_on": fail_on, "pods_per_node": pods_per_node},
        "units": [_unit(u) for u in result.units],
        "findings": [finding_json(f) for f in result.findings],
        "summary": counts,
        "coverage": coverage_json(result),
    }
    if result.not_read:  # absent when every file seen was analysed: earlier reports are unchanged
        doc["not_read"] = [
            {"what": n.what, "count": len(n.paths), "paths": list(n.paths)} for n in result.not_read
        ]
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"
