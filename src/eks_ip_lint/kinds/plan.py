"""Terraform plan JSON (``terraform show -json plan.out``): every value as Terraform planned it.

Decided before CloudFormation in the registry: a plan is JSON with ``format_version`` and
``planned_values``, and the template loader would otherwise report it as a template it cannot
read."""

from __future__ import annotations

from eks_ip_lint.facts.model import Facts
from eks_ip_lint.kinds.base import DocumentKind, Inputs


def read(path: str, inputs: Inputs) -> list[Facts] | None:
    from eks_ip_lint.facts.plan import load_plan  # noqa: PLC0415

    facts = load_plan(path)
    return None if facts is None else [facts]


KIND = DocumentKind(name="plan", read=read, links_cni=True)
