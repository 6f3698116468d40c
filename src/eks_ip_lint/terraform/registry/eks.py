"""terraform-aws-modules/eks/aws: the cluster, node groups and add-ons the module declares.

The input names and defaults come from :mod:`eks_tables` (one table per generation); this file
only applies a table: ``try(group.k, defaults.k, module default)`` for every value, as the module
does, and emits the provider resources the module would create, addressed as in its plan.
"""

from __future__ import annotations

import dataclasses

from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.registry.common import (
    CallInputs,
    Note,
    Synthesized,
    computed,
    first_set,
    lookup,
    note_of,
    resource,
)
from eks_ip_lint.terraform.registry.eks_tables import EksSchema, GroupSchema
from eks_ip_lint.values import Cause, Unknown, Value

# The argument by which a synthesized aws_autoscaling_group names its cluster (see _group).
SYNTHETIC_CLUSTER_ARG = "eks_ip_lint_cluster_name"
# Not a provider argument either: in a modelled group's update_config, where its values came from.
UPDATE_CONFIG_SOURCE_ARG = "eks_ip_lint_source"
# terraform-aws-eks modules/eks-managed-node-group variables.tf:563-574 (v21.19.0): the module's
# update_config default, used when the group and eks_managed_node_group_defaults set none.
MODULE_UPDATE_CONFIG: dict[str, Value] = {
    "max_unavailable_percentage": 33,
    UPDATE_CONFIG_SOURCE_ARG: "terraform-aws-eks's default update_config",
}


def synthesize(call: CallInputs, schema: EksSchema) -> Synthesized:
    out = Synthesized()
    if call.get(schema.create_input, True) is False:
        return out  # `create = false`: the module declares nothing (the official tests' disabled_eks)
    cluster_addr = f"{call.address}.aws_eks_cluster.this[0]"
    name = call.get(schema.cluster_name)
    if name is None:
        # The module's default is "": AWS rejects a cluster without a name.
        name = Unknown(
            f"{call.address}: {schema.cluster_name} is not set", f"{cluster_addr}.name", cause=Cause.INVALID
        )
    elif isinstance(name, Unknown) and name.key is None:
        # "education-eks-${random_string.suffix.result}": the name is unknown, but the module's
        # node groups, add-ons and module.eks.cluster_name all denote this cluster's name. A
        # keyless Unknown equals nothing, so they would fall under "(unknown cluster)".
        name = dataclasses.replace(name, key=f"{cluster_addr}.name")
    subnets = call.get(schema.subnets, [])
    cp_subnets = call.get(schema.control_plane_subnets) if schema.control_plane_subnets else None
    ip_family = call.get(schema.ip_family, "ipv4") if schema.ip_family else "ipv4"
    cluster_values: dict[str, Value] = {
        "name": name,
        "vpc_config": [{"subnet_ids": cp_subnets if cp_subnets is not None else subnets}],
        "kubernetes_network_config": [{"ip_family": ip_family}],
    }
    compute = call.get(schema.compute_config) if schema.compute_config else None
    if compute is not None:
        # The module passes the object to the cluster's compute_config block.
        cluster_values["compute_config"] = [compute] if isinstance(compute, dict) else compute
    out.resources.append(
        resource(
            "aws_eks_cluster",
            cluster_addr,
            cluster_values,
            {
                "compute_config": call.line(schema.compute_config or schema.cluster_name),
                "vpc_config.subnet_ids": call.line(
                    schema.control_plane_subnets
                    if cp_subnets is not None and schema.control_plane_subnets
                    else schema.subnets
                ),
            },
            SourceSpan(call.span.path, call.line(schema.cluster_name), call.span.end_line),
        )
    )
    for group in schema.groups:
        _groups(call, schema=schema, group=group, cluster_name=name, module_subnets=subnets, out=out)
    if schema.addons:
        _addons(call, schema.addons, name, out)
    _fargate_profiles(call, name, subnets, out)
    out.outputs = {
        "cluster_name": name,
        "cluster_id": name,  # v17-v19: the cluster's id is its name
        "cluster_arn": computed(cluster_addr, "arn"),
        "cluster_endpoint": computed(cluster_addr, "endpoint"),
    }
    return out


