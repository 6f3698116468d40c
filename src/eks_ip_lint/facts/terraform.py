"""Terraform resources -> facts.

Reads the evaluated instances of the provider resources that decide IP capacity: ``aws_vpc``,
``aws_vpc_ipv4_cidr_block_association``, ``aws_subnet``, ``aws_eks_cluster``,
``aws_eks_node_group`` (+ its ``aws_launch_template``) and ``aws_eks_addon`` "vpc-cni".
Defaults that AWS applies when an argument is omitted are written here, with their source.
"""

from __future__ import annotations

from eks_ip_lint.facts.cni_config import parse_configuration_values
from eks_ip_lint.facts.model import (
    ClusterFact,
    CniSource,
    Facts,
    NodeGroupFact,
    SubnetFact,
    Unresolved,
    VpcFact,
    same_ref,
)
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.module import ModuleEvaluation, ResourceInstance
from eks_ip_lint.values import Unknown, Value

# AWS EKS API CreateNodegroup: "instanceTypes ... If you don't specify, the default is t3.medium"
# (used only when neither the node group nor its launch template names a type).
MNG_DEFAULT_INSTANCE_TYPE = "t3.medium"


def extract(module: ModuleEvaluation, unit: str) -> Facts:
    facts = Facts(unit=unit)
    launch_templates = _instances(module, "aws_launch_template", facts)
    for inst in _instances(module, "aws_vpc", facts):
        facts.vpcs.append(
            VpcFact(inst.address, _refs(inst, "id"), (_str(inst.values.get("cidr_block")),), inst.span)
        )
    for inst in _instances(module, "aws_vpc_ipv4_cidr_block_association", facts):
        _attach_secondary_cidr(facts, inst)
    for inst in _instances(module, "aws_subnet", facts):
        facts.subnets.append(_subnet(inst))
    for inst in _instances(module, "aws_eks_cluster", facts):
        facts.clusters.append(_cluster(inst))
    for inst in _instances(module, "aws_eks_node_group", facts):
        facts.node_groups.append(_node_group(inst, launch_templates, facts))
    for inst in _instances(module, "aws_eks_addon", facts):
        if inst.values.get("addon_name") == "vpc-cni":
            facts.cni_sources.append(_addon(inst))
    return facts


def _instances(module: ModuleEvaluation, type_: str, facts: Facts) -> list[ResourceInstance]:
    out: list[ResourceInstance] = []
    for name, placed in module.source.resources_of_type(type_):
        try:
            found = module.instances(type_, name)
        except EvalError as exc:
            found = Unknown(str(exc))
        if isinstance(found, Unknown):
            facts.unresolved.append(
                Unresolved(
                    what=f"the instances of {type_}.{name}",
                    reason=found.reason,
                    span=found.span or SourceSpan(placed.path, placed.block.line),
                    address=f"{type_}.{name}",
                )
            )
            continue
        out.extend(found)
    return out


def _refs(inst: ResourceInstance, *computed: str) -> tuple[Value, ...]:
    """The symbolic values other resources see when they reference this instance."""
    return tuple(Unknown("computed at apply", f"{inst.address}.{attr}") for attr in computed)


def _str(v: Value) -> str | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, str):
        return v
    if v is None:
        return Unknown("not set")
    return Unknown(f"expected a string, found {v!r}")


def _int(v: Value) -> int | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, bool):
        return Unknown(f"expected a whole number, found {v!r}")
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    if v is None:
        return Unknown("not set")
    return Unknown(f"expected a whole number, found {v!r}")


def _list(v: Value) -> tuple[Value, ...] | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, list):
        return tuple(v)
    if v is None:
        return Unknown("not set")
    return Unknown(f"expected a list, found {v!r}")


def _block(inst: ResourceInstance, name: str) -> dict[str, Value]:
    """The first nested block of that name (scaling_config, vpc_config...), or {}."""
    blocks = inst.values.get(name)
    if isinstance(blocks, list) and blocks and isinstance(blocks[0], dict):
        return blocks[0]
    return {}


def _attach_secondary_cidr(facts: Facts, inst: ResourceInstance) -> None:
    vpc_id = inst.values.get("vpc_id")
    for i, vpc in enumerate(facts.vpcs):
        if any(same_ref(vpc_id, r) for r in vpc.refs):
            facts.vpcs[i] = VpcFact(
                vpc.address, vpc.refs, (*vpc.cidrs, _str(inst.values.get("cidr_block"))), vpc.span
            )
            return


