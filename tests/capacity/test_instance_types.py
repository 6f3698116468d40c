"""The instance table against AWS's published eni-max-pods.txt, and the accessor's behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest

from eks_ip_lint.capacity.instance_types import InstanceLimits, all_types, lookup, suggest

ENI_MAX_PODS_FILE = Path(__file__).parent.parent / "fixtures" / "cni" / "eni-max-pods.txt"


def _published() -> dict[str, int]:
    table: dict[str, int] = {}
    for line in ENI_MAX_PODS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, value = line.split()
        table[name] = int(value)
    return table


def test_every_published_type_has_the_published_max_pods() -> None:
    published = _published()
    assert len(published) == 1391
    wrong = {}
    for name, value in published.items():
        limits = lookup(name)
        if limits is None or limits.default_max_pods != value:
            wrong[name] = (value, limits.default_max_pods if limits else None)
    assert wrong == {}


def test_table_size_and_order() -> None:
    types = all_types()
    assert len(types) == 1420
    names = [t.name for t in types]
    assert names == sorted(names)
    assert len(set(names)) == len(names)


def test_lookup_is_case_insensitive_and_strips() -> None:
    assert lookup("  M5.Large\t") == lookup("m5.large")
    # m5.large: 2 vCPUs, 8 GiB (EC2 DescribeInstanceTypes, via Karpenter's instance-types page).
    assert lookup("m5.large") == InstanceLimits("m5.large", 3, 10, "nitro", False, True, 9, 2, 8192)
    assert lookup("m5.huge") is None
    assert lookup("") is None


def test_suggest_close_matches() -> None:
    assert suggest("m5.lage")[0] == "m5.large"
    assert "c5.xlarge" in suggest("c5.xlarg")
    assert suggest("zzzzzz") == []


def test_unlisted_trunking_is_none() -> None:
    # hpc6a is absent from the trunking table: ipamd's IsTrunkingCompatible() defaults to true.
    limits = lookup("hpc6a.48xlarge")
    assert limits is not None
    assert limits.trunking_compatible is None
    assert limits.branch_interfaces is None
    c4 = lookup("c4.large")
    assert c4 is not None
    assert c4.trunking_compatible is False


@pytest.mark.parametrize(
    ("name", "pd", "calculator_nitro"),
    [
        ("m5.large", True, True),
        ("m4.large", False, False),  # xen
        ("m5.metal", True, False),  # bare metal, hypervisor "unknown": ipamd yes, calculator no
        ("c7g.metal", True, True),  # bare metal with hypervisor overridden to nitro in the CNI table
        ("hs1.8xlarge", False, False),  # hypervisor "unknown", not bare metal
    ],
)
def test_nitro_rules(name: str, pd: bool, calculator_nitro: bool) -> None:
    limits = lookup(name)
    assert limits is not None
    assert limits.prefix_delegation_supported is pd
    assert limits.nitro_per_calculator is calculator_nitro


@pytest.mark.parametrize(
    ("name", "vcpus"),
    [
        ("t3.nano", 2),
        ("t2.micro", 1),
        ("t2.medium", 2),
        ("a1.medium", 1),
        ("m6g.medium", 1),
        ("m5.large", 2),
        ("m5.xlarge", 4),
        ("m5.4xlarge", 16),
        ("m5.8xlarge", 32),
        ("r7i.metal-24xl", 96),
        ("m5.metal", None),
        ("hpc7a.12xlarge", 24),  # the name rule says 48: the wrong side of 30
        ("hs1.8xlarge", 16),  # the name rule says 32: the wrong side of 30
        ("hpc6a.48xlarge", 96),
        ("c4.8xlarge", 36),
    ],
)
def test_vcpus(name: str, vcpus: int | None) -> None:
    limits = lookup(name)
    assert limits is not None
    assert limits.vcpus == vcpus


def test_every_non_metal_type_has_vcpus() -> None:
    missing = [t.name for t in all_types() if t.vcpus is None and not t.name.endswith(".metal")]
    assert missing == []


def test_derived_properties() -> None:
    # m5.4xlarge: 8 ENIs x 30 IPv4 -> S = 29 slots, 8 x 29 + 2 = 234 max pods.
    limits = lookup("m5.4xlarge")
    assert limits is not None
    assert limits.slots_per_eni == 29
    assert limits.default_max_pods == 234


@pytest.mark.parametrize(
    ("max_enis", "ipv4_per_eni", "branch_interfaces", "message"),
    [(0, 10, None, "max_enis"), (3, 1, None, "ipv4_per_eni"), (3, 10, -1, "branch_interfaces")],
)
def test_invalid_limits(
    max_enis: int, ipv4_per_eni: int, branch_interfaces: int | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        InstanceLimits("x.large", max_enis, ipv4_per_eni, "nitro", False, None, branch_interfaces)


def test_specs_cover_the_table_and_agree_with_the_name_rule() -> None:
    """instance_specs.csv lists 1,399 of the 1,420 types (SOURCES.md: 21 have no source), and its
    EC2 DefaultVCpus agrees with the name rule of InstanceLimits.vcpus wherever both exist: two
    independent derivations of one number."""
    types = all_types()
    with_specs = [t for t in types if t.ec2_vcpus is not None]
    assert len(with_specs) == 1399
    assert all(t.memory_mib is not None for t in with_specs)
    assert [t.name for t in with_specs if t.vcpus is not None and t.vcpus != t.ec2_vcpus] == []
    # r8in.xlarge: 4 vCPUs, 32 GiB (the type of the worked figure in capacity-beyond-node-groups §2.3).
    r8in = lookup("r8in.xlarge")
    assert r8in is not None and (r8in.ec2_vcpus, r8in.memory_mib) == (4, 32768)
    # c7i.32xlarge is in the VPC CNI's table only (added by hand there): no specs.
    c7i = lookup("c7i.32xlarge")
    assert c7i is not None and c7i.ec2_vcpus is None
