"""Where a group's nodes go and how many fit: the spread over AZs, the IPs each subnet pays, and
the node-count searches.

* **Spread** (:class:`SpreadPlan`): ``n`` nodes go evenly over the AZs of the group's subnets (an
  Auto Scaling group keeps AZs within one node of each other); the ``n % k`` AZs that get one node
  more are those with the least usable room, so the check is the worst case the ASG can produce.
  Within an AZ nodes split evenly over its subnets, the smaller ones taking the remainder.
* **Charges** (:func:`charges`): a node subnet pays ``node_subnet_ips`` per node, and with custom
  networking the ENIConfig subnet of its AZ pays ``eniconfig_subnet_ips`` (vpc-cni-model.md §1.6,
  §1.11).
* **Supported** (:func:`group_supported`, :func:`cluster_supported`): the largest node count whose
  charges, added to every other group's demand at max size, fit the room of every subnet whose
  CIDR is known (usable_ips = 2^(32 - prefix) - 5 less the reserved IPs, §4). A group is searched
  alone; a cluster grows all its groups together in proportion to their max sizes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from eks_ip_lint.capacity import subnets
from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.facts.model import SubnetFact
from eks_ip_lint.values import Cause, Unknown

# How far the searches go when the room they search in is not known (a subnet whose CIDR is
# unknown never fails): far above any real node group. A search that reaches it has found no limit,
# and says so with an Unknown; it is never reported as a node count.
MAX_SCAN_NODES = 100_000


def spread(n: int, group_subnets: Sequence[SubnetFact]) -> dict[str, int]:
    """Nodes per subnet for ``n`` nodes spread evenly over the subnets' AZs (worst case).

    The ``n % k`` AZs that get one node more are those with the least usable space; within an AZ
    nodes split evenly over its subnets, the smaller subnets taking the remainder.
    """
    return SpreadPlan(group_subnets).place(n)


class SpreadPlan:
    """The order in which :func:`spread` fills a group's AZs and subnets, computed once.

    The node-count searches place thousands of candidate counts on the same subnets; sorting AZs by
    room again for each one was most of a monorepo run (benchmarks/RESULTS.md). Placement is
    monotone: going from ``n`` to ``n + 1`` nodes adds one node to one subnet and removes none,
    which is what lets the searches below bisect.
    """

    def __init__(self, group_subnets: Sequence[SubnetFact]) -> None:
        by_az: dict[str, list[SubnetFact]] = {}
        for s in group_subnets:
            by_az.setdefault(subnets.az_label(s), []).append(s)

        def room(s: SubnetFact) -> int:
            p = subnets.prefixlen(s)  # room() without building the Unknown it would explain
            return subnets.usable_ips(p) if p is not None else 1 << 32

        rooms = {s.address: room(s) for s in group_subnets}
        azs = sorted(by_az, key=lambda a: (sum(rooms[s.address] for s in by_az[a]), a))
        self._azs: list[list[str]] = [
            [s.address for s in sorted(by_az[az], key=lambda s: (rooms[s.address], s.address))] for az in azs
        ]

    def place(self, n: int) -> dict[str, int]:
        k = len(self._azs)
        out: dict[str, int] = {}
        if k == 0:
            return out
        for i, members in enumerate(self._azs):
            in_az = n // k + (1 if i < n % k else 0)
            m = len(members)
            for j, addr in enumerate(members):
                out[addr] = out.get(addr, 0) + in_az // m + (1 if j < in_az % m else 0)
        return out


def largest_true(pred: Callable[[int], bool], lo: int, hi: int) -> int:
    """Largest ``n`` in ``[lo, hi]`` with ``pred(n)``, for ``pred`` true up to a point and false
    after it, given ``pred(lo)``; ``hi`` when it holds everywhere. Bisection: O(log(hi - lo)) calls
    where a scan made one per node."""
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if pred(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def node_bound(room_left: Iterable[int | None], per_node: int) -> int:
    """An upper bound for the node-count searches: every node takes at least ``per_node`` IPs of
    the subnets it is placed in, so when the room each of them has left is known, ``n`` nodes fit
    only if ``n * per_node`` is at most their summed room. :data:`MAX_SCAN_NODES` when some room
    is unknown (None: nodes placed there never fail) or ``per_node`` is 0: a search that reaches
    it has found no limit (see :func:`_no_limit`). Bisecting below it takes about 7 steps for a
    real cluster, below MAX_SCAN_NODES 17."""
    total = 0
    for r in room_left:
        if r is None:
            return MAX_SCAN_NODES
        total += r
    if per_node <= 0:
        return MAX_SCAN_NODES
    return max(0, total // per_node)


def _no_limit(searched: Iterable[SubnetFact], usable: Mapping[str, int | Unknown | None]) -> Unknown:
    """Why a search that reached MAX_SCAN_NODES has no answer: the room it rests on is unknown."""
    unknown = [s.address for s in searched if not isinstance(usable.get(s.address), int)]
    causes = [u for u in (usable.get(a) for a in unknown) if isinstance(u, Unknown)]
    shown = ", ".join(unknown[:3]) + (f" and {len(unknown) - 3} more" if len(unknown) > 3 else "")
    known = len(unknown) < len({s.address for s in searched})
    limit = (
        f"and the subnets whose CIDR is known do not limit the node count below {MAX_SCAN_NODES:,}"
        if known
        else "so nothing known limits the node count"
    )
    subject = f"the CIDR of {shown} is" if len(unknown) == 1 else f"the CIDRs of {shown} are"
    reason = f"{subject} unknown, {limit}"
    # Room is unknown only where a CIDR is: its Unknown says why (reserved room never is).
    return Unknown(reason, cause=causes[0].cause if causes else Cause.NOT_DECLARED)


def charges(
    placed: Mapping[str, int], node: NodeIps, pod_subnets: Mapping[str, str | Unknown]
) -> tuple[dict[str, int], Unknown | None]:
    """Subnet IPs taken by ``placed`` nodes (node subnet address -> nodes), per subnet that pays.

    A node subnet pays ``node_subnet_ips`` per node; with custom networking the ENIConfig subnet of
    its AZ (``pod_subnets``) pays ``eniconfig_subnet_ips``. Pod IPs whose ENIConfig subnet is unknown
    are in no subnet's total: the Unknown returned says so, and callers must not treat the result
    as complete then.
    """
    out: dict[str, int] = {}
    missing: Unknown | None = None
    for addr, k in placed.items():
        out[addr] = out.get(addr, 0) + k * node.node_subnet_ips
        if node.eniconfig_subnet_ips == 0:
            continue
        target = pod_subnets.get(addr)
        if isinstance(target, str):
            out[target] = out.get(target, 0) + k * node.eniconfig_subnet_ips
        elif missing is None:
            missing = (
                target
                if isinstance(target, Unknown)
                else Unknown(f"no ENIConfig subnet for {addr}", cause=Cause.ENICONFIG_MISSING)
            )
    return out, missing


def _left(room: int | Unknown | None, taken: int) -> int | None:
    return room - taken if isinstance(room, int) else None


def unchargeable(
    group_subnets: Sequence[SubnetFact], pod_subnets: Mapping[str, str | Unknown], node: NodeIps
) -> Unknown | None:
    """Why some of the group's pod IPs have no subnet to be charged to, if they have none."""
    _, missing = charges({s.address: 1 for s in group_subnets}, node, pod_subnets)
    if missing is None:
        return None
    return Unknown(f"the subnet paying for some pod IPs is unknown: {missing.reason}", cause=missing.cause)


