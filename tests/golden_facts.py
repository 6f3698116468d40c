"""Stable JSON of what facts become: the numbers per cluster, node group and subnet, and the findings.

Used by the CloudFormation and eksctl golden tests (``UPDATE_GOLDENS=1`` rewrites the expected
files; review their diff like code). Paths are written relative to the fixture directory so the
goldens do not depend on where the checkout lives.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from eks_ip_lint.capacity.analysis import Options, UnitCapacity, analyse
from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.facts.model import Facts
from eks_ip_lint.rules.runner import run_rules
from eks_ip_lint.values import Unknown


def _ips(node: NodeIps | Unknown) -> int | None:
    return None if isinstance(node, Unknown) else node.node_subnet_ips


def _v(value: object) -> Any:
    if isinstance(value, Unknown):
        return {"unknown": value.reason, **({"key": value.key} if value.key else {})}
    if isinstance(value, tuple):
        return [_v(v) for v in value]
    return value


def snapshot(facts: Facts) -> dict[str, Any]:
    capacity: UnitCapacity = analyse(facts, Options())
    findings = run_rules(capacity, Options())
    return {
        "problems": [{"line": p.span.line, "message": p.message} for p in facts.problems],
        "clusters": [
            {
                "name": _v(c.name),
                "ip_family": _v(c.ip_family),
                "cni_env": {k: c.cni.env[k] for k in sorted(c.cni.env)},
                "supported_floor": _v(c.supported[Density.FLOOR]),
                "supported_configured": _v(c.supported[Density.CONFIGURED]),
                "node_groups": [
                    {
                        "address": g.fact.address,
                        "kind": g.fact.kind,
                        "line": g.fact.span.line,
                        "instance_type": g.instance_type,
                        "min_max_desired": [_v(g.fact.min_size), _v(g.max_size), _v(g.fact.desired_size)],
                        "max_pods": _v(g.max_pods),
                        "ips_per_node_floor": _ips(g.at[Density.FLOOR].node),
                        "ips_per_node_configured": _ips(g.at[Density.CONFIGURED].node),
                        "supported_floor": _v(g.at[Density.FLOOR].supported),
                        "supported_configured": _v(g.at[Density.CONFIGURED].supported),
                        "problem": _v(g.problem) if g.problem else None,
                    }
                    for g in c.node_groups
                ],
                "subnets": [
                    {
                        "address": s.fact.address,
                        "line": s.fact.span.line,
                        "cidr": _v(s.fact.cidr),
                        "az": s.az,
                        "usable": _v(s.usable),
                        "demand_floor": s.demand[Density.FLOOR],
                    }
                    for s in c.subnets
                ],
            }
            for c in capacity.clusters
        ],
        "findings": [{"rule_id": f.rule_id, "line": f.span.line, "message": f.message} for f in findings],
    }


def check_golden(actual: dict[str, Any], expected_path: Path) -> None:
    text = json.dumps(actual, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDENS"):
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(text)
    assert expected_path.exists(), f"no golden {expected_path.name}: run with UPDATE_GOLDENS=1"
    assert actual == json.loads(expected_path.read_text())
