"""Consumers of subnet IPs that are not node groups: what each declared one takes from each subnet.

Each :class:`~eks_ip_lint.facts.model.SubnetConsumerFact` becomes one
:class:`~eks_ip_lint.capacity.records.Contribution` per declared subnet it names, which
demand.with_consumers adds to that subnet's demand at max size: the node-count searches see it
beside the other node groups, exhaustion counts it, the reports list it. The costs
(capacity-beyond-node-groups.md §7, docs/capacity-model.md "Other consumers of the subnets"):

* a fixed number of IPs per subnet for endpoints, NAT gateways, load balancers, EFS mount targets,
  DB instances and transit gateway attachments (the fact carries it, facts/tf_consumers.py);
* Lambda: one ENI per (subnet, security-group set), so the second function with the same set in
  the same subnet is charged 0;
* a CIDR reservation: its addresses inside the subnet's usable range. An ``explicit`` one is taken
  from everything. A ``prefix`` one is for delegated /28 prefixes only: node groups in prefix
  mode place their prefixes there first (the VPC CNI maintainer's word, vpc-cni #2749), so it costs
  ``max(0, reserved - prefix IPs placed in the subnet)`` at each density; whether secondary /32s
  may use prefix-reserved space is unverified, and the model assumes they may not.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence

from eks_ip_lint.capacity import subnets
from eks_ip_lint.capacity.records import DENSITIES, Contribution, Density
from eks_ip_lint.facts.model import SubnetConsumerFact, SubnetFact
from eks_ip_lint.values import Unknown, Value

PLURAL = {
    "interface-endpoint": "interface endpoints",
    "nat-gateway": "NAT gateways",
    "load-balancer": "load balancers",
    "efs-mount-target": "EFS mount targets",
    "database": "DB instances",
    "lambda": "Lambda ENIs",
    "transit-gateway-attachment": "transit gateway attachments",
    "cidr-reservation": "CIDR reservations",
}


def contributions(
    consumers: Sequence[SubnetConsumerFact],
    subnet_of: Mapping[str, SubnetFact],
    resolve: Callable[[Value], SubnetFact | None],
    prefix_ips: Mapping[Density, Mapping[str, int]],
) -> dict[str, list[Contribution]]:
    """Subnet address -> the contributions of ``consumers`` there.

    ``resolve(ref)`` is the declared subnet a reference names (Facts.subnet_for); a consumer's
    references to undeclared subnets are not charged anywhere. ``prefix_ips[d][subnet]`` are the
    IPs node groups place there as /28 prefixes at density ``d`` (for prefix reservations).
    """
    out: dict[str, list[Contribution]] = {}
    lambda_enis: dict[tuple[str, str], str] = {}  # (subnet, security groups) -> first function
    for c in consumers:
        seen: set[str] = set()
        for ref in c.subnet_refs:
            s = resolve(ref)
            if s is None or s.address in seen or s.address not in subnet_of:
                continue
            seen.add(s.address)
            ips: dict[Density, int | Unknown]
            basis = c.basis
            if c.kind == "cidr-reservation" and c.reserved_cidr is not None:
                reserved = reserved_addresses(c.reserved_cidr, s)
                if c.reservation_type == "prefix":
                    here = {d: prefix_ips.get(d, {}).get(s.address, 0) for d in DENSITIES}
                    ips = {d: max(0, reserved - here[d]) for d in DENSITIES}
                    basis += f": {reserved} addresses, less the prefixes placed there"
                else:
                    ips = dict.fromkeys(DENSITIES, reserved)
                    basis += f": {reserved} addresses"
            elif c.kind == "lambda":
                first = lambda_enis.setdefault((s.address, c.share_key), c.address)
                cost = c.ips_per_subnet if first == c.address else 0
                if first != c.address:
                    basis = f"shares the Hyperplane ENI of {first} (same subnet and security groups)"
                ips = dict.fromkeys(DENSITIES, cost)
            else:
                ips = dict.fromkeys(DENSITIES, c.ips_per_subnet)
            out.setdefault(s.address, []).append(
                Contribution(
                    group=c.address,
                    nodes=1,
                    ips_per_node=ips,
                    kind=c.kind,
                    span=c.span,
                    basis=basis,
                    singles=not (c.kind == "cidr-reservation" and c.reservation_type == "prefix"),
                )
            )
    return out


def reserved_addresses(cidr: str, subnet: SubnetFact) -> int:
    """Addresses of reservation ``cidr`` inside ``subnet``'s usable range (its first four and last
    addresses are AWS's anyway). The whole block when the subnet's CIDR is unknown; 0 when
    ``cidr`` is not an IPv4 block."""
    try:
        block = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return 0
    if block.version != 4:
        return 0
    if isinstance(subnet.cidr, Unknown) or subnets.prefixlen(subnet) is None:
        return block.num_addresses
    net = ipaddress.ip_network(subnet.cidr, strict=False)
    first = int(net.network_address) + subnets.RESERVED_AT_START
    last = int(net.broadcast_address) - subnets.RESERVED_AT_END
    lo = max(first, int(block.network_address))
    hi = min(last, int(block.broadcast_address))
    return max(0, hi - lo + 1)


def summary(others: Sequence[Contribution], density: Density) -> str:
    """ "12 interface endpoints (12 IPs), 1 NAT gateway (3 IPs)": the other consumers of a subnet,
    by kind, in the order they are first met."""
    counts: dict[str, list[int]] = {}
    unknown = False
    for c in others:
        ips = c.ips(density)
        entry = counts.setdefault(c.kind, [0, 0])
        entry[0] += 1
        if isinstance(ips, Unknown):
            unknown = True
        else:
            entry[1] += ips
    parts = []
    for kind, (n, ips) in counts.items():
        name = PLURAL.get(kind, kind) if n != 1 else PLURAL.get(kind, kind).removesuffix("s")
        parts.append(f"{n} {name} ({ips:,} IP{'s' if ips != 1 else ''})")
    return ", ".join(parts) + (" and some unknown" if unknown else "")
