"""terraform-aws-modules/eks/aws: input names and built-in defaults, one table per generation.

Sources (commits as in ../shared/docs/real-world-iac.md §1.1):

* v17 (e90c877a): ``cluster_name``, ``subnets``; ``node_groups`` (managed) with
  ``node_groups_defaults``; ``worker_groups`` / ``worker_groups_launch_template`` (lists,
  self-managed) whose defaults are ``workers_group_defaults`` (locals.tf L41-49:
  ``instance_type = "m4.large"``, ``asg_max_size = "3"``, ``asg_min_size = "1"``, desired
  ``"1"``); node groups inherit those (modules/node_groups/locals.tf).
* v18-v20 (efbe9526, 2cb1fac3, 8a0efdbb): ``subnet_ids``, ``control_plane_subnet_ids``,
  ``cluster_ip_family``, ``cluster_addons``; ``eks_managed_node_groups`` +
  ``eks_managed_node_group_defaults`` (``try(each.value.max_size, defaults.max_size, 3)``, min 1,
  desired 1, ``instance_types = null`` -> EKS API default t3.medium; node_groups.tf L310-324);
  ``self_managed_node_groups`` + ``self_managed_node_group_defaults`` (min 0, max 3,
  ``instance_type = "m6i.large"``; L435-510).
* v21 (bef29c4d): ``name``, ``ip_family``, ``addons``; no ``*_defaults`` inputs; MNG submodule
  min 1 / max 3 / desired 1 (variables.tf L447-466); SMNG ``m6i.large``, min 1, max 3
  (L435, L562-580).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

GroupKind = Literal["managed", "self-managed"]


@dataclass(frozen=True)
class GroupSchema:
    """How one kind of node group is written in one generation, and the module's defaults."""

    container: str  # the input holding the groups
    defaults_input: str | None  # the input whose entries apply to every group, if any
    kind: GroupKind
    is_list: bool  # v17 worker_groups: a list of objects, keyed by index
    instance_types_key: str
    instance_types_is_list: bool
    min_key: str
    max_key: str
    desired_key: str
    subnets_key: str
    default_instance_type: str | None  # None: unset; a managed group then gets EKS's t3.medium
    default_min: int
    default_max: int
    default_desired: int
    # The resource the module declares per group: {key} is the map key or list index.
    address: str
    launch_template_address: str
    override_types_key: str | None = None  # v17 worker_groups_launch_template
    mixed_policy_key: str | None = None  # v18+ self-managed mixed_instances_policy
    # Texts the module puts into the node's user data; they may carry --max-pods / maxPods.
    user_data_keys: tuple[str, ...] = (
        "pre_bootstrap_user_data",
        "bootstrap_extra_args",
        "post_bootstrap_user_data",
        "kubelet_extra_args",
        "cloudinit_pre_nodeadm",
        "cloudinit_post_nodeadm",
    )
    ami_id_key: str = "ami_id"


@dataclass(frozen=True)
class EksSchema:
    generation: str  # "v17", "v18-v20", "v21"
    create_input: str
    cluster_name: str
    subnets: str
    control_plane_subnets: str | None
    ip_family: str | None
    addons: str | None
    groups: tuple[GroupSchema, ...]
    # EKS Auto Mode's compute_config object (v20.31+ cluster_compute_config, v21 compute_config):
    # passed to aws_eks_cluster's compute_config block (v20.31.0 main.tf:50-58; v21 main.tf:68-97).
    compute_config: str | None = None

    def input_names(self) -> frozenset[str]:
        names = {self.cluster_name, self.subnets, self.create_input}
        for n in (self.control_plane_subnets, self.ip_family, self.addons, self.compute_config):
            if n:
                names.add(n)
        for g in self.groups:
            names.add(g.container)
            if g.defaults_input:
                names.add(g.defaults_input)
        return frozenset(names)


_V17_WORKER_TYPE = "m4.large"

