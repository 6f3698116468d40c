"""A YAML file of Kubernetes manifests -> the facts of its NodePools and NodeClasses."""

from __future__ import annotations

from eks_ip_lint.facts.karpenter import MARKERS, is_node_pool_object, read_object
from eks_ip_lint.facts.model import Facts, InputProblem
from eks_ip_lint.sources import fs, yaml_lines
from eks_ip_lint.sources.lined import MAX_DOCUMENT_BYTES, DecodeProblem
from eks_ip_lint.span import SourceSpan


def load_manifests(path: str) -> Facts | None:
    """Facts of the file's NodePools and NodeClasses; None when it holds none."""
    try:
        text = fs.read(path, MAX_DOCUMENT_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    # Most YAML of a repository is something else: a substring test spares the parse.
    if not any(m in text for m in MARKERS) or not ("NodePool" in text or "NodeClass" in text):
        return None
    docs = yaml_lines.load_all(path)
    if isinstance(docs, DecodeProblem):
        if "{{" in text:
            return None  # a Helm chart's template: Go templating, not YAML until rendered
        facts = Facts(unit=path)
        facts.problems.append(
            InputProblem(f"Kubernetes manifest cannot be parsed: {docs.message}", SourceSpan(path, docs.line))
        )
        return facts
    facts = Facts(unit=path)
    for i, doc in enumerate(docs):
        if not is_node_pool_object(doc.data):
            continue
        assert isinstance(doc.data, dict)

        def span_of(p: tuple[str | int, ...], doc: yaml_lines.LinedDocument = doc) -> SourceSpan:
            return SourceSpan(path, doc.line(*p))

        read_object(doc.data, f"{path} document {i + 1}", span_of, None, facts)
    return facts if facts.node_pools or facts.node_classes else None
