"""parse_env applies ipamd's parsing rules (strconv.Atoi / strconv.ParseBool, per-variable fallbacks)."""

from __future__ import annotations

import pytest

from eks_ip_lint.capacity.cni_settings import CniSettings, parse_env


def test_empty_env_gives_manifest_defaults() -> None:
    settings, notes = parse_env({})
    assert settings == CniSettings()
    assert (settings.warm_eni_target, settings.warm_prefix_target) == (1, 1)
    assert not settings.warm_ip_targets_set
    assert notes == []


def test_well_formed_env() -> None:
    settings, notes = parse_env(
        {
            "WARM_ENI_TARGET": "0",
            "WARM_IP_TARGET": "5",
            "MINIMUM_IP_TARGET": "+10",
            "WARM_PREFIX_TARGET": "2",
            "ENABLE_PREFIX_DELEGATION": "true",
            "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "T",
            "ENABLE_POD_ENI": "1",
            "MAX_ENI": "4",
            "ENABLE_IPv6": "False",
        }
    )
    assert settings == CniSettings(
        warm_eni_target=0,
        warm_ip_target=5,
        minimum_ip_target=10,
        warm_prefix_target=2,
        prefix_delegation=True,
        custom_networking=True,
        pod_eni=True,
        max_eni=4,
        ipv6=False,
    )
    assert settings.warm_ip_targets_set
    assert notes == []


@pytest.mark.parametrize(
    ("key", "raw", "field", "expected", "note"),
    [
        (
            "WARM_ENI_TARGET",
            "abc",
            "warm_eni_target",
            1,
            "WARM_ENI_TARGET='abc' is not an integer: ipamd uses 1",
        ),
        ("WARM_ENI_TARGET", "-1", "warm_eni_target", 1, "is negative: ipamd uses 1"),
        ("WARM_ENI_TARGET", " 2", "warm_eni_target", 1, "not an integer"),  # Atoi does not strip
        ("WARM_ENI_TARGET", "1.0", "warm_eni_target", 1, "not an integer"),
        ("WARM_ENI_TARGET", "1_000", "warm_eni_target", 1, "not an integer"),  # Python int() would take it
        ("WARM_ENI_TARGET", "", "warm_eni_target", 1, "not an integer"),
        ("WARM_ENI_TARGET", "99999999999999999999", "warm_eni_target", 1, "not an integer"),  # int64 overflow
        ("WARM_IP_TARGET", "x", "warm_ip_target", 0, "treats it as unset"),
        ("WARM_IP_TARGET", "-3", "warm_ip_target", 0, "is negative: ipamd treats it as unset"),
        ("WARM_IP_TARGET", "0", "warm_ip_target", 0, "WARM_IP_TARGET=0 means unset"),
        ("MINIMUM_IP_TARGET", "ten", "minimum_ip_target", 0, "treats it as unset"),
        ("WARM_PREFIX_TARGET", "-1", "warm_prefix_target", 0, "is negative: ipamd uses 0"),
        ("WARM_PREFIX_TARGET", "one", "warm_prefix_target", 0, "not an integer: ipamd uses 0"),
        ("MAX_ENI", "0", "max_eni", 0, "below 1: ipamd ignores it"),
        ("MAX_ENI", "-2", "max_eni", 0, "below 1"),
        ("MAX_ENI", "many", "max_eni", 0, "not an integer: ipamd ignores it"),
        ("ENABLE_PREFIX_DELEGATION", "yes", "prefix_delegation", False, "strconv.ParseBool"),
        ("ENABLE_PREFIX_DELEGATION", "tRUE", "prefix_delegation", False, "ipamd uses false"),
        ("ENABLE_POD_ENI", "", "pod_eni", False, "ipamd uses false"),
        ("ENABLE_IPv6", "on", "ipv6", False, "ipamd uses false"),
        ("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "enabled", "custom_networking", False, "ipamd uses false"),
    ],
)
def test_reinterpreted_values(key: str, raw: str, field: str, expected: object, note: str) -> None:
    settings, notes = parse_env({key: raw})
    assert getattr(settings, field) == expected
    assert len(notes) == 1
    assert note in notes[0]


@pytest.mark.parametrize("raw", ["1", "t", "T", "TRUE", "true", "True"])
def test_go_true_spellings(raw: str) -> None:
    settings, notes = parse_env({"ENABLE_PREFIX_DELEGATION": raw})
    assert settings.prefix_delegation is True
    assert notes == []


@pytest.mark.parametrize("raw", ["0", "f", "F", "FALSE", "false", "False"])
def test_go_false_spellings(raw: str) -> None:
    settings, notes = parse_env({"ENABLE_POD_ENI": raw})
    assert settings.pod_eni is False
    assert notes == []


def test_wrong_case_key_is_not_read() -> None:
    settings, notes = parse_env({"ENABLE_IPV6": "true"})
    assert settings.ipv6 is False
    assert notes == [
        "ENABLE_IPV6 is not read by ipamd (environment variables are case-sensitive): "
        "did you mean ENABLE_IPv6?"
    ]


def test_unrelated_keys_are_ignored() -> None:
    settings, notes = parse_env({"AWS_VPC_ENI_MTU": "9001", "ENABLE_SUBNET_DISCOVERY": "true"})
    assert settings == CniSettings()
    assert notes == []


def test_minimum_only_sets_targets() -> None:
    settings, _ = parse_env({"MINIMUM_IP_TARGET": "11"})
    assert settings.warm_ip_targets_set
    assert settings.warm_ip_target == 0


def test_negative_settings_rejected() -> None:
    with pytest.raises(ValueError, match="warm_eni_target"):
        CniSettings(warm_eni_target=-1)
