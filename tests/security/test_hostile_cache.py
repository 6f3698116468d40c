"""Issue 18 item 1: whoever can put files in the cache directory cannot run code, hide a finding,
hang the run or exhaust its memory. Every run is a real command line in a subprocess, capped in
time and memory (``bounded_run``); the attacks are the issue's, each with the file it plants.
"""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import threading
from pathlib import Path

import pytest

from eks_ip_lint.sources import parse_cache

import bounded_run
from testlib import SEED

# The seed example's one finding (hand-checked in docs: 80 nodes x 60 warm IPs at 1 pod/node =
# 4,800 IPs over three /22 subnets of 1,019 usable IPs each, so 48 nodes fit): exit 1, EKSIP101.
FINDING = "EKSIP101"
# A module with a cluster and nothing that could run out of addresses: no finding.
BARE = 'resource "aws_eks_cluster" "other" {\n  name = "other"\n}\n'


class _Marker:
    """A pickle that, when loaded, creates a file: what an attacker's entry would run."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, ...]:
        return (os.mkdir, (self.path,))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / "repo" / "seed"
    shutil.copytree(SEED, target)
    return target


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(parse_cache.ENV_DIR, str(where))
    monkeypatch.delenv(parse_cache.ENV_DISABLE, raising=False)
    return where


def lint(tree: Path, *args: str, memory: int = 1024**3) -> bounded_run.Bounded:
    return bounded_run.ok(bounded_run.run([*args, str(tree)], cwd=tree.parent), memory=memory)


def entry_files(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file() and p.name != "key")


def main_tf_entry(tree: Path) -> Path:
    """Where the parse of ``tree``'s main.tf is kept (computed as the run computes it)."""
    text = (tree / "main.tf").read_bytes().decode("utf-8-sig")
    return parse_cache.entry(parse_cache.cache_key(text))


def test_a_planted_pickle_runs_no_code(tree: Path, cache: Path, tmp_path: Path) -> None:
    # Every entry of a warm cache (parse results and unit packs) replaced by a pickle that would
    # create a directory when loaded, and one planted where the parse entry of main.tf goes.
    lint(tree)
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Marker(str(marker)))
    planted = [*entry_files(cache), main_tf_entry(tree)]
    for p in planted:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(evil)
    result = lint(tree)
    assert not marker.exists()
    assert result.returncode == 1 and FINDING in result.stdout


def test_an_authentic_entry_moved_to_another_files_name_hides_nothing(
    tree: Path, cache: Path, tmp_path: Path
) -> None:
    # The forger cannot make an entry, so they copy one: the parse of a main.tf with a bare
    # cluster, made by a run over another module, put where the seed's main.tf is looked up.
    # Well-formed, written by this very code: served, it would drop the node group and the
    # finding (0 errors, exit 0).
    empty = tmp_path / "other" / "seed"
    empty.mkdir(parents=True)
    (empty / "main.tf").write_text(BARE)
    before = set(entry_files(cache))
    lint(empty)
    target = main_tf_entry(tree)
    empty_parse = parse_cache.entry(parse_cache.cache_key(BARE))
    assert empty_parse in set(entry_files(cache)) - before
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(empty_parse, target)
    result = lint(tree, "--jobs", "1")
    assert result.returncode == 1 and FINDING in result.stdout, result.stdout


def test_a_replayed_unit_pack_of_the_same_folder_hides_nothing(tree: Path, cache: Path) -> None:
    # An authentic pack, saved while main.tf had no node group, restored after the node group is
    # back: its log no longer holds, so it is recomputed.
    original = (tree / "main.tf").read_text()
    start = original.index('resource "aws_eks_node_group"')
    (tree / "main.tf").write_text(original[:start])
    assert FINDING not in lint(tree).stdout
    saved = {p: p.read_bytes() for p in entry_files(cache)}
    (tree / "main.tf").write_text(original)
    lint(tree)
    for p, data in saved.items():
        p.write_bytes(data)
    result = lint(tree)
    assert result.returncode == 1 and FINDING in result.stdout


