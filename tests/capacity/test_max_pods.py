"""Max pods: eni-max-pods formula, nodeadm, max-pods-calculator.sh and the managed node group rule."""

from __future__ import annotations

import pytest

from eks_ip_lint.capacity import max_pods
from eks_ip_lint.capacity.cni_settings import CniSettings
from eks_ip_lint.capacity.instance_types import InstanceLimits, lookup
from eks_ip_lint.values import Unknown


def _type(name: str) -> InstanceLimits:
    limits = lookup(name)
    assert limits is not None, name
    return limits


def test_eni_max_pods_formula() -> None:
    # 3 x (10 - 1) + 2 = 29; 8 x 29 + 2 = 234.
    assert max_pods.eni_max_pods(3, 10) == 29
    assert max_pods.eni_max_pods(8, 30) == 234
    with pytest.raises(ValueError):
        max_pods.eni_max_pods(-1, 10)


def test_nodeadm_is_uncapped() -> None:
    # p3dn.24xlarge: 15 x 49 + 2 = 737, above the 250 cap the managed node group rule would apply.
    assert max_pods.nodeadm_max_pods(_type("p3dn.24xlarge")) == 737
    # Multi-card: only the default card counts (c6in.32xlarge: 8 x 49 + 2 = 394, not 16 ENIs).
    assert max_pods.nodeadm_max_pods(_type("c6in.32xlarge")) == 394


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("m5.large", {}, 29),  # 29 < 110
        ("m5.4xlarge", {}, 110),  # 234, 16 vCPUs -> 110
        ("m5.8xlarge", {}, 234),  # 234, 32 vCPUs -> min(234, 250)
        ("m5.16xlarge", {}, 250),  # 15 x 49 + 2 = 737 -> 250
        ("hs1.8xlarge", {}, 110),  # 234 but only 16 vCPUs (the name suggests 32)
        ("m5.large", {"cni_max_eni": 2}, 20),  # min(2, 3) x 9 + 2
        ("m5.large", {"cni_max_eni": 5}, 29),  # min(5, 3) = 3
        ("m5.large", {"prefix_delegation": True}, 110),  # 3 x 144 + 2 = 434 -> 110
        ("m5.large", {"prefix_delegation": True, "show_max_allowed": True}, 434),
        ("m5.large", {"cni_max_eni": 2, "prefix_delegation": True, "show_max_allowed": True}, 290),
        ("m4.large", {"prefix_delegation": True}, 20),  # xen: the secondary-IP formula, 2 x 9 + 2
        ("m5.metal", {"show_max_allowed": True}, 737),
        ("m5.metal", {"prefix_delegation": True, "show_max_allowed": True}, 737),  # hypervisor not "nitro"
        ("c7g.metal", {"prefix_delegation": True, "show_max_allowed": True}, 11762),  # 15 x 49 x 16 + 2
        ("hpc7a.12xlarge", {"prefix_delegation": True}, 110),  # 2 x 49 x 16 + 2 = 1570, 24 vCPUs -> 110
        ("hpc6id.32xlarge", {"custom_networking": True}, 2),  # 1 ENI - 1 = 0 ENIs for pods
    ],
)
def test_calculator(name: str, kwargs: dict[str, bool | int], expected: int) -> None:
    assert max_pods.calculator_max_pods(_type(name), **kwargs) == expected  # type: ignore[arg-type]  # kwargs mix bools and ints by design


def test_calculator_unknown_vcpus() -> None:
    # m5.metal: 15 x 49 + 2 = 737; vCPUs of a plain .metal are unknown -> 110 or 250.
    value = max_pods.calculator_max_pods(_type("m5.metal"))
    assert isinstance(value, Unknown)
    assert "110 or 250" in value.reason
    # A metal type whose formula stays under 110 is known whatever its vCPUs: 2 x 9 + 2 = 20.
    small_metal = InstanceLimits("x9.metal", 2, 10, "unknown", True)
    assert max_pods.calculator_max_pods(small_metal) == 20


def test_calculator_rejects_negative_max_eni() -> None:
    with pytest.raises(ValueError):
        max_pods.calculator_max_pods(_type("m5.large"), cni_max_eni=-1)


def test_managed_node_group_minimum_over_types() -> None:
    default = CniSettings()
    assert max_pods.managed_node_group_max_pods([_type("m5.large"), _type("m5.4xlarge")], default) == 29
    assert max_pods.managed_node_group_max_pods([_type("m5.8xlarge"), _type("m5.16xlarge")], default) == 234


def test_managed_node_group_uses_settings() -> None:
    m5_4xl = [_type("m5.4xlarge")]
    # Custom networking: 7 x 29 + 2 = 205 -> 110 (16 vCPUs). MAX_ENI=2: 2 x 29 + 2 = 60.
    assert max_pods.managed_node_group_max_pods(m5_4xl, CniSettings(custom_networking=True)) == 110
    assert max_pods.managed_node_group_max_pods(m5_4xl, CniSettings(max_eni=2)) == 60
    # PD on m5.8xlarge: 8 x 29 x 16 + 2 = 3714 -> 250 (32 vCPUs).
    assert (
        max_pods.managed_node_group_max_pods([_type("m5.8xlarge")], CniSettings(prefix_delegation=True))
        == 250
    )


def test_managed_node_group_unknown_only_when_it_matters() -> None:
    default = CniSettings()
    # m5.metal is 110 or 250; m5.large's 29 is below both, so the minimum is known.
    assert max_pods.managed_node_group_max_pods([_type("m5.metal"), _type("m5.large")], default) == 29
    # With m5.8xlarge (234) the minimum is 110 or 234.
    value = max_pods.managed_node_group_max_pods([_type("m5.metal"), _type("m5.8xlarge")], default)
    assert isinstance(value, Unknown)
    assert "between 110 and 234" in value.reason
    assert "m5.metal" in value.reason


def test_managed_node_group_needs_types() -> None:
    with pytest.raises(ValueError):
        max_pods.managed_node_group_max_pods([], CniSettings())


def test_caps_are_exported() -> None:
    assert (max_pods.MNG_CAP_LOW, max_pods.MNG_CAP_HIGH, max_pods.MNG_VCPU_THRESHOLD) == (110, 250, 30)
