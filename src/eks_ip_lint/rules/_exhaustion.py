"""Shared by EKSIP101 (floor) and EKSIP102 (configured density): which node groups exhaust their
subnets at max size, the words for it, and the plan that removes it.

One finding per cluster and density: a single group is reported at its max-size line; two or more
(node groups sharing subnets, typically) are reported together at the cluster, with each group's
max-size line as a related location, because no group's own numbers can fix subnets the others
fill too. The plan offers, each only once the model's re-analysis (``RuleContext.what_if``)
confirms it:

* VPC CNI settings that fit (a low-waste warm pool);
* the subnet size that fits;
* the largest node count that fits: the group's own max size, or for several groups the largest
  total grown in proportion to their max sizes (capacity/plans.py) and one split of it.

A fix of the floor that leaves the configured density exhausted says so, with what that density
still needs; options that fix both come first. No option ever lowers a max size to 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eks_ip_lint.capacity import consumers, plans, subnets
from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.capacity.records import (
    ClusterCapacity,
    Density,
    Exhaustion,
    NodeGroupCapacity,
    SubnetCapacity,
    UnitCapacity,
)
from eks_ip_lint.findings import Finding, RelatedLocation
from eks_ip_lint.rules._base import Rule, RuleContext
from eks_ip_lint.rules._format import n
from eks_ip_lint.values import Unknown

# A low-waste warm pool: 2 spare IPs, never fewer than 10 allocated. WARM_IP_TARGET avoids the
# MINIMUM-only trap (EKSIP201); 10 keeps small bursts served without an EC2 call
# (aws/amazon-vpc-cni-k8s docs/eni-and-ip-target.md discusses exactly these two knobs).
SUGGESTED_ENV = {"WARM_IP_TARGET": "2", "MINIMUM_IP_TARGET": "10"}

# How many prefix lengths beyond the computed one the subnet option tries: growing a subnet can
# move where the spread puts the odd nodes (placement.py), so the first size is checked, not assumed.
_SUBNET_TRIES = 3


def exhausting(cluster: ClusterCapacity, density: Density) -> list[NodeGroupCapacity]:
    """The cluster's node groups whose nodes exhaust a subnet at max size at ``density``. At the
    configured density a group that already fails at the floor is left out: EKSIP101 reports it,
    with what its configured density needs (one finding per cause)."""
    out = []
    for g in cluster.node_groups:
        at = g.at[density]
        if at.exhaustion is None or isinstance(at.node, Unknown):
            continue
        if density is Density.CONFIGURED and g.at[Density.FLOOR].exhaustion is not None:
            continue
        out.append(g)
    return out


def exhausted_subnets(
    cluster: ClusterCapacity, groups: Sequence[NodeGroupCapacity], density: Density
) -> tuple[SubnetCapacity, ...]:
    """The subnets any of ``groups`` exhausts at ``density``, in the cluster's subnet order."""
    bad = {s.fact.address for g in groups if (ex := g.at[density].exhaustion) is not None for s in ex.subnets}
    return tuple(s for s in cluster.subnets if s.fact.address in bad)


def node_of(g: NodeGroupCapacity, density: Density) -> NodeIps:
    """The node of a group :func:`exhausting` returned (its node is known there)."""
    node = g.at[density].node
    assert isinstance(node, NodeIps)
    return node


def exhaustion_finding(
    rule: Rule, cluster: ClusterCapacity, groups: Sequence[NodeGroupCapacity], message: str, fix: str
) -> Finding:
    """EKSIP101/102's finding: one group's at its max-size line; several groups sharing subnets
    get one at the cluster, with each group's max-size line as a related location."""
    if len(groups) == 1:
        g = groups[0]
        return rule.finding(
            message, g.fact.max_size_span, address=g.fact.address, cluster=cluster.name, fix=fix
        )
    return rule.finding(
        message, cluster.span, address=cluster.address, cluster=cluster.name, fix=fix, related=related(groups)
    )


def related(groups: Sequence[NodeGroupCapacity]) -> tuple[RelatedLocation, ...]:
    return tuple(
        RelatedLocation(
            g.fact.max_size_span, f"node group {g.fact.address}: max size {n(g.max_size)}", g.fact.address
        )
        for g in groups
    )


