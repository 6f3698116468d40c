"""Which Terragrunt units a changed file concerns (the pre-commit hook, the GitHub Action).

A unit reads more than its ``terragrunt.hcl``: the files it includes (``root.hcl``), those it reads
(``env.hcl`` through ``read_terragrunt_config``, tfvars through ``read_tfvars_file``), the
``terragrunt.hcl`` of every unit it depends on (their outputs are its inputs) and the files of its
Terraform module. :func:`units_for_changed_files` finds, in the repository of each changed file
(its nearest ``.git``; else the working directory when the file is below it, else the file's
folder), the units that read it, by evaluating each unit's configuration the way the analysis
does (without its module).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from eks_ip_lint.terragrunt import module_source, paths
from eks_ip_lint.terragrunt.merge import merged_generates, merged_inputs, merged_source, new_session

_SKIP = frozenset({".terraform", ".git", "node_modules", "__pycache__", module_source.CACHE_DIR})
MAX_DEPENDENCY_DEPTH = 16


@dataclass(frozen=True)
class UnitReads:
    """What one unit reads: configuration files and the folders of its modules (absolute)."""

    files: frozenset[str]
    folders: frozenset[str]
    dependencies: frozenset[str]  # folders of the units it depends on
    includes: frozenset[str]  # the files it includes (root.hcl, a parent terragrunt.hcl)


def unit_reads(directory: str) -> UnitReads:
    """The files and module folders the unit in ``directory`` reads itself (not its dependencies')."""
    from eks_ip_lint.terragrunt.unit import open_unit, tree_of  # noqa: PLC0415

    session = new_session(tree_of(directory))
    config = open_unit(directory, session)
    inputs = merged_inputs(config)
    found = merged_source(config)
    merged_generates(config)
    ref = module_source.resolve(found[0] if found else None, os.path.abspath(directory), inputs.values)
    folders = {ref.directory} if ref.directory else set()
    deps = set()
    for dep in config.dependencies().values():
        if isinstance(dep.config_path, str):
            deps.add(
                os.path.dirname(dep.config_path) if dep.config_path.endswith(".hcl") else dep.config_path
            )
    includes = frozenset(i.path for i in config.includes())
    return UnitReads(frozenset(session.files), frozenset(folders), frozenset(deps), includes)


def _search_root(path: str) -> str:
    folder = os.path.dirname(os.path.abspath(path))
    root = paths.repo_root(folder)
    if root is not None:
        return root
    cwd = os.getcwd()
    return cwd if paths.inside(folder, cwd) else folder


def find_units(root: str) -> Iterator[str]:
    """Every folder below ``root`` holding a terragrunt.hcl (absolute), as discovery skips them."""
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP and not d.startswith("."))
        if paths.CONFIG_NAME in files:
            yield current


def units_for_changed_files(changed: Iterable[str]) -> list[str]:
    """The unit folders (absolute, sorted) whose analysis reads any of ``changed``: a unit's own
    ``terragrunt.hcl``, a file it includes or reads, a file of its module's folder, or the
    ``terragrunt.hcl`` of a unit it depends on (directly or not). A parent ``terragrunt.hcl`` that
    only others include is not a unit of its own here."""
    targets = [os.path.abspath(p) for p in changed]
    out: set[str] = set()
    reads: dict[str, UnitReads] = {}
    for root in sorted({_search_root(p) for p in targets}):
        units = list(find_units(root))
        for u in units:
            if u not in reads:
                reads[u] = unit_reads(u)
        included = {f for u in units for f in reads[u].includes}
        for u in units:
            if os.path.join(u, paths.CONFIG_NAME) in included:
                continue  # a parent configuration, not a unit
            if any(_reads(u, t, reads, 0) for t in targets):
                out.add(u)
    return sorted(out)


def _reads(unit: str, target: str, reads: dict[str, UnitReads], depth: int) -> bool:
    r = reads.get(unit)
    if r is None:
        if not os.path.isfile(os.path.join(unit, paths.CONFIG_NAME)):
            return False
        r = reads[unit] = unit_reads(unit)
    if target in r.files or any(paths.inside(target, f) for f in r.folders):
        return True
    if depth >= MAX_DEPENDENCY_DEPTH:
        return False
    return any(_reads(d, target, reads, depth + 1) for d in r.dependencies if d != unit)


def users_of(named: Sequence[str]) -> list[str]:
    """The units files named on the command line stand for, relative when the first was named so."""
    like = named[0] if named else "."
    return [paths.shown(u, like) for u in units_for_changed_files(named)]
