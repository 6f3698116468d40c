"""What the user decided about findings: which rules run, at which severity, and which findings
they accepted (inline suppressions, a baseline).

Applied by the engine to every run, whoever asks for it (the CLI, the cfn-lint plugin, a library
caller), in this order: a disabled rule does not run at all; the others' findings get their
configured severity; suppressed and baselined findings stay in the result, marked, and never
count towards failing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from eks_ip_lint.baseline import Key, apply_baseline
from eks_ip_lint.config import Config, RuleConfig
from eks_ip_lint.findings import Finding
from eks_ip_lint.results import LintResult


@dataclass(frozen=True)
class Policy:
    # Rule ID -> enabled and severity, as the configuration file sets them; absent: the default.
    rules: Mapping[str, RuleConfig] = field(default_factory=dict)
    # Identities of accepted findings (baseline.load_baseline); None: no baseline.
    baseline: frozenset[Key] | None = None
    # Mark findings suppressed in the user's files (comments, CloudFormation Metadata).
    inline_suppressions: bool = True

    @classmethod
    def from_config(cls, config: Config, baseline: Iterable[Key] | None = None) -> Policy:
        return cls(rules=config.rules, baseline=None if baseline is None else frozenset(baseline))

    @property
    def disabled(self) -> frozenset[str]:
        """The rules that do not run (known without importing the rules: a cached run does not)."""
        return frozenset(r for r, rc in self.rules.items() if not rc.enabled)

    def apply(self, result: LintResult) -> LintResult:
        """Severities, then inline suppressions, then the baseline, on every unit's findings."""
        from eks_ip_lint.suppression import apply_suppressions  # noqa: PLC0415 -- reads the files

        kinds = {u.path: u.kind for u in result.units}
        for u in result.units:  # nested stack templates read as part of a unit: their Metadata counts too
            kinds.update(dict.fromkeys(u.capacity.facts.included, u.kind))
        units = []
        for u in result.units:
            findings = self._severities(u.findings)
            if self.inline_suppressions:
                findings = apply_suppressions(findings, kinds)
            if self.baseline is not None:
                findings = apply_baseline(findings, set(self.baseline))
            units.append(dataclasses.replace(u, findings=tuple(findings)))
        return LintResult(tuple(units))

    def _severities(self, findings: Iterable[Finding]) -> list[Finding]:
        out = []
        for f in findings:
            rc = self.rules.get(f.rule_id)
            if rc is None or rc.enabled:  # a disabled rule does not run; kept for results made elsewhere
                out.append(dataclasses.replace(f, severity=rc.severity) if rc and rc.severity else f)
        return out
