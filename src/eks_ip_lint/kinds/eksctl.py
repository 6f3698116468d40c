"""eksctl ClusterConfig files (``apiVersion: eksctl.io/...``, ``kind: ClusterConfig``)."""

from __future__ import annotations

from eks_ip_lint.facts.model import Facts
from eks_ip_lint.kinds.base import DocumentKind, Inputs


def read(path: str, inputs: Inputs) -> list[Facts] | None:
    from eks_ip_lint.facts.eksctl import load_eksctl  # noqa: PLC0415

    facts = load_eksctl(path)
    return None if facts is None else [facts]


KIND = DocumentKind(name="eksctl", read=read)
