"""Registry modules modelled by knowledge of their internals, not by reading their code.

``match(source, version, inputs)`` says whether a module call is one we model and which table
applies: the major version comes from the ``version`` constraint, else from the ``?ref=`` of a git
source, else from the input names the call uses (each generation renamed some).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from eks_ip_lint.terraform.registry import blueprints_addons, eks, eks_submodules, vpc
from eks_ip_lint.terraform.registry.common import CallInputs, Synthesized
from eks_ip_lint.terraform.registry.eks_tables import BY_MAJOR, V17, V18_V20, V21, EksSchema

# registry.terraform.io/terraform-aws-modules/eks/aws, terraform-aws-modules/eks/aws,
# git::https://github.com/terraform-aws-modules/terraform-aws-eks.git?ref=v20.8.4, github.com/...
_REGISTRY = re.compile(r"^(?:registry\.terraform\.io/)?terraform-aws-modules/(?P<name>eks|vpc)/aws$")
_GIT = re.compile(
    r"github\.com[/:]terraform-aws-modules/terraform-aws-(?P<name>eks|vpc)(?:\.git)?(?:\?ref=(?P<ref>[^&]+))?$"
)
_MAJOR = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Model:
    description: str  # shown in reports: "terraform-aws-modules/eks/aws v18-v20 (version = "~> 20.0")"
    run: Callable[[CallInputs], Synthesized]


_BLUEPRINTS_ADDONS = re.compile(r"^(?:registry\.terraform\.io/)?aws-ia/eks-blueprints-addons/aws$")


# terraform-aws-modules/eks/aws//modules/eks-managed-node-group, or the git form with //modules/...
_SUBMODULE = re.compile(
    r"^(?:(?:registry\.terraform\.io/)?terraform-aws-modules/eks/aws"
    r"|.*github\.com[/:]terraform-aws-modules/terraform-aws-eks(?:\.git)?)"
    r"//modules/(?P<sub>[a-z-]+)(?:\?ref=(?P<ref>[^&]+))?$"
)


def match(source: str, version: str | None, input_names: Iterable[str]) -> Model | None:
    if _BLUEPRINTS_ADDONS.match(source):
        return Model("aws-ia/eks-blueprints-addons/aws", blueprints_addons.synthesize)
    sub = _SUBMODULE.match(source)
    if sub is not None:
        return _submodule(sub.group("sub"), version, sub.group("ref"), set(input_names))
    m = _REGISTRY.match(source)
    ref: str | None = None
    if m is None:
        m = _GIT.search(source)
        if m is None:
            return None
        ref = m.group("ref")
    name = m.group("name")
    if name == "vpc":
        return Model("terraform-aws-modules/vpc/aws", vpc.synthesize)
    schema, why = _eks_schema(version, ref, set(input_names))
    return Model(
        f"terraform-aws-modules/eks/aws {schema.generation} ({why})", lambda c: eks.synthesize(c, schema)
    )


def _submodule(name: str, version: str | None, ref: str | None, names: set[str]) -> Model | None:
    """A node group submodule of terraform-aws-eks called on its own (eks_submodules.py)."""
    if name == "fargate-profile":
        return Model(
            "terraform-aws-modules/eks/aws//modules/fargate-profile", eks_submodules.synthesize_fargate
        )
    if name not in eks_submodules.SUBMODULES:
        return None  # karpenter and the others: not modelled
    kind = eks_submodules.SUBMODULES[name]
    major, why = None, ""
    for label, text in (("version", version), ("ref", ref)):
        found = _MAJOR.search(text) if text else None
        if found:
            major, why = int(found.group(1)), f'{label} "{text}"'
            break
    if major is not None and not 18 <= major <= 21:
        major, why = None, ""  # before v18 the submodules were the root module's internals
    schema, guessed = eks_submodules.schema_for(major, names)
    return Model(
        f"terraform-aws-modules/eks/aws//modules/{name} {schema.generation} ({why or guessed})",
        lambda c: eks_submodules.synthesize(c, kind, schema),
    )


def _eks_schema(version: str | None, ref: str | None, names: set[str]) -> tuple[EksSchema, str]:
    for label, text in (("version", version), ("ref", ref)):
        if text:
            major = _MAJOR.search(text)
            if major and int(major.group(1)) in BY_MAJOR:
                return BY_MAJOR[int(major.group(1))], f'{label} "{text}"'
    # No version: the generations differ in input names (eks_tables), so the names decide.
    if names & {"subnets", "node_groups", "worker_groups", "worker_groups_launch_template", "create_eks"}:
        return V17, "v17 input names, no version given"
    if names & {"addons", "kubernetes_version", "ip_family"} or (
        "name" in names and "cluster_name" not in names
    ):
        return V21, "v21 input names, no version given"
    return V18_V20, "v18-v20 input names, no version given"


__all__ = ["CallInputs", "Model", "Synthesized", "match"]
