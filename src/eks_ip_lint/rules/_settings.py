"""How rule messages name the CNI mode in force."""

from __future__ import annotations

from eks_ip_lint.capacity.cni_settings import CniSettings


def warm_pool_words(s: CniSettings) -> str:
    if s.ipv6:
        return "IPv6: 1 IPv4 per node"
    targets = []
    if s.warm_ip_target:
        targets.append(f"WARM_IP_TARGET={s.warm_ip_target}")
    if s.minimum_ip_target:
        targets.append(f"MINIMUM_IP_TARGET={s.minimum_ip_target}")
    mode = "prefix delegation, " if s.prefix_delegation else ""
    if targets:
        return mode + ", ".join(targets)
    if s.prefix_delegation:
        return f"prefix delegation, WARM_PREFIX_TARGET={s.warm_prefix_target}"
    return f"WARM_ENI_TARGET={s.warm_eni_target}"
