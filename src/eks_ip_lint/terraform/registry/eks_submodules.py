"""terraform-aws-modules/eks/aws node group submodules called on their own.

``source = "terraform-aws-modules/eks/aws//modules/eks-managed-node-group"`` (and
``//modules/self-managed-node-group``), v18 to v21: the same module the root module calls once per
entry of ``eks_managed_node_groups`` / ``self_managed_node_groups``, here with the group's keys as
the call's own arguments (``cluster_name``, ``subnet_ids``, ``instance_types``, ``min_size``...).
The per-version tables of :mod:`eks_tables` apply (the same input names, the same module
defaults) with two differences the submodule's own ``variables.tf`` makes: there are no
``*_defaults`` inputs, and before v21 the self-managed submodule's ``instance_type`` defaults to
``""`` (the root module passed ``m6i.large``), so a group that sets none has no instance type.
The resources are addressed as in the submodule's plan: ``module.x.aws_eks_node_group.this[0]``,
``module.x.aws_autoscaling_group.this[0]``, ``module.x.aws_launch_template.this[0]``.

``//modules/fargate-profile`` (v18 to v21) is one ``aws_eks_fargate_profile.this[0]`` from the
call's ``name``, ``cluster_name`` and ``subnet_ids`` (no default subnets: the submodule's
``subnet_ids`` defaults to ``[]``), unless ``create = false``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.registry.common import CallInputs, Synthesized, resource
from eks_ip_lint.terraform.registry.eks import _group
from eks_ip_lint.terraform.registry.eks_tables import V18_V20, V21, EksSchema, GroupSchema
from eks_ip_lint.values import Cause, Unknown

SUBMODULES = {"eks-managed-node-group": "managed", "self-managed-node-group": "self-managed"}
_LAST_CALL = re.compile(r"module\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?$")


def schema_for(major: int | None, input_names: set[str]) -> tuple[EksSchema, str]:
    """The generation's table: from the version's major, else from the input names (v21 renamed
    ``cluster_version`` to ``kubernetes_version``)."""
    if major is not None and 18 <= major <= 21:
        return (V21 if major == 21 else V18_V20), ""
    if "kubernetes_version" in input_names:
        return V21, "v21 input names, no version given"
    return V18_V20, "v18-v20 input names, no version given"


def _standalone(g: GroupSchema, schema: EksSchema) -> GroupSchema:
    managed = g.kind == "managed"
    return replace(
        g,
        container="",
        defaults_input=None,
        address="aws_eks_node_group.this[0]" if managed else "aws_autoscaling_group.this[0]",
        launch_template_address="aws_launch_template.this[0]",
        default_instance_type=g.default_instance_type if managed or schema is V21 else None,
    )


def synthesize(call: CallInputs, kind: str, schema: EksSchema) -> Synthesized:
    """The node group (and its launch template) one submodule call declares."""
    out = Synthesized()
    if call.get("create", True) is False:
        return out
    (g,) = [grp for grp in schema.groups if grp.kind == kind]
    cluster_name = call.get("cluster_name")
    if cluster_name is None:
        # Required in practice: the module's default "" names no cluster EKS would accept.
        cluster_name = Unknown(f"{call.address}: cluster_name is not set", cause=Cause.INVALID)
    m = _LAST_CALL.search(call.address)
    _group(
        call,
        g=_standalone(g, schema),
        key=m.group(1) if m else call.address,
        spec=dict(call.values),
        defaults=None,
        cluster_name=cluster_name,
        module_subnets=None,
        out=out,
        standalone=True,
    )
    return out


def synthesize_fargate(call: CallInputs) -> Synthesized:
    """``//modules/fargate-profile``: its one Fargate profile, as the submodule's main.tf creates it
    (``count = var.create ? 1 : 0``)."""
    out = Synthesized()
    if call.get("create") is False:
        return out
    line = call.lines.get("subnet_ids", call.span.line)
    out.resources.append(
        resource(
            "aws_eks_fargate_profile",
            f"{call.address}.aws_eks_fargate_profile.this[0]",
            {
                "fargate_profile_name": call.get("name", ""),
                "cluster_name": call.get("cluster_name"),
                "subnet_ids": call.get("subnet_ids", []),
            },
            {"subnet_ids": line},
            SourceSpan(call.span.path, call.span.line, call.span.end_line),
        )
    )
    return out
