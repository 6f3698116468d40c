"""Terraform module directories: the ``.tf`` files of one directory, evaluated with their
variables, local modules and workspace (:mod:`eks_ip_lint.terraform`), then read into facts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from eks_ip_lint.facts.model import Facts, InputProblem
from eks_ip_lint.kinds.base import AHEAD_HCL, DirectoryKind, Inputs

if TYPE_CHECKING:
    from eks_ip_lint.terraform.module_source import ModuleSource


def read_source(directory: str) -> ModuleSource:
    """The parsed module, or an empty one when no file of it can hold capacity facts (the
    prefilter: such a module is never parsed)."""
    from eks_ip_lint.terraform.module_source import ModuleSource, may_hold_capacity_facts, read_module  # noqa: PLC0415

    return read_module(directory) if may_hold_capacity_facts(directory) else ModuleSource(dir=directory)


def local_calls(source: ModuleSource) -> tuple[str, ...]:
    """The literal local sources (``./x``, ``../x``) of the module's calls, as written."""
    out: list[str] = []
    for placed in source.module_calls.values():
        attr = placed.block.body.attributes.get("source")
        value = getattr(attr.expr, "value", None) if attr is not None else None
        if isinstance(value, str) and value.startswith(("./", "../")):
            out.append(value)
    return tuple(out)


def module_facts(source: ModuleSource, inputs: Inputs) -> list[Facts]:
    from eks_ip_lint.facts import terraform as tf_facts  # noqa: PLC0415
    from eks_ip_lint.terraform.module import ModuleEvaluation  # noqa: PLC0415
    from eks_ip_lint.terraform.variables import resolve_variables  # noqa: PLC0415

    variables = resolve_variables(source, inputs.variables)
    evaluation = ModuleEvaluation(source, variables.values, workspace=inputs.workspace)
    facts = tf_facts.extract(evaluation, source.dir)
    if source.files:  # a module the prefilter left unparsed may declare anything
        facts.undeclared_vars = variables.undeclared
    for err in [*source.errors, *variables.errors]:
        facts.problems.append(InputProblem.of(err))
    return [facts]


def parse_ahead(directory: str) -> Sequence[tuple[str, str]]:
    # The prefilter is decided again by read_source, inside the module's recording: the decision
    # rests on the files' contents, which the entry's log must hold (the reads are the session's,
    # so only the substring tests run twice).
    from eks_ip_lint.terraform.module_source import (  # noqa: PLC0415
        NATIVE_SUFFIXES,
        may_hold_capacity_facts,
        tf_files,
    )

    if not may_hold_capacity_facts(directory):
        return ()
    # JSON syntax is decoded in the engine's own process: it is not parse-cached (module_source).
    return [(AHEAD_HCL, f) for f in tf_files(directory) if f.endswith(NATIVE_SUFFIXES)]


KIND = DirectoryKind(
    name="terraform",
    # Terraform's and OpenTofu's configuration files (terraform/module_source.CONFIG_SUFFIXES).
    markers=(".tf", ".tf.json", ".tofu", ".tofu.json"),
    member_suffixes=(".tf", ".tf.json", ".tofu", ".tofu.json", ".tfvars", ".tfvars.json"),
    read=read_source,
    calls=local_calls,
    facts=module_facts,
    ahead=parse_ahead,
    links_cni=True,
)
