"""Running rules over one analysed unit."""

from __future__ import annotations

from eks_ip_lint.capacity.analysis import Options, UnitCapacity, what_if
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules import ALL_RULES
from eks_ip_lint.rules._base import RuleContext
from eks_ip_lint.span import SourceSpan


def run_rules(capacity: UnitCapacity, options: Options, skip: frozenset[str] = frozenset()) -> list[Finding]:
    """Every rule but those in ``skip`` over one analysed unit, sorted by place; a crash in one
    rule is a finding of that rule, and the others still report."""
    ctx = RuleContext(options, what_if(capacity))
    out: list[Finding] = []
    for rule in (r for r in ALL_RULES if r.meta.id not in skip):
        try:
            out.extend(rule.check(capacity, ctx))
        except Exception as exc:
            out.append(
                Finding(
                    rule.meta.id,
                    Severity.ERROR,
                    f"internal error in rule {rule.meta.id} ({type(exc).__name__}: {exc}); please report it",
                    SourceSpan(capacity.facts.unit, 1),
                )
            )
    return sorted(out, key=lambda f: (f.span.path, f.span.line, f.rule_id, f.message))
