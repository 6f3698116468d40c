"""Where Terragrunt looks for files: parent folders, the repository root, the scanned tree.

Terragrunt works with absolute paths (``find_in_parent_folders`` returns one); so do the values
here. The paths the rest of eks-ip-lint shows (spans, module directories) keep the form the user
named the unit in: :func:`shown` maps an absolute path back to it.
"""

from __future__ import annotations

import os

from eks_ip_lint.sources import fs

CONFIG_NAME = "terragrunt.hcl"
# Terragrunt's own bound on parent folders searched (its --terragrunt-max-folders-to-check default).
MAX_FOLDERS_TO_CHECK = 100


def find_in_parent_folders(start_config: str, name: str) -> str | None:
    """The first ``name`` in a folder above the directory of ``start_config`` (Terragrunt starts at
    the parent of the configuration's own directory), as an absolute path; None when none."""
    previous = os.path.dirname(os.path.abspath(start_config))
    for _ in range(MAX_FOLDERS_TO_CHECK):
        current = os.path.dirname(previous)
        if current == previous:
            return None
        candidate = os.path.join(current, name)
        if fs.isfile(candidate):
            return candidate
        previous = current
    return None


def repo_root(start: str) -> str | None:
    """The nearest directory at or above ``start`` holding ``.git`` (a directory or a worktree's
    file), absolute; None outside a repository."""
    current = os.path.abspath(start)
    for _ in range(MAX_FOLDERS_TO_CHECK):
        if fs.isdir(os.path.join(current, ".git")) or fs.isfile(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
    return None


def inside(path: str, tree: str) -> bool:
    """Whether absolute ``path`` is ``tree`` or below it (lexically: dependencies name folders)."""
    path, tree = os.path.normpath(path), os.path.normpath(tree)
    return path == tree or path.startswith(tree.rstrip(os.sep) + os.sep)


def shown(path: str, like: str) -> str:
    """``path`` (absolute) in the form the user named ``like`` in: relative to the working
    directory when ``like`` is relative, absolute otherwise."""
    if os.path.isabs(like):
        return os.path.normpath(path)
    return os.path.relpath(path)