def _groups(
    call: CallInputs,
    *,
    schema: EksSchema,
    group: GroupSchema,
    cluster_name: Value,
    module_subnets: Value,
    out: Synthesized,
) -> None:
    container = call.get(group.container)
    if container is None:
        return
    defaults = call.get(group.defaults_input) if group.defaults_input else None
    if isinstance(defaults, Unknown):
        out.notes.append(
            Note(
                f"input {group.defaults_input}",
                defaults.reason,
                call.at(group.container),
                call.address,
                cause=defaults.cause,
            )
        )
        defaults = None
    items: list[tuple[str, Value]]
    if isinstance(container, dict):
        items = list(container.items())
    elif isinstance(container, list):
        items = [(str(i), v) for i, v in enumerate(container)]
    else:
        what = f"the node groups in {group.container}"
        out.notes.append(note_of(what, container, "a map", call, call.at(group.container)))
        return
    for key, spec in items:
        if isinstance(spec, Unknown):
            out.notes.append(
                Note(
                    f"node group {key} of {group.container}",
                    spec.reason,
                    call.at(group.container, key),
                    call.address,
                    cause=spec.cause,
                )
            )
            continue
        if lookup(spec, "create") is False:
            continue
        _group(
            call,
            g=group,
            key=key,
            spec=spec,
            defaults=defaults,
            cluster_name=cluster_name,
            module_subnets=module_subnets,
            out=out,
        )


def _group(
    call: CallInputs,
    *,
    g: GroupSchema,
    key: str,
    spec: Value,
    defaults: Value,
    cluster_name: Value,
    module_subnets: Value,
    out: Synthesized,
    standalone: bool = False,
) -> None:
    def pick(k: str, module_default: Value = None) -> Value:
        return first_set(lookup(spec, k), lookup(defaults, k), module_default)

    # Lists (v17 worker groups) have no literal keys to follow: their lines are the input's.
    group_line = call.line(g.container) if g.is_list else call.line(g.container, key)
    if standalone:
        # A node group submodule called on its own: the group's keys are the call's arguments.
        group_line = call.span.line

    def line(k: str) -> int:
        if standalone:
            return call.line(k)
        if lookup(spec, k) is not None:
            return group_line if g.is_list else call.line(g.container, key, k)
        if g.defaults_input and lookup(defaults, k) is not None:
            return call.line(g.defaults_input, k)
        return group_line

    addr = f"{call.address}." + g.address.format(key=key)
    lt_addr = f"{call.address}." + g.launch_template_address.format(key=key)
    span = SourceSpan(call.span.path, group_line, call.span.end_line)
    raw_types = pick(g.instance_types_key, g.default_instance_type)
    if raw_types is not None and not g.instance_types_is_list and not isinstance(raw_types, list):
        raw_types = [raw_types]
    sizes = {
        "min_size": pick(g.min_key, g.default_min),
        "max_size": pick(g.max_key, g.default_max),
        "desired_size": pick(g.desired_key, g.default_desired),
    }
    subnets = pick(g.subnets_key, module_subnets)
    user_data = _user_data([pick(k) for k in g.user_data_keys], g)
    lt_values: dict[str, Value] = {"user_data": user_data}
    ami = pick(g.ami_id_key)
    if ami is not None:
        lt_values["image_id"] = ami
    lt_ref: list[Value] = [{"id": computed(lt_addr, "id"), "version": "$Latest"}]
    lines = {
        "instance_types": line(g.instance_types_key),
        "scaling_config.max_size": line(g.max_key),
        "max_size": line(g.max_key),
        "subnet_ids": line(g.subnets_key) if pick(g.subnets_key) is not None else call.line(g.container),
        "vpc_zone_identifier": line(g.subnets_key),
    }
    spelled = {"scaling_config.max_size": g.max_key, "max_size": g.max_key}
    name = first_set(lookup(spec, "name"), key)
    tags: dict[str, Value] = (
        {f"kubernetes.io/cluster/{cluster_name}": "owned"} if isinstance(cluster_name, str) else {}
    )
    if g.kind == "managed":
        values: dict[str, Value] = {
            "node_group_name": name,
            "cluster_name": cluster_name,
            "instance_types": raw_types,
            "scaling_config": [sizes],
            "subnet_ids": subnets,
            "launch_template": lt_ref,
        }
        if pick("ami_type") is not None:
            values["ami_type"] = pick("ami_type")
        update = pick(
            "update_config", MODULE_UPDATE_CONFIG if g.container == "eks_managed_node_groups" else None
        )
        if isinstance(update, dict):
            values["update_config"] = [update]
            lines["update_config"] = line("update_config")
        out.resources.append(resource("aws_launch_template", lt_addr, lt_values, lines={}, span=span))
        out.resources.append(
            resource("aws_eks_node_group", addr, values, lines=lines, span=span, spelled=spelled)
        )
        return
    types = raw_types if isinstance(raw_types, list) else []
    lt_values["instance_type"] = types[0] if types else raw_types
    overrides: list[Value] = []
    override_types = pick(g.override_types_key) if g.override_types_key else None
    if isinstance(override_types, list):
        overrides = [{"instance_type": t} for t in override_types]
    policy = pick(g.mixed_policy_key) if g.mixed_policy_key else None
    policy_override = lookup(policy, "override")
    if isinstance(policy_override, list):
        overrides = [o for o in policy_override if isinstance(o, dict)]
    values = {
        "name": name,
        "min_size": sizes["min_size"],
        "max_size": sizes["max_size"],
        "desired_capacity": sizes["desired_size"],
        "vpc_zone_identifier": subnets,
        "tags": tags,
        # Not a provider argument: the registry model's link to its cluster, for when the cluster
        # name (and so the kubernetes.io/cluster/<name> tag) is unknown.
        SYNTHETIC_CLUSTER_ARG: cluster_name,
    }
    if overrides:
        policy_spec: dict[str, Value] = {"launch_template_specification": lt_ref, "override": overrides}
        values["mixed_instances_policy"] = [{"launch_template": [policy_spec]}]
    elif g.launch_template_address.startswith("aws_launch_configuration"):
        values["launch_configuration"] = computed(lt_addr, "id")
    else:
        values["launch_template"] = lt_ref
    lt_type = "aws_launch_configuration" if ".aws_launch_configuration." in lt_addr else "aws_launch_template"
    out.resources.append(resource(lt_type, lt_addr, lt_values, lines={}, span=span))
    out.resources.append(
        resource("aws_autoscaling_group", addr, values, lines=lines, span=span, spelled=spelled)
    )


