"""The unit-kind registry: every kind of input the engine reads, in the order it tries them.

Adding a kind of input is one module in this package (a :class:`DirectoryKind` or a
:class:`DocumentKind` named ``KIND``) and one line below. Document kinds are tried in this order
on every candidate file; the first that recognises the file reads it.
"""

from __future__ import annotations

from eks_ip_lint.kinds import (
    cloudformation,
    eksctl,
    kubernetes_manifests,
    plan,
    terraform_module,
    terragrunt,
)
from eks_ip_lint.kinds.base import DirectoryKind, DocumentKind, Inputs

DIRECTORY_KINDS: tuple[DirectoryKind, ...] = (terraform_module.KIND, terragrunt.KIND)
DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    plan.KIND,
    eksctl.KIND,
    cloudformation.KIND,
    kubernetes_manifests.KIND,
)
ALL_KINDS: tuple[DirectoryKind | DocumentKind, ...] = (*DIRECTORY_KINDS, *DOCUMENT_KINDS)


def _check_registry() -> None:
    names = [k.name for k in ALL_KINDS]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes or "document" in names:  # "document" keys the cache entries of document sources
        raise RuntimeError(f"unit kind names must be unique and not 'document': {sorted(dupes)}")


_check_registry()

BY_NAME = {k.name: k for k in ALL_KINDS}
# Kinds whose CNI add-ons may configure a cluster declared by another unit of the run.
LINKING = frozenset(k.name for k in ALL_KINDS if k.links_cni)

__all__ = [
    "BY_NAME",
    "DIRECTORY_KINDS",
    "DOCUMENT_KINDS",
    "LINKING",
    "DirectoryKind",
    "DocumentKind",
    "Inputs",
]
