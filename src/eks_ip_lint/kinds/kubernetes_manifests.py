"""Kubernetes manifests holding Karpenter NodePools / EC2NodeClasses or EKS Auto Mode NodeClasses.

A plain (multi-document) YAML file applied by ``kubectl`` or GitOps. It names no cluster and
declares no subnet: ``facts/node_pool_linking.py`` attaches its pools to the unit whose declared
subnets its NodeClasses select, across the run's units.
"""

from __future__ import annotations

from eks_ip_lint.facts.model import Facts
from eks_ip_lint.kinds.base import DocumentKind, Inputs


def read(path: str, inputs: Inputs) -> list[Facts] | None:
    from eks_ip_lint.facts.karpenter_manifests import load_manifests  # noqa: PLC0415

    facts = load_manifests(path)
    return None if facts is None else [facts]


# links_cni: its units take part in the run's cross-unit linking (their pools join a cluster).
KIND = DocumentKind(name="kubernetes-manifests", read=read, links_cni=True)
