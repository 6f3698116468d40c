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

    @property
    def fingerprint(self) -> str:
        """Stable across line moves: rule, file and address, not the line or the numbers."""
        raw = f"{self.rule_id}|{self.span.path}|{self.address or ''}|{self.cluster or ''}"
        return hashlib.sha256(raw.encode()).hexdigest()[:32]
