"""The rule registry: an explicit, ordered tuple. Duplicate IDs or names fail at import."""

from __future__ import annotations

from eks_ip_lint.rules import (
    eksip000_unparseable_file,
    eksip001_unknown_instance_type,
    eksip002_unresolved_value,
    eksip101_warm_pool_exhausts_subnet,
    eksip102_subnet_exhausted_at_configured_density,
    eksip103_no_room_for_control_plane_enis,
    eksip201_minimum_ip_target_without_warm_ip_target,
    eksip202_prefix_blocks_exhausted,
    eksip203_warm_target_zero_flaps,
    eksip204_prefix_delegation_on_non_nitro,
    eksip301_max_pods_above_eni_capacity,
)
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta

ALL_RULES: tuple[Rule, ...] = (
    eksip000_unparseable_file.RULE,
    eksip001_unknown_instance_type.RULE,
    eksip002_unresolved_value.RULE,
    eksip101_warm_pool_exhausts_subnet.RULE,
    eksip102_subnet_exhausted_at_configured_density.RULE,
    eksip103_no_room_for_control_plane_enis.RULE,
    eksip201_minimum_ip_target_without_warm_ip_target.RULE,
    eksip202_prefix_blocks_exhausted.RULE,
    eksip203_warm_target_zero_flaps.RULE,
    eksip204_prefix_delegation_on_non_nitro.RULE,
    eksip301_max_pods_above_eni_capacity.RULE,
)


def _check_registry() -> None:
    ids = [r.meta.id for r in ALL_RULES]
    names = [r.meta.name for r in ALL_RULES]
    for label, values in (("ID", ids), ("name", names)):
        dupes = {v for v in values if values.count(v) > 1}
        if dupes:
            raise RuntimeError(f"duplicate rule {label}: {', '.join(sorted(dupes))}")


_check_registry()

BY_ID = {r.meta.id: r for r in ALL_RULES}

__all__ = ["ALL_RULES", "BY_ID", "Rule", "RuleContext", "RuleMeta"]
