"""Facts that cross units: subnets selected by data sources (facts/subnet_lookups.py), and a CNI
add-on of one root module applied to the cluster of another."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from eks_ip_lint.facts import subnet_lookups
from eks_ip_lint.facts.model import CniSource, Facts, Unresolved, same_ref
from eks_ip_lint.values import Cause


def link_across_units(units: Sequence[Facts]) -> dict[int, Facts]:
    """Apply a CNI add-on of one root module to the cluster another root module declares.

    Repositories split the cluster and its add-ons into separate root modules
    (``network/``, ``eks/``, ``addons/``); an ``aws_eks_addon`` "vpc-cni" in ``addons/`` names
    its cluster by a value known statically (a literal, a variable default,
    ``data.aws_eks_cluster.x.name`` with a literal ``name``). A CNI source whose cluster reference
    matches no cluster of its own unit is applied to the cluster of another unit with that known
    name, after that cluster's own carriers (the add-on's root module is applied once the cluster
    exists), and the report names the file it came from. A name declared by clusters in several
    other units is ambiguous: an Unresolved says so instead of picking one. Unknown references
    (remote state outputs) and Kubernetes-side carriers (which name no cluster) are not linked.

    Returns the units it changes, by index, as new Facts; the given ones are left as they were
    (the unit cache keeps each unit's own facts, and links again every run).
    """
    # Subnets named through data sources first: an add-on's cluster does not depend on them.
    looked_up = subnet_lookups.resolve(units)
    units = [looked_up.get(i, u) for i, u in enumerate(units)]
    sources: dict[int, list[CniSource]] = {}
    unresolved: dict[int, list[Unresolved]] = {}
    for i, facts in enumerate(units):
        for src in facts.cni_sources:
            ref = src.cluster_ref
            if not isinstance(ref, str) or not ref:
                continue
            if any(same_ref(ref, r) for c in facts.clusters for r in c.refs):
                continue
            targets = [
                j for j, other in enumerate(units) if j != i and any(c.name == ref for c in other.clusters)
            ]
            if len(targets) == 1:
                sources.setdefault(targets[0], []).append(
                    replace(src, description=f"{src.description} (from {src.span.path}, another root module)")
                )
            elif len(targets) > 1:
                unresolved.setdefault(i, []).append(
                    Unresolved(
                        f"the cluster that {src.address} configures",
                        f"cluster {ref} is declared in {len(targets)} root modules "
                        f"({', '.join(units[j].unit for j in targets)}), so this add-on is applied to none of them",
                        src.span,
                        src.address,
                        cause=Cause.CLUSTER_AMBIGUOUS,
                    )
                )
    return {
        i: replace(
            units[i],
            cni_sources=[*units[i].cni_sources, *sources.get(i, [])],
            unresolved=[*units[i].unresolved, *unresolved.get(i, [])],
        )
        for i in sorted(sources.keys() | unresolved.keys() | looked_up.keys())
    }