V17 = EksSchema(
    generation="v17",
    create_input="create_eks",
    cluster_name="cluster_name",
    subnets="subnets",
    control_plane_subnets=None,
    ip_family=None,
    addons=None,  # v17 leaves aws-node as EKS installs it
    groups=(
        GroupSchema(
            container="node_groups",
            defaults_input="node_groups_defaults",
            kind="managed",
            is_list=False,
            instance_types_key="instance_types",
            instance_types_is_list=True,
            min_key="min_capacity",
            max_key="max_capacity",
            desired_key="desired_capacity",
            subnets_key="subnets",
            default_instance_type=_V17_WORKER_TYPE,
            default_min=1,
            default_max=3,
            default_desired=1,
            address='module.node_groups.aws_eks_node_group.workers["{key}"]',
            launch_template_address='module.node_groups.aws_launch_template.workers["{key}"]',
        ),
        GroupSchema(
            container="worker_groups",
            defaults_input="workers_group_defaults",
            kind="self-managed",
            is_list=True,
            instance_types_key="instance_type",
            instance_types_is_list=False,
            min_key="asg_min_size",
            max_key="asg_max_size",
            desired_key="asg_desired_capacity",
            subnets_key="subnets",
            default_instance_type=_V17_WORKER_TYPE,
            default_min=1,
            default_max=3,
            default_desired=1,
            address="aws_autoscaling_group.workers[{key}]",
            launch_template_address="aws_launch_configuration.workers[{key}]",
        ),
        GroupSchema(
            container="worker_groups_launch_template",
            defaults_input="workers_group_defaults",
            kind="self-managed",
            is_list=True,
            instance_types_key="instance_type",
            instance_types_is_list=False,
            min_key="asg_min_size",
            max_key="asg_max_size",
            desired_key="asg_desired_capacity",
            subnets_key="subnets",
            default_instance_type=_V17_WORKER_TYPE,
            default_min=1,
            default_max=3,
            default_desired=1,
            address="aws_autoscaling_group.workers_launch_template[{key}]",
            launch_template_address="aws_launch_template.workers_launch_template[{key}]",
            override_types_key="override_instance_types",
        ),
    ),
)

_V18_MNG = GroupSchema(
    container="eks_managed_node_groups",
    defaults_input="eks_managed_node_group_defaults",
    kind="managed",
    is_list=False,
    instance_types_key="instance_types",
    instance_types_is_list=True,
    min_key="min_size",
    max_key="max_size",
    desired_key="desired_size",
    subnets_key="subnet_ids",
    default_instance_type=None,
    default_min=1,
    default_max=3,
    default_desired=1,
    address='module.eks_managed_node_group["{key}"].aws_eks_node_group.this[0]',
    launch_template_address='module.eks_managed_node_group["{key}"].aws_launch_template.this[0]',
)

_V18_SMNG = GroupSchema(
    container="self_managed_node_groups",
    defaults_input="self_managed_node_group_defaults",
    kind="self-managed",
    is_list=False,
    instance_types_key="instance_type",
    instance_types_is_list=False,
    min_key="min_size",
    max_key="max_size",
    desired_key="desired_size",
    subnets_key="subnet_ids",
    default_instance_type="m6i.large",
    default_min=0,
    default_max=3,
    default_desired=1,
    address='module.self_managed_node_group["{key}"].aws_autoscaling_group.this[0]',
    launch_template_address='module.self_managed_node_group["{key}"].aws_launch_template.this[0]',
    mixed_policy_key="mixed_instances_policy",
)

V18_V20 = EksSchema(
    generation="v18-v20",
    create_input="create",
    cluster_name="cluster_name",
    subnets="subnet_ids",
    control_plane_subnets="control_plane_subnet_ids",
    ip_family="cluster_ip_family",
    addons="cluster_addons",
    groups=(_V18_MNG, _V18_SMNG),
    compute_config="cluster_compute_config",
)

V21 = EksSchema(
    generation="v21",
    create_input="create",
    cluster_name="name",
    subnets="subnet_ids",
    control_plane_subnets="control_plane_subnet_ids",
    ip_family="ip_family",
    addons="addons",
    compute_config="compute_config",
    groups=(
        GroupSchema(**{**_V18_MNG.__dict__, "defaults_input": None}),
        GroupSchema(**{**_V18_SMNG.__dict__, "defaults_input": None, "default_min": 1}),
    ),
)

BY_MAJOR: dict[int, EksSchema] = {17: V17, 18: V18_V20, 19: V18_V20, 20: V18_V20, 21: V21}
