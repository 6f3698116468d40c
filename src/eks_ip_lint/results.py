"""What a run is asked and what it answers: the request, the per-unit results, the run's result.

The types every consumer of a run shares (the engine that fills them, the unit cache that keeps
them, the reporters and integrations that read them) live here, below all of those, so none of
them imports another to name a result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from eks_ip_lint.branches import unique
from eks_ip_lint.capacity.analysis import Options, UnitCapacity
from eks_ip_lint.findings import Finding
from eks_ip_lint.sources.not_read import NotRead
from eks_ip_lint.terraform.variable_inputs import VariableInputs


@dataclass(frozen=True)
class LintRequest:
    """Everything that shapes the computed result: a cached result is keyed by all of it but
    ``jobs`` and ``use_cache``."""

    paths: tuple[str, ...]
    variables: VariableInputs = field(default_factory=VariableInputs)
    options: Options = field(default_factory=Options)
    workspace: str = "default"
    # CloudFormation parameter values (--parameter, --parameters-file), pseudo parameters included.
    parameters: Mapping[str, str] = field(default_factory=dict)
    # Processes that parse a cold run's files ahead of the engine (prefetch.warm); 1 = none.
    jobs: int = 1
    # --nested-template: a nested stack's logical ID (or TemplateURL) -> its local template file.
    nested_templates: Mapping[str, str] = field(default_factory=dict)
    # Read and write the parse and unit caches (--no-cache: False). EKS_IP_LINT_NO_CACHE=1 turns
    # them off whatever this says.
    use_cache: bool = True
    # --allow-outside: trees beyond the scanned paths and their repository that may be read
    # (docs/security.md); the run reads nothing else.
    allow_outside: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitResult:
    kind: str  # the unit kind's name (eks_ip_lint.kinds): terraform, plan, cloudformation, eksctl
    path: str
    capacity: UnitCapacity
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class LintResult:
    units: tuple[UnitResult, ...]
    # What the run says about the user's own settings besides findings: suppressions that name no
    # rule or match nothing (policy.Policy.apply). The CLI prints them on standard error.
    notes: tuple[str, ...] = ()
    # Files the scan saw and did not analyse, by sort (sources/not_read.py): a run that checked
    # nothing says what it found instead.
    not_read: tuple[NotRead, ...] = ()

    @property
    def findings(self) -> list[Finding]:
        # Each branch of a template keeps the findings common to all branches (its cluster tables
        # need them); the run lists them once.
        return unique([f for u in self.units for f in u.findings])


class ProgressSink(Protocol):
    """Told about a run's progress (the CLI draws a line on a terminal; a library caller may log).
    ``start`` once with the number of steps, ``step`` before each, ``done`` at the end, errors
    included."""

    def start(self, total: int) -> None: ...

    def step(self, label: str) -> None: ...

    def done(self) -> None: ...
