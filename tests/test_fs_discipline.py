"""While a unit is computed, the file system is touched only through ``sources/fs``.

This is what makes the unit cache sound (``unit_cache``): an entry is served when every question
in its log gets the same answer again, so a read that bypasses ``fs`` would be a dependency the
cache does not know about. Every fixture and the seed example are analysed (with local modules,
``file()``/``templatefile()``, tfvars, a ``.terraform/modules`` manifest, nested stacks, plans,
ClusterConfigs) under a Python audit hook (``open``, ``os.listdir``, ``os.scandir``) and with
``os.stat``/``os.lstat`` wrapped (``isfile``, ``isdir``, ``exists``, ``realpath``, ``getsize``
all go through them); any access to a file of the scanned tree while a recording is open and
``fs`` is not the one asking fails the test.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.sources import fs

from testlib import FIXTURES, SEED


class _Watch:
    def __init__(self, tree: str) -> None:
        self.tree = tree + os.sep
        self.on = False
        self.inside_fs = 0
        self.bypasses: list[tuple[str, str]] = []

    def note(self, event: str, path: object) -> None:
        if not self.on or self.inside_fs or not fs.recording_now():
            return
        if isinstance(path, int):  # os.stat(fd), fstat: a file already opened
            return
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        full = os.path.abspath(os.fspath(path))  # type: ignore[arg-type]
        if (full + os.sep).startswith(self.tree):
            self.bypasses.append((event, full))


_watch: _Watch | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Audit hooks cannot be removed: this one does nothing unless a test has switched it on.
    if _watch is not None and event in ("open", "os.listdir", "os.scandir") and args:
        _watch.note(event, args[0])


sys.addaudithook(_audit)


@pytest.fixture
def watch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[_Watch]:
    global _watch  # noqa: PLW0603 -- the audit hook's switch
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES, tree / "fixtures", symlinks=True)
    shutil.copytree(SEED, tree / "seed-cluster", symlinks=True)
    monkeypatch.setenv("EKS_IP_LINT_CACHE_DIR", str(tmp_path / "cache"))  # outside the tree
    w = _Watch(str(tree))

    def counting(inner: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            w.inside_fs += 1
            try:
                return inner(*args, **kwargs)
            finally:
                w.inside_fs -= 1

        return wrapped

    monkeypatch.setattr(fs, "_read", counting(fs._read))
    monkeypatch.setattr(fs, "_ask", counting(fs._ask))
    for name in ("stat", "lstat"):
        real = getattr(os, name)

        def stat(path: Any, *args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            w.note(f"os.{_name}", path)
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(os, name, stat)
    _watch = w
    try:
        yield w
    finally:
        _watch = None


def test_units_read_files_only_through_fs(watch: _Watch) -> None:
    tree = watch.tree.rstrip(os.sep)
    watch.on = True
    cold = lint(LintRequest(paths=(tree,)))
    watch.on = False
    assert watch.bypasses == []
    # The run did compute units (under recording), so the check above was not vacuous.
    assert sum(len(u.capacity.facts.clusters) for u in cold.units) > 20
    # terraform, terragrunt, cloudformation, eksctl, plan, kubernetes-manifests
    assert len({u.kind for u in cold.units}) == 6


def test_the_watch_catches_a_read_that_bypasses_fs(watch: _Watch) -> None:
    """The check itself: a direct read of a tree file during a recording is caught."""
    target = os.path.join(watch.tree, "seed-cluster", "main.tf")
    watch.on = True
    with fs.recording([]):
        with open(target, "rb"):
            pass
        os.path.isfile(target)
        os.listdir(os.path.dirname(target))
        fs.read(target, 100)  # through fs: not a bypass
    watch.on = False
    assert [event for event, _ in watch.bypasses] == ["open", "os.stat", "os.listdir"]
