"""What a capacity analysis is asked: the pods per node, IPs kept for others, settings to try."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Options:
    pods_per_node: int | None = None  # None: full nodes
    # IPs of every subnet kept for other tenants (load balancers, databases, endpoints): configured
    # as reserved_ips_per_subnet, subtracted from usable IPs before any node is placed.
    reserved_ips_per_subnet: int = 0
    # Planned pods per Fargate profile, by the profile's name or address (configuration file's
    # fargate_pods): each takes 1 IP from the profile's subnets (capacity/fargate.py).
    fargate_pods: Mapping[str, int] = field(default_factory=dict)
    # Extra env per cluster name, applied after the configuration (used to test a suggested fix).
    env_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
