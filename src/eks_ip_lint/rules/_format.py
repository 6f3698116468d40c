"""Number and value formatting shared by rule messages, so every message reads the same way."""

from __future__ import annotations

from eks_ip_lint.capacity.cni import NodeIps
from eks_ip_lint.values import Unknown


def n(value: int | Unknown) -> str:
    """1019 -> '1,019'; an Unknown -> 'unknown'."""
    return "unknown" if isinstance(value, Unknown) else f"{value:,}"


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def per_node(node: NodeIps, unit: str = "IPs") -> str:
    """'60 IPs', or with custom networking '21 IPs (1 in its own subnet, 20 in its ENIConfig subnet)'."""
    if node.eniconfig_subnet_ips == 0:
        return f"{node.node_subnet_ips:,} {unit}"
    return (
        f"{node.total_ips:,} {unit} ({node.node_subnet_ips:,} in its own subnet, "
        f"{node.eniconfig_subnet_ips:,} in its ENIConfig subnet)"
    )
