"""Karpenter NodePools and EC2NodeClasses, and EKS Auto Mode NodeClasses, wherever declared -> facts.

The same Kubernetes objects arrive from several carriers: a plain YAML manifest in the tree
(kinds/kubernetes_manifests.py), a ``kubectl_manifest`` ``yaml_body`` or a ``kubernetes_manifest``
``manifest`` (facts/terraform.py), a ``helm_release``'s values when its chart carries them
(a ``raw``-style chart's list of objects). Each carrier hands its decoded documents here with a
way to place a path of the document in the user's file.

Shapes read (capacity-beyond-node-groups.md §2, §3.4):

* ``karpenter.sh/v1`` NodePool: ``spec.template.spec.{requirements, nodeClassRef}``, ``spec.limits``;
* ``karpenter.sh/v1beta1`` NodePool: the same, plus ``spec.template.spec.kubelet.maxPods``;
* ``karpenter.k8s.aws/v1`` (and v1beta1) EC2NodeClass: ``spec.subnetSelectorTerms``,
  ``spec.kubelet.maxPods`` (v1);
* ``eks.amazonaws.com/v1`` NodeClass (Auto Mode): ``spec.subnetSelectorTerms``,
  ``spec.podSubnetSelectorTerms``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from eks_ip_lint.facts.model import Facts, NodeClassFact, NodePoolFact, Requirement, SelectorTerm
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Cause, Unknown, Value, first_unknown

POOL_API_VERSIONS = ("karpenter.sh/v1", "karpenter.sh/v1beta1")
CLASS_KINDS = {
    "karpenter.k8s.aws/v1": "EC2NodeClass",
    "karpenter.k8s.aws/v1beta1": "EC2NodeClass",
    "eks.amazonaws.com/v1": "NodeClass",
}
# What a file must contain to be worth decoding as manifests (a substring test spares the YAML
# parse of every other file of a repository).
MARKERS = ("karpenter.sh/v1", "karpenter.k8s.aws/", "eks.amazonaws.com/v1")

SpanOf = Callable[[tuple[str | int, ...]], SourceSpan]


def is_node_pool_object(doc: object) -> bool:
    """A NodePool, EC2NodeClass or Auto Mode NodeClass object."""
    if not isinstance(doc, dict):
        return False
    api, kind = doc.get("apiVersion"), doc.get("kind")
    return (api in POOL_API_VERSIONS and kind == "NodePool") or (
        isinstance(api, str) and CLASS_KINDS.get(api) == kind
    )


def objects_in(value: Value, depth: int = 0) -> Iterator[tuple[tuple[str | int, ...], dict[str, Value]]]:
    """Every NodePool / NodeClass object nested anywhere in ``value`` (a chart's values: a raw
    chart's ``resources`` list, ``extraObjects``...), with its path."""
    if depth > 12:
        return
    if is_node_pool_object(value):
        assert isinstance(value, dict)
        yield (), value
        return
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        for path, obj in objects_in(child, depth + 1):
            yield (key, *path), obj


def read_object(doc: dict[str, Value], where: str, span_of: SpanOf, cluster_ref: Value, facts: Facts) -> None:
    """Add the fact of one object (``is_node_pool_object``); ``where`` names its carrier."""
    kind = str(doc.get("kind"))
    meta = doc.get("metadata")
    name_value = meta.get("name") if isinstance(meta, dict) else None
    name: str | Unknown = (
        name_value
        if isinstance(name_value, str)
        else name_value
        if isinstance(name_value, Unknown)
        else Unknown("metadata.name is not set", cause=Cause.INVALID)
    )
    address = f"{kind} {name if isinstance(name, str) else '?'} ({where})"
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    assert isinstance(spec, dict)
    if kind == "NodePool":
        facts.node_pools.append(
            _pool(doc, spec, name=name, address=address, span_of=span_of, cluster_ref=cluster_ref)
        )
    else:
        facts.node_classes.append(
            NodeClassFact(
                address=address,
                name=name,
                kind=kind,
                subnet_terms=_terms(spec.get("subnetSelectorTerms"), "subnetSelectorTerms"),
                span=span_of(("spec", "subnetSelectorTerms")),
                cluster_ref=cluster_ref,
                pod_subnet_terms=(
                    _terms(spec.get("podSubnetSelectorTerms"), "podSubnetSelectorTerms")
                    if "podSubnetSelectorTerms" in spec
                    else None
                ),
                max_pods=_max_pods(_get(spec, "kubelet", "maxPods")),
            )
        )


def _pool(
    doc: dict[str, Value],
    spec: dict[str, Value],
    *,
    name: str | Unknown,
    address: str,
    span_of: SpanOf,
    cluster_ref: Value,
) -> NodePoolFact:
    template = _get(spec, "template", "spec")
    ref = _get(template, "nodeClassRef")
    ref_name = _get(ref, "name")
    limits = spec.get("limits")
    limits_value: tuple[tuple[str, str | Unknown], ...] | Unknown
    if limits is None:
        limits_value = ()
    elif isinstance(limits, Unknown):
        limits_value = limits
    elif isinstance(limits, dict):
        limits_value = tuple(
            (str(k), v if isinstance(v, Unknown) else str(v)) for k, v in limits.items() if v is not None
        )
    else:
        limits_value = Unknown(f"spec.limits is not a map: {limits!r}", cause=Cause.INVALID)
    return NodePoolFact(
        address=address,
        name=name,
        api_version=str(doc.get("apiVersion")),
        node_class=(
            ref_name
            if isinstance(ref_name, (str, Unknown))
            else Unknown("spec.template.spec.nodeClassRef.name is not set", cause=Cause.INVALID)
        ),
        node_class_kind=str(_get(ref, "kind") or "EC2NodeClass"),
        requirements=_requirements(_get(template, "requirements")),
        limits=limits_value,
        span=span_of(()),
        limits_span=span_of(("spec", "limits")),
        cluster_ref=cluster_ref,
        max_pods=_max_pods(_get(template, "kubelet", "maxPods")),
    )


def _get(node: Value, *path: str) -> Value:
    for p in path:
        if not isinstance(node, dict):
            return None
        node = node.get(p)
    return node


def _max_pods(v: Value) -> int | Unknown | None:
    if v is None:
        return None
    if isinstance(v, Unknown):
        return v
    if isinstance(v, int) and not isinstance(v, bool) and v > 0:
        return v
    if isinstance(v, str) and v.isdigit() and int(v) > 0:
        return int(v)
    # HEAD Karpenter accepts a CEL string behind a feature gate (§2.4): not evaluated here.
    return Unknown(f"kubelet maxPods {v!r} is not a whole number", cause=Cause.UNSUPPORTED)


def _requirements(v: Value) -> tuple[Requirement, ...] | Unknown:
    if v is None:
        return ()  # no requirement: every type the provider offers (nodepools.md:367)
    inner = first_unknown(v)
    if inner is not None:
        return Unknown(f"a requirement is unknown: {inner.reason}", cause=inner.cause)
    if not isinstance(v, list):
        return Unknown(f"requirements is not a list: {v!r}", cause=Cause.INVALID)
    out: list[Requirement] = []
    for item in v:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            return Unknown(f"requirement {item!r} has no key", cause=Cause.INVALID)
        values = item.get("values")
        out.append(
            Requirement(
                str(item["key"]),
                str(item.get("operator", "In")),
                tuple(str(x) for x in values) if isinstance(values, list) else (),
            )
        )
    return tuple(out)


def _terms(v: Value, field_name: str) -> tuple[SelectorTerm, ...] | Unknown:
    if v is None:
        return Unknown(f"{field_name} is not set", cause=Cause.INVALID)
    if isinstance(v, Unknown):
        return Unknown(f"{field_name} is unknown: {v.reason}", cause=v.cause)
    if not isinstance(v, list):
        return Unknown(f"{field_name} is not a list: {v!r}", cause=Cause.INVALID)
    out: list[SelectorTerm] = []
    for item in v:
        if not isinstance(item, dict):
            return Unknown(f"{field_name} entry {item!r} is not a map", cause=Cause.INVALID)
        tags, id_value = item.get("tags"), item.get("id")
        if isinstance(id_value, str) or (isinstance(id_value, Unknown) and id_value.key):
            # A subnet's id: a literal, or (Terraform) aws_subnet.x.id, matched by its symbolic key.
            out.append(SelectorTerm(id=id_value))
            continue
        inner = first_unknown(tags)
        if inner is not None or isinstance(id_value, Unknown):
            why = inner or id_value
            assert isinstance(why, Unknown)
            return Unknown(f"{field_name} is unknown: {why.reason}", cause=why.cause)
        if isinstance(tags, dict) and tags:
            out.append(SelectorTerm(tags=tuple((str(k), str(val)) for k, val in tags.items())))
        else:
            # A term by name, VPC or other field only is not evaluated against the declared subnets.
            return Unknown(
                f"{field_name} has a term without tags or id ({sorted(item)})", cause=Cause.UNSUPPORTED
            )
    return tuple(out)
