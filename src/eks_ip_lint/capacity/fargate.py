"""Fargate profiles: each Fargate pod takes 1 IPv4 address from one of its profile's subnets.

capacity-beyond-node-groups.md §4: a pod runs in its own isolation boundary and shares no ENI
(EKS User Guide ``fargate.adoc:38``, [doc]); pods are spread over the profile's subnets, "but you
might end up with an uneven spread" (``fargate-profile.adoc:39``). How many pods a profile runs
is not in the IaC, so for each profile the model gives the **room** its subnets have left for
Fargate pods with every node group at max size and every other consumer counted:

    room(s, d) = usable(s) - (demand(s, d) - planned pods of this profile in s)

A count planned in the configuration file (``fargate_pods``) is spread evenly over the profile's
subnets, the subnets with the least room taking the remainder (the even spread is an
assumption: the documentation warns the spread may be uneven), and joins their demand as a
``fargate`` contribution, which the node groups sharing those subnets then see too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from eks_ip_lint.capacity.options import Options
from eks_ip_lint.capacity.records import DENSITIES, Contribution, Density, FargateCapacity, FargateRoom
from eks_ip_lint.facts.model import FargateProfileFact, SubnetFact
from eks_ip_lint.values import Cause, Unknown, Value

KIND = "fargate"
BASIS = "1 IPv4 per Fargate pod, spread evenly over the profile's subnets (capacity-beyond-node-groups.md §4)"


def planned(fact: FargateProfileFact, options: Options) -> int | None:
    """The configuration file's fargate_pods for the profile, by its name or its address."""
    if isinstance(fact.name, str) and fact.name in options.fargate_pods:
        return options.fargate_pods[fact.name]
    return options.fargate_pods.get(fact.address)


def subnets_of(
    fact: FargateProfileFact, resolve: Callable[[Value], SubnetFact | None]
) -> tuple[tuple[SubnetFact, ...], Unknown | None]:
    """The profile's declared subnets, and why they cannot be told if they cannot."""
    if isinstance(fact.subnet_refs, Unknown):
        refs = fact.subnet_refs
        return (), Unknown(f"the subnets of {fact.address} are unknown: {refs.reason}", cause=refs.cause)
    out: list[SubnetFact] = []
    for ref in fact.subnet_refs:
        s = resolve(ref)
        if s is not None and s not in out:
            out.append(s)
    if not out:
        return (), Unknown(f"no subnet of {fact.address} is declared in the scan", cause=Cause.NOT_DECLARED)
    return tuple(out), None


def spread(
    pods: int, profile_subnets: Sequence[SubnetFact], usable: Mapping[str, int | Unknown]
) -> dict[str, int]:
    """``pods`` evenly over the subnets; the remainder to those with the least usable room."""
    k = len(profile_subnets)
    if k == 0:
        return {}

    def room(s: SubnetFact) -> tuple[int, str]:
        u = usable.get(s.address)
        return (u if isinstance(u, int) else 1 << 32, s.address)

    ordered = sorted(profile_subnets, key=room)
    return {s.address: pods // k + (1 if i < pods % k else 0) for i, s in enumerate(ordered)}


def contributions(
    profiles: Sequence[FargateProfileFact],
    resolve: Callable[[Value], SubnetFact | None],
    usable: Mapping[str, int | Unknown],
    options: Options,
) -> dict[str, list[Contribution]]:
    """Subnet -> the planned Fargate pods counted there (profiles with a planned count)."""
    out: dict[str, list[Contribution]] = {}
    for p in profiles:
        count = planned(p, options)
        found, _ = subnets_of(p, resolve)
        if not count or not found:
            continue
        for addr, pods in spread(count, found, usable).items():
            if pods > 0:
                out.setdefault(addr, []).append(
                    Contribution(
                        group=p.address,
                        nodes=pods,
                        ips_per_node=dict.fromkeys(DENSITIES, 1),
                        kind=KIND,
                        span=p.span,
                        basis=BASIS,
                        singles=True,
                    )
                )
    return out


def capacity(
    p: FargateProfileFact,
    resolve: Callable[[Value], SubnetFact | None],
    demand: Mapping[Density, Mapping[str, int | Unknown]],
    usable: Mapping[str, int | Unknown],
    options: Options,
) -> FargateCapacity:
    """The profile's record: per subnet, its planned pods and the room left for Fargate pods."""
    found, problem = subnets_of(p, resolve)
    count = planned(p, options)
    placed = spread(count or 0, found, usable)
    rooms = []
    for s in found:
        here = placed.get(s.address, 0)
        room: dict[Density, int | Unknown] = {}
        for d in DENSITIES:
            u = usable.get(s.address)
            taken = demand[d].get(s.address, 0)
            if isinstance(u, Unknown) or u is None:
                room[d] = u if isinstance(u, Unknown) else Unknown("not declared", cause=Cause.NOT_DECLARED)
            elif isinstance(taken, Unknown):
                room[d] = taken
            else:
                room[d] = u - (taken - here)
        rooms.append(FargateRoom(s.address, here, room))
    return FargateCapacity(p, count, tuple(rooms), problem)
