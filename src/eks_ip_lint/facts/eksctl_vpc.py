"""The subnets eksctl creates when a ClusterConfig names none (eksctl ``pkg/vpc/vpc.go``).

``SetSubnets`` / ``getSubnetNetworkSize``: one public and one private subnet per AZ; the VPC CIDR is
split into 8 equal blocks (prefix + 3) when there are at most 8 subnets, 16 blocks (prefix + 4)
for at most 16. Public subnets take blocks 0..n-1 and private ones n..2n-1, in the order of
``availabilityZones``. So 10.42.0.0/16 over 3 AZs gives public 10.42.0.0/19, 10.42.32.0/19,
10.42.64.0/19 and private 10.42.96.0/19, 10.42.128.0/19, 10.42.160.0/19.
"""

from __future__ import annotations

import ipaddress

# eksctl pkg/apis/eksctl.io/v1alpha5/vpc.go: DefaultCIDR; and RecommendedAvailabilityZones.
DEFAULT_VPC_CIDR = "192.168.0.0/16"
DEFAULT_ZONE_COUNT = 3


def split(vpc_cidr: str, zones: int) -> tuple[list[str], list[str]] | str:
    """(public CIDRs, private CIDRs) in zone order, or the reason eksctl would refuse."""
    try:
        net = ipaddress.ip_network(vpc_cidr, strict=False)
    except ValueError:
        return f"vpc.cidr {vpc_cidr!r} is not a CIDR block"
    total = zones * 2
    if total <= 8:
        extra = 3
    elif total <= 16:
        extra = 4
    else:
        return f"eksctl cannot split a VPC into {total} subnets (at most 16)"
    if net.version != 4 or net.prefixlen + extra > 32:
        return f"vpc.cidr {vpc_cidr} is too small to split into {1 << extra} subnets"
    blocks = [str(b) for b in net.subnets(prefixlen_diff=extra)]
    return blocks[:zones], blocks[zones:total]
