"""EKS Auto Mode as each format declares it -> :class:`AutoModeFact` (capacity-beyond-node-groups.md §3.1).

* Terraform ``aws_eks_cluster`` ``compute_config { enabled, node_pools, node_role_arn }`` (and the
  eks module's ``cluster_compute_config`` / ``compute_config``, passed to that block);
* CloudFormation ``AWS::EKS::Cluster`` ``ComputeConfig {Enabled, NodePools, NodeRoleArn}``;
* eksctl ``autoModeConfig {enabled, nodePools}``: ``nodePools`` defaults to
  ``[general-purpose, system]`` and ``[]`` disables them (eksctl ``auto_mode.go:18-27``,
  ``defaults.go:66-67``).

Terraform and CloudFormation send ``node_pools`` as given: left out, no built-in pool is enabled
(the EKS API's ``nodePools`` is optional).
"""

from __future__ import annotations

from eks_ip_lint.facts.model import AutoModeFact
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.values import Cause, Unknown, Value, first_unknown

EKSCTL_DEFAULT_POOLS = ("general-purpose", "system")


def _enabled(v: Value) -> bool | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    if v is None:
        return False
    return Unknown(f"enabled is not a boolean: {v!r}", cause=Cause.INVALID)


def _pools(v: Value, default: tuple[str, ...]) -> tuple[str, ...] | Unknown:
    if v is None:
        return default
    inner = first_unknown(v)
    if inner is not None:
        return Unknown(f"node pools are unknown: {inner.reason}", cause=inner.cause)
    if isinstance(v, list):
        return tuple(str(x) for x in v)
    return Unknown(f"node pools is not a list: {v!r}", cause=Cause.INVALID)


def from_terraform(inst: ResourceInstance) -> AutoModeFact | None:
    blocks = inst.values.get("compute_config")
    if blocks is None:
        return None
    block = blocks[0] if isinstance(blocks, list) and blocks else blocks
    if isinstance(block, Unknown):
        return AutoModeFact(block, block, inst.span_of("compute_config"), "compute_config")
    if not isinstance(block, dict):
        return None
    return AutoModeFact(
        _enabled(block.get("enabled")),
        _pools(block.get("node_pools"), ()),
        inst.span_of("compute_config"),
        "compute_config",
    )


def from_cloudformation(config: Value, span: SourceSpan) -> AutoModeFact | None:
    if config is None:
        return None
    if not isinstance(config, dict):
        unknown = (
            config
            if isinstance(config, Unknown)
            else Unknown("ComputeConfig is not a map", cause=Cause.INVALID)
        )
        return AutoModeFact(unknown, unknown, span, "ComputeConfig")
    return AutoModeFact(
        _enabled(config.get("Enabled")), _pools(config.get("NodePools"), ()), span, "ComputeConfig"
    )


def from_eksctl(config: object, span: SourceSpan) -> AutoModeFact | None:
    if not isinstance(config, dict):
        return None
    return AutoModeFact(
        _enabled(config.get("enabled")),
        _pools(config.get("nodePools"), EKSCTL_DEFAULT_POOLS),
        span,
        "autoModeConfig",
    )