def group_supported(
    group_subnets: Sequence[SubnetFact],
    pod_subnets: Mapping[str, str | Unknown],
    node: NodeIps,
    other_demand: Mapping[str, int],
    usable: Mapping[str, int | Unknown],
) -> int | Unknown:
    """Largest node count of a group that fits beside the other groups' demand at max size."""
    checkable = [s for s in group_subnets if isinstance(usable[s.address], int)]
    if not checkable:
        first = next((u for u in (usable[s.address] for s in group_subnets) if isinstance(u, Unknown)), None)
        return Unknown(
            "none of the node group's subnets has a known CIDR",
            cause=first.cause if first is not None else Cause.NOT_DECLARED,
        )
    missing = unchargeable(group_subnets, pod_subnets, node)
    if missing is not None:
        return missing

    plan = SpreadPlan(group_subnets)

    def fits(n: int) -> bool:
        need, _ = charges(plan.place(n), node, pod_subnets)
        for addr, ips in need.items():
            room = usable.get(addr)
            if isinstance(room, int) and other_demand.get(addr, 0) + ips > room:
                return False
        return True

    # fits is monotone in n (placement and charges only grow), so the largest n is found by
    # bisection; tests/capacity/test_search_equivalence.py checks it against the plain scan.
    if not fits(0):
        return 0
    room_left = [_left(usable.get(s.address), other_demand.get(s.address, 0)) for s in group_subnets]
    found = largest_true(fits, 0, node_bound(room_left, node.node_subnet_ips))
    return _no_limit(group_subnets, usable) if found >= MAX_SCAN_NODES and None in room_left else found