def describe_subnets(ex: Exhaustion | Sequence[SubnetCapacity], density: Density) -> str:
    parts = []
    for s in ex.subnets if isinstance(ex, Exhaustion) else ex:
        cidr = s.fact.cidr if isinstance(s.fact.cidr, str) else "unknown CIDR"
        groups = len(s.node_groups)
        shared = "" if groups <= 1 else f", shared by {groups} node groups"
        # Other consumers (endpoints, NAT gateways...) are part of the demand: say what they take.
        others = f", of which {consumers.summary(s.others, density)}" if s.others else ""
        parts.append(
            f"{s.fact.address} ({cidr}, {n(s.usable)} usable IPs{shared}) needs {n(s.demand[density])}{others}"
        )
    return "; ".join(parts)


# --- the plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    text: str
    fixes_configured: bool  # at the floor: the configured density fits too after this change


def suggest_fix(
    ctx: RuleContext, cluster: ClusterCapacity, groups: Sequence[NodeGroupCapacity], density: Density
) -> str:
    """Every verified option, those that fix the configured density too first, joined by "; or "."""
    options = [
        o
        for o in (
            _cni_option(ctx, cluster, groups, density),
            _subnet_option(ctx, cluster, groups, density),
            _size_option(ctx, cluster, groups, density),
        )
        if o is not None
    ]
    options.sort(key=lambda o: not o.fixes_configured)  # stable: the order above within each kind
    return "; or ".join(o.text for o in options)


def _fixed(after: UnitCapacity, groups: Sequence[NodeGroupCapacity], density: Density) -> bool:
    """True when none of ``groups`` exhausts a subnet at ``density`` in the re-analysed unit."""
    for g in groups:
        again = after.node_group(g.fact.address)
        if again is None or again.at[density].exhaustion is not None:
            return False
    return True


def _configured_known(groups: Sequence[NodeGroupCapacity]) -> bool:
    return all(isinstance(g.at[Density.CONFIGURED].node, NodeIps) for g in groups)


def _still_needs(after: UnitCapacity, cluster: str, groups: Sequence[NodeGroupCapacity]) -> str:
    """What the configured density still needs once a floor fix is applied: its IPs per node, the
    subnet that falls shortest and the size it would need, and the nodes the subnets hold."""
    again = [a for g in groups if (a := after.node_group(g.fact.address)) is not None]
    worst: SubnetCapacity | None = None
    for c in after.clusters:
        if c.name != cluster:
            continue
        for s in exhausted_subnets(c, again, Density.CONFIGURED):
            d, u = s.demand[Density.CONFIGURED], s.usable
            if isinstance(d, int) and isinstance(u, int) and (worst is None or d - u > _short(worst)):
                worst = s
    words: dict[str, list[str]] = {}
    for a in again:
        said = (
            f"{n(a.at[Density.CONFIGURED].pods)} pods per node take {_ips(a.at[Density.CONFIGURED].node)} IPs"
        )
        words.setdefault(said, []).append(a.fact.address)
    per_node = ", ".join(
        said if len(words) == 1 else f"{said} in {', '.join(addrs)}" for said, addrs in words.items()
    )
    held = (
        f"these subnets hold {n(again[0].at[Density.CONFIGURED].supported)} such nodes"
        if len(again) == 1
        else f"these subnets hold {n(_cluster_of(after, cluster).supported[Density.CONFIGURED])} such nodes in all"
    )
    text = f"fits the floor only: at the configured density {per_node}"
    if worst is not None:
        d = worst.demand[Density.CONFIGURED]
        assert isinstance(d, int) and isinstance(worst.usable, int)
        reserved = subnets.usable_ips(worst.prefixlen) - worst.usable if worst.prefixlen is not None else 0
        text += (
            f"; {worst.fact.address} still needs {d:,} of its {worst.usable:,} usable IPs "
            f"(a /{subnets.smallest_prefix_for(d + reserved)})"
        )
    return f"{text}; {held}"


def _short(s: SubnetCapacity) -> int:
    d, u = s.demand[Density.CONFIGURED], s.usable
    return d - u if isinstance(d, int) and isinstance(u, int) else 0


