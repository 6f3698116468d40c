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


def _walk(root: str) -> Iterator[str]:
    """Directories below ``root`` (itself included) that contain .tf files."""
    for d, entries in _dirs(root):
        if any(e.name.endswith(".tf") and _is_file(e) for e in entries):
            yield d


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


def module_dirs(paths: Iterable[str]) -> list[str]:
    """Every module directory under the given paths (a file stands for its directory), in order."""
    out: list[str] = []
    for p in paths:
        if not os.path.exists(p):
            raise UsageError(f"{p}: no such file or directory")
        if os.path.isfile(p):
            # A Terraform file stands for its module; other files are documents (document_files).
            d = os.path.dirname(p) or "."
            if p.endswith(TERRAFORM_SUFFIXES) and d not in out:
                out.append(d)
            continue
        for d in _walk(p):
            if d not in out:
                out.append(d)
    return out


def root_units(dirs: list[str], called: set[str]) -> list[Unit]:
    """Drop directories that another scanned module calls as a local module."""
    return [Unit("terraform", d) for d in dirs if os.path.realpath(d) not in called]


def _is_file(entry: os.DirEntry[str]) -> bool:
    """A file, or a link that cannot be resolved (a symlink loop raises ELOOP): the reader then
    reports it with its name instead of the scan stopping."""
    try:
        return entry.is_file()
    except OSError:
        return entry.is_symlink()


def _is_document(name: str) -> bool:
    return name.endswith(DOCUMENT_SUFFIXES) and not name.endswith(NOT_DOCUMENTS)


def document_files(paths: Iterable[str]) -> list[str]:
    """YAML/JSON files under the paths that may be CloudFormation templates or eksctl configs.

    A file named explicitly is always a candidate; the loaders decide from its content.
    """
    out: list[str] = []
    for p in paths:
        if os.path.isfile(p):
            if not p.endswith(".tf") and not p.endswith((".tfvars", *NOT_DOCUMENTS)) and p not in out:
                out.append(p)
            continue
        if not os.path.isdir(p):
            continue
        for _, entries in _dirs(p):
            out.extend(e.path for e in entries if _is_file(e) and _is_document(e.name) and e.path not in out)
    return out
