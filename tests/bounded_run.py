"""Running the command line on hostile input with its time and memory capped (importable as
``bounded_run``): an attack that would hang or exhaust memory ends as a failed test, not a stuck
suite. The child gets an address-space limit (``RLIMIT_AS``) and a CPU limit, is killed at a wall
clock timeout, and its peak resident memory is read from ``wait4``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# Generous bounds: they catch a hang or a runaway allocation, they do not time the tool.
TIMEOUT_S = 120.0
MEMORY_BYTES = 3 * 1024**3
CPU_S = 120


@dataclass
class Bounded:
    returncode: int  # negative: killed by that signal
    stdout: str
    stderr: str
    timed_out: bool
    max_rss_bytes: int


def _limits(memory: int, cpu: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    os.umask(0o022)  # a typical umask: the cache must not rely on a strict one


def run(
    args: Sequence[str],
    *,
    cwd: Path | str,
    env: Mapping[str, str] | None = None,
    argv0: Sequence[str] | None = None,
    timeout: float = TIMEOUT_S,
    memory: int = MEMORY_BYTES,
) -> Bounded:
    """``args`` run as ``argv0`` (default: this Python's ``-m eks_ip_lint``), bounded."""
    command = [*(argv0 if argv0 is not None else [sys.executable, "-m", "eks_ip_lint"]), *args]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(env if env is not None else os.environ),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            preexec_fn=lambda: _limits(memory, int(timeout) + 5),  # noqa: PLW1509
        )
        deadline = time.monotonic() + timeout
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                timed_out = True
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return Bounded(
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "backslashreplace"),
            stderr=err.read().decode("utf-8", "backslashreplace"),
            timed_out=timed_out,
            max_rss_bytes=usage.ru_maxrss * 1024,  # kilobytes on Linux
        )


def ok(result: Bounded, *, memory: int = 1024**3) -> Bounded:
    """``result`` after checking it ended by itself, without a traceback, within ``memory``."""
    assert not result.timed_out, f"did not finish within the time cap\n{result.stderr[-2000:]}"
    assert result.returncode in (0, 1, 2), f"exit {result.returncode}\n{result.stderr[-3000:]}"
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.max_rss_bytes < memory, f"peak RSS {result.max_rss_bytes} bytes"
    return result
