"""Karpenter NodePools / NodeClasses carried by Terraform resources -> facts.

* ``kubectl_manifest`` ``yaml_body`` (a heredoc, ``file()``, ``templatefile()`` or
  ``yamlencode()``) and ``kubernetes_manifest`` ``manifest``: one object each, or several
  ``---``-separated documents in one yaml_body;
* ``helm_release``: NodePool / NodeClass objects anywhere in its ``values`` documents (a
  ``raw``-style chart's ``resources`` list, ``extraObjects``...).

Like an ENIConfig, none of these names its cluster: the unit's only cluster, else none (the
analysis then reports the pools under their own entry).
"""

from __future__ import annotations

from eks_ip_lint.facts.cni_carriers import manifest_documents
from eks_ip_lint.facts.karpenter import SpanOf, is_node_pool_object, objects_in, read_object
from eks_ip_lint.facts.model import Facts
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.values import Value


def manifest(inst: ResourceInstance, cluster_ref: Value, facts: Facts) -> None:
    docs = manifest_documents(inst)
    for i, doc in enumerate(docs):
        if not is_node_pool_object(doc):
            continue
        assert isinstance(doc, dict)
        where = inst.address if len(docs) == 1 else f"{inst.address} document {i + 1}"
        read_object(doc, where, _fixed(inst.span), cluster_ref, facts)


def helm_values(inst: ResourceInstance, cluster_ref: Value, facts: Facts) -> None:
    values = inst.values.get("values")
    docs = values if isinstance(values, list) else ([] if values is None else [values])
    for doc in docs:
        decoded = _decode(doc)
        for path, obj in objects_in(decoded):
            where = f"{inst.address} values {'.'.join(str(p) for p in path) or '(root)'}"
            read_object(obj, where, _fixed(inst.span_of("values")), cluster_ref, facts)


def _fixed(span: SourceSpan) -> SpanOf:
    """Every path of an object carried by a Terraform string is placed at the resource: the
    YAML's own lines are not the file's."""
    return lambda _path: span


def _decode(doc: Value) -> Value:
    """A values document: YAML text (``file()``, a heredoc), or the structure ``yamlencode()`` was
    given."""
    if not isinstance(doc, str):
        return doc
    if "NodePool" not in doc and "NodeClass" not in doc:
        return None  # most charts' values hold no node pool: spare the parse
    import yaml  # noqa: PLC0415 -- only values that may hold node pools need it

    from eks_ip_lint.sources import yaml_budget  # noqa: PLC0415

    try:
        loaded: Value = yaml_budget.safe_load(doc)
    except yaml.YAMLError:
        return None
    return loaded
