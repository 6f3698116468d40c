"""Subnet arithmetic: usable addresses and free /28 prefix blocks (vpc-cni-model.md §4), and what
a declared subnet offers: its usable room and its AZ.

Prefix lengths are accepted in 0..32 so any IPv4 CIDR can be measured; AWS itself creates subnets
of /16 to /28 only (``aws_allows``), and a rule should report the others rather than rely on these
numbers. Results never go below 0.
"""

from __future__ import annotations

import functools
import ipaddress

from eks_ip_lint.facts.model import SubnetFact
from eks_ip_lint.values import Cause, Unknown

AWS_MIN_PREFIXLEN = 16
AWS_MAX_PREFIXLEN = 28
RESERVED_IPS = 5  # network, VPC router, DNS, future use (the first four) and broadcast (the last)
RESERVED_AT_START = 4
RESERVED_AT_END = 1
PREFIX_LEN = 28  # prefix delegation hands out /28s
# The addresses of one delegated prefix: datastore GetPrefixDelegationDefaults returns (1, 16, 28).
IPS_PER_PREFIX = 1 << (32 - PREFIX_LEN)


def _check(prefixlen: int) -> None:
    if not 0 <= prefixlen <= 32:
        raise ValueError(f"an IPv4 prefix length is 0..32, got {prefixlen}")


def aws_allows(prefixlen: int) -> bool:
    """True for the subnet sizes AWS can create: /16 to /28."""
    return AWS_MIN_PREFIXLEN <= prefixlen <= AWS_MAX_PREFIXLEN


def usable_ips(prefixlen: int) -> int:
    """2^(32 - prefixlen) - 5: AWS reserves the first four addresses and the last one of every subnet.

    /22 → 1019, /24 → 251, /28 → 11. vpc-cni-model.md §4 (AWS VPC User Guide "subnet sizing").
    """
    _check(prefixlen)
    return max(0, (1 << (32 - prefixlen)) - RESERVED_IPS)


def prefix_blocks(prefixlen: int) -> int:
    """Most /28 prefixes an empty subnet can hold: max(0, 2^(28 - prefixlen) - 2).

    A prefix is an aligned block of 16 free addresses; the first /28 holds the 4 reserved
    addresses at the start and the last holds the broadcast address, so neither can be one.
    /24 → 14, /27 → 0. vpc-cni-model.md §4 "Prefix delegation and contiguity" **[inferred]**.
    """
    _check(prefixlen)
    if prefixlen > PREFIX_LEN:
        return 0
    return max(0, (1 << (PREFIX_LEN - prefixlen)) - 2)


def prefixes_available(prefixlen: int, individual_ips: int) -> int:
    """Free aligned /28 blocks left once ``individual_ips`` single addresses (/32s) are placed, best case.

    Best case = the /32s (node IPs, ENI primaries, branch ENIs, load balancers...) packed as tightly
    as possible: first into the two edge blocks that can never be prefixes (12 free addresses in
    the first, 15 in the last), then 16 to a block. Result:
    max(0, prefix_blocks - ceil(max(0, n - 27) / 16)).
    EC2 chooses the addresses, and any spread only breaks more blocks (issue aws/amazon-vpc-cni-k8s#2313),
    so this is an upper bound on the free blocks: a shortfall against it is certain, a surplus is not.
    vpc-cni-model.md §4.
    """
    _check(prefixlen)
    if individual_ips < 0:
        raise ValueError(f"individual_ips must be >= 0, got {individual_ips}")
    blocks = prefix_blocks(prefixlen)
    if blocks == 0:
        return 0
    edge_room = (IPS_PER_PREFIX - RESERVED_AT_START) + (IPS_PER_PREFIX - RESERVED_AT_END)
    spill = max(0, individual_ips - edge_room)
    return max(0, blocks - -(-spill // IPS_PER_PREFIX))


def smallest_prefix_for(ips: int) -> int:
    """The longest prefix whose subnet has at least ``ips`` usable addresses (2^(32-p) - 5), at
    most /28 (the smallest subnet AWS creates)."""
    p = AWS_MAX_PREFIXLEN
    while p > 0 and usable_ips(p) < ips:
        p -= 1
    return p


# --- a declared subnet --------------------------------------------------------------------------


def az_label(subnet: SubnetFact) -> str:
    """The subnet's AZ, or the symbolic key of an AZ known only at apply time."""
    if isinstance(subnet.az, str):
        return subnet.az
    return subnet.az.key or f"az-of-{subnet.address}"


def prefixlen(subnet: SubnetFact) -> int | None:
    """The IPv4 prefix length of the subnet's CIDR; None when it is unknown or not IPv4."""
    return None if isinstance(subnet.cidr, Unknown) else _ipv4_prefixlen(subnet.cidr)


@functools.lru_cache(maxsize=65_536)  # above the 10,000 subnets one block may expand to
def _ipv4_prefixlen(cidr: str) -> int | None:
    # Memoised: spread() sorts by usable space on every node-count step, and parsing the CIDR each
    # time was a third of a monorepo run (benchmarks/RESULTS.md).
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None
    return net.prefixlen if net.version == 4 else None


def room(subnet: SubnetFact, reserved: int) -> int | Unknown:
    """The addresses nodes can take: usable_ips(prefix) less ``reserved`` (kept for other tenants),
    never below 0; an Unknown when the CIDR is unknown or not IPv4."""
    if isinstance(subnet.cidr, Unknown):
        cidr = subnet.cidr
        return Unknown(
            f"CIDR of {subnet.address} is unknown: {cidr.reason}", cidr.key, subnet.span, cause=cidr.cause
        )
    p = prefixlen(subnet)
    if p is None:
        return Unknown(f"{subnet.cidr!r} is not an IPv4 CIDR", None, subnet.span, cause=Cause.INVALID)
    return max(usable_ips(p) - reserved, 0)
