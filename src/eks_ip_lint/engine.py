"""The single wiring point: discover -> parse/evaluate -> facts -> capacity -> rules -> findings.

Nothing here knows a file format or a formula; each stage is called once per unit. A crash inside
one rule becomes a finding for that rule instead of stopping the run (the others still report).

A unit whose stored result still holds (:mod:`eks_ip_lint.unit_cache`) is not computed again:
the run then only checks the file-system answers that result rests on. What is computed is
computed inside a :func:`fs.recording`, so its entry knows what to check next time. Linking CNI
add-ons across root modules, dropping nested templates and qualifying branch findings are redone
every run over all units, cached or not: they are the only steps that look across units.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from eks_ip_lint import prefetch
from eks_ip_lint.branches import qualify, unique
from eks_ip_lint.capacity.analysis import Options, UnitCapacity, analyse
from eks_ip_lint.facts.model import CniSource, Facts, Unresolved, same_ref
from eks_ip_lint.findings import Finding
from eks_ip_lint.progress import Progress
from eks_ip_lint.sources import discover, fs
from eks_ip_lint.terraform.variable_inputs import VariableInputs
from eks_ip_lint.unit_cache import Entry, StoredUnit, UnitCache
from eks_ip_lint.values import Cause

if TYPE_CHECKING:
    from eks_ip_lint.terraform.module import ModuleSource


@dataclass(frozen=True)
class LintRequest:
    paths: tuple[str, ...]
    variables: VariableInputs = field(default_factory=VariableInputs)
    options: Options = field(default_factory=Options)
    workspace: str = "default"
    # CloudFormation parameter values (--parameter, --parameters-file), pseudo parameters included.
    parameters: Mapping[str, str] = field(default_factory=dict)
    # Processes that parse a cold run's files ahead of the engine (prefetch.warm); 1 = none.
    jobs: int = 1
    # --nested-template: a nested stack's logical ID (or TemplateURL) -> its local template file.
    nested_templates: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitResult:
    kind: str
    path: str
    capacity: UnitCapacity
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class LintResult:
    units: tuple[UnitResult, ...]

    @property
    def findings(self) -> list[Finding]:
        # Each branch of a template keeps the findings common to all branches (its cluster tables
        # need them); the run lists them once.
        return unique([f for u in self.units for f in u.findings])


def lint(request: LintRequest) -> LintResult:
    found = discover.scan(request.paths)
    with fs.session():
        return _Run(request).run(found)


@dataclass
class _Unit:
    stored: StoredUnit  # what its source's cache entry keeps of it: kind, path, facts, result
    source: tuple[str, str]  # its source's entry: ("module", directory) or ("document", path)


class _Run:
    def __init__(self, request: LintRequest) -> None:
        self.request = request
        self.cache = UnitCache(request)
        self.entries: dict[tuple[str, str], Entry | None] = {}
        self.sources: dict[str, ModuleSource] = {}  # modules parsed in this run

    def run(self, found: discover.Scan) -> LintResult:
        for d in found.dirs:
            self.entries["module", d] = self.cache.lookup("module", d)
        for p in found.documents:
            self.entries["document", p] = self.cache.lookup("document", p)
        self._parse_ahead(found)
        with Progress(total=len(found.dirs)) as progress:
            for d in found.dirs:
                self._module_entry(d)
                progress.step(d)
        called = {os.path.join(d, value) for d in found.dirs for value in self._module_entry(d).calls}
        units: list[_Unit] = []
        for unit in discover.root_units(found.dirs, called):
            units.extend(self._module_units(unit.path))
        for path in found.documents:
            units.extend(self._document_units(path))
        # A template followed as another's nested stack is analysed as part of it, not on its own
        # (alone, the parameters its parent passes are missing).
        included = {os.path.realpath(p) for u in units for p in u.stored.facts.included}
        if included:
            units = [
                u
                for u in units
                if u.stored.kind != "cloudformation" or os.path.realpath(u.stored.path) not in included
            ]
        terraform = [u for u in units if u.stored.kind in TERRAFORM_KINDS]
        linked = {
            id(terraform[i]): facts
            for i, facts in link_across_units([u.stored.facts for u in terraform]).items()
        }
        results = [self._result(u, linked.get(id(u))) for u in units]
        self.cache.flush()
        return LintResult(tuple(_qualify_branches(results)))

    def _parse_ahead(self, found: discover.Scan) -> None:
        """Parse the files of the sources to compute in worker processes first (prefetch)."""
        dirs = [d for d in found.dirs if self.entries["module", d] is None]
        documents = [p for p in found.documents if self.entries["document", p] is None]
        if not (dirs or documents) or not prefetch.wanted(self.request.jobs):
            return  # listing the files to parse ahead costs reads of its own
        from eks_ip_lint import unit_facts  # noqa: PLC0415 -- not imported by a fully cached run

        # The prefilter is decided again by read_source, inside the module's recording: the
        # decision rests on the files' contents, which the entry's log must hold (the reads are
        # the session's, so only the substring tests run twice).
        prefetch.warm(
            [f for d in dirs if unit_facts.may_hold_capacity_facts(d) for f in unit_facts.tf_files(d)],
            [p for p in documents if unit_facts.text_may_be_template(p)],
            self.request.jobs,
        )

    def _module_entry(self, directory: str) -> Entry:
        """The module's entry; computed (its calls) when none was stored or it no longer holds."""
        entry = self.entries["module", directory]
        if entry is None:
            from eks_ip_lint import unit_facts  # noqa: PLC0415

            entry = Entry(log=[])
            with fs.recording(entry.log):
                self.sources[directory] = unit_facts.read_source(directory)
            entry.calls = unit_facts.local_calls(self.sources[directory])
            self._keep(("module", directory), entry)
        return entry

    def _module_units(self, directory: str) -> list[_Unit]:
        entry = self._module_entry(directory)
        if entry.units is None:  # computed as a called module only, so far
            from eks_ip_lint import unit_facts  # noqa: PLC0415

            with fs.recording(entry.log):
                source = self.sources.get(directory) or unit_facts.read_source(directory)
                facts = unit_facts.terraform_facts(source, self.request.variables, self.request.workspace)
            entry.units = [StoredUnit("terraform", directory, facts)]
            self._keep(("module", directory), entry)
        return [_Unit(s, ("module", directory)) for s in entry.units]

    def _document_units(self, path: str) -> list[_Unit]:
        entry = self.entries["document", path]
        if entry is None:
            from eks_ip_lint import unit_facts  # noqa: PLC0415

            entry = Entry(log=[])
            with fs.recording(entry.log):
                kind, facts = unit_facts.document_facts(
                    path, dict(self.request.parameters), dict(self.request.nested_templates)
                )
            # None: YAML/JSON that is neither a plan, a template nor a ClusterConfig, so not ours.
            entry.units = [StoredUnit(kind, path, f) for f in facts or []]
            self._keep(("document", path), entry)
        return [_Unit(s, ("document", path)) for s in entry.units or []]

    def _result(self, unit: _Unit, linked: Facts | None) -> UnitResult:
        """The stored result when it holds; else analysed, and kept when it depends on this unit
        alone (not on an add-on of another unit linked to it)."""
        stored = unit.stored
        if linked is None and stored.result is not None:
            return stored.result
        capacity = analyse(linked or stored.facts, self.request.options)
        result = UnitResult(
            stored.kind, stored.path, capacity, tuple(run_rules(capacity, self.request.options))
        )
        if linked is None:
            stored.result = result
            entry = self.entries[unit.source]
            assert entry is not None
            self._keep(unit.source, entry)
        return result

    def _keep(self, source: tuple[str, str], entry: Entry) -> None:
        """A new or changed entry: the run's from now on, and written at the end (cache.flush)."""
        self.entries[source] = entry
        self.cache.store(*source, entry)


