"""What a kind of unit is: how its sources are found, read into facts and parsed ahead.

Two shapes of source exist. A *directory* kind (a Terraform module) reads a directory of files;
its sources may call each other (a local module), and only those no other source calls are
units of their own. A *document* kind (a plan, a template, a ClusterConfig) reads one file and
says from its content whether the file is of its kind. The engine keys the unit cache by
``(kind name, path)`` for directory sources and ``("document", path)`` for documents (whose kind
is only known once read), runs the stages in order and knows no kind by name.

Readers import their parsers and evaluators inside the functions: a run served from the unit
cache imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eks_ip_lint.facts.model import Facts
from eks_ip_lint.terraform.variable_inputs import VariableInputs

# The parsers prefetch.warm can run ahead in worker processes.
AHEAD_HCL = "hcl"
AHEAD_CLOUDFORMATION = "cloudformation"


@dataclass(frozen=True)
class Inputs:
    """The values the user passes in, for whichever kind takes them."""

    variables: VariableInputs = field(default_factory=VariableInputs)
    workspace: str = "default"
    parameters: Mapping[str, str] = field(default_factory=dict)
    nested_templates: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DirectoryKind:
    """Units read from a directory of files (a Terraform module)."""

    name: str
    # A directory holding a file whose name ends so is a source of this kind.
    markers: tuple[str, ...]
    # A file named on the command line that ends so stands for its directory.
    member_suffixes: tuple[str, ...]
    # The parsed source (opaque to the engine, kept for the run).
    read: Callable[[str], Any]
    # The directories, relative to it as written, that a source calls: they are not roots.
    calls: Callable[[Any], tuple[str, ...]]
    facts: Callable[[Any, Inputs], list[Facts]]
    # (parser, file) pairs prefetch may parse ahead for a source not in the cache.
    ahead: Callable[[str], Sequence[tuple[str, str]]]
    # Whether a CNI add-on of one unit may configure a cluster of another unit of the run.
    links_cni: bool = False
    # The directories, relative to it as written, of *other* kinds' sources that a source analyses
    # through itself (a Terragrunt unit's Terraform module, evaluated with the unit's inputs):
    # they are not roots of those kinds.
    uses: Callable[[Any], tuple[str, ...]] = lambda source: ()
    # For files named on the command line (a pre-commit hook's changed files): the directories of
    # this kind's sources that read any of them (the units that include a changed root.hcl), or
    # None when a member file simply stands for its directory. Files ending in member_suffixes go
    # through it instead of standing for their own directory.
    users: Callable[[Sequence[str]], list[str]] | None = None
    # Files named on the command line, beyond member_suffixes, whose users are looked for (the .tf
    # files of a module some unit uses).
    user_suffixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentKind:
    """Units read from one file; the file's content says whether it is of this kind."""

    name: str
    # Facts of the file (several: a template's branches); None when the file is not of this kind.
    read: Callable[[str, Inputs], list[Facts] | None]
    ahead: Callable[[str], Sequence[tuple[str, str]]] = lambda path: ()
    links_cni: bool = False
