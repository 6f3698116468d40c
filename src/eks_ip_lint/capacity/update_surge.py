"""Managed node group update surge: the nodes EKS launches beside the old ones during an update.

capacity-beyond-node-groups.md §6 (EKS User Guide ``managed-node-update-behavior``, [doc]):
during an update EKS raises the Auto Scaling group's max and desired size by the larger of twice
the number of AZs the group is in and its max unavailable; new nodes launch in the AZ of the nodes
they replace, up to 2 per AZ. max unavailable defaults to 1. ``update_strategy = MINIMAL``
terminates the old nodes first, so it adds none.

```
mu      = max_unavailable
        | ceil(max_unavailable_percentage / 100 x max_size)   (desired = max size: the worst case;
                                                              EKS's rounding is undocumented, ceil)
        | 1
surge   = 0 with MINIMAL, else max(2 x AZs, mu)
per AZ  = 2        when mu <= 2 x AZs (the surge is 2 per AZ)
        = surge    otherwise (conservative: where the nodes being replaced are is not known)
```

A subnet's need during an update is the demand at max size (every group and consumer) plus
``per AZ`` more nodes of this group at the same density in that subnet, its worst case when its AZ
has several (the nodes each take ``charges`` as in placement.py, custom networking included).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from eks_ip_lint.capacity import subnets
from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.node_groups import SizedGroup
from eks_ip_lint.capacity.placement import SpreadPlan, charges, largest_true
from eks_ip_lint.capacity.records import DENSITIES, Density, SurgeShortfall, UpdateSurge
from eks_ip_lint.values import Cause, Unknown

API_DEFAULT_MAX_UNAVAILABLE = 1  # EKS UpdateNodegroupConfig: maxUnavailable defaults to 1 node
SURGE_PER_AZ = 2  # "up to twice the number of Availability Zones", new nodes in the replaced ones' AZ


def max_unavailable(g: SizedGroup) -> tuple[int | Unknown, str]:
    """(max unavailable during an update, where it comes from)."""
    uc = g.fact.update_config
    if uc is not None and uc.max_unavailable is not None:
        return uc.max_unavailable, "set in the group"
    if uc is not None and uc.max_unavailable_percentage is not None:
        pct = uc.max_unavailable_percentage
        origin = f"; {uc.source}" if uc.source else ""
        if isinstance(pct, Unknown):
            return pct, f"a percentage{origin}"
        if isinstance(g.fact.max_size, Unknown):
            why = Unknown(f"max size is unknown: {g.fact.max_size.reason}", cause=g.fact.max_size.cause)
            return why, f"{pct} % of max size{origin}"
        return math.ceil(
            pct * g.fact.max_size / 100
        ), f"{pct} % of max size {g.fact.max_size}, rounded up{origin}"
    return API_DEFAULT_MAX_UNAVAILABLE, "EKS's default"


def update_surge(
    g: SizedGroup,
    demand: Mapping[Density, Mapping[str, int | Unknown]],
    own: Mapping[Density, Mapping[str, Mapping[str, int] | Unknown]],
    usable: Mapping[str, int | Unknown],
) -> UpdateSurge | None:
    """The update surge of a managed group that is placed (``own`` has its charges at max size),
    against ``demand`` at max size; None for other groups."""
    if g.fact.kind != "managed" or g.problem is not None or not isinstance(g.fact.max_size, int):
        return None
    azs = len({subnets.az_label(s) for s in g.subnets})
    if azs == 0:
        return None
    uc = g.fact.update_config
    strategy = uc.strategy if uc is not None else None
    mu, source = max_unavailable(g)
    span = uc.span if uc is not None else None
    if isinstance(strategy, Unknown):
        why = Unknown(f"update_strategy is unknown: {strategy.reason}", cause=strategy.cause)
        return UpdateSurge(
            "", mu, source, azs, why, why, span, dict.fromkeys(DENSITIES, why), dict.fromkeys(DENSITIES, why)
        )
    if strategy == "MINIMAL":
        return UpdateSurge("MINIMAL", mu, source, azs, 0, 0, span, dict.fromkeys(DENSITIES, ()), {})
    if isinstance(mu, Unknown):
        why = Unknown(f"max unavailable is unknown: {mu.reason}", cause=mu.cause)
        return UpdateSurge(
            "DEFAULT",
            mu,
            source,
            azs,
            why,
            why,
            span,
            dict.fromkeys(DENSITIES, why),
            dict.fromkeys(DENSITIES, why),
        )
    surge = max(SURGE_PER_AZ * azs, mu)
    per_az = SURGE_PER_AZ if mu <= SURGE_PER_AZ * azs else surge
    short: dict[Density, tuple[SurgeShortfall, ...] | Unknown] = {}
    largest: dict[Density, int | Unknown] = {}
    for d in DENSITIES:
        node = g.nodes[d]
        mine = own[d].get(g.fact.address)
        if isinstance(node, Unknown) or isinstance(mine, Unknown) or mine is None:
            why = Unknown(
                f"{d.value} density unknown",
                cause=node.cause if isinstance(node, Unknown) else Cause.NOT_DECLARED,
            )
            short[d] = largest[d] = why
            continue
        others: dict[str, int] = {}
        unknown = None
        for addr, total in demand[d].items():
            if isinstance(total, Unknown):
                unknown = total
                break
            others[addr] = total - mine.get(addr, 0)
        if unknown is not None:
            short[d] = largest[d] = Unknown(
                f"another demand in a shared subnet is unknown: {unknown.reason}", cause=unknown.cause
            )
            continue
        check = _Check(g, node, per_az, others, usable)
        short[d] = check.shortfalls(g.fact.max_size)
        if not short[d]:
            largest[d] = g.fact.max_size
        elif check.shortfalls(0):
            largest[d] = 0
        else:  # shortfalls only grow with the node count (placement is monotone): bisect
            largest[d] = largest_true(check.fits, 0, g.fact.max_size)
    return UpdateSurge("DEFAULT", mu, source, azs, surge, per_az, span, short, largest)


class _Check:
    """Does the group at ``m`` nodes plus ``per_az`` new nodes in any one AZ fit its subnets?"""

    def __init__(
        self,
        g: SizedGroup,
        node: NodeIps,
        per_az: int,
        others: Mapping[str, int],
        usable: Mapping[str, int | Unknown],
    ) -> None:
        self.g, self.node, self.per_az, self.others, self.usable = g, node, per_az, others, usable
        self.plan = SpreadPlan(g.subnets)

    def fits(self, m: int) -> bool:
        return not self.shortfalls(m)

    def shortfalls(self, m: int) -> tuple[SurgeShortfall, ...]:
        base, _ = charges(self.plan.place(m), self.node, self.g.pod_subnets)
        worst: dict[str, int] = {}
        for s in self.g.subnets:  # the AZ's new nodes all in s: its worst case
            extra, _ = charges({s.address: self.per_az}, self.node, self.g.pod_subnets)
            for addr, ips in extra.items():
                room = self.usable.get(addr)
                need = self.others.get(addr, 0) + base.get(addr, 0) + ips
                if isinstance(room, int) and need > room:
                    worst[addr] = max(worst.get(addr, 0), need)
        return tuple(
            SurgeShortfall(addr, need, room)
            for addr, need in worst.items()
            if isinstance(room := self.usable.get(addr), int)
        )