def _qualify_branches(results: list[UnitResult]) -> list[UnitResult]:
    """Say which branch each branch-only finding of a template occurs in (branches.qualify)."""
    by_path: dict[str, list[int]] = {}
    for i, r in enumerate(results):
        if r.capacity.facts.branch:
            by_path.setdefault(r.path, []).append(i)
    out = list(results)
    for indexes in by_path.values():
        qualified = qualify([(results[i].capacity.facts.branch, results[i].findings) for i in indexes])
        for i, found in zip(indexes, qualified, strict=True):
            out[i] = replace(results[i], findings=tuple(found))
    return out


# Units whose CNI add-ons may configure a cluster of another unit of the same run.
TERRAFORM_KINDS = frozenset({"terraform", "plan"})


def link_across_units(units: Sequence[Facts]) -> dict[int, Facts]:
    """Apply a CNI add-on of one root module to the cluster another root module declares.

    Repositories split the cluster and its add-ons into separate root modules
    (``network/``, ``eks/``, ``addons/``); an ``aws_eks_addon`` "vpc-cni" in ``addons/`` names
    its cluster by a value known statically (a literal, a variable default,
    ``data.aws_eks_cluster.x.name`` with a literal ``name``). A CNI source whose cluster reference
    matches no cluster of its own unit is applied to the cluster of another unit with that known
    name, after that cluster's own carriers (the add-on's root module is applied once the cluster
    exists), and the report names the file it came from. A name declared by clusters in several
    other units is ambiguous: an Unresolved says so instead of picking one. Unknown references
    (remote state outputs) and Kubernetes-side carriers (which name no cluster) are not linked.

    Returns the units it changes, by index, as new Facts; the given ones are left as they were
    (the unit cache keeps each unit's own facts, and links again every run).
    """
    sources: dict[int, list[CniSource]] = {}
    unresolved: dict[int, list[Unresolved]] = {}
    for i, facts in enumerate(units):
        for src in facts.cni_sources:
            ref = src.cluster_ref
            if not isinstance(ref, str) or not ref:
                continue
            if any(same_ref(ref, r) for c in facts.clusters for r in c.refs):
                continue
            targets = [
                j for j, other in enumerate(units) if j != i and any(c.name == ref for c in other.clusters)
            ]
            if len(targets) == 1:
                sources.setdefault(targets[0], []).append(
                    replace(src, description=f"{src.description} (from {src.span.path}, another root module)")
                )
            elif len(targets) > 1:
                unresolved.setdefault(i, []).append(
                    Unresolved(
                        f"the cluster that {src.address} configures",
                        f"cluster {ref} is declared in {len(targets)} root modules "
                        f"({', '.join(units[j].unit for j in targets)}), so this add-on is applied to none of them",
                        src.span,
                        src.address,
                        cause=Cause.CLUSTER_AMBIGUOUS,
                    )
                )
    return {
        i: replace(
            units[i],
            cni_sources=[*units[i].cni_sources, *sources.get(i, [])],
            unresolved=[*units[i].unresolved, *unresolved.get(i, [])],
        )
        for i in sorted(sources.keys() | unresolved.keys())
    }


def run_rules(capacity: UnitCapacity, options: Options) -> list[Finding]:
    """Every rule over one analysed unit (:func:`eks_ip_lint.unit_facts.run_rules`)."""
    from eks_ip_lint import unit_facts  # noqa: PLC0415 -- the rules are not imported by a cached run

    return unit_facts.run_rules(capacity, options)


def lint_paths(paths: Sequence[str], **kwargs: object) -> LintResult:
    """Library entry point: ``lint_paths(["infra/"])``."""
    return lint(LintRequest(paths=tuple(paths), **kwargs))  # type: ignore[arg-type]
