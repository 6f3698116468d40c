"""The rule registry, found from the package: every module named ``eksip<nnn>_<name>.py`` holds
one rule as ``RULE``, so adding a rule is that module, its tests and its docs page
(``scripts/new_rule.py`` writes all three). Ordered by ID. A module whose RULE's ID or name does
not match its file name, and duplicate IDs or names, fail at import.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta

_MODULE = re.compile(r"eksip(?P<number>\d{3})_(?P<name>[a-z0-9_]+)")


def _discover() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for info in pkgutil.iter_modules(__path__):
        match = _MODULE.fullmatch(info.name)
        if match is None:
            continue
        rule = importlib.import_module(f"{__name__}.{info.name}").RULE
        if not isinstance(rule, Rule):
            raise RuntimeError(f"{info.name}.RULE is not a Rule")
        expected = (f"EKSIP{match['number']}", match["name"].replace("_", "-"))
        if (rule.meta.id, rule.meta.name) != expected:
            raise RuntimeError(
                f"{info.name}.py holds {rule.meta.id} {rule.meta.name}: the file is named after its rule "
                f"(eksip<nnn>_<name with _ for ->.py), so expected {expected[0]} {expected[1]}"
            )
        rules.append(rule)
    return tuple(sorted(rules, key=lambda r: r.meta.id))


ALL_RULES: tuple[Rule, ...] = _discover()


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
