"""Findings of a unit analysed once per branch of its undecidable conditions.

A CloudFormation template whose capacity depends on a condition that cannot be decided before
deploy is analysed per branch (:mod:`eks_ip_lint.facts.cfn_branches`). A finding every branch
has does not depend on the condition and is reported once, as it is. A finding only some
branches have is the point of the exercise: it says which branch fails, in its message and in
``Finding.branch`` (also part of its fingerprint, so two branches' findings stay two alerts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from eks_ip_lint.findings import Finding


def _identity(f: Finding) -> tuple[object, ...]:
    return (f.rule_id, f.span, f.address, f.cluster, f.message, f.fix)


def qualify(per_branch: Sequence[tuple[str, Sequence[Finding]]]) -> list[list[Finding]]:
    """Per branch, its findings: those of every branch unchanged, the others marked with the branch."""
    if len(per_branch) < 2:
        return [list(found) for _, found in per_branch]
    common = set.intersection(*({_identity(f) for f in found} for _, found in per_branch))
    out: list[list[Finding]] = []
    for label, found in per_branch:
        out.append(
            [
                f
                if _identity(f) in common
                else replace(f, message=f"{f.message} (in the branch where {label})", branch=label)
                for f in found
            ]
        )
    return out


def unique(findings: Sequence[Finding]) -> list[Finding]:
    """Findings in order without repeats: a finding every branch has is listed once."""
    return list(dict.fromkeys(findings))
