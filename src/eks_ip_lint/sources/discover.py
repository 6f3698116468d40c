"""Which units to analyse: Terraform root modules found below the paths the user named.

A directory with ``.tf`` files is a module. It is a *root* module, analysed on its own, unless
another module in the scanned tree calls it as a local module (``source = "./modules/x"``):
such a module only means something with its caller's inputs. ``.terraform/`` (downloaded
modules and providers) and hidden directories are never entered.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from eks_ip_lint.errors import UsageError

SKIP_DIRS = frozenset({".terraform", ".git", "node_modules", "__pycache__", ".terragrunt-cache"})
# Files that may be a CloudFormation template (YAML, JSON, CDK output) or an eksctl ClusterConfig;
# whether one is, is decided by its content, not its name.
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json", ".template")
TERRAFORM_SUFFIXES = (".tf", ".tfvars", ".tf.json", ".tfvars.json")
# Terraform's own JSON files are never templates.
NOT_DOCUMENTS = (".tfvars.json", ".tf.json", ".tfstate")


@dataclass(frozen=True)
class Unit:
    kind: str  # "terraform"
    path: str  # the module directory, as the user named it (relative stays relative)


def _dirs(root: str) -> Iterator[tuple[str, list[os.DirEntry[str]]]]:
    """Every directory below ``root`` with its entries, without following symlinked directories
    (a symlink loop must not hang the scan) and without entering SKIP_DIRS or hidden ones."""
    stack = [root]
    seen: set[tuple[int, int]] = set()
    while stack:
        d = stack.pop()
        try:
            st = os.stat(d)
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
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
    dirs: list[str]  # module directories (with .tf files), in the order found
    documents: list[str]  # YAML/JSON files that may be templates or ClusterConfigs


def scan(paths: Iterable[str]) -> Scan:
    """Module directories and candidate documents under the given paths, in one walk of the tree.

    A Terraform file named explicitly stands for its module; any other file named explicitly is
    a document candidate (the loaders decide from its content).
    """
    dirs: list[str] = []
    documents: list[str] = []
    seen_dirs: set[str] = set()
    seen_documents: set[str] = set()

    def add(out: list[str], seen: set[str], item: str) -> None:
        if item not in seen:
            seen.add(item)
            out.append(item)

    for p in paths:
        if not os.path.exists(p):
            raise UsageError(f"{p}: no such file or directory")
        if os.path.isfile(p):
            if p.endswith(TERRAFORM_SUFFIXES):
                add(dirs, seen_dirs, os.path.dirname(p) or ".")
            elif not p.endswith((".tfvars", *NOT_DOCUMENTS)):
                add(documents, seen_documents, p)
            continue
        for d, entries in _dirs(p):
            files = [e for e in entries if _is_file(e)]
            if any(e.name.endswith(".tf") for e in files):
                add(dirs, seen_dirs, d)
            for e in files:
                if _is_document(e.name):
                    add(documents, seen_documents, e.path)
    return Scan(dirs, documents)


def root_units(dirs: list[str], called: Iterable[str]) -> list[Unit]:
    """Drop directories that another scanned module calls as a local module (``called``: the
    called directories, however named). The same directory is the same device and inode: one
    stat per directory, where resolving every path took a stat per path component."""
    targets = {i for i in map(_identity, called) if i is not None}
    if not targets:
        return [Unit("terraform", d) for d in dirs]
    return [Unit("terraform", d) for d in dirs if _identity(d) not in targets]


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
