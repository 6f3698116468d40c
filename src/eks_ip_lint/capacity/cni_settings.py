"""The effective VPC CNI (aws-node / ipamd) settings, parsed from env exactly as ipamd parses them.

Sources: vpc-cni-model.md §1.4, §1.5, §1.10 and §6; ``pkg/ipamd/ipamd.go`` ``getWarmENITarget``,
``getWarmIPTarget``, ``getMinimumIPTarget``, ``getWarmPrefixTarget``, ``getMaxENI``,
``UseCustomNetworkCfg``, ``EnablePodENI``, ``usePrefixDelegation``, ``isIPv6Enabled``; ``utils``
``GetBoolAsStringEnvVar`` (Go ``strconv.Atoi`` / ``strconv.ParseBool``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

WARM_ENI_TARGET = "WARM_ENI_TARGET"
WARM_IP_TARGET = "WARM_IP_TARGET"
MINIMUM_IP_TARGET = "MINIMUM_IP_TARGET"
WARM_PREFIX_TARGET = "WARM_PREFIX_TARGET"
ENABLE_PREFIX_DELEGATION = "ENABLE_PREFIX_DELEGATION"
CUSTOM_NETWORK_CFG = "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG"
ENABLE_POD_ENI = "ENABLE_POD_ENI"
MAX_ENI = "MAX_ENI"
ENABLE_IPV6 = "ENABLE_IPv6"

KEYS = (
    WARM_ENI_TARGET,
    WARM_IP_TARGET,
    MINIMUM_IP_TARGET,
    WARM_PREFIX_TARGET,
    ENABLE_PREFIX_DELEGATION,
    CUSTOM_NETWORK_CFG,
    ENABLE_POD_ENI,
    MAX_ENI,
    ENABLE_IPV6,
)

# strconv.Atoi: optional sign, decimal digits only (no spaces, underscores, "0x", "1.0"), int64 range.
_GO_INT = re.compile(r"[+-]?[0-9]+")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
# strconv.ParseBool accepts exactly these spellings; anything else (including "") is an error.
_GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_GO_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


@dataclass(frozen=True)
class CniSettings:
    """What ipamd runs with. Integers use ipamd's own "unset" encodings (0 for the IP targets and MAX_ENI).

    Defaults are the aws-vpc-cni manifest / Helm chart / EKS add-on values (vpc-cni-model.md §6):
    WARM_ENI_TARGET=1 and WARM_PREFIX_TARGET=1 (ipamd's code default for the latter is 0, used
    only when the variable is set to something it cannot parse).
    """

    warm_eni_target: int = 1
    warm_ip_target: int = 0  # 0 = unset
    minimum_ip_target: int = 0  # 0 = unset
    warm_prefix_target: int = 1
    prefix_delegation: bool = False
    custom_networking: bool = False
    pod_eni: bool = False  # security groups for pods (trunk ENI)
    max_eni: int = 0  # 0 = unset: the instance's limit
    ipv6: bool = False

    def __post_init__(self) -> None:
        for name in (
            "warm_eni_target",
            "warm_ip_target",
            "minimum_ip_target",
            "warm_prefix_target",
            "max_eni",
        ):
            value = getattr(self, name)
            if value < 0:
                raise ValueError(f"CniSettings.{name} must be >= 0 (ipamd's parsed value), got {value}")

    @property
    def warm_ip_targets_set(self) -> bool:
        """WARM_IP_TARGET or MINIMUM_IP_TARGET is in force, overriding WARM_ENI_TARGET / WARM_PREFIX_TARGET.

        vpc-cni-model.md §1.4; ipamd.go ``warmIPTargetsDefined`` / ``datastoreTargetState``.
        """
        return self.warm_ip_target > 0 or self.minimum_ip_target > 0

    def describe(self) -> str:
        """The warm-pool settings in force, as people write them: overridden ones are left out
        (WARM_IP/MINIMUM_IP targets override WARM_ENI_TARGET and WARM_PREFIX_TARGET, §1.4/§1.5 B)."""
        if self.ipv6:
            return "IPv6: 1 IPv4 per node"
        mode = "prefix delegation, " if self.prefix_delegation else ""
        targets = [
            f"{name}={value}"
            for name, value in (
                ("WARM_IP_TARGET", self.warm_ip_target),
                ("MINIMUM_IP_TARGET", self.minimum_ip_target),
            )
            if value
        ]
        if targets:
            return mode + ", ".join(targets)
        if self.prefix_delegation:
            return f"prefix delegation, WARM_PREFIX_TARGET={self.warm_prefix_target}"
        return f"WARM_ENI_TARGET={self.warm_eni_target}"


def _go_atoi(text: str) -> int | None:
    if not _GO_INT.fullmatch(text):
        return None
    value = int(text)
    return value if _INT64_MIN <= value <= _INT64_MAX else None


def _go_parse_bool(text: str) -> bool | None:
    if text in _GO_TRUE:
        return True
    if text in _GO_FALSE:
        return False
    return None


def _parse_warm_eni(raw: str | None, notes: list[str]) -> int:
    """getWarmENITarget: unset, non-integer or negative -> 1."""
    if raw is None:
        return 1
    value = _go_atoi(raw)
    if value is None:
        notes.append(f"{WARM_ENI_TARGET}={raw!r} is not an integer: ipamd uses 1")
        return 1
    if value < 0:
        notes.append(f"{WARM_ENI_TARGET}={raw!r} is negative: ipamd uses 1")
        return 1
    return value


def _parse_ip_target(key: str, raw: str | None, notes: list[str]) -> int:
    """getWarmIPTarget / getMinimumIPTarget: unset, non-integer, negative or 0 -> unset (0)."""
    if raw is None:
        return 0
    value = _go_atoi(raw)
    if value is None:
        notes.append(f"{key}={raw!r} is not an integer: ipamd treats it as unset")
        return 0
    if value < 0:
        notes.append(f"{key}={raw!r} is negative: ipamd treats it as unset")
        return 0
    if value == 0:
        notes.append(f"{key}=0 means unset to ipamd, not 'no warm IPs'")
    return value


def _parse_warm_prefix(raw: str | None, notes: list[str]) -> int:
    """getWarmPrefixTarget: non-integer or negative -> 0 (code default); absent -> 1 (manifest default)."""
    if raw is None:
        return 1
    value = _go_atoi(raw)
    if value is None:
        notes.append(f"{WARM_PREFIX_TARGET}={raw!r} is not an integer: ipamd uses 0")
        return 0
    if value < 0:
        notes.append(f"{WARM_PREFIX_TARGET}={raw!r} is negative: ipamd uses 0")
        return 0
    return value


def _parse_max_eni(raw: str | None, notes: list[str]) -> int:
    """getMaxENI: non-integer or < 1 -> ignored (the instance's limit applies)."""
    if raw is None:
        return 0
    value = _go_atoi(raw)
    if value is None:
        notes.append(f"{MAX_ENI}={raw!r} is not an integer: ipamd ignores it")
        return 0
    if value < 1:
        notes.append(f"{MAX_ENI}={raw!r} is below 1: ipamd ignores it")
        return 0
    return value


def _parse_bool(key: str, raw: str | None, notes: list[str]) -> bool:
    """strconv.ParseBool; unset or unparsable (including "") -> false, the default of all five flags."""
    if raw is None:
        return False
    value = _go_parse_bool(raw)
    if value is None:
        notes.append(
            f"{key}={raw!r} is not a boolean ipamd understands (Go strconv.ParseBool): ipamd uses false"
        )
        return False
    return value


def parse_env(env: Mapping[str, str]) -> tuple[CniSettings, list[str]]:
    """ipamd's view of an aws-node environment, plus a note for every value it reinterprets.

    Keys are case-sensitive, as in the container: a key that matches a known one only when case is
    ignored (``ENABLE_IPV6``) is not read, and gets a note. Absent keys take the manifest defaults
    (see CniSettings). Values are not stripped: ipamd does not strip them either.
    """
    notes: list[str] = []
    known = {k.lower(): k for k in KEYS}
    for key in sorted(env):
        canonical = known.get(key.lower())
        if canonical is not None and canonical != key:
            notes.append(
                f"{key} is not read by ipamd (environment variables are case-sensitive): "
                f"did you mean {canonical}?"
            )
    settings = CniSettings(
        warm_eni_target=_parse_warm_eni(env.get(WARM_ENI_TARGET), notes),
        warm_ip_target=_parse_ip_target(WARM_IP_TARGET, env.get(WARM_IP_TARGET), notes),
        minimum_ip_target=_parse_ip_target(MINIMUM_IP_TARGET, env.get(MINIMUM_IP_TARGET), notes),
        warm_prefix_target=_parse_warm_prefix(env.get(WARM_PREFIX_TARGET), notes),
        prefix_delegation=_parse_bool(ENABLE_PREFIX_DELEGATION, env.get(ENABLE_PREFIX_DELEGATION), notes),
        custom_networking=_parse_bool(CUSTOM_NETWORK_CFG, env.get(CUSTOM_NETWORK_CFG), notes),
        pod_eni=_parse_bool(ENABLE_POD_ENI, env.get(ENABLE_POD_ENI), notes),
        max_eni=_parse_max_eni(env.get(MAX_ENI), notes),
        ipv6=_parse_bool(ENABLE_IPV6, env.get(ENABLE_IPV6), notes),
    )
    return settings, notes
