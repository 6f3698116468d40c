"""Which cluster a node group, CNI source or ENIConfig belongs to, when its reference names several.

A reference such as ``cluster_name = aws_eks_cluster.c.name`` evaluates to the cluster's name. A
local module called twice (two regions through provider aliases, two environments) declares two
clusters that may carry the same name, and both node groups' references then equal both
clusters' names. Terraform links each node group to the cluster of its own module instance (the
reference is to ``aws_eks_cluster.c`` of that instance); the name alone cannot say which, so the
module address decides: among the clusters the reference matches, the one whose module path
shares the longest prefix with the referring resource's is its cluster. The reference is then
replaced by that cluster's own symbolic identity, so that it matches that cluster only. When
several clusters tie, nothing is guessed: the reference is left as it was and an Unresolved says
which clusters it could be.
"""

from __future__ import annotations

import re
from dataclasses import replace

from eks_ip_lint.facts.model import ClusterFact, Facts, Unresolved, same_ref
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Cause, Unknown, Value

# One module step of a resource address: module.NAME, with an optional [index] or ["key"].
_MODULE_STEP = re.compile(r'module\.[A-Za-z0-9_-]+(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?\.')


def module_path(address: str) -> tuple[str, ...]:
    """The module instances an address is inside: ``module.a["x"].module.b.aws_x.y`` ->
    ``('module.a["x"]', 'module.b')``."""
    steps: list[str] = []
    pos = 0
    while m := _MODULE_STEP.match(address, pos):
        steps.append(m.group(0)[:-1])
        pos = m.end()
    return tuple(steps)


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _own_ref(cluster: ClusterFact) -> Value:
    """A reference that denotes this cluster and no other: its first symbolic identity."""
    for r in cluster.refs:
        if isinstance(r, Unknown) and r.key is not None:
            return r
    return None


def bind(ref: Value, address: str, span: SourceSpan, facts: Facts) -> Value:
    """``ref`` narrowed to one cluster when it matches several (see the module docstring)."""
    matches = [c for c in facts.clusters if any(same_ref(ref, r) for r in c.refs)]
    if len(matches) < 2:
        return ref
    here = module_path(address)
    scores = [_shared(here, module_path(c.address)) for c in matches]
    best = [c for c, s in zip(matches, scores, strict=True) if s == max(scores)]
    own = _own_ref(best[0]) if len(best) == 1 else None
    if own is not None:
        return own
    facts.unresolved.append(
        Unresolved(
            f"the cluster of {address}",
            f"its cluster reference matches {len(matches)} clusters "
            f"({', '.join(c.address for c in matches)}) and none of them is in its own module",
            span,
            address,
            cause=Cause.CLUSTER_AMBIGUOUS,
        )
    )
    return ref


def bind_all(facts: Facts) -> None:
    """Narrow the cluster references of every node group, CNI source and ENIConfig of ``facts``."""
    if len(facts.clusters) < 2:
        return
    facts.node_groups = [
        replace(g, cluster_ref=bind(g.cluster_ref, g.address, g.span, facts)) for g in facts.node_groups
    ]
    facts.cni_sources = [
        replace(c, cluster_ref=bind(c.cluster_ref, c.address, c.span, facts)) for c in facts.cni_sources
    ]
    facts.eniconfigs = [
        replace(e, cluster_ref=bind(e.cluster_ref, e.address, e.span, facts)) for e in facts.eniconfigs
    ]