def _cluster_of(unit: UnitCapacity, name: str) -> ClusterCapacity:
    return next(c for c in unit.clusters if c.name == name)


def _ips(node: NodeIps | Unknown) -> str:
    return "unknown" if isinstance(node, Unknown) else f"{node.total_ips:,}"


def _cni_option(
    ctx: RuleContext, cluster: ClusterCapacity, groups: Sequence[NodeGroupCapacity], density: Density
) -> _Option | None:
    already = all(cluster.cni.env.get(k) == v for k, v in SUGGESTED_ENV.items())
    if already or cluster.ip_family == "ipv6":
        return None
    after = ctx.what_if.with_env(cluster.name, SUGGESTED_ENV)
    if not _fixed(after, groups, density):
        return None
    where = cluster.cni.settings_where or "the vpc-cni add-on env"
    again = [a for g in groups if (a := after.node_group(g.fact.address)) is not None]
    if len(again) == 1:
        [a] = again
        what = (
            f"the {density.value} drops to {_ips(a.at[density].node)} IPs per node and "
            f"{n(a.at[density].supported)} nodes fit, max size {n(a.max_size)}"
        )
    else:
        ips = [_ips(a.at[density].node) for a in again]
        per_node = (
            ips[0]
            if len(set(ips)) == 1
            else ", ".join(f"{a.fact.address} {i}" for a, i in zip(again, ips, strict=True))
        )
        what = (
            f"the {density.value} drops to {per_node} IPs per node and the subnets hold "
            f"{n(_cluster_of(after, cluster.name).supported[density])} nodes, "
            f"max sizes total {n(sum_max(groups))}"
        )
    text = f"set WARM_IP_TARGET=2 and MINIMUM_IP_TARGET=10 in {where} ({what}"
    both = density is Density.CONFIGURED or _fixed(after, groups, Density.CONFIGURED)
    if both and density is Density.FLOOR and _configured_known(groups):
        text += "; fits the configured density too"
    elif not both and _configured_known(groups):
        text += f"; this {_still_needs(after, cluster.name, groups)}"
    return _Option(text + ")", both)


def sum_max(groups: Sequence[NodeGroupCapacity]) -> int | Unknown:
    """The groups' max sizes added up (an Unknown when one is)."""
    total = 0
    for g in groups:
        if isinstance(g.max_size, Unknown):
            return g.max_size
        total += g.max_size
    return total


def _subnet_option(
    ctx: RuleContext, cluster: ClusterCapacity, groups: Sequence[NodeGroupCapacity], density: Density
) -> _Option | None:
    """The subnet size that fits: for the configured density too when that can be had."""
    targets = [density]
    if density is Density.FLOOR and _configured_known(groups):
        targets.insert(0, Density.CONFIGURED)  # try the size that fixes both first
    for target in targets:
        grow = [
            s
            for s in exhausted_subnets(cluster, groups, target) + exhausted_subnets(cluster, groups, density)
            if isinstance(s.usable, int) and s.prefixlen is not None
        ]
        grow = list({s.fact.address: s for s in grow}.values())
        if not grow:
            continue
        # The IPs every grown subnet must offer: the largest demand among them at the target
        # density, plus the addresses kept for other tenants (reserved_ips_per_subnet).
        largest = max(_demand(s, target) for s in grow)
        reserved = max(_reserved(s) for s in grow)
        p = subnets.smallest_prefix_for(largest + reserved)
        for _ in range(_SUBNET_TRIES):
            if p < subnets.AWS_MIN_PREFIXLEN:
                break
            after = ctx.what_if.with_subnet_prefixes({s.fact.address: p for s in grow})
            if _fixed(after, groups, target) and _fixed(after, groups, density):
                was = " and a /".join(sorted({str(s.prefixlen) for s in grow}, key=int))
                each = (
                    "each subnet"
                    if len(groups) == 1
                    else "each of " + ", ".join(s.fact.address for s in grow)
                )
                text = f"give {each} at least {largest:,} usable IPs (a /{p} instead of a /{was}"
                both = target is Density.CONFIGURED
                if both and density is Density.FLOOR:
                    text += "; fits the configured density too"
                elif density is Density.FLOOR and _configured_known(groups):
                    text += f"; {_still_needs(after, cluster.name, groups)}"
                return _Option(text + ")", both)
            p -= 1
    return None


