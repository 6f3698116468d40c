"""eks-ip-lint rules for cfn-lint: ``cfn-lint --append-rules eks_ip_lint.integrations.cfnlint``.

One ``CloudFormationLintRule`` subclass per eks-ip-lint rule, generated from the registry: rule
``EKSIP<n>`` becomes ``<L>9<n>`` (cfn-lint reserves 9xxx for user rules), where the letter
follows the rule's default severity: E for error, W for warning, I for info (cfn-lint runs I
rules only with ``--include-checks I``). EKSIP101 is E9101.

The template is analysed once (the first rule to see it runs eks-ip-lint's CloudFormation
analysis, the others reuse its findings), and each finding is reported at its resource
(``Resources/<logical ID>``), so cfn-lint's own suppression applies: resource ``Metadata:
{cfn-lint: {config: {ignore_checks: [E9101]}}}``, ``--ignore-checks``, ``.cfnlintrc``.
Parameters are the template's defaults (cfn-lint's ``--parameters`` are not passed on).
"""

from __future__ import annotations

import os
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch  # type: ignore[import-untyped]

from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules import ALL_RULES, RuleMeta

LETTER = {Severity.ERROR: "E", Severity.WARNING: "W", Severity.INFO: "I"}

_cache: dict[str, Any] = {"key": None, "findings": []}


def cfn_lint_id(meta: RuleMeta) -> str:
    """EKSIP101 (error) -> E9101."""
    return f"{LETTER[meta.severity]}9{meta.id[len('EKSIP') :]}"


def template_findings(filename: str) -> list[Finding]:
    """eks-ip-lint's findings for one template file, computed once per file version."""
    from eks_ip_lint.branches import qualify, unique  # noqa: PLC0415
    from eks_ip_lint.capacity.analysis import Options, analyse  # noqa: PLC0415
    from eks_ip_lint.engine import run_rules  # noqa: PLC0415
    from eks_ip_lint.facts.cloudformation import load_cloudformation  # noqa: PLC0415

    try:
        st = os.stat(filename)
    except OSError:
        return []
    key = (os.path.realpath(filename), st.st_mtime_ns, st.st_size)
    if _cache["key"] != key:
        options = Options()
        branches = [
            (facts.branch, run_rules(analyse(facts, options), options))
            for facts in load_cloudformation(filename) or []
        ]
        found = unique([f for per_branch in qualify(branches) for f in per_branch])
        _cache["key"], _cache["findings"] = key, found
    result: list[Finding] = _cache["findings"]
    return result


def _match(self: Any, cfn: Any) -> list[Any]:
    filename = getattr(cfn, "filename", None)
    if not filename:
        return []
    resources = cfn.template.get("Resources", {}) if isinstance(cfn.template, dict) else {}
    matches = []
    for f in template_findings(filename):
        if f.rule_id != self.eks_ip_lint_id:
            continue
        path = ["Resources", f.address] if f.address in resources else ["Resources"]
        message = f"{f.rule_id} {f.message}" + (f" Fix: {f.fix}" if f.fix else "")
        matches.append(RuleMatch(path, message))
    return matches


def _rule_class(meta: RuleMeta) -> type:
    return type(
        f"EksIpLint{meta.id}",
        (CloudFormationLintRule,),
        {
            "__module__": __name__,
            "__doc__": meta.summary,
            "id": cfn_lint_id(meta),
            "shortdesc": f"eks-ip-lint {meta.id} {meta.name}",
            "description": meta.summary,
            "source_url": f"https://github.com/YOUR-ORG/eks-ip-lint/blob/main/{meta.docs_path}",
            "tags": ["eks", "vpc-cni", "ip-capacity", "eks-ip-lint"],
            "eks_ip_lint_id": meta.id,
            "match": _match,
        },
    )


# cfn-lint instantiates every class in this module's namespace that subclasses
# CloudFormationLintRule (cfnlint.rules._rules.Rules.create_from_module).
RULE_CLASSES = {cfn_lint_id(r.meta): _rule_class(r.meta) for r in ALL_RULES}
globals().update({cls.__name__: cls for cls in RULE_CLASSES.values()})
