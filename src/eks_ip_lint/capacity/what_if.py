"""What if: one unit analysed again with a change: VPC CNI settings on one cluster, other max
sizes for some node groups, or larger subnets.

A suggested fix is only offered once the analysis confirms it (EKSIP101/102 try WARM_IP_TARGET
and MINIMUM_IP_TARGET, a total node count split over the groups, subnets of a shorter prefix).
The re-analysis is the same ``analyse(facts, options)``: an env change is added to
``options.env_overrides`` for that cluster, where it is applied after every carrier
(effective_cni.py); max sizes and subnet prefixes are changed in a copy of the facts (the
caller's facts are never touched). Each change is analysed once per unit: the analysis covers
every node group of the unit, so all the findings of a cluster share it.

The analysis is handed in (``analysis.what_if`` builds the service), not imported: the analysis
is what builds the records this service is about, and the model's modules import downwards only.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import replace

from eks_ip_lint.capacity.options import Options
from eks_ip_lint.capacity.records import UnitCapacity
from eks_ip_lint.facts.model import Facts
from eks_ip_lint.values import Unknown

_Key = tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]


class WhatIf:
    """Re-analyses of one unit's facts and options, memoised per change."""

    def __init__(
        self, facts: Facts, options: Options, analyse: Callable[[Facts, Options], UnitCapacity]
    ) -> None:
        self._facts = facts
        self._options = options
        self._analyse = analyse
        self._done: dict[_Key, UnitCapacity] = {}

    def with_env(self, cluster: str, env: Mapping[str, str]) -> UnitCapacity:
        """The unit with ``env`` set on ``cluster``'s VPC CNI, after everything it sets itself."""
        return self.changed(cluster, env=env)

    def with_max_sizes(self, max_sizes: Mapping[str, int]) -> UnitCapacity:
        """The unit with the node groups named in ``max_sizes`` (address -> nodes) at those max sizes."""
        return self.changed("", max_sizes=max_sizes)

    def with_subnet_prefixes(self, prefixes: Mapping[str, int]) -> UnitCapacity:
        """The unit with the subnets named in ``prefixes`` (address -> prefix length) resized:
        each becomes the network of that length holding its CIDR (a /22 asked to be a /21 is
        the /21 around it). A subnet whose CIDR is unknown or not IPv4 is left as it is."""
        return self.changed("", prefixes=prefixes)

    def changed(
        self,
        cluster: str,
        *,
        env: Mapping[str, str] | None = None,
        max_sizes: Mapping[str, int] | None = None,
        prefixes: Mapping[str, int] | None = None,
    ) -> UnitCapacity:
        """The unit re-analysed with every change given (``env`` applies to ``cluster``)."""
        key: _Key = (
            cluster if env else "",
            tuple(sorted((env or {}).items())),
            tuple(sorted((max_sizes or {}).items())),
            tuple(sorted((prefixes or {}).items())),
        )
        if key not in self._done:
            options = self._options
            if env:
                overrides = dict(options.env_overrides)
                overrides[cluster] = {**overrides.get(cluster, {}), **env}
                options = replace(options, env_overrides=overrides)
            self._done[key] = self._analyse(_changed_facts(self._facts, max_sizes, prefixes), options)
        return self._done[key]


def _changed_facts(
    facts: Facts, max_sizes: Mapping[str, int] | None, prefixes: Mapping[str, int] | None
) -> Facts:
    if not max_sizes and not prefixes:
        return facts
    groups = [
        replace(g, max_size=max_sizes[g.address]) if max_sizes and g.address in max_sizes else g
        for g in facts.node_groups
    ]
    subnets = [
        replace(s, cidr=_resized(s.cidr, prefixes[s.address])) if prefixes and s.address in prefixes else s
        for s in facts.subnets
    ]
    return replace(facts, node_groups=groups, subnets=subnets)


def _resized(cidr: str | Unknown, prefixlen: int) -> str | Unknown:
    if isinstance(cidr, Unknown):
        return cidr
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return cidr
    if not isinstance(net, ipaddress.IPv4Network) or not 0 <= prefixlen <= 32:
        return cidr
    if prefixlen <= net.prefixlen:
        return str(net.supernet(new_prefix=prefixlen))
    return str(ipaddress.ip_network(f"{net.network_address}/{prefixlen}", strict=False))
