"""CloudFormation templates (YAML, JSON, CDK output), with their local nested stacks; one unit
per branch of the conditions that cannot be decided (facts/cfn_branches.py)."""

from __future__ import annotations

from collections.abc import Sequence

from eks_ip_lint.facts.model import Facts
from eks_ip_lint.kinds.base import AHEAD_CLOUDFORMATION, DocumentKind, Inputs


def read(path: str, inputs: Inputs) -> list[Facts] | None:
    from eks_ip_lint.facts.cloudformation import load_cloudformation  # noqa: PLC0415

    return load_cloudformation(path, dict(inputs.parameters), dict(inputs.nested_templates))


def parse_ahead(path: str) -> Sequence[tuple[str, str]]:
    from eks_ip_lint.facts.cloudformation import text_may_be_template  # noqa: PLC0415

    return [(AHEAD_CLOUDFORMATION, path)] if text_may_be_template(path) else ()


KIND = DocumentKind(name="cloudformation", read=read, ahead=parse_ahead)
