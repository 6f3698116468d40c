"""The rule list shipped with the checkov checks (rules/checkov/eksip_rules.json) is the registry:
the checks register from it when the eks-ip-lint program cannot be run, and then every one FAILS
with the reason (rules/checkov/eksip_checkov_support.py)."""

from __future__ import annotations

import json

from eks_ip_lint.rules import ALL_RULES

from testlib import REPO


def test_packaged_rule_list_is_the_registry() -> None:
    listed = json.loads((REPO / "rules" / "checkov" / "eksip_rules.json").read_text())
    assert [r["id"] for r in listed] == [r.meta.id for r in ALL_RULES], (
        "run python scripts/gen_checkov_rules.py"
    )
    for entry, rule in zip(listed, ALL_RULES, strict=True):
        assert entry == {
            "id": rule.meta.id,
            "name": rule.meta.name,
            "severity": rule.meta.severity.value,
            "summary": rule.meta.summary,
            "docs": rule.meta.docs_path,
        }