def shares(total: int, maxes: Sequence[int]) -> list[int]:
    """``total`` nodes split over groups in proportion to their max sizes, by largest remainder
    (the split the cluster search grows its groups by)."""
    total_max = sum(maxes)
    if total_max == 0:
        return [0 for _ in maxes]
    exact = [total * m / total_max for m in maxes]
    out = [int(x) for x in exact]
    by_remainder = sorted(range(len(maxes)), key=lambda i: (out[i] - exact[i], i))
    for i in by_remainder[: total - sum(out)]:
        out[i] += 1
    return out


@dataclass(frozen=True)
class Member:
    """One node group of a cluster as the cluster search sees it, at one density."""

    address: str
    subnets: tuple[SubnetFact, ...]
    pod_subnets: Mapping[str, str | Unknown]
    node: NodeIps
    max_size: int


def cluster_supported(
    members: Sequence[Member | Unknown],
    demand: Mapping[str, int | Unknown],
    usable: Mapping[str, int | Unknown],
) -> int | Unknown:
    """Largest total node count of a cluster whose groups grow together in proportion to their
    max sizes (largest-remainder shares, each group spread over its AZs), beside every node group
    of other clusters at its max size. A member that is an Unknown says why that group cannot
    take part."""
    if not members:
        return 0
    groups: list[Member] = []
    for m in members:
        if isinstance(m, Unknown):
            return m
        missing = unchargeable(m.subnets, m.pod_subnets, m.node)
        if missing is not None:
            return Unknown(f"node group {m.address}: {missing.reason}", cause=missing.cause)
        groups.append(m)
    own: dict[str, int] = {}
    for g in groups:
        for addr, ips in charges(spread(g.max_size, g.subnets), g.node, g.pod_subnets)[0].items():
            own[addr] = own.get(addr, 0) + ips
    others: dict[str, int] = {}
    for addr, d in demand.items():
        if isinstance(d, Unknown):
            return Unknown("another node group's demand in a shared subnet is unknown", cause=d.cause)
        others[addr] = d - own.get(addr, 0)
    maxes = [g.max_size for g in groups]
    total_max = sum(maxes)
    if total_max == 0:
        return 0

    plans = [SpreadPlan(g.subnets) for g in groups]

    def fits_counts(counts: Sequence[int]) -> bool:
        # Only the subnets this cluster charges: another cluster's subnets, full or not, do not
        # limit this one (a module called twice gives two clusters in one unit).
        need: dict[str, int] = {}
        for plan, g, count in zip(plans, groups, counts, strict=True):
            for addr, ips in charges(plan.place(count), g.node, g.pod_subnets)[0].items():
                need[addr] = need.get(addr, 0) + ips
        for addr, needed in need.items():
            room = usable.get(addr)
            # unknown CIDRs are EKSIP002's, not a failure
            if isinstance(room, int) and needed + others.get(addr, 0) > room:
                return False
        return True

    # The answer is the last total before the first one that does not fit. Largest-remainder
    # shares are not monotone (the Alabama paradox: a group can lose a node when the total grows),
    # so fits(total) cannot be bisected directly. Every group's share lies between the floor and
    # the ceiling of its exact share, and both of those grow with the total: every total up to the
    # last one whose ceilings fit does fit, so bisect to there, then scan on with the real shares
    # (a few steps: past the last total whose floors fit nothing can fit).
    def fits_ceil(total: int) -> bool:
        return fits_counts([-(-total * m // total_max) for m in maxes])

    cluster_subnets = {s.address: s for g in groups for s in g.subnets}
    room_left = [_left(usable.get(a), others.get(a, 0)) for a in cluster_subnets]
    bound = node_bound(room_left, min(g.node.node_subnet_ips for g in groups))
    total = largest_true(fits_ceil, 0, bound) if fits_ceil(0) else 0
    while total < bound and fits_counts(shares(total + 1, maxes)):
        total += 1
    if total >= MAX_SCAN_NODES and None in room_left:
        return _no_limit(cluster_subnets.values(), usable)
    return total
