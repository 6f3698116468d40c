"""The capacity delta of a change: two JSON reports (docs/json-output.md) in, the ``delta`` section
out (docs/json-output.md#delta).

Both sides are read through the JSON report, the stable interface, not the capacity records:

- clusters are matched by unit (kind, path, branch) and cluster address (the name when there is
  no address); subnets and node groups inside a cluster by address;
- the numbers compared are the cluster's max size (``total_max_nodes``), its node ceiling at both
  densities (``max_nodes_supported.floor`` / ``.configured``: the most nodes its subnets hold),
  each subnet's demand at max size and its headroom, ``usable_ips - demand_at_max_<density>``
  (negative: short by that many IPs), and each node group's max size and ceiling;
- findings are matched by ``fingerprint`` (rule, file, address, cluster, branch: not the line or
  the numbers, so a finding whose numbers moved is "unchanged"), as a multiset: two findings with
  one fingerprint on one side and one on the other are one unchanged and one new or fixed.

A value that is ``null`` on a side (unknown before apply) stays ``null`` and its difference too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

DENSITIES = ("floor", "configured")
FINDING_STATES = ("new", "fixed", "unchanged")
CLUSTER_STATES = ("changed", "added", "removed", "unchanged")

Json = dict[str, Any]
ClusterKey = tuple[str, str, str, str]


def pair(before: Any, after: Any) -> Json:
    """``{"before": b, "after": a}``, the shape of every compared number."""
    return {"before": before, "after": after}


def _diff(p: Mapping[str, Any]) -> int | None:
    b, a = p["before"], p["after"]
    return a - b if isinstance(a, int) and isinstance(b, int) else None


def _headroom(subnet: Mapping[str, Any] | None, density: str) -> int | None:
    if subnet is None:
        return None
    usable, demand = subnet.get("usable_ips"), subnet.get(f"demand_at_max_{density}")
    return usable - demand if isinstance(usable, int) and isinstance(demand, int) else None


def _ceiling(obj: Mapping[str, Any] | None, density: str) -> int | None:
    if obj is None:
        return None
    supported = obj.get("max_nodes_supported")
    value = supported.get(density) if isinstance(supported, dict) else None
    return value if isinstance(value, int) else None


def _get(obj: Mapping[str, Any] | None, key: str) -> Any:
    return None if obj is None else obj.get(key)


def _clusters(doc: Mapping[str, Any]) -> dict[ClusterKey, tuple[Json, Json]]:
    """(unit, cluster) by key, in report order."""
    out: dict[ClusterKey, tuple[Json, Json]] = {}
    for unit in doc.get("units", []):
        for c in unit.get("clusters", []):
            key = (unit["kind"], unit["path"], unit.get("branch") or "", c.get("address") or c["name"])
            out.setdefault(key, (unit, c))
    return out


def _by_address(items: Iterable[Json]) -> dict[str, Json]:
    return {str(i.get("address") or i.get("name")): i for i in items}


def _status(before: object, after: object, changed: bool) -> str:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    return "changed" if changed else "unchanged"


def _subnets(before: Json | None, after: Json | None) -> list[Json]:
    b_all = _by_address(_get(before, "subnets") or [])
    a_all = _by_address(_get(after, "subnets") or [])
    out = []
    for address in [*a_all, *(k for k in b_all if k not in a_all)]:
        b, a = b_all.get(address), a_all.get(address)
        row: Json = {"address": address, "cidr": pair(_get(b, "cidr"), _get(a, "cidr"))}
        row["usable_ips"] = pair(_get(b, "usable_ips"), _get(a, "usable_ips"))
        for d in DENSITIES:
            row[f"demand_at_max_{d}"] = pair(_get(b, f"demand_at_max_{d}"), _get(a, f"demand_at_max_{d}"))
            row[f"headroom_{d}"] = pair(_headroom(b, d), _headroom(a, d))
        changed = any(v["before"] != v["after"] for k, v in row.items() if k != "address")
        row["status"] = _status(b, a, changed)
        out.append(row)
    return out


def _node_groups(before: Json | None, after: Json | None) -> list[Json]:
    b_all = _by_address(_get(before, "node_groups") or [])
    a_all = _by_address(_get(after, "node_groups") or [])
    out = []
    for address in [*a_all, *(k for k in b_all if k not in a_all)]:
        b, a = b_all.get(address), a_all.get(address)
        row: Json = {
            "address": address,
            "instance_type": pair(_get(b, "instance_type_used"), _get(a, "instance_type_used")),
            "max_size": pair(_get(b, "max_size"), _get(a, "max_size")),
            "max_nodes_supported": {d: pair(_ceiling(b, d), _ceiling(a, d)) for d in DENSITIES},
        }
        changed = row["instance_type"]["before"] != row["instance_type"]["after"] or any(
            p["before"] != p["after"] for p in (row["max_size"], *row["max_nodes_supported"].values())
        )
        row["status"] = _status(b, a, changed)
        out.append(row)
    return out


def _match(before: list[Json], after: list[Json]) -> dict[str, list[Json]]:
    """new / fixed / unchanged, by fingerprint as a multiset (the after side's object for
    unchanged findings: its message has today's numbers)."""
    left = Counter(f["fingerprint"] for f in before)
    new, unchanged = [], []
    for f in after:
        if left[f["fingerprint"]] > 0:
            left[f["fingerprint"]] -= 1
            unchanged.append(f)
        else:
            new.append(f)
    fixed = []
    for f in reversed(before):  # the last ones of a repeated fingerprint are the unmatched ones
        if left[f["fingerprint"]] > 0:
            left[f["fingerprint"]] -= 1
            fixed.append(f)
    return {"new": new, "fixed": list(reversed(fixed)), "unchanged": unchanged}


def _owned(doc: Mapping[str, Any]) -> tuple[dict[ClusterKey, list[Json]], list[Json]]:
    """Each cluster's findings, and the report's findings no cluster lists (a parse error...)."""
    per: dict[ClusterKey, list[Json]] = {}
    placed: Counter[str] = Counter()
    for key, (_, c) in _clusters(doc).items():
        per[key] = list(c.get("findings", []))
        placed.update(f["fingerprint"] for f in per[key])
    rest = []
    for f in doc.get("findings", []):
        if placed[f["fingerprint"]] > 0:
            placed[f["fingerprint"]] -= 1
        else:
            rest.append(f)
    return per, rest


def counts(findings: Iterable[Json]) -> dict[str, int]:
    """Findings by severity, suppressed ones apart (as the report's ``summary``)."""
    out = {"error": 0, "warning": 0, "info": 0, "suppressed": 0}
    for f in findings:
        out["suppressed" if f.get("suppression") else f["severity"]] += 1
    return out


def compare(before: Mapping[str, Any], after: Mapping[str, Any], *, ref: str, commit: str) -> Json:
    """The ``delta`` section: ``before`` is the report of the tree at ``ref`` (``commit``),
    ``after`` the working tree's."""
    b_clusters, a_clusters = _clusters(before), _clusters(after)
    b_found, b_rest = _owned(before)
    a_found, a_rest = _owned(after)
    clusters = []
    for key in [*a_clusters, *(k for k in b_clusters if k not in a_clusters)]:
        b_unit, b = b_clusters.get(key, (None, None))
        a_unit, a = a_clusters.get(key, (None, None))
        unit = a_unit or b_unit
        assert unit is not None  # the key came from one side
        entry: Json = {
            "unit": {"kind": unit["kind"], "path": unit["path"]},
            "name": _get(a, "name") or _get(b, "name"),
            "address": _get(a, "address") if a is not None else _get(b, "address"),
        }
        if unit.get("branch"):
            entry["unit"]["branch"] = unit["branch"]
        entry["total_max_nodes"] = pair(_get(b, "total_max_nodes"), _get(a, "total_max_nodes"))
        entry["max_nodes_supported"] = {d: pair(_ceiling(b, d), _ceiling(a, d)) for d in DENSITIES}
        entry["subnets"] = _subnets(b, a)
        entry["node_groups"] = _node_groups(b, a)
        entry["findings"] = _match(b_found.get(key, []), a_found.get(key, []))
        changed = (
            _numbers_changed(entry)
            or bool(entry["findings"]["new"] or entry["findings"]["fixed"])
            or any(r["status"] != "unchanged" for r in (*entry["subnets"], *entry["node_groups"]))
        )
        entry["status"] = _status(b, a, changed)
        clusters.append(entry)
    other = _match(b_rest, a_rest)
    every = {s: [f for c in clusters for f in c["findings"][s]] + other[s] for s in FINDING_STATES}
    delta: Json = {
        "compare_to": ref,
        "base_commit": commit,
        "verdict": "",
        "summary": {
            "clusters": {s: sum(1 for c in clusters if c["status"] == s) for s in CLUSTER_STATES},
            **{s: counts(every[s]) for s in FINDING_STATES},
        },
        "clusters": clusters,
        "other_findings": other,
    }
    delta["verdict"] = verdict(delta)
    return delta


def _numbers_changed(entry: Mapping[str, Any]) -> bool:
    return any(p["before"] != p["after"] for p in _cluster_pairs(entry))


def _cluster_pairs(entry: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield entry["total_max_nodes"]
    yield from entry["max_nodes_supported"].values()


def _num(v: Any) -> str:
    return f"{v:,}" if isinstance(v, int) else "an unknown number"


def _findings_phrase(findings: Mapping[str, list[Json]]) -> str:
    parts = []
    for state in ("new", "fixed"):
        live = [f for f in findings[state] if not f.get("suppression")]
        if live:
            rules = sorted({f["rule_id"] for f in live})
            worst = next(s for s in ("error", "warning", "info") if any(f["severity"] == s for f in live))
            noun = (
                worst
                if len(live) == 1
                else f"{worst}s"
                if all(f["severity"] == worst for f in live)
                else "findings"
            )
            parts.append(f"{len(live)} {state} {noun} ({', '.join(rules)})")
    return ", ".join(parts)


def cluster_phrase(c: Mapping[str, Any]) -> str:
    """What the change does to one cluster, starting with a verb: "lowers cluster prod's node
    ceiling from 48 to 33; max size is 80"."""
    name = f"cluster {c['name']}"
    ceiling, size = c["max_nodes_supported"]["floor"], c["total_max_nodes"]
    if c["status"] == "added":
        return (
            f"adds {name} (max size {_num(size['after'])}; its subnets hold {_num(ceiling['after'])} nodes)"
        )
    if c["status"] == "removed":
        return f"removes {name}"
    parts = []
    if ceiling["before"] != ceiling["after"]:
        verb = "lowers" if (_diff(ceiling) or 0) < 0 else "raises"
        parts.append(
            f"{verb} {name}'s node ceiling from {_num(ceiling['before'])} to {_num(ceiling['after'])}"
        )
    if size["before"] != size["after"]:
        verb = "lowers" if (_diff(size) or 0) < 0 else "raises"
        whose = "its" if parts else f"{name}'s"
        parts.append(f"{verb} {whose} max size from {_num(size['before'])} to {_num(size['after'])}")
    if not parts:
        text = f"keeps {name}'s node ceiling ({_num(ceiling['after'])}) and max size ({_num(size['after'])})"
    elif ceiling["before"] != ceiling["after"] and size["before"] == size["after"]:
        text = " and ".join(parts) + f"; max size is {_num(size['after'])}"
    elif ceiling["before"] == ceiling["after"]:
        text = " and ".join(parts) + f"; its subnets hold {_num(ceiling['after'])} nodes"
    else:
        text = " and ".join(parts)
    found = _findings_phrase(c["findings"])
    return text + (f": {found}" if found else "")


def verdict(delta: Mapping[str, Any]) -> str:
    """One sentence, first in every delta report: what the change does to each cluster it
    changes, the numbers at 1 pod per node (the floor, where a shortfall is certain)."""
    changed = [c for c in delta["clusters"] if c["status"] != "unchanged"]
    other = _findings_phrase(delta["other_findings"])
    if not changed and not other:
        n = len(delta["clusters"])
        return f"This change does not change the IP capacity or the findings of the {n} cluster{'s' if n != 1 else ''} checked."
    phrases = [cluster_phrase(c) for c in changed]
    if other:
        phrases.append(f"outside any cluster: {other}")
    return "This change " + "; it also ".join(phrases) + "."
