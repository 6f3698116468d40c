"""What a run checked and what it did not: coverage is a result, reported like a finding.

A run that could not compute a node group (an instance type not in the table, a max size from a
variable without a value, subnets declared where the tool cannot see them) used to look green: the
group was simply absent from every sum. Each thing whose IPs the analysis should have counted is
one :class:`CheckedItem`, checked or not with the reason, so every report can say
"3 of 5 node groups checked; not checked: workers (instance type m5.4xlarg unknown)".

The record is generic on purpose: node groups are the first kind; Karpenter node pools and Fargate
profiles add their rows by appending a function to :data:`ITEM_SOURCES` that yields their items
for a cluster, and every report and ``--fail-on-unchecked`` take them from there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from eks_ip_lint.capacity.records import ClusterCapacity, Density, NodeGroupCapacity, UnitCapacity
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Unknown

NODE_GROUP = "node group"
NODE_POOL = "node pool"
CLUSTER = "cluster"


@dataclass(frozen=True)
class CheckedItem:
    """One thing the analysis should count: checked, or not with the reason."""

    kind: str  # "node group"; "node pool", "Fargate profile" when those kinds report; "cluster"
    name: str  # as users write it: the for_each key or the resource name ("general", "workers")
    address: str  # the full address or logical ID
    cluster: str
    span: SourceSpan
    not_checked: str | None = None  # why it was not checked; None: it was

    @property
    def checked(self) -> bool:
        return self.not_checked is None


def short_name(address: str) -> str:
    """The name users write: the last for_each key (``module.eks.module.eks_managed_node_group
    ["general"].aws_eks_node_group.this[0]`` -> ``general``), else the last resource name
    (``aws_eks_node_group.workers`` -> ``workers``; a CloudFormation logical ID stays as it is)."""
    keys = re.findall(r'\["([^"]+)"\]', address)
    if keys:
        return str(keys[-1])
    last = address.rsplit(".", 1)[-1]
    return last or address


def node_group_items(cluster: ClusterCapacity, unit: UnitCapacity) -> Iterable[CheckedItem]:
    typos = {fact.address: (t, hints) for fact, t, hints in unit.unknown_instance_types}
    room = {s.fact.address: s.usable for s in cluster.subnets}
    for g in cluster.node_groups:
        yield CheckedItem(
            NODE_GROUP,
            short_name(g.fact.address),
            g.fact.address,
            cluster.name,
            g.fact.span,
            _why_not(g, typos.get(g.fact.address), room),
        )


def _why_not(
    g: NodeGroupCapacity, typo: tuple[str, tuple[str, ...]] | None, room: dict[str, int | Unknown]
) -> str | None:
    """Why the group's numbers are not all known, in a few words; None when they are."""
    if g.instance_type is None and typo is not None:
        t, hints = typo
        return f"instance type {t} unknown" + (f", did you mean {hints[0]}?" if hints else "")
    if g.problem is not None:
        return g.problem.reason
    if isinstance(g.max_size, Unknown):
        return f"max size unknown: {g.max_size.reason}"
    for s in g.subnets:
        usable = room.get(s.address)
        if isinstance(usable, Unknown):
            return f"subnet {s.address}: {usable.reason}"
    for d in (Density.FLOOR, Density.CONFIGURED):
        at = g.at[d]
        for value in (at.node, at.supported):
            if isinstance(value, Unknown):
                return f"{d.value} density: {value.reason}"
    return None


def _empty_cluster(cluster: ClusterCapacity) -> CheckedItem:
    return CheckedItem(
        CLUSTER,
        cluster.name,
        cluster.address or cluster.name,
        cluster.name,
        cluster.span,
        "no node groups found for it: nothing of its nodes was checked",
    )


def node_pool_items(cluster: ClusterCapacity, unit: UnitCapacity) -> Iterable[CheckedItem]:
    """Karpenter and Auto Mode pools: checked when their subnets' room is known (an unbounded
    pool is checked too: the report gives the nodes its subnets hold)."""
    for p in cluster.node_pools:
        why: str | None = p.problem.reason if p.problem is not None else None
        if why is None:
            for d in (Density.FLOOR, Density.CONFIGURED):
                value = p.at[d].room_total
                if isinstance(value, Unknown):
                    why = f"{d.value} density: {value.reason}"
                    break
        name = p.fact.name if isinstance(p.fact.name, str) else p.fact.address
        yield CheckedItem(NODE_POOL, name, p.fact.address, cluster.name, p.fact.span, why)


# Each function yields the items of one kind for a cluster. Fargate profiles append theirs here.
ITEM_SOURCES: list[Callable[[ClusterCapacity, UnitCapacity], Iterable[CheckedItem]]] = [
    node_group_items,
    node_pool_items,
]


def unit_coverage(unit: UnitCapacity) -> list[CheckedItem]:
    """Every item of every cluster of the unit; a cluster with none is itself an unchecked item."""
    out: list[CheckedItem] = []
    for cluster in unit.clusters:
        items = [item for source in ITEM_SOURCES for item in source(cluster, unit)]
        out.extend(items or [_empty_cluster(cluster)])
    return out


def uncounted_groups(cluster: ClusterCapacity, subnet: str) -> tuple[str, ...]:
    """Node groups placed (or meant to be placed) in ``subnet`` whose demand is in no total there:
    those that could not be analysed. A subnet's demand with such a group is a lower bound, and a
    report shows it as not known rather than as the number it has."""
    out = []
    for g in cluster.node_groups:
        if subnet not in {s.address for s in g.subnets}:
            continue
        if g.problem is not None or isinstance(g.max_size, Unknown) or not g.nodes_at_max:
            out.append(g.fact.address)
    return tuple(out)
