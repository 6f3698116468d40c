"""Subnet arithmetic: usable IPs, /28 prefix blocks, free blocks after single addresses."""

from __future__ import annotations

import pytest

from eks_ip_lint.capacity import subnets
from eks_ip_lint.capacity.cni import node_ips
from eks_ip_lint.capacity.cni_settings import CniSettings
from eks_ip_lint.capacity.instance_types import lookup


@pytest.mark.parametrize(
    ("prefixlen", "usable"),
    [(16, 65531), (19, 8187), (22, 1019), (24, 251), (27, 27), (28, 11), (29, 3), (30, 0), (32, 0)],
)
def test_usable_ips(prefixlen: int, usable: int) -> None:
    # 2^(32 - p) - 5, never below 0: /22 = 1024 - 5 = 1019, /28 = 16 - 5 = 11.
    assert subnets.usable_ips(prefixlen) == usable


@pytest.mark.parametrize(
    ("prefixlen", "blocks"), [(20, 254), (24, 14), (25, 6), (26, 2), (27, 0), (28, 0), (30, 0)]
)
def test_prefix_blocks(prefixlen: int, blocks: int) -> None:
    # 2^(28 - p) - 2: the first and last /28 hold reserved addresses. /24 = 16 - 2 = 14; /27 = 2 - 2 = 0.
    assert subnets.prefix_blocks(prefixlen) == blocks


@pytest.mark.parametrize(
    ("individual", "free"),
    [
        (0, 14),
        (27, 14),  # 12 free in the first /28 + 15 in the last: no middle block touched
        (28, 13),  # the 28th address breaks one middle block
        (43, 13),  # 27 + 16: still one block
        (44, 12),
        (27 + 14 * 16, 0),  # every block broken
        (10_000, 0),
    ],
)
def test_prefixes_available_in_a_24(individual: int, free: int) -> None:
    assert subnets.prefixes_available(24, individual) == free


def test_prefixes_available_small_subnets() -> None:
    assert subnets.prefixes_available(27, 0) == 0
    assert subnets.prefixes_available(28, 0) == 0


def test_aws_allows() -> None:
    assert subnets.aws_allows(16)
    assert subnets.aws_allows(28)
    assert not subnets.aws_allows(15)
    assert not subnets.aws_allows(29)


@pytest.mark.parametrize("prefixlen", [-1, 33])
def test_invalid_prefixlen(prefixlen: int) -> None:
    with pytest.raises(ValueError):
        subnets.usable_ips(prefixlen)
    with pytest.raises(ValueError):
        subnets.prefix_blocks(prefixlen)


def test_negative_individual_ips() -> None:
    with pytest.raises(ValueError):
        subnets.prefixes_available(24, -1)


def test_three_22s_hold_48_idle_m5_4xlarge_nodes() -> None:
    # docs/capacity-model.md worked example: a /22 has 1019 usable IPs; an m5.4xlarge with 1 pod holds
    # 60 (2 ENIs x 29 + 2 primaries), so floor(1019 / 60) = 16 nodes per subnet, 48 over three AZs.
    limits = lookup("m5.4xlarge")
    assert limits is not None
    per_node = node_ips(limits, CniSettings(), 1, 110).total_ips
    assert per_node == 60
    assert 3 * (subnets.usable_ips(22) // per_node) == 48


def test_smallest_prefix_for() -> None:
    # /24 = 256 - 5 = 251 usable, /23 = 507, /28 = 11, /27 = 27.
    assert subnets.smallest_prefix_for(251) == 24
    assert subnets.smallest_prefix_for(252) == 23
    assert subnets.smallest_prefix_for(11) == 28
    assert subnets.smallest_prefix_for(1) == 28  # AWS creates nothing smaller than a /28
    assert subnets.smallest_prefix_for(12) == 27