def test_a_fifo_entry_does_not_hang_the_run(tree: Path, cache: Path) -> None:
    lint(tree, "--no-cache")  # makes nothing; the key of main.tf is computed in-process
    target = main_tf_entry(tree)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(target)
    result = bounded_run.ok(bounded_run.run([str(tree)], cwd=tree.parent, timeout=60))
    assert FINDING in result.stdout


def test_a_symlink_to_dev_zero_does_not_eat_memory(tree: Path, cache: Path) -> None:
    target = main_tf_entry(tree)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to("/dev/zero")
    result = lint(tree, "--jobs", "1", memory=512 * 1024**2)
    assert FINDING in result.stdout


def test_an_oversized_entry_is_not_read(tree: Path, cache: Path) -> None:
    # A sparse file above the size cap: refused by its size, never read into memory.
    target = main_tf_entry(tree)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as fh:
        fh.truncate(
            parse_cache.MAX_ENTRY_BYTES + 1 if hasattr(parse_cache, "MAX_ENTRY_BYTES") else 600 * 1024**2
        )
    result = lint(tree, "--jobs", "1", memory=512 * 1024**2)
    assert FINDING in result.stdout


def test_a_symlinked_entry_is_not_followed(tree: Path, cache: Path, tmp_path: Path) -> None:
    # An authentic entry the attacker points at (the bare cluster's parse) through a symlink.
    empty = tmp_path / "other" / "seed"
    empty.mkdir(parents=True)
    (empty / "main.tf").write_text(BARE)
    lint(empty)
    outside = tmp_path / "outside.entry"
    shutil.copyfile(parse_cache.entry(parse_cache.cache_key(BARE)), outside)
    target = main_tf_entry(tree)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(outside)
    result = lint(tree, "--jobs", "1")
    assert result.returncode == 1 and FINDING in result.stdout


def test_entries_and_folders_are_private(tree: Path, cache: Path) -> None:
    lint(tree)  # under umask 022
    files = entry_files(cache)
    assert files
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    for d in [cache, *(p for p in cache.rglob("*") if p.is_dir())]:
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d


def test_a_directory_others_can_write_is_not_used(tree: Path, cache: Path) -> None:
    cache.mkdir()
    cache.chmod(0o777)
    result = lint(tree)
    assert FINDING in result.stdout
    assert result.stderr.count("writable by group or others") == 1, result.stderr
    assert entry_files(cache) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_a_directory_of_another_user_is_not_used(tree: Path, cache: Path, tmp_path: Path) -> None:
    # The cross-user attack: a directory owned by another account, holding a pickle.
    lint(tree)
    marker = tmp_path / "pwned"
    for p in entry_files(cache):
        p.write_bytes(pickle.dumps(_Marker(str(marker))))
    for p in [cache, *cache.rglob("*")]:
        os.chown(p, 65534, 65534)
    result = lint(tree)
    assert not marker.exists()
    assert FINDING in result.stdout
    assert result.stderr.count("not owned by you") == 1, result.stderr


def test_an_entry_others_can_write_is_not_used(tree: Path, cache: Path) -> None:
    lint(tree)
    for p in entry_files(cache):
        p.chmod(0o666)
    result = lint(tree)
    assert FINDING in result.stdout
    assert "is writable by group or others: not used" in result.stderr


def test_a_key_others_can_read_is_replaced(tree: Path, cache: Path) -> None:
    # A key that arrived readable by others (a checkout, an archive) is no secret: replaced, so
    # every entry sealed with it is a miss.
    lint(tree)
    key = cache / "key"
    before = key.read_bytes()
    key.chmod(0o644)
    assert FINDING in lint(tree).stdout
    assert key.read_bytes() != before
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_the_temporary_file_is_created_exclusively(cache: Path, tmp_path: Path) -> None:
    # A link planted at the name of the temporary file the next store will use must not be
    # followed: the file it points at keeps its content.
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    where = parse_cache.entry("ab" + "0" * 62)
    where.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = Path(f"{where}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.symlink_to(victim)
    parse_cache.store(where, ("a value",))
    assert victim.read_text() == "precious\n"
    assert parse_cache.load(where) == ("a value",)
