"""Node pools of a manifests file attached to the unit whose subnets they select.

A plain YAML file of NodePools and EC2NodeClasses (kinds/kubernetes_manifests.py) names no
cluster and declares no subnet: the subnets its NodeClasses select by tag or id are declared by a
Terraform module, a template or a ClusterConfig elsewhere in the scan. Its pools and classes are
moved to the one unit with a cluster whose declared subnets some NodeClass of the file selects;
when no unit or several do, they stay in their own unit, which reports them with why their
subnets are unknown (or, several, an Unresolved naming the candidates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from eks_ip_lint.facts.model import Facts, NodeClassFact, Unresolved
from eks_ip_lint.facts.selector_terms import select
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Cause, Unknown


def _selects(c: NodeClassFact, facts: Facts) -> bool:
    found = False
    for terms in (c.subnet_terms, c.pod_subnet_terms):
        if terms is None or isinstance(terms, Unknown):
            continue
        found = found or bool(select(terms, facts.subnets).matched)
    return found


def link_node_pools(units: Sequence[Facts]) -> dict[int, Facts]:
    """The units this changes, by index, as new Facts (the given ones are left as they were)."""
    changed: dict[int, Facts] = {}

    def current(i: int) -> Facts:
        return changed.get(i, units[i])

    for i, facts in enumerate(units):
        if facts.clusters or not (facts.node_pools or facts.node_classes):
            continue
        targets = [
            j
            for j, other in enumerate(units)
            if j != i and other.clusters and any(_selects(c, other) for c in facts.node_classes)
        ]
        if len(targets) == 1:
            j = targets[0]
            target = current(j)
            cluster_ref = target.clusters[0].refs[0] if len(target.clusters) == 1 else None
            changed[j] = replace(
                target,
                node_pools=[
                    *target.node_pools,
                    *(replace(p, cluster_ref=cluster_ref) for p in facts.node_pools),
                ],
                node_classes=[*target.node_classes, *facts.node_classes],
            )
            changed[i] = replace(current(i), node_pools=[], node_classes=[])
        elif len(targets) > 1:
            where = facts.node_classes[0].span if facts.node_classes else SourceSpan(facts.unit, 1)
            changed[i] = replace(
                current(i),
                unresolved=[
                    *current(i).unresolved,
                    Unresolved(
                        f"the cluster of the node pools in {facts.unit}",
                        "their NodeClasses select subnets declared in "
                        + ", ".join(units[j].unit for j in targets)
                        + ", so they are attached to none",
                        where,
                        cause=Cause.CLUSTER_AMBIGUOUS,
                    ),
                ],
            )
    return changed
