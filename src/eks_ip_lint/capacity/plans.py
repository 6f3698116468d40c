"""Numbers a combined fix for a cluster needs: how many nodes some of its node groups can have
together, and one way to split them.

EKSIP101/102 report the node groups that exhaust shared subnets as one finding per cluster, with
one plan for all of them: the largest total node count of those groups that fits (grown together
in proportion to their max sizes, beside every other node group at its max size:
placement.cluster_supported), and a split of it. The rules verify every option by re-analysis
(what_if.py) before offering it; this module only proposes.
"""

from __future__ import annotations

from collections.abc import Sequence

from eks_ip_lint.capacity import placement
from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.records import ClusterCapacity, Density, NodeGroupCapacity
from eks_ip_lint.values import Unknown


def scaled_total(
    cluster: ClusterCapacity, groups: Sequence[NodeGroupCapacity], density: Density
) -> int | Unknown:
    """Largest total node count of ``groups`` (of ``cluster``) grown together in proportion to
    their max sizes at ``density``, beside every other node group at its max size."""
    members: list[placement.Member | Unknown] = []
    for g in groups:
        node = g.at[density].node
        if g.problem is not None or not isinstance(node, NodeIps) or isinstance(g.max_size, Unknown):
            why = g.problem or (node if isinstance(node, Unknown) else g.max_size)
            assert isinstance(why, Unknown)
            members.append(Unknown(f"node group {g.fact.address}: {why.reason}", cause=why.cause))
            continue
        members.append(placement.Member(g.fact.address, g.subnets, g.pod_subnets, node, g.max_size))
    demand = {s.fact.address: s.demand[density] for s in cluster.subnets}
    usable = {s.fact.address: s.usable for s in cluster.subnets}
    return placement.cluster_supported(members, demand, usable)


def split(total: int, maxes: Sequence[int]) -> list[int]:
    """``total`` nodes over groups of max sizes ``maxes``: in proportion (largest remainder),
    except that no group with a max size above 0 is left at 0 while another has more than one
    (a system group of a few nodes is needed whatever the others do, and cannot make room by
    disappearing): such a group takes a node from the largest share. Never more than a group's
    max size."""
    out = placement.shares(min(total, sum(maxes)), maxes)
    for i, m in enumerate(maxes):
        if m > 0 and out[i] == 0:
            j = max(range(len(out)), key=lambda k: (out[k], -k))
            if out[j] <= 1:
                break
            out[j] -= 1
            out[i] = 1
    return out
