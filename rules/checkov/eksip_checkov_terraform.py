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

from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
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


def _answer(check: Any, rule: dict[str, str], matches: list[dict[str, Any]], root: str) -> CheckResult:
    if support.failed(root):
        check.details.append("eks-ip-lint did not run: see the error above")
        return CheckResult.UNKNOWN
    live = [f for f in matches if not f.get("suppression")]
    accepted = [f for f in matches if f.get("suppression")]
    for f in accepted:
        check.details.append(
            f"{f['rule_id']} accepted in eks-ip-lint ({f['suppression'].get('justification', '')}): {f['message']}"
        )
    if not live:
        check.name = check.base_name
        return CheckResult.PASSED
    check.details.extend(support.describe(live))
    check.name = f"{rule['id']} {rule['name']}: {live[0]['message']}"
    return CheckResult.FAILED


class EksIpResourceCheck(BaseResourceCheck):  # type: ignore[misc]
    def __init__(self, rule: dict[str, str]) -> None:
        self.rule = rule
        self.base_name = f"{rule['id']} {rule['name']}: {rule['summary']}"
        super().__init__(
            name=self.base_name,
            id=support.check_id(rule["id"]),
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=RESOURCES,
            guideline=f"eks-ip-lint {rule['docs']}",
        )
        self.severity = Severities[support.SEVERITY[rule["severity"]]]

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        address = conf.get("__address__")
        if not isinstance(address, str):
            return CheckResult.UNKNOWN
        scanned = self.entity_path[: self.entity_path.rfind(f":{self.entity_type}:")]
        path = support.entity_file(self.graph, "resource", address, scanned)
        if path is None:
            return CheckResult.UNKNOWN
        root = support.scan_root(self.entity_path, self.entity_type, path)
        matches = [
            f
            for f in support.findings(root)
            if f["rule_id"] == self.rule["id"]
            and f.get("address") == address
            and support.same_file(f["file"], path)
        ]
        return _answer(self, self.rule, matches, root)


class EksIpModuleCheck(BaseModuleCheck):  # type: ignore[misc]
    def __init__(self, rule: dict[str, str]) -> None:
        self.rule = rule
        self.base_name = f"{rule['id']} {rule['name']}: {rule['summary']}"
        super().__init__(
            name=self.base_name,
            id=support.check_id(rule["id"]),
            categories=[CheckCategories.GENERAL_SECURITY],
            guideline=f"eks-ip-lint {rule['docs']}",
        )
        self.severity = Severities[support.SEVERITY[rule["severity"]]]

    def scan_module_conf(self, conf: dict[str, Any]) -> CheckResult:
        address = conf.get("__address__")
        if not isinstance(address, str):
            return CheckResult.UNKNOWN
        scanned = self.entity_path[: self.entity_path.rfind(f":{self.entity_type}:")]
        path = support.entity_file(self.graph, "module", address, scanned)
        if path is None:
            return CheckResult.UNKNOWN
        root = support.scan_root(self.entity_path, self.entity_type, path)
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
        return _answer(self, self.rule, matches, root)


for _rule in support.rules():
    EksIpResourceCheck(_rule)
    EksIpModuleCheck(_rule)
