"""What if: one unit analysed again with changed VPC CNI settings on one cluster.

A suggested fix is only offered once the analysis confirms it (EKSIP101/102 try WARM_IP_TARGET
and MINIMUM_IP_TARGET). The re-analysis is the same ``analyse(facts, options)`` with the change
added to ``options.env_overrides`` for that cluster, where it is applied after every carrier
(effective_cni.py). Each (cluster, change) is analysed once per unit: the analysis covers every
node group of the unit, so all the findings of a cluster share it.

The analysis is handed in (``analysis.what_if`` builds the service), not imported: the analysis
is what builds the records this service is about, and the model's modules import downwards only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from eks_ip_lint.capacity.options import Options
from eks_ip_lint.capacity.records import UnitCapacity
from eks_ip_lint.facts.model import Facts


class WhatIf:
    """Re-analyses of one unit's facts and options, memoised per (cluster, env change)."""

    def __init__(
        self, facts: Facts, options: Options, analyse: Callable[[Facts, Options], UnitCapacity]
    ) -> None:
        self._facts = facts
        self._options = options
        self._analyse = analyse
        self._done: dict[tuple[str, tuple[tuple[str, str], ...]], UnitCapacity] = {}

    def with_env(self, cluster: str, env: Mapping[str, str]) -> UnitCapacity:
        """The unit with ``env`` set on ``cluster``'s VPC CNI, after everything it sets itself."""
        key = (cluster, tuple(sorted(env.items())))
        if key not in self._done:
            overrides = dict(self._options.env_overrides)
            overrides[cluster] = {**overrides.get(cluster, {}), **env}
            self._done[key] = self._analyse(self._facts, replace(self._options, env_overrides=overrides))
        return self._done[key]
