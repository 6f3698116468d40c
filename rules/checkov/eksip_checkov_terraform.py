"""eks-ip-lint as checkov checks for Terraform: one check ``CKV_EKSIP_<n>`` per eks-ip-lint rule
``EKSIP<n>``, on resources and on module blocks (docs/integrations/checkov.md).

Each check asks eks-ip-lint (a subprocess, see eksip_checkov_support.py) for the findings of the
directory checkov scans, once, and answers for one block:

- a resource (node group, cluster, autoscaling group...) FAILS when a finding of the rule has
  the resource's address and file (``module.x.aws_eks_node_group.y`` inside a local module too);
- a ``module`` block FAILS when a finding of the rule is about a resource inside that module and
  points into the block itself (a registry module that checkov cannot see into, such as
  terraform-aws-modules/eks without ``--download-external-modules``).

The FAILED check's name and ``details`` carry eks-ip-lint's message with its numbers and fix.
"""

from __future__ import annotations

from typing import Any

import eksip_checkov_support as support

from checkov.common.models.enums import CheckResult
from checkov.terraform.checks.module.base_module_check import BaseModuleCheck
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

# Where eks-ip-lint findings can point: the blocks that decide or consume VPC IP capacity.
RESOURCES = (
    "aws_eks_node_group",
    "aws_eks_cluster",
    "aws_autoscaling_group",
    "aws_eks_addon",
    "aws_launch_template",
    "aws_subnet",
    "aws_vpc",
)


def _answer(check: Any, matches: list[dict[str, Any]], root: str) -> CheckResult:
    failed: CheckResult | None = support.fail_for_error(check, root)
    if failed is not None:
        return failed
    for f in matches:
        if f.get("suppression"):
            check.details.append(
                f"{f['rule_id']} accepted in eks-ip-lint ({f['suppression'].get('justification', '')}): {f['message']}"
            )
    result: CheckResult = support.answer(check, [f for f in matches if not f.get("suppression")])
    return result


def _locate(check: Any, block_type: str, conf: dict[str, Any]) -> tuple[str, str, str] | None:
    """(address, absolute file, eks-ip-lint root) of the block checkov asks about, or None."""
    address = conf.get("__address__")
    if not isinstance(address, str):
        return None
    scanned = support.scanned_file(check.entity_path, check.entity_type, block_type)
    path = support.entity_file(check.graph, block_type, address, scanned)
    if path is None:
        return None
    return address, path, support.scan_root(scanned, path)


class EksIpResourceCheck(BaseResourceCheck):  # type: ignore[misc]
    def __init__(self, rule: dict[str, str]) -> None:
        support.init_check(self, BaseResourceCheck.__init__, rule, supported_resources=RESOURCES)

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        broken: CheckResult | None = support.fail_for_error(self, None)
        if broken is not None:
            return broken
        located = _locate(self, "resource", conf)
        if located is None:
            return CheckResult.UNKNOWN
        address, path, root = located
        matches = [
            f
            for f in support.findings(root)
            if f["rule_id"] == self.rule["id"]
            and f.get("address") == address
            and support.same_file(f["file"], path)
        ]
        return _answer(self, matches, root)


class EksIpModuleCheck(BaseModuleCheck):  # type: ignore[misc]
    def __init__(self, rule: dict[str, str]) -> None:
        support.init_check(self, BaseModuleCheck.__init__, rule)

    def scan_module_conf(self, conf: dict[str, Any]) -> CheckResult:
        broken: CheckResult | None = support.fail_for_error(self, None)
        if broken is not None:
            return broken
        located = _locate(self, "module", conf)
        if located is None:
            return CheckResult.UNKNOWN
        address, path, root = located
        prefix = address if address.startswith("module.") else f"module.{address}"
        start, end = conf.get("__start_line__", 0), conf.get("__end_line__", 0)
        matches = [
            f
            for f in support.findings(root)
            if f["rule_id"] == self.rule["id"]
            and str(f.get("address") or "").startswith((prefix + ".", prefix + "["))
            and support.same_file(f["file"], path)
            and start <= f["line"] <= end
        ]
        return _answer(self, matches, root)


for _rule in support.rules():
    EksIpResourceCheck(_rule)
    EksIpModuleCheck(_rule)
