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
from eks_ip_lint.findings import Finding, Severity
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
    def from_config(
        cls,
        config: Config,
        baseline: Iterable[Key] | None = None,
        only: Iterable[str] = (),
        skip: Iterable[str] = (),
    ) -> Policy:
        """The configuration file's rule switches, then the command line's on top: ``only``
        (``--rule``) switches off every rule it does not name, ``skip`` (``--skip-rule``) switches
        off those it names; a severity the file sets is kept. IDs are checked by the caller
        (:func:`unknown_rule_ids`)."""
        rules = dict(config.rules)
        only = set(only)
        if only:
            from eks_ip_lint.rules import BY_ID  # noqa: PLC0415 -- only a run that selects rules

            for rule_id in BY_ID:
                if rule_id not in only:
                    rules[rule_id] = RuleConfig(enabled=False, severity=_severity(rules, rule_id))
        for rule_id in skip:
            rules[rule_id] = RuleConfig(enabled=False, severity=_severity(rules, rule_id))
        return cls(rules=rules, baseline=None if baseline is None else frozenset(baseline))

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
        applied = dataclasses.replace(result, units=tuple(units))
        if not self.inline_suppressions:
            return applied
        return dataclasses.replace(applied, notes=(*result.notes, *self._audit(applied)))

    def _audit(self, result: LintResult) -> list[str]:
        """Suppressions that name no rule or match no finding (suppression.audit)."""
        from eks_ip_lint.rules import BY_ID  # noqa: PLC0415
        from eks_ip_lint.suppression import audit, unit_files  # noqa: PLC0415

        files = [(f, u.kind) for u in result.units for f in unit_files(u.kind, u.path)]
        ran = set(BY_ID) - self.disabled
        return audit(result.findings, files, known=set(BY_ID), ran=ran)

    def _severities(self, findings: Iterable[Finding]) -> list[Finding]:
        out = []
        for f in findings:
            rc = self.rules.get(f.rule_id)
            if rc is None or rc.enabled:  # a disabled rule does not run; kept for results made elsewhere
                out.append(dataclasses.replace(f, severity=rc.severity) if rc and rc.severity else f)
        return out


def _severity(rules: Mapping[str, RuleConfig], rule_id: str) -> Severity | None:
    rc = rules.get(rule_id)
    return rc.severity if rc else None


def unknown_rule_ids(ids: Iterable[str], known: Iterable[str]) -> list[str]:
    """A sentence for each ID that names no rule, with the closest one when there is one."""
    import difflib  # noqa: PLC0415

    known = sorted(known)
    out = []
    for rule_id in ids:
        if rule_id not in known:
            close = difflib.get_close_matches(rule_id.upper(), known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else " (eks-ip-lint --list-rules lists them)"
            out.append(f"{rule_id}: no such rule{hint}")
    return out
