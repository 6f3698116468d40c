"""Which sources to read: directories of a directory kind and candidate documents, in one walk.

A directory holding a file with one of a directory kind's markers (``.tf`` for a Terraform
module) is a source of that kind. It is a *root*, analysed on its own, unless another source of
the scanned tree calls it (``source = "./modules/x"``): such a module only means something with
its caller's inputs. Every other YAML/JSON file is a candidate document, whose kind its content
decides. Which markers exist is the unit-kind registry's to say (:mod:`eks_ip_lint.kinds`); this
module only walks. ``.terraform/`` (downloaded modules and providers) and hidden directories are
never entered.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from eks_ip_lint.errors import UsageError
from eks_ip_lint.sources.not_read import unread_language

SKIP_DIRS = frozenset({".terraform", ".git", "node_modules", "__pycache__", ".terragrunt-cache"})
# Files that may be a CloudFormation template (YAML, JSON, CDK output) or an eksctl ClusterConfig;
# whether one is, is decided by its content, not its name.
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json", ".template")
# Terraform's and OpenTofu's own JSON files are never templates.
NOT_DOCUMENTS = (".tfvars.json", ".tf.json", ".tofu.json", ".tfstate")


@dataclass(frozen=True)
class Markers:
    """What makes a directory a source of a directory kind."""

    # A directory holding a file whose name ends so is a source.
    markers: tuple[str, ...]
    # A file named on the command line that ends so stands for its directory (or, with users, for
    # the sources that read it).
    members: tuple[str, ...]
    # The source directories that read files named on the command line (DirectoryKind.users).
    users: Callable[[Sequence[str]], list[str]] | None = None
    # Other files named on the command line whose users are looked for (a module's .tf files).
    user_suffixes: tuple[str, ...] = ()


# What a directory the walk cannot list is reported as (sources/not_read.py groups by these words).
UNLISTED = (
    "director(ies) that cannot be listed (no permission, or a path too long): nothing below them was checked"
)


def _dirs(root: str, unlisted: list[tuple[str, str]]) -> Iterator[tuple[str, list[os.DirEntry[str]]]]:
    """Every directory below ``root`` with its entries, without following symlinked directories
    (a symlink loop must not hang the scan) and without entering SKIP_DIRS or hidden ones. A
    directory that cannot be listed is added to ``unlisted`` (the run says so: skipped silently,
    its modules would look checked)."""
    stack = [root]
    seen: set[tuple[int, int]] = set()
    while stack:
        d = stack.pop()
        try:
            st = os.stat(d)
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
            unlisted.append((UNLISTED, d))
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        yield d, entries
        for e in reversed(entries):
            if e.is_dir(follow_symlinks=False) and e.name not in SKIP_DIRS and not e.name.startswith("."):
                stack.append(e.path)


@dataclass(frozen=True)
class Scan:
    # Per directory kind: its source directories, in the order found.
    dirs: dict[str, list[str]]
    documents: list[str]  # YAML/JSON files that may be templates, plans or ClusterConfigs
    # Files of infrastructure languages that are not read: (what they are, path), for the report.
    unread: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def scan(paths: Iterable[str], kinds: Mapping[str, Markers]) -> Scan:
    """Source directories of each kind and candidate documents under the given paths, in one
    walk of the tree.

    A file of a directory kind named explicitly stands for its directory; any other file named
    explicitly is a document candidate (the loaders decide from its content).
    """
    dirs: dict[str, list[str]] = {kind: [] for kind in kinds}
    documents: list[str] = []
    seen_dirs: dict[str, set[str]] = {kind: set() for kind in kinds}
    seen_documents: set[str] = set()
    members = tuple(s for m in kinds.values() for s in m.members)

    def add(out: list[str], seen: set[str], item: str) -> None:
        if item not in seen:
            seen.add(item)
            out.append(item)

    used_files: dict[str, list[str]] = {}  # per kind with users: the named files to look up
    unread: list[tuple[str, str]] = []
    for p in paths:
        if not os.path.exists(p):
            raise UsageError(f"{p}: no such file or directory")
        if os.path.isfile(p):
            owners = [k for k, m in kinds.items() if p.endswith(m.members)]
            for kind in owners:
                if kinds[kind].users is None:
                    add(dirs[kind], seen_dirs[kind], os.path.dirname(p) or ".")
            for kind, m in kinds.items():
                if m.users is not None and (
                    kind in owners or (m.user_suffixes and p.endswith(m.user_suffixes))
                ):
                    used_files.setdefault(kind, []).append(p)
            if not owners and not p.endswith((*members, *NOT_DOCUMENTS)):
                add(documents, seen_documents, p)
            continue
        for d, entries in _dirs(p, unread):
            files = [e for e in entries if _is_file(e)]
            for kind, m in kinds.items():
                if any(e.name.endswith(m.markers) for e in files):
                    add(dirs[kind], seen_dirs[kind], d)
            for e in files:
                if _is_document(e.name):
                    add(documents, seen_documents, e.path)
                elif (words := unread_language(e.name)) is not None:
                    unread.append((words, e.path))
    for kind, named in used_files.items():
        users = kinds[kind].users
        assert users is not None
        for d in users(named):
            add(dirs[kind], seen_dirs[kind], d)
    return Scan(dirs, documents, unread)


def roots(dirs: list[str], calls: Mapping[str, Iterable[str]]) -> list[str]:
    """The directories analysed on their own: those no other scanned source calls (``calls``:
    each directory's called directories, however named), as the user named them (relative stays
    relative). A directory that calls itself (``source = "./"``) is not called by another for
    that; of directories that only call each other in a ring, the first is a root, so that a
    cycle is analysed once (the evaluation reports the cycle) instead of never. The same
    directory is the same device and inode: one stat per directory."""
    ids = {d: _identity(d) for d in dirs}
    by_id = {i: d for d, i in ids.items() if i is not None}
    edges: dict[str, set[str]] = {d: set() for d in dirs}
    called: set[str] = set()
    external: list[str] = []  # called by a caller that is not one of ``dirs`` (another kind's source)
    for caller, targets in calls.items():
        for target in targets:
            t = by_id.get(_identity(target))  # type: ignore[arg-type]
            if t is None or t == caller:
                continue
            called.add(t)
            if caller in edges:
                edges[caller].add(t)
            else:
                external.append(t)
    out = [d for d in dirs if d not in called]
    reached: set[str] = set()
    stack = [*out, *external]
    while True:
        while stack:
            d = stack.pop()
            if d not in reached:
                reached.add(d)
                stack.extend(edges[d])
        rest = [d for d in dirs if d not in reached]
        if not rest:
            break
        out.append(rest[0])  # the first of a ring no root reaches
        stack.append(rest[0])
    return [d for d in dirs if d in set(out)]


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _is_file(entry: os.DirEntry[str]) -> bool:
    """A file, or a link that cannot be resolved (a symlink loop raises ELOOP): the reader then
    reports it with its name instead of the scan stopping."""
    try:
        return entry.is_file()
    except OSError:
        return entry.is_symlink()


def _is_document(name: str) -> bool:
    return name.endswith(DOCUMENT_SUFFIXES) and not name.endswith(NOT_DOCUMENTS)
