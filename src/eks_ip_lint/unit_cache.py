"""Results of units kept between runs, served only while every answer they rest on still holds.

What a unit's result (facts, capacity, findings) depends on:

- the code that computes it: this package, python-hcl2 and lark, cfn-lint's decoder, PyYAML
  and the Python version. Their stamp (the sha256 of every installed file as the installer's
  RECORD lists it, or the name, size and mtime of each file of an editable install, as for the
  parse cache) is part of the key, so an upgrade or an edit of an editable install misses, and a
  reinstall of the same version or a CI cache restored into a fresh virtual environment hits;
- the request: variables, options, workspace, CloudFormation parameters, nested templates, the
  rules switched off, the working directory and the unit's path as named (findings print it).
  Also part of the key;
- what the file system answered while it was computed: listings, file contents, whether a
  module directory or a file exists, where a symlink leads. These are the entry's log
  (:mod:`eks_ip_lint.sources.fs`), every question of which is asked again, in the run that
  would use the entry, before it is served (:func:`fs.check`).

Why a log and not a key made of file contents: which files a unit reads is known only by
computing it (its local modules, ``file()`` and ``templatefile()``, nested stack templates,
``terraform.tfvars``, a ``.terraform/modules`` manifest, a file that appears in a module
directory). Logging the questions the analysis asks finds all of them, and a test holds every
reader to asking through ``fs`` (``tests/test_fs_discipline.py``).

One entry per source, a directory of a directory kind or a document, by its kind and path (entries are packed per
folder, see :class:`UnitCache`):

- ``calls``: the literal local sources its module blocks name, which decide every run which
  modules are roots;
- ``units``: its units, each with its own facts and its analysed result, or with no result when
  another unit's CNI add-on was applied to it (``facts.linking.link_across_units`` runs every time,
  across all units, from the stored facts, so a result that depended on another unit is never
  stored); None for a module that was only ever called by another, never analysed on its own.

Entries live beside the parse cache's and are switched off with it (``--no-cache``,
``EKS_IP_LINT_NO_CACHE=1``). A source's entry is replaced when the source changes and dropped
when it is deleted, so entries do not pile up; a request with other options or variables keeps
packs of its own.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eks_ip_lint import __version__
from eks_ip_lint.sources import fs, parse_cache

if TYPE_CHECKING:
    from eks_ip_lint.facts.model import Facts
    from eks_ip_lint.results import LintRequest, UnitResult

# The folder of the cache directory that holds these entries.
AREA = "units"
# Bump when Entry's stored layout changes in a way the code stamp would not catch (3: data-only
# entries, sources/cache_codec.py, instead of pickles).
FORMAT = 3
# The installed code a result depends on (package, part of its directory; see the parse cache).
_CODE = (
    ("eks_ip_lint", ""),
    ("hcl2", ""),
    ("lark", ""),
    ("cfnlint", "decode"),
    ("cfnlint", "version.py"),
    ("yaml", ""),
)


@dataclass
class StoredUnit:
    kind: str
    path: str
    # Its own facts, before linking and before analysis: what the next run links from. Not the
    # facts in result.capacity, to which the analysis adds its notes.
    facts: Facts
    # Analysed, before branch qualification; None when linking changed the unit (then the result
    # depended on another unit) or it was not analysed (a nested template included by another).
    result: UnitResult | None = None


@dataclass
class Entry:
    log: list[fs.Op]
    calls: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()  # other kinds' sources analysed through this one (DirectoryKind.uses)
    units: list[StoredUnit] | None = None


# The kind name of a document source's key: its kind is known only once it is read.
DOCUMENT = "document"
Source = tuple[str, str]  # (directory kind, directory) or (DOCUMENT, path)


class UnitCache:
    """The entries of one run's request, kept in one pack per folder that holds sources (the
    parent of a module directory or a document): a cold run of a monorepo writes a few dozen
    files rather than one per source (creating a file costs ~0.5-1 ms on slow disks), a warm one
    opens as few, and the number of packs stays bounded by the folders of the tree.

    Disabled, it finds nothing and stores nothing. Call :meth:`flush` at the end of the run.
    """

    def __init__(
        self, request: LintRequest, skip: frozenset[str] = frozenset(), roots: tuple[str, ...] = ()
    ) -> None:
        self.enabled = parse_cache.enabled()
        self._prefix = _salt() + _request_digest(request, skip, roots) if self.enabled else b""
        self._packs: dict[str, dict[Source, Entry]] = {}
        self._seen: set[Source] = set()
        self._dirty: set[str] = set()

    def lookup(self, kind: str, path: str) -> Entry | None:
        """The stored entry of a source, if every answer in its log still holds."""
        if not self.enabled:
            return None
        self._seen.add((kind, path))
        parent = os.path.dirname(path)
        stored = self._pack(parent).get((kind, path))
        if not isinstance(stored, Entry):
            return None
        holds, refreshed = fs.check(stored.log)
        if not holds:
            return None
        if refreshed is not None:  # checked by content; stored with the stamps it has now
            stored.log = refreshed
            self._dirty.add(parent)
        return stored

    def store(self, kind: str, path: str, entry: Entry) -> None:
        """Keep ``entry``, new or changed since it was looked up (written by :meth:`flush`, so an
        entry still being filled in may be stored more than once)."""
        if self.enabled:
            self._seen.add((kind, path))
            parent = os.path.dirname(path)
            self._pack(parent)[kind, path] = entry
            self._dirty.add(parent)

    def flush(self) -> None:
        """Write the packs that changed. Entries of sources this run did not look at stay (a run
        over part of a folder keeps the rest), unless the source is gone."""
        for parent, pack in self._packs.items():
            gone = [s for s in pack if s not in self._seen and not os.path.exists(s[1])]
            for source in gone:
                del pack[source]
            if gone or parent in self._dirty:
                for entry in pack.values():
                    entry.log = list(dict.fromkeys(entry.log))  # a question asked twice is checked once
                parse_cache.store(parse_cache.entry(self._key(parent), area=AREA), pack)
        self._dirty.clear()

    def _pack(self, parent: str) -> dict[Source, Entry]:
        if parent not in self._packs:
            stored = parse_cache.load(parse_cache.entry(self._key(parent), area=AREA))
            self._packs[parent] = stored if _is_pack(stored) else {}  # type: ignore[assignment]
        return self._packs[parent]

    def _key(self, parent: str) -> str:
        return hashlib.sha256(self._prefix + f"\0{parent}".encode("utf-8", "surrogatepass")).hexdigest()


def _is_pack(stored: object) -> bool:
    """Whether a decoded pack has the shape :meth:`UnitCache.flush` writes (its records were
    checked field by field when they were rebuilt; this checks what their annotations leave
    open: the keys and the log's questions)."""
    if not isinstance(stored, dict):
        return False
    for source, entry in stored.items():
        if not (isinstance(source, tuple) and len(source) == 2 and all(isinstance(s, str) for s in source)):
            return False
        if not isinstance(entry, Entry) or not all(_is_op(op) for op in entry.log):
            return False
    return True


def _is_op(op: object) -> bool:
    if not (isinstance(op, tuple) and len(op) == 3):
        return False
    question, digest, stamp = op
    return (
        isinstance(question, tuple)
        and len(question) == 3
        and isinstance(question[0], str)
        and isinstance(question[1], str)
        and type(question[2]) is int
        and isinstance(digest, bytes)
        and (stamp is None or (isinstance(stamp, tuple) and all(type(n) is int for n in stamp)))
    )


_salt_memo: list[bytes] = []


def _salt() -> bytes:
    if not _salt_memo:
        h = hashlib.sha256(f"eks-ip-lint-units\0{FORMAT}\0{__version__}\0{sys.version}\0".encode())
        for package, part in _CODE:
            h.update(parse_cache.installed_stamp(package, part))
        _salt_memo.append(h.digest())
    return _salt_memo[0]


def _request_digest(request: LintRequest, skip: frozenset[str], roots: tuple[str, ...] = ()) -> bytes:
    """Everything of the request besides the paths that shapes a unit's result, and the rules
    that do not run. ``jobs`` and ``use_cache`` do not."""
    shaping: tuple[object, ...] = (
        os.getcwd(),
        request.variables,
        request.options,
        request.workspace,
        sorted(request.parameters.items()),
        sorted(request.nested_templates.items()),
    )
    if skip:  # added only when set: the keys of runs with every rule are unchanged
        shaping += (sorted(skip),)
    if roots:  # what may be read (fs.confine): a file outside them reads as not there
        shaping += (sorted(roots),)
    return hashlib.sha256(repr(shaping).encode("utf-8", "surrogatepass")).digest()
