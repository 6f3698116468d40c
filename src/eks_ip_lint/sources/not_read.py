"""What a scan saw and did not read, in words a user recognises.

A run that checks nothing must say why (issue 13 item 14): "0 modules checked" after scanning a
directory of Kubernetes manifests or jsonnet looks like a pass. Two kinds of files end here: files
of infrastructure languages eks-ip-lint does not read (by name, found by the walk), and YAML/JSON
documents no unit kind claimed (by a look at their first lines: Kubernetes manifests, Helm
templates, other data).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from eks_ip_lint.sources import fs

# Infrastructure-as-code files not read, by how their names end: the words say what they are.
UNREAD_LANGUAGES: tuple[tuple[tuple[str, ...], str], ...] = (
    ((".jsonnet", ".libsonnet"), "jsonnet file(s): a language eks-ip-lint does not read"),
    ((".bicep",), "Bicep file(s): a language eks-ip-lint does not read"),
    ((".pkr.hcl",), "Packer template(s): not EKS capacity"),
    ((".cue",), "CUE file(s): a language eks-ip-lint does not read"),
    ((".pkl",), "Pkl file(s): a language eks-ip-lint does not read"),
)
_HEAD_BYTES = 4096
_MANIFEST = re.compile(r"^apiVersion:\s*\S+", re.MULTILINE)
_KIND = re.compile(r"^kind:\s*\S+", re.MULTILINE)
_JSON_MANIFEST = re.compile(r'"apiVersion"\s*:')


@dataclass(frozen=True)
class NotRead:
    """Files of one sort that the run saw and did not analyse."""

    what: str  # "Kubernetes manifest(s) declaring nothing eks-ip-lint reads"
    paths: tuple[str, ...]


def unread_language(name: str) -> str | None:
    """The words for a file of a language eks-ip-lint does not read, or None."""
    for suffixes, words in UNREAD_LANGUAGES:
        if name.endswith(suffixes):
            return words
    return None


def document_sort(path: str) -> str:
    """Why a YAML/JSON document that no unit kind claimed is not analysed."""
    try:
        head = fs.read(path, _HEAD_BYTES).decode("utf-8", "replace")
    except OSError:
        return "YAML/JSON file(s) that cannot be read"
    if "{{" in head and ("{{-" in head or ".Values" in head or "{{ ." in head):
        return "YAML file(s) that are Helm or Go templates, not YAML until rendered"
    if (_MANIFEST.search(head) and _KIND.search(head)) or _JSON_MANIFEST.search(head):
        return "Kubernetes manifest(s) declaring nothing eks-ip-lint reads"
    return "YAML/JSON file(s) that are not CloudFormation templates, eksctl configs or Terraform plans"


def group(items: Iterable[tuple[str, str]]) -> tuple[NotRead, ...]:
    """(words, path) pairs as one NotRead per sort, largest first, paths sorted."""
    by_sort: dict[str, list[str]] = {}
    for words, path in items:
        by_sort.setdefault(words, []).append(os.path.normpath(path))
    return tuple(
        NotRead(words, tuple(sorted(paths)))
        for words, paths in sorted(by_sort.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    )
