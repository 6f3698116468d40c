"""Terraform resources -> facts.

Reads the evaluated instances of the provider resources that decide IP capacity: ``aws_vpc``,
``aws_vpc_ipv4_cidr_block_association``, ``aws_subnet``, ``aws_eks_cluster``,
``aws_eks_node_group`` (+ its ``aws_launch_template``) and ``aws_eks_addon`` "vpc-cni".
Defaults that AWS applies when an argument is omitted are written here, with their source.
"""

from __future__ import annotations

from collections.abc import Callable

from eks_ip_lint.facts import (
    auto_mode,
    cluster_binding,
    cni_carriers,
    karpenter_terraform,
    self_managed,
    subnet_lookups,
    tf_consumers,
)
from eks_ip_lint.facts.cni_config import parse_configuration_values
from eks_ip_lint.facts.max_pods_config import is_custom_ami, managed_launch_template
from eks_ip_lint.facts.model import (
    ClusterFact,
    CniSource,
    Facts,
    InputProblem,
    NodeGroupFact,
    SubnetFact,
    Unresolved,
    UpdateConfig,
    VpcFact,
    same_ref,
)
from eks_ip_lint.facts.subnet_select import tags_of
from eks_ip_lint.facts.tf_values import (
    as_int,
    as_list,
    as_str,
    computed_refs,
    find_launch_template,
    first_block,
    instance_types_of,
)
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.module import ModuleEvaluation
from eks_ip_lint.terraform.module_calls import all_calls
from eks_ip_lint.terraform.registry.eks import UPDATE_CONFIG_SOURCE_ARG
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.values import Cause, Unknown, Value

# AWS EKS API CreateNodegroup: "instanceTypes ... If you don't specify, the default is t3.medium"
# (used only when neither the node group nor its launch template names a type).
MNG_DEFAULT_INSTANCE_TYPE = "t3.medium"


def extract(module: ModuleEvaluation, unit: str) -> Facts:
    """Facts of a root module and of every module it calls (local, downloaded or modelled).

    CNI carriers are appended in the order they take effect on a running cluster, so that
    analysis' "later wins" matches reality: add-ons (module add-on maps, then aws_eks_addon),
    then Helm releases of the chart, then imperative ``kubectl set env`` commands.
    """
    facts = Facts(unit=unit)
    tree = _Tree(module)
    for note in tree.notes:
        facts.unresolved.append(Unresolved(note.what, note.reason, note.span, note.address, cause=note.cause))
    for child in tree.modules[1:]:
        for err in child.source.errors:
            facts.problems.append(InputProblem.of(err))
    facts.problems.extend(InputProblem.of(err) for err in tree.errors)
    from_instances(facts, lambda type_: _instances(tree, type_, facts))
    # Subnets selected by filters: resolved against the whole scan's subnets (facts/linking.py).
    for type_ in ("aws_subnet", "aws_subnets"):
        facts.subnet_lookups.extend(
            subnet_lookups.lookup_of(i) for i in _instances(tree, type_, facts, mode="data")
        )
    facts.unresolved.extend(_assumed_az_counts(tree.modules))  # after every value was evaluated
    return facts


def _assumed_az_counts(modules: list[ModuleEvaluation]) -> list[Unresolved]:
    """What was assumed of AZ lists of unknown length (terraform/symbolic.py): one note per list,
    at its data block, saying how many AZs the subnets placed in it take it to have."""
    highest: dict[str, int] = {}
    for m in modules:
        for key, position in m.positions.items():
            highest[key] = max(position, highest.get(key, -1))
    out: list[Unresolved] = []
    for key, position in sorted(highest.items()):
        count = position + 1
        data_address = key.rsplit(".", 1)[0]  # data.aws_availability_zones.available
        span = next(
            (
                SourceSpan(placed.path, placed.block.line)
                for m in modules
                for (type_, name), placed in m.source.data.items()
                if f"{m.address_prefix}data.{type_}.{name}" == data_address
            ),
            None,
        )
        if span is None:
            continue
        positions = "position 0" if count == 1 else f"positions 0 to {position}"
        out.append(
            Unresolved(
                f"the number of AZs in {key}",
                f"{key} is read at plan and its length is not known; the configuration uses {positions} of it "
                f"(element() or an index), so the region is assumed to have at least {count} AZs and "
                f"position i to be the i-th AZ. With N < {count} AZs, Terraform would place positions "
                "i and i + N in the same AZ",
                span,
                data_address,
                cause=Cause.DATA_SOURCE,
            )
        )
    return out


