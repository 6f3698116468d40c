"""YAML with lines, for documents that are not CloudFormation (eksctl ClusterConfig).

Decoded by :mod:`eks_ip_lint.sources.yaml_decode` (PyYAML), through the content cache: a warm
run does not import PyYAML.
"""

from __future__ import annotations

from eks_ip_lint.sources import parse_cache
from eks_ip_lint.sources.lined import DecodeProblem, LinedDocument, read_document_bytes, relabel

__all__ = ["DecodeProblem", "LinedDocument", "load"]


def load(path: str) -> LinedDocument | DecodeProblem:
    raw = read_document_bytes(path)
    if isinstance(raw, DecodeProblem):
        return raw
    return parse_cache.cached_decode(
        "yaml-lines", raw, lambda: _decode(path, raw), lambda v: relabel(v, path)
    )


def _decode(path: str, raw: bytes) -> LinedDocument | DecodeProblem:
    from eks_ip_lint.sources import yaml_decode  # noqa: PLC0415 -- PyYAML, only on a cache miss

    return yaml_decode.decode(path, raw)
