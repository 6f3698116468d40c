"""Max pods of an eksctl node group as EKS applies it (capacity-beyond-node-groups.md §5, "eksctl
``maxPodsPerNode``"): eksctl writes ``maxPodsPerNode`` into the node's user data in the AMI
family's own form, and EKS's rule for managed node groups (:func:`.max_pods_config.as_eks_applies`,
shared with Terraform and CloudFormation) decides whether it is overridden:

* AmazonLinux2023: NodeConfig ``maxPods`` (eksctl ``pkg/nodebootstrap/al2023.go``): on an EKS AMI
  EKS's value wins;
* Bottlerocket: ``settings.kubernetes.max-pods`` (``managed_bottlerocket.go``): the user's value
  wins, with the note the shared rule gives;
* AmazonLinux2: eksctl patches ``bootstrap.sh`` to append ``--max-pods=N`` to
  ``KUBELET_EXTRA_ARGS`` (``managed_al2.go``), after EKS's own flag, and kubelet takes the last
  flag: the user's value applies (inferred from eksctl's source, not verified on a node; the note
  says so).

``amiFamily`` left out is AmazonLinux2023 from Kubernetes 1.30 on (eksctl user guide, "Node
bootstrapping"), AmazonLinux2 before. A managed group is on a custom AMI when ``ami`` is an image
(not ``auto``/``auto-ssm``) or its family is Ubuntu (EKS has no Ubuntu AMI type, so eksctl
launches Ubuntu from an AMI ID).
"""

from __future__ import annotations

import re

from eks_ip_lint.facts.max_pods_config import AppliedMaxPods, UserDataMaxPods, as_eks_applies, read_user_data

_VERSION = re.compile(r"^\s*1\.(\d+)\s*$")
_AL2_NOTE = (
    "eksctl appends --max-pods to bootstrap.sh's KUBELET_EXTRA_ARGS after EKS's own flag and kubelet "
    "takes the last one (inferred from eksctl's managed_al2.go, unverified)"
)


def ami_family(ng: dict[str, object], kubernetes_version: object) -> str:
    """The group's amiFamily, with eksctl's default filled in."""
    family = ng.get("amiFamily")
    if isinstance(family, str):
        return family
    m = _VERSION.match(kubernetes_version) if isinstance(kubernetes_version, str) else None
    return "AmazonLinux2" if m is not None and int(m.group(1)) < 30 else "AmazonLinux2023"


def is_custom_ami(ng: dict[str, object], family: str) -> bool:
    """A managed group's AMI is custom: see the module docstring."""
    ami = ng.get("ami")
    return (isinstance(ami, str) and not ami.startswith("auto")) or family.startswith("Ubuntu")


def applied_max_pods(
    ng: dict[str, object], *, managed: bool, family: str, custom_ami: bool
) -> AppliedMaxPods:
    """``maxPodsPerNode``, else ``overrideBootstrapCommand``'s user data, as EKS applies them."""
    bottlerocket = family == "Bottlerocket"
    per_node = ng.get("maxPodsPerNode")
    if isinstance(per_node, int) and not isinstance(per_node, bool):
        if managed and not custom_ami and family == "AmazonLinux2":
            return AppliedMaxPods(per_node, None, note=_AL2_NOTE)
        user = UserDataMaxPods(per_node, bottlerocket=bottlerocket, shown=f"maxPodsPerNode: {per_node}")
    else:
        command = ng.get("overrideBootstrapCommand")
        user = read_user_data(command if isinstance(command, str) else None)
    return as_eks_applies(user, managed=managed, custom_ami=custom_ami, bottlerocket_ami=bottlerocket)