def _demand(s: SubnetCapacity, density: Density) -> int:
    d = s.demand[density]
    return d if isinstance(d, int) else 0


def _reserved(s: SubnetCapacity) -> int:
    if s.prefixlen is None or not isinstance(s.usable, int):
        return 0
    return subnets.usable_ips(s.prefixlen) - s.usable


def _size_option(
    ctx: RuleContext, cluster: ClusterCapacity, groups: Sequence[NodeGroupCapacity], density: Density
) -> _Option | None:
    """The largest node count that fits, at the configured density too when that is not 0; when
    no count above 0 fits, the option says that lowering max sizes alone cannot fix it."""
    floor_plan = _sizes(ctx, cluster, groups, density, density)
    if density is Density.FLOOR and _configured_known(groups):
        both_plan = _sizes(ctx, cluster, groups, Density.CONFIGURED, density)
        if isinstance(both_plan, dict):
            text = _size_text(groups, both_plan) + " (fits the configured density too"
            if isinstance(floor_plan, dict) and floor_plan != both_plan:
                text += f"; {_size_text(groups, floor_plan, short=True)} fits the floor only"
            return _Option(text + ")", True)
    if isinstance(floor_plan, dict):
        text = _size_text(groups, floor_plan)
        if density is Density.FLOOR and _configured_known(groups):
            after = ctx.what_if.with_max_sizes(floor_plan)
            if not _fixed(after, groups, Density.CONFIGURED):
                text += f" ({_still_needs(after, cluster.name, groups)})"
        return _Option(text, density is Density.CONFIGURED)
    if floor_plan == 0:
        return _Option(_why_no_smaller_size(groups), False)
    return None


def _sizes(
    ctx: RuleContext,
    cluster: ClusterCapacity,
    groups: Sequence[NodeGroupCapacity],
    target: Density,
    density: Density,
) -> dict[str, int] | int | None:
    """Max sizes for ``groups`` that fit at ``target`` (and at ``density``), verified; 0 when
    nothing fits unless some group goes to 0 nodes; None when no count can be found."""
    maxes = [g.max_size for g in groups]
    if not all(isinstance(m, int) for m in maxes):
        return None
    if len(groups) == 1:
        total = groups[0].at[target].supported
    else:
        total = plans.scaled_total(cluster, groups, target)
    if not isinstance(total, int):
        return None
    counts = plans.split(total, [m for m in maxes if isinstance(m, int)])
    if total <= 0 or any(c == 0 for c in counts):
        return 0  # a group at 0 is no plan: it fixes nothing the other groups do not
    sizes = {g.fact.address: c for g, c in zip(groups, counts, strict=True)}
    after = ctx.what_if.with_max_sizes(sizes)
    if _fixed(after, groups, target) and _fixed(after, groups, density):
        return sizes
    return None


def _size_text(groups: Sequence[NodeGroupCapacity], sizes: dict[str, int], *, short: bool = False) -> str:
    if len(groups) == 1:
        [g] = groups
        count = sizes[g.fact.address]
        return f"{count:,}" if short else f"lower {g.fact.max_size_key} to {count:,}"
    total = sum(sizes.values())
    if short:
        return f"{total:,} in total"
    split = ", ".join(f"{a} {c:,}" for a, c in sizes.items())
    return (
        f"run these node groups at {total:,} nodes in total, max sizes now total {n(sum_max(groups))}: "
        f"for example max sizes {split}, in proportion to their max sizes"
    )


def _why_no_smaller_size(groups: Sequence[NodeGroupCapacity]) -> str:
    """Said instead of a max size of 0, which would fix nothing the other groups do not."""
    if len(groups) == 1:
        return (
            f"lowering {groups[0].fact.max_size_key} alone cannot fix it: the other node groups "
            "in these subnets already need more than they hold at their max sizes"
        )
    return (
        "lowering these groups' max sizes alone cannot fix it: what fits leaves some group no "
        "node, or node groups outside this finding already fill these subnets"
    )