def from_instances(facts: Facts, of_type: Callable[[str], list[ResourceInstance]]) -> Facts:
    """The per-resource mapping, shared by HCL modules and plan JSON: ``of_type(t)`` gives the
    instances of resource type ``t`` (evaluated HCL, a registry model's, or a plan's)."""
    launch_templates = of_type("aws_launch_template")
    for inst in of_type("aws_vpc"):
        facts.vpcs.append(VpcFact(inst.address, computed_refs(inst, "id"), (_cidr(inst),), inst.span))
    for inst in of_type("aws_vpc_ipv4_cidr_block_association"):
        _attach_secondary_cidr(facts, inst)
    for inst in of_type("aws_subnet"):
        facts.subnets.append(_subnet(inst))
    for inst in of_type("aws_eks_cluster"):
        facts.clusters.append(_cluster(inst))
    for inst in of_type("aws_eks_node_group"):
        facts.node_groups.append(_node_group(inst, launch_templates, facts))
    configs = of_type("aws_launch_configuration")
    for inst in of_type("aws_autoscaling_group"):
        group = self_managed.node_group(inst, launch_templates, configs, facts)
        if group is not None:
            facts.node_groups.append(group)
    addons = [i for i in of_type("aws_eks_addon") if i.values.get("addon_name") == "vpc-cni"]
    # Module add-on maps are applied with the cluster, before a standalone aws_eks_addon could be.
    addons.sort(key=lambda i: ".aws_eks_addon.this[" not in i.address)
    facts.cni_sources.extend(_addon(i) for i in addons)
    single = facts.clusters[0].refs[0] if len(facts.clusters) == 1 else None
    for inst in of_type("helm_release"):
        cni_carriers.helm_release(inst, single, facts)
        karpenter_terraform.helm_values(inst, single, facts)
    for type_ in ("null_resource", "terraform_data"):
        for inst in of_type(type_):
            cni_carriers.local_exec(inst, single, facts)
    for type_ in ("kubectl_manifest", "kubernetes_manifest"):
        for inst in of_type(type_):
            cni_carriers.manifest(inst, single, facts)
            karpenter_terraform.manifest(inst, single, facts)
    for type_ in ("kubernetes_daemonset", "kubernetes_daemon_set_v1"):
        for inst in of_type(type_):
            cni_carriers.daemonset_resource(inst, single, facts)
    tf_consumers.extract(facts, of_type)
    # A module called twice declares two clusters that may share a name: each resource belongs to
    # the cluster of its own module instance.
    cluster_binding.bind_all(facts)
    return facts


def _cidr(inst: ResourceInstance) -> str | Unknown:
    """``cidr_block`` of a VPC, CIDR association or subnet: left out, an IPAM pool assigns it."""
    return as_str(inst.values.get("cidr_block"), Cause.AWS_CHOOSES)


class _Tree:
    """A root module and every module below it: evaluated ones and registry models' resources."""

    def __init__(self, root: ModuleEvaluation) -> None:
        calls = all_calls(root)
        self.modules = [root] + [i.evaluation for c in calls for i in c.instances if i.evaluation is not None]
        self.synthesized = [
            r for c in calls for i in c.instances if i.synthesized for r in i.synthesized.resources
        ]
        self.notes = [n for c in calls for n in c.notes]
        self.errors = [e for c in calls for e in c.errors]


def _instances(tree: _Tree, type_: str, facts: Facts, mode: str = "managed") -> list[ResourceInstance]:
    out: list[ResourceInstance] = []
    for module in tree.modules:
        table = module.source.data if mode == "data" else module.source.resources
        for name, placed in [(n, pb) for (t, n), pb in table.items() if t == type_]:
            try:
                found = module.instances(type_, name, mode=mode)
            except EvalError as exc:
                found = Unknown(str(exc), cause=Cause.INVALID)
            if isinstance(found, Unknown) and mode == "data":
                continue  # a data source's instances matter only through what uses them
            if isinstance(found, Unknown):
                facts.unresolved.append(
                    Unresolved(
                        what=f"the instances of {module.address_prefix}{type_}.{name}",
                        reason=found.reason,
                        span=found.span or SourceSpan(placed.path, placed.block.line),
                        address=f"{module.address_prefix}{type_}.{name}",
                        cause=found.cause,
                    )
                )
                continue
            out.extend(found)
    if mode == "managed":
        out.extend(r for r in tree.synthesized if r.type == type_)
    return out


def _attach_secondary_cidr(facts: Facts, inst: ResourceInstance) -> None:
    vpc_id = inst.values.get("vpc_id")
    for i, vpc in enumerate(facts.vpcs):
        if any(same_ref(vpc_id, r) for r in vpc.refs):
            facts.vpcs[i] = VpcFact(vpc.address, vpc.refs, (*vpc.cidrs, _cidr(inst)), vpc.span)
            return


def _subnet(inst: ResourceInstance) -> SubnetFact:
    az = inst.values.get("availability_zone")
    if az is None:
        az = inst.values.get("availability_zone_id")
    az_value: str | Unknown
    if az is None:
        # AWS picks an AZ at apply time; each such subnet is its own (unknown) AZ.
        az_value = Unknown(
            "availability_zone is not set: AWS chooses it at apply",
            f"{inst.address}.az",
            cause=Cause.AWS_CHOOSES,
        )
    else:
        az_value = as_str(az)
    return SubnetFact(
        address=inst.address,
        refs=computed_refs(inst, "id"),
        cidr=_cidr(inst),
        az=az_value,
        span=inst.span_of("cidr_block"),
        vpc_ref=inst.values.get("vpc_id"),
        tags=tags_of(inst.values.get("tags")),
    )


