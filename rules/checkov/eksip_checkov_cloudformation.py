"""eks-ip-lint as checkov checks for CloudFormation: ``CKV_EKSIP_<n>`` per rule on the resources
eks-ip-lint reports about (docs/integrations/checkov.md). The template is analysed once by
eks-ip-lint (a subprocess, see eksip_checkov_support.py); a resource FAILS when a finding of the
rule has its logical ID.
"""

from __future__ import annotations

import os
from typing import Any

import eksip_checkov_support as support

from checkov.cloudformation.checks.resource.base_resource_check import BaseResourceCheck
from checkov.common.models.enums import CheckResult

RESOURCES = (
    "AWS::EKS::Nodegroup",
    "AWS::EKS::Cluster",
    "AWS::EKS::Addon",
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::EC2::LaunchTemplate",
    "AWS::EC2::Subnet",
    "AWS::EC2::VPC",
)


class EksIpCloudFormationCheck(BaseResourceCheck):  # type: ignore[misc]
    def __init__(self, rule: dict[str, str]) -> None:
        support.init_check(self, BaseResourceCheck.__init__, rule, supported_resources=RESOURCES)

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        broken: CheckResult | None = support.fail_for_error(self, None)
        if broken is not None:
            return broken
        props = conf.get("Properties")
        template = conf.get("__file__") or (props.get("__file__") if isinstance(props, dict) else None)
        if not isinstance(template, str):
            return CheckResult.UNKNOWN
        template = os.path.abspath(template)
        logical_id = self.entity_path.rsplit(":", 1)[-1]
        failed: CheckResult | None = support.fail_for_error(self, template)
        if failed is not None:
            return failed
        matches = [
            f
            for f in support.findings(template)
            if f["rule_id"] == self.rule["id"] and f.get("address") == logical_id and not f.get("suppression")
        ]
        result: CheckResult = support.answer(self, matches)
        return result


for _rule in support.rules():
    EksIpCloudFormationCheck(_rule)
