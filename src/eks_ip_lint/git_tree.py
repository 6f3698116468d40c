"""The repository's tree at a git ref, exported to a temporary directory (``--compare-to REF``).

Nothing of the user's checkout is touched: the ref's tree is read into a temporary index file
(``GIT_INDEX_FILE``, so the checkout's own index stays as it is) and written out with
``git checkout-index --prefix``, git's documented way to export a tree. No worktree is
registered, no ref or config written, and the directory is removed afterwards. The export is the
committed tree only: untracked and ignored files (a git-ignored ``terraform.tfvars``) are not in
it.

A ref the clone does not have is a usage error that says how to fetch it, with the shallow-clone
advice when the clone is shallow (the default of ``actions/checkout``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from eks_ip_lint.errors import UsageError


@dataclass(frozen=True)
class TreeAtRef:
    ref: str  # as the user gave it
    commit: str  # the full commit ID it names
    repo_root: str  # the checkout's top-level directory (absolute, real path)
    root: str  # where the ref's tree was exported (absolute)

    def map_path(self, path: str, *, cwd: str | None = None) -> str | None:
        """``path`` (relative to ``cwd`` or absolute) as it is in the exported tree.

        A path outside the repository is returned as it is (both sides read the same file); one
        inside that the ref does not have is None.
        """
        full = os.path.realpath(os.path.join(cwd or os.getcwd(), path))
        rel = os.path.relpath(full, self.repo_root)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            return path
        mapped = os.path.normpath(os.path.join(self.root, rel))
        return mapped if os.path.exists(mapped) else None

    def map_cwd(self, cwd: str | None = None) -> str:
        """The exported tree's counterpart of the current directory (created when the ref lacks it,
        so relative paths resolve the same way on both sides)."""
        full = os.path.realpath(cwd or os.getcwd())
        rel = os.path.relpath(full, self.repo_root)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            return self.root
        mapped = os.path.normpath(os.path.join(self.root, rel))
        os.makedirs(mapped, exist_ok=True)
        return mapped


def _git(args: list[str], cwd: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600
        )
    except FileNotFoundError:
        raise UsageError("--compare-to needs git, which is not on PATH") from None


def resolve(ref: str, cwd: str | None = None) -> tuple[str, str]:
    """(repository root, commit) of ``ref`` in the repository holding ``cwd``."""
    cwd = cwd or os.getcwd()
    if not ref or ref.startswith("-"):
        raise UsageError(f"--compare-to {ref!r}: not a git ref")
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise UsageError(f"--compare-to {ref}: the current directory is not in a git repository")
    root = os.path.realpath(top.stdout.strip())
    found = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], root)
    if found.returncode != 0:
        shallow = _git(["rev-parse", "--is-shallow-repository"], root).stdout.strip() == "true"
        advice = f"fetch it first: git fetch origin {ref}"
        if shallow:
            advice += (
                " (this clone is shallow: in GitHub Actions give actions/checkout `fetch-depth: 0`, "
                "or run `git fetch origin BASE` for the pull request's base commit)"
            )
        raise UsageError(f"--compare-to {ref}: this clone does not have {ref}; {advice}")
    return root, found.stdout.strip()


@contextmanager
def tree_at(ref: str, cwd: str | None = None) -> Iterator[TreeAtRef]:
    """The tree of ``ref``, exported to a temporary directory for the ``with`` block."""
    root, commit = resolve(ref, cwd)
    scratch = tempfile.mkdtemp(prefix="eks-ip-lint-ref-")
    try:
        export = os.path.join(os.path.realpath(scratch), "tree")
        os.mkdir(export)
        env = dict(os.environ, GIT_INDEX_FILE=os.path.join(scratch, "index"))
        for args in (["read-tree", commit], ["checkout-index", "--all", "--force", f"--prefix={export}/"]):
            done = _git(args, root, env)
            if done.returncode != 0:
                raise UsageError(f"--compare-to {ref}: git {args[0]} failed: {done.stderr.strip()}")
        yield TreeAtRef(ref=ref, commit=commit, repo_root=root, root=export)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
