"""Paths as the repository names them: what reports print and what baselines compare.

A leaf module: the baseline (policy) and the reporters both need it, and neither may import the
other.
"""

from __future__ import annotations

import os
import posixpath


def repo_path(path: str, cwd: str | None = None) -> str:
    """``path`` as a POSIX path relative to ``cwd`` (default: the current directory) when it is
    inside it, else absolute.

    CI tools name files relative to the checkout, and the linter runs from the checkout's root,
    so a file the user named as ``/home/runner/work/r/r/infra/main.tf`` or ``./infra/main.tf``
    becomes ``infra/main.tf``. A path outside ``cwd`` stays absolute rather than ``../x``, which
    no code-scanning tool could place.
    """
    base = os.path.abspath(cwd if cwd is not None else os.getcwd())
    full = os.path.normpath(os.path.join(base, path))
    try:
        rel = os.path.relpath(full, base)
    except ValueError:  # Windows: another drive
        rel = None
    if rel is None or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return full.replace(os.sep, "/")
    return posixpath.normpath(rel.replace(os.sep, "/"))