def _cluster(inst: ResourceInstance) -> ClusterFact:
    vpc_config = first_block(inst, "vpc_config")
    network = first_block(inst, "kubernetes_network_config")
    ip_family = network.get("ip_family", "ipv4")
    name = as_str(inst.values.get("name"))
    # aws_eks_cluster's id is its name, so aws_eks_cluster.x.id and .name both identify it.
    refs: tuple[Value, ...] = (name, *computed_refs(inst, "id", "name", "arn"))
    return ClusterFact(
        address=inst.address,
        name=name,
        refs=refs,
        subnet_refs=(
            as_list(vpc_config.get("subnet_ids"))
            if vpc_config
            else Unknown("vpc_config is not set", cause=Cause.INVALID)  # a required block
        ),
        ip_family=as_str(ip_family if ip_family is not None else "ipv4"),
        span=inst.span,
        subnets_span=inst.span_of("vpc_config.subnet_ids"),
        auto_mode=auto_mode.from_terraform(inst),
    )


def _node_group(
    inst: ResourceInstance, launch_templates: list[ResourceInstance], facts: Facts
) -> NodeGroupFact:
    scaling = first_block(inst, "scaling_config")
    lt_ref = first_block(inst, "launch_template")
    template = find_launch_template(lt_ref, launch_templates) if lt_ref else None
    types_value = inst.values.get("instance_types")
    types_source = f"{inst.address} instance_types"
    if types_value is None and template is not None and template.values.get("instance_type") is not None:
        types_value = [template.values["instance_type"]]
        types_source = f"{template.address} instance_type"
    elif types_value is None and lt_ref and template is None:
        types_value = Unknown(
            "the node group's launch template is not declared in this configuration",
            cause=Cause.LAUNCH_TEMPLATE_NOT_DECLARED,
        )
    elif types_value is None:
        types_value = [MNG_DEFAULT_INSTANCE_TYPE]
        types_source = "EKS default (t3.medium) for a node group without instance_types"
    instance_types = instance_types_of(types_value)
    ami_type = inst.values.get("ami_type")
    custom_ami = is_custom_ami(ami_type, template.values.get("image_id") if template is not None else None)
    applied = managed_launch_template(
        template.values.get("user_data") if template is not None else None,
        ami_type=ami_type,
        custom_ami=custom_ami,
    )
    name = inst.values.get("node_group_name") or inst.values.get("node_group_name_prefix")
    return NodeGroupFact(
        address=inst.address,
        name=as_str(name) if name is not None else inst.name,
        kind="managed",
        cluster_ref=inst.values.get("cluster_name"),
        instance_types=instance_types,
        min_size=as_int(scaling.get("min_size")),
        max_size=as_int(scaling.get("max_size")),
        desired_size=as_int(scaling.get("desired_size")),
        subnet_refs=as_list(inst.values.get("subnet_ids")),
        span=inst.span,
        max_size_span=inst.span_of("scaling_config.max_size", "scaling_config"),
        instance_types_span=inst.span_of("instance_types", "launch_template"),
        subnets_span=inst.span_of("subnet_ids"),
        custom_ami=custom_ami,
        instance_types_source=types_source,
        max_pods=applied.value,
        max_pods_expression=applied.expression,
        max_pods_overridden=applied.overridden,
        max_pods_note=applied.note,
        max_size_key=inst.spelled.get("scaling_config.max_size", "max_size"),
        update_config=_update_config(inst),
    )


def _update_config(inst: ResourceInstance) -> UpdateConfig | None:
    """``update_config { max_unavailable | max_unavailable_percentage, update_strategy }``."""
    block = first_block(inst, "update_config")
    if not block:
        return None

    def number(key: str) -> int | Unknown | None:
        v = block.get(key)
        return None if v is None else as_int(v)

    strategy = block.get("update_strategy")
    return UpdateConfig(
        max_unavailable=number("max_unavailable"),
        max_unavailable_percentage=number("max_unavailable_percentage"),
        strategy=None if strategy is None else as_str(strategy),
        span=inst.span_of("update_config"),
        source=str(block.get(UPDATE_CONFIG_SOURCE_ARG) or ""),
    )


def _addon(inst: ResourceInstance) -> CniSource:
    # jsonencode({env = {...}}): read the structure, so one unknown value names its key.
    raw = inst.encoded.get("configuration_values", inst.values.get("configuration_values"))
    env: dict[str, str] | Unknown
    env = {} if raw is None else parse_configuration_values(raw)
    return CniSource(
        address=inst.address,
        cluster_ref=inst.values.get("cluster_name"),
        env=env,
        span=inst.span_of("configuration_values"),
        description=f"{inst.address} configuration_values",
    )
