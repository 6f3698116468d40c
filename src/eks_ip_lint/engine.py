"""The single wiring point: discover -> read (per unit kind) -> facts -> capacity -> rules ->
policy -> result.

Nothing here knows a file format, a kind of unit or a formula: kinds come from the registry
(:mod:`eks_ip_lint.kinds`), each stage is called once per unit, and what the user decided about
rules and findings is applied by :class:`~eks_ip_lint.policy.Policy`. A crash inside one rule
becomes a finding for that rule instead of stopping the run (the others still report).

A unit whose stored result still holds (:mod:`eks_ip_lint.unit_cache`) is not computed again:
the run then only checks the file-system answers that result rests on. What is computed is
computed inside a :func:`fs.recording`, so its entry knows what to check next time. Linking CNI
add-ons across root modules, dropping nested templates and qualifying branch findings are redone
every run over all units, cached or not: they are the only steps that look across units.

Library use::

    from eks_ip_lint.engine import LintRequest, lint
    result = lint(LintRequest(paths=("infra/",)))
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from eks_ip_lint import prefetch
from eks_ip_lint.branches import qualify
from eks_ip_lint.capacity.analysis import analyse
from eks_ip_lint.errors import UsageError
from eks_ip_lint.facts.linking import link_across_units
from eks_ip_lint.facts.model import Facts, InputProblem
from eks_ip_lint.facts.node_pool_linking import link_node_pools
from eks_ip_lint.kinds import DIRECTORY_KINDS, DOCUMENT_KINDS, LINKING, DirectoryKind, Inputs
from eks_ip_lint.kinds.base import AHEAD_HCL
from eks_ip_lint.policy import Policy
from eks_ip_lint.results import LintRequest, LintResult, ProgressSink, UnitResult
from eks_ip_lint.sources import discover, fs, parse_cache
from eks_ip_lint.sources import not_read as not_read_files
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.time_budget import UNIT_SECONDS, TimeBudgetExceeded, time_budget
from eks_ip_lint.unit_cache import DOCUMENT, Entry, Source, StoredUnit, UnitCache

__all__ = ["LintRequest", "LintResult", "Policy", "UnitResult", "lint", "lint_paths"]


def lint(
    request: LintRequest, policy: Policy | None = None, progress: ProgressSink | None = None
) -> LintResult:
    """Analyse the units below ``request.paths`` with the rules ``policy`` enables, then apply its
    severities, inline suppressions and baseline."""
    policy = policy or Policy()
    markers = {
        k.name: discover.Markers(k.markers, k.member_suffixes, k.users, k.user_suffixes)
        for k in DIRECTORY_KINDS
    }
    found = discover.scan(request.paths, markers)
    roots = scanned_roots(request)
    with parse_cache.scope(request.use_cache), fs.confine(roots):
        with fs.session():
            result = _Run(request, policy.disabled, progress, roots).run(found)
        return policy.apply(result)  # reads inline suppressions: confined too


def scanned_roots(request: LintRequest) -> tuple[str, ...]:
    """The trees a run reads (docs/security.md): each path it was given (a file: its folder), the Git repository that
    holds it (its local modules and templates may sit beside it), the files named on the command
    line (variable files, nested templates) and ``--allow-outside`` paths. Nothing else is read,
    whatever a link, a ``../`` or a manifest in the tree points at."""
    out: list[str] = []
    for path in request.paths:
        start = os.path.abspath(path)
        here = start if os.path.isdir(start) else os.path.dirname(start)  # a file stands for its folder
        out.append(here)
        while True:
            if os.path.exists(os.path.join(here, ".git")):
                out.append(here)
                break
            parent = os.path.dirname(here)
            if parent == here:
                break
            here = parent
    out.extend(request.variables.var_files)
    out.extend(request.nested_templates.values())
    out.extend(request.allow_outside)
    # Without the roots below another root: runs over parts of one repository share cache keys.
    full = sorted({os.path.abspath(p) for p in out})
    return tuple(p for p in full if not any(p.startswith(q.rstrip(os.sep) + os.sep) for q in full))


def _included_documents(units: Sequence[_Unit]) -> set[str]:
    """The documents (real paths) another document includes (a nested stack's template): they
    are analysed as part of it, not on their own (alone, the values their parent passes are
    missing). Of templates that only nest each other in a ring, the first stays a unit of its
    own, so that the ring is analysed once (its facts report the cycle) instead of never."""
    includes: dict[str, set[str]] = {}
    for u in units:
        if u.source[0] == DOCUMENT:
            real = os.path.realpath(u.stored.path)
            includes.setdefault(real, set()).update(
                os.path.realpath(p) for p in u.stored.facts.included if os.path.realpath(p) != real
            )
    included = {p for targets in includes.values() for p in targets}
    reached: set[str] = set()
    stack = [d for d in includes if d not in included]
    while True:
        while stack:
            d = stack.pop()
            if d not in reached:
                reached.add(d)
                stack.extend(includes.get(d, ()))
        ring = [d for d in includes if d not in reached]
        if not ring:
            break
        included.discard(ring[0])
        stack.append(ring[0])
    return included


def lint_paths(paths: Sequence[str], **kwargs: Any) -> LintResult:
    """Library shorthand: ``lint_paths(["infra/"])``, keyword arguments as LintRequest's."""
    return lint(LintRequest(paths=tuple(paths), **kwargs))


@dataclass
class _Unit:
    stored: StoredUnit  # what its source's cache entry keeps of it: kind, path, facts, result
    source: Source  # its source's entry: (directory kind, directory) or ("document", path)


class _Run:
    def __init__(
        self,
        request: LintRequest,
        skip: frozenset[str],
        progress: ProgressSink | None,
        roots: tuple[str, ...] = (),
    ) -> None:
        self.request = request
        self.skip = skip
        self.progress = progress
        self.inputs = Inputs(
            request.variables, request.workspace, request.parameters, request.nested_templates
        )
        self.cache = UnitCache(request, skip, roots)
        self.unit_seconds = UNIT_SECONDS  # read here: a test may lower the module constant
        self.entries: dict[Source, Entry | None] = {}
        self.sources: dict[Source, object] = {}  # directory sources read in this run

    def run(self, found: discover.Scan) -> LintResult:
        for kind in DIRECTORY_KINDS:
            for d in found.dirs[kind.name]:
                self.entries[kind.name, d] = self.cache.lookup(kind.name, d)
        for p in found.documents:
            self.entries[DOCUMENT, p] = self.cache.lookup(DOCUMENT, p)
        self._parse_ahead(found)
        units: list[_Unit] = []
        total = sum(len(found.dirs[k.name]) for k in DIRECTORY_KINDS)
        if self.progress is not None:
            self.progress.start(total)
        try:
            for kind in DIRECTORY_KINDS:
                for d in found.dirs[kind.name]:
                    self._directory_entry(kind, d)
                    if self.progress is not None:
                        self.progress.step(d)
            # A source another source of its kind calls, or another kind's source uses (a Terragrunt
            # unit's module), is analysed through that source only.
            used = {
                k.name: {
                    os.path.join(d, u) for d in found.dirs[k.name] for u in self._directory_entry(k, d).uses
                }
                for k in DIRECTORY_KINDS
            }
            for kind in DIRECTORY_KINDS:
                dirs = found.dirs[kind.name]
                calls = {d: [os.path.join(d, c) for c in self._directory_entry(kind, d).calls] for d in dirs}
                # Another kind's use stands for a call from outside this kind's directories.
                calls[""] = [p for name, paths in used.items() if name != kind.name for p in paths]
                for root in discover.roots(dirs, calls):
                    units.extend(self._directory_units(kind, root))
        finally:
            if self.progress is not None:
                self.progress.done()
        unclaimed: list[str] = []
        for path in found.documents:
            document_units = self._document_units(path)
            units.extend(document_units)
            if not document_units:
                unclaimed.append(path)
        # A file read as part of another unit (a nested stack's template) is analysed as part of
        # it, not on its own (alone, the values its parent passes are missing).
        dropped = _included_documents(units)
        if dropped:
            units = [
                u for u in units if u.source[0] != DOCUMENT or os.path.realpath(u.stored.path) not in dropped
            ]
        _refuse_undeclared_vars(self.request, [u.stored.facts for u in units])
        linking = [u for u in units if u.stored.kind in LINKING]
        linked_facts = link_across_units([u.stored.facts for u in linking])
        with_pools = link_node_pools([linked_facts.get(i, u.stored.facts) for i, u in enumerate(linking)])
        linked = {id(linking[i]): facts for i, facts in {**linked_facts, **with_pools}.items()}
        results = [self._result(u, linked.get(id(u))) for u in units]
        self.cache.flush()
        # Files of languages not read are always named (they may declare clusters); YAML/JSON that
        # no kind claimed only when nothing was checked: beside a checked module, package.json and
        # docker-compose.yml are noise, but in a run that read nothing they explain the silence.
        documents = [] if results else [(not_read_files.document_sort(p), p) for p in unclaimed]
        not_read = not_read_files.group([*found.unread, *documents])
        return LintResult(tuple(_qualify_branches(results)), not_read=not_read)

    def _parse_ahead(self, found: discover.Scan) -> None:
        """Parse the files of the sources to compute in worker processes first (prefetch)."""
        todo_dirs = [
            (k, d) for k in DIRECTORY_KINDS for d in found.dirs[k.name] if self.entries[k.name, d] is None
        ]
        todo_documents = [p for p in found.documents if self.entries[DOCUMENT, p] is None]
        if not (todo_dirs or todo_documents) or not prefetch.wanted(self.request.jobs):
            return  # listing the files to parse ahead costs reads of its own
        pairs = [pair for k, d in todo_dirs for pair in k.ahead(d)]
        pairs += [pair for p in todo_documents for k in DOCUMENT_KINDS for pair in k.ahead(p)]
        hcl = [f for parser, f in pairs if parser == AHEAD_HCL]
        prefetch.warm(hcl, [f for parser, f in pairs if parser != AHEAD_HCL], self.request.jobs)

    def _directory_entry(self, kind: DirectoryKind, directory: str) -> Entry:
        """The source's entry; computed (its calls) when none was stored or it no longer holds."""
        key: Source = (kind.name, directory)
        entry = self.entries[key]
        if entry is None:
            entry = Entry(log=[])
            try:
                with fs.recording(entry.log), time_budget(self.unit_seconds):
                    self.sources[key] = kind.read(directory)
            except TimeBudgetExceeded as exc:
                return self._out_of_time(key, kind.name, directory, exc)
            entry.calls = kind.calls(self.sources[key])
            entry.uses = kind.uses(self.sources[key])
            self._keep(key, entry)
        return entry

    def _out_of_time(self, key: Source, kind: str, path: str, exc: TimeBudgetExceeded) -> Entry:
        """The unit as an EKSIP000 naming the budget. Not kept in the cache: how long a unit takes
        depends on the machine, and the next run on a faster or idler one should try again."""
        facts = Facts(unit=path)
        facts.problems.append(
            InputProblem(f"analysis {exc}; this unit was not analysed", SourceSpan(path, 1))
        )
        entry = Entry(log=[], units=[StoredUnit(kind, path, facts)])
        self.entries[key] = entry
        return entry

    def _directory_units(self, kind: DirectoryKind, directory: str) -> list[_Unit]:
        key: Source = (kind.name, directory)
        entry = self._directory_entry(kind, directory)
        if entry.units is None:  # computed as a called source only, so far
            try:
                with fs.recording(entry.log), time_budget(self.unit_seconds):
                    source = self.sources[key] if key in self.sources else kind.read(directory)
                    facts = kind.facts(source, self.inputs)
            except TimeBudgetExceeded as exc:
                entry = self._out_of_time(key, kind.name, directory, exc)
                return [_Unit(s, key) for s in entry.units or []]
            entry.units = [StoredUnit(kind.name, directory, f) for f in facts]
            self._keep(key, entry)
        return [_Unit(s, key) for s in entry.units]

    def _document_units(self, path: str) -> list[_Unit]:
        key: Source = (DOCUMENT, path)
        entry = self.entries[key]
        if entry is None:
            entry = Entry(log=[])
            entry.units = []
            with fs.recording(entry.log):
                for kind in DOCUMENT_KINDS:  # the first kind that recognises the file reads it
                    facts = kind.read(path, self.inputs)
                    if facts is not None:
                        entry.units = [StoredUnit(kind.name, path, f) for f in facts]
                        break
            # No kind: YAML/JSON that is neither a plan, a template nor a ClusterConfig, so not ours.
            self._keep(key, entry)
        return [_Unit(s, key) for s in entry.units or []]

    def _result(self, unit: _Unit, linked: Facts | None) -> UnitResult:
        """The stored result when it holds; else analysed, and kept when it depends on this unit
        alone (not on an add-on of another unit linked to it)."""
        stored = unit.stored
        if linked is None and stored.result is not None:
            return stored.result
        from eks_ip_lint.rules.runner import run_rules  # noqa: PLC0415 -- not imported by a cached run

        capacity = analyse(linked or stored.facts, self.request.options)
        findings = run_rules(capacity, self.request.options, self.skip)
        result = UnitResult(stored.kind, stored.path, capacity, tuple(findings))
        if linked is None:
            stored.result = result
            entry = self.entries[unit.source]
            assert entry is not None
            self._keep(unit.source, entry)
        return result

    def _keep(self, source: Source, entry: Entry) -> None:
        """A new or changed entry: the run's from now on, and written at the end (cache.flush)."""
        self.entries[source] = entry
        self.cache.store(*source, entry)


def _refuse_undeclared_vars(request: LintRequest, facts: list[Facts]) -> None:
    """A --var that no Terraform unit of the run declares is refused, as Terraform refuses it
    ("Value for undeclared variable"). One root module not declaring it is not enough: in a run
    over several root modules, a --var is usually meant for one of them."""
    declaring = [f.undeclared_vars for f in facts if f.undeclared_vars is not None]
    if not declaring or not request.variables.vars:
        return
    for name, _ in request.variables.vars:
        if all(name in undeclared for undeclared in declaring):
            where = (
                "the root module does not"
                if len(declaring) == 1
                else f"none of the {len(declaring)} root modules"
            )
            raise UsageError(
                f'--var {name}: {where} declare a variable "{name}" '
                "(Terraform refuses it: Value for undeclared variable)"
            )


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
