"""sources/fs: one answer per question per run, logged answers, and the check that replays them."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.sources import fs


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths fs opens (its reads of file contents)."""
    seen: list[str] = []

    def counting_open(path: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(path)
        return open(path, *args, **kwargs)

    monkeypatch.setattr(fs, "open", counting_open, raising=False)  # shadows the builtin in fs
    return seen


def _recorded_read(where: Path) -> tuple[Path, list[fs.Op]]:
    """A new file and the log of one read of it."""
    f = where / "main.tf"
    f.write_text("max_size = 80\n")
    log: list[fs.Op] = []
    with fs.session(), fs.recording(log):
        fs.read(str(f), 1000)
    return f, log


def test_a_session_reads_each_file_once(tmp_path: Path, opens: list[str]) -> None:
    f = tmp_path / "a.tf"
    f.write_text("x" * 100)
    with fs.session():
        assert fs.read(str(f), 1000) == b"x" * 100
        assert fs.read(str(f), 10) == b"x" * 10
        assert fs.read(str(f), 5000) == b"x" * 100  # the whole file is already known
    assert opens == [str(f)]
    opens.clear()
    with fs.session():
        assert fs.read(str(f), 10) == b"x" * 10
        assert fs.read(str(f), 1000) == b"x" * 100  # more than was read: read again
        assert fs.read(str(f), 50) == b"x" * 50
    assert opens == [str(f), str(f)]
    f.write_text("y")
    with fs.session():  # a new run reads again
        assert fs.read(str(f), 1000) == b"y"


def test_a_read_is_bounded(tmp_path: Path) -> None:
    f = tmp_path / "big"
    f.write_bytes(b"z" * 5000)
    with fs.session():
        assert len(fs.read(str(f), 100)) == 100
        assert len(fs.read(str(f), 10_000)) == 5000


def test_an_error_is_an_answer_and_a_file_that_appears_changes_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing.tf"
    log: list[fs.Op] = []
    with fs.session(), fs.recording(log):
        for _ in range(2):
            with pytest.raises(OSError) as caught:
                fs.read(str(missing), 100)
            assert caught.value.errno == errno.ENOENT
            assert caught.value.filename == str(missing)
    assert fs.check(log)[0]
    missing.write_text("now here")
    assert not fs.check(log)[0]


def test_the_log_replays_listings_and_directory_questions(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text("a")
    log: list[fs.Op] = []
    with fs.session(), fs.recording(log):
        assert fs.listdir(str(tmp_path)) == ["a.tf"]
        assert fs.isdir(str(tmp_path / "modules")) is False
        assert fs.isfile(str(tmp_path / "a.tf")) is True
        assert fs.realpath(str(tmp_path)) == os.path.realpath(tmp_path)
    assert [q[0][0] for q in log] == ["listdir", "isdir", "isfile", "realpath"]
    assert fs.check(log)[0]
    (tmp_path / "modules").mkdir()
    assert not fs.check(log)[0]  # the listing and isdir now answer otherwise


def test_an_unsettled_file_has_no_stamp_and_is_checked_by_content(tmp_path: Path, opens: list[str]) -> None:
    f, log = _recorded_read(tmp_path)
    [(_, _, stamp)] = log
    assert stamp is None  # just written: a write in the same tick would not change its stamp
    opens.clear()
    assert fs.check(log)[0]
    assert opens == [str(f)]  # read again, digest compared
    f.write_text("max_size = 40\n")
    assert not fs.check(log)[0]


def test_a_settled_file_is_checked_by_its_stamp(
    tmp_path: Path, opens: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files written by a test are never settled (their ctime is now and cannot be set back).
    monkeypatch.setattr(fs, "SETTLED_NS", 0)
    f, log = _recorded_read(tmp_path)
    [(_, _, stamp)] = log
    assert stamp is not None
    opens.clear()
    assert fs.check(log)[0]
    assert opens == []  # not read: the stamp is the same

    # Touched (a fresh checkout): another stamp, the same content, so still unchanged, by digest.
    os.utime(f)
    assert fs.check(log)[0]
    assert opens == [str(f)]


def test_a_same_size_rewrite_with_its_mtime_put_back_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mtime can be set back (cp -p, tar, rsync -t); ctime cannot, and it is in the stamp."""
    monkeypatch.setattr(fs, "SETTLED_NS", 0)
    f, log = _recorded_read(tmp_path)
    before = os.stat(f)
    time.sleep(0.05)  # past the file system's timestamp tick
    f.write_text("max_size = 40\n")  # same size
    os.utime(f, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(f).st_mtime_ns == before.st_mtime_ns and os.stat(f).st_size == before.st_size
    assert not fs.check(log)[0]


def test_outside_a_session_fs_asks_every_time(tmp_path: Path, opens: list[str]) -> None:
    f = tmp_path / "a.tf"
    f.write_text("a")
    fs.read(str(f), 10)
    fs.read(str(f), 10)
    assert opens == [str(f), str(f)]


def test_a_check_by_content_returns_the_log_with_the_stamps_of_settled_files(
    tmp_path: Path, opens: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a checkout touched every file, the first run checks by content and stores the new
    stamps; the runs after it read nothing."""
    f, log = _recorded_read(tmp_path)
    assert log[0][2] is None
    assert fs.check(log) == (True, None)  # still unsettled: nothing better to store

    monkeypatch.setattr(fs, "SETTLED_NS", 0)
    holds, refreshed = fs.check(log)
    assert holds and refreshed is not None
    assert refreshed[0][:2] == log[0][:2] and refreshed[0][2] is not None
    opens.clear()
    assert fs.check(refreshed) == (True, None)
    assert opens == []
    f.write_text("max_size = 40\n")
    assert fs.check(refreshed) == (False, None)


def test_recordings_of_two_threads_stay_apart(tmp_path: Path) -> None:
    """A plugin host or a library caller may lint in threads: each run logs only its own reads."""
    import threading

    files = [tmp_path / "a.tf", tmp_path / "b.tf"]
    for f in files:
        f.write_text(f.name)
    logs: dict[str, list[fs.Op]] = {}
    both_recording = threading.Barrier(2)

    def run(f: Path) -> None:
        log: list[fs.Op] = []
        with fs.session(), fs.recording(log):
            both_recording.wait()
            fs.read(str(f), 100)
            both_recording.wait()
        logs[f.name] = log

    threads = [threading.Thread(target=run, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {name: [op[0][1] for op in log] for name, log in logs.items()} == {f.name: [str(f)] for f in files}


def test_a_digest_is_never_paired_with_a_later_reads_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file read in part, edited, then read further in the same run: the check of the first
    read compares the digest of the bytes the run now holds, never an older digest next to the
    newer stamp (which would then be stored and trusted)."""
    monkeypatch.setattr(fs, "SETTLED_NS", 0)
    f = tmp_path / "main.tf"
    f.write_bytes(b"a" * 100)
    log: list[fs.Op] = []
    with fs.session():
        with fs.recording(log):
            fs.read(str(f), 10)
        time.sleep(0.05)
        f.write_bytes(b"b" * 100)
        fs.read(str(f), 1000)  # more than the first read covered: read again
        assert fs.check(log) == (False, None)
