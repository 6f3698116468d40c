"""YAML with lines, for documents that are not CloudFormation (eksctl ClusterConfig, Kubernetes
manifests).

Decoded by :mod:`eks_ip_lint.sources.yaml_decode` (PyYAML), through the content cache: a warm
run does not import PyYAML.
"""

from __future__ import annotations

from eks_ip_lint.sources import parse_cache
from eks_ip_lint.sources.lined import DecodeProblem, LinedDocument, read_document_bytes, relabel

__all__ = ["DecodeProblem", "LinedDocument", "load", "load_all"]


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


def load_all(path: str) -> list[LinedDocument] | DecodeProblem:
    """Every document of a multi-document YAML file (Kubernetes manifests)."""
    raw = read_document_bytes(path)
    if isinstance(raw, DecodeProblem):
        return raw
    return parse_cache.cached_decode(
        "yaml-lines-all", raw, lambda: _decode_all(path, raw), lambda v: _relabel_all(v, path)
    )


def _decode_all(path: str, raw: bytes) -> list[LinedDocument] | DecodeProblem:
    from eks_ip_lint.sources import yaml_decode  # noqa: PLC0415 -- PyYAML, only on a cache miss

    return yaml_decode.decode_all(path, raw)


def _relabel_all(stored: object, path: str) -> list[LinedDocument] | DecodeProblem | None:
    if isinstance(stored, list) and all(isinstance(d, LinedDocument) for d in stored):
        out = [relabel(d, path) for d in stored]
        return [d for d in out if isinstance(d, LinedDocument)]
    return stored if isinstance(stored, DecodeProblem) else None
