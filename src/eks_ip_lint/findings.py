"""Findings: what rules report. A leaf module every stage after the model may import."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

from eks_ip_lint.span import SourceSpan


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe; used by --fail-on."""
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(frozen=True)
class RelatedLocation:
    """Another place a finding is about (SARIF ``relatedLocations``, the JSON's ``related``): a
    cluster-wide finding points at each node group's max-size line this way."""

    span: SourceSpan
    message: str
    address: str | None = None


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str
    span: SourceSpan
    # The Terraform address / CloudFormation logical ID the finding is about, when there is one.
    address: str | None = None
    # The cluster the finding belongs to, for per-cluster reports.
    cluster: str | None = None
    # A concrete change that removes the finding, when the rule can compute one.
    fix: str | None = None
    # Why the user accepted this finding, when they did (src/eks_ip_lint/suppression.py: an inline
    # comment or CloudFormation Metadata; baseline.py: "in baseline"). A suppressed finding is
    # still reported, marked, and never counts towards --fail-on.
    suppressed: str | None = None
    # How: "inSource" (a comment or Metadata in the user's file) or "external" (a baseline file),
    # the SARIF suppression kinds. None when not suppressed.
    suppression_kind: str | None = None
    # The branch of undecidable CloudFormation conditions it occurs in ("InUsEast1=false"), when it
    # does not occur in every branch (src/eks_ip_lint/branches.py).
    branch: str | None = None
    # Other places the finding is about (a cluster finding: each node group's max-size line).
    related: tuple[RelatedLocation, ...] = ()

    @property
    def fingerprint(self) -> str:
        """Stable across line moves: rule, file, address and branch, not the line or the numbers."""
        raw = f"{self.rule_id}|{self.span.path}|{self.address or ''}|{self.cluster or ''}"
        if self.branch:
            raw += f"|{self.branch}"  # added only when set: fingerprints without branches are unchanged
        return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]
