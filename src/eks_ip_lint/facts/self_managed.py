"""Self-managed node groups: ``aws_autoscaling_group`` with its launch template or configuration.

An Auto Scaling group only is an EKS node group when it joins a cluster. We recognise that by
the ``kubernetes.io/cluster/<name>`` tag EKS requires on self-managed nodes, by a
``bootstrap.sh <name>`` line in its user data, or, in a unit declaring exactly one cluster, by
being there at all (an ASG in an EKS root module with one cluster is that cluster's). Sizes come
from ``min_size``/``max_size``/``desired_capacity``, subnets from ``vpc_zone_identifier``, instance
types from the launch template (or configuration) and the ``mixed_instances_policy`` overrides:
with several types, analysis uses the one whose node holds most IPs and says which.
"""

from __future__ import annotations

import re

from eks_ip_lint.facts.max_pods_config import read_user_data
from eks_ip_lint.facts.model import Facts, NodeGroupFact
from eks_ip_lint.facts.tf_values import (
    as_int,
    as_list,
    as_str,
    find_launch_template,
    first_block,
    instance_types_of,
)
from eks_ip_lint.terraform.registry.eks import SYNTHETIC_CLUSTER_ARG
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.values import Cause, Unknown, Value

_CLUSTER_TAG = re.compile(r"^kubernetes\.io/cluster/(.+)$")
_BOOTSTRAP = re.compile(r"bootstrap\.sh\s+['\"]?([A-Za-z0-9][A-Za-z0-9_-]*)")


def node_group(
    inst: ResourceInstance,
    templates: list[ResourceInstance],
    configs: list[ResourceInstance],
    facts: Facts,
) -> NodeGroupFact | None:
    """The node group an ASG is, or None when it is not (visibly) part of an EKS cluster."""
    template, overrides, via = _template_and_overrides(inst, templates, configs)
    cluster_ref = _cluster_ref(inst, template, facts)
    if cluster_ref is None:
        return None
    types_value: Value
    source = ""
    if overrides:
        types_value = overrides
        source = f"{inst.address} mixed_instances_policy overrides"
    elif template is not None and template.values.get("instance_type") is not None:
        types_value = [template.values["instance_type"]]
        source = f"{template.address} instance_type"
    elif template is None:
        types_value = _not_declared(inst, via)
    else:
        # An Auto Scaling group cannot launch from a template without an instance type.
        types_value = Unknown(f"{template.address} sets no instance_type", cause=Cause.INVALID)
    user_data = template.values.get("user_data") if template is not None else None
    # Self-managed nodes run their user data as written: it decides max pods.
    settings = read_user_data(user_data)
    return NodeGroupFact(
        address=inst.address,
        name=as_str(inst.values.get("name")) if inst.values.get("name") is not None else inst.name,
        kind="self-managed",
        cluster_ref=cluster_ref,
        instance_types=instance_types_of(types_value),
        min_size=as_int(inst.values.get("min_size")),
        max_size=as_int(inst.values.get("max_size")),
        desired_size=as_int(inst.values.get("desired_capacity", inst.values.get("min_size"))),
        # Left out, the group launches in its availability_zones' default subnets.
        subnet_refs=as_list(inst.values.get("vpc_zone_identifier"), Cause.AWS_CHOOSES),
        span=inst.span,
        max_size_span=inst.span_of("max_size"),
        instance_types_span=inst.span_of("mixed_instances_policy", "launch_template", "launch_configuration"),
        subnets_span=inst.span_of("vpc_zone_identifier"),
        max_pods=settings.value,
        max_pods_expression=settings.expression,
        custom_ami=True,  # self-managed nodes never get the managed-node-group max-pods rule
        instance_types_source=source,
        max_size_key=inst.spelled.get("max_size", "max_size"),
    )


def _not_declared(inst: ResourceInstance, via: Value) -> Unknown:
    """Why the ASG's instance type is unknown when its template or configuration is not found."""
    configured = inst.values.get("launch_configuration") is not None and not first_block(
        inst, "launch_template"
    )
    if isinstance(via, Unknown) and via.cause not in (Cause.APPLY_TIME, Cause.UNSUPPORTED):
        # The reference itself is unknown (a variable without a value): that is what to fix.
        return Unknown(
            f"{inst.address}: its launch {'configuration' if configured else 'template'} is unknown: {via.reason}",
            cause=via.cause,
        )
    if configured:
        return Unknown(
            f"{inst.address}: its launch configuration is not declared in this configuration",
            cause=Cause.LAUNCH_CONFIGURATION_NOT_DECLARED,
        )
    return Unknown(
        f"{inst.address}: its launch template is not declared in this configuration",
        cause=Cause.LAUNCH_TEMPLATE_NOT_DECLARED,
    )


def _template_and_overrides(
    inst: ResourceInstance, templates: list[ResourceInstance], configs: list[ResourceInstance]
) -> tuple[ResourceInstance | None, list[Value], Value]:
    """The launch template (or configuration) the ASG launches from, the mixed-instances
    overrides' types, and the reference that names the template (for why it was not found)."""
    policy = first_block(inst, "mixed_instances_policy")
    lt_block: dict[str, Value] = {}
    overrides: list[Value] = []
    if policy:
        spec = policy.get("launch_template")
        spec0 = spec[0] if isinstance(spec, list) and spec and isinstance(spec[0], dict) else {}
        inner = spec0.get("launch_template_specification")
        if isinstance(inner, list) and inner and isinstance(inner[0], dict):
            lt_block = inner[0]
        raw = spec0.get("override")
        for o in raw if isinstance(raw, list) else []:
            t = o.get("instance_type") if isinstance(o, dict) else None
            if t is not None:
                overrides.append(t)
    if not lt_block:
        lt_block = first_block(inst, "launch_template")
    if lt_block:
        # An ASG's launch_template block says id/name; a mixed_instances_policy's
        # launch_template_specification says launch_template_id/launch_template_name.
        ref = {
            "id": lt_block.get("id", lt_block.get("launch_template_id")),
            "name": lt_block.get("name", lt_block.get("launch_template_name")),
        }
        return (
            find_launch_template(ref, templates),
            overrides,
            ref["id"] if ref["id"] is not None else ref["name"],
        )
    config = inst.values.get("launch_configuration")
    if config is not None:
        return find_launch_template({"id": config, "name": config}, configs), overrides, config
    return None, overrides, None


def _cluster_ref(inst: ResourceInstance, template: ResourceInstance | None, facts: Facts) -> Value:
    if inst.values.get(SYNTHETIC_CLUSTER_ARG) is not None:
        return inst.values[SYNTHETIC_CLUSTER_ARG]
    tags: list[Value] = []
    raw_tags = inst.values.get("tags")
    if isinstance(raw_tags, dict):
        tags.extend(raw_tags)
    tag_blocks = inst.values.get("tag")
    for block in tag_blocks if isinstance(tag_blocks, list) else []:
        if isinstance(block, dict):
            tags.append(block.get("key"))
    for key in tags:
        m = _CLUSTER_TAG.match(key) if isinstance(key, str) else None
        if m:
            return m.group(1)
    user_data = template.values.get("user_data") if template is not None else None
    if isinstance(user_data, str):
        m = _BOOTSTRAP.search(user_data)
        if m:
            return m.group(1)
    if len(facts.clusters) == 1:
        return facts.clusters[0].refs[0]
    return None


__all__ = ["node_group"]
