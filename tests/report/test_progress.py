"""progress: modules done / total on a terminal's stderr, nothing anywhere else."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import time

import pytest

from eks_ip_lint.progress import ENV_DISABLE, Progress


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _read_all(fd: int) -> bytes:
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child side closed
            return out
        if not chunk:
            return out
        out += chunk


def test_draws_on_a_real_terminal() -> None:
    """Through a pty: the child sees a terminal on stderr and draws; done() erases the line."""
    script = (
        "import sys, time\n"
        "from eks_ip_lint.progress import Progress\n"
        "with Progress(3, delay=0, interval=0) as p:\n"
        "    for name in ('infra/a', 'infra/b', 'infra/c'):\n"
        "        p.step(name)\n"
        "print('report', flush=True)\n"
    )
    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != ENV_DISABLE}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=child, env=env)
    os.close(child)
    stdout, _ = proc.communicate(timeout=30)
    err = _read_all(main).decode()
    os.close(main)
    assert proc.returncode == 0
    assert stdout == b"report\n"  # the report stream is untouched
    assert "[1/3] infra/a" in err and "[2/3] infra/b" in err and "[3/3] infra/c" in err
    assert err.endswith("\r\x1b[K")  # the line is erased at the end


def test_silent_when_stderr_is_not_a_terminal() -> None:
    script = (
        "from eks_ip_lint.progress import Progress\n"
        "p = Progress(2, delay=0, interval=0)\n"
        "p.step('a'); p.step('b'); p.done()\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30, check=True)
    assert proc.stderr == b""


def test_stringio_is_not_a_terminal() -> None:
    stream = io.StringIO()
    p = Progress(2, stream, delay=0, interval=0)
    p.step("a")
    p.done()
    assert not p.enabled
    assert stream.getvalue() == ""


def test_a_fast_run_draws_nothing() -> None:
    stream = FakeTty()
    with Progress(5, stream, delay=60) as p:
        for i in range(5):
            p.step(str(i))
    assert stream.getvalue() == ""
    assert p.count == 5


def test_redraws_are_throttled_but_the_last_step_is_shown() -> None:
    stream = FakeTty()
    with Progress(1000, stream, delay=0, interval=3600) as p:
        for i in range(1000):
            p.step(f"m{i}")
    drawn = stream.getvalue()
    assert drawn.count("\r[") == 2  # the first step, then (throttled) only the last
    assert "[1000/1000] m999" in drawn


def test_long_labels_are_cut_to_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    stream = FakeTty()
    p = Progress(10, stream, delay=0, interval=0)
    p.step("a/very/long/path/" * 10 + "end")
    line = stream.getvalue().split("\r")[-1].replace("\x1b[K", "")
    assert len(line) <= 39
    assert line.endswith("end")


def test_environment_opt_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DISABLE, "1")
    stream = FakeTty()
    p = Progress(1, stream, delay=0)
    p.step("a")
    assert stream.getvalue() == ""


def test_a_closed_terminal_stops_drawing_without_raising() -> None:
    stream = FakeTty()
    p = Progress(3, stream, delay=0, interval=0)
    stream.close()
    p.step("a")
    p.step("b")
    p.done()
    assert not p.enabled


def test_zero_total_and_done_twice() -> None:
    stream = FakeTty()
    p = Progress(0, stream, delay=0, interval=0)
    p.done()
    p.done()
    assert stream.getvalue() == ""
    assert time.monotonic() > 0
