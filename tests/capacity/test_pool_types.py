"""Requirements over the instance table, Kubernetes quantities and Karpenter's memory capacity,
against values known from EC2 (DescribeInstanceTypes via instance_specs.csv) and apimachinery."""

from __future__ import annotations

from fractions import Fraction

import pytest

from eks_ip_lint.capacity import node_pools, pool_types
from eks_ip_lint.capacity.instance_types import all_types, lookup
from eks_ip_lint.facts.model import Requirement


def _names(*reqs: Requirement) -> list[str]:
    return [t.name for t in pool_types.allowed(reqs, all_types()).types]


def test_operators() -> None:
    m5 = Requirement("karpenter.k8s.aws/instance-family", "In", ("m5",))
    # m5: large 2, xlarge 4, 2xlarge 8, 4xlarge 16, 8xlarge 32, 12xlarge 48, 16xlarge 64,
    # 24xlarge 96 vCPUs, and metal 96.
    assert _names(m5, Requirement("karpenter.k8s.aws/instance-cpu", "Lt", ("5",))) == [
        "m5.large",
        "m5.xlarge",
    ]
    assert _names(m5, Requirement("karpenter.k8s.aws/instance-cpu", "Gt", ("64",))) == [
        "m5.24xlarge",
        "m5.metal",
    ]
    assert _names(m5, Requirement("karpenter.k8s.aws/instance-size", "NotIn", ("metal",)))[-1] == "m5.xlarge"
    # Auto Mode's label prefix is the same label.
    assert (
        _names(
            Requirement("eks.amazonaws.com/instance-family", "In", ("t4g",)),
            Requirement("kubernetes.io/arch", "In", ("amd64",)),
        )
        == []
    )  # t4g is Graviton
    # mac types carry no arch label: DoesNotExist selects exactly them.
    assert all(n.startswith("mac") for n in _names(Requirement("kubernetes.io/arch", "DoesNotExist", ())))


def test_category_and_generation() -> None:
    got = pool_types.labels(lookup("c7gn.16xlarge"))  # type: ignore[arg-type]
    assert (got["instance-category"], got["instance-generation"], got["kubernetes.io/arch"]) == (
        "c",
        "7",
        "arm64",
    )
    got = pool_types.labels(lookup("u-6tb1.metal"))  # type: ignore[arg-type]
    assert (got["instance-category"], got["instance-generation"]) == ("u", "1")


def test_unapplied_keys_are_named() -> None:
    ts = pool_types.allowed(
        [
            Requirement("karpenter.k8s.aws/instance-gpu-count", "Gt", ("0",)),
            Requirement("topology.kubernetes.io/zone", "In", ("eu-west-1a",)),
        ],
        all_types(),
    )
    assert ts.ignored_keys == ("karpenter.k8s.aws/instance-gpu-count",)
    assert ts.zones == ("eu-west-1a",)
    assert len(ts.types) == len(all_types())  # nothing removed: an upper bound


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1000", 1000),
        ("1k", 1000),
        ("500m", Fraction(1, 2)),
        ("1Gi", 2**30),
        ("1e3", 1000),
        ("2.5", Fraction(5, 2)),
    ],
)
def test_quantities(text: str, value: Fraction) -> None:
    assert pool_types.quantity(text) == value


def test_not_a_quantity() -> None:
    assert pool_types.quantity("lots") is None


def test_memory_capacity() -> None:
    # m5.large 8,192 MiB: 8,192 - ceil(8,192 x 0.075) = 8,192 - 615 = 7,577 MiB.
    assert node_pools._memory_capacity_mib(lookup("m5.large")) == 7577  # type: ignore[arg-type]
    # m6g.large (Graviton) 8,192 - 64 = 8,128; 8,128 - ceil(609.6) = 7,518 MiB.
    assert node_pools._memory_capacity_mib(lookup("m6g.large")) == 7518  # type: ignore[arg-type]
