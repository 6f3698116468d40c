"""Defaults the EKS API applies when a template leaves a node group field out.

Shared by the CloudFormation reader (and meant for facts/terraform.py too, which keeps its own
copy of the same constant for now).
"""

from __future__ import annotations

# AWS EKS API CreateNodegroup: "instanceTypes ... If you don't specify, the default is t3.medium"
# (used only when neither the node group nor its launch template names a type).
MNG_DEFAULT_INSTANCE_TYPE = "t3.medium"
