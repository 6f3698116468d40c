"""eks-ip-lint rules for cfn-lint: ``cfn-lint --append-rules eks_ip_lint.integrations.cfnlint``.

One ``CloudFormationLintRule`` subclass per eks-ip-lint rule, generated from the registry: rule
``EKSIP<n>`` becomes ``<L>9<n>`` (cfn-lint reserves 9xxx for user rules), where the letter
follows the rule's default severity: E for error, W for warning, I for info (cfn-lint runs I
rules only with ``--include-checks I``). EKSIP101 is E9101.

The template is analysed once, by the engine like any run (the first rule to see it runs
:func:`eks_ip_lint.engine.lint` on the file; the others reuse its findings), so the unit cache,
the configuration file found from the current directory (disabled rules do not run) and
eks-ip-lint's own suppressions apply as in the CLI. Each finding is reported at its resource
(``Resources/<logical ID>``), so cfn-lint's suppression applies too: resource ``Metadata:
{cfn-lint: {config: {ignore_checks: [E9101]}}}``, ``--ignore-checks``, ``.cfnlintrc``. A
finding suppressed with eks-ip-lint's ``Metadata: {eks-ip-lint: {ignore: ...}}`` is not
reported (cfn-lint has no "suppressed but shown"). Parameters are the template's defaults
(cfn-lint's ``--parameters`` are not passed on). An invalid configuration file is reported as
an E9000 match rather than ignored.
"""

from __future__ import annotations

import os
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch  # type: ignore[import-untyped]

from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.project import file_url
from eks_ip_lint.rules import ALL_RULES, RuleMeta

LETTER = {Severity.ERROR: "E", Severity.WARNING: "W", Severity.INFO: "I"}

_cache: dict[str, Any] = {"key": None, "findings": []}


def cfn_lint_id(meta: RuleMeta) -> str:
    """EKSIP101 (error) -> E9101."""
    return f"{LETTER[meta.severity]}9{meta.id[len('EKSIP') :]}"


def template_findings(filename: str) -> list[Finding]:
    """eks-ip-lint's findings for one template file, computed once per file version."""
    try:
        st = os.stat(filename)
    except OSError:
        return []
    key = (os.path.realpath(filename), st.st_mtime_ns, st.st_size)
    if _cache["key"] != key:
        _cache["key"], _cache["findings"] = key, _lint(filename)
    result: list[Finding] = _cache["findings"]
    return result


def _lint(filename: str) -> list[Finding]:
    from eks_ip_lint.config import find_config, load_config  # noqa: PLC0415
    from eks_ip_lint.engine import LintRequest, Policy, lint  # noqa: PLC0415
    from eks_ip_lint.errors import UsageError  # noqa: PLC0415
    from eks_ip_lint.span import SourceSpan  # noqa: PLC0415

    try:
        policy = Policy.from_config(load_config(find_config()))
    except UsageError as exc:
        return [
            Finding("EKSIP000", Severity.ERROR, f"eks-ip-lint configuration: {exc}", SourceSpan(filename, 1))
        ]
    return [f for f in lint(LintRequest(paths=(filename,)), policy).findings if f.suppressed is None]


def _match(self: Any, cfn: Any) -> list[Any]:
    filename = getattr(cfn, "filename", None)
    if not filename:
        return []
    resources = cfn.template.get("Resources", {}) if isinstance(cfn.template, dict) else {}
    matches = []
    for f in template_findings(filename):
        if f.rule_id != self.eks_ip_lint_id:
            continue
        path = ["Resources", f.address] if f.address and f.address in resources else ["Resources"]
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
            "source_url": file_url(meta.docs_path),
            "tags": ["eks", "vpc-cni", "ip-capacity", "eks-ip-lint"],
            "eks_ip_lint_id": meta.id,
            "match": _match,
        },
    )


# cfn-lint instantiates every class in this module's namespace that subclasses
# CloudFormationLintRule (cfnlint.rules._rules.Rules.create_from_module).
RULE_CLASSES = {cfn_lint_id(r.meta): _rule_class(r.meta) for r in ALL_RULES}
globals().update({cls.__name__: cls for cls in RULE_CLASSES.values()})
