"""The 49 documented examples of tests/fixtures/cni/test_vectors.json (a verbatim copy of the shared file).

For the 47 pod-count vectors the expected values are the ``sim`` ones: what ipamd's code does. For 7 of
them the documented value differs (documentation errors, docs/capacity-model.md "Documentation errors").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.capacity import max_pods
from eks_ip_lint.capacity.cni import node_ips
from eks_ip_lint.capacity.cni_settings import CniSettings
from eks_ip_lint.capacity.instance_types import InstanceLimits, lookup

VECTORS_FILE = Path(__file__).parent.parent / "fixtures" / "cni" / "test_vectors.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
POD_VECTORS = [v for v in VECTORS if v["pods"] is not None]
MAX_PODS_VECTORS = [v for v in VECTORS if v["pods"] is None]

_LABELS = (
    ("prefix_delegation", "PD"),
    ("warm_eni_target", "WARM_ENI"),
    ("warm_prefix_target", "WARM_PREFIX"),
    ("warm_ip_target", "WARM_IP"),
    ("minimum_ip_target", "MIN"),
)


def _vector_id(v: dict[str, Any]) -> str:
    config = v["config"]
    parts = []
    for key, label in _LABELS:
        if key not in config:
            continue
        value = config[key]
        if value is True:
            parts.append(label)
        elif value:
            parts.append(f"{label}={value}")
    return f"{v['instance']}-{','.join(parts) or 'defaults'}-p={v['pods']}"


def _ids(vectors: list[dict[str, Any]]) -> list[str]:
    ids = [_vector_id(v) for v in vectors]
    return [f"{i}#{n}" if ids.count(i) > 1 else i for n, i in enumerate(ids)]


def _settings(config: dict[str, Any]) -> CniSettings:
    return CniSettings(
        warm_eni_target=config.get("warm_eni_target", 1),
        warm_ip_target=config.get("warm_ip_target", 0),
        minimum_ip_target=config.get("minimum_ip_target", 0),
        warm_prefix_target=config.get("warm_prefix_target", 1),
        prefix_delegation=config.get("prefix_delegation", False),
    )


def test_vector_file_shape() -> None:
    assert len(VECTORS) == 49
    assert len(POD_VECTORS) == 47
    assert len(MAX_PODS_VECTORS) == 2


def test_seven_documented_values_are_wrong() -> None:
    wrong = [v for v in POD_VECTORS if not v["match_sim"]]
    assert len(wrong) == 7
    assert all(v["sim_eq_closed_form"] for v in POD_VECTORS)


@pytest.mark.parametrize("vector", POD_VECTORS, ids=_ids(POD_VECTORS))
def test_pod_count_vector(vector: dict[str, Any]) -> None:
    config = vector["config"]
    limits = InstanceLimits(
        name=vector["instance"],
        max_enis=config["max_enis"],
        ipv4_per_eni=config["ipv4_per_eni"],
        hypervisor="nitro",
        bare_metal=False,
    )
    pods = vector["pods"]
    got = node_ips(limits, _settings(config), pods, config["max_pods"])
    sim = vector["sim"]
    assert got.enis_total == sim["enis_total"]
    assert got.pod_ips == sim["pod_ips_total"]
    assert got.prefixes == sim["prefixes"]
    assert got.pod_ips - pods == sim["unused_ips"]
    assert got.total_ips == sim["subnet_ips"]


def test_vector_instances_match_the_table() -> None:
    # The vectors state their limits; the instance table must agree with them.
    for v in POD_VECTORS:
        limits = lookup(v["instance"])
        assert limits is not None, v["instance"]
        assert (limits.max_enis, limits.ipv4_per_eni) == (
            v["config"]["max_enis"],
            v["config"]["ipv4_per_eni"],
        )


_MAX_PODS_KEYS = {
    "max_pods_default": {},
    "max_pods_custom_networking": {"custom_networking": True},
    "max_pods_prefix_delegation_recommended": {"prefix_delegation": True},
    "max_pods_custom_networking_pd_uncapped": {
        "custom_networking": True,
        "prefix_delegation": True,
        "show_max_allowed": True,
    },
}
_MAX_PODS_CASES = [
    (v["instance"], key, value) for v in MAX_PODS_VECTORS for key, value in sorted(v["documented"].items())
]


@pytest.mark.parametrize(
    ("instance", "key", "expected"), _MAX_PODS_CASES, ids=[f"{i}-{k}" for i, k, _ in _MAX_PODS_CASES]
)
def test_max_pods_vector(instance: str, key: str, expected: int) -> None:
    limits = lookup(instance)
    assert limits is not None
    flags = _MAX_PODS_KEYS[key]
    assert max_pods.calculator_max_pods(limits, **flags) == expected


def test_all_max_pods_vector_keys_are_covered() -> None:
    assert {key for _, key, _ in _MAX_PODS_CASES} == set(_MAX_PODS_KEYS)
    assert len(_MAX_PODS_CASES) == 5
