"""aws-ia/eks-blueprints-addons/aws: its ``eks_addons`` map becomes one ``aws_eks_addon`` per entry.

The module's main.tf declares ``resource "aws_eks_addon" "this" { for_each = var.eks_addons;
cluster_name = var.cluster_name; addon_name = try(each.value.name, each.key);
configuration_values = try(each.value.configuration_values, null) }`` (Blueprints
patterns/blue-green-upgrade/modules/eks_cluster/main.tf L600-630 calls it this way).
"""

from __future__ import annotations

from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.registry.common import (
    CallInputs,
    Synthesized,
    first_set,
    lookup,
    note_of,
    resource,
)
from eks_ip_lint.values import Value


def synthesize(call: CallInputs) -> Synthesized:
    out = Synthesized()
    addons = call.get("eks_addons")
    if addons is None:
        return out
    if not isinstance(addons, dict):
        out.notes.append(note_of("input eks_addons", addons, "a map", call, call.at("eks_addons")))
        return out
    for key, spec in addons.items():
        values: dict[str, Value] = {
            "addon_name": first_set(lookup(spec, "name"), key),
            "cluster_name": call.get("cluster_name"),
        }
        if lookup(spec, "configuration_values") is not None:
            values["configuration_values"] = lookup(spec, "configuration_values")
        out.resources.append(
            resource(
                "aws_eks_addon",
                f'{call.address}.aws_eks_addon.this["{key}"]',
                values,
                {"configuration_values": call.line("eks_addons", key, "configuration_values")},
                SourceSpan(call.span.path, call.line("eks_addons", key), call.span.end_line),
            )
        )
    out.outputs = {}
    return out
