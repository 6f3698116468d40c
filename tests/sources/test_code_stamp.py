"""The code stamp that keys the caches is the installed code's content (issue 18 item 8): a
reinstall of the same version, or the same files in a fresh virtual environment (a CI cache
restored into it), has the same stamp; a changed file has another."""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
from base64 import urlsafe_b64encode
from pathlib import Path

import pytest

from eks_ip_lint.sources import parse_cache


def _install(site: Path, body: str) -> None:
    """A distribution ``demo_dist`` with the import package ``demo_pkg``, as pip lays it out."""
    pkg = site / "demo_pkg"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text(body)
    (pkg / ".lark_cache.bin").write_bytes(b"written at run time")  # not in RECORD
    digest = urlsafe_b64encode(hashlib.sha256(body.encode()).digest()).rstrip(b"=").decode()
    info = site / "demo_dist-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "RECORD").write_text(
        f"demo_pkg/__init__.py,sha256={digest},{len(body)}\n"
        "demo_pkg/__pycache__/__init__.cpython-311.pyc,,\n"
        f"demo_dist-1.0.dist-info/direct_url.json,sha256=differs-per-install-{time.time_ns()},10\n"
        "demo_dist-1.0.dist-info/RECORD,,\n"
    )


def _stamp(site: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    monkeypatch.setitem(parse_cache.DISTRIBUTIONS, "demo_pkg", "demo_dist")
    parse_cache._dist_infos.cache_clear()
    parse_cache._record_lines.cache_clear()
    sys.modules.pop("demo_pkg", None)
    import importlib

    importlib.invalidate_caches()
    stamp = parse_cache.installed_stamp("demo_pkg", "")
    monkeypatch.undo()
    return stamp


def test_same_files_in_another_environment_have_the_same_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tmp_path / "venv1" / "site-packages"
    _install(first, "X = 1\n")
    stamp = _stamp(first, monkeypatch)
    assert b":record\0" in stamp  # taken from RECORD, by content

    second = tmp_path / "venv2" / "site-packages"  # a fresh venv, installed later: new mtimes
    time.sleep(0.01)
    _install(second, "X = 1\n")
    assert _stamp(second, monkeypatch) == stamp

    restored = tmp_path / "restored" / "site-packages"
    shutil.copytree(first, restored)  # a cache restored with the files it was made with
    assert _stamp(restored, monkeypatch) == stamp


def test_a_changed_file_changes_the_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site-packages"
    _install(site, "X = 1\n")
    before = _stamp(site, monkeypatch)
    _install(site, "X = 2\n")
    assert _stamp(site, monkeypatch) != before


def test_without_a_record_the_stamp_is_of_names_sizes_and_mtimes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editable install: its RECORD lists no file of the package."""
    site = tmp_path / "site-packages"
    _install(site, "X = 1\n")
    (site / "demo_dist-1.0.dist-info" / "RECORD").write_text("__editable__.demo.pth,sha256=abc,10\n")
    stamp = _stamp(site, monkeypatch)
    assert b"__init__.py:6:" in stamp
    assert b".lark_cache.bin" not in stamp  # what a package writes beside itself is not its code
