"""What every file of a Terragrunt unit is evaluated with: the session of the unit's evaluation,
the context (the unit whose folder ``get_terragrunt_dir()`` is), and the records of its include
and dependency blocks."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from eks_ip_lint.errors import InputError
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.evaluator import Resolved
from eks_ip_lint.values import Unknown, Value

# Nesting of read_terragrunt_config and dependency units beyond this is not followed (a cycle).
MAX_NESTING = 16
MERGE_STRATEGIES = ("no_merge", "shallow", "deep", "deep_map_only")


@dataclass
class Session:
    """What one unit's evaluation shares across the files it reads."""

    tree: str  # absolute: the repository; dependencies and files outside it are not followed
    # The outputs of a dependency -> a namespace (None: dependencies are not followed).
    outputs: Callable[[Dependency], Resolved] | None = None
    # read_terragrunt_config: (absolute path, a path shown like the caller's) -> the file's object.
    read_config: Callable[[str, str], Value] | None = None
    files: set[str] = field(default_factory=set)  # absolute paths of every config and tfvars read
    problems: list[InputError] = field(default_factory=list)
    stack: tuple[str, ...] = ()  # configs being evaluated, outermost first (cycle guard)


@dataclass(frozen=True)
class Include:
    label: str  # "" for an unlabelled include block
    path: str  # absolute
    expose: bool
    merge_strategy: str
    line: int  # of the include block, in the including file


@dataclass(frozen=True)
class Dependency:
    name: str
    config_path: str | Unknown  # absolute folder of the other unit
    written: str  # config_path as written (for messages)
    has_mocks: bool
    skip_outputs: bool
    span: SourceSpan


class Unit(Protocol):
    """The unit's own configuration file, as functions and references need it."""

    def includes(self) -> list[Include]: ...

    def dependencies(self) -> dict[str, Dependency]: ...


class Context:
    """The unit a file is evaluated for: the configuration whose folder is ``get_terragrunt_dir()``."""

    def __init__(self, config_path: str, session: Session) -> None:
        self.config_path = os.path.abspath(config_path)
        self.session = session
        self.main: Unit | None = None  # the unit's own file, set when it is built

    @property
    def terragrunt_dir(self) -> str:
        return os.path.dirname(self.config_path)

    def includes(self) -> list[Include]:
        return self.main.includes() if self.main is not None else []
