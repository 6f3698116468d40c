"""Terragrunt units: a folder with a ``terragrunt.hcl``, its module evaluated with the inputs,
includes and dependency outputs Terragrunt would pass (:mod:`eks_ip_lint.terragrunt`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from eks_ip_lint.facts.model import Facts
from eks_ip_lint.kinds.base import AHEAD_HCL, DirectoryKind, Inputs


@dataclass(frozen=True)
class UnitSource:
    directory: str
    # Folders of included parent terragrunt.hcl files: configurations, not units of their own.
    parents: tuple[str, ...] = ()
    # The folder of the Terraform module the unit evaluates (local or downloaded), if on disk.
    module: tuple[str, ...] = ()


def read_source(directory: str) -> UnitSource:
    from eks_ip_lint.terragrunt import paths  # noqa: PLC0415
    from eks_ip_lint.terragrunt.changed import unit_reads  # noqa: PLC0415

    reads = unit_reads(directory)
    parents = tuple(
        os.path.dirname(f)
        for f in sorted(reads.includes)
        if os.path.basename(f) == paths.CONFIG_NAME and os.path.dirname(f) != os.path.abspath(directory)
    )
    return UnitSource(directory, parents, tuple(sorted(reads.folders)))


def unit_facts(source: UnitSource, inputs: Inputs) -> list[Facts]:
    from eks_ip_lint.terragrunt.unit import UnitEvaluator  # noqa: PLC0415

    unit = UnitEvaluator(source.directory, inputs.variables, inputs.workspace).evaluate()
    facts = unit.facts
    if unit.evaluation is None and not (facts.unresolved or facts.problems or facts.clusters):
        return []  # a parent configuration or a unit without Terraform: nothing to analyse
    return [facts]


def users(named: Sequence[str]) -> list[str]:
    from eks_ip_lint.terragrunt.changed import users_of  # noqa: PLC0415

    return users_of(named)


KIND = DirectoryKind(
    name="terragrunt",
    markers=("terragrunt.hcl",),
    member_suffixes=(".hcl",),
    read=read_source,
    calls=lambda source: source.parents,
    facts=unit_facts,
    ahead=lambda directory: [(AHEAD_HCL, os.path.join(directory, "terragrunt.hcl"))],
    links_cni=True,
    uses=lambda source: source.module,
    users=users,
    user_suffixes=(".tf", ".tf.json", ".tofu", ".tofu.json", ".tfvars", ".tfvars.json"),
)