def _user_data(texts: list[Value], g: GroupSchema) -> Value:
    """The texts the module writes into user data, joined; max-pods settings are read from them."""
    parts: list[str] = []
    for k, v in zip(g.user_data_keys, texts, strict=True):
        if isinstance(v, str):
            parts.append(v)
        elif isinstance(v, list):  # v20/v21 cloudinit_pre_nodeadm = [{content_type, content}]
            parts.extend(str(lookup(p, "content")) for p in v if isinstance(lookup(p, "content"), str))
        elif isinstance(v, Unknown):
            return Unknown(f"{k} is unknown: {v.reason}", cause=v.cause)
    return "\n".join(parts) if parts else None


def _fargate_profiles(call: CallInputs, cluster_name: Value, module_subnets: Value, out: Synthesized) -> None:
    """``fargate_profiles = { k = { name, subnet_ids, selectors } }``: an aws_eks_fargate_profile
    each, whose subnet_ids default to the module's (node_groups.tf:244, v21.19.0)."""
    profiles = call.get("fargate_profiles")
    if not isinstance(profiles, dict):
        return
    for key, spec in profiles.items():
        if not isinstance(spec, dict) or spec.get("create") is False:
            continue
        subnets = spec.get("subnet_ids")
        line = call.line("fargate_profiles", key)
        out.resources.append(
            resource(
                "aws_eks_fargate_profile",
                f'{call.address}.module.fargate_profile["{key}"].aws_eks_fargate_profile.this[0]',
                {
                    "fargate_profile_name": spec.get("name", key),
                    "cluster_name": cluster_name,
                    "subnet_ids": subnets if subnets is not None else module_subnets,
                },
                {"subnet_ids": line},
                SourceSpan(call.span.path, line, call.span.end_line),
            )
        )


def _addons(call: CallInputs, input_name: str, cluster_name: Value, out: Synthesized) -> None:
    addons = call.get(input_name)
    if addons is None:
        return
    if not isinstance(addons, dict):
        out.notes.append(note_of(f"input {input_name}", addons, "a map", call, call.at(input_name)))
        return
    for key, spec in addons.items():
        addon_name = first_set(lookup(spec, "name"), key)
        addr = f'{call.address}.aws_eks_addon.this["{key}"]'
        values: dict[str, Value] = {"addon_name": addon_name, "cluster_name": cluster_name}
        config = lookup(spec, "configuration_values")
        if config is not None:
            values["configuration_values"] = config
        if isinstance(spec, Unknown):
            values["configuration_values"] = spec
        line = call.line(input_name, key, "configuration_values")
        out.resources.append(
            resource(
                "aws_eks_addon",
                addr,
                values,
                {"configuration_values": line},
                SourceSpan(call.span.path, call.line(input_name, key), call.span.end_line),
            )
        )