def _subnet(inst: ResourceInstance) -> SubnetFact:
    az = inst.values.get("availability_zone")
    if az is None:
        az = inst.values.get("availability_zone_id")
    az_value: str | Unknown
    if az is None:
        # AWS picks an AZ at apply time; each such subnet is its own (unknown) AZ.
        az_value = Unknown("availability_zone is not set: AWS chooses it at apply", f"{inst.address}.az")
    else:
        az_value = _str(az)
    return SubnetFact(
        address=inst.address,
        refs=_refs(inst, "id"),
        cidr=_str(inst.values.get("cidr_block")),
        az=az_value,
        span=inst.span_of("cidr_block"),
        vpc_ref=inst.values.get("vpc_id"),
    )


def _cluster(inst: ResourceInstance) -> ClusterFact:
    vpc_config = _block(inst, "vpc_config")
    network = _block(inst, "kubernetes_network_config")
    ip_family = network.get("ip_family", "ipv4")
    name = _str(inst.values.get("name"))
    # aws_eks_cluster's id is its name, so aws_eks_cluster.x.id and .name both identify it.
    refs: tuple[Value, ...] = (name, *_refs(inst, "id", "name", "arn"))
    return ClusterFact(
        address=inst.address,
        name=name,
        refs=refs,
        subnet_refs=_list(vpc_config.get("subnet_ids")) if vpc_config else Unknown("vpc_config is not set"),
        ip_family=_str(ip_family if ip_family is not None else "ipv4"),
        span=inst.span,
        subnets_span=inst.span_of("vpc_config.subnet_ids"),
    )


def _node_group(
    inst: ResourceInstance, launch_templates: list[ResourceInstance], facts: Facts
) -> NodeGroupFact:
    scaling = _block(inst, "scaling_config")
    lt_ref = _block(inst, "launch_template")
    template = _find_launch_template(lt_ref, launch_templates) if lt_ref else None
    types_value = inst.values.get("instance_types")
    types_source = f"{inst.address} instance_types"
    if types_value is None and template is not None and template.values.get("instance_type") is not None:
        types_value = [template.values["instance_type"]]
        types_source = f"{template.address} instance_type"
    elif types_value is None and lt_ref and template is None:
        types_value = Unknown("the node group's launch template is not declared in this configuration")
    elif types_value is None:
        types_value = [MNG_DEFAULT_INSTANCE_TYPE]
        types_source = "EKS default (t3.medium) for a node group without instance_types"
    instance_types = _instance_types(types_value)
    custom_ami = inst.values.get("ami_type") == "CUSTOM" or (
        template is not None and template.values.get("image_id") is not None
    )
    name = inst.values.get("node_group_name") or inst.values.get("node_group_name_prefix")
    return NodeGroupFact(
        address=inst.address,
        name=_str(name) if name is not None else inst.name,
        kind="managed",
        cluster_ref=inst.values.get("cluster_name"),
        instance_types=instance_types,
        min_size=_int(scaling.get("min_size")),
        max_size=_int(scaling.get("max_size")),
        desired_size=_int(scaling.get("desired_size")),
        subnet_refs=_list(inst.values.get("subnet_ids")),
        span=inst.span,
        max_size_span=inst.span_of("scaling_config.max_size", "scaling_config"),
        instance_types_span=inst.span_of("instance_types", "launch_template"),
        subnets_span=inst.span_of("subnet_ids"),
        custom_ami=custom_ami,
        instance_types_source=types_source,
    )


def _instance_types(v: Value) -> tuple[str, ...] | Unknown:
    items = _list(v)
    if isinstance(items, Unknown):
        return items
    out = []
    for item in items:
        if not isinstance(item, str):
            return item if isinstance(item, Unknown) else Unknown(f"instance type {item!r} is not a string")
        out.append(item)
    return tuple(out) if out else Unknown("instance_types is empty")


def _find_launch_template(
    ref: dict[str, Value], templates: list[ResourceInstance]
) -> ResourceInstance | None:
    wanted = [ref.get("id"), ref.get("name")]
    for t in templates:
        own = (
            Unknown("", f"{t.address}.id"),
            Unknown("", f"{t.address}.name"),
            t.values.get("name"),
        )
        if any(w is not None and same_ref(w, o) for w in wanted for o in own):
            return t
    return None


def _addon(inst: ResourceInstance) -> CniSource:
    raw = inst.values.get("configuration_values")
    env: dict[str, str] | Unknown
    env = {} if raw is None else parse_configuration_values(raw)
    return CniSource(
        address=inst.address,
        cluster_ref=inst.values.get("cluster_name"),
        env=env,
        span=inst.span_of("configuration_values"),
        description=f"{inst.address} configuration_values",
    )
